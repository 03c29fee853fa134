//! Politeness towards the target: how many requests a run may have in
//! flight to one host, how fast it may start them and how many it may send
//! in all. A suite declares its defaults and a ceiling
//! ([`SuitePoliteness`], `defaults.politeness`); a target file
//! (`politeness:`) and `konform run --max-in-flight/--rate/--request-budget`
//! choose values within that ceiling ([`Politeness`]). The runner's gate
//! (`konform_runner::politeness`) enforces them; the report records what
//! applied (`run.politeness`, [`crate::report::RunPoliteness`]).

use serde::{Deserialize, Serialize};

/// Limits on how hard a run loads a target; each is optional (absent: the
/// suite's default, else konform's).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Politeness {
    /// Requests in flight at the same time to one host (scheme, host and
    /// port), at least 1. `--jobs` counts cases; this counts requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_in_flight_per_host: Option<u32>,
    /// Requests started per second to one host, evenly spaced (greater than 0;
    /// `0.5` is one request every two seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<f64>,
    /// Requests the whole run may send (at least 1); once spent, the
    /// remaining exchanges are not sent and their cases are an `error` of
    /// kind `budget`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_budget: Option<u64>,
}

impl Politeness {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A suite's `defaults.politeness`: the values that apply when neither the
/// target file nor the command line chooses one, and the `ceiling` that no
/// choice may exceed (a certification body's promise to the servers it
/// tests). A value above the ceiling is refused, never clamped.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SuitePoliteness {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_in_flight_per_host: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_budget: Option<u64>,
    /// The highest value a target file or `konform run` may choose for each
    /// limit. With a ceiling for `requests_per_second` or `request_budget`
    /// a run is never unlimited in it: the ceiling is then the default.
    #[serde(default, skip_serializing_if = "Politeness::is_empty")]
    pub ceiling: Politeness,
}

impl SuitePoliteness {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The suite's default values (without the ceiling).
    pub fn defaults(&self) -> Politeness {
        Politeness {
            max_in_flight_per_host: self.max_in_flight_per_host,
            requests_per_second: self.requests_per_second,
            request_budget: self.request_budget,
        }
    }
}
