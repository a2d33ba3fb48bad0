//! Emission and standard-coal factors, with the shipped defaults of
//! `data/emission_factors.csv`.
//!
//! Each row gives, per physical unit of a fuel, the CO₂ emitted (tonnes) and the standard coal
//! equivalent (tce), and names its source. Fossil fuels are computed as net calorific value ×
//! IPCC 2006 default CO₂ factor (oxidation 1); electricity uses the national average factor
//! published by the Ministry of Ecology and Environment with the National Bureau of Statistics;
//! the file says where a value was taken from a secondary reproduction rather than read in the
//! original. [`EmissionFactors::shipped`] takes the row marked `default` for each fuel;
//! [`EmissionFactors::with`] replaces one (a provincial grid factor, the 等价值 of electricity).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::carbon::error::CarbonError;
use crate::carbon::fuel::Fuel;

/// The shipped factor file.
pub const EMISSION_FACTORS_CSV: &str = include_str!("../../data/emission_factors.csv");

/// The factors of one fuel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmissionFactor {
    /// Row code, e.g. `electricity_grid_2022`.
    pub code: String,
    /// The fuel it applies to.
    pub fuel: Fuel,
    /// Chinese name.
    pub name_zh: String,
    /// The physical unit of one quantity: `t`, `10^4 m3`, `MWh`, `GJ`, `tce`.
    pub unit: String,
    /// Tonnes of CO₂ per unit.
    pub co2_t_per_unit: f64,
    /// Tonnes of standard coal equivalent per unit.
    pub tce_per_unit: f64,
    /// Where the numbers come from.
    pub source: String,
}

impl EmissionFactor {
    fn check(&self) -> Result<(), CarbonError> {
        let bad = |problem: String| CarbonError::BadFactor {
            code: self.code.clone(),
            problem,
        };
        if !(self.co2_t_per_unit.is_finite() && self.co2_t_per_unit >= 0.0) {
            return Err(bad(format!(
                "CO2 per unit must be finite and not negative, got {}",
                self.co2_t_per_unit
            )));
        }
        if !(self.tce_per_unit.is_finite() && self.tce_per_unit > 0.0) {
            return Err(bad(format!(
                "tce per unit must be positive, got {}",
                self.tce_per_unit
            )));
        }
        Ok(())
    }
}

/// One factor per fuel.
#[derive(Clone, Debug, PartialEq)]
pub struct EmissionFactors {
    by_fuel: BTreeMap<Fuel, EmissionFactor>,
}

impl EmissionFactors {
    /// The shipped default of every fuel.
    ///
    /// ```
    /// use jidi_monitor::carbon::factors::EmissionFactors;
    /// use jidi_monitor::carbon::fuel::Fuel;
    ///
    /// let f = EmissionFactors::shipped();
    /// let grid = f.get(Fuel::Electricity).unwrap();
    /// assert_eq!((grid.code.as_str(), grid.co2_t_per_unit), ("electricity_grid_2022", 0.5366));
    /// ```
    pub fn shipped() -> EmissionFactors {
        let by_fuel = shipped_table()
            .iter()
            .filter(|(_, is_default)| *is_default)
            .map(|(row, _)| (row.fuel, row.clone()))
            .collect();
        EmissionFactors { by_fuel }
    }

    /// No factors: build a set of one's own with [`EmissionFactors::with`].
    pub fn empty() -> EmissionFactors {
        EmissionFactors {
            by_fuel: BTreeMap::new(),
        }
    }

    /// Every shipped row, defaults and alternatives (e.g. the 2021 grid factor), in file order.
    pub fn shipped_rows() -> Vec<EmissionFactor> {
        shipped_table().iter().map(|(row, _)| row.clone()).collect()
    }

    /// The shipped row with `code`.
    pub fn shipped_row(code: &str) -> Option<EmissionFactor> {
        shipped_table()
            .iter()
            .find(|(row, _)| row.code == code)
            .map(|(row, _)| row.clone())
    }

    /// These factors with `factor` replacing the one of its fuel, after checking it.
    pub fn with(mut self, factor: EmissionFactor) -> Result<EmissionFactors, CarbonError> {
        factor.check()?;
        self.by_fuel.insert(factor.fuel, factor);
        Ok(self)
    }

    /// The factor of `fuel`, if configured.
    pub fn get(&self, fuel: Fuel) -> Option<&EmissionFactor> {
        self.by_fuel.get(&fuel)
    }

    /// Every configured factor, in the order of [`Fuel::ALL`].
    pub fn all(&self) -> impl Iterator<Item = &EmissionFactor> {
        self.by_fuel.values()
    }

    /// Reads an operator's factor file with the shipped file's columns (`code, fuel, name_zh,
    /// unit, ncv_gj_per_unit, ef_t_co2_per_gj, co2_t_per_unit, tce_per_unit, default, source`;
    /// the source last, and the only field that may contain commas). Each row marked `default`
    /// `yes` replaces the shipped default of its fuel (at most one per fuel); fuels the file does
    /// not mark keep theirs; rows marked `no` are checked and otherwise ignored. Every problem is
    /// returned with its row (as a spreadsheet numbers it: the header is row 1) and column.
    ///
    /// ```
    /// use jidi_monitor::carbon::factors::EmissionFactors;
    /// use jidi_monitor::carbon::fuel::Fuel;
    ///
    /// let file = "code,fuel,name_zh,unit,ncv_gj_per_unit,ef_t_co2_per_gj,co2_t_per_unit,tce_per_unit,default,source\n\
    ///             electricity_central_2022,electricity,电力（华中）,MWh,,,0.5,0.1229,yes,a provincial factor\n";
    /// let f = EmissionFactors::from_csv(file).unwrap();
    /// assert_eq!(f.get(Fuel::Electricity).unwrap().co2_t_per_unit, 0.5);
    /// assert_eq!(f.get(Fuel::Coal), EmissionFactors::shipped().get(Fuel::Coal));
    /// let bad = EmissionFactors::from_csv(&file.replace("0.5,", "-0.5,")).unwrap_err();
    /// assert_eq!((bad[0].row, bad[0].column), (2, Some("co2_t_per_unit")));
    /// ```
    pub fn from_csv(text: &str) -> Result<EmissionFactors, Vec<FactorFileProblem>> {
        let mut problems: Vec<FactorFileProblem> = Vec::new();
        macro_rules! push {
            ($row:expr, $column:expr, $problem:expr $(,)?) => {
                problems.push(FactorFileProblem {
                    row: $row,
                    column: $column,
                    problem: $problem,
                })
            };
        }
        if text.len() > MAX_FACTOR_FILE_BYTES {
            push!(
                1,
                None,
                format!(
                    "the file has {} bytes, more than {MAX_FACTOR_FILE_BYTES}",
                    text.len()
                ),
            );
            return Err(problems);
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.contains('\0') {
            push!(1, None, "the file contains a NUL character".into());
            return Err(problems);
        }
        let mut lines = text.lines();
        let header: Vec<&str> = lines
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .split(',')
            .map(str::trim)
            .collect();
        if header != FACTOR_COLUMNS {
            push!(
                1,
                None,
                format!(
                    "the header must be `{}`, got `{}`",
                    FACTOR_COLUMNS.join(","),
                    header.join(",")
                ),
            );
            return Err(problems);
        }
        let mut factors = EmissionFactors::shipped();
        let mut marked: BTreeMap<Fuel, usize> = BTreeMap::new();
        let mut rows = 0;
        for (i, line) in lines.enumerate() {
            let row = i + 2;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            rows += 1;
            if rows > MAX_FACTOR_ROWS {
                push!(row, None, format!("more than {MAX_FACTOR_ROWS} rows"));
                break;
            }
            let fields: Vec<&str> = line.splitn(10, ',').map(str::trim).collect();
            if fields.len() != 10 {
                push!(row, None, format!("{} fields, expected 10", fields.len()),);
                continue;
            }
            let before = problems.len();
            let code = fields[0];
            if code.is_empty()
                || code.len() > 64
                || !code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                push!(
                    row,
                    Some("code"),
                    format!(
                        "`{}` is not a code of 1-64 characters a-z, 0-9 and _",
                        clip(code)
                    ),
                );
            }
            let fuel = Fuel::parse(fields[1]);
            if fuel.is_none() {
                push!(
                    row,
                    Some("fuel"),
                    format!(
                        "`{}` is not a fuel (one of {})",
                        clip(fields[1]),
                        Fuel::ALL.map(Fuel::code).join(", ")
                    ),
                );
            }
            for (k, column) in [(2, "name_zh"), (3, "unit"), (9, "source")] {
                let limit = if k == 9 { 2000 } else { 200 };
                if fields[k].chars().count() > limit || fields[k].chars().any(char::is_control) {
                    push!(
                        row,
                        Some(column),
                        format!("at most {limit} characters without control characters"),
                    );
                }
            }
            let mut number = |k: usize, column: &'static str| -> Option<f64> {
                if fields[k].is_empty() {
                    return None;
                }
                match fields[k].parse::<f64>() {
                    Ok(v) if (0.0..=1e6).contains(&v) => Some(v),
                    _ => {
                        push!(
                            row,
                            Some(column),
                            format!("`{}` is not a number from 0 to 1,000,000", clip(fields[k])),
                        );
                        None
                    }
                }
            };
            let ncv = number(4, "ncv_gj_per_unit");
            let ef = number(5, "ef_t_co2_per_gj");
            let co2 = number(6, "co2_t_per_unit");
            let tce = number(7, "tce_per_unit");
            if fields[6].is_empty() {
                push!(row, Some("co2_t_per_unit"), "no CO2 per unit".into());
            }
            match tce {
                Some(t) if t > 0.0 => {}
                Some(_) => push!(row, Some("tce_per_unit"), "must be positive".into()),
                None if fields[7].is_empty() => {
                    push!(row, Some("tce_per_unit"), "no tce per unit".into())
                }
                None => {}
            }
            if let (Some(n), Some(e), Some(c)) = (ncv, ef, co2)
                && (n * e - c).abs() > 1e-6 * c.max(1.0)
            {
                push!(
                    row,
                    Some("co2_t_per_unit"),
                    format!("{c} is not ncv_gj_per_unit × ef_t_co2_per_gj = {}", n * e),
                );
            }
            let is_default = match fields[8] {
                "yes" => true,
                "no" => false,
                other => {
                    push!(
                        row,
                        Some("default"),
                        format!("`{}` is not yes or no", clip(other)),
                    );
                    false
                }
            };
            if let Some(fuel) = fuel
                && is_default
            {
                if let Some(first) = marked.get(&fuel) {
                    push!(
                        row,
                        Some("default"),
                        format!("{fuel} is already marked default in row {first}"),
                    );
                } else {
                    marked.insert(fuel, row);
                }
            }
            if problems.len() > before || !is_default {
                continue;
            }
            let (Some(fuel), Some(co2), Some(tce)) = (fuel, co2, tce) else {
                continue;
            };
            let factor = EmissionFactor {
                code: code.into(),
                fuel,
                name_zh: fields[2].into(),
                unit: fields[3].into(),
                co2_t_per_unit: co2,
                tce_per_unit: tce,
                source: fields[9].into(),
            };
            factors = match factors.with(factor) {
                Ok(f) => f,
                Err(e) => {
                    push!(row, None, e.to_string());
                    return Err(problems);
                }
            };
        }
        if problems.is_empty() && marked.is_empty() {
            push!(
                1,
                Some("default"),
                "no row is marked default: the file would change nothing".into()
            );
        }
        if problems.is_empty() {
            Ok(factors)
        } else {
            Err(problems)
        }
    }
}

/// The columns of a factor file, in order.
pub const FACTOR_COLUMNS: [&str; 10] = [
    "code",
    "fuel",
    "name_zh",
    "unit",
    "ncv_gj_per_unit",
    "ef_t_co2_per_gj",
    "co2_t_per_unit",
    "tce_per_unit",
    "default",
    "source",
];

/// The largest factor file read, in bytes.
pub const MAX_FACTOR_FILE_BYTES: usize = 1 << 20;

/// The most rows a factor file may have.
pub const MAX_FACTOR_ROWS: usize = 1_000;

/// A problem of an operator's factor file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactorFileProblem {
    /// Row as a spreadsheet numbers it (the header is row 1).
    pub row: usize,
    /// The column, when the problem is one field's.
    pub column: Option<&'static str>,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for FactorFileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "row {}, column {c}: {}", self.row, self.problem),
            None => write!(f, "row {}: {}", self.row, self.problem),
        }
    }
}

/// At most 40 characters of a hostile field, for messages.
fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

fn shipped_table() -> &'static [(EmissionFactor, bool)] {
    static TABLE: OnceLock<Vec<(EmissionFactor, bool)>> = OnceLock::new();
    TABLE.get_or_init(|| parse(EMISSION_FACTORS_CSV).expect("the shipped factor file parses"))
}

/// Parses the factor file. The source is the last column and may contain commas; no other
/// field may. When a row gives a calorific value and a CO₂ factor per GJ, its CO₂ per unit must
/// equal their product.
fn parse(text: &str) -> Result<Vec<(EmissionFactor, bool)>, CarbonError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |problem: String| CarbonError::BadFactor {
            code: format!("line {}", i + 1),
            problem,
        };
        let fields: Vec<&str> = line.splitn(10, ',').collect();
        if fields.len() != 10 {
            return Err(bad(format!("{} fields, expected 10", fields.len())));
        }
        let number = |text: &str, what: &str| -> Result<Option<f64>, CarbonError> {
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<f64>()
                .map(Some)
                .map_err(|_| bad(format!("{what} `{text}` is not a number")))
        };
        let fuel = Fuel::parse(fields[1]).ok_or_else(|| bad(format!("fuel `{}`", fields[1])))?;
        let ncv = number(fields[4], "calorific value")?;
        let ef = number(fields[5], "factor per GJ")?;
        let co2 =
            number(fields[6], "CO2 per unit")?.ok_or_else(|| bad("no CO2 per unit".into()))?;
        let tce =
            number(fields[7], "tce per unit")?.ok_or_else(|| bad("no tce per unit".into()))?;
        if let (Some(ncv), Some(ef)) = (ncv, ef)
            && (ncv * ef - co2).abs() > 1e-6
        {
            return Err(bad(format!("CO2 per unit {co2} is not {ncv} × {ef}")));
        }
        let is_default = match fields[8] {
            "yes" => true,
            "no" => false,
            other => return Err(bad(format!("default `{other}` is not yes or no"))),
        };
        let row = EmissionFactor {
            code: fields[0].into(),
            fuel,
            name_zh: fields[2].into(),
            unit: fields[3].into(),
            co2_t_per_unit: co2,
            tce_per_unit: tce,
            source: fields[9].into(),
        };
        row.check()?;
        out.push((row, is_default));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_has_one_default_per_fuel_and_names_every_source() {
        let rows = shipped_table();
        for fuel in Fuel::ALL {
            let defaults = rows.iter().filter(|(r, d)| *d && r.fuel == fuel).count();
            assert_eq!(defaults, 1, "{fuel}");
        }
        assert!(rows.iter().all(|(r, _)| r.source.len() > 40));
        let factors = EmissionFactors::shipped();
        // IPCC 2006 natural gas 56.1 t/TJ × 389.31 GJ per 10⁴ m³.
        let gas = factors.get(Fuel::NaturalGas).unwrap();
        assert!((gas.co2_t_per_unit - 21.840291).abs() < 1e-9);
        assert_eq!(gas.tce_per_unit, 13.3);
        let coal = factors.get(Fuel::Coal).unwrap();
        assert!((coal.co2_t_per_unit - 1.9778968).abs() < 1e-9);
        assert_eq!(
            EmissionFactors::shipped_row("electricity_grid_2021").map(|r| r.co2_t_per_unit),
            Some(0.5568)
        );
        assert_eq!(EmissionFactors::shipped_rows().len(), rows.len());
    }

    #[test]
    fn replacing_and_refusing_factors() {
        let mut provincial = EmissionFactors::shipped_row("electricity_grid_2022").unwrap();
        provincial.code = "electricity_hebei_2022".into();
        provincial.co2_t_per_unit = 0.7252;
        let factors = EmissionFactors::shipped().with(provincial).unwrap();
        assert_eq!(
            factors.get(Fuel::Electricity).unwrap().co2_t_per_unit,
            0.7252
        );
        let mut broken = EmissionFactors::shipped_row("heat").unwrap();
        broken.tce_per_unit = 0.0;
        assert!(matches!(
            EmissionFactors::empty().with(broken),
            Err(CarbonError::BadFactor { .. })
        ));
        assert_eq!(EmissionFactors::empty().get(Fuel::Coal), None);
    }

    #[test]
    fn an_operators_file_replaces_the_fuels_it_marks_and_names_every_problem() {
        let header = FACTOR_COLUMNS.join(",");
        let good = format!(
            "\u{feff}{header}\r\nelectricity_hubei_2022,electricity,电力（湖北）,MWh,,,0.4,0.1229,yes,province, 2022\r\nheat_x,heat,热力,GJ,,,0.2,0.03412,no,an alternative\r\n"
        );
        let f = EmissionFactors::from_csv(&good).unwrap();
        let grid = f.get(Fuel::Electricity).unwrap();
        assert_eq!(
            (grid.code.as_str(), grid.co2_t_per_unit),
            ("electricity_hubei_2022", 0.4)
        );
        assert_eq!(grid.source, "province, 2022");
        assert_eq!(
            f.get(Fuel::Heat),
            EmissionFactors::shipped().get(Fuel::Heat)
        );
        assert_eq!(f.all().count(), Fuel::ALL.len());

        let bad = format!(
            "{header}\n\
             x,peat,泥炭,t,,,1,0.5,yes,s\n\
             coal_a,coal,煤,t,20,0.1,3.0,0.7,yes,s\n\
             coal_b,coal,煤,t,,,1.9,-1,maybe,s\n\
             heat_a,heat,热,GJ,,,abc,0.03,yes,s\n\
             heat_b,heat,热,GJ,,,0.1,0.03,yes,s\n\
             too,few\n"
        );
        let problems = EmissionFactors::from_csv(&bad).unwrap_err();
        let at: Vec<(usize, Option<&str>)> = problems.iter().map(|p| (p.row, p.column)).collect();
        assert_eq!(
            at,
            [
                (2, Some("fuel")),
                (3, Some("co2_t_per_unit")),
                (4, Some("tce_per_unit")),
                (4, Some("default")),
                (5, Some("co2_t_per_unit")),
                (6, Some("default")),
                (7, None),
            ],
            "{problems:?}"
        );
        assert!(
            problems[5].to_string().contains("row 6, column default"),
            "{}",
            problems[5]
        );
        assert_eq!(
            EmissionFactors::from_csv("code,fuel\n").unwrap_err()[0].row,
            1
        );
        assert_eq!(
            EmissionFactors::from_csv(&format!("{header}\n")).unwrap_err()[0].column,
            Some("default")
        );
        assert!(EmissionFactors::from_csv(&"x".repeat(MAX_FACTOR_FILE_BYTES + 1)).is_err());
    }

    #[test]
    fn the_parser_refuses_inconsistent_rows() {
        let header = "code,fuel,name_zh,unit,ncv,ef,co2,tce,default,source\n";
        let cases = [
            "x,coal,煤,t,20,0.1,3.0,0.7,yes,src",
            "x,peat,煤,t,,,1,0.7,yes,src",
            "x,coal,煤,t,,,abc,0.7,yes,src",
            "x,coal,煤,t,,,1,0.7,maybe,src",
            "x,coal,煤,t,,,1",
            "x,coal,煤,t,,,-1,0.7,yes,src",
        ];
        for case in cases {
            assert!(parse(&format!("{header}{case}\n")).is_err(), "{case}");
        }
        let ok = parse(&format!(
            "{header}x,coal,煤,t,20,0.1,2.0,0.7,yes,a, with commas\n"
        ))
        .unwrap();
        assert_eq!(ok[0].0.source, "a, with commas");
    }
}
