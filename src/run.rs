//! The command-line face: parse the arguments, open the graph, run one command (or the
//! REPL), print its output, and turn the outcome into an exit code. The one place that
//! prints errors for one-shot commands.

use crate::backend::remote::Credentials;
use crate::backend::{Backend, BackendOptions, RemoteOptions, StoreOptions};
use crate::cli::{Cli, Command, ReplArgs};
use crate::error::{exit, Error};
use crate::exec::execute;
use crate::session::{Session, Settings};
use clap::Parser;
use std::io::{IsTerminal, Write};

/// Runs the program and returns its exit code.
pub fn main() -> i32 {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => exit::OK,
                _ => exit::BAD_INPUT,
            };
        }
    };
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => code,
        Err(_) => exit::INTERNAL,
    }
}

fn run(cli: Cli) -> i32 {
    // Lets the tests prove that an unexpected panic becomes one line and exit code 5.
    if std::env::var_os("STRATAGRAPH_TEST_PANIC").is_some() {
        panic!("panic requested by STRATAGRAPH_TEST_PANIC");
    }
    let settings = match cli.settings.apply(&Settings::default()) {
        Ok(settings) => settings,
        Err(error) => return report(&error),
    };
    let command = cli.command.unwrap_or(Command::Repl(ReplArgs::default()));
    let writes =
        matches!(&command, Command::Load(_) | Command::Repl(_)) || matches!(&command, Command::Query(q) if q.update);
    let writes = writes || matches!(&command, Command::Push(_)) || matches!(&command, Command::Serve(s) if s.update);
    // Only a command that writes may create a store: a read given a folder that is not a
    // store (a typo, say) fails instead of answering from a new, seeded one.
    if let Some(path) = &cli.store.store {
        if !writes && !path.join("CURRENT").exists() && !path.is_file() && cli.store.endpoint.is_none() {
            return report(&Error::store(
                format!("no store at {}", path.display()),
                Some("check the path, or create the store with `stratagraph load FILE --store DIR`".to_owned()),
            ));
        }
    }
    // A load into a folder that did not exist removes the store it made when it fails.
    let created_here =
        cli.store.store.as_ref().filter(|p| !p.exists() && matches!(&command, Command::Load(_))).cloned();
    let store = StoreOptions {
        path: cli.store.store.clone(),
        read_only: cli.store.read_only
            || (!writes && cli.store.store.as_ref().is_some_and(|p| p.join("CURRENT").exists())),
        bare: cli.store.bare,
    };
    let remote = cli.store.endpoint.as_ref().map(|endpoint| RemoteOptions {
        endpoint: endpoint.clone(),
        update_endpoint: cli.store.update_endpoint.clone(),
        graph_store: cli.store.graph_store.clone(),
        graph: cli.store.graph.clone(),
        read_only: cli.store.read_only,
        credentials: Credentials::from_environment(endpoint),
        timeout: settings.timeout,
    });
    let backend = match Backend::open(&BackendOptions { store, remote }) {
        Ok(backend) => backend,
        Err(error) => return report(&error),
    };
    let mut session = Session::new(backend, settings);
    session.long_lived = matches!(command, Command::Repl(_) | Command::Serve(_));
    if !session.settings.quiet && !matches!(command, Command::Serve(_)) {
        crate::views::show_builds_with(crate::progress::view_build_spinner);
    }
    if let Command::Repl(args) = command {
        session.settings.allow_update = args.update;
        return crate::repl::run(&mut session, &args);
    }
    if let Command::Serve(args) = &command {
        return match crate::serve::ServeOptions::from_args(args, session.settings.timeout) {
            Ok(options) => crate::serve::run(session, options),
            Err(error) => report(&error),
        };
    }
    // A write through stratagraph brings the views kept beside the store up to date before
    // it ends, so that the next command reads them instead of rebuilding them.
    let writes_store = matches!(&command, Command::Load(_)) || matches!(&command, Command::Query(q) if q.update);
    let refresh = cli.store.store.clone().filter(|_| writes_store && cli.store.endpoint.is_none());
    let mut command = command;
    if let Command::Query(query) = &mut command {
        if query.query.is_none() && query.file.is_none() {
            match read_stdin() {
                Ok(text) => query.query = Some(text),
                Err(error) => return report(&error),
            }
        }
    }
    let quiet = session.settings.quiet;
    let progress = crate::progress::TerminalProgress::new(quiet);
    match execute(&session, command, &cli.settings, &progress) {
        Ok(output) => {
            let status = output.status;
            let mut stdout = WatchedStdout { inner: std::io::stdout().lock(), failed: None };
            match output.deliver(&mut stdout) {
                Ok(notes) => {
                    if !quiet {
                        for note in &notes {
                            eprintln!("{note}");
                        }
                    }
                    if let Some(path) = refresh.filter(|_| status == exit::OK) {
                        drop(session);
                        refresh_views(&path, &progress, quiet);
                    }
                    status
                }
                // A closed pipe (`| head`) is how a reader says it has seen enough; any
                // other failure to write (a full disk, an I/O error) is reported.
                Err(_) if stdout.failed.as_ref().is_some_and(|(kind, _)| *kind == std::io::ErrorKind::BrokenPipe) => {
                    exit::OK
                }
                Err(_) if stdout.failed.is_some() => report(&Error::store(
                    format!(
                        "cannot write to standard output: {}",
                        stdout.failed.as_ref().map_or("i/o error", |(_, message)| message.as_str())
                    ),
                    Some("check the disk or the file standard output goes to".to_owned()),
                )),
                Err(error) => report(&error),
            }
        }
        Err(error) => {
            if let Some(path) = created_here {
                drop(session);
                let _ = std::fs::remove_dir_all(&path);
            }
            report(&error)
        }
    }
}

/// Brings the views kept beside the store at `path` up to date after a write. A failure
/// only means that the next command rebuilds them, so it is a note, not an error.
fn refresh_views(path: &std::path::Path, progress: &crate::progress::TerminalProgress, quiet: bool) {
    use crate::commands::data::Progress;
    let observer = progress.work("updating the kept views");
    if let Err(error) = crate::session::refresh_kept_views(path, observer.as_deref()) {
        if !quiet {
            eprintln!("note: the kept views were not brought up to date ({error}); the next command rebuilds them");
        }
    }
}

/// Standard output that remembers how a write to it failed.
struct WatchedStdout<W> {
    inner: W,
    failed: Option<(std::io::ErrorKind, String)>,
}

impl<W: Write> WatchedStdout<W> {
    fn note(&mut self, error: &std::io::Error) {
        self.failed.get_or_insert_with(|| (error.kind(), error.to_string()));
    }
}

impl<W: Write> Write for WatchedStdout<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.inner.write(bytes).inspect_err(|e| self.note(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| self.note(e))
    }
}

/// Reads a query from standard input, up to the size a query file may have.
fn read_stdin() -> Result<String, Error> {
    use std::io::Read;
    let limit = crate::limits::MAX_TEXT_FILE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::input(
            format!("the query on standard input is over {} MiB", limit >> 20),
            Some("a query that long is a mistake; check what is piped in".to_owned()),
        ));
    }
    String::from_utf8(bytes).map_err(|_| Error::input("the query on standard input is not UTF-8", None))
}

/// Prints an error the one way errors are printed, and returns its exit code.
pub fn report(error: &Error) -> i32 {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(error.report().as_bytes());
    error.exit_code()
}

fn install_panic_hook() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let backtrace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
        if backtrace {
            default_hook(info);
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "error: internal error: {message}{location}; this is a bug in stratagraph, please report it with the command you ran (set RUST_BACKTRACE=1 for a trace)"
        );
    }));
}

/// Ends the process with `code`. When a cancelled query may still be running on a worker
/// thread, the exit skips the C++ static destructors (RocksDB's), which that thread could
/// still be using; everything of ours is flushed first. Writes are never abandoned (updates
/// do not run on workers), so nothing is lost.
pub fn exit(code: i32) -> ! {
    if crate::sparql::workers_abandoned() {
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // SAFETY: `_exit` ends the process at once; no Rust state is used after it.
        unsafe { libc::_exit(code) }
    }
    std::process::exit(code)
}

/// True when standard input is a terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}
