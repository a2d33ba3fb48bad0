//! The year's published evaluation (stars by category and province, five-star list, movers,
//! uncertainty, every rating) and the appendix (indicators and scheme of that run).

use std::collections::{BTreeMap, HashMap};

use jidi_domain::catalogue::{self, DIMENSIONS};
use jidi_domain::incident::IncidentKind;
use jidi_domain::roll::Base;
use jidi_domain::scheme::StarRuleKind;
use jidi_report::model::{
    Appendix, Counter, DataSource, Direction, Evaluation, Figure, IndicatorDef, Item, Mover, Name,
    Provenance, RatedBase, SchemeSummary, StarRow, StarRule, Uncertainty, UncertaintyRow, Unit,
};
use jidi_store::{ResultRecord, RunRecord, Store};

use super::names::Labels;
use super::{Result, date};

/// The published evaluation of the year, with what other sections read from it.
pub(super) struct Rated {
    pub evaluation: Evaluation,
    /// Results of the run.
    pub results: Vec<ResultRecord>,
    /// The bases of those results.
    pub bases: HashMap<i64, Base>,
}

/// How many movers up and down are listed.
const N_MOVERS: usize = 5;

fn stars_of(results: &[&ResultRecord], provenance: &dyn Fn(usize) -> Provenance) -> [Figure; 5] {
    std::array::from_fn(|k| {
        let n = results
            .iter()
            .filter(|r| r.stars == Some(k as i32 + 1))
            .count();
        Figure::new(n as f64, Unit::Count(Counter::Base), provenance(k + 1))
    })
}

pub(super) async fn load(store: &Store, run: &RunRecord, labels: &Labels) -> Result<Rated> {
    let results: Vec<ResultRecord> = store
        .all_run_results(run.id, &Default::default())
        .await?
        .into_iter()
        .filter(|r| r.stars.is_some())
        .collect();
    let ids: Vec<i64> = results.iter().map(|r| r.base_id).collect();
    let bases = store.bases_by_ids(&ids).await?;
    let p = |detail: String| Provenance::run(run.id, &detail);
    let all: Vec<&ResultRecord> = results.iter().collect();
    let group_rows =
        |column: &str, key_of: &dyn Fn(&ResultRecord) -> &str, label: &dyn Fn(&str) -> Name| {
            let mut groups: BTreeMap<&str, Vec<&ResultRecord>> = BTreeMap::new();
            for r in &results {
                groups.entry(key_of(r)).or_default().push(r);
            }
            groups
                .into_iter()
                .map(|(key, rows)| StarRow {
                    key: key.to_string(),
                    label: label(key),
                    n_bases: Figure::new(
                        rows.len() as f64,
                        Unit::Count(Counter::Base),
                        p(format!("results with stars; {column}={key}")),
                    ),
                    stars: stars_of(&rows, &|k| {
                        p(format!("results with stars={k}; {column}={key}"))
                    }),
                })
                .collect::<Vec<_>>()
        };
    // The results' `category_code` is the peer group (a category, or a sub-type large enough to
    // be compared on its own): named as such, not as the whole category.
    let mut group_keys: Vec<&str> = results.iter().map(|r| r.category_code.as_str()).collect();
    group_keys.sort_unstable();
    group_keys.dedup();
    let group_name = |k: &str| labels.peer_group(k, &group_keys);
    let by_category = group_rows("category_code", &|r| &r.category_code, &group_name);
    let by_province = group_rows("province_code", &|r| &r.province_code, &|k| {
        labels.province(k)
    });
    let rated_base = |r: &ResultRecord| -> Option<RatedBase> {
        let base = bases.get(&r.base_id)?;
        Some(RatedBase {
            base: labels.base_ref(base),
            group: Some(group_name(&r.category_code)),
            stars: Figure::new(
                r.stars.unwrap_or(0) as f64,
                Unit::Stars,
                p(format!("base_id={}; stars", r.base_id)),
            ),
            score: r
                .score
                .map(|s| Figure::new(s, Unit::Score, p(format!("base_id={}; score", r.base_id)))),
            group_rank: r.category_rank.map(|s| {
                Figure::new(
                    s,
                    Unit::Rank,
                    p(format!("base_id={}; category_rank", r.base_id)),
                )
            }),
        })
    };
    // The five-star list by score, highest first, ties by id; every rating by peer group and
    // rank within it (as the report says).
    let mut five: Vec<&ResultRecord> = results.iter().filter(|r| r.stars == Some(5)).collect();
    five.sort_by(|a, b| {
        let s = |r: &ResultRecord| r.score.unwrap_or(f64::NEG_INFINITY);
        s(b).total_cmp(&s(a)).then(a.base_id.cmp(&b.base_id))
    });
    let five_star = five.iter().filter_map(|r| rated_base(r)).collect();
    let mut by_group: Vec<&ResultRecord> = results.iter().collect();
    by_group.sort_by(|a, b| {
        let rank = |r: &ResultRecord| r.category_rank.unwrap_or(f64::INFINITY);
        a.category_code
            .cmp(&b.category_code)
            .then(rank(a).total_cmp(&rank(b)))
            .then(a.base_id.cmp(&b.base_id))
    });
    let ratings = by_group.iter().filter_map(|r| rated_base(r)).collect();
    let movers = movers(store, run, &results, &bases, labels).await?;
    let uncertainty = uncertainty(run, &results, &group_name);
    let published_on = run
        .published_at
        .map(|t| date(crate::tasks::china_date(t)))
        .unwrap_or_else(|| date(crate::tasks::china_date(run.created_at)));
    let evaluation = Evaluation {
        scheme: Name::zh_only(&run.summary.scheme_name),
        published_on,
        n_evaluated: Figure::new(
            results.len() as f64,
            Unit::Count(Counter::Base),
            p("results with stars".into()),
        ),
        stars: stars_of(&all, &|k| p(format!("results with stars={k}"))),
        by_category,
        by_province,
        five_star,
        movers,
        uncertainty,
        ratings,
    };
    Ok(Rated {
        evaluation,
        results,
        bases,
    })
}

/// Bases whose national rank moved most since last year's published run, up then down.
async fn movers(
    store: &Store,
    run: &RunRecord,
    results: &[ResultRecord],
    bases: &HashMap<i64, Base>,
    labels: &Labels,
) -> Result<Vec<Mover>> {
    let Some(previous) = store.published_run(run.year - 1).await? else {
        return Ok(Vec::new());
    };
    let before: HashMap<i64, ResultRecord> = store
        .all_run_results(previous.id, &Default::default())
        .await?
        .into_iter()
        .map(|r| (r.base_id, r))
        .collect();
    let mut moves: Vec<(f64, &ResultRecord, &ResultRecord)> = results
        .iter()
        .filter_map(|r| {
            let b = before.get(&r.base_id)?;
            b.stars?;
            Some((b.national_rank? - r.national_rank?, r, b))
        })
        .collect();
    moves.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.base_id.cmp(&b.1.base_id)));
    let ups = moves.iter().take(N_MOVERS).filter(|m| m.0 > 0.0);
    let downs = moves.iter().rev().take(N_MOVERS).filter(|m| m.0 < 0.0);
    let p = |id: i64, what: &str| Provenance::run(id, what);
    Ok(ups
        .chain(downs)
        .filter_map(|(change, now, then)| {
            let base = bases.get(&now.base_id)?;
            let id = now.base_id;
            Some(Mover {
                base: labels.base_ref(base),
                previous_stars: Figure::new(
                    then.stars.unwrap_or(0) as f64,
                    Unit::Stars,
                    p(previous.id, &format!("base_id={id}; stars")),
                ),
                stars: Figure::new(
                    now.stars.unwrap_or(0) as f64,
                    Unit::Stars,
                    p(run.id, &format!("base_id={id}; stars")),
                ),
                rank_change: Figure::new(
                    *change,
                    Unit::Rank,
                    p(
                        run.id,
                        &format!(
                            "base_id={id}; national_rank in evaluation_run:{} minus national_rank in this run",
                            previous.id
                        ),
                    ),
                ),
                national_rank: Figure::new(
                    now.national_rank.unwrap_or(0.0),
                    Unit::Rank,
                    p(run.id, &format!("base_id={id}; national_rank")),
                ),
            })
        })
        .collect())
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

fn uncertainty(
    run: &RunRecord,
    results: &[ResultRecord],
    group_name: &dyn Fn(&str) -> Name,
) -> Option<Uncertainty> {
    let mut groups: BTreeMap<&str, Vec<&ResultRecord>> = BTreeMap::new();
    for r in results {
        groups.entry(&r.category_code).or_default().push(r);
    }
    let p = |detail: String| Provenance::run(run.id, &detail);
    let rows: Vec<UncertaintyRow> = groups
        .into_iter()
        .filter_map(|(key, rows)| {
            let widths: Vec<f64> = rows
                .iter()
                .filter_map(|r| Some(r.category_rank_p95? - r.category_rank_p05?))
                .collect();
            let width = median(widths)?;
            let probs: Vec<[f64; 5]> = rows.iter().filter_map(|r| r.star_probabilities).collect();
            if probs.is_empty() {
                return None;
            }
            let stable = probs
                .iter()
                .filter(|p| p.iter().copied().fold(0.0, f64::max) >= 0.9)
                .count();
            Some(UncertaintyRow {
                key: key.to_string(),
                label: group_name(key),
                n_bases: Figure::new(
                    rows.len() as f64,
                    Unit::Count(Counter::Base),
                    p(format!("results with stars; category_code={key}")),
                ),
                median_interval_width: Figure::new(
                    width,
                    Unit::Rank,
                    p(format!(
                        "category_code={key}; median(category_rank_p95 - category_rank_p05)"
                    )),
                ),
                stable_star_share: Figure::new(
                    stable as f64 / probs.len() as f64 * 100.0,
                    Unit::Percent,
                    p(format!(
                        "category_code={key}; share of bases with max(star_probabilities) >= 0.9"
                    )),
                ),
                n_borderline: Some(Figure::new(
                    (probs.len() - stable) as f64,
                    Unit::Count(Counter::Base),
                    p(format!(
                        "category_code={key}; bases with max(star_probabilities) < 0.9"
                    )),
                )),
            })
        })
        .collect();
    (!rows.is_empty() && run.replications > 0).then(|| Uncertainty {
        replications: Figure::new(
            run.replications as f64,
            Unit::Count(Counter::Replication),
            p("replications".into()),
        ),
        by_category: rows,
    })
}

/// The appendix: the run's scheme and indicators, and the data sources.
pub(super) async fn appendix(
    store: &Store,
    run: Option<&RunRecord>,
    synthetic: bool,
) -> Result<Appendix> {
    let mut indicators = Vec::new();
    let mut scheme_summary = None;
    if let Some(run) = run
        && let Some(record) = store.scheme(run.scheme_id).await?
    {
        let scheme = crate::evaluation::scheme_of(&record)?;
        let s = |detail: &str| Provenance::scheme(record.id, detail);
        for spec in &scheme.indicators {
            let Some(ind) = catalogue::indicator(&spec.code) else {
                continue;
            };
            indicators.push(IndicatorDef {
                code: ind.code.clone(),
                name: Name::new(&ind.name_zh, &ind.name_en),
                unit: Name::zh_only(&ind.unit),
                dimension: dimension_name(&spec.dimension),
                // The engine's direction is the sign of "better".
                direction: if ind.direction.sign() < 0.0 {
                    Direction::Cost
                } else {
                    Direction::Benefit
                },
                definition: (!ind.formula.trim().is_empty()).then(|| Name::zh_only(&ind.formula)),
            });
        }
        let total: f64 = scheme.dimensions.iter().map(|d| d.weight).sum();
        let dimensions = scheme
            .dimensions
            .iter()
            .map(|d| Item {
                key: d.code.clone(),
                label: Name::new(&d.name_zh, &d.name_en),
                value: Figure::new(
                    if total > 0.0 {
                        d.weight / total * 100.0
                    } else {
                        0.0
                    },
                    Unit::Percent,
                    s(&format!(
                        "dimension {}: weight / sum of dimension weights * 100",
                        d.code
                    )),
                ),
            })
            .collect();
        let star_rule = match scheme.stars.rule {
            StarRuleKind::Shares if scheme.stars.shares.len() == 5 => Some(StarRule::Shares {
                // The scheme lists five stars first; the model one star first.
                shares: std::array::from_fn(|k| {
                    Figure::new(
                        scheme.stars.shares[4 - k] * share_scale(&scheme.stars.shares),
                        Unit::Percent,
                        s(&format!("stars.shares, {} stars", k + 1)),
                    )
                }),
            }),
            StarRuleKind::Thresholds if scheme.stars.thresholds.len() == 4 => {
                Some(StarRule::Thresholds {
                    minimums: std::array::from_fn(|k| {
                        Figure::new(
                            scheme.stars.thresholds[3 - k],
                            Unit::Score,
                            s(&format!("stars.thresholds, {} stars", k + 2)),
                        )
                    }),
                })
            }
            _ => None,
        };
        if let Some(star_rule) = star_rule {
            scheme_summary = Some(SchemeSummary {
                name: Name::zh_only(&scheme.name),
                method: Name::new(
                    &format!(
                        "按类别分组评价：指标经{}标准化后按{}合成，同组比较定星；排名不确定性由{}次蒙特卡洛模拟给出。",
                        method_words(&scheme.method.normalisation, true),
                        method_words(&scheme.method.aggregation, true),
                        scheme.uncertainty.replications
                    ),
                    &format!(
                        "Bases are compared within their category: indicators normalised by {}, aggregated by {}, stars given within each peer group; rank uncertainty from {} Monte Carlo replications.",
                        method_words(&scheme.method.normalisation, false),
                        method_words(&scheme.method.aggregation, false),
                        scheme.uncertainty.replications
                    ),
                ),
                dimensions,
                star_rule,
                vetoes: scheme
                    .vetoes
                    .kinds
                    .iter()
                    .map(|k| match IncidentKind::parse(k) {
                        Some(kind) => Name::new(kind.name_zh(), k),
                        None => Name::new(k, k),
                    })
                    .collect(),
                veto_cap: Figure::new(
                    scheme.vetoes.cap_stars as f64,
                    Unit::Stars,
                    s("vetoes.cap_stars"),
                ),
            });
        }
    }
    let mut data_sources = vec![
        DataSource {
            name: Name::new("示范基地名录", "Roll of bases"),
            detail: Name::new(
                "工业和信息化部公布的各批次国家新型工业化产业示范基地名单及其后的动态调整记录",
                "The designation lists of each batch published by MIIT and the later tier decisions",
            ),
        },
        DataSource {
            name: Name::new("指标数据", "Indicator values"),
            detail: Name::new(
                "各示范基地经省级主管部门审核后报送的年度指标数据",
                "Annual indicator values submitted by the bases and reviewed by the provinces",
            ),
        },
    ];
    if let Some(run) = run {
        data_sources.push(DataSource {
            name: Name::new("发展质量评价", "Development-quality evaluation"),
            detail: Name::new(
                &format!(
                    "{}年度已发布的评价（运行编号{}，内容散列{}）",
                    run.year,
                    run.id,
                    short(&run.content_hash)
                ),
                &format!(
                    "The published evaluation of {} (run {}, content hash {})",
                    run.year,
                    run.id,
                    short(&run.content_hash)
                ),
            ),
        });
    }
    if synthetic {
        data_sources.push(DataSource {
            name: Name::new("演示数据", "Demo data"),
            detail: Name::new(
                "除58家基地采用公开来源的真实名称外，其余基地与全部指标数值均为按公开数量级校准生成的合成数据，不代表任何真实统计。",
                "Apart from the 58 real bases named from public sources, bases and all indicator values are synthetic, calibrated to published magnitudes; they are not real statistics.",
            ),
        });
    }
    Ok(Appendix {
        indicators,
        scheme: scheme_summary,
        data_sources,
    })
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Shares may be written as fractions (0.07) or percent (7); the model wants percent.
fn share_scale(shares: &[f64]) -> f64 {
    if shares.iter().sum::<f64>() <= 1.0 + 1e-9 {
        100.0
    } else {
        1.0
    }
}

fn dimension_name(code: &str) -> Name {
    match DIMENSIONS.iter().find(|(c, _, _)| *c == code) {
        Some((_, zh, en)) => Name::new(zh, en),
        None => Name::new(code, code),
    }
}

/// The engine's method codes (`minmax:0:100`, `amean`, …) in words for the report's readers; a
/// code without words (a new method) is shown as it is.
fn method_words(code: &str, zh: bool) -> String {
    let mut parts = code.split(':');
    let name = parts.next().unwrap_or("");
    let args: Vec<&str> = parts.collect();
    let range = match args.as_slice() {
        [lo, hi] => Some((*lo, *hi)),
        _ => None,
    };
    let words: Option<(&str, &str)> = match name {
        "minmax" => Some(("最小—最大值", "min–max scaling")),
        "zscore" => Some(("标准分数（z-score）", "z-scores")),
        "rank" | "prank" => Some(("排序", "ranks")),
        "goalposts" => Some(("目标值区间", "goalposts")),
        "max" | "fracmax" => Some(("与最大值之比", "share of the maximum")),
        "amean" => Some(("加权算术平均", "a weighted arithmetic mean")),
        "gmean" => Some(("加权几何平均", "a weighted geometric mean")),
        "hmean" => Some(("加权调和平均", "a weighted harmonic mean")),
        "topsis" => Some(("TOPSIS法", "TOPSIS")),
        "vikor" => Some(("VIKOR法", "VIKOR")),
        "copeland" => Some(("Copeland计票法", "the Copeland count")),
        _ => None,
    };
    match (words, range) {
        (Some((z, _)), Some((lo, hi))) if zh => format!("{z}（{lo}—{hi}）"),
        (Some((_, e)), Some((lo, hi))) => format!("{e} to {lo}–{hi}"),
        (Some((z, _)), None) if zh => z.to_string(),
        (Some((_, e)), None) => e.to_string(),
        (None, _) => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::method_words;

    #[test]
    fn method_codes_read_as_words() {
        assert_eq!(method_words("minmax:0:100", true), "最小—最大值（0—100）");
        assert_eq!(
            method_words("minmax:0:100", false),
            "min–max scaling to 0–100"
        );
        assert_eq!(method_words("amean", true), "加权算术平均");
        assert_eq!(method_words("gmean", false), "a weighted geometric mean");
        assert_eq!(method_words("newmethod:1", true), "newmethod:1");
    }
}
