// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! Runs the `run:` steps of a GitHub Actions composite action (or of a
//! workflow job) on this machine the way the runner does: each step's script
//! in a file run with `bash --noprofile --norc -eo pipefail FILE` (what
//! `shell: bash` means) in `$GITHUB_WORKSPACE`, its `env:` with every
//! `${{ … }}` expression resolved, and per step its own `$GITHUB_OUTPUT`,
//! `$GITHUB_STEP_SUMMARY`, `$GITHUB_ENV` and `$GITHUB_PATH` files, whose
//! outputs later steps read as `steps.ID.outputs.NAME`.
//!
//! Only plain context lookups are resolved (`inputs.suite`,
//! `steps.run.outputs.report`, `github.action_path`, `runner.temp`, …, from
//! the context the test gives); any other expression fails the test, so a
//! step that grows logic the test cannot follow is noticed. `uses:` steps
//! (artifact upload and download) are GitHub's own and are not run here:
//! the caller checks or stands in for what they would do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root (two folders above the CLI crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// One YAML document as JSON, parsed by konform's own YAML reader (YAML 1.2
/// core schema: `on:` stays a string key).
pub fn yaml(name: &str, text: &str) -> Value {
    let source = konform_suite::diagnostics::Source::new(name, text);
    match konform_suite::yaml::parse_yaml(&source) {
        Ok((value, _)) => value,
        Err(diags) => panic!("{name} is not valid YAML: {diags:?}"),
    }
}

/// Every document of a multi-document YAML file (separated by `---` lines).
pub fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("read YAML file");
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim_end() == "---" {
            docs.push(std::mem::take(&mut current));
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    docs.push(current);
    docs.iter()
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
        })
        .map(|d| yaml(&path.display().to_string(), d))
        .collect()
}

/// `text` with every `${{ NAME }}` replaced by `context[NAME]`.
pub fn expand(text: &str, context: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .unwrap_or_else(|| panic!("unclosed expression in {text:?}"))
            + start;
        let name = rest[start + 3..end].trim();
        match context.get(name) {
            Some(value) => out.push_str(value),
            // GitHub gives an output a step did not set (or a step that did
            // not run) as the empty string.
            None if name.starts_with("steps.") && name.contains(".outputs.") => {}
            None => panic!("the test cannot resolve the expression `{name}` (in {text:?})"),
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The environment every step sees: the runner's variables and the files
/// that hold what steps write.
pub struct Runner {
    pub workspace: PathBuf,
    pub temp: PathBuf,
    /// Added to every step's environment (a caller's `env:`, credentials).
    pub env: BTreeMap<String, String>,
    steps_run: usize,
}

/// What one `run:` step did.
#[derive(Debug)]
pub struct StepResult {
    pub id: Option<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub outputs: BTreeMap<String, String>,
    pub summary: String,
}

impl Runner {
    /// A runner with `workspace` and `temp` (both created).
    pub fn new(workspace: &Path, temp: &Path) -> Runner {
        std::fs::create_dir_all(workspace).expect("workspace");
        std::fs::create_dir_all(temp).expect("runner temp");
        Runner {
            workspace: workspace.to_path_buf(),
            temp: temp.to_path_buf(),
            env: BTreeMap::new(),
            steps_run: 0,
        }
    }

    /// Runs one `run:` step (`shell: bash`) with `context` for its
    /// expressions and `extra` variables (e.g. `GITHUB_ACTION_PATH`).
    pub fn run_step(
        &mut self,
        step: &Value,
        context: &BTreeMap<String, String>,
        extra: &[(&str, String)],
    ) -> StepResult {
        let script = step["run"].as_str().expect("a run: step");
        if let Some(shell) = step.get("shell") {
            assert_eq!(shell, "bash", "only `shell: bash` is run here");
        }
        self.steps_run += 1;
        let dir = self.temp.join(format!("_step{}", self.steps_run));
        std::fs::create_dir_all(&dir).expect("step folder");
        let file = |name: &str| {
            let path = dir.join(name);
            std::fs::write(&path, "").expect("step file");
            path
        };
        let (output, summary, env_file, path_file) =
            (file("output"), file("summary"), file("env"), file("path"));
        let script_file = dir.join("script.sh");
        std::fs::write(&script_file, expand(script, context)).expect("script");

        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(&self.workspace)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("RUNNER_TEMP", &self.temp)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_ENV", &env_file)
            .env("GITHUB_PATH", &path_file)
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            command.env(k, v);
        }
        for (k, v) in extra {
            command.env(k, v);
        }
        if let Some(env) = step.get("env").and_then(Value::as_object) {
            for (k, v) in env {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                command.env(k, expand(&v, context));
            }
        }
        let out = command.output().expect("run bash");
        StepResult {
            id: step.get("id").and_then(Value::as_str).map(str::to_string),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs: parse_outputs(&std::fs::read_to_string(&output).expect("outputs")),
            summary: std::fs::read_to_string(&summary).expect("summary"),
        }
    }
}

/// Reads a `$GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIMITER`
/// blocks.
pub fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            outputs.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_string(), value.to_string());
        } else if !line.is_empty() {
            panic!("a line of $GITHUB_OUTPUT that GitHub would refuse: {line:?}");
        }
    }
    outputs
}

/// What running a composite action did.
#[derive(Debug)]
pub struct ActionResult {
    /// The `run:` steps that ran, in order.
    pub steps: Vec<StepResult>,
    /// The `uses:` steps that GitHub would run and this test does not.
    pub skipped_uses: Vec<String>,
    /// The action's outputs.
    pub outputs: BTreeMap<String, String>,
    /// Exit code of the last step that ran (the one that failed, if any).
    pub code: i32,
}

impl ActionResult {
    pub fn step(&self, id: &str) -> &StepResult {
        self.steps
            .iter()
            .find(|s| s.id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("step {id} did not run"))
    }

    /// Everything the steps printed to stdout, where GitHub reads workflow commands.
    pub fn stdout(&self) -> String {
        self.steps.iter().map(|s| s.stdout.as_str()).collect()
    }

    /// The job summary: every step's summary file, in order.
    pub fn summary(&self) -> String {
        self.steps.iter().map(|s| s.summary.as_str()).collect()
    }
}

/// Runs the composite action in `action_dir` with `inputs` (the `with:` of
/// the calling step). Its `run:` steps run in order until one fails, as in
/// GitHub (a later `run:` step with an `if:` would be run regardless there,
/// so the action may have none); `uses:` steps are listed, not run.
pub fn run_composite(
    runner: &mut Runner,
    action_dir: &Path,
    inputs: &[(&str, &str)],
) -> ActionResult {
    let text = std::fs::read_to_string(action_dir.join("action.yml")).expect("action.yml");
    let action = yaml("action.yml", &text);
    assert_eq!(action["runs"]["using"], "composite");
    let declared = action["inputs"].as_object().expect("inputs");
    let mut context = BTreeMap::new();
    for (name, _) in inputs {
        assert!(declared.contains_key(*name), "input {name} is not declared");
    }
    for (name, spec) in declared {
        let given = inputs.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        let value = match given {
            Some(v) => v.to_string(),
            None => {
                assert!(spec["required"] != true, "required input {name} not given");
                spec["default"].as_str().unwrap_or_default().to_string()
            }
        };
        context.insert(format!("inputs.{name}"), value);
    }
    let action_path = action_dir.display().to_string();
    context.insert("github.action_path".into(), action_path.clone());
    context.insert(
        "github.workspace".into(),
        runner.workspace.display().to_string(),
    );
    context.insert("runner.temp".into(), runner.temp.display().to_string());

    let mut steps = Vec::new();
    let mut skipped_uses = Vec::new();
    let mut code = 0;
    for step in action["runs"]["steps"].as_array().expect("steps") {
        if let Some(uses) = step.get("uses").and_then(Value::as_str) {
            skipped_uses.push(uses.to_string());
            continue;
        }
        assert!(
            step.get("if").is_none(),
            "a run: step with `if:` needs the test to evaluate it"
        );
        if code != 0 {
            continue;
        }
        let result = runner.run_step(
            step,
            &context,
            &[("GITHUB_ACTION_PATH", action_path.clone())],
        );
        if let Some(id) = &result.id {
            for (k, v) in &result.outputs {
                context.insert(format!("steps.{id}.outputs.{k}"), v.clone());
            }
        }
        code = result.code;
        steps.push(result);
    }
    let mut outputs = BTreeMap::new();
    for (name, spec) in action["outputs"].as_object().into_iter().flatten() {
        let value = spec["value"].as_str().expect("output value");
        outputs.insert(name.clone(), expand(value, &context));
    }
    ActionResult {
        steps,
        skipped_uses,
        outputs,
        code,
    }
}

/// `PATH` with the folder of the `konform` under test first, as a CI job
/// that installed it would have it.
pub fn path_with_konform() -> String {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_konform"))
        .parent()
        .expect("binary folder");
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}
