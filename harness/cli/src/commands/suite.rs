//! `konform suite lint|digest|coverage`.

use super::CliError;
use crate::cli::SuiteCommand;
use crate::suites::load_one_for_lint;

pub fn run(command: SuiteCommand) -> Result<i32, CliError> {
    match command {
        SuiteCommand::Lint {
            suites,
            deny_warnings,
        } => {
            let mut code = 0;
            for spec in &suites {
                match load_one_for_lint(spec) {
                    Ok(suite) => {
                        if !suite.warnings.is_empty() {
                            eprint!("{}", suite.warnings.render(false));
                        }
                        if deny_warnings && !suite.warnings.is_empty() {
                            let n = suite.warnings.len();
                            eprintln!(
                                "error: {}: {n} warning{} denied (--deny-warnings)",
                                suite.id(),
                                if n == 1 { "" } else { "s" }
                            );
                            code = 2;
                            continue;
                        }
                        println!(
                            "ok: {} ({} cases, {} requirements, {} classes, {} warnings)",
                            suite.id(),
                            suite.cases.len(),
                            suite.manifest.requirements.len(),
                            suite.manifest.classes.len(),
                            suite.warnings.len()
                        );
                    }
                    Err(diagnostics) => {
                        eprint!("{}", diagnostics.render(false));
                        let n = diagnostics.len();
                        eprintln!(
                            "error: {spec}: {n} problem{} found",
                            if n == 1 { "" } else { "s" }
                        );
                        code = 2;
                    }
                }
            }
            Ok(code)
        }
        // Async: dispatched to `commands::mutants` in `lib.rs` before this point.
        SuiteCommand::Mutants(_) => Err(CliError::Input(
            "suite mutants is run by commands::mutants".into(),
        )),
        SuiteCommand::Coverage { suites, json } => {
            let mut code = 0;
            for spec in &suites {
                let suite = crate::suites::load_one(spec)?;
                let cov = konform_suite::coverage::coverage(&suite);
                if json {
                    let text = serde_json::to_string_pretty(&cov)
                        .map_err(|e| CliError::Input(e.to_string()))?;
                    println!("{text}");
                } else {
                    print!("{}", render_coverage(&cov));
                }
                if !cov.gaps().is_empty() {
                    code = 1;
                }
            }
            Ok(code)
        }
        SuiteCommand::New { name, dir } => new_suite(&name, &dir),
        SuiteCommand::Diff { old, new, json } => {
            let old = crate::suites::load_one(&old)?;
            let new = crate::suites::load_one(&new)?;
            let d = konform_suite::diff::diff(&old, &new);
            if json {
                let text = serde_json::to_string_pretty(&d)
                    .map_err(|e| CliError::Input(format!("cannot write the diff as JSON: {e}")))?;
                println!("{text}");
            } else {
                print!("{}", render_diff(&d));
            }
            Ok(if d.step_is_right() { 0 } else { 1 })
        }
        SuiteCommand::Expand { suite } => {
            let suite = crate::suites::load_one(&suite)?;
            let expanded = serde_json::json!({
                "suite": suite.id(),
                "digest": suite.digest,
                "requirements": suite.manifest.requirements,
                "classes": suite.manifest.classes,
                "cases": suite.cases,
            });
            let text = serde_json::to_string_pretty(&expanded)
                .map_err(|e| CliError::Input(format!("cannot write the suite as JSON: {e}")))?;
            println!("{text}");
            Ok(0)
        }
        SuiteCommand::Digest { suites } => {
            for spec in &suites {
                let suite = crate::suites::load_one(spec)?;
                println!("{}  {}", suite.digest, suite.id());
            }
            Ok(0)
        }
    }
}

/// The coverage as a terminal table; gaps last.
fn render_coverage(cov: &konform_suite::coverage::Coverage) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let openapi = cov.openapi.as_deref().unwrap_or("no OpenAPI document");
    let _ = writeln!(out, "{}: coverage of {openapi}", cov.suite);
    let _ = writeln!(
        out,
        "\noperations × documented statuses (cases that expect them)"
    );
    for op in &cov.operations {
        let statuses: Vec<String> = op
            .responses
            .iter()
            .map(|r| match (&r.waived, r.cases.len()) {
                (Some(_), _) => format!("{} waived", r.status),
                (None, 0) => format!("{} MISSING", r.status),
                (None, n) => format!("{} {n}", r.status),
            })
            .collect();
        let probes = if op.has_body {
            if op.probes.is_empty() {
                "  probes: NONE".to_string()
            } else {
                format!("  probes: {}", op.probes.join(", "))
            }
        } else {
            String::new()
        };
        let waived = op
            .waived
            .as_ref()
            .map(|r| format!("  (waived: {r})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<6} {:<44} {}{probes}{waived}",
            op.method,
            op.path,
            statuses.join("  ")
        );
    }
    let _ = writeln!(out, "\nrequest constraints probed");
    for p in &cov.probes {
        let _ = writeln!(
            out,
            "  {:<24} {:<22} {} constraints: {} accepted at the boundary, {} rejected past it, {} excluded",
            p.id,
            p.operation,
            p.constraints,
            p.accepted,
            p.rejected,
            p.excluded.len()
        );
        if !p.conventions.is_empty() {
            let _ = writeln!(out, "      conventions: {}", p.conventions.join(", "));
        }
        for (slug, reason) in &p.excluded {
            let _ = writeln!(out, "      excluded {slug}: {reason}");
        }
        for n in &p.not_derivable {
            let _ = writeln!(out, "      not derivable {n}");
        }
    }
    let _ = writeln!(out, "\nrule ids of x-rules (cases that assert them)");
    for r in &cov.rules {
        let what = match (&r.waived, r.cases.len()) {
            (Some(reason), _) => format!("waived: {reason}"),
            (None, 0) => "MISSING".to_string(),
            (None, n) => n.to_string(),
        };
        let _ = writeln!(out, "  {:<32} {what}", r.rule);
    }
    if !cov.status_only.is_empty() {
        let _ = writeln!(
            out,
            "\nrequirements verified only by status checks: {}",
            cov.status_only.join(", ")
        );
    }
    let gaps = cov.gaps();
    if gaps.is_empty() {
        let _ = writeln!(out, "\nno gaps");
    } else {
        let _ = writeln!(
            out,
            "\n{} gaps (cover them, or waive them with a reason under coverage.not_covered):",
            gaps.len()
        );
        for g in gaps {
            let _ = writeln!(out, "  {g}");
        }
    }
    out
}

/// `konform suite new`: writes the scaffold and lints it.
fn new_suite(name: &str, dir: &std::path::Path) -> Result<i32, CliError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(CliError::Input(format!(
            "`{name}` is not a suite name: lower-case letters, digits and `-`, starting with a letter"
        )));
    }
    let folder = dir.join(name).join("0.1.0");
    if folder.exists() {
        return Err(CliError::Input(format!(
            "{} exists already; a suite version is never overwritten",
            folder.display()
        )));
    }
    for (path, text) in konform_suite::scaffold::scaffold(name) {
        let path = folder.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Input(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
    }
    let suite = konform_suite::load_path(&folder).map_err(|d| {
        CliError::Input(format!(
            "the new suite does not lint clean:\n{}",
            d.render(false)
        ))
    })?;
    println!(
        "created {} ({}: {} cases, {} requirement); next: add the interface's OpenAPI under schemas/ and name it in suite.yaml, then `konform suite lint {}`",
        folder.display(),
        suite.id(),
        suite.cases.len(),
        suite.manifest.requirements.len(),
        folder.display()
    );
    Ok(0)
}

/// The diff for a person: one line per change, the SemVer verdict last.
fn render_diff(d: &konform_suite::diff::SuiteDiff) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} -> {}", d.old, d.new);
    let _ = writeln!(
        out,
        "requirements: {} added, {} removed, {} changed",
        d.added_requirements.len(),
        d.removed_requirements.len(),
        d.changed_requirements.len()
    );
    for (id, level) in &d.added_requirements {
        let _ = writeln!(out, "  + {id} ({})", level.as_str());
    }
    for (id, level) in &d.removed_requirements {
        let _ = writeln!(out, "  - {id} ({})", level.as_str());
    }
    for c in &d.changed_requirements {
        let mut what = Vec::new();
        if c.level.0 != c.level.1 {
            what.push(format!(
                "level {} -> {}",
                c.level.0.as_str(),
                c.level.1.as_str()
            ));
        }
        if c.text_changed {
            what.push("text".to_string());
        }
        if c.class.0 != c.class.1 {
            what.push(format!(
                "class {} -> {}",
                c.class.0.as_deref().unwrap_or("none"),
                c.class.1.as_deref().unwrap_or("none")
            ));
        }
        let _ = writeln!(out, "  ~ {}: {}", c.id, what.join(", "));
    }
    let _ = writeln!(
        out,
        "cases: {} added, {} removed, {} changed",
        d.added_cases.len(),
        d.removed_cases.len(),
        d.changed_cases.len()
    );
    for id in &d.added_cases {
        let _ = writeln!(out, "  + {id}");
    }
    for id in &d.removed_cases {
        let _ = writeln!(out, "  - {id}");
    }
    for id in &d.changed_cases {
        let _ = writeln!(out, "  ~ {id}");
    }
    let verdict = if d.step_is_right() { "right" } else { "WRONG" };
    let _ = writeln!(
        out,
        "semver: the changes need {} step; {} -> {} is {} step: {verdict}",
        d.needs.as_str(),
        d.old,
        d.new,
        d.takes.as_str()
    );
    if !d.review.is_empty() {
        let _ = writeln!(
            out,
            "review: the wording of these MUST requirements changed; if it is stricter, the step must be major: {}",
            d.review.join(", ")
        );
    }
    out
}
