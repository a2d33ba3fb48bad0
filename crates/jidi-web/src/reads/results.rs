//! A run's results as the viewer may see them: pages, filters and the exported table.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jidi_domain::access::{self, Principal};
use jidi_domain::roll::Base;
use jidi_store::{ResultFilter, ResultRecord, RunRecord, RunStatus};
use jidi_tabular::Cell;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::params::{Paging, parse_opt};
use crate::reads::bases::scope;
use crate::reads::cache::Generation;
use crate::state::AppState;

/// Results filters.
#[derive(Deserialize, Serialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    /// Category (peer group) code.
    pub category: Option<String>,
    /// Province code.
    pub province: Option<String>,
    /// Stars 1–5.
    pub stars: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Rows per page (1–500, default 100).
    pub per_page: Option<String>,
    /// Part of the base name to search for (at most 100 characters).
    pub q: Option<String>,
    /// Sort column: `rank` (default), `national_score`, `name` (pinyin order), `province`,
    /// `category`, `stars`, `score`, `category_rank`, `interval`, `stars_change`, `rank_change`.
    /// Figures the viewer may not see sort as missing (last), so the order reveals nothing.
    pub sort: Option<String>,
    /// Sort direction: `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// Export only: `xlsx` or `csv`.
    pub format: Option<String>,
    /// Interface language.
    pub lang: Option<String>,
}

/// A result row; fields the viewer may not see are `null` (the public sees published stars).
#[derive(Serialize, ToSchema, Clone)]
pub struct ResultView {
    /// Base.
    pub base_id: i64,
    /// Base name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Province code.
    pub province_code: String,
    /// Peer group code.
    pub category: String,
    /// Peer group name.
    pub category_name: String,
    /// Stars.
    pub stars: Option<i32>,
    /// Whether the full figures are visible.
    pub full: bool,
    /// Score within the peer group (stars and the group rank rest on it).
    pub score: Option<f64>,
    /// Score on one normalisation across all bases (the national rank rests on it; `null` for
    /// runs made before it existed).
    pub national_score: Option<f64>,
    /// National rank, by the national score.
    pub national_rank: Option<f64>,
    /// Rank in the peer group.
    pub category_rank: Option<f64>,
    /// 5th percentile of the national rank.
    pub rank_p05: Option<f64>,
    /// 95th percentile of the national rank.
    pub rank_p95: Option<f64>,
    /// Vetoed.
    pub vetoed: Option<bool>,
    /// Veto reason.
    pub veto_reason: Option<String>,
    /// Stars before the veto.
    pub stars_before_veto: Option<i32>,
    /// Probability of one to five stars.
    pub star_probabilities: Option<Vec<f64>>,
    /// How firmly the base holds its star under the published method's weight and data
    /// uncertainty.
    pub star_confidence: Option<StarConfidenceView>,
    /// Stars in the latest published run of the year before (`null` without one).
    pub previous_stars: Option<i32>,
    /// Stars now minus stars then.
    pub stars_change: Option<i32>,
    /// National rank in that run, when the viewer sees the figures of both.
    pub previous_rank: Option<f64>,
    /// Places gained since then (previous rank minus rank: positive is a move up).
    pub rank_change: Option<f64>,
    /// Whether the base's data are demo data.
    pub synthetic: bool,
}

/// The column a results table is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ResultSort {
    /// National rank.
    #[default]
    Rank,
    /// Score on the national normalisation.
    NationalScore,
    /// Base name, in pinyin order.
    Name,
    /// Province name.
    Province,
    /// Category name.
    Category,
    /// Stars.
    Stars,
    /// Score in the peer group.
    Score,
    /// Rank in the peer group.
    CategoryRank,
    /// Lower end of the rank interval.
    Interval,
    /// Change in stars from last year.
    StarsChange,
    /// Change in rank from last year.
    RankChange,
}

impl ResultSort {
    /// Every column with its query value, in table order.
    pub const ALL: [(ResultSort, &'static str); 11] = [
        (ResultSort::Rank, "rank"),
        (ResultSort::NationalScore, "national_score"),
        (ResultSort::Name, "name"),
        (ResultSort::Province, "province"),
        (ResultSort::Category, "category"),
        (ResultSort::Stars, "stars"),
        (ResultSort::Score, "score"),
        (ResultSort::CategoryRank, "category_rank"),
        (ResultSort::Interval, "interval"),
        (ResultSort::StarsChange, "stars_change"),
        (ResultSort::RankChange, "rank_change"),
    ];
}

/// How a results table is searched and ordered.
#[derive(Clone, Debug, Default)]
pub struct ResultOrder {
    /// Part of the name, as typed.
    pub search: Option<String>,
    /// Sort column.
    pub sort: ResultSort,
    /// Descending.
    pub descending: bool,
}

/// How firmly a base holds its awarded star.
#[derive(Serialize, ToSchema, Clone)]
pub struct StarConfidenceView {
    /// Share of the replications that award the published star (after any veto).
    pub probability: f64,
    /// Another star comes up in at least a third of the replications.
    pub borderline: bool,
    /// The likeliest other star.
    pub alternative_stars: Option<u8>,
    /// Its probability.
    pub alternative_probability: Option<f64>,
}

/// Whether `viewer` sees the full figures of `base` in a run of `status`.
pub fn full_view(viewer: Option<&Principal>, base: &Base, status: RunStatus) -> bool {
    match status {
        RunStatus::Trial => access::can_view_trials(viewer).granted(),
        RunStatus::Published => access::can_view_base_data(viewer, scope(base)).granted(),
    }
}

/// One page of a run's results as the viewer may see them, and the total matching the filter.
pub async fn results_page(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    filter: &ResultFilter,
    order: &ResultOrder,
    paging: Paging,
) -> Result<(Vec<ResultView>, i64), AppError> {
    // A run holds one row per base (about 450), so the whole filtered run is read once and
    // searched, compared with last year and sorted here: every column sorts the same way on both
    // backends, including the pinyin order of names and the changes that live in two runs.
    let rows = ordered_results(state, viewer, run, filter, order).await?;
    let total = rows.len() as i64;
    let page = rows
        .into_iter()
        .skip(paging.offset as usize)
        .take(paging.per_page as usize)
        .collect();
    Ok((page, total))
}

/// Every row of a run with its base, as read from the store.
struct RunRows {
    rows: Vec<ResultRecord>,
    bases: std::collections::HashMap<i64, Base>,
}

/// A run's rows and their bases, kept (`crate::reads::cache`): a run's results never change once
/// written, so they are kept under its id and hashes (a deleted trial's id may come back, with
/// other results), and for one data generation, which the roll's changes advance. Reading
/// and decoding them was most of the results page's CPU (about 7 ms a request, 2026-12-01).
async fn run_rows(
    state: &AppState,
    at: Generation,
    run: &RunRecord,
) -> Result<std::sync::Arc<RunRows>, AppError> {
    // The content hash too: the results hash covers scores, ranks and stars only, and a trial
    // deleted and run again (SQLite may give it the same id) can differ in the rest.
    let key = format!(
        "run rows|{}|{}|{}",
        run.id, run.results_hash, run.content_hash
    );
    state
        .reads
        .read(at, key, || async {
            let rows = state
                .store
                .all_run_results(run.id, &ResultFilter::default())
                .await?;
            let ids: Vec<i64> = rows.iter().map(|r| r.base_id).collect();
            let bases = state.store.bases_by_ids(&ids).await?;
            Ok(RunRows { rows, bases })
        })
        .await
}

/// Every result of a run matching `filter` and `order.search`, with last year's changes, in
/// `order`.
pub async fn ordered_results(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    filter: &ResultFilter,
    order: &ResultOrder,
) -> Result<Vec<ResultView>, AppError> {
    let at = Generation::now(state).await?;
    let kept = run_rows(state, at, run).await?;
    let mut views: Vec<ResultView> = kept
        .rows
        .iter()
        .filter(|r| filter.matches(r))
        .filter_map(|r| {
            Some(result_view(
                state,
                viewer,
                run,
                kept.bases.get(&r.base_id)?,
                r,
            ))
        })
        .collect();
    if let Some(needle) = order.search.as_deref() {
        let needle = needle.to_lowercase();
        views.retain(|v| v.name.to_lowercase().contains(&needle));
    }
    add_changes(state, at, run, &mut views).await?;
    sort_results(&mut views, order);
    Ok(views)
}

/// Fills in the changes from the latest published run of the year before. Stars of a published
/// run are public; a rank change needs the full figures in both runs.
async fn add_changes(
    state: &AppState,
    at: Generation,
    run: &RunRecord,
    views: &mut [ResultView],
) -> Result<(), AppError> {
    let Some(previous_year) = run.year.checked_sub(1) else {
        return Ok(());
    };
    let Some(previous) = state
        .store
        .runs(Some(previous_year), false)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let before = run_rows(state, at, &previous).await?;
    let before: std::collections::HashMap<i64, &ResultRecord> =
        before.rows.iter().map(|r| (r.base_id, r)).collect();
    for v in views.iter_mut() {
        let Some(b) = before.get(&v.base_id) else {
            continue;
        };
        v.previous_stars = b.stars;
        v.stars_change = v.stars.zip(b.stars).map(|(now, then)| now - then);
        if v.full {
            v.previous_rank = b.national_rank;
            v.rank_change = v
                .national_rank
                .zip(b.national_rank)
                .map(|(now, then)| then - now);
        }
    }
    Ok(())
}

/// Sorts rows by `order`; missing figures go last in both directions, ties by national rank and
/// then base id so that pages never overlap.
pub fn sort_results(views: &mut [ResultView], order: &ResultOrder) {
    use std::cmp::Ordering;
    fn num(a: Option<f64>, b: Option<f64>) -> Option<Ordering> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.total_cmp(&b)),
            _ => None,
        }
    }
    let keys: Vec<String> = if order.sort == ResultSort::Name {
        views
            .iter()
            .map(|v| jidi_domain::pinyin_key::name_sort_key(&v.name))
            .collect()
    } else {
        Vec::new()
    };
    let mut idx: Vec<usize> = (0..views.len()).collect();
    let f = |x: Option<i32>| x.map(f64::from);
    idx.sort_by(|&i, &j| {
        let (a, b) = (&views[i], &views[j]);
        let primary: Option<Ordering> = match order.sort {
            ResultSort::Rank => num(a.national_rank, b.national_rank),
            ResultSort::NationalScore => num(a.national_score, b.national_score),
            ResultSort::Name => Some(keys[i].cmp(&keys[j]).then_with(|| a.name.cmp(&b.name))),
            ResultSort::Province => Some(a.province_name.cmp(&b.province_name)),
            ResultSort::Category => Some(a.category_name.cmp(&b.category_name)),
            ResultSort::Stars => num(f(a.stars), f(b.stars)),
            ResultSort::Score => num(a.score, b.score),
            ResultSort::CategoryRank => num(a.category_rank, b.category_rank),
            ResultSort::Interval => num(a.rank_p05, b.rank_p05),
            ResultSort::StarsChange => num(f(a.stars_change), f(b.stars_change)),
            ResultSort::RankChange => num(a.rank_change, b.rank_change),
        };
        let primary = match primary {
            Some(o) if order.descending => o.reverse(),
            Some(o) => o,
            // One side missing: the present one first, whatever the direction.
            None => {
                let present = |v: &ResultView| match order.sort {
                    ResultSort::Rank => v.national_rank.is_some(),
                    ResultSort::NationalScore => v.national_score.is_some(),
                    ResultSort::Stars => v.stars.is_some(),
                    ResultSort::Score => v.score.is_some(),
                    ResultSort::CategoryRank => v.category_rank.is_some(),
                    ResultSort::Interval => v.rank_p05.is_some(),
                    ResultSort::StarsChange => v.stars_change.is_some(),
                    ResultSort::RankChange => v.rank_change.is_some(),
                    _ => true,
                };
                present(b).cmp(&present(a))
            }
        };
        primary
            .then_with(|| {
                num(a.national_rank, b.national_rank)
                    .unwrap_or_else(|| b.national_rank.is_some().cmp(&a.national_rank.is_some()))
            })
            .then(a.base_id.cmp(&b.base_id))
    });
    let sorted: Vec<ResultView> = idx.iter().map(|&i| views[i].clone()).collect();
    views.clone_from_slice(&sorted);
}

/// One result row for the viewer.
pub fn result_view(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    base: &Base,
    r: &ResultRecord,
) -> ResultView {
    let full = full_view(viewer.who(), base, run.status);
    ResultView {
        base_id: r.base_id,
        name: base.facts.name.clone(),
        province_name: crate::views::province_name(&r.province_code, viewer.lang),
        province_code: r.province_code.clone(),
        category: r.category_code.clone(),
        category_name: state.category_name(&r.category_code, viewer.lang),
        stars: r.stars,
        full,
        score: r.score.filter(|_| full),
        national_score: r.national_score.filter(|_| full),
        national_rank: r.national_rank.filter(|_| full),
        category_rank: r.category_rank.filter(|_| full),
        rank_p05: r.rank_p05.filter(|_| full),
        rank_p95: r.rank_p95.filter(|_| full),
        vetoed: full.then_some(r.vetoed),
        veto_reason: r
            .veto_reason
            .as_deref()
            .filter(|_| full)
            .map(|t| crate::views::veto_reason_text(t, viewer.lang)),
        stars_before_veto: r.stars_before_veto.filter(|_| full),
        star_probabilities: r.star_probabilities.filter(|_| full).map(Vec::from),
        star_confidence: r
            .star_probabilities
            .zip(r.stars)
            .filter(|_| full)
            .map(|(p, stars)| {
                let c = jidi_domain::evaluation::star_confidence(stars.clamp(1, 5) as u8, &p);
                StarConfidenceView {
                    probability: c.probability,
                    borderline: c.borderline,
                    alternative_stars: c.alternative.map(|a| a.0),
                    alternative_probability: c.alternative.map(|a| a.1),
                }
            }),
        previous_stars: None,
        stars_change: None,
        previous_rank: None,
        rank_change: None,
        synthetic: base.facts.synthetic || run.synthetic,
    }
}

/// Parses the search and order of a results table.
pub fn parse_results_order(q: &ResultsQuery) -> Result<ResultOrder, AppError> {
    let search = match q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) if t.chars().count() > 100 || t.contains('\0') => {
            return Err(AppError::bad_field(
                "q",
                "at most 100 characters, without NUL",
            ));
        }
        Some(t) => Some(t.to_string()),
    };
    let sort = parse_opt(
        &q.sort,
        "sort",
        |v| ResultSort::ALL.iter().find(|(_, n)| *n == v).map(|(s, _)| *s),
        "one of rank, national_score, name, province, category, stars, score, category_rank, interval, stars_change, rank_change",
    )?
    .unwrap_or_default();
    let descending = parse_opt(
        &q.dir,
        "dir",
        |v| match v {
            "asc" => Some(false),
            "desc" => Some(true),
            _ => None,
        },
        "asc or desc",
    )?
    .unwrap_or(false);
    Ok(ResultOrder {
        search,
        sort,
        descending,
    })
}

/// Parses results filters.
pub fn parse_results_query(q: &ResultsQuery) -> Result<(ResultFilter, Paging), AppError> {
    let filter = ResultFilter {
        category: q.category.clone().filter(|s| !s.is_empty()),
        province: parse_opt(
            &q.province,
            "province",
            |v| {
                jidi_domain::reference::Regions::get()
                    .province(v)
                    .map(|p| p.code.clone())
            },
            "a province code",
        )?,
        stars: parse_opt(
            &q.stars,
            "stars",
            |v| v.parse::<i32>().ok().filter(|s| (1..=5).contains(s)),
            "1 to 5",
        )?,
        base_ids: None,
    };
    Ok((filter, Paging::parse(&q.page, &q.per_page, 100, 500)?))
}

/// The results table as XLSX or CSV (what the viewer may see).
pub async fn export_results(
    state: &AppState,
    viewer: &Viewer,
    run: &RunRecord,
    filter: &ResultFilter,
    order: &ResultOrder,
    format: &str,
) -> Result<Response, AppError> {
    if !matches!(format, "xlsx" | "csv") {
        return Err(AppError::bad_field(
            "format",
            format!("{format:?} is not xlsx or csv"),
        ));
    }
    let rows = ordered_results(state, viewer, run, filter, order).await?;
    let lang = viewer.lang;
    let header = [
        lang.pick("基地编号", "base_id"),
        lang.pick("基地名称", "name"),
        lang.pick("省份", "province"),
        lang.pick("类别", "category"),
        lang.pick("星级", "stars"),
        lang.pick("组内综合得分", "score"),
        lang.pick("全国统一口径得分", "national_score"),
        lang.pick("全国排名", "rank"),
        lang.pick("组内排名", "category_rank"),
        lang.pick("排名区间下限(P5)", "rank_p05"),
        lang.pick("排名区间上限(P95)", "rank_p95"),
        lang.pick("获评星级概率", "star_probability"),
        lang.pick("星级临界", "borderline"),
        lang.pick("一票否决", "vetoed"),
        lang.pick("模拟数据", "synthetic"),
    ];
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Number(r.base_id as f64),
                Cell::Text(r.name.clone()),
                Cell::Text(r.province_name.clone()),
                Cell::Text(r.category_name.clone()),
                r.stars.map_or(Cell::Empty, |s| Cell::Number(s as f64)),
                Cell::from(r.score),
                Cell::from(r.national_score),
                Cell::from(r.national_rank),
                Cell::from(r.category_rank),
                Cell::from(r.rank_p05),
                Cell::from(r.rank_p95),
                Cell::from(r.star_confidence.as_ref().map(|c| c.probability)),
                r.star_confidence.as_ref().map_or(Cell::Empty, |c| {
                    Cell::Text(
                        if c.borderline {
                            lang.pick("是", "yes")
                        } else {
                            lang.pick("否", "no")
                        }
                        .into(),
                    )
                }),
                r.vetoed.map_or(Cell::Empty, |v| {
                    Cell::Text(
                        if v {
                            lang.pick("是", "yes")
                        } else {
                            lang.pick("否", "no")
                        }
                        .into(),
                    )
                }),
                Cell::Text(
                    if r.synthetic {
                        lang.pick("是", "yes")
                    } else {
                        lang.pick("否", "no")
                    }
                    .into(),
                ),
            ]
        })
        .collect();
    let name = format!("jidi-evaluation-{}-{}", run.year, run.id);
    if format == "xlsx" {
        let bytes = jidi_tabular::write_xlsx(&format!("{}", run.year), &header, &cells)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.xlsx\""),
                ),
            ],
            bytes,
        )
            .into_response())
    } else {
        let bytes =
            jidi_tabular::write_csv(&header, &cells).map_err(|e| AppError::Internal(e.into()))?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            bytes,
        )
            .into_response())
    }
}
