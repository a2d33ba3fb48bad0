//! Indicator values: annual values from 2018 calibrated to the published magnitudes, and monthly
//! series derived from them with seasonality, as reported (1–N月 cumulative where the catalogue
//! says so).

use std::collections::HashMap;

use chrono::Datelike;
use jidi_domain::bulk::{AnnualSeries, IncidentDraft, MonthlySeries};
use jidi_domain::catalogue::{self, Frequency};
use jidi_domain::incident::IncidentKind;
use jidi_domain::roll::{Series, Status, Tier};
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_monitor::carbon::indicators::{FUEL_INDICATORS, FuelIndicator};

use crate::anomalies::{AnomalyKind, PlantedAnomaly, last_month};
use crate::calibration::*;
use crate::config::{DemoConfig, date};
use crate::real::real_bases;
use crate::rng::{Ar1, Rng};
use crate::roll::DemoBase;

/// Tonnes of standard coal per unit of a fuel indicator, with the shipped factors.
fn tce_per_unit(indicator: &FuelIndicator) -> f64 {
    EmissionFactors::shipped()
        .get(indicator.fuel)
        .expect("every fuel has a shipped factor")
        .tce_per_unit
        * indicator.factor_units
}

/// The typical fuel mix of a base (shares of its energy in tce: coal, oil, gas, electricity,
/// heat) by sub-type, else category: raw materials burn coal (steel and building materials most,
/// petrochemicals more oil and gas), electronics and software run on electricity, equipment and
/// consumer goods in between. Illustrative, not calibrated to a published table (the demo is
/// synthetic): the order of magnitude follows the national industrial mix, where coal is about
/// half of industrial final energy and electricity a quarter.
fn fuel_mix(category: &str, subcategory: Option<&str>) -> [f64; 5] {
    match (subcategory.unwrap_or(""), category) {
        ("steel" | "building_materials", _) => [0.66, 0.03, 0.06, 0.20, 0.05],
        ("petrochemical", _) => [0.35, 0.20, 0.20, 0.15, 0.10],
        ("nonferrous", _) => [0.35, 0.04, 0.10, 0.45, 0.06],
        (_, "materials") => [0.50, 0.05, 0.12, 0.25, 0.08],
        ("software", _) => [0.01, 0.01, 0.08, 0.85, 0.05],
        (_, "information") => [0.03, 0.02, 0.12, 0.75, 0.08],
        (_, "consumer") => [0.20, 0.05, 0.20, 0.40, 0.15],
        (_, "equipment") => [0.10, 0.06, 0.20, 0.54, 0.10],
        _ => [0.15, 0.05, 0.18, 0.52, 0.10],
    }
}

/// A base's fuel shares in `year`: its category's mix, perturbed once per base, electrifying a
/// little each year (electricity's share up, coal's down, 3 % of their weight a year from 2018).
fn fuel_shares(mix: &[f64; 5], year: i32) -> [f64; 5] {
    let t = f64::from(year - 2018);
    let mut s = *mix;
    s[0] *= (1.0 - 0.03 * t).max(0.3);
    s[3] *= 1.0 + 0.03 * t;
    let total: f64 = s.iter().sum();
    s.map(|x| x / total)
}

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

/// What the annual generator decided for one base and year, before rounding and unreported
/// values: the monthly series are built from it, so that their 1–12月 sums are the annual figures.
#[derive(Clone, Copy, Debug)]
pub(crate) struct YearTruth {
    pub year: i32,
    /// 营业收入, 亿元.
    pub revenue: f64,
    /// 工业总产值, 亿元.
    pub output: f64,
    /// 工业增加值, 亿元.
    pub va: f64,
    /// Profit margin, %.
    pub margin: f64,
    /// Above-scale firms.
    pub firms: f64,
    /// Energy intensity, tce per 万元 of value added.
    pub energy_int: f64,
    /// Export delivery value as a fraction of revenue.
    pub export_share: f64,
    /// Taxes paid, 亿元.
    pub tax: f64,
}

/// Annual series by indicator, and what they were generated from (by base).
pub(crate) struct Annual {
    pub series: Vec<(&'static str, AnnualSeries)>,
    pub truth: Vec<Vec<YearTruth>>,
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Rounds to `decimals` places, as statistics publish growth rates (one decimal) and money
/// differences (two decimals of 亿元).
fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    // Adding zero turns a rounded -0.0 into 0.0: statistics publish no negative zero, and one
    // would not survive a round trip through a spreadsheet as the same bits.
    (x * scale).round() / scale + 0.0
}

/// Annual values. Every base follows persistent paths rather than independent draws each year:
/// revenue grows along the macro path plus a base-specific trend and autocorrelated shocks;
/// ratios, intensities and counts deviate from their quality-driven level by stationary AR(1)
/// processes ([`Ar1`]), which keep each year's cross-section as spread as before (and with it the
/// calibration and the evaluation) while a base moves only a little from one year to the next.
pub(crate) fn generate_annual(
    config: &DemoConfig,
    bases: &[DemoBase],
    incidents: &[IncidentDraft],
) -> Annual {
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
    let mut truth: Vec<Vec<YearTruth>> = Vec::with_capacity(bases.len());
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
        let size_z = 0.5 * q + 0.85 * rng.shock();
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
        let all = d.tier.is_national() || d.status != Status::Current;
        let is_materials = d.category_code == "materials";
        let lead_share = match d.series {
            Some(Series::Specialty) => 72.0 + 20.0 * rng.uniform(),
            _ => 52.0 + 30.0 * rng.uniform(),
        };
        let withdrawn_year = match &d.status {
            Status::Withdrawn { on, .. } => Some(on.year()),
            Status::Current => None,
        };
        let years: Vec<i32> = (config.first_year..=config.last_year())
            .take_while(|y| withdrawn_year.is_none_or(|w| *y <= w))
            .collect();

        // Revenue: the macro path (amplified for the cyclical raw materials), a trend of the
        // base's own and autocorrelated shocks.
        let cyc = if is_materials { 1.4 } else { 1.0 };
        let trend = 0.012 * q + 0.012 * rng.shock();
        let mut growth_shock = Ar1::new(&mut rng, 0.03, 0.5);
        let growth =
            |year: i32, shock: f64| (macro_growth(year) * cyc + trend + shock).clamp(-0.15, 0.35);
        // Growth into the first year, for its net increase.
        let growth_first = growth(config.first_year, growth_shock.get());
        let mut revenues: Vec<f64> = Vec::with_capacity(years.len());
        let mut revenue = median * category_scale * (0.8 * size_z).exp();
        for (k, &year) in years.iter().enumerate() {
            if k > 0 {
                revenue *= 1.0 + growth(year, growth_shock.step(&mut rng));
            }
            revenues.push(revenue);
        }
        if trillion.contains(&d.name)
            && let Some(k) = years.iter().position(|&y| y == 2020)
        {
            // Sources report revenue above 1万亿 in 2020.
            let scale = 10_400.0 / revenues[k];
            revenues.iter_mut().for_each(|r| *r *= scale);
        }
        let revenue0 = revenues.first().copied().unwrap_or(revenue);
        let land_mu = revenue0 * 1e4 / (rev_mu0 * (0.3 * q + 0.2 * rng.shock()).exp());
        let mut energy_int = energy0 * (-0.2 * q + 0.15 * rng.shock()).exp();
        let water_int = water0 * (-0.15 * q + 0.2 * rng.shock()).exp();
        let firm_base = 180.0 * (revenue0 / 900.0).powf(0.6) * (0.15 * rng.shock()).exp();
        // Small counts: a level of the base's own, moving slowly.
        let incubators0 = 2.0 + 1.5 * q + 1.5 * rng.shock();
        let platforms0 = 6.0 + 2.5 * q + 2.0 * rng.shock();

        // Deviations from the quality-driven levels: (standard deviation, persistence).
        let mut ar = |sd: f64, rho: f64| Ar1::new(&mut rng, sd, rho);
        let mut margin_dev = ar(0.2, 0.95); // log
        let mut va_rate_dev = ar(1.0, 0.9);
        let mut output_dev = ar(0.02, 0.8);
        let mut prod_dev = ar(0.08, 0.9); // log
        let mut firms_dev = ar(0.05, 0.9); // log
        let mut tax_dev = ar(0.14, 0.95); // log
        let mut rd_dev = ar(0.1, 0.9); // log
        let mut export_dev = ar(0.3, 0.98); // logit
        let mut lead_dev = ar(1.5, 0.9);
        let mut listed_dev = ar(0.3, 0.95); // log
        let mut champion_dev = ar(0.3, 0.95); // log
        let mut large_dev = ar(0.3, 0.95); // log
        let mut city_dev = ar(0.2, 0.95); // log
        let mut invest_dev = ar(0.2, 0.95); // log
        let mut rd_staff_dev = ar(0.15, 0.9); // log
        let mut rd_inst_dev = ar(0.3, 0.95); // log
        let mut hitech_dev = ar(0.2, 0.95); // log
        let mut patents_dev = ar(0.25, 0.95); // log
        let mut incubators_dev = ar(0.3, 0.9);
        let mut new_product_dev = ar(0.18, 0.9); // log
        let mut water_dev = ar(0.1, 0.9); // log
        let mut waste_dev = ar(5.0, 0.9);
        let mut emission_dev = ar(0.3, 0.95); // log
        let mut nc_dev = ar(4.0, 0.9);
        let mut digital_dev = ar(4.0, 0.9);
        let mut service_dev = ar(3.0, 0.9);
        let mut collab_dev = ar(0.13, 0.9); // log
        let mut platforms_dev = ar(0.4, 0.9);
        let mut fai_dev = ar(0.25, 0.8); // log
        let mut admin_dev = ar(3.0, 0.9);
        let mut fdi_dev = ar(0.5, 0.97); // log
        let city_level = 12.0 * (0.5 * size_z).exp();

        let mut prev: Option<(f64, f64, f64)> = None; // revenue, va, energy intensity
        let mut base_truth = Vec::with_capacity(years.len());
        for (k, &year) in years.iter().enumerate() {
            if k > 0 {
                for p in [
                    &mut margin_dev,
                    &mut va_rate_dev,
                    &mut output_dev,
                    &mut prod_dev,
                    &mut firms_dev,
                    &mut tax_dev,
                    &mut rd_dev,
                    &mut export_dev,
                    &mut lead_dev,
                    &mut listed_dev,
                    &mut champion_dev,
                    &mut large_dev,
                    &mut city_dev,
                    &mut invest_dev,
                    &mut rd_staff_dev,
                    &mut rd_inst_dev,
                    &mut hitech_dev,
                    &mut patents_dev,
                    &mut incubators_dev,
                    &mut new_product_dev,
                    &mut water_dev,
                    &mut waste_dev,
                    &mut emission_dev,
                    &mut nc_dev,
                    &mut digital_dev,
                    &mut service_dev,
                    &mut collab_dev,
                    &mut platforms_dev,
                    &mut fai_dev,
                    &mut admin_dev,
                    &mut fdi_dev,
                ] {
                    p.step(&mut rng);
                }
            }
            let revenue = revenues[k];
            let t = (year - config.first_year) as f64;
            let cycle = if is_materials {
                materials_margin_factor(year)
            } else {
                1.0
            };
            let margin = margin0 * (0.2 * q + margin_dev.get()).exp() * cycle;
            let va_rate = (va_rate0 + 2.0 * q + va_rate_dev.get()).clamp(8.0, 60.0);
            let output = revenue * (0.98 + output_dev.get()).clamp(0.92, 1.04);
            let va = output * va_rate / 100.0;
            let productivity = prod0 * (0.22 * q + prod_dev.get()).exp() * (1.04f64).powf(t);
            let firms = (firm_base * (1.0 + 0.03 * t) * firms_dev.get().exp())
                .round()
                .max(8.0);
            let tax = revenue * 0.035 * tax_dev.get().exp();
            let rd = (rd0 * (0.32 * q + rd_dev.get()).exp() * (1.0 + 0.02 * t)).max(0.1);
            energy_int *= 1.0 - (0.035 + 0.01 * q + 0.015 * rng.shock()).clamp(-0.02, 0.12);
            let export_share = logistic(logit(export0 / 100.0) + export_dev.get());
            let exports = revenue * export_share;
            let positive = |x: f64| x.max(0.0);
            let va_growth = match prev {
                Some((_, prev_va, _)) => (va / prev_va - 1.0) * 100.0 - 1.5,
                None => growth_first * 100.0 - 1.5,
            };
            let energy_decline = match prev {
                Some((.., prev_e)) => (1.0 - energy_int / prev_e) * 100.0,
                None => 3.5 + 1.0 * q,
            };
            let values: [(&str, f64); 46] = [
                ("rev_main", revenue),
                ("output_gross", output),
                ("va_ind", va),
                ("va_growth", round_to(va_growth, 1)),
                (
                    "lead_ind_share",
                    (lead_share + lead_dev.get()).clamp(45.0, 99.0),
                ),
                ("ent_above_scale", firms),
                (
                    "ent_listed",
                    (firms * 0.05 * (0.4 * q + listed_dev.get()).exp()).round(),
                ),
                (
                    "ent_champion",
                    (firms * 0.04 * (0.5 * q + champion_dev.get()).exp()).round(),
                ),
                (
                    "ent_large",
                    (revenue / 150.0 * large_dev.get().exp()).round().min(firms),
                ),
                (
                    "va_city_share",
                    (city_level * city_dev.get().exp()).clamp(1.0, 70.0),
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
                    round_to(
                        prev.map_or(revenue * growth_first / (1.0 + growth_first), |(r, ..)| {
                            revenue - r
                        }),
                        2,
                    ),
                ),
                ("tax_total", tax),
                ("invest_density", 380.0 * (0.2 * q + invest_dev.get()).exp()),
                ("rd_intensity", rd),
                (
                    "rd_staff_share",
                    (4.0 * rd / rd0.max(0.5) * rd_staff_dev.get().exp()).clamp(0.5, 40.0),
                ),
                (
                    "rd_inst",
                    (firms * 0.07 * (0.4 * q + rd_inst_dev.get()).exp()).round(),
                ),
                (
                    "hitech_ent",
                    (firms * 0.35 * (0.3 * q + hitech_dev.get()).exp()).round(),
                ),
                (
                    "patents",
                    (revenue * 1.1 * rd / rd0.max(0.5) * (0.3 * q + patents_dev.get()).exp())
                        .round(),
                ),
                (
                    "incubators",
                    positive((incubators0 + 0.1 * t + incubators_dev.get()).round()),
                ),
                (
                    "new_product_share",
                    (22.0 * (0.27 * q + new_product_dev.get()).exp()).clamp(3.0, 80.0),
                ),
                ("energy_int", energy_int),
                ("energy_int_decline", round_to(energy_decline, 1)),
                (
                    "water_int",
                    water_int * water_dev.get().exp() * (0.97f64).powf(t),
                ),
                (
                    "solid_waste_util",
                    (78.0 + 7.0 * q + waste_dev.get()).clamp(30.0, 99.5),
                ),
                ("va_per_energy", 1.0 / energy_int),
                (
                    "va_per_emission",
                    3000.0 * (0.3 * q + emission_dev.get()).exp(),
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
                    (58.0 + 9.0 * q + nc_dev.get() + 1.2 * t).clamp(20.0, 98.0),
                ),
                (
                    "digital_rd_rate",
                    (70.0 + 6.0 * q + digital_dev.get() + 1.0 * t).clamp(30.0, 99.0),
                ),
                (
                    "mfg_service_share",
                    (85.0 + 3.0 * q + service_dev.get()).clamp(50.0, 99.0),
                ),
                (
                    "large_small_collab",
                    (38.0 * (0.18 * q + collab_dev.get()).exp()).clamp(5.0, 90.0),
                ),
                (
                    "public_platforms",
                    positive((platforms0 + 0.15 * t + platforms_dev.get()).round()),
                ),
                ("fai_total", revenue * 0.12 * fai_dev.get().exp()),
                (
                    "admin_efficiency",
                    (82.0 + 4.0 * q + admin_dev.get()).clamp(55.0, 100.0),
                ),
                ("import_export", exports * 1.6),
                (
                    "fdi_actual",
                    revenue * 0.004 * (0.2 * q + fdi_dev.get()).exp(),
                ),
                (
                    "hitech_trade",
                    exports * 1.6 * (0.3 + 0.15 * q).clamp(0.05, 0.9),
                ),
                ("export_share", export_share * 100.0),
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
            base_truth.push(YearTruth {
                year,
                revenue,
                output,
                va,
                margin,
                firms,
                energy_int,
                export_share,
                tax,
            });
            prev = Some((revenue, va, energy_int));
        }
        truth.push(base_truth);
    }
    Annual { series: out, truth }
}

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Monthly shares of annual output (January … December), with the Spring Festival dip and a
/// moderate December push (about a fifth above November).
const SEASON: [f64; 12] = [
    0.066, 0.060, 0.085, 0.081, 0.084, 0.091, 0.081, 0.083, 0.088, 0.084, 0.089, 0.108,
];

/// Monthly series. They are simulated from January of the year before the first month shown, so
/// that every 1–N月 figure covers its whole year and stocks can refer to the past twelve months.
/// Within a year of annual data, the months' flows add up to the annual figures: each month's
/// share is the seasonal pattern times a persistent deviation, normalised over the year. Parts
/// are built from their totals (sales output from gross output, export delivery from sales,
/// profit from revenue), so that they never exceed them.
pub(crate) fn generate_monthly(
    config: &DemoConfig,
    bases: &[DemoBase],
    truth: &[Vec<YearTruth>],
    planted: &[PlantedAnomaly],
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
    if config.months == 0 {
        return out;
    }
    let last = last_month(config);
    let (last_y, last_m) = (last / 100, last % 100);
    // The first month shown.
    let first_index = last_y * 12 + (last_m - 1) - (config.months as i32 - 1);
    let first = (first_index.div_euclid(12)) * 100 + first_index.rem_euclid(12) + 1;
    let sim_start_year = first / 100 - 1;
    for (i, base) in bases.iter().enumerate() {
        let d = &base.draft;
        if !(d.tier.is_national() || d.status != Status::Current) {
            continue;
        }
        let years = &truth[i];
        let (Some(first_truth), Some(last_truth)) = (years.first(), years.last()) else {
            continue;
        };
        let mut rng = Rng::new(config.seed, 500_000 + i as u64);
        // The fuel mix draws from a stream of its own, so that the other series stay as they were.
        let mix = {
            let mut fuel_rng = Rng::new(config.seed, 700_000 + i as u64);
            let mut mix = fuel_mix(&d.category_code, d.subcategory_code.as_deref());
            mix.iter_mut()
                .for_each(|x| *x *= (0.25 * fuel_rng.shock()).exp());
            let total: f64 = mix.iter().sum();
            mix.map(|x| x / total)
        };
        let fuel_tce: Vec<f64> = FUEL_INDICATORS.iter().map(tce_per_unit).collect();
        let q = base.quality;
        // A year's figures: from the annual data, or projected beyond them (and before them).
        let year_truth = |year: i32| -> YearTruth {
            if let Some(t) = years.iter().find(|t| t.year == year) {
                return *t;
            }
            let (from, factor, firms) = if year > last_truth.year {
                let factor: f64 = (last_truth.year + 1..=year)
                    .map(|y| 1.0 + macro_growth(y) + 0.015 * q)
                    .product();
                (last_truth, factor, 1.02f64.powi(year - last_truth.year))
            } else {
                let n = first_truth.year - year;
                (first_truth, 1.05f64.powi(-n), 1.02f64.powi(-n))
            };
            YearTruth {
                year,
                revenue: from.revenue * factor,
                output: from.output * factor,
                va: from.va * factor,
                tax: from.tax * factor,
                firms: (from.firms * firms).round(),
                ..*from
            }
        };
        let withdrawn = match &d.status {
            Status::Withdrawn { on, .. } => Some(*on),
            Status::Current => None,
        };
        let anomalies: Vec<&PlantedAnomaly> = planted.iter().filter(|a| a.base == i).collect();

        let mut season_dev = Ar1::new(&mut rng, 0.03, 0.6); // log
        let mut sales_dev = Ar1::new(&mut rng, 0.8, 0.7); // percentage points
        let mut export_dev = Ar1::new(&mut rng, 0.02, 0.7); // log
        let mut margin_dev = Ar1::new(&mut rng, 0.05, 0.6); // log
        let mut fai_dev = Ar1::new(&mut rng, 4.0, 0.85); // percentage points
        let loss_level = logit(0.16) - 0.25 * q + 0.2 * rng.shock();
        let mut loss_dev = Ar1::new(&mut rng, 0.1, 0.9); // logit
        let liab_level = (56.0 - 3.0 * q + 2.0 * rng.shock()).clamp(30.0, 80.0);
        let mut liab_dev = Ar1::new(&mut rng, 0.6, 0.9); // percentage points
        let receivables_level = 0.18 + 0.02 * rng.shock();
        let mut receivables_dev = Ar1::new(&mut rng, 0.005, 0.9);
        let inventory_level = 0.07 + 0.01 * rng.shock();
        let mut inventory_dev = Ar1::new(&mut rng, 0.003, 0.9);

        let mut trailing: std::collections::VecDeque<f64> = std::collections::VecDeque::new();
        let mut va_cum_before: Option<[f64; 12]> = None;
        'years: for year in sim_start_year..=last_y {
            let t = year_truth(year);
            // The months' shares of the year.
            let mut w = [0.0; 12];
            for (m, x) in w.iter_mut().enumerate() {
                *x = SEASON[m] * season_dev.step(&mut rng).exp();
            }
            let total: f64 = w.iter().sum();
            w.iter_mut().for_each(|x| *x /= total);
            // Monthly margins around the year's, lower in January and February, scaled so that
            // the year's profit is the annual figure.
            let mut mm = [0.0; 12];
            for (m, x) in mm.iter_mut().enumerate() {
                *x = margin_dev.step(&mut rng).exp() * if m < 2 { 0.85 } else { 1.0 };
            }
            let scale: f64 = w.iter().zip(&mm).map(|(a, b)| a * b).sum();
            mm.iter_mut().for_each(|x| *x /= scale);
            let mut va_cum = [0.0; 12];
            let shares = fuel_shares(&mix, year);
            let mut ytd: HashMap<&str, f64> = HashMap::new();
            for m in 1..=12u32 {
                let k = (m - 1) as usize;
                va_cum[k] = t.va * w[..=k].iter().sum::<f64>();
                let period = year * 100 + m as i32;
                if period > last || withdrawn.is_some_and(|w| date(year, m, 1) > w) {
                    break 'years;
                }
                let margin_m = t.margin * mm[k];
                let sales_ratio =
                    (97.5 + 0.6 * q + sales_dev.step(&mut rng)).clamp(85.0, 100.0) / 100.0;
                let export_dev_m = export_dev.step(&mut rng).exp();
                let fai = 6.0 + 3.0 * q + fai_dev.step(&mut rng);
                let loss_share = logistic(loss_level + loss_dev.step(&mut rng));
                let liab = (liab_level + liab_dev.step(&mut rng)).clamp(25.0, 85.0);
                let receivables_ratio =
                    (receivables_level + receivables_dev.step(&mut rng)).max(0.05);
                let inventory_ratio = (inventory_level + inventory_dev.step(&mut rng)).max(0.02);

                let mut flow = 1.0; // of every flow of the month
                let mut export_factor = 1.0;
                let mut liab_factor = 1.0;
                for a in anomalies.iter().filter(|a| a.period == period) {
                    match a.kind {
                        AnomalyKind::Shutdown => flow *= 0.4,
                        AnomalyKind::ExportSurge => export_factor *= 1.9,
                        AnomalyKind::LeverageSpike => liab_factor *= 1.3,
                    }
                }
                let rev_m = t.revenue * w[k] * flow;
                let out_m = t.output * w[k] * flow;
                let sales_m = out_m * sales_ratio;
                let export_m =
                    (rev_m * t.export_share * export_dev_m * export_factor).min(0.99 * sales_m);
                let energy_m = t.va * t.energy_int * w[k] * flow;
                let month_values: [(&str, f64); 8] = [
                    ("m_rev", rev_m),
                    ("m_output_gross", out_m),
                    ("m_sales_output", sales_m),
                    ("m_cost", rev_m * (1.0 - margin_m / 100.0 - 0.06)),
                    ("m_profit", rev_m * margin_m / 100.0),
                    ("m_export_delivery", export_m),
                    ("m_energy", energy_m),
                    ("m_tax", t.tax * 1e4 * w[k] * flow),
                ];
                for (code, v) in month_values {
                    *ytd.entry(code).or_insert(0.0) += v;
                }
                // Each fuel's part of the month's energy (万吨标准煤 → tce) in its own unit, so
                // that the fuels' standard coal adds up to m_energy.
                for ((fuel, share), per_unit) in FUEL_INDICATORS.iter().zip(shares).zip(&fuel_tce) {
                    *ytd.entry(fuel.code).or_insert(0.0) += energy_m * 1e4 * share / per_unit;
                }
                trailing.push_back(rev_m);
                if trailing.len() > 12 {
                    trailing.pop_front();
                }
                let rev_12 = trailing.iter().sum::<f64>() * 12.0 / trailing.len() as f64;
                if period < first {
                    continue;
                }
                let va_growth = match &va_cum_before {
                    Some(before) => (va_cum[k] / before[k] - 1.0) * 100.0 - 1.5,
                    None => (macro_growth(year) + 0.015 * q) * 100.0 - 1.5,
                };
                let firms_m = (t.firms * (1.0 + 0.002 * m as f64)).round();
                // Loss-making firms are most numerous early in the year (1–2月) and fewest by
                // December, as in the published 1–N月 figures.
                let loss_season = 1.0 + 0.35 * (12.0 - f64::from(m.max(2))) / 10.0;
                let values: [(&str, f64); 22] = [
                    ("m_va_growth", round_to(va_growth, 1)),
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
                    ("m_coal", ytd["m_coal"]),
                    ("m_oil", ytd["m_oil"]),
                    ("m_gas", ytd["m_gas"]),
                    ("m_heat", ytd["m_heat"]),
                    ("m_fai", round_to(fai, 1)),
                    (
                        "m_loss_ent",
                        (firms_m * loss_share * loss_season).round().min(firms_m),
                    ),
                    ("m_asset_liab", liab * liab_factor),
                    ("m_receivables", rev_12 * receivables_ratio),
                    ("m_inventory", rev_12 * inventory_ratio),
                    ("m_tax", ytd["m_tax"]),
                    ("m_ent_count", firms_m),
                ];
                for (code, v) in values {
                    // January and February are released together: no January figure for YTD series.
                    if m == 1 && cumulative.get(code).copied().unwrap_or(false) {
                        continue;
                    }
                    out[position[code]].1.push((i, period, round_sig(v, 6)));
                }
            }
            va_cum_before = Some(va_cum);
        }
    }
    out
}
