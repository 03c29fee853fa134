//! The month-plan rules of Elterngeld 1.0 (§§ 4, 4b, 4c BEEG), each with the
//! rule id of the interface. A plan lists, per Elternteil, the Lebensmonate
//! with Basiselterngeld, ElterngeldPlus or Partnerschaftsbonus. Every
//! violation is reported at once; pointers are relative to the plan object.

use super::faults::Fault;
use std::collections::BTreeSet;

use super::rechner::Art;
use crate::Faults;
use crate::common::validate::Errors;

pub const BASIS_NACH_LEBENSMONAT_14: &str = "BASIS_NACH_LEBENSMONAT_14";
pub const BASIS_PARALLEL: &str = "BASIS_PARALLEL";
pub const BONUS_NUR_PARALLEL: &str = "BONUS_NUR_PARALLEL";
pub const BONUS_ZEITRAUM: &str = "BONUS_ZEITRAUM";
pub const MINDESTBEZUG: &str = "MINDESTBEZUG";
pub const PLUS_LUECKE: &str = "PLUS_LUECKE";
pub const KONTINGENT_GESAMT: &str = "KONTINGENT_GESAMT";
pub const KONTINGENT_ELTERNTEIL: &str = "KONTINGENT_ELTERNTEIL";
pub const ELTERNTEILE_ANZAHL: &str = "ELTERNTEILE_ANZAHL";

/// One planned Lebensmonat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Monat {
    pub lebensmonat: u64,
    pub art: Art,
    /// Income from work in this Lebensmonat, in cents (0 when not given).
    pub einkommen: u64,
}

/// A validated plan (field rules already hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub alleinerziehend: bool,
    pub parallel_basis_ausnahme: bool,
    pub elternteile: Vec<Vec<Monat>>,
}

/// Basiselterngeld months count 2 halves, Plus 1, Partnerschaftsbonus 0.
fn halbe(m: &Monat) -> u64 {
    match m.art {
        Art::Basis => 2,
        Art::Plus => 1,
        Art::Bonus => 0,
    }
}

fn months(monate: &[Monat], art: Art) -> BTreeSet<u64> {
    monate
        .iter()
        .filter(|m| m.art == art)
        .map(|m| m.lebensmonat)
        .collect()
}

/// Whether the set is one run of consecutive numbers.
fn consecutive(set: &BTreeSet<u64>) -> bool {
    match (set.first(), set.last()) {
        (Some(a), Some(b)) => (b - a + 1) as usize == set.len(),
        _ => true,
    }
}

/// Half Monatsbetraege used by the plan, and the halves available in total.
pub fn kontingent(plan: &Plan, faults: &Faults) -> (u64, u64) {
    let genutzt = plan.elternteile.iter().flatten().map(halbe).sum();
    let alleinerziehend = plan.alleinerziehend && !faults.on(Fault::AlleinerziehendIgnored);
    // Every planned Lebensmonat counts (under `partnermonate-basis-only`
    // only Basis months make the Partnermonate available).
    let geplant = |e: &Vec<Monat>| {
        if faults.on(Fault::PartnermonateBasisOnly) {
            e.iter().filter(|m| m.art == Art::Basis).count()
        } else {
            e.len()
        }
    };
    let beide = plan.elternteile.len() == 2
        && (faults.on(Fault::PartnermonateByCount)
            || plan.elternteile.iter().all(|e| geplant(e) >= 2));
    let partnermonate = (beide && !faults.on(Fault::PartnermonateNotGranted)) || alleinerziehend;
    (genutzt, if partnermonate { 28 } else { 24 })
}

/// Checks every plan rule; `base` is the pointer of the plan object.
pub fn check(plan: &Plan, base: &str, faults: &Faults, errs: &mut Errors) {
    let alleinerziehend = plan.alleinerziehend && !faults.on(Fault::AlleinerziehendIgnored);
    let eltern = format!("{base}/elternteile");
    if alleinerziehend && plan.elternteile.len() != 1 {
        errs.push(
            &eltern,
            ELTERNTEILE_ANZAHL,
            "alleinerziehend requires exactly one Elternteil",
        );
    }
    for (i, monate) in plan.elternteile.iter().enumerate() {
        let at = format!("{eltern}/{i}");
        for (j, m) in monate.iter().enumerate() {
            if m.art == Art::Basis && m.lebensmonat > 14 && !faults.on(Fault::BasisAfter14Accepted)
            {
                errs.push(
                    &format!("{at}/monate/{j}"),
                    BASIS_NACH_LEBENSMONAT_14,
                    "Basiselterngeld only up to the 14th Lebensmonat (§ 4 Abs. 1 BEEG)",
                );
            }
        }
        if monate.len() == 1 && !faults.on(Fault::SingleMonthAccepted) {
            errs.push(
                &at,
                MINDESTBEZUG,
                "each Elternteil takes Elterngeld for none or at least two Lebensmonate (§ 4 Abs. 4 BEEG)",
            );
        }
        let eigene: u64 = monate.iter().map(halbe).sum();
        let grenze = if alleinerziehend { 28 } else { 24 };
        let geprueft = i == 0 || !faults.on(Fault::ElternteilLimitFirstParentOnly);
        if eigene > grenze && geprueft && !faults.on(Fault::ElternteilLimitNotChecked) {
            errs.push(
                &at,
                KONTINGENT_ELTERNTEIL,
                format!("one Elternteil takes at most {} Monatsbetraege", grenze / 2),
            );
        }
        let bonus = months(monate, Art::Bonus);
        if !bonus.is_empty()
            && (!(2..=4).contains(&bonus.len())
                || !(consecutive(&bonus) || faults.on(Fault::BonusConsecutiveNotChecked)))
            && !faults.on(Fault::BonusDurationNotChecked)
        {
            errs.push(
                &at,
                BONUS_ZEITRAUM,
                "Partnerschaftsbonus for 2 to 4 consecutive Lebensmonate (§ 4b BEEG)",
            );
        }
    }
    // Rules across both parents.
    let empty = Vec::new();
    let a = plan.elternteile.first().unwrap_or(&empty);
    let b = plan.elternteile.get(1).unwrap_or(&empty);
    if !alleinerziehend && !faults.on(Fault::BonusParallelNotChecked) {
        let (ba, bb) = (months(a, Art::Bonus), months(b, Art::Bonus));
        if ba != bb {
            errs.push(
                &eltern,
                BONUS_NUR_PARALLEL,
                "Partnerschaftsbonus only in Lebensmonate in which both parents take it (§ 4b BEEG)",
            );
        }
    }
    if !plan.parallel_basis_ausnahme && !faults.on(Fault::ParallelBasisUnlimited) {
        let parallel: Vec<u64> = months(a, Art::Basis)
            .intersection(&months(b, Art::Basis))
            .copied()
            .collect();
        let letzter = if faults.on(Fault::ParallelBasisBefore12) {
            11
        } else {
            12
        };
        if parallel.len() > 1 || parallel.iter().any(|m| *m > letzter) {
            errs.push(
                &eltern,
                BASIS_PARALLEL,
                "at most one Lebensmonat of parallel Basiselterngeld, within the first 12",
            );
        }
    }
    if !faults.on(Fault::PlusGapsAccepted) {
        let luecke =
            |spaet: &BTreeSet<u64>| spaet.first().is_some_and(|m| *m != 15) || !consecutive(spaet);
        let spaet = |monate: &mut dyn Iterator<Item = &Monat>| -> BTreeSet<u64> {
            monate.map(|m| m.lebensmonat).filter(|m| *m >= 15).collect()
        };
        // Both parents' months together (per parent under `plus-luecke-per-parent`).
        let verletzt = if faults.on(Fault::PlusLueckePerParent) {
            plan.elternteile
                .iter()
                .any(|e| luecke(&spaet(&mut e.iter())))
        } else {
            luecke(&spaet(&mut plan.elternteile.iter().flatten()))
        };
        if verletzt {
            errs.push(
                &eltern,
                PLUS_LUECKE,
                "after the 14th Lebensmonat only without gaps from the 15th on (§ 4 Abs. 1 BEEG)",
            );
        }
    }
    let (genutzt, verfuegbar) = kontingent(plan, faults);
    // Halves are compared exactly (whole Monatsbetraege, rounded down, under
    // `kontingent-halves-floored`).
    let genutzt = if faults.on(Fault::KontingentHalvesFloored) {
        genutzt / 2 * 2
    } else {
        genutzt
    };
    if genutzt > verfuegbar && !faults.on(Fault::KontingentNotChecked) {
        errs.push(
            &eltern,
            KONTINGENT_GESAMT,
            format!(
                "the parents have {} Monatsbetraege together",
                verfuegbar / 2
            ),
        );
    }
}
