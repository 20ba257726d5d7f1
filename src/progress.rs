//! Progress bars for long loads, on a terminal only and never with --quiet.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// A load progress display; silent when standard error is not a terminal.
pub struct LoadProgress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl LoadProgress {
    /// A spinner counting triples with their rate, unless quiet or not on a terminal.
    pub fn new(quiet: bool) -> LoadProgress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} loading: {human_pos} triples ({per_sec}) {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        LoadProgress { bar, started: Instant::now() }
    }

    /// The callback oxigraph's bulk loader calls with the number of triples so far.
    pub fn callback(&self) -> Option<Box<dyn Fn(u64) + Send + Sync>> {
        let bar = self.bar.clone()?;
        Some(Box::new(move |count| bar.set_position(count)))
    }

    /// Clears the bar; returns the elapsed seconds.
    pub fn finish(&self, _count: u64) -> f64 {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.started.elapsed().as_secs_f64()
    }
}
