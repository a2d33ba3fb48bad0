//! Properties: the warning state machine gives the same result replayed at once, stepped with a
//! stored state, or stepped on data that stop at each month; its events obey the life cycle;
//! cumulative totals survive the round trip through single months; hostile numbers never panic.

use std::collections::BTreeMap;
use std::sync::Arc;

use jidi_monitor::derive::aggregate::{Panel, aggregate, monthly_aggregation};
use jidi_monitor::derive::cumulative::{FlowSign, from_cumulative, to_cumulative};
use jidi_monitor::derive::growth::{mom_series, yoy_series};
use jidi_monitor::period::{MonthlySeries, Period};
use jidi_monitor::warning::facts::{Facts, ForecastBand, GroupFigures};
use jidi_monitor::warning::finding::{Evaluation, Outcome};
use jidi_monitor::warning::level::Level;
use jidi_monitor::warning::rule::{Condition, Measure, default_rules};
use jidi_monitor::warning::state::{Change, Status, WarningState, advance, replay, step};
use proptest::prelude::*;

fn start() -> Period {
    "2022-01".parse().unwrap()
}

fn outcome(code: u8) -> Outcome {
    match code {
        0 => Outcome::Clear,
        1 => Outcome::Unknown,
        2 => Outcome::Warn(Level::Blue),
        3 => Outcome::Warn(Level::Yellow),
        4 => Outcome::Warn(Level::Orange),
        _ => Outcome::Warn(Level::Red),
    }
}

/// Periods with gaps of 1–3 months and an outcome each.
fn history() -> impl Strategy<Value = Vec<(Period, Outcome)>> {
    prop::collection::vec((1i64..=3, 0u8..6), 0..60).prop_map(|steps| {
        let mut period = start();
        steps
            .into_iter()
            .map(|(gap, code)| {
                period = period.offset(gap).unwrap();
                (period, outcome(code))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn stepping_with_a_stored_state_equals_one_run(history in history(), reset in 0u32..6) {
        let evaluation = |o: Outcome| Evaluation::new(o, "原因".into(), "reason".into());
        let mut once = WarningState::default();
        let mut once_events = Vec::new();
        for (period, o) in &history {
            let (next, events) = advance(&once, "r", reset, *period, &evaluation(*o)).unwrap();
            once = next;
            once_events.extend(events);
        }
        // Month by month, the state stored as JSON in between, as the storage layer will.
        let mut stored = serde_json::to_string(&WarningState::default()).unwrap();
        let mut stepped_events = Vec::new();
        for (period, o) in &history {
            let state: WarningState = serde_json::from_str(&stored).unwrap();
            let (next, events) = advance(&state, "r", reset, *period, &evaluation(*o)).unwrap();
            stored = serde_json::to_string(&next).unwrap();
            stepped_events.extend(events);
        }
        prop_assert_eq!(serde_json::from_str::<WarningState>(&stored).unwrap(), once.clone());
        prop_assert_eq!(&stepped_events, &once_events);

        // The life cycle: one warning at a time, level changes only while open, no reopening
        // within the reset period, and the final status agrees with the events.
        let mut open: Option<Level> = None;
        let mut closed_at: Option<Period> = None;
        for e in &once_events {
            match e.change {
                Change::Opened => {
                    prop_assert!(open.is_none());
                    if let Some(c) = closed_at {
                        prop_assert!(c.months_until(e.period) > i64::from(reset));
                    }
                    open = Some(e.level);
                }
                Change::Escalated | Change::DeEscalated => {
                    let before = open.expect("open");
                    prop_assert_eq!(e.previous, Some(before));
                    prop_assert_eq!(e.change == Change::Escalated, e.level > before);
                    open = Some(e.level);
                }
                Change::Closed => {
                    prop_assert_eq!(Some(e.level), open);
                    open = None;
                    closed_at = Some(e.period);
                }
            }
        }
        match once.status {
            Status::Open { level, .. } => prop_assert_eq!(open, Some(level)),
            _ => prop_assert_eq!(open, None),
        }
        // Every warn outcome while open is reflected in the level.
        if let (Some((_, Outcome::Warn(last))), Status::Open { level, .. }) =
            (history.last(), once.status)
        {
            prop_assert_eq!(*last, level);
        }
    }
}

fn series_strategy(n: usize) -> impl Strategy<Value = MonthlySeries> {
    prop::collection::vec(prop::option::weighted(0.9, 50.0f64..150.0), n).prop_map(|values| {
        values
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (start().offset(i as i64).unwrap(), v)))
            .collect()
    })
}

/// The facts as known at the end of `period`: nothing later.
fn known_at(facts: &Facts, period: Period) -> Facts {
    let cut = |s: &MonthlySeries| -> MonthlySeries {
        s.range(..=period).map(|(p, v)| (*p, *v)).collect()
    };
    Facts {
        series: facts
            .series
            .iter()
            .map(|(k, s)| (k.clone(), cut(s)))
            .collect(),
        peers: facts
            .peers
            .iter()
            .map(|(k, list)| (k.clone(), list.iter().map(cut).collect()))
            .collect(),
        forecasts: facts
            .forecasts
            .iter()
            .map(|(k, bands)| {
                let known = bands.range(..=period).map(|(p, b)| (*p, *b)).collect();
                (k.clone(), known)
            })
            .collect(),
        reports: facts
            .reports
            .range(..=period)
            .map(|(p, t)| (*p, *t))
            .collect(),
        // A group's figure at a period reads nothing later than that period.
        groups: facts.groups.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn replaying_a_history_equals_living_through_it(
        own in series_strategy(36),
        peers in prop::collection::vec(series_strategy(36), 4..7),
        widths in prop::collection::vec(0.0f64..30.0, 36),
    ) {
        let mut facts = Facts::default();
        facts.series.insert("m_rev".into(), own.clone());
        facts.peers.insert("m_rev".into(), peers);
        let bands: BTreeMap<Period, ForecastBand> = own
            .keys()
            .zip(&widths)
            .filter_map(|(p, w)| {
                let origin = p.previous()?;
                Some((*p, ForecastBand { origin, point: 100.0, lower: 100.0 - w,
                                         upper: 100.0 + w, level: 0.95 }))
            })
            .collect();
        facts.forecasts.insert("m_rev".into(), bands);
        let periods: Vec<Period> = (0..36).map(|i| start().offset(i).unwrap()).collect();
        for rule in default_rules() {
            let (state, events) = replay(&rule, &facts, periods.iter().copied()).unwrap();
            let mut live = WarningState::default();
            let mut live_events = Vec::new();
            for &period in &periods {
                let (next, new) = step(&rule, &live, &known_at(&facts, period), period).unwrap();
                live = next;
                live_events.extend(new);
            }
            prop_assert_eq!(&live, &state, "rule {}", rule.id);
            prop_assert_eq!(&live_events, &events, "rule {}", rule.id);
        }
    }

    /// Ranking against the group's figures computed once gives exactly the evaluations that
    /// ranking against the other members' series gives, ties and gaps included.
    #[test]
    fn group_figures_rank_as_the_peers_series_do(
        own in series_strategy(30),
        peers in prop::collection::vec(series_strategy(30), 0..8),
        tie in any::<bool>(),
        measure in prop::sample::select(vec![Measure::Value, Measure::Yoy, Measure::Mom]),
        bottom_percent in 5.0f64..60.0,
        min_peers in 2usize..6,
    ) {
        let mut peers = peers;
        if tie {
            peers.push(own.clone());
        }
        let mut by_series = Facts::default();
        by_series.series.insert("m_rev".into(), own.clone());
        by_series.peers.insert("m_rev".into(), peers.clone());
        let mut by_group = Facts::default();
        by_group.series.insert("m_rev".into(), own.clone());
        let group = GroupFigures::new(std::iter::once(&own).chain(&peers), measure);
        by_group.groups.insert(("m_rev".into(), measure), Arc::new(group));
        let rule = jidi_monitor::warning::rule::Rule {
            id: "peer".into(),
            name_zh: "同类".into(),
            name_en: "peer".into(),
            reset_periods: 1,
            condition: Condition::PeerRelative {
                indicator: "m_rev".into(),
                measure,
                bottom_percent,
                min_peers,
                months: jidi_monitor::warning::level::Thresholds::above(Some(1.0), Some(2.0), Some(3.0), Some(4.0)),
            },
        };
        for period in (0..30).map(|i| start().offset(i).unwrap()) {
            let a = jidi_monitor::warning::evaluate::evaluate(&rule, &by_series, period);
            let b = jidi_monitor::warning::evaluate::evaluate(&rule, &by_group, period);
            prop_assert_eq!(a, b, "period {}", period);
        }
    }

    #[test]
    fn cumulative_totals_survive_single_months(
        values in prop::collection::vec(prop::option::of(-1e6f64..1e6), 36),
    ) {
        let cumulative: MonthlySeries = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (start().offset(i as i64).unwrap(), v)))
            .collect();
        let derived = from_cumulative(&cumulative, FlowSign::Signed);
        prop_assert_eq!(derived.spans.len(), cumulative.len());
        let back = to_cumulative(&derived.spans).unwrap();
        prop_assert_eq!(back.len(), cumulative.len());
        for (period, total) in &cumulative {
            prop_assert!((back[period] - total).abs() <= 1e-9 * total.abs().max(1.0));
        }
    }

    #[test]
    fn hostile_numbers_never_panic(
        values in prop::collection::vec(prop::option::of(prop::num::f64::ANY), 30),
    ) {
        let s: MonthlySeries = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (start().offset(i as i64).unwrap(), v)))
            .collect();
        let derived = from_cumulative(&s, FlowSign::NonNegative);
        prop_assert!(derived.spans.iter().all(|span| span.value.is_finite()));
        let _ = to_cumulative(&derived.spans);
        for rate in yoy_series(&s).values().chain(mom_series(&s).values()).flatten() {
            prop_assert!(rate.is_finite());
        }
        let mut panel = Panel::new();
        panel.insert("m_profit".into(), s.clone());
        panel.insert("m_rev".into(), s.clone());
        let bases = BTreeMap::from([("a", panel.clone()), ("b", panel)]);
        let group = aggregate("m_margin", monthly_aggregation("m_margin").unwrap(), &bases);
        for value in group.values() {
            if let Ok(v) = value.value {
                prop_assert!(v.is_finite());
            }
        }
        let mut facts = Facts::default();
        facts.series.insert("m_rev".into(), s.clone());
        facts.peers.insert("m_rev".into(), vec![s.clone(); 5]);
        let periods = (0..30).map(|i| start().offset(i).unwrap());
        for rule in default_rules() {
            prop_assert!(replay(&rule, &facts, periods.clone()).is_ok());
        }
    }
}
