//! The one place where a run's [`Limits`] are applied to a wasmtime store: memory through
//! a recording limiter, fuel, and a wall-clock deadline checked on every epoch tick.

use std::time::Instant;

use wasmtime::{ResourceLimiter, Store, UpdateDeadline};

use crate::limits::Limits;

/// Raised from the epoch callback when the wall-clock deadline has passed.
#[derive(Debug, thiserror::Error)]
#[error("the wall-clock limit was reached")]
pub struct WallTimeout;

/// Enforces the memory limit and remembers whether the program ran into it, so that a
/// guest which then aborts is classified as out of memory rather than crashed.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit_bytes: u64,
    pub hit: bool,
    pub peak_bytes: u64,
}

/// Table growth is bounded too (elements, not bytes): a table bomb is a memory limit.
pub const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.limit_bytes {
            self.hit = true;
            return Ok(false);
        }
        self.peak_bytes = self.peak_bytes.max(desired as u64);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }
}

/// What the store data must offer for limits to be applied to it.
pub trait Limited: Send + 'static {
    fn limiter(&mut self) -> &mut MemoryLimiter;
    fn deadline(&self) -> Instant;
}

pub fn memory_limiter(limits: &Limits) -> MemoryLimiter {
    MemoryLimiter {
        limit_bytes: limits.memory_bytes,
        hit: false,
        peak_bytes: 0,
    }
}

/// Applies every limit to a fresh store. `fuel_metered` says whether the engine counts
/// fuel; without a fuel limit a metered store gets an unlimited budget.
pub fn apply<T: Limited>(
    store: &mut Store<T>,
    limits: &Limits,
    fuel_metered: bool,
) -> wasmtime::Result<()> {
    store.limiter(|state| state.limiter());
    if fuel_metered {
        store.set_fuel(limits.fuel.unwrap_or(u64::MAX))?;
    }
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|context| {
        let state = context.data();
        if Instant::now() >= state.deadline() {
            return Err(wasmtime::Error::new(WallTimeout));
        }
        Ok(UpdateDeadline::Continue(1))
    });
    Ok(())
}
