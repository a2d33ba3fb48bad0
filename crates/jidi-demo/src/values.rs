//! Indicator values: annual values from 2018 calibrated to the published magnitudes, and monthly
//! series derived from them with seasonality, as reported (1–N月 cumulative where the catalogue
//! says so).

use std::collections::HashMap;

use chrono::Datelike;
use jidi_domain::bulk::{AnnualSeries, IncidentDraft, MonthlySeries};
use jidi_domain::catalogue::{self, Frequency};
use jidi_domain::incident::IncidentKind;
use jidi_domain::roll::{Series, Status, Tier};

use crate::calibration::*;
use crate::config::{DemoConfig, date};
use crate::real::real_bases;
use crate::rng::Rng;
use crate::roll::DemoBase;

/// Indicators generated for provincial bases and cultivating clusters (national bases get all).
const CORE_INDICATORS: [&str; 12] = [
    "rev_main",
    "va_ind",
    "va_growth",
    "lead_ind_share",
    "ent_above_scale",
    "profit_margin",
    "profit_total",
    "tax_per_mu",
    "rd_intensity",
    "patents",
    "energy_int",
    "labour_prod",
];

pub(crate) fn generate_annual(
    config: &DemoConfig,
    bases: &mut [DemoBase],
    incidents: &[IncidentDraft],
) -> Vec<(&'static str, AnnualSeries)> {
    let annual_codes: Vec<&'static str> = catalogue::reference_catalogue()
        .iter()
        .filter(|i| i.frequency == Frequency::Annual)
        .map(|i| i.code.as_str())
        .collect();
    let mut out: Vec<(&'static str, AnnualSeries)> =
        annual_codes.iter().map(|c| (*c, Vec::new())).collect();
    let position: HashMap<&str, usize> = annual_codes
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i))
        .collect();
    let mut accidents: HashMap<(usize, i32), f64> = HashMap::new();
    for inc in incidents {
        if matches!(
            inc.kind,
            IncidentKind::SafetyMajor | IncidentKind::SafetySerious
        ) {
            *accidents.entry((inc.base, inc.on.year())).or_insert(0.0) += 1.0;
        }
    }
    let trillion: Vec<String> = real_bases()
        .into_iter()
        .filter(|r| r.trillion)
        .map(|r| r.name)
        .collect();
    for (i, base) in bases.iter().enumerate() {
        let mut rng = Rng::new(config.seed, 1000 + i as u64);
        let d = &base.draft;
        let q = base.quality;
        let sub = d.subcategory_code.as_deref().unwrap_or("");
        let [
            margin0,
            rd0,
            energy0,
            va_rate0,
            prod0,
            water0,
            export0,
            rev_mu0,
        ] = economics(sub);
        let size_z = 0.5 * q + 0.85 * rng.normal();
        let category_scale = match d.category_code.as_str() {
            "information" => 1.35,
            "materials" => 1.15,
            "equipment" => 1.0,
            "consumer" => 0.7,
            _ => 0.6,
        };
        let median = match d.tier {
            Tier::National | Tier::Excellence => 480.0,
            Tier::Provincial => 130.0,
            Tier::Cultivating => 45.0,
        };
        let mut revenue = median * category_scale * (0.8 * size_z).exp();
        if trillion.contains(&d.name) {
            // Sources report revenue above 1万亿 in 2020.
            revenue = 10_400.0 / ((1.0 + macro_growth(2019)) * (1.0 + macro_growth(2020)));
        }
        let all = d.tier.is_national() || d.status != Status::Current;
        let is_materials = d.category_code == "materials";
        let lead_share = match d.series {
            Some(Series::Specialty) => 72.0 + 20.0 * rng.uniform(),
            _ => 52.0 + 30.0 * rng.uniform(),
        };
        let land_mu = revenue * 1e4 / (rev_mu0 * (0.3 * q + 0.2 * rng.normal()).exp());
        let mut energy_int = energy0 * (-0.2 * q + 0.15 * rng.normal()).exp();
        let water_int = water0 * (-0.15 * q + 0.2 * rng.normal()).exp();
        let mut prev: Option<(f64, f64, f64)> = None; // revenue, va, energy intensity
        let withdrawn_year = match &d.status {
            Status::Withdrawn { on, .. } => Some(on.year()),
            Status::Current => None,
        };
        let firm_base = 180.0 * (revenue / 900.0).powf(0.6) * (0.15 * rng.normal()).exp();
        for year in config.first_year..=config.last_year() {
            if withdrawn_year.is_some_and(|w| year > w) {
                break;
            }
            if let Some((prev_rev, ..)) = prev {
                let cyc = if is_materials { 1.4 } else { 1.0 };
                let g = macro_growth(year) * cyc + 0.018 * q + 0.045 * rng.normal();
                revenue = prev_rev * (1.0 + g.max(-0.25));
            }
            let t = (year - config.first_year) as f64;
            let shock = if is_materials {
                materials_margin_shock(year)
            } else {
                0.0
            };
            let margin = (margin0 + 1.3 * q + shock + 0.8 * rng.normal()).max(-4.0);
            let va_rate = (va_rate0 + 2.0 * q + 1.0 * rng.normal()).clamp(8.0, 60.0);
            let output = revenue * (0.98 + 0.02 * rng.normal());
            let va = output * va_rate / 100.0;
            let productivity = prod0 * (0.22 * q + 0.08 * rng.normal()).exp() * (1.04f64).powf(t);
            let firms = (firm_base * (1.0 + 0.03 * t) * (0.05 * rng.normal()).exp())
                .round()
                .max(8.0);
            let tax = revenue * (0.035 + 0.005 * rng.normal()).max(0.01);
            let rd = (rd0 * (0.32 * q + 0.1 * rng.normal()).exp() * (1.0 + 0.02 * t)).max(0.1);
            energy_int *= 1.0 - (0.035 + 0.01 * q + 0.015 * rng.normal());
            let exports = revenue * (export0 / 100.0) * (0.3 * rng.normal()).exp();
            let positive = |x: f64| x.max(0.0);
            let va_growth = match prev {
                Some((_, prev_va, _)) => (va / prev_va - 1.0) * 100.0 - 1.5,
                None => (macro_growth(year) + 0.018 * q) * 100.0 - 1.5,
            };
            let energy_decline = match prev {
                Some((.., prev_e)) => (1.0 - energy_int / prev_e) * 100.0,
                None => 3.5 + 1.0 * q,
            };
            let values: [(&str, f64); 46] = [
                ("rev_main", revenue),
                ("output_gross", output),
                ("va_ind", va),
                ("va_growth", va_growth),
                (
                    "lead_ind_share",
                    (lead_share + 1.5 * rng.normal()).clamp(45.0, 99.0),
                ),
                ("ent_above_scale", firms),
                (
                    "ent_listed",
                    (firms * 0.05 * (0.4 * q + 0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "ent_champion",
                    (firms * 0.04 * (0.5 * q + 0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "ent_large",
                    (revenue / 150.0 * (0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "va_city_share",
                    (12.0 * (0.5 * size_z + 0.2 * rng.normal()).exp()).clamp(1.0, 70.0),
                ),
                ("profit_total", revenue * margin / 100.0),
                ("profit_margin", margin),
                ("labour_prod", productivity),
                ("tax_per_mu", tax * 1e4 / land_mu),
                ("rev_per_mu", revenue * 1e4 / land_mu),
                ("va_per_mu", va * 1e4 / land_mu),
                ("va_rate", va_rate),
                (
                    "rev_net_increase",
                    prev.map_or(revenue * 0.06, |(r, ..)| revenue - r),
                ),
                ("tax_total", tax),
                (
                    "invest_density",
                    380.0 * (0.2 * q + 0.2 * rng.normal()).exp(),
                ),
                ("rd_intensity", rd),
                (
                    "rd_staff_share",
                    (4.0 * rd / rd0.max(0.5) * (0.15 * rng.normal()).exp()).clamp(0.5, 40.0),
                ),
                (
                    "rd_inst",
                    (firms * 0.07 * (0.4 * q + 0.3 * rng.normal()).exp()).round(),
                ),
                (
                    "hitech_ent",
                    (firms * 0.35 * (0.3 * q + 0.2 * rng.normal()).exp()).round(),
                ),
                (
                    "patents",
                    (revenue * 1.1 * rd / rd0.max(0.5) * (0.3 * q + 0.25 * rng.normal()).exp())
                        .round(),
                ),
                (
                    "incubators",
                    positive((2.0 + 1.5 * q + 1.5 * rng.normal()).round()),
                ),
                (
                    "new_product_share",
                    (22.0 + 6.0 * q + 4.0 * rng.normal()).clamp(3.0, 80.0),
                ),
                ("energy_int", energy_int),
                ("energy_int_decline", energy_decline),
                (
                    "water_int",
                    water_int * (0.1 * rng.normal()).exp() * (0.97f64).powf(t),
                ),
                (
                    "solid_waste_util",
                    (78.0 + 7.0 * q + 5.0 * rng.normal()).clamp(30.0, 99.5),
                ),
                ("va_per_energy", 1.0 / energy_int),
                (
                    "va_per_emission",
                    3000.0 * (0.3 * q + 0.3 * rng.normal()).exp(),
                ),
                (
                    "safety_accidents",
                    accidents.get(&(i, year)).copied().unwrap_or(0.0),
                ),
                (
                    "green_factory",
                    (firms * 0.025 * (0.4 * q).exp() * (1.0 + 0.15 * t)).round(),
                ),
                (
                    "nc_rate",
                    (58.0 + 9.0 * q + 4.0 * rng.normal() + 1.2 * t).clamp(20.0, 98.0),
                ),
                (
                    "digital_rd_rate",
                    (70.0 + 6.0 * q + 4.0 * rng.normal() + 1.0 * t).clamp(30.0, 99.0),
                ),
                (
                    "mfg_service_share",
                    (85.0 + 3.0 * q + 3.0 * rng.normal()).clamp(50.0, 99.0),
                ),
                (
                    "large_small_collab",
                    (38.0 + 7.0 * q + 5.0 * rng.normal()).clamp(5.0, 90.0),
                ),
                (
                    "public_platforms",
                    positive((6.0 + 2.5 * q + 2.0 * rng.normal()).round()),
                ),
                (
                    "fai_total",
                    revenue * (0.12 + 0.03 * rng.normal()).max(0.02),
                ),
                (
                    "admin_efficiency",
                    (82.0 + 4.0 * q + 3.0 * rng.normal()).clamp(55.0, 100.0),
                ),
                ("import_export", exports * 1.6),
                (
                    "fdi_actual",
                    revenue * 0.004 * (0.2 * q + 0.5 * rng.normal()).exp(),
                ),
                (
                    "hitech_trade",
                    exports * 1.6 * (0.3 + 0.15 * q).clamp(0.05, 0.9),
                ),
                ("export_share", exports / revenue * 100.0),
            ];
            for (code, value) in values {
                if !all && !CORE_INDICATORS.contains(&code) {
                    continue;
                }
                if d.category_code != "equipment"
                    && d.category_code != "materials"
                    && d.category_code != "consumer"
                    && code == "nc_rate"
                {
                    continue;
                }
                // About one value in a hundred is not reported (and exercises imputation).
                if code != "rev_main" && code != "safety_accidents" && rng.uniform() < 0.01 {
                    continue;
                }
                let rounded = round_sig(value, 6);
                out[position[code]].1.push((i, year, rounded));
            }
            prev = Some((revenue, va, energy_int));
        }
    }
    out
}

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Monthly shares of annual output (January … December), with the Spring Festival dip and the
/// December push.
const SEASON: [f64; 12] = [
    0.066, 0.060, 0.085, 0.080, 0.083, 0.090, 0.080, 0.082, 0.087, 0.083, 0.088, 0.116,
];

pub(crate) fn generate_monthly(
    config: &DemoConfig,
    bases: &[DemoBase],
    annual: &[(&'static str, AnnualSeries)],
) -> Vec<(&'static str, MonthlySeries)> {
    let codes: Vec<&'static str> = catalogue::reference_catalogue()
        .iter()
        .filter(|i| i.frequency == Frequency::Monthly)
        .map(|i| i.code.as_str())
        .collect();
    let cumulative: HashMap<&str, bool> = catalogue::reference_catalogue()
        .iter()
        .map(|i| (i.code.as_str(), i.cumulative))
        .collect();
    let mut out: Vec<(&'static str, MonthlySeries)> =
        codes.iter().map(|c| (*c, Vec::new())).collect();
    let position: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut annual_lookup: HashMap<(&str, usize, i32), f64> = HashMap::new();
    for (code, series) in annual {
        if matches!(
            *code,
            "rev_main"
                | "profit_margin"
                | "ent_above_scale"
                | "energy_int"
                | "va_ind"
                | "export_share"
        ) {
            for &(b, y, v) in series {
                annual_lookup.insert((code, b, y), v);
            }
        }
    }
    // The last full month before today, and the months before it.
    let mut y = config.today.year();
    let mut m = config.today.month() as i32 - 1;
    if m == 0 {
        y -= 1;
        m = 12;
    }
    let mut periods: Vec<(i32, u32)> = Vec::with_capacity(config.months);
    for _ in 0..config.months {
        periods.push((y, m as u32));
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
    }
    periods.reverse();
    let last_year = config.last_year();
    for (i, base) in bases.iter().enumerate() {
        let d = &base.draft;
        if !(d.tier.is_national() || d.status != Status::Current) {
            continue;
        }
        let mut rng = Rng::new(config.seed, 500_000 + i as u64);
        let q = base.quality;
        let lookup = |code: &str, year: i32| -> Option<f64> {
            let y = year.min(last_year);
            annual_lookup.get(&(code, i, y)).copied().or_else(|| {
                (config.first_year..=last_year)
                    .rev()
                    .find_map(|yy| annual_lookup.get(&(code, i, yy)).copied())
            })
        };
        let withdrawn = match &d.status {
            Status::Withdrawn { on, .. } => Some(*on),
            Status::Current => None,
        };
        let mut ytd: HashMap<&str, f64> = HashMap::new();
        let mut current_year = 0;
        for &(year, month) in &periods {
            if withdrawn.is_some_and(|w| date(year, month, 1) > w) {
                break;
            }
            if year != current_year {
                ytd.clear();
                current_year = year;
            }
            let growth_after = if year > last_year {
                (1.0 + macro_growth(year) + 0.015 * q).powi(year - last_year)
            } else {
                1.0
            };
            let Some(rev_year) = lookup("rev_main", year).map(|r| r * growth_after) else {
                continue;
            };
            let margin = lookup("profit_margin", year).unwrap_or(6.0);
            let firms = lookup("ent_above_scale", year).unwrap_or(150.0);
            let energy_int = lookup("energy_int", year).unwrap_or(0.3);
            let va_year = lookup("va_ind", year).unwrap_or(rev_year * 0.25) * growth_after;
            let export_share = lookup("export_share", year).unwrap_or(10.0);
            let noise = (0.04 * rng.normal()).exp();
            let rev_m = rev_year * SEASON[(month - 1) as usize] * noise;
            let out_m = rev_m * (1.0 + 0.01 * rng.normal());
            let sales_ratio = (97.5 + 0.6 * q + 0.8 * rng.normal()).clamp(85.0, 100.0);
            let margin_m = margin + 0.6 * rng.normal() - if month <= 2 { 1.2 } else { 0.0 };
            let month_values: [(&str, f64); 9] = [
                ("m_rev", rev_m),
                ("m_output_gross", out_m),
                ("m_sales_output", out_m * sales_ratio / 100.0),
                ("m_cost", rev_m * (1.0 - margin_m / 100.0 - 0.06)),
                ("m_profit", rev_m * margin_m / 100.0),
                (
                    "m_export_delivery",
                    rev_m * export_share / 100.0 * (0.1 * rng.normal()).exp(),
                ),
                (
                    "m_elec",
                    va_year * SEASON[(month - 1) as usize] * energy_int * 1e4 * 2.5,
                ),
                (
                    "m_energy",
                    va_year * SEASON[(month - 1) as usize] * energy_int,
                ),
                ("m_tax", rev_m * 0.035 * 1e4),
            ];
            for (code, v) in month_values {
                *ytd.entry(code).or_insert(0.0) += v;
            }
            let months_so_far = month as f64;
            let values: Vec<(&str, f64)> = vec![
                (
                    "m_va_growth",
                    (macro_growth(year) * 100.0 - 1.5 + 1.5 * q + 2.0 * rng.normal()),
                ),
                ("m_output_gross", ytd["m_output_gross"]),
                ("m_sales_output", ytd["m_sales_output"]),
                ("m_rev", ytd["m_rev"]),
                ("m_cost", ytd["m_cost"]),
                ("m_profit", ytd["m_profit"]),
                ("m_margin", ytd["m_profit"] / ytd["m_rev"] * 100.0),
                ("m_export_delivery", ytd["m_export_delivery"]),
                (
                    "m_sales_ratio",
                    ytd["m_sales_output"] / ytd["m_output_gross"] * 100.0,
                ),
                ("m_elec", ytd["m_elec"]),
                ("m_energy", ytd["m_energy"]),
                ("m_fai", 6.0 + 3.0 * q + 4.0 * rng.normal()),
                (
                    "m_loss_ent",
                    (firms
                        * (0.16 - 0.03 * q + 0.03 * rng.normal()).clamp(0.02, 0.5)
                        * (0.6 + 0.4 * months_so_far / 12.0))
                        .round(),
                ),
                (
                    "m_asset_liab",
                    (56.0 - 3.0 * q + 2.0 * rng.normal()).clamp(25.0, 85.0),
                ),
                ("m_receivables", rev_year * (0.18 + 0.02 * rng.normal())),
                ("m_inventory", rev_year * (0.07 + 0.01 * rng.normal())),
                ("m_tax", ytd["m_tax"]),
                (
                    "m_ent_count",
                    (firms * (1.0 + 0.002 * months_so_far)).round(),
                ),
            ];
            for (code, v) in values {
                // January and February are released together: no January figure for YTD series.
                if month == 1 && cumulative.get(code).copied().unwrap_or(false) {
                    continue;
                }
                out[position[code]]
                    .1
                    .push((i, year * 100 + month as i32, round_sig(v, 6)));
            }
        }
    }
    out
}
