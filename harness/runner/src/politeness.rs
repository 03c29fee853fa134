//! The politeness gate: every HTTP exchange of a run passes through it
//! ([`crate::exchange::perform`] asks it before sending), so a production
//! server sees at most a bounded load whatever step kind sends the request.
//! Per host (scheme, host and port) it keeps at most `max_in_flight_per_host`
//! requests in flight and starts them no faster than `requests_per_second`,
//! evenly spaced; a 429 or 503 with `Retry-After` pauses every request to
//! that host until then (bounded by the step timeout); and the run's
//! `request_budget` counts every request sent, refusing the rest once it is
//! spent (the case becomes an `error` of kind `budget`).
//!
//! Time spent waiting at the gate is not charged to a case: the case's time
//! limit stops while it waits here ([`CaseClock`]), so a slow rate makes a
//! run longer, never a case time out.
//!
//! [`resolve`] decides the limits from the suite's defaults and ceiling, the
//! target file and the command line; a choice above the ceiling is refused,
//! never clamped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use konform_model::politeness::{Politeness as Choice, SuitePoliteness};
use konform_model::report::RunPoliteness;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use url::Url;

/// Requests in flight per host when nobody chose a limit and the host is
/// not loopback.
pub const REMOTE_DEFAULT_IN_FLIGHT: u32 = 2;

/// The limits of a run, decided by [`resolve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolitenessLimits {
    /// Requests in flight per host; `None`: the default rule (the run's
    /// `--jobs` for a loopback host, [`REMOTE_DEFAULT_IN_FLIGHT`] for any
    /// other), capped by `in_flight_ceiling`.
    pub max_in_flight_per_host: Option<u32>,
    /// The suite's ceiling on requests in flight, which the default rule
    /// stays within too.
    pub in_flight_ceiling: Option<u32>,
    pub requests_per_second: Option<f64>,
    pub request_budget: Option<u64>,
}

impl PolitenessLimits {
    /// No limit beyond the default rule (what a run gets when nobody says anything).
    pub const DEFAULT: Self = Self {
        max_in_flight_per_host: None,
        in_flight_ceiling: None,
        requests_per_second: None,
        request_budget: None,
    };
}

/// Who chose a value that is above the suite's ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chooser {
    CommandLine,
    TargetFile,
    /// The suite's own default.
    Suite,
}

/// A politeness value above the suite's ceiling.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.message())]
pub struct AboveCeiling {
    pub chooser: Chooser,
    /// `max_in_flight_per_host`, `requests_per_second` or `request_budget`.
    pub name: &'static str,
    pub value: String,
    pub ceiling: String,
}

impl AboveCeiling {
    fn message(&self) -> String {
        let bound = format!("defaults.politeness.ceiling.{}", self.name);
        match self.chooser {
            Chooser::CommandLine => format!(
                "{} {} is above the suite's ceiling of {} ({bound})",
                flag_of(self.name),
                self.value,
                self.ceiling
            ),
            Chooser::TargetFile => format!(
                "target file: politeness.{}: {} is above the suite's ceiling of {} ({bound})",
                self.name, self.value, self.ceiling
            ),
            Chooser::Suite => format!(
                "defaults.politeness.{}: {} is above the suite's own ceiling of {} ({bound})",
                self.name, self.value, self.ceiling
            ),
        }
    }
}

/// The `konform run` flag that sets the politeness value `name`.
pub fn flag_of(name: &str) -> &'static str {
    match name {
        "max_in_flight_per_host" => "--max-in-flight",
        "requests_per_second" => "--rate",
        _ => "--request-budget",
    }
}

/// The limits of a run: for each value the command line's choice, else the
/// target file's, else the suite's default; each checked against the suite's
/// ceiling. Without any choice a ceiling on the rate or the budget is the
/// default (a run is never unlimited in what the suite bounds), and the
/// requests in flight follow the default rule within the ceiling.
pub fn resolve(
    suite: &SuitePoliteness,
    target: &Choice,
    command_line: &Choice,
) -> Result<PolitenessLimits, AboveCeiling> {
    let ceiling = &suite.ceiling;
    let defaults = suite.defaults();
    fn pick<T: Copy + PartialOrd + ToString>(
        name: &'static str,
        ceiling: Option<T>,
        choices: [(Chooser, Option<T>); 3],
    ) -> Result<Option<T>, AboveCeiling> {
        let Some((chooser, value)) = choices.into_iter().find_map(|(who, v)| v.map(|v| (who, v)))
        else {
            return Ok(ceiling);
        };
        match ceiling {
            Some(c) if value > c => Err(AboveCeiling {
                chooser,
                name,
                value: value.to_string(),
                ceiling: c.to_string(),
            }),
            _ => Ok(Some(value)),
        }
    }
    let max_in_flight_per_host = pick(
        "max_in_flight_per_host",
        ceiling.max_in_flight_per_host,
        [
            (Chooser::CommandLine, command_line.max_in_flight_per_host),
            (Chooser::TargetFile, target.max_in_flight_per_host),
            (Chooser::Suite, defaults.max_in_flight_per_host),
        ],
    )?;
    let chosen_in_flight = [
        command_line.max_in_flight_per_host,
        target.max_in_flight_per_host,
        defaults.max_in_flight_per_host,
    ]
    .iter()
    .any(Option::is_some);
    Ok(PolitenessLimits {
        // A ceiling alone is no choice: the default rule applies below it.
        max_in_flight_per_host: max_in_flight_per_host.filter(|_| chosen_in_flight),
        in_flight_ceiling: ceiling.max_in_flight_per_host,
        requests_per_second: pick(
            "requests_per_second",
            ceiling.requests_per_second,
            [
                (Chooser::CommandLine, command_line.requests_per_second),
                (Chooser::TargetFile, target.requests_per_second),
                (Chooser::Suite, defaults.requests_per_second),
            ],
        )?,
        request_budget: pick(
            "request_budget",
            ceiling.request_budget,
            [
                (Chooser::CommandLine, command_line.request_budget),
                (Chooser::TargetFile, target.request_budget),
                (Chooser::Suite, defaults.request_budget),
            ],
        )?,
    })
}

/// The request budget of the run is spent; the exchange was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetExhausted {
    pub budget: u64,
}

/// The gate of one run, shared by every exchange.
#[derive(Debug)]
pub struct Politeness {
    limits: PolitenessLimits,
    /// Requests in flight per loopback host when no limit was chosen.
    jobs: u32,
    interval: Option<Duration>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    sent: AtomicU64,
    refused: AtomicU64,
    pauses: AtomicU64,
    paused_ms: AtomicU64,
}

#[derive(Debug)]
struct Host {
    in_flight: Arc<Semaphore>,
    timing: Mutex<Timing>,
}

#[derive(Debug, Default)]
struct Timing {
    /// The earliest start of the next request (the rate limit).
    next_start: Option<Instant>,
    /// No request starts before this (a `Retry-After`).
    paused_until: Option<Instant>,
}

/// A request admitted by the gate: holds its place among the host's
/// requests in flight until dropped (after the body is read).
#[derive(Debug)]
pub struct Admission {
    _permit: Option<OwnedSemaphorePermit>,
}

enum Next {
    Go,
    Wait(Instant),
}

impl Politeness {
    /// A gate with `limits` for a run of `jobs` cases at a time.
    pub fn new(limits: PolitenessLimits, jobs: usize) -> Self {
        let interval = limits
            .requests_per_second
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| Duration::from_secs_f64(1.0 / r));
        Self {
            limits,
            jobs: u32::try_from(jobs.max(1)).unwrap_or(u32::MAX),
            interval,
            hosts: Mutex::default(),
            sent: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            pauses: AtomicU64::new(0),
            paused_ms: AtomicU64::new(0),
        }
    }

    /// A gate that limits nothing but the default rule (tests, tools).
    pub fn unlimited(jobs: usize) -> Self {
        Self::new(PolitenessLimits::DEFAULT, jobs)
    }

    /// Requests in flight allowed at once to `url`'s host.
    pub fn in_flight_limit(&self, url: &Url) -> u32 {
        let limit = self.limits.max_in_flight_per_host.unwrap_or_else(|| {
            if konform_connection::urls::is_loopback(url) {
                self.jobs
            } else {
                REMOTE_DEFAULT_IN_FLIGHT
            }
        });
        let limit = self
            .limits
            .in_flight_ceiling
            .map_or(limit, |c| limit.min(c));
        limit.clamp(1, Semaphore::MAX_PERMITS as u32)
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let key = url.origin().ascii_serialization();
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host {
                    in_flight: Arc::new(Semaphore::new(self.in_flight_limit(url) as usize)),
                    timing: Mutex::default(),
                })
            })
            .clone()
    }

    /// Waits until a request to `url` may start (a place among the host's
    /// requests in flight, no pause, its slot of the rate) and takes it from
    /// the budget. The case's clock stops meanwhile.
    pub async fn admit(&self, url: &Url) -> Result<Admission, BudgetExhausted> {
        self.check_budget()?;
        let _stopped = CaseClock::stop_current();
        let host = self.host(url);
        let permit = host.in_flight.clone().acquire_owned().await.ok();
        let mut slot: Option<Instant> = None;
        loop {
            let next = {
                let now = Instant::now();
                let mut timing = host.timing.lock().unwrap_or_else(|e| e.into_inner());
                match (timing.paused_until.filter(|p| *p > now), self.interval) {
                    (Some(until), _) => {
                        // A slot taken before the pause is stale: the
                        // requests after it are spaced anew.
                        slot = None;
                        Next::Wait(until)
                    }
                    (None, None) => Next::Go,
                    (None, Some(interval)) => {
                        let at = *slot.get_or_insert_with(|| {
                            let at = timing.next_start.map_or(now, |n| n.max(now));
                            timing.next_start = Some(at + interval);
                            at
                        });
                        if at <= now { Next::Go } else { Next::Wait(at) }
                    }
                }
            };
            match next {
                Next::Go => break,
                Next::Wait(until) => tokio::time::sleep_until(until).await,
            }
        }
        self.take_from_budget()?;
        Ok(Admission { _permit: permit })
    }

    fn check_budget(&self) -> Result<(), BudgetExhausted> {
        match self.limits.request_budget {
            Some(budget) if self.sent.load(Ordering::SeqCst) >= budget => {
                self.refused.fetch_add(1, Ordering::SeqCst);
                Err(BudgetExhausted { budget })
            }
            _ => Ok(()),
        }
    }

    fn take_from_budget(&self) -> Result<(), BudgetExhausted> {
        let budget = self.limits.request_budget;
        let taken = self
            .sent
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                budget.is_none_or(|b| n < b).then_some(n + 1)
            });
        match (taken, budget) {
            (Err(_), Some(budget)) => {
                self.refused.fetch_add(1, Ordering::SeqCst);
                Err(BudgetExhausted { budget })
            }
            _ => Ok(()),
        }
    }

    /// The host of `url` asked to be left alone for `wait` (a `Retry-After`
    /// of a 429 or 503): no request to it starts before then.
    pub fn pause(&self, url: &Url, wait: Duration) {
        if wait.is_zero() {
            return;
        }
        let host = self.host(url);
        let mut timing = host.timing.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let until = now + wait;
        let from = timing.paused_until.map_or(now, |p| p.max(now));
        if until > from {
            timing.paused_until = Some(until);
            self.pauses.fetch_add(1, Ordering::SeqCst);
            self.paused_ms.fetch_add(
                u64::try_from((until - from).as_millis()).unwrap_or(u64::MAX),
                Ordering::SeqCst,
            );
        }
    }

    /// What applied to the target at `base_url` and what the gate did (`run.politeness`).
    pub fn record(&self, base_url: &Url) -> RunPoliteness {
        RunPoliteness {
            max_in_flight_per_host: self.in_flight_limit(base_url),
            requests_per_second: self.limits.requests_per_second,
            request_budget: self.limits.request_budget,
            requests_sent: self.sent.load(Ordering::SeqCst),
            requests_refused: self.refused.load(Ordering::SeqCst),
            retry_after_pauses: self.pauses.load(Ordering::SeqCst),
            retry_after_pause_ms: self.paused_ms.load(Ordering::SeqCst),
        }
    }
}

tokio::task_local! {
    static CLOCK: Arc<CaseClock>;
}

/// A case's time limit that stops while the case waits at the gate.
#[derive(Debug)]
pub struct CaseClock {
    started: Instant,
    limit: Duration,
    state: watch::Sender<ClockState>,
}

#[derive(Debug, Clone, Copy, Default)]
struct ClockState {
    /// Waits in progress (a case's requests may wait concurrently).
    stopped: u32,
    since: Option<Instant>,
    /// Time spent waiting, not charged to the case.
    excluded: Duration,
}

/// Restarts the clock when dropped.
pub struct Stopped(Option<Arc<CaseClock>>);

impl Drop for Stopped {
    fn drop(&mut self) {
        if let Some(clock) = &self.0 {
            clock.state.send_modify(|s| {
                s.stopped = s.stopped.saturating_sub(1);
                if s.stopped == 0
                    && let Some(since) = s.since.take()
                {
                    s.excluded += since.elapsed();
                }
            });
        }
    }
}

impl CaseClock {
    pub fn new(limit: Duration) -> Arc<Self> {
        Arc::new(Self {
            started: Instant::now(),
            limit,
            state: watch::Sender::new(ClockState::default()),
        })
    }

    /// Runs `future` with this clock as the current case's.
    pub async fn scope<F: Future>(self: &Arc<Self>, future: F) -> F::Output {
        CLOCK.scope(self.clone(), future).await
    }

    /// Stops the current case's clock (if any) until the guard is dropped.
    pub fn stop_current() -> Stopped {
        let clock = CLOCK.try_with(Arc::clone).ok();
        if let Some(clock) = &clock {
            clock.state.send_modify(|s| {
                if s.stopped == 0 {
                    s.since = Some(Instant::now());
                }
                s.stopped += 1;
            });
        }
        Stopped(clock)
    }

    /// Completes once the case has used its time limit outside the gate.
    pub async fn expired(&self) {
        let mut changes = self.state.subscribe();
        loop {
            let state = *changes.borrow_and_update();
            if state.stopped > 0 {
                // Waiting at the gate: nothing is charged until it ends.
                if changes.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
                continue;
            }
            let deadline = self.started + self.limit + state.excluded;
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => return,
                changed = changes.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep_until(deadline).await;
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn suite(defaults: Choice, ceiling: Choice) -> SuitePoliteness {
        SuitePoliteness {
            max_in_flight_per_host: defaults.max_in_flight_per_host,
            requests_per_second: defaults.requests_per_second,
            request_budget: defaults.request_budget,
            ceiling,
        }
    }

    fn in_flight(n: u32) -> Choice {
        Choice {
            max_in_flight_per_host: Some(n),
            ..Choice::default()
        }
    }

    #[test]
    fn nothing_chosen_is_the_default_rule() {
        let limits = resolve(
            &SuitePoliteness::default(),
            &Choice::default(),
            &Choice::default(),
        )
        .unwrap();
        assert_eq!(limits, PolitenessLimits::DEFAULT);
        let gate = Politeness::new(limits, 8);
        assert_eq!(gate.in_flight_limit(&url("http://127.0.0.1:8080/")), 8);
        assert_eq!(gate.in_flight_limit(&url("http://localhost/")), 8);
        assert_eq!(
            gate.in_flight_limit(&url("https://ris.example.de/oparl")),
            2
        );
    }

    #[test]
    fn the_command_line_beats_the_target_file_beats_the_suite() {
        let s = suite(in_flight(3), Choice::default());
        let pick = |t: Choice, c: Choice| resolve(&s, &t, &c).unwrap().max_in_flight_per_host;
        assert_eq!(pick(Choice::default(), Choice::default()), Some(3));
        assert_eq!(pick(in_flight(5), Choice::default()), Some(5));
        assert_eq!(pick(in_flight(5), in_flight(1)), Some(1));
    }

    #[test]
    fn a_value_above_the_ceiling_is_refused_naming_the_bound() {
        let s = suite(
            Choice::default(),
            Choice {
                max_in_flight_per_host: Some(4),
                requests_per_second: Some(2.0),
                request_budget: Some(100),
            },
        );
        let e = resolve(&s, &in_flight(8), &Choice::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "target file: politeness.max_in_flight_per_host: 8 is above the suite's ceiling \
             of 4 (defaults.politeness.ceiling.max_in_flight_per_host)"
        );
        let rate = Choice {
            requests_per_second: Some(2.5),
            ..Choice::default()
        };
        let e = resolve(&s, &Choice::default(), &rate).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--rate 2.5 is above the suite's ceiling of 2 \
             (defaults.politeness.ceiling.requests_per_second)"
        );
        // At the ceiling is fine; without a choice the ceiling of the rate
        // and the budget is the default, while in flight follows the rule.
        assert!(resolve(&s, &in_flight(4), &Choice::default()).is_ok());
        let limits = resolve(&s, &Choice::default(), &Choice::default()).unwrap();
        assert_eq!(limits.requests_per_second, Some(2.0));
        assert_eq!(limits.request_budget, Some(100));
        assert_eq!(limits.max_in_flight_per_host, None);
        let gate = Politeness::new(limits, 8);
        assert_eq!(gate.in_flight_limit(&url("http://127.0.0.1:1/")), 4);
        assert_eq!(gate.in_flight_limit(&url("https://ris.example.de/")), 2);
        // The suite's own default above its ceiling is the suite's mistake.
        let bad = suite(in_flight(5), in_flight(4));
        let e = resolve(&bad, &Choice::default(), &Choice::default()).unwrap_err();
        assert_eq!(e.chooser, Chooser::Suite);
        assert!(e.to_string().contains("own ceiling of 4"), "{e}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_refuses_once_spent_and_counts_the_refusals() {
        let gate = Politeness::new(
            PolitenessLimits {
                request_budget: Some(2),
                ..PolitenessLimits::DEFAULT
            },
            4,
        );
        let u = url("http://127.0.0.1:1/");
        drop(gate.admit(&u).await.unwrap());
        drop(gate.admit(&u).await.unwrap());
        assert_eq!(
            gate.admit(&u).await.unwrap_err(),
            BudgetExhausted { budget: 2 }
        );
        assert!(gate.admit(&u).await.is_err());
        let record = gate.record(&u);
        assert_eq!((record.requests_sent, record.requests_refused), (2, 2));
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_spaces_starts_and_a_pause_holds_every_request() {
        let gate = Politeness::new(
            PolitenessLimits {
                requests_per_second: Some(4.0),
                ..PolitenessLimits::DEFAULT
            },
            8,
        );
        let u = url("http://127.0.0.1:1/");
        let t0 = Instant::now();
        let mut starts = vec![];
        for _ in 0..3 {
            drop(gate.admit(&u).await.unwrap());
            starts.push(t0.elapsed());
        }
        assert_eq!(
            starts,
            [0, 250, 500].map(Duration::from_millis).to_vec(),
            "evenly spaced"
        );
        gate.pause(&u, Duration::from_secs(2));
        gate.pause(&u, Duration::from_secs(1)); // inside the first: no new pause
        let before = Instant::now();
        drop(gate.admit(&u).await.unwrap());
        assert_eq!(before.elapsed(), Duration::from_secs(2));
        let other = url("http://127.0.0.2:1/");
        let record = gate.record(&other);
        assert_eq!(record.retry_after_pauses, 1);
        assert_eq!(record.retry_after_pause_ms, 2000);
    }

    #[tokio::test(start_paused = true)]
    async fn the_case_clock_stops_while_waiting_at_the_gate() {
        let clock = CaseClock::new(Duration::from_secs(1));
        let gate = Politeness::new(
            PolitenessLimits {
                requests_per_second: Some(0.5),
                ..PolitenessLimits::DEFAULT
            },
            1,
        );
        let u = url("http://127.0.0.1:1/");
        let work = clock.scope(async {
            drop(gate.admit(&u).await.unwrap());
            // Two seconds at the gate, half a second of the case's own.
            drop(gate.admit(&u).await.unwrap());
            tokio::time::sleep(Duration::from_millis(500)).await;
        });
        let t0 = Instant::now();
        tokio::select! {
            () = work => {}
            () = clock.expired() => panic!("charged the wait at the gate to the case"),
        }
        assert_eq!(t0.elapsed(), Duration::from_millis(2500));
        let t1 = Instant::now();
        clock.expired().await;
        assert_eq!(t1.elapsed(), Duration::from_millis(500));
    }
}
