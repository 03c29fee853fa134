//! One suite against one target, end to end: start the embedded reference or
//! connect to the target from its file, find the claimed classes, compile the
//! suite's schemas, run the cases, judge them and assemble the report. The
//! `run` command, the self-test and the benchmarks all go through here, so
//! they exercise exactly what a user runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use konform_connection::{Credential, TargetConnection};
use konform_model::report::{Report, TargetInfo};
use konform_model::target::{Identity, TargetFile, TlsConfig};
use konform_reference::{AuthMode, RunningReference, ServeOptions};
use konform_runner::{
    CancellationToken, CaseContext, CaseLimits, Compiled, EventSink, Politeness, RunSettings,
    UniqueSource, run_cases,
};
use konform_suite::{LoadedSuite, SchemaSet};

/// Which implementation a run is against.
#[derive(Debug, Clone)]
pub enum TargetSpec {
    /// The embedded reference implementation of the suite's interface.
    Embedded,
    /// A target file, already parsed; `base_dir` resolves relative paths in it.
    File {
        file: Box<TargetFile>,
        base_dir: PathBuf,
    },
}

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    pub jobs: Option<usize>,
    pub class_filter: Vec<String>,
    pub cancel: CancellationToken,
    /// Faults to switch on in the embedded reference (for mutation runs).
    pub faults: Vec<String>,
    /// Run only shard K of N.
    pub shard: Option<(u32, u32)>,
    /// Seed of the run's `unique` values; `None` draws a fresh one.
    pub seed: Option<u64>,
    /// Run every case this many times (0 and 1 mean once).
    pub repeat: u32,
    /// The key personal data is encrypted under (`--redaction-key`); `None`
    /// draws a fresh one that nobody keeps.
    pub redaction_key: Option<konform_runner::redact::RedactionKey>,
    /// The target file's known deviations; each report records those that
    /// name a case or requirement of its suite.
    pub known_deviations: Vec<konform_model::target::KnownDeviation>,
    /// Politeness chosen on the command line (`--max-in-flight`, `--rate`,
    /// `--request-budget`); each beats the target file's.
    pub politeness: konform_model::politeness::Politeness,
}

/// Why a run could not even start.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(String),
    /// The environment failed us: exit code 3.
    #[error("{0}")]
    Environment(String),
}

/// Default number of cases run at the same time.
pub const DEFAULT_JOBS: usize = 8;

/// Evidence keeps at most this many bytes of each body.
pub const EVIDENCE_LIMIT: usize = 64 * 1024;

/// A connected target, plus the reference server when it is embedded (kept
/// alive for as long as the connection is used).
pub struct Connected {
    pub conn: Arc<TargetConnection>,
    pub identity: Identity,
    /// Classes claimed up front, and where the claim comes from; `None`
    /// means: read them from the service description.
    pub declared_classes: Option<(Vec<String>, &'static str)>,
    pub fixtures: IndexMap<String, serde_json::Value>,
    pub jobs: Option<usize>,
    pub limits: konform_model::target::Limits,
    /// The target file's `politeness` (nothing for the embedded reference).
    pub politeness: konform_model::politeness::Politeness,
    pub reference: Option<RunningReference>,
}

/// Starts the embedded reference of `suite`'s interface and connects to it.
pub async fn connect_embedded(
    suite: &LoadedSuite,
    faults: &[String],
) -> Result<Connected, SessionError> {
    let interface = &suite.manifest.interface;
    let options = ServeOptions {
        auth: AuthMode::reference_tokens(),
        faults: faults.to_vec(),
        // OParl recommends HTTPS and its suite checks it: such a reference
        // serves HTTPS with a certificate made at start, trusted below.
        tls: konform_reference::tls_by_default(&interface.name, &interface.version),
        ..ServeOptions::default()
    };
    let reference = konform_reference::serve(&interface.name, &interface.version, options)
        .await
        .map_err(|e| {
            SessionError::Input(format!(
                "no embedded reference for {}@{}: {e}",
                interface.name, interface.version
            ))
        })?;
    let mut profiles = IndexMap::new();
    profiles.insert(
        "limited".to_string(),
        Credential::Bearer(konform_reference::LIMITED_TOKEN.to_string()),
    );
    let ca_file = match &reference.ca_pem {
        Some(pem) => Some(write_ca_file(pem, reference.addr.port()).map_err(|e| {
            SessionError::Environment(format!("cannot write the reference's certificate: {e}"))
        })?),
        None => None,
    };
    let tls = TlsConfig {
        ca_file: ca_file.as_ref().map(|p| p.to_string_lossy().into_owned()),
        ..TlsConfig::default()
    };
    let conn = konform_connection::connect_with(
        &reference.base_url,
        Credential::Bearer(konform_reference::FULL_TOKEN.to_string()),
        profiles,
        &tls,
        None,
        Path::new("."),
    );
    // The client read the certificate while connecting; the file can go.
    if let Some(path) = &ca_file {
        let _ = std::fs::remove_file(path);
    }
    let conn = conn.map_err(|e| SessionError::Environment(e.to_string()))?;
    Ok(Connected {
        conn: Arc::new(conn),
        identity: Identity {
            operator: "konform".into(),
            vendor: "konform".into(),
            product: format!("konform reference {}", interface.name),
            version: format!("{} ({})", interface.version, env!("CARGO_PKG_VERSION")),
        },
        // The reference implements every class of its interface. Claiming
        // them up front (instead of trusting its service description) means
        // a broken description is caught by the suite, not silently obeyed.
        declared_classes: Some((
            suite
                .manifest
                .classes
                .iter()
                .map(|c| c.id.clone())
                .collect(),
            "reference",
        )),
        fixtures: IndexMap::new(),
        jobs: None,
        limits: Default::default(),
        politeness: Default::default(),
        reference: Some(reference),
    })
}

/// Writes the embedded reference's certificate to a new file in the
/// temporary folder (created exclusively, so an existing file or link there
/// is never followed) for the client to trust.
fn write_ca_file(pem: &str, port: u16) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write as _;
    let path = std::env::temp_dir().join(format!(
        "konform-reference-ca-{}-{port}.pem",
        std::process::id()
    ));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    file.write_all(pem.as_bytes())?;
    Ok(path)
}

/// Connects to the target described by a target file.
pub fn connect_file(file: &TargetFile, base_dir: &Path) -> Result<Connected, SessionError> {
    let env = |name: &str| std::env::var(name).ok();
    let conn = konform_connection::connect(file, &env, base_dir)
        .map_err(|e| SessionError::Input(format!("target: {e}")))?;
    Ok(Connected {
        conn: Arc::new(conn),
        identity: file.identity.clone(),
        declared_classes: file.classes.clone().map(|c| (c, "target_file")),
        fixtures: file.fixtures.clone(),
        jobs: file.jobs,
        limits: file.limits.clone(),
        politeness: file.politeness,
        reference: None,
    })
}

/// Runs `suite` against `target` and returns the assembled report.
pub async fn run_suite(
    suite: &LoadedSuite,
    schemas: &SchemaSet,
    target: &TargetSpec,
    options: &SessionOptions,
    sink: &dyn EventSink,
) -> Result<Report, SessionError> {
    let connected = match target {
        TargetSpec::Embedded => connect_embedded(suite, &options.faults).await?,
        TargetSpec::File { file, base_dir } => connect_file(file, base_dir)?,
    };
    let result = run_connected(suite, schemas, &connected, options, sink).await;
    if let Some(reference) = connected.reference {
        reference.shutdown().await;
    }
    result
}

/// Runs `suite` against an already connected target.
pub async fn run_connected(
    suite: &LoadedSuite,
    schemas: &SchemaSet,
    connected: &Connected,
    options: &SessionOptions,
    sink: &dyn EventSink,
) -> Result<Report, SessionError> {
    if options.jobs.or(connected.jobs) == Some(0) {
        // The report schema requires at least one job: refuse before any request.
        return Err(SessionError::Input("jobs must be at least 1".into()));
    }
    let defaults = &suite.manifest.defaults;
    let limits = CaseLimits {
        step_timeout: Duration::from_millis(
            connected
                .limits
                .step_timeout_ms
                .unwrap_or(defaults.step_timeout_ms),
        ),
        case_timeout: Duration::from_millis(
            connected
                .limits
                .case_timeout_ms
                .unwrap_or(defaults.case_timeout_ms),
        ),
        body_limit: connected
            .limits
            .body_limit_bytes
            .unwrap_or(defaults.body_limit_bytes),
        evidence_limit: EVIDENCE_LIMIT,
    };
    let jobs = options.jobs.or(connected.jobs).unwrap_or(DEFAULT_JOBS);
    // Every request of the run passes this gate, the service description's too.
    let politeness = Arc::new(Politeness::new(
        konform_runner::politeness::resolve(
            &defaults.politeness,
            &connected.politeness,
            &options.politeness,
        )
        .map_err(|e| SessionError::Input(format!("{}: {e}", suite.id())))?,
        jobs,
    ));
    let (claimed, claim_source) = match &connected.declared_classes {
        Some((classes, source)) => (classes.clone(), source.to_string()),
        None => match tokio::select! {
            // An interrupt does not wait for the step timeout: the run is
            // cancelled, every case is recorded as not run.
            () = options.cancel.cancelled() => {
                Err("interrupted before the service description answered".to_string())
            }
            claims = konform_runner::claims::from_service_description(
                &connected.conn,
                &politeness,
                limits.step_timeout,
            ) => claims,
        } {
            Ok(classes) => (classes, "service_description".to_string()),
            // The target cannot say what it claims: run everything, so the
            // report shows what could not be reached.
            Err(reason) => (
                suite
                    .manifest
                    .classes
                    .iter()
                    .map(|c| c.id.clone())
                    .collect(),
                format!("unavailable ({reason}); all classes assumed"),
            ),
        },
    };
    let compiled = Compiled::new(&suite.cases, schemas.iter())
        .map_err(|e| SessionError::Input(format!("{}: {e}", suite.id())))?;
    let mut fixtures = suite.manifest.fixtures.clone();
    for (k, v) in &connected.fixtures {
        fixtures.insert(k.clone(), v.clone());
    }
    let personal_data = konform_runner::redact::PersonalData::new(
        &suite.personal_members,
        fixtures
            .iter()
            .chain(suite.cases.iter().flat_map(|c| c.fixtures.iter())),
    );
    let seed = options.seed.unwrap_or_else(UniqueSource::random_seed);
    let unique = UniqueSource::new(seed, &suite.manifest.generators)
        .map_err(|e| SessionError::Input(format!("{}: {e}", suite.id())))?;
    let ctx = Arc::new(CaseContext {
        conn: connected.conn.clone(),
        compiled: Arc::new(compiled),
        fixtures,
        limits,
        personal_data,
        redaction_key: options
            .redaction_key
            .clone()
            .unwrap_or_else(konform_runner::redact::RedactionKey::random),
        attribution: suite.manifest.attribution.clone(),
        unique,
        body_budget: konform_runner::exchange::BodyBudget::new(
            konform_runner::exchange::BodyBudget::DEFAULT_BYTES,
            limits.body_limit,
        ),
        politeness: politeness.clone(),
    });
    let repeat = options.repeat.max(1);
    let settings = RunSettings {
        jobs,
        claimed: claimed.clone(),
        class_filter: options.class_filter.clone(),
        shard: options.shard,
        cancel: options.cancel.clone(),
        repeat,
        withdrawn: suite.withdrawals.cases.clone(),
    };
    let outcome = run_cases(Arc::new(suite.cases.clone()), ctx, &settings, sink).await;
    let target_info = TargetInfo {
        identity: connected.identity.clone(),
        base_url: connected.conn.base_url().to_string(),
        auth: connected.conn.auth_kind().to_string(),
        claimed_classes: claimed,
        claim_source,
        tls_insecure: connected.conn.tls_insecure(),
    };
    Ok(konform_report::assemble(konform_report::ReportInput {
        manifest: &suite.manifest,
        digest: &suite.digest,
        target: target_info,
        cases: outcome.results,
        class_filter: options.class_filter.clone(),
        shard: options.shard.map(|(k, n)| format!("{k}/{n}")),
        jobs,
        started: outcome.started,
        finished: outcome.finished,
        complete: outcome.complete,
        incomplete_reason: outcome.incomplete_reason,
        seed: Some(konform_runner::unique::format_seed(seed)),
        repeat: (repeat > 1).then_some(repeat),
        redaction_key: options.redaction_key.as_ref().map(|k| k.id()),
        known_deviations: options
            .known_deviations
            .iter()
            .filter(|d| crate::target_file::matches_suite(d, suite))
            .cloned()
            .collect(),
        politeness: Some(politeness.record(connected.conn.base_url())),
    }))
}
