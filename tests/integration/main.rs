//! One integration test binary driving the real `stratagraph`: each module covers a face
//! or a feature, all through the `util::Test` builder.

mod util;
mod article;
