//! The rustyline helper: completion of commands, flags, prefixed names, entity names (in
//! English and Chinese) and paths; hints for commands; keyword highlighting; and the
//! validator that keeps a multi-line query open until it is balanced.

use super::line::entry_complete;
use clap::CommandFactory;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// REPL-only commands, listed by `help`.
pub(super) const REPL_COMMANDS: &[(&str, &str)] = &[
    ("help", "this list; `help COMMAND` for a command's flags"),
    ("prefixes", "the prefixes in force"),
    ("format", "FORMAT: table, csv, tsv, json, xml or markdown for query answers"),
    ("lang", "en|zh: the label language"),
    ("timing", "on|off: print how long each command took"),
    ("asof", "YYYY-MM-DD|off: read the graph as of a day (the facts in force then)"),
    ("timeout", "SECONDS|off: cancel queries and searches that run longer (300 s unless --timeout gave one)"),
    ("update", "on|off: run SPARQL updates typed here (asks first; scripts use `repl --update`)"),
    ("history", "the commands typed so far"),
    ("quit", "leave (also `exit` or Ctrl-D)"),
];

const SPARQL_KEYWORDS: &[&str] = &[
    "SELECT",
    "WHERE",
    "PREFIX",
    "BASE",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "ORDER",
    "BY",
    "GROUP",
    "LIMIT",
    "OFFSET",
    "DISTINCT",
    "INSERT",
    "DELETE",
    "DATA",
    "GRAPH",
    "BIND",
    "VALUES",
    "AS",
    "COUNT",
    "MINUS",
    "NOT",
    "EXISTS",
    "SERVICE",
    "HAVING",
];

/// What the helper completes from; refreshed by the loop when the graph changes.
#[derive(Default)]
pub(super) struct Vocabulary {
    /// Entity names: English and Chinese labels and aliases.
    pub(super) entity_names: Vec<String>,
    /// Prefixed names of ontology terms (`sg:Platform`, `org:headOf`) and entities
    /// (`entity:aliexpress`).
    pub(super) terms: Vec<String>,
    /// The names of the saved reports.
    pub(super) reports: Vec<String>,
}

/// The helper the REPL's editor uses.
pub(super) struct ReplHelper {
    pub(super) vocabulary: Vocabulary,
    commands: Vec<(String, Vec<String>)>,
    files: FilenameCompleter,
    /// Colour output only on a terminal.
    pub(super) colour: bool,
}

impl ReplHelper {
    /// A helper knowing the command grammar.
    pub(super) fn new(colour: bool) -> ReplHelper {
        let grammar = crate::cli::ReplLine::command();
        let mut commands: Vec<(String, Vec<String>)> = grammar
            .get_subcommands()
            .filter(|c| c.get_name() != "repl")
            .map(|c| {
                let mut flags: Vec<String> = c
                    .get_arguments()
                    .chain(grammar.get_arguments())
                    .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                    .collect();
                flags.sort();
                flags.dedup();
                (c.get_name().to_owned(), flags)
            })
            .collect();
        for (name, _) in REPL_COMMANDS {
            commands.push(((*name).to_owned(), Vec::new()));
        }
        commands.push(("exit".to_owned(), Vec::new()));
        commands.sort();
        ReplHelper { vocabulary: Vocabulary::default(), commands, files: FilenameCompleter::new(), colour }
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace() || *c == '\'' || *c == '"' || *c == '{' || *c == '(')
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &before[start..];
        let first_word = before.split_whitespace().next().unwrap_or("");
        let is_first = before[..start].trim().is_empty();
        let pair = |text: &str| Pair { display: text.to_owned(), replacement: text.to_owned() };
        if is_first {
            let hits = self.commands.iter().filter(|(n, _)| n.starts_with(word)).map(|(n, _)| pair(n)).collect();
            return Ok((start, hits));
        }
        if word.starts_with('-') {
            let flags = self
                .commands
                .iter()
                .find(|(n, _)| n == first_word)
                .map(|(_, flags)| flags.iter().filter(|f| f.starts_with(word)).map(|f| pair(f)).collect())
                .unwrap_or_default();
            return Ok((start, flags));
        }
        let previous = before[..start].split_whitespace().last().unwrap_or("");
        if first_word == "report" && matches!(previous, "run" | "show") {
            let hits = self.vocabulary.reports.iter().filter(|r| r.starts_with(word)).map(|r| pair(r)).collect();
            return Ok((start, hits));
        }
        if first_word == "report" && previous == "report" {
            let hits = ["list", "show", "run", "all"].iter().filter(|r| r.starts_with(word)).map(|r| pair(r)).collect();
            return Ok((start, hits));
        }
        let wants_path = matches!(first_word, "load" | "check")
            || matches!(previous, "-f" | "--file" | "-o" | "--output" | "--out" | "--construct" | "--queries");
        if wants_path {
            return self.files.complete(line, pos, ctx);
        }
        let lowered = word.to_lowercase();
        let mut hits: Vec<Pair> = Vec::new();
        if word.contains(':') || super::line::is_sparql(line) || word.starts_with("ent") {
            hits.extend(self.vocabulary.terms.iter().filter(|t| t.starts_with(word)).map(|t| pair(t)));
        }
        if !word.is_empty() {
            for name in &self.vocabulary.entity_names {
                if name.to_lowercase().starts_with(&lowered) {
                    let replacement = if name.contains(char::is_whitespace) && !before[..start].ends_with(['\'', '"']) {
                        format!("'{name}'")
                    } else {
                        name.clone()
                    };
                    hits.push(Pair { display: name.clone(), replacement });
                }
            }
        }
        hits.sort_by(|a, b| a.display.cmp(&b.display));
        hits.dedup_by(|a, b| a.display == b.display);
        Ok((start, hits))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() || line.is_empty() || line.contains(char::is_whitespace) {
            return None;
        }
        let matches: Vec<&String> = self.commands.iter().map(|(n, _)| n).filter(|n| n.starts_with(line)).collect();
        match matches.as_slice() {
            [only] if only.len() > line.len() => Some(only[line.len()..].to_owned()),
            _ => None,
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        let mut out = String::with_capacity(line.len() + 16);
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String, first: bool| {
            let upper = word.to_ascii_uppercase();
            let is_keyword = SPARQL_KEYWORDS.contains(&upper.as_str());
            let is_command = first && self.commands.iter().any(|(n, _)| n == word);
            if is_keyword || is_command {
                out.push_str("\x1b[1;34m");
                out.push_str(word);
                out.push_str("\x1b[0m");
            } else {
                out.push_str(word);
            }
            word.clear();
        };
        let mut first = true;
        for c in line.chars() {
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                if !word.is_empty() {
                    flush(&mut word, &mut out, first);
                    first = false;
                }
                out.push(c);
            }
        }
        if !word.is_empty() {
            flush(&mut word, &mut out, first);
        }
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.colour && kind != CmdKind::MoveCursor
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        if entry_complete(ctx.input()) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Helper for ReplHelper {}
