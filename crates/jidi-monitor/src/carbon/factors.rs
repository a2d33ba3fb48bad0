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
