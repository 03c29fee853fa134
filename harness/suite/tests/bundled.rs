//! Bundled suites: listing, spec resolution and loading from an embedded
//! folder (our own fixture, since the real bundle may still be empty).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use include_dir::{Dir, include_dir};
use konform_suite::bundled::{ResolveError, SuiteSource, list_in, resolve_in};
use konform_suite::{SchemaSet, SuiteFiles, load};
use semver::Version;

static FIXTURE_SUITES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/versions/suites");
static VALID_SUITES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/valid/suites");
static VALID_SCHEMAS: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/valid/schemas");

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn lists_name_and_version() {
    assert_eq!(
        list_in(&FIXTURE_SUITES),
        vec![
            ("demo".to_string(), v("1.0.0")),
            ("demo".to_string(), v("1.0.2")),
            ("demo".to_string(), v("1.1.0")),
            ("demo".to_string(), v("2.0.0-rc.1")),
            ("other".to_string(), v("0.1.0")),
        ]
    );
}

#[test]
fn resolves_specs() {
    let bundled = |s: &str| match resolve_in(&FIXTURE_SUITES, s) {
        Ok(SuiteSource::Bundled { name, version }) => format!("{name}@{version}"),
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(bundled("demo"), "demo@1.1.0");
    assert_eq!(bundled("demo@2"), "demo@2.0.0-rc.1");
    assert_eq!(bundled("demo@1.0"), "demo@1.0.2");
    assert_eq!(bundled("demo@1"), "demo@1.1.0");
    assert_eq!(bundled("demo@1.0.0"), "demo@1.0.0");
    assert_eq!(bundled("demo@2.0.0-rc.1"), "demo@2.0.0-rc.1");
    assert_eq!(bundled("other"), "other@0.1.0");
    assert!(matches!(
        resolve_in(&FIXTURE_SUITES, "demo@3"),
        Err(ResolveError::NoMatchingVersion { .. })
    ));
    assert!(matches!(
        resolve_in(&FIXTURE_SUITES, "nope"),
        Err(ResolveError::UnknownSuite { .. })
    ));
    assert!(matches!(
        resolve_in(&FIXTURE_SUITES, "demo@x.y"),
        Err(ResolveError::BadVersion(_))
    ));
    assert_eq!(
        resolve_in(&FIXTURE_SUITES, "./suites/demo/1.0.0").unwrap(),
        SuiteSource::Path("./suites/demo/1.0.0".into())
    );
}

#[test]
fn loads_from_an_embedded_folder() {
    let files = SuiteFiles::from_include_dir(&VALID_SUITES, "demo", "1.0.0").unwrap();
    assert_eq!(files.origin, "bundled:demo@1.0.0");
    let mut paths: Vec<&str> = files.paths().collect();
    paths.sort();
    assert_eq!(paths, ["cases/persons.yaml", "suite.yaml"]);
    let schemas = SchemaSet::from_include_dir(&VALID_SCHEMAS).unwrap();
    assert!(
        schemas
            .resolve_ref("demo/1.0/schemas.json#/$defs/Person")
            .is_some()
    );
    let suite = load(files.clone(), &schemas).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(suite.id(), "demo@1.0.0");
    // Same bytes from disk and from the embedded copy give the same digest.
    let on_disk = konform_suite::load_path(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/valid/suites/demo/1.0.0"),
    )
    .unwrap();
    assert_eq!(on_disk.digest, suite.digest);
    assert!(SuiteFiles::from_include_dir(&VALID_SUITES, "demo", "9.9.9").is_err());
}

#[test]
fn real_bundle_listing_does_not_panic() {
    for (name, version) in konform_suite::bundled::list() {
        assert!(!name.is_empty(), "{version}");
    }
}

/// Every bundled suite loads (its contract marks every personal-looking
/// member), and its personal members hold what the contract marks and what
/// the suite lists, but not the identifiers of places and things.
#[test]
fn bundled_suites_take_personal_members_from_their_contract() {
    let expected: &[(&str, &[&str])] = &[
        (
            "meldewesen",
            &[
                "familienname",
                "vornamen",
                "geburtsdatum",
                "geschlecht",
                "doktorgrad",
                "plz",
            ],
        ),
        (
            "elterngeld",
            &[
                "familienname",
                "iban",
                "kontoinhaber",
                "einkommenVorGeburt",
                "geburtsdatum",
                "betrag",
            ],
        ),
        (
            "kfz-zulassung",
            &["name", "strasse", "iban", "kontoinhaber", "halter"],
        ),
    ];
    let mut seen = 0;
    for (name, version) in konform_suite::bundled::list() {
        let spec = format!("{name}@{version}");
        let suite = konform_suite::load_spec(&spec)
            .unwrap_or_else(|d| panic!("{spec}: {}", d.render_short()));
        for listed in &suite.manifest.personal_data {
            assert!(suite.personal_members.contains(listed), "{spec}: {listed}");
        }
        for not_personal in ["id", "ags", "fin", "status", "lebensmonat"] {
            assert!(
                !suite.personal_members.contains(not_personal),
                "{spec}: {not_personal}"
            );
        }
        if let Some((_, members)) = expected.iter().find(|(n, _)| *n == name) {
            seen += 1;
            for m in *members {
                assert!(suite.personal_members.contains(*m), "{spec}: {m}");
            }
        }
    }
    assert!(seen >= 6, "the three interfaces in two versions each");
}
