//! `report list | show | run | all`: the saved SPARQL reports, built in or from the user's
//! `--queries` folders.

use super::{Outcome, Reply};
use crate::backend::Answer;
use crate::error::Error;
use crate::reports::{all_dirs, catalog, Report, ReportCommand};
use crate::session::{Session, Settings};

/// A report and the table it produced.
#[derive(Debug, Clone)]
pub struct ReportTable {
    pub report: Report,
    pub answer: Answer,
}

/// Runs one `report` subcommand.
pub fn report(session: &Session, settings: &Settings, command: &ReportCommand) -> Result<Outcome, Error> {
    match command {
        ReportCommand::List(args) => {
            let catalog = catalog(&all_dirs(session, &args.queries))?;
            let notes = catalog.warnings();
            Ok(Outcome { notes, ..Outcome::found(Reply::Reports(catalog.reports)) })
        }
        ReportCommand::Show(args) => {
            let report = catalog(&all_dirs(session, &args.queries))?.find(&args.name)?;
            Ok(Outcome::found(Reply::ReportSource(report)))
        }
        ReportCommand::Run(args) => {
            let report = catalog(&all_dirs(session, &args.queries))?.find(&args.name)?;
            let mut answer = crate::reports::run_report(session, settings, &report, &args.param)?;
            if !args.all_columns {
                answer = crate::reports::shape_for_reading(answer, settings.lang);
            }
            Ok(Outcome::found(Reply::ReportTable(ReportTable { report, answer })))
        }
        ReportCommand::All(args) => {
            let catalog = catalog(&all_dirs(session, &args.queries))?;
            let notes = catalog.warnings();
            let mut brief = crate::reports::brief(session, settings, &catalog.reports)?;
            if !args.all_columns {
                for section in &mut brief.sections {
                    if let Ok(answer) = &mut section.answer {
                        *answer = crate::reports::shape_for_reading(
                            std::mem::replace(answer, Answer::Boolean(false)),
                            settings.lang,
                        );
                    }
                }
            }
            Ok(Outcome { notes, ..Outcome::found(Reply::Brief(brief)) })
        }
    }
}
