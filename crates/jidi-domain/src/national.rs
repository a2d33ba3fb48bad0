//! National totals of above-scale industry (全国规模以上工业), the denominators of the annual
//! report's shares of the national total (占全国比重).
//!
//! Reference data compiled in: `data/national_totals.csv` holds the rows of
//! `calibration_by_industry.csv` whose category is 全国, copied verbatim with their sources (the
//! statistical bulletins of 国家统计局 and their mirrors). Only whole-year totals in 亿元 of
//! 规上工业 are totals a sum over bases can be a share of; ratios, monthly figures and sub-sectors
//! in the same file are left alone.

use std::sync::OnceLock;

/// The reference file, as shipped.
pub const NATIONAL_TOTALS_CSV: &str = include_str!("../data/national_totals.csv");
/// Its name, for provenance.
pub const NATIONAL_TOTALS_FILE: &str = "national_totals.csv";

/// A national total the report can divide by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NationalMetric {
    /// 营业收入.
    Revenue,
    /// 利润总额.
    Profit,
}

impl NationalMetric {
    /// The metric as the file names it.
    pub fn name_zh(self) -> &'static str {
        match self {
            NationalMetric::Revenue => "营业收入",
            NationalMetric::Profit => "利润总额",
        }
    }
}

/// One national total with where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct NationalTotal {
    /// The metric.
    pub metric: NationalMetric,
    /// Year of the data.
    pub year: i32,
    /// Value in 亿元.
    pub value_100m_yuan: f64,
    /// Line of the file (the header is line 1).
    pub line: usize,
    /// The `source` column, verbatim.
    pub source: String,
}

/// Why the reference file does not parse (a test keeps it from shipping broken).
#[derive(Debug, thiserror::Error)]
#[error("{NATIONAL_TOTALS_FILE} line {line}: {message}")]
pub struct NationalTotalsError {
    /// Line of the file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses the national totals of 规上工业 in 亿元 out of `text` (a file with the header of
/// `calibration_by_industry.csv`).
pub fn parse(text: &str) -> Result<Vec<NationalTotal>, NationalTotalsError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let error = |line: usize, message: String| NationalTotalsError { line, message };
    let headers = reader
        .headers()
        .map_err(|e| error(1, e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| error(1, format!("no column {name}")))
    };
    let (category, subcategory, metric, value, unit, year, source) = (
        column("category")?,
        column("subcategory")?,
        column("metric")?,
        column("value")?,
        column("unit")?,
        column("year")?,
        column("source")?,
    );
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| error(line, e.to_string()))?;
        let field = |k: usize| record.get(k).unwrap_or_default().trim();
        if field(category) != "全国" || field(subcategory) != "规上工业" || field(unit) != "亿元"
        {
            continue;
        }
        let Some(m) = [NationalMetric::Revenue, NationalMetric::Profit]
            .into_iter()
            .find(|m| m.name_zh() == field(metric))
        else {
            continue;
        };
        let v: f64 = field(value)
            .parse()
            .map_err(|_| error(line, format!("value {:?} is not a number", field(value))))?;
        if !v.is_finite() || v <= 0.0 {
            return Err(error(line, format!("value {v} is not a positive total")));
        }
        let y: i32 = field(year)
            .parse()
            .map_err(|_| error(line, format!("year {:?} is not a year", field(year))))?;
        if field(source).is_empty() {
            return Err(error(line, "no source".into()));
        }
        if out
            .iter()
            .any(|t: &NationalTotal| t.metric == m && t.year == y)
        {
            return Err(error(line, format!("a second {} of {y}", m.name_zh())));
        }
        out.push(NationalTotal {
            metric: m,
            year: y,
            value_100m_yuan: v,
            line,
            source: field(source).to_string(),
        });
    }
    Ok(out)
}

/// The shipped totals (empty if the file were broken, which its test rules out).
pub fn totals() -> &'static [NationalTotal] {
    static TOTALS: OnceLock<Vec<NationalTotal>> = OnceLock::new();
    TOTALS.get_or_init(|| parse(NATIONAL_TOTALS_CSV).unwrap_or_default())
}

/// The national total of `metric` in `year`, if the reference data have one.
pub fn total(metric: NationalMetric, year: i32) -> Option<&'static NationalTotal> {
    totals()
        .iter()
        .find(|t| t.metric == metric && t.year == year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_with_its_sources() {
        let all = parse(NATIONAL_TOTALS_CSV).unwrap();
        let revenue = total(NationalMetric::Revenue, 2023).unwrap();
        assert_eq!(revenue.value_100m_yuan, 1_334_400.0);
        assert!(revenue.source.contains("国家统计局"), "{}", revenue.source);
        assert_eq!(
            NATIONAL_TOTALS_CSV
                .lines()
                .nth(revenue.line - 1)
                .unwrap()
                .split(',')
                .nth(2),
            Some("营业收入"),
            "the line number points at the row"
        );
        assert_eq!(
            total(NationalMetric::Profit, 2023).unwrap().value_100m_yuan,
            76_858.3
        );
        assert!(
            total(NationalMetric::Revenue, 2025).is_none(),
            "no total, no share"
        );
        assert_eq!(
            all.len(),
            2,
            "ratios, monthly figures and sub-sectors are not totals"
        );
        // Every row of the file is a 全国 row of the calibration file it was copied from.
        let calibration = include_str!("../data/calibration_by_industry.csv");
        for row in NATIONAL_TOTALS_CSV.lines().skip(1) {
            assert!(row.starts_with("全国,"), "{row}");
            assert!(
                calibration.lines().any(|l| l == row),
                "copied verbatim: {row}"
            );
        }
    }

    #[test]
    fn a_broken_file_is_refused_naming_the_line() {
        let header = "category,subcategory,metric,value,unit,year,source,note\n";
        let bad = format!("{header}全国,规上工业,营业收入,abc,亿元,2023,src,\n");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("national_totals.csv line 2"), "{e}");
        let twice = format!(
            "{header}全国,规上工业,营业收入,1,亿元,2023,src,\n全国,规上工业,营业收入,2,亿元,2023,src,\n"
        );
        assert_eq!(parse(&twice).unwrap_err().line, 3);
        let unsourced = format!("{header}全国,规上工业,利润总额,5,亿元,2024,,\n");
        assert!(parse(&unsourced).unwrap_err().message.contains("source"));
        let negative = format!("{header}全国,规上工业,利润总额,-5,亿元,2024,s,\n");
        assert!(parse(&negative).is_err());
    }
}
