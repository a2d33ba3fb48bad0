//! The energy carriers that are accounted for.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An energy carrier with its own emission factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fuel {
    /// 原煤, in tonnes.
    Coal,
    /// 焦炭, in tonnes.
    Coke,
    /// 原油, in tonnes.
    CrudeOil,
    /// 燃料油, in tonnes.
    FuelOil,
    /// 汽油, in tonnes.
    Gasoline,
    /// 柴油, in tonnes.
    Diesel,
    /// 液化石油气, in tonnes.
    Lpg,
    /// 天然气, in 10⁴ m³ (万立方米).
    NaturalGas,
    /// 电力 bought from the grid, in MWh (千千瓦时; 1 万千瓦时 = 10 MWh).
    Electricity,
    /// 热力 bought, in GJ.
    Heat,
    /// Energy known only as tonnes of standard coal equivalent (tce), fuel unknown.
    Unspecified,
}

impl Fuel {
    /// Every fuel, in the order above.
    pub const ALL: [Fuel; 11] = [
        Fuel::Coal,
        Fuel::Coke,
        Fuel::CrudeOil,
        Fuel::FuelOil,
        Fuel::Gasoline,
        Fuel::Diesel,
        Fuel::Lpg,
        Fuel::NaturalGas,
        Fuel::Electricity,
        Fuel::Heat,
        Fuel::Unspecified,
    ];

    /// The snake-case code used in the factor file: `coal`, `natural_gas`, ….
    pub fn code(self) -> &'static str {
        match self {
            Fuel::Coal => "coal",
            Fuel::Coke => "coke",
            Fuel::CrudeOil => "crude_oil",
            Fuel::FuelOil => "fuel_oil",
            Fuel::Gasoline => "gasoline",
            Fuel::Diesel => "diesel",
            Fuel::Lpg => "lpg",
            Fuel::NaturalGas => "natural_gas",
            Fuel::Electricity => "electricity",
            Fuel::Heat => "heat",
            Fuel::Unspecified => "unspecified",
        }
    }

    /// Parses [`Fuel::code`].
    pub fn parse(code: &str) -> Option<Fuel> {
        Fuel::ALL.into_iter().find(|f| f.code() == code)
    }
}

impl fmt::Display for Fuel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
