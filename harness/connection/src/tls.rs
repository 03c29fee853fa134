//! The rustls client configuration for a target: the system roots
//! (rustls-native-certs) plus an optional extra CA file, an optional client
//! certificate and key for mTLS, all with the ring crypto provider. With
//! `insecure: true` a verifier that accepts ANY server certificate is used —
//! that disables server authentication entirely and is only meant for
//! throw-away test deployments; the report records it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use konform_model::target::TlsConfig;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use crate::error::TargetError;

/// Builds the rustls client configuration; relative paths in `tls` are
/// resolved against `base_dir` (the folder of the target file).
pub(crate) fn client_config(tls: &TlsConfig, base_dir: &Path) -> Result<ClientConfig, TargetError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TargetError::Tls(e.to_string()))?;

    let builder = if tls.insecure {
        // DANGER: no server authentication at all. Only on explicit request.
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServerCert(
                provider.signature_verification_algorithms,
            )))
    } else {
        builder.with_root_certificates(root_store(tls, base_dir)?)
    };

    let mut config = match (&tls.client_cert, &tls.client_key) {
        (None, None) => builder.with_no_client_auth(),
        (Some(cert), Some(key)) => {
            let cert_path = resolve(base_dir, cert);
            let key_path = resolve(base_dir, key);
            let chain = read_certs(&cert_path, "client certificate")?;
            let key = read_key(&key_path)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| TargetError::InvalidPem {
                    what: "client key",
                    path: key_path,
                    reason: format!("does not fit the client certificate: {e}"),
                })?
        }
        _ => return Err(TargetError::IncompleteClientIdentity),
    };
    // reqwest does not set ALPN on a preconfigured config; offer what it would.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn root_store(tls: &TlsConfig, base_dir: &Path) -> Result<RootCertStore, TargetError> {
    let mut roots = RootCertStore::empty();
    // Unreadable system certificates are skipped; an extra CA may still do.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(ca) = &tls.ca_file {
        let path = resolve(base_dir, ca);
        for cert in read_certs(&path, "CA certificate")? {
            roots.add(cert).map_err(|e| TargetError::InvalidPem {
                what: "CA certificate",
                path: path.clone(),
                reason: e.to_string(),
            })?;
        }
    }
    Ok(roots)
}

fn resolve(base_dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base_dir.join(p)
    }
}

fn read_file(path: &Path, what: &'static str) -> Result<Vec<u8>, TargetError> {
    std::fs::read(path).map_err(|source| TargetError::ReadFile {
        what,
        path: path.to_path_buf(),
        source,
    })
}

fn read_certs(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TargetError> {
    let pem = read_file(path, what)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TargetError::InvalidPem {
            what,
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TargetError::InvalidPem {
            what,
            path: path.to_path_buf(),
            reason: "no CERTIFICATE block found".into(),
        });
    }
    Ok(certs)
}

/// A private key in PEM: PKCS#8, SEC1 (EC) or PKCS#1 (RSA).
fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TargetError> {
    let what = "client key";
    let pem = read_file(path, what)?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| TargetError::InvalidPem {
        what,
        path: path.to_path_buf(),
        reason: match e {
            rustls_pki_types::pem::Error::NoItemsFound => {
                "no PRIVATE KEY block (PKCS#8, SEC1 or PKCS#1) found".into()
            }
            other => other.to_string(),
        },
    })
}

/// Accepts every server certificate (signatures in the handshake are still
/// checked, so the peer must hold the key of the certificate it shows).
#[derive(Debug)]
struct AcceptAnyServerCert(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
