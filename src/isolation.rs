//! OS isolation for processes Cleanroom starts on the host (native runs, build scripts).
//! Linux: a new network namespace (no interfaces but a down loopback), entered in the
//! child between fork and exec; a new user namespace too when not root. Elsewhere:
//! nothing, and callers report the protection as missing. Depends on nothing else.

/// Protections a native run or build can have; reports name the missing ones.
pub const NETWORK: &str = "network";
/// No mechanism confines what a native process may read or write on the host yet.
pub const FILESYSTEM_VIEW: &str = "filesystem_view";

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::process::CommandExt;
    use std::process::Command;
    use std::sync::OnceLock;

    use rustix::thread::{UnshareFlags, unshare_unsafe};

    fn flags() -> UnshareFlags {
        // Root may create a network namespace directly; others need a user namespace.
        if rustix::process::geteuid().is_root() {
            UnshareFlags::NEWNET
        } else {
            UnshareFlags::NEWUSER | UnshareFlags::NEWNET
        }
    }

    /// Makes the child enter a new network namespace before it executes.
    pub fn deny_network(command: &mut Command) {
        let flags = flags();
        // SAFETY: runs in the forked child before exec; unshare is a single system call
        // that allocates nothing, and the child has one thread, so no other thread can
        // observe its namespaces or file descriptors change.
        unsafe {
            command.pre_exec(move || unshare_unsafe(flags).map_err(std::io::Error::from));
        }
    }

    /// Whether this machine lets us create network namespaces (asked once, by starting
    /// `sh -c :` in one).
    pub fn network_isolation_available() -> bool {
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE.get_or_init(|| {
            let mut probe = Command::new("sh");
            probe.args(["-c", ":"]);
            deny_network(&mut probe);
            probe.status().is_ok_and(|status| status.success())
        })
    }
}

#[cfg(target_os = "linux")]
pub use linux::{deny_network, network_isolation_available};

#[cfg(not(target_os = "linux"))]
pub fn network_isolation_available() -> bool {
    false
}

#[cfg(not(target_os = "linux"))]
pub fn deny_network(_command: &mut std::process::Command) {}

/// The protections a confined process lacks on this machine.
pub fn missing_protections() -> Vec<&'static str> {
    if network_isolation_available() {
        vec![FILESYSTEM_VIEW]
    } else {
        vec![NETWORK, FILESYSTEM_VIEW]
    }
}

/// Denies the network to `command` when the machine allows it; returns whether it did.
pub fn confine(command: &mut std::process::Command) -> bool {
    let available = network_isolation_available();
    if available {
        deny_network(command);
    }
    available
}
