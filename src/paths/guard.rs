//! What keeps a long graph computation bounded: the `--timeout` deadline, a face's
//! cancellation (Ctrl-C in the REPL, a closed request in the server), and a progress
//! observer. Algorithms ask `stop()` as they go and return early when it says so; the
//! command then reports why from `interrupted()`.

use oxigraph::sparql::CancellationToken;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Told how far a long computation has come.
pub trait WorkObserver: Send + Sync {
    /// `done` of `total` units (sources of a centrality, nodes of a search) are finished.
    fn advanced(&self, done: u64, total: u64);
    /// The computation ended, finished or not.
    fn finished(&self);
}

/// Why a computation stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    Timeout,
    Cancelled,
}

/// The bounds of one computation.
#[derive(Default)]
pub struct Guard {
    deadline: Option<Instant>,
    cancel: Option<CancellationToken>,
    observer: Option<Arc<dyn WorkObserver>>,
    /// 0 while running, else 1 + the `Interrupted` it stopped for.
    tripped: AtomicU8,
    /// Calls left before the clock is read again.
    countdown: AtomicU32,
}

/// How many `stop()` calls pass between two reads of the clock.
const CHECK_EVERY: u32 = 1024;

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard").field("deadline", &self.deadline).field("interrupted", &self.interrupted()).finish()
    }
}

impl Guard {
    /// A guard that never stops anything.
    pub fn none() -> Guard {
        Guard::default()
    }

    /// A guard with these bounds.
    pub fn new(
        timeout: Option<std::time::Duration>,
        cancel: Option<CancellationToken>,
        observer: Option<Arc<dyn WorkObserver>>,
    ) -> Guard {
        Guard { deadline: timeout.map(|t| Instant::now() + t), cancel, observer, ..Guard::default() }
    }

    /// A guard that stops at `deadline` (a command's one deadline, shared by its phases).
    pub fn until(
        deadline: Option<Instant>,
        cancel: Option<CancellationToken>,
        observer: Option<Arc<dyn WorkObserver>>,
    ) -> Guard {
        Guard { deadline, cancel, observer, ..Guard::default() }
    }

    /// The timeout error for `what` when this guard stopped it, else `Ok`.
    pub fn check(&self, what: &str) -> Result<(), crate::error::Error> {
        match self.interrupted() {
            Some(Interrupted::Timeout) => Err(crate::error::Error::Timeout(format!("{what} ran past the timeout"))),
            Some(Interrupted::Cancelled) => Err(crate::error::Error::Timeout(format!("{what} was cancelled"))),
            None => Ok(()),
        }
    }

    /// Whether to stop now. Cheap: the clock is read once per thousand calls.
    #[inline]
    pub fn stop(&self) -> bool {
        if self.tripped.load(Ordering::Relaxed) != 0 {
            return true;
        }
        if self.deadline.is_none() && self.cancel.is_none() {
            return false;
        }
        let left = self.countdown.load(Ordering::Relaxed);
        if left > 0 {
            self.countdown.store(left - 1, Ordering::Relaxed);
            return false;
        }
        self.countdown.store(CHECK_EVERY, Ordering::Relaxed);
        self.check_now()
    }

    /// Whether to stop, reading the clock at once (for loops whose turns are long).
    pub fn stop_now(&self) -> bool {
        self.tripped.load(Ordering::Relaxed) != 0 || self.check_now()
    }

    fn check_now(&self) -> bool {
        let why = if self.cancel.as_ref().is_some_and(CancellationToken::is_cancelled) {
            Some(Interrupted::Cancelled)
        } else if self.deadline.is_some_and(|d| Instant::now() >= d) {
            Some(Interrupted::Timeout)
        } else {
            None
        };
        match why {
            Some(why) => {
                self.tripped.store(why as u8 + 1, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Why the computation stopped early, if it did.
    pub fn interrupted(&self) -> Option<Interrupted> {
        match self.tripped.load(Ordering::Relaxed) {
            1 => Some(Interrupted::Timeout),
            2 => Some(Interrupted::Cancelled),
            _ => None,
        }
    }

    /// Reports progress to the observer, if any.
    pub fn advanced(&self, done: u64, total: u64) {
        if let Some(observer) = &self.observer {
            observer.advanced(done, total);
        }
    }

    /// Tells the observer the work is over.
    pub fn finished(&self) {
        if let Some(observer) = &self.observer {
            observer.finished();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passed_deadline_stops_within_a_thousand_calls() {
        let guard = Guard::new(Some(std::time::Duration::ZERO), None, None);
        let calls = (0..5000).take_while(|_| !guard.stop()).count();
        assert!(calls <= CHECK_EVERY as usize + 1, "{calls}");
        assert_eq!(guard.interrupted(), Some(Interrupted::Timeout));
        assert!(guard.stop(), "stays stopped");
    }

    #[test]
    fn cancellation_is_seen() {
        let token = CancellationToken::new();
        let guard = Guard::new(None, Some(token.clone()), None);
        assert!(!guard.stop_now());
        token.cancel();
        assert!(guard.stop_now());
        assert_eq!(guard.interrupted(), Some(Interrupted::Cancelled));
        assert!(!Guard::none().stop());
    }
}
