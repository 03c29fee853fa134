//! Names of the faults of the Kfz-Zulassung 1.0 reference implementation and
//! their catalogue ([`FAULTS`]): each breaks exactly one requirement of the
//! bundled suite `kfz-zulassung` 1.0.0.

use crate::FaultInfo;

macro_rules! faults {
    ($($konst:ident = $name:literal, $req:literal, $desc:literal;)*) => {
        $(pub const $konst: &str = $name;)*
        /// Every fault this implementation can switch on.
        pub const FAULTS: &[FaultInfo] = &[
            $(FaultInfo { name: $name, requirement: $req, also: &[], description: $desc },)*
        ];
    };
}

faults! {
    SERVICE_DESCRIPTION_WRONG_VERSION = "service-description-wrong-version", "KFZ-QS-001",
        "GET / names version 1.1 instead of 1.0.";
    JSON_LATIN1 = "json-latin1", "KFZ-QS-020",
        "JSON bodies with umlauts are sent in ISO-8859-1 instead of UTF-8.";
    ERRORS_WITHOUT_PROBLEM_JSON = "errors-without-problem-json", "KFZ-QS-002",
        "Error bodies are sent as application/json instead of application/problem+json.";
    MISSING_TOKEN_ACCEPTED = "missing-token-accepted", "KFZ-QS-003",
        "A request without any Authorization header is treated as fully authorised.";
    SCOPE_NOT_CHECKED = "scope-not-checked", "KFZ-QS-004",
        "Any valid token may use any operation; scopes are not checked.";
    NOT_FOUND_BEFORE_AUTH = "not-found-before-auth", "KFZ-QS-006",
        "Reading an unknown Zulassung or Reservierung answers 404 before the token is checked.";
    REQUEST_ID_NOT_ECHOED = "request-id-not-echoed", "KFZ-QS-007",
        "Every response carries a freshly generated X-Request-ID instead of the client's.";
    MALFORMED_JSON_422 = "malformed-json-422", "KFZ-QS-008",
        "A body that is not well-formed JSON gets 422 instead of 400.";
    CONTENT_TYPE_IGNORED = "content-type-ignored", "KFZ-QS-009",
        "Bodies are parsed as JSON whatever their Content-Type.";
    BODY_LIMIT_IGNORED = "body-limit-ignored", "KFZ-QS-010",
        "A body over 1 MiB is not refused with 413 but reported as malformed (400).";
    UNKNOWN_FIELDS_IGNORED = "unknown-fields-ignored", "KFZ-QS-011",
        "Unknown request members are silently ignored.";
    FIRST_ERROR_ONLY = "first-error-only", "KFZ-QS-012",
        "A 422 lists only the first offending field.";
    UNKNOWN_RESERVATION_EMPTY = "unknown-reservation-empty", "KFZ-QS-013",
        "Reading an unknown Reservierung answers 200 with an empty object.";
    IDEMPOTENCY_IGNORED = "idempotency-ignored", "KFZ-QS-014",
        "Idempotency-Key is ignored: a repeated POST is carried out again.";
    IDEMPOTENCY_KEY_REUSE_ACCEPTED = "idempotency-key-reuse-accepted", "KFZ-QS-015",
        "An Idempotency-Key reused with a different body is carried out as a new request.";
    ETAG_WEAK = "etag-weak", "KFZ-QS-017",
        "Zulassungen carry weak entity tags (W/\"...\").";
    IF_MATCH_OPTIONAL = "if-match-optional", "KFZ-QS-018",
        "An Umschreibung without If-Match is carried out.";
    STALE_ETAG_ACCEPTED = "stale-etag-accepted", "KFZ-QS-019",
        "An Umschreibung with a stale If-Match is carried out (lost update).";

    RESERVATION_PIN_SEVEN_DIGITS = "reservation-pin-seven-digits", "KFZ-RES-001",
        "Reservation PINs have 7 digits instead of 8.";
    ASSIGNED_PLATE_IGNORES_UZ = "assigned-plate-ignores-unterscheidungszeichen", "KFZ-RES-002",
        "A plate picked by the authority always uses its first Unterscheidungszeichen, not the one asked for.";
    RESERVATION_PIN_LEAKED = "reservation-pin-leaked", "KFZ-RES-003",
        "Reading a reservation reveals its PIN.";
    UZ_UMLAUT_REJECTED = "umlaut-unterscheidungszeichen-rejected", "KFZ-RES-004",
        "Unterscheidungszeichen with umlauts (LÖ, TÜ) are refused as malformed.";
    UZ_FOUR_LETTERS_ACCEPTED = "unterscheidungszeichen-four-letters-accepted", "KFZ-RES-004",
        "Unterscheidungszeichen of four letters pass the format check.";
    FOREIGN_UZ_ACCEPTED = "foreign-unterscheidungszeichen-accepted", "KFZ-RES-005",
        "Well-formed Unterscheidungszeichen of other Zulassungsbezirke are accepted.";
    EN_LEADING_ZERO_ACCEPTED = "erkennungsnummer-leading-zero-accepted", "KFZ-RES-006",
        "Erkennungsnummern whose digits start with 0 are accepted.";
    EN_UMLAUT_ACCEPTED = "erkennungsnummer-umlaut-accepted", "KFZ-RES-006",
        "Erkennungsnummern with umlauts are accepted.";
    KENNZEICHEN_LENGTH_OFF_BY_ONE = "kennzeichen-length-off-by-one", "KFZ-RES-007",
        "Kennzeichen of exactly 8 characters are refused as too long.";
    KENNZEICHEN_LENGTH_UNCHECKED = "kennzeichen-length-unchecked", "KFZ-RES-007",
        "Kennzeichen longer than 8 characters are accepted.";
    DOUBLE_RESERVATION_ALLOWED = "double-reservation-allowed", "KFZ-RES-008",
        "A plate that is already reserved can be reserved again.";
    ASSIGNED_PLATE_RESERVABLE = "assigned-plate-reservable", "KFZ-RES-009",
        "A plate assigned to a vehicle in operation can be reserved.";
    EXPIRED_RESERVATION_HONOURED = "expired-reservation-honoured", "KFZ-RES-010",
        "An expired reservation still lets its PIN assign the plate.";
    EXPIRED_PLATE_STAYS_BLOCKED = "expired-plate-stays-blocked", "KFZ-RES-011",
        "A plate whose reservation expired cannot be reserved again.";

    ZULASSUNG_WITHOUT_LOCATION = "zulassung-without-location", "KFZ-ZUL-001",
        "A successful Zulassung answers without a Location header.";
    RESERVATION_NOT_CONSUMED = "reservation-not-consumed", "KFZ-ZUL-002",
        "A reservation used for a Zulassung keeps the status reserviert.";
    ZULASSUNG_WITHOUT_PLATE_REJECTED = "zulassung-without-kennzeichen-rejected", "KFZ-ZUL-003",
        "A Zulassung without a Kennzeichen is refused instead of being given a free plate.";
    FIN_ACCEPTS_LETTER_O = "fin-accepts-letter-o", "KFZ-ZUL-004",
        "FINs containing the letter O pass the format check.";
    FIN_LENGTH_UNCHECKED = "fin-length-unchecked", "KFZ-ZUL-004",
        "FINs of 1 to 20 characters pass the format check.";
    EVB_ACCEPTS_LETTER_I = "evb-accepts-letter-i", "KFZ-ZUL-005",
        "eVB-Nummern containing the letter I pass the format check.";
    IBAN_FORMAT_UNCHECKED = "iban-format-unchecked", "KFZ-ZUL-006",
        "The IBAN structure is not checked, only its check digits.";
    IBAN_CHECKSUM_IGNORED = "iban-checksum-ignored", "KFZ-ZUL-007",
        "IBANs with wrong check digits (mod 97) are accepted.";
    RESERVATION_PIN_IGNORED = "reservation-pin-ignored", "KFZ-ZUL-008",
        "A reserved plate can be used with any PIN or none.";
    UNRESERVED_PLATE_USABLE = "unreserved-plate-usable", "KFZ-ZUL-009",
        "A free plate that nobody reserved can be named in a Zulassung.";
    PLATE_ASSIGNED_TWICE = "plate-assigned-twice", "KFZ-ZUL-010",
        "A used reservation and its PIN assign the plate to a second vehicle.";
    FIN_DUPLICATE_ALLOWED = "fin-duplicate-allowed", "KFZ-ZUL-011",
        "A FIN that is already zugelassen can be registered again.";
    EVB_REUSE_ALLOWED = "evb-reuse-allowed", "KFZ-ZUL-012",
        "An eVB-Nummer that was already used is accepted again.";
    MISSING_HALTER_ACCEPTED = "missing-halter-accepted", "KFZ-ZUL-013",
        "A Zulassung without halter is accepted with a placeholder Halter.";
    UMSCHREIBUNG_KEEPS_OLD_HALTER = "umschreibung-keeps-old-halter", "KFZ-ZUL-014",
        "An Umschreibung answers 200 but keeps the previous Halter.";
    UMSCHREIBUNG_AFTER_ABS = "umschreibung-after-ausserbetriebsetzung-allowed", "KFZ-ZUL-015",
        "A vehicle that is außer Betrieb gesetzt can be umgeschrieben.";
    LENGTH_OFF_BY_ONE = "length-off-by-one", "KFZ-ZUL-016",
        "Strings of exactly their maximum length (200, Hausnummer 20) are refused with LENGTH.";
    PLZ_LEADING_ZERO_REJECTED = "plz-leading-zero-rejected", "KFZ-ZUL-017",
        "A Postleitzahl that starts with 0 (Dresden, 01067) is refused with PLZ_FORMAT.";
    PIN_FORMAT_UNCHECKED = "pin-format-unchecked", "KFZ-ZUL-018",
        "A reservierungsPin of the wrong shape is not refused with PIN_FORMAT but compared with the register's PIN.";

    ABS_NOT_PERSISTED = "ausserbetriebsetzung-not-persisted", "KFZ-ABS-001",
        "The Außerbetriebsetzung is confirmed but the Zulassung stays zugelassen.";
    DOUBLE_ABS_ALLOWED = "double-ausserbetriebsetzung-allowed", "KFZ-ABS-002",
        "A second Außerbetriebsetzung of the same vehicle is confirmed again.";
    PLATE_BLOCKED_AFTER_ABS = "plate-blocked-after-ausserbetriebsetzung", "KFZ-ABS-003",
        "The plate of a vehicle außer Betrieb gesetzt stays blocked.";
    WIEDERZULASSUNG_REFUSED = "wiederzulassung-refused", "KFZ-ABS-004",
        "A FIN that was ever zugelassen cannot be registered again after an Außerbetriebsetzung.";
}
