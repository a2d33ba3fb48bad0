//! The 58 real bases of `data/bases.csv`, with their public sources.

/// The real bases, with sources.
pub const BASES_CSV: &str = include_str!("../data/bases.csv");

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

/// How the sources' sub-type wording maps onto built-in sub-types.
pub(crate) fn subtype_of_source(category: &str, sub: &str) -> Option<&'static str> {
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

pub(crate) fn category_code_of_zh(zh: &str) -> Option<&'static str> {
    jidi_domain::reference::BUILTIN_CATEGORIES
        .iter()
        .find(|(_, parent, name, _)| parent.is_none() && *name == zh)
        .map(|(code, ..)| *code)
}
