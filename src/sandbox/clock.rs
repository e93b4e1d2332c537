//! Virtual time: one counter per run that every clock read and every sleep advances, so
//! time-dependent programs print the same thing on every run and sleeping costs nothing.
//! Also the `poll_oneoff` replacement that turns sleeps into clock advances.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wasmtime::{Caller, Extern};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock};

/// The wall clock at the start of every run: 2024-01-01T00:00:00Z.
pub const START_WALL_CLOCK_SECS: u64 = 1_704_067_200;
/// Each clock read advances virtual time by this much (1 ms, as wazero does), so
/// busy-waiting loops end and elapsed-time measurements are non-zero.
pub const TICK_NANOS: u64 = 1_000_000;

/// Nanoseconds of virtual monotonic time since the run started.
#[derive(Clone, Default)]
pub struct VirtualClock {
    nanos: Arc<AtomicU64>,
}

impl VirtualClock {
    /// Reads the clock, advancing it by one tick.
    fn read(&self) -> u64 {
        self.nanos.fetch_add(TICK_NANOS, Ordering::Relaxed) + TICK_NANOS
    }

    fn peek(&self) -> u64 {
        self.nanos.load(Ordering::Relaxed)
    }

    /// Moves time forward to `nanos` (never backwards).
    fn advance_to(&self, nanos: u64) {
        self.nanos.fetch_max(nanos, Ordering::Relaxed);
    }

    /// The virtual wall clock in nanoseconds since the Unix epoch, without advancing it
    /// (file timestamps).
    pub fn wall_nanos(&self) -> u64 {
        START_WALL_CLOCK_SECS * 1_000_000_000 + self.peek()
    }

    pub fn wall(&self) -> WallClock {
        WallClock(self.clone())
    }

    pub fn monotonic(&self) -> MonotonicClock {
        MonotonicClock(self.clone())
    }
}

pub struct WallClock(VirtualClock);
pub struct MonotonicClock(VirtualClock);

impl HostWallClock for WallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(TICK_NANOS)
    }
    fn now(&self) -> Duration {
        Duration::from_secs(START_WALL_CLOCK_SECS) + Duration::from_nanos(self.0.read())
    }
}

impl HostMonotonicClock for MonotonicClock {
    fn resolution(&self) -> u64 {
        TICK_NANOS
    }
    fn now(&self) -> u64 {
        self.0.read()
    }
}

const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const EVENTTYPE_CLOCK: u8 = 0;
const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;
const SUBCLOCKFLAG_ABSTIME: u16 = 1;

/// Something that owns the run's virtual clock (the store's data).
pub trait HasVirtualClock {
    fn virtual_clock(&self) -> &VirtualClock;
}

/// WASI preview 1 `poll_oneoff` over virtual time. File-descriptor subscriptions are
/// reported ready at once (all our streams are in memory); otherwise the clock jumps to
/// the earliest deadline and those clock subscriptions fire. Never blocks the host.
/// Malformed input gives an errno, never a host panic.
pub fn poll_oneoff<T: HasVirtualClock>(
    mut caller: Caller<'_, T>,
    subscriptions: i32,
    events: i32,
    count: i32,
    events_written: i32,
) -> i32 {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return ERRNO_FAULT;
    };
    let clock = caller.data().virtual_clock().clone();
    let memory = memory.data_mut(&mut caller);
    let count = count as u32 as usize;
    if count == 0 {
        return ERRNO_INVAL;
    }
    let Some(subs) = slice(memory, subscriptions, count * SUBSCRIPTION_SIZE) else {
        return ERRNO_FAULT;
    };
    let subs = subs.to_vec();
    let now = clock.peek();
    let mut ready_fds = Vec::new();
    let mut clocks = Vec::new();
    for sub in subs.chunks_exact(SUBSCRIPTION_SIZE) {
        let userdata = u64::from_le_bytes(sub[0..8].try_into().unwrap());
        match sub[8] {
            EVENTTYPE_CLOCK => {
                let id = u32::from_le_bytes(sub[16..20].try_into().unwrap());
                let timeout = u64::from_le_bytes(sub[24..32].try_into().unwrap());
                let flags = u16::from_le_bytes(sub[40..42].try_into().unwrap());
                let absolute = flags & SUBCLOCKFLAG_ABSTIME != 0;
                let deadline = match (id, absolute) {
                    (CLOCK_MONOTONIC | CLOCK_REALTIME, false) => now.saturating_add(timeout),
                    (CLOCK_MONOTONIC, true) => timeout,
                    (CLOCK_REALTIME, true) => {
                        timeout.saturating_sub(START_WALL_CLOCK_SECS * 1_000_000_000)
                    }
                    _ => return ERRNO_INVAL,
                };
                clocks.push((userdata, deadline));
            }
            tag @ (1 | 2) => ready_fds.push((userdata, tag)),
            _ => return ERRNO_INVAL,
        }
    }
    let fired: Vec<(u64, u8)> = if !ready_fds.is_empty() {
        ready_fds
    } else {
        let earliest = clocks
            .iter()
            .map(|&(_, deadline)| deadline)
            .min()
            .unwrap_or(now);
        clock.advance_to(earliest);
        clocks
            .iter()
            .filter(|&&(_, deadline)| deadline <= earliest.max(now))
            .map(|&(userdata, _)| (userdata, EVENTTYPE_CLOCK))
            .collect()
    };
    let Some(out) = slice(memory, events, fired.len() * EVENT_SIZE) else {
        return ERRNO_FAULT;
    };
    for (event, (userdata, kind)) in out.chunks_exact_mut(EVENT_SIZE).zip(&fired) {
        event.fill(0);
        event[0..8].copy_from_slice(&userdata.to_le_bytes());
        event[10] = *kind;
    }
    let Some(written) = slice(memory, events_written, 4) else {
        return ERRNO_FAULT;
    };
    written.copy_from_slice(&(fired.len() as u32).to_le_bytes());
    ERRNO_SUCCESS
}

fn slice(memory: &mut [u8], pointer: i32, len: usize) -> Option<&mut [u8]> {
    let start = pointer as u32 as usize;
    memory.get_mut(start..start.checked_add(len)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_advances_and_sleeps_jump() {
        let clock = VirtualClock::default();
        let monotonic = clock.monotonic();
        assert_eq!(monotonic.now(), TICK_NANOS);
        assert_eq!(monotonic.now(), 2 * TICK_NANOS);
        clock.advance_to(3_600 * 1_000_000_000);
        assert_eq!(monotonic.now(), 3_600 * 1_000_000_000 + TICK_NANOS);
        clock.advance_to(5);
        assert!(clock.peek() > 5, "time never goes backwards");
        let wall = clock.wall().now();
        assert!(wall.as_secs() >= START_WALL_CLOCK_SECS + 3_600);
    }
}
