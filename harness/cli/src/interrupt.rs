//! Signals that end a run early: SIGINT (Ctrl-C), SIGTERM (what `timeout`,
//! `docker stop`, Kubernetes and CI cancellation send) and SIGHUP (a closed
//! terminal). The first cancels the run: requests in flight are dropped, the
//! cases not finished are recorded as not run, and the report is written
//! with `complete: false` (exit 3). A second signal ends the process at once,
//! also with exit 3: reports are only ever renamed into place when whole, so
//! none is left half-written, and the temporary file of an unfinished write
//! is removed by the next run.

use konform_runner::CancellationToken;

/// The exit code of a run ended by a signal (as for an incomplete run).
pub const INTERRUPTED_EXIT: i32 = 3;

/// Cancels `cancel` on the first interrupting signal and exits on the second.
pub fn cancel_on_signals(cancel: CancellationToken) {
    tokio::spawn(async move {
        let Some(mut signals) = Signals::install() else {
            eprintln!("warning: cannot listen for interrupting signals");
            return;
        };
        let name = signals.next().await;
        eprintln!(
            "\n{name}: finishing, the report is still written (marked incomplete); \
             a second signal stops at once"
        );
        cancel.cancel();
        let name = signals.next().await;
        eprintln!("{name} again: stopping now");
        std::process::exit(INTERRUPTED_EXIT);
    });
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn install() -> Option<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Self {
            interrupt: signal(SignalKind::interrupt()).ok()?,
            terminate: signal(SignalKind::terminate()).ok()?,
            hangup: signal(SignalKind::hangup()).ok()?,
        })
    }

    /// Waits for the next signal; its name.
    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "interrupted (SIGINT)",
            _ = self.terminate.recv() => "terminated (SIGTERM)",
            _ = self.hangup.recv() => "hung up (SIGHUP)",
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> Option<Self> {
        Some(Self)
    }

    async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted (Ctrl-C)"
    }
}
