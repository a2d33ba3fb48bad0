//! Green and safe (C6): a year's energy by fuel, CO₂, intensities per 万元 of value added,
//! water, green factories and safety incidents of a scope (a base, a province's bases, a
//! category, the nation), with progress against the default intensity targets.
//!
//! The database sums each group's fuels and value added (`jidi-store::green`); the conversion to
//! standard coal and CO₂ and the target paths are `jidi_monitor::carbon` (pure), with the emission
//! factors in force (the shipped defaults or the operator's file, `jidi serve
//! --emission-factors`). Conventions: `docs/MONITORING.md`, *Green and safe*.

use jidi_domain::incident::IncidentKind;
use jidi_monitor::carbon::error::CarbonError;
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_monitor::carbon::footprint::{EnergyUse, Footprint, Quantity, footprint, per_wan_yuan};
use jidi_monitor::carbon::fuel::Fuel;
use jidi_monitor::carbon::indicators::FUEL_INDICATORS;
use jidi_monitor::carbon::target::{Better, Progress, TargetPath, progress};
use jidi_monitor::derive::units::Money;
use jidi_store::{
    GREEN_FUEL_CODES, GreenBase, GreenFilter, GreenGroup, GreenSums, Store, StoreError,
};

/// The 14th Five-Year Plan's reduction of energy use per unit of GDP, 2020→2025: −13.5 %.
pub const ENERGY_INTENSITY_CUT: f64 = 0.135;
/// The 14th Five-Year Plan's reduction of CO₂ per unit of GDP, 2020→2025: −18 %.
pub const CARBON_INTENSITY_CUT: f64 = 0.18;
/// Years of a target path (a Five-Year Plan).
pub const TARGET_YEARS: u32 = 5;

/// Why a green view could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GreenError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored quantity or a factor is unusable (a negative fuel total, a missing factor).
    #[error(transparent)]
    Carbon(#[from] CarbonError),
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, GreenError>;

/// One fuel's line of a scope's energy.
#[derive(Clone, Debug, PartialEq)]
pub struct FuelFigure {
    /// The fuel.
    pub fuel: Fuel,
    /// The monthly indicator it is reported as (`m_coal`, …).
    pub indicator: &'static str,
    /// The code of the factor used.
    pub factor: String,
    /// Σ 1–12月 in the indicator's unit (t, t, 万立方米, 万千瓦时, GJ).
    pub physical: f64,
    /// Standard coal equivalent, tce.
    pub tce: f64,
    /// CO₂, tonnes.
    pub co2_t: f64,
}

/// A scope's green figures of one year.
#[derive(Clone, Debug, PartialEq)]
pub struct GreenFigures {
    /// Bases with any green figure of the year.
    pub n_bases: i64,
    /// Bases reporting fuels (the energy and CO₂ totals are theirs).
    pub n_energy: i64,
    /// Bases reporting fuels and value added (the intensities are theirs).
    pub n_with_va: i64,
    /// Energy by fuel, in the order coal, oil, gas, electricity, heat.
    pub fuels: Vec<FuelFigure>,
    /// Σ of the fuels' standard coal, tce.
    pub energy_tce: f64,
    /// Σ CO₂, tonnes.
    pub co2_t: f64,
    /// Σ `m_energy` as reported by the same bases, tce (the fuels should add up to it).
    pub energy_reported_tce: f64,
    /// Energy per 万元 of value added, tce/万元 (Σ tce / Σ value added over the bases with both).
    pub energy_intensity: Option<f64>,
    /// CO₂ per 万元 of value added, t/万元.
    pub carbon_intensity: Option<f64>,
    /// Water per 万元 of value added, m³/万元 (Σ water / Σ value added over bases with both).
    pub water_intensity: Option<f64>,
    /// Σ national green factories.
    pub green_factories: f64,
    /// Bases reporting green factories.
    pub n_green: i64,
    /// Whether any figure is demo data.
    pub synthetic: bool,
}

fn uses(fuels: &[f64; 5]) -> Vec<EnergyUse> {
    FUEL_INDICATORS
        .iter()
        .zip(fuels)
        .map(|(f, q)| EnergyUse {
            fuel: f.fuel,
            quantity: Quantity::Physical(q * f.factor_units),
        })
        .collect()
}

fn convert(fuels: &[f64; 5], factors: &EmissionFactors) -> Result<Footprint> {
    Ok(footprint(&uses(fuels), factors)?)
}

/// The figures of a group's sums with `factors`.
pub fn figures(s: &GreenSums, factors: &EmissionFactors) -> Result<GreenFigures> {
    let all = convert(&s.fuels, factors)?;
    let with_va = convert(&s.fuels_with_va, factors)?;
    let va = Money::yi(s.va_with_energy);
    let intensity = |q: f64| {
        (s.n_with_va > 0)
            .then(|| per_wan_yuan(q, va).ok())
            .flatten()
    };
    let water_intensity = (s.va_with_water > 0.0)
        .then(|| per_wan_yuan(s.water_m3, Money::yi(s.va_with_water)).ok())
        .flatten();
    Ok(GreenFigures {
        n_bases: s.n_bases,
        n_energy: s.n_energy,
        n_with_va: s.n_with_va,
        fuels: FUEL_INDICATORS
            .iter()
            .zip(&all.lines)
            .zip(&s.fuels)
            .map(|((f, line), physical)| FuelFigure {
                fuel: f.fuel,
                indicator: f.code,
                factor: line.factor.clone(),
                physical: *physical,
                tce: line.tce,
                co2_t: line.co2_t,
            })
            .collect(),
        energy_tce: all.energy_tce,
        co2_t: all.co2_t,
        energy_reported_tce: s.energy_reported * 1e4,
        energy_intensity: intensity(with_va.energy_tce),
        carbon_intensity: intensity(with_va.co2_t),
        water_intensity,
        green_factories: s.green_factories,
        n_green: s.n_green,
        synthetic: s.synthetic,
    })
}

/// One base's sums, as a group of one, so that a base's figures are computed exactly as a
/// group's.
pub fn base_sums(b: &GreenBase) -> GreenSums {
    let reported = b.fuels.iter().any(Option::is_some);
    let fuels = b
        .fuels
        .map(|f| if reported { f.unwrap_or(0.0) } else { 0.0 });
    let with_va = reported && b.va.is_some_and(|v| v > 0.0);
    let water = b.water_int.zip(b.va.filter(|v| *v > 0.0));
    GreenSums {
        key: b.base_id.to_string(),
        n_bases: 1,
        n_energy: i64::from(reported),
        fuels,
        energy_reported: if reported {
            b.energy_reported.unwrap_or(0.0)
        } else {
            0.0
        },
        n_with_va: i64::from(with_va),
        fuels_with_va: if with_va { fuels } else { [0.0; 5] },
        va_with_energy: if with_va { b.va.unwrap_or(0.0) } else { 0.0 },
        water_m3: water.map_or(0.0, |(w, v)| w * v * 1e4),
        va_with_water: water.map_or(0.0, |(_, v)| v),
        green_factories: b.green_factories.unwrap_or(0.0),
        n_green: i64::from(b.green_factories.is_some()),
        synthetic: b.synthetic,
    }
}

/// Which intensity a target is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// Energy per 万元 (−13.5 % in five years).
    Energy,
    /// CO₂ per 万元 (−18 % in five years).
    Carbon,
}

impl TargetKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            TargetKind::Energy => "energy_intensity",
            TargetKind::Carbon => "carbon_intensity",
        }
    }

    /// The reduction over [`TARGET_YEARS`].
    pub fn cut(self) -> f64 {
        match self {
            TargetKind::Energy => ENERGY_INTENSITY_CUT,
            TargetKind::Carbon => CARBON_INTENSITY_CUT,
        }
    }

    fn of(self, f: &GreenFigures) -> Option<f64> {
        match self {
            TargetKind::Energy => f.energy_intensity,
            TargetKind::Carbon => f.carbon_intensity,
        }
    }
}

/// Progress of one intensity against the default target.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetProgress {
    /// Which intensity.
    pub kind: TargetKind,
    /// The first year with the intensity (the path's start).
    pub baseline_year: i32,
    /// The intensity then.
    pub baseline: f64,
    /// The year the target falls due (`baseline_year` + 5).
    pub target_year: i32,
    /// The intensity to reach by then: baseline × (1 − cut).
    pub target: f64,
    /// The intensity in the year shown.
    pub current: f64,
    /// Against the geometric path.
    pub progress: Progress,
}

/// Progress in `year` of an intensity series (`(year, figures)`, any order) against the
/// default target: the path starts at the first year with the intensity and cuts it by
/// [`TargetKind::cut`] over [`TARGET_YEARS`] years along a geometric path. `None` when the
/// intensity is missing in `year` or in every year before it.
pub fn target_progress(
    kind: TargetKind,
    series: &[(i32, &GreenFigures)],
    year: i32,
) -> Option<TargetProgress> {
    let (baseline_year, baseline) = series
        .iter()
        .filter(|(y, _)| *y <= year)
        .filter_map(|(y, f)| Some((*y, kind.of(f)?)))
        .filter(|(_, v)| *v > 0.0)
        .min_by_key(|(y, _)| *y)?;
    let current = series
        .iter()
        .find(|(y, _)| *y == year)
        .and_then(|(_, f)| kind.of(f))?;
    let path = TargetPath {
        baseline,
        target: baseline * (1.0 - kind.cut()),
        n_periods: TARGET_YEARS,
        better: Better::Lower,
    };
    let elapsed = u32::try_from(year - baseline_year).ok()?;
    let progress = progress(&path, current, elapsed).ok()?;
    Some(TargetProgress {
        kind,
        baseline_year,
        baseline,
        target_year: baseline_year + TARGET_YEARS as i32,
        target: path.target,
        current,
        progress,
    })
}

/// A base's figures of the year with its progress.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseGreen {
    /// The stored row (name, codes, reported figures).
    pub base: GreenBase,
    /// Its figures.
    pub figures: GreenFigures,
    /// Energy-intensity progress.
    pub energy_target: Option<TargetProgress>,
    /// Carbon-intensity progress.
    pub carbon_target: Option<TargetProgress>,
}

/// A year's incidents by kind.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentYear {
    /// Year.
    pub year: i32,
    /// Count of each kind, in [`IncidentKind::ALL`] order (zeros included).
    pub counts: Vec<(IncidentKind, i64)>,
}

/// The green view of one year and scope.
#[derive(Clone, Debug, PartialEq)]
pub struct GreenView {
    /// The year shown.
    pub year: i32,
    /// Years with December fuel reports, latest first.
    pub years: Vec<i32>,
    /// The scope's own figures.
    pub total: GreenFigures,
    /// The scope's figures in every year of `years`, oldest first (the trend and the targets).
    pub history: Vec<(i32, GreenFigures)>,
    /// Energy-intensity progress of the scope.
    pub energy_target: Option<TargetProgress>,
    /// Carbon-intensity progress of the scope.
    pub carbon_target: Option<TargetProgress>,
    /// The scope's categories (code, figures), by code.
    pub categories: Vec<(String, GreenFigures)>,
    /// The scope's provinces (code, figures), by code.
    pub provinces: Vec<(String, GreenFigures)>,
    /// The scope's bases, by id.
    pub bases: Vec<BaseGreen>,
    /// Safety and environmental incidents of the scope by year (the view's years), oldest first.
    pub incidents: Vec<IncidentYear>,
}

fn empty_figures(factors: &EmissionFactors) -> Result<GreenFigures> {
    figures(
        &GreenSums {
            key: String::new(),
            n_bases: 0,
            n_energy: 0,
            fuels: [0.0; 5],
            energy_reported: 0.0,
            n_with_va: 0,
            fuels_with_va: [0.0; 5],
            va_with_energy: 0.0,
            water_m3: 0.0,
            va_with_water: 0.0,
            green_factories: 0.0,
            n_green: 0,
            synthetic: false,
        },
        factors,
    )
}

/// CO₂ of the bases of the national programme, for the annual report.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeCarbon {
    /// Σ CO₂ of the bases reporting fuels, tonnes.
    pub co2_t: f64,
    /// Bases reporting fuels.
    pub n_bases: i64,
    /// Whether any figure is demo data.
    pub synthetic: bool,
}

/// The CO₂ of `data_year` of the national programme's bases on the roll at the end of
/// `roll_year` (the report's bases; last year's figure of the same bases with `data_year` one
/// less), `None` when none of them reported fuels. Each base's footprint is computed as on the
/// green page and summed in base order, so the total does not depend on the order a database
/// returns rows in (a report's bytes are the same on both backends and on every run).
pub async fn programme_carbon(
    store: &Store,
    factors: &EmissionFactors,
    roll_year: i32,
    data_year: i32,
) -> Result<Option<ProgrammeCarbon>> {
    let filter = GreenFilter {
        national_roll_at: Some(roll_year),
        ..GreenFilter::default()
    };
    let mut total = ProgrammeCarbon {
        co2_t: 0.0,
        n_bases: 0,
        synthetic: false,
    };
    for base in store.green_bases(data_year, &filter).await? {
        let sums = base_sums(&base);
        if sums.n_energy == 0 {
            continue;
        }
        total.co2_t += convert(&sums.fuels, factors)?.co2_t;
        total.n_bases += 1;
        total.synthetic |= base.synthetic;
    }
    Ok((total.n_bases > 0).then_some(total))
}

/// The scope's figures of one year (zeros when no base has a figure).
pub async fn scope_figures(
    store: &Store,
    factors: &EmissionFactors,
    year: i32,
    filter: &GreenFilter,
) -> Result<GreenFigures> {
    match store
        .green_groups(year, GreenGroup::Nation, filter)
        .await?
        .first()
    {
        Some(s) => figures(s, factors),
        None => empty_figures(factors),
    }
}

/// The green view of `year` (the latest with fuel reports when `None`) within `filter`, which
/// the caller has already narrowed to what the viewer may see.
pub async fn view(
    store: &Store,
    factors: &EmissionFactors,
    year: Option<i32>,
    filter: &GreenFilter,
) -> Result<Option<GreenView>> {
    let years = store.green_years().await?;
    let Some(year) = year.or_else(|| years.first().copied()) else {
        return Ok(None);
    };
    let mut history = Vec::new();
    // Each base's figures in every year up to the one shown, for its own target path.
    let mut base_history: std::collections::BTreeMap<i64, Vec<(i32, GreenFigures)>> =
        Default::default();
    let mut shown: Vec<GreenBase> = Vec::new();
    let mut span: Vec<i32> = years.iter().copied().filter(|y| *y <= year).collect();
    if !span.contains(&year) {
        span.push(year);
    }
    span.sort_unstable();
    for &y in &span {
        history.push((y, scope_figures(store, factors, y, filter).await?));
        for b in store.green_bases(y, filter).await? {
            let f = figures(&base_sums(&b), factors)?;
            base_history.entry(b.base_id).or_default().push((y, f));
            if y == year {
                shown.push(b);
            }
        }
    }
    let total = history
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, f)| f.clone())
        .expect("the shown year is in the span");
    let refs: Vec<(i32, &GreenFigures)> = history.iter().map(|(y, f)| (*y, f)).collect();
    let energy_target = target_progress(TargetKind::Energy, &refs, year);
    let carbon_target = target_progress(TargetKind::Carbon, &refs, year);
    let mut bases = Vec::with_capacity(shown.len());
    for b in shown {
        let series = base_history
            .get(&b.base_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let refs: Vec<(i32, &GreenFigures)> = series.iter().map(|(y, f)| (*y, f)).collect();
        let figures = figures(&base_sums(&b), factors)?;
        bases.push(BaseGreen {
            energy_target: target_progress(TargetKind::Energy, &refs, year),
            carbon_target: target_progress(TargetKind::Carbon, &refs, year),
            base: b,
            figures,
        });
    }
    let mut categories = Vec::new();
    for s in store
        .green_groups(year, GreenGroup::Category, filter)
        .await?
    {
        categories.push((s.key.clone(), figures(&s, factors)?));
    }
    let mut provinces = Vec::new();
    for s in store
        .green_groups(year, GreenGroup::Province, filter)
        .await?
    {
        provinces.push((s.key.clone(), figures(&s, factors)?));
    }
    let mut incidents = Vec::new();
    for &y in &span {
        let found = store.incident_counts(y, filter).await?;
        incidents.push(IncidentYear {
            year: y,
            counts: IncidentKind::ALL
                .iter()
                .map(|k| {
                    (
                        *k,
                        found.iter().find(|(f, _)| f == k).map_or(0, |(_, n)| *n),
                    )
                })
                .collect(),
        });
    }
    Ok(Some(GreenView {
        year,
        years,
        total,
        history,
        energy_target,
        carbon_target,
        categories,
        provinces,
        bases,
        incidents,
    }))
}

/// The fuel indicators' codes, as the store sums them (the same order as [`FUEL_INDICATORS`]).
pub fn fuel_codes() -> [&'static str; 5] {
    debug_assert!(
        FUEL_INDICATORS
            .iter()
            .zip(GREEN_FUEL_CODES)
            .all(|(f, c)| f.code == c)
    );
    GREEN_FUEL_CODES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(fuels: [f64; 5], va: f64) -> GreenSums {
        GreenSums {
            key: "all".into(),
            n_bases: 2,
            n_energy: 2,
            fuels,
            energy_reported: 0.0,
            n_with_va: 1,
            fuels_with_va: fuels.map(|f| f / 2.0),
            va_with_energy: va,
            water_m3: 2.0e6,
            va_with_water: 10.0,
            green_factories: 3.0,
            n_green: 2,
            synthetic: true,
        }
    }

    #[test]
    fn the_store_and_the_carbon_module_list_the_fuels_alike() {
        assert_eq!(fuel_codes(), GREEN_FUEL_CODES);
        for (f, c) in FUEL_INDICATORS.iter().zip(GREEN_FUEL_CODES) {
            assert_eq!(f.code, c);
        }
    }

    #[test]
    fn figures_convert_with_the_factors_and_divide_by_the_value_added_of_the_same_bases() {
        let factors = EmissionFactors::shipped();
        // 1,000 t coal, 10 t oil, 5 万m³ gas, 100 万kWh, 2,000 GJ heat; value added 1 亿元.
        let f = figures(&sums([1000.0, 10.0, 5.0, 100.0, 2000.0], 1.0), &factors).unwrap();
        let co2 = 1000.0 * 1.9778968
            + 10.0 * 3.2365584
            + 5.0 * 21.840291
            + 100.0 * 10.0 * 0.5366
            + 2000.0 * 0.11;
        let tce = 1000.0 * 0.7143 + 10.0 * 1.4286 + 5.0 * 13.3 + 1000.0 * 0.1229 + 2000.0 * 0.03412;
        assert!((f.co2_t - co2).abs() < 1e-9, "{} {co2}", f.co2_t);
        assert!((f.energy_tce - tce).abs() < 1e-9);
        // The intensities read the half reported by the base with value added: 1 亿 = 1e4 万元.
        assert!((f.carbon_intensity.unwrap() - co2 / 2.0 / 1e4).abs() < 1e-12);
        assert!((f.energy_intensity.unwrap() - tce / 2.0 / 1e4).abs() < 1e-12);
        // 2e6 m³ over 10 亿元 = 1e5 万元.
        assert_eq!(f.water_intensity, Some(20.0));
        assert_eq!(f.fuels[3].factor, "electricity_grid_2022");
        assert!((f.fuels[3].co2_t - 536.6).abs() < 1e-9);
        let none = figures(&sums([0.0; 5], 0.0), &factors).unwrap();
        assert_eq!(none.carbon_intensity, None);
    }

    #[test]
    fn a_base_is_a_group_of_one() {
        let b = GreenBase {
            base_id: 7,
            name: "x".into(),
            province_code: "420000".into(),
            category_code: "materials".into(),
            fuels: [Some(100.0), None, Some(1.0), Some(10.0), None],
            energy_reported: Some(0.01),
            va: Some(2.0),
            water_int: Some(5.0),
            green_factories: None,
            synthetic: false,
        };
        let s = base_sums(&b);
        assert_eq!(s.fuels, [100.0, 0.0, 1.0, 10.0, 0.0]);
        assert_eq!((s.n_energy, s.n_with_va, s.n_green), (1, 1, 0));
        assert_eq!(s.water_m3, 5.0 * 2.0 * 1e4);
        let no_fuel = GreenBase {
            fuels: [None; 5],
            ..b
        };
        let s = base_sums(&no_fuel);
        assert_eq!((s.n_energy, s.n_with_va, s.va_with_energy), (0, 0, 0.0));
        assert_eq!(s.va_with_water, 2.0);
    }

    #[test]
    fn targets_start_at_the_first_year_with_the_intensity() {
        let factors = EmissionFactors::shipped();
        let at = |coal: f64| figures(&sums([coal, 0.0, 0.0, 0.0, 0.0], 1.0), &factors).unwrap();
        let (a, b, c) = (at(2000.0), at(1900.0), at(1700.0));
        let series = [(2023, &c), (2021, &a), (2022, &b)];
        let p = target_progress(TargetKind::Energy, &series, 2023).unwrap();
        assert_eq!((p.baseline_year, p.target_year), (2021, 2026));
        assert!((p.target - a.energy_intensity.unwrap() * 0.865).abs() < 1e-12);
        // −15 % in two years is past −13.5 %: achieved.
        assert_eq!(
            p.progress.status,
            jidi_monitor::carbon::target::ProgressStatus::Achieved
        );
        let p = target_progress(TargetKind::Carbon, &series, 2022).unwrap();
        // −5 % in one year against the path's 1 − 0.82^(1/5) = 3.89 %: on track.
        assert_eq!(
            p.progress.status,
            jidi_monitor::carbon::target::ProgressStatus::OnTrack
        );
        assert_eq!(target_progress(TargetKind::Carbon, &series, 2020), None);
    }
}
