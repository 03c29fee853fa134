//! The Kubernetes example (`.github/examples/kubernetes/`), run on this
//! machine pod by pod: the Indexed Job's container command for every
//! completion index (`JOB_COMPLETION_INDEX` 0..completions), then the merge
//! Job's command, each with `sh -c` exactly as written in the YAML, the real
//! `konform` on `PATH`, the volume mounts mapped to temporary folders, the
//! ConfigMap's target file pointed at a `konform reference serve` on
//! loopback and the Secret's keys in the environment.
//!
//! It proves that index k runs shard k+1 of N (`--shard` counts from 1),
//! that the shards together run every case of the suite (as `konform list
//! cases` lists them) exactly once, that every pod succeeds, and that the
//! merge Job exits with the verdict of the whole run and refuses a missing
//! shard.

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
use support::served::serve;
use support::workflow::{repo_root, yaml_documents};

const SUITE: &str = "meldewesen@1.1.0";

fn examples() -> PathBuf {
    repo_root().join(".github/examples/kubernetes")
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

/// A container of a pod template, as this test runs it.
struct Pod {
    script: String,
    env: BTreeMap<String, String>,
}

/// The container's `sh -c` script with every mount path replaced by a
/// folder under `root`, and its environment (Secret keys from `secrets`).
fn pod(job: &Value, root: &Path, secrets: &BTreeMap<&str, &str>) -> Pod {
    let containers = job["spec"]["template"]["spec"]["containers"]
        .as_array()
        .expect("containers");
    assert_eq!(containers.len(), 1);
    let container = &containers[0];
    let command: Vec<&str> = container["command"]
        .as_array()
        .expect("command")
        .iter()
        .map(|v| v.as_str().expect("string"))
        .collect();
    assert_eq!(command[..2], ["sh", "-c"], "the command is a shell script");
    assert_eq!(command.len(), 3);
    let mut script = command[2].to_string();
    // Longest mount path first, so that no mount path is a prefix of a replaced one.
    let mut mounts: Vec<(String, String)> = container["volumeMounts"]
        .as_array()
        .expect("volumeMounts")
        .iter()
        .map(|m| {
            (
                m["mountPath"].as_str().expect("mountPath").to_string(),
                m["name"].as_str().expect("name").to_string(),
            )
        })
        .collect();
    mounts.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
    for (path, name) in &mounts {
        let local = root.join(name);
        std::fs::create_dir_all(&local).expect("mount folder");
        script = script.replace(path.as_str(), local.to_str().expect("utf-8"));
    }
    let mut env = BTreeMap::new();
    for var in container["env"].as_array().into_iter().flatten() {
        let name = var["name"].as_str().expect("name").to_string();
        let value = match var.get("value") {
            Some(v) => v.as_str().expect("string").to_string(),
            None => {
                let key = var["valueFrom"]["secretKeyRef"]["key"]
                    .as_str()
                    .expect("a value or a secretKeyRef");
                secrets
                    .get(key)
                    .unwrap_or_else(|| panic!("no test value for Secret key {key}"))
                    .to_string()
            }
        };
        env.insert(name, value);
    }
    Pod { script, env }
}

/// Runs the pod's script; returns its exit code and output.
fn run_pod(pod: &Pod, index: Option<usize>) -> (i32, String) {
    let path = support::workflow::path_with_konform();
    let mut command = Command::new("sh");
    command
        .args(["-c", &pod.script])
        .env_clear()
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(&pod.env);
    if let Some(i) = index {
        command.env("JOB_COMPLETION_INDEX", i.to_string());
    }
    let out = command.output().expect("run sh");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), log)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read report")).expect("JSON")
}

/// Case ids `konform list cases` lists for the suite.
fn listed_cases() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(["list", "cases", SUITE])
        .output()
        .expect("konform list cases");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let rest = l
                .strip_prefix(&format!("{SUITE}::"))
                .unwrap_or_else(|| panic!("unexpected line {l:?}"));
            rest.split_whitespace().next().expect("id").to_string()
        })
        .collect()
}

/// Per case id: the shards that ran it, with its verdict there.
type Runs = BTreeMap<String, Vec<(usize, String)>>;

/// The shard Job and its mounts, ready to run against any base URL.
struct ShardJob {
    n: usize,
    pod: Pod,
    /// (file in the ConfigMap volume, its text as the example has it)
    target_files: Vec<(PathBuf, String)>,
    reports: PathBuf,
}

impl ShardJob {
    fn load(root: &Path, secrets: &BTreeMap<&str, &str>) -> ShardJob {
        let docs = yaml_documents(&examples().join("konform-indexed-job.yaml"));
        let jobs = of_kind(&docs, "Job");
        assert_eq!(jobs.len(), 1);
        let job = jobs[0];
        assert_eq!(job["spec"]["completionMode"], "Indexed");
        let n = job["spec"]["completions"].as_u64().expect("completions") as usize;
        assert!(n >= 2, "a sharded run has at least two shards");
        let pod = pod(job, root, secrets);
        // The ConfigMap the Job mounts: its files go into the mount's folder.
        let volume = job["spec"]["template"]["spec"]["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .find(|v| v.get("configMap").is_some())
            .expect("a ConfigMap volume");
        let config_map = of_kind(&docs, "ConfigMap")
            .into_iter()
            .find(|c| c["metadata"]["name"] == volume["configMap"]["name"])
            .expect("the ConfigMap the Job mounts");
        let mount_dir = root.join(volume["name"].as_str().expect("volume name"));
        let target_files = config_map["data"]
            .as_object()
            .expect("data")
            .iter()
            .map(|(file, text)| {
                (
                    mount_dir.join(file),
                    text.as_str().expect("text").to_string(),
                )
            })
            .collect();
        ShardJob {
            n,
            pod,
            target_files,
            reports: root.join("reports"),
        }
    }

    /// Mounts the target file with its base URL pointed at `base_url` (the
    /// rest as the example has it), runs every pod, and returns, per case
    /// id, the shards that ran it and its verdict there, and konform's exit
    /// code in each pod (as the pod logged it).
    fn run(&self, base_url: &str) -> (Runs, Vec<i32>) {
        for (path, text) in &self.target_files {
            let text: String = text
                .lines()
                .map(|l| {
                    if l.starts_with("base_url:") {
                        format!("base_url: {base_url}\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            std::fs::write(path, text).expect("write target file");
        }
        let n = self.n;
        let mut runs = Runs::new();
        let mut exits = Vec::new();
        for index in 0..n {
            let (code, log) = run_pod(&self.pod, Some(index));
            // A pod succeeds once its shard wrote its report, whatever the shard's verdict.
            assert_eq!(code, 0, "pod {index} failed:\n{log}");
            let k = index + 1;
            let report = read_json(&self.reports.join(format!("shard-{k}/{SUITE}.json")));
            // Index 0-based, shard 1-based.
            assert_eq!(report["run"]["shard"], format!("{k}/{n}"), "pod {index}");
            let logged = format!("shard {k}/{n}: konform exited with ");
            let exit = log
                .lines()
                .find_map(|l| l.strip_prefix(&logged))
                .unwrap_or_else(|| panic!("pod {index} logged no exit code:\n{log}"));
            exits.push(exit.trim().parse().expect("exit code"));
            let mut ran = 0;
            for case in report["cases"].as_array().expect("cases") {
                let other_shard = case["verdict"] == "skip"
                    && case["reason"]
                        .as_str()
                        .is_some_and(|r| r.ends_with(&format!("/{n}, not this one")));
                if !other_shard {
                    runs.entry(case["id"].as_str().expect("id").to_string())
                        .or_default()
                        .push((k, case["verdict"].as_str().expect("verdict").to_string()));
                    ran += 1;
                }
            }
            assert!(ran > 0, "shard {k} ran no case");
        }
        (runs, exits)
    }
}

#[test]
fn the_indexed_job_runs_every_case_exactly_once_and_the_merge_judges_the_run() {
    let root = tempfile::tempdir().expect("tempdir");
    let secrets = BTreeMap::from([
        ("token", konform_reference::FULL_TOKEN),
        ("limited-token", konform_reference::LIMITED_TOKEN),
    ]);
    let job = ShardJob::load(root.path(), &secrets);
    let n = job.n;
    let reports = job.reports.clone();
    let merge_docs = yaml_documents(&examples().join("konform-merge-job.yaml"));
    let merge_pod = pod(of_kind(&merge_docs, "Job")[0], root.path(), &secrets);

    // A correct target: every shard is incomplete on its own (exit 3).
    let served = serve("meldewesen@1.0", &[]);
    let (runs, exits) = job.run(&served.base_url);
    assert_eq!(exits, vec![3; n]);
    let listed = listed_cases();
    assert_eq!(
        listed.iter().cloned().collect::<BTreeSet<_>>().len(),
        listed.len()
    );
    assert_eq!(
        runs.keys().cloned().collect::<BTreeSet<_>>(),
        listed.iter().cloned().collect::<BTreeSet<_>>(),
        "the shards run exactly the listed cases"
    );
    for (id, shards) in &runs {
        assert_eq!(shards.len(), 1, "{id} ran in shards {shards:?}");
        assert_eq!(shards[0].1, "pass", "{id}");
    }

    // The merge Job, over the same report volume, judges the whole run.
    let (code, log) = run_pod(&merge_pod, None);
    assert_eq!(code, 0, "the whole run is conformant:\n{log}");
    assert!(
        log.contains(&format!(
            "## ✅ {}: Conformant",
            SUITE.replace('@', "&#64;")
        )),
        "{log}"
    );
    let merged = read_json(&reports.join(format!("{SUITE}.json")));
    assert_eq!(merged["verdict"], "conformant");
    assert_eq!(
        merged["cases"].as_array().expect("cases").len(),
        listed.len()
    );
    assert!(reports.join(format!("{SUITE}.html")).is_file());

    // A target with a fault: the shard that meets it exits 1, the others 3,
    // every pod succeeds, and the merge Job fails with exit 1.
    let faulty = serve("meldewesen@1.0", &["no-www-authenticate"]);
    let (runs, exits) = job.run(&faulty.base_url);
    assert_eq!(runs.len(), listed.len());
    assert!(exits.iter().all(|e| [1, 3].contains(e)), "{exits:?}");
    assert!(exits.contains(&1), "{exits:?}");
    let (code, log) = run_pod(&merge_pod, None);
    assert_eq!(code, 1, "the whole run is not conformant:\n{log}");
    let merged = read_json(&reports.join(format!("{SUITE}.json")));
    assert_eq!(merged["verdict"], "not_conformant");
    let failed: BTreeSet<&str> = merged["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["verdict"] == "fail")
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(failed, BTreeSet::from(["MW-QS-003", "MW-QS-004"]));

    // A shard missing: the merge refuses, and leaves no merged report behind.
    std::fs::remove_file(reports.join(format!("shard-{n}/{SUITE}.json"))).expect("remove");
    let (code, log) = run_pod(&merge_pod, None);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains(&format!("shards missing: {n}/{n}")), "{log}");
    assert!(!reports.join(format!("{SUITE}.json")).exists());
}
