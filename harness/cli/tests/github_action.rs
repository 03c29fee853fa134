//! The GitHub Actions composite action (`.github/actions/konform`), run on
//! this machine as the runner runs it: its `run:` steps from `action.yml`,
//! with `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_WORKSPACE`,
//! `RUNNER_TEMP` and `GITHUB_ACTION_PATH` pointing at temporary files and
//! folders, the real `konform` binary, and a real `konform reference serve`
//! on loopback as the target — once correct, once with a fault switched on.
//!
//! The artifact upload is a `uses:` step (`actions/upload-artifact`) that
//! only GitHub runs; these tests cover the scripts and check the out folder
//! that step uploads. The example workflows under `.github/examples/` are
//! checked against the action's declared inputs, and the certification
//! example is run job by job: each matrix shard through the action, then the
//! merge job's `run:` steps (merge, summary, sign, verify offline, verdict)
//! with stand-ins for what only GitHub does (checkout, artifact upload and
//! download copy folders; `cargo install` is replaced by the built binary
//! on `PATH`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::served::{serve, write_target};
use support::workflow::{ActionResult, Runner, StepResult, repo_root, run_composite, yaml};

/// Faults of the Meldewesen reference: one breaks two MUST requirements
/// (MW-QS-003, MW-QS-004), one a SHOULD (MW-QS-006).
const FAULTS: [&str; 2] = ["no-www-authenticate", "no-insufficient-scope-error"];
const SUITE: &str = "meldewesen@1.1.0";

fn action_dir() -> PathBuf {
    repo_root().join(".github/actions/konform")
}

fn konform(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run konform")
}

/// A runner whose workspace holds a target file for `base_url`, with the
/// credentials the target file names in the environment (as a workflow's
/// `env:` from its secrets would put them there).
fn runner_for(dir: &Path, base_url: &str) -> Runner {
    let mut runner = Runner::new(&dir.join("workspace"), &dir.join("runner-temp"));
    write_target(&runner.workspace, base_url);
    runner.env.insert(
        "KEPT_STATE_TOKEN".into(),
        konform_reference::FULL_TOKEN.into(),
    );
    runner.env.insert(
        "KEPT_STATE_LIMITED".into(),
        konform_reference::LIMITED_TOKEN.into(),
    );
    runner
}

fn run_action(runner: &mut Runner, extra: &[(&str, &str)]) -> ActionResult {
    let mut inputs = vec![
        ("suite", SUITE),
        // Relative to the workspace, as a workflow names its files.
        ("target", "target.yaml"),
        ("out", "konform-reports"),
        ("konform", env!("CARGO_BIN_EXE_konform")),
    ];
    inputs.extend_from_slice(extra);
    run_composite(runner, &action_dir(), &inputs)
}

/// The workflow commands of one kind (`error`, `warning`, `notice`) in the
/// log, as (requirement id from the title, whole line).
fn annotations(stdout: &str, kind: &str) -> Vec<(String, String)> {
    let prefix = format!("::{kind} title=");
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix).map(|rest| (rest, l)))
        .map(|(rest, line)| {
            let id = rest.split(' ').next().unwrap_or_default().to_string();
            (id, line.to_string())
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read report")).expect("JSON")
}

/// Ids of the report's requirements with `verdict` at `level`.
fn requirements(report: &Value, verdict: &str, level: &str) -> BTreeSet<String> {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["verdict"] == verdict && r["level"] == level)
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

/// Every report format is in the out folder the upload step would upload.
fn assert_reports_written(workspace: &Path) -> Value {
    let out = workspace.join("konform-reports");
    for ending in [".json", ".md", ".junit.xml", ".html"] {
        let path = out.join(format!("{SUITE}{ending}"));
        assert!(
            path.is_file() && std::fs::metadata(&path).expect("meta").len() > 0,
            "{} was not written",
            path.display()
        );
    }
    read_json(&out.join(format!("{SUITE}.json")))
}

#[test]
fn a_conformant_target_passes_with_summary_and_reports_and_no_annotation() {
    let served = serve("meldewesen@1.0", &[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = runner_for(dir.path(), &served.base_url);
    let result = run_action(&mut runner, &[]);
    let log = result.stdout();
    assert_eq!(
        result.code,
        0,
        "stdout:\n{log}\nstderr:\n{}",
        result
            .steps
            .iter()
            .map(|s| s.stderr.as_str())
            .collect::<String>()
    );
    assert_eq!(
        result.step("install").outputs["konform"],
        env!("CARGO_BIN_EXE_konform")
    );
    assert_eq!(result.outputs["exit-code"], "0");
    assert_eq!(result.outputs["verdict"], "conformant");
    assert_eq!(
        result.outputs["report"],
        format!("konform-reports/{SUITE}.json")
    );
    // GitHub's upload step is the one thing not run here.
    assert_eq!(result.skipped_uses, ["actions/upload-artifact@v4"]);

    let report = assert_reports_written(&runner.workspace);
    assert_eq!(report["verdict"], "conformant");
    let md = std::fs::read_to_string(runner.workspace.join(format!("konform-reports/{SUITE}.md")))
        .expect("md");
    assert_eq!(result.step("run").summary, format!("{md}\n"));
    assert!(
        md.starts_with(&format!(
            "## ✅ {}: Conformant",
            SUITE.replace('@', "&#64;")
        )),
        "{md}"
    );
    for kind in ["error", "warning", "notice"] {
        assert_eq!(
            annotations(&log, kind),
            [],
            "no {kind} for a conformant run:\n{log}"
        );
    }
}

/// The requirements `faults` break, as `konform reference faults` lists them.
fn broken_by(faults: &[&str]) -> BTreeSet<String> {
    let out = konform(&["reference", "faults", "meldewesen@1.0"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut broken = BTreeSet::new();
    for fault in faults {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(*fault))
            .unwrap_or_else(|| panic!("fault {fault} not listed:\n{text}"));
        broken.extend(
            line.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| w.starts_with("MW-"))
                .map(str::to_string),
        );
    }
    broken
}

#[test]
fn a_faulty_target_fails_with_one_error_per_failed_must() {
    let served = serve("meldewesen@1.0", &FAULTS);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = runner_for(dir.path(), &served.base_url);
    let result = run_action(&mut runner, &[]);
    let log = result.stdout();
    assert_eq!(result.code, 1, "{log}");
    assert_eq!(result.outputs["exit-code"], "1");
    assert_eq!(result.outputs["verdict"], "not_conformant");

    let report = assert_reports_written(&runner.workspace);
    assert_eq!(report["verdict"], "not_conformant");
    let failed_must = requirements(&report, "fail", "MUST");
    assert!(!failed_must.is_empty());
    // The suite blames exactly what the fault breaks (`suite mutants --exact`).
    let must: BTreeSet<String> = ["pass", "fail", "error", "skip", "untested", "withdrawn"]
        .iter()
        .flat_map(|v| requirements(&report, v, "MUST"))
        .collect();
    let expected: BTreeSet<String> = broken_by(&FAULTS).intersection(&must).cloned().collect();
    assert_eq!(failed_must, expected);

    // One ::error per failed MUST, naming it; nothing else is an error.
    let errors = annotations(&log, "error");
    let error_ids: Vec<String> = errors.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        error_ids.iter().cloned().collect::<BTreeSet<_>>(),
        failed_must,
        "{log}"
    );
    assert_eq!(error_ids.len(), failed_must.len(), "one error each:\n{log}");
    for (id, line) in &errors {
        assert!(
            line.starts_with(&format!(
                "::error title={id} (MUST) failed%3A {SUITE}::{id} (MUST): "
            )),
            "{line}"
        );
        // The failed check is quoted: its case, with GitHub's line break escape.
        assert!(line.contains("%0Acase "), "{line}");
    }
    // A failed SHOULD is a warning, never an error.
    let warned: BTreeSet<String> = annotations(&log, "warning")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(warned, requirements(&report, "fail", "SHOULD"));
    assert_eq!(warned, BTreeSet::from(["MW-QS-006".to_string()]), "{log}");
    assert_eq!(
        failed_must,
        BTreeSet::from(["MW-QS-003", "MW-QS-004"].map(String::from))
    );

    // The summary is the Markdown rendering, and names the verdict.
    let md = std::fs::read_to_string(runner.workspace.join(format!("konform-reports/{SUITE}.md")))
        .expect("md");
    let summary = &result.step("run").summary;
    assert_eq!(summary, &format!("{md}\n"));
    assert!(
        summary.starts_with(&format!(
            "## ❌ {}: Not conformant",
            SUITE.replace('@', "&#64;")
        )),
        "{summary}"
    );
    for id in &failed_must {
        assert!(
            summary.contains(id.as_str()),
            "{id} is not in the summary:\n{summary}"
        );
    }
}

#[test]
fn annotations_stay_one_line_each_whatever_a_report_says() {
    let served = serve("meldewesen@1.0", &FAULTS);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = runner_for(dir.path(), &served.base_url);
    let result = run_action(&mut runner, &[("upload", "false")]);
    assert_eq!(result.code, 1);
    let path = runner
        .workspace
        .join("konform-reports")
        .join(format!("{SUITE}.json"));
    let mut report = read_json(&path);
    let before = annotations(&result.stdout(), "error").len();

    // Text a target (or whoever edits a report file) controls, trying to
    // start commands of its own and to smuggle GitHub's escapes.
    let hostile = "x\r\n::error title=forged::pwned %0A::warning::y\n::stop-commands::z\u{202e}";
    for r in report["requirements"].as_array_mut().expect("requirements") {
        if r["verdict"] == "fail" {
            r["text"] = hostile.into();
            r["id"] = format!("{}{hostile}", r["id"].as_str().expect("id")).into();
            for f in r["failures"].as_array_mut().expect("failures") {
                f["message"] = hostile.into();
                f["received"] = hostile.into();
                f["case"] = hostile.into();
            }
        }
    }
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_vec(&report).expect("JSON")).expect("write");
    let out = konform(&["report", "annotations", edited.to_str().expect("utf-8")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.is_empty());
    for line in text.lines() {
        assert!(
            ["::error title=", "::warning title=", "::notice title="]
                .iter()
                .any(|p| line.starts_with(p)),
            "a line that is not konform's own command: {line:?}"
        );
        assert!(
            !line.contains('\r') && !line.contains('\u{202e}'),
            "{line:?}"
        );
        // The title ends at the first `::`: every `:` and `,` in it is escaped.
        let rest = line.split_once(" title=").expect("title").1;
        let (title, message) = rest.split_once("::").expect("message");
        assert!(title.contains("forged%3A%3Apwned"), "{title}");
        assert!(!title.contains(':') && !title.contains(','), "{title}");
        // No line break GitHub decodes (`%0A`, `%0D`) comes before a `::` or from the text.
        assert!(
            !message.contains("%0A::") && !message.contains("%0D"),
            "{message}"
        );
    }
    assert_eq!(annotations(&text, "error").len(), before);
    // GitHub's own escapes in the text stay literal: `%` is written `%25`.
    assert!(text.contains("pwned %250A"), "{text}");
    assert!(!text.contains("pwned %0A"), "{text}");
}

#[test]
fn a_usage_error_is_exit_2_with_an_error_and_no_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    // No target needed: the suite is refused before anything is contacted.
    let mut runner = runner_for(dir.path(), "http://127.0.0.1:9");
    let result = run_composite(
        &mut runner,
        &action_dir(),
        &[
            ("suite", "no-such-suite@9.9.9"),
            ("konform", env!("CARGO_BIN_EXE_konform")),
        ],
    );
    assert_eq!(result.code, 2);
    assert_eq!(result.outputs["exit-code"], "2");
    assert_eq!(result.outputs["verdict"], "error");
    assert_eq!(result.outputs["report"], "");
    let log = result.stdout();
    assert!(
        log.lines().any(|l| l == "::error title=konform::konform run exited with 2 without writing a report (see the log above)"),
        "{log}"
    );
    assert_eq!(result.summary(), "");
}

#[test]
fn a_shard_succeeds_once_its_report_is_written() {
    let served = serve("meldewesen@1.0", &[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = runner_for(dir.path(), &served.base_url);
    let result = run_action(
        &mut runner,
        &[("shard", "2/4"), ("args", "--class querschnitt --jobs 2")],
    );
    let log = result.stdout();
    // konform says incomplete (the other shards' MUSTs are unverified here);
    // the step succeeds, the merge decides.
    assert_eq!(result.outputs["exit-code"], "3", "{log}");
    assert_eq!(result.code, 0, "{log}");
    let report = read_json(
        &runner
            .workspace
            .join(format!("konform-reports/{SUITE}.json")),
    );
    assert_eq!(report["run"]["shard"], "2/4");
    assert_eq!(
        report["run"]["class_filter"],
        serde_json::json!(["querschnitt"])
    );
    assert_eq!(annotations(&log, "error"), []);
    assert_eq!(annotations(&log, "warning"), []);
    let notices = annotations(&log, "notice");
    assert_eq!(notices.len(), 1, "{log}");
    assert!(
        notices[0]
            .1
            .starts_with(&format!("::notice title={SUITE} shard 2/4::")),
        "{log}"
    );
}

/// Every `uses: …/actions/konform@…` step of the example workflows passes
/// only inputs the action declares, and every input it requires.
#[test]
fn the_example_workflows_use_the_action_as_declared() {
    let action = yaml(
        "action.yml",
        &std::fs::read_to_string(action_dir().join("action.yml")).expect("action.yml"),
    );
    let declared: BTreeMap<String, bool> = action["inputs"]
        .as_object()
        .expect("inputs")
        .iter()
        .map(|(k, v)| (k.clone(), v["required"] == true))
        .collect();
    let examples = repo_root().join(".github/examples");
    let mut uses = 0;
    for name in ["vendor.yml", "certification.yml"] {
        let text = std::fs::read_to_string(examples.join(name)).expect("example");
        let workflow = yaml(name, &text);
        for (job_name, job) in workflow["jobs"].as_object().expect("jobs") {
            for step in job["steps"].as_array().expect("steps") {
                let Some(action_ref) = step.get("uses").and_then(Value::as_str) else {
                    continue;
                };
                if !action_ref.contains("/.github/actions/konform") {
                    continue;
                }
                uses += 1;
                let with = step["with"].as_object().expect("with");
                for key in with.keys() {
                    assert!(
                        declared.contains_key(key),
                        "{name} {job_name}: unknown input {key}"
                    );
                }
                for (key, required) in &declared {
                    assert!(
                        !required || with.contains_key(key),
                        "{name} {job_name}: {key} missing"
                    );
                }
            }
        }
    }
    assert_eq!(uses, 2, "each example uses the action once");

    // The certification matrix names every shard 1..=N once.
    let cert = yaml(
        "certification.yml",
        &std::fs::read_to_string(examples.join("certification.yml")).expect("example"),
    );
    let matrix = &cert["jobs"]["shard"]["strategy"]["matrix"];
    let n = matrix["shards"][0].as_u64().expect("shards");
    let shards: Vec<u64> = matrix["shard"]
        .as_array()
        .expect("shard list")
        .iter()
        .map(|v| v.as_u64().expect("number"))
        .collect();
    assert_eq!(shards, (1..=n).collect::<Vec<_>>());
}

/// Copies the files of folder `from` into `to` (what a checkout or an
/// artifact download leaves in the workspace).
fn copy_into(from: &Path, to: &Path) {
    support::fixture_copy::copy_dir(from, to);
}

/// The certification example, job by job: every matrix shard runs the
/// action (with the `konform` input pointed at the built binary instead of
/// building it), its out folder stands in for the uploaded artifact; the
/// merge job's `run:` steps then run in order after the artifacts are laid
/// out as `actions/download-artifact` lays them out. Returns the merge
/// job's steps (name or id → result) and the merged report.
fn certification_run(dir: &Path, base_url: &str) -> (BTreeMap<String, StepResult>, Value) {
    let examples = repo_root().join(".github/examples");
    let workflow = yaml(
        "certification.yml",
        &std::fs::read_to_string(examples.join("certification.yml")).expect("example"),
    );
    let keys = dir.join("keys");
    let keygen = konform(&[
        "keygen",
        "--name",
        "pruefstelle",
        "--out",
        keys.to_str().expect("utf-8"),
    ]);
    assert_eq!(keygen.status.code(), Some(0));

    // The certification body's repository: the target file and its published keys.
    let certification = dir.join("certification-repo");
    let mut context = BTreeMap::new();
    for (name, spec) in workflow["on"]["workflow_dispatch"]["inputs"]
        .as_object()
        .expect("inputs")
    {
        let default = spec["default"].as_str().expect("default");
        context.insert(format!("inputs.{name}"), default.to_string());
    }
    let target = certification.join(&context["inputs.target"]);
    std::fs::create_dir_all(target.parent().expect("folder")).expect("mkdir");
    std::fs::write(
        &target,
        format!(
            "identity: {{ operator: Testland, vendor: Beispiel-Software GmbH, product: MeldeBox, version: \"4.2.0\" }}\n\
             base_url: {base_url}\n\
             auth: {{ kind: bearer, token_env: TARGET_TOKEN }}\n\
             auth_profiles:\n  limited: {{ kind: bearer, token_env: TARGET_LIMITED_TOKEN }}\n"
        ),
    )
    .expect("target file");
    std::fs::create_dir_all(certification.join("published-keys")).expect("mkdir");
    std::fs::copy(
        keys.join("pruefstelle.pub.pem"),
        certification.join("published-keys/pruefstelle.pub.pem"),
    )
    .expect("publish key");

    let secrets = [
        (
            "KONFORM_SIGNING_KEY",
            std::fs::read_to_string(keys.join("pruefstelle.key.pem")).expect("key"),
        ),
        ("KONFORM_REDACTION_KEY", "5a".repeat(32)),
        ("TARGET_TOKEN", konform_reference::FULL_TOKEN.to_string()),
        (
            "TARGET_LIMITED_TOKEN",
            konform_reference::LIMITED_TOKEN.to_string(),
        ),
    ];
    for (name, value) in &secrets {
        context.insert(format!("secrets.{name}"), value.clone());
    }
    let mut workflow_env = BTreeMap::new();
    for (name, value) in workflow["env"].as_object().into_iter().flatten() {
        let value = support::workflow::expand(value.as_str().expect("string"), &context);
        context.insert(format!("env.{name}"), value.clone());
        workflow_env.insert(name.clone(), value);
    }
    let path = support::workflow::path_with_konform();

    // The shard jobs.
    let artifacts = dir.join("artifacts");
    let shard_job = &workflow["jobs"]["shard"];
    let matrix = &shard_job["strategy"]["matrix"];
    let shards = matrix["shards"][0].as_u64().expect("shards").to_string();
    for shard in matrix["shard"].as_array().expect("shard") {
        let shard = shard.as_u64().expect("number").to_string();
        let mut ctx = context.clone();
        ctx.insert("matrix.shard".into(), shard.clone());
        ctx.insert("matrix.shards".into(), shards.clone());
        let job_dir = dir.join(format!("shard-job-{shard}"));
        let mut runner = Runner::new(&job_dir.join("workspace"), &job_dir.join("temp"));
        ctx.insert("runner.temp".into(), runner.temp.display().to_string());
        runner.env.extend(workflow_env.clone());
        runner.env.insert("PATH".into(), path.clone());
        for step in shard_job["steps"].as_array().expect("steps") {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or_default();
            if uses.starts_with("actions/checkout@") {
                copy_into(&certification, &runner.workspace);
            } else if uses.contains("/.github/actions/konform") {
                let step_env: Vec<(String, String)> = step["env"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            support::workflow::expand(v.as_str().expect("string"), &ctx),
                        )
                    })
                    .collect();
                let with: Vec<(String, String)> = step["with"]
                    .as_object()
                    .expect("with")
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            support::workflow::expand(v.as_str().expect("string"), &ctx),
                        )
                    })
                    .collect();
                let mut inputs: Vec<(&str, &str)> =
                    with.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                // Instead of `cargo install` from the action's repository.
                inputs.push(("konform", env!("CARGO_BIN_EXE_konform")));
                let saved = runner.env.clone();
                runner.env.extend(step_env);
                let result = run_composite(&mut runner, &action_dir(), &inputs);
                runner.env = saved;
                assert_eq!(result.code, 0, "shard {shard}:\n{}", result.stdout());
                // A shard alone is incomplete (3) or not conformant (1); the step still succeeds.
                assert!(
                    ["1", "3"].contains(&result.outputs["exit-code"].as_str()),
                    "shard {shard}: {:?}",
                    result.outputs
                );
                assert_eq!(result.skipped_uses, ["actions/upload-artifact@v4"]);
                // What the upload step would upload, under its artifact name.
                let name = &with
                    .iter()
                    .find(|(k, _)| k == "artifact-name")
                    .expect("name")
                    .1;
                let out = &with.iter().find(|(k, _)| k == "out").expect("out").1;
                copy_into(&runner.workspace.join(out), &artifacts.join(name));
            } else {
                assert!(uses.is_empty(), "a step the test does not know: {uses}");
                let result = runner.run_step(step, &ctx, &[]);
                assert_eq!(result.code, 0, "shard {shard}: {}", result.stderr);
            }
        }
    }

    // The merge job.
    let merge_job = &workflow["jobs"]["merge"];
    let job_dir = dir.join("merge-job");
    let mut runner = Runner::new(&job_dir.join("workspace"), &job_dir.join("temp"));
    let mut ctx = context.clone();
    ctx.insert("runner.temp".into(), runner.temp.display().to_string());
    runner.env.extend(workflow_env);
    runner.env.insert("PATH".into(), path);
    let mut results = BTreeMap::new();
    let mut failed = false;
    for step in merge_job["steps"].as_array().expect("steps") {
        let uses = step.get("uses").and_then(Value::as_str).unwrap_or_default();
        let folder = step["with"]["path"].as_str().unwrap_or_default();
        if uses.starts_with("actions/checkout@") {
            // The certification repository; konform itself is on PATH already.
            if step["with"].get("repository").is_none() {
                copy_into(&certification, &runner.workspace.join(folder));
            }
        } else if uses.starts_with("actions/download-artifact@") {
            assert_eq!(step["with"]["pattern"], "shard-*");
            copy_into(&artifacts, &runner.workspace.join(folder));
        } else if uses.starts_with("actions/upload-artifact@") {
            assert_eq!(step["if"], "always()");
            assert!(runner.workspace.join(folder).is_dir());
        } else if !uses.is_empty() {
            panic!("a step the test does not know: {uses}");
        } else if step["run"].as_str().expect("run").contains("cargo install") {
            // Stands in for building konform: the built binary is on PATH.
        } else if !failed {
            let result = runner.run_step(step, &ctx, &[]);
            failed = result.code != 0;
            let id = result.id.clone();
            for (k, v) in &result.outputs {
                ctx.insert(
                    format!("steps.{}.outputs.{k}", id.as_deref().expect("an id")),
                    v.clone(),
                );
            }
            let key = id
                .or_else(|| step["name"].as_str().map(str::to_string))
                .expect("a name or an id");
            results.insert(key, result);
        }
    }
    let merged = read_json(
        &runner
            .workspace
            .join(format!("merged/{}.json", context["env.SUITE"])),
    );
    (results, merged)
}

#[test]
fn the_certification_example_shards_merges_signs_and_verifies() {
    let served = serve("meldewesen@1.0", &[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (steps, merged) = certification_run(dir.path(), &served.base_url);
    for (name, step) in &steps {
        assert_eq!(step.code, 0, "{name}:\n{}\n{}", step.stdout, step.stderr);
    }
    assert_eq!(steps["merge"].outputs["exit-code"], "0");
    assert_eq!(merged["verdict"], "conformant");
    assert_eq!(merged["signatures"].as_array().expect("signed").len(), 1);
    assert!(merged["seal"].is_object());
    assert!(merged["run"]["redaction_key"].is_string());
    let summary = &steps["summary and annotations"].summary;
    assert!(summary.contains("Conformant"), "{summary}");
    assert_eq!(steps["verdict"].code, 0);
}

#[test]
fn the_certification_example_fails_on_a_faulty_target_but_still_signs() {
    let served = serve("meldewesen@1.0", &["no-www-authenticate"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (steps, merged) = certification_run(dir.path(), &served.base_url);
    // Every step up to the verdict succeeds: a breach is signed and verified too.
    for (name, step) in steps.iter().filter(|(name, _)| *name != "verdict") {
        assert_eq!(step.code, 0, "{name}:\n{}\n{}", step.stdout, step.stderr);
    }
    assert!(
        steps.keys().any(|k| k.starts_with("verify offline")),
        "{:?}",
        steps.keys()
    );
    assert_eq!(steps["merge"].outputs["exit-code"], "1");
    assert_eq!(merged["verdict"], "not_conformant");
    assert_eq!(merged["signatures"].as_array().expect("signed").len(), 1);
    let log = &steps["summary and annotations"].stdout;
    let errors: BTreeSet<String> = annotations(log, "error")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        errors,
        BTreeSet::from(["MW-QS-003", "MW-QS-004"].map(String::from))
    );
    // The verdict step fails the job with the merged verdict.
    assert_eq!(steps["verdict"].code, 1);
}
