//! Evaluating one rule for one base at one period: [`evaluate`].
//!
//! Each condition reads only data of the period and earlier periods, so the verdict for a
//! period never changes when later data arrive.

use crate::derive::aggregate::ratio;
use crate::derive::growth::{Undefined, yoy};
use crate::period::{MonthlySeries, Period};
use crate::warning::facts::{Facts, GroupFigures};
use crate::warning::finding::{Evaluation, Figure, Outcome, one_decimal};
use crate::warning::level::{Level, Thresholds};
use crate::warning::rule::{Condition, Measure, Rule, Side, Target};

/// Evaluates `rule` on `facts` at `period`. Never fails: missing or unusable data give
/// [`Outcome::Unknown`] with the reason.
pub fn evaluate(rule: &Rule, facts: &Facts, period: Period) -> Evaluation {
    match &rule.condition {
        Condition::Threshold {
            indicator,
            measure,
            thresholds,
        } => threshold(facts, period, indicator, *measure, thresholds),
        Condition::PeerRelative {
            indicator,
            measure,
            bottom_percent,
            min_peers,
            months,
        } => peer_relative(
            facts,
            period,
            indicator,
            *measure,
            *bottom_percent,
            *min_peers,
            months,
        ),
        Condition::ForecastBreach {
            indicator,
            side,
            excess,
        } => forecast_breach(facts, period, indicator, *side, excess),
        Condition::Overcapacity { .. } => overcapacity(facts, period, &rule.condition),
        Condition::LossShare {
            loss_count,
            firm_count,
            thresholds,
        } => loss_share(facts, period, loss_count, firm_count, thresholds),
        Condition::TargetMiss {
            indicator,
            target,
            shortfall,
        } => target_miss(facts, period, indicator, *target, shortfall),
        Condition::LateReport { days_late } => late_report(facts, period, days_late),
    }
}

fn missing_series(code: &str) -> Evaluation {
    Evaluation::unknown(format!("缺少 {code} 数据"), format!("no {code} series"))
}

fn undefined(code: &str, measure: Measure, why: Undefined) -> Evaluation {
    Evaluation::unknown(
        format!("{code} {}无法计算：{}", measure.name_zh(), why.text_zh()),
        format!("{code} {} undefined: {}", measure.name_en(), why.text_en()),
    )
}

/// A verdict from a graded figure: warn at its level with the threshold reached, or clear.
fn graded(
    value: f64,
    thresholds: &Thresholds,
    what_zh: String,
    what_en: String,
    unit: &str,
    mut figures: Vec<Figure>,
) -> Evaluation {
    let shown = format!("{}{unit}", one_decimal(value));
    match thresholds.grade(value) {
        Some(level) => {
            let limit = thresholds
                .get(level)
                .expect("graded levels have a threshold");
            figures.push(Figure::new("threshold", limit, unit));
            let (side_zh, side_en) = match thresholds.bound {
                crate::warning::level::Bound::Above => ("达到或超过", "at or above"),
                crate::warning::level::Bound::Below => ("达到或低于", "at or below"),
            };
            Evaluation::new(
                Outcome::Warn(level),
                format!(
                    "{what_zh} {shown}，{side_zh}{}阈值 {}{unit}",
                    level.name_zh(),
                    one_decimal(limit)
                ),
                format!(
                    "{what_en} {shown}, {side_en} the {} threshold {}{unit}",
                    level.name_en(),
                    one_decimal(limit)
                ),
            )
            .with_figures(figures)
        }
        None => Evaluation::new(
            Outcome::Clear,
            format!("{what_zh} {shown}，未触及阈值"),
            format!("{what_en} {shown}, within thresholds"),
        )
        .with_figures(figures),
    }
}

fn threshold(
    facts: &Facts,
    period: Period,
    code: &str,
    measure: Measure,
    thresholds: &Thresholds,
) -> Evaluation {
    let Some(series) = facts.series.get(code) else {
        return missing_series(code);
    };
    let value = match measure.apply(series, period) {
        Ok(value) => value,
        Err(why) => return undefined(code, measure, why),
    };
    let unit = measure.unit("");
    graded(
        value,
        thresholds,
        format!("{code} {}", measure.name_zh()),
        format!("{code} {}", measure.name_en()),
        &unit,
        vec![Figure::new(measure_key(measure), value, &unit)],
    )
}

fn measure_key(measure: Measure) -> &'static str {
    match measure {
        Measure::Value => "value",
        Measure::Yoy => "yoy",
        Measure::Mom => "mom",
        Measure::YoyPoints => "yoy_points",
    }
}

/// Whether the base is in the bottom share of its group at `period`: `Some(true/false)`, or
/// `None` when its own measure is undefined or the group is too small. Returns the rank facts.
/// The figures a base is ranked against: the whole group computed once, or the other members'
/// series as given.
#[derive(Clone, Copy)]
enum PeerFigures<'a> {
    Group(&'a GroupFigures),
    Series(&'a [MonthlySeries]),
}

fn in_bottom(
    own: &MonthlySeries,
    peers: PeerFigures<'_>,
    period: Period,
    measure: Measure,
    bottom_percent: f64,
    min_peers: usize,
) -> Option<(bool, usize, usize)> {
    let mine = measure.apply(own, period).ok()?;
    // Ties favour the base: only strictly lower values rank below it.
    let (n_lower, n_group) = match peers {
        PeerFigures::Group(group) => group.rank(period, mine),
        PeerFigures::Series(series) => {
            let others: Vec<f64> = series
                .iter()
                .filter_map(|s| measure.apply(s, period).ok())
                .collect();
            (
                others.iter().filter(|&&v| v < mine).count(),
                others.len() + 1,
            )
        }
    };
    if n_group < min_peers {
        return None;
    }
    let in_bottom = (n_lower as f64) < bottom_percent / 100.0 * n_group as f64;
    Some((in_bottom, n_lower, n_group))
}

fn peer_relative(
    facts: &Facts,
    period: Period,
    code: &str,
    measure: Measure,
    bottom_percent: f64,
    min_peers: usize,
    months: &Thresholds,
) -> Evaluation {
    let Some(own) = facts.series.get(code) else {
        return missing_series(code);
    };
    let peers = match facts.groups.get(&(code.to_owned(), measure)) {
        Some(group) => PeerFigures::Group(group),
        None => PeerFigures::Series(facts.peers.get(code).map_or(&[][..], |p| p.as_slice())),
    };
    let Some((now_in_bottom, n_lower, n_group)) =
        in_bottom(own, peers, period, measure, bottom_percent, min_peers)
    else {
        return Evaluation::unknown(
            format!(
                "{code} {}或同类基地数据不足（少于 {min_peers} 个）",
                measure.name_zh()
            ),
            format!(
                "{code} {} or fewer than {min_peers} peers with data",
                measure.name_en()
            ),
        );
    };
    // Count the run back from this period; no need to look further than the highest threshold.
    let cap = Level::ALL
        .iter()
        .filter_map(|&l| months.get(l))
        .fold(1.0f64, f64::max)
        .min(600.0) as usize;
    let mut run = 0usize;
    let mut cursor = Some(period);
    while let Some(p) = cursor {
        if run >= cap {
            break;
        }
        match in_bottom(own, peers, p, measure, bottom_percent, min_peers) {
            Some((true, ..)) => run += 1,
            _ => break,
        }
        cursor = p.previous();
    }
    let figures = vec![
        Figure::new("run_months", run as f64, "个月"),
        Figure::new("n_lower", n_lower as f64, "个"),
        Figure::new("n_group", n_group as f64, "个"),
    ];
    if !now_in_bottom {
        return Evaluation::new(
            Outcome::Clear,
            format!(
                "{code} {}不在同类基地后 {}%",
                measure.name_zh(),
                one_decimal(bottom_percent)
            ),
            format!(
                "{code} {} not in the bottom {}% of peers",
                measure.name_en(),
                one_decimal(bottom_percent)
            ),
        )
        .with_figures(figures);
    }
    graded(
        run as f64,
        months,
        format!(
            "{code} {}连续处于同类基地（{n_group} 个）后 {}% 的月数",
            measure.name_zh(),
            one_decimal(bottom_percent)
        ),
        format!(
            "consecutive months with {code} {} in the bottom {}% of {n_group} peers",
            measure.name_en(),
            one_decimal(bottom_percent)
        ),
        "个月",
        figures,
    )
}

fn forecast_breach(
    facts: &Facts,
    period: Period,
    code: &str,
    side: Side,
    excess_thresholds: &Thresholds,
) -> Evaluation {
    let Some(band) = facts.forecasts.get(code).and_then(|f| f.get(&period)) else {
        return Evaluation::unknown(
            format!("缺少 {code} 在 {period} 的预测区间"),
            format!("no {code} forecast for {period}"),
        );
    };
    if band.origin >= period {
        return Evaluation::unknown(
            format!(
                "{code} 的预测（基于 {} 的数据）不早于实际值所属期 {period}，不作比较",
                band.origin
            ),
            format!(
                "the {code} forecast made at {} is not earlier than {period}",
                band.origin
            ),
        );
    }
    if !band.is_usable() {
        return Evaluation::unknown(
            format!("{code} 在 {period} 的预测区间不可用"),
            format!("the {code} forecast interval for {period} is unusable"),
        );
    }
    let Some(actual) = facts
        .series
        .get(code)
        .and_then(|s| s.get(&period))
        .copied()
        .filter(|v| v.is_finite())
    else {
        return missing_series(code);
    };
    let pct = one_decimal(band.level * 100.0);
    let mut figures = vec![
        Figure::new("actual", actual, ""),
        Figure::new("forecast", band.point, ""),
        Figure::new("lower", band.lower, ""),
        Figure::new("upper", band.upper, ""),
    ];
    let distance = if actual < band.lower && side != Side::Above {
        band.lower - actual
    } else if actual > band.upper && side != Side::Below {
        actual - band.upper
    } else {
        return Evaluation::new(
            Outcome::Clear,
            format!("{code} 实际值 {} 在 {pct}% 预测区间内", one_decimal(actual)),
            format!(
                "{code} actual {} within the {pct}% forecast interval",
                one_decimal(actual)
            ),
        )
        .with_figures(figures);
    };
    let half_width = (band.upper - band.lower) / 2.0;
    let excess = if half_width > 0.0 {
        distance / half_width
    } else {
        f64::INFINITY
    };
    figures.push(Figure::new("excess", excess, "半宽"));
    let (where_zh, where_en) = if actual < band.lower {
        ("低于", "below")
    } else {
        ("高于", "above")
    };
    let level = excess_thresholds.grade(excess);
    let outcome = level.map_or(Outcome::Clear, Outcome::Warn);
    Evaluation::new(
        outcome,
        format!(
            "{code} 实际值 {}{where_zh} {pct}% 预测区间 [{}, {}]（预测 {}）",
            one_decimal(actual),
            one_decimal(band.lower),
            one_decimal(band.upper),
            one_decimal(band.point)
        ),
        format!(
            "{code} actual {} {where_en} the {pct}% forecast interval [{}, {}] (forecast {})",
            one_decimal(actual),
            one_decimal(band.lower),
            one_decimal(band.upper),
            one_decimal(band.point)
        ),
    )
    .with_figures(figures)
}

fn overcapacity(facts: &Facts, period: Period, condition: &Condition) -> Evaluation {
    let Condition::Overcapacity {
        inventory,
        sales,
        output,
        price,
        utilisation,
        inventory_gap_points,
        utilisation_floor,
        signals,
    } = condition
    else {
        unreachable!("called with an overcapacity condition")
    };
    let growth = |code: &str| facts.series.get(code).and_then(|s| yoy(s, period).ok());
    let mut figures = Vec::new();
    let mut present_zh = Vec::new();
    let mut present_en = Vec::new();
    let mut n_available = 0;
    if let (Some(inv), Some(sal)) = (growth(inventory), growth(sales)) {
        n_available += 1;
        figures.push(Figure::new("inventory_yoy", inv, "%"));
        figures.push(Figure::new("sales_yoy", sal, "%"));
        if inv - sal > *inventory_gap_points {
            present_zh.push(format!(
                "产成品存货同比 {}% 高于销售同比 {}%",
                one_decimal(inv),
                one_decimal(sal)
            ));
            present_en.push(format!(
                "inventory {}% outgrowing sales {}%",
                one_decimal(inv),
                one_decimal(sal)
            ));
        }
    }
    if let Some(price) = price
        && let (Some(pri), Some(out)) = (growth(price), growth(output))
    {
        n_available += 1;
        figures.push(Figure::new("price_yoy", pri, "%"));
        figures.push(Figure::new("output_yoy", out, "%"));
        if pri < 0.0 && out > 0.0 {
            present_zh.push(format!(
                "价格同比下降 {}% 而产量同比增长 {}%",
                one_decimal(-pri),
                one_decimal(out)
            ));
            present_en.push(format!(
                "price down {}% while output up {}%",
                one_decimal(-pri),
                one_decimal(out)
            ));
        }
    }
    if let Some(code) = utilisation
        && let Some(rate) = facts
            .series
            .get(code)
            .and_then(|s| s.get(&period))
            .copied()
            .filter(|v| v.is_finite())
    {
        n_available += 1;
        figures.push(Figure::new("utilisation", rate, "%"));
        if rate < *utilisation_floor {
            present_zh.push(format!(
                "产能利用率 {}% 低于 {}%",
                one_decimal(rate),
                one_decimal(*utilisation_floor)
            ));
            present_en.push(format!(
                "capacity utilisation {}% below {}%",
                one_decimal(rate),
                one_decimal(*utilisation_floor)
            ));
        }
    }
    if n_available == 0 {
        return Evaluation::unknown(
            "产能过剩各项信号所需数据均缺失".into(),
            "no overcapacity signal could be computed".into(),
        );
    }
    let n_signals = present_zh.len();
    figures.push(Figure::new("signals", n_signals as f64, "项"));
    figures.push(Figure::new("signals_available", n_available as f64, "项"));
    let level = if n_signals == 0 {
        None
    } else {
        signals.grade(n_signals as f64)
    };
    let (zh, en) = if n_signals == 0 {
        (
            format!("{n_available} 项产能过剩信号均未出现"),
            format!("none of {n_available} overcapacity signals present"),
        )
    } else {
        (
            format!(
                "产能过剩信号 {n_signals}/{n_available} 项：{}",
                present_zh.join("；")
            ),
            format!(
                "{n_signals} of {n_available} overcapacity signals: {}",
                present_en.join("; ")
            ),
        )
    };
    Evaluation::new(level.map_or(Outcome::Clear, Outcome::Warn), zh, en).with_figures(figures)
}

fn loss_share(
    facts: &Facts,
    period: Period,
    loss_code: &str,
    firm_code: &str,
    thresholds: &Thresholds,
) -> Evaluation {
    let at = |code: &str| facts.series.get(code).and_then(|s| s.get(&period)).copied();
    let (Some(losses), Some(firms)) = (at(loss_code), at(firm_code)) else {
        return Evaluation::unknown(
            format!("缺少 {loss_code} 或 {firm_code} 在 {period} 的数据"),
            format!("no {loss_code} or {firm_code} for {period}"),
        );
    };
    if losses < 0.0 || losses > firms {
        return Evaluation::unknown(
            format!("亏损企业数 {losses} 与企业数 {firms} 不相容"),
            format!("{losses} loss-making firms of {firms} is impossible"),
        );
    }
    let share = match ratio(losses, firms, 100.0) {
        Ok(share) => share,
        Err(why) => {
            return Evaluation::unknown(
                format!("亏损面无法计算：{}", why.text_zh()),
                format!("loss-making share undefined: {}", why.text_en()),
            );
        }
    };
    graded(
        share,
        thresholds,
        "亏损面".into(),
        "loss-making share".into(),
        "%",
        vec![
            Figure::new("loss_share", share, "%"),
            Figure::new("loss_count", losses, "个"),
            Figure::new("firm_count", firms, "个"),
        ],
    )
}

fn target_miss(
    facts: &Facts,
    period: Period,
    code: &str,
    target: Target,
    thresholds: &Thresholds,
) -> Evaluation {
    let Some(series) = facts.series.get(code) else {
        return missing_series(code);
    };
    let (shortfall, mut figures, zh, en) = match target {
        Target::Decline { percent } => {
            let change = match yoy(series, period) {
                Ok(change) => change,
                Err(why) => return undefined(code, Measure::Yoy, why),
            };
            let shortfall = change + percent;
            (
                shortfall,
                vec![
                    Figure::new("yoy", change, "%"),
                    Figure::new("target_yoy", -percent, "%"),
                ],
                format!(
                    "{code} 同比 {}%，目标下降 {}%，差 {} 个百分点",
                    one_decimal(change),
                    one_decimal(percent),
                    one_decimal(shortfall)
                ),
                format!(
                    "{code} {}% on last year against a target of −{}%: {} points short",
                    one_decimal(change),
                    one_decimal(percent),
                    one_decimal(shortfall)
                ),
            )
        }
        Target::Ceiling { value } => {
            let Some(actual) = series.get(&period).copied().filter(|v| v.is_finite()) else {
                return missing_series(code);
            };
            let shortfall = (actual - value) / value * 100.0;
            (
                shortfall,
                vec![
                    Figure::new("value", actual, ""),
                    Figure::new("ceiling", value, ""),
                ],
                format!(
                    "{code} {} 超过目标上限 {} 的 {}%",
                    one_decimal(actual),
                    one_decimal(value),
                    one_decimal(shortfall)
                ),
                format!(
                    "{code} {} is {}% over the ceiling {}",
                    one_decimal(actual),
                    one_decimal(shortfall),
                    one_decimal(value)
                ),
            )
        }
    };
    figures.push(Figure::new("shortfall", shortfall, ""));
    if shortfall <= 0.0 {
        return Evaluation::new(
            Outcome::Clear,
            format!("{code} 达到目标进度"),
            format!("{code} meets its target"),
        )
        .with_figures(figures);
    }
    let level = thresholds.grade(shortfall);
    Evaluation::new(level.map_or(Outcome::Clear, Outcome::Warn), zh, en).with_figures(figures)
}

fn late_report(facts: &Facts, period: Period, thresholds: &Thresholds) -> Evaluation {
    let Some(timing) = facts.reports.get(&period) else {
        return Evaluation::unknown(
            format!("{period} 报送期限未知"),
            format!("no due date known for {period}"),
        );
    };
    let days = timing.days_late();
    let figures = vec![Figure::new("days_late", days as f64, "天")];
    if days == 0 {
        return Evaluation::new(
            Outcome::Clear,
            format!("{period} 月报按时报送或尚未到期"),
            format!("the {period} report is on time or not yet due"),
        )
        .with_figures(figures);
    }
    let level = thresholds.grade(days as f64);
    let (zh, en) = if timing.is_received() {
        (
            format!("{period} 月报迟报 {days} 天"),
            format!("the {period} report arrived {days} days late"),
        )
    } else {
        (
            format!("{period} 月报逾期 {days} 天未报"),
            format!("the {period} report is {days} days overdue"),
        )
    };
    Evaluation::new(level.map_or(Outcome::Clear, Outcome::Warn), zh, en).with_figures(figures)
}
