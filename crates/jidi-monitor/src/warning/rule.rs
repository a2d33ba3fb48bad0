//! Warning rules as data. A [`Rule`] is plain serde data, so the programme office can keep its
//! rule set in a JSON or TOML file and change a threshold without a release; [`validate_rules`]
//! checks a loaded set before use. [`default_rules`] is an illustrative starting set, not
//! ministry policy.
//!
//! A rule in TOML:
//!
//! ```toml
//! [[rules]]
//! id = "rev_yoy_drop"
//! name_zh = "营业收入累计同比下降"
//! name_en = "Revenue falling year on year"
//! reset_periods = 2
//! [rules.condition]
//! kind = "threshold"
//! indicator = "m_rev"
//! measure = "yoy"
//! thresholds = { bound = "below", blue = -5.0, yellow = -10.0, orange = -20.0, red = -30.0 }
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::derive::growth::{Undefined, change_in_points, mom, yoy};
use crate::period::{MonthlySeries, Period};
use crate::warning::level::{ThresholdError, Thresholds};

/// One warning rule: what condition to check and how long a closed warning stays closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable identifier, unique in a rule set (snake case by convention).
    pub id: String,
    /// Chinese name, shown with the warning.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// After a warning closes, the number of following periods in which no new warning of this
    /// rule opens for the same base, whatever the data say (see [`crate::warning::state`]).
    #[serde(default)]
    pub reset_periods: u32,
    /// The condition.
    pub condition: Condition,
}

/// Which figure of a series a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The value itself.
    Value,
    /// Growth over the same month last year, in percent (累计同比 on a 1–N月 series).
    Yoy,
    /// Growth over the previous month, in percent (on single months only).
    Mom,
    /// Change over the same month last year in percentage points, for figures that are
    /// percentages themselves (margin, debt ratio).
    YoyPoints,
}

impl Condition {
    /// The indicator codes the condition reads, each with the name of its field (`indicator`,
    /// `inventory`, …), in field order; empty for conditions that read no series.
    pub fn indicator_fields(&self) -> Vec<(&'static str, &str)> {
        match self {
            Condition::Threshold { indicator, .. }
            | Condition::PeerRelative { indicator, .. }
            | Condition::ForecastBreach { indicator, .. }
            | Condition::TargetMiss { indicator, .. } => vec![("indicator", indicator.as_str())],
            Condition::Overcapacity {
                inventory,
                sales,
                output,
                price,
                utilisation,
                ..
            } => {
                let mut v = vec![
                    ("inventory", inventory.as_str()),
                    ("sales", sales.as_str()),
                    ("output", output.as_str()),
                ];
                v.extend(price.as_deref().map(|p| ("price", p)));
                v.extend(utilisation.as_deref().map(|u| ("utilisation", u)));
                v
            }
            Condition::LossShare {
                loss_count,
                firm_count,
                ..
            } => vec![("loss_count", loss_count), ("firm_count", firm_count)],
            Condition::LateReport { .. } => Vec::new(),
        }
    }
}

impl Measure {
    /// The measure of `series` at `period`.
    pub fn apply(self, series: &MonthlySeries, period: Period) -> Result<f64, Undefined> {
        match self {
            Measure::Value => series
                .get(&period)
                .copied()
                .filter(|v| v.is_finite())
                .ok_or(Undefined::Missing),
            Measure::Yoy => yoy(series, period),
            Measure::Mom => mom(series, period),
            Measure::YoyPoints => {
                let base = period.same_month_last_year().ok_or(Undefined::Missing)?;
                let now = series.get(&period).ok_or(Undefined::Missing)?;
                let before = series.get(&base).ok_or(Undefined::Missing)?;
                change_in_points(*now, *before)
            }
        }
    }

    /// The unit of the measure when the series is in `unit`.
    pub fn unit(self, unit: &str) -> String {
        match self {
            Measure::Value => unit.into(),
            Measure::Yoy | Measure::Mom => "%".into(),
            Measure::YoyPoints => "百分点".into(),
        }
    }

    /// How the measure reads in Chinese: `值`, `同比增速`, `环比增速`, `同比变动`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Measure::Value => "值",
            Measure::Yoy => "同比增速",
            Measure::Mom => "环比增速",
            Measure::YoyPoints => "同比变动",
        }
    }

    /// How the measure reads in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Measure::Value => "value",
            Measure::Yoy => "year-on-year growth",
            Measure::Mom => "month-on-month growth",
            Measure::YoyPoints => "year-on-year change",
        }
    }
}

/// Which side of a forecast band is a breach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Below the lower bound (a benefit indicator fell short).
    Below,
    /// Above the upper bound (a cost indicator overshot).
    Above,
    /// Either side.
    Either,
}

/// An intensity target of a year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// The intensity must fall by at least `percent` on the same period last year.
    Decline {
        /// The required fall in percent (3.0 for −3 %).
        percent: f64,
    },
    /// The intensity must not exceed `value`.
    Ceiling {
        /// The ceiling, in the indicator's unit.
        value: f64,
    },
}

/// The condition a rule checks. Every threshold set grades one figure into a level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// A measure of an indicator beyond static thresholds.
    Threshold {
        /// Indicator code in [`crate::warning::facts::Facts::series`].
        indicator: String,
        /// The measure compared.
        measure: Measure,
        /// Thresholds on the measure.
        thresholds: Thresholds,
    },
    /// The base ranks in the bottom `bottom_percent` of its peer group on a measure for several
    /// consecutive months; `months` grades the length of the run.
    PeerRelative {
        /// Indicator code in the base's and the peers' series.
        indicator: String,
        /// The measure ranked.
        measure: Measure,
        /// The bottom share that counts, in percent (20 = the bottom fifth).
        bottom_percent: f64,
        /// The smallest group (the base included) for which a rank means anything.
        min_peers: usize,
        /// Thresholds (bound `above`) on the number of consecutive months in the bottom share.
        months: Thresholds,
    },
    /// The actual value lies outside a prediction interval forecast before it arrived.
    ForecastBreach {
        /// Indicator code in the series and the forecasts.
        indicator: String,
        /// Which side is a breach.
        side: Side,
        /// Thresholds (bound `above`) on the excess: the distance outside the band in
        /// half-widths of the band (0 = just outside).
        excess: Thresholds,
    },
    /// Overcapacity signals for raw-material bases; `signals` grades how many are present.
    Overcapacity {
        /// Finished-goods inventory (month-end), e.g. `m_inventory`.
        inventory: String,
        /// Sales, e.g. `m_sales_output` (1–N月).
        sales: String,
        /// Output, e.g. `m_output_gross` (1–N月).
        output: String,
        /// A price proxy series (price index or sales value per physical unit), if collected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price: Option<String>,
        /// Capacity utilisation in percent, if collected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        utilisation: Option<String>,
        /// Inventory growth beyond sales growth that counts as a signal, in percentage points.
        inventory_gap_points: f64,
        /// Utilisation below this (percent) counts as a signal.
        utilisation_floor: f64,
        /// Thresholds (bound `above`) on the number of signals present.
        signals: Thresholds,
    },
    /// The loss-making share (亏损面 = loss-making firms / firms × 100) beyond thresholds.
    LossShare {
        /// Loss-making firms, e.g. `m_loss_ent`.
        loss_count: String,
        /// All firms, e.g. `m_ent_count`.
        firm_count: String,
        /// Thresholds (bound `above`) on the share in percent.
        thresholds: Thresholds,
    },
    /// An intensity (energy or carbon per 万元 of value added) misses its target; `shortfall`
    /// grades by how much (percentage points of decline for [`Target::Decline`], percent over
    /// the ceiling for [`Target::Ceiling`]).
    TargetMiss {
        /// Intensity series code (1–N月 basis), computed with [`crate::carbon`].
        indicator: String,
        /// The target.
        target: Target,
        /// Thresholds (bound `above`) on the shortfall.
        shortfall: Thresholds,
    },
    /// A report late or missing; `days_late` grades days past due.
    LateReport {
        /// Thresholds (bound `above`) on days past due.
        days_late: Thresholds,
    },
}

/// Why a rule or rule set is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The id is empty.
    #[error("a rule has an empty id")]
    EmptyId,
    /// Two rules share an id.
    #[error("rule id `{id}` is used twice")]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// An indicator code is empty.
    #[error("rule `{id}`: the {field} code is empty")]
    EmptyCode {
        /// The rule.
        id: String,
        /// Which field.
        field: &'static str,
    },
    /// A parameter is out of range.
    #[error("rule `{id}`: {problem}")]
    BadParameter {
        /// The rule.
        id: String,
        /// What is wrong, with the value.
        problem: String,
    },
    /// Thresholds are unusable.
    #[error("rule `{id}`, {field}: {source}")]
    Thresholds {
        /// The rule.
        id: String,
        /// Which thresholds.
        field: &'static str,
        /// What is wrong.
        source: ThresholdError,
    },
}

impl Rule {
    /// Checks the rule: a non-empty id and codes, sound thresholds (bound `above` where the
    /// figure is a count, run length or shortfall), and parameters in range.
    pub fn validate(&self) -> Result<(), RuleError> {
        let id = &self.id;
        if id.trim().is_empty() {
            return Err(RuleError::EmptyId);
        }
        let code = |field: &'static str, value: &str| {
            if value.trim().is_empty() {
                Err(RuleError::EmptyCode {
                    id: id.clone(),
                    field,
                })
            } else {
                Ok(())
            }
        };
        let thresholds = |field: &'static str, t: &Thresholds, must_be_above: bool| {
            t.validate().map_err(|source| RuleError::Thresholds {
                id: id.clone(),
                field,
                source,
            })?;
            if must_be_above && t.bound != crate::warning::level::Bound::Above {
                return Err(RuleError::BadParameter {
                    id: id.clone(),
                    problem: format!("{field} must have bound `above`"),
                });
            }
            Ok(())
        };
        let bad = |problem: String| RuleError::BadParameter {
            id: id.clone(),
            problem,
        };
        match &self.condition {
            Condition::Threshold {
                indicator,
                thresholds: t,
                ..
            } => {
                code("indicator", indicator)?;
                thresholds("thresholds", t, false)
            }
            Condition::PeerRelative {
                indicator,
                bottom_percent,
                min_peers,
                months,
                ..
            } => {
                code("indicator", indicator)?;
                if !(*bottom_percent > 0.0 && *bottom_percent < 100.0) {
                    return Err(bad(format!(
                        "bottom_percent must lie in (0, 100), got {bottom_percent}"
                    )));
                }
                if *min_peers < 2 {
                    return Err(bad(format!(
                        "min_peers must be at least 2, got {min_peers}"
                    )));
                }
                thresholds("months", months, true)
            }
            Condition::ForecastBreach {
                indicator, excess, ..
            } => {
                code("indicator", indicator)?;
                thresholds("excess", excess, true)
            }
            Condition::Overcapacity {
                inventory,
                sales,
                output,
                price,
                utilisation,
                inventory_gap_points,
                utilisation_floor,
                signals,
            } => {
                code("inventory", inventory)?;
                code("sales", sales)?;
                code("output", output)?;
                if let Some(price) = price {
                    code("price", price)?;
                }
                if let Some(utilisation) = utilisation {
                    code("utilisation", utilisation)?;
                }
                if !inventory_gap_points.is_finite() {
                    return Err(bad(format!(
                        "inventory_gap_points must be finite, got {inventory_gap_points}"
                    )));
                }
                if !(0.0..=100.0).contains(utilisation_floor) {
                    return Err(bad(format!(
                        "utilisation_floor must lie in [0, 100], got {utilisation_floor}"
                    )));
                }
                thresholds("signals", signals, true)
            }
            Condition::LossShare {
                loss_count,
                firm_count,
                thresholds: t,
            } => {
                code("loss_count", loss_count)?;
                code("firm_count", firm_count)?;
                thresholds("thresholds", t, true)
            }
            Condition::TargetMiss {
                indicator,
                target,
                shortfall,
            } => {
                code("indicator", indicator)?;
                match target {
                    Target::Decline { percent } if !(percent.is_finite() && *percent < 100.0) => {
                        return Err(bad(format!(
                            "the target decline must be finite and below 100 %, got {percent}"
                        )));
                    }
                    Target::Ceiling { value } if !(value.is_finite() && *value > 0.0) => {
                        return Err(bad(format!(
                            "the target ceiling must be positive, got {value}"
                        )));
                    }
                    _ => {}
                }
                thresholds("shortfall", shortfall, true)
            }
            Condition::LateReport { days_late } => thresholds("days_late", days_late, true),
        }
    }
}

/// Validates every rule and checks that ids are unique.
pub fn validate_rules(rules: &[Rule]) -> Result<(), RuleError> {
    let mut seen = BTreeSet::new();
    for rule in rules {
        rule.validate()?;
        if !seen.insert(rule.id.as_str()) {
            return Err(RuleError::DuplicateId {
                id: rule.id.clone(),
            });
        }
    }
    Ok(())
}

/// An illustrative rule set over the catalogue's monthly codes, one rule of each kind. The
/// thresholds are starting values for discussion with the programme office, not policy; load
/// the office's own set from its file instead.
pub fn default_rules() -> Vec<Rule> {
    use crate::warning::level::Thresholds as T;
    let rule = |id: &str, zh: &str, en: &str, reset_periods, condition| Rule {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        reset_periods,
        condition,
    };
    vec![
        rule(
            "rev_yoy_drop",
            "营业收入累计同比下降",
            "Revenue falling year on year",
            2,
            Condition::Threshold {
                indicator: "m_rev".into(),
                measure: Measure::Yoy,
                thresholds: T::below(Some(-5.0), Some(-10.0), Some(-20.0), Some(-30.0)),
            },
        ),
        rule(
            "debt_ratio_high",
            "资产负债率偏高",
            "High debt-to-asset ratio",
            2,
            Condition::Threshold {
                indicator: "m_asset_liab".into(),
                measure: Measure::Value,
                thresholds: T::above(Some(60.0), Some(65.0), Some(70.0), Some(75.0)),
            },
        ),
        rule(
            "rev_growth_peer_bottom",
            "营业收入增速连续处于同类基地后列",
            "Revenue growth in the bottom of the peer group",
            3,
            Condition::PeerRelative {
                indicator: "m_rev".into(),
                measure: Measure::Yoy,
                bottom_percent: 20.0,
                min_peers: 5,
                months: T::above(Some(2.0), Some(3.0), Some(6.0), Some(12.0)),
            },
        ),
        rule(
            "rev_below_forecast",
            "营业收入低于预测区间",
            "Revenue below its forecast interval",
            2,
            Condition::ForecastBreach {
                indicator: "m_rev".into(),
                side: Side::Below,
                excess: T::above(Some(0.0), Some(0.5), Some(1.0), Some(2.0)),
            },
        ),
        rule(
            "overcapacity",
            "产能过剩风险",
            "Overcapacity risk",
            3,
            Condition::Overcapacity {
                inventory: "m_inventory".into(),
                sales: "m_sales_output".into(),
                output: "m_output_gross".into(),
                price: None,
                utilisation: None,
                inventory_gap_points: 10.0,
                utilisation_floor: 75.0,
                signals: T::above(Some(1.0), Some(2.0), Some(3.0), None),
            },
        ),
        rule(
            "loss_share_high",
            "亏损面偏高",
            "High share of loss-making firms",
            2,
            Condition::LossShare {
                loss_count: "m_loss_ent".into(),
                firm_count: "m_ent_count".into(),
                thresholds: T::above(Some(20.0), Some(25.0), Some(30.0), Some(40.0)),
            },
        ),
        rule(
            "energy_intensity_target",
            "单位增加值能耗未达下降目标",
            "Energy intensity behind its reduction target",
            2,
            Condition::TargetMiss {
                indicator: "energy_intensity".into(),
                target: Target::Decline { percent: 3.0 },
                shortfall: T::above(Some(0.0), Some(1.0), Some(2.0), Some(4.0)),
            },
        ),
        rule(
            "late_report",
            "月报迟报或未报",
            "Monthly report late or missing",
            0,
            Condition::LateReport {
                days_late: T::above(Some(1.0), Some(5.0), Some(15.0), Some(30.0)),
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warning::level::Bound;

    #[test]
    fn the_default_rules_validate_and_survive_json() {
        let rules = default_rules();
        assert_eq!(validate_rules(&rules), Ok(()));
        let json = serde_json::to_string_pretty(&rules).unwrap();
        let back: Vec<Rule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
    }

    #[test]
    fn validation_names_the_problem() {
        let mut rules = default_rules();
        rules.push(rules[0].clone());
        assert_eq!(
            validate_rules(&rules),
            Err(RuleError::DuplicateId {
                id: "rev_yoy_drop".into()
            })
        );
        let mut rule = default_rules()[0].clone();
        rule.id = " ".into();
        assert_eq!(rule.validate(), Err(RuleError::EmptyId));

        let mut rule = default_rules()[2].clone();
        if let Condition::PeerRelative { bottom_percent, .. } = &mut rule.condition {
            *bottom_percent = 100.0;
        }
        let message = rule.validate().unwrap_err().to_string();
        assert_eq!(
            message,
            "rule `rev_growth_peer_bottom`: bottom_percent must lie in (0, 100), got 100"
        );

        let mut rule = default_rules()[7].clone();
        rule.condition = Condition::LateReport {
            days_late: Thresholds::below(Some(1.0), None, None, None),
        };
        assert!(matches!(
            rule.validate(),
            Err(RuleError::BadParameter { .. })
        ));

        let mut rule = default_rules()[0].clone();
        if let Condition::Threshold { thresholds, .. } = &mut rule.condition {
            thresholds.red = Some(0.0);
        }
        let error = rule.validate().unwrap_err();
        assert!(matches!(
            error,
            RuleError::Thresholds {
                field: "thresholds",
                ..
            }
        ));
    }

    #[test]
    fn measures() {
        let s: MonthlySeries = [("2023-03", 40.0), ("2024-02", 50.0), ("2024-03", 45.0)]
            .iter()
            .map(|(p, v)| (p.parse().unwrap(), *v))
            .collect();
        let march: Period = "2024-03".parse().unwrap();
        assert_eq!(Measure::Value.apply(&s, march), Ok(45.0));
        assert_eq!(Measure::Yoy.apply(&s, march), Ok(12.5));
        assert_eq!(Measure::Mom.apply(&s, march), Ok(-10.0));
        assert_eq!(Measure::YoyPoints.apply(&s, march), Ok(5.0));
        let april: Period = "2024-04".parse().unwrap();
        assert_eq!(Measure::Value.apply(&s, april), Err(Undefined::Missing));
        assert_eq!(Measure::Yoy.unit("亿元"), "%");
        assert_eq!(Measure::Value.unit("亿元"), "亿元");
        assert_eq!(
            Bound::Above,
            Thresholds::above(None, None, None, None).bound
        );
    }
}
