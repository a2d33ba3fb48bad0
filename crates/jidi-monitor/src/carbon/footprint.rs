//! Energy use → standard coal and CO₂, and intensities per 万元 of value added.

use serde::{Deserialize, Serialize};

use crate::carbon::error::CarbonError;
use crate::carbon::factors::EmissionFactors;
use crate::carbon::fuel::Fuel;
use crate::derive::aggregate::ratio;
use crate::derive::growth::Undefined;
use crate::derive::units::Money;

/// How a quantity of energy is stated.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "basis", content = "amount", rename_all = "snake_case")]
pub enum Quantity {
    /// In the fuel's physical unit (see [`Fuel`]).
    Physical(f64),
    /// In tonnes of standard coal equivalent, converted back with the fuel's tce factor.
    Tce(f64),
}

/// A quantity of one fuel used.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnergyUse {
    /// The fuel.
    pub fuel: Fuel,
    /// How much.
    pub quantity: Quantity,
}

/// One fuel's line of a footprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FuelLine {
    /// The fuel.
    pub fuel: Fuel,
    /// The code of the factor used.
    pub factor: String,
    /// Quantity in the physical unit.
    pub physical: f64,
    /// Standard coal equivalent, tce.
    pub tce: f64,
    /// CO₂, tonnes.
    pub co2_t: f64,
}

/// Energy and CO₂ of a list of energy uses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    /// One line per use, in input order.
    pub lines: Vec<FuelLine>,
    /// Total energy, tce.
    pub energy_tce: f64,
    /// Total CO₂, tonnes.
    pub co2_t: f64,
}

/// Converts energy uses to standard coal and CO₂ with `factors`.
///
/// Scope: direct combustion of the listed fuels plus purchased electricity and heat (scope 1
/// energy and scope 2); process emissions (cement clinker, steel) are not included. A fuel used
/// as feedstock should not be listed.
///
/// ```
/// use jidi_monitor::carbon::factors::EmissionFactors;
/// use jidi_monitor::carbon::footprint::{footprint, EnergyUse, Quantity};
/// use jidi_monitor::carbon::fuel::Fuel;
///
/// // 1,000 MWh of grid electricity (2022 national factor 0.5366 t/MWh) and 100 t of coal
/// // (20.908 GJ/t × 0.0946 t/GJ = 1.9778968 t/t).
/// let uses = [EnergyUse { fuel: Fuel::Electricity, quantity: Quantity::Physical(1000.0) },
///             EnergyUse { fuel: Fuel::Coal, quantity: Quantity::Physical(100.0) }];
/// let f = footprint(&uses, &EmissionFactors::shipped())?;
/// assert!((f.co2_t - (536.6 + 197.78968)).abs() < 1e-9);
/// assert!((f.energy_tce - (122.9 + 71.43)).abs() < 1e-9);
/// # Ok::<(), jidi_monitor::carbon::error::CarbonError>(())
/// ```
pub fn footprint(uses: &[EnergyUse], factors: &EmissionFactors) -> Result<Footprint, CarbonError> {
    let mut lines = Vec::with_capacity(uses.len());
    for energy in uses {
        let amount = match energy.quantity {
            Quantity::Physical(v) | Quantity::Tce(v) => v,
        };
        if !(amount.is_finite() && amount >= 0.0) {
            return Err(CarbonError::BadQuantity {
                fuel: energy.fuel,
                value: amount,
            });
        }
        let factor = factors
            .get(energy.fuel)
            .ok_or(CarbonError::MissingFactor { fuel: energy.fuel })?;
        let physical = match energy.quantity {
            Quantity::Physical(v) => v,
            Quantity::Tce(v) => v / factor.tce_per_unit,
        };
        lines.push(FuelLine {
            fuel: energy.fuel,
            factor: factor.code.clone(),
            physical,
            tce: physical * factor.tce_per_unit,
            co2_t: physical * factor.co2_t_per_unit,
        });
    }
    Ok(Footprint {
        energy_tce: lines.iter().map(|l| l.tce).sum(),
        co2_t: lines.iter().map(|l| l.co2_t).sum(),
        lines,
    })
}

/// `quantity` per 万元 of `value_added` (converted from its unit, so a 亿元 figure cannot be
/// taken for 万元): energy in tce/万元, CO₂ in t/万元, water in m³/万元.
pub fn per_wan_yuan(quantity: f64, value_added: Money) -> Result<f64, Undefined> {
    if !(quantity.is_finite() && quantity >= 0.0) {
        return Err(Undefined::Missing);
    }
    ratio(quantity, value_added.in_wan(), 1.0)
}

/// The intensities of a base over a period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Intensities {
    /// Energy, tce per 万元 of value added (单位工业增加值能耗).
    pub energy: Result<f64, Undefined>,
    /// CO₂, tonnes per 万元 (单位工业增加值二氧化碳排放).
    pub carbon: Result<f64, Undefined>,
    /// Water, m³ per 万元 (单位工业增加值用水量); `Err(Missing)` when no water figure is given.
    pub water: Result<f64, Undefined>,
}

/// Energy, carbon and water intensities of a footprint and a water use over the same value
/// added.
///
/// ```
/// use jidi_monitor::carbon::footprint::{intensities, Footprint};
/// use jidi_monitor::derive::units::Money;
///
/// let f = Footprint { lines: vec![], energy_tce: 3300.0, co2_t: 8000.0 };
/// let i = intensities(&f, Some(24_300.0), Money::yi(1.0)); // 1 亿元 = 10,000 万元
/// assert_eq!((i.energy, i.carbon, i.water), (Ok(0.33), Ok(0.8), Ok(2.43)));
/// ```
pub fn intensities(
    footprint: &Footprint,
    water_m3: Option<f64>,
    value_added: Money,
) -> Intensities {
    Intensities {
        energy: per_wan_yuan(footprint.energy_tce, value_added),
        carbon: per_wan_yuan(footprint.co2_t, value_added),
        water: water_m3.map_or(Err(Undefined::Missing), |w| per_wan_yuan(w, value_added)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tce_quantities_convert_back_to_physical() {
        // 133 tce of natural gas = 10 × 10⁴ m³ → 218.40291 t CO₂.
        let uses = [EnergyUse {
            fuel: Fuel::NaturalGas,
            quantity: Quantity::Tce(133.0),
        }];
        let f = footprint(&uses, &EmissionFactors::shipped()).unwrap();
        assert!((f.lines[0].physical - 10.0).abs() < 1e-12);
        assert!((f.co2_t - 218.40291).abs() < 1e-9);
        assert!((f.energy_tce - 133.0).abs() < 1e-12);
        assert_eq!(f.lines[0].factor, "natural_gas");
        // Energy known only in tce is counted as coal: 29.3076 GJ × 0.0946.
        let unknown = [EnergyUse {
            fuel: Fuel::Unspecified,
            quantity: Quantity::Tce(10.0),
        }];
        let f = footprint(&unknown, &EmissionFactors::shipped()).unwrap();
        assert!((f.co2_t - 27.7249896).abs() < 1e-9);
    }

    #[test]
    fn hostile_inputs_are_refused() {
        let factors = EmissionFactors::shipped();
        for value in [-1.0, f64::NAN, f64::INFINITY] {
            let uses = [EnergyUse {
                fuel: Fuel::Heat,
                quantity: Quantity::Physical(value),
            }];
            assert!(matches!(
                footprint(&uses, &factors),
                Err(CarbonError::BadQuantity {
                    fuel: Fuel::Heat,
                    ..
                })
            ));
        }
        let uses = [EnergyUse {
            fuel: Fuel::Coke,
            quantity: Quantity::Physical(1.0),
        }];
        assert_eq!(
            footprint(&uses, &EmissionFactors::empty()),
            Err(CarbonError::MissingFactor { fuel: Fuel::Coke })
        );
        let empty = footprint(&[], &factors).unwrap();
        assert_eq!((empty.energy_tce, empty.co2_t), (0.0, 0.0));
    }

    #[test]
    fn intensities_convert_the_denominator() {
        assert_eq!(per_wan_yuan(50.0, Money::wan(100.0)), Ok(0.5));
        assert_eq!(per_wan_yuan(50.0, Money::yi(0.01)), Ok(0.5));
        assert_eq!(
            per_wan_yuan(50.0, Money::wan(0.0)),
            Err(Undefined::ZeroBase)
        );
        assert_eq!(
            per_wan_yuan(f64::NAN, Money::wan(1.0)),
            Err(Undefined::Missing)
        );
        assert_eq!(per_wan_yuan(-1.0, Money::wan(1.0)), Err(Undefined::Missing));
        let f = Footprint {
            lines: Vec::new(),
            energy_tce: 1.0,
            co2_t: 2.0,
        };
        let i = intensities(&f, None, Money::wan(4.0));
        assert_eq!(
            (i.energy, i.carbon, i.water),
            (Ok(0.25), Ok(0.5), Err(Undefined::Missing))
        );
    }
}
