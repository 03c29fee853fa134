//! The suite digest: what pins exactly which suite files a report was run with.
//!
//! Definition (stable; certification bodies may recompute it by hand):
//!
//! 1. Take every file of the suite folder, with its path relative to the
//!    folder, using `/` as separator and no leading `./`.
//! 2. Sort the files by path, comparing the UTF-8 bytes of the paths.
//! 3. For each file in that order, feed SHA-256 with: the path bytes, one NUL
//!    byte (`0x00`), the file length in bytes as ASCII decimal digits (no sign,
//!    no leading zeros; `0` for an empty file), one NUL byte, then the file's
//!    bytes, unmodified (no line-ending normalisation).
//! 4. The digest is `sha256:` followed by the 64 lowercase hex digits.
//! 5. A suite with contract-derived probes (`probes:` in a case file) also
//!    lists, with the suite's files, every contract file the probes were
//!    derived from (the OpenAPI document and the schema files its request
//!    bodies reference) under the path `schemas/<path below schemas/>`, with
//!    the file's bytes: a changed constraint changes the derived cases, and so
//!    the digest.
//!
//! The length prefix makes the listing unambiguous, so no two different sets
//! of files produce the same byte stream.

use sha2::{Digest, Sha256};

use crate::files::SuiteFiles;

/// The digest of a suite, `sha256:<hex>`.
pub fn digest(files: &SuiteFiles) -> String {
    digest_entries(files.iter())
}

/// The digest over any `(path, bytes)` listing; the entries are sorted here,
/// so the order they come in does not matter.
pub fn digest_entries<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut entries: Vec<(&str, &[u8])> = entries.into_iter().collect();
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut hasher = Sha256::new();
    for (path, bytes) in entries {
        hasher.update(path.as_bytes());
        hasher.update([0u8]);
        hasher.update(bytes.len().to_string().as_bytes());
        hasher.update([0u8]);
        hasher.update(bytes);
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_listing_is_sha256_of_nothing() {
        assert_eq!(
            digest_entries([]),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn matches_the_documented_byte_stream() {
        let mut h = Sha256::new();
        h.update(b"a.yaml\x003\x00abc");
        let expected = format!("sha256:{}", hex::encode(h.finalize()));
        assert_eq!(digest_entries([("a.yaml", &b"abc"[..])]), expected);
    }
}
