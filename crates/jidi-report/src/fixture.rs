//! Reports to test and demonstrate with: [`full`], a realistic full-size report (445 bases,
//! 31 provinces, 6 categories with 24 sub-types, 40 indicators) whose every number is
//! **synthetic** and marked so, and [`minimal`], with most sections absent.
//!
//! The synthetic numbers follow the published magnitudes the project calibrates its demo data
//! to (five-star bases average several thousand 亿元 of revenue, profit margins about 8 %, R&D
//! intensity 2.5–5 %, about 7 % five-star and 58 % four-star). They come from a fixed-seed
//! generator, so the fixtures are the same on every machine. Base names are examples
//! (`钢铁·河北示例产业园3`) and have no English form, like real base names.

use crate::model::*;

/// The year the fixtures report on.
pub const YEAR: i32 = 2025;

/// A realistic full-size report of synthetic data, every section present.
pub fn full() -> Report {
    Generator::new().full()
}

/// A report with only the roll totals and a headline revenue without last year's value; every
/// optional section is absent. Not synthetic, so it has no appendix either.
pub fn minimal() -> Report {
    let q = |d: &str| Provenance::query("roll_totals", d);
    Report {
        meta: Meta {
            year: YEAR,
            edition: Name::new("征求意见稿", "Draft for comment"),
            issuer: Name::new("示范基地管理平台", "Demonstration-base platform"),
            generated_on: Date::new(2026, 3, 15),
            synthetic: false,
        },
        roll: Roll {
            n_bases: Figure::new(
                445.0,
                Unit::Count(Counter::Base),
                q("national bases at year end"),
            ),
            n_provinces: Figure::new(
                31.0,
                Unit::Count(Counter::Province),
                q("provinces with a national base"),
            ),
            by_tier: Vec::new(),
            by_series: Vec::new(),
            by_category: Vec::new(),
            by_region: Vec::new(),
            by_strategy: Vec::new(),
            by_province: Vec::new(),
        },
        evaluation: None,
        decisions: None,
        economy: Some(Economy {
            revenue: Measure {
                current: Figure::new(
                    123_456.78,
                    Unit::Yuan100m,
                    Provenance::query("annual_totals", "year=2025; sum(rev_main)"),
                ),
                previous: None,
                national_share: None,
            },
            value_added: None,
            profit: None,
            rd_intensity: None,
            exports: None,
            n_large_firms: None,
            by_category: Vec::new(),
            by_region: Vec::new(),
            top_bases: Vec::new(),
            revenue_trend: Vec::new(),
        }),
        innovation: None,
        green_safety: None,
        monitoring: None,
        collection: None,
        appendix: None,
    }
}

/// `(code, name, English name, region)` of the 31 provincial-level regions with bases.
const PROVINCES: [(&str, &str, &str, Region); 31] = [
    ("110000", "北京", "Beijing", Region::East),
    ("120000", "天津", "Tianjin", Region::East),
    ("130000", "河北", "Hebei", Region::East),
    ("140000", "山西", "Shanxi", Region::Central),
    ("150000", "内蒙古", "Inner Mongolia", Region::West),
    ("210000", "辽宁", "Liaoning", Region::Northeast),
    ("220000", "吉林", "Jilin", Region::Northeast),
    ("230000", "黑龙江", "Heilongjiang", Region::Northeast),
    ("310000", "上海", "Shanghai", Region::East),
    ("320000", "江苏", "Jiangsu", Region::East),
    ("330000", "浙江", "Zhejiang", Region::East),
    ("340000", "安徽", "Anhui", Region::Central),
    ("350000", "福建", "Fujian", Region::East),
    ("360000", "江西", "Jiangxi", Region::Central),
    ("370000", "山东", "Shandong", Region::East),
    ("410000", "河南", "Henan", Region::Central),
    ("420000", "湖北", "Hubei", Region::Central),
    ("430000", "湖南", "Hunan", Region::Central),
    ("440000", "广东", "Guangdong", Region::East),
    ("450000", "广西", "Guangxi", Region::West),
    ("460000", "海南", "Hainan", Region::East),
    ("500000", "重庆", "Chongqing", Region::West),
    ("510000", "四川", "Sichuan", Region::West),
    ("520000", "贵州", "Guizhou", Region::West),
    ("530000", "云南", "Yunnan", Region::West),
    ("540000", "西藏", "Tibet", Region::West),
    ("610000", "陕西", "Shaanxi", Region::West),
    ("620000", "甘肃", "Gansu", Region::West),
    ("630000", "青海", "Qinghai", Region::West),
    ("640000", "宁夏", "Ningxia", Region::West),
    ("650000", "新疆", "Xinjiang", Region::West),
];

/// Relative number of bases per province (same order as [`PROVINCES`]).
const PROVINCE_WEIGHTS: [f64; 31] = [
    6.0, 8.0, 14.0, 10.0, 9.0, 14.0, 8.0, 9.0, 12.0, 34.0, 26.0, 20.0, 17.0, 15.0, 32.0, 22.0,
    20.0, 18.0, 28.0, 12.0, 4.0, 12.0, 20.0, 10.0, 9.0, 2.0, 14.0, 8.0, 4.0, 5.0, 9.0,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    East,
    Central,
    West,
    Northeast,
}

const REGIONS: [(Region, &str, &str, &str); 4] = [
    (Region::East, "east", "东部", "East"),
    (Region::Central, "central", "中部", "Central"),
    (Region::West, "west", "西部", "West"),
    (Region::Northeast, "northeast", "东北", "Northeast"),
];

/// `(code, name, English name, number of bases, sub-types)`.
type CategorySpec = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static [(&'static str, &'static str, &'static str)],
);

const CATEGORIES: [CategorySpec; 6] = [
    (
        "equipment",
        "装备制造",
        "Equipment manufacturing",
        120,
        &[
            ("auto_rail", "汽车和轨道交通", "Automotive and rail transit"),
            ("shipbuilding", "船舶与海工", "Shipbuilding and offshore"),
            ("aerospace", "航空航天", "Aerospace"),
            ("high_end_equipment", "高端装备", "High-end equipment"),
        ],
    ),
    (
        "information",
        "信息产业",
        "Information industry",
        80,
        &[
            ("electronics", "电子信息", "Electronics and information"),
            (
                "software",
                "软件和信息服务",
                "Software and information services",
            ),
        ],
    ),
    (
        "materials",
        "原材料",
        "Raw materials",
        110,
        &[
            ("steel", "钢铁", "Iron and steel"),
            ("nonferrous", "有色金属", "Non-ferrous metals"),
            ("petrochemical", "石油化工", "Petrochemicals"),
            ("building_materials", "建材", "Building materials"),
            ("new_materials", "新材料", "New materials"),
            ("recycling", "资源综合利用", "Resource recycling"),
        ],
    ),
    (
        "consumer",
        "消费品",
        "Consumer goods",
        70,
        &[
            ("light_industry", "轻工", "Light industry"),
            ("textiles", "纺织", "Textiles"),
            ("food", "食品", "Food"),
            ("pharma", "医药", "Pharmaceuticals"),
        ],
    ),
    (
        "civil_military",
        "军民融合",
        "Civil-military integration",
        25,
        &[(
            "high_tech_conversion",
            "高技术转化应用",
            "High-tech conversion",
        )],
    ),
    (
        "new_industry",
        "新产业新业态",
        "New industries",
        40,
        &[
            (
                "service_manufacturing",
                "服务型制造",
                "Service-oriented manufacturing",
            ),
            ("green_safety", "节能环保安全", "Energy saving and safety"),
            ("industrial_internet", "工业互联网", "Industrial internet"),
            ("big_data", "大数据", "Big data"),
            ("cloud", "云计算", "Cloud computing"),
            ("data_center", "数据中心", "Data centres"),
            ("industrial_transfer", "产业转移合作", "Industrial transfer"),
        ],
    ),
];

/// Dimensions of the scheme: `(code, name, English name, weight %)`.
const DIMENSIONS: [(&str, &str, &str, f64); 6] = [
    ("strength", "产业实力", "Industrial strength", 25.0),
    ("quality", "质量效益", "Quality and efficiency", 20.0),
    ("innovation", "创新驱动", "Innovation", 20.0),
    ("green", "绿色集约安全", "Green, intensive and safe", 15.0),
    ("integration", "融合发展", "Integration", 10.0),
    ("environment", "发展环境", "Development environment", 10.0),
];

/// 40 indicators: `(code, name, English name, unit, English unit, dimension index, benefit)`.
const INDICATORS: [(&str, &str, &str, &str, &str, usize, bool); 40] = [
    (
        "rev_main",
        "营业收入",
        "Operating revenue",
        "亿元",
        "100 million yuan",
        0,
        true,
    ),
    (
        "output_gross",
        "规模以上工业总产值",
        "Gross industrial output",
        "亿元",
        "100 million yuan",
        0,
        true,
    ),
    (
        "va_ind",
        "规模以上工业增加值",
        "Industrial value added",
        "亿元",
        "100 million yuan",
        0,
        true,
    ),
    (
        "va_growth",
        "规上工业增加值增速",
        "Growth of industrial value added",
        "%",
        "%",
        0,
        true,
    ),
    (
        "lead_ind_share",
        "主导产业营业收入占比",
        "Leading-industry share of revenue",
        "%",
        "%",
        0,
        true,
    ),
    (
        "ent_above_scale",
        "规模以上工业企业数",
        "Above-scale enterprises",
        "个",
        "number",
        0,
        true,
    ),
    (
        "ent_listed",
        "上市及挂牌企业数",
        "Listed enterprises",
        "家",
        "number",
        0,
        true,
    ),
    (
        "ent_champion",
        "单项冠军及专精特新“小巨人”企业数",
        "Single champions and little giants",
        "家",
        "number",
        0,
        true,
    ),
    (
        "ent_large",
        "营业收入超百亿元企业数",
        "Enterprises above 10 billion yuan",
        "家",
        "number",
        0,
        true,
    ),
    (
        "va_city_share",
        "增加值占所在城市GDP比重",
        "Value added as share of city GDP",
        "%",
        "%",
        0,
        true,
    ),
    (
        "profit_total",
        "利润总额",
        "Total profit",
        "亿元",
        "100 million yuan",
        1,
        true,
    ),
    (
        "profit_margin",
        "营业收入利润率",
        "Profit margin",
        "%",
        "%",
        1,
        true,
    ),
    (
        "labour_prod",
        "全员劳动生产率",
        "Labour productivity",
        "万元/人",
        "10,000 yuan per person",
        1,
        true,
    ),
    (
        "tax_per_mu",
        "亩均税收",
        "Tax per mu",
        "万元/亩",
        "10,000 yuan per mu",
        1,
        true,
    ),
    (
        "rev_per_mu",
        "亩均营业收入",
        "Revenue per mu",
        "万元/亩",
        "10,000 yuan per mu",
        1,
        true,
    ),
    (
        "va_per_mu",
        "亩均工业增加值",
        "Value added per mu",
        "万元/亩",
        "10,000 yuan per mu",
        1,
        true,
    ),
    (
        "va_rate",
        "制造业增加值率",
        "Value-added rate",
        "%",
        "%",
        1,
        true,
    ),
    (
        "tax_total",
        "实缴税金总额",
        "Taxes paid",
        "亿元",
        "100 million yuan",
        1,
        true,
    ),
    (
        "invest_density",
        "投资强度",
        "Investment per unit of land",
        "万元/亩",
        "10,000 yuan per mu",
        1,
        true,
    ),
    (
        "rd_intensity",
        "研发经费投入强度",
        "R&D intensity",
        "%",
        "%",
        2,
        true,
    ),
    (
        "rd_staff_share",
        "研发人员占从业人员比重",
        "R&D staff share",
        "%",
        "%",
        2,
        true,
    ),
    (
        "rd_inst",
        "国家级和省级研发机构数",
        "National and provincial R&D institutions",
        "个",
        "number",
        2,
        true,
    ),
    (
        "hitech_ent",
        "高新技术企业数",
        "High-tech enterprises",
        "家",
        "number",
        2,
        true,
    ),
    (
        "patents",
        "有效发明专利数",
        "Valid invention patents",
        "件",
        "number",
        2,
        true,
    ),
    (
        "incubators",
        "国家级孵化器和众创空间数",
        "National incubators",
        "个",
        "number",
        2,
        true,
    ),
    (
        "new_product_share",
        "新产品销售收入占比",
        "New-product sales share",
        "%",
        "%",
        2,
        true,
    ),
    (
        "energy_int",
        "单位工业增加值能耗",
        "Energy intensity",
        "吨标准煤/万元",
        "tce per 10,000 yuan",
        3,
        false,
    ),
    (
        "energy_int_decline",
        "单位工业增加值能耗下降率",
        "Reduction of energy intensity",
        "%",
        "%",
        3,
        true,
    ),
    (
        "water_int",
        "单位工业增加值用水量",
        "Water intensity",
        "立方米/万元",
        "m³ per 10,000 yuan",
        3,
        false,
    ),
    (
        "solid_waste_util",
        "工业固体废物综合利用率",
        "Solid-waste utilisation",
        "%",
        "%",
        3,
        true,
    ),
    (
        "safety_accidents",
        "较大及以上生产安全事故起数",
        "Serious safety accidents",
        "起",
        "number",
        3,
        false,
    ),
    (
        "green_factory",
        "国家级绿色工厂数",
        "National green factories",
        "家",
        "number",
        3,
        true,
    ),
    (
        "nc_rate",
        "关键工序数控化率",
        "NC rate of key processes",
        "%",
        "%",
        4,
        true,
    ),
    (
        "digital_rd_rate",
        "数字化研发设计工具普及率",
        "Digital design tools adoption",
        "%",
        "%",
        4,
        true,
    ),
    (
        "mfg_service_share",
        "生产性服务业营业收入占比",
        "Producer-services revenue share",
        "%",
        "%",
        4,
        true,
    ),
    (
        "large_small_collab",
        "大中小企业融通配套率",
        "Local supply-chain matching",
        "%",
        "%",
        4,
        true,
    ),
    (
        "public_platforms",
        "公共服务平台数",
        "Public service platforms",
        "个",
        "number",
        5,
        true,
    ),
    (
        "fai_total",
        "工业固定资产投资",
        "Industrial fixed-asset investment",
        "亿元",
        "100 million yuan",
        5,
        true,
    ),
    (
        "admin_efficiency",
        "营商环境评价得分",
        "Business environment score",
        "分",
        "points",
        5,
        true,
    ),
    (
        "export_share",
        "出口交货值占营业收入比重",
        "Export share of revenue",
        "%",
        "%",
        5,
        true,
    ),
];

struct Base {
    key: String,
    name: String,
    category: usize,
    subtype: usize,
    province: usize,
    score: f64,
    stars: u8,
    group_rank: usize,
    national_rank: usize,
    previous_national_rank: usize,
    previous_stars: u8,
    revenue: f64,
    revenue_previous: f64,
    profit: f64,
    rd_intensity: f64,
}

/// A small fixed-seed generator (SplitMix64), so the fixture needs no dependency.
struct Generator {
    state: u64,
}

impl Generator {
    fn new() -> Generator {
        Generator {
            state: 0x6A69_6469_2025_0001,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-12);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.uniform() * total;
        for (idx, w) in weights.iter().enumerate() {
            if target < *w {
                return idx;
            }
            target -= w;
        }
        weights.len() - 1
    }

    fn bases(&mut self) -> Vec<Base> {
        let mut bases = Vec::with_capacity(445);
        for (c, (_, _, _, n, subtypes)) in CATEGORIES.iter().enumerate() {
            for k in 0..*n {
                let subtype = k % subtypes.len();
                let province = self.pick(&PROVINCE_WEIGHTS);
                let score = 55.0 + 35.0 * self.uniform().powf(0.8) + 3.0 * self.normal();
                bases.push(Base {
                    key: String::new(),
                    name: String::new(),
                    category: c,
                    subtype,
                    province,
                    score: (score * 100.0).round() / 100.0,
                    stars: 0,
                    group_rank: 0,
                    national_rank: 0,
                    previous_national_rank: 0,
                    previous_stars: 0,
                    revenue: 0.0,
                    revenue_previous: 0.0,
                    profit: 0.0,
                    rd_intensity: 0.0,
                });
            }
        }
        // Stars within each category by rank: 7 % five, 58 % four, 25 % three, 7 % two, 3 % one.
        let shares = [0.07, 0.58, 0.25, 0.07, 0.03];
        for c in 0..CATEGORIES.len() {
            let mut idx: Vec<usize> = (0..bases.len())
                .filter(|&i| bases[i].category == c)
                .collect();
            idx.sort_by(|&a, &b| bases[b].score.total_cmp(&bases[a].score));
            let n = idx.len() as f64;
            for (rank, &i) in idx.iter().enumerate() {
                let position = (rank as f64 + 0.5) / n;
                let mut acc = 0.0;
                let mut stars = 1;
                for (k, s) in shares.iter().enumerate() {
                    acc += s;
                    if position <= acc {
                        stars = 5 - k as u8;
                        break;
                    }
                }
                bases[i].stars = stars;
                bases[i].group_rank = rank + 1;
            }
        }
        let mut order: Vec<usize> = (0..bases.len()).collect();
        order.sort_by(|&a, &b| bases[b].score.total_cmp(&bases[a].score));
        for (rank, &i) in order.iter().enumerate() {
            bases[i].national_rank = rank + 1;
        }
        let mut counters = vec![0usize; PROVINCES.len() * 32];
        for (i, b) in bases.iter_mut().enumerate() {
            let (_, _, _, _, subtypes) = CATEGORIES[b.category];
            let slot = b.province * 32 + b.category * 5 + b.subtype % 5;
            counters[slot] += 1;
            b.key = format!("{}", 1001 + i);
            b.name = format!(
                "{}·{}示例产业园{}",
                subtypes[b.subtype].1, PROVINCES[b.province].1, counters[slot]
            );
        }
        for b in bases.iter_mut() {
            let z = self.normal();
            b.revenue = (6.3 + 0.5 * z + 0.75 * (b.stars as f64 - 3.0)).exp();
            b.revenue = (b.revenue * 100.0).round() / 100.0;
            let growth = 0.055 + 0.06 * self.normal();
            b.revenue_previous = (b.revenue / (1.0 + growth) * 100.0).round() / 100.0;
            b.profit = (b.revenue * (0.084 + 0.02 * self.normal()) * 100.0).round() / 100.0;
            b.rd_intensity = (2.4 + 0.35 * b.stars as f64 + 0.4 * self.normal()).max(0.5);
            let shift = (18.0 * self.normal()).round() as i64;
            b.previous_national_rank = (b.national_rank as i64 + shift).clamp(1, 445) as usize;
            b.previous_stars = if shift.abs() > 30 {
                (b.stars as i64 + shift.signum()).clamp(1, 5) as u8
            } else {
                b.stars
            };
        }
        bases
    }

    fn full(&mut self) -> Report {
        let bases = self.bases();
        let year = YEAR;
        let q =
            |name: &str, detail: &str| Provenance::query(name, &format!("year={year}; {detail}"));
        let run = |detail: &str| Provenance::run(12, detail);
        let count = |n: usize, counter: Counter, p: Provenance| {
            Figure::new(n as f64, Unit::Count(counter), p)
        };
        let sum = |f: &dyn Fn(&Base) -> f64, filter: &dyn Fn(&Base) -> bool| -> f64 {
            bases.iter().filter(|b| filter(b)).map(f).sum::<f64>()
        };
        let round1 = |v: f64| (v * 10.0).round() / 10.0;

        // The roll.
        let n_bases = bases.len();
        let by_tier = vec![
            Item {
                key: "cultivating".into(),
                label: Name::new("培育", "Cultivating"),
                value: count(612, Counter::Base, q("roll_by_tier", "tier=cultivating")),
            },
            Item {
                key: "provincial".into(),
                label: Name::new("省级", "Provincial"),
                value: count(1187, Counter::Base, q("roll_by_tier", "tier=provincial")),
            },
            Item {
                key: "national".into(),
                label: Name::new("国家级", "National"),
                value: count(
                    n_bases - 12,
                    Counter::Base,
                    q("roll_by_tier", "tier=national"),
                ),
            },
            Item {
                key: "excellence".into(),
                label: Name::new("卓越提升", "Excellence"),
                value: count(12, Counter::Base, q("roll_by_tier", "tier=excellence")),
            },
        ];
        let n_advantage = bases.iter().filter(|b| b.revenue >= 300.0).count();
        let by_series = vec![
            Item {
                key: "advantage".into(),
                label: Name::new("优势", "Scale advantage"),
                value: count(
                    n_advantage,
                    Counter::Base,
                    q("roll_by_series", "series=advantage"),
                ),
            },
            Item {
                key: "specialty".into(),
                label: Name::new("特色", "Specialised niche"),
                value: count(
                    n_bases - n_advantage,
                    Counter::Base,
                    q("roll_by_series", "series=specialty"),
                ),
            },
        ];
        let by_category: Vec<CategoryCount> = CATEGORIES
            .iter()
            .enumerate()
            .map(|(c, (code, zh, en, _, subtypes))| CategoryCount {
                key: code.to_string(),
                label: Name::new(zh, en),
                n_bases: count(
                    bases.iter().filter(|b| b.category == c).count(),
                    Counter::Base,
                    q("roll_by_category", &format!("category={code}")),
                ),
                subtypes: subtypes
                    .iter()
                    .enumerate()
                    .map(|(s, (scode, szh, sen))| Item {
                        key: scode.to_string(),
                        label: Name::new(szh, sen),
                        value: count(
                            bases
                                .iter()
                                .filter(|b| b.category == c && b.subtype == s)
                                .count(),
                            Counter::Base,
                            q("roll_by_subtype", &format!("subtype={scode}")),
                        ),
                    })
                    .collect(),
            })
            .collect();
        let by_region: Vec<Item> = REGIONS
            .iter()
            .map(|(r, code, zh, en)| Item {
                key: code.to_string(),
                label: Name::new(zh, en),
                value: count(
                    bases
                        .iter()
                        .filter(|b| PROVINCES[b.province].3 == *r)
                        .count(),
                    Counter::Base,
                    q("roll_by_region", &format!("region={code}")),
                ),
            })
            .collect();
        let in_strategy = |prefixes: &[&str]| {
            bases
                .iter()
                .filter(|b| prefixes.contains(&&PROVINCES[b.province].0[..2]))
                .count()
        };
        let by_strategy = vec![
            Item {
                key: "jjj".into(),
                label: Name::new("京津冀", "Beijing-Tianjin-Hebei"),
                value: count(
                    in_strategy(&["11", "12", "13"]),
                    Counter::Base,
                    q("roll_by_strategy", "strategy=jjj"),
                ),
            },
            Item {
                key: "yangtze".into(),
                label: Name::new("长江经济带", "Yangtze River Economic Belt"),
                value: count(
                    in_strategy(&[
                        "31", "32", "33", "34", "36", "42", "43", "50", "51", "52", "53",
                    ]),
                    Counter::Base,
                    q("roll_by_strategy", "strategy=yangtze"),
                ),
            },
            Item {
                key: "belt_road".into(),
                label: Name::new("一带一路", "Belt and Road"),
                value: count(
                    in_strategy(&[
                        "65", "61", "62", "64", "63", "15", "23", "22", "21", "45", "53", "54",
                        "31", "35", "44", "33", "46", "50",
                    ]),
                    Counter::Base,
                    q("roll_by_strategy", "strategy=belt_road"),
                ),
            },
        ];
        let by_province: Vec<Item> = PROVINCES
            .iter()
            .enumerate()
            .map(|(p, (code, zh, en, _))| Item {
                key: code.to_string(),
                label: Name::new(zh, en),
                value: count(
                    bases.iter().filter(|b| b.province == p).count(),
                    Counter::Base,
                    q("roll_by_province", &format!("province={code}")),
                ),
            })
            .collect();
        let n_provinces = by_province.iter().filter(|i| i.value.value > 0.0).count();
        let roll = Roll {
            n_bases: count(
                n_bases,
                Counter::Base,
                q("roll_totals", "national bases at year end"),
            ),
            n_provinces: count(
                n_provinces,
                Counter::Province,
                q("roll_totals", "provinces with a national base"),
            ),
            by_tier,
            by_series,
            by_category,
            by_region,
            by_strategy,
            by_province,
        };

        // The evaluation.
        let base_ref = |b: &Base| BaseRef {
            key: b.key.clone(),
            name: Name::zh_only(&b.name),
            category: Name::new(CATEGORIES[b.category].1, CATEGORIES[b.category].2),
            province: Name::new(PROVINCES[b.province].1, PROVINCES[b.province].2),
        };
        let star_row =
            |key: &str, label: Name, members: &dyn Fn(&Base) -> bool, dim: &str| StarRow {
                key: key.to_string(),
                label,
                n_bases: count(
                    bases.iter().filter(|b| members(b)).count(),
                    Counter::Base,
                    run(&format!("{dim}={key}; count")),
                ),
                stars: std::array::from_fn(|k| {
                    count(
                        bases
                            .iter()
                            .filter(|b| members(b) && b.stars as usize == k + 1)
                            .count(),
                        Counter::Base,
                        run(&format!("{dim}={key}; stars={}", k + 1)),
                    )
                }),
            };
        let rated = |b: &Base| RatedBase {
            base: base_ref(b),
            stars: Figure::new(
                b.stars as f64,
                Unit::Stars,
                run(&format!("base={}; stars", b.key)),
            ),
            score: Some(Figure::new(
                b.score,
                Unit::Score,
                run(&format!("base={}; score", b.key)),
            )),
            group_rank: Some(Figure::new(
                b.group_rank as f64,
                Unit::Rank,
                run(&format!("base={}; category_rank", b.key)),
            )),
        };
        let mut by_group: Vec<&Base> = bases.iter().collect();
        by_group.sort_by(|a, b| {
            a.category
                .cmp(&b.category)
                .then(a.group_rank.cmp(&b.group_rank))
        });
        let five_star: Vec<RatedBase> = by_group
            .iter()
            .filter(|b| b.stars == 5)
            .map(|b| rated(b))
            .collect();
        let ratings: Vec<RatedBase> = by_group.iter().map(|b| rated(b)).collect();
        let mut movers: Vec<&Base> = bases.iter().collect();
        movers.sort_by_key(|b| {
            (
                std::cmp::Reverse((b.previous_national_rank as i64 - b.national_rank as i64).abs()),
                b.national_rank,
            )
        });
        let movers: Vec<Mover> = movers
            .iter()
            .take(12)
            .map(|b| Mover {
                base: base_ref(b),
                previous_stars: Figure::new(
                    b.previous_stars as f64,
                    Unit::Stars,
                    Provenance::run(9, &format!("base={}; stars", b.key)),
                ),
                stars: Figure::new(
                    b.stars as f64,
                    Unit::Stars,
                    run(&format!("base={}; stars", b.key)),
                ),
                rank_change: Figure::new(
                    b.previous_national_rank as f64 - b.national_rank as f64,
                    Unit::Rank,
                    run(&format!(
                        "base={}; change.national_rank (sign: + = up)",
                        b.key
                    )),
                ),
                national_rank: Figure::new(
                    b.national_rank as f64,
                    Unit::Rank,
                    run(&format!("base={}; national_rank", b.key)),
                ),
            })
            .collect();
        let uncertainty = Uncertainty {
            replications: count(1000, Counter::Replication, run("uncertainty.replications")),
            by_category: CATEGORIES
                .iter()
                .enumerate()
                .map(|(c, (code, zh, en, n, _))| UncertaintyRow {
                    key: code.to_string(),
                    label: Name::new(zh, en),
                    n_bases: count(*n, Counter::Base, run(&format!("category={code}; count"))),
                    median_interval_width: Figure::new(
                        (3.0 + *n as f64 * 0.08 + c as f64).round(),
                        Unit::Rank,
                        run(&format!(
                            "category={code}; median(category_rank_p95 - category_rank_p05)"
                        )),
                    ),
                    stable_star_share: Figure::new(
                        round1(92.0 - *n as f64 * 0.12 - c as f64 * 1.5),
                        Unit::Percent,
                        run(&format!(
                            "category={code}; share with max(star_probabilities) >= 0.9"
                        )),
                    ),
                })
                .collect(),
        };
        let evaluation = Evaluation {
            scheme: Name::new(
                "2025年度示范基地发展质量评价方案",
                "Development-quality evaluation scheme 2025",
            ),
            published_on: Date::new(2026, 2, 27),
            n_evaluated: count(n_bases, Counter::Base, run("count of results")),
            stars: std::array::from_fn(|k| {
                count(
                    bases.iter().filter(|b| b.stars as usize == k + 1).count(),
                    Counter::Base,
                    run(&format!("star_counts[{k}]")),
                )
            }),
            by_category: CATEGORIES
                .iter()
                .enumerate()
                .map(|(c, (code, zh, en, _, _))| {
                    star_row(
                        code,
                        Name::new(zh, en),
                        &|b: &Base| b.category == c,
                        "category",
                    )
                })
                .collect(),
            by_province: PROVINCES
                .iter()
                .enumerate()
                .map(|(p, (code, zh, en, _))| {
                    star_row(
                        code,
                        Name::new(zh, en),
                        &|b: &Base| b.province == p,
                        "province",
                    )
                })
                .collect(),
            five_star,
            movers,
            uncertainty: Some(uncertainty),
            ratings,
        };

        // Decisions.
        let decision = |idx: usize,
                        kind: DecisionKind,
                        b: &Base,
                        from: Option<Name>,
                        to: Option<Name>,
                        month: u8,
                        reason: &str| Decision {
            key: format!("d{}", 501 + idx),
            kind,
            base: base_ref(b),
            from_tier: from,
            to_tier: to,
            decided_on: Date::new(year, month, 10 + (idx % 15) as u8),
            reason: Name::zh_only(reason),
        };
        let provincial = || Some(Name::new("省级", "Provincial"));
        let national = || Some(Name::new("国家级", "National"));
        let excellence = || Some(Name::new("卓越提升", "Excellence"));
        let mut items = Vec::new();
        let lowest: Vec<&Base> = {
            let mut v: Vec<&Base> = bases.iter().collect();
            v.sort_by(|a, b| a.score.total_cmp(&b.score));
            v
        };
        for k in 0..6 {
            items.push(decision(items.len(), DecisionKind::New, &bases[40 + k * 67], provincial(), national(), 4, "连续三年省级评价为优秀，主导产业营业收入占比和规模达到申报条件，经专家论证和公示，认定为国家级示范基地。"));
        }
        for (k, b) in bases.iter().filter(|b| b.stars == 5).take(3).enumerate() {
            items.push(decision(
                items.len(),
                DecisionKind::Promoted,
                b,
                national(),
                excellence(),
                6 + k as u8,
                "连续三年评价为五星级，研发投入强度和亩均效益居同类前列，纳入卓越提升计划。",
            ));
        }
        for b in lowest.iter().take(8) {
            items.push(decision(
                items.len(),
                DecisionKind::Warned,
                b,
                national(),
                national(),
                3,
                "年度评价为一星级，营业收入同比下降，主导产业集聚度不足。",
            ));
        }
        for b in lowest.iter().skip(8).take(4) {
            items.push(decision(
                items.len(),
                DecisionKind::Rectified,
                b,
                national(),
                national(),
                5,
                "连续两年评价为一星级，限期一年整改，整改期间暂停申报相关支持。",
            ));
        }
        for b in lowest.iter().skip(12).take(2) {
            items.push(decision(
                items.len(),
                DecisionKind::Withdrawn,
                b,
                national(),
                None,
                9,
                "整改期满复核仍不合格，撤销国家级示范基地称号。",
            ));
        }
        let decisions = Decisions {
            provenance: Provenance::query(
                "tier_decisions",
                &format!("year={year}; accepted decisions"),
            ),
            items,
        };

        // Economy.
        let all = |_: &Base| true;
        let revenue = sum(&|b| b.revenue, &all);
        let revenue_previous = sum(&|b| b.revenue_previous, &all);
        let profit = sum(&|b| b.profit, &all);
        let national_revenue = 1_338_000.0;
        let measure =
            |cur: f64, prev: Option<f64>, share: Option<f64>, unit: Unit, name: &str| Measure {
                current: Figure::new(
                    cur,
                    unit,
                    q("annual_totals", &format!("sum({name}) over national bases")),
                ),
                previous: prev.map(|p| {
                    Figure::new(
                        p,
                        unit,
                        Provenance::query(
                            "annual_totals",
                            &format!("year={}; sum({name}) over national bases", year - 1),
                        ),
                    )
                }),
                national_share: share.map(|s| {
                    Figure::new(
                        s,
                        Unit::Percent,
                        q(
                            "national_share",
                            &format!("sum({name}) / national above-scale total * 100"),
                        ),
                    )
                }),
            };
        let economy_row =
            |key: &str, label: Name, members: &dyn Fn(&Base) -> bool, dim: &str| EconomyRow {
                key: key.to_string(),
                label,
                n_bases: count(
                    bases.iter().filter(|b| members(b)).count(),
                    Counter::Base,
                    q("annual_by_group", &format!("{dim}={key}; count")),
                ),
                revenue: Figure::new(
                    sum(&|b| b.revenue, members),
                    Unit::Yuan100m,
                    q("annual_by_group", &format!("{dim}={key}; sum(rev_main)")),
                ),
                revenue_previous: Some(Figure::new(
                    sum(&|b| b.revenue_previous, members),
                    Unit::Yuan100m,
                    Provenance::query(
                        "annual_by_group",
                        &format!("year={}; {dim}={key}; sum(rev_main)", year - 1),
                    ),
                )),
                profit: Some(Figure::new(
                    sum(&|b| b.profit, members),
                    Unit::Yuan100m,
                    q(
                        "annual_by_group",
                        &format!("{dim}={key}; sum(profit_total)"),
                    ),
                )),
            };
        let mut top: Vec<&Base> = bases.iter().collect();
        top.sort_by(|a, b| b.revenue.total_cmp(&a.revenue));
        let rd_total = sum(&|b| b.revenue * b.rd_intensity / 100.0, &all);
        let economy = Economy {
            revenue: measure(
                revenue,
                Some(revenue_previous),
                Some(revenue / national_revenue * 100.0),
                Unit::Yuan100m,
                "rev_main",
            ),
            value_added: Some(measure(
                revenue * 0.262,
                Some(revenue_previous * 0.259),
                Some(revenue * 0.262 / 399_000.0 * 100.0),
                Unit::Yuan100m,
                "va_ind",
            )),
            profit: Some(measure(
                profit,
                Some(profit / 1.031),
                Some(profit / 76_800.0 * 100.0),
                Unit::Yuan100m,
                "profit_total",
            )),
            rd_intensity: Some(measure(
                rd_total / revenue * 100.0,
                Some(rd_total / revenue * 100.0 - 0.14),
                None,
                Unit::Percent,
                "rd_expenditure) / sum(rev_main",
            )),
            exports: Some(measure(
                revenue * 0.118,
                Some(revenue_previous * 0.121),
                Some(revenue * 0.118 / 148_000.0 * 100.0),
                Unit::Yuan100m,
                "export_delivery",
            )),
            n_large_firms: Some(measure(
                80_123.0,
                Some(78_460.0),
                Some(80_123.0 / 512_000.0 * 100.0),
                Unit::Count(Counter::Firm),
                "ent_above_scale",
            )),
            by_category: CATEGORIES
                .iter()
                .enumerate()
                .map(|(c, (code, zh, en, _, _))| {
                    economy_row(
                        code,
                        Name::new(zh, en),
                        &|b: &Base| b.category == c,
                        "category",
                    )
                })
                .collect(),
            by_region: REGIONS
                .iter()
                .map(|(r, code, zh, en)| {
                    economy_row(
                        code,
                        Name::new(zh, en),
                        &|b: &Base| PROVINCES[b.province].3 == *r,
                        "region",
                    )
                })
                .collect(),
            top_bases: top
                .iter()
                .take(10)
                .map(|b| BaseFigure {
                    base: base_ref(b),
                    value: Figure::new(
                        b.revenue,
                        Unit::Yuan100m,
                        q("annual_values", &format!("base={}; rev_main", b.key)),
                    ),
                })
                .collect(),
            revenue_trend: (0..5)
                .map(|k| {
                    let y = year - 4 + k;
                    let value = revenue / 1.056f64.powi(4 - k);
                    YearFigure {
                        year: y,
                        value: Figure::new(
                            if y == year {
                                revenue
                            } else if y == year - 1 {
                                revenue_previous
                            } else {
                                value.round()
                            },
                            Unit::Yuan100m,
                            Provenance::query(
                                "annual_totals",
                                &format!("year={y}; sum(rev_main) over national bases"),
                            ),
                        ),
                    }
                })
                .collect(),
        };

        // Innovation.
        let key_indicator =
            |key: &str, zh: &str, en: &str, cur: f64, prev: f64, unit: Unit| KeyIndicator {
                key: key.to_string(),
                name: Name::new(zh, en),
                measure: Measure {
                    current: Figure::new(
                        cur,
                        unit,
                        q("annual_totals", &format!("{key} over national bases")),
                    ),
                    previous: Some(Figure::new(
                        prev,
                        unit,
                        Provenance::query(
                            "annual_totals",
                            &format!("year={}; {key} over national bases", year - 1),
                        ),
                    )),
                    national_share: None,
                },
            };
        let innovation = Innovation {
            indicators: vec![
                key_indicator(
                    "rd_expenditure",
                    "研发经费支出",
                    "R&D expenditure",
                    rd_total,
                    rd_total / 1.082,
                    Unit::Yuan100m,
                ),
                key_indicator(
                    "hitech_ent",
                    "高新技术企业",
                    "High-tech enterprises",
                    31_486.0,
                    28_907.0,
                    Unit::Count(Counter::Firm),
                ),
                key_indicator(
                    "patents",
                    "有效发明专利",
                    "Valid invention patents",
                    412_530.0,
                    371_204.0,
                    Unit::Count(Counter::Patent),
                ),
                key_indicator(
                    "rd_inst",
                    "国家级研发机构",
                    "National R&D institutions",
                    2_214.0,
                    2_098.0,
                    Unit::Count(Counter::Platform),
                ),
                key_indicator(
                    "new_product_share",
                    "新产品销售收入占营业收入比重",
                    "New-product share of revenue",
                    27.4,
                    26.1,
                    Unit::Percent,
                ),
            ],
            rd_intensity_by_category: CATEGORIES
                .iter()
                .enumerate()
                .map(|(c, (code, zh, en, _, _))| {
                    let members = |b: &Base| b.category == c;
                    let rd = sum(&|b| b.revenue * b.rd_intensity / 100.0, &members);
                    let rev = sum(&|b| b.revenue, &members);
                    Item {
                        key: code.to_string(),
                        label: Name::new(zh, en),
                        value: Figure::new(
                            rd / rev * 100.0 + 0.3 * c as f64 - 0.6,
                            Unit::Percent,
                            q(
                                "annual_by_group",
                                &format!(
                                    "category={code}; sum(rd_expenditure) / sum(rev_main) * 100"
                                ),
                            ),
                        ),
                    }
                })
                .collect(),
        };

        // Green and safety.
        let incident =
            |key: &str, kind: (&str, &str), grade: (&str, &str), n: usize, prev: usize| {
                IncidentRow {
                    key: key.to_string(),
                    kind: Name::new(kind.0, kind.1),
                    grade: Name::new(grade.0, grade.1),
                    count: count(n, Counter::Incident, q("incidents", &format!("kind={key}"))),
                    previous: Some(count(
                        prev,
                        Counter::Incident,
                        Provenance::query("incidents", &format!("year={}; kind={key}", year - 1)),
                    )),
                }
            };
        let safety = ("生产安全事故", "Production-safety accident");
        let environment = ("突发环境事件", "Environmental incident");
        let green_safety = GreenSafety {
            energy_intensity: Some(Measure {
                current: Figure::new(
                    0.4213,
                    Unit::TcePer10kYuan,
                    q("green_totals", "sum(energy) / sum(va_ind)"),
                ),
                previous: Some(Figure::new(
                    0.4392,
                    Unit::TcePer10kYuan,
                    Provenance::query(
                        "green_totals",
                        &format!("year={}; sum(energy) / sum(va_ind)", year - 1),
                    ),
                )),
                national_share: None,
            }),
            carbon: Some(Measure {
                current: Figure::new(
                    318_452.6,
                    Unit::Tonnes10k,
                    q("green_totals", "sum(energy by fuel × emission factor)"),
                ),
                previous: Some(Figure::new(
                    324_118.9,
                    Unit::Tonnes10k,
                    Provenance::query(
                        "green_totals",
                        &format!("year={}; sum(energy by fuel × emission factor)", year - 1),
                    ),
                )),
                national_share: None,
            }),
            indicators: vec![
                key_indicator(
                    "solid_waste_util",
                    "工业固体废物综合利用率",
                    "Solid-waste utilisation",
                    78.6,
                    77.2,
                    Unit::Percent,
                ),
                key_indicator(
                    "green_factory",
                    "国家级绿色工厂",
                    "National green factories",
                    1_864.0,
                    1_502.0,
                    Unit::Count(Counter::Firm),
                ),
            ],
            incidents: vec![
                incident(
                    "safety_major",
                    safety,
                    ("重大及以上", "major or worse"),
                    0,
                    1,
                ),
                incident("safety_serious", safety, ("较大", "serious"), 2, 3),
                incident(
                    "environment_level1_2",
                    environment,
                    ("Ⅰ级、Ⅱ级", "level I or II"),
                    0,
                    0,
                ),
                incident(
                    "environment_level3",
                    environment,
                    ("Ⅲ级", "level III"),
                    1,
                    2,
                ),
            ],
            vetoed: lowest
                .iter()
                .skip(20)
                .take(2)
                .map(|b| VetoedBase {
                    base: base_ref(b),
                    reason: Name::zh_only("年内发生较大生产安全事故1起，评价星级不高于三星级。"),
                })
                .collect(),
        };

        // Monitoring.
        let level_weights = [5.0, 3.0, 1.4, 0.5];
        let by_month: Vec<MonthWarnings> = (1..=12u8)
            .map(|m| MonthWarnings {
                month: m,
                counts: std::array::from_fn(|k| {
                    let base = level_weights[k] * (6.0 + 3.0 * ((m as f64) * 0.9).sin().abs());
                    count(
                        base.round() as usize,
                        Counter::Warning,
                        q(
                            "warnings_by_month",
                            &format!("month={m}; level={}", WarningLevel::ALL[k].code()),
                        ),
                    )
                }),
            })
            .collect();
        let totals: [usize; 4] =
            std::array::from_fn(|k| by_month.iter().map(|m| m.counts[k].value as usize).sum());
        let notable: Vec<WarningItem> = lowest
            .iter()
            .take(12)
            .enumerate()
            .map(|(k, b)| WarningItem {
                key: format!("w{}", 9001 + k),
                base: base_ref(b),
                level: if k % 3 == 0 {
                    WarningLevel::Red
                } else {
                    WarningLevel::Orange
                },
                month: (2 + k % 10) as u8,
                signal: Name::zh_only(if k % 2 == 0 {
                    "营业收入累计同比下降超过20%"
                } else {
                    "产成品存货月末余额较上月增长超过30%"
                }),
            })
            .collect();
        let monitoring = Monitoring {
            n_bases_monitored: count(
                n_bases,
                Counter::Base,
                q("monitoring", "bases with monthly submissions"),
            ),
            warnings: std::array::from_fn(|k| {
                count(
                    totals[k],
                    Counter::Warning,
                    q(
                        "warnings",
                        &format!("level={}", WarningLevel::ALL[k].code()),
                    ),
                )
            }),
            by_month,
            revenue_growth_by_month: (1..=12u8)
                .map(|m| MonthFigure {
                    month: m,
                    value: Figure::new(
                        round1(4.2 + 1.4 * ((m as f64) * 0.5).sin() + 0.05 * m as f64) + 0.004,
                        Unit::Percent,
                        q("monthly_totals", &format!("month=1-{m}; m_rev YTD growth")),
                    ),
                })
                .collect(),
            notable,
        };

        // Collection.
        let collection = Collection {
            completeness: Figure::new(
                96.84,
                Unit::Percent,
                q("collection", "received / expected values * 100"),
            ),
            timeliness: Figure::new(
                91.27,
                Unit::Percent,
                q("collection", "on-time / received submissions * 100"),
            ),
            n_submissions: Some(count(
                5785,
                Counter::Submission,
                q("collection", "submissions received"),
            )),
            n_returned: Some(count(
                213,
                Counter::Submission,
                q("collection", "submissions returned"),
            )),
            by_province: PROVINCES
                .iter()
                .enumerate()
                .map(|(p, (code, zh, en, _))| CollectionRow {
                    key: code.to_string(),
                    province: Name::new(zh, en),
                    n_bases: count(
                        bases.iter().filter(|b| b.province == p).count(),
                        Counter::Base,
                        q("collection_by_province", &format!("province={code}; bases")),
                    ),
                    completeness: Figure::new(
                        round1(99.5 - ((p * 7) % 13) as f64 * 0.55),
                        Unit::Percent,
                        q(
                            "collection_by_province",
                            &format!("province={code}; completeness"),
                        ),
                    ),
                    timeliness: Figure::new(
                        round1(97.0 - ((p * 5) % 11) as f64 * 1.1),
                        Unit::Percent,
                        q(
                            "collection_by_province",
                            &format!("province={code}; timeliness"),
                        ),
                    ),
                })
                .collect(),
        };

        // Appendix.
        let scheme_p = |detail: &str| Provenance::scheme(7, detail);
        let appendix = Appendix {
            indicators: INDICATORS
                .iter()
                .map(
                    |(code, zh, en, unit_zh, unit_en, dim, benefit)| IndicatorDef {
                        code: code.to_string(),
                        name: Name::new(zh, en),
                        unit: Name::new(unit_zh, unit_en),
                        dimension: Name::new(DIMENSIONS[*dim].1, DIMENSIONS[*dim].2),
                        direction: if *benefit {
                            Direction::Benefit
                        } else {
                            Direction::Cost
                        },
                        definition: (*unit_zh == "%").then(|| {
                            Name::new(
                                "分子与分母之比乘以100",
                                "numerator divided by denominator, times 100",
                            )
                        }),
                    },
                )
                .collect(),
            scheme: Some(SchemeSummary {
                name: Name::new(
                    "2025年度示范基地发展质量评价方案",
                    "Development-quality evaluation scheme 2025",
                ),
                method: Name::new(
                    "指标经缩尾处理后按类别做最小—最大标准化（0—100），维度内和维度间加权算术平均，分类别排序。",
                    "Indicators are winsorised, normalised min–max (0–100) within each category, and averaged with weights within and across dimensions; bases are ranked within their category.",
                ),
                dimensions: DIMENSIONS
                    .iter()
                    .map(|(code, zh, en, w)| Item {
                        key: code.to_string(),
                        label: Name::new(zh, en),
                        value: Figure::new(
                            *w,
                            Unit::Percent,
                            scheme_p(&format!("dimensions.{code}.weight, normalised to 100")),
                        ),
                    })
                    .collect(),
                star_rule: StarRule::Shares {
                    shares: std::array::from_fn(|k| {
                        Figure::new(
                            [3.0, 7.0, 25.0, 58.0, 7.0][k],
                            Unit::Percent,
                            scheme_p(&format!("stars.shares[{}]", 4 - k)),
                        )
                    }),
                },
                vetoes: vec![
                    Name::new(
                        "发生重大及以上生产安全事故",
                        "a major production-safety accident or worse",
                    ),
                    Name::new(
                        "发生Ⅰ级或Ⅱ级突发环境事件",
                        "a level I or II environmental incident",
                    ),
                ],
                veto_cap: Figure::new(3.0, Unit::Stars, scheme_p("vetoes.cap_stars")),
            }),
            data_sources: vec![
                DataSource {
                    name: Name::new("基地名册", "The roll"),
                    detail: Name::new(
                        "基地、梯度、类别和地区，截至年末。",
                        "Bases, tiers, categories and regions at year end.",
                    ),
                },
                DataSource {
                    name: Name::new("年度数据填报", "Annual submissions"),
                    detail: Name::new(
                        "各基地报送、省级审核的年度指标。",
                        "Annual indicators submitted by the bases and reviewed by the provinces.",
                    ),
                },
                DataSource {
                    name: Name::new("月度运行监测", "Monthly monitoring"),
                    detail: Name::new(
                        "各基地报送的1—N月累计数据及据此推算的当月数。",
                        "Year-to-date figures submitted monthly and the single months derived from them.",
                    ),
                },
                DataSource {
                    name: Name::new("发展质量评价", "The evaluation"),
                    detail: Name::new(
                        "已发布的年度评价（评价批次12）及其方案。",
                        "The published evaluation of the year (run 12) and its scheme.",
                    ),
                },
            ],
        };

        Report {
            meta: Meta {
                year,
                edition: Name::new("征求意见稿", "Draft for comment"),
                issuer: Name::new(
                    "示范基地管理平台（演示）",
                    "Demonstration-base platform (demo)",
                ),
                generated_on: Date::new(2026, 3, 15),
                synthetic: true,
            },
            roll,
            evaluation: Some(evaluation),
            decisions: Some(decisions),
            economy: Some(economy),
            innovation: Some(innovation),
            green_safety: Some(green_safety),
            monitoring: Some(monitoring),
            collection: Some(collection),
            appendix: Some(appendix),
        }
    }
}
