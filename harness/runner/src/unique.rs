//! `unique` template values, derived from the run's seed: the same seed,
//! case, repetition and name always give the same value (so `--seed`
//! reproduces a run), and another seed gives other values (so a second run
//! against a register that keeps state never meets the first run's data).

use std::collections::HashMap;

use konform_suite::generator::{Generator, PatternError, SplitMix64};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A generator pattern of the suite that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("generator `{kind}`: {source} (at byte {})", source.offset)]
pub struct GeneratorError {
    pub kind: String,
    #[source]
    pub source: PatternError,
}

/// A `--seed` that is not a seed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a seed (up to 16 hex digits, as in run.seed)")]
pub struct SeedError {
    pub text: String,
    #[source]
    pub source: std::num::ParseIntError,
}

/// The run's seed and the suite's generators.
#[derive(Debug, Clone)]
pub struct UniqueSource {
    pub seed: u64,
    pub generators: HashMap<String, Generator>,
}

impl UniqueSource {
    /// Parses the suite's generator patterns. Err names the first bad one
    /// (`suite lint` reports them with their position first).
    pub fn new(
        seed: u64,
        patterns: &indexmap::IndexMap<String, String>,
    ) -> Result<Self, GeneratorError> {
        let mut generators = HashMap::new();
        for (kind, pattern) in patterns {
            let g = Generator::parse(pattern).map_err(|source| GeneratorError {
                kind: kind.clone(),
                source,
            })?;
            generators.insert(kind.clone(), g);
        }
        Ok(Self { seed, generators })
    }

    /// A fresh random seed for a run.
    pub fn random_seed() -> u64 {
        uuid::Uuid::new_v4().as_u64_pair().0
    }

    /// The value of `unique.NAME` or `unique.KIND.NAME` in one case run;
    /// `None` for an unknown generator kind.
    pub fn value(&self, case_id: &str, repetition: u32, name: &str) -> Option<Value> {
        let mut hasher = Sha256::new();
        hasher.update(self.seed.to_le_bytes());
        hasher.update(case_id.as_bytes());
        hasher.update([0xff]);
        hasher.update(repetition.to_le_bytes());
        hasher.update(name.as_bytes());
        let digest: [u8; 32] = hasher.finalize().into();
        match name.split_once('.') {
            Some((kind, _)) => {
                let generator = self.generators.get(kind)?;
                let mut rng =
                    SplitMix64::new(u64::from_le_bytes(std::array::from_fn(|i| digest[i])));
                Some(Value::String(generator.generate(&mut || rng.next_u64())))
            }
            None => {
                let bytes: [u8; 16] = std::array::from_fn(|i| digest[i]);
                let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
                Some(Value::String(uuid.to_string()))
            }
        }
    }
}

/// A seed as written in the report: 16 hex digits.
pub fn format_seed(seed: u64) -> String {
    format!("{seed:016x}")
}

/// Parses a seed as given to `--seed` (hex, as the report writes it).
pub fn parse_seed(text: &str) -> Result<u64, SeedError> {
    u64::from_str_radix(text.trim().trim_start_matches("0x"), 16).map_err(|source| SeedError {
        text: text.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(seed: u64) -> UniqueSource {
        let mut patterns = indexmap::IndexMap::new();
        patterns.insert("fin".to_string(), "[A-HJ-NPR-Z0-9]{17}".to_string());
        UniqueSource::new(seed, &patterns).unwrap()
    }

    #[test]
    fn values_depend_on_seed_case_repetition_and_name_only() {
        let a = source(1);
        assert_eq!(a.value("c", 0, "fin.x"), source(1).value("c", 0, "fin.x"));
        assert_ne!(a.value("c", 0, "fin.x"), source(2).value("c", 0, "fin.x"));
        assert_ne!(a.value("c", 0, "fin.x"), a.value("d", 0, "fin.x"));
        assert_ne!(a.value("c", 0, "fin.x"), a.value("c", 1, "fin.x"));
        assert_ne!(a.value("c", 0, "fin.x"), a.value("c", 0, "fin.y"));
        assert_eq!(a.value("c", 0, "nope.x"), None);
        let uuid = a.value("c", 0, "key").unwrap();
        assert!(uuid::Uuid::parse_str(uuid.as_str().unwrap()).is_ok());
    }

    #[test]
    fn seeds_round_trip_through_their_text() {
        for seed in [0, 1, u64::MAX, 0x0123_4567_89ab_cdef] {
            assert_eq!(parse_seed(&format_seed(seed)), Ok(seed));
        }
        assert_eq!(
            parse_seed("xyz").map_err(|e| e.to_string()),
            Err("`xyz` is not a seed (up to 16 hex digits, as in run.seed)".to_string())
        );
    }
}
