//! `export`: a subgraph for visualization tools (DOT, GraphML, Cytoscape, Mermaid, SVG) or
//! as RDF.

use super::{Artifact, Outcome, Reply};
use crate::backend::Answer;
use crate::error::Error;
use crate::export::{ExportArgs, Exported};
use crate::session::{Session, Settings};

/// `export`. RDF formats come back as a graph answer, for the one RDF renderer.
pub fn export(session: &Session, settings: &Settings, args: &ExportArgs) -> Result<Outcome, Error> {
    Ok(Outcome::found(match crate::export::export(session, settings, args)? {
        Exported::Text { text, media_type } => Reply::Artifact(Artifact::text(media_type, text)),
        Exported::Binary { bytes, media_type } => {
            Reply::Artifact(Artifact { media_type, body: super::Body::Bytes(bytes) })
        }
        Exported::Rdf { triples, .. } => Reply::Answer(Answer::Graph(triples)),
    }))
}
