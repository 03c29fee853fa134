//! `konform keygen` and `konform report sign`: make an Ed25519 key pair, and
//! seal and sign a report file in place (written atomically, so a reader
//! never sees a half-signed file). The layout of a signed file is described
//! in `konform_seal::seal`. The signer name recorded in a signature is only
//! a claim; readers show the name of the trusted key file instead.

use std::path::Path;

use konform_seal::keys;
use serde_json::Value;

use super::CliError;
use crate::cli::KeygenArgs;

/// `konform keygen [--out DIR] [--name SIGNER]`.
pub fn keygen(args: KeygenArgs) -> Result<i32, CliError> {
    let stem = file_stem(&args.name)?;
    let key = keys::generate().map_err(|e| CliError::Environment(e.to_string()))?;
    let files = keys::write_key_pair(&args.out, &stem, &key).map_err(|e| match e {
        keys::KeyError::Exists { .. } => CliError::Input(e.to_string()),
        other => CliError::Environment(other.to_string()),
    })?;
    println!("key id:      {}", files.key_id);
    println!("private key: {} (keep it secret)", files.private.display());
    println!("public key:  {}", files.public.display());
    Ok(0)
}

/// A signer name as a file name: letters, digits, `-`, `_` and `.` only.
fn file_stem(name: &str) -> Result<String, CliError> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(CliError::Input(format!(
            "signer name `{name}` cannot be a file name; use letters, digits, `-`, `_`, `.`"
        )))
    }
}

/// Reads a report file as strict JSON (exit 2 when it cannot be read or
/// parsed, or repeats a member name: a file readers disagree about is not
/// signed).
pub fn read_report(path: &Path) -> Result<Value, CliError> {
    let bytes = konform_seal::strict::read_file(path)
        .map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
    konform_seal::strict::parse(&bytes)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

/// `konform report sign REPORT --key KEY [--signer NAME]`.
pub fn sign(report: &Path, key_path: &Path, signer: Option<&str>) -> Result<i32, CliError> {
    let key = keys::read_private(key_path).map_err(|e| CliError::Input(e.to_string()))?;
    let mut file = read_report(report)?;
    // A signature vouches for a report: refuse to put one on anything else.
    let errors = konform_report::validity::report_schema_errors(&file)
        .map_err(|e| CliError::Environment(e.to_string()))?;
    if let Some(first) = errors.first() {
        return Err(CliError::Input(format!(
            "{}: not a konform report ({} schema violation(s); first {first}); nothing signed",
            report.display(),
            errors.len()
        )));
    }
    let signer = match signer {
        Some(s) => s.to_string(),
        None => default_signer(key_path),
    };
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| CliError::Environment(format!("cannot format the time: {e}")))?;
    let signed = konform_seal::sign_file(&mut file, &key, &signer, &now)
        .map_err(|e| CliError::Input(format!("{}: {e}", report.display())))?;
    let mut bytes = serde_json::to_vec_pretty(&file)
        .map_err(|e| CliError::Environment(format!("cannot serialise the report: {e}")))?;
    bytes.push(b'\n');
    konform_report::write_atomic(report, &bytes)
        .map_err(|e| CliError::Environment(e.to_string()))?;
    println!(
        "signed {} as {signer} (key {}); seal {}; {} signature(s)",
        report.display(),
        signed.key_id,
        signed.seal,
        signed.signatures
    );
    Ok(0)
}

/// `alice.key.pem` → `alice`.
fn default_signer(key_path: &Path) -> String {
    let name = key_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("konform");
    name.strip_suffix(keys::PRIVATE_SUFFIX)
        .or_else(|| name.strip_suffix(".pem"))
        .unwrap_or(name)
        .to_string()
}
