//! Reference data shipped with jidi: GB/T 2260 provinces and prefectures, the four macro-regions,
//! national strategy tags, and the built-in categories and sub-types of bases.
//!
//! Categories are the seed's annexes 2–5 plus later notices (new materials and resource recycling
//! under raw materials; 军民融合 renamed 高技术转化应用; the 新产业新业态 family). The ministry can add
//! more at run time; these are the ones every new database starts with.

use std::collections::HashMap;
use std::sync::OnceLock;

/// GB/T 2260 province and prefecture codes, Ministry of Civil Affairs list of 2019-04.
pub const GB2260_CSV: &str = include_str!("../data/gb2260_province_prefecture_201904.csv");

/// The four statistical macro-regions of the National Bureau of Statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MacroRegion {
    /// 东部: Beijing, Tianjin, Hebei, Shanghai, Jiangsu, Zhejiang, Fujian, Shandong, Guangdong, Hainan.
    East,
    /// 中部: Shanxi, Anhui, Jiangxi, Henan, Hubei, Hunan.
    Central,
    /// 西部: the twelve western provinces and autonomous regions.
    West,
    /// 东北: Liaoning, Jilin, Heilongjiang.
    Northeast,
}

impl MacroRegion {
    /// All regions in display order.
    pub const ALL: [MacroRegion; 4] = [
        MacroRegion::East,
        MacroRegion::Central,
        MacroRegion::West,
        MacroRegion::Northeast,
    ];

    /// Stable code used in storage and the API.
    pub fn code(self) -> &'static str {
        match self {
            MacroRegion::East => "east",
            MacroRegion::Central => "central",
            MacroRegion::West => "west",
            MacroRegion::Northeast => "northeast",
        }
    }

    /// Parses [`MacroRegion::code`].
    pub fn parse(code: &str) -> Option<MacroRegion> {
        MacroRegion::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            MacroRegion::East => "东部",
            MacroRegion::Central => "中部",
            MacroRegion::West => "西部",
            MacroRegion::Northeast => "东北",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            MacroRegion::East => "East",
            MacroRegion::Central => "Central",
            MacroRegion::West => "West",
            MacroRegion::Northeast => "Northeast",
        }
    }

    /// The region of a province by the first two digits of its code; `None` for Taiwan, Hong Kong
    /// and Macao, which have no bases.
    pub fn of_province(code: &str) -> Option<MacroRegion> {
        let prefix = code.get(..2)?;
        Some(match prefix {
            "11" | "12" | "13" | "31" | "32" | "33" | "35" | "37" | "44" | "46" => {
                MacroRegion::East
            }
            "14" | "34" | "36" | "41" | "42" | "43" => MacroRegion::Central,
            "15" | "45" | "50" | "51" | "52" | "53" | "54" | "61" | "62" | "63" | "64" | "65" => {
                MacroRegion::West
            }
            "21" | "22" | "23" => MacroRegion::Northeast,
            _ => return None,
        })
    }
}

/// A province-level division.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Province {
    /// Six-digit GB/T 2260 code, e.g. `420000`.
    pub code: String,
    /// Official name, e.g. `湖北省`.
    pub name: String,
    /// Short name used in tables, e.g. `湖北`.
    pub short_name: String,
    /// English name in Hanyu Pinyin, as the State Council's English pages write it, e.g.
    /// `Hubei`, `Inner Mongolia`.
    pub name_en: String,
    /// Macro-region.
    pub region: MacroRegion,
}

/// English names of the provincial-level divisions (GB/T 2260 code → name). Pinyin without tones,
/// with the conventional forms for the autonomous regions (Inner Mongolia, Tibet, Guangxi,
/// Ningxia, Xinjiang) and Shaanxi spelt apart from Shanxi.
const PROVINCE_NAMES_EN: [(&str, &str); 31] = [
    ("110000", "Beijing"),
    ("120000", "Tianjin"),
    ("130000", "Hebei"),
    ("140000", "Shanxi"),
    ("150000", "Inner Mongolia"),
    ("210000", "Liaoning"),
    ("220000", "Jilin"),
    ("230000", "Heilongjiang"),
    ("310000", "Shanghai"),
    ("320000", "Jiangsu"),
    ("330000", "Zhejiang"),
    ("340000", "Anhui"),
    ("350000", "Fujian"),
    ("360000", "Jiangxi"),
    ("370000", "Shandong"),
    ("410000", "Henan"),
    ("420000", "Hubei"),
    ("430000", "Hunan"),
    ("440000", "Guangdong"),
    ("450000", "Guangxi"),
    ("460000", "Hainan"),
    ("500000", "Chongqing"),
    ("510000", "Sichuan"),
    ("520000", "Guizhou"),
    ("530000", "Yunnan"),
    ("540000", "Tibet"),
    ("610000", "Shaanxi"),
    ("620000", "Gansu"),
    ("630000", "Qinghai"),
    ("640000", "Ningxia"),
    ("650000", "Xinjiang"),
];

/// A prefecture-level division.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefecture {
    /// Six-digit GB/T 2260 code, e.g. `420100`.
    pub code: String,
    /// Official name, e.g. `武汉市`.
    pub name: String,
    /// English name, e.g. `Wuhan`, `Enshi Tujia and Miao Autonomous Prefecture`: Hanyu Pinyin
    /// with the conventional spellings of names from other languages (`Hohhot`, `Kashgar`), from
    /// [`PREFECTURE_NAMES_EN_CSV`].
    pub name_en: String,
    /// Code of its province.
    pub province_code: String,
}

/// English names of the prefectures (`code,name,name_en`), generated once at development time by
/// `scripts/prefecture-names-en.py` and committed as data: nothing transliterates at run time.
pub const PREFECTURE_NAMES_EN_CSV: &str = include_str!("../data/gb2260_prefecture_names_en.csv");

/// Provinces and prefectures, parsed once from [`GB2260_CSV`].
#[derive(Debug)]
pub struct Regions {
    /// Provinces with a macro-region (Taiwan, Hong Kong and Macao are left out: no bases).
    pub provinces: Vec<Province>,
    /// Prefectures of those provinces.
    pub prefectures: Vec<Prefecture>,
    by_code: HashMap<String, usize>,
    prefecture_by_code: HashMap<String, usize>,
}

impl Regions {
    /// The shipped code list.
    pub fn get() -> &'static Regions {
        static REGIONS: OnceLock<Regions> = OnceLock::new();
        REGIONS.get_or_init(|| {
            Regions::parse(GB2260_CSV, PREFECTURE_NAMES_EN_CSV)
                .expect("shipped GB/T 2260 list parses")
        })
    }

    fn parse(text: &str, names_en: &str) -> Result<Regions, String> {
        let mut english: HashMap<String, String> = HashMap::new();
        for row in csv::Reader::from_reader(names_en.as_bytes()).records() {
            let row = row.map_err(|e| e.to_string())?;
            english.insert(row[0].to_string(), row[2].to_string());
        }
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut provinces = Vec::new();
        let mut prefectures = Vec::new();
        for row in reader.records() {
            let row = row.map_err(|e| e.to_string())?;
            let (code, name, level, province) = (&row[0], &row[1], &row[2], &row[3]);
            let Some(region) = MacroRegion::of_province(province) else {
                continue;
            };
            match level {
                "province" => provinces.push(Province {
                    code: code.into(),
                    name: name.into(),
                    short_name: short_province_name(name),
                    name_en: PROVINCE_NAMES_EN
                        .iter()
                        .find(|(c, _)| *c == code)
                        .map_or_else(|| name.to_string(), |(_, n)| (*n).to_string()),
                    region,
                }),
                "prefecture" => prefectures.push(Prefecture {
                    code: code.into(),
                    name: name.into(),
                    name_en: english
                        .remove(code)
                        .ok_or_else(|| format!("prefecture {code} has no English name"))?,
                    province_code: province.into(),
                }),
                other => return Err(format!("unknown level {other:?}")),
            }
        }
        let by_code = provinces
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        let prefecture_by_code = prefectures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        Ok(Regions {
            provinces,
            prefectures,
            by_code,
            prefecture_by_code,
        })
    }

    /// The province with `code`.
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.by_code.get(code).map(|&i| &self.provinces[i])
    }

    /// The province with this full or short name (`湖北省` or `湖北`).
    pub fn province_by_name(&self, name: &str) -> Option<&Province> {
        let name = name.trim();
        self.provinces
            .iter()
            .find(|p| p.name == name || p.short_name == name)
    }

    /// The prefecture with `code`.
    pub fn prefecture(&self, code: &str) -> Option<&Prefecture> {
        self.prefecture_by_code
            .get(code)
            .map(|&i| &self.prefectures[i])
    }

    /// The prefecture of `province_code` with this name (`武汉市` or `武汉`).
    pub fn prefecture_by_name(&self, province_code: &str, name: &str) -> Option<&Prefecture> {
        let name = name.trim();
        self.prefectures.iter().find(|p| {
            p.province_code == province_code
                && (p.name == name || p.name.trim_end_matches('市') == name)
        })
    }

    /// Prefectures of one province.
    pub fn prefectures_of<'a>(
        &'a self,
        province_code: &'a str,
    ) -> impl Iterator<Item = &'a Prefecture> {
        self.prefectures
            .iter()
            .filter(move |p| p.province_code == province_code)
    }

    /// Whether the province is a municipality directly under the central government (no
    /// prefectures: Beijing, Tianjin, Shanghai, Chongqing).
    pub fn is_municipality(&self, province_code: &str) -> bool {
        matches!(province_code, "110000" | "120000" | "310000" | "500000")
    }
}

fn short_province_name(name: &str) -> String {
    for suffix in [
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "特别行政区",
        "省",
        "市",
    ] {
        if let Some(s) = name.strip_suffix(suffix) {
            return s.to_string();
        }
    }
    name.to_string()
}

/// A national strategy tag and the provinces it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strategy {
    /// Stable code.
    pub code: &'static str,
    /// Chinese name.
    pub name_zh: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Province codes (by their two-digit prefix).
    pub provinces: &'static [&'static str],
}

/// National regional strategies at province granularity. The Belt and Road list is the 18
/// provinces named in the 2015 vision document; the Yangtze River Economic Belt is its 11 provinces.
pub const STRATEGIES: &[Strategy] = &[
    Strategy {
        code: "jjj",
        name_zh: "京津冀协同发展",
        name_en: "Beijing-Tianjin-Hebei",
        provinces: &["11", "12", "13"],
    },
    Strategy {
        code: "yangtze",
        name_zh: "长江经济带",
        name_en: "Yangtze River Economic Belt",
        provinces: &[
            "31", "32", "33", "34", "36", "42", "43", "50", "51", "52", "53",
        ],
    },
    Strategy {
        code: "belt_road",
        name_zh: "一带一路",
        name_en: "Belt and Road",
        provinces: &[
            "65", "61", "62", "64", "63", "15", "23", "22", "21", "45", "53", "54", "31", "35",
            "44", "33", "46", "50",
        ],
    },
    Strategy {
        code: "yrd",
        name_zh: "长三角一体化",
        name_en: "Yangtze River Delta",
        provinces: &["31", "32", "33", "34"],
    },
    Strategy {
        code: "yellow_river",
        name_zh: "黄河流域生态保护和高质量发展",
        name_en: "Yellow River Basin",
        provinces: &["63", "51", "62", "64", "15", "14", "61", "41", "37"],
    },
];

/// Strategy codes covering a province.
pub fn strategies_of(province_code: &str) -> Vec<&'static Strategy> {
    let prefix = province_code.get(..2).unwrap_or_default();
    STRATEGIES
        .iter()
        .filter(|s| s.provinces.contains(&prefix))
        .collect()
}

/// A category (大类) or sub-type (细分) of bases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable code.
    pub code: String,
    /// Parent category code for a sub-type; `None` for a category.
    pub parent: Option<String>,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// Built-in categories and sub-types: `(code, parent, zh, en)`.
pub const BUILTIN_CATEGORIES: &[(&str, Option<&str>, &str, &str)] = &[
    ("equipment", None, "装备制造", "Equipment manufacturing"),
    (
        "auto_rail",
        Some("equipment"),
        "汽车和轨道交通",
        "Automotive and rail transit",
    ),
    (
        "shipbuilding",
        Some("equipment"),
        "船舶与海工",
        "Shipbuilding and offshore engineering",
    ),
    ("aerospace", Some("equipment"), "航空航天", "Aerospace"),
    (
        "high_end_equipment",
        Some("equipment"),
        "高端装备",
        "High-end equipment",
    ),
    ("information", None, "信息产业", "Information industry"),
    (
        "electronics",
        Some("information"),
        "电子信息",
        "Electronics and information",
    ),
    (
        "software",
        Some("information"),
        "软件和信息服务",
        "Software and information services",
    ),
    ("materials", None, "原材料", "Raw materials"),
    ("steel", Some("materials"), "钢铁", "Iron and steel"),
    (
        "nonferrous",
        Some("materials"),
        "有色金属",
        "Non-ferrous metals",
    ),
    (
        "petrochemical",
        Some("materials"),
        "石油化工",
        "Petrochemicals",
    ),
    (
        "building_materials",
        Some("materials"),
        "建材",
        "Building materials",
    ),
    (
        "new_materials",
        Some("materials"),
        "新材料",
        "New materials",
    ),
    (
        "recycling",
        Some("materials"),
        "资源综合利用",
        "Resource recycling",
    ),
    ("consumer", None, "消费品", "Consumer goods"),
    ("light_industry", Some("consumer"), "轻工", "Light industry"),
    ("textiles", Some("consumer"), "纺织", "Textiles"),
    ("food", Some("consumer"), "食品", "Food"),
    ("pharma", Some("consumer"), "医药", "Pharmaceuticals"),
    (
        "civil_military",
        None,
        "军民融合",
        "Civil-military integration",
    ),
    (
        "high_tech_conversion",
        Some("civil_military"),
        "高技术转化应用",
        "High-tech conversion and application",
    ),
    (
        "new_industry",
        None,
        "新产业新业态",
        "New industries and business forms",
    ),
    (
        "service_manufacturing",
        Some("new_industry"),
        "服务型制造（工业设计）",
        "Service-oriented manufacturing (industrial design)",
    ),
    (
        "green_safety",
        Some("new_industry"),
        "节能环保安全",
        "Energy saving, environmental protection and safety",
    ),
    (
        "industrial_internet",
        Some("new_industry"),
        "互联网+（工业互联网）",
        "Internet Plus (industrial internet)",
    ),
    ("big_data", Some("new_industry"), "大数据", "Big data"),
    ("cloud", Some("new_industry"), "云计算", "Cloud computing"),
    (
        "data_center",
        Some("new_industry"),
        "数据中心",
        "Data centres",
    ),
    (
        "industrial_transfer",
        Some("new_industry"),
        "产业转移合作",
        "Industrial transfer and cooperation",
    ),
];

/// The built-in categories as values.
pub fn builtin_categories() -> Vec<Category> {
    BUILTIN_CATEGORIES
        .iter()
        .map(|(code, parent, zh, en)| Category {
            code: (*code).into(),
            parent: parent.map(Into::into),
            name_zh: (*zh).into(),
            name_en: (*en).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_cover_the_31_mainland_provinces() {
        let r = Regions::get();
        assert_eq!(r.provinces.len(), 31);
        let count = |m| r.provinces.iter().filter(|p| p.region == m).count();
        assert_eq!(
            (
                count(MacroRegion::East),
                count(MacroRegion::Central),
                count(MacroRegion::West),
                count(MacroRegion::Northeast)
            ),
            (10, 6, 12, 3)
        );
        assert_eq!(r.province_by_name("湖北").unwrap().code, "420000");
        assert_eq!(
            r.province_by_name("宁夏回族自治区").unwrap().short_name,
            "宁夏"
        );
        assert_eq!(
            r.prefecture_by_name("420000", "武汉").unwrap().code,
            "420100"
        );
        assert!(r.is_municipality("110000"));
        // Every province has its own English name (none falls back to Chinese, none repeats).
        let mut english: Vec<&str> = r.provinces.iter().map(|p| p.name_en.as_str()).collect();
        assert!(english.iter().all(|n| n.is_ascii()), "{english:?}");
        english.sort_unstable();
        english.dedup();
        assert_eq!(english.len(), 31);
        assert_eq!(r.province("610000").unwrap().name_en, "Shaanxi");
        assert_eq!(r.province("140000").unwrap().name_en, "Shanxi");
        // Every prefecture has an English name with no Chinese in it (Lüliang keeps its ü).
        assert_eq!(r.prefectures.len(), 334);
        for p in &r.prefectures {
            assert!(
                !p.name_en.is_empty() && p.name_en.chars().all(|c| c.is_ascii() || c == 'ü'),
                "{} {}",
                p.code,
                p.name_en
            );
        }
        assert_eq!(r.prefecture("420100").unwrap().name_en, "Wuhan");
        assert_eq!(r.prefecture("610100").unwrap().name_en, "Xi'an");
        assert_eq!(
            r.prefecture("422800").unwrap().name_en,
            "Enshi Tujia and Miao Autonomous Prefecture"
        );
    }

    #[test]
    fn strategies_are_province_tags() {
        let codes: Vec<&str> = strategies_of("310000").iter().map(|s| s.code).collect();
        assert_eq!(codes, ["yangtze", "belt_road", "yrd"]);
        assert_eq!(STRATEGIES[2].provinces.len(), 18);
    }

    #[test]
    fn every_subtype_has_a_category_parent() {
        let cats = builtin_categories();
        for c in &cats {
            if let Some(p) = &c.parent {
                let parent = cats.iter().find(|x| &x.code == p).unwrap();
                assert!(parent.parent.is_none());
            }
        }
    }
}
