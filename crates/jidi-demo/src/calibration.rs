//! The published figures the demo is calibrated to, and the synthetic assumptions that fill the
//! gaps between them (each marked as such).

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
pub(crate) const CATEGORY_QUOTA: [(&str, usize); 6] = [
    // Current plus withdrawn: 140 + 4, 90, 95 + 4, 70 + 3, 25, 25.
    ("equipment", 144),
    ("information", 90),
    ("materials", 99),
    ("consumer", 73),
    ("civil_military", 25),
    ("new_industry", 25),
];

/// Batch 1's published category split (装备制造 25, 原材料 15, 消费品 8, 电子信息及新兴产业 14).
pub(crate) const BATCH1_CATEGORIES: [(&str, usize); 5] = [
    ("equipment", 25),
    ("materials", 15),
    ("consumer", 8),
    ("information", 11),
    ("new_industry", 3),
];

/// Withdrawals by year: the published counts of bases evaluated (332, 381, 416, ~415, 445) follow
/// from the batches when 1, 2, 4, 1 and 3 bases leave in 2018–2022.
pub(crate) const WITHDRAWALS: [(i32, usize); 5] =
    [(2018, 1), (2019, 2), (2020, 4), (2021, 1), (2022, 3)];

/// Provinces of the eleven withdrawn bases (one each), so that the current roll keeps the
/// published regional split.
pub(crate) const WITHDRAWN_PROVINCES: [&str; 11] = [
    "130000", "140000", "150000", "210000", "230000", "410000", "450000", "510000", "610000",
    "620000", "650000",
];

pub(crate) const WITHDRAWAL_REASONS: [&str; 3] = [
    "连续两年发展质量评价处于末档，限期整改期满仍未达标（模拟）",
    "所在园区整合撤并，主导产业整体转移（模拟）",
    "发生重大生产安全事故，一票否决（模拟）",
];

/// Sub-type shares within each category, and leading-industry details for names.
pub(crate) const SUBTYPES: &[(&str, &str, f64, &[&str])] = &[
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

/// Per sub-type economics: `(margin %, R&D %, energy tce/万元, VA rate %, productivity 万元/人,
/// water m³/万元, export share %, revenue per mu 万元)`.
pub(crate) fn economics(subtype: &str) -> [f64; 8] {
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
pub(crate) fn macro_growth(year: i32) -> f64 {
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

/// Margin of raw materials by year relative to an ordinary year (a synthetic path after steel's
/// 2021 boom and 2022–23 slump). Relative rather than in percentage points, so that a base with
/// a thin margin does not see its profit multiply in one year.
pub(crate) fn materials_margin_factor(year: i32) -> f64 {
    match year {
        2021 => 1.3,
        2022 => 0.8,
        2023 => 0.83,
        2024 => 1.05,
        _ => 1.0,
    }
}
