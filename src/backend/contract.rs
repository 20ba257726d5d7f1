//! The contract's types, below both backends: what a query answers, how an evaluation may
//! run, what a backend can do, and what a load takes and reports.

use crate::error::Error;
use oxigraph::io::RdfFormat;
use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::CancellationToken;
use std::path::PathBuf;
use std::time::Duration;

/// A query's answer, fully read.
#[derive(Debug, Clone)]
pub enum Answer {
    /// SELECT: variables and rows (unbound cells are `None`).
    Solutions { variables: Vec<Variable>, rows: Vec<Vec<Option<Term>>> },
    /// ASK.
    Boolean(bool),
    /// CONSTRUCT or DESCRIBE.
    Graph(Vec<Triple>),
    /// An update ran.
    Updated { quads_before: usize, quads_after: usize },
}

/// How one evaluation may run: its time, its reach, and who may cancel it.
#[derive(Clone, Default)]
pub struct Evaluation {
    /// Cancel after this long (on a remote engine: the HTTP request's timeout too).
    pub timeout: Option<Duration>,
    /// SERVICE and LOAD may reach the network.
    pub allow_service: bool,
    /// A token a face can cancel (Ctrl-C in the REPL).
    pub cancel: Option<CancellationToken>,
    /// The most rows or triples the answer may hold; `None` for the program's own reads.
    pub max_rows: Option<usize>,
    /// How many bytes the evaluation may grow the process by; `None`: unbounded.
    pub max_memory: Option<u64>,
}

impl Evaluation {
    /// The error for an answer that grew past `max_rows`.
    pub fn too_many_rows(&self) -> crate::error::Error {
        crate::error::Error::input(
            format!("the answer has more than {} rows", self.max_rows.unwrap_or_default()),
            Some("add LIMIT or narrow the query; --max-rows N raises the cap".to_owned()),
        )
    }

    /// The error for an evaluation that grew the process past `max_memory`.
    pub fn too_much_memory(&self) -> crate::error::Error {
        crate::error::Error::input(
            format!(
                "the query needed more than {} MiB of memory while it was evaluated",
                self.max_memory.unwrap_or_default() >> 20
            ),
            Some("narrow the query (a join of unrelated patterns, or ORDER BY over one, grows fast); --max-memory MIB raises the bound".to_owned()),
        )
    }

    /// Whether an answer of `rows` rows is over the cap.
    pub fn over(&self, rows: usize) -> bool {
        self.max_rows.is_some_and(|max| rows > max)
    }
}

/// What a backend can do, for commands to consult instead of assuming.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Capabilities {
    /// A load either commits whole or leaves the data as it was.
    pub atomic_load: bool,
    /// `validate` can check the store's indexes.
    pub validate: bool,
    /// A read-only open takes no lock and cannot write.
    pub read_only_lock: bool,
    /// Counting the quads is cheap (no full scan on the server).
    pub cheap_len: bool,
}

/// One file to load.
#[derive(Debug, Clone)]
pub struct LoadInput {
    /// The name shown in messages.
    pub name: String,
    /// Where relative paths inside the file are resolved.
    pub base_dir: Option<PathBuf>,
    pub contents: LoadContents,
}

/// What a load input holds.
#[derive(Debug, Clone)]
pub enum LoadContents {
    /// A TOML fact file's text.
    Facts(String),
    /// An RDF file to stream from disk.
    RdfFile(PathBuf, RdfFormat),
    /// RDF text held in memory.
    RdfText(String, RdfFormat),
}

/// What a load did.
#[derive(Debug, Clone, Default, serde::Serialize, schemars::JsonSchema)]
pub struct LoadReport {
    pub files: usize,
    pub quads_before: usize,
    pub quads_after: usize,
    pub entities: usize,
    pub facts: usize,
    /// Quotes found in the text of the source they cite.
    pub quotes_verified: usize,
    /// Quotes not verified: their source's text was not at hand, or the load was told
    /// `--no-verify-quotes`.
    pub quotes_unverified: usize,
    /// Whether quotes were looked up at all (false with `--no-verify-quotes`).
    pub quotes_checked: bool,
    pub warnings: Vec<String>,
}

/// Whether a load looks its fact files' quotes up in their sources' texts.
#[derive(Debug, Clone)]
pub enum QuotePolicy {
    /// As `check` does: a quote missing from a text at hand refuses the whole load.
    Verify(crate::facts::quotes::SourceTexts),
    /// Not looked up (the user's `--no-verify-quotes`, or inputs with no quotes of their own).
    Skip,
}

/// What a long load reports as it goes (a progress bar, in the CLI).
pub trait LoadObserver: Send + Sync {
    /// `added` more bytes of the inputs were read.
    fn bytes_read(&self, added: u64);
    /// The bulk loader has written `total` triples so far.
    fn triples_written(&self, total: u64);
}

impl LoadInput {
    /// The input's size in bytes, for a progress bar's length (0 when unknown).
    pub fn size(&self) -> u64 {
        match &self.contents {
            LoadContents::Facts(text) | LoadContents::RdfText(text, _) => text.len() as u64,
            LoadContents::RdfFile(path, _) => std::fs::metadata(path).map_or(0, |m| m.len()),
        }
    }
}

/// The error a query that ran out of time or was cancelled ends with.
pub(crate) fn timeout_error(evaluation: &Evaluation) -> Error {
    match evaluation.timeout {
        Some(timeout) => {
            Error::Timeout(format!("the query was cancelled after the {}s timeout", timeout.as_secs_f64()))
        }
        None => Error::Timeout("the query was cancelled".to_owned()),
    }
}
