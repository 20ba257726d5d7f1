//! `report all` as one Markdown brief: each report's title, description, table and the
//! sources its facts cite, then the reports that need parameters.

use crate::backend::Answer;
use crate::error::Error;
use crate::formats::{GraphFormat, TableFormat};
use crate::reports::{params_text, Brief};
use std::fmt::Write as _;

/// The brief as Markdown.
pub fn brief_markdown(brief: &Brief) -> Result<String, Error> {
    let mut out = String::from("# stratagraph brief\n\n");
    let _ = writeln!(out, "{} reports on {} quads.\n", brief.sections.len() + brief.need_params.len(), brief.quads);
    for section in &brief.sections {
        let report = &section.report;
        let _ = writeln!(out, "## {}\n", report.title);
        if !report.description.is_empty() {
            let _ = writeln!(out, "{}\n", report.description);
        }
        let _ = writeln!(out, "_Report `{}`._\n", report.name);
        match &section.answer {
            Err(error) => {
                let _ = writeln!(out, "> could not run: {error}\n");
            }
            Ok(Answer::Solutions { variables, rows }) => {
                if rows.is_empty() {
                    out.push_str("_No rows._\n\n");
                } else {
                    out.push_str(&super::results::render_solutions(variables, rows, TableFormat::Markdown)?);
                    out.push('\n');
                }
                if !section.sources.is_empty() {
                    out.push_str("Sources:\n");
                    for source in &section.sources {
                        let _ = writeln!(out, "- {source}");
                    }
                    out.push('\n');
                }
            }
            Ok(other) => {
                out.push_str(&super::results::render_answer(other, TableFormat::Markdown, GraphFormat::Turtle)?);
                out.push('\n');
            }
        }
    }
    if !brief.need_params.is_empty() {
        out.push_str(
            "## Reports that take parameters\n\nRun these with `stratagraph report run NAME --param NAME=VALUE`.\n\n",
        );
        for report in &brief.need_params {
            let _ = writeln!(out, "- `{}` ({}): {}", report.name, params_text(&report.params), report.title);
        }
        out.push('\n');
    }
    Ok(out)
}
