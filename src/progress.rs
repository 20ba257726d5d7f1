//! The progress bar of long loads: on a terminal only, never with `--quiet`. Its length is
//! the inputs' size in bytes; its message counts the triples written and their rate.

use crate::backend::LoadObserver;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Instant;

/// A load's progress display; `observer` is `None` when nothing is shown.
pub struct LoadProgress {
    bar: Option<ProgressBar>,
}

struct Bar {
    bar: ProgressBar,
    started: Instant,
}

impl LoadObserver for Bar {
    fn bytes_read(&self, added: u64) {
        self.bar.inc(added);
    }

    fn triples_written(&self, total: u64) {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!("{total} triples, {:.0} triples/s", total as f64 / seconds));
    }
}

impl LoadProgress {
    /// A bar over `total_bytes`, unless quiet or standard error is not a terminal.
    pub fn new(quiet: bool, total_bytes: u64) -> LoadProgress {
        LoadProgress { bar: (!quiet && std::io::stderr().is_terminal()).then(|| bar(total_bytes)) }
    }

    /// What the loader reports to, when a bar is shown.
    pub fn observer(&self) -> Option<Arc<dyn LoadObserver>> {
        let bar = self.bar.clone()?;
        Some(Arc::new(Bar { bar, started: Instant::now() }))
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn bar(total_bytes: u64) -> ProgressBar {
    let bar = ProgressBar::new(total_bytes);
    bar.set_style(
        ProgressStyle::with_template(
            "loading {wide_bar} {percent:>3}% {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}) {msg} {elapsed}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("parsing");
    bar
}

/// The CLI's and REPL's progress display for the commands that write: one bar per write.
pub struct TerminalProgress {
    quiet: bool,
    current: std::sync::Mutex<Option<LoadProgress>>,
}

impl TerminalProgress {
    /// A display that shows nothing when `quiet`.
    pub fn new(quiet: bool) -> TerminalProgress {
        TerminalProgress { quiet, current: std::sync::Mutex::new(None) }
    }
}

impl crate::commands::data::Progress for TerminalProgress {
    fn begin(&self, total_bytes: u64) -> Option<Arc<dyn LoadObserver>> {
        let progress = LoadProgress::new(self.quiet, total_bytes);
        let observer = progress.observer();
        if let Ok(mut current) = self.current.lock() {
            *current = Some(progress);
        }
        observer
    }

    fn end(&self) {
        if let Some(progress) = self.current.lock().ok().and_then(|mut c| c.take()) {
            progress.finish();
        }
    }

    fn work(&self, what: &'static str) -> Option<Arc<dyn crate::paths::guard::WorkObserver>> {
        (!self.quiet && std::io::stderr().is_terminal()).then(|| Arc::new(WorkBar::new(what)) as Arc<_>)
    }
}

/// A computation's bar: hidden for its first second, so quick answers show none.
struct WorkBar {
    bar: ProgressBar,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl WorkBar {
    fn new(what: &str) -> WorkBar {
        let bar = ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(what.to_owned());
        WorkBar { bar, started: Instant::now(), shown: std::sync::atomic::AtomicBool::new(false) }
    }
}

impl crate::paths::guard::WorkObserver for WorkBar {
    fn advanced(&self, done: u64, total: u64) {
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed().as_secs_f64() >= 1.0 {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn finished(&self) {
        self.bar.finish_and_clear();
    }
}

/// A spinner on standard error while a kept view is built (installed with
/// `views::show_builds_with` by faces that run on a terminal): building the views of a
/// large store takes a while once per state of it, and the wait should say why.
pub fn view_build_spinner(kind: &str) -> Option<Box<dyn FnOnce() + Send>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message(format!("building the kept view `{kind}` for this state of the store"));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(Box::new(move || spinner.finish_and_clear()))
}
