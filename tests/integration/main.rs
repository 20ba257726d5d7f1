//! One integration test binary driving the real `stratagraph`: each module covers a face
//! or a feature, all through the `util::Test` builder.

#![allow(unreachable_pub)]

mod util;
mod article;
mod repl;
