//! The reasons of a proposal as data: each names what it found (a year's stars, a threshold met,
//! a place in a quota) with its figures, and is written out in Chinese or English when shown.
//! Proposals store these (JSON, `code` plus parameters); proposals stored before them carry lines
//! of Chinese text, read back as [`StoredReason::Text`] and shown as stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Condition, ProposalKind, Rule};
use crate::roll::Tier;

/// One reason of a proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reason {
    /// The rule that made the proposal: its code, its description as the rule table words it
    /// (Chinese, as the ministry wrote it) and the English summary generated from its condition.
    Rule {
        /// Rule code.
        rule: String,
        /// The rule table's description.
        description: String,
        /// [`Rule::summary_en`] when the proposal was made.
        summary_en: String,
    },
    /// A one-vote veto in the year's evaluation.
    Vetoed {
        /// Year.
        year: i32,
    },
    /// A year's rating.
    Rated {
        /// Year.
        year: i32,
        /// Stars.
        stars: u8,
    },
    /// A rectification deadline has passed.
    DeadlinePassed {
        /// The deadline.
        deadline: NaiveDate,
    },
    /// Still rated this low after the deadline.
    StillRated {
        /// Year.
        year: i32,
        /// Stars.
        stars: u8,
    },
    /// Designated at a tier for some years (application conditions).
    Designated {
        /// Tier.
        tier: Tier,
        /// Full years.
        years: u32,
    },
    /// Listed at a tier for some years (thresholds).
    Listed {
        /// Tier.
        tier: Tier,
        /// Full years.
        years: u32,
    },
    /// 优势 series: revenue at or above the floor.
    AdvantageRevenue {
        /// Revenue, 亿元.
        revenue: f64,
        /// Floor, 亿元.
        floor: f64,
        /// Whether the floor is that of special areas (the western region).
        special_area: bool,
    },
    /// 优势 series: leading-industry share at or above the floor.
    LeadShare {
        /// Share, %.
        share: f64,
        /// Floor, %.
        min: f64,
    },
    /// 优势 series: R&D intensity at or above the floor.
    RdIntensity {
        /// Intensity, %.
        value: f64,
        /// Floor, %.
        min: f64,
    },
    /// 特色 series: leading-industry share at or above the floor.
    SpecialtyLeadShare {
        /// Share, %.
        share: f64,
        /// Floor, %.
        min: f64,
    },
    /// An indicator at or above its threshold.
    Threshold {
        /// Indicator code.
        indicator: String,
        /// Value.
        value: f64,
        /// Threshold.
        min: f64,
    },
    /// The candidate's place in a rule's quota.
    QuotaRank {
        /// The scheme's score.
        score: f64,
        /// Candidates meeting the conditions.
        eligible: usize,
        /// Place among them, from 1.
        rank: usize,
        /// Places in the year.
        per_year: usize,
        /// Places per province.
        per_province: Option<usize>,
    },
    /// A monitoring warning open at a level or above for months of the year.
    MonitorWarning {
        /// The warning's id.
        warning_id: i64,
        /// The monitoring rule that raised it.
        rule: String,
        /// The monitoring rule's Chinese name.
        name_zh: String,
        /// Its English name.
        name_en: String,
        /// The month it opened, `YYYYMM`.
        opened: i32,
        /// The year counted.
        year: i32,
        /// The lowest level counted.
        level: super::WarningLevel,
        /// Months of the year at that level or above.
        months: u32,
    },
    /// A candidate without a score, after every scored one.
    QuotaUnscored {
        /// Candidates meeting the conditions.
        eligible: usize,
        /// Places in the year.
        per_year: usize,
    },
}

fn indicator_names(code: &str) -> (&str, &str) {
    crate::catalogue::indicator(code)
        .map_or((code, code), |i| (i.name_zh.as_str(), i.name_en.as_str()))
}

impl Reason {
    /// The reason in Chinese (the wording proposals have always had).
    pub fn zh(&self) -> String {
        match self {
            Reason::Rule {
                rule, description, ..
            } => format!("规则{rule}：{description}"),
            Reason::Vetoed { year } => format!("{year}年评价触发一票否决"),
            Reason::Rated { year, stars } => format!("{year}年评价{stars}星"),
            Reason::DeadlinePassed { deadline } => format!("整改期限{deadline}已到"),
            Reason::StillRated { year, stars } => format!("{year}年评价仍为{stars}星"),
            Reason::Designated { tier, years } => {
                format!("已认定为{}示范基地{years}年", tier.name_zh())
            }
            Reason::Listed { tier, years } => format!("已列入{}名单{years}年", tier.name_zh()),
            Reason::AdvantageRevenue {
                revenue,
                floor,
                special_area,
            } => format!(
                "优势类条件：营业收入{revenue:.1}亿元 ≥ {floor}亿元{}",
                if *special_area {
                    "（特殊类型地区）"
                } else {
                    ""
                }
            ),
            Reason::LeadShare { share, min } => format!("主导产业占比{share:.1}% ≥ {min}%"),
            Reason::RdIntensity { value, min } => format!("研发投入强度{value:.2}% ≥ {min}%"),
            Reason::SpecialtyLeadShare { share, min } => {
                format!("特色类条件：主导产业占比{share:.1}% ≥ {min}%")
            }
            Reason::Threshold {
                indicator,
                value,
                min,
            } => format!("{} {value:.1} ≥ {min}", indicator_names(indicator).0),
            Reason::QuotaRank {
                score,
                eligible,
                rank,
                per_year,
                per_province,
            } => format!(
                "评价得分{score:.1}，在{eligible}个符合条件的基地中排第{rank}名（名额：全国{per_year}个{}）",
                per_province.map_or(String::new(), |n| format!("、每省{n}个"))
            ),
            Reason::MonitorWarning {
                warning_id,
                name_zh,
                opened,
                year,
                level,
                months,
                ..
            } => format!(
                "监测预警“{name_zh}”（第{warning_id}号，{}年{}月开启）{year}年处于{}及以上{months}个月",
                opened / 100,
                opened % 100,
                level.name_zh()
            ),
            Reason::QuotaUnscored { eligible, per_year } => format!(
                "无评价得分，排在有得分的基地之后（{eligible}个符合条件，全国名额{per_year}个）"
            ),
        }
    }

    /// The reason in English, from the same figures.
    pub fn en(&self) -> String {
        match self {
            Reason::Rule {
                rule, summary_en, ..
            } => format!("Rule {rule}: {summary_en}"),
            Reason::Vetoed { year } => format!("one-vote veto in the {year} evaluation"),
            Reason::Rated { year, stars } => format!("rated {stars}★ in {year}"),
            Reason::DeadlinePassed { deadline } => {
                format!("the rectification deadline {deadline} has passed")
            }
            Reason::StillRated { year, stars } => format!("still rated {stars}★ in {year}"),
            Reason::Designated { tier, years } => {
                format!("designated a {} base for {years} years", tier.name_en())
            }
            Reason::Listed { tier, years } => {
                format!("on the {} list for {years} years", tier.name_en())
            }
            Reason::AdvantageRevenue {
                revenue,
                floor,
                special_area,
            } => format!(
                "advantage series: revenue {revenue:.1} ≥ {floor} (100 million yuan){}",
                if *special_area { ", special area" } else { "" }
            ),
            Reason::LeadShare { share, min } => {
                format!("leading-industry share {share:.1}% ≥ {min}%")
            }
            Reason::RdIntensity { value, min } => format!("R&D intensity {value:.2}% ≥ {min}%"),
            Reason::SpecialtyLeadShare { share, min } => {
                format!("specialty series: leading-industry share {share:.1}% ≥ {min}%")
            }
            Reason::Threshold {
                indicator,
                value,
                min,
            } => format!("{} {value:.1} ≥ {min}", indicator_names(indicator).1),
            Reason::QuotaRank {
                score,
                eligible,
                rank,
                per_year,
                per_province,
            } => format!(
                "score {score:.1}, ranked {rank} of {eligible} eligible bases (places: {per_year} nationally{})",
                per_province.map_or(String::new(), |n| format!(", {n} per province"))
            ),
            Reason::MonitorWarning {
                warning_id,
                name_en,
                opened,
                year,
                level,
                months,
                ..
            } => format!(
                "monitoring warning \"{name_en}\" (no. {warning_id}, opened {}-{:02}) at {} or above for {months} months of {year}",
                opened / 100,
                opened % 100,
                level.code()
            ),
            Reason::QuotaUnscored { eligible, per_year } => format!(
                "no score, ranked after every scored base ({eligible} eligible, {per_year} places nationally)"
            ),
        }
    }
}

/// A reason as stored: data, or a line of Chinese text from before reasons were data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StoredReason {
    /// A reason as data.
    Data(Reason),
    /// A line of text, shown as stored.
    Text(String),
    /// Anything else (a reason written by a later version with fields this one does not know):
    /// shown as its JSON text rather than failing the whole proposal.
    Other(serde_json::Value),
}

impl StoredReason {
    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            StoredReason::Data(r) => r.zh(),
            StoredReason::Text(t) => t.clone(),
            StoredReason::Other(v) => v.to_string(),
        }
    }

    /// The reason in English, or `None` for a line of text, which has no English form.
    pub fn en(&self) -> Option<String> {
        match self {
            StoredReason::Data(r) => Some(r.en()),
            StoredReason::Text(_) | StoredReason::Other(_) => None,
        }
    }
}

impl From<Reason> for StoredReason {
    fn from(r: Reason) -> StoredReason {
        StoredReason::Data(r)
    }
}

fn stars_en(n: u8) -> String {
    format!("{n}★")
}

impl Rule {
    /// What the rule does, in English, generated from its condition, kind and target (the rule
    /// table's description is the ministry's Chinese wording).
    pub fn summary_en(&self) -> String {
        let when = match &self.condition {
            Condition::Vetoed => "a one-vote veto in the year's evaluation".to_string(),
            Condition::LowestBand {
                max_stars,
                years: 1,
            } => format!("rated at most {} this year", stars_en(*max_stars)),
            Condition::LowestBand { max_stars, years } => format!(
                "rated at most {} in each of the last {years} years",
                stars_en(*max_stars)
            ),
            Condition::TopBand {
                min_stars,
                years: 1,
            } => format!("rated at least {} this year", stars_en(*min_stars)),
            Condition::TopBand { min_stars, years } => format!(
                "rated at least {} in each of the last {years} years",
                stars_en(*min_stars)
            ),
            Condition::RectificationFailed { max_stars } => format!(
                "the rectification deadline has passed and the base is still rated at most {}",
                stars_en(*max_stars)
            ),
            Condition::ApplicationConditions {
                advantage_revenue,
                special_area_revenue,
                advantage_lead_share,
                advantage_rd_intensity,
                specialty_lead_share,
                min_years,
            } => format!(
                "meets the application conditions of a national base (advantage series: revenue ≥ {advantage_revenue} ({special_area_revenue} in special areas) 100 million yuan, leading industry ≥ {advantage_lead_share}%, R&D intensity ≥ {advantage_rd_intensity}%; specialty series: leading industry ≥ {specialty_lead_share}%) after {min_years} years at its tier"
            ),
            Condition::Thresholds {
                minimums,
                min_years,
            } => {
                let mut codes: Vec<&String> = minimums.keys().collect();
                codes.sort();
                let list: Vec<String> = codes
                    .iter()
                    .map(|c| format!("{} ≥ {}", indicator_names(c).1, minimums[*c]))
                    .collect();
                format!("{} after {min_years} years at its tier", list.join(", "))
            }
            Condition::OpenWarnings {
                min_level,
                months: 1,
            } => format!(
                "a monitoring warning at {} or above in one month of the year",
                min_level.code()
            ),
            Condition::OpenWarnings { min_level, months } => format!(
                "a monitoring warning at {} or above for at least {months} months of the year",
                min_level.code()
            ),
        };
        let what = match (self.kind, self.to_tier, self.deadline_months) {
            (ProposalKind::Promotion, Some(to), _) => format!("promotion to {}", to.name_en()),
            (ProposalKind::Rectification, _, Some(m)) => {
                format!("rectification within {m} months")
            }
            (kind, _, _) => kind.name_en().to_lowercase(),
        };
        format!("{when}; proposes {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_back_from_data_and_from_old_text() {
        let stored: Vec<StoredReason> =
            serde_json::from_str(r#"[{"code":"rated","year":2024,"stars":1},"2023年评价1星"]"#)
                .unwrap();
        assert_eq!(stored[0].zh(), "2024年评价1星");
        assert_eq!(stored[0].en().as_deref(), Some("rated 1★ in 2024"));
        assert_eq!(stored[1].zh(), "2023年评价1星");
        assert_eq!(stored[1].en(), None);
        let round: Vec<StoredReason> =
            serde_json::from_str(&serde_json::to_string(&stored).unwrap()).unwrap();
        assert_eq!(round, stored);
        // A reason with a field this version does not know, or not an object at all, reads back
        // as its JSON text instead of failing the proposal.
        let odd: Vec<StoredReason> =
            serde_json::from_str(r#"[{"code":"rated","year":2024,"stars":1,"new":true},7]"#)
                .unwrap();
        assert!(matches!(odd[0], StoredReason::Other(_)), "{odd:?}");
        assert_eq!(odd[1].zh(), "7");
        assert_eq!(odd[0].en(), None);
    }

    #[test]
    fn every_standard_rule_has_an_english_summary() {
        for rule in super::super::RuleSet::standard().rules {
            let s = rule.summary_en();
            assert!(s.is_ascii() || s.contains('★') || s.contains('≥'), "{s}");
            assert!(
                !s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{s}"
            );
        }
    }
}
