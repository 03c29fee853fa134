//! Lint of requests against the interface's OpenAPI document: every step's
//! method and path must be an operation of the contract, and every status
//! it expects must be a documented response of that operation (or be
//! covered by a `4XX`/`default` response). A step that leaves the contract
//! on purpose (an unknown path, a method the path lacks) says why in its
//! `undocumented`. Findings are warnings, so that released suites written
//! before this check still load; `konform suite lint --deny-warnings`
//! makes them errors, and CI runs it on the newest suites.

use konform_model::suite::{CaseFile, Step};
use serde_json::Value;

use crate::coverage::{expected_codes, matches_operation};
use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::lint::Parsed;
use crate::probe::{Operation, operations};

/// Checks every written step of `files` against `openapi`.
pub fn lint_against_contract(files: &[Parsed<CaseFile>], openapi: &Value, out: &mut Diagnostics) {
    let ops: Vec<Operation<'_>> = operations(openapi).collect();
    for file in files {
        for (i, case) in file.value.cases.iter().enumerate() {
            for (list, steps) in [("steps", &case.steps), ("finally", &case.finally)] {
                for (j, step) in steps.iter().enumerate() {
                    check_step(file, step, &format!("/cases/{i}/{list}/{j}"), &ops, out);
                }
            }
        }
        for (i, probe) in file.value.probes.iter().enumerate() {
            let at = format!("/probes/{i}");
            for (list, steps) in [("setup", &probe.setup), ("finally", &probe.finally)] {
                for (j, step) in steps.iter().enumerate() {
                    check_step(file, step, &format!("{at}/{list}/{j}"), &ops, out);
                }
            }
            check_step(file, &probe.step, &format!("{at}/step"), &ops, out);
        }
    }
}

fn check_step(
    file: &Parsed<CaseFile>,
    step: &Step,
    at: &str,
    ops: &[Operation<'_>],
    out: &mut Diagnostics,
) {
    let path = &step.request.path;
    if step.undocumented.is_some()
        || path.starts_with("{{")
        || path.matches("{{").count() != path.matches("}}").count()
    {
        // Said why, a path taken whole from a capture (a Location), or a
        // broken template (reported by the template lint): nothing to match.
        return;
    }
    let help = "if the step leaves the contract on purpose, say why in the step's `undocumented`";
    let Some(op) = ops
        .iter()
        .find(|op| matches_operation(step, &op.method, &op.path))
    else {
        let same_path: Vec<&str> = ops
            .iter()
            .filter(|op| {
                matches_operation(
                    &Step {
                        request: konform_model::suite::Request {
                            method: op.method.clone(),
                            ..step.request.clone()
                        },
                        ..step.clone()
                    },
                    &op.method,
                    &op.path,
                )
            })
            .map(|op| op.method.as_str())
            .collect();
        let message = if same_path.is_empty() {
            format!(
                "`{} {}` is no operation of the interface: the OpenAPI has no such path",
                step.request.method, step.request.path
            )
        } else {
            format!(
                "`{} {}`: the OpenAPI documents only {} for this path",
                step.request.method,
                step.request.path,
                same_path.join(", ")
            )
        };
        out.push(
            file.at(
                Diagnostic::warning(codes::UNDOCUMENTED_OPERATION, message)
                    .with_label("not in the contract")
                    .with_help(help),
                &format!("{at}/request/path"),
            ),
        );
        return;
    };
    let documented: Vec<&str> = op
        .node
        .get("responses")
        .and_then(Value::as_object)
        .map(|r| r.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for code in expected_codes(step) {
        let code = code.to_string();
        let range = format!("{}XX", &code[..1]);
        let covered = documented
            .iter()
            .any(|d| *d == code || d.eq_ignore_ascii_case(&range) || *d == "default");
        if !covered {
            let id = op
                .node
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or(op.path.as_str());
            out.push(file.at(
                Diagnostic::warning(
                    codes::UNDOCUMENTED_STATUS,
                    format!(
                        "status {code} is not a documented response of `{} {}` ({id}; documented: {})",
                        op.method,
                        op.path,
                        documented.join(", ")
                    ),
                )
                .with_label("not documented")
                .with_help(help),
                &format!("{at}/expect/status"),
            ));
        }
    }
}
