//! One thread that keeps the deadlines and memory bounds of the queries and updates running
//! in place on their callers' threads: it cancels a watched token once its deadline has
//! passed or the process has grown past its ceiling, and says which. Watching costs a lock
//! and a push, not a thread, so a small query on a busy server pays next to nothing for it.
//!
//! Architecture Invariant: the watchdog only cancels tokens; the evaluation notices at its
//! next check (oxigraph's, and the product guards' of `products`). A caller that must
//! answer on time whatever the engine does (a one-shot command, the REPL) evaluates on a
//! query worker instead (`embedded::Embedded::query`); the server's listener bounds its
//! request threads by the server's timeout.

use oxigraph::sparql::CancellationToken;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::time::{Duration, Instant};

/// Why a watched token was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fired {
    Deadline,
    Memory,
}

const NOT_FIRED: u8 = 0;
const FIRED_DEADLINE: u8 = 1;
const FIRED_MEMORY: u8 = 2;

/// How often the watchdog looks at the process's memory while anything is watched.
const TICK: Duration = Duration::from_millis(25);

/// A resident-size reading older than this is read again for a new watch's ceiling.
const FRESH: Duration = Duration::from_secs(1);

struct Entry {
    id: u64,
    deadline: Option<Instant>,
    ceiling: Option<u64>,
    token: CancellationToken,
    fired: Arc<AtomicU8>,
}

struct Watchdog {
    entries: Mutex<Vec<Entry>>,
    wake: Condvar,
    next_id: AtomicU64,
    /// The last resident size read, and when.
    resident: Mutex<Option<(Instant, u64)>>,
}

static WATCHDOG: Watchdog = Watchdog {
    entries: Mutex::new(Vec::new()),
    wake: Condvar::new(),
    next_id: AtomicU64::new(0),
    resident: Mutex::new(None),
};

static STARTED: Once = Once::new();

/// A watched evaluation; dropping it ends the watch.
pub(super) struct Watch {
    id: u64,
    fired: Arc<AtomicU8>,
}

impl Watch {
    /// Why the token was cancelled by the watchdog, if it was.
    pub(super) fn fired(&self) -> Option<Fired> {
        match self.fired.load(Ordering::SeqCst) {
            FIRED_DEADLINE => Some(Fired::Deadline),
            FIRED_MEMORY => Some(Fired::Memory),
            _ => None,
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut entries = WATCHDOG.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|entry| entry.id != self.id);
    }
}

/// The process's resident size, read again when the last reading is not fresh.
fn resident_now() -> Option<u64> {
    let mut last = WATCHDOG.resident.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((at, bytes)) = *last {
        if at.elapsed() < FRESH {
            return Some(bytes);
        }
    }
    let bytes = crate::limits::resident_bytes()?;
    *last = Some((Instant::now(), bytes));
    Some(bytes)
}

/// Watches `token`: cancelled at `deadline`, or once the process has grown by more than
/// `max_growth` bytes from now. `None` when the watchdog's thread cannot be started.
pub(super) fn watch(deadline: Option<Instant>, max_growth: Option<u64>, token: &CancellationToken) -> Option<Watch> {
    let mut started = true;
    STARTED.call_once(|| {
        started = std::thread::Builder::new().name("stratagraph-watchdog".to_owned()).spawn(run).is_ok();
    });
    if !started {
        return None;
    }
    let ceiling = max_growth.and_then(|max| resident_now().map(|now| now.saturating_add(max)));
    let id = WATCHDOG.next_id.fetch_add(1, Ordering::Relaxed);
    let fired = Arc::new(AtomicU8::new(NOT_FIRED));
    let entry = Entry { id, deadline, ceiling, token: token.clone(), fired: fired.clone() };
    let mut entries = WATCHDOG.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let idle = entries.is_empty();
    entries.push(entry);
    drop(entries);
    // A watchdog with entries wakes at every tick anyway, so a deadline is kept to within a
    // tick; only an idle one is woken, so that a busy server's queries do not wake it each.
    if idle {
        WATCHDOG.wake.notify_one();
    }
    Some(Watch { id, fired })
}

/// The watchdog's loop: asleep while nothing is watched, else awake at each tick or at the
/// nearest deadline, whichever comes first.
fn run() {
    let mut entries = WATCHDOG.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        if entries.is_empty() {
            entries = WATCHDOG.wake.wait(entries).unwrap_or_else(std::sync::PoisonError::into_inner);
            continue;
        }
        let now = Instant::now();
        let resident = if entries.iter().any(|e| e.ceiling.is_some()) {
            let bytes = crate::limits::resident_bytes();
            if let Some(bytes) = bytes {
                *WATCHDOG.resident.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((now, bytes));
            }
            bytes
        } else {
            None
        };
        let mut wait = TICK;
        for entry in entries.iter() {
            if entry.fired.load(Ordering::SeqCst) != NOT_FIRED {
                continue;
            }
            let why = if entry.deadline.is_some_and(|d| now >= d) {
                FIRED_DEADLINE
            } else if entry.ceiling.zip(resident).is_some_and(|(ceiling, bytes)| bytes > ceiling) {
                FIRED_MEMORY
            } else {
                NOT_FIRED
            };
            if why != NOT_FIRED {
                entry.fired.store(why, Ordering::SeqCst);
                entry.token.cancel();
            } else if let Some(deadline) = entry.deadline {
                wait = wait.min(deadline.saturating_duration_since(now));
            }
        }
        entries = WATCHDOG
            .wake
            .wait_timeout(entries, wait.max(Duration::from_millis(1)))
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_fires_at_its_deadline_and_not_before() {
        let token = CancellationToken::new();
        let watch = watch(Some(Instant::now() + Duration::from_millis(60)), None, &token).unwrap();
        assert!(!token.is_cancelled());
        assert_eq!(watch.fired(), None);
        let started = Instant::now();
        while !token.is_cancelled() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(token.is_cancelled());
        assert_eq!(watch.fired(), Some(Fired::Deadline));
        // A watch dropped before its deadline never fires.
        let other = CancellationToken::new();
        drop(super::watch(Some(Instant::now() + Duration::from_millis(30)), None, &other).unwrap());
        std::thread::sleep(Duration::from_millis(100));
        assert!(!other.is_cancelled());
    }
}
