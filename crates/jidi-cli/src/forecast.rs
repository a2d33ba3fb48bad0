//! `jidi forecast`: forecasts of monthly or quarterly series from a long-form CSV file, with
//! `jidi_forecast`. No database.
//!
//! Input `series,period,value`, rows in any order, periods `YYYY-MM` or `YYYY-Qn`. Output
//! `series,period,forecast,lo95,hi95` for the `--horizon` periods after each series' last one, in
//! the order in which the series first appear. Any problem in the input (header, period, number,
//! duplicate period, mixed frequencies in a series, a missing period inside a series) is reported
//! with its file, row (the header is row 1), column and rule, and nothing is written. Fallbacks
//! are named on standard error, one line per series.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use jidi_forecast::{Config, Method, Series};

/// `jidi forecast`.
#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// SERIES.csv: series,period,value (period YYYY-MM or YYYY-Qn; rows in any order).
    #[arg(long)]
    input: PathBuf,
    /// Periods to forecast after each series' last one.
    #[arg(long)]
    horizon: usize,
    /// Season length: a number (12, 4, 1 for none) or `auto` (12 for monthly, 4 for quarterly).
    #[arg(long, default_value = "auto")]
    season: String,
    /// Method: auto, ets, theta, damped, snaive or comb.
    #[arg(long, default_value = "auto")]
    method: String,
    /// FORECASTS.csv (`-` for standard output): series,period,forecast,lo95,hi95.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frequency {
    Monthly,
    Quarterly,
}

impl Frequency {
    fn per_year(self) -> i64 {
        match self {
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
        }
    }

    fn label(self, index: i64) -> String {
        let year = index.div_euclid(self.per_year());
        let k = index.rem_euclid(self.per_year()) + 1;
        match self {
            Frequency::Monthly => format!("{year:04}-{k:02}"),
            Frequency::Quarterly => format!("{year:04}-Q{k}"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
        }
    }
}

/// Parses `YYYY-MM` or `YYYY-Qn` into a frequency and a running period number.
fn parse_period(text: &str) -> Option<(Frequency, i64)> {
    let (year, rest) = text.split_once('-')?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
        let q: i64 = match q {
            "1" => 1,
            "2" => 2,
            "3" => 3,
            "4" => 4,
            _ => return None,
        };
        return Some((Frequency::Quarterly, year * 4 + q - 1));
    }
    if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: i64 = rest.parse().ok()?;
    if !(1..=12).contains(&month) {
        return None;
    }
    Some((Frequency::Monthly, year * 12 + month - 1))
}

struct Input {
    name: String,
    frequency: Frequency,
    /// (period, value, row)
    points: Vec<(i64, f64, usize)>,
}

/// Reads and checks the whole file; every problem is listed.
fn read_series(file: &str, bytes: &[u8]) -> Result<Vec<Input>, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut problems = Vec::new();
    let mut inputs: Vec<Input> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut seen: HashMap<(usize, i64), usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(format!("{file}: row {}: not valid CSV: {e}", row + 1));
                break;
            }
        }
        row += 1;
        if row == 1 {
            let header: Vec<String> = record.iter().map(|c| c.trim().to_lowercase()).collect();
            if header != ["series", "period", "value"] {
                problems.push(format!(
                    "{file}: row 1: the header must be series,period,value, found {}",
                    record.iter().collect::<Vec<_>>().join(",")
                ));
                return Err(problems);
            }
            continue;
        }
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() != 3 {
            problems.push(format!(
                "{file}: row {row}: expected 3 columns (series,period,value), found {}",
                record.len()
            ));
            continue;
        }
        let name = record[0].trim();
        if name.is_empty() {
            problems.push(format!(
                "{file}: row {row}, column series: must not be empty"
            ));
            continue;
        }
        let period_text = record[1].trim();
        let Some((frequency, period)) = parse_period(period_text) else {
            problems.push(format!(
                "{file}: row {row}, column period: {period_text:?} is not a period YYYY-MM or YYYY-Qn"
            ));
            continue;
        };
        let value_text = record[2].trim();
        let value = match value_text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                problems.push(format!(
                    "{file}: row {row}, column value: {value_text:?} is not a finite number"
                ));
                continue;
            }
        };
        let index = *by_name.entry(name.to_string()).or_insert_with(|| {
            inputs.push(Input {
                name: name.to_string(),
                frequency,
                points: Vec::new(),
            });
            inputs.len() - 1
        });
        let input = &mut inputs[index];
        if input.frequency != frequency {
            problems.push(format!(
                "{file}: row {row}, column period: {period_text} is {} but series {name:?} is {} (row {}): one frequency per series",
                frequency.name(),
                input.frequency.name(),
                input.points.first().map_or(row, |p| p.2)
            ));
            continue;
        }
        if let Some(first) = seen.insert((index, period), row) {
            problems.push(format!(
                "{file}: row {row}, column period: series {name:?} has period {period_text} already on row {first}: one value per period"
            ));
            continue;
        }
        input.points.push((period, value, row));
    }
    for input in &mut inputs {
        input.points.sort_by_key(|p| p.0);
        for pair in input.points.windows(2) {
            let (a, b) = (pair[0].0, pair[1].0);
            if b != a + 1 {
                let missing = if b - a == 2 {
                    input.frequency.label(a + 1)
                } else {
                    format!(
                        "{} to {}",
                        input.frequency.label(a + 1),
                        input.frequency.label(b - 1)
                    )
                };
                problems.push(format!(
                    "{file}: row {}, column period: series {:?} has no value for {missing} (between {} and {}): gaps are not filled",
                    pair[1].2,
                    input.name,
                    input.frequency.label(a),
                    input.frequency.label(b)
                ));
            }
        }
    }
    if inputs.is_empty() && problems.is_empty() {
        problems.push(format!("{file}: no data rows"));
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(problems)
    }
}

/// Problems listed on standard error before the rest are only counted.
const MAX_LISTED: usize = 100;

fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// Runs the command.
pub fn run(args: ForecastArgs) -> anyhow::Result<()> {
    let method = Method::ALL
        .into_iter()
        .find(|m| m.name() == args.method)
        .with_context(|| {
            format!(
                "--method {}: expected one of auto, ets, theta, damped, snaive, comb",
                args.method
            )
        })?;
    let season: Option<usize> = match args.season.as_str() {
        "auto" => None,
        text => match text.parse::<usize>() {
            Ok(s) if s >= 1 => Some(s),
            _ => bail!("--season {text}: expected a positive whole number or auto"),
        },
    };
    if args.horizon == 0 {
        bail!("--horizon must be at least 1");
    }
    let file = args.input.display().to_string();
    let bytes = std::fs::read(&args.input).with_context(|| format!("cannot read {file}"))?;
    let inputs = match read_series(&file, &bytes) {
        Ok(i) => i,
        Err(problems) => {
            for p in problems.iter().take(MAX_LISTED) {
                eprintln!("{p}");
            }
            if problems.len() > MAX_LISTED {
                eprintln!("{file}: … and {} more", problems.len() - MAX_LISTED);
            }
            bail!("{file}: {} problem(s); nothing written", problems.len());
        }
    };
    let series: Vec<Series> = inputs
        .iter()
        .map(|i| {
            let m = season.unwrap_or(i.frequency.per_year() as usize);
            Series::new(i.name.clone(), i.points.iter().map(|p| p.1).collect(), m)
        })
        .collect::<Result<_, _>>()?;
    let config = Config::new(args.horizon, method);
    let results = jidi_forecast::forecast_many(&series, &config);
    let mut text = String::with_capacity(series.len() * args.horizon * 48);
    text.push_str("series,period,forecast,lo95,hi95\n");
    let mut name_field = String::new();
    for ((input, result), s) in inputs.iter().zip(results).zip(&series) {
        let f = result.with_context(|| format!("series {:?}", s.id()))?;
        if !f.diagnostics.is_empty() {
            let notes: Vec<String> = f.diagnostics.iter().map(ToString::to_string).collect();
            eprintln!(
                "forecast: series {:?}: {} ({})",
                input.name,
                notes.join("; "),
                f.model
            );
        }
        name_field.clear();
        if input.name.contains([',', '"', '\n', '\r']) {
            let _ = write!(name_field, "\"{}\"", input.name.replace('"', "\"\""));
        } else {
            name_field.push_str(&input.name);
        }
        let last = input.points.last().map_or(0, |p| p.0);
        for h in 0..args.horizon {
            let _ = writeln!(
                text,
                "{},{},{},{},{}",
                name_field,
                input.frequency.label(last + 1 + h as i64),
                number(f.point[h]),
                number(f.lower[h]),
                number(f.upper[h])
            );
        }
    }
    if args.out.as_os_str() == "-" {
        std::io::stdout().lock().write_all(text.as_bytes())?;
    } else {
        std::fs::write(&args.out, text)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        for (text, expected) in [
            ("2024-01", Some((Frequency::Monthly, 2024 * 12))),
            ("2024-12", Some((Frequency::Monthly, 2024 * 12 + 11))),
            ("2024-Q3", Some((Frequency::Quarterly, 2024 * 4 + 2))),
            ("2024-13", None),
            ("2024-Q5", None),
            ("24-01", None),
            ("2024/01", None),
        ] {
            assert_eq!(parse_period(text), expected, "{text}");
            if let Some((f, i)) = expected {
                assert_eq!(f.label(i), text);
            }
        }
    }
}
