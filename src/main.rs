//! The `stratagraph` binary: the command-line face, a few lines over the library.

/// mimalloc serves the many small allocations of parsing, evaluating and rendering a query
/// faster than the system allocator. It is the process's `malloc` too (the `override`
/// feature): RocksDB's error messages are allocated in C and freed from Rust, so both sides
/// must use one allocator (see ARCHITECTURE.md, "Why these crates").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    stratagraph::run::exit(stratagraph::run::main());
}
