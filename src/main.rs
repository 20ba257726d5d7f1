//! The `stratagraph` binary: the command-line face, a few lines over the library.

fn main() {
    std::process::exit(stratagraph::run::main());
}
