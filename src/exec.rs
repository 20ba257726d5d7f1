//! The dispatcher both faces call: a parsed `Command` runs on the session, and its typed
//! reply is rendered as the command's flags ask. Where the bytes go (standard output or the
//! `-o` file) and how the status becomes an exit code is the face's business.

use crate::cli::{Command, SettingsArgs};
use crate::commands::data::Progress;
use crate::commands::{self, Artifact, Body, Outcome, Reply};
use crate::error::Error;
use crate::formats::{AnswerFormat, GraphFormat, TableFormat, TextFormat};
use crate::render::reply::{render, Presentation};
use crate::session::{Session, Settings};
use std::path::PathBuf;

/// What a command produced, rendered: the bytes, where the face should put them, the notes
/// for standard error and the exit status the outcome implies.
pub struct Output {
    pub media_type: &'static str,
    pub body: Body,
    /// Lines for standard error (summaries, warnings); faces may hide them with --quiet.
    pub notes: Vec<String>,
    /// 0, or the exit code of the outcome's verdict.
    pub status: i32,
    /// The file the user asked the output to go to (`-o`), instead of standard output.
    pub destination: Option<PathBuf>,
}

impl Output {
    /// Output that is just text for standard output.
    pub fn text(text: String) -> Output {
        Output {
            media_type: "text/plain; charset=utf-8",
            body: Body::Bytes(text.into_bytes()),
            notes: Vec::new(),
            status: 0,
            destination: None,
        }
    }

    /// Output that is one note and no text.
    pub fn note(note: String) -> Output {
        Output { notes: vec![note], ..Output::text(String::new()) }
    }

    /// Writes the body to its destination, whole or not at all, or else to `stdout`; the
    /// notes to show come back, with one naming the file written.
    pub fn deliver(self, stdout: &mut dyn std::io::Write) -> Result<Vec<String>, Error> {
        let mut notes = self.notes;
        match self.destination {
            Some(path) => {
                let body = self.body;
                let mut failure = None;
                let written = crate::output::write_atomic_with(&path, |writer| {
                    body.write_to(writer).map_err(|e| {
                        let message = e.to_string();
                        failure = Some(e);
                        std::io::Error::other(message)
                    })
                });
                if let Some(error) = failure {
                    return Err(error);
                }
                written?;
                notes.push(format!("wrote {}", path.display()));
            }
            None => {
                self.body.write_to(stdout)?;
                stdout.flush()?;
            }
        }
        Ok(notes)
    }
}

/// Runs one command and renders its reply.
pub fn execute(
    session: &Session,
    command: Command,
    args: &SettingsArgs,
    progress: &dyn Progress,
) -> Result<Output, Error> {
    let settings = args.apply(&session.settings)?.started();
    let (outcome, presentation, destination) = run(session, &settings, &command, progress)?;
    let guard = crate::paths::guard::Guard::until(settings.deadline, session.cancel.clone(), None);
    let rendered = render(outcome.reply, presentation, settings.lang, &guard)?;
    Ok(Output {
        media_type: rendered.media_type,
        body: rendered.body,
        notes: outcome.notes,
        status: outcome.verdict.exit_code(),
        destination,
    })
}

fn text_or_json(format: TextFormat) -> Presentation {
    match format {
        TextFormat::Text => Presentation::Text,
        TextFormat::Json => Presentation::Json,
    }
}

type Ran = (Outcome, Presentation, Option<PathBuf>);

/// The command with its output formats settled: `--format` when given, else the one the
/// `-o` file's extension names; a contradiction between the two is an error.
fn settle_formats(command: &Command) -> Result<Command, Error> {
    use crate::formats::choose;
    use crate::reports::ReportCommand;
    let mut command = command.clone();
    match &mut command {
        Command::Query(args) => {
            args.format =
                choose(args.format, args.output.as_deref(), AnswerFormat::from_extension, AnswerFormat::agrees)?
        }
        Command::Report(ReportCommand::Run(args)) => {
            args.format =
                choose(args.format, args.output.as_deref(), AnswerFormat::from_extension, AnswerFormat::agrees)?
        }
        Command::Dump(args) => {
            args.format = choose(args.format, args.output.as_deref(), GraphFormat::from_extension, |a, b| a == b)?
        }
        Command::Export(args) => {
            args.format =
                choose(args.format, args.output.as_deref(), crate::export::ExportFormat::from_extension, |a, b| a == b)?
        }
        _ => {}
    }
    Ok(command)
}

/// How a SPARQL answer is shown: `--format` in the form for the answer's kind (solutions or
/// a graph), the older `--graph-format` for graphs, else the session's table format and
/// Turtle. A format with no form for the kind is an error naming the ones that fit.
fn answer_presentation(
    reply: &Reply,
    format: Option<AnswerFormat>,
    graph_format: Option<GraphFormat>,
    session_table: Option<TableFormat>,
) -> Result<Presentation, Error> {
    let answer = match reply {
        Reply::Answer(answer) => answer,
        Reply::ReportTable(report) => &report.answer,
        _ => return Ok(Presentation::Results { table: session_table.unwrap_or_default(), graph: GraphFormat::Turtle }),
    };
    let misfit = |format: AnswerFormat, kind: &str, fits: &str| {
        Error::input(
            format!("--format {} does not fit {kind}", crate::formats::value_name(format)),
            Some(format!("this answer takes {fits}")),
        )
    };
    Ok(match answer {
        crate::backend::Answer::Graph(_) => {
            let graph = match (graph_format, format) {
                (Some(graph), _) => graph,
                (None, Some(format)) => format.graph().ok_or_else(|| {
                    misfit(
                        format,
                        "a graph (CONSTRUCT or DESCRIBE)",
                        "turtle, ntriples, nquads, trig, jsonld or rdfxml",
                    )
                })?,
                (None, None) => GraphFormat::Turtle,
            };
            Presentation::Results { table: TableFormat::Table, graph }
        }
        _ => {
            let table = match format {
                Some(format) => format.table().ok_or_else(|| {
                    misfit(format, "solutions (SELECT or ASK)", "table, csv, tsv, json, xml or markdown")
                })?,
                None => session_table.unwrap_or_default(),
            };
            Presentation::Results { table, graph: GraphFormat::Turtle }
        }
    })
}

/// The command's outcome, how to present it and where its output goes.
fn run(session: &Session, settings: &Settings, command: &Command, progress: &dyn Progress) -> Result<Ran, Error> {
    use commands::{data, export, lookup, paths, query, reports};
    let command = &settle_formats(command)?;
    if let Some(day) = settings.as_of {
        let reads_a_view = matches!(
            command,
            Command::Query(_)
                | Command::Describe(_)
                | Command::Timeline(_)
                | Command::Path(_)
                | Command::Neighbors(_)
                | Command::Reach(_)
                | Command::Common(_)
                | Command::Central(_)
                | Command::Report(_)
                | Command::Export(_)
        );
        if !reads_a_view {
            return Err(Error::input(
                format!("--as-of {} reads the graph as of a day; this command does not read it", crate::asof::day_text(day)),
                Some("--as-of applies to query, describe, timeline, path, neighbors, reach, common, central, report and export".to_owned()),
            ));
        }
    }
    if settings.infer && !matches!(command, Command::Query(_) | Command::Report(_) | Command::Export(_)) {
        return Err(Error::input(
            "--infer answers SPARQL with what the ontology entails; this command does not run SPARQL",
            Some("--infer applies to query, report and export --construct".to_owned()),
        ));
    }
    Ok(match command {
        Command::Query(args) => {
            let outcome = query::query(session, settings, args)?;
            let presentation = answer_presentation(&outcome.reply, args.format, args.graph_format, settings.format)?;
            (outcome, presentation, args.output.clone())
        }
        Command::Describe(args) => (lookup::describe(session, settings, args)?, text_or_json(args.format), None),
        Command::Search(args) => (lookup::search(session, settings, args)?, text_or_json(args.format), None),
        Command::Timeline(args) => (lookup::timeline(session, settings, args)?, text_or_json(args.format), None),
        Command::Check(args) => (data::check(session, args)?, text_or_json(args.format), None),
        Command::Draft(args) => {
            (commands::draft::draft(session, args)?, text_or_json(args.format), args.output.clone())
        }
        Command::Load(args) => (data::load(session, args, progress)?, Presentation::Text, None),
        Command::Push(args) => (data::push(session, args, progress)?, Presentation::Text, None),
        Command::Pull(args) => (data::pull(session, args)?, Presentation::Text, None),
        Command::Dump(args) => (data::dump(session, args), Presentation::Text, args.output.clone()),
        Command::Validate => (data::validate(session)?, Presentation::Text, None),
        Command::Path(args) => (paths::run_path(session, settings, args)?, text_or_json(args.format), None),
        Command::Neighbors(args) => (paths::run_neighbors(session, settings, args)?, text_or_json(args.format), None),
        Command::Reach(args) => (paths::run_reach(session, settings, args)?, text_or_json(args.format), None),
        Command::Common(args) => (paths::run_common(session, settings, args)?, text_or_json(args.format), None),
        Command::Central(args) => {
            (paths::run_central(session, settings, args, progress)?, text_or_json(args.format), None)
        }
        Command::Report(command) => {
            use crate::reports::ReportCommand;
            let (presentation, destination) = match command {
                ReportCommand::List(args) => (Some(text_or_json(args.format)), None),
                ReportCommand::Show(args) => (Some(text_or_json(args.format)), None),
                ReportCommand::Run(args) => (None, args.output.clone()),
                ReportCommand::All(args) => {
                    let html = args
                        .out
                        .as_ref()
                        .and_then(|p| p.extension())
                        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
                    (Some(if html { Presentation::Html } else { Presentation::Text }), args.out.clone())
                }
            };
            let outcome = reports::report(session, settings, command)?;
            let presentation = match (presentation, command) {
                (Some(presentation), _) => presentation,
                (None, ReportCommand::Run(args)) => {
                    answer_presentation(&outcome.reply, args.format, None, settings.format)?
                }
                (None, _) => Presentation::Text,
            };
            (outcome, presentation, destination)
        }
        Command::Export(args) => {
            let graph = args.chosen_format().graph_format().unwrap_or_default();
            (
                export::export(session, settings, args)?,
                Presentation::Results { table: TableFormat::Table, graph },
                args.output.clone(),
            )
        }
        Command::Gen(args) => {
            let (note, write) = crate::gen::execute(args)?;
            let artifact = Artifact { media_type: args.format.media_type(), body: Body::Stream(Box::new(write)) };
            (Outcome::found(Reply::Artifact(artifact)).with_note(note), Presentation::Text, args.output.clone())
        }
        Command::Measure(command) => {
            let json = crate::measure::execute(session, command)?;
            (Outcome::found(Reply::Artifact(Artifact::text("application/json", json))), Presentation::Json, None)
        }
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut crate::cli::Cli::command(), "stratagraph", &mut script);
            let script = String::from_utf8_lossy(&script).into_owned();
            (
                Outcome::found(Reply::Artifact(Artifact::text("text/plain; charset=utf-8", script))),
                Presentation::Text,
                None,
            )
        }
        Command::Man(args) => {
            use clap::CommandFactory;
            let grammar = crate::cli::Cli::command();
            if let Some(dir) = &args.dir {
                std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(grammar, dir)).map_err(|e| {
                    Error::store(format!("cannot write the manual pages into {}: {e}", dir.display()), None)
                })?;
                let note = format!("wrote the manual pages into {}", dir.display());
                (
                    Outcome::found(Reply::Artifact(Artifact::text("text/plain; charset=utf-8", String::new())))
                        .with_note(note),
                    Presentation::Text,
                    None,
                )
            } else {
                let mut page = Vec::new();
                clap_mangen::Man::new(grammar)
                    .render(&mut page)
                    .map_err(|e| Error::store(format!("cannot render the manual page: {e}"), None))?;
                let page = String::from_utf8_lossy(&page).into_owned();
                (Outcome::found(Reply::Artifact(Artifact::text("text/troff", page))), Presentation::Text, None)
            }
        }
        Command::Repl(_) => {
            return Err(Error::input("the REPL is already open", Some("type `help` for the commands".to_owned())))
        }
        Command::Serve(_) => {
            return Err(Error::input(
                "`serve` runs from the command line",
                Some("run `stratagraph serve` in a shell".to_owned()),
            ))
        }
    })
}
