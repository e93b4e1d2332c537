//! A content-addressed build area: one folder per (kind, key) under the cache, locked
//! across processes while a build runs, holding a copy of the sources (the submission
//! folder is never touched) and, once built, the artifact published atomically.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::BuildError;
use super::cache::{Cache, copy_tree};

/// Names of a finished artifact in its area, by kind.
const FINISHED: [&str; 2] = ["artifact.wasm", "artifact.native"];

pub enum Opened {
    /// Built before: the artifact's path.
    Done(PathBuf),
    /// Not built yet; this process holds the area's lock until the area is dropped.
    Locked(BuildArea),
}

pub struct BuildArea {
    dir: PathBuf,
    _lock: File,
}

pub fn open(cache: &Cache, kind: &str, key: &str) -> Result<Opened, BuildError> {
    let dir = cache.build_dir(kind, key);
    if let Some(done) = finished(&dir) {
        return Ok(Opened::Done(done));
    }
    let io = |err: std::io::Error| {
        BuildError::Io(format!(
            "cannot prepare the build area {}: {err}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let lock = File::create(dir.join(".lock")).map_err(io)?;
    lock.lock().map_err(io)?;
    // Another process may have finished the build while we waited for the lock.
    if let Some(done) = finished(&dir) {
        return Ok(Opened::Done(done));
    }
    Ok(Opened::Locked(BuildArea { dir, _lock: lock }))
}

/// The artifact of an area built before.
pub fn reuse(path: &Path) -> Result<super::Built, BuildError> {
    super::artifact::from_file(path).map(|artifact| super::Built {
        artifact,
        cached: true,
    })
}

fn finished(dir: &Path) -> Option<PathBuf> {
    FINISHED
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

impl BuildArea {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A fresh copy of `from` (without `target/` and `.git/`) to build in.
    pub fn copy_sources(&self, from: &Path) -> Result<PathBuf, BuildError> {
        let source = self.dir.join("src");
        let io = |err: std::io::Error| {
            BuildError::Io(format!(
                "cannot copy {} into {}: {err}",
                from.display(),
                source.display()
            ))
        };
        if source.exists() {
            std::fs::remove_dir_all(&source).map_err(io)?;
        }
        copy_tree(from, &source).map_err(io)?;
        Ok(source)
    }

    /// Publishes `file` as the area's artifact (`native` selects the kind) and returns it,
    /// freshly built. Readers never see a half-copied file.
    pub fn publish(&self, file: &Path, native: bool) -> Result<super::Built, BuildError> {
        let done = self.dir.join(FINISHED[usize::from(native)]);
        let temp = self
            .dir
            .join(format!("artifact.{}.tmp", std::process::id()));
        std::fs::copy(file, &temp)
            .and_then(|_| {
                if native {
                    make_executable(&temp)
                } else {
                    Ok(())
                }
            })
            .and_then(|_| std::fs::rename(&temp, &done))
            .map_err(|err| BuildError::Io(format!("cannot publish {}: {err}", file.display())))?;
        super::artifact::from_file(&done).map(|artifact| super::Built {
            artifact,
            cached: false,
        })
    }
}

/// A native artifact must be executable whatever mode the build left on it (a build script
/// that writes `$CLEANROOM_OUT` with `cp` keeps the file's original, non-executable mode).
#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
