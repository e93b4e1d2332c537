//! Seeded randomness: SplitMix64, byte-for-byte reproducible on every platform (the web
//! demo implements the same rule). Bytes come 8 at a time, little-endian.

use std::convert::Infallible;

use rand_core::TryRng;
use sha2::{Digest, Sha256};

/// The seed for a case: the first 8 bytes (little-endian) of SHA-256 of its id. The same
/// for the reference and every candidate, different for every case.
pub fn seed_for_case(case_id: &str) -> u64 {
    let digest = Sha256::digest(case_id.as_bytes());
    u64::from_le_bytes(
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes"),
    )
}

/// SplitMix64 (Steele, Lea, Flood 2014).
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl TryRng for SplitMix64 {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.next() as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Something that owns the run's seeded generator (the store's data).
pub trait HasSeededRandom {
    fn seeded_random(&mut self) -> &mut SplitMix64;
}

/// WASI preview 1 `random_get`, filled straight from the run's SplitMix64 (8 bytes per
/// output, little-endian) so the byte stream is exactly the documented one.
pub fn random_get<T: HasSeededRandom>(
    mut caller: wasmtime::Caller<'_, T>,
    buf: i32,
    len: i32,
) -> i32 {
    const ERRNO_FAULT: i32 = 21;
    let Some(wasmtime::Extern::Memory(memory)) = caller.get_export("memory") else {
        return ERRNO_FAULT;
    };
    let (memory, state) = memory.data_and_store_mut(&mut caller);
    let start = buf as u32 as usize;
    let Some(target) = start
        .checked_add(len as u32 as usize)
        .and_then(|end| memory.get_mut(start..end))
    else {
        return ERRNO_FAULT;
    };
    let _ = state.seeded_random().try_fill_bytes(target);
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_splitmix64_sequence() {
        // Reference values for seed 1234567 from the SplitMix64 paper's C code.
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.try_next_u64().unwrap(), 6_457_827_717_110_365_317);
        assert_eq!(rng.try_next_u64().unwrap(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn fills_bytes_little_endian_eight_at_a_time() {
        let mut a = SplitMix64::new(7);
        let first = a.try_next_u64().unwrap().to_le_bytes();
        let mut b = SplitMix64::new(7);
        let mut buf = [0u8; 5];
        b.try_fill_bytes(&mut buf).unwrap();
        assert_eq!(buf, first[..5]);
    }

    #[test]
    fn seeds_differ_per_case_and_are_stable() {
        assert_eq!(seed_for_case("basic/a"), seed_for_case("basic/a"));
        assert_ne!(seed_for_case("basic/a"), seed_for_case("basic/b"));
    }
}
