//! IBAN checks of Elterngeld 1.0: the electronic format (ISO 13616, upper
//! case, no spaces; German IBANs 22 characters with digits only after the
//! country code) and the check digits (ISO 7064 MOD 97-10: remainder 1).

/// Whether `iban` has the electronic IBAN format the interface accepts.
pub fn format_ok(iban: &str) -> bool {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len()) {
        return false;
    }
    let country = b[..2].iter().all(u8::is_ascii_uppercase);
    let check = b[2..4].iter().all(u8::is_ascii_digit);
    let rest = b[4..]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !(country && check && rest) {
        return false;
    }
    if &b[..2] == b"DE" {
        return b.len() == 22 && b[4..].iter().all(u8::is_ascii_digit);
    }
    true
}

/// Whether the check digits are right: the IBAN with its first four
/// characters moved to the end, letters as 10..35, is 1 modulo 97.
pub fn checksum_ok(iban: &str) -> bool {
    let (head, tail) = iban.split_at(iban.len().min(4));
    let mut rest: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let Some(v) = c.to_digit(36) else {
            return false;
        };
        rest = if v >= 10 {
            (rest * 100 + v) % 97
        } else {
            (rest * 10 + v) % 97
        };
    }
    rest == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ibans() {
        assert!(format_ok("DE89370400440532013000"));
        assert!(checksum_ok("DE89370400440532013000"));
        assert!(!checksum_ok("DE89370400440532013001"));
        assert!(!format_ok("DE89 3704 0044 0532 0130 00"));
        assert!(checksum_ok("GB82WEST12345698765432"));
    }
}
