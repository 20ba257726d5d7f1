//! Path queries: the projection of the RDF graph onto a compact graph (compressed sparse rows), built once
//! per store state, and the algorithms that run on it.

pub mod algo;
mod csr;
pub mod guard;
pub mod names;
mod projection;

pub use crate::schema::Hierarchy;
pub use projection::{EdgeFilter, Projection, PropertyEntry};
