//! `report all` as one Markdown brief: each report's title, description, table and the
//! sources its facts cite, then the reports that need parameters.

use crate::backend::Answer;
use crate::error::Error;
use crate::formats::{GraphFormat, TableFormat};
use crate::reports::{params_text, Brief};
use std::fmt::Write as _;

/// The anchor of a report's section: its name, which is already a slug.
fn anchor(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

/// The brief as Markdown: a table of contents, then a section per report.
pub fn brief_markdown(brief: &Brief) -> Result<String, Error> {
    let mut out = String::from("# stratagraph brief\n\n");
    let _ = writeln!(out, "{} reports on {} quads.\n", brief.sections.len() + brief.need_params.len(), brief.quads);
    out.push_str("## Contents\n\n");
    for section in &brief.sections {
        let rows = match &section.answer {
            Ok(Answer::Solutions { rows, .. }) => {
                format!(" ({} row{})", rows.len(), if rows.len() == 1 { "" } else { "s" })
            }
            Ok(_) => String::new(),
            Err(_) => " (could not run)".to_owned(),
        };
        let _ = writeln!(out, "- [{}](#{}){rows}", section.report.title, anchor(&section.report.name));
    }
    if !brief.need_params.is_empty() {
        out.push_str("- [Reports that take parameters](#reports-that-take-parameters)\n");
    }
    out.push('\n');
    for section in &brief.sections {
        let report = &section.report;
        let _ = writeln!(out, "<a id=\"{}\"></a>\n\n## {}\n", anchor(&report.name), report.title);
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
                    out.push_str(&super::results::render_solutions(
                        variables,
                        rows,
                        TableFormat::Markdown,
                        &crate::paths::guard::Guard::none(),
                    )?);
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
                out.push_str(&super::results::render_answer(
                    other,
                    TableFormat::Markdown,
                    GraphFormat::Turtle,
                    &crate::paths::guard::Guard::none(),
                )?);
                out.push('\n');
            }
        }
    }
    if !brief.need_params.is_empty() {
        out.push_str(
            "<a id=\"reports-that-take-parameters\"></a>\n\n## Reports that take parameters\n\nRun these with `stratagraph report run NAME --param NAME=VALUE`.\n\n",
        );
        for report in &brief.need_params {
            let _ = writeln!(out, "- `{}` ({}): {}", report.name, params_text(&report.params), report.title);
        }
        out.push('\n');
    }
    Ok(out)
}

/// The brief as one HTML page: the Markdown rendered (tables included) inside a document
/// with its own small stylesheet, so it opens well in a browser or a mail.
pub fn brief_html(brief: &Brief) -> Result<String, Error> {
    use pulldown_cmark::{html, Options, Parser};
    let markdown = brief_markdown(brief)?;
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(&markdown, Options::ENABLE_TABLES));
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>stratagraph brief</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    ))
}

const STYLE: &str = "body { font-family: system-ui, 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
tr:nth-child(even) td { background: #fafafa; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.2rem; }
code { background: #f3f3f3; padding: 0 0.2rem; }
";
