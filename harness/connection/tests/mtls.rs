//! TLS and mTLS over loopback: a CA, a server certificate for 127.0.0.1 and
//! localhost and a client certificate are generated with rcgen; the server
//! (tokio-rustls + hyper + axum) requires a client certificate from that CA.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use indexmap::IndexMap;
use konform_connection::{Credential, TargetConnection, TargetError, connect_with};
use konform_model::target::TlsConfig;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

struct Pki {
    dir: tempfile::TempDir,
    server_cert: String,
    server_key: String,
    ca_cert: String,
}

/// Writes ca.pem, client.pem and client.key into a fresh tempdir.
fn make_pki() -> Pki {
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "konform test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().expect("server key");
    let mut server_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("server params");
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .expect("server cert");

    let client_key = KeyPair::generate().expect("client key");
    let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("client params");
    client_params
        .distinguished_name
        .push(DnType::CommonName, "konform test client");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params
        .signed_by(&client_key, &issuer)
        .expect("client cert");

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).expect("write");
    std::fs::write(dir.path().join("client.pem"), client_cert.pem()).expect("write");
    std::fs::write(dir.path().join("client.key"), client_key.serialize_pem()).expect("write");
    Pki {
        dir,
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        ca_cert: ca_cert.pem(),
    }
}

/// An HTTPS server that requires a client certificate issued by the test CA.
async fn serve_mtls(pki: &Pki) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pki.ca_cert.as_bytes()).expect("ca der"))
        .expect("add ca");
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .expect("client verifier");
    let chain = vec![CertificateDer::from_pem_slice(pki.server_cert.as_bytes()).expect("cert")];
    let key = PrivateKeyDer::from_pem_slice(pki.server_key.as_bytes()).expect("key");
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

    let app = axum::Router::new().route("/api/ping", axum::routing::get(|| async { "pong" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let app = app.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    addr
}

fn tls(ca: bool, client: bool, insecure: bool) -> TlsConfig {
    TlsConfig {
        ca_file: ca.then(|| "ca.pem".to_string()),
        client_cert: client.then(|| "client.pem".to_string()),
        client_key: client.then(|| "client.key".to_string()),
        insecure,
    }
}

fn conn(addr: SocketAddr, host: &str, tls: &TlsConfig, dir: &Path) -> TargetConnection {
    connect_with(
        &format!("https://{host}:{}/api", addr.port()),
        Credential::None,
        IndexMap::new(),
        tls,
        None,
        dir,
    )
    .expect("connect")
}

async fn ping(c: &TargetConnection) -> Result<String, String> {
    let resp = c
        .client()
        .get(c.url_for("/ping").map_err(|e| e.to_string())?)
        .send()
        .await
        .map_err(|e| chain(&e))?;
    if resp.status() != 200 {
        return Err(format!("status {}", resp.status()));
    }
    resp.text().await.map_err(|e| chain(&e))
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut s = e.source();
    while let Some(x) = s {
        out.push_str(": ");
        out.push_str(&x.to_string());
        s = x.source();
    }
    out
}

#[tokio::test]
async fn mtls_with_ca_and_client_certificate() {
    common::init_crypto();
    let pki = make_pki();
    let addr = serve_mtls(&pki).await;
    for host in ["127.0.0.1", "localhost"] {
        let c = conn(addr, host, &tls(true, true, false), pki.dir.path());
        assert!(!c.tls_insecure());
        assert_eq!(ping(&c).await.as_deref(), Ok("pong"), "{host}");
    }
}

#[tokio::test]
async fn without_client_certificate_the_server_refuses() {
    common::init_crypto();
    let pki = make_pki();
    let addr = serve_mtls(&pki).await;
    let c = conn(addr, "127.0.0.1", &tls(true, false, false), pki.dir.path());
    let err = ping(&c).await.expect_err("no client certificate");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

#[tokio::test]
async fn without_the_ca_the_server_certificate_is_rejected() {
    common::init_crypto();
    let pki = make_pki();
    let addr = serve_mtls(&pki).await;
    let c = conn(addr, "127.0.0.1", &tls(false, true, false), pki.dir.path());
    let err = ping(&c).await.expect_err("unknown issuer");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

#[tokio::test]
async fn insecure_accepts_an_unknown_server_certificate() {
    common::init_crypto();
    let pki = make_pki();
    let addr = serve_mtls(&pki).await;
    let c = conn(addr, "127.0.0.1", &tls(false, true, true), pki.dir.path());
    assert!(c.tls_insecure());
    assert_eq!(ping(&c).await.as_deref(), Ok("pong"));
}

#[test]
fn absolute_paths_work_and_bad_files_are_named() {
    common::init_crypto();
    let pki = make_pki();
    let dir = pki.dir.path();
    let base = "https://127.0.0.1:1/";
    let mk = |tls: &TlsConfig| {
        connect_with(
            base,
            Credential::None,
            IndexMap::new(),
            tls,
            None,
            Path::new("/nonexistent"),
        )
    };

    let abs = |f: &str| Some(dir.join(f).to_string_lossy().into_owned());
    let ok = TlsConfig {
        ca_file: abs("ca.pem"),
        client_cert: abs("client.pem"),
        client_key: abs("client.key"),
        insecure: false,
    };
    assert!(mk(&ok).is_ok(), "absolute paths ignore base_dir");

    let missing = TlsConfig {
        ca_file: Some("missing-ca.pem".into()),
        ..TlsConfig::default()
    };
    let err = mk(&missing).expect_err("missing file");
    assert!(matches!(err, TargetError::ReadFile { .. }), "{err:?}");
    assert!(err.to_string().contains("missing-ca.pem"), "{err}");

    std::fs::write(dir.join("garbage.pem"), "this is not PEM").expect("write");
    let garbage = TlsConfig {
        ca_file: abs("garbage.pem"),
        ..TlsConfig::default()
    };
    let err = mk(&garbage).expect_err("garbage");
    assert!(matches!(err, TargetError::InvalidPem { .. }), "{err:?}");
    assert!(err.to_string().contains("garbage.pem"), "{err}");

    let key_is_cert = TlsConfig {
        client_cert: abs("client.pem"),
        client_key: abs("client.pem"),
        ..TlsConfig::default()
    };
    let err = mk(&key_is_cert).expect_err("no key in file");
    assert!(err.to_string().contains("client.pem"), "{err}");

    let half = TlsConfig {
        client_cert: abs("client.pem"),
        ..TlsConfig::default()
    };
    assert!(matches!(
        mk(&half),
        Err(TargetError::IncompleteClientIdentity)
    ));
}

/// The contents of the privateKey OCTET STRING of a PKCS#8 document, i.e.
/// the SEC1 `ECPrivateKey` for an EC key.
fn sec1_from_pkcs8(der: &[u8]) -> Option<Vec<u8>> {
    fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = b.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            let (len_bytes, rest) = rest.split_at_checked(n)?;
            (
                len_bytes.iter().fold(0usize, |a, &x| (a << 8) | x as usize),
                rest,
            )
        };
        let (value, rest) = rest.split_at_checked(len)?;
        Some((tag, value, rest))
    }
    let (_, mut inner, _) = tlv(der)?;
    while !inner.is_empty() {
        let (tag, value, rest) = tlv(inner)?;
        if tag == 0x04 {
            return Some(value.to_vec());
        }
        inner = rest;
    }
    None
}

#[tokio::test]
async fn sec1_client_key_is_accepted() {
    common::init_crypto();
    let pki = make_pki();
    let dir = pki.dir.path();
    let pkcs8_pem = std::fs::read(dir.join("client.key")).expect("read key");
    let pkcs8 = rustls_pki_types::PrivatePkcs8KeyDer::from_pem_slice(&pkcs8_pem).expect("pkcs8");
    let sec1 = sec1_from_pkcs8(pkcs8.secret_pkcs8_der()).expect("sec1 inside pkcs8");
    let body = base64::engine::general_purpose::STANDARD.encode(&sec1);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    let text = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
        lines.join("\n")
    );
    assert!(matches!(
        PrivateKeyDer::from_pem_slice(text.as_bytes()),
        Ok(PrivateKeyDer::Sec1(_))
    ));
    std::fs::write(dir.join("client-sec1.key"), text).expect("write");

    let addr = serve_mtls(&pki).await;
    let tls = TlsConfig {
        client_key: Some("client-sec1.key".into()),
        ..tls(true, true, false)
    };
    let c = conn(addr, "127.0.0.1", &tls, dir);
    assert_eq!(ping(&c).await.as_deref(), Ok("pong"));
}
