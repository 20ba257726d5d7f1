//! The `stratagraph` binary: the command-line face, a few lines over the library.

fn main() {
    stratagraph::run::exit(stratagraph::run::main());
}
