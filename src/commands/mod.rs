//! The commands: each takes its typed request (the arguments the one grammar in `cli`
//! parses) and a session, and returns a typed [`Outcome`]. Commands never print, read
//! standard input or write files: renderers turn a [`Reply`] into bytes, and the faces (CLI,
//! REPL, server) decide where the bytes go.
//!
//! The JSON form of every reply is its `serde` form: these types are the public shapes that
//! `--format json` prints and the server serves, documented in `docs/json.md`.

pub mod data;
pub mod draft;
pub mod export;
pub mod lookup;
pub mod paths;
pub mod query;
pub mod reports;

use crate::backend::{Answer, LoadReport};
use crate::check::CheckReport;
use crate::describe::Description;
use crate::error::Error;
use crate::resolve::Hit;
use std::io::Write;

/// What a command found, with the remarks a face shows beside it.
pub struct Outcome {
    pub reply: Reply,
    pub verdict: Verdict,
    /// Summaries and warnings for the user (standard error on the CLI).
    pub notes: Vec<String>,
}

impl Outcome {
    /// An outcome that found what it looked for, with no notes.
    pub fn found(reply: Reply) -> Outcome {
        Outcome { reply, verdict: Verdict::Answered, notes: Vec::new() }
    }

    /// An outcome with this verdict.
    pub fn with_verdict(reply: Reply, verdict: Verdict) -> Outcome {
        Outcome { reply, verdict, notes: Vec::new() }
    }

    /// The same outcome with one more note.
    pub fn with_note(mut self, note: impl Into<String>) -> Outcome {
        self.notes.push(note.into());
        self
    }
}

/// What the reply means for the exit code or HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The command found what it was asked for.
    Answered,
    /// It ran but found nothing where that matters (an empty search, ASK false): exit 1.
    NoResult,
    /// What it examined is not valid (a `check` with errors): exit 2.
    Invalid,
}

impl Verdict {
    /// The exit code of a command that ended with this verdict.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Answered => crate::error::exit::OK,
            Verdict::NoResult => crate::error::exit::NO_RESULT,
            Verdict::Invalid => crate::error::exit::BAD_INPUT,
        }
    }
}

/// The typed result of a command.
pub enum Reply {
    /// `query`: a SPARQL answer.
    Answer(Answer),
    /// `describe`.
    Description(Box<Description>),
    /// `search`: ranked hits.
    Hits(Vec<Hit>),
    /// `search --in quotes`: ranked texts.
    TextHits(Vec<crate::textsearch::TextHit>),
    /// `timeline`: an entity's dated facts in order.
    Timeline(Box<crate::timeline::Timeline>),
    /// `path`.
    Paths(paths::PathsReply),
    /// `neighbors`.
    Neighbors(paths::NeighborsReply),
    /// `reach`: tiers of entities.
    Tiers(paths::TiersReply),
    /// `common`.
    Common(paths::CommonReply),
    /// `central`: a ranking.
    Ranking(Vec<paths::RankedEntity>),
    /// `report list`.
    Reports(Vec<crate::reports::Report>),
    /// `report show`.
    ReportSource(crate::reports::Report),
    /// `report run`: the report and its table.
    ReportTable(reports::ReportTable),
    /// `report all`: every report, for a Markdown brief.
    Brief(crate::reports::Brief),
    /// `check`.
    Check(CheckReport),
    /// `draft`: the candidates read from an article, written out as a fact file.
    Draft(Box<crate::draft::Draft>),
    /// `load`, `push`, `pull`: what the write did.
    Loaded(LoadReport),
    /// `validate`.
    Validated(Validated),
    /// An export's bytes, a brief, a dump or generated data, with its media type.
    Artifact(Artifact),
}

/// What `validate` found.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Validated {
    pub quads: usize,
}

/// Bytes with their media type: written as they are by every face.
pub struct Artifact {
    pub media_type: &'static str,
    pub body: Body,
}

/// An artifact's bytes, whole or produced while they are written (dumps, generated data).
pub enum Body {
    Bytes(Vec<u8>),
    Stream(Box<dyn FnOnce(&mut dyn Write) -> Result<(), Error> + Send>),
}

impl Artifact {
    /// Text with its media type.
    pub fn text(media_type: &'static str, text: String) -> Artifact {
        Artifact { media_type, body: Body::Bytes(text.into_bytes()) }
    }
}

impl Body {
    /// Writes the bytes out.
    pub fn write_to(self, out: &mut dyn Write) -> Result<(), Error> {
        match self {
            Body::Bytes(bytes) => out.write_all(&bytes).map_err(Error::from),
            Body::Stream(fill) => fill(out),
        }
    }
}

/// The JSON Schema (draft 2020-12) of each command's `--format json` reply, from the types
/// themselves: `{"$defs": {...}, "replies": {"describe": {"$ref": ...}, ...}}`. The same
/// schemas describe the server's command API.
pub fn reply_schemas() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let replies = [
        ("describe", generator.subschema_for::<Description>()),
        ("search", generator.subschema_for::<Vec<Hit>>()),
        ("timeline", generator.subschema_for::<crate::timeline::Timeline>()),
        ("search in quotes", generator.subschema_for::<Vec<crate::textsearch::TextHit>>()),
        ("path", generator.subschema_for::<paths::PathsReply>()),
        ("neighbors", generator.subschema_for::<paths::NeighborsReply>()),
        ("reach", generator.subschema_for::<paths::TiersReply>()),
        ("common", generator.subschema_for::<paths::CommonReply>()),
        ("central", generator.subschema_for::<Vec<paths::RankedEntity>>()),
        ("report list", generator.subschema_for::<Vec<crate::reports::Report>>()),
        ("report show", generator.subschema_for::<crate::reports::Report>()),
        ("check", generator.subschema_for::<CheckReport>()),
        ("draft", generator.subschema_for::<crate::draft::Draft>()),
        ("load", generator.subschema_for::<LoadReport>()),
        ("validate", generator.subschema_for::<Validated>()),
    ];
    let replies: serde_json::Map<String, serde_json::Value> =
        replies.into_iter().map(|(name, schema)| (name.to_owned(), schema.to_value())).collect();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": generator.take_definitions(true),
        "replies": replies,
    })
}
