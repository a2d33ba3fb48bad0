//! Economy, innovation, green and safety: annual values summed in the database over the national
//! bases on the roll at the end of the year (`report_value_totals`), compared with the same
//! bases' values of the year before.

use std::collections::HashMap;

use jidi_domain::incident::IncidentKind;
use jidi_domain::national::NationalMetric;
use jidi_domain::reference::MacroRegion;
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_report::model::{
    BaseFigure, Counter, Economy, EconomyRow, Figure, GreenSafety, IncidentRow, Innovation, Item,
    KeyIndicator, Measure, Name, Provenance, Unit, VetoedBase, YearFigure,
};
use jidi_store::{GroupTotal, ReportGroup, Store};

use super::Result;
use super::names::Labels;
use super::rated::Rated;

/// How many bases the table of the largest lists.
const N_TOP: i64 = 10;
/// Years of the revenue trend, the report's year included.
const TREND_YEARS: i32 = 5;

/// One aggregate of one indicator: a plain sum, a weighted mean (ratio of sums) or a share of
/// revenue turned into money.
#[derive(Clone, Copy)]
enum Agg {
    Sum,
    /// `sum(value * weight) / sum(weight)`.
    Mean(&'static str),
    /// `sum(value * weight) / 100`: a percent of `weight` as an amount (exports from the export
    /// share of revenue).
    PercentOf(&'static str),
}

struct Spec {
    indicator: &'static str,
    agg: Agg,
    unit: Unit,
}

impl Spec {
    const fn new(indicator: &'static str, agg: Agg, unit: Unit) -> Spec {
        Spec {
            indicator,
            agg,
            unit,
        }
    }

    fn weight(&self) -> Option<&'static str> {
        match self.agg {
            Agg::Sum => None,
            Agg::Mean(w) | Agg::PercentOf(w) => Some(w),
        }
    }

    fn formula(&self) -> String {
        let v = self.indicator;
        match self.agg {
            Agg::Sum => format!("sum({v})"),
            Agg::Mean(w) => format!("sum({v} * {w}) / sum({w})"),
            Agg::PercentOf(w) => format!("sum({v} * {w}) / 100"),
        }
    }

    fn value(&self, t: &GroupTotal) -> Option<f64> {
        if t.n_bases == 0 {
            return None;
        }
        match self.agg {
            Agg::Sum => Some(t.sum),
            Agg::Mean(_) => (t.weight_sum > 0.0).then(|| t.sum / t.weight_sum),
            Agg::PercentOf(_) => Some(t.sum / 100.0),
        }
    }

    /// The figure of one group total, named by the query that made it.
    fn figure(
        &self,
        t: &GroupTotal,
        roll_year: i32,
        value_year: i32,
        group: &str,
    ) -> Option<Figure> {
        let value = self.value(t)?;
        Some(Figure::new(
            value,
            self.unit,
            Provenance::query(
                "report_value_totals",
                &format!(
                    "roll_year={roll_year}; year={value_year}; {}; national bases on the roll at {roll_year}-12-31 reporting it{}; n={}",
                    self.formula(),
                    if group == "all" {
                        String::new()
                    } else {
                        format!("; group {group}")
                    },
                    t.n_bases
                ),
            ),
        ))
    }

    async fn totals(
        &self,
        store: &Store,
        year: i32,
        value_year: i32,
        group: ReportGroup,
    ) -> Result<Vec<GroupTotal>> {
        Ok(store
            .report_value_totals(year, value_year, self.indicator, self.weight(), group)
            .await?)
    }

    /// This year's national figure and last year's (same bases).
    async fn measure(&self, store: &Store, year: i32) -> Result<Option<Measure>> {
        let now = self
            .totals(store, year, year, ReportGroup::National)
            .await?;
        let Some(current) = now.first().and_then(|t| self.figure(t, year, year, "all")) else {
            return Ok(None);
        };
        let before = self
            .totals(store, year, year - 1, ReportGroup::National)
            .await?;
        Ok(Some(Measure {
            current,
            previous: before
                .first()
                .and_then(|t| self.figure(t, year, year - 1, "all")),
            national_share: None,
        }))
    }

    async fn key_indicator(
        &self,
        store: &Store,
        year: i32,
        name: Name,
    ) -> Result<Option<KeyIndicator>> {
        Ok(self
            .measure(store, year)
            .await?
            .map(|measure| KeyIndicator {
                key: self.indicator.to_string(),
                name,
                measure,
            }))
    }
}

const REVENUE: Spec = Spec::new("rev_main", Agg::Sum, Unit::Yuan100m);
const PROFIT: Spec = Spec::new("profit_total", Agg::Sum, Unit::Yuan100m);
const RD_INTENSITY: Spec = Spec::new("rd_intensity", Agg::Mean("rev_main"), Unit::Percent);

/// Adds the share of the national above-scale total (占全国比重) to `m` when the reference data
/// have the total of the report's year; the figure names the reference row, its source and the
/// query of the numerator.
fn with_national_share(mut m: Measure, metric: NationalMetric, year: i32) -> Measure {
    let Some(total) = jidi_domain::national::total(metric, year) else {
        return m;
    };
    m.national_share = Some(Figure::new(
        m.current.value / total.value_100m_yuan * 100.0,
        Unit::Percent,
        Provenance::reference(
            jidi_domain::national::NATIONAL_TOTALS_FILE,
            &format!(
                "year={year}; ({source} [{detail}]) / national total {value} 亿元 * 100; national total: {file} line {line} (全国, 规上工业, {name}, {year}), source: {origin}",
                source = m.current.provenance.source,
                detail = m.current.provenance.detail,
                value = total.value_100m_yuan,
                file = jidi_domain::national::NATIONAL_TOTALS_FILE,
                line = total.line,
                name = metric.name_zh(),
                origin = total.source,
            ),
        ),
    ));
    m
}

pub(super) async fn economy(store: &Store, year: i32, labels: &Labels) -> Result<Option<Economy>> {
    let Some(revenue) = REVENUE.measure(store, year).await? else {
        return Ok(None);
    };
    let revenue = with_national_share(revenue, NationalMetric::Revenue, year);
    let value_added = Spec::new("va_ind", Agg::Sum, Unit::Yuan100m)
        .measure(store, year)
        .await?;
    let profit = PROFIT
        .measure(store, year)
        .await?
        .map(|m| with_national_share(m, NationalMetric::Profit, year));
    let rd_intensity = RD_INTENSITY.measure(store, year).await?;
    let exports = Spec::new("export_share", Agg::PercentOf("rev_main"), Unit::Yuan100m)
        .measure(store, year)
        .await?;
    let n_large_firms = Spec::new("ent_above_scale", Agg::Sum, Unit::Count(Counter::Firm))
        .measure(store, year)
        .await?;
    let by_category = rows(store, year, ReportGroup::Category, "category", &|k| {
        labels.category(k)
    })
    .await?;
    let by_region = rows(
        store,
        year,
        ReportGroup::Region,
        "region",
        &|k| match MacroRegion::parse(k) {
            Some(r) => Name::new(r.name_zh(), r.name_en()),
            None => Name::new(k, k),
        },
    )
    .await?;
    let top = store.report_top_values(year, "rev_main", N_TOP).await?;
    let ids: Vec<i64> = top.iter().map(|(id, _)| *id).collect();
    let bases = store.bases_by_ids(&ids).await?;
    let top_bases = top
        .iter()
        .filter_map(|(id, value)| {
            Some(BaseFigure {
                base: labels.base_ref(bases.get(id)?),
                value: Figure::new(
                    *value,
                    Unit::Yuan100m,
                    Provenance::query(
                        "report_top_values",
                        &format!("year={year}; rev_main of base_id={id}; the {N_TOP} largest national bases"),
                    ),
                ),
            })
        })
        .collect();
    let mut revenue_trend = Vec::new();
    for y in (year - TREND_YEARS + 1)..=year {
        let totals = REVENUE
            .totals(store, year, y, ReportGroup::National)
            .await?;
        if let Some(value) = totals
            .first()
            .and_then(|t| REVENUE.figure(t, year, y, "all"))
        {
            revenue_trend.push(YearFigure { year: y, value });
        }
    }
    Ok(Some(Economy {
        revenue,
        value_added,
        profit,
        rd_intensity,
        exports,
        n_large_firms,
        by_category,
        by_region,
        top_bases,
        revenue_trend: if revenue_trend.len() > 1 {
            revenue_trend
        } else {
            Vec::new()
        },
    }))
}

async fn rows(
    store: &Store,
    year: i32,
    group: ReportGroup,
    column: &str,
    label: &(dyn Fn(&str) -> Name + Sync),
) -> Result<Vec<EconomyRow>> {
    let now = REVENUE.totals(store, year, year, group).await?;
    let before: HashMap<String, GroupTotal> = REVENUE
        .totals(store, year, year - 1, group)
        .await?
        .into_iter()
        .map(|t| (t.key.clone(), t))
        .collect();
    let profit: HashMap<String, GroupTotal> = PROFIT
        .totals(store, year, year, group)
        .await?
        .into_iter()
        .map(|t| (t.key.clone(), t))
        .collect();
    Ok(now
        .iter()
        .filter_map(|t| {
            let g = format!("{column}={}", t.key);
            Some(EconomyRow {
                key: t.key.clone(),
                label: label(&t.key),
                n_bases: Figure::new(
                    t.n_bases as f64,
                    Unit::Count(Counter::Base),
                    Provenance::query(
                        "report_value_totals",
                        &format!("roll_year={year}; year={year}; count of national bases reporting rev_main; group {g}"),
                    ),
                ),
                revenue: REVENUE.figure(t, year, year, &g)?,
                revenue_previous: before
                    .get(&t.key)
                    .and_then(|b| REVENUE.figure(b, year, year - 1, &g)),
                profit: profit
                    .get(&t.key)
                    .and_then(|p| PROFIT.figure(p, year, year, &g)),
            })
        })
        .collect())
}

pub(super) async fn innovation(
    store: &Store,
    year: i32,
    labels: &Labels,
) -> Result<Option<Innovation>> {
    let specs = [
        (RD_INTENSITY, Name::new("研发经费投入强度", "R&D intensity")),
        (
            Spec::new("patents", Agg::Sum, Unit::Count(Counter::Patent)),
            Name::new("有效发明专利", "Valid invention patents"),
        ),
        (
            Spec::new("hitech_ent", Agg::Sum, Unit::Count(Counter::Firm)),
            Name::new("高新技术企业", "High-tech enterprises"),
        ),
        (
            Spec::new("rd_inst", Agg::Sum, Unit::Count(Counter::Platform)),
            Name::new(
                "国家级和省级研发机构",
                "National and provincial R&D institutions",
            ),
        ),
        (
            Spec::new("new_product_share", Agg::Mean("rev_main"), Unit::Percent),
            Name::new("新产品销售收入占比", "New-product share of revenue"),
        ),
    ];
    let mut indicators = Vec::new();
    for (spec, name) in specs {
        if let Some(k) = spec.key_indicator(store, year, name).await? {
            indicators.push(k);
        }
    }
    let rd_intensity_by_category: Vec<Item> = RD_INTENSITY
        .totals(store, year, year, ReportGroup::Category)
        .await?
        .iter()
        .filter_map(|t| {
            Some(Item {
                key: t.key.clone(),
                label: labels.category(&t.key),
                value: RD_INTENSITY.figure(t, year, year, &format!("category={}", t.key))?,
            })
        })
        .collect();
    if indicators.is_empty() && rd_intensity_by_category.is_empty() {
        return Ok(None);
    }
    Ok(Some(Innovation {
        indicators,
        rd_intensity_by_category,
    }))
}

fn incident_names(kind: IncidentKind) -> (Name, Name) {
    let safety = Name::new("生产安全事故", "Safety accidents");
    let environment = Name::new("突发环境事件", "Environmental incidents");
    match kind {
        IncidentKind::SafetyMajor => (safety, Name::new("重大及以上", "Major or worse")),
        IncidentKind::SafetySerious => (safety, Name::new("较大", "Serious")),
        IncidentKind::EnvironmentLevel1 => (environment, Name::new("Ⅰ级（特别重大）", "Level I")),
        IncidentKind::EnvironmentLevel2 => (environment, Name::new("Ⅱ级（重大）", "Level II")),
    }
}

/// Incidents in `year` of the bases of the national programme on the roll at the end of that
/// year (by the tier of that day), by kind.
async fn incidents_by_kind(store: &Store, year: i32) -> Result<HashMap<IncidentKind, i64>> {
    let incidents = store.incidents_in_year(year).await?;
    let national: std::collections::HashSet<i64> =
        store.report_national_ids(year).await?.into_iter().collect();
    let mut out = HashMap::new();
    for (id, kind, _) in incidents {
        if national.contains(&id) {
            *out.entry(kind).or_insert(0) += 1;
        }
    }
    Ok(out)
}

pub(super) async fn green_safety(
    store: &Store,
    year: i32,
    rated: Option<&Rated>,
    labels: &Labels,
    factors: &EmissionFactors,
) -> Result<Option<GreenSafety>> {
    let energy_intensity = Spec::new("energy_int", Agg::Mean("va_ind"), Unit::TcePer10kYuan)
        .measure(store, year)
        .await?;
    // CO₂ from the fuels reported for December (1–12月) by the bases on the roll at the end of
    // the year; last year's of the same bases.
    let co2 = |data_year: i32, c: &crate::green::ProgrammeCarbon| {
        Figure::new(
            c.co2_t / 1e4,
            Unit::Tonnes10k,
            Provenance::query(
                "green_bases",
                &format!(
                    "roll={year}; year={data_year}; CO₂ of {} bases of the national programme reporting fuels, 1–12月, emission factors {}",
                    c.n_bases,
                    factors
                        .all()
                        .map(|f| f.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        )
    };
    let carbon = match crate::green::programme_carbon(store, factors, year, year).await? {
        Some(now) => {
            let before = crate::green::programme_carbon(store, factors, year, year - 1).await?;
            Some(Measure {
                current: co2(year, &now),
                previous: before.map(|b| co2(year - 1, &b)),
                national_share: None,
            })
        }
        None => None,
    };
    let mut indicators = Vec::new();
    if let Some(k) = Spec::new("green_factory", Agg::Sum, Unit::Count(Counter::Firm))
        .key_indicator(
            store,
            year,
            Name::new("国家级绿色工厂", "National green factories"),
        )
        .await?
    {
        indicators.push(k);
    }
    let now = incidents_by_kind(store, year).await?;
    let before = incidents_by_kind(store, year - 1).await?;
    let p = |y: i32, kind: IncidentKind| {
        Provenance::query(
            "incidents_in_year",
            &format!(
                "year={y}; kind={}; incidents of bases of the national programme",
                kind.code()
            ),
        )
    };
    let incidents = IncidentKind::ALL
        .iter()
        .map(|&kind| {
            let (kind_name, grade) = incident_names(kind);
            let count = |m: &HashMap<IncidentKind, i64>, y: i32| {
                Figure::new(
                    m.get(&kind).copied().unwrap_or(0) as f64,
                    Unit::Count(Counter::Incident),
                    p(y, kind),
                )
            };
            IncidentRow {
                key: kind.code().to_string(),
                kind: kind_name,
                grade,
                count: count(&now, year),
                previous: Some(count(&before, year - 1)),
            }
        })
        .collect();
    let vetoed = rated
        .map(|r| {
            r.results
                .iter()
                .filter(|x| x.vetoed)
                .filter_map(|x| {
                    Some(VetoedBase {
                        base: labels.base_ref(r.bases.get(&x.base_id)?),
                        reason: Name::zh_only(x.veto_reason.as_deref().unwrap_or("一票否决")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if energy_intensity.is_none()
        && carbon.is_none()
        && indicators.is_empty()
        && now.is_empty()
        && before.is_empty()
    {
        return Ok(None);
    }
    Ok(Some(GreenSafety {
        energy_intensity,
        carbon,
        indicators,
        incidents,
        vetoed,
    }))
}
