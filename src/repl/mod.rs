//! The REPL face: a rustyline loop on a terminal, or a script read from standard input.
//! Every command line is parsed by the same clap grammar as the command line and run by the
//! same executor; only a few session commands (help, format, lang, ...) live here.

mod helper;
pub mod line;

use crate::cli::{Command, QueryArgs, ReplArgs, ReplLine, SettingsArgs};
use crate::error::{exit, Error};
use crate::exec::execute;
use crate::exec::Output;
use crate::formats::TableFormat;
use crate::schema::Lang;
use crate::session::{timeout_duration, Session};
use clap::{Parser, ValueEnum};
use helper::{ReplHelper, Vocabulary, REPL_COMMANDS};
use line::{entry_complete, is_sparql, only_declarations, prefix_declarations, split_words};
use oxigraph::sparql::CancellationToken;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Instant;

/// The token of the command running now, cancelled by Ctrl-C.
static RUNNING: Mutex<Option<CancellationToken>> = Mutex::new(None);

/// What one entry asks of the loop.
enum Flow {
    Continue { ok: bool },
    Quit,
}

/// Runs the REPL until the user quits; returns the exit code.
pub fn run(session: &mut Session, args: &ReplArgs) -> i32 {
    // A session (a script above all) gets a timeout unless one was given: a runaway query
    // cannot hold it for ever. `timeout off` lifts it.
    if session.settings.timeout.is_none() {
        session.settings.timeout = Some(DEFAULT_TIMEOUT);
    }
    if std::io::stdin().is_terminal() {
        interactive(session, args)
    } else {
        scripted(session)
    }
}

/// The REPL's timeout when `--timeout` does not give one.
const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// Reads entries from standard input with no prompts; non-zero exit if any entry failed.
fn scripted(session: &mut Session) -> i32 {
    let stdin = std::io::stdin();
    let mut status = exit::OK;
    let mut buffer = String::new();
    let run_buffer = |buffer: &mut String, session: &mut Session, status: &mut i32| -> bool {
        let entry = std::mem::take(buffer);
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        match run_entry(session, &entry, &mut out, &mut err, None) {
            (Flow::Continue { ok }, code) => {
                if !ok && *status == exit::OK {
                    *status = code;
                }
                true
            }
            (Flow::Quit, _) => false,
        }
    };
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                eprintln!("error: cannot read standard input: {error}");
                return exit::BAD_INPUT;
            }
        };
        if buffer.is_empty() && line.trim().is_empty() {
            continue;
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(&line);
        if entry_complete(&buffer) && !run_buffer(&mut buffer, session, &mut status) {
            return status;
        }
    }
    if !buffer.trim().is_empty() {
        // An unfinished entry at the end of input still runs, and reports its own error.
        run_buffer(&mut buffer, session, &mut status);
    }
    status
}

fn interactive(session: &mut Session, args: &ReplArgs) -> i32 {
    let config = Config::builder().auto_add_history(false).max_history_size(5000).map(|b| b.build());
    let mut editor: Editor<ReplHelper, DefaultHistory> = match config.and_then(Editor::with_config) {
        Ok(editor) => editor,
        Err(error) => {
            eprintln!("error: cannot start the line editor: {error}");
            return exit::STORE;
        }
    };
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut helper = ReplHelper::new(colour);
    helper.vocabulary = vocabulary(session);
    editor.set_helper(Some(helper));
    // Ctrl-D with an unfinished entry (a multi-line query still open) abandons the entry,
    // as Ctrl-C does; on an empty line it leaves, as everywhere.
    editor
        .bind_sequence(rustyline::KeyEvent::ctrl('D'), rustyline::EventHandler::Conditional(Box::new(AbandonOnCtrlD)));
    let history_path = (!args.no_history).then(history_file).flatten();
    if let Some(path) = &history_path {
        let _ = editor.load_history(path);
    }
    let _ = ctrlc::set_handler(|| {
        if let Ok(running) = RUNNING.lock() {
            if let Some(token) = running.as_ref() {
                token.cancel();
            }
        }
    });
    let store_name = session.backend.location();
    let quads = session.backend.len().unwrap_or(0);
    println!("stratagraph {} on {store_name}: {quads} quads. Type `help`, Ctrl-D to leave.", env!("CARGO_PKG_VERSION"));
    let mut state = session.backend.state().unwrap_or_default();
    loop {
        let now = session.backend.state().unwrap_or_default();
        if now != state {
            state = now;
            if let Some(helper) = editor.helper_mut() {
                helper.vocabulary = vocabulary(session);
            }
        }
        match editor.readline("stratagraph> ") {
            Ok(entry) => {
                if entry.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(entry.as_str());
                if let Some(path) = &history_path {
                    let _ = editor.append_history(path);
                }
                let history: Vec<String> = editor.history().iter().cloned().collect();
                let mut out = std::io::stdout().lock();
                let mut err = std::io::stderr().lock();
                if let (Flow::Quit, _) = run_entry(session, &entry, &mut out, &mut err, Some(&history)) {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(error) => {
                eprintln!("error: {error}");
                return exit::STORE;
            }
        }
    }
    exit::OK
}

fn history_file() -> Option<std::path::PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "stratagraph")?;
    let dir = dirs.data_dir();
    std::fs::create_dir_all(dir).ok()?;
    Some(dir.join("history.txt"))
}

fn vocabulary(session: &mut Session) -> Vocabulary {
    let mut vocabulary = Vocabulary::default();
    if let Ok(index) = session.index() {
        for entity in index.entities() {
            vocabulary.entity_names.extend(entity.en.iter().cloned());
            vocabulary.entity_names.extend(entity.zh.iter().cloned());
            vocabulary.entity_names.extend(entity.aliases.iter().cloned());
        }
    }
    if let Ok(index) = session.index() {
        vocabulary.terms.extend(index.entities().iter().filter_map(|entity| crate::vocab::compact(&entity.iri)));
    }
    if let Ok(schema) = session.schema() {
        for iri in schema.classes.keys().chain(schema.properties.keys()) {
            if let Some(name) = crate::vocab::compact(iri) {
                vocabulary.terms.push(name);
            }
        }
    }
    if let Ok(catalog) = crate::reports::catalog(&[]) {
        vocabulary.reports = catalog.reports.into_iter().map(|r| r.name).collect();
    }
    vocabulary.entity_names.sort();
    vocabulary.entity_names.dedup();
    vocabulary.terms.sort();
    vocabulary
}

/// Runs one entry, writing its output; returns the flow and the exit code it implies.
fn run_entry(
    session: &mut Session,
    entry: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
    history: Option<&[String]>,
) -> (Flow, i32) {
    let started = Instant::now();
    let result = dispatch(session, entry, history);
    let (flow, code) = match result {
        Ok(Some(output)) => {
            let status = output.status;
            match output.deliver(out) {
                Ok(notes) => {
                    if !session.settings.quiet {
                        for note in &notes {
                            let _ = writeln!(err, "{note}");
                        }
                    }
                    (Flow::Continue { ok: status == exit::OK }, status)
                }
                Err(error) => {
                    let _ = err.write_all(error.report().as_bytes());
                    (Flow::Continue { ok: false }, error.exit_code())
                }
            }
        }
        Ok(None) => (Flow::Quit, exit::OK),
        Err(error) => {
            let _ = err.write_all(error.report().as_bytes());
            (Flow::Continue { ok: false }, error.exit_code())
        }
    };
    let _ = out.flush();
    if session.settings.timing {
        let _ = writeln!(err, "({:.1} ms)", started.elapsed().as_secs_f64() * 1000.0);
    }
    (flow, code)
}

/// Parses and runs one entry; `Ok(None)` means quit.
fn dispatch(session: &mut Session, entry: &str, history: Option<&[String]>) -> Result<Option<Output>, Error> {
    let entry = entry.trim();
    if is_sparql(entry) {
        for (prefix, iri) in prefix_declarations(entry) {
            session.prefixes.retain(|(p, _)| *p != prefix);
            session.prefixes.push((prefix, iri));
        }
        if only_declarations(entry) {
            return Ok(Some(Output::note("prefixes declared for this session".to_owned())));
        }
        let query = QueryArgs {
            query: Some(entry.to_owned()),
            file: None,
            format: None,
            graph_format: None,
            base: None,
            update: session.settings.allow_update,
            output: None,
        };
        return with_cancellation(session, |session| {
            execute(session, Command::Query(query), &SettingsArgs::default(), &progress(session))
        })
        .map(Some);
    }
    let words = split_words(entry).map_err(|e| Error::input(e.to_string(), None))?;
    let Some(first) = words.first() else { return Ok(Some(Output::text(String::new()))) };
    if let Some(output) = session_command(session, first, &words[1..], history)? {
        return Ok(output);
    }
    let line = match ReplLine::try_parse_from(&words) {
        Ok(line) => line,
        Err(error) => {
            let text = error.render().to_string();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(Some(Output::text(text))),
                clap::error::ErrorKind::InvalidSubcommand => {
                    let hint = match nearest_command(first) {
                        Some(near) => format!("did you mean `{near}`? type `help` for the commands"),
                        None => "type `help` for the commands, `COMMAND --help` for its flags".to_owned(),
                    };
                    Err(Error::input(format!("unknown command `{first}`"), Some(hint)))
                }
                _ => Err(Error::input(
                    text.trim().trim_start_matches("error: ").lines().next().unwrap_or("bad command").to_owned(),
                    Some("type `help` for the commands, `COMMAND --help` for its flags".to_owned()),
                )),
            };
        }
    };
    if let Command::Repl(_) = line.command {
        return Err(Error::input("the REPL is already open", None));
    }
    with_cancellation(session, |session| execute(session, line.command, &line.settings, &progress(session))).map(Some)
}

/// The command, of the grammar's and the REPL's own, nearest to a mistyped `word`.
fn nearest_command(word: &str) -> Option<String> {
    use clap::CommandFactory;
    let grammar = ReplLine::command();
    let names = grammar
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_owned())
        .chain(REPL_COMMANDS.iter().map(|(name, _)| (*name).to_owned()));
    names
        .map(|name| (strsim::damerau_levenshtein(&word.to_lowercase(), &name), name))
        .filter(|(distance, name)| *distance <= 2.max(name.len() / 3))
        .min()
        .map(|(_, name)| name)
}

/// Ctrl-D at the end of a non-empty entry: abandon it (rustyline would do nothing there).
struct AbandonOnCtrlD;

impl rustyline::ConditionalEventHandler for AbandonOnCtrlD {
    fn handle(
        &self,
        _event: &rustyline::Event,
        _n: rustyline::RepeatCount,
        _positive: bool,
        ctx: &rustyline::EventContext<'_>,
    ) -> Option<rustyline::Cmd> {
        (!ctx.line().is_empty() && ctx.pos() == ctx.line().len()).then_some(rustyline::Cmd::Interrupt)
    }
}

fn progress(session: &Session) -> crate::progress::TerminalProgress {
    crate::progress::TerminalProgress::new(session.settings.quiet)
}

fn with_cancellation<T>(session: &mut Session, run: impl FnOnce(&mut Session) -> T) -> T {
    let token = CancellationToken::new();
    session.cancel = Some(token.clone());
    if let Ok(mut running) = RUNNING.lock() {
        *running = Some(token);
    }
    let result = run(session);
    if let Ok(mut running) = RUNNING.lock() {
        *running = None;
    }
    session.cancel = None;
    result
}

/// The REPL-only commands. `Ok(None)` when `name` is not one of them.
fn session_command(
    session: &mut Session,
    name: &str,
    args: &[String],
    history: Option<&[String]>,
) -> Result<Option<Option<Output>>, Error> {
    let text = |text: String| Ok(Some(Some(Output::text(text))));
    let note = |note: String| Ok(Some(Some(Output::note(note))));
    let value = args.first().map(String::as_str);
    match name {
        "quit" | "exit" | ".quit" | "\\q" => Ok(Some(None)),
        "help" if args.is_empty() => text(help_text()),
        "help" => {
            let mut words = args.to_vec();
            words.push("--help".to_owned());
            match ReplLine::try_parse_from(&words) {
                Err(error) => text(error.render().to_string()),
                Ok(_) => text(help_text()),
            }
        }
        "prefixes" => {
            let mut listing = String::new();
            for (prefix, iri) in crate::vocab::PREFIXES
                .iter()
                .map(|(p, i)| (p.to_string(), i.to_string()))
                .chain(session.prefixes.iter().cloned())
            {
                listing.push_str(&format!("PREFIX {prefix}: <{iri}>\n"));
            }
            text(listing)
        }
        "format" => match value {
            None => text(format!(
                "{}\n",
                session
                    .settings
                    .format
                    .unwrap_or_default()
                    .to_possible_value()
                    .map(|v| v.get_name().to_owned())
                    .unwrap_or_default()
            )),
            Some(v) => {
                let format = TableFormat::from_str(v, true).map_err(|_| {
                    Error::input(
                        format!("unknown format `{v}`"),
                        Some("table, csv, tsv, json, xml or markdown".to_owned()),
                    )
                })?;
                session.settings.format = Some(format);
                note(format!("answers as {v}"))
            }
        },
        "lang" => match value {
            None => text(format!("{}\n", session.settings.lang.tag())),
            Some(v) => {
                session.settings.lang = Lang::from_str(v, true)
                    .map_err(|_| Error::input(format!("unknown language `{v}`"), Some("en or zh".to_owned())))?;
                note(format!("labels in {v}"))
            }
        },
        "update" => {
            let wanted = match value {
                Some("on") => true,
                Some("off") => false,
                None => return text(format!("updates {}\n", if session.settings.allow_update { "on" } else { "off" })),
                Some(other) => return Err(Error::input(format!("update takes on or off, not `{other}`"), None)),
            };
            if wanted {
                if session.backend.is_read_only() {
                    return Err(Error::input(
                        "the store is open read-only",
                        Some("open it without --read-only".to_owned()),
                    ));
                }
                if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                    return Err(Error::input(
                        "a script cannot turn updates on",
                        Some("run the script with `stratagraph repl --update`".to_owned()),
                    ));
                }
                eprint!("Run SPARQL updates on {} for the rest of this session? [y/N] ", session.backend.location());
                let mut answer = String::new();
                let _ = std::io::stdin().read_line(&mut answer);
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    return note("updates stay off".to_owned());
                }
            }
            session.settings.allow_update = wanted;
            note(format!("updates {}", if wanted { "on" } else { "off" }))
        }
        "timing" => {
            session.settings.timing = match value {
                Some("on") => true,
                Some("off") => false,
                None => !session.settings.timing,
                Some(other) => return Err(Error::input(format!("timing takes on or off, not `{other}`"), None)),
            };
            note(format!("timing {}", if session.settings.timing { "on" } else { "off" }))
        }
        "asof" => match value {
            None => text(format!("{}\n", session.settings.as_of.map_or("off".to_owned(), crate::asof::day_text))),
            Some("off") => {
                session.settings.as_of = None;
                note("reading the whole graph".to_owned())
            }
            Some(v) => {
                let day = crate::asof::parse_day(v)?;
                session.settings.as_of = Some(day);
                note(format!("reading the graph as of {}", crate::asof::day_text(day)))
            }
        },
        "timeout" => match value {
            None => text(format!(
                "{}\n",
                session.settings.timeout.map_or("off".to_owned(), |t| format!("{}s", t.as_secs_f64()))
            )),
            Some("off") => {
                session.settings.timeout = None;
                note("no timeout".to_owned())
            }
            Some(v) => {
                let seconds: f64 =
                    v.parse().map_err(|_| Error::input(format!("timeout takes seconds or off, not `{v}`"), None))?;
                session.settings.timeout = Some(timeout_duration(seconds)?);
                note(format!("queries time out after {seconds}s"))
            }
        },
        "history" => {
            let entries = history.unwrap_or(&[]);
            text(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| format!("{:>4}  {}\n", i + 1, e.replace('\n', "\n      ")))
                    .collect(),
            )
        }
        _ => Ok(None),
    }
}

fn help_text() -> String {
    let grammar = <ReplLine as clap::CommandFactory>::command();
    let mut out = String::from("Commands (the same words and flags as the command line):\n");
    for sub in grammar.get_subcommands().filter(|c| c.get_name() != "repl" && !c.is_hide_set()) {
        out.push_str(&format!(
            "  {:<10} {}\n",
            sub.get_name(),
            sub.get_about().map(|a| a.to_string()).unwrap_or_default()
        ));
    }
    out.push_str("\nSession commands:\n");
    for (name, about) in REPL_COMMANDS {
        out.push_str(&format!("  {name:<10} {about}\n"));
    }
    out.push_str("\nSPARQL typed directly runs as a query (updates too, unless the store is read-only);\n");
    out.push_str("it may span lines until its brackets and quotes close and its `{ ... }` block has\n");
    out.push_str("opened. PREFIX lines persist.\n");
    out.push_str("Tab completes commands, flags, entity names (English or 中文) and prefixed names.\n");
    out
}
