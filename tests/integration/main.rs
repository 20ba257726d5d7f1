//! One integration test binary driving the real `stratagraph`: each module covers a face
//! or a feature, all through the `util::Test` builder.

#![allow(unreachable_pub)]

mod article;
mod asof;
mod browser;
mod check;
mod describe_search;
mod export;
mod fuzz;
mod habits;
mod hardening;
mod infer;
mod paths;
mod query;
mod remote;
mod repl;
mod replies;
mod reports;
mod review;
mod serve;
mod services;
mod sources;
mod store;
mod util;
mod w3c;
mod words;
