// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! What a careful forger does after editing case verdicts: judge the
//! requirements, classes, summary and overall verdict again with konform's
//! own rule, so that only re-judging the evidence can tell.

use konform_model::report::Report;
use konform_model::suite::SuiteManifest;

pub fn judge_again(report: &mut Report, manifest: &SuiteManifest) {
    let judged = konform_report::judge(
        manifest,
        &report.cases,
        &report.target.claimed_classes,
        &report.run.class_filter,
        report.run.complete,
    );
    report.requirements = judged.requirements;
    report.classes = judged.classes;
    report.summary = judged.summary;
    report.verdict = judged.verdict;
}
