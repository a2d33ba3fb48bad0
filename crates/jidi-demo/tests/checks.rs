//! The demo data pass the collection checks (`jidi_collect`) as if every period had been
//! submitted in turn: each year's annual values and each month's monthly values are checked
//! against everything before them, with the other bases of the same category as peers. Nothing
//! may be an error; the only warnings are the anomalies the generator plants on purpose.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use jidi_collect::{
    CheckCatalogue, Context, ParsedValue, Rule, Severity, ValuePeriod, check_values,
};
use jidi_demo::{self as demo, DemoConfig};
use jidi_monitor::period::Period;

/// The standard demo; `JIDI_DEMO_SEED` tries another seed (the assertions hold for the standard
/// one; other seeds show how robust the generator is).
fn config() -> DemoConfig {
    let mut config = DemoConfig::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    if let Ok(seed) = std::env::var("JIDI_DEMO_SEED") {
        config.seed = seed.parse().expect("JIDI_DEMO_SEED is a number");
    }
    config
}

fn month(yyyymm: i32) -> ValuePeriod {
    ValuePeriod::Month(Period::new(yyyymm / 100, (yyyymm % 100) as u32).expect("a valid month"))
}

#[test]
fn every_period_submitted_in_turn_passes_the_collection_checks() {
    every_period_passes(&config());
}

/// The same at twice the size (`jidi demo --scale 2`): the copies' values pass the same checks,
/// and the only warnings are still the seven planted anomalies.
#[test]
fn a_scaled_demo_passes_the_same_checks() {
    let mut config = config();
    config.scale = 2;
    every_period_passes(&config);
}

fn every_period_passes(config: &DemoConfig) {
    let config = config.clone();
    let data = demo::generate(&config);
    let catalogue = CheckCatalogue::standard();
    let mut context = Context::new(catalogue);
    for (i, b) in data.bases.iter().enumerate() {
        context.set_peer_group(i as i64 + 1, &b.draft.category_code);
    }
    // Values by period, in submission order (all years, then all months; the two frequencies
    // share no indicator, so their order relative to each other does not matter).
    let mut by_period: BTreeMap<ValuePeriod, Vec<ParsedValue>> = BTreeMap::new();
    let mut push = |period: ValuePeriod, base: usize, code: &str, value: f64| {
        by_period.entry(period).or_default().push(ParsedValue {
            row: 0,
            base_id: base as i64 + 1,
            period,
            indicator: code.to_string(),
            value,
            reported: (value, None),
        });
    };
    for (code, series) in &data.annual {
        for &(b, y, v) in series {
            push(ValuePeriod::Year(y), b, code, v);
        }
    }
    for (code, series) in &data.monthly {
        for &(b, ym, v) in series {
            push(month(ym), b, code, v);
        }
    }

    let mut counts: BTreeMap<(Severity, Rule), usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut warned: BTreeSet<(i64, String, String)> = BTreeSet::new();
    let mut warnings = Vec::new();
    for (period, values) in &by_period {
        for f in check_values(values, &context) {
            *counts.entry((f.severity, f.rule)).or_default() += 1;
            let key = (
                f.base_id.unwrap_or(0),
                f.indicator.clone().unwrap_or_default(),
                f.period.clone().unwrap_or_default(),
            );
            match f.severity {
                Severity::Error => errors.push(f),
                Severity::Warning => {
                    warned.insert(key);
                    warnings.push(f);
                }
            }
        }
        for v in values {
            assert!(context.add_value(v.base_id, &v.indicator, *period, v.value));
        }
    }
    let n: usize = by_period.values().map(Vec::len).sum();
    eprintln!("checked {n} values of {} periods", by_period.len());
    for ((severity, rule), count) in &counts {
        eprintln!("{severity} {rule}: {count}");
    }
    // By indicator, with one example each.
    let mut by_indicator: BTreeMap<(Severity, Rule, String), (usize, String)> = BTreeMap::new();
    for f in errors.iter().chain(&warnings) {
        let entry = by_indicator
            .entry((f.severity, f.rule, f.indicator.clone().unwrap_or_default()))
            .or_insert_with(|| (0, format!("base {}: {}", f.base_id.unwrap_or(0), f.message)));
        entry.0 += 1;
    }
    for ((severity, rule, indicator), (count, example)) in &by_indicator {
        eprintln!("  {severity} {rule} {indicator}: {count}, e.g. {example}");
    }
    for f in errors.iter().take(40) {
        eprintln!(
            "error: base {:?} {:?} {:?}: {}",
            f.base_id, f.indicator, f.period, f.message
        );
    }
    assert!(errors.is_empty(), "{} errors", errors.len());

    let planted: BTreeSet<(i64, String, String)> = demo::planted_anomalies(&config, &data.bases)
        .iter()
        .flat_map(|a| {
            a.indicators.iter().map(move |code| {
                (
                    a.base as i64 + 1,
                    code.to_string(),
                    month(a.period).to_string(),
                )
            })
        })
        .collect();
    eprintln!("planted: {} values", planted.len());
    let unplanted: Vec<_> = warnings
        .iter()
        .filter(|f| {
            !planted.contains(&(
                f.base_id.unwrap_or(0),
                f.indicator.clone().unwrap_or_default(),
                f.period.clone().unwrap_or_default(),
            ))
        })
        .collect();
    for f in unplanted.iter().take(40) {
        eprintln!(
            "warning: base {:?} {:?} {:?}: {}",
            f.base_id, f.indicator, f.period, f.message
        );
    }
    assert!(
        unplanted.is_empty(),
        "{} warnings not planted",
        unplanted.len()
    );
    let missed: Vec<_> = planted.difference(&warned).collect();
    assert!(missed.is_empty(), "planted anomalies not found: {missed:?}");
}

/// Monthly series add up to the annual figures, and bases follow persistent paths: growth this
/// year says something about growth next year, and ratios move slowly.
#[test]
fn months_add_up_to_years_and_paths_are_persistent() {
    let data = demo::generate(&config());
    let annual = |code: &str| -> HashMap<(usize, i32), f64> {
        data.annual
            .iter()
            .find(|(c, _)| *c == code)
            .unwrap()
            .1
            .iter()
            .map(|&(b, y, v)| ((b, y), v))
            .collect()
    };
    let december = |code: &str| -> HashMap<(usize, i32), f64> {
        data.monthly
            .iter()
            .find(|(c, _)| *c == code)
            .unwrap()
            .1
            .iter()
            .filter(|(_, p, _)| p % 100 == 12)
            .map(|&(b, p, v)| ((b, p / 100), v))
            .collect()
    };
    // 1–12月 sums against the annual figures (values are rounded to six significant digits).
    let (va, energy_int) = (annual("va_ind"), annual("energy_int"));
    let mut compared = 0;
    for (monthly, yearly, scale) in [
        ("m_rev", "rev_main", 1.0),
        ("m_output_gross", "output_gross", 1.0),
        ("m_profit", "profit_total", 1.0),
        ("m_tax", "tax_total", 1e4),
    ] {
        let (m, y) = (december(monthly), annual(yearly));
        for (key, total) in &m {
            if let Some(year_value) = y.get(key) {
                compared += 1;
                let diff = (total - year_value * scale).abs() / (year_value * scale).abs();
                assert!(diff < 1e-4, "{monthly} {key:?}: {total} vs {year_value}");
            }
        }
    }
    for (key, energy) in &december("m_energy") {
        if let (Some(v), Some(e)) = (va.get(key), energy_int.get(key)) {
            assert!((energy / (v * e) - 1.0).abs() < 1e-4, "m_energy {key:?}");
        }
    }
    assert!(compared > 4 * 440 * 4, "{compared} compared");
    let rev = annual("rev_main");

    // The real bases that sources put above 1万亿 in 2020 are there.
    for (i, real) in demo::real_bases().iter().enumerate() {
        if real.trillion {
            assert!(rev[&(i, 2020)] > 10_000.0, "{}", real.name);
        }
    }

    // Growth persists: the correlation of a base's revenue growth with its growth the year
    // before, after removing each year's mean (independent draws would give about 0.1).
    let growth = |b: usize, y: i32| Some(rev.get(&(b, y))? / rev.get(&(b, y - 1))? - 1.0);
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for y in 2020..=2025 {
        let mut ys: Vec<(f64, f64)> = (0..data.bases.len())
            .filter_map(|b| Some((growth(b, y - 1)?, growth(b, y)?)))
            .collect();
        let n = ys.len() as f64;
        let (ma, mb) = ys
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
        ys.iter_mut().for_each(|(a, b)| {
            *a -= ma;
            *b -= mb;
        });
        pairs.extend(ys);
    }
    let cov: f64 = pairs.iter().map(|(a, b)| a * b).sum();
    let var_a: f64 = pairs.iter().map(|(a, _)| a * a).sum();
    let var_b: f64 = pairs.iter().map(|(_, b)| b * b).sum();
    let corr = cov / (var_a * var_b).sqrt();
    eprintln!("correlation of consecutive years' revenue growth: {corr:.2}");
    assert!(corr > 0.4, "{corr}");

    // Ratios move slowly: the largest change in a year of labour productivity and the export
    // share, over every base (the issue: Donghu's export share fell 30 % and its productivity
    // rose 29.9 % in 2025).
    for (code, bound) in [("labour_prod", 0.2), ("export_share", 0.3)] {
        let values = annual(code);
        let mut changes: Vec<f64> = values
            .iter()
            .filter_map(|(&(b, y), v)| Some((v / values.get(&(b, y - 1))? - 1.0).abs()))
            .collect();
        changes.sort_by(f64::total_cmp);
        let p99 = changes[changes.len() * 99 / 100];
        let max = changes[changes.len() - 1];
        eprintln!("{code}: |change in a year| p99 {p99:.3}, max {max:.3}");
        assert!(max < bound, "{code}: {max}");
        let donghu = (values[&(0, 2025)] / values[&(0, 2024)] - 1.0).abs();
        assert!(donghu < 0.12, "{code}: Donghu 2025 {donghu}");
    }
}

/// The fuels of every base and month, converted with the shipped factors, add up to its
/// `m_energy` (both 1–N月 totals rounded to six significant digits), and the mix follows the
/// category: raw-material bases burn mostly coal, electronics bases run mostly on electricity.
#[test]
fn fuels_in_standard_coal_add_up_to_the_energy_and_the_mix_follows_the_category() {
    use jidi_monitor::carbon::factors::EmissionFactors;
    use jidi_monitor::carbon::indicators::FUEL_INDICATORS;
    let data = demo::generate(&config());
    let series = |code: &str| -> HashMap<(usize, i32), f64> {
        data.monthly
            .iter()
            .find(|(c, _)| *c == code)
            .unwrap_or_else(|| panic!("{code} is generated"))
            .1
            .iter()
            .map(|&(b, p, v)| ((b, p), v))
            .collect()
    };
    let factors = EmissionFactors::shipped();
    // Each fuel's figures by (base, period), with its tce per unit.
    type Figures = HashMap<(usize, i32), f64>;
    let fuels: Vec<(Figures, f64)> = FUEL_INDICATORS
        .iter()
        .map(|f| {
            let tce = factors.get(f.fuel).unwrap().tce_per_unit * f.factor_units;
            (series(f.code), tce)
        })
        .collect();
    let energy = series("m_energy");
    assert!(energy.len() > 20_000, "{} energy figures", energy.len());
    // Shares of tce (coal, electricity) by category, over every December.
    let mut shares: HashMap<&str, (f64, f64, f64)> = HashMap::new();
    for (key, total) in &energy {
        let parts: Vec<f64> = fuels
            .iter()
            .map(|(s, tce)| s.get(key).copied().unwrap_or_else(|| panic!("{key:?}")) * tce)
            .collect();
        let sum: f64 = parts.iter().sum();
        // m_energy is in 万吨标准煤; each figure carries up to 5e-6 of relative rounding.
        assert!(
            (sum / (total * 1e4) - 1.0).abs() < 2e-5,
            "{key:?}: fuels {sum} tce, m_energy {total} 万吨"
        );
        if key.1 % 100 == 12 {
            let category = data.bases[key.0].draft.category_code.as_str();
            let e = shares.entry(category).or_default();
            e.0 += parts[0];
            e.1 += parts[3];
            e.2 += sum;
        }
    }
    let (coal, elec, all) = shares["materials"];
    assert!(
        coal / all > 0.4 && elec / all < 0.35,
        "materials {coal} {elec} {all}"
    );
    let (coal, elec, all) = shares["information"];
    assert!(
        coal / all < 0.05 && elec / all > 0.6,
        "information {coal} {elec} {all}"
    );
}
