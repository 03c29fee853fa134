//! The named faults of the Elterngeld 1.0 reference: each switches off or
//! bends exactly one requirement of the suites `suites/elterngeld/1.0.0` and
//! `1.1.0` (the faults after the first block only 1.1.0 catches), so
//! that the suite's kill score can be measured.

use crate::faults::fault_catalogue;

// In requirement order.
fault_catalogue! {
    ServiceDescriptionWrongClasses = "service-description-wrong-classes", "EG-QS-001",
        "GET / claims no conformance classes.";
    JsonLatin1 = "json-latin1", "EG-QS-014" since "1.1.0",
        "JSON bodies with umlauts are sent in ISO-8859-1 instead of UTF-8.";
    ErrorsWithoutProblemJson = "errors-without-problem-json", "EG-QS-002",
        "Error bodies are sent as application/json instead of application/problem+json.";
    MissingTokenAccepted = "missing-token-accepted", "EG-QS-003",
        "A request without Authorization header is served as if it carried the full token.";
    ScopeNotChecked = "scope-not-checked", "EG-QS-004",
        "A valid token is accepted for every operation, whatever its scopes.";
    ValidationBeforeAuth = "validation-before-auth", "EG-QS-005",
        "POST /antraege validates the body before checking the token's scope (a valid token without the scope gets 422 for an invalid Antrag).";
    RequestIdNotEchoed = "request-id-not-echoed", "EG-QS-006",
        "The response carries a fresh X-Request-ID instead of the client's.";
    RequestIdNotGenerated = "request-id-not-generated", "EG-QS-007",
        "A response to a request without X-Request-ID carries none.";
    MalformedJson422 = "malformed-json-422", "EG-QS-008",
        "A body that is not well-formed JSON is answered with 422 instead of 400.";
    ContentTypeIgnored = "content-type-ignored", "EG-QS-009",
        "Bodies are parsed as JSON whatever their Content-Type (no 415).";
    BodyLimitIgnored = "body-limit-ignored", "EG-QS-010",
        "Bodies above 1 MiB are read and parsed instead of refused with 413.";
    UnknownFieldsIgnored = "unknown-fields-ignored", "EG-QS-011",
        "Unknown request members are silently ignored.";
    FirstErrorOnly = "first-error-only", "EG-QS-012",
        "A 422 lists only the first offending field.";
    StringAmountsAccepted = "string-amounts-accepted", "EG-QS-013",
        "Money amounts given as strings of digits are accepted instead of refused with TYPE.";
    RoundingTruncates = "rounding-truncates", "EG-BER-001",
        "Amounts are truncated to the cent instead of rounded half-up.";
    DegressionFrom1000 = "degression-from-1000", "EG-BER-002",
        "The Ersatzrate starts falling above 1,000 EUR instead of above 1,200 EUR.";
    PartialStepsCounted = "partial-steps-counted", "EG-BER-003",
        "Partial 2-EUR steps count pro rata in the Ersatzrate (exact fraction, rounded to 0.1 points).";
    NoUpperRateLimit = "no-upper-rate-limit", "EG-BER-004",
        "The Ersatzrate can rise above 100 %.";
    NoLowerRateLimit = "no-lower-rate-limit", "EG-BER-005",
        "The Ersatzrate can fall below 65 %.";
    NoMaximumAmount = "no-maximum-amount", "EG-BER-006",
        "The 1,800 EUR maximum is not applied.";
    NoMinimumAmount = "no-minimum-amount", "EG-BER-007",
        "The 300 EUR (Plus: 150 EUR) minimum is not applied.";
    IncomeAfterBirthUncapped = "income-after-birth-uncapped", "EG-BER-008",
        "With income after the birth the income before it is not capped at 2,770 EUR.";
    RateFromDifference = "rate-from-difference", "EG-BER-009",
        "With income after the birth the Ersatzrate is taken from the difference instead of the income before the birth.";
    GeschwisterbonusNoMinimum = "geschwisterbonus-no-minimum", "EG-BER-010",
        "The Geschwisterbonus is 10 % without the 75 EUR (Plus: 37.50 EUR) minimum.";
    MehrlingszuschlagPerChild = "mehrlingszuschlag-per-child", "EG-BER-011",
        "The Mehrlingszuschlag is paid for every child instead of every additional child.";
    PlusNotHalved = "plus-not-halved", "EG-BER-012",
        "ElterngeldPlus without income is the full Basiselterngeld.";
    PlusCapMissing = "plus-cap-missing", "EG-BER-013",
        "ElterngeldPlus with income after the birth is not capped at half the Basiselterngeld without income.";
    BonusAsBasis = "bonus-as-basis", "EG-BER-014",
        "Partnerschaftsbonus months are paid as Basiselterngeld instead of ElterngeldPlus.";
    SummeExcludesBonusMonths = "summe-excludes-bonus-months", "EG-BER-015",
        "summe leaves out the Partnerschaftsbonus months.";
    NegativeIncomeAccepted = "negative-income-accepted", "EG-BER-016",
        "A negative einkommen of a Lebensmonat is accepted and treated as 0.";
    PartnermonateNotGranted = "partnermonate-not-granted", "EG-PLAN-001",
        "The two Partnermonate are never granted: 12 Monatsbetraege in total even when both parents take Elterngeld.";
    KontingentNotChecked = "kontingent-not-checked", "EG-PLAN-002",
        "The total contingent of the parents is not checked.";
    ElternteilLimitNotChecked = "elternteil-limit-not-checked", "EG-PLAN-003",
        "The 12 Monatsbetraege limit of one parent is not checked.";
    BasisAfter14Accepted = "basis-after-14-accepted", "EG-PLAN-004",
        "Basiselterngeld after the 14th Lebensmonat is accepted.";
    ParallelBasisUnlimited = "parallel-basis-unlimited", "EG-PLAN-005",
        "Parallel Basis months of both parents are not limited.";
    BonusParallelNotChecked = "bonus-parallel-not-checked", "EG-PLAN-006",
        "Partnerschaftsbonus months of one parent alone are accepted.";
    BonusDurationNotChecked = "bonus-duration-not-checked", "EG-PLAN-007",
        "Partnerschaftsbonus months need not be 2 to 4 consecutive months.";
    SingleMonthAccepted = "single-month-accepted", "EG-PLAN-008",
        "A parent may take Elterngeld for a single Lebensmonat.";
    PlusGapsAccepted = "plus-gaps-accepted", "EG-PLAN-009",
        "Gaps in the months after the 14th Lebensmonat are accepted.";
    AlleinerziehendIgnored = "alleinerziehend-ignored", "EG-PLAN-010",
        "alleinerziehend is ignored: a single parent gets 12 Monatsbetraege and no Partnerschaftsbonus alone.";
    AntragLocationMissing = "antrag-location-missing", "EG-ANT-001",
        "The 201 answer to an Antrag carries no Location header.";
    AntragNotStored = "antrag-not-stored", "EG-ANT-002",
        "An Antrag that was accepted cannot be read back (404).";
    UnknownAntrag500 = "unknown-antrag-500", "EG-ANT-003",
        "Reading an unknown Antrag id gives 500 instead of 404.";
    IbanChecksumIgnored = "iban-checksum-ignored", "EG-ANT-004",
        "The IBAN check digits (mod 97) are not verified.";
    RueckwirkungNotChecked = "rueckwirkung-not-checked", "EG-ANT-005",
        "Months any time before the application are accepted.";
    RueckwirkungFourMonths = "rueckwirkung-four-months", "EG-ANT-005",
        "Four instead of three Lebensmonate before the month of arrival are accepted.";
    EingangFutureAccepted = "eingang-future-accepted", "EG-ANT-006",
        "An Eingangsdatum in the future is accepted.";
    EinkommensgrenzeIgnored = "einkommensgrenze-ignored", "EG-ANT-007",
        "The income limit of 175,000 EUR (§ 1 Abs. 8 BEEG) is not checked.";
    AntragPlanNotChecked = "antrag-plan-not-checked", "EG-ANT-008",
        "POST /antraege does not apply the month-plan rules.";
    IdempotentReplayDuplicates = "idempotent-replay-duplicates", "EG-ANT-009",
        "A replayed Antrag with the same Idempotency-Key creates a new Antrag.";
    IdempotencyKeyReuseAccepted = "idempotency-key-reuse-accepted", "EG-ANT-010",
        "Reusing an Idempotency-Key with a different body creates a new Antrag.";
    IbanUnmasked = "iban-unmasked", "EG-ANT-011",
        "The Antrag representation returns the full IBAN.";
    // ---- caught by suite 1.1.0 (boundaries, order of checks, idempotency, state)
    BodyCheckedBeforeAuth = "body-checked-before-auth", "EG-QS-005" since "1.1.0",
        "A body with a wrong Content-Type gets 415 before the token is checked (no 401).";
    NullOptionalMemberIgnored = "null-optional-member-ignored", "EG-QS-020" since "1.1.0",
        "An optional member given as null is treated as absent instead of refused with TYPE.";
    RequestIdLengthUnchecked = "request-id-length-unchecked", "EG-QS-015" since "1.1.0",
        "Any X-Request-ID is echoed, also one of 201 characters or with a space.";
    JsonCharsetRejected = "json-charset-rejected", "EG-QS-016" since "1.1.0",
        "application/json with a charset parameter is refused with 415.";
    SizeBeforeContentType = "size-before-content-type", "EG-QS-017" since "1.1.0",
        "A body over 1 MiB gets 413 before its Content-Type is checked (no 415).";
    LengthCountedInBytes = "length-counted-in-bytes", "EG-QS-018" since "1.1.0",
        "Name lengths are counted in UTF-8 bytes: 200 characters with umlauts are refused with LENGTH.";
    BlankStringsAccepted = "blank-strings-accepted", "EG-QS-019" since "1.1.0",
        "Names made of whitespace only are accepted.";
    EmptyArraysLength = "empty-arrays-length", "EG-QS-019" since "1.1.0",
        "An empty vornamen or elternteile array is refused with LENGTH instead of REQUIRED.";
    RoundingHalfEven = "rounding-half-even", "EG-BER-001" since "1.1.0",
        "Exact halves of a cent are rounded to even (banker's rounding) instead of up.";
    PlusMehrlingeFull = "plus-mehrlinge-full", "EG-BER-011" since "1.1.0",
        "ElterngeldPlus with income after the birth adds the full 300 EUR Mehrlingszuschlag instead of 150 EUR.";
    PlusHalvedBeforeBonuses = "plus-halved-before-bonuses", "EG-BER-012" since "1.1.0",
        "ElterngeldPlus without income halves the amount before Geschwisterbonus and Mehrlingszuschlag and adds them in full.";
    LebensmonatDoppeltAtFirst = "lebensmonat-doppelt-at-first", "EG-BER-016" since "1.1.0",
        "LEBENSMONAT_DOPPELT points at the first occurrence of the Lebensmonat instead of the repeated one.";
    BerechnungAppliesPlanRules = "berechnung-applies-plan-rules", "EG-BER-017" since "1.1.0",
        "POST /berechnungen refuses months that break a plan rule (Basis after the 14th Lebensmonat).";
    PartnermonateBasisOnly = "partnermonate-basis-only", "EG-PLAN-001" since "1.1.0",
        "The Partnermonate are granted only when each parent plans at least two Basis months.";
    PartnermonateByCount = "partnermonate-by-count", "EG-PLAN-001" since "1.1.0",
        "The Partnermonate are granted whenever the plan has two Elternteile, also when one plans no month.";
    KontingentHalvesFloored = "kontingent-halves-floored", "EG-PLAN-002" since "1.1.0",
        "The Monatsbetraege of both parents are rounded down to whole ones before the contingent check (14.5 passes).";
    ElternteilLimitFirstParentOnly = "elternteil-limit-first-parent-only", "EG-PLAN-003" since "1.1.0",
        "The 12 Monatsbetraege limit of one parent is checked for the first Elternteil only.";
    ParallelBasisBefore12 = "parallel-basis-before-12", "EG-PLAN-005" since "1.1.0",
        "A parallel Basis month is allowed only before the 12th Lebensmonat (12 is refused).";
    BonusConsecutiveNotChecked = "bonus-consecutive-not-checked", "EG-PLAN-007" since "1.1.0",
        "Partnerschaftsbonus months need not be consecutive (only their number is checked).";
    PlusLueckePerParent = "plus-luecke-per-parent", "EG-PLAN-009" since "1.1.0",
        "The months from the 15th on are checked per parent, so one parent cannot continue where the other stops.";
    PlanRulesDespiteFieldErrors = "plan-rules-despite-field-errors", "EG-PLAN-011" since "1.1.0",
        "The plan rules also run on a plan with invalid fields, over its valid months.";
    IbanLowercaseNormalised = "iban-lowercase-normalised", "EG-ANT-004" since "1.1.0",
        "The IBAN is upper-cased before it is checked, so a lower-case IBAN is accepted.";
    RueckwirkungAllParents = "rueckwirkung-all-parents", "EG-ANT-005" since "1.1.0",
        "RUECKWIRKUNG is also applied to the months of the other parent (elternteile/1).";
    LebensmonatEndOfMonthClamped = "lebensmonat-end-of-month-clamped", "EG-ANT-005" since "1.1.0",
        "A Lebensmonat whose day does not exist in its month begins on that month's last day (29 February) instead of the 1st of the next.";
    RueckwirkungFirstOnly = "rueckwirkung-first-only", "EG-ANT-005" since "1.1.0",
        "Only the first month that is too old is refused with RUECKWIRKUNG.";
    EingangAmGeburtstagRefused = "eingang-am-geburtstag-refused", "EG-ANT-006" since "1.1.0",
        "An Antrag that arrives on the birth date is refused with EINGANG_VOR_GEBURT.";
    EinkommensgrenzeCutoffLate = "einkommensgrenze-cutoff-late", "EG-ANT-007" since "1.1.0",
        "The 175,000 EUR limit applies to births after 2025-04-01 only; a child born on 2025-04-01 gets the older limit.";
    AntragPlanRulesLast = "antrag-plan-rules-last", "EG-ANT-008" since "1.1.0",
        "The plan rules of an Antrag are checked only when every other field is valid.";
    IdempotencyComparesRawBytes = "idempotency-compares-raw-bytes", "EG-ANT-009" since "1.1.0",
        "A replay is recognised only when the body bytes are identical (other member order or whitespace is a key reuse).";
    IdempotentReplayWithoutEtag = "idempotent-replay-without-etag", "EG-ANT-009" since "1.1.0",
        "A replayed Antrag carries no ETag header.";
    EinkommensgrenzeFlat = "einkommensgrenze-flat", "EG-ANT-013" since "1.1.0",
        "175,000 EUR is the income limit for every birth, also before 2025-04-01.";
    EinkommensgrenzeAlleinerziehendIgnored = "einkommensgrenze-alleinerziehend-ignored", "EG-ANT-013" since "1.1.0",
        "For births before 2025-04-01 an alleinerziehend parent gets the limit for couples.";
    DateRollover = "date-rollover", "EG-ANT-014" since "1.1.0",
        "Dates past the end of their month roll over (2025-02-29 is read as 2025-03-01).";
    GermanDateAccepted = "german-date-accepted", "EG-ANT-014" since "1.1.0",
        "Dates in the German form DD.MM.YYYY are accepted.";
    AntragBerechnungIgnoresKind = "antrag-berechnung-ignores-kind", "EG-ANT-015" since "1.1.0",
        "The Berechnung of an Antrag ignores kind.anzahlKinder (no Mehrlingszuschlag).";
    AntragBerechnungAllParents = "antrag-berechnung-all-parents", "EG-ANT-015" since "1.1.0",
        "The Berechnung of an Antrag includes the other parent's months.";
    NamesStoredAsLatin1 = "names-stored-as-latin1", "EG-ANT-016" since "1.1.0",
        "Names are stored in ISO 8859-1: characters outside it come back as '?'.";
    IdempotencyKeyLengthUnchecked = "idempotency-key-length-unchecked", "EG-ANT-017" since "1.1.0",
        "An Idempotency-Key longer than 255 characters is accepted.";
    IdempotencyAfterValidation = "idempotency-after-validation", "EG-ANT-018" since "1.1.0",
        "The body is validated before the Idempotency-Key is checked and looked up.";
    IdempotencyStoresErrors = "idempotency-stores-errors", "EG-ANT-019" since "1.1.0",
        "A 422 answer is stored under its Idempotency-Key, so the key cannot be used for the corrected Antrag.";
    IdempotencyKeyNotScopedPerOperation = "idempotency-key-not-scoped-per-operation", "EG-ANT-020" since "1.1.0",
        "Idempotency-Keys are stored for every POST under the key alone, not per operation.";
    IbanDeOnly = "iban-de-only", "EG-ANT-021" since "1.1.0",
        "Only German IBANs are accepted; valid IBANs of other countries are refused with IBAN_FORMAT.";
}
