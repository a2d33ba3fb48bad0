//! The ministry's warning rules as data: read, checked and saved as numbered versions, each save
//! replaying every warning. `jidi-monitor` defines the rules and [`validate_rules`]'s checks;
//! this module adds what a file from outside needs (size, encoding, NUL, absurd magnitudes,
//! identifier shapes), reads and writes TOML and JSON, and keeps the store in step. The API,
//! the rules page and (later) the command line come through here.

use std::collections::{BTreeMap, BTreeSet};

use jidi_monitor::warning::level::Thresholds;
use jidi_monitor::warning::rule::{Condition, Rule, Target};
use jidi_store::{NewWarningRules, Store, StoreError, WarningRulesVersion};
use serde::{Deserialize, Serialize};

use crate::monitoring::{MonitoringError, RefreshReport};

/// Largest rule file accepted, in bytes: the default set is 3 KB as JSON.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Most rules in a set: each is replayed for every base and month.
pub const MAX_RULES: usize = 200;
/// Largest magnitude of a threshold or parameter: no indicator of the catalogue comes near it, and
/// a larger one is a typing slip (or an attempt to overflow a comparison).
pub const MAX_MAGNITUDE: f64 = 1e9;
/// Longest reset period in months (ten years).
pub const MAX_RESET_PERIODS: u32 = 120;
/// Longest rule id or indicator code.
pub const MAX_CODE: usize = 64;
/// Longest rule name.
pub const MAX_NAME: usize = 200;
/// Longest reason of a save.
pub const MAX_REASON: usize = 2_000;

/// A rule file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    /// `[[rules]]` tables, as `jidi-monitor/data/example_rules.toml`.
    Toml,
    /// `{"rules": [...]}` (a bare array is read too).
    Json,
}

impl RulesFormat {
    /// `toml` or `json`.
    pub fn parse(text: &str) -> Option<RulesFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "toml" => Some(RulesFormat::Toml),
            "json" => Some(RulesFormat::Json),
            _ => None,
        }
    }

    /// `toml` or `json`.
    pub fn code(self) -> &'static str {
        match self {
            RulesFormat::Toml => "toml",
            RulesFormat::Json => "json",
        }
    }

    /// The format of a file: by its extension, else by its first non-blank character (JSON opens
    /// with `{` or `[`; `[[rules]]` is TOML).
    pub fn of_file(name: &str, text: &str) -> RulesFormat {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            return RulesFormat::Json;
        }
        if lower.ends_with(".toml") {
            return RulesFormat::Toml;
        }
        let start = text.trim_start();
        if start.starts_with('{') || (start.starts_with('[') && !start.starts_with("[[")) {
            RulesFormat::Json
        } else {
            RulesFormat::Toml
        }
    }
}

/// A problem of a rule file or rule, naming the rule (by id, or position when it has none) and
/// the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleProblem {
    /// The rule's id, or `#n` (1-based) when it has none; none for the file as a whole.
    pub rule: Option<String>,
    /// The field, e.g. `condition.thresholds`.
    pub field: Option<String>,
    /// What is wrong, with the value.
    pub message: String,
}

impl std::fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.rule, &self.field) {
            (Some(r), Some(field)) => write!(f, "rule `{r}`, {field}: {}", self.message),
            (Some(r), None) => write!(f, "rule `{r}`: {}", self.message),
            (None, Some(field)) => write!(f, "{field}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

fn problem(rule: Option<&str>, field: Option<&str>, message: impl Into<String>) -> RuleProblem {
    RuleProblem {
        rule: rule.map(str::to_string),
        field: field.map(str::to_string),
        message: message.into(),
    }
}

/// The file shape: one table holding the rules, so that the file may grow other keys later.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonRules {
    File(RuleFile),
    Bare(Vec<Rule>),
}

/// Reads a rule file (TOML or JSON, UTF-8) and checks every rule; every problem is listed, and
/// a file with any is refused whole.
pub fn parse_rules(file_name: &str, bytes: &[u8]) -> Result<Vec<Rule>, Vec<RuleProblem>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![problem(
            None,
            None,
            format!(
                "the file has {} bytes; at most {MAX_FILE_BYTES} are accepted",
                bytes.len()
            ),
        )]);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![problem(
            None,
            None,
            format!(
                "the file is not UTF-8 (byte {} is not)",
                e.valid_up_to() + 1
            ),
        )]
    })?;
    if let Some(at) = text.find('\0') {
        return Err(vec![problem(
            None,
            None,
            format!("the file holds a NUL character at byte {}", at + 1),
        )]);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rules = match RulesFormat::of_file(file_name, text) {
        RulesFormat::Toml => toml::from_str::<RuleFile>(text)
            .map(|f| f.rules)
            .map_err(|e| format!("TOML: {}", e.to_string().trim_end())),
        RulesFormat::Json => serde_json::from_str::<JsonRules>(text)
            .map(|r| match r {
                JsonRules::File(f) => f.rules,
                JsonRules::Bare(rules) => rules,
            })
            .map_err(|_| {
                // The untagged enum hides the position: read again as the file shape for it.
                match serde_json::from_str::<RuleFile>(text) {
                    Err(e) => format!("JSON: {e}"),
                    Ok(_) => "JSON: not a rule file".into(),
                }
            }),
    }
    .map_err(|message| vec![problem(None, None, message)])?;
    let problems = check_rules(&rules);
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

/// Every problem of a rule set: [`Rule::validate`]'s checks for each rule, duplicate ids, and
/// the limits of this module.
pub fn check_rules(rules: &[Rule]) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    if rules.len() > MAX_RULES {
        out.push(problem(
            None,
            None,
            format!(
                "the set has {} rules; at most {MAX_RULES} are accepted",
                rules.len()
            ),
        ));
        return out;
    }
    let mut seen = BTreeSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let name = if rule.id.trim().is_empty() {
            format!("#{}", i + 1)
        } else {
            rule.id.chars().take(MAX_CODE).collect()
        };
        let at = |field: &str, message: String| problem(Some(&name), Some(field), message);
        let before = out.len();
        if !is_code(&rule.id) {
            out.push(at(
                "id",
                format!(
                    "must be 1–{MAX_CODE} characters of a–z, 0–9 and _ starting with a letter, got {:?}",
                    rule.id.chars().take(MAX_CODE + 1).collect::<String>()
                ),
            ));
        } else if !seen.insert(rule.id.as_str()) {
            out.push(at("id", "is used by an earlier rule too".into()));
        }
        for (field, text) in [("name_zh", &rule.name_zh), ("name_en", &rule.name_en)] {
            if text.trim().is_empty()
                || text.chars().count() > MAX_NAME
                || text.chars().any(char::is_control)
            {
                out.push(at(
                    field,
                    format!("must be 1–{MAX_NAME} characters without control characters"),
                ));
            }
        }
        if rule.reset_periods > MAX_RESET_PERIODS {
            out.push(at(
                "reset_periods",
                format!(
                    "must be at most {MAX_RESET_PERIODS} months, got {}",
                    rule.reset_periods
                ),
            ));
        }
        for (field, code) in rule.condition.indicator_fields() {
            if !code.trim().is_empty() && !is_code(code) {
                out.push(at(
                    &format!("condition.{field}"),
                    format!(
                        "must be an indicator code (1–{MAX_CODE} characters of a–z, 0–9 and _), got {:?}",
                        code.chars().take(MAX_CODE + 1).collect::<String>()
                    ),
                ));
            }
        }
        for (field, value) in magnitudes(&rule.condition) {
            if value.is_finite() && value.abs() > MAX_MAGNITUDE {
                out.push(at(
                    &format!("condition.{field}"),
                    format!("{value:e} is beyond ±{MAX_MAGNITUDE:e}"),
                ));
            }
        }
        if let Condition::PeerRelative { min_peers, .. } = &rule.condition
            && *min_peers > 10_000
        {
            out.push(at(
                "condition.min_peers",
                format!("must be at most 10000, got {min_peers}"),
            ));
        }
        // The monitor's own checks, once the shapes above are sound (they name the field too).
        if out.len() == before
            && let Err(e) = rule.validate()
        {
            out.push(problem(
                Some(&name),
                None,
                strip_rule_prefix(&e.to_string()),
            ));
        }
    }
    out
}

/// `rule `x`: message` → `message` (the problem names the rule already).
fn strip_rule_prefix(text: &str) -> String {
    match text.strip_prefix("rule `").and_then(|r| r.split_once('`')) {
        Some((_, rest)) => rest.trim_start_matches([',', ':', ' ']).to_string(),
        None => text.to_string(),
    }
}

fn is_code(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= MAX_CODE
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn threshold_values(field: &'static str, t: &Thresholds) -> Vec<(String, f64)> {
    [
        ("blue", t.blue),
        ("yellow", t.yellow),
        ("orange", t.orange),
        ("red", t.red),
    ]
    .into_iter()
    .filter_map(|(level, v)| v.map(|v| (format!("{field}.{level}"), v)))
    .collect()
}

fn magnitudes(c: &Condition) -> Vec<(String, f64)> {
    match c {
        Condition::Threshold { thresholds, .. } | Condition::LossShare { thresholds, .. } => {
            threshold_values("thresholds", thresholds)
        }
        Condition::PeerRelative { months, .. } => threshold_values("months", months),
        Condition::ForecastBreach { excess, .. } => threshold_values("excess", excess),
        Condition::Overcapacity {
            inventory_gap_points,
            signals,
            ..
        } => {
            let mut v = threshold_values("signals", signals);
            v.push(("inventory_gap_points".into(), *inventory_gap_points));
            v
        }
        Condition::TargetMiss {
            target, shortfall, ..
        } => {
            let mut v = threshold_values("shortfall", shortfall);
            v.push(match target {
                Target::Decline { percent } => ("target.percent".into(), *percent),
                Target::Ceiling { value } => ("target.value".into(), *value),
            });
            v
        }
        Condition::LateReport { days_late } => threshold_values("days_late", days_late),
    }
}

/// The rules as a file of `format`: what the download gives and the upload reads back.
pub fn write_rules(rules: &[Rule], format: RulesFormat) -> String {
    let file = RuleFile {
        rules: rules.to_vec(),
    };
    match format {
        RulesFormat::Toml => toml::to_string(&file).expect("rules serialise to TOML"),
        RulesFormat::Json => {
            serde_json::to_string_pretty(&file).expect("rules serialise to JSON") + "\n"
        }
    }
}

/// The rules in force and the version they come from (none: the built-in set).
#[derive(Clone, Debug, PartialEq)]
pub struct RulesInForce {
    /// The saved version, if any was ever saved.
    pub version: Option<WarningRulesVersion>,
    /// The rules, in the order they are run.
    pub rules: Vec<Rule>,
}

impl RulesInForce {
    /// The rule with id `id`.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The version number edits are made on (0: the built-in set).
    pub fn number(&self) -> i64 {
        self.version.as_ref().map_or(0, |v| v.version)
    }
}

/// The rules in force: the latest saved version, or the built-in set
/// ([`crate::monitoring::warning_rules`]) when none was saved.
pub async fn in_force(store: &Store) -> Result<RulesInForce, StoreError> {
    match store.current_warning_rules().await? {
        None => Ok(RulesInForce {
            version: None,
            rules: crate::monitoring::warning_rules(),
        }),
        Some((version, content)) => {
            let rules = read_stored(&version, &content)?;
            Ok(RulesInForce {
                version: Some(version),
                rules,
            })
        }
    }
}

/// The rules of a saved version.
pub async fn at_version(store: &Store, version: i64) -> Result<Option<RulesInForce>, StoreError> {
    let Some((version, content)) = store.warning_rules_at(version).await? else {
        return Ok(None);
    };
    let rules = read_stored(&version, &content)?;
    Ok(Some(RulesInForce {
        version: Some(version),
        rules,
    }))
}

fn read_stored(version: &WarningRulesVersion, content: &str) -> Result<Vec<Rule>, StoreError> {
    serde_json::from_str::<RuleFile>(content)
        .map(|f| f.rules)
        .map_err(|e| {
            StoreError::Invalid(format!(
                "warning rules version {} do not read back: {e}",
                version.version
            ))
        })
}

/// Who saves, and how.
#[derive(Clone, Debug)]
pub struct RulesEdit {
    /// The user (none: the command line).
    pub user_id: Option<i64>,
    /// `cli`, `api` or `web`.
    pub source: &'static str,
    /// Why (required).
    pub reason: String,
    /// The version the edit was made on (0: the built-in set; `None`: whatever is current).
    pub based_on: Option<i64>,
    /// Check only; save nothing.
    pub dry_run: bool,
}

/// What a save did.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesOutcome {
    /// Every problem (nothing was saved when there are any).
    pub problems: Vec<RuleProblem>,
    /// Ids of the rules added, changed and removed against the rules in force.
    pub added: Vec<String>,
    /// Changed.
    pub changed: Vec<String>,
    /// Removed.
    pub removed: Vec<String>,
    /// The saved version (none: refused, a dry run, or nothing changed).
    pub saved: Option<WarningRulesVersion>,
    /// The replay of every warning that followed the save.
    pub replay: Option<RefreshReport>,
}

/// Why a save could not be checked or finished.
#[derive(Debug, thiserror::Error)]
pub enum RulesEditError {
    /// The store failed, or another version was saved meanwhile (a conflict).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The rules were saved but replaying the warnings failed; the next accepted batch or a
    /// rebuild replays them.
    #[error("the rules were saved as version {version}, but replaying the warnings failed")]
    Replay {
        /// The saved version.
        version: i64,
        /// Why.
        #[source]
        source: MonitoringError,
    },
}

fn refused(problems: Vec<RuleProblem>) -> RulesOutcome {
    RulesOutcome {
        problems,
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        saved: None,
        replay: None,
    }
}

/// Reads a rule file and saves it ([`save_rules`]), or refuses it with every problem.
pub async fn import_rules(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    how: &RulesEdit,
) -> Result<RulesOutcome, RulesEditError> {
    match parse_rules(file_name, bytes) {
        Ok(rules) => save_rules(store, rules, file_name, how).await,
        Err(problems) => Ok(refused(problems)),
    }
}

/// Checks `rules` and saves them as the next version with an audit entry, then replays every
/// warning with them (the full rebuild; its computation runs on the heavy-work threads). Nothing
/// is saved when there is any problem, on a dry run, or when nothing changed.
pub async fn save_rules(
    store: &Store,
    rules: Vec<Rule>,
    file_name: &str,
    how: &RulesEdit,
) -> Result<RulesOutcome, RulesEditError> {
    let mut problems = check_rules(&rules);
    let reason = how.reason.trim();
    if reason.is_empty()
        || reason.chars().count() > MAX_REASON
        || reason
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        problems.push(problem(
            None,
            Some("reason"),
            format!("a reason is required: 1–{MAX_REASON} characters without control characters"),
        ));
    }
    if !problems.is_empty() {
        return Ok(refused(problems));
    }
    let current = in_force(store).await?;
    if let Some(based_on) = how.based_on
        && based_on != current.number()
    {
        return Err(StoreError::Conflict(format!(
            "the warning rules changed meanwhile (version {} is current, the edit was made on version {based_on}): reload and edit again",
            current.number()
        ))
        .into());
    }
    let old: BTreeMap<&str, &Rule> = current.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let new: BTreeMap<&str, &Rule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let added: Vec<String> = new
        .keys()
        .filter(|id| !old.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let removed: Vec<String> = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let changed: Vec<String> = new
        .iter()
        .filter(|(id, r)| old.get(*id).is_some_and(|o| o != *r))
        .map(|(id, _)| id.to_string())
        .collect();
    // The order of the rules is the order the pages list them in: a reordering is a change too.
    let same = current.version.is_some() && current.rules == rules;
    let mut outcome = RulesOutcome {
        problems,
        added,
        changed,
        removed,
        saved: None,
        replay: None,
    };
    if how.dry_run || same {
        return Ok(outcome);
    }
    let content = serde_json::to_string(&RuleFile {
        rules: rules.clone(),
    })
    .expect("rules serialise to JSON");
    let saved = store
        .save_warning_rules(
            &NewWarningRules {
                content: &content,
                rules: rules.len(),
                based_on: current.number(),
                source: how.source,
                file_name: file_name
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(200)
                    .collect(),
                reason: reason.to_string(),
                detail: serde_json::json!({
                    "added": outcome.added,
                    "changed": outcome.changed,
                    "removed": outcome.removed,
                }),
            },
            how.user_id,
        )
        .await?;
    let version = saved.version;
    outcome.saved = Some(saved);
    outcome.replay = Some(
        crate::monitoring::rebuild_all(store)
            .await
            .map_err(|source| RulesEditError::Replay { version, source })?,
    );
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Vec<Rule> {
        jidi_monitor::warning::rule::default_rules()
    }

    #[test]
    fn both_formats_read_back_what_they_write() {
        for format in [RulesFormat::Toml, RulesFormat::Json] {
            let text = write_rules(&defaults(), format);
            let name = format!("rules.{}", format.code());
            assert_eq!(parse_rules(&name, text.as_bytes()), Ok(defaults()));
            // Without an extension the content tells.
            assert_eq!(parse_rules("upload", text.as_bytes()), Ok(defaults()));
        }
        let bare = serde_json::to_string(&defaults()).unwrap();
        assert_eq!(parse_rules("x.json", bare.as_bytes()), Ok(defaults()));
        let example = include_str!("../../jidi-monitor/data/example_rules.toml");
        assert!(parse_rules("example_rules.toml", example.as_bytes()).is_ok());
    }

    #[test]
    fn hostile_files_are_refused_with_the_reason() {
        let message = |name: &str, bytes: &[u8]| {
            parse_rules(name, bytes)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let big = vec![b' '; MAX_FILE_BYTES + 1];
        assert_eq!(
            message("r.toml", &big),
            format!(
                "the file has {} bytes; at most {MAX_FILE_BYTES} are accepted",
                MAX_FILE_BYTES + 1
            )
        );
        assert_eq!(
            message("r.toml", b"[[rules]]\0"),
            "the file holds a NUL character at byte 10"
        );
        assert_eq!(
            message("r.toml", &[0x5b, 0xff]),
            "the file is not UTF-8 (byte 2 is not)"
        );
        assert!(message("r.json", b"{\"rules\": [{]}").starts_with("JSON: "));
        assert!(message("r.toml", b"[[rules]]\nid = 3\n").starts_with("TOML: "));

        let mut rules = defaults();
        rules.push(rules[0].clone());
        if let Condition::Threshold { thresholds, .. } = &mut rules[1].condition {
            thresholds.red = Some(1e300);
        }
        rules[2].id = "Bad Id".into();
        rules[3].reset_periods = 100_000;
        rules[4].name_zh = "名\u{7}".into();
        let text = write_rules(&rules, RulesFormat::Json);
        assert_eq!(
            message("r.json", text.as_bytes()),
            [
                "rule `debt_ratio_high`, condition.thresholds.red: 1e300 is beyond ±1e9",
                "rule `Bad Id`, id: must be 1–64 characters of a–z, 0–9 and _ starting with a letter, got \"Bad Id\"",
                "rule `rev_below_forecast`, reset_periods: must be at most 120 months, got 100000",
                "rule `overcapacity`, name_zh: must be 1–200 characters without control characters",
                "rule `rev_yoy_drop`, id: is used by an earlier rule too",
            ]
            .join("; ")
        );

        // The monitor's own checks name the rule and field.
        let mut rules = defaults();
        if let Condition::Threshold { thresholds, .. } = &mut rules[0].condition {
            thresholds.red = Some(0.0);
        }
        let text = write_rules(&rules, RulesFormat::Toml);
        assert_eq!(
            message("r.toml", text.as_bytes()),
            "rule `rev_yoy_drop`: thresholds: the red threshold 0 is milder than the orange threshold -20"
        );
    }
}
