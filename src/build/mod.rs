//! Turns a reference or candidate into an artifact (a wasm module or native executable on
//! disk, with its SHA-256). Everything is built in a content-addressed area under the
//! cache, so a submission folder is never modified and the same sources are built once:
//! Cargo packages, `compile.sh` submissions, C projects, task build scripts, and crates
//! installed from the registry.

mod area;
mod artifact;
mod c_project;
mod cache;
mod cargo;
mod command;
mod crate_install;
mod process;
mod script;
mod source;
mod toolchain;
mod wasi_c;

pub use artifact::{Artifact, ArtifactKind, BuildError, Built};
pub use cache::Cache;
pub use source::{
    BuildPlan, CommandRecipe, CrateRecipe, DEFAULT_RECIPE_TIMEOUT, Source, Toolchain,
};

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
        Source::Command(recipe) => command::build(recipe, cache, notify),
        Source::Crate(recipe) => crate_install::build(recipe, cache, notify),
        Source::Script { dir, script } => script::build(dir, script, cache, notify),
        Source::CProject(dir) => c_project::build(dir, cache, notify),
    }
}
