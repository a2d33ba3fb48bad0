//! Evaluation schemes: for one year, the dimensions and indicators with their weights, per-category
//! overrides (分类指导), the method (treatment, normalisation, aggregation), star rules, vetoes and
//! the uncertainty analysis. A scheme is a file (TOML or JSON) that evaluators export, edit and
//! import; [`Scheme::validate`] explains every problem with its path.
//!
//! Once stored a scheme never changes: editing makes a new version. Its canonical JSON
//! ([`Scheme::canonical_json`]) is what is stored and hashed.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use jidi_engine::aggregate::Aggregation;
use jidi_engine::normalise::{Direction, Normalisation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalogue::{self, DIMENSIONS, Frequency};
use crate::incident::IncidentKind;

/// The name of the default scheme of `year` ([`Scheme::national_default`]).
pub fn default_name(year: i32) -> String {
    format!("{year}年度国家新型工业化产业示范基地发展质量评价方案")
}

/// The English form of [`default_name`]: a page in English shows it for a scheme whose name is
/// still the generated one (a name typed by an evaluator has no English form).
pub fn default_name_en(year: i32) -> String {
    format!(
        "{year} development quality evaluation scheme of the national new-type industrialization demonstration bases"
    )
}

/// The description of the default scheme.
pub const DEFAULT_DESCRIPTION: &str = "默认方案：六个国家评价维度、40项年度指标，按细分类型分组比较（细分类型不足20个基地的并入所属类别，分类指导）。";

/// What the demo appends to a scheme's description when it sets the year's star shares to
/// simulated values.
pub const SYNTHETIC_SHARES_NOTE: &str = "（演示数据：该年度星级比例为模拟值）";

/// The English form of [`SYNTHETIC_SHARES_NOTE`].
pub const SYNTHETIC_SHARES_NOTE_EN: &str = " (demo data: this year's star shares are simulated)";

/// The English form of [`DEFAULT_DESCRIPTION`].
pub const DEFAULT_DESCRIPTION_EN: &str = "Default scheme: the six national evaluation dimensions and 40 annual indicators, bases compared within their sub-type (a sub-type of fewer than 20 bases joins its category: guidance by category).";

/// An evaluation scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// Evaluation year (the year of the data).
    pub year: i32,
    /// Name shown in lists.
    pub name: String,
    /// What distinguishes it, for the record.
    #[serde(default)]
    pub description: String,
    /// Who is compared with whom: `category` (the default), `subcategory`, or
    /// `subcategory_where_large`.
    #[serde(default)]
    pub peer_group: PeerGroup,
    /// For `subcategory_where_large`: the fewest bases a sub-type needs to be its own peer group
    /// (default [`DEFAULT_MIN_GROUP_SIZE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_group_size: Option<usize>,
    /// Bases designated on or before this date take part (default: 31 December of the year).
    #[serde(default)]
    pub designated_by: Option<NaiveDate>,
    /// Dimensions and their weights.
    pub dimensions: Vec<DimensionSpec>,
    /// Indicators, each in one dimension.
    pub indicators: Vec<IndicatorSpec>,
    /// Per-category weight changes and exclusions.
    #[serde(default)]
    pub category_overrides: Vec<CategoryOverride>,
    /// Method.
    pub method: MethodSpec,
    /// Star rules.
    pub stars: StarsSpec,
    /// One-vote vetoes.
    pub vetoes: VetoSpec,
    /// Monte Carlo uncertainty analysis.
    pub uncertainty: UncertaintySpec,
}

/// Who is compared with whom.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerGroup {
    /// The six top-level categories.
    #[default]
    Category,
    /// The sub-types (steel with steel).
    Subcategory,
    /// Sub-types with at least `min_group_size` bases are their own group; the rest of the
    /// category is one group, which takes in the smallest such sub-types while it is smaller than
    /// the minimum (see `evaluation::peer_groups`).
    SubcategoryWhereLarge,
}

/// The fewest bases of a sub-type that form their own peer group under
/// [`PeerGroup::SubcategoryWhereLarge`] unless the scheme says otherwise: with fewer, min–max
/// normalisation rests on one or two extreme bases and a single star place is worth several
/// percentage points of the group.
pub const DEFAULT_MIN_GROUP_SIZE: usize = 20;

impl PeerGroup {
    /// The code used in files.
    pub fn code(self) -> &'static str {
        match self {
            PeerGroup::Category => "category",
            PeerGroup::Subcategory => "subcategory",
            PeerGroup::SubcategoryWhereLarge => "subcategory_where_large",
        }
    }
}

/// Imputation of a missing value within the peer group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputeMethod {
    /// Left missing (the aggregation skips it).
    None,
    /// The group's mean.
    Mean,
    /// The group's median.
    Median,
}

impl ImputeMethod {
    /// The code used in files.
    pub fn code(self) -> &'static str {
        match self {
            ImputeMethod::None => "none",
            ImputeMethod::Mean => "mean",
            ImputeMethod::Median => "median",
        }
    }

    /// The engine's imputation.
    pub fn engine(self) -> jidi_engine::impute::Imputation {
        use jidi_engine::impute::Imputation;
        match self {
            ImputeMethod::None => Imputation::None,
            ImputeMethod::Mean => Imputation::Mean,
            ImputeMethod::Median => Imputation::Median,
        }
    }
}

/// How tied scores are ranked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieMethod {
    /// Every tied unit takes the best rank of the tie (1, 1, 3).
    #[default]
    Min,
    /// The mean rank of the tie (1.5, 1.5, 3).
    Average,
    /// The worst rank of the tie (2, 2, 3).
    Max,
}

impl TieMethod {
    /// The code used in files.
    pub fn code(self) -> &'static str {
        match self {
            TieMethod::Min => "min",
            TieMethod::Average => "average",
            TieMethod::Max => "max",
        }
    }

    /// The engine's tie rule.
    pub fn engine(self) -> jidi_engine::rank::TieRule {
        use jidi_engine::rank::TieRule;
        match self {
            TieMethod::Min => TieRule::Min,
            TieMethod::Average => TieRule::Average,
            TieMethod::Max => TieRule::Max,
        }
    }
}

/// How stars are assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StarRuleKind {
    /// Fixed shares of each star within each peer group.
    Shares,
    /// Minimum scores.
    Thresholds,
}

/// A dimension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    /// Code (`strength`, `quality`, …).
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Weight relative to the other dimensions.
    pub weight: f64,
}

/// An indicator of a scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Catalogue code.
    pub code: String,
    /// Dimension code.
    pub dimension: String,
    /// Weight relative to the other indicators of the dimension.
    pub weight: f64,
}

/// Changes for one category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryOverride {
    /// Category code.
    pub category: String,
    /// Indicator weight multipliers `code → factor` (2.0 doubles the weight).
    #[serde(default)]
    pub indicator_factors: HashMap<String, f64>,
    /// Dimension weight multipliers.
    #[serde(default)]
    pub dimension_factors: HashMap<String, f64>,
    /// Indicators left out for this category.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// The method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// COINr winsorisation with log fallback.
    pub winsorise: bool,
    /// Imputation within the peer group: `none`, `mean` or `median`.
    pub impute: ImputeMethod,
    /// Normalisation, e.g. `minmax:0:100`.
    pub normalisation: String,
    /// Aggregation at every level, e.g. `amean`.
    pub aggregation: String,
    /// Tie rule: `min`, `average` or `max`.
    #[serde(default)]
    pub ties: TieMethod,
}

/// Star rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarsSpec {
    /// `shares` or `thresholds`.
    pub rule: StarRuleKind,
    /// Shares of five, four, three, two and one star within each peer group; the national totals
    /// are kept by apportioning the places between groups (largest remainder).
    #[serde(default)]
    pub shares: Vec<f64>,
    /// Minimum scores for five, four, three and two stars.
    #[serde(default)]
    pub thresholds: Vec<f64>,
}

/// Vetoes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoSpec {
    /// Incident kinds that veto (`safety_major`, `environment_level1`, `environment_level2`, …).
    pub kinds: Vec<String>,
    /// Highest rating a vetoed base may keep.
    pub cap_stars: u8,
}

/// Uncertainty and sensitivity analysis.
///
/// The uncertainty shown with each result (rank interval, star probabilities) is the published
/// method's own: its weights (`weight_noise`) and its data (`data_noise`), nothing else, so that it
/// is centred on the published result. The method alternatives below are for the evaluator's
/// sensitivity analysis of a scheme only (the scheme page), never mixed into a result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySpec {
    /// Replications (0 = none).
    pub replications: usize,
    /// Seed.
    pub seed: u64,
    /// Weight noise (0.25 = ±25 %).
    pub weight_noise: f64,
    /// Relative measurement error of every reported value (0.05 = ±5 %; 0 = the data as reported).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub data_noise: f64,
    /// Normalisation alternatives (sensitivity analysis only).
    #[serde(default)]
    pub normalisations: Vec<String>,
    /// Aggregation alternatives (sensitivity analysis only).
    #[serde(default)]
    pub aggregations: Vec<String>,
    /// Switch winsorisation on and off (sensitivity analysis only).
    #[serde(default)]
    pub vary_treatment: bool,
    /// Leave one indicator out (sensitivity analysis only).
    #[serde(default)]
    pub drop_one_indicator: bool,
}

// Absent fields keep the canonical JSON, and so the hash, of schemes stored before they existed.
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// A problem of a scheme, with its path in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeError {
    /// Path, e.g. `indicators[3].code`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for SchemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// File formats of a scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeFormat {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl SchemeFormat {
    /// From a file name's extension (`.toml` or `.json`), else by sniffing the text.
    pub fn detect(file: &str, text: &str) -> SchemeFormat {
        if file.ends_with(".json") || text.trim_start().starts_with('{') {
            SchemeFormat::Json
        } else {
            SchemeFormat::Toml
        }
    }
}

impl Scheme {
    /// Parses a scheme file; syntax and shape errors carry their position.
    pub fn parse(text: &str, format: SchemeFormat) -> Result<Scheme, Vec<SchemeError>> {
        let parsed = match format {
            SchemeFormat::Json => serde_json::from_str::<Scheme>(text).map_err(|e| SchemeError {
                path: format!("line {} column {}", e.line(), e.column()),
                message: e.to_string(),
            }),
            SchemeFormat::Toml => toml::from_str::<Scheme>(text).map_err(|e| SchemeError {
                path: e
                    .span()
                    .map(|s| {
                        let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                        format!("line {line}")
                    })
                    .unwrap_or_else(|| "file".into()),
                message: e.message().to_string(),
            }),
        };
        let scheme = parsed.map_err(|e| vec![e])?;
        let errors = scheme.validate();
        if errors.is_empty() {
            Ok(scheme)
        } else {
            Err(errors)
        }
    }

    /// Writes the scheme as TOML or JSON.
    pub fn to_text(&self, format: SchemeFormat) -> String {
        match format {
            SchemeFormat::Json => serde_json::to_string_pretty(self).expect("schemes serialise"),
            SchemeFormat::Toml => toml::to_string_pretty(self).expect("schemes serialise"),
        }
    }

    /// The canonical JSON stored and hashed (compact, field order fixed by the type; maps sorted).
    pub fn canonical_json(&self) -> String {
        let value = serde_json::to_value(self).expect("schemes serialise");
        serde_json::to_string(&sorted(value)).expect("values serialise")
    }

    /// SHA-256 of [`Scheme::canonical_json`], hex.
    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_json().as_bytes()))
    }

    /// The designation cut-off.
    pub fn cutoff(&self) -> NaiveDate {
        self.designated_by
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(self.year, 12, 31).expect("valid date"))
    }

    /// Every problem, with its path; empty when the scheme is usable.
    pub fn validate(&self) -> Vec<SchemeError> {
        let mut errors = Vec::new();
        let mut err = |path: String, message: String| errors.push(SchemeError { path, message });
        if !(2000..=2100).contains(&self.year) {
            err(
                "year".into(),
                format!("{} is not a plausible year", self.year),
            );
        }
        if self.name.trim().is_empty() {
            err("name".into(), "a name is required".into());
        }
        for (path, text, max) in [
            ("name", self.name.as_str(), 200),
            ("description", self.description.as_str(), 5_000),
        ] {
            if let Some(e) = crate::roll::check_text(path, text, max) {
                err(path.into(), e.message);
            }
        }
        let mut dims = HashSet::new();
        if self.dimensions.is_empty() {
            err(
                "dimensions".into(),
                "at least one dimension is needed".into(),
            );
        }
        for (i, d) in self.dimensions.iter().enumerate() {
            if !dims.insert(d.code.as_str()) {
                err(
                    format!("dimensions[{i}].code"),
                    format!("{:?} appears twice", d.code),
                );
            }
            if !(d.weight >= 0.0 && d.weight.is_finite()) {
                err(
                    format!("dimensions[{i}].weight"),
                    format!("{} must be a non-negative number", d.weight),
                );
            }
            if d.name_zh.trim().is_empty() {
                err(
                    format!("dimensions[{i}].name_zh"),
                    "a Chinese name is required".into(),
                );
            }
        }
        if !self.dimensions.is_empty() && self.dimensions.iter().all(|d| d.weight == 0.0) {
            err("dimensions".into(), "all dimension weights are zero".into());
        }
        let mut inds = HashSet::new();
        let mut per_dim: HashMap<&str, usize> = HashMap::new();
        for (i, ind) in self.indicators.iter().enumerate() {
            match catalogue::indicator(&ind.code) {
                None => err(
                    format!("indicators[{i}].code"),
                    format!("{:?} is not in the indicator catalogue", ind.code),
                ),
                Some(c) if c.frequency != Frequency::Annual => err(
                    format!("indicators[{i}].code"),
                    format!(
                        "{:?} is a monthly indicator; schemes use annual ones",
                        ind.code
                    ),
                ),
                Some(_) => {}
            }
            if !inds.insert(ind.code.as_str()) {
                err(
                    format!("indicators[{i}].code"),
                    format!("{:?} appears twice", ind.code),
                );
            }
            if !dims.contains(ind.dimension.as_str()) {
                err(
                    format!("indicators[{i}].dimension"),
                    format!("{:?} is not a dimension of this scheme", ind.dimension),
                );
            }
            if !(ind.weight >= 0.0 && ind.weight.is_finite()) {
                err(
                    format!("indicators[{i}].weight"),
                    format!("{} must be a non-negative number", ind.weight),
                );
            }
            *per_dim.entry(ind.dimension.as_str()).or_default() += 1;
        }
        for (i, d) in self.dimensions.iter().enumerate() {
            if !per_dim.contains_key(d.code.as_str()) {
                err(
                    format!("dimensions[{i}]"),
                    format!("dimension {:?} has no indicator", d.code),
                );
            }
        }
        for (i, o) in self.category_overrides.iter().enumerate() {
            if !crate::reference::BUILTIN_CATEGORIES
                .iter()
                .any(|c| c.0 == o.category)
                && o.category.trim().is_empty()
            {
                err(
                    format!("category_overrides[{i}].category"),
                    "a category code is required".into(),
                );
            }
            for (code, f) in &o.indicator_factors {
                if !inds.contains(code.as_str()) {
                    err(
                        format!("category_overrides[{i}].indicator_factors.{code}"),
                        "not an indicator of this scheme".into(),
                    );
                }
                if !(*f >= 0.0 && f.is_finite()) {
                    err(
                        format!("category_overrides[{i}].indicator_factors.{code}"),
                        format!("{f} must be a non-negative number"),
                    );
                }
            }
            for (code, f) in &o.dimension_factors {
                if !dims.contains(code.as_str()) {
                    err(
                        format!("category_overrides[{i}].dimension_factors.{code}"),
                        "not a dimension of this scheme".into(),
                    );
                }
                if !(*f >= 0.0 && f.is_finite()) {
                    err(
                        format!("category_overrides[{i}].dimension_factors.{code}"),
                        format!("{f} must be a non-negative number"),
                    );
                }
            }
            for (k, code) in o.exclude.iter().enumerate() {
                if !inds.contains(code.as_str()) {
                    err(
                        format!("category_overrides[{i}].exclude[{k}]"),
                        format!("{code:?} is not an indicator of this scheme"),
                    );
                }
            }
        }
        let m = &self.method;
        if let Err(e) = Normalisation::parse(&m.normalisation) {
            err("method.normalisation".into(), e.to_string());
        }
        if let Err(e) = Aggregation::parse(&m.aggregation) {
            err("method.aggregation".into(), e.to_string());
        }
        match self.stars.rule {
            StarRuleKind::Shares => {
                if self.stars.shares.len() != 5 {
                    err(
                        "stars.shares".into(),
                        "five shares are needed (five to one star)".into(),
                    );
                } else if let Err(e) = self.star_rule().validate() {
                    err("stars.shares".into(), e.to_string());
                }
            }
            StarRuleKind::Thresholds => {
                if self.stars.thresholds.len() != 4 {
                    err(
                        "stars.thresholds".into(),
                        "four thresholds are needed (five to two stars)".into(),
                    );
                } else if let Err(e) = self.star_rule().validate() {
                    err("stars.thresholds".into(), e.to_string());
                }
            }
        }
        for (i, k) in self.vetoes.kinds.iter().enumerate() {
            if IncidentKind::parse(k).is_none() {
                err(
                    format!("vetoes.kinds[{i}]"),
                    format!(
                        "{k:?} is not an incident kind (safety_major, safety_serious, environment_level1, environment_level2)"
                    ),
                );
            }
        }
        if !(1..=5).contains(&self.vetoes.cap_stars) {
            err(
                "vetoes.cap_stars".into(),
                format!("{} must be from 1 to 5", self.vetoes.cap_stars),
            );
        }
        let u = &self.uncertainty;
        if u.replications > 100_000 {
            err("uncertainty.replications".into(), "at most 100,000".into());
        }
        if !(0.0..1.0).contains(&u.weight_noise) {
            err(
                "uncertainty.weight_noise".into(),
                format!("{} must lie within [0, 1)", u.weight_noise),
            );
        }
        if !(0.0..0.5).contains(&u.data_noise) {
            err(
                "uncertainty.data_noise".into(),
                format!("{} must lie within [0, 0.5)", u.data_noise),
            );
        }
        if let Some(n) = self.min_group_size {
            if !(2..=1000).contains(&n) {
                err(
                    "min_group_size".into(),
                    format!("{n} must be from 2 to 1000"),
                );
            }
            if self.peer_group != PeerGroup::SubcategoryWhereLarge {
                err(
                    "min_group_size".into(),
                    "only used with peer_group = \"subcategory_where_large\"".into(),
                );
            }
        }
        for (i, n) in u.normalisations.iter().enumerate() {
            if let Err(e) = Normalisation::parse(n) {
                err(format!("uncertainty.normalisations[{i}]"), e.to_string());
            }
        }
        for (i, a) in u.aggregations.iter().enumerate() {
            if let Err(e) = Aggregation::parse(a) {
                err(format!("uncertainty.aggregations[{i}]"), e.to_string());
            }
        }
        errors
    }

    /// The star rule.
    pub fn star_rule(&self) -> jidi_engine::stars::StarRule {
        use jidi_engine::stars::StarRule;
        if self.stars.rule == StarRuleKind::Thresholds {
            let t = &self.stars.thresholds;
            StarRule::Thresholds([t[0], t[1], t[2], t[3]])
        } else {
            let s = &self.stars.shares;
            StarRule::Shares([s[0], s[1], s[2], s[3], s[4]])
        }
    }

    /// Vetoing incident kinds.
    pub fn veto_kinds(&self) -> Vec<IncidentKind> {
        self.vetoes
            .kinds
            .iter()
            .filter_map(|k| IncidentKind::parse(k))
            .collect()
    }

    /// The direction of an indicator (from the catalogue).
    pub fn direction(code: &str) -> Direction {
        catalogue::indicator(code).map_or(Direction::Benefit, |i| i.direction)
    }

    /// The national default scheme of a year: the six national dimensions, 40 annual indicators of
    /// the catalogue, category overrides that weigh energy, water and waste more for raw materials
    /// and innovation more for the information industry, COINr's treatment, min-max onto [0, 100]
    /// within each peer group (sub-types of at least 20 bases, else categories), arithmetic means,
    /// uncertainty of ±25 % on weights and ±5 % on values, and star shares that reproduce the published
    /// outcome of that year (7 % five stars and 58 % four stars when nothing was published).
    pub fn national_default(year: i32) -> Scheme {
        let dimension_weights = [0.25, 0.20, 0.20, 0.15, 0.10, 0.10];
        let dimensions = DIMENSIONS
            .iter()
            .take(6)
            .zip(dimension_weights)
            .map(|((code, zh, en), w)| DimensionSpec {
                code: (*code).into(),
                name_zh: (*zh).into(),
                name_en: (*en).into(),
                weight: w,
            })
            .collect();
        // Redundant inverses of indicators already in (tax per mu, energy intensity); the
        // openness dimension is optional and off by default.
        let left_out = ["tax_total", "va_per_energy"];
        let weights: HashMap<&str, f64> = [
            ("rev_main", 2.0),
            ("va_ind", 1.5),
            ("profit_margin", 1.5),
            ("labour_prod", 1.5),
            ("rd_intensity", 2.0),
            ("tax_per_mu", 1.5),
            ("energy_int", 2.0),
            ("safety_accidents", 1.5),
        ]
        .into_iter()
        .collect();
        let indicators = catalogue::reference_catalogue()
            .iter()
            .filter(|i| {
                i.frequency == Frequency::Annual
                    && i.dimension != "openness"
                    && !left_out.contains(&i.code.as_str())
            })
            .map(|i| IndicatorSpec {
                code: i.code.clone(),
                dimension: i.dimension.clone(),
                weight: weights.get(i.code.as_str()).copied().unwrap_or(1.0),
            })
            .collect();
        let factors =
            |pairs: &[(&str, f64)]| pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect();
        let not_applicable = |category: &str| -> Vec<String> {
            catalogue::reference_catalogue()
                .iter()
                .filter(|i| {
                    i.frequency == Frequency::Annual
                        && !i.applies(category)
                        && !left_out.contains(&i.code.as_str())
                })
                .map(|i| i.code.clone())
                .collect()
        };
        let category_overrides = vec![
            CategoryOverride {
                category: "materials".into(),
                indicator_factors: factors(&[
                    ("energy_int", 2.0),
                    ("water_int", 1.5),
                    ("solid_waste_util", 1.5),
                    ("va_per_emission", 1.5),
                ]),
                dimension_factors: factors(&[("green", 1.5)]),
                exclude: not_applicable("materials"),
            },
            CategoryOverride {
                category: "information".into(),
                indicator_factors: factors(&[
                    ("energy_int", 0.5),
                    ("rd_intensity", 1.5),
                    ("patents", 1.5),
                ]),
                dimension_factors: factors(&[("innovation", 1.25)]),
                exclude: not_applicable("information"),
            },
            CategoryOverride {
                category: "civil_military".into(),
                indicator_factors: HashMap::new(),
                dimension_factors: HashMap::new(),
                exclude: not_applicable("civil_military"),
            },
            CategoryOverride {
                category: "new_industry".into(),
                indicator_factors: factors(&[("energy_int", 0.5)]),
                dimension_factors: HashMap::new(),
                exclude: not_applicable("new_industry"),
            },
        ];
        let (five, four) = match year {
            2018 => (28.0 / 332.0, 0.58),
            2019 => (30.0 / 381.0, 0.58),
            2020 => (34.0 / 416.0, 0.58),
            2021 => (28.0 / 415.0, 240.0 / 415.0),
            2022 => (0.07, 282.0 / 445.0 - 0.07),
            _ => (0.07, 0.58),
        };
        let rest = 1.0 - five - four;
        // Six decimals keep the file readable; the rounding error goes to one star.
        let round = |x: f64| (x * 1e6).round() / 1e6;
        let (five, four) = (round(five), round(four));
        let (three, two) = (round(rest * 0.77), round(rest * 0.17));
        let shares = vec![
            five,
            four,
            three,
            two,
            round(1.0 - five - four - three - two),
        ];
        Scheme {
            year,
            name: default_name(year),
            description: DEFAULT_DESCRIPTION.into(),
            peer_group: PeerGroup::SubcategoryWhereLarge,
            min_group_size: None,
            designated_by: crate::programme::eligibility_cutoff_override(year),
            dimensions,
            indicators,
            category_overrides,
            method: MethodSpec {
                winsorise: true,
                impute: ImputeMethod::Median,
                normalisation: "minmax:0:100".into(),
                aggregation: "amean".into(),
                ties: TieMethod::Min,
            },
            stars: StarsSpec {
                rule: StarRuleKind::Shares,
                shares,
                thresholds: Vec::new(),
            },
            vetoes: VetoSpec {
                kinds: vec![
                    "safety_major".into(),
                    "environment_level1".into(),
                    "environment_level2".into(),
                ],
                cap_stars: 2,
            },
            uncertainty: UncertaintySpec {
                replications: 1000,
                seed: year as u64,
                weight_noise: 0.25,
                data_noise: 0.05,
                normalisations: vec!["minmax:1:100".into(), "rank".into()],
                aggregations: vec!["amean".into(), "gmean".into()],
                vary_treatment: true,
                drop_one_indicator: true,
            },
        }
    }
}

fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scheme_is_valid_and_has_forty_indicators() {
        let s = Scheme::national_default(2025);
        assert_eq!(s.validate(), vec![]);
        assert_eq!(s.indicators.len(), 40);
        assert_eq!(s.dimensions.len(), 6);
        let total: f64 = s.stars.shares.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn schemes_round_trip_through_toml_and_json_with_a_stable_hash() {
        let s = Scheme::national_default(2021);
        for format in [SchemeFormat::Toml, SchemeFormat::Json] {
            let text = s.to_text(format);
            let back = Scheme::parse(&text, format).unwrap();
            assert_eq!(back, s);
            assert_eq!(back.content_hash(), s.content_hash());
        }
    }

    #[test]
    fn validation_names_the_path() {
        let mut s = Scheme::national_default(2025);
        s.indicators[3].code = "nope".into();
        s.indicators[4].dimension = "elsewhere".into();
        s.stars.shares = vec![0.5, 0.5, 0.5, 0.0, 0.0];
        s.vetoes.kinds.push("flood".into());
        s.method.normalisation = "minmax:5:1".into();
        let paths: Vec<String> = s.validate().into_iter().map(|e| e.path).collect();
        for p in [
            "indicators[3].code",
            "indicators[4].dimension",
            "stars.shares",
            "vetoes.kinds[3]",
            "method.normalisation",
        ] {
            assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
        }
    }

    #[test]
    fn canonical_json_reads_back_to_itself() {
        for year in [2018, 2021, 2022, 2025] {
            let s = Scheme::national_default(year);
            let back: Scheme = serde_json::from_str(&s.canonical_json()).unwrap();
            assert_eq!(back.canonical_json(), s.canonical_json(), "{year}");
        }
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let errors = Scheme::parse("year = \"x\"\n", SchemeFormat::Toml).unwrap_err();
        assert!(errors[0].path.starts_with("line"), "{:?}", errors);
        let errors = Scheme::parse("{\"year\": 2025", SchemeFormat::Json).unwrap_err();
        assert!(errors[0].path.contains("line 1"));
    }
}
