//! `expect.schema` from the contract. When a suite sets
//! `defaults.schema_from_contract`, a step that names no schema is checked
//! against the schema its operation documents for the status it expects: the
//! OpenAPI already says which schema an operation answers with, so the suite
//! need not say it again. Only steps that judge something get the default: a
//! precondition step, a step that leaves the contract on purpose
//! (`undocumented`), a step that expects one of several statuses, and a
//! problem document (its shape is the `problem` check's) are left as written.

use konform_model::suite::{CaseFile, SchemaExpect, StatusCodes, Step};
use serde_json::Value;

use crate::coverage::matches_operation;
use crate::lint::Parsed;
use crate::probe::{Operation, operations};

/// Fills in `expect.schema` of every written step that the contract determines.
pub fn default_schemas(files: &mut [Parsed<CaseFile>], openapi_path: &str, openapi: &Value) {
    let ops: Vec<Operation<'_>> = operations(openapi).collect();
    let dir = openapi_path.rsplit_once('/').map_or("", |(d, _)| d);
    for file in files {
        for case in &mut file.value.cases {
            for step in &mut case.steps {
                if let Some(reference) = documented_schema(step, &ops, openapi, dir) {
                    step.expect.schema = Some(SchemaExpect::Ref(reference));
                }
            }
        }
    }
}

/// The `schemas/`-relative `$ref` of the JSON schema `step`'s operation
/// documents for the one status the step expects, if the step should get it.
fn documented_schema(
    step: &Step,
    ops: &[Operation<'_>],
    openapi: &Value,
    dir: &str,
) -> Option<String> {
    if step.expect.schema.is_some()
        || step.expect.problem.is_some()
        || step.precondition
        || step.undocumented.is_some()
    {
        return None;
    }
    let StatusCodes::One(code) = step.expect.status.as_ref()?.codes() else {
        return None;
    };
    let op = ops
        .iter()
        .find(|op| matches_operation(step, &op.method, &op.path))?;
    let mut response = op.node.get("responses")?.get(code.to_string())?;
    if let Some(local) = response.get("$ref").and_then(Value::as_str) {
        response = openapi.pointer(local.strip_prefix('#')?)?;
    }
    let reference = response
        .pointer("/content/application~1json/schema/$ref")?
        .as_str()?;
    if reference.starts_with('#') {
        // A schema inside the OpenAPI document itself: not a `schemas/` file.
        return None;
    }
    Some(if dir.is_empty() {
        reference.to_string()
    } else {
        format!("{dir}/{reference}")
    })
}
