//! The named faults of the Elterngeld 1.0 reference: each switches off or
//! bends exactly one requirement of the suite `suites/elterngeld/1.0.0`, so
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
        "unauthenticated-accepted",
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
        "POST /antraege validates the body before checking the token's scope.",
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
        "malformed-json-not-400",
        "EG-QS-008",
        "A body that is not well-formed JSON is answered with 422 instead of 400.",
    ),
    f(
        "content-type-ignored",
        "EG-QS-009",
        "Bodies are parsed as JSON whatever their Content-Type (no 415).",
    ),
    f(
        "body-limit-missing",
        "EG-QS-010",
        "Bodies above 1 MiB are read and parsed instead of refused with 413.",
    ),
    f(
        "unknown-fields-ignored",
        "EG-QS-011",
        "Unknown request members are silently ignored.",
    ),
    f(
        "only-first-error",
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
];
