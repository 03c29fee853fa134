//! The Elterngeld calculation exactly as Elterngeld 1.0 defines it
//! (`schemas/elterngeld/1.0/openapi.yaml`, section "Berechnung"): integer
//! cents, the Ersatzrate in tenths of a percent counted in full 2-EUR steps
//! (§ 2 Abs. 1, 2 BEEG), the 2,770 EUR cap with income after the birth
//! (§ 2 Abs. 3), the 1,800 EUR maximum and 300 EUR minimum (§ 2 Abs. 1, 4),
//! Geschwisterbonus and Mehrlingszuschlag (§ 2a) and ElterngeldPlus (§ 4a).

use super::faults::Fault;
use crate::Faults;

/// Kind of a Lebensmonat in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Art {
    Basis,
    Plus,
    Bonus,
}

impl Art {
    pub fn parse(s: &str) -> Option<Art> {
        match s {
            "basis" => Some(Art::Basis),
            "plus" => Some(Art::Plus),
            "bonus" => Some(Art::Bonus),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Art::Basis => "basis",
            Art::Plus => "plus",
            Art::Bonus => "bonus",
        }
    }
}

/// The inputs that do not change from month to month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grundlagen {
    /// Monthly net income from work before the birth, in cents.
    pub einkommen_vor_geburt: u64,
    pub geschwisterbonus: bool,
    /// Children born at this birth (Mehrlinge: 2 or more).
    pub anzahl_kinder: u64,
}

const UNTERE_SCHWELLE: u64 = 100_000;
const OBERE_SCHWELLE: u64 = 120_000;
const STUFE: u64 = 200;
const DECKEL_VOR_GEBURT: u64 = 277_000;
const HOECHSTBETRAG: u64 = 180_000;
const MINDESTBETRAG: u64 = 30_000;
const GESCHWISTER_MINDESTENS: u64 = 7_500;
const MEHRLINGSZUSCHLAG: u64 = 30_000;

/// `n / d` rounded half-up (or truncated under `rounding-truncates`, or
/// half to even under `rounding-half-even`).
fn div(n: u64, d: u64, faults: &Faults) -> u64 {
    if faults.on(Fault::RoundingTruncates) {
        n / d
    } else if faults.on(Fault::RoundingHalfEven) && (n % d) * 2 == d {
        let q = n / d;
        if q.is_multiple_of(2) { q } else { q + 1 }
    } else {
        (n + d / 2) / d
    }
}

/// The Ersatzrate for a monthly income in cents, in tenths of a percent (670 = 67 %).
pub fn ersatzrate(einkommen: u64, faults: &Faults) -> u64 {
    let obere = if faults.on(Fault::DegressionFrom1000) {
        UNTERE_SCHWELLE
    } else {
        OBERE_SCHWELLE
    };
    // Steps: full 2-EUR steps, or (fault) the exact fraction rounded half-up.
    let stufen = |abstand: u64| -> u64 {
        if faults.on(Fault::PartialStepsCounted) {
            (abstand + STUFE / 2) / STUFE
        } else {
            abstand / STUFE
        }
    };
    if einkommen < UNTERE_SCHWELLE {
        let rate = 670 + stufen(UNTERE_SCHWELLE - einkommen);
        if faults.on(Fault::NoUpperRateLimit) {
            rate
        } else {
            rate.min(1000)
        }
    } else if einkommen <= obere {
        670
    } else {
        let minus = stufen(einkommen - obere);
        if faults.on(Fault::NoLowerRateLimit) {
            670u64.saturating_sub(minus)
        } else {
            670u64.saturating_sub(minus).max(650)
        }
    }
}

/// The part of the amount that stems from income (before minimum and bonuses),
/// for a month with income `nach` after the birth, rounded half-up to cents.
fn einkommensanteil(g: &Grundlagen, nach: u64, faults: &Faults) -> u64 {
    let vor = g.einkommen_vor_geburt;
    let (rate, basis) = if nach == 0 {
        (ersatzrate(vor, faults), vor)
    } else {
        let gedeckelt = if faults.on(Fault::IncomeAfterBirthUncapped) {
            vor
        } else {
            vor.min(DECKEL_VOR_GEBURT)
        };
        let differenz = gedeckelt.saturating_sub(nach);
        let rate = if faults.on(Fault::RateFromDifference) {
            ersatzrate(differenz, faults)
        } else {
            ersatzrate(vor, faults)
        };
        (rate, differenz)
    };
    div(rate * basis, 1000, faults)
}

fn mindest(betrag: u64, minimum: u64, faults: &Faults) -> u64 {
    if faults.on(Fault::NoMinimumAmount) {
        betrag
    } else {
        betrag.max(minimum)
    }
}

fn geschwister(betrag: u64, minimum: u64, faults: &Faults) -> u64 {
    let zehn = div(betrag, 10, faults);
    if faults.on(Fault::GeschwisterbonusNoMinimum) {
        zehn
    } else {
        zehn.max(minimum)
    }
}

fn mehrlinge(g: &Grundlagen, zuschlag: u64, faults: &Faults) -> u64 {
    let weitere = if faults.on(Fault::MehrlingszuschlagPerChild) {
        g.anzahl_kinder
    } else {
        g.anzahl_kinder.saturating_sub(1)
    };
    zuschlag * weitere
}

/// Basiselterngeld for a Lebensmonat with income `nach` after the birth.
pub fn basis(g: &Grundlagen, nach: u64, faults: &Faults) -> u64 {
    let mut betrag = einkommensanteil(g, nach, faults);
    if !faults.on(Fault::NoMaximumAmount) {
        betrag = betrag.min(HOECHSTBETRAG);
    }
    betrag = mindest(betrag, MINDESTBETRAG, faults);
    let bonus = if g.geschwisterbonus {
        geschwister(betrag, GESCHWISTER_MINDESTENS, faults)
    } else {
        0
    };
    betrag + bonus + mehrlinge(g, MEHRLINGSZUSCHLAG, faults)
}

/// ElterngeldPlus (also paid in Partnerschaftsbonus months) for a Lebensmonat
/// with income `nach` after the birth.
pub fn plus(g: &Grundlagen, nach: u64, faults: &Faults) -> u64 {
    let ohne = basis(g, 0, faults);
    if faults.on(Fault::PlusNotHalved) && nach == 0 {
        return ohne;
    }
    let deckel = if faults.on(Fault::PlusHalvedBeforeBonuses) {
        // Halves the amount before the bonuses and adds them in full.
        let ohne_boni = Grundlagen {
            geschwisterbonus: false,
            anzahl_kinder: 1,
            ..*g
        };
        let halb = div(basis(&ohne_boni, 0, faults), 2, faults);
        halb + (ohne - basis(&ohne_boni, 0, faults))
    } else {
        div(ohne, 2, faults)
    };
    if nach == 0 {
        return deckel;
    }
    let anteil = mindest(einkommensanteil(g, nach, faults), MINDESTBETRAG / 2, faults);
    let bonus = if g.geschwisterbonus {
        geschwister(anteil, GESCHWISTER_MINDESTENS / 2, faults)
    } else {
        0
    };
    let zuschlag = if faults.on(Fault::PlusMehrlingeFull) {
        MEHRLINGSZUSCHLAG
    } else {
        MEHRLINGSZUSCHLAG / 2
    };
    let mit_einkommen = anteil + bonus + mehrlinge(g, zuschlag, faults);
    if faults.on(Fault::PlusCapMissing) {
        mit_einkommen
    } else {
        mit_einkommen.min(deckel)
    }
}

/// The amount of one Lebensmonat.
pub fn monatsbetrag(g: &Grundlagen, art: Art, nach: u64, faults: &Faults) -> u64 {
    match art {
        Art::Basis => basis(g, nach, faults),
        Art::Plus => plus(g, nach, faults),
        Art::Bonus if faults.on(Fault::BonusAsBasis) => basis(g, nach, faults),
        Art::Bonus => plus(g, nach, faults),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(e: u64) -> Grundlagen {
        Grundlagen {
            einkommen_vor_geburt: e,
            geschwisterbonus: false,
            anzahl_kinder: 1,
        }
    }

    #[test]
    fn thresholds() {
        let f = Faults::default();
        assert_eq!(ersatzrate(99_998, &f), 670);
        assert_eq!(ersatzrate(99_800, &f), 671);
        assert_eq!(ersatzrate(120_000, &f), 670);
        assert_eq!(ersatzrate(120_200, &f), 669);
        assert_eq!(ersatzrate(124_000, &f), 650);
        assert_eq!(ersatzrate(123_998, &f), 651);
        assert_eq!(ersatzrate(0, &f), 1000);
    }

    #[test]
    fn amounts() {
        let f = Faults::default();
        assert_eq!(basis(&g(100_000), 0, &f), 67_000);
        assert_eq!(basis(&g(276_923), 0, &f), 180_000);
        assert_eq!(basis(&g(0), 0, &f), 30_000);
        assert_eq!(plus(&g(99_998), 0, &f), 33_500);
        assert_eq!(plus(&g(200_000), 50_000, &f), 65_000);
    }
}
