//! Cleanroom's judgement, with no I/O and no runtime: what a run did (`observation`), what
//! a case expects (`expect`), the verdict (`compare`), what a run changed in its working
//! directory (`changes`), and the metrics (`metrics`). The `cleanroom` crate re-exports
//! these modules; the web demo calls the same code compiled to WebAssembly through `api`.

pub mod api;
pub mod changes;
pub mod compare;
pub mod expect;
pub mod metrics;
pub mod observation;
pub mod wire;
