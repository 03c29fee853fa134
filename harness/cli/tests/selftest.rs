//! The self-test: every case of every bundled suite runs against the embedded
//! reference implementation of its interface as a test of its own, named
//! `SUITE@VERSION::CASE`, so `cargo test` (and nextest) can filter, list and
//! report them like any other test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::sync::Arc;

use konform::session::{self, EVIDENCE_LIMIT};
use konform_model::report::Verdict;
use konform_runner::{CaseContext, CaseLimits, Compiled};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("tokio runtime"),
    );
    let mut trials = Vec::new();
    let mut servers = Vec::new();
    for spec in konform::suites::bundled_newest_first() {
        let suite = match konform_suite::load_spec(&spec) {
            Ok(s) => s,
            Err(d) => {
                let message = d.render(false);
                trials.push(Trial::test(format!("{spec}::loads"), move || {
                    Err(Failed::from(message))
                }));
                continue;
            }
        };
        let connected = runtime
            .block_on(session::connect_embedded(&suite, &[]))
            .expect("start embedded reference");
        let defaults = &suite.manifest.defaults;
        let ctx = Arc::new(CaseContext {
            conn: connected.conn.clone(),
            compiled: Arc::new(
                Compiled::new(&suite.cases, suite.schemas.iter()).expect("suite compiles"),
            ),
            fixtures: suite.manifest.fixtures.clone(),
            limits: CaseLimits {
                step_timeout: std::time::Duration::from_millis(defaults.step_timeout_ms),
                case_timeout: std::time::Duration::from_millis(defaults.case_timeout_ms),
                body_limit: defaults.body_limit_bytes,
                evidence_limit: EVIDENCE_LIMIT,
            },
            personal_data: konform_runner::redact::PersonalData::new(
                &suite.personal_members,
                suite.manifest.fixtures.iter(),
            ),
            redaction_key: konform_runner::redact::RedactionKey::random(),
            attribution: suite.manifest.attribution.clone(),
            unique: konform_runner::UniqueSource::new(
                konform_runner::UniqueSource::random_seed(),
                &suite.manifest.generators,
            )
            .expect("generators parse"),
            body_budget: konform_runner::exchange::BodyBudget::new(
                konform_runner::exchange::BodyBudget::DEFAULT_BYTES,
                defaults.body_limit_bytes,
            ),
            // Each trial is one case; the loopback rule with room for every test thread.
            politeness: Arc::new(konform_runner::Politeness::unlimited(64)),
        });
        for case in suite.cases.clone() {
            let (ctx, runtime) = (ctx.clone(), runtime.clone());
            let name = format!("{}::{}", suite.id(), case.id);
            let class = case.class.clone();
            trials.push(
                Trial::test(name, move || {
                    let result = runtime.block_on(konform_runner::case::run_case(&case, &ctx));
                    match result.verdict {
                        Verdict::Pass => Ok(()),
                        other => Err(Failed::from(format!(
                            "{other}: {}",
                            result.reason.unwrap_or_default()
                        ))),
                    }
                })
                .with_kind(class),
            );
        }
        servers.push(connected);
    }
    let conclusion = libtest_mimic::run(&args, trials);
    drop(servers);
    conclusion.exit();
}
