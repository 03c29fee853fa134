//! The `konform` binary: a thin shell over the `konform` library.

fn main() {
    end_quietly_on_closed_stdout();
    std::process::exit(konform::main_with_args(std::env::args().collect()));
}

/// Exit code of a process whose reader went away, as a shell reports a
/// process ended by SIGPIPE (128 + 13).
const CLOSED_STDOUT_EXIT: i32 = 141;

/// `konform reference faults … | head` closes konform's stdout early. Rust
/// ignores SIGPIPE, so `println!` panics on the broken pipe, with a message
/// and a backtrace; end quietly instead, like other Unix tools. Every other
/// panic goes to the default hook.
fn end_quietly_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(CLOSED_STDOUT_EXIT);
        }
        default(info);
    }));
}
