//! Ed25519 keys for signing reports: generation from OS randomness, PKCS#8
//! PEM private keys (written `0600`), SPKI PEM public keys, and the key id —
//! the first 16 hex digits of SHA-256 over the 32 raw public key bytes — that
//! names a key in a signature's `kid`.
//!
//! A [`KeyRing`] holds the keys a reader trusts, each under the name it was
//! published as (the file name without `.pub.pem`). That name is the only
//! name a signature is shown under: the `signer` in a signature's header is
//! written by whoever signed and proves nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// File name endings written by [`write_key_pair`].
pub const PRIVATE_SUFFIX: &str = ".key.pem";
pub const PUBLIC_SUFFIX: &str = ".pub.pem";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} already exists; refusing to overwrite a key")]
    Exists { path: String },
    #[error("{path} is not an Ed25519 {kind} key in PEM form: {message}")]
    Parse {
        path: String,
        kind: &'static str,
        message: String,
    },
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error("cannot encode the key: {0}")]
    Encode(String),
}

/// A fresh signing key from the operating system's randomness.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// `kid` of a public key: first 16 hex digits of SHA-256 over its 32 bytes.
pub fn key_id(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..8])
}

pub fn private_pem(key: &SigningKey) -> Result<String, KeyError> {
    key.to_pkcs8_pem(LineEnding::LF)
        .map(|z| z.to_string())
        .map_err(|e| KeyError::Encode(e.to_string()))
}

pub fn public_pem(key: &VerifyingKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encode(e.to_string()))
}

/// The two files of a key pair.
#[derive(Debug, Clone)]
pub struct KeyFiles {
    pub private: PathBuf,
    pub public: PathBuf,
    pub key_id: String,
}

/// Writes `<dir>/<stem>.key.pem` (mode 0600) and `<dir>/<stem>.pub.pem`;
/// never overwrites an existing file.
pub fn write_key_pair(dir: &Path, stem: &str, key: &SigningKey) -> Result<KeyFiles, KeyError> {
    let private = dir.join(format!("{stem}{PRIVATE_SUFFIX}"));
    let public = dir.join(format!("{stem}{PUBLIC_SUFFIX}"));
    for p in [&private, &public] {
        if p.exists() {
            return Err(KeyError::Exists {
                path: p.display().to_string(),
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| KeyError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    write_new(&private, private_pem(key)?.as_bytes(), 0o600)?;
    write_new(&public, public_pem(&key.verifying_key())?.as_bytes(), 0o644)?;
    Ok(KeyFiles {
        private,
        public,
        key_id: key_id(&key.verifying_key()),
    })
}

/// Creates `path` (failing if it exists) with `mode` from the start, so the
/// private key is never readable by others, not even for a moment.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    use std::io::Write;
    let err = |source| KeyError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(err)?;
    file.write_all(bytes).map_err(err)?;
    file.sync_all().map_err(err)?;
    Ok(())
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// A PEM file as the strict parser wants it: CRLF line ends (a key pasted
/// on Windows) become LF, and blank lines before and after (a key pasted into
/// a CI secret, which adds a trailing newline) go.
fn tidy_pem(text: &str) -> String {
    format!("{}\n", text.replace("\r\n", "\n").trim())
}

/// Reads a PKCS#8 PEM private key.
pub fn read_private(path: &Path) -> Result<SigningKey, KeyError> {
    SigningKey::from_pkcs8_pem(&tidy_pem(&read(path)?)).map_err(|e| KeyError::Parse {
        path: path.display().to_string(),
        kind: "private",
        message: e.to_string(),
    })
}

/// Reads an SPKI PEM public key.
pub fn read_public(path: &Path) -> Result<VerifyingKey, KeyError> {
    VerifyingKey::from_public_key_pem(&tidy_pem(&read(path)?)).map_err(|e| KeyError::Parse {
        path: path.display().to_string(),
        kind: "public",
        message: e.to_string(),
    })
}

/// Trusted public keys by key id, each with the name it was published as.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: BTreeMap<String, (VerifyingKey, String)>,
}

/// The name a public key file publishes its key as: `certifier.pub.pem` →
/// `certifier` (also `certifier.pem` → `certifier`).
pub fn public_key_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    name.strip_suffix(PUBLIC_SUFFIX)
        .or_else(|| name.strip_suffix(".pem"))
        .unwrap_or(&name)
        .to_string()
}

impl KeyRing {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key named by its key id; returns the key id.
    pub fn add(&mut self, key: VerifyingKey) -> String {
        let kid = key_id(&key);
        self.add_named(key, &kid)
    }

    /// Adds a key under `name`; returns the key id. The same key added again
    /// keeps its first name.
    pub fn add_named(&mut self, key: VerifyingKey, name: &str) -> String {
        let kid = key_id(&key);
        self.keys
            .entry(kid.clone())
            .or_insert_with(|| (key, name.to_string()));
        kid
    }

    /// Reads an SPKI PEM public key file and adds it under its file name
    /// ([`public_key_name`]); returns the key id.
    pub fn add_file(&mut self, path: &Path) -> Result<String, KeyError> {
        let key = read_public(path)?;
        Ok(self.add_named(key, &public_key_name(path)))
    }

    pub fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.keys.get(kid).map(|(key, _)| key)
    }

    /// The name the key with id `kid` was published as.
    pub fn name(&self, kid: &str) -> Option<&str> {
        self.keys.get(kid).map(|(_, name)| name.as_str())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every `*.pub.pem` in `dir`, each named by its file name (other files
    /// are ignored; a `.pub.pem` that does not parse is an error, not
    /// silently skipped).
    pub fn from_dir(dir: &Path) -> Result<Self, KeyError> {
        let entries = std::fs::read_dir(dir).map_err(|source| KeyError::Read {
            path: dir.display().to_string(),
            source,
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::Read {
                path: dir.display().to_string(),
                source,
            })?;
            let path = entry.path();
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(PUBLIC_SUFFIX))
            {
                paths.push(path);
            }
        }
        paths.sort();
        let mut ring = Self::new();
        for path in paths {
            ring.add_file(&path)?;
        }
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_key_with_blank_lines_and_crlf_still_reads() {
        let key = generate().expect("key");
        let pasted = format!("\n{}\n\n", private_pem(&key).unwrap().replace('\n', "\r\n"));
        assert!(
            SigningKey::from_pkcs8_pem(&pasted).is_err(),
            "the strict parser refuses it"
        );
        let read = SigningKey::from_pkcs8_pem(&tidy_pem(&pasted)).expect("tidied");
        assert_eq!(read.to_bytes(), key.to_bytes());
    }

    #[test]
    fn pem_round_trip_keeps_the_key_id() {
        let key = generate().expect("key");
        let public = VerifyingKey::from_public_key_pem(&public_pem(&key.verifying_key()).unwrap())
            .expect("spki");
        let private = SigningKey::from_pkcs8_pem(&private_pem(&key).unwrap()).expect("pkcs8");
        assert_eq!(key_id(&public), key_id(&key.verifying_key()));
        assert_eq!(private.to_bytes(), key.to_bytes());
        assert_eq!(key_id(&public).len(), 16);
    }
}
