//! The format rules of Kfz-Zulassung 1.0 as pure functions: FIN (ISO 3779),
//! eVB-Nummer, Kennzeichen (FZV: Unterscheidungszeichen, Erkennungsnummer,
//! total length) and IBAN (ISO 13616, mod 97). Each takes the switched-on
//! faults into account, so that a fault changes exactly one rule.

use super::faults::Fault;
use crate::Faults;

/// Longest Kennzeichen: Unterscheidungszeichen and Erkennungsnummer together,
/// letters and digits counted, separators not (FZV).
pub const KENNZEICHEN_MAX: usize = 8;

/// FIN: 17 characters, digits and Latin capitals without I, O and Q.
pub fn fin_ok(s: &str, faults: &Faults) -> bool {
    let len_ok = if faults.on(Fault::FinLengthUnchecked) {
        (1..=20).contains(&s.chars().count())
    } else {
        s.chars().count() == 17
    };
    len_ok
        && s.chars().all(|c| {
            c.is_ascii_digit()
                || (c.is_ascii_uppercase()
                    && c != 'I'
                    && c != 'Q'
                    && (c != 'O' || faults.on(Fault::FinAcceptsLetterO)))
        })
}

/// eVB-Nummer: 7 characters, digits and Latin capitals without I and O.
pub fn evb_ok(s: &str, faults: &Faults) -> bool {
    s.chars().count() == 7
        && s.chars().all(|c| {
            c.is_ascii_digit()
                || (c.is_ascii_uppercase()
                    && c != 'O'
                    && (c != 'I' || faults.on(Fault::EvbAcceptsLetterI)))
        })
}

/// Unterscheidungszeichen: 1–3 capitals A–Z, Ä, Ö, Ü.
pub fn unterscheidungszeichen_ok(s: &str, faults: &Faults) -> bool {
    let max = if faults.on(Fault::UzFourLettersAccepted) {
        4
    } else {
        3
    };
    let umlauts = !faults.on(Fault::UzUmlautRejected);
    (1..=max).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || (umlauts && matches!(c, 'Ä' | 'Ö' | 'Ü')))
}

/// Erkennungsnummer: 1–2 capitals A–Z (no umlauts), one space, 1–4 digits
/// without a leading zero. Returns (letters, digits) when well formed.
pub fn erkennungsnummer_parts<'a>(s: &'a str, faults: &Faults) -> Option<(&'a str, &'a str)> {
    let (letters, digits) = s.split_once(' ')?;
    let umlauts = faults.on(Fault::EnUmlautAccepted);
    let letters_ok = (1..=2).contains(&letters.chars().count())
        && letters
            .chars()
            .all(|c| c.is_ascii_uppercase() || (umlauts && matches!(c, 'Ä' | 'Ö' | 'Ü')));
    let digits_ok = (1..=4).contains(&digits.len())
        && digits.bytes().all(|c| c.is_ascii_digit())
        && (!digits.starts_with('0') || faults.on(Fault::EnLeadingZeroAccepted));
    (letters_ok && digits_ok).then_some((letters, digits))
}

/// Whether Unterscheidungszeichen and Erkennungsnummer together stay within the limit.
pub fn kennzeichen_length_ok(uz: &str, letters: &str, digits: &str, faults: &Faults) -> bool {
    if faults.on(Fault::KennzeichenLengthUnchecked) {
        return true;
    }
    let n = if faults.on(Fault::KennzeichenLengthInBytes) {
        uz.len() + letters.len() + digits.len()
    } else if faults.on(Fault::KennzeichenLengthAsciiOnly) {
        [uz, letters, digits]
            .iter()
            .flat_map(|s| s.chars())
            .filter(char::is_ascii_alphanumeric)
            .count()
    } else {
        uz.chars().count() + letters.chars().count() + digits.chars().count()
    };
    if faults.on(Fault::KennzeichenLengthOffByOne) {
        n < KENNZEICHEN_MAX
    } else {
        n <= KENNZEICHEN_MAX
    }
}

/// IBAN structure in electronic format: country code, two check digits,
/// 11–30 alphanumeric capitals; a German IBAN has exactly 22 characters and
/// a numeric BBAN (unless `de_rules` is off, the fault `iban-de-rules-unchecked`).
pub fn iban_structure_ok(s: &str, de_rules: bool) -> bool {
    let b = s.as_bytes();
    if !(15..=34).contains(&b.len()) {
        return false;
    }
    let country_ok = b[..2].iter().all(u8::is_ascii_uppercase);
    let check_ok = b[2..4].iter().all(u8::is_ascii_digit);
    let bban_ok = b[4..]
        .iter()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    let de_ok =
        !de_rules || b[..2] != *b"DE" || (b.len() == 22 && b[4..].iter().all(u8::is_ascii_digit));
    country_ok && check_ok && bban_ok && de_ok
}

/// ISO 13616 check: move the first four characters to the end, replace
/// letters by 10..35, the number modulo 97 must be 1. Characters other
/// than digits and capitals fail.
pub fn iban_checksum_ok(s: &str) -> bool {
    if s.len() < 5 || !s.is_ascii() {
        return false;
    }
    let rearranged = s[4..].bytes().chain(s[..4].bytes());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Faults {
        Faults::default()
    }

    #[test]
    fn fin() {
        assert!(fin_ok("WVWZZZ1JZ3W386752", &none()));
        assert!(fin_ok("12345678901234567", &none()));
        assert!(!fin_ok("WVWZZZ1JZ3WO86752", &none()));
        assert!(!fin_ok("WVWZZZ1JZ3WI86752", &none()));
        assert!(!fin_ok("WVWZZZ1JZ3WQ86752", &none()));
        assert!(!fin_ok("WVWZZZ1JZ3W38675", &none()));
        assert!(!fin_ok("WVWZZZ1JZ3W3867520", &none()));
        assert!(!fin_ok("wvwzzz1jz3w386752", &none()));
    }

    #[test]
    fn evb() {
        assert!(evb_ok("A1B2C3D", &none()));
        assert!(evb_ok("QX12345", &none()));
        assert!(!evb_ok("A1B2C3O", &none()));
        assert!(!evb_ok("I1B2C3D", &none()));
        assert!(!evb_ok("A1B2C3", &none()));
    }

    #[test]
    fn kennzeichen() {
        assert!(unterscheidungszeichen_ok("LÖ", &none()));
        assert!(unterscheidungszeichen_ok("B", &none()));
        assert!(!unterscheidungszeichen_ok("WAFX", &none()));
        assert!(!unterscheidungszeichen_ok("waf", &none()));
        assert_eq!(
            erkennungsnummer_parts("AB 1234", &none()),
            Some(("AB", "1234"))
        );
        assert!(erkennungsnummer_parts("AB 0123", &none()).is_none());
        assert!(erkennungsnummer_parts("ÄB 12", &none()).is_none());
        assert!(erkennungsnummer_parts("ABC 12", &none()).is_none());
        assert!(erkennungsnummer_parts("AB12", &none()).is_none());
        assert!(kennzeichen_length_ok("WAF", "AB", "123", &none()));
        assert!(!kennzeichen_length_ok("WAF", "AB", "1234", &none()));
        assert!(kennzeichen_length_ok("LÖ", "AB", "1234", &none()));
        assert!(kennzeichen_length_ok("SÜW", "A", "1234", &none()));
        assert!(!kennzeichen_length_ok("SÜW", "AB", "1234", &none()));
    }

    #[test]
    fn iban() {
        assert!(iban_structure_ok("DE89370400440532013000", true));
        assert!(iban_checksum_ok("DE89370400440532013000"));
        assert!(!iban_checksum_ok("DE89370400440532013001"));
        assert!(iban_checksum_ok("GB82WEST12345698765432"));
        assert!(iban_structure_ok("GB82WEST12345698765432", true));
        assert!(!iban_structure_ok("DE8937040044053201300", true));
        assert!(!iban_structure_ok("de89370400440532013000", true));
    }
}
