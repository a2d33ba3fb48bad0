//! Dynamic management (有进有出, C4): table-driven rules that turn published results, vetoes and
//! the application conditions into proposals of promotion, warning, rectification and exit. Each
//! proposal carries its reasons; the ministry (or a province, for its own tiers) accepts or rejects
//! it, and an accepted proposal changes the tier history.
//!
//! The rules are data ([`RuleSet`], TOML or JSON) so that the programme office can change
//! thresholds without a new release; [`RuleSet::standard`] is the default table.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::reference::MacroRegion;
use crate::roll::{Series, Tier};

/// What a proposal asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// Move up a tier.
    Promotion,
    /// A formal warning.
    Warning,
    /// Rectification within a deadline (限期整改).
    Rectification,
    /// Removal from the roll (摘牌).
    Exit,
}

impl ProposalKind {
    /// Every kind, the most severe first: the order of a decision-maker's queue.
    pub const BY_SEVERITY: [ProposalKind; 4] = [
        ProposalKind::Exit,
        ProposalKind::Rectification,
        ProposalKind::Warning,
        ProposalKind::Promotion,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProposalKind::Promotion => "promotion",
            ProposalKind::Warning => "warning",
            ProposalKind::Rectification => "rectification",
            ProposalKind::Exit => "exit",
        }
    }

    /// Parses [`ProposalKind::code`].
    pub fn parse(text: &str) -> Option<ProposalKind> {
        [
            ProposalKind::Promotion,
            ProposalKind::Warning,
            ProposalKind::Rectification,
            ProposalKind::Exit,
        ]
        .into_iter()
        .find(|k| k.code() == text)
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            ProposalKind::Promotion => "晋级",
            ProposalKind::Warning => "预警",
            ProposalKind::Rectification => "限期整改",
            ProposalKind::Exit => "退出（摘牌）",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            ProposalKind::Promotion => "Promotion",
            ProposalKind::Warning => "Warning",
            ProposalKind::Rectification => "Rectification",
            ProposalKind::Exit => "Exit",
        }
    }
}

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProposalStatus {
    /// Waiting for a decision.
    Pending,
    /// Accepted: a promotion or exit changed the roll.
    Accepted,
    /// Rejected.
    Rejected,
}

impl ProposalStatus {
    /// All statuses.
    pub const ALL: [ProposalStatus; 3] = [
        ProposalStatus::Pending,
        ProposalStatus::Accepted,
        ProposalStatus::Rejected,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
        }
    }

    /// Parses [`ProposalStatus::code`].
    pub fn parse(text: &str) -> Option<ProposalStatus> {
        ProposalStatus::ALL.into_iter().find(|s| s.code() == text)
    }
}

/// A decision on a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Accept it.
    Accept,
    /// Reject it.
    Reject,
}

impl Decision {
    /// The status a proposal takes.
    pub fn status(self) -> ProposalStatus {
        match self {
            Decision::Accept => ProposalStatus::Accepted,
            Decision::Reject => ProposalStatus::Rejected,
        }
    }

    /// Stable code (`accept`, `reject`), as recorded in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
        }
    }
}

/// The tier-history note of an accepted proposal, in Chinese: what it was, its number and why.
pub fn tier_change_note(kind: ProposalKind, proposal_id: i64, reason: &str) -> String {
    format!(
        "{}（第{proposal_id}号建议）：{}",
        kind.name_zh(),
        reason.trim()
    )
}

/// The kind and the typed reason of a note written by [`tier_change_note`] for `proposal_id`;
/// `None` for any other note (one typed on the roll), which is shown as stored.
pub fn tier_change_note_parts(note: &str, proposal_id: i64) -> Option<(ProposalKind, &str)> {
    let (head, reason) = note.split_once('：')?;
    let kind_zh = head.strip_suffix(&format!("（第{proposal_id}号建议）"))?;
    let kind = ProposalKind::BY_SEVERITY
        .into_iter()
        .find(|k| k.name_zh() == kind_zh)?;
    Some((kind, reason))
}

/// A condition of a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Rated at most `max_stars` in each of the last `years` published evaluations, this one
    /// included.
    LowestBand {
        /// Highest rating of the band.
        max_stars: u8,
        /// Consecutive years.
        years: u32,
    },
    /// Rated at least `min_stars` in each of the last `years` published evaluations.
    TopBand {
        /// Lowest rating of the band.
        min_stars: u8,
        /// Consecutive years.
        years: u32,
    },
    /// A one-vote veto in this year's evaluation.
    Vetoed,
    /// An accepted rectification whose deadline has passed by the end of this year, and still rated
    /// at most `max_stars`.
    RectificationFailed {
        /// Highest rating still counting as failure.
        max_stars: u8,
    },
    /// The application conditions of a national base (申报条件): for the 优势 series revenue at least
    /// `advantage_revenue` (亿元; `special_area_revenue` in the western region), a leading-industry
    /// share of at least `advantage_lead_share` % and R&D intensity of at least
    /// `advantage_rd_intensity` %; for the 特色 series a leading-industry share of at least
    /// `specialty_lead_share` %. Held at the current tier for `min_years`.
    ApplicationConditions {
        /// 优势: revenue floor, 亿元 (condition 1).
        advantage_revenue: f64,
        /// 优势 in special areas: revenue floor, 亿元 (condition 1).
        special_area_revenue: f64,
        /// 优势: leading-industry share, % (condition 2).
        advantage_lead_share: f64,
        /// 优势: R&D intensity, % (condition 7).
        advantage_rd_intensity: f64,
        /// 特色: leading-industry share, % (condition 5).
        specialty_lead_share: f64,
        /// Years at the current tier.
        min_years: u32,
    },
    /// Every threshold met, and held at the current tier for `min_years`.
    Thresholds {
        /// `indicator → minimum`.
        minimums: HashMap<String, f64>,
        /// Years at the current tier.
        min_years: u32,
    },
    /// A monitoring warning (`jidi-monitor`'s graded early warning) open at `min_level` or above
    /// for at least `months` months of the year: the months of the year at whose report the
    /// warning stood at that level, counted over one warning (not added up across warnings).
    OpenWarnings {
        /// Lowest level that counts (`orange` counts 橙 and 红 months).
        min_level: WarningLevel,
        /// Months of the year, 1–12.
        months: u32,
    },
}

/// The level of a monitoring warning, as the rules read it: 蓝 < 黄 < 橙 < 红.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    /// 蓝色.
    Blue,
    /// 黄色.
    Yellow,
    /// 橙色.
    Orange,
    /// 红色.
    Red,
}

impl WarningLevel {
    /// Every level, the mildest first.
    pub const ALL: [WarningLevel; 4] = [
        WarningLevel::Blue,
        WarningLevel::Yellow,
        WarningLevel::Orange,
        WarningLevel::Red,
    ];

    /// Stable code (`blue`, `yellow`, `orange`, `red`), as the monitoring store writes levels.
    pub fn code(self) -> &'static str {
        match self {
            WarningLevel::Blue => "blue",
            WarningLevel::Yellow => "yellow",
            WarningLevel::Orange => "orange",
            WarningLevel::Red => "red",
        }
    }

    /// Parses [`WarningLevel::code`].
    pub fn parse(text: &str) -> Option<WarningLevel> {
        WarningLevel::ALL.into_iter().find(|l| l.code() == text)
    }

    /// Chinese name: 蓝色, 黄色, 橙色, 红色.
    pub fn name_zh(self) -> &'static str {
        match self {
            WarningLevel::Blue => "蓝色",
            WarningLevel::Yellow => "黄色",
            WarningLevel::Orange => "橙色",
            WarningLevel::Red => "红色",
        }
    }
}

/// One monitoring warning of a base as the rules read it: the months of the evaluation year it
/// stood at each level.
#[derive(Clone, Debug, PartialEq)]
pub struct YearWarning {
    /// The warning's id (`monitor_warnings`).
    pub id: i64,
    /// The monitoring rule that raised it.
    pub rule_id: String,
    /// The monitoring rule's Chinese name.
    pub name_zh: String,
    /// Its English name.
    pub name_en: String,
    /// The month it opened, `YYYYMM`.
    pub opened: i32,
    /// Months of the year at each level, blue first.
    pub months: [u32; 4],
}

impl YearWarning {
    /// Months of the year at `level` or above.
    pub fn months_at_least(&self, level: WarningLevel) -> u32 {
        WarningLevel::ALL
            .iter()
            .zip(self.months)
            .filter(|(l, _)| **l >= level)
            .map(|(_, n)| n)
            .sum()
    }
}

/// A rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable code, e.g. `W1`.
    pub code: String,
    /// What it proposes.
    pub kind: ProposalKind,
    /// Tiers it examines.
    pub tiers: Vec<Tier>,
    /// Its condition.
    pub condition: Condition,
    /// Target tier of a promotion.
    #[serde(default)]
    pub to_tier: Option<Tier>,
    /// Rectification deadline: this many months after the end of the evaluation year.
    #[serde(default)]
    pub deadline_months: Option<u32>,
    /// What the rule says, in Chinese.
    pub description: String,
    /// How many of its proposals a year may carry, best ranked first (promotions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
}

/// The places of a rule in one year: candidates are ranked by the scheme's score of the bases
/// evaluated among themselves and taken in order while places remain, in the nation and in each
/// province. What a batch of designations can hold, so that the ministry decides a list it can
/// actually approve, not every base that meets the conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Places in the year.
    pub per_year: usize,
    /// Places per province (none: no provincial limit).
    #[serde(default)]
    pub per_province: Option<usize>,
}

impl Serialize for Tier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Tier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tier, D::Error> {
        let text = String::deserialize(d)?;
        Tier::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a tier")))
    }
}

/// The rules in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The rules, examined in order.
    pub rules: Vec<Rule>,
}

/// A base as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleBase {
    /// Id.
    pub id: i64,
    /// Province code.
    pub province_code: String,
    /// Current tier.
    pub tier: Tier,
    /// Series.
    pub series: Option<Series>,
    /// Date it reached its current tier.
    pub tier_since: Option<NaiveDate>,
    /// Whether it is on the roll.
    pub current: bool,
}

/// One year of a base's published evaluation history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearResult {
    /// Year.
    pub year: i32,
    /// Stars.
    pub stars: u8,
    /// Vetoed.
    pub vetoed: bool,
}

/// Everything the rules read.
pub struct RuleInput<'a> {
    /// The evaluation year.
    pub year: i32,
    /// Bases.
    pub bases: &'a [RuleBase],
    /// Published results per base, any order.
    pub history: &'a HashMap<i64, Vec<YearResult>>,
    /// The year's indicator values.
    pub values: &'a HashMap<(i64, String), f64>,
    /// Accepted rectifications: base → deadline.
    pub rectifications: &'a HashMap<i64, NaiveDate>,
    /// The scheme's score of bases below the national tier, evaluated among themselves
    /// ([`crate::evaluation::candidate_scores`]): how a rule with a quota ranks its candidates.
    pub scores: &'a HashMap<i64, f64>,
    /// The monitoring warnings open during the year, per base (read by
    /// [`Condition::OpenWarnings`]).
    pub warnings: &'a HashMap<i64, Vec<YearWarning>>,
}

/// A proposal before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalDraft {
    /// Base.
    pub base_id: i64,
    /// Evaluation year.
    pub year: i32,
    /// Kind.
    pub kind: ProposalKind,
    /// Rule code.
    pub rule: String,
    /// Tier now.
    pub from_tier: Tier,
    /// Target tier (promotions).
    pub to_tier: Option<Tier>,
    /// Deadline (rectifications).
    pub deadline: Option<NaiveDate>,
    /// Why, one reason per line, as data (written out in the viewer's language).
    pub reasons: Vec<Reason>,
}

fn years_since(since: Option<NaiveDate>, year: i32) -> u32 {
    since.map_or(0, |d| (year - d.year()).max(0) as u32)
}

impl RuleSet {
    /// The default table.
    pub fn standard() -> RuleSet {
        let national = vec![Tier::National, Tier::Excellence];
        RuleSet {
            rules: vec![
                Rule {
                    code: "E2".into(),
                    kind: ProposalKind::Exit,
                    tiers: national.clone(),
                    condition: Condition::Vetoed,
                    to_tier: None,
                    deadline_months: None,
                    description:
                        "当年发生重大及以上生产安全事故或Ⅰ、Ⅱ级突发环境事件（一票否决），建议退出"
                            .into(),
                    quota: None,
                },
                Rule {
                    code: "E1".into(),
                    kind: ProposalKind::Exit,
                    tiers: national.clone(),
                    condition: Condition::RectificationFailed { max_stars: 1 },
                    to_tier: None,
                    deadline_months: None,
                    description: "限期整改期满，评价仍处于末档，建议退出".into(),
                    quota: None,
                },
                Rule {
                    code: "R1".into(),
                    kind: ProposalKind::Rectification,
                    tiers: national.clone(),
                    condition: Condition::LowestBand {
                        max_stars: 1,
                        years: 2,
                    },
                    to_tier: None,
                    deadline_months: Some(12),
                    description: "连续两年评价处于末档（一星），建议限期一年整改".into(),
                    quota: None,
                },
                Rule {
                    code: "W1".into(),
                    kind: ProposalKind::Warning,
                    tiers: national.clone(),
                    condition: Condition::LowestBand {
                        max_stars: 1,
                        years: 1,
                    },
                    to_tier: None,
                    deadline_months: None,
                    description: "当年评价处于末档（一星），予以预警".into(),
                    quota: None,
                },
                Rule {
                    code: "P1".into(),
                    kind: ProposalKind::Promotion,
                    tiers: vec![Tier::National],
                    condition: Condition::TopBand {
                        min_stars: 5,
                        years: 3,
                    },
                    to_tier: Some(Tier::Excellence),
                    deadline_months: None,
                    description: "连续三年五星，建议纳入卓越提升计划".into(),
                    quota: None,
                },
                Rule {
                    code: "P2".into(),
                    kind: ProposalKind::Promotion,
                    tiers: vec![Tier::Provincial],
                    condition: Condition::ApplicationConditions {
                        advantage_revenue: 300.0,
                        special_area_revenue: 150.0,
                        advantage_lead_share: 50.0,
                        advantage_rd_intensity: 2.0,
                        specialty_lead_share: 70.0,
                        min_years: 2,
                    },
                    to_tier: Some(Tier::National),
                    deadline_months: None,
                    description:
                        "省级示范基地满两年且达到国家级申报条件，按评价得分择优推荐申报国家级示范基地".into(),
                    // Real batches designated 33 to 66 bases; a province recommends a few a year.
                    quota: Some(Quota {
                        per_year: 40,
                        per_province: Some(3),
                    }),
                },
                Rule {
                    code: "P3".into(),
                    kind: ProposalKind::Promotion,
                    tiers: vec![Tier::Cultivating],
                    condition: Condition::Thresholds {
                        minimums: [
                            ("rev_main".to_string(), 100.0),
                            ("lead_ind_share".to_string(), 50.0),
                        ]
                        .into_iter()
                        .collect(),
                        min_years: 2,
                    },
                    to_tier: Some(Tier::Provincial),
                    deadline_months: None,
                    description:
                        "培育满两年，营业收入达100亿元且主导产业占比达50%，建议认定为省级示范基地"
                            .into(),
                    quota: None,
                },
            ],
        }
    }

    /// Checks the table; every problem with its path.
    pub fn validate(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut codes = std::collections::HashSet::new();
        for (i, r) in self.rules.iter().enumerate() {
            if !codes.insert(r.code.as_str()) {
                errors.push(format!("rules[{i}].code: {:?} appears twice", r.code));
            }
            if r.tiers.is_empty() {
                errors.push(format!("rules[{i}].tiers: at least one tier"));
            }
            match (r.kind, r.to_tier) {
                (ProposalKind::Promotion, None) => errors.push(format!(
                    "rules[{i}].to_tier: a promotion needs a target tier"
                )),
                (ProposalKind::Promotion, Some(to)) if r.tiers.iter().any(|t| *t >= to) => errors
                    .push(format!(
                        "rules[{i}].to_tier: {} is not above every examined tier",
                        to.code()
                    )),
                (ProposalKind::Promotion, Some(_)) => {}
                (_, Some(_)) => errors.push(format!(
                    "rules[{i}].to_tier: only promotions have a target tier"
                )),
                _ => {}
            }
            if let Some(q) = &r.quota
                && (q.per_year == 0 || q.per_province == Some(0))
            {
                errors.push(format!(
                    "rules[{i}].quota: at least one place a year and per province"
                ));
            }
            if r.kind == ProposalKind::Rectification && r.deadline_months.is_none() {
                errors.push(format!(
                    "rules[{i}].deadline_months: a rectification needs a deadline"
                ));
            }
            if let Condition::OpenWarnings { months, .. } = &r.condition
                && !(1..=12).contains(months)
            {
                errors.push(format!(
                    "rules[{i}].condition.months: 1–12 months of the year, got {months}"
                ));
            }
            if let Condition::LowestBand { max_stars, years }
            | Condition::TopBand {
                min_stars: max_stars,
                years,
            } = &r.condition
                && (!(1..=5).contains(max_stars) || *years == 0)
            {
                errors.push(format!(
                    "rules[{i}].condition: stars must be 1–5 and years at least 1"
                ));
            }
        }
        errors
    }

    /// Applies the rules: at most one proposal per base and kind; an exit takes precedence over a
    /// rectification and a warning of the same base, and a rectification over a warning.
    pub fn apply(&self, input: &RuleInput<'_>) -> Vec<ProposalDraft> {
        let mut out: Vec<ProposalDraft> = Vec::new();
        for base in input.bases.iter().filter(|b| b.current) {
            let mut history: Vec<YearResult> = input
                .history
                .get(&base.id)
                .map(|h| h.iter().copied().filter(|r| r.year <= input.year).collect())
                .unwrap_or_default();
            history.sort_by_key(|r| std::cmp::Reverse(r.year));
            let this_year = history.first().filter(|r| r.year == input.year).copied();
            let mut proposed: Vec<ProposalDraft> = Vec::new();
            for rule in &self.rules {
                if !rule.tiers.contains(&base.tier) {
                    continue;
                }
                let reasons = match &rule.condition {
                    Condition::Vetoed => match this_year {
                        Some(r) if r.vetoed => Some(vec![Reason::Vetoed { year: input.year }]),
                        _ => None,
                    },
                    Condition::LowestBand { max_stars, years } => {
                        consecutive(&history, input.year, *years, |r| r.stars <= *max_stars).then(
                            || {
                                history
                                    .iter()
                                    .take(*years as usize)
                                    .map(|r| Reason::Rated {
                                        year: r.year,
                                        stars: r.stars,
                                    })
                                    .collect()
                            },
                        )
                    }
                    Condition::TopBand { min_stars, years } => {
                        consecutive(&history, input.year, *years, |r| {
                            r.stars >= *min_stars && !r.vetoed
                        })
                        .then(|| {
                            history
                                .iter()
                                .take(*years as usize)
                                .map(|r| Reason::Rated {
                                    year: r.year,
                                    stars: r.stars,
                                })
                                .collect()
                        })
                    }
                    Condition::RectificationFailed { max_stars } => {
                        match (input.rectifications.get(&base.id), this_year) {
                            (Some(deadline), Some(r))
                                if deadline.year() <= input.year && r.stars <= *max_stars =>
                            {
                                Some(vec![
                                    Reason::DeadlinePassed {
                                        deadline: *deadline,
                                    },
                                    Reason::StillRated {
                                        year: input.year,
                                        stars: r.stars,
                                    },
                                ])
                            }
                            _ => None,
                        }
                    }
                    Condition::ApplicationConditions {
                        advantage_revenue,
                        special_area_revenue,
                        advantage_lead_share,
                        advantage_rd_intensity,
                        specialty_lead_share,
                        min_years,
                    } => {
                        let held = years_since(base.tier_since, input.year);
                        let v =
                            |code: &str| input.values.get(&(base.id, code.to_string())).copied();
                        let special = MacroRegion::of_province(&base.province_code)
                            == Some(MacroRegion::West);
                        let floor = if special {
                            *special_area_revenue
                        } else {
                            *advantage_revenue
                        };
                        match (v("rev_main"), v("lead_ind_share"), v("rd_intensity")) {
                            (Some(rev), Some(share), rd) if held >= *min_years => {
                                let advantage = rev >= floor
                                    && share >= *advantage_lead_share
                                    && rd.is_some_and(|x| x >= *advantage_rd_intensity);
                                let specialty = share >= *specialty_lead_share;
                                let mut reasons = vec![Reason::Designated {
                                    tier: base.tier,
                                    years: held,
                                }];
                                if advantage {
                                    reasons.push(Reason::AdvantageRevenue {
                                        revenue: rev,
                                        floor,
                                        special_area: special,
                                    });
                                    reasons.push(Reason::LeadShare {
                                        share,
                                        min: *advantage_lead_share,
                                    });
                                    reasons.push(Reason::RdIntensity {
                                        value: rd.unwrap_or_default(),
                                        min: *advantage_rd_intensity,
                                    });
                                    Some(reasons)
                                } else if specialty {
                                    reasons.push(Reason::SpecialtyLeadShare {
                                        share,
                                        min: *specialty_lead_share,
                                    });
                                    Some(reasons)
                                } else {
                                    None
                                }
                            }
                            _ => None,
                        }
                    }
                    Condition::Thresholds {
                        minimums,
                        min_years,
                    } => {
                        let held = years_since(base.tier_since, input.year);
                        let mut reasons = vec![Reason::Listed {
                            tier: base.tier,
                            years: held,
                        }];
                        let mut ok = held >= *min_years;
                        let mut keys: Vec<&String> = minimums.keys().collect();
                        keys.sort();
                        for code in keys {
                            let min = minimums[code];
                            match input.values.get(&(base.id, code.clone())) {
                                Some(v) if *v >= min => {
                                    reasons.push(Reason::Threshold {
                                        indicator: code.clone(),
                                        value: *v,
                                        min,
                                    });
                                }
                                _ => ok = false,
                            }
                        }
                        ok.then_some(reasons)
                    }
                    Condition::OpenWarnings { min_level, months } => {
                        let reasons: Vec<Reason> = input
                            .warnings
                            .get(&base.id)
                            .into_iter()
                            .flatten()
                            .filter(|w| w.months_at_least(*min_level) >= *months)
                            .map(|w| Reason::MonitorWarning {
                                warning_id: w.id,
                                rule: w.rule_id.clone(),
                                name_zh: w.name_zh.clone(),
                                name_en: w.name_en.clone(),
                                opened: w.opened,
                                year: input.year,
                                level: *min_level,
                                months: w.months_at_least(*min_level),
                            })
                            .collect();
                        (!reasons.is_empty()).then_some(reasons)
                    }
                };
                let Some(mut reasons) = reasons else { continue };
                reasons.insert(
                    0,
                    Reason::Rule {
                        rule: rule.code.clone(),
                        description: rule.description.clone(),
                        summary_en: rule.summary_en(),
                    },
                );
                let deadline = rule.deadline_months.map(|m| {
                    let end = NaiveDate::from_ymd_opt(input.year, 12, 31).expect("valid date");
                    end.checked_add_months(chrono::Months::new(m))
                        .unwrap_or(end)
                });
                if proposed.iter().any(|p| p.kind == rule.kind) {
                    continue;
                }
                proposed.push(ProposalDraft {
                    base_id: base.id,
                    year: input.year,
                    kind: rule.kind,
                    rule: rule.code.clone(),
                    from_tier: base.tier,
                    to_tier: rule.to_tier,
                    deadline,
                    reasons,
                });
            }
            // Exit supersedes rectification and warning; rectification supersedes warning.
            let has = |k: ProposalKind| proposed.iter().any(|p| p.kind == k);
            if has(ProposalKind::Exit) {
                proposed.retain(|p| {
                    !matches!(
                        p.kind,
                        ProposalKind::Rectification
                            | ProposalKind::Warning
                            | ProposalKind::Promotion
                    )
                });
            } else if has(ProposalKind::Rectification) {
                proposed.retain(|p| p.kind != ProposalKind::Warning);
            }
            out.extend(proposed);
        }
        for rule in &self.rules {
            if let Some(quota) = rule.quota {
                out = apply_quota(out, rule, quota, input);
            }
        }
        out
    }
}

/// Keeps a rule's best-ranked proposals within its quota, and says where each kept one ranked.
fn apply_quota(
    drafts: Vec<ProposalDraft>,
    rule: &Rule,
    quota: Quota,
    input: &RuleInput<'_>,
) -> Vec<ProposalDraft> {
    let (mut candidates, mut out): (Vec<ProposalDraft>, Vec<ProposalDraft>) =
        drafts.into_iter().partition(|d| d.rule == rule.code);
    let score = |d: &ProposalDraft| input.scores.get(&d.base_id).copied();
    // Best score first; bases without a score after every scored one; then by id, so the order is
    // fixed.
    candidates.sort_by(|a, b| match (score(a), score(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.base_id.cmp(&b.base_id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.base_id.cmp(&b.base_id),
    });
    let province: HashMap<i64, &str> = input
        .bases
        .iter()
        .map(|b| (b.id, b.province_code.as_str()))
        .collect();
    let eligible = candidates.len();
    let mut per_province: HashMap<&str, usize> = HashMap::new();
    let mut kept = 0;
    for (rank, mut d) in candidates.into_iter().enumerate() {
        if kept >= quota.per_year {
            break;
        }
        let p = province.get(&d.base_id).copied().unwrap_or("");
        let used = per_province.entry(p).or_default();
        if quota.per_province.is_some_and(|limit| *used >= limit) {
            continue;
        }
        *used += 1;
        kept += 1;
        d.reasons.push(match score(&d) {
            Some(s) => Reason::QuotaRank {
                score: s,
                eligible,
                rank: rank + 1,
                per_year: quota.per_year,
                per_province: quota.per_province,
            },
            None => Reason::QuotaUnscored {
                eligible,
                per_year: quota.per_year,
            },
        });
        out.push(d);
    }
    out
}

/// Whether the last `years` published results up to `year` are consecutive years ending in `year`
/// and all satisfy `test`.
fn consecutive(
    history: &[YearResult],
    year: i32,
    years: u32,
    test: impl Fn(&YearResult) -> bool,
) -> bool {
    let needed = years as usize;
    if history.len() < needed {
        return false;
    }
    history
        .iter()
        .take(needed)
        .enumerate()
        .all(|(k, r)| r.year == year - k as i32 && test(r))
}

mod reason;

pub use reason::{Reason, StoredReason};

#[cfg(test)]
mod tests;
