//! The set of faults switched on in a reference server. A fault makes the
//! implementation break one requirement on purpose, so that a suite's kill
//! score can be measured; handlers ask `faults.on("NAME")`. The set can be
//! switched while the server runs ([`Faults::switch`], the control route of
//! `konform reference serve --control`), so one register that keeps its
//! state can be tested with and without a fault.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

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
/// Clones share the set.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    on: Arc<RwLock<BTreeSet<String>>>,
    known: &'static [FaultInfo],
    interface: String,
    version: String,
}

impl Faults {
    /// Checks every requested name against `known`.
    pub fn parse(
        interface: &str,
        version: &str,
        known: &'static [FaultInfo],
        requested: &[String],
    ) -> Result<Faults, ReferenceError> {
        let faults = Faults {
            on: Arc::default(),
            known,
            interface: interface.to_string(),
            version: version.to_string(),
        };
        faults.switch(requested)?;
        Ok(faults)
    }

    /// Replaces the faults that are on by `requested` (all or nothing).
    pub fn switch(&self, requested: &[String]) -> Result<(), ReferenceError> {
        let mut set = BTreeSet::new();
        for name in requested {
            if !self.known.iter().any(|f| f.name == name) {
                return Err(ReferenceError::UnknownFault {
                    fault: name.clone(),
                    interface: self.interface.clone(),
                    version: self.version.clone(),
                    known: if self.known.is_empty() {
                        "none".to_string()
                    } else {
                        let names: Vec<&str> = self.known.iter().map(|f| f.name).collect();
                        names.join(", ")
                    },
                });
            }
            set.insert(name.clone());
        }
        *self.on.write().unwrap_or_else(|e| e.into_inner()) = set;
        Ok(())
    }

    /// The names of the faults that are on, sorted.
    pub fn names(&self) -> Vec<String> {
        self.on
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Whether the fault `name` is switched on.
    pub fn on(&self, name: &str) -> bool {
        self.on
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(name)
    }

    pub fn is_empty(&self) -> bool {
        self.on.read().unwrap_or_else(|e| e.into_inner()).is_empty()
    }
}
