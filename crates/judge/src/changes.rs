//! What a run changed in its working directory, whichever kind it had: the files found
//! after the run against the digests of the files the case placed.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::observation::{FileChange, ObservedFile};

/// Written files up to this size keep their content in the observation (for diffs and
/// recording); larger ones are compared by digest only.
pub const INLINE_FILE_BYTES: u64 = 64 * 1024;

/// SHA-256 of each file a case places, by path.
pub type Digests = HashMap<String, [u8; 32]>;

pub fn digests(files: &[(String, Vec<u8>)]) -> Digests {
    files
        .iter()
        .map(|(path, content)| (path.clone(), Sha256::digest(content).into()))
        .collect()
}

/// A file found after the run.
pub struct Found {
    pub path: String,
    pub size: u64,
    pub sha256: [u8; 32],
    /// The content, when at most [`INLINE_FILE_BYTES`].
    pub content: Option<Vec<u8>>,
}

impl Found {
    /// A file whose bytes are at hand.
    pub fn from_bytes(path: String, bytes: &[u8]) -> Self {
        let kept = (bytes.len() as u64 <= INLINE_FILE_BYTES).then(|| bytes.to_vec());
        Found {
            path,
            size: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
            content: kept,
        }
    }
}

/// Created or changed files, and placed files that are gone, sorted by path.
pub fn changes(before: &Digests, after: impl IntoIterator<Item = Found>) -> Vec<ObservedFile> {
    let mut present = HashSet::new();
    let mut changes = Vec::new();
    for found in after {
        if before.get(&found.path) != Some(&found.sha256) {
            let change = FileChange::Written {
                size: found.size,
                sha256: found.sha256,
                content: found.content,
            };
            changes.push(ObservedFile {
                path: found.path.clone(),
                change,
            });
        }
        present.insert(found.path);
    }
    for path in before.keys().filter(|path| !present.contains(*path)) {
        changes.push(ObservedFile {
            path: path.clone(),
            change: FileChange::Deleted,
        });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}
