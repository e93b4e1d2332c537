//! Turns a reference or candidate into an artifact (a wasm module on disk with its
//! SHA-256). Cargo packages are built in a copy under the cache, keyed by their content,
//! so the submission folder is never modified and the same sources are built once.

mod area;
mod artifact;
mod cache;
mod cargo;
mod command;
mod process;
mod script;
mod source;
mod toolchain;

pub use artifact::{Artifact, ArtifactKind, BuildError, Built};
pub use cache::Cache;
pub use source::Source;

/// Receives one-line notes about slow steps ("building …", "installing …").
pub type Notify<'a> = &'a mut dyn FnMut(String);

/// Builds (or finds in the cache) the artifact for `source`.
pub fn build(source: &Source, cache: &Cache, notify: Notify<'_>) -> Result<Built, BuildError> {
    match source {
        Source::Prebuilt(path) => artifact::from_file(path).map(|artifact| Built {
            artifact,
            cached: true,
        }),
        Source::Cargo(dir) => cargo::build(dir, cache, notify),
        Source::Command(script) => command::build(script, cache, notify),
        Source::Script { dir, script } => script::build(dir, script, cache, notify),
    }
}
