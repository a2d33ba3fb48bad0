//! Warning levels (蓝 blue < 黄 yellow < 橙 orange < 红 red) and the four-level thresholds that
//! grade a figure into one of them.

use serde::{Deserialize, Serialize};

/// The grade of a warning, from the mildest to the most serious, as in China's four-colour
/// warning scale (蓝色 / 黄色 / 橙色 / 红色预警). Ordered: `Blue < Yellow < Orange < Red`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 蓝色: watch.
    Blue,
    /// 黄色: attention.
    Yellow,
    /// 橙色: serious.
    Orange,
    /// 红色: most serious.
    Red,
}

impl Level {
    /// Every level, mildest first.
    pub const ALL: [Level; 4] = [Level::Blue, Level::Yellow, Level::Orange, Level::Red];

    /// `蓝色`, `黄色`, `橙色` or `红色`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Blue => "蓝色",
            Level::Yellow => "黄色",
            Level::Orange => "橙色",
            Level::Red => "红色",
        }
    }

    /// `blue`, `yellow`, `orange` or `red`.
    pub fn name_en(self) -> &'static str {
        match self {
            Level::Blue => "blue",
            Level::Yellow => "yellow",
            Level::Orange => "orange",
            Level::Red => "red",
        }
    }
}

/// Which side of a threshold is bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// A value at or above the threshold triggers (debt ratio, loss share, days late).
    Above,
    /// A value at or below the threshold triggers (revenue growth).
    Below,
}

/// Up to four thresholds on one figure, one per level; a missing level is skipped. Thresholds
/// are inclusive: with `bound = below` and `yellow = -10`, exactly −10 % is yellow.
///
/// ```
/// use jidi_monitor::warning::level::{Bound, Level, Thresholds};
///
/// let t = Thresholds { bound: Bound::Below, blue: None, yellow: Some(-10.0),
///                      orange: Some(-20.0), red: Some(-30.0) };
/// assert_eq!(t.grade(-5.0), None);
/// assert_eq!(t.grade(-10.0), Some(Level::Yellow));
/// assert_eq!(t.grade(-25.0), Some(Level::Orange));
/// assert_eq!(t.grade(-99.0), Some(Level::Red));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Which side is bad.
    pub bound: Bound,
    /// 蓝色 threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blue: Option<f64>,
    /// 黄色 threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow: Option<f64>,
    /// 橙色 threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orange: Option<f64>,
    /// 红色 threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red: Option<f64>,
}

/// Why thresholds are not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ThresholdError {
    /// No level has a threshold.
    #[error("no level has a threshold")]
    Empty,
    /// A threshold is not finite.
    #[error("the {level} threshold is not finite")]
    NonFinite {
        /// The level (English name).
        level: &'static str,
    },
    /// A more serious level's threshold is milder than a lesser one's.
    #[error(
        "the {higher} threshold {higher_value} is milder than the {lower} threshold {lower_value}"
    )]
    NotMonotone {
        /// The lesser level.
        lower: &'static str,
        /// Its threshold.
        lower_value: f64,
        /// The more serious level.
        higher: &'static str,
        /// Its threshold.
        higher_value: f64,
    },
}

impl Thresholds {
    /// Thresholds that trigger at or above the given values.
    pub fn above(
        blue: Option<f64>,
        yellow: Option<f64>,
        orange: Option<f64>,
        red: Option<f64>,
    ) -> Thresholds {
        Thresholds {
            bound: Bound::Above,
            blue,
            yellow,
            orange,
            red,
        }
    }

    /// Thresholds that trigger at or below the given values.
    pub fn below(
        blue: Option<f64>,
        yellow: Option<f64>,
        orange: Option<f64>,
        red: Option<f64>,
    ) -> Thresholds {
        Thresholds {
            bound: Bound::Below,
            blue,
            yellow,
            orange,
            red,
        }
    }

    /// The threshold of `level`, if set.
    pub fn get(&self, level: Level) -> Option<f64> {
        match level {
            Level::Blue => self.blue,
            Level::Yellow => self.yellow,
            Level::Orange => self.orange,
            Level::Red => self.red,
        }
    }

    /// Checks that at least one level is set, every threshold is finite, and more serious
    /// levels are not milder than lesser ones (equal is allowed: that level then wins).
    pub fn validate(&self) -> Result<(), ThresholdError> {
        let set: Vec<(Level, f64)> = Level::ALL
            .iter()
            .filter_map(|&l| self.get(l).map(|t| (l, t)))
            .collect();
        if set.is_empty() {
            return Err(ThresholdError::Empty);
        }
        if let Some((level, _)) = set.iter().find(|(_, t)| !t.is_finite()) {
            return Err(ThresholdError::NonFinite {
                level: level.name_en(),
            });
        }
        for pair in set.windows(2) {
            let ((lower, lower_value), (higher, higher_value)) = (pair[0], pair[1]);
            let milder = match self.bound {
                Bound::Above => higher_value < lower_value,
                Bound::Below => higher_value > lower_value,
            };
            if milder {
                return Err(ThresholdError::NotMonotone {
                    lower: lower.name_en(),
                    lower_value,
                    higher: higher.name_en(),
                    higher_value,
                });
            }
        }
        Ok(())
    }

    /// The most serious level whose threshold `value` reaches, or `None`. A non-finite value
    /// reaches none, except +∞ (above) and −∞ (below), which reach the most serious set level.
    pub fn grade(&self, value: f64) -> Option<Level> {
        if value.is_nan() {
            return None;
        }
        Level::ALL.iter().rev().copied().find(|&level| {
            self.get(level).is_some_and(|t| match self.bound {
                Bound::Above => value >= t,
                Bound::Below => value <= t,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_and_name() {
        assert!(Level::Blue < Level::Yellow && Level::Orange < Level::Red);
        assert_eq!(Level::Orange.name_zh(), "橙色");
        assert_eq!(serde_json::to_string(&Level::Red).unwrap(), "\"red\"");
    }

    #[test]
    fn grading_above_and_below() {
        let late = Thresholds::above(Some(1.0), Some(5.0), None, Some(30.0));
        let table = [
            (0.0, None),
            (1.0, Some(Level::Blue)),
            (4.9, Some(Level::Blue)),
            (5.0, Some(Level::Yellow)),
            (29.0, Some(Level::Yellow)),
            (30.0, Some(Level::Red)),
            (f64::INFINITY, Some(Level::Red)),
            (f64::NAN, None),
            (f64::NEG_INFINITY, None),
        ];
        for (value, expected) in table {
            assert_eq!(late.grade(value), expected, "{value}");
        }
        let growth = Thresholds::below(None, Some(-10.0), Some(-20.0), None);
        assert_eq!(growth.grade(-15.0), Some(Level::Yellow));
        assert_eq!(growth.grade(f64::NEG_INFINITY), Some(Level::Orange));
    }

    #[test]
    fn validation() {
        assert_eq!(
            Thresholds::above(None, None, None, None).validate(),
            Err(ThresholdError::Empty)
        );
        assert!(matches!(
            Thresholds::above(Some(f64::NAN), None, None, None).validate(),
            Err(ThresholdError::NonFinite { level: "blue" })
        ));
        assert!(matches!(
            Thresholds::above(Some(5.0), Some(3.0), None, None).validate(),
            Err(ThresholdError::NotMonotone { .. })
        ));
        assert!(matches!(
            Thresholds::below(None, Some(-10.0), None, Some(-5.0)).validate(),
            Err(ThresholdError::NotMonotone { .. })
        ));
        assert_eq!(
            Thresholds::below(Some(-5.0), Some(-5.0), None, Some(-30.0)).validate(),
            Ok(())
        );
        // Equal thresholds: the more serious level wins.
        let t = Thresholds::below(Some(-5.0), Some(-5.0), None, None);
        assert_eq!(t.grade(-5.0), Some(Level::Yellow));
    }

    #[test]
    fn serde_skips_unset_levels() {
        let t = Thresholds::below(None, Some(-10.0), None, Some(-30.0));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"bound":"below","yellow":-10.0,"red":-30.0}"#);
        assert_eq!(serde_json::from_str::<Thresholds>(&json).unwrap(), t);
    }
}
