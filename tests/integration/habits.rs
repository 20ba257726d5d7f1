//! What users expect of any command-line tool: completion scripts and manual pages made
//! from the same grammar the commands parse.

use crate::util::Test;
use std::process::Command;

#[test]
fn bash_completion_script_loads_and_completes_commands_and_flags() {
    let out = Test::new().args(["completions", "bash"]).run().success();
    let script = out.dir.join("stratagraph.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    // Load the script in a real bash and ask it what `stratagraph que<TAB>` and
    // `stratagraph query --for<TAB>` offer.
    let probe = format!(
        "source {}; COMP_WORDS=(stratagraph que); COMP_CWORD=1; _stratagraph stratagraph que stratagraph; echo \"${{COMPREPLY[@]}}\"; \
         COMP_WORDS=(stratagraph query --for); COMP_CWORD=2; _stratagraph stratagraph --for query; echo \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let run = Command::new("bash").args(["--norc", "-c", &probe]).output().expect("bash runs");
    let text = String::from_utf8_lossy(&run.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("query"), "{text}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(lines.next().is_some_and(|l| l.split(' ').any(|w| w == "--format")), "{text}");
}

#[test]
fn zsh_and_fish_scripts_name_every_command() {
    for shell in ["zsh", "fish"] {
        let out = Test::new().args(["completions", shell]).run().success();
        for command in ["query", "describe", "path", "export", "serve", "report"] {
            assert!(out.stdout.contains(command), "{shell} script lacks {command}");
        }
    }
    Test::new().args(["completions", "tcsh"]).run().code(2).stderr_has("possible values");
}

#[test]
fn man_page_documents_the_commands_and_flags() {
    let out = Test::new().args(["man"]).run().success();
    assert!(out.stdout.contains(".TH stratagraph 1"), "{}", &out.stdout[..200]);
    assert!(out.stdout.contains(".SH SUBCOMMANDS"));
    assert!(out.stdout.contains("\\-\\-read\\-only"));
    let out = Test::new().args(["man", "--dir", "pages"]).run().success().stderr_has("wrote the manual pages");
    let query = std::fs::read_to_string(out.dir.join("pages/stratagraph-query.1")).expect("a page per command");
    assert!(query.contains("\\-\\-format") && query.contains("\\-\\-base"), "{query}");
}
