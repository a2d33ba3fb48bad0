//! The demo programme: the 58 real bases of `data/bases.csv` as facts, and a generated remainder
//! calibrated to the published figures, deterministically from a seed.
//!
//! What is generated (and flagged `synthetic`):
//! * 398 further national bases so that the ten batches hold 62, 66, 57, 40, 37, 36, 35, 51, 39
//!   and 33 bases (`data/batches.csv`; batches 4–7 are only known to total 148, split here), 11 of
//!   them withdrawn in 2018–2022 so that the 2022 roll is 445; the regional split 193 east, 91
//!   central, 122 west, 39 northeast with Jiangsu and Shandong at 30 each; 95 raw-materials bases.
//! * about 600 provincial bases and 300 cultivating clusters;
//! * annual indicator values from 2018 to the previous calendar year, calibrated to the published
//!   magnitudes (five-star bases average 3,500–4,800亿 revenue, 8.4 % margin, 3.5–4.8 % R&D,
//!   about 180 above-scale firms per base), and 60 months of monthly series to the last full month;
//! * safety and environmental incidents (the evaluation's one-vote vetoes).
//!
//! Fields of real bases that the sources leave empty (batch, year, category, series) are filled by
//! the generator and listed in the base's note. Indicator values of real bases are synthetic, like
//! all values. Names of generated bases contain `模拟园区` so that no generated record can be taken
//! for a real park.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

use crate::catalogue::{self, Frequency};
use crate::reference::{MacroRegion, Regions};
use crate::roll::{BaseDraft, Series, Status, Tier};

/// The real bases, with sources.
pub const BASES_CSV: &str = include_str!("../data/bases.csv");

/// Generator settings.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Seed of every random draw.
    pub seed: u64,
    /// "Today": annual data end with the previous calendar year, monthly data with the previous month.
    pub today: NaiveDate,
    /// First year of annual data (2018, so that the published 2018–2022 evaluations can be replayed).
    pub first_year: i32,
    /// Number of monthly periods.
    pub months: usize,
    /// Number of provincial bases.
    pub provincial: usize,
    /// Number of cultivating clusters.
    pub cultivating: usize,
}

impl DemoConfig {
    /// The documented demo: seed 2026, 600 provincial bases, 300 cultivating clusters, 60 months.
    pub fn standard(today: NaiveDate) -> DemoConfig {
        DemoConfig {
            seed: 2026,
            today,
            first_year: 2018,
            months: 60,
            provincial: 600,
            cultivating: 300,
        }
    }

    /// Last year of annual data.
    pub fn last_year(&self) -> i32 {
        self.today.year() - 1
    }
}

/// A tier change of a demo base before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoTierChange {
    /// From.
    pub from: Option<Tier>,
    /// To (`None` = withdrawn).
    pub to: Option<Tier>,
    /// Date.
    pub on: NaiveDate,
    /// Document or reason.
    pub note: String,
}

/// A base of the demo with its history.
#[derive(Clone, Debug)]
pub struct DemoBase {
    /// The facts.
    pub draft: BaseDraft,
    /// Its tier history, oldest first.
    pub history: Vec<DemoTierChange>,
    /// Latent quality (standard normal), which drives the generated values; not stored.
    pub quality: f64,
}

/// Kinds of incidents that matter to the evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// 重大及以上生产安全事故: a one-vote veto.
    SafetyMajor,
    /// 较大生产安全事故: counted, not a veto.
    SafetySerious,
    /// Ⅰ级（特别重大）突发环境事件: a one-vote veto.
    EnvironmentLevel1,
    /// Ⅱ级（重大）突发环境事件: a one-vote veto.
    EnvironmentLevel2,
}

impl IncidentKind {
    /// All kinds.
    pub const ALL: [IncidentKind; 4] = [
        IncidentKind::SafetyMajor,
        IncidentKind::SafetySerious,
        IncidentKind::EnvironmentLevel1,
        IncidentKind::EnvironmentLevel2,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            IncidentKind::SafetyMajor => "safety_major",
            IncidentKind::SafetySerious => "safety_serious",
            IncidentKind::EnvironmentLevel1 => "environment_level1",
            IncidentKind::EnvironmentLevel2 => "environment_level2",
        }
    }

    /// Parses [`IncidentKind::code`].
    pub fn parse(code: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            IncidentKind::SafetyMajor => "重大生产安全事故",
            IncidentKind::SafetySerious => "较大生产安全事故",
            IncidentKind::EnvironmentLevel1 => "Ⅰ级突发环境事件",
            IncidentKind::EnvironmentLevel2 => "Ⅱ级突发环境事件",
        }
    }

    /// Whether it is a one-vote veto under the default rules.
    pub fn is_veto(self) -> bool {
        !matches!(self, IncidentKind::SafetySerious)
    }
}

/// An incident in a base.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoIncident {
    /// Index into [`DemoData::bases`].
    pub base: usize,
    /// Kind.
    pub kind: IncidentKind,
    /// Date.
    pub on: NaiveDate,
    /// Description.
    pub description: String,
}

/// Annual values of one indicator: `(base index, year, value)`.
pub type AnnualSeries = Vec<(usize, i32, f64)>;
/// Monthly values of one indicator: `(base index, period YYYYMM, value)`.
pub type MonthlySeries = Vec<(usize, i32, f64)>;

/// Everything the demo generates.
#[derive(Clone, Debug)]
pub struct DemoData {
    /// Bases, real ones first.
    pub bases: Vec<DemoBase>,
    /// Annual values by indicator code.
    pub annual: Vec<(&'static str, AnnualSeries)>,
    /// Monthly values by indicator code, as reported (cumulative indicators year-to-date, with no
    /// January figure because January and February are released together).
    pub monthly: Vec<(&'static str, MonthlySeries)>,
    /// Incidents.
    pub incidents: Vec<DemoIncident>,
}

impl DemoData {
    /// Number of annual values.
    pub fn n_annual(&self) -> usize {
        self.annual.iter().map(|(_, v)| v.len()).sum()
    }

    /// Number of monthly values.
    pub fn n_monthly(&self) -> usize {
        self.monthly.iter().map(|(_, v)| v.len()).sum()
    }
}

/// A designation batch of national bases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Batch number.
    pub number: i32,
    /// Bases designated.
    pub count: usize,
    /// Date of designation `(year, month, day)`.
    pub date: (i32, u32, u32),
    /// Document number, or a note that the date is simulated.
    pub document: &'static str,
}

/// The ten batches. Dates of batches 2 and 4–7 are not in the sources: mid-year dates stand in for
/// them, and their documents are marked `（模拟）`.
pub const BATCHES: [Batch; 10] = [
    Batch {
        number: 1,
        count: 62,
        date: (2010, 1, 15),
        document: "工信部规〔2010〕21号",
    },
    Batch {
        number: 2,
        count: 66,
        date: (2011, 6, 30),
        document: "第二批（日期模拟）",
    },
    Batch {
        number: 3,
        count: 57,
        date: (2012, 2, 13),
        document: "工信部规〔2012〕74号",
    },
    Batch {
        number: 4,
        count: 40,
        date: (2013, 6, 30),
        document: "第四批（日期模拟）",
    },
    Batch {
        number: 5,
        count: 37,
        date: (2014, 6, 30),
        document: "第五批（日期模拟）",
    },
    Batch {
        number: 6,
        count: 36,
        date: (2015, 6, 30),
        document: "第六批（日期模拟）",
    },
    Batch {
        number: 7,
        count: 35,
        date: (2016, 6, 30),
        document: "第七批（日期模拟）",
    },
    Batch {
        number: 8,
        count: 51,
        date: (2018, 2, 24),
        document: "第八批（2018-02-24）",
    },
    Batch {
        number: 9,
        count: 39,
        date: (2020, 3, 4),
        document: "第九批（2020-03-04）",
    },
    Batch {
        number: 10,
        count: 33,
        date: (2022, 1, 28),
        document: "工信部规函〔2022〕40号",
    },
];

/// Current national bases per province in the demo (445 in all: east 193, central 91, west 122,
/// northeast 39; Jiangsu and Shandong 30 each). A synthetic assumption within the published totals.
pub const PROVINCE_QUOTA: [(&str, usize); 31] = [
    ("110000", 11),
    ("120000", 13),
    ("130000", 20),
    ("310000", 15),
    ("320000", 30),
    ("330000", 24),
    ("350000", 16),
    ("370000", 30),
    ("440000", 30),
    ("460000", 4),
    ("140000", 11),
    ("340000", 17),
    ("360000", 15),
    ("410000", 18),
    ("420000", 16),
    ("430000", 14),
    ("150000", 11),
    ("450000", 11),
    ("500000", 13),
    ("510000", 18),
    ("520000", 9),
    ("530000", 10),
    ("540000", 2),
    ("610000", 14),
    ("620000", 9),
    ("630000", 6),
    ("640000", 8),
    ("650000", 11),
    ("210000", 17),
    ("220000", 10),
    ("230000", 12),
];

/// National bases ever designated per category (456: the 445 current plus 11 withdrawn; 95
/// current raw-materials bases as published).
const CATEGORY_QUOTA: [(&str, usize); 6] = [
    // Current plus withdrawn: 140 + 4, 90, 95 + 4, 70 + 3, 25, 25.
    ("equipment", 144),
    ("information", 90),
    ("materials", 99),
    ("consumer", 73),
    ("civil_military", 25),
    ("new_industry", 25),
];

/// Batch 1's published category split (装备制造 25, 原材料 15, 消费品 8, 电子信息及新兴产业 14).
const BATCH1_CATEGORIES: [(&str, usize); 5] = [
    ("equipment", 25),
    ("materials", 15),
    ("consumer", 8),
    ("information", 11),
    ("new_industry", 3),
];

/// Withdrawals by year: the published counts of bases evaluated (332, 381, 416, ~415, 445) follow
/// from the batches when 1, 2, 4, 1 and 3 bases leave in 2018–2022.
const WITHDRAWALS: [(i32, usize); 5] = [(2018, 1), (2019, 2), (2020, 4), (2021, 1), (2022, 3)];

/// Provinces of the eleven withdrawn bases (one each), so that the current roll keeps the
/// published regional split.
const WITHDRAWN_PROVINCES: [&str; 11] = [
    "130000", "140000", "150000", "210000", "230000", "410000", "450000", "510000", "610000",
    "620000", "650000",
];

const WITHDRAWAL_REASONS: [&str; 3] = [
    "连续两年发展质量评价处于末档，限期整改期满仍未达标（模拟）",
    "所在园区整合撤并，主导产业整体转移（模拟）",
    "发生重大生产安全事故，一票否决（模拟）",
];

/// Sub-type shares within each category, and leading-industry details for names.
const SUBTYPES: &[(&str, &str, f64, &[&str])] = &[
    (
        "equipment",
        "auto_rail",
        0.35,
        &["汽车", "汽车零部件", "新能源汽车", "轨道交通装备", "专用车"],
    ),
    (
        "equipment",
        "shipbuilding",
        0.12,
        &["船舶与海洋工程装备", "船舶配套"],
    ),
    (
        "equipment",
        "aerospace",
        0.10,
        &["航空装备", "航天装备", "通用航空"],
    ),
    (
        "equipment",
        "high_end_equipment",
        0.43,
        &[
            "工程机械",
            "智能装备",
            "数控机床",
            "电力装备",
            "工业机器人",
            "仪器仪表",
        ],
    ),
    (
        "information",
        "electronics",
        0.6,
        &[
            "集成电路",
            "新型显示",
            "光电子",
            "智能终端",
            "光伏",
            "电子元器件",
        ],
    ),
    (
        "information",
        "software",
        0.4,
        &["软件和信息服务", "信息技术服务"],
    ),
    ("materials", "steel", 0.14, &["钢铁", "特钢"]),
    (
        "materials",
        "nonferrous",
        0.18,
        &["铜", "铝加工", "稀土", "钛材"],
    ),
    (
        "materials",
        "petrochemical",
        0.25,
        &["石油化工", "精细化工", "化工新材料"],
    ),
    (
        "materials",
        "building_materials",
        0.10,
        &["新型建材", "陶瓷", "玻璃"],
    ),
    (
        "materials",
        "new_materials",
        0.23,
        &["电池材料", "硅基新材料", "碳纤维", "稀有金属"],
    ),
    (
        "materials",
        "recycling",
        0.10,
        &["资源综合利用", "再制造", "循环经济"],
    ),
    (
        "consumer",
        "light_industry",
        0.25,
        &["家电", "家具", "造纸", "皮革制鞋"],
    ),
    (
        "consumer",
        "textiles",
        0.30,
        &["纺织服装", "化纤", "产业用纺织品"],
    ),
    (
        "consumer",
        "food",
        0.30,
        &["食品", "农副产品深加工", "白酒"],
    ),
    ("consumer", "pharma", 0.15, &["生物医药", "中药", "化学药"]),
    (
        "civil_military",
        "high_tech_conversion",
        1.0,
        &["高技术转化应用", "军民结合"],
    ),
    (
        "new_industry",
        "service_manufacturing",
        0.15,
        &["工业设计", "服务型制造"],
    ),
    (
        "new_industry",
        "green_safety",
        0.15,
        &["节能环保", "安全应急装备"],
    ),
    (
        "new_industry",
        "industrial_internet",
        0.20,
        &["工业互联网", "移动物联网"],
    ),
    ("new_industry", "big_data", 0.20, &["大数据"]),
    ("new_industry", "cloud", 0.10, &["云计算"]),
    ("new_industry", "data_center", 0.10, &["数据中心"]),
    (
        "new_industry",
        "industrial_transfer",
        0.10,
        &["产业转移合作"],
    ),
];

/// How the sources' sub-type wording maps onto built-in sub-types.
fn subtype_of_source(category: &str, sub: &str) -> Option<&'static str> {
    let s = sub;
    Some(match category {
        "信息产业" if s.contains("软件") => "software",
        "信息产业" => "electronics",
        "装备制造" if s.contains("船舶") => "shipbuilding",
        "装备制造" if s.contains("汽车") || s.contains("轨道") => "auto_rail",
        "装备制造" if s.contains("航空") || s.contains("航天") => "aerospace",
        "装备制造" => "high_end_equipment",
        "原材料" if s.contains("有色") => "nonferrous",
        "原材料" if s.contains("钢") => "steel",
        "原材料"
            if s.contains("石化")
                || s.contains("石油")
                || s.contains("化工") && !s.contains("新材料") =>
        {
            "petrochemical"
        }
        "原材料" if s.contains("无机非金属") || s.contains("建材") => {
            "building_materials"
        }
        "原材料" if s.contains("资源") || s.contains("循环") => "recycling",
        "原材料" => "new_materials",
        "消费品" if s.contains("纺织") => "textiles",
        "消费品" if s.contains("食品") || s.contains("农副") => "food",
        "消费品" if s.contains("医药") => "pharma",
        "消费品" => "light_industry",
        "军民融合" => "high_tech_conversion",
        "新产业新业态" if s.contains("互联网") || s.contains("物联网") => {
            "industrial_internet"
        }
        "新产业新业态" => "big_data",
        _ => return None,
    })
}

fn category_code_of_zh(zh: &str) -> Option<&'static str> {
    crate::reference::BUILTIN_CATEGORIES
        .iter()
        .find(|(_, parent, name, _)| parent.is_none() && *name == zh)
        .map(|(code, ..)| *code)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

struct Rng(Pcg64Mcg);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(Pcg64Mcg::seed_from_u64(
            seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ))
    }
    fn normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.0)
    }
    fn uniform(&mut self) -> f64 {
        self.0.random()
    }
    fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.0.random_range(0..=i);
            items.swap(i, j);
        }
    }
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// A real base as read from `data/bases.csv`.
#[derive(Clone, Debug)]
pub struct RealBase {
    /// Name as published.
    pub name: String,
    /// Province name.
    pub province: String,
    /// City name.
    pub city: String,
    /// Batch, when stated.
    pub batch: Option<i32>,
    /// Year, when stated.
    pub year: Option<i32>,
    /// Category (Chinese), when stated.
    pub category: String,
    /// Sub-type wording, when stated.
    pub subcategory: String,
    /// Series wording.
    pub series: String,
    /// Published star ratings `(year, stars)`.
    pub ratings: Vec<(i32, u8)>,
    /// Whether a source reports revenue above 1万亿.
    pub trillion: bool,
    /// Sources.
    pub source: String,
    /// Notes of the data file.
    pub note: String,
}

/// Parses `data/bases.csv`.
pub fn real_bases() -> Vec<RealBase> {
    let mut reader = csv::Reader::from_reader(BASES_CSV.as_bytes());
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.expect("shipped bases.csv parses");
        let ratings_text = &row[8];
        let mut ratings = Vec::new();
        for part in ratings_text.split(';') {
            let part = part.trim();
            let Some((years, rest)) = part.split_once(':') else {
                continue;
            };
            let stars = rest
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>();
            let Ok(stars) = stars.parse::<u8>() else {
                continue;
            };
            let years: Vec<i32> = match years.split_once('-') {
                Some((a, b)) => match (a.parse::<i32>(), b.parse::<i32>()) {
                    (Ok(a), Ok(b)) => (a..=b).collect(),
                    _ => continue,
                },
                None => years.parse().map(|y| vec![y]).unwrap_or_default(),
            };
            for y in years {
                ratings.push((y, stars));
            }
        }
        out.push(RealBase {
            name: row[0].into(),
            province: row[1].into(),
            city: row[2].into(),
            batch: row[3].parse().ok(),
            year: row[4].parse().ok(),
            category: row[5].into(),
            subcategory: row[6].into(),
            series: row[7].into(),
            ratings,
            trillion: ratings_text.contains("1万亿"),
            source: row[9].into(),
            note: row[10].into(),
        });
    }
    out
}

fn batch_date(batch: i32) -> NaiveDate {
    let (y, m, d) = BATCHES[(batch - 1) as usize].date;
    date(y, m, d)
}

fn batch_document(batch: i32) -> &'static str {
    BATCHES[(batch - 1) as usize].document
}

/// Generates the demo programme.
pub fn generate(config: &DemoConfig) -> DemoData {
    let mut bases = generate_roll(config);
    let incidents = generate_incidents(config, &bases);
    let annual = generate_annual(config, &mut bases, &incidents);
    let monthly = generate_monthly(config, &bases, &annual);
    DemoData {
        bases,
        annual,
        monthly,
        incidents,
    }
}

struct Slot {
    batch: i32,
    province: String,
    category: String,
}

fn generate_roll(config: &DemoConfig) -> Vec<DemoBase> {
    let regions = Regions::get();
    let mut rng = Rng::new(config.seed, 1);
    let reals = real_bases();
    let mut bases: Vec<DemoBase> = Vec::new();

    // Quotas consumed by the real bases.
    let mut province_left: HashMap<String, usize> = PROVINCE_QUOTA
        .iter()
        .map(|(p, n)| ((*p).to_string(), *n))
        .collect();
    // Eleven withdrawn bases come on top of the current roll, spread over these provinces.
    for p in WITHDRAWN_PROVINCES {
        *province_left.get_mut(p).expect("quota province") += 1;
    }
    let mut category_left: HashMap<String, usize> = CATEGORY_QUOTA
        .iter()
        .map(|(c, n)| ((*c).to_string(), *n))
        .collect();
    let mut batch_left: HashMap<i32, usize> = BATCHES.iter().map(|b| (b.number, b.count)).collect();
    let mut batch1_categories: HashMap<&str, usize> = BATCH1_CATEGORIES.iter().copied().collect();
    let mut names_per_city: HashMap<String, usize> = HashMap::new();

    for real in &reals {
        let mut filled: Vec<&str> = Vec::new();
        let province = regions
            .province_by_name(&real.province)
            .unwrap_or_else(|| panic!("real base province {}", real.province));
        let prefecture = if regions.is_municipality(&province.code) {
            None
        } else {
            regions
                .prefecture_by_name(&province.code, &real.city)
                .map(|p| p.code.clone())
        };
        let mut category = category_code_of_zh(&real.category).map(str::to_string);
        if category.is_none() {
            filled.push("类别");
            // Pick the category with most places left, to keep the published split.
            let best = CATEGORY_QUOTA
                .iter()
                .map(|(c, _)| *c)
                .max_by_key(|c| (category_left[*c], rng.below(1000)))
                .expect("categories");
            category = Some(best.to_string());
        }
        let category = category.expect("set above");
        let subcategory = subtype_of_source(&real.category, &real.subcategory)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let options: Vec<&(&str, &str, f64, &[&str])> =
                    SUBTYPES.iter().filter(|s| s.0 == category).collect();
                let w: Vec<f64> = options.iter().map(|s| s.2).collect();
                options[rng.weighted(&w)].1.to_string()
            });
        let batch = match real.batch {
            Some(b) => b,
            None => {
                filled.push("批次");
                let first_rated = real.ratings.iter().map(|r| r.0).min();
                // Rated in 2018 → designated by batch 7; first rated 2019 → batch 8.
                let candidates: Vec<i32> = match first_rated {
                    Some(2019) if real.ratings.len() == 1 => vec![8],
                    _ => (1..=7).collect(),
                };
                let w: Vec<f64> = candidates
                    .iter()
                    .map(|b| batch_left[b] as f64 + 0.1)
                    .collect();
                candidates[rng.weighted(&w)]
            }
        };
        let year = batch_date(batch).year();
        if real.year.is_none() {
            filled.push("设立年份");
        }
        let series = match Series::parse(&real.series) {
            Some(s) => Some(s),
            None => {
                filled.push("系列");
                Some(if rng.uniform() < 0.5 {
                    Series::Advantage
                } else {
                    Series::Specialty
                })
            }
        };
        *province_left.get_mut(&province.code).expect("quota") -= 1;
        *category_left.get_mut(&category).expect("quota") -= 1;
        *batch_left.get_mut(&batch).expect("batch") -= 1;
        if batch == 1 {
            let c = batch1_categories
                .entry(category_static(&category))
                .or_insert(0);
            *c = c.saturating_sub(1);
        }
        let best_rating = real.ratings.iter().map(|r| r.1).max();
        let quality = match best_rating {
            Some(5) => 2.3 + 0.3 * rng.normal(),
            Some(4) => 0.9 + 0.3 * rng.normal(),
            _ => 0.4 + 0.8 * rng.normal(),
        };
        let exact_date = matches!(batch, 3 | 8 | 9) && real.batch.is_some();
        let mut note = if filled.is_empty() {
            String::new()
        } else {
            format!("模拟补全字段：{}。", filled.join("、"))
        };
        if !real.note.is_empty() {
            note.push_str("数据来源备注：");
            note.push_str(&real.note);
        }
        let lead = real
            .name
            .split_once('·')
            .map(|(l, _)| l.to_string())
            .unwrap_or_else(|| real.subcategory.clone());
        let history = vec![DemoTierChange {
            from: None,
            to: Some(Tier::National),
            on: batch_date(batch),
            note: batch_document(batch).to_string(),
        }];
        bases.push(DemoBase {
            draft: BaseDraft {
                name: real.name.clone(),
                province_code: province.code.clone(),
                prefecture_code: prefecture,
                category_code: category,
                subcategory_code: Some(subcategory),
                series,
                tier: Tier::National,
                batch: Some(batch),
                designated_year: Some(year),
                designated_on: exact_date.then(|| batch_date(batch)),
                leading_industries: if lead.is_empty() {
                    Vec::new()
                } else {
                    vec![lead]
                },
                managing_body: None,
                area_km2: None,
                status: Status::Current,
                synthetic: false,
                source: Some(real.source.clone()),
                note: (!note.is_empty()).then_some(note),
            },
            history,
            quality,
        });
    }

    // Slots for the generated national bases: batch × province × category.
    let mut slots: Vec<Slot> = Vec::new();
    let mut provinces: Vec<String> = Vec::new();
    for (p, n) in &province_left {
        for _ in 0..*n {
            provinces.push(p.clone());
        }
    }
    provinces.sort();
    rng.shuffle(&mut provinces);
    let mut categories: Vec<String> = Vec::new();
    // Batch 1 takes what is left of its published split first, topped up (or cut) to the number
    // of batch-1 places still open.
    let need_batch1 = batch_left[&1];
    for (c, _) in BATCH1_CATEGORIES {
        let n = batch1_categories[c].min(category_left[c]);
        for _ in 0..n {
            if categories.len() < need_batch1 {
                categories.push(c.to_string());
                *category_left.get_mut(c).expect("quota") -= 1;
            }
        }
    }
    while categories.len() < need_batch1 {
        let c = CATEGORY_QUOTA
            .iter()
            .map(|(c, _)| *c)
            .max_by_key(|c| category_left[*c])
            .expect("categories");
        categories.push(c.to_string());
        *category_left.get_mut(c).expect("quota") -= 1;
    }
    let n_batch1 = categories.len();
    let mut rest: Vec<String> = Vec::new();
    for (c, _) in CATEGORY_QUOTA {
        for _ in 0..category_left[c] {
            rest.push(c.to_string());
        }
    }
    rng.shuffle(&mut rest);
    categories.extend(rest);
    let mut batches: Vec<i32> = Vec::new();
    for b in BATCHES {
        for _ in 0..batch_left[&b.number] {
            batches.push(b.number);
        }
    }
    assert_eq!(batches.len(), provinces.len(), "quotas must agree");
    assert_eq!(batches.len(), categories.len(), "quotas must agree");
    assert!(batches[..batch_left[&1]].iter().all(|b| *b == 1));
    assert_eq!(n_batch1, batch_left[&1]);
    for ((batch, province), category) in batches.into_iter().zip(provinces).zip(categories) {
        slots.push(Slot {
            batch,
            province,
            category,
        });
    }

    let first_generated = bases.len();
    for slot in slots {
        let quality = rng.normal();
        let base = synthetic_base(
            &mut rng,
            &slot.province,
            &slot.category,
            Tier::National,
            quality,
            &mut names_per_city,
        );
        let mut b = base;
        b.draft.batch = Some(slot.batch);
        b.draft.designated_year = Some(batch_date(slot.batch).year());
        b.draft.designated_on = Some(batch_date(slot.batch));
        b.draft.series = Some(if rng.uniform() < 0.42 {
            Series::Advantage
        } else {
            Series::Specialty
        });
        let designated = batch_date(slot.batch);
        let provincial_years = 2 + rng.below(4) as i32;
        let provincial_on =
            date(designated.year() - provincial_years, 6, 30).max(date(2006, 6, 30));
        b.history = vec![
            DemoTierChange {
                from: None,
                to: Some(Tier::Provincial),
                on: provincial_on,
                note: "省级示范基地认定（模拟）".into(),
            },
            DemoTierChange {
                from: Some(Tier::Provincial),
                to: Some(Tier::National),
                on: designated,
                note: batch_document(slot.batch).to_string(),
            },
        ];
        bases.push(b);
    }

    // Withdrawals: in each province of `WITHDRAWN_PROVINCES`, its weakest generated base of
    // batches 1–7.
    let mut plan = WITHDRAWALS
        .iter()
        .flat_map(|&(year, n)| (0..n).map(move |k| (year, k)));
    // The eleven withdrawn bases come out of these categories (the quotas above them).
    let mut withdrawn_categories: HashMap<&str, usize> =
        [("equipment", 4), ("materials", 4), ("consumer", 3)]
            .into_iter()
            .collect();
    for province in WITHDRAWN_PROVINCES {
        let (year, k) = plan.next().expect("eleven withdrawals planned");
        let i = (first_generated..bases.len())
            .filter(|&i| {
                bases[i].draft.province_code == province
                    && bases[i].draft.batch.is_some_and(|b| b <= 7)
                    && bases[i].draft.status == Status::Current
                    && withdrawn_categories
                        .get(bases[i].draft.category_code.as_str())
                        .is_some_and(|n| *n > 0)
            })
            .min_by(|&a, &b| bases[a].quality.total_cmp(&bases[b].quality))
            .expect("a candidate in every province of the plan");
        *withdrawn_categories
            .get_mut(bases[i].draft.category_code.as_str())
            .expect("filtered above") -= 1;
        let on = date(year, 3 + (k as u32 * 3) % 9, 20);
        let reason = WITHDRAWAL_REASONS[(i + k) % WITHDRAWAL_REASONS.len()].to_string();
        bases[i].draft.status = Status::Withdrawn {
            on,
            reason: reason.clone(),
        };
        bases[i].history.push(DemoTierChange {
            from: Some(Tier::National),
            to: None,
            on,
            note: reason,
        });
    }

    // Excellence plan: the strongest current generated bases designated before 2016.
    let mut strong: Vec<usize> = (first_generated..bases.len())
        .filter(|&i| {
            bases[i].draft.status == Status::Current && bases[i].draft.batch.is_some_and(|b| b <= 6)
        })
        .collect();
    strong.sort_by(|&a, &b| bases[b].quality.total_cmp(&bases[a].quality));
    for &i in strong.iter().take(12) {
        let on = date(2024, 6, 28);
        bases[i].draft.tier = Tier::Excellence;
        bases[i].history.push(DemoTierChange {
            from: Some(Tier::National),
            to: Some(Tier::Excellence),
            on,
            note: "卓越提升计划首批（模拟）".into(),
        });
    }

    // Provincial bases and cultivating clusters, spread like the national roll.
    let province_weights: Vec<f64> = PROVINCE_QUOTA
        .iter()
        .map(|(_, n)| *n as f64 + 4.0)
        .collect();
    let category_weights: Vec<f64> = CATEGORY_QUOTA.iter().map(|(_, n)| *n as f64).collect();
    let last_year = config.last_year();
    for (tier, count) in [
        (Tier::Provincial, config.provincial),
        (Tier::Cultivating, config.cultivating),
    ] {
        for _ in 0..count {
            let province = PROVINCE_QUOTA[rng.weighted(&province_weights)].0;
            let category = CATEGORY_QUOTA[rng.weighted(&category_weights)].0;
            let quality = rng.normal() - if tier == Tier::Cultivating { 0.8 } else { 0.4 };
            let mut b = synthetic_base(
                &mut rng,
                province,
                category,
                tier,
                quality,
                &mut names_per_city,
            );
            let (lo, hi) = if tier == Tier::Provincial {
                (2012, last_year)
            } else {
                (2016, last_year)
            };
            let year = lo + rng.below((hi - lo + 1) as usize) as i32;
            let on = date(year, 1 + rng.below(12) as u32, 15);
            b.draft.designated_year = Some(year);
            b.draft.designated_on = Some(on);
            b.draft.series = None;
            if tier == Tier::Provincial && rng.uniform() < 0.4 && year > 2014 {
                let earlier = date(year - 2 - rng.below(3) as i32, 6, 30);
                b.history.push(DemoTierChange {
                    from: None,
                    to: Some(Tier::Cultivating),
                    on: earlier,
                    note: "列入省级培育名单（模拟）".into(),
                });
                b.history.push(DemoTierChange {
                    from: Some(Tier::Cultivating),
                    to: Some(Tier::Provincial),
                    on,
                    note: "省级示范基地认定（模拟）".into(),
                });
            } else {
                b.history.push(DemoTierChange {
                    from: None,
                    to: Some(tier),
                    on,
                    note: if tier == Tier::Provincial {
                        "省级示范基地认定（模拟）".into()
                    } else {
                        "列入省级培育名单（模拟）".into()
                    },
                });
            }
            bases.push(b);
        }
    }
    bases
}

fn category_static(code: &str) -> &'static str {
    CATEGORY_QUOTA
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c == code)
        .unwrap_or("equipment")
}

fn synthetic_base(
    rng: &mut Rng,
    province_code: &str,
    category: &str,
    tier: Tier,
    quality: f64,
    names_per_city: &mut HashMap<String, usize>,
) -> DemoBase {
    let regions = Regions::get();
    let province = regions
        .province(province_code)
        .expect("quota province exists");
    let (prefecture_code, city) = if regions.is_municipality(province_code) {
        (None, province.short_name.clone())
    } else {
        let options: Vec<_> = regions.prefectures_of(province_code).collect();
        let p = *rng.pick(&options);
        (Some(p.code.clone()), short_city(&p.name))
    };
    let options: Vec<&(&str, &str, f64, &[&str])> =
        SUBTYPES.iter().filter(|s| s.0 == category).collect();
    let w: Vec<f64> = options.iter().map(|s| s.2).collect();
    let sub = options[rng.weighted(&w)];
    let detail = *rng.pick(sub.3);
    let category_zh = crate::reference::BUILTIN_CATEGORIES
        .iter()
        .find(|c| c.0 == category)
        .map(|c| c.2)
        .unwrap_or(category);
    let n = names_per_city.entry(city.clone()).or_insert(0);
    *n += 1;
    let place = format!("{city}模拟园区{n}");
    let name = crate::roll::official_name(category_zh, Some(detail), &place);
    let area = (3.3 + 0.6 * rng.normal()).exp();
    DemoBase {
        draft: BaseDraft {
            name,
            province_code: province_code.into(),
            prefecture_code,
            category_code: category.into(),
            subcategory_code: Some(sub.1.into()),
            series: None,
            tier,
            batch: None,
            designated_year: None,
            designated_on: None,
            leading_industries: vec![detail.into()],
            managing_body: Some(format!("{place}管理委员会")),
            area_km2: Some((area * 10.0).round() / 10.0),
            status: Status::Current,
            synthetic: true,
            source: None,
            note: Some("演示数据：名称、属性与指标值均为模拟生成。".into()),
        },
        history: Vec::new(),
        quality,
    }
}

fn short_city(name: &str) -> String {
    for suffix in ["市", "地区", "自治州", "盟"] {
        if let Some(s) = name.strip_suffix(suffix)
            && s.chars().count() >= 2
        {
            return s.to_string();
        }
    }
    name.to_string()
}

/// Per sub-type economics: `(margin %, R&D %, energy tce/万元, VA rate %, productivity 万元/人,
/// water m³/万元, export share %, revenue per mu 万元)`.
fn economics(subtype: &str) -> [f64; 8] {
    match subtype {
        "auto_rail" => [5.5, 2.3, 0.12, 22.0, 32.0, 8.0, 8.0, 700.0],
        "shipbuilding" => [4.5, 3.0, 0.15, 24.0, 28.0, 10.0, 40.0, 500.0],
        "aerospace" => [6.5, 4.5, 0.10, 28.0, 30.0, 8.0, 10.0, 450.0],
        "high_end_equipment" => [7.0, 2.8, 0.12, 26.0, 30.0, 8.0, 15.0, 550.0],
        "electronics" => [5.0, 3.6, 0.08, 18.0, 34.0, 9.0, 35.0, 900.0],
        "software" => [11.0, 7.5, 0.02, 45.0, 45.0, 2.0, 5.0, 1500.0],
        "steel" => [3.5, 1.4, 2.8, 20.0, 45.0, 40.0, 6.0, 900.0],
        "nonferrous" => [4.0, 1.3, 2.2, 18.0, 40.0, 35.0, 8.0, 850.0],
        "petrochemical" => [6.0, 1.2, 1.8, 22.0, 55.0, 45.0, 8.0, 800.0],
        "building_materials" => [7.5, 1.1, 2.5, 25.0, 28.0, 30.0, 5.0, 400.0],
        "new_materials" => [7.0, 2.6, 1.0, 24.0, 36.0, 25.0, 12.0, 650.0],
        "recycling" => [5.0, 1.6, 1.2, 20.0, 25.0, 30.0, 4.0, 350.0],
        "light_industry" => [6.5, 1.4, 0.35, 24.0, 22.0, 20.0, 25.0, 450.0],
        "textiles" => [5.0, 1.1, 0.45, 22.0, 18.0, 60.0, 25.0, 380.0],
        "food" => [7.0, 0.9, 0.30, 26.0, 24.0, 30.0, 6.0, 500.0],
        "pharma" => [13.0, 4.0, 0.25, 35.0, 38.0, 20.0, 12.0, 600.0],
        "high_tech_conversion" => [7.0, 4.0, 0.12, 28.0, 30.0, 8.0, 8.0, 500.0],
        _ => [9.0, 4.5, 0.10, 35.0, 35.0, 5.0, 6.0, 800.0],
    }
}

/// Nominal revenue growth of all industry by year (a synthetic macro path: the 2020 dip, the 2021
/// rebound).
fn macro_growth(year: i32) -> f64 {
    match year {
        2019 => 0.06,
        2020 => 0.015,
        2021 => 0.15,
        2022 => 0.055,
        2023 => 0.04,
        2024 => 0.05,
        _ => 0.05,
    }
}

/// Margin swing of raw materials by year (percentage points; steel's 2021 boom, 2022–23 slump).
fn materials_margin_shock(year: i32) -> f64 {
    match year {
        2021 => 2.0,
        2022 => -1.2,
        2023 => -1.0,
        2024 => 0.3,
        _ => 0.0,
    }
}

fn generate_incidents(config: &DemoConfig, bases: &[DemoBase]) -> Vec<DemoIncident> {
    let mut rng = Rng::new(config.seed, 3);
    let mut out = Vec::new();
    for (i, b) in bases.iter().enumerate() {
        if !b.draft.tier.is_national() && b.draft.status == Status::Current {
            continue;
        }
        let hazardous = b.draft.category_code == "materials";
        for year in config.first_year..=config.last_year() {
            if let Status::Withdrawn { on, .. } = b.draft.status
                && year > on.year()
            {
                continue;
            }
            let u = rng.uniform();
            let scale = if hazardous { 2.5 } else { 1.0 } * (1.0 - 0.15 * b.quality).max(0.5);
            let kind = if u < 0.003 * scale {
                Some(IncidentKind::SafetyMajor)
            } else if u < 0.004 * scale {
                Some(IncidentKind::EnvironmentLevel2)
            } else if u < 0.0045 * scale {
                Some(IncidentKind::EnvironmentLevel1)
            } else if u < 0.02 * scale {
                Some(IncidentKind::SafetySerious)
            } else {
                None
            };
            if let Some(kind) = kind {
                let on = date(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
                out.push(DemoIncident {
                    base: i,
                    kind,
                    on,
                    description: format!("{}（模拟事件）", kind.name_zh()),
                });
            }
        }
    }
    out
}

/// Indicators generated for provincial bases and cultivating clusters (national bases get all).
const CORE_INDICATORS: [&str; 12] = [
    "rev_main",
    "va_ind",
    "va_growth",
    "lead_ind_share",
    "ent_above_scale",
    "profit_margin",
    "profit_total",
    "tax_per_mu",
    "rd_intensity",
    "patents",
    "energy_int",
    "labour_prod",
];

fn generate_annual(
    config: &DemoConfig,
    bases: &mut [DemoBase],
    incidents: &[DemoIncident],
) -> Vec<(&'static str, AnnualSeries)> {
    let annual_codes: Vec<&'static str> = catalogue::reference_catalogue()
        .iter()
        .filter(|i| i.frequency == Frequency::Annual)
        .map(|i| i.code.as_str())
        .collect();
    let mut out: Vec<(&'static str, AnnualSeries)> =
        annual_codes.iter().map(|c| (*c, Vec::new())).collect();
    let position: HashMap<&str, usize> = annual_codes
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i))
        .collect();
    let mut accidents: HashMap<(usize, i32), f64> = HashMap::new();
    for inc in incidents {
        if matches!(
            inc.kind,
            IncidentKind::SafetyMajor | IncidentKind::SafetySerious
        ) {
            *accidents.entry((inc.base, inc.on.year())).or_insert(0.0) += 1.0;
        }
    }
    let trillion: Vec<String> = real_bases()
        .into_iter()
        .filter(|r| r.trillion)
        .map(|r| r.name)
        .collect();
    for (i, base) in bases.iter().enumerate() {
        let mut rng = Rng::new(config.seed, 1000 + i as u64);
        let d = &base.draft;
        let q = base.quality;
        let sub = d.subcategory_code.as_deref().unwrap_or("");
        let [
            margin0,
            rd0,
            energy0,
            va_rate0,
            prod0,
            water0,
            export0,
            rev_mu0,
        ] = economics(sub);
        let size_z = 0.5 * q + 0.85 * rng.normal();
        let category_scale = match d.category_code.as_str() {
            "information" => 1.35,
            "materials" => 1.15,
            "equipment" => 1.0,
            "consumer" => 0.7,
            _ => 0.6,
        };
        let median = match d.tier {
            Tier::National | Tier::Excellence => 480.0,
            Tier::Provincial => 130.0,
            Tier::Cultivating => 45.0,
        };
        let mut revenue = median * category_scale * (0.8 * size_z).exp();
        if trillion.contains(&d.name) {
            // Sources report revenue above 1万亿 in 2020.
            revenue = 10_400.0 / ((1.0 + macro_growth(2019)) * (1.0 + macro_growth(2020)));
        }
        let all = d.tier.is_national() || d.status != Status::Current;
        let is_materials = d.category_code == "materials";
        let lead_share = match d.series {
            Some(Series::Specialty) => 72.0 + 20.0 * rng.uniform(),
            _ => 52.0 + 30.0 * rng.uniform(),
        };
        let land_mu = revenue * 1e4 / (rev_mu0 * (0.3 * q + 0.2 * rng.normal()).exp());
        let mut energy_int = energy0 * (-0.2 * q + 0.15 * rng.normal()).exp();
        let water_int = water0 * (-0.15 * q + 0.2 * rng.normal()).exp();
        let mut prev: Option<(f64, f64, f64)> = None; // revenue, va, energy intensity
        let withdrawn_year = match &d.status {
            Status::Withdrawn { on, .. } => Some(on.year()),
            Status::Current => None,
        };
        let firm_base = 180.0 * (revenue / 900.0).powf(0.6) * (0.15 * rng.normal()).exp();
        for year in config.first_year..=config.last_year() {
            if withdrawn_year.is_some_and(|w| year > w) {
                break;
            }
            if let Some((prev_rev, ..)) = prev {
                let cyc = if is_materials { 1.4 } else { 1.0 };
                let g = macro_growth(year) * cyc + 0.018 * q + 0.045 * rng.normal();
                revenue = prev_rev * (1.0 + g.max(-0.25));
            }
            let t = (year - config.first_year) as f64;
            let shock = if is_materials {
                materials_margin_shock(year)
            } else {
                0.0
            };
            let margin = (margin0 + 1.3 * q + shock + 0.8 * rng.normal()).max(-4.0);
            let va_rate = (va_rate0 + 2.0 * q + 1.0 * rng.normal()).clamp(8.0, 60.0);
            let output = revenue * (0.98 + 0.02 * rng.normal());
            let va = output * va_rate / 100.0;
            let productivity = prod0 * (0.22 * q + 0.08 * rng.normal()).exp() * (1.04f64).powf(t);
            let firms = (firm_base * (1.0 + 0.03 * t) * (0.05 * rng.normal()).exp())
                .round()
                .max(8.0);
            let tax = revenue * (0.035 + 0.005 * rng.normal()).max(0.01);
            let rd = (rd0 * (0.32 * q + 0.1 * rng.normal()).exp() * (1.0 + 0.02 * t)).max(0.1);
            energy_int *= 1.0 - (0.035 + 0.01 * q + 0.015 * rng.normal());
            let exports = revenue * (export0 / 100.0) * (0.3 * rng.normal()).exp();
            let positive = |x: f64| x.max(0.0);
            let va_growth = match prev {
                Some((_, prev_va, _)) => (va / prev_va - 1.0) * 100.0 - 1.5,
                None => (macro_growth(year) + 0.018 * q) * 100.0 - 1.5,
            };
            let energy_decline = match prev {
                Some((.., prev_e)) => (1.0 - energy_int / prev_e) * 100.0,
                None => 3.5 + 1.0 * q,
            };
            let values: [(&str, f64); 46] = [
                ("rev_main", revenue),
                ("output_gross", output),
                ("va_ind", va),
                ("va_growth", va_growth),
                (
                    "lead_ind_share",
                    (lead_share + 1.5 * rng.normal()).clamp(45.0, 99.0),
                ),
                ("ent_above_scale", firms),
                (
                    "ent_listed",
                    (firms * 0.05 * (0.4 * q + 0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "ent_champion",
                    (firms * 0.04 * (0.5 * q + 0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "ent_large",
                    (revenue / 150.0 * (0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "va_city_share",
                    (12.0 * (0.5 * size_z + 0.2 * rng.normal()).exp()).clamp(1.0, 70.0),
                ),
                ("profit_total", revenue * margin / 100.0),
                ("profit_margin", margin),
                ("labour_prod", productivity),
                ("tax_per_mu", tax * 1e4 / land_mu),
                ("rev_per_mu", revenue * 1e4 / land_mu),
                ("va_per_mu", va * 1e4 / land_mu),
                ("va_rate", va_rate),
                (
                    "rev_net_increase",
                    prev.map_or(revenue * 0.06, |(r, ..)| revenue - r),
                ),
                ("tax_total", tax),
                (
                    "invest_density",
                    380.0 * (0.2 * q + 0.2 * rng.normal()).exp(),
                ),
                ("rd_intensity", rd),
                (
                    "rd_staff_share",
                    (4.0 * rd / rd0.max(0.5) * (0.15 * rng.normal()).exp()).clamp(0.5, 40.0),
                ),
                (
                    "rd_inst",
                    (firms * 0.07 * (0.4 * q + 0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "hitech_ent",
                    (firms * 0.35 * (0.3 * q + 0.2 * rng.normal()).exp()).round(),
                ),
                (
                    "patents",
                    (revenue * 1.1 * rd / rd0.max(0.5) * (0.3 * q + 0.25 * rng.normal()).exp())
                        .round(),
                ),
                (
                    "incubators",
                    positive((2.0 + 1.5 * q + 1.5 * rng.normal()).round()),
                ),
                (
                    "new_product_share",
                    (22.0 + 6.0 * q + 4.0 * rng.normal()).clamp(3.0, 80.0),
                ),
                ("energy_int", energy_int),
                ("energy_int_decline", energy_decline),
                (
                    "water_int",
                    water_int * (0.1 * rng.normal()).exp() * (0.97f64).powf(t),
                ),
                (
                    "solid_waste_util",
                    (78.0 + 7.0 * q + 5.0 * rng.normal()).clamp(30.0, 99.5),
                ),
                ("va_per_energy", 1.0 / energy_int),
                (
                    "va_per_emission",
                    3000.0 * (0.3 * q + 0.3 * rng.normal()).exp(),
                ),
                (
                    "safety_accidents",
                    accidents.get(&(i, year)).copied().unwrap_or(0.0),
                ),
                (
                    "green_factory",
                    (firms * 0.025 * (0.4 * q).exp() * (1.0 + 0.15 * t)).round(),
                ),
                (
                    "nc_rate",
                    (58.0 + 9.0 * q + 4.0 * rng.normal() + 1.2 * t).clamp(20.0, 98.0),
                ),
                (
                    "digital_rd_rate",
                    (70.0 + 6.0 * q + 4.0 * rng.normal() + 1.0 * t).clamp(30.0, 99.0),
                ),
                (
                    "mfg_service_share",
                    (85.0 + 3.0 * q + 3.0 * rng.normal()).clamp(50.0, 99.0),
                ),
                (
                    "large_small_collab",
                    (38.0 + 7.0 * q + 5.0 * rng.normal()).clamp(5.0, 90.0),
                ),
                (
                    "public_platforms",
                    positive((6.0 + 2.5 * q + 2.0 * rng.normal()).round()),
                ),
                (
                    "fai_total",
                    revenue * (0.12 + 0.03 * rng.normal()).max(0.02),
                ),
                (
                    "admin_efficiency",
                    (82.0 + 4.0 * q + 3.0 * rng.normal()).clamp(55.0, 100.0),
                ),
                ("import_export", exports * 1.6),
                (
                    "fdi_actual",
                    revenue * 0.004 * (0.2 * q + 0.5 * rng.normal()).exp(),
                ),
                (
                    "hitech_trade",
                    exports * 1.6 * (0.3 + 0.15 * q).clamp(0.05, 0.9),
                ),
                ("export_share", exports / revenue * 100.0),
            ];
            for (code, value) in values {
                if !all && !CORE_INDICATORS.contains(&code) {
                    continue;
                }
                if d.category_code != "equipment"
                    && d.category_code != "materials"
                    && d.category_code != "consumer"
                    && code == "nc_rate"
                {
                    continue;
                }
                // About one value in a hundred is not reported (and exercises imputation).
                if code != "rev_main" && code != "safety_accidents" && rng.uniform() < 0.01 {
                    continue;
                }
                let rounded = round_sig(value, 6);
                out[position[code]].1.push((i, year, rounded));
            }
            prev = Some((revenue, va, energy_int));
        }
    }
    out
}

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Monthly shares of annual output (January … December), with the Spring Festival dip and the
/// December push.
const SEASON: [f64; 12] = [
    0.066, 0.060, 0.085, 0.080, 0.083, 0.090, 0.080, 0.082, 0.087, 0.083, 0.088, 0.116,
];

fn generate_monthly(
    config: &DemoConfig,
    bases: &[DemoBase],
    annual: &[(&'static str, AnnualSeries)],
) -> Vec<(&'static str, MonthlySeries)> {
    let codes: Vec<&'static str> = catalogue::reference_catalogue()
        .iter()
        .filter(|i| i.frequency == Frequency::Monthly)
        .map(|i| i.code.as_str())
        .collect();
    let cumulative: HashMap<&str, bool> = catalogue::reference_catalogue()
        .iter()
        .map(|i| (i.code.as_str(), i.cumulative))
        .collect();
    let mut out: Vec<(&'static str, MonthlySeries)> =
        codes.iter().map(|c| (*c, Vec::new())).collect();
    let position: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut annual_lookup: HashMap<(&str, usize, i32), f64> = HashMap::new();
    for (code, series) in annual {
        if matches!(
            *code,
            "rev_main"
                | "profit_margin"
                | "ent_above_scale"
                | "energy_int"
                | "va_ind"
                | "export_share"
        ) {
            for &(b, y, v) in series {
                annual_lookup.insert((code, b, y), v);
            }
        }
    }
    // The last full month before today, and the months before it.
    let mut y = config.today.year();
    let mut m = config.today.month() as i32 - 1;
    if m == 0 {
        y -= 1;
        m = 12;
    }
    let mut periods: Vec<(i32, u32)> = Vec::with_capacity(config.months);
    for _ in 0..config.months {
        periods.push((y, m as u32));
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
    }
    periods.reverse();
    let last_year = config.last_year();
    for (i, base) in bases.iter().enumerate() {
        let d = &base.draft;
        if !(d.tier.is_national() || d.status != Status::Current) {
            continue;
        }
        let mut rng = Rng::new(config.seed, 500_000 + i as u64);
        let q = base.quality;
        let lookup = |code: &str, year: i32| -> Option<f64> {
            let y = year.min(last_year);
            annual_lookup.get(&(code, i, y)).copied().or_else(|| {
                (config.first_year..=last_year)
                    .rev()
                    .find_map(|yy| annual_lookup.get(&(code, i, yy)).copied())
            })
        };
        let withdrawn = match &d.status {
            Status::Withdrawn { on, .. } => Some(*on),
            Status::Current => None,
        };
        let mut ytd: HashMap<&str, f64> = HashMap::new();
        let mut current_year = 0;
        for &(year, month) in &periods {
            if withdrawn.is_some_and(|w| date(year, month, 1) > w) {
                break;
            }
            if year != current_year {
                ytd.clear();
                current_year = year;
            }
            let growth_after = if year > last_year {
                (1.0 + macro_growth(year) + 0.015 * q).powi(year - last_year)
            } else {
                1.0
            };
            let Some(rev_year) = lookup("rev_main", year).map(|r| r * growth_after) else {
                continue;
            };
            let margin = lookup("profit_margin", year).unwrap_or(6.0);
            let firms = lookup("ent_above_scale", year).unwrap_or(150.0);
            let energy_int = lookup("energy_int", year).unwrap_or(0.3);
            let va_year = lookup("va_ind", year).unwrap_or(rev_year * 0.25) * growth_after;
            let export_share = lookup("export_share", year).unwrap_or(10.0);
            let noise = (0.04 * rng.normal()).exp();
            let rev_m = rev_year * SEASON[(month - 1) as usize] * noise;
            let out_m = rev_m * (1.0 + 0.01 * rng.normal());
            let sales_ratio = (97.5 + 0.6 * q + 0.8 * rng.normal()).clamp(85.0, 100.0);
            let margin_m = margin + 0.6 * rng.normal() - if month <= 2 { 1.2 } else { 0.0 };
            let month_values: [(&str, f64); 9] = [
                ("m_rev", rev_m),
                ("m_output_gross", out_m),
                ("m_sales_output", out_m * sales_ratio / 100.0),
                ("m_cost", rev_m * (1.0 - margin_m / 100.0 - 0.06)),
                ("m_profit", rev_m * margin_m / 100.0),
                (
                    "m_export_delivery",
                    rev_m * export_share / 100.0 * (0.1 * rng.normal()).exp(),
                ),
                (
                    "m_elec",
                    va_year * SEASON[(month - 1) as usize] * energy_int * 1e4 * 2.5,
                ),
                (
                    "m_energy",
                    va_year * SEASON[(month - 1) as usize] * energy_int,
                ),
                ("m_tax", rev_m * 0.035 * 1e4),
            ];
            for (code, v) in month_values {
                *ytd.entry(code).or_insert(0.0) += v;
            }
            let months_so_far = month as f64;
            let values: Vec<(&str, f64)> = vec![
                (
                    "m_va_growth",
                    (macro_growth(year) * 100.0 - 1.5 + 1.5 * q + 2.0 * rng.normal()),
                ),
                ("m_output_gross", ytd["m_output_gross"]),
                ("m_sales_output", ytd["m_sales_output"]),
                ("m_rev", ytd["m_rev"]),
                ("m_cost", ytd["m_cost"]),
                ("m_profit", ytd["m_profit"]),
                ("m_margin", ytd["m_profit"] / ytd["m_rev"] * 100.0),
                ("m_export_delivery", ytd["m_export_delivery"]),
                (
                    "m_sales_ratio",
                    ytd["m_sales_output"] / ytd["m_output_gross"] * 100.0,
                ),
                ("m_elec", ytd["m_elec"]),
                ("m_energy", ytd["m_energy"]),
                ("m_fai", 6.0 + 3.0 * q + 4.0 * rng.normal()),
                (
                    "m_loss_ent",
                    (firms
                        * (0.16 - 0.03 * q + 0.03 * rng.normal()).clamp(0.02, 0.5)
                        * (0.6 + 0.4 * months_so_far / 12.0))
                        .round(),
                ),
                (
                    "m_asset_liab",
                    (56.0 - 3.0 * q + 2.0 * rng.normal()).clamp(25.0, 85.0),
                ),
                ("m_receivables", rev_year * (0.18 + 0.02 * rng.normal())),
                ("m_inventory", rev_year * (0.07 + 0.01 * rng.normal())),
                ("m_tax", ytd["m_tax"]),
                (
                    "m_ent_count",
                    (firms * (1.0 + 0.002 * months_so_far)).round(),
                ),
            ];
            for (code, v) in values {
                // January and February are released together: no January figure for YTD series.
                if month == 1 && cumulative.get(code).copied().unwrap_or(false) {
                    continue;
                }
                out[position[code]]
                    .1
                    .push((i, year * 100 + month as i32, round_sig(v, 6)));
            }
        }
    }
    out
}

/// The designation cut-off that reproduces the published number of bases evaluated in `year`:
/// the 2018 evaluation left out the eighth batch, designated in February 2018; other years took
/// every base designated by the end of the year.
pub fn eligibility_cutoff(year: i32) -> NaiveDate {
    eligibility_cutoff_override(year).unwrap_or_else(|| date(year, 12, 31))
}

/// The cut-off of [`eligibility_cutoff`] when it differs from the end of the year.
pub fn eligibility_cutoff_override(year: i32) -> Option<NaiveDate> {
    (year == 2018).then(|| date(2017, 12, 31))
}

/// Whether a base was evaluated in `year` under the demo's cut-offs.
pub fn evaluated_in(draft: &BaseDraft, year: i32) -> bool {
    let withdrawn_on = match &draft.status {
        Status::Withdrawn { on, .. } => Some(*on),
        Status::Current => None,
    };
    crate::evaluation::is_eligible(
        draft.tier,
        draft.designated_on,
        draft.designated_year,
        withdrawn_on,
        year,
        eligibility_cutoff(year),
    )
}

/// Regions of the current national roll, for checks.
pub fn region_counts(bases: &[DemoBase]) -> HashMap<MacroRegion, usize> {
    let mut counts = HashMap::new();
    for b in bases {
        if b.draft.tier.is_national()
            && b.draft.status == Status::Current
            && let Some(r) = MacroRegion::of_province(&b.draft.province_code)
        {
            *counts.entry(r).or_insert(0) += 1;
        }
    }
    counts
}
