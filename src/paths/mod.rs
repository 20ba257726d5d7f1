//! Path queries: the projection of the RDF graph onto a compact petgraph graph, built once
//! per store state, and the algorithms that run on it.

pub mod algo;
mod projection;
pub mod render;

pub use crate::schema::Hierarchy;
pub use projection::{EdgeFilter, Projection, PropertyEntry};
