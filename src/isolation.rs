//! OS isolation for processes Cleanroom starts on the host (native runs, build scripts).
//!
//! Linux: the child enters new namespaces between fork and exec (plus a user namespace
//! with its own uid mapped when not root):
//! - a network namespace (no interfaces but a down loopback) for native runs and builds;
//! - for native runs, a mount namespace whose root is a fresh read-only tmpfs holding only
//!   the system's program folders (`/usr`, `/bin`, `/lib*`, `/etc`, read-only), a few
//!   device files, the program (read-only) and the case folder (read-write), entered with
//!   chroot. The host's other files — the task, its expectations, the cache, the user's
//!   home — do not exist for the program.
//!
//! Each mechanism is probed once; a missing one is reported per run, never silently
//! dropped. Elsewhere: nothing, and reports say so. Depends on nothing else.

use std::path::Path;

/// Protections a native run or build can have; reports name the missing ones.
pub const NETWORK: &str = "network";
/// The host filesystem beyond the case folder and the program is hidden.
pub const FILESYSTEM_VIEW: &str = "filesystem_view";

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::OnceLock;

    use rustix::fs::{Mode, OFlags};
    use rustix::mount::{MountFlags, MountPropagationFlags};
    use rustix::thread::{UnshareFlags, unshare_unsafe};

    /// Host folders every program may need (executables, shared libraries, ld.so's cache,
    /// locale and time zone data), shown read-only.
    const SYSTEM_DIRS: [&str; 9] = [
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt",
    ];
    /// Device files shown read-write (they hold no host data).
    const DEVICES: [&str; 5] = [
        "/dev/null",
        "/dev/zero",
        "/dev/full",
        "/dev/random",
        "/dev/urandom",
    ];

    fn c(path: &Path) -> CString {
        CString::new(path.as_os_str().as_bytes()).expect("paths have no NUL bytes")
    }

    /// What the child does, prepared before fork (the child must not allocate).
    enum Step {
        Mkdir(CString),
        Touch(CString),
        Symlink {
            target: CString,
            link: CString,
        },
        Bind {
            source: CString,
            target: CString,
            writable: bool,
        },
    }

    /// A filesystem view for one native run: built in the parent, entered by the child.
    pub struct FsView {
        root: CString,
        steps: Vec<Step>,
        workdir: CString,
    }

    impl FsView {
        /// A view showing the system folders, `program` (read-only) and `workdir`
        /// (read-write), mounted on `root` (an empty folder).
        pub fn new(root: &Path, program: &Path, workdir: &Path) -> FsView {
            let mut steps = Vec::new();
            let mut made = std::collections::BTreeSet::new();
            let inside = |path: &Path| root.join(path.strip_prefix("/").unwrap_or(path));
            let mut mkdirs = |path: &Path, steps: &mut Vec<Step>| {
                let mut parts = PathBuf::from("/");
                for component in path.components().skip(1) {
                    parts.push(component);
                    if made.insert(parts.clone()) {
                        steps.push(Step::Mkdir(c(&inside(&parts))));
                    }
                }
            };
            for dir in SYSTEM_DIRS.map(Path::new) {
                let Ok(meta) = std::fs::symlink_metadata(dir) else {
                    continue;
                };
                if meta.file_type().is_symlink() {
                    // Merged /usr: /bin -> usr/bin and the like, kept as links.
                    if let Ok(target) = std::fs::read_link(dir) {
                        steps.push(Step::Symlink {
                            target: c(&target),
                            link: c(&inside(dir)),
                        });
                    }
                } else if meta.is_dir() {
                    mkdirs(dir, &mut steps);
                    steps.push(Step::Bind {
                        source: c(dir),
                        target: c(&inside(dir)),
                        writable: false,
                    });
                }
            }
            mkdirs(Path::new("/dev"), &mut steps);
            mkdirs(Path::new("/tmp"), &mut steps);
            for device in DEVICES.map(Path::new) {
                if device.exists() {
                    steps.push(Step::Touch(c(&inside(device))));
                    steps.push(Step::Bind {
                        source: c(device),
                        target: c(&inside(device)),
                        writable: true,
                    });
                }
            }
            // A program below a system folder (an interpreter, /bin/sh) is shown already.
            let shown = SYSTEM_DIRS.iter().any(|dir| {
                let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| PathBuf::from(dir));
                std::fs::canonicalize(program).is_ok_and(|p| p.starts_with(&dir))
                    || program.starts_with(&dir)
            });
            if !shown {
                if let Some(parent) = program.parent() {
                    mkdirs(parent, &mut steps);
                }
                steps.push(Step::Touch(c(&inside(program))));
                steps.push(Step::Bind {
                    source: c(program),
                    target: c(&inside(program)),
                    writable: false,
                });
            }
            mkdirs(workdir, &mut steps);
            steps.push(Step::Bind {
                source: c(workdir),
                target: c(&inside(workdir)),
                writable: true,
            });
            FsView {
                root: c(root),
                steps,
                workdir: c(workdir),
            }
        }

        /// Runs in the child, after unshare(NEWNS): builds the view and enters it.
        fn enter(&self) -> rustix::io::Result<()> {
            rustix::mount::mount_change(
                c"/",
                MountPropagationFlags::REC | MountPropagationFlags::PRIVATE,
            )?;
            rustix::mount::mount(
                c"cleanroom",
                self.root.as_c_str(),
                c"tmpfs",
                MountFlags::NOSUID | MountFlags::NODEV,
                Some(c"mode=0755,size=64k"),
            )?;
            for step in &self.steps {
                match step {
                    Step::Mkdir(path) => {
                        match rustix::fs::mkdir(path.as_c_str(), Mode::from(0o755)) {
                            Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                            Err(err) => return Err(err),
                        }
                    }
                    Step::Touch(path) => {
                        match rustix::fs::open(
                            path.as_c_str(),
                            OFlags::CREATE | OFlags::WRONLY | OFlags::CLOEXEC,
                            Mode::from(0o644),
                        ) {
                            Ok(_) | Err(rustix::io::Errno::ISDIR) => {}
                            Err(err) => return Err(err),
                        }
                    }
                    Step::Symlink { target, link } => {
                        rustix::fs::symlink(target.as_c_str(), link.as_c_str())?
                    }
                    Step::Bind {
                        source,
                        target,
                        writable,
                    } => {
                        rustix::mount::mount_bind(source.as_c_str(), target.as_c_str())?;
                        let mut flags = MountFlags::BIND | MountFlags::NOSUID;
                        if !writable {
                            flags |= MountFlags::RDONLY;
                        }
                        rustix::mount::mount_remount(target.as_c_str(), flags, c"")?;
                    }
                }
            }
            // Nothing but the binds is writable: no stray files in /tmp or /.
            rustix::mount::mount_remount(
                self.root.as_c_str(),
                MountFlags::RDONLY | MountFlags::NOSUID | MountFlags::NODEV,
                c"mode=0755,size=64k",
            )?;
            rustix::process::chroot(self.root.as_c_str())?;
            rustix::process::chdir(self.workdir.as_c_str())?;
            Ok(())
        }
    }

    /// Writes "deny" to setgroups and maps our own uid and gid in a new user namespace,
    /// so files the child creates in the case folder belong to us.
    struct IdMap {
        uid_map: Vec<u8>,
        gid_map: Vec<u8>,
    }

    impl IdMap {
        fn current() -> IdMap {
            let uid = rustix::process::getuid().as_raw();
            let gid = rustix::process::getgid().as_raw();
            IdMap {
                uid_map: format!("{uid} {uid} 1\n").into_bytes(),
                gid_map: format!("{gid} {gid} 1\n").into_bytes(),
            }
        }

        fn write(&self) -> rustix::io::Result<()> {
            for (path, content) in [
                (c"/proc/self/setgroups", b"deny".as_slice()),
                (c"/proc/self/uid_map", self.uid_map.as_slice()),
                (c"/proc/self/gid_map", self.gid_map.as_slice()),
            ] {
                let fd = rustix::fs::open(path, OFlags::WRONLY | OFlags::CLOEXEC, Mode::empty())?;
                rustix::io::write(&fd, content)?;
            }
            Ok(())
        }
    }

    /// Makes the child enter new namespaces before it executes: always a network
    /// namespace; with `view`, also a mount namespace showing only that view.
    pub fn enter_namespaces(command: &mut Command, view: Option<FsView>) {
        let root = rustix::process::geteuid().is_root();
        let mut flags = UnshareFlags::NEWNET;
        if view.is_some() {
            flags |= UnshareFlags::NEWNS;
        }
        // Root may create namespaces directly; others need a user namespace.
        let id_map = (!root).then(|| {
            flags |= UnshareFlags::NEWUSER;
            IdMap::current()
        });
        // SAFETY: runs in the forked child before exec. Everything it uses was allocated
        // before the fork; it only makes system calls (unshare, open, write, mkdir, mount,
        // symlink, chroot, chdir, close), and the child has one thread, so no other thread
        // can observe its namespaces or file descriptors change.
        unsafe {
            command.pre_exec(move || {
                unshare_unsafe(flags)?;
                if let Some(id_map) = &id_map {
                    id_map.write()?;
                }
                if let Some(view) = &view {
                    view.enter()?;
                }
                Ok(())
            });
        }
    }

    /// Starts `sh -c :` (from inside the view, when `with_view`) to learn whether this
    /// machine allows the namespaces.
    fn probe(with_view: bool) -> bool {
        let Ok(scratch) = tempfile::tempdir() else {
            return false;
        };
        let (root, workdir) = (scratch.path().join("root"), scratch.path().join("case"));
        if std::fs::create_dir(&root).is_err() || std::fs::create_dir(&workdir).is_err() {
            return false;
        }
        let shell = Path::new("/bin/sh");
        let mut probe = Command::new(shell);
        probe
            .args(["-c", "echo ok > probe"])
            .current_dir(&workdir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let view = with_view.then(|| FsView::new(&root, shell, &workdir));
        enter_namespaces(&mut probe, view);
        probe.status().is_ok_and(|status| status.success())
            && std::fs::read_to_string(workdir.join("probe")).is_ok_and(|s| s == "ok\n")
    }

    /// Whether this machine lets us create network namespaces (asked once).
    pub fn network_isolation_available() -> bool {
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE.get_or_init(|| probe(false))
    }

    /// Whether this machine lets us build filesystem views (asked once).
    pub fn filesystem_view_available() -> bool {
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE.get_or_init(|| network_isolation_available() && probe(true))
    }
}

/// The protections a confined native run lacks on this machine.
pub fn missing_protections() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !network_available() {
        missing.push(NETWORK);
    }
    if !view_available() {
        missing.push(FILESYSTEM_VIEW);
    }
    missing
}

#[cfg(target_os = "linux")]
fn network_available() -> bool {
    linux::network_isolation_available()
}

#[cfg(target_os = "linux")]
fn view_available() -> bool {
    linux::filesystem_view_available()
}

#[cfg(not(target_os = "linux"))]
fn network_available() -> bool {
    false
}

#[cfg(not(target_os = "linux"))]
fn view_available() -> bool {
    false
}

/// Denies the network to a build script when the machine allows it; returns whether it
/// did. (Builds see the host's files: they need the toolchains.)
pub fn confine(command: &mut std::process::Command) -> bool {
    #[cfg(target_os = "linux")]
    if network_available() {
        linux::enter_namespaces(command, None);
        return true;
    }
    let _ = command;
    false
}

/// Confines a native run of `program` in `workdir`: no network, and a filesystem view of
/// the system folders, the program and `workdir` only (mounted on `view_root`, an empty
/// folder the caller owns), as far as the machine allows (see [`missing_protections`]).
pub fn confine_run(
    command: &mut std::process::Command,
    program: &Path,
    workdir: &Path,
    view_root: &Path,
) {
    #[cfg(target_os = "linux")]
    if network_available() {
        let view = view_available().then(|| linux::FsView::new(view_root, program, workdir));
        linux::enter_namespaces(command, view);
    }
    let _ = (command, program, workdir, view_root);
}
