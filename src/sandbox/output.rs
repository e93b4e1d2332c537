//! Captured stdout/stderr with a hard cap: the first `limit` bytes are kept and the first
//! write past the cap traps the guest, so a flood costs the evaluator no more than the cap.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

use crate::observation::Stream;

/// Raised (as a trap) by the write that crosses the limit.
#[derive(Debug, thiserror::Error)]
#[error("{} exceeded the output limit", stream.name())]
pub struct OutputLimitExceeded {
    pub stream: Stream,
}

#[derive(Clone)]
pub struct CapturedOutput {
    inner: Arc<Mutex<Buffer>>,
    limit: usize,
    stream: Stream,
}

#[derive(Default)]
struct Buffer {
    bytes: Vec<u8>,
    exceeded: bool,
}

impl CapturedOutput {
    pub fn new(stream: Stream, limit: u64) -> Self {
        CapturedOutput {
            inner: Arc::default(),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            stream,
        }
    }

    pub fn stream(&self) -> Stream {
        self.stream
    }

    pub fn exceeded(&self) -> bool {
        self.lock().exceeded
    }

    /// The captured bytes (at most the limit).
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.lock().bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        // A poisoned buffer still holds valid bytes.
        self.inner
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Appends what fits; returns false when the write crossed the limit.
    pub fn append(&self, data: &[u8]) -> bool {
        let mut buffer = self.lock();
        let room = self.limit.saturating_sub(buffer.bytes.len());
        if data.len() > room || buffer.exceeded {
            buffer
                .bytes
                .extend_from_slice(&data[..room.min(data.len())]);
            buffer.exceeded = true;
            return false;
        }
        buffer.bytes.extend_from_slice(data);
        true
    }

    /// The trap that ends a run whose output crossed the limit.
    pub fn limit_error_value(&self) -> wasmtime::Error {
        wasmtime::Error::new(OutputLimitExceeded {
            stream: self.stream,
        })
    }

    fn limit_error(&self) -> StreamError {
        StreamError::Trap(self.limit_error_value())
    }
}

impl IsTerminal for CapturedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CapturedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

/// How much a single write may offer; the stream never blocks.
const WRITE_PERMIT: usize = 64 * 1024;

impl OutputStream for CapturedOutput {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        if self.append(&bytes) {
            Ok(())
        } else {
            Err(self.limit_error())
        }
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        if self.exceeded() {
            Err(self.limit_error())
        } else {
            Ok(WRITE_PERMIT)
        }
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for CapturedOutput {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for CapturedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.append(buf) {
            Poll::Ready(Ok(buf.len()))
        } else {
            Poll::Ready(Err(std::io::Error::other(OutputLimitExceeded {
                stream: self.stream,
            })))
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_exactly_the_limit_and_flags_the_overflow() {
        let mut out = CapturedOutput::new(Stream::Stdout, 5);
        assert!(out.write(Bytes::from_static(b"abc")).is_ok());
        assert!(!out.exceeded());
        assert!(out.write(Bytes::from_static(b"defg")).is_err());
        assert!(out.exceeded());
        assert_eq!(out.take(), b"abcde");
    }

    #[test]
    fn writing_exactly_the_limit_is_allowed() {
        let mut out = CapturedOutput::new(Stream::Stderr, 3);
        assert!(out.write(Bytes::from_static(b"abc")).is_ok());
        assert!(!out.exceeded());
    }
}
