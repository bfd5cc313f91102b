//! One tokio runtime for both clients, and a deadline on every call to a server.
//!
//! lapin (AMQP) and tokio-postgres are asynchronous; the reality check itself is sequential, so each
//! call is driven to completion with [`Io::wait`], which gives up when the server does not answer in
//! time. A server that accepts the TCP connection and then says nothing (a wrong port, a hung broker)
//! ends the run with a clear sentence instead of waiting forever.

use super::RealError;
use std::future::Future;
use std::time::Duration;

/// How long to wait for the servers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Timeouts {
    /// Opening a connection: TCP, the protocol handshake and logging in.
    pub connect_ms: u64,
    /// Any one request after that (a query, a declare, a publish confirm).
    pub read_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        // Loopback servers answer in milliseconds; a few seconds is generous and still quick to fail.
        Timeouts {
            connect_ms: 5_000,
            read_ms: 10_000,
        }
    }
}

/// The runtime that drives the clients' connections, with the deadlines to apply.
pub struct Io {
    rt: tokio::runtime::Runtime,
    /// The deadlines.
    pub timeouts: Timeouts,
}

impl Io {
    /// A runtime with one worker thread: the clients' connection tasks (heartbeats, reading the
    /// socket) keep running between calls, while the caller waits in [`Io::wait`].
    pub fn new(timeouts: Timeouts) -> Result<Io, RealError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| RealError::Setup(format!("starting the client runtime: {e}")))?;
        Ok(Io { rt, timeouts })
    }

    /// Runs `fut` to completion within the read deadline; `what` names the call for the message.
    pub fn wait<T, E: std::error::Error>(
        &self,
        what: &str,
        fut: impl Future<Output = Result<T, E>>,
    ) -> Result<T, RealError> {
        self.within(self.timeouts.read_ms, what, fut)?
            .map_err(|e| RealError::Run(format!("{what}: {}", super::chain(&e))))
    }

    /// Runs `fut` within `ms` milliseconds: `Err(Timeout)` if it is not done by then.
    pub fn within<T>(
        &self,
        ms: u64,
        what: &str,
        fut: impl Future<Output = T>,
    ) -> Result<T, RealError> {
        self.rt
            .block_on(async { tokio::time::timeout(Duration::from_millis(ms), fut).await })
            .map_err(|_| RealError::Timeout(format!("{what}: no answer within {}", seconds(ms))))
    }

    /// Starts `fut` on the runtime in the background (a database connection's socket task).
    pub fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        self.rt.spawn(fut);
    }

    /// Enters the runtime's context, for clients that look up the current runtime when created.
    pub fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.rt.enter()
    }
}

/// `1.5 s`, `10 s`, `250 ms`.
fn seconds(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1_000) {
        format!("{} s", ms / 1_000)
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_never_answers_times_out_with_a_sentence() {
        let io = Io::new(Timeouts {
            connect_ms: 50,
            read_ms: 50,
        })
        .unwrap();
        let start = std::time::Instant::now();
        let e = io
            .wait("the test call", async {
                std::future::pending::<Result<(), std::io::Error>>().await
            })
            .unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!(
            e,
            RealError::Timeout("the test call: no answer within 50 ms".into())
        );
        assert_eq!(seconds(1_500), "1.5 s");
        assert_eq!(seconds(10_000), "10 s");
    }
}
