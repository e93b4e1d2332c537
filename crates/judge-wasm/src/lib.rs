//! A C ABI over `cleanroom_judge::api` for the web demo (wasm32-unknown-unknown, no
//! imports): the page allocates a buffer, writes JSON into it, calls a function, and
//! reads the JSON answer at `cleanroom_output_ptr`/`cleanroom_output_len`.
//!
//! A plain ABI instead of wasm-bindgen: two calls need ~20 lines of JS glue, and
//! wasm-bindgen's CLI must match the crate version exactly (a long install on every CI
//! machine).

use std::cell::RefCell;

thread_local! {
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes for the caller to fill; give it back with `cleanroom_free`.
#[unsafe(no_mangle)]
pub extern "C" fn cleanroom_alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

/// Frees a buffer from `cleanroom_alloc`.
///
/// # Safety
/// `pointer` and `len` must be exactly what `cleanroom_alloc` returned and was given.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cleanroom_free(pointer: *mut u8, len: usize) {
    // SAFETY: the caller passes back a buffer of this capacity from `cleanroom_alloc`.
    drop(unsafe { Vec::from_raw_parts(pointer, 0, len) });
}

/// Judges a run: `api::JudgeRequest` JSON in, `api::JudgeResponse` JSON out. Returns 0,
/// or 1 with an error message as the output.
///
/// # Safety
/// `pointer..pointer+len` must be initialised memory from `cleanroom_alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cleanroom_judge(pointer: *const u8, len: usize) -> u32 {
    // SAFETY: as documented above.
    call("judge", unsafe { std::slice::from_raw_parts(pointer, len) })
}

/// Metrics: `api::SummaryRequest` JSON in, `metrics::Summary` JSON out; returns as
/// `cleanroom_judge`.
///
/// # Safety
/// As `cleanroom_judge`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cleanroom_summary(pointer: *const u8, len: usize) -> u32 {
    // SAFETY: as documented above.
    call("summary", unsafe {
        std::slice::from_raw_parts(pointer, len)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn cleanroom_output_ptr() -> *const u8 {
    OUTPUT.with(|output| output.borrow().as_ptr())
}

#[unsafe(no_mangle)]
pub extern "C" fn cleanroom_output_len() -> usize {
    OUTPUT.with(|output| output.borrow().len())
}

fn call(function: &str, input: &[u8]) -> u32 {
    let (code, text) = match cleanroom_judge::api::call(function, input) {
        Ok(text) => (0, text),
        Err(message) => (1, message),
    };
    OUTPUT.with(|output| *output.borrow_mut() = text.into_bytes());
    code
}
