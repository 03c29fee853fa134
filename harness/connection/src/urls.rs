//! What a target file's URLs give away. [`redact_url`] shows a URL with its
//! password replaced by `***` (every message that names a base, token or
//! proxy URL goes through it, so a proxy password is never printed), and
//! [`warnings`] lists what deserves a warning before a run: plain `http://`
//! to a base or token URL beyond loopback (tokens, client secrets and
//! personal data would cross the network unencrypted) and URLs that carry a
//! user name or password.

use konform_model::target::{AuthConfig, TargetFile};
use url::{Host, Url};

/// What replaces a password in a URL that is shown.
pub const MASK: &str = "***";

/// `raw` with the password of its user info replaced by [`MASK`]. A string
/// that does not parse as a URL is masked between `://` and the last `@`
/// before the path, so a malformed URL does not leak either.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some(MASK));
                return url.to_string();
            }
            raw.to_string()
        }
        Err(_) => redact_unparsed(raw),
    }
}

fn redact_unparsed(raw: &str) -> String {
    let Some(scheme_end) = raw.find("://").map(|i| i + 3) else {
        return raw.to_string();
    };
    let rest = &raw[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{MASK}{}", &raw[..scheme_end], &rest[at..]),
        None => raw.to_string(),
    }
}

/// `text` with the password of `url` (as written, and percent-decoded)
/// replaced by [`MASK`]: for messages of other libraries that may quote it.
pub(crate) fn scrub_password(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    for secret in url_secrets(url) {
        out = out.replace(&secret, MASK);
    }
    out
}

/// The password of `url`, as written and percent-decoded (empty: none).
pub(crate) fn url_secrets(url: &str) -> Vec<String> {
    let Ok(parsed) = Url::parse(url) else {
        return vec![];
    };
    let Some(password) = parsed.password().filter(|p| !p.is_empty()) else {
        return vec![];
    };
    let mut out = vec![password.to_string()];
    if let Ok(decoded) = percent_decode(password)
        && decoded != password
    {
        out.push(decoded);
    }
    out
}

fn percent_decode(s: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
}

/// Whether `url`'s host is loopback: `localhost` (or a name below it),
/// `127.0.0.0/8` or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Warnings about the URLs of a target file, one line each, URLs shown with
/// [`redact_url`]. Printed before a run; nothing here stops it (malformed
/// URLs are errors when connecting).
pub fn warnings(target: &TargetFile) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, raw: &str, plain_http_matters: bool| {
        let Ok(url) = Url::parse(raw) else {
            return;
        };
        let shown = redact_url(raw);
        if plain_http_matters && url.scheme() == "http" && !is_loopback(&url) {
            out.push(format!(
                "{what} {shown} is plain http:// to a host that is not loopback: credentials \
                 and personal data cross the network unencrypted; use https://"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            out.push(format!(
                "{what} {shown} carries a user name or password in the target file; \
                 the password is never shown"
            ));
        }
    };
    check("base_url", &target.base_url, true);
    let auths = std::iter::once(("auth".to_string(), &target.auth)).chain(
        target
            .auth_profiles
            .iter()
            .map(|(name, a)| (format!("auth profile `{name}`"), a)),
    );
    for (used_by, auth) in auths {
        if let AuthConfig::Oauth2ClientCredentials { token_url, .. } = auth {
            check(&format!("token_url of {used_by}"), token_url, true);
        }
    }
    if let Some(proxy) = &target.proxy {
        check("proxy", proxy, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_parsed_and_unparsed_urls() {
        assert_eq!(
            redact_url("http://user:s3cret@proxy.example:3128"),
            "http://user:***@proxy.example:3128/"
        );
        assert_eq!(redact_url("https://x.example/api"), "https://x.example/api");
        let shown = redact_url("http://user:s3cret@[bad/path");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(
            scrub_password("failed for s3cret and s%3Cret", "http://u:s%3Cret@p"),
            "failed for s3cret and ***"
        );
        assert_eq!(url_secrets("http://u:a%40b@p"), vec!["a%40b", "a@b"]);
    }

    #[test]
    fn loopback_hosts() {
        for (raw, want) in [
            ("http://127.0.0.1:8080", true),
            ("http://127.9.9.9", true),
            ("http://[::1]:80", true),
            ("http://localhost", true),
            ("http://api.localhost", true),
            ("http://0.0.0.0", false),
            ("http://10.0.0.1", false),
            ("http://example.org", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(raw).unwrap()), want, "{raw}");
        }
    }
}
