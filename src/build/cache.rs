//! The build cache: a folder of content-addressed build areas and artifacts.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// `--cache-dir`, else `$CLEANROOM_CACHE_DIR`, else the user's cache folder
    /// (`$XDG_CACHE_HOME/cleanroom` or `~/.cache/cleanroom`), else `./.cleanroom-cache`.
    pub fn locate(explicit: Option<&Path>) -> Cache {
        let dir = explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("CLEANROOM_CACHE_DIR").map(PathBuf::from))
            .or_else(|| {
                std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("cleanroom"))
            })
            .or_else(|| std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/cleanroom")))
            .unwrap_or_else(|| PathBuf::from(".cleanroom-cache"));
        Cache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The build area for one content key.
    pub fn build_dir(&self, kind: &str, key: &str) -> PathBuf {
        self.dir.join(kind).join(key)
    }
}

/// A SHA-256 over every file below `root` (relative path and content, in sorted order),
/// skipping `target/` and `.git/`, plus `extra` (toolchain version, recipe version).
pub fn content_key(root: &Path, extra: &str) -> std::io::Result<String> {
    let mut files = Vec::new();
    collect(root, root, &mut files)?;
    files.sort();
    let mut hasher = Sha256::new();
    hasher.update(extra.as_bytes());
    for (relative, path) in files {
        hash_file(&mut hasher, &relative, &std::fs::read(&path)?);
    }
    Ok(crate::task::hex_digest(&hasher.finalize()))
}

/// Adds one file (relative path and content, length-prefixed) to a content hash.
pub fn hash_file(hasher: &mut Sha256, relative: &str, content: &[u8]) {
    hasher.update((relative.len() as u64).to_le_bytes());
    hasher.update(relative.as_bytes());
    hasher.update((content.len() as u64).to_le_bytes());
    hasher.update(content);
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if dir == root && (name == "target" || name == ".git") {
                continue;
            }
            collect(root, &path, files)?;
        } else if kind.is_file() {
            let relative = path
                .strip_prefix(root)
                .expect("below the root")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, path));
        }
    }
    Ok(())
}

/// Copies the tree below `from` (without `target/` and `.git/`) to `to`.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    collect(from, from, &mut files)?;
    for (relative, path) in files {
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&path, &target)?;
    }
    Ok(())
}
