//! The catalogue's monthly energy indicators by fuel and the factor each is converted with.
//!
//! Each is a 1–N月 cumulative flow in its own unit; their standard coal adds up to `m_energy`
//! (规上工业综合能源消费量, 万吨标准煤) when every fuel a base uses is reported.

use crate::carbon::fuel::Fuel;

/// A monthly indicator that reports one fuel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FuelIndicator {
    /// Catalogue code, e.g. `m_coal`.
    pub code: &'static str,
    /// The fuel whose factor converts it.
    pub fuel: Fuel,
    /// Units of the factor file's unit in one unit of the indicator (`m_elec` is in 万千瓦时,
    /// the factor per MWh: 1 万千瓦时 = 10 MWh; the others are in the factor's unit).
    pub factor_units: f64,
}

/// Coal (t), oil (t, counted as fuel oil 燃料油), natural gas (万立方米 = 10⁴ m³), electricity
/// (万千瓦时) and heat (GJ), in this order everywhere.
pub const FUEL_INDICATORS: [FuelIndicator; 5] = [
    FuelIndicator {
        code: "m_coal",
        fuel: Fuel::Coal,
        factor_units: 1.0,
    },
    FuelIndicator {
        code: "m_oil",
        fuel: Fuel::FuelOil,
        factor_units: 1.0,
    },
    FuelIndicator {
        code: "m_gas",
        fuel: Fuel::NaturalGas,
        factor_units: 1.0,
    },
    FuelIndicator {
        code: "m_elec",
        fuel: Fuel::Electricity,
        factor_units: 10.0,
    },
    FuelIndicator {
        code: "m_heat",
        fuel: Fuel::Heat,
        factor_units: 1.0,
    },
];

/// The fuel indicator with `code`.
pub fn fuel_indicator(code: &str) -> Option<&'static FuelIndicator> {
    FUEL_INDICATORS.iter().find(|f| f.code == code)
}
