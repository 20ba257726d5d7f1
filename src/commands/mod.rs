//! The commands that sit on top of the engines: each takes its parsed arguments and a
//! session and returns its output. (The others still live in `exec`; they move here one
//! family at a time.)

pub mod paths;
