//! The warning rules as the API (`/api/v1/monitoring/rules`) and the page (`/monitoring/rules`)
//! show them: a rule's view with its thresholds per level, a version's view, the outcome of a
//! save, and the 422 of a refused file. Writes go through `jidi_service::warning_rules`, which
//! reads the same TOML/JSON file the download gives.

use jidi_domain::roll::FieldError;
use jidi_monitor::warning::level::{Bound, Level, Thresholds};
use jidi_monitor::warning::rule::{Condition, Rule};
use jidi_service::warning_rules::{RuleProblem, RulesEditError, RulesInForce, RulesOutcome};
use jidi_store::WarningRulesVersion;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, FileProblem};
use crate::i18n::Lang;

/// The rules in force.
#[derive(Serialize, ToSchema)]
pub struct WarningRulesView {
    /// The saved version they come from (none: the built-in set, never edited).
    pub version: Option<WarningRulesVersionView>,
    /// The rules, in the order they run.
    pub rules: Vec<WarningRuleView>,
}

/// One saved version of the rules.
#[derive(Serialize, ToSchema)]
pub struct WarningRulesVersionView {
    /// 1, 2, …
    pub version: i64,
    /// When it was saved (RFC 3339).
    pub at: String,
    /// `cli`, `api` or `web`.
    pub source: String,
    /// The uploaded file's name, if any.
    pub file_name: String,
    /// Why it was saved.
    pub reason: String,
    /// SHA-256 of the stored rule set (canonical JSON), hex.
    pub sha256: String,
    /// Rules in it.
    pub rules: i64,
}

/// One rule, with its graded thresholds.
#[derive(Serialize, ToSchema)]
pub struct WarningRuleView {
    /// Stable id.
    pub id: String,
    /// Name in the viewer's language.
    pub name: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// `threshold`, `peer_relative`, `forecast_breach`, `overcapacity`, `loss_share`,
    /// `target_miss` or `late_report`.
    pub kind: String,
    /// The indicator codes it reads.
    pub indicators: Vec<String>,
    /// What the graded figure is (`value`, `yoy`, `months`, `excess`, `signals`, `share`,
    /// `shortfall`, `days_late`).
    pub graded: String,
    /// `above` (at or above a threshold warns) or `below`.
    pub bound: String,
    /// Thresholds by level, mildest first; a level without one is absent.
    pub thresholds: Vec<LevelThresholdView>,
    /// Periods after a warning closes in which none reopens.
    pub reset_periods: u32,
    /// The condition as the rule file holds it.
    #[schema(value_type = Object)]
    pub condition: serde_json::Value,
}

/// One level's threshold.
#[derive(Serialize, ToSchema)]
pub struct LevelThresholdView {
    /// `blue`, `yellow`, `orange` or `red`.
    pub level: String,
    /// The threshold.
    pub value: f64,
}

/// The outcome of a save.
#[derive(Serialize, ToSchema)]
pub struct WarningRulesEditResponse {
    /// `saved`, `checked` (dry run) or `unchanged`.
    pub status: String,
    /// The saved version.
    pub version: Option<WarningRulesVersionView>,
    /// Rules added.
    pub added: Vec<String>,
    /// Rules changed.
    pub changed: Vec<String>,
    /// Rules removed.
    pub removed: Vec<String>,
    /// Warnings written by the replay that followed the save.
    pub warnings_replayed: Option<usize>,
}

/// The figure a rule grades and its thresholds.
pub fn graded(condition: &Condition) -> (&'static str, &Thresholds) {
    match condition {
        Condition::Threshold {
            measure,
            thresholds,
            ..
        } => (
            match measure {
                jidi_monitor::warning::rule::Measure::Value => "value",
                jidi_monitor::warning::rule::Measure::Yoy => "yoy",
                jidi_monitor::warning::rule::Measure::Mom => "mom",
                jidi_monitor::warning::rule::Measure::YoyPoints => "yoy_points",
            },
            thresholds,
        ),
        Condition::PeerRelative { months, .. } => ("months", months),
        Condition::ForecastBreach { excess, .. } => ("excess", excess),
        Condition::Overcapacity { signals, .. } => ("signals", signals),
        Condition::LossShare { thresholds, .. } => ("share", thresholds),
        Condition::TargetMiss { shortfall, .. } => ("shortfall", shortfall),
        Condition::LateReport { days_late } => ("days_late", days_late),
    }
}

fn indicators(condition: &Condition) -> Vec<String> {
    condition
        .indicator_fields()
        .into_iter()
        .map(|(_, code)| code.to_string())
        .collect()
}

/// A rule's view.
pub fn rule_view(rule: &Rule, lang: Lang) -> WarningRuleView {
    let condition = serde_json::to_value(&rule.condition).unwrap_or(serde_json::Value::Null);
    let (graded, t) = graded(&rule.condition);
    WarningRuleView {
        id: rule.id.clone(),
        name: lang.pick(&rule.name_zh, &rule.name_en).to_string(),
        name_zh: rule.name_zh.clone(),
        name_en: rule.name_en.clone(),
        kind: condition["kind"].as_str().unwrap_or_default().to_string(),
        indicators: indicators(&rule.condition),
        graded: graded.into(),
        bound: match t.bound {
            Bound::Above => "above",
            Bound::Below => "below",
        }
        .into(),
        thresholds: Level::ALL
            .iter()
            .filter_map(|l| {
                t.get(*l).map(|value| LevelThresholdView {
                    level: l.name_en().into(),
                    value,
                })
            })
            .collect(),
        reset_periods: rule.reset_periods,
        condition,
    }
}

/// A version's view.
pub fn version_view(v: &WarningRulesVersion) -> WarningRulesVersionView {
    WarningRulesVersionView {
        version: v.version,
        at: v.at.to_rfc3339(),
        source: v.source.clone(),
        file_name: v.file_name.clone(),
        reason: v.reason.clone(),
        sha256: v.sha256.clone(),
        rules: v.rules,
    }
}

/// The rules in force as shown.
pub fn rules_view(rules: &RulesInForce, lang: Lang) -> WarningRulesView {
    WarningRulesView {
        version: rules.version.as_ref().map(version_view),
        rules: rules.rules.iter().map(|r| rule_view(r, lang)).collect(),
    }
}

/// A save's view.
pub fn edit_response(outcome: &RulesOutcome, dry_run: bool) -> WarningRulesEditResponse {
    WarningRulesEditResponse {
        status: match (&outcome.saved, dry_run) {
            (Some(_), _) => "saved",
            (None, true) => "checked",
            (None, false) => "unchanged",
        }
        .into(),
        version: outcome.saved.as_ref().map(version_view),
        added: outcome.added.clone(),
        changed: outcome.changed.clone(),
        removed: outcome.removed.clone(),
        warnings_replayed: outcome.replay.map(|r| r.warnings),
    }
}

/// The 422 of a refused rule file: every problem with its rule and field.
pub fn rejected(file: &str, problems: &[RuleProblem]) -> AppError {
    AppError::Rejected {
        code: "warning_rules_rejected",
        message: format!(
            "{} problem(s); nothing was saved: {}",
            problems.len(),
            problems
                .iter()
                .take(3)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        fields: problems
            .iter()
            .map(|p| {
                let field = match (&p.rule, &p.field) {
                    (Some(r), Some(f)) => format!("rules.{r}.{f}"),
                    (Some(r), None) => format!("rules.{r}"),
                    (None, Some(f)) => f.clone(),
                    (None, None) => "file".into(),
                };
                FieldError::new(&field, p.message.clone())
            })
            .collect(),
        problems: problems
            .iter()
            .map(|p| FileProblem {
                file: file.into(),
                row: 0,
                column: [p.rule.as_deref(), p.field.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                rule: "bad_warning_rule".into(),
                message: p.message.clone(),
            })
            .collect(),
    }
}

/// The HTTP form of a save's failure.
pub fn edit_error(e: RulesEditError) -> AppError {
    match e {
        RulesEditError::Store(s) => AppError::from(s),
        e @ RulesEditError::Replay { .. } => AppError::internal(e),
    }
}
