//! The redaction key and the tokens it writes.
//!
//! A personal value becomes `[personal:<base64url>]`: its deterministic
//! authenticated encryption (AES-SIV, RFC 5297) under a key derived from the
//! run's redaction key. Equal values give equal tokens, so evidence stays
//! comparable; nobody without the key learns more than that; whoever holds
//! the key (the certifier, and an auditor it gives the key to) can reveal
//! every value and re-judge every verdict. A secret becomes
//! `[secret:<12 hex>]`, a keyed hash that not even the key reverses.
//!
//! The key is 32 random bytes, kept in a file as 64 hex digits
//! (`konform run --redaction-key FILE`); without one a run draws a fresh key
//! and forgets it. A report names its key by [`RedactionKey::id`], a hash
//! that says which key it was without revealing it.

use std::path::Path;

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a token stands for: a JSON string, or another JSON scalar (a
/// number or a boolean) written as its literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Leaf {
    Str(String),
    Literal(String),
}

impl Leaf {
    /// The text of the value (a string's content, a literal's digits).
    pub fn text(&self) -> &str {
        match self {
            Leaf::Str(s) | Leaf::Literal(s) => s,
        }
    }
}

/// A run's redaction key.
#[derive(Clone)]
pub struct RedactionKey {
    master: [u8; 32],
}

impl std::fmt::Debug for RedactionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedactionKey({})", self.id())
    }
}

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the redaction key {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the redaction key {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("the redaction key {path} is not 64 hexadecimal digits")]
    Malformed { path: String },
}

const PERSONAL_PREFIX: &str = "[personal:";
const SECRET_PREFIX: &str = "[secret:";

impl RedactionKey {
    /// A fresh random key (forgotten after the run unless written).
    pub fn random() -> Self {
        let mut master = [0u8; 32];
        master[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        master[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self { master }
    }

    pub fn from_bytes(master: [u8; 32]) -> Self {
        Self { master }
    }

    /// Reads a key file, or creates one (readable by its owner only) when
    /// `path` does not exist yet; says which of the two happened.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), KeyFileError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text)
                .map(|k| (k, false))
                .ok_or(KeyFileError::Malformed { path: shown }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::random();
                write_private(path, &format!("{}\n", hex::encode(key.master))).map_err(
                    |source| KeyFileError::Write {
                        path: shown,
                        source,
                    },
                )?;
                Ok((key, true))
            }
            Err(source) => Err(KeyFileError::Read {
                path: shown,
                source,
            }),
        }
    }

    /// Reads an existing key file.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text).ok_or(KeyFileError::Malformed { path: shown })
    }

    fn parse(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(Self::from_bytes(bytes.try_into().ok()?))
    }

    fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac = hmac_sha256(&self.master);
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn cipher(&self) -> Aes256Siv {
        // AES-SIV-256 takes a 64-byte key (two AES-256 keys), sized by type.
        let mut key = aes_siv::Key::<Aes256Siv>::default();
        key[..32].copy_from_slice(&self.derive("konform redaction: siv 1"));
        key[32..].copy_from_slice(&self.derive("konform redaction: siv 2"));
        Aes256Siv::new(&key)
    }

    /// Names the key without revealing it: `sha256:` and 16 hex digits.
    pub fn id(&self) -> String {
        format!(
            "sha256:{}",
            &hex::encode(self.derive("konform redaction: key id"))[..16]
        )
    }

    /// `[personal:…]` for a personal value.
    pub fn personal_token(&self, leaf: &Leaf) -> String {
        let (kind, text) = match leaf {
            Leaf::Str(s) => (b's', s),
            Leaf::Literal(l) => (b'n', l),
        };
        let mut plain = Vec::with_capacity(text.len() + 1);
        plain.push(kind);
        plain.extend_from_slice(text.as_bytes());
        #[allow(
            clippy::expect_used,
            reason = "SIV encryption fails only with more than 126 associated data items; there is one"
        )]
        let sealed = self
            .cipher()
            .encrypt([b"konform personal value"], &plain)
            .expect("one associated data item");
        format!("{PERSONAL_PREFIX}{}]", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// `[secret:…]` for a secret: a keyed hash, never reversible.
    pub fn secret_token(&self, value: &str) -> String {
        let mut mac = hmac_sha256(&self.derive("konform redaction: secrets"));
        mac.update(value.as_bytes());
        format!(
            "{SECRET_PREFIX}{}]",
            &hex::encode(mac.finalize().into_bytes())[..12]
        )
    }

    /// The keyed digest of a body as received (its RFC 8785 form).
    pub fn body_digest(&self, body: &serde_json::Value) -> Option<String> {
        let canonical = konform_seal::canonical::canonicalize(body).ok()?;
        let mut mac = hmac_sha256(&self.derive("konform redaction: bodies"));
        mac.update(&canonical);
        Some(format!(
            "hmac-sha256:{}",
            hex::encode(mac.finalize().into_bytes())
        ))
    }

    /// The value behind the payload of a `[personal:…]` token, when this
    /// key wrote it.
    fn open(&self, payload: &str) -> Option<Leaf> {
        let sealed = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let plain = self
            .cipher()
            .decrypt([b"konform personal value"], &sealed)
            .ok()?;
        let (kind, text) = plain.split_first()?;
        let text = String::from_utf8(text.to_vec()).ok()?;
        match kind {
            b's' => Some(Leaf::Str(text)),
            b'n' => Some(Leaf::Literal(text)),
            _ => None,
        }
    }

    /// `text` with every personal token this key wrote replaced by its
    /// value. In `json` text a string's token stands inside quotes and its
    /// value is written escaped; a literal's quoted token becomes the bare
    /// literal again. Returns the text and how many tokens stayed closed
    /// (written by another key, or secrets).
    pub fn reveal(&self, text: &str, json: bool) -> (String, usize) {
        // A value replaced inside a longer personal value is revealed in a
        // second round.
        let (mut out, mut closed) = self.reveal_once(text, json);
        for _ in 0..3 {
            let (again, still) = self.reveal_once(&out, json);
            if again == out {
                break;
            }
            (out, closed) = (again, still);
        }
        (out, closed)
    }

    fn reveal_once(&self, text: &str, json: bool) -> (String, usize) {
        let mut out = String::with_capacity(text.len());
        let mut closed = 0;
        let mut last = 0;
        for span in token_spans(text) {
            if span.start < last {
                continue;
            }
            let token = &text[span.clone()];
            let mut prefix = &text[last..span.start];
            let leaf = token
                .strip_prefix(PERSONAL_PREFIX)
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|payload| self.open(payload));
            last = span.end;
            match leaf {
                None => {
                    closed += 1;
                    out.push_str(prefix);
                    out.push_str(token);
                }
                Some(Leaf::Literal(l)) => {
                    if json && prefix.ends_with('"') && text[span.end..].starts_with('"') {
                        prefix = &prefix[..prefix.len() - 1];
                        last += 1;
                    }
                    out.push_str(prefix);
                    out.push_str(&l);
                }
                Some(Leaf::Str(s)) => {
                    out.push_str(prefix);
                    if json {
                        let quoted = serde_json::to_string(&s).unwrap_or_default();
                        out.push_str(&quoted[1..quoted.len() - 1]);
                    } else {
                        out.push_str(&s);
                    }
                }
            }
        }
        out.push_str(&text[last..]);
        (out, closed)
    }
}

/// The byte ranges of every redaction token in `text`.
pub fn token_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find('[') {
        let start = from + found;
        let rest = &text[start..];
        let body = [PERSONAL_PREFIX, SECRET_PREFIX]
            .iter()
            .find_map(|p| rest.strip_prefix(p).map(|b| (p.len(), b)));
        if let Some((prefix, body)) = body {
            let len = body
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
                .count();
            if len > 0 && body[len..].starts_with(']') {
                let end = start + prefix + len + 1;
                spans.push(start..end);
                from = end;
                continue;
            }
        }
        from = start + 1;
    }
    spans
}

/// Whether `text` holds a redaction token.
pub fn holds_token(text: &str) -> bool {
    !token_spans(text).is_empty()
}

/// Whether `text` is exactly one redaction token.
pub fn is_token(text: &str) -> bool {
    token_spans(text).first() == Some(&(0..text.len()))
}

/// HMAC-SHA-256 keyed with `key`.
#[allow(
    clippy::expect_used,
    reason = "HMAC takes a key of any length (RFC 2104 § 2): `new_from_slice` never fails for it"
)]
fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length")
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_deterministic_and_reveal_with_the_key_only() {
        let key = RedactionKey::from_bytes([3; 32]);
        let other = RedactionKey::from_bytes([4; 32]);
        let name = Leaf::Str("Straße \"7\"".into());
        let a = key.personal_token(&name);
        assert_eq!(a, key.personal_token(&name), "equal values, equal tokens");
        assert_ne!(a, other.personal_token(&name));
        assert!(is_token(&a) && holds_token(&format!("x {a} y")));
        let json = format!(
            r#"{{"n":"{a}","m":"{}"}}"#,
            key.personal_token(&Leaf::Literal("3200.5".into()))
        );
        assert_eq!(
            key.reveal(&json, true),
            (r#"{"n":"Straße \"7\"","m":3200.5}"#.to_string(), 0)
        );
        assert_eq!(
            key.reveal(&format!("name {a}!"), false).0,
            "name Straße \"7\"!"
        );
        assert_eq!(other.reveal(&json, true), (json.clone(), 2));
        // A value replaced inside a longer one comes back in a second round.
        let inner = key.personal_token(&Leaf::Str("Anna".into()));
        let outer = key.personal_token(&Leaf::Str(format!("{inner}belle")));
        assert_eq!(key.reveal(&outer, false), ("Annabelle".to_string(), 0));
        let secret = key.secret_token("s3cr3t");
        assert!(is_token(&secret));
        assert_eq!(key.reveal(&secret, false), (secret.clone(), 1));
    }

    #[test]
    fn key_files_round_trip_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("redaction.key");
        let (key, created) = RedactionKey::load_or_create(&path).unwrap();
        assert!(created);
        let (again, created) = RedactionKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(key.id(), again.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the key");
        }
        std::fs::write(&path, "nope").unwrap();
        assert!(matches!(
            RedactionKey::load(&path),
            Err(KeyFileError::Malformed { .. })
        ));
    }

    #[test]
    fn spans_ignore_look_alikes() {
        assert!(token_spans("[personal:] [secret:zz [secret:abc").is_empty());
        assert_eq!(token_spans("a[secret:0a1b]b").len(), 1);
    }
}
