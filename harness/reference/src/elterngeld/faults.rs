//! The named faults of the Elterngeld 1.0 reference: each switches off or
//! bends exactly one requirement of the suites `suites/elterngeld/1.0.0` and
//! `1.1.0` (the faults after the first block only 1.1.0 catches), so
//! that the suite's kill score can be measured.

use crate::faults::FaultInfo;

const fn f(name: &'static str, requirement: &'static str, description: &'static str) -> FaultInfo {
    FaultInfo {
        name,
        requirement,
        also: &[],
        description,
    }
}

/// Every fault of Elterngeld 1.0, in requirement order.
pub const FAULTS: &[FaultInfo] = &[
    f(
        "service-description-wrong-classes",
        "EG-QS-001",
        "GET / claims no conformance classes.",
    ),
    f(
        crate::common::encoding::JSON_LATIN1,
        "EG-QS-014",
        "JSON bodies with umlauts are sent in ISO-8859-1 instead of UTF-8.",
    ),
    f(
        "errors-without-problem-json",
        "EG-QS-002",
        "Error bodies are sent as application/json instead of application/problem+json.",
    ),
    f(
        "missing-token-accepted",
        "EG-QS-003",
        "A request without Authorization header is served as if it carried the full token.",
    ),
    f(
        "scope-not-checked",
        "EG-QS-004",
        "A valid token is accepted for every operation, whatever its scopes.",
    ),
    f(
        "validation-before-auth",
        "EG-QS-005",
        "POST /antraege validates the body before checking the token's scope (a valid token without the scope gets 422 for an invalid Antrag).",
    ),
    f(
        "request-id-not-echoed",
        "EG-QS-006",
        "The response carries a fresh X-Request-ID instead of the client's.",
    ),
    f(
        "request-id-not-generated",
        "EG-QS-007",
        "A response to a request without X-Request-ID carries none.",
    ),
    f(
        "malformed-json-422",
        "EG-QS-008",
        "A body that is not well-formed JSON is answered with 422 instead of 400.",
    ),
    f(
        "content-type-ignored",
        "EG-QS-009",
        "Bodies are parsed as JSON whatever their Content-Type (no 415).",
    ),
    f(
        "body-limit-ignored",
        "EG-QS-010",
        "Bodies above 1 MiB are read and parsed instead of refused with 413.",
    ),
    f(
        "unknown-fields-ignored",
        "EG-QS-011",
        "Unknown request members are silently ignored.",
    ),
    f(
        "first-error-only",
        "EG-QS-012",
        "A 422 lists only the first offending field.",
    ),
    f(
        "string-amounts-accepted",
        "EG-QS-013",
        "Money amounts given as strings of digits are accepted instead of refused with TYPE.",
    ),
    f(
        "rounding-truncates",
        "EG-BER-001",
        "Amounts are truncated to the cent instead of rounded half-up.",
    ),
    f(
        "degression-from-1000",
        "EG-BER-002",
        "The Ersatzrate starts falling above 1,000 EUR instead of above 1,200 EUR.",
    ),
    f(
        "partial-steps-counted",
        "EG-BER-003",
        "Partial 2-EUR steps count pro rata in the Ersatzrate (exact fraction, rounded to 0.1 points).",
    ),
    f(
        "no-upper-rate-limit",
        "EG-BER-004",
        "The Ersatzrate can rise above 100 %.",
    ),
    f(
        "no-lower-rate-limit",
        "EG-BER-005",
        "The Ersatzrate can fall below 65 %.",
    ),
    f(
        "no-maximum-amount",
        "EG-BER-006",
        "The 1,800 EUR maximum is not applied.",
    ),
    f(
        "no-minimum-amount",
        "EG-BER-007",
        "The 300 EUR (Plus: 150 EUR) minimum is not applied.",
    ),
    f(
        "income-after-birth-uncapped",
        "EG-BER-008",
        "With income after the birth the income before it is not capped at 2,770 EUR.",
    ),
    f(
        "rate-from-difference",
        "EG-BER-009",
        "With income after the birth the Ersatzrate is taken from the difference instead of the income before the birth.",
    ),
    f(
        "geschwisterbonus-no-minimum",
        "EG-BER-010",
        "The Geschwisterbonus is 10 % without the 75 EUR (Plus: 37.50 EUR) minimum.",
    ),
    f(
        "mehrlingszuschlag-per-child",
        "EG-BER-011",
        "The Mehrlingszuschlag is paid for every child instead of every additional child.",
    ),
    f(
        "plus-not-halved",
        "EG-BER-012",
        "ElterngeldPlus without income is the full Basiselterngeld.",
    ),
    f(
        "plus-cap-missing",
        "EG-BER-013",
        "ElterngeldPlus with income after the birth is not capped at half the Basiselterngeld without income.",
    ),
    f(
        "bonus-as-basis",
        "EG-BER-014",
        "Partnerschaftsbonus months are paid as Basiselterngeld instead of ElterngeldPlus.",
    ),
    f(
        "summe-excludes-bonus-months",
        "EG-BER-015",
        "summe leaves out the Partnerschaftsbonus months.",
    ),
    f(
        "negative-income-accepted",
        "EG-BER-016",
        "A negative einkommen of a Lebensmonat is accepted and treated as 0.",
    ),
    f(
        "partnermonate-not-granted",
        "EG-PLAN-001",
        "The two Partnermonate are never granted: 12 Monatsbetraege in total even when both parents take Elterngeld.",
    ),
    f(
        "kontingent-not-checked",
        "EG-PLAN-002",
        "The total contingent of the parents is not checked.",
    ),
    f(
        "elternteil-limit-not-checked",
        "EG-PLAN-003",
        "The 12 Monatsbetraege limit of one parent is not checked.",
    ),
    f(
        "basis-after-14-accepted",
        "EG-PLAN-004",
        "Basiselterngeld after the 14th Lebensmonat is accepted.",
    ),
    f(
        "parallel-basis-unlimited",
        "EG-PLAN-005",
        "Parallel Basis months of both parents are not limited.",
    ),
    f(
        "bonus-parallel-not-checked",
        "EG-PLAN-006",
        "Partnerschaftsbonus months of one parent alone are accepted.",
    ),
    f(
        "bonus-duration-not-checked",
        "EG-PLAN-007",
        "Partnerschaftsbonus months need not be 2 to 4 consecutive months.",
    ),
    f(
        "single-month-accepted",
        "EG-PLAN-008",
        "A parent may take Elterngeld for a single Lebensmonat.",
    ),
    f(
        "plus-gaps-accepted",
        "EG-PLAN-009",
        "Gaps in the months after the 14th Lebensmonat are accepted.",
    ),
    f(
        "alleinerziehend-ignored",
        "EG-PLAN-010",
        "alleinerziehend is ignored: a single parent gets 12 Monatsbetraege and no Partnerschaftsbonus alone.",
    ),
    f(
        "antrag-location-missing",
        "EG-ANT-001",
        "The 201 answer to an Antrag carries no Location header.",
    ),
    f(
        "antrag-not-stored",
        "EG-ANT-002",
        "An Antrag that was accepted cannot be read back (404).",
    ),
    f(
        "unknown-antrag-500",
        "EG-ANT-003",
        "Reading an unknown Antrag id gives 500 instead of 404.",
    ),
    f(
        "iban-checksum-ignored",
        "EG-ANT-004",
        "The IBAN check digits (mod 97) are not verified.",
    ),
    f(
        "rueckwirkung-not-checked",
        "EG-ANT-005",
        "Months any time before the application are accepted.",
    ),
    f(
        "rueckwirkung-four-months",
        "EG-ANT-005",
        "Four instead of three Lebensmonate before the month of arrival are accepted.",
    ),
    f(
        "eingang-future-accepted",
        "EG-ANT-006",
        "An Eingangsdatum in the future is accepted.",
    ),
    f(
        "einkommensgrenze-ignored",
        "EG-ANT-007",
        "The income limit of 175,000 EUR (§ 1 Abs. 8 BEEG) is not checked.",
    ),
    f(
        "antrag-plan-not-checked",
        "EG-ANT-008",
        "POST /antraege does not apply the month-plan rules.",
    ),
    f(
        "idempotent-replay-duplicates",
        "EG-ANT-009",
        "A replayed Antrag with the same Idempotency-Key creates a new Antrag.",
    ),
    f(
        "idempotency-key-reuse-accepted",
        "EG-ANT-010",
        "Reusing an Idempotency-Key with a different body creates a new Antrag.",
    ),
    f(
        "iban-unmasked",
        "EG-ANT-011",
        "The Antrag representation returns the full IBAN.",
    ),
    // ---- caught by suite 1.1.0 (boundaries, order of checks, idempotency, state)
    f(
        "body-checked-before-auth",
        "EG-QS-005",
        "A body with a wrong Content-Type gets 415 before the token is checked (no 401).",
    ),
    f(
        "null-optional-member-ignored",
        "EG-QS-020",
        "An optional member given as null is treated as absent instead of refused with TYPE.",
    ),
    f(
        "request-id-length-unchecked",
        "EG-QS-015",
        "Any X-Request-ID is echoed, also one of 201 characters or with a space.",
    ),
    f(
        "json-charset-rejected",
        "EG-QS-016",
        "application/json with a charset parameter is refused with 415.",
    ),
    f(
        "size-before-content-type",
        "EG-QS-017",
        "A body over 1 MiB gets 413 before its Content-Type is checked (no 415).",
    ),
    f(
        "length-counted-in-bytes",
        "EG-QS-018",
        "Name lengths are counted in UTF-8 bytes: 200 characters with umlauts are refused with LENGTH.",
    ),
    f(
        "blank-strings-accepted",
        "EG-QS-019",
        "Names made of whitespace only are accepted.",
    ),
    f(
        "empty-arrays-length",
        "EG-QS-019",
        "An empty vornamen or elternteile array is refused with LENGTH instead of REQUIRED.",
    ),
    f(
        "rounding-half-even",
        "EG-BER-001",
        "Exact halves of a cent are rounded to even (banker's rounding) instead of up.",
    ),
    f(
        "plus-mehrlinge-full",
        "EG-BER-011",
        "ElterngeldPlus with income after the birth adds the full 300 EUR Mehrlingszuschlag instead of 150 EUR.",
    ),
    f(
        "plus-halved-before-bonuses",
        "EG-BER-012",
        "ElterngeldPlus without income halves the amount before Geschwisterbonus and Mehrlingszuschlag and adds them in full.",
    ),
    f(
        "lebensmonat-doppelt-at-first",
        "EG-BER-016",
        "LEBENSMONAT_DOPPELT points at the first occurrence of the Lebensmonat instead of the repeated one.",
    ),
    f(
        "berechnung-applies-plan-rules",
        "EG-BER-017",
        "POST /berechnungen refuses months that break a plan rule (Basis after the 14th Lebensmonat).",
    ),
    f(
        "partnermonate-basis-only",
        "EG-PLAN-001",
        "The Partnermonate are granted only when each parent plans at least two Basis months.",
    ),
    f(
        "partnermonate-by-count",
        "EG-PLAN-001",
        "The Partnermonate are granted whenever the plan has two Elternteile, also when one plans no month.",
    ),
    f(
        "kontingent-halves-floored",
        "EG-PLAN-002",
        "The Monatsbetraege of both parents are rounded down to whole ones before the contingent check (14.5 passes).",
    ),
    f(
        "elternteil-limit-first-parent-only",
        "EG-PLAN-003",
        "The 12 Monatsbetraege limit of one parent is checked for the first Elternteil only.",
    ),
    f(
        "parallel-basis-before-12",
        "EG-PLAN-005",
        "A parallel Basis month is allowed only before the 12th Lebensmonat (12 is refused).",
    ),
    f(
        "bonus-consecutive-not-checked",
        "EG-PLAN-007",
        "Partnerschaftsbonus months need not be consecutive (only their number is checked).",
    ),
    f(
        "plus-luecke-per-parent",
        "EG-PLAN-009",
        "The months from the 15th on are checked per parent, so one parent cannot continue where the other stops.",
    ),
    f(
        "plan-rules-despite-field-errors",
        "EG-PLAN-011",
        "The plan rules also run on a plan with invalid fields, over its valid months.",
    ),
    f(
        "iban-lowercase-normalised",
        "EG-ANT-004",
        "The IBAN is upper-cased before it is checked, so a lower-case IBAN is accepted.",
    ),
    f(
        "rueckwirkung-all-parents",
        "EG-ANT-005",
        "RUECKWIRKUNG is also applied to the months of the other parent (elternteile/1).",
    ),
    f(
        "lebensmonat-end-of-month-clamped",
        "EG-ANT-005",
        "A Lebensmonat whose day does not exist in its month begins on that month's last day (29 February) instead of the 1st of the next.",
    ),
    f(
        "rueckwirkung-first-only",
        "EG-ANT-005",
        "Only the first month that is too old is refused with RUECKWIRKUNG.",
    ),
    f(
        "eingang-am-geburtstag-refused",
        "EG-ANT-006",
        "An Antrag that arrives on the birth date is refused with EINGANG_VOR_GEBURT.",
    ),
    f(
        "einkommensgrenze-cutoff-late",
        "EG-ANT-007",
        "The 175,000 EUR limit applies to births after 2025-04-01 only; a child born on 2025-04-01 gets the older limit.",
    ),
    f(
        "antrag-plan-rules-last",
        "EG-ANT-008",
        "The plan rules of an Antrag are checked only when every other field is valid.",
    ),
    f(
        "idempotency-compares-raw-bytes",
        "EG-ANT-009",
        "A replay is recognised only when the body bytes are identical (other member order or whitespace is a key reuse).",
    ),
    f(
        "idempotent-replay-without-etag",
        "EG-ANT-009",
        "A replayed Antrag carries no ETag header.",
    ),
    f(
        "einkommensgrenze-flat",
        "EG-ANT-013",
        "175,000 EUR is the income limit for every birth, also before 2025-04-01.",
    ),
    f(
        "einkommensgrenze-alleinerziehend-ignored",
        "EG-ANT-013",
        "For births before 2025-04-01 an alleinerziehend parent gets the limit for couples.",
    ),
    f(
        "date-rollover",
        "EG-ANT-014",
        "Dates past the end of their month roll over (2025-02-29 is read as 2025-03-01).",
    ),
    f(
        "german-date-accepted",
        "EG-ANT-014",
        "Dates in the German form DD.MM.YYYY are accepted.",
    ),
    f(
        "antrag-berechnung-ignores-kind",
        "EG-ANT-015",
        "The Berechnung of an Antrag ignores kind.anzahlKinder (no Mehrlingszuschlag).",
    ),
    f(
        "antrag-berechnung-all-parents",
        "EG-ANT-015",
        "The Berechnung of an Antrag includes the other parent's months.",
    ),
    f(
        "names-stored-as-latin1",
        "EG-ANT-016",
        "Names are stored in ISO 8859-1: characters outside it come back as '?'.",
    ),
    f(
        "idempotency-key-length-unchecked",
        "EG-ANT-017",
        "An Idempotency-Key longer than 255 characters is accepted.",
    ),
    f(
        "idempotency-after-validation",
        "EG-ANT-018",
        "The body is validated before the Idempotency-Key is checked and looked up.",
    ),
    f(
        "idempotency-stores-errors",
        "EG-ANT-019",
        "A 422 answer is stored under its Idempotency-Key, so the key cannot be used for the corrected Antrag.",
    ),
    f(
        "idempotency-key-not-scoped-per-operation",
        "EG-ANT-020",
        "Idempotency-Keys are stored for every POST under the key alone, not per operation.",
    ),
    f(
        "iban-de-only",
        "EG-ANT-021",
        "Only German IBANs are accepted; valid IBANs of other countries are refused with IBAN_FORMAT.",
    ),
];
