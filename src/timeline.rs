//! `timeline ENTITY`: the entity's dated facts and figures in date order, each with its quote
//! and source, named in English and Chinese. The facts are the answer of the built-in
//! `entity-timeline` report, so the command and the report cannot disagree.

use crate::error::Error;
use crate::session::{Session, Settings};
use oxigraph::model::{Term, Variable};
use serde::Serialize;

/// A node of the graph with its names in both languages.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Named {
    pub en: Option<String>,
    pub zh: Option<String>,
}

/// One dated fact.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TimelineEvent {
    /// The date as the data gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// `starts` or `ends` (a relation), `attribute` (a date-valued attribute) or `figure`.
    pub event: String,
    pub subject: Named,
    /// The property, or the figure's metric.
    pub property: Named,
    /// The other end of a relation.
    pub object: Option<Named>,
    /// A figure's or attribute's value.
    pub value: Option<String>,
    pub unit: Option<String>,
    /// `exact`, `about`, `over` or `under` (figures).
    pub qualifier: Option<String>,
    /// Where a figure was measured.
    pub context: Option<Named>,
    /// Who is quoted, when the fact is someone's claim.
    pub speaker: Option<Named>,
    pub quote: Option<String>,
    pub source: Option<String>,
    pub source_date: Option<String>,
}

/// `timeline`'s reply.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Timeline {
    pub iri: String,
    pub entity: Named,
    /// The day the graph was read as of (`--as-of`), if any.
    pub as_of: Option<String>,
    pub events: Vec<TimelineEvent>,
}

/// The timeline of the entity `iri`.
pub fn timeline(session: &Session, settings: &Settings, iri: &str) -> Result<Timeline, Error> {
    let report = crate::reports::catalog(&[])?.find("entity-timeline")?;
    let mut options = session.query_options(settings)?;
    options.max_rows = None;
    options.substitutions.push((
        Variable::new_unchecked("entity"),
        Term::NamedNode(oxigraph::model::NamedNode::new(iri).map_err(|e| Error::Internal(e.to_string()))?),
    ));
    let crate::sparql::Answer::Solutions { variables, rows } =
        crate::sparql::run(&session.backend, &report.query, &options)?
    else {
        return Err(Error::Internal("the timeline report answered something other than rows".to_owned()));
    };
    let column = |name: &str| variables.iter().position(|v| v.as_str() == name);
    let cell = |row: &[Option<Term>], name: &str| -> Option<String> {
        let term = row.get(column(name)?)?.as_ref()?;
        let text = match term {
            Term::Literal(l) => l.value().to_owned(),
            Term::NamedNode(n) => n.as_str().to_owned(),
            other => other.to_string(),
        };
        (!text.is_empty()).then_some(text)
    };
    let named = |row: &[Option<Term>], stem: &str| -> Option<Named> {
        let names = Named { en: cell(row, &format!("{stem}_en")), zh: cell(row, &format!("{stem}_zh")) };
        (names.en.is_some() || names.zh.is_some()).then_some(names)
    };
    let labels = session.labels_for([iri.to_owned()])?;
    let names = labels.names(iri).cloned().unwrap_or_default();
    let mut events = Vec::new();
    for row in &rows {
        let Some(date) = cell(row, "date") else { continue };
        events.push(TimelineEvent {
            date,
            event: cell(row, "event").unwrap_or_default(),
            subject: named(row, "subject").unwrap_or_default(),
            property: named(row, "property").unwrap_or_default(),
            object: named(row, "object"),
            value: cell(row, "value"),
            unit: cell(row, "unit"),
            qualifier: cell(row, "qualifier").filter(|q| q != "exact"),
            context: named(row, "context"),
            speaker: named(row, "speaker"),
            quote: cell(row, "quote"),
            source: cell(row, "source"),
            source_date: cell(row, "source_date"),
        });
    }
    Ok(Timeline {
        iri: iri.to_owned(),
        entity: Named { en: names.en.clone(), zh: names.zh.clone() },
        as_of: settings.as_of.map(crate::asof::day_text),
        events,
    })
}
