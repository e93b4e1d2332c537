//! The per-run host working directory of `--fs host`: created fresh (on tmpfs where
//! available), seeded with the run's files, preopened as the guest's `.` through
//! wasmtime-wasi, read back for changes, then removed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::changes::{self, Digests, Found, INLINE_FILE_BYTES};
use crate::observation::ObservedFile;

/// At most this many files are read back; a run that leaves more is reported as such.
pub const MAX_OBSERVED_FILES: usize = 10_000;

pub struct Workdir {
    dir: tempfile::TempDir,
    before: Digests,
}

impl Workdir {
    pub fn create(files: &[(String, Vec<u8>)]) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("cleanroom-run-")
            .tempdir_in(base_dir())?;
        for (relative, content) in files {
            let path = dir.path().join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, content)?;
        }
        Ok(Workdir {
            dir,
            before: changes::digests(files),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Files created, changed or deleted since `create`, sorted by path. Symbolic links
    /// are not followed and not reported.
    pub fn changes(&self) -> Result<Vec<ObservedFile>, String> {
        let mut paths = Vec::new();
        walk(self.dir.path(), self.dir.path(), &mut paths)
            .map_err(|err| format!("cannot read back the working directory: {err}"))?;
        let mut found = Vec::with_capacity(paths.len());
        for (relative, path) in paths {
            found.push(
                read_found(relative.clone(), &path)
                    .map_err(|err| format!("cannot read {relative}: {err}"))?,
            );
        }
        Ok(changes::changes(&self.before, found))
    }
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(root, &path, found)?;
        } else if kind.is_file() {
            if found.len() >= MAX_OBSERVED_FILES {
                return Err(std::io::Error::other(format!(
                    "the run left more than {MAX_OBSERVED_FILES} files"
                )));
            }
            let relative = path.strip_prefix(root).expect("walked below the root");
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            found.push((relative, path));
        }
    }
    Ok(())
}

/// Reads a file found after the run, hashing large ones without loading them.
fn read_found(relative: String, path: &Path) -> std::io::Result<Found> {
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() <= INLINE_FILE_BYTES {
        let mut content = Vec::new();
        file.read_to_end(&mut content)?;
        return Ok(Found::from_bytes(relative, &content));
    }
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher)?;
    Ok(Found {
        path: relative,
        size,
        sha256: hasher.finalize().into(),
        content: None,
    })
}

/// `/dev/shm` when it is a usable tmpfs (Linux), else the system temp directory.
fn base_dir() -> &'static Path {
    static BASE: OnceLock<PathBuf> = OnceLock::new();
    BASE.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        if cfg!(target_os = "linux") && tempfile::tempdir_in(shm).is_ok() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::FileChange;

    #[test]
    fn reports_created_changed_and_deleted_files_only() {
        let files = vec![
            ("same.txt".to_string(), b"same".to_vec()),
            ("edit.txt".to_string(), b"old".to_vec()),
            ("gone.txt".to_string(), b"bye".to_vec()),
        ];
        let workdir = Workdir::create(&files).unwrap();
        std::fs::write(workdir.path().join("edit.txt"), "new").unwrap();
        std::fs::remove_file(workdir.path().join("gone.txt")).unwrap();
        std::fs::create_dir(workdir.path().join("sub")).unwrap();
        std::fs::write(workdir.path().join("sub/new.bin"), vec![7u8; 70_000]).unwrap();
        let changes = workdir.changes().unwrap();
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["edit.txt", "gone.txt", "sub/new.bin"]);
        assert!(
            matches!(&changes[0].change, FileChange::Written { content: Some(c), .. } if c == b"new")
        );
        assert_eq!(changes[1].change, FileChange::Deleted);
        assert!(matches!(
            &changes[2].change,
            FileChange::Written {
                size: 70_000,
                content: None,
                ..
            }
        ));
    }
}
