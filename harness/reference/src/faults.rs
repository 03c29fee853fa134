//! The set of faults switched on in a reference server. A fault makes the
//! implementation break one requirement on purpose, so that a suite's kill
//! score can be measured; handlers ask `faults.on("NAME")`.

use std::collections::BTreeSet;

use crate::ReferenceError;

/// A fault an implementation can switch on: its name, the requirement it
/// breaks, and what it does. Listed by `konform reference faults`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultInfo {
    /// Kebab-case name, e.g. `auskunft-leaks-geburtsdatum`.
    pub name: &'static str,
    /// The requirement id the fault breaks, e.g. `MW-AUS-003`.
    pub requirement: &'static str,
    /// Further requirements the fault breaks by the contract's own words
    /// (usually none: a fault is written to break one requirement).
    pub also: &'static [&'static str],
    /// One sentence: what the broken implementation does.
    pub description: &'static str,
}

impl FaultInfo {
    /// Every requirement the fault breaks: the primary one first.
    pub fn requirements(&self) -> Vec<&'static str> {
        std::iter::once(self.requirement)
            .chain(self.also.iter().copied())
            .collect()
    }
}

/// Faults switched on for one server; only names the interface knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults(BTreeSet<String>);

impl Faults {
    /// Checks every requested name against `known`.
    pub fn parse(
        interface: &str,
        version: &str,
        known: &[FaultInfo],
        requested: &[String],
    ) -> Result<Faults, ReferenceError> {
        let mut set = BTreeSet::new();
        for name in requested {
            if !known.iter().any(|f| f.name == name) {
                return Err(ReferenceError::UnknownFault {
                    fault: name.clone(),
                    interface: interface.to_string(),
                    version: version.to_string(),
                    known: if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                    },
                });
            }
            set.insert(name.clone());
        }
        Ok(Faults(set))
    }

    /// Whether the fault `name` is switched on.
    pub fn on(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
