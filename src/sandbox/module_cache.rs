//! The persistent compiled-module cache: Cranelift output stored under the cache folder,
//! keyed by the module's SHA-256 and the engine's compatibility hash (wasmtime version,
//! settings, host CPU features), so a second run skips compilation. Only files this cache
//! wrote are ever deserialised.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::atomic_file::write_atomically;

#[derive(Debug, Clone)]
pub struct ModuleCache {
    dir: PathBuf,
}

impl ModuleCache {
    pub fn new(dir: &Path) -> Self {
        ModuleCache {
            dir: dir.to_path_buf(),
        }
    }

    fn path_for(&self, engine: &Engine, bytes: &[u8]) -> PathBuf {
        let mut hasher = std::hash::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let module = crate::task::hex_digest(&Sha256::digest(bytes));
        self.dir
            .join(format!("{module}-{:016x}.cwasm", hasher.finish()))
    }

    /// The compiled module, from the cache when present and usable, else compiled now
    /// and stored (a failure to store only costs the next run a compilation).
    pub fn load_or_compile(&self, engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Module> {
        let path = self.path_for(engine, bytes);
        if path.is_file() {
            // SAFETY: the file was written by `Module::serialize` below, under a name that
            // binds it to these exact wasm bytes and this engine's configuration; the
            // cache folder belongs to the user running Cleanroom (docs/sandbox.md).
            if let Ok(module) = unsafe { Module::deserialize_file(engine, &path) } {
                return Ok(module);
            }
        }
        let module = Module::new(engine, bytes)?;
        if let Ok(serialized) = module.serialize() {
            let _ = std::fs::create_dir_all(&self.dir)
                .and_then(|()| write_atomically(&path, &serialized));
        }
        Ok(module)
    }
}
