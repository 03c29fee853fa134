//! Errors of starting a reference implementation.

use std::net::SocketAddr;

/// Why [`crate::serve`] could not start a server.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("no reference implementation for {interface}@{version} (available: {available})")]
    UnknownInterface {
        interface: String,
        version: String,
        available: String,
    },
    #[error("unknown fault {fault:?} for {interface}@{version} (known faults: {known})")]
    UnknownFault {
        fault: String,
        interface: String,
        version: String,
        known: String,
    },
    #[error("cannot set up TLS: {reason}")]
    Tls { reason: String },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}
