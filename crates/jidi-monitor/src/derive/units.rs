//! Money units (元, 万元, 亿元) and the rounding used for presentation.
//!
//! A slip between 万元 and 亿元 is a factor of 10,000 and the commonest error in submitted
//! figures, so amounts that cross an API carry their unit ([`Money`]) and are converted here,
//! never by a literal `10000.0` elsewhere.

use serde::{Deserialize, Serialize};

/// A unit of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    /// 元, one yuan.
    Yuan,
    /// 万元, ten thousand yuan.
    WanYuan,
    /// 亿元, a hundred million yuan (10,000 万元).
    YiYuan,
}

impl MoneyUnit {
    /// Yuan in one of this unit: 1, 10⁴ or 10⁸.
    pub fn yuan(self) -> f64 {
        match self {
            MoneyUnit::Yuan => 1.0,
            MoneyUnit::WanYuan => 1e4,
            MoneyUnit::YiYuan => 1e8,
        }
    }

    /// The Chinese symbol: `元`, `万元` or `亿元`.
    pub fn symbol(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::WanYuan => "万元",
            MoneyUnit::YiYuan => "亿元",
        }
    }

    /// Parses [`MoneyUnit::symbol`] (surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<MoneyUnit> {
        match text.trim() {
            "元" => Some(MoneyUnit::Yuan),
            "万元" => Some(MoneyUnit::WanYuan),
            "亿元" => Some(MoneyUnit::YiYuan),
            _ => None,
        }
    }
}

/// `value` in `from` expressed in `to`. Exact for the powers of ten involved as far as `f64`
/// allows; a non-finite value stays non-finite.
///
/// ```
/// use jidi_monitor::derive::units::{convert, MoneyUnit};
///
/// assert_eq!(convert(3.5, MoneyUnit::YiYuan, MoneyUnit::WanYuan), 35_000.0);
/// assert_eq!(convert(35_000.0, MoneyUnit::WanYuan, MoneyUnit::YiYuan), 3.5);
/// ```
pub fn convert(value: f64, from: MoneyUnit, to: MoneyUnit) -> f64 {
    if from == to {
        return value;
    }
    let (big, small) = (from.yuan(), to.yuan());
    // Multiply or divide by an exact power of ten, so that 3.5 亿 is 35000 万 exactly.
    if big >= small {
        value * (big / small)
    } else {
        value / (small / big)
    }
}

/// 亿元 → 万元 (× 10,000).
pub fn yi_to_wan(value: f64) -> f64 {
    convert(value, MoneyUnit::YiYuan, MoneyUnit::WanYuan)
}

/// 万元 → 亿元 (÷ 10,000).
pub fn wan_to_yi(value: f64) -> f64 {
    convert(value, MoneyUnit::WanYuan, MoneyUnit::YiYuan)
}

/// An amount of money with its unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Money {
    /// The amount, in `unit`.
    pub amount: f64,
    /// Its unit.
    pub unit: MoneyUnit,
}

impl Money {
    /// An amount in 万元.
    pub fn wan(amount: f64) -> Money {
        Money {
            amount,
            unit: MoneyUnit::WanYuan,
        }
    }

    /// An amount in 亿元.
    pub fn yi(amount: f64) -> Money {
        Money {
            amount,
            unit: MoneyUnit::YiYuan,
        }
    }

    /// The amount in `unit`.
    pub fn in_unit(self, unit: MoneyUnit) -> f64 {
        convert(self.amount, self.unit, unit)
    }

    /// The amount in 万元, the denominator of every intensity (能耗 吨标准煤/万元 …).
    pub fn in_wan(self) -> f64 {
        self.in_unit(MoneyUnit::WanYuan)
    }

    /// The amount in 亿元, the unit of the monthly money indicators.
    pub fn in_yi(self) -> f64 {
        self.in_unit(MoneyUnit::YiYuan)
    }
}

/// `value` rounded to `decimals` places, halves away from zero (四舍五入, as statistical
/// releases round: 2.25 → 2.3, −2.25 → −2.3 when exactly representable). For presentation only:
/// every computation in this crate keeps exact values. Non-finite values are returned unchanged;
/// `decimals` above 15 returns the value unchanged.
///
/// ```
/// use jidi_monitor::derive::units::round_half_away;
///
/// assert_eq!(round_half_away(5.25, 1), 5.3);
/// assert_eq!(round_half_away(-5.25, 1), -5.3);
/// assert_eq!(round_half_away(12.345_67, 2), 12.35);
/// ```
pub fn round_half_away(value: f64, decimals: u32) -> f64 {
    if !value.is_finite() || decimals > 15 {
        return value;
    }
    // Round the shortest decimal spelling of the value (what a person reading the figure sees),
    // so that 1.005, stored as 1.00499999…, rounds to 1.01 as it does on paper. `Display` for
    // `f64` never uses an exponent.
    let text = format!("{}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() <= decimals as usize {
        return value;
    }
    let kept = &fraction[..decimals as usize];
    let round_up = fraction.as_bytes()[decimals as usize] >= b'5';
    let digits: f64 = format!("{whole}{kept}").parse().unwrap_or(f64::NAN);
    let scaled = if round_up { digits + 1.0 } else { digits };
    let result = scaled / 10f64.powi(decimals as i32);
    if !result.is_finite() {
        return value;
    }
    if value < 0.0 { -result } else { result }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_are_exact_for_ordinary_figures() {
        assert_eq!(yi_to_wan(1.0), 10_000.0);
        assert_eq!(wan_to_yi(12_345.0), 1.2345);
        assert_eq!(convert(2.0, MoneyUnit::YiYuan, MoneyUnit::Yuan), 2e8);
        assert_eq!(convert(5e7, MoneyUnit::Yuan, MoneyUnit::YiYuan), 0.5);
        assert_eq!(convert(7.0, MoneyUnit::WanYuan, MoneyUnit::WanYuan), 7.0);
        assert!(convert(f64::NAN, MoneyUnit::YiYuan, MoneyUnit::WanYuan).is_nan());
        assert_eq!(Money::yi(3.0).in_wan(), 30_000.0);
        assert_eq!(Money::wan(30_000.0).in_yi(), 3.0);
        for unit in [MoneyUnit::Yuan, MoneyUnit::WanYuan, MoneyUnit::YiYuan] {
            assert_eq!(MoneyUnit::parse(unit.symbol()), Some(unit));
        }
        assert_eq!(MoneyUnit::parse(" 亿元 "), Some(MoneyUnit::YiYuan));
        assert_eq!(MoneyUnit::parse("千元"), None);
    }

    #[test]
    fn rounds_halves_away_from_zero() {
        let table = [
            (2.25, 1, 2.3),
            (-2.25, 1, -2.3),
            (2.24999, 1, 2.2),
            (1.005, 2, 1.01),
            (0.05, 1, 0.1),
            (5.76, 1, 5.8),
            (4.6, 1, 4.6),
            (-0.04, 1, -0.0),
            (1234.5, 0, 1235.0),
        ];
        for (value, decimals, expected) in table {
            assert_eq!(round_half_away(value, decimals), expected, "{value}");
        }
        assert!(round_half_away(f64::NAN, 1).is_nan());
        assert_eq!(round_half_away(f64::INFINITY, 1), f64::INFINITY);
        assert_eq!(round_half_away(1.234, 20), 1.234);
        assert_eq!(round_half_away(1e300, 10), 1e300);
    }
}
