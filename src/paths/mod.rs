//! Path queries: the projection of the RDF graph onto a compact petgraph graph, built once
//! per store state, and the algorithms that run on it.

pub mod algo;
pub mod cli;
mod projection;
pub mod render;

pub use projection::{EdgeFilter, Hierarchy, Projection, PropertyEntry};
