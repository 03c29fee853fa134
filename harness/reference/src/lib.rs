//! Embedded in-memory reference implementations of the bundled interfaces.
//!
//! The harness starts one of these on a loopback port when no target is given,
//! so `konform run` works without any setup. Each implementation follows its
//! interface contract under `schemas/` exactly; faults (switches that break one
//! requirement on purpose) let suite authors measure whether their suite catches
//! broken implementations.

mod common;
mod control;
mod elterngeld;
mod error;
mod faults;
mod kfz_zulassung;
mod meldewesen;
mod oparl;
mod tls;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::ReferenceError;
pub use faults::{FaultInfo, Faults};

/// How many objects the external lists of the OParl 1.1 reference hold at
/// `scale` (the size knob of [`ServeOptions::scale`]).
pub fn oparl_list_objects(scale: u32) -> usize {
    oparl::list_objects(scale)
}

/// Test-only bearer token that carries every scope of every bundled interface.
pub const FULL_TOKEN: &str = "konform-reference-full";
/// Test-only bearer token that carries only `meldewesen:lesen`.
pub const LIMITED_TOKEN: &str = "konform-reference-limited";

/// How the reference implementation authenticates requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// No authentication: every request is allowed every scope.
    Open,
    /// Bearer tokens (RFC 6750), each with the scopes it grants.
    Tokens(HashMap<String, Vec<String>>),
}

impl AuthMode {
    /// [`FULL_TOKEN`] with every scope of every interface, and
    /// [`LIMITED_TOKEN`] with each interface's read-only scopes.
    pub fn reference_tokens() -> Self {
        let mut all = Vec::new();
        let mut limited = Vec::new();
        for entry in registry() {
            all.extend(entry.scopes.iter().map(|s| s.to_string()));
            limited.extend(entry.limited_scopes.iter().map(|s| s.to_string()));
        }
        let mut tokens = HashMap::new();
        tokens.insert(FULL_TOKEN.to_string(), all);
        tokens.insert(LIMITED_TOKEN.to_string(), limited);
        AuthMode::Tokens(tokens)
    }
}

/// One embedded reference implementation: how to find it, which scopes it
/// knows, which faults it offers and how to build its router.
pub struct InterfaceEntry {
    pub name: &'static str,
    pub version: &'static str,
    /// Every OAuth scope of the interface (all granted to [`FULL_TOKEN`]).
    pub scopes: &'static [&'static str],
    /// The scopes granted to [`LIMITED_TOKEN`] (the suites' `limited` profile).
    pub limited_scopes: &'static [&'static str],
    pub faults: &'static [FaultInfo],
    pub router: fn(AuthMode, Faults, &RouterOptions) -> axum::Router,
    /// Whether [`serve`] should use HTTPS unless told otherwise (the
    /// interface's specification recommends it and its suite checks it).
    pub tls_by_default: bool,
}

/// What a router needs to know besides auth and faults: the size of its
/// data set and whether it is reached over HTTPS (so it can build its own
/// absolute URLs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterOptions {
    /// Multiplier of the synthetic data set (1 = the default size).
    pub scale: u32,
    /// The server speaks HTTPS.
    pub tls: bool,
}

/// Every embedded reference implementation. A new interface adds one line.
pub fn registry() -> Vec<InterfaceEntry> {
    vec![
        meldewesen::entry(),
        elterngeld::entry(),
        kfz_zulassung::entry(),
        oparl::entry_v10(),
        oparl::entry_v11(),
    ]
}

fn find(interface: &str, version: &str) -> Option<InterfaceEntry> {
    registry()
        .into_iter()
        .find(|e| e.name == interface && e.version == version)
}

/// Options for [`serve`].
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on; default `127.0.0.1:0` (a free loopback port).
    pub bind: SocketAddr,
    /// Default: [`AuthMode::reference_tokens`].
    pub auth: AuthMode,
    /// Names of faults to switch on; unknown names are rejected by [`serve`].
    pub faults: Vec<String>,
    /// Serve the control route `/_konform/faults` (GET lists the faults that
    /// are on, PUT with a JSON array of names switches them).
    pub control: bool,
    /// Serve HTTPS with a freshly generated self-signed certificate for
    /// `localhost` and `127.0.0.1` (see [`RunningReference::ca_pem`]).
    /// Default `false`; [`tls_by_default`] says what an interface prefers.
    pub tls: bool,
    /// Multiplier of the synthetic data set of interfaces that have one
    /// (OParl); default 1.
    pub scale: u32,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            auth: AuthMode::reference_tokens(),
            faults: Vec::new(),
            control: false,
            tls: false,
            scale: 1,
        }
    }
}

/// A running reference server. Dropping it stops the server (gracefully, in the
/// background); [`RunningReference::shutdown`] stops it and waits until it is down.
#[derive(Debug)]
pub struct RunningReference {
    pub addr: SocketAddr,
    /// `http://ADDR` (or `https://localhost:PORT` with TLS) without a
    /// trailing slash; request paths are appended to it.
    pub base_url: String,
    /// With TLS: the PEM of the self-signed certificate the server presents,
    /// for the client to trust.
    pub ca_pem: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningReference {
    /// Stops accepting connections, lets running requests finish, and waits.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningReference {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Every bundled interface that has a reference implementation: `(name, version)`.
pub fn interfaces() -> Vec<(&'static str, &'static str)> {
    registry().iter().map(|e| (e.name, e.version)).collect()
}

/// The faults a reference implementation offers (empty when there is none).
pub fn faults(interface: &str, version: &str) -> Vec<FaultInfo> {
    find(interface, version)
        .map(|e| e.faults.to_vec())
        .unwrap_or_default()
}

/// Whether the reference implementation of `interface`@`version` is served
/// over HTTPS by default (false when there is none).
pub fn tls_by_default(interface: &str, version: &str) -> bool {
    find(interface, version).is_some_and(|e| e.tls_by_default)
}

/// Starts the reference implementation of `interface`@`version` and returns
/// once it accepts connections.
pub async fn serve(
    interface: &str,
    version: &str,
    opts: ServeOptions,
) -> Result<RunningReference, ReferenceError> {
    let Some(entry) = find(interface, version) else {
        let available = interfaces()
            .iter()
            .map(|(n, v)| format!("{n}@{v}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ReferenceError::UnknownInterface {
            interface: interface.to_string(),
            version: version.to_string(),
            available,
        });
    };
    let faults = Faults::parse(interface, version, entry.faults, &opts.faults)?;
    let router_options = RouterOptions {
        scale: opts.scale.max(1),
        tls: opts.tls,
    };
    let mut router = (entry.router)(opts.auth, faults.clone(), &router_options);
    if opts.control {
        router = router.merge(control::router(faults));
    }

    let listener = TcpListener::bind(opts.bind)
        .await
        .map_err(|source| ReferenceError::Bind {
            addr: opts.bind,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ReferenceError::Bind {
            addr: opts.bind,
            source,
        })?;
    let (tx, rx) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = rx.await;
    };
    if opts.tls {
        let cert = tls::SelfSigned::generate().map_err(|reason| ReferenceError::Tls { reason })?;
        let acceptor = cert
            .acceptor()
            .map_err(|reason| ReferenceError::Tls { reason })?;
        let listener = tls::TlsListener::new(listener, acceptor);
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, router).with_graceful_shutdown(shutdown);
            if let Err(err) = server.await {
                eprintln!("konform reference server stopped: {err}");
            }
        });
        return Ok(RunningReference {
            addr,
            base_url: format!("https://localhost:{}", addr.port()),
            ca_pem: Some(cert.cert_pem),
            shutdown: Some(tx),
            task: Some(task),
        });
    }
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, router).with_graceful_shutdown(shutdown);
        // An accept loop error ends the server; there is nobody to report it to
        // but the process log.
        if let Err(err) = server.await {
            eprintln!("konform reference server stopped: {err}");
        }
    });
    Ok(RunningReference {
        addr,
        base_url: format!("http://{addr}"),
        ca_pem: None,
        shutdown: Some(tx),
        task: Some(task),
    })
}
