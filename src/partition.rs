//! Sharding a run across machines: `hash:K/N` puts each case in exactly one of N shards
//! by a hash of its task and case id. Depends on nothing else in the crate.
//!
//! Stability promise: the assignment depends only on the task id, the case id and N,
//! never on the machine, the order of tasks or cases, or the Cleanroom version (the
//! `v1` in the hashed text changes only with a documented migration).

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// 1-based shard number.
    pub index: u64,
    pub count: u64,
}

impl Partition {
    /// Parses `hash:K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Partition, String> {
        let usage =
            || format!("--partition {text:?}: expected hash:K/N with 1 <= K <= N, e.g. hash:1/4");
        let spec = text.strip_prefix("hash:").ok_or_else(usage)?;
        let (index, count) = spec.split_once('/').ok_or_else(usage)?;
        let index: u64 = index.parse().map_err(|_| usage())?;
        let count: u64 = count.parse().map_err(|_| usage())?;
        if index == 0 || count == 0 || index > count {
            return Err(usage());
        }
        Ok(Partition { index, count })
    }

    /// Whether the case belongs to this shard.
    pub fn contains(&self, task_id: &str, case_id: &str) -> bool {
        shard_of(task_id, case_id, self.count) == self.index
    }
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hash:{}/{}", self.index, self.count)
    }
}

/// The 1-based shard of a case among `count`: SHA-256 of `cleanroom-partition-v1`, NUL,
/// the task id, NUL, the case id; its first 8 bytes little-endian, modulo `count`, plus 1.
pub fn shard_of(task_id: &str, case_id: &str, count: u64) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(b"cleanroom-partition-v1\0");
    hasher.update(task_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(case_id.as_bytes());
    let digest = hasher.finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("32-byte digest")) % count + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_well_formed_specs() {
        assert_eq!(
            Partition::parse("hash:2/3"),
            Ok(Partition { index: 2, count: 3 })
        );
        for bad in [
            "2/3",
            "hash:0/3",
            "hash:4/3",
            "hash:1/0",
            "hash:a/b",
            "hash:1",
            "round:1/2",
        ] {
            assert!(Partition::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Partition::parse("hash:2/3").unwrap().to_string(),
            "hash:2/3"
        );
    }

    #[test]
    fn every_case_is_in_exactly_one_shard_and_shards_are_balanced() {
        let count = 4;
        let mut sizes = [0usize; 4];
        for i in 0..4000 {
            let case = format!("file/case-{i}");
            let owners: Vec<u64> = (1..=count)
                .filter(|&k| Partition { index: k, count }.contains("task", &case))
                .collect();
            assert_eq!(owners.len(), 1);
            sizes[owners[0] as usize - 1] += 1;
        }
        assert!(sizes.iter().all(|&n| (850..1150).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn the_assignment_is_pinned() {
        // A changed assignment breaks users' sharded pipelines: only with a migration.
        let shards: Vec<u64> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|c| shard_of("wordfreq", c, 3))
            .collect();
        assert_eq!(shards, PINNED);
    }

    const PINNED: [u64; 5] = [3, 3, 1, 3, 3];
}
