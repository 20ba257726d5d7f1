//! A small builder that runs the real `stratagraph` binary in a fresh temporary folder and
//! checks what it printed and how it exited.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// One run of the binary, described before it happens.
#[must_use]
pub struct Test {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The folder the run happened in (kept alive by the Outcome).
    pub dir: PathBuf,
    _keep: Option<tempfile::TempDir>,
}

/// The path of the binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_stratagraph")
}

/// The repository root, for the built-in data and the shared article.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Test {
    /// A run in a new empty folder, with its own XDG data folder and no colours.
    pub fn new() -> Test {
        let dir = tempfile::tempdir().expect("temp dir");
        Test { args: Vec::new(), stdin: None, dir, env: Vec::new() }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Feeds standard input.
    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Test {
        self.stdin = Some(input.as_ref().to_vec());
        self
    }

    /// Writes a file into the run's folder before the run.
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(path, contents).expect("write fixture");
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Runs the binary and returns what happened.
    pub fn run(self) -> Outcome {
        let mut command = Command::new(binary());
        command
            .args(&self.args)
            .current_dir(self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join(".xdg"))
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .env_remove("STRATAGRAPH_STORE")
            .env_remove("STRATAGRAPH_ENDPOINT")
            .env_remove("STRATAGRAPH_ENDPOINT_USER")
            .env_remove("STRATAGRAPH_ENDPOINT_PASSWORD")
            .env_remove("STRATAGRAPH_ENDPOINT_TOKEN")
            .env("STRATAGRAPH_NETRC", "/nonexistent")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn stratagraph");
        let input = self.stdin.clone().unwrap_or_default();
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().expect("wait for stratagraph");
        let _ = writer.join();
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            dir: self.dir.path().to_path_buf(),
            _keep: Some(self.dir),
        }
    }
}

impl Outcome {
    /// Asserts exit code 0.
    #[track_caller]
    pub fn success(self) -> Outcome {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// Asserts a given exit code.
    #[track_caller]
    pub fn code(self, code: i32) -> Outcome {
        assert_eq!(self.code, code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// Asserts standard output contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Outcome {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts standard output does not contain `text`.
    #[track_caller]
    pub fn stdout_lacks(self, text: &str) -> Outcome {
        assert!(!self.stdout.contains(text), "stdout has {text:?}\nstdout:\n{}", self.stdout);
        self
    }

    /// Asserts standard error contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Outcome {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard output parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The value cells of a SPARQL JSON result, row by row, for the given variables.
    #[track_caller]
    pub fn rows(&self, variables: &[&str]) -> Vec<Vec<String>> {
        let json = self.json();
        json["results"]["bindings"]
            .as_array()
            .unwrap_or_else(|| panic!("not a SPARQL JSON result:\n{}", self.stdout))
            .iter()
            .map(|row| variables.iter().map(|v| row[*v]["value"].as_str().unwrap_or("").to_owned()).collect())
            .collect()
    }
}

/// Runs a SELECT query on the built-in data and returns the rows of the given variables.
#[track_caller]
pub fn select(query: &str, variables: &[&str]) -> Vec<Vec<String>> {
    Test::new().args(["query", "--format", "json", query]).run().success().rows(variables)
}

/// The entity IRI of an id.
pub fn entity(id: &str) -> String {
    format!("https://w3id.org/stratagraph/id/{id}")
}

/// The number of quads a graph holds; `graph` is the options naming it (`--store DIR`,
/// `--bare`, or nothing for the built-in data).
#[track_caller]
pub fn count_quads(graph: &[&str]) -> usize {
    let outcome = Test::new()
        .args(graph)
        .args(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"])
        .run()
        .success();
    outcome.stdout.lines().nth(1).and_then(|n| n.trim().parse().ok()).expect("a count")
}
