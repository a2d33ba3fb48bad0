//! The report's data model: everything the annual development report shows, and nothing it does
//! not. Whoever fills it (the store, a fixture, a test) decides *what* the numbers are; this crate
//! decides only how they read.
//!
//! Rules that hold throughout:
//!
//! - **Every number is a [`Figure`]**: a raw value in a fixed [`Unit`] plus the [`Provenance`] that
//!   produced it (`evaluation_run:12`, `query:economy_headline`, …). Rendering never invents a
//!   number except the *derived* ones it documents (growth rates, shares of a total, counts of a
//!   list), and those are recorded with the figures they come from.
//! - **Optional sections are `Option`s** and optional tables are `Vec`s: `None` or an empty list
//!   leaves the section or table out, heading included.
//! - **Text that has a translation is a [`Name`]** with `en: Some(…)`; data that exists only in
//!   Chinese (base names, reasons written by the office) has `en: None`, and English output shows
//!   it in Chinese, marked `lang="zh-CN"`.
//! - **Keys are stable codes** (a GB/T 2260 province code, a category code, a base id): they make
//!   the figure ids of the sidecar (`roll.by_province.430000`), so they must be unique within their
//!   list and must not contain spaces.
//! - **Star arrays are indexed from one star**: `stars[k - 1]` is about `k` stars.

use serde::{Deserialize, Serialize};

/// The annual development report of one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Year, edition, issuer, date of generation, synthetic flag.
    pub meta: Meta,
    /// The roll of bases at the end of the year (always present).
    pub roll: Roll,
    /// The year's published evaluation.
    pub evaluation: Option<Evaluation>,
    /// Tier decisions of the year (new, promoted, warned, rectified, withdrawn).
    pub decisions: Option<Decisions>,
    /// Headline economic figures.
    pub economy: Option<Economy>,
    /// Innovation.
    pub innovation: Option<Innovation>,
    /// Green development and safety.
    pub green_safety: Option<GreenSafety>,
    /// Monthly monitoring and warnings.
    pub monitoring: Option<Monitoring>,
    /// Data collection: completeness and timeliness.
    pub collection: Option<Collection>,
    /// Indicator definitions, the evaluation scheme, data sources.
    pub appendix: Option<Appendix>,
}

/// Who, when, which edition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The year reported on (the year of the data), e.g. 2025.
    pub year: i32,
    /// Edition, e.g. `征求意见稿` / `Draft for comment`, or `正式版` / `Final`. Printed on the cover and
    /// in the header of every page.
    pub edition: Name,
    /// Who issues the report, e.g. `工业和信息化部规划司`.
    pub issuer: Name,
    /// Date of generation (given, never read from a clock; no time of day).
    pub generated_on: Date,
    /// Whether the figures are synthetic (demo data). Synthetic reports carry a banner on the
    /// cover, a note in the header line and a note in the appendix.
    pub synthetic: bool,
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// A date.
    pub fn new(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    /// ISO 8601 form, `2026-03-15`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    pub(crate) fn is_valid(self) -> bool {
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            2 => 28,
            _ => return false,
        };
        self.day >= 1 && self.day <= days
    }
}

/// A name or text in Chinese, with its English form when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// Chinese.
    pub zh: String,
    /// English; `None` for data that has no English form (base names, reasons written by people).
    pub en: Option<String>,
}

impl Name {
    /// A name in both languages.
    pub fn new(zh: &str, en: &str) -> Name {
        Name {
            zh: zh.to_string(),
            en: Some(en.to_string()),
        }
    }

    /// A name that exists only in Chinese.
    pub fn zh_only(zh: &str) -> Name {
        Name {
            zh: zh.to_string(),
            en: None,
        }
    }
}

/// Where a figure comes from, so that it can be recomputed.
///
/// `source` names what produced it: `evaluation_run:<id>` for a stored evaluation run,
/// `query:<name>` for a named query of the store, `scheme:<id>` for an evaluation scheme,
/// `derived` for a number this crate computed from other figures (growth rates, shares, counts).
/// `detail` says which part of it: the filter, the column, the formula.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `evaluation_run:12`, `query:economy_headline`, `scheme:7`, `reference:national_totals.csv`,
    /// `derived`.
    pub source: String,
    /// E.g. `year=2025; sum(rev_main) over national bases`.
    pub detail: String,
}

impl Provenance {
    /// A figure of a stored evaluation run: `evaluation_run:<id>`.
    pub fn run(run_id: i64, detail: &str) -> Provenance {
        Provenance {
            source: format!("evaluation_run:{run_id}"),
            detail: detail.to_string(),
        }
    }

    /// A figure of a named query: `query:<name>`.
    pub fn query(name: &str, detail: &str) -> Provenance {
        Provenance {
            source: format!("query:{name}"),
            detail: detail.to_string(),
        }
    }

    /// A figure computed from reference data shipped with jidi (e.g. a share of a published
    /// national total): `reference:<file>`; `detail` names the row, its source and the formula.
    pub fn reference(file: &str, detail: &str) -> Provenance {
        Provenance {
            source: format!("reference:{file}"),
            detail: detail.to_string(),
        }
    }

    /// A figure of an evaluation scheme: `scheme:<id>`.
    pub fn scheme(scheme_id: i64, detail: &str) -> Provenance {
        Provenance {
            source: format!("scheme:{scheme_id}"),
            detail: detail.to_string(),
        }
    }
}

/// A number shown in the report, in its unit, with its provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Raw value in [`Figure::unit`] (not rounded: rounding is the renderer's job).
    pub value: f64,
    /// Unit of the raw value.
    pub unit: Unit,
    /// Where it comes from.
    pub provenance: Provenance,
}

impl Figure {
    /// A figure.
    pub fn new(value: f64, unit: Unit, provenance: Provenance) -> Figure {
        Figure {
            value,
            unit,
            provenance,
        }
    }
}

/// The unit of a figure's raw value. Display rules (decimals, scaling) are in
/// [`crate::wording`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 亿元 (10⁸ yuan). Prose scales it to 万亿元 or 万元; English shows billion yuan.
    Yuan100m,
    /// Percent: `5.2` means 5.2 %.
    Percent,
    /// A whole count of something, worded with its measure word.
    Count(Counter),
    /// A star rating, 1–5.
    Stars,
    /// A composite score (0–100).
    Score,
    /// A rank, or a number of rank places.
    Rank,
    /// Energy intensity, 吨标准煤/万元 (tonnes of coal equivalent per 10⁴ yuan of value added).
    TcePer10kYuan,
    /// 万吨 (10⁴ tonnes), e.g. of CO₂. English shows million tonnes.
    Tonnes10k,
}

impl Unit {
    /// Stable code used in the sidecar: `yuan_100m`, `percent`, `count:base`, `stars`, ….
    pub fn code(self) -> String {
        match self {
            Unit::Yuan100m => "yuan_100m".into(),
            Unit::Percent => "percent".into(),
            Unit::Count(c) => format!("count:{}", c.code()),
            Unit::Stars => "stars".into(),
            Unit::Score => "score".into(),
            Unit::Rank => "rank".into(),
            Unit::TcePer10kYuan => "tce_per_10k_yuan".into(),
            Unit::Tonnes10k => "tonnes_10k".into(),
        }
    }
}

/// What a count counts; decides the measure word (`家`, `个`, `起`) and the English noun.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Bases (家).
    Base,
    /// Enterprises (家).
    Firm,
    /// Provincial-level regions (个).
    Province,
    /// Incidents or accidents (起).
    Incident,
    /// Warnings (次).
    Warning,
    /// Indicators (项).
    Indicator,
    /// Patents (件).
    Patent,
    /// Platforms or institutions (个).
    Platform,
    /// Monte Carlo replications (次).
    Replication,
    /// Data submissions (份).
    Submission,
    /// Categories of bases (个).
    Category,
}

impl Counter {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Counter::Base => "base",
            Counter::Firm => "firm",
            Counter::Province => "province",
            Counter::Incident => "incident",
            Counter::Warning => "warning",
            Counter::Indicator => "indicator",
            Counter::Patent => "patent",
            Counter::Platform => "platform",
            Counter::Replication => "replication",
            Counter::Submission => "submission",
            Counter::Category => "category",
        }
    }
}

/// A labelled figure: one row of a breakdown (a tier, a region, a province).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable code (`east`, `430000`, `national`).
    pub key: String,
    /// Label.
    pub label: Name,
    /// The figure.
    pub value: Figure,
}

/// A base as the report names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseRef {
    /// Stable id (the database id as text).
    pub key: String,
    /// Official name, `主导产业(细分)·地点`; usually Chinese only.
    pub name: Name,
    /// Category (大类).
    pub category: Name,
    /// Province.
    pub province: Name,
}

/// The roll of bases at the end of the year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Roll {
    /// National bases on the roll (国家级 and 卓越提升), `Count(Base)`.
    pub n_bases: Figure,
    /// National bases on the roll at the end of the previous year, `Count(Base)`; `None` leaves
    /// out the change on last year.
    #[serde(default)]
    pub n_bases_previous: Option<Figure>,
    /// Provincial-level regions with at least one national base, `Count(Province)`.
    pub n_provinces: Figure,
    /// Bases by tier (培育, 省级, 国家级, 卓越提升), counts.
    pub by_tier: Vec<Item>,
    /// National bases by series (优势, 特色), counts.
    pub by_series: Vec<Item>,
    /// National bases by category, with their sub-types.
    pub by_category: Vec<CategoryCount>,
    /// National bases by macro-region (东部, 中部, 西部, 东北), counts.
    pub by_region: Vec<Item>,
    /// National bases in each national strategy area (京津冀, 长江经济带, 一带一路), counts.
    pub by_strategy: Vec<Item>,
    /// National bases by province, counts.
    pub by_province: Vec<Item>,
}

/// Bases of one category and its sub-types.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    /// Category code.
    pub key: String,
    /// Category name.
    pub label: Name,
    /// Bases of the category, `Count(Base)`.
    pub n_bases: Figure,
    /// Bases by sub-type, counts.
    pub subtypes: Vec<Item>,
}

/// The year's published evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Name of the scheme.
    pub scheme: Name,
    /// Date of publication.
    pub published_on: Date,
    /// Bases evaluated, `Count(Base)`.
    pub n_evaluated: Figure,
    /// Bases by stars, nationally: `stars[k - 1]` = bases with `k` stars.
    pub stars: [Figure; 5],
    /// Star distribution by category (peer group).
    pub by_category: Vec<StarRow>,
    /// Star distribution by province.
    pub by_province: Vec<StarRow>,
    /// The five-star bases, in the order to print.
    pub five_star: Vec<RatedBase>,
    /// The biggest movers (up and down), in the order to print.
    pub movers: Vec<Mover>,
    /// How certain the ranks are, by category.
    pub uncertainty: Option<Uncertainty>,
    /// Every base's rating, for the annex table; empty leaves the table out.
    pub ratings: Vec<RatedBase>,
}

/// A star distribution of one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StarRow {
    /// Group code (category code, province code).
    pub key: String,
    /// Group name.
    pub label: Name,
    /// Bases in the group, `Count(Base)`.
    pub n_bases: Figure,
    /// `stars[k - 1]` = bases with `k` stars, `Count(Base)`.
    pub stars: [Figure; 5],
}

/// A base with its rating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatedBase {
    /// The base.
    pub base: BaseRef,
    /// The peer group it was ranked in (the ratings table shows it, and orders by it); `None`
    /// shows the category.
    #[serde(default)]
    pub group: Option<Name>,
    /// Stars after vetoes, `Stars`.
    pub stars: Figure,
    /// Composite score, `Score`.
    pub score: Option<Figure>,
    /// Rank within its peer group, `Rank`.
    pub group_rank: Option<Figure>,
}

/// A base whose rating moved a lot since last year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    /// The base.
    pub base: BaseRef,
    /// Stars last year, `Stars`.
    pub previous_stars: Figure,
    /// Stars this year, `Stars`.
    pub stars: Figure,
    /// Places gained in the national rank (negative = lost), `Rank`.
    pub rank_change: Figure,
    /// National rank this year, `Rank`.
    pub national_rank: Figure,
}

/// The uncertainty analysis of the ranks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uncertainty {
    /// Monte Carlo replications, `Count(Replication)`.
    pub replications: Figure,
    /// By category.
    pub by_category: Vec<UncertaintyRow>,
}

/// Rank uncertainty of one category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UncertaintyRow {
    /// Category code.
    pub key: String,
    /// Category name.
    pub label: Name,
    /// Bases evaluated, `Count(Base)`.
    pub n_bases: Figure,
    /// Median width of the 90 % interval (5th–95th percentile) of the group rank, `Rank`.
    pub median_interval_width: Figure,
    /// Share of bases whose star rating is the same in at least 90 % of replications, `Percent`.
    pub stable_star_share: Figure,
    /// Bases whose star is borderline: their likeliest star comes out in less than 90 % of the
    /// replications, `Count(Base)`. `None` words the group's sentence with the share above.
    #[serde(default)]
    pub n_borderline: Option<Figure>,
}

/// Tier decisions of the year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    /// Where the list comes from; counts of the list are derived from it.
    pub provenance: Provenance,
    /// Decisions, in the order to print.
    pub items: Vec<Decision>,
}

/// One decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Stable id (the decision's database id).
    pub key: String,
    /// What was decided.
    pub kind: DecisionKind,
    /// The base.
    pub base: BaseRef,
    /// Tier before (absent for a new base).
    pub from_tier: Option<Name>,
    /// Tier after (absent for a withdrawal).
    pub to_tier: Option<Name>,
    /// Date of the decision.
    pub decided_on: Date,
    /// The written reason.
    pub reason: Name,
}

/// Kinds of tier decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Newly designated national base.
    New,
    /// Promoted a tier (e.g. into the excellence plan).
    Promoted,
    /// Formally warned.
    Warned,
    /// Ordered to rectify within a deadline (限期整改).
    Rectified,
    /// Withdrawn from the roll (摘牌).
    Withdrawn,
}

impl DecisionKind {
    /// All kinds, in the order printed.
    pub const ALL: [DecisionKind; 5] = [
        DecisionKind::New,
        DecisionKind::Promoted,
        DecisionKind::Warned,
        DecisionKind::Rectified,
        DecisionKind::Withdrawn,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DecisionKind::New => "new",
            DecisionKind::Promoted => "promoted",
            DecisionKind::Warned => "warned",
            DecisionKind::Rectified => "rectified",
            DecisionKind::Withdrawn => "withdrawn",
        }
    }
}

/// A headline figure with last year's value and its share of the national total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// This year.
    pub current: Figure,
    /// Last year, same unit; `None` leaves out the year-on-year clause.
    pub previous: Option<Figure>,
    /// Share of the national total, `Percent`.
    pub national_share: Option<Figure>,
}

/// Headline economic figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Economy {
    /// 营业收入, `Yuan100m`.
    pub revenue: Measure,
    /// 工业增加值, `Yuan100m`.
    pub value_added: Option<Measure>,
    /// 利润总额, `Yuan100m`.
    pub profit: Option<Measure>,
    /// R&D 经费投入强度, `Percent` (compared in percentage points).
    pub rd_intensity: Option<Measure>,
    /// 出口交货值, `Yuan100m`.
    pub exports: Option<Measure>,
    /// 规模以上工业企业数, `Count(Firm)`.
    pub n_large_firms: Option<Measure>,
    /// By category.
    pub by_category: Vec<EconomyRow>,
    /// By macro-region.
    pub by_region: Vec<EconomyRow>,
    /// The largest bases by revenue, in the order to print (`Yuan100m`).
    pub top_bases: Vec<BaseFigure>,
    /// Revenue of the national bases over the last years, oldest first (`Yuan100m`).
    pub revenue_trend: Vec<YearFigure>,
}

/// Economic figures of one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EconomyRow {
    /// Group code.
    pub key: String,
    /// Group name.
    pub label: Name,
    /// Bases, `Count(Base)`.
    pub n_bases: Figure,
    /// Revenue, `Yuan100m`.
    pub revenue: Figure,
    /// Revenue last year, `Yuan100m`.
    pub revenue_previous: Option<Figure>,
    /// Profit, `Yuan100m`.
    pub profit: Option<Figure>,
}

/// A base with one figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseFigure {
    /// The base.
    pub base: BaseRef,
    /// The figure.
    pub value: Figure,
}

/// A figure of a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearFigure {
    /// Year.
    pub year: i32,
    /// The figure.
    pub value: Figure,
}

/// A figure of a month of the report's year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthFigure {
    /// Month, 1–12.
    pub month: u8,
    /// The figure.
    pub value: Figure,
}

/// A named indicator with its measure, for the innovation and green sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyIndicator {
    /// Indicator code.
    pub key: String,
    /// Indicator name.
    pub name: Name,
    /// Values. `Percent` indicators are compared in percentage points, others in growth.
    pub measure: Measure,
}

/// Innovation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Innovation {
    /// Key indicators (R&D spending, high-tech firms, patents, platforms …).
    pub indicators: Vec<KeyIndicator>,
    /// R&D intensity by category, `Percent`.
    pub rd_intensity_by_category: Vec<Item>,
}

/// Green development and safety.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GreenSafety {
    /// Energy use per 10⁴ yuan of value added, `TcePer10kYuan`.
    pub energy_intensity: Option<Measure>,
    /// CO₂ emissions, `Tonnes10k`.
    pub carbon: Option<Measure>,
    /// Other indicators (water intensity, waste use, green factories …).
    pub indicators: Vec<KeyIndicator>,
    /// Safety accidents and environmental incidents by grade.
    pub incidents: Vec<IncidentRow>,
    /// Bases whose rating was capped by a one-vote veto.
    pub vetoed: Vec<VetoedBase>,
}

/// Incidents of one kind and grade.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentRow {
    /// Stable code (`safety_major`, `environment_level2`).
    pub key: String,
    /// Kind (生产安全事故, 突发环境事件).
    pub kind: Name,
    /// Grade (重大, 较大, 一般; Ⅰ级 …).
    pub grade: Name,
    /// Incidents this year, `Count(Incident)`.
    pub count: Figure,
    /// Incidents last year, `Count(Incident)`.
    pub previous: Option<Figure>,
}

/// A base whose rating a veto capped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VetoedBase {
    /// The base.
    pub base: BaseRef,
    /// Why.
    pub reason: Name,
}

/// Levels of a monitoring warning, mildest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// All levels, mildest first (the order of the `[Figure; 4]` arrays).
    pub const ALL: [WarningLevel; 4] = [
        WarningLevel::Blue,
        WarningLevel::Yellow,
        WarningLevel::Orange,
        WarningLevel::Red,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            WarningLevel::Blue => "blue",
            WarningLevel::Yellow => "yellow",
            WarningLevel::Orange => "orange",
            WarningLevel::Red => "red",
        }
    }
}

/// Monitoring and warnings of the year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Bases reporting monthly, `Count(Base)`.
    pub n_bases_monitored: Figure,
    /// Warnings issued in the year by level (blue, yellow, orange, red), `Count(Warning)`.
    pub warnings: [Figure; 4],
    /// Warnings by month and level.
    pub by_month: Vec<MonthWarnings>,
    /// Year-to-date revenue growth of the monitored bases by month (1–N月累计同比), `Percent`.
    pub revenue_growth_by_month: Vec<MonthFigure>,
    /// Notable warnings (orange and red), in the order to print.
    pub notable: Vec<WarningItem>,
}

/// Warnings of one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthWarnings {
    /// Month, 1–12.
    pub month: u8,
    /// By level (blue, yellow, orange, red), `Count(Warning)`.
    pub counts: [Figure; 4],
}

/// One warning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarningItem {
    /// Stable id.
    pub key: String,
    /// The base.
    pub base: BaseRef,
    /// Level.
    pub level: WarningLevel,
    /// Month of the data, 1–12.
    pub month: u8,
    /// What was signalled (e.g. 营业收入累计同比下降超过20%).
    pub signal: Name,
}

/// Data collection of the year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    /// Completeness: share of the reports asked for that were accepted, `Percent`.
    pub completeness: Figure,
    /// Timeliness: share of the reports asked for that were received by the deadline, `Percent`.
    pub timeliness: Figure,
    /// Submissions received, `Count(Submission)`.
    pub n_submissions: Option<Figure>,
    /// Submissions returned for correction, `Count(Submission)`.
    pub n_returned: Option<Figure>,
    /// By province.
    pub by_province: Vec<CollectionRow>,
}

/// Data collection of one province.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectionRow {
    /// Province code.
    pub key: String,
    /// Province name.
    pub province: Name,
    /// Bases, `Count(Base)`.
    pub n_bases: Figure,
    /// Completeness, `Percent`.
    pub completeness: Figure,
    /// Timeliness, `Percent`.
    pub timeliness: Figure,
}

/// The appendix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appendix {
    /// Indicator definitions; empty leaves the table out.
    pub indicators: Vec<IndicatorDef>,
    /// The evaluation scheme of the year.
    pub scheme: Option<SchemeSummary>,
    /// Data sources; empty leaves the list out.
    pub data_sources: Vec<DataSource>,
}

/// Whether more of an indicator is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better (正向).
    Benefit,
    /// Lower is better (逆向).
    Cost,
}

/// An indicator definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    /// Catalogue code, e.g. `rev_main`.
    pub code: String,
    /// Name.
    pub name: Name,
    /// Unit as printed, e.g. `亿元` / `100 million yuan`.
    pub unit: Name,
    /// Dimension.
    pub dimension: Name,
    /// Direction.
    pub direction: Direction,
    /// Definition or formula.
    pub definition: Option<Name>,
}

/// The evaluation scheme, as the appendix describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchemeSummary {
    /// Scheme name.
    pub name: Name,
    /// Method in words (normalisation, aggregation, peer groups).
    pub method: Name,
    /// Dimensions with their weights, `Percent` (summing to 100).
    pub dimensions: Vec<Item>,
    /// How stars are given.
    pub star_rule: StarRule,
    /// Incidents that veto (一票否决).
    pub vetoes: Vec<Name>,
    /// Highest rating a vetoed base keeps, `Stars`.
    pub veto_cap: Figure,
}

/// How stars are given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StarRule {
    /// Fixed shares within each peer group: `shares[k - 1]` = percent of bases with `k` stars.
    Shares {
        /// `Percent`, one to five stars.
        shares: [Figure; 5],
    },
    /// Score thresholds: `minimums[k - 2]` = lowest score for `k` stars (two to five).
    Thresholds {
        /// `Score`, two to five stars.
        minimums: [Figure; 4],
    },
}

/// A data source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSource {
    /// Name.
    pub name: Name,
    /// What it supplies.
    pub detail: Name,
}
