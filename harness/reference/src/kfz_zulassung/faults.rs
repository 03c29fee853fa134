//! The faults of the Kfz-Zulassung 1.0 reference implementation (the typed
//! [`Fault`]) and their catalogue ([`FAULTS`]): each breaks exactly one
//! requirement of the bundled suites `kfz-zulassung` 1.0.0 and 1.1.0 (faults
//! of requirements that 1.1.0 added are caught by 1.1.0 only; `also` names
//! the few that break further requirements by the contract's own words, e.g.
//! a bug in a rule the Umschreibung shares breaks its body rules too).

use crate::faults::fault_catalogue;

fault_catalogue! {
    ServiceDescriptionWrongVersion = "service-description-wrong-version", "KFZ-QS-001",
        "GET / names version 1.1 instead of 1.0.";
    JsonLatin1 = "json-latin1", "KFZ-QS-020" since "1.1.0",
        "JSON bodies with umlauts are sent in ISO-8859-1 instead of UTF-8.";
    ErrorsWithoutProblemJson = "errors-without-problem-json", "KFZ-QS-002",
        "Error bodies are sent as application/json instead of application/problem+json.";
    MissingTokenAccepted = "missing-token-accepted", "KFZ-QS-003",
        "A request without any Authorization header is treated as fully authorised.";
    ScopeNotChecked = "scope-not-checked", "KFZ-QS-004",
        "Any valid token may use any operation; scopes are not checked.";
    NotFoundBeforeAuth = "not-found-before-auth", "KFZ-QS-006",
        "Reading an unknown Zulassung or Reservierung answers 404 before the token is checked.";
    RequestIdNotEchoed = "request-id-not-echoed", "KFZ-QS-007",
        "Every response carries a freshly generated X-Request-ID instead of the client's.";
    MalformedJson422 = "malformed-json-422", "KFZ-QS-008",
        "A body that is not well-formed JSON gets 422 instead of 400.";
    ContentTypeIgnored = "content-type-ignored", "KFZ-QS-009",
        "Bodies are parsed as JSON whatever their Content-Type.";
    BodyLimitIgnored = "body-limit-ignored", "KFZ-QS-010",
        "A body over 1 MiB is not refused with 413 but reported as malformed (400).";
    UnknownFieldsIgnored = "unknown-fields-ignored", "KFZ-QS-011" also ["KFZ-ZUL-023", "KFZ-ZUL-025"],
        "Unknown request members are silently ignored.";
    FirstErrorOnly = "first-error-only", "KFZ-QS-012",
        "A 422 lists only the first offending field.";
    UnknownReservationEmpty = "unknown-reservation-empty", "KFZ-QS-013",
        "Reading an unknown Reservierung answers 200 with an empty object.";
    IdempotentReplayDuplicates = "idempotent-replay-duplicates", "KFZ-QS-014",
        "A POST repeated with the same Idempotency-Key and body is carried out again instead of replayed.";
    IdempotencyKeyReuseAccepted = "idempotency-key-reuse-accepted", "KFZ-QS-015",
        "An Idempotency-Key reused with a different body is carried out as a new request.";
    WeakEtag = "weak-etag", "KFZ-QS-017",
        "Zulassungen carry weak entity tags (W/\"...\").";
    IfMatchOptional = "if-match-optional", "KFZ-QS-018",
        "An Umschreibung without If-Match is carried out.";
    StaleEtagAccepted = "stale-etag-accepted", "KFZ-QS-019",
        "An Umschreibung with a stale If-Match is carried out (lost update).";
    BodyCheckedBeforeAuth = "body-checked-before-auth", "KFZ-QS-006" since "1.1.0",
        "The request body (Content-Type, JSON syntax) of a reservation or Zulassung is read before the token is checked.";
    RequestIdLimitOffByOne = "request-id-limit-off-by-one", "KFZ-QS-007" since "1.1.0",
        "An X-Request-ID of exactly 200 characters is replaced by a generated one instead of being echoed.";
    InsufficientScopeWithoutScope = "insufficient-scope-without-scope", "KFZ-QS-021" since "1.1.0",
        "A 403 challenge says error=\"insufficient_scope\" but does not name the scope the operation needs.";
    RequestIdLengthUnchecked = "request-id-length-unchecked", "KFZ-QS-022" since "1.1.0",
        "An X-Request-ID longer than 200 characters is echoed instead of replaced by a generated one.";
    IdempotencyKeyLengthUnchecked = "idempotency-key-length-unchecked", "KFZ-QS-023" since "1.1.0",
        "An Idempotency-Key longer than 255 characters is honoured instead of refused with 400.";
    IdempotencyKeyLimitOffByOne = "idempotency-key-limit-off-by-one", "KFZ-QS-023" since "1.1.0",
        "An Idempotency-Key of exactly 255 characters is refused with 400.";
    IdempotencyKeyNotScopedPerOperation = "idempotency-key-not-scoped-per-operation", "KFZ-QS-024" since "1.1.0",
        "Idempotency keys are shared by both operations: a key used for a reservation cannot be used for a Zulassung.";
    IdempotencyComparesRawBytes = "idempotency-compares-raw-bytes", "KFZ-QS-025" since "1.1.0",
        "A repeated body is compared as text, so the same members in another order count as a different body.";
    IdempotencyStoresErrors = "idempotency-stores-errors", "KFZ-QS-026" since "1.1.0",
        "A request refused with 422 binds its Idempotency-Key, so the corrected request is refused as a key reuse.";
    IdempotentReplayWithoutLocation = "idempotent-replay-without-location", "KFZ-QS-027" since "1.1.0",
        "A replayed 201 repeats status and body but leaves out the Location header.";
    JsonCharsetRejected = "json-charset-rejected", "KFZ-QS-028" since "1.1.0",
        "A body sent as application/json; charset=utf-8 is refused with 415.";
    IfMatchAfterValidation = "if-match-after-validation", "KFZ-QS-029" since "1.1.0",
        "An Umschreibung validates its body before it looks at If-Match, so an invalid body hides a missing or stale tag.";
    IdempotencyAfterValidation = "idempotency-after-validation", "KFZ-QS-030" since "1.1.0",
        "The Idempotency-Key (its format and an earlier use) is looked at only after the body was validated.";
    ConflictsBeforeValidation = "conflicts-before-validation", "KFZ-QS-031" since "1.1.0",
        "A Zulassung for a FIN in operation, or an Umschreibung of a vehicle außer Betrieb, gets 409 before its body is validated.";

    ReservationPinSevenDigits = "reservation-pin-seven-digits", "KFZ-RES-001",
        "Reservation PINs have 7 digits instead of 8.";
    AssignedPlateIgnoresUz = "assigned-plate-ignores-unterscheidungszeichen", "KFZ-RES-002",
        "A plate picked by the authority always uses its first Unterscheidungszeichen, not the one asked for.";
    ReservationPinLeaked = "reservation-pin-leaked", "KFZ-RES-003",
        "Reading a reservation reveals its PIN.";
    UzUmlautRejected = "umlaut-unterscheidungszeichen-rejected", "KFZ-RES-004",
        "Unterscheidungszeichen with umlauts (LÖ, TÜ) are refused as malformed.";
    UzFourLettersAccepted = "unterscheidungszeichen-four-letters-accepted", "KFZ-RES-004",
        "Unterscheidungszeichen of four letters pass the format check.";
    ForeignUzAccepted = "foreign-unterscheidungszeichen-accepted", "KFZ-RES-005",
        "Well-formed Unterscheidungszeichen of other Zulassungsbezirke are accepted.";
    EnLeadingZeroAccepted = "erkennungsnummer-leading-zero-accepted", "KFZ-RES-006",
        "Erkennungsnummern whose digits start with 0 are accepted.";
    EnUmlautAccepted = "erkennungsnummer-umlaut-accepted", "KFZ-RES-006",
        "Erkennungsnummern with umlauts are accepted.";
    KennzeichenLengthOffByOne = "kennzeichen-length-off-by-one", "KFZ-RES-007",
        "Kennzeichen of exactly 8 characters are refused as too long.";
    KennzeichenLengthUnchecked = "kennzeichen-length-unchecked", "KFZ-RES-007",
        "Kennzeichen longer than 8 characters are accepted.";
    DoubleReservationAllowed = "double-reservation-allowed", "KFZ-RES-008",
        "A plate that is already reserved can be reserved again.";
    AssignedPlateReservable = "assigned-plate-reservable", "KFZ-RES-009",
        "A plate assigned to a vehicle in operation can be reserved.";
    ExpiredReservationHonoured = "expired-reservation-honoured", "KFZ-RES-010",
        "An expired reservation still lets its PIN assign the plate.";
    ExpiredPlateStaysBlocked = "expired-plate-stays-blocked", "KFZ-RES-011",
        "A plate whose reservation expired cannot be reserved again.";
    KennzeichenLengthInBytes = "kennzeichen-length-in-bytes", "KFZ-RES-007" since "1.1.0",
        "The length of a Kennzeichen is counted in UTF-8 bytes, so an umlaut counts twice.";
    KennzeichenLengthAsciiOnly = "kennzeichen-length-counts-ascii-only", "KFZ-RES-007" since "1.1.0",
        "The length of a Kennzeichen counts only A-Z and digits, so an umlaut does not count at all.";
    PlateReservableAfterZulassung = "plate-reservable-after-zulassung", "KFZ-RES-009" since "1.1.0",
        "Plates assigned by Zulassungen made at runtime are not blocked for reservations (only the seed vehicles' plates are).";
    EingeloesteReservierungExpires = "eingeloeste-reservierung-expires", "KFZ-RES-012" since "1.1.0",
        "The test hook lets a reservation that was used for a Zulassung expire (abgelaufen) instead of refusing with 409.";
    GueltigBisIsReservationTime = "gueltig-bis-is-reservation-time", "KFZ-RES-013" since "1.1.0",
        "gueltigBis shows the moment of the reservation instead of the end of its 90 days (expiry itself works).";

    ZulassungWithoutLocation = "zulassung-without-location", "KFZ-ZUL-001",
        "A successful Zulassung answers without a Location header.";
    ReservationNotConsumed = "reservation-not-consumed", "KFZ-ZUL-002",
        "A reservation used for a Zulassung keeps the status reserviert.";
    ZulassungWithoutPlateRejected = "zulassung-without-kennzeichen-rejected", "KFZ-ZUL-003",
        "A Zulassung without a Kennzeichen is refused instead of being given a free plate.";
    FinAcceptsLetterO = "fin-accepts-letter-o", "KFZ-ZUL-004",
        "FINs containing the letter O pass the format check.";
    FinLengthUnchecked = "fin-length-unchecked", "KFZ-ZUL-004",
        "FINs of 1 to 20 characters pass the format check.";
    EvbAcceptsLetterI = "evb-accepts-letter-i", "KFZ-ZUL-005",
        "eVB-Nummern containing the letter I pass the format check.";
    IbanFormatUnchecked = "iban-format-unchecked", "KFZ-ZUL-006" also ["KFZ-ZUL-025"],
        "The IBAN structure is not checked, only its check digits.";
    IbanChecksumIgnored = "iban-checksum-ignored", "KFZ-ZUL-007",
        "IBANs with wrong check digits (mod 97) are accepted.";
    ReservationPinIgnored = "reservation-pin-ignored", "KFZ-ZUL-008",
        "A reserved plate can be used with any PIN or none.";
    UnreservedPlateUsable = "unreserved-plate-usable", "KFZ-ZUL-009",
        "A free plate that nobody reserved can be named in a Zulassung.";
    PlateAssignedTwice = "plate-assigned-twice", "KFZ-ZUL-010",
        "A used reservation and its PIN assign the plate to a second vehicle.";
    FinDuplicateAllowed = "fin-duplicate-allowed", "KFZ-ZUL-011",
        "A FIN that is already zugelassen can be registered again.";
    EvbReuseAllowed = "evb-reuse-allowed", "KFZ-ZUL-012",
        "An eVB-Nummer that was already used is accepted again.";
    EvbFreedByAbs = "evb-freed-by-ausserbetriebsetzung", "KFZ-ZUL-012" since "1.1.0",
        "The eVB-Nummer of a vehicle außer Betrieb gesetzt counts as unused again.";
    EvbFreedByUmschreibung = "evb-freed-by-umschreibung", "KFZ-ZUL-012" since "1.1.0",
        "The eVB-Nummer an Umschreibung replaced counts as unused again.";
    UmschreibungEvbOwnOnly = "umschreibung-evb-checked-against-own-only", "KFZ-ZUL-012" since "1.1.0",
        "An Umschreibung refuses only the vehicle's own eVB-Nummer, not one used for another vehicle.";
    UmschreibungEvbNotRecorded = "umschreibung-evb-not-recorded", "KFZ-ZUL-012" since "1.1.0",
        "The eVB-Nummer of an Umschreibung is not recorded as used, so a later Zulassung can use it again.";
    FinCheckUsesFirstZulassung = "fin-check-uses-first-zulassung", "KFZ-ZUL-011" since "1.1.0",
        "The FIN check looks at the vehicle's first Zulassung, so after a Wiederzulassung the FIN can be registered a third time.";
    MissingHalterAccepted = "missing-halter-accepted", "KFZ-ZUL-013",
        "A Zulassung without halter is accepted with a placeholder Halter.";
    UmschreibungKeepsOldHalter = "umschreibung-keeps-old-halter", "KFZ-ZUL-014",
        "An Umschreibung answers 200 but keeps the previous Halter.";
    UmschreibungKeepsOldSepa = "umschreibung-keeps-old-sepa-mandat", "KFZ-ZUL-014" since "1.1.0",
        "An Umschreibung replaces Halter and eVB-Nummer but keeps the previous SEPA mandate.";
    UmschreibungAfterAbs = "umschreibung-after-ausserbetriebsetzung-allowed", "KFZ-ZUL-015",
        "A vehicle that is außer Betrieb gesetzt can be umgeschrieben.";
    LengthOffByOne = "length-off-by-one", "KFZ-ZUL-016" also ["KFZ-ZUL-025"] since "1.1.0",
        "Strings of exactly their maximum length (200, Hausnummer 20) are refused with LENGTH.";
    PlzLeadingZeroRejected = "plz-leading-zero-rejected", "KFZ-ZUL-017" since "1.1.0",
        "A Postleitzahl that starts with 0 (Dresden, 01067) is refused with PLZ_FORMAT.";
    PinFormatUnchecked = "pin-format-unchecked", "KFZ-ZUL-018" since "1.1.0",
        "A reservierungsPin of the wrong shape is not refused with PIN_FORMAT but compared with the register's PIN.";
    IbanDeRulesUnchecked = "iban-de-rules-unchecked", "KFZ-ZUL-006" since "1.1.0",
        "A German IBAN is checked like any other: 23 characters or letters in the BBAN pass if the check digits fit.";
    LengthCountedInBytes = "length-counted-in-bytes", "KFZ-ZUL-016" also ["KFZ-ZUL-025"] since "1.1.0",
        "String lengths are counted in UTF-8 bytes, so a name of 200 characters with umlauts is refused with LENGTH.";
    BlankStringsAccepted = "blank-strings-accepted", "KFZ-ZUL-019" also ["KFZ-ZUL-025"] since "1.1.0",
        "Names, Straße, Hausnummer, Ort and Kontoinhaber of only whitespace are accepted.";
    NamesStoredAsLatin1 = "names-stored-as-latin1", "KFZ-ZUL-020" since "1.1.0",
        "Free text is stored in ISO-8859-1: characters outside Latin-1 (ł, ř, 王) come back as '?'.";
    NullOptionalMemberIgnored = "null-optional-member-ignored", "KFZ-ZUL-021" since "1.1.0",
        "An optional member that is null (kennzeichen, reservierungsPin, erkennungsnummer) is treated as absent instead of refused with TYPE.";
    PinWithoutKennzeichenAccepted = "pin-without-kennzeichen-accepted", "KFZ-ZUL-022" since "1.1.0",
        "A reservierungsPin without kennzeichen is ignored and a plate is assigned.";
    ZulassungKennzeichenUnchecked = "zulassung-kennzeichen-unchecked", "KFZ-ZUL-023" since "1.1.0",
        "The kennzeichen of a Zulassung is only looked up in the register, not checked against the Kennzeichen rules.";
    PinCheckedBeforeConflicts = "pin-checked-before-conflicts", "KFZ-ZUL-024" since "1.1.0",
        "The reservierungsPin is compared with the plate's newest reservation before the state conflicts are checked.";
    UmschreibungBodyUnvalidated = "umschreibung-body-unvalidated", "KFZ-ZUL-025" since "1.1.0",
        "An Umschreibung checks only that its members are there, not their format rules (PLZ, IBAN, eVB-Nummer, lengths).";

    AbsNotPersisted = "ausserbetriebsetzung-not-persisted", "KFZ-ABS-001",
        "The Außerbetriebsetzung is confirmed but the Zulassung stays zugelassen.";
    DoubleAbsAllowed = "double-ausserbetriebsetzung-allowed", "KFZ-ABS-002",
        "A second Außerbetriebsetzung of the same vehicle is confirmed again.";
    PlateBlockedAfterAbs = "plate-blocked-after-ausserbetriebsetzung", "KFZ-ABS-003",
        "The plate of a vehicle außer Betrieb gesetzt stays blocked.";
    WiederzulassungRefused = "wiederzulassung-refused", "KFZ-ABS-004",
        "A FIN that was ever zugelassen cannot be registered again after an Außerbetriebsetzung.";
    AbsParsesBody = "ausserbetriebsetzung-parses-body", "KFZ-ABS-005" since "1.1.0",
        "An Außerbetriebsetzung reads a body sent with it: other media types get 415, JSON members get 422.";
}
