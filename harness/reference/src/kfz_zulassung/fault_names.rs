//! Names of the faults of the Kfz-Zulassung 1.0 reference implementation and
//! their catalogue ([`FAULTS`]): each breaks exactly one requirement of the
//! bundled suites `kfz-zulassung` 1.0.0 and 1.1.0 (faults of requirements
//! that 1.1.0 added are caught by 1.1.0 only).

use crate::FaultInfo;

/// `CONST = "name", "REQ-ID" [also ["REQ-ID", ...]], "what it does";` — `also`
/// lists further requirements the fault breaks by the contract's own words
/// (a bug in a rule the Umschreibung shares breaks its body rules too).
macro_rules! faults {
    ($($konst:ident = $name:literal, $req:literal $(also [$($also:literal),+])?, $desc:literal;)*) => {
        $(pub const $konst: &str = $name;)*
        /// Every fault this implementation can switch on.
        pub const FAULTS: &[FaultInfo] = &[
            $(FaultInfo {
                name: $name,
                requirement: $req,
                also: &[$($($also),+)?],
                description: $desc,
            },)*
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
    UNKNOWN_FIELDS_IGNORED = "unknown-fields-ignored", "KFZ-QS-011" also ["KFZ-ZUL-023", "KFZ-ZUL-025"],
        "Unknown request members are silently ignored.";
    FIRST_ERROR_ONLY = "first-error-only", "KFZ-QS-012",
        "A 422 lists only the first offending field.";
    UNKNOWN_RESERVATION_EMPTY = "unknown-reservation-empty", "KFZ-QS-013",
        "Reading an unknown Reservierung answers 200 with an empty object.";
    IDEMPOTENT_REPLAY_DUPLICATES = "idempotent-replay-duplicates", "KFZ-QS-014",
        "A POST repeated with the same Idempotency-Key and body is carried out again instead of replayed.";
    IDEMPOTENCY_KEY_REUSE_ACCEPTED = "idempotency-key-reuse-accepted", "KFZ-QS-015",
        "An Idempotency-Key reused with a different body is carried out as a new request.";
    WEAK_ETAG = "weak-etag", "KFZ-QS-017",
        "Zulassungen carry weak entity tags (W/\"...\").";
    IF_MATCH_OPTIONAL = "if-match-optional", "KFZ-QS-018",
        "An Umschreibung without If-Match is carried out.";
    STALE_ETAG_ACCEPTED = "stale-etag-accepted", "KFZ-QS-019",
        "An Umschreibung with a stale If-Match is carried out (lost update).";
    BODY_CHECKED_BEFORE_AUTH = "body-checked-before-auth", "KFZ-QS-006",
        "The request body (Content-Type, JSON syntax) of a reservation or Zulassung is read before the token is checked.";
    REQUEST_ID_LIMIT_OFF_BY_ONE = "request-id-limit-off-by-one", "KFZ-QS-007",
        "An X-Request-ID of exactly 200 characters is replaced by a generated one instead of being echoed.";
    INSUFFICIENT_SCOPE_WITHOUT_SCOPE = "insufficient-scope-without-scope", "KFZ-QS-021",
        "A 403 challenge says error=\"insufficient_scope\" but does not name the scope the operation needs.";
    REQUEST_ID_LENGTH_UNCHECKED = "request-id-length-unchecked", "KFZ-QS-022",
        "An X-Request-ID longer than 200 characters is echoed instead of replaced by a generated one.";
    IDEMPOTENCY_KEY_LENGTH_UNCHECKED = "idempotency-key-length-unchecked", "KFZ-QS-023",
        "An Idempotency-Key longer than 255 characters is honoured instead of refused with 400.";
    IDEMPOTENCY_KEY_LIMIT_OFF_BY_ONE = "idempotency-key-limit-off-by-one", "KFZ-QS-023",
        "An Idempotency-Key of exactly 255 characters is refused with 400.";
    IDEMPOTENCY_KEY_NOT_SCOPED_PER_OPERATION = "idempotency-key-not-scoped-per-operation", "KFZ-QS-024",
        "Idempotency keys are shared by both operations: a key used for a reservation cannot be used for a Zulassung.";
    IDEMPOTENCY_COMPARES_RAW_BYTES = "idempotency-compares-raw-bytes", "KFZ-QS-025",
        "A repeated body is compared as text, so the same members in another order count as a different body.";
    IDEMPOTENCY_STORES_ERRORS = "idempotency-stores-errors", "KFZ-QS-026",
        "A request refused with 422 binds its Idempotency-Key, so the corrected request is refused as a key reuse.";
    IDEMPOTENT_REPLAY_WITHOUT_LOCATION = "idempotent-replay-without-location", "KFZ-QS-027",
        "A replayed 201 repeats status and body but leaves out the Location header.";
    JSON_CHARSET_REJECTED = "json-charset-rejected", "KFZ-QS-028",
        "A body sent as application/json; charset=utf-8 is refused with 415.";
    IF_MATCH_AFTER_VALIDATION = "if-match-after-validation", "KFZ-QS-029",
        "An Umschreibung validates its body before it looks at If-Match, so an invalid body hides a missing or stale tag.";
    IDEMPOTENCY_AFTER_VALIDATION = "idempotency-after-validation", "KFZ-QS-030",
        "The Idempotency-Key (its format and an earlier use) is looked at only after the body was validated.";
    CONFLICTS_BEFORE_VALIDATION = "conflicts-before-validation", "KFZ-QS-031",
        "A Zulassung for a FIN in operation, or an Umschreibung of a vehicle außer Betrieb, gets 409 before its body is validated.";

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
    KENNZEICHEN_LENGTH_IN_BYTES = "kennzeichen-length-in-bytes", "KFZ-RES-007",
        "The length of a Kennzeichen is counted in UTF-8 bytes, so an umlaut counts twice.";
    KENNZEICHEN_LENGTH_ASCII_ONLY = "kennzeichen-length-counts-ascii-only", "KFZ-RES-007",
        "The length of a Kennzeichen counts only A-Z and digits, so an umlaut does not count at all.";
    PLATE_RESERVABLE_AFTER_ZULASSUNG = "plate-reservable-after-zulassung", "KFZ-RES-009",
        "Plates assigned by Zulassungen made at runtime are not blocked for reservations (only the seed vehicles' plates are).";
    EINGELOESTE_RESERVIERUNG_EXPIRES = "eingeloeste-reservierung-expires", "KFZ-RES-012",
        "The test hook lets a reservation that was used for a Zulassung expire (abgelaufen) instead of refusing with 409.";
    GUELTIG_BIS_IS_RESERVATION_TIME = "gueltig-bis-is-reservation-time", "KFZ-RES-013",
        "gueltigBis shows the moment of the reservation instead of the end of its 90 days (expiry itself works).";

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
    IBAN_FORMAT_UNCHECKED = "iban-format-unchecked", "KFZ-ZUL-006" also ["KFZ-ZUL-025"],
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
    EVB_FREED_BY_ABS = "evb-freed-by-ausserbetriebsetzung", "KFZ-ZUL-012",
        "The eVB-Nummer of a vehicle außer Betrieb gesetzt counts as unused again.";
    EVB_FREED_BY_UMSCHREIBUNG = "evb-freed-by-umschreibung", "KFZ-ZUL-012",
        "The eVB-Nummer an Umschreibung replaced counts as unused again.";
    UMSCHREIBUNG_EVB_OWN_ONLY = "umschreibung-evb-checked-against-own-only", "KFZ-ZUL-012",
        "An Umschreibung refuses only the vehicle's own eVB-Nummer, not one used for another vehicle.";
    UMSCHREIBUNG_EVB_NOT_RECORDED = "umschreibung-evb-not-recorded", "KFZ-ZUL-012",
        "The eVB-Nummer of an Umschreibung is not recorded as used, so a later Zulassung can use it again.";
    FIN_CHECK_USES_FIRST_ZULASSUNG = "fin-check-uses-first-zulassung", "KFZ-ZUL-011",
        "The FIN check looks at the vehicle's first Zulassung, so after a Wiederzulassung the FIN can be registered a third time.";
    MISSING_HALTER_ACCEPTED = "missing-halter-accepted", "KFZ-ZUL-013",
        "A Zulassung without halter is accepted with a placeholder Halter.";
    UMSCHREIBUNG_KEEPS_OLD_HALTER = "umschreibung-keeps-old-halter", "KFZ-ZUL-014",
        "An Umschreibung answers 200 but keeps the previous Halter.";
    UMSCHREIBUNG_KEEPS_OLD_SEPA = "umschreibung-keeps-old-sepa-mandat", "KFZ-ZUL-014",
        "An Umschreibung replaces Halter and eVB-Nummer but keeps the previous SEPA mandate.";
    UMSCHREIBUNG_AFTER_ABS = "umschreibung-after-ausserbetriebsetzung-allowed", "KFZ-ZUL-015",
        "A vehicle that is außer Betrieb gesetzt can be umgeschrieben.";
    LENGTH_OFF_BY_ONE = "length-off-by-one", "KFZ-ZUL-016" also ["KFZ-ZUL-025"],
        "Strings of exactly their maximum length (200, Hausnummer 20) are refused with LENGTH.";
    PLZ_LEADING_ZERO_REJECTED = "plz-leading-zero-rejected", "KFZ-ZUL-017",
        "A Postleitzahl that starts with 0 (Dresden, 01067) is refused with PLZ_FORMAT.";
    PIN_FORMAT_UNCHECKED = "pin-format-unchecked", "KFZ-ZUL-018",
        "A reservierungsPin of the wrong shape is not refused with PIN_FORMAT but compared with the register's PIN.";
    IBAN_DE_RULES_UNCHECKED = "iban-de-rules-unchecked", "KFZ-ZUL-006",
        "A German IBAN is checked like any other: 23 characters or letters in the BBAN pass if the check digits fit.";
    LENGTH_COUNTED_IN_BYTES = "length-counted-in-bytes", "KFZ-ZUL-016" also ["KFZ-ZUL-025"],
        "String lengths are counted in UTF-8 bytes, so a name of 200 characters with umlauts is refused with LENGTH.";
    BLANK_STRINGS_ACCEPTED = "blank-strings-accepted", "KFZ-ZUL-019" also ["KFZ-ZUL-025"],
        "Names, Straße, Hausnummer, Ort and Kontoinhaber of only whitespace are accepted.";
    NAMES_STORED_AS_LATIN1 = "names-stored-as-latin1", "KFZ-ZUL-020",
        "Free text is stored in ISO-8859-1: characters outside Latin-1 (ł, ř, 王) come back as '?'.";
    NULL_OPTIONAL_MEMBER_IGNORED = "null-optional-member-ignored", "KFZ-ZUL-021",
        "An optional member that is null (kennzeichen, reservierungsPin, erkennungsnummer) is treated as absent instead of refused with TYPE.";
    PIN_WITHOUT_KENNZEICHEN_ACCEPTED = "pin-without-kennzeichen-accepted", "KFZ-ZUL-022",
        "A reservierungsPin without kennzeichen is ignored and a plate is assigned.";
    ZULASSUNG_KENNZEICHEN_UNCHECKED = "zulassung-kennzeichen-unchecked", "KFZ-ZUL-023",
        "The kennzeichen of a Zulassung is only looked up in the register, not checked against the Kennzeichen rules.";
    PIN_CHECKED_BEFORE_CONFLICTS = "pin-checked-before-conflicts", "KFZ-ZUL-024",
        "The reservierungsPin is compared with the plate's newest reservation before the state conflicts are checked.";
    UMSCHREIBUNG_BODY_UNVALIDATED = "umschreibung-body-unvalidated", "KFZ-ZUL-025",
        "An Umschreibung checks only that its members are there, not their format rules (PLZ, IBAN, eVB-Nummer, lengths).";

    ABS_NOT_PERSISTED = "ausserbetriebsetzung-not-persisted", "KFZ-ABS-001",
        "The Außerbetriebsetzung is confirmed but the Zulassung stays zugelassen.";
    DOUBLE_ABS_ALLOWED = "double-ausserbetriebsetzung-allowed", "KFZ-ABS-002",
        "A second Außerbetriebsetzung of the same vehicle is confirmed again.";
    PLATE_BLOCKED_AFTER_ABS = "plate-blocked-after-ausserbetriebsetzung", "KFZ-ABS-003",
        "The plate of a vehicle außer Betrieb gesetzt stays blocked.";
    WIEDERZULASSUNG_REFUSED = "wiederzulassung-refused", "KFZ-ABS-004",
        "A FIN that was ever zugelassen cannot be registered again after an Außerbetriebsetzung.";
    ABS_PARSES_BODY = "ausserbetriebsetzung-parses-body", "KFZ-ABS-005",
        "An Außerbetriebsetzung reads a body sent with it: other media types get 415, JSON members get 422.";
}
