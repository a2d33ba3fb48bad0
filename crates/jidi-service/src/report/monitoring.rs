//! Monitoring and warnings of the year (运行监测与预警), from the derived monthly series
//! (`monitor_values`) and the graded warnings (`monitor_warnings`), counted in the database.
//!
//! A warning belongs to the month it opened and counts at the highest level it reached (a yellow
//! warning that later turned red is one red warning). The year-to-date revenue growth is a ratio of
//! sums over the bases that report both this year's and last year's 1–N月 revenue.

use jidi_report::model::{
    Counter, Figure, Monitoring, MonthFigure, MonthWarnings, Name, Provenance, Unit, WarningLevel,
};
use jidi_store::Store;

use super::Result;
use super::names::Labels;

/// The monthly revenue indicator (营业收入, 1–N月 cumulative).
const REVENUE: &str = "m_rev";
/// At most this many orange and red warnings are listed (the most severe first); the counts cover
/// them all.
pub(super) const MAX_NOTABLE: i64 = 60;

fn warnings_detail(year: i32, month: Option<u8>, level: WarningLevel) -> String {
    let opened = match month {
        Some(m) => format!("opened={year}{m:02}"),
        None => format!("opened in {year}01–{year}12"),
    };
    format!(
        "year={year}; monitor_warnings {opened}; peak={}; count(*)",
        level.code()
    )
}

fn warning_count(n: i64, detail: String) -> Figure {
    Figure::new(
        n as f64,
        Unit::Count(Counter::Warning),
        Provenance::query("report_warning_counts", &detail),
    )
}

/// The year's monitoring; `None` when no base has monthly revenue in the year (the monitored
/// bases are those reporting it).
pub(super) async fn monitoring(
    store: &Store,
    year: i32,
    labels: &Labels,
) -> Result<Option<Monitoring>> {
    let n_monitored = store.report_monitored_bases(year, REVENUE).await?;
    if n_monitored == 0 {
        return Ok(None);
    }
    let n_bases_monitored = Figure::new(
        n_monitored as f64,
        Unit::Count(Counter::Base),
        Provenance::query(
            "report_monitored_bases",
            &format!(
                "year={year}; count(distinct base_id) of monitor_values with indicator={REVENUE} and period in {year}01–{year}12"
            ),
        ),
    );

    // Every month from the first to the last with monthly data, so that a month without a
    // warning shows as zero rather than disappearing from the table and chart.
    let months: Vec<u8> = store
        .monitor_periods(REVENUE)
        .await?
        .into_iter()
        .filter(|p| p / 100 == year)
        .filter_map(|p| u8::try_from(p % 100).ok())
        .filter(|m| (1..=12).contains(m))
        .collect();
    let counts = store.report_warning_counts(year).await?;
    let level_index = |code: &str| WarningLevel::ALL.iter().position(|l| l.code() == code);
    let mut grid = [[0i64; 4]; 12];
    for c in &counts {
        if let Some(k) = level_index(&c.level) {
            grid[usize::from(c.month) - 1][k] += c.n;
        }
    }
    let first = months
        .iter()
        .chain(counts.iter().map(|c| &c.month))
        .min()
        .copied();
    let last = months
        .iter()
        .chain(counts.iter().map(|c| &c.month))
        .max()
        .copied();
    let by_month = match (first, last) {
        (Some(first), Some(last)) => (first..=last)
            .map(|m| MonthWarnings {
                month: m,
                counts: std::array::from_fn(|k| {
                    warning_count(
                        grid[usize::from(m) - 1][k],
                        warnings_detail(year, Some(m), WarningLevel::ALL[k]),
                    )
                }),
            })
            .collect(),
        _ => Vec::new(),
    };
    let warnings = std::array::from_fn(|k| {
        warning_count(
            grid.iter().map(|row| row[k]).sum(),
            warnings_detail(year, None, WarningLevel::ALL[k]),
        )
    });

    let revenue_growth_by_month = store
        .report_ytd_growth(year, REVENUE)
        .await?
        .into_iter()
        .filter(|s| s.then > 0.0 && s.n_comparable > 0)
        .map(|s| MonthFigure {
            month: s.month,
            value: Figure::new(
                (s.now / s.then - 1.0) * 100.0,
                Unit::Percent,
                Provenance::query(
                    "report_ytd_growth",
                    &format!(
                        "year={year}; period={year}{:02}; indicator={REVENUE}; (sum(cumulative) / sum(cumulative_ly) - 1) * 100 over monitor_values with both; n={}",
                        s.month, s.n_comparable
                    ),
                ),
            ),
        })
        .collect();

    let items = store
        .report_warning_items(year, &["red", "orange"], MAX_NOTABLE)
        .await?;
    let ids: Vec<i64> = items.iter().map(|w| w.base_id).collect();
    let bases = store.bases_by_ids(&ids).await?;
    let notable = items
        .into_iter()
        .filter_map(|w| {
            let base = bases.get(&w.base_id)?;
            let level = match w.peak.as_str() {
                "red" => WarningLevel::Red,
                _ => WarningLevel::Orange,
            };
            let signal = match crate::monitoring::rule_named(&w.rule_id) {
                Some(rule) => Name::new(&rule.name_zh, &rule.name_en),
                None => Name::zh_only(&w.rule_id),
            };
            Some(jidi_report::model::WarningItem {
                key: w.id.to_string(),
                base: labels.base_ref(base),
                level,
                month: w.month,
                signal,
            })
        })
        .collect();

    Ok(Some(Monitoring {
        n_bases_monitored,
        warnings,
        by_month,
        revenue_growth_by_month,
        notable,
    }))
}
