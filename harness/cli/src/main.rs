//! The `konform` binary: a thin shell over the `konform` library.

fn main() {
    std::process::exit(konform::main_with_args(std::env::args().collect()));
}
