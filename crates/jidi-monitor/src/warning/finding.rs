//! What evaluating one rule for one base and period found: clear, a warning at a level, or
//! unknown (not enough data), with the reason in Chinese and English and the figures behind it.

use serde::{Deserialize, Serialize};

use crate::derive::units::round_half_away;
use crate::warning::level::Level;

/// The verdict of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "level", rename_all = "snake_case")]
pub enum Outcome {
    /// The condition does not hold.
    Clear,
    /// The condition holds at this level.
    Warn(Level),
    /// The data needed are missing or unusable: nothing is concluded, and the warning state
    /// does not change (a missing report neither opens nor closes a warning).
    Unknown,
}

/// A figure behind a finding, e.g. the growth rate and the threshold it crossed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// What the figure is, in snake case: `value`, `yoy`, `threshold`, `run_months` …
    pub key: String,
    /// Its exact value.
    pub value: f64,
    /// Its unit: `%`, `百分点`, `个月`, `天`, or the indicator's unit.
    pub unit: String,
}

impl Figure {
    /// A figure.
    pub fn new(key: &str, value: f64, unit: &str) -> Figure {
        Figure {
            key: key.into(),
            value,
            unit: unit.into(),
        }
    }
}

/// The result of evaluating one rule for one base at one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Clear, a warning level, or unknown.
    pub outcome: Outcome,
    /// Why, in Chinese, with the figures rounded for reading.
    pub reason_zh: String,
    /// Why, in English.
    pub reason_en: String,
    /// The exact figures behind the verdict.
    pub figures: Vec<Figure>,
}

impl Evaluation {
    /// An evaluation with no figures.
    pub fn new(outcome: Outcome, reason_zh: String, reason_en: String) -> Evaluation {
        Evaluation {
            outcome,
            reason_zh,
            reason_en,
            figures: Vec::new(),
        }
    }

    /// An [`Outcome::Unknown`] evaluation.
    pub fn unknown(reason_zh: String, reason_en: String) -> Evaluation {
        Evaluation::new(Outcome::Unknown, reason_zh, reason_en)
    }

    /// The same evaluation with `figures` attached.
    pub fn with_figures(mut self, figures: Vec<Figure>) -> Evaluation {
        self.figures = figures;
        self
    }

    /// The level warned at, if any.
    pub fn level(&self) -> Option<Level> {
        match self.outcome {
            Outcome::Warn(level) => Some(level),
            _ => None,
        }
    }
}

/// A figure for a reason text: rounded half away from zero to one decimal, with no `-0.0`.
pub(crate) fn one_decimal(value: f64) -> String {
    let rounded = round_half_away(value, 1);
    if rounded == 0.0 {
        "0.0".into()
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_numbers_have_one_decimal() {
        assert_eq!(one_decimal(-12.345), "-12.3");
        assert_eq!(one_decimal(2.25), "2.3");
        assert_eq!(one_decimal(-0.04), "0.0");
        assert_eq!(one_decimal(7.0), "7.0");
    }

    #[test]
    fn outcomes_serialise_with_their_level() {
        let json = serde_json::to_string(&Outcome::Warn(Level::Orange)).unwrap();
        assert_eq!(json, r#"{"outcome":"warn","level":"orange"}"#);
        assert_eq!(
            serde_json::to_string(&Outcome::Clear).unwrap(),
            r#"{"outcome":"clear"}"#
        );
        let e = Evaluation::unknown("缺".into(), "missing".into());
        assert_eq!(e.level(), None);
        assert!(e.figures.is_empty());
    }
}
