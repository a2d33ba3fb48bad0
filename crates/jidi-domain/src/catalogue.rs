//! The indicator catalogue: code, names, unit, frequency, direction, dimension, and which
//! categories an indicator applies to. The shipped catalogue is the 68 indicators of
//! `data/indicator_catalogue_reference.csv` (official evaluation systems and common practice).

use std::sync::OnceLock;

use jidi_engine::normalise::Direction;

/// The reference catalogue shipped with jidi.
pub const CATALOGUE_CSV: &str = include_str!("../data/indicator_catalogue_reference.csv");

/// How often an indicator is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Once a year.
    Annual,
    /// Every month.
    Monthly,
}

impl Frequency {
    /// `annual` or `monthly`.
    pub fn code(self) -> &'static str {
        match self {
            Frequency::Annual => "annual",
            Frequency::Monthly => "monthly",
        }
    }

    /// Parses [`Frequency::code`].
    pub fn parse(text: &str) -> Option<Frequency> {
        match text {
            "annual" => Some(Frequency::Annual),
            "monthly" => Some(Frequency::Monthly),
            _ => None,
        }
    }
}

/// The national evaluation dimensions, plus Hunan's optional 对外开放, in display order:
/// `(code, zh, en)`.
pub const DIMENSIONS: &[(&str, &str, &str)] = &[
    ("strength", "产业实力", "Industrial strength"),
    ("quality", "质量效益", "Quality and efficiency"),
    ("innovation", "创新驱动", "Innovation"),
    ("green", "绿色集约安全", "Green, intensive and safe"),
    ("integration", "融合发展", "Integration"),
    ("environment", "发展环境", "Development environment"),
    ("openness", "对外开放", "Openness"),
];

/// The dimension code of a Chinese dimension name.
pub fn dimension_code(name_zh: &str) -> Option<&'static str> {
    DIMENSIONS
        .iter()
        .find(|(_, zh, _)| *zh == name_zh)
        .map(|(c, _, _)| *c)
}

/// One indicator of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    /// Stable code, e.g. `rev_main`.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Unit, e.g. `亿元`.
    pub unit: String,
    /// Reporting frequency.
    pub frequency: Frequency,
    /// Whether monthly figures are reported cumulative year-to-date (1–N月累计).
    pub cumulative: bool,
    /// Benefit or cost.
    pub direction: Direction,
    /// Dimension code (see [`DIMENSIONS`]), or `monitoring` for monthly series.
    pub dimension: String,
    /// Formula, in Chinese, when derived.
    pub formula: String,
    /// Category codes the indicator applies to; empty = all.
    pub applies_to: Vec<String>,
}

impl Indicator {
    /// Whether the indicator applies to bases of `category`.
    pub fn applies(&self, category: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|c| c == category)
    }
}

/// The shipped catalogue, parsed once.
pub fn reference_catalogue() -> &'static [Indicator] {
    static CATALOGUE: OnceLock<Vec<Indicator>> = OnceLock::new();
    CATALOGUE.get_or_init(|| parse(CATALOGUE_CSV).expect("shipped catalogue parses"))
}

/// The English form of a catalogue unit: 亿元 is "100 million yuan" (the convention of the
/// statistical bulletins' English editions), 万元 "10,000 yuan", 标准煤 "tce". A unit without
/// an English form (none in the shipped catalogue) is returned as it is.
pub fn unit_en(unit: &str) -> &str {
    match unit {
        "亿元" => "100 million yuan",
        "万元" => "10,000 yuan",
        "亿美元" => "100 million USD",
        "万元/亩" => "10,000 yuan per mu",
        "万元/人" => "10,000 yuan per person",
        "万元/吨" => "10,000 yuan per tonne",
        "万元/吨标准煤" => "10,000 yuan per tce",
        "万千瓦时" => "10,000 kWh",
        "万吨标准煤" => "10,000 tce",
        "吨标准煤/万元" => "tce per 10,000 yuan",
        "立方米/万元" => "m³ per 10,000 yuan",
        "个" => "count",
        "家" => "firms",
        "件" => "items",
        "起" => "incidents",
        "分" => "points",
        // Units a catalogue entry also accepts (converted on entry), so a page can list them.
        "元" => "yuan",
        "千元" => "1,000 yuan",
        "百万元" => "million yuan",
        "美元" => "USD",
        "万美元" => "10,000 USD",
        "元/亩" => "yuan per mu",
        "万元/公顷" => "10,000 yuan per hectare",
        "元/人" => "yuan per person",
        "千元/人" => "1,000 yuan per person",
        "元/吨" => "yuan per tonne",
        "元/吨标准煤" => "yuan per tce",
        "万元/吨标煤" => "10,000 yuan per tce",
        "吨标煤/万元" => "tce per 10,000 yuan",
        "千克标准煤/万元" | "千克标煤/万元" => "kgce per 10,000 yuan",
        "吨/万元" => "tonnes per 10,000 yuan",
        "千瓦时" => "kWh",
        "万度" => "10,000 kWh",
        "亿千瓦时" => "100 million kWh",
        "吨标准煤" | "吨标煤" => "tce",
        "万吨标煤" => "10,000 tce",
        "项" => "items",
        // The fuels (m_coal, m_oil, m_gas, m_heat) and the units they accept.
        "吨" => "tonnes",
        "千克" => "kg",
        "万吨" => "10,000 tonnes",
        "万立方米" => "10,000 m³",
        "立方米" => "m³",
        "亿立方米" => "100 million m³",
        "吉焦" => "GJ",
        "兆焦" => "MJ",
        "百万千焦" => "GJ",
        "万吉焦" => "10,000 GJ",
        other => other,
    }
}

/// The indicator with `code` in the shipped catalogue.
pub fn indicator(code: &str) -> Option<&'static Indicator> {
    reference_catalogue().iter().find(|i| i.code == code)
}

fn parse(text: &str) -> Result<Vec<Indicator>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("row {}: {e}", i + 2))?;
        let frequency = Frequency::parse(&row[4]).ok_or(format!("row {}: frequency", i + 2))?;
        let direction = Direction::parse(&row[6]).ok_or(format!("row {}: direction", i + 2))?;
        let dimension = match &row[7] {
            "monitoring" => "monitoring".to_string(),
            zh => dimension_code(zh)
                .ok_or(format!("row {}: dimension {zh}", i + 2))?
                .to_string(),
        };
        let applies_to = match row.get(9).unwrap_or("all") {
            "all" | "" => Vec::new(),
            list => list
                .split(',')
                .filter_map(|zh| {
                    crate::reference::BUILTIN_CATEGORIES
                        .iter()
                        .find(|(_, parent, name, _)| parent.is_none() && *name == zh.trim())
                        .map(|(code, ..)| (*code).to_string())
                })
                .collect(),
        };
        out.push(Indicator {
            code: row[0].into(),
            name_zh: row[1].into(),
            name_en: row[2].into(),
            unit: row[3].into(),
            frequency,
            cumulative: &row[5] == "yes",
            direction,
            dimension,
            formula: row[8].into(),
            applies_to,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalogue_has_46_annual_and_22_monthly_indicators() {
        let c = reference_catalogue();
        assert_eq!(
            c.iter()
                .filter(|i| i.frequency == Frequency::Annual)
                .count(),
            46
        );
        assert_eq!(
            c.iter()
                .filter(|i| i.frequency == Frequency::Monthly)
                .count(),
            22
        );
        let energy = indicator("energy_int").unwrap();
        assert_eq!(energy.direction, Direction::Cost);
        assert_eq!(energy.dimension, "green");
        let nc = indicator("nc_rate").unwrap();
        assert!(nc.applies("equipment") && !nc.applies("information"));
        assert!(indicator("m_rev").unwrap().cumulative);
    }

    #[test]
    fn every_shipped_unit_has_an_english_form() {
        for i in reference_catalogue() {
            let en = unit_en(&i.unit);
            assert!(
                en.chars().all(|c| !('\u{3400}'..='\u{9fff}').contains(&c)),
                "{}: {} has no English form",
                i.code,
                i.unit
            );
        }
        assert_eq!(unit_en("亿元"), "100 million yuan");
    }
}
