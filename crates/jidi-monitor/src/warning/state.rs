//! The life of the warnings of one (base, rule) pair: a small state machine fed one
//! [`Evaluation`] per period.
//!
//! ```text
//!            Warn(l)                      Warn(l') (l' ≠ l): Escalated / DeEscalated
//!   Idle ───────────► Open(l) ◄──────────┐
//!    ▲      Opened      │  └─────────────┘
//!    │                  │ Clear: Closed
//!    │                  ▼
//!    │               Closed(at c) ── Warn at a period p with p − c > reset_periods: Opened
//!    │                  │            Warn earlier: no event (recorded as `suppressed`)
//!    └─ (never)         └─ Clear / Unknown: stays Closed
//! ```
//!
//! - A condition opens **one** warning at its level; while the condition lasts the warning
//!   follows its level up ([`Change::Escalated`]) and down ([`Change::DeEscalated`]), with no
//!   new warning.
//! - The first clear period closes it ([`Change::Closed`]).
//! - **Reset (hysteresis):** after closing at period `c`, no warning of the pair opens during
//!   the `reset_periods` periods that follow (`c+1 ..= c+reset_periods`); from `c+reset_periods+1`
//!   on, the next period in which the condition holds opens a new one. A flickering condition
//!   thus raises at most one warning per `reset_periods + 1` periods, while a condition that
//!   comes back to stay is warned about again once the reset period is over (a rule that needed
//!   the condition to stay clear first would silence it for good).
//! - An [`Outcome::Unknown`] period (missing data) changes nothing: it neither opens, changes nor
//!   closes a warning, but it does count as time for the reset period.
//! - Periods must be fed in increasing order ([`StateError::OutOfOrder`]); gaps are allowed.
//!
//! The state is plain serde data, meant to be stored between months. Stepping month by month
//! from a stored state and [`replay`]ing the whole history from [`WarningState::default`] give
//! the same states and events.

use serde::{Deserialize, Serialize};

use crate::period::Period;
use crate::warning::evaluate::evaluate;
use crate::warning::facts::Facts;
use crate::warning::finding::{Evaluation, Figure, Outcome};
use crate::warning::level::Level;
use crate::warning::rule::Rule;

/// Where the warnings of one (base, rule) pair stand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningState {
    /// The last period fed in, if any.
    pub last_period: Option<Period>,
    /// Open, closed or never opened.
    pub status: Status,
}

/// The status of the pair's warning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// No warning has opened yet.
    #[default]
    Idle,
    /// A warning is open.
    Open {
        /// Its current level.
        level: Level,
        /// The period it opened.
        opened: Period,
        /// The highest level it has reached.
        peak: Level,
    },
    /// The last warning closed.
    Closed {
        /// The period it closed (the first clear period).
        closed: Period,
        /// Its level when it closed.
        last_level: Level,
        /// The level of the condition in the last period fed in, when it holds but the reset
        /// period keeps a new warning from opening; `None` otherwise.
        suppressed: Option<Level>,
    },
}

/// What happened to the warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A new warning opened.
    Opened,
    /// The open warning's level rose.
    Escalated,
    /// The open warning's level fell.
    DeEscalated,
    /// The open warning closed.
    Closed,
}

impl Change {
    /// `开启`, `升级`, `降级` or `解除`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Change::Opened => "开启",
            Change::Escalated => "升级",
            Change::DeEscalated => "降级",
            Change::Closed => "解除",
        }
    }
}

/// A change of a warning, with its reason and figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The rule.
    pub rule_id: String,
    /// The period of the evaluation that caused it.
    pub period: Period,
    /// What happened.
    pub change: Change,
    /// The level after the change; for [`Change::Closed`], the level it had when it closed.
    pub level: Level,
    /// The level before the change ([`Change::Escalated`], [`Change::DeEscalated`]), else
    /// `None`.
    pub previous: Option<Level>,
    /// Why, in Chinese.
    pub reason_zh: String,
    /// Why, in English.
    pub reason_en: String,
    /// The figures that triggered it (or cleared it).
    pub figures: Vec<Figure>,
}

impl Event {
    /// A one-line Chinese headline, e.g. `黄色预警开启：…`.
    pub fn headline_zh(&self) -> String {
        format!(
            "{}预警{}：{}",
            self.level.name_zh(),
            self.change.name_zh(),
            self.reason_zh
        )
    }
}

/// Why a period cannot be fed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The period is not after the last one fed in.
    #[error("period {period} is not after the last period fed in, {last}")]
    OutOfOrder {
        /// The last period fed in.
        last: Period,
        /// The offending period.
        period: Period,
    },
}

/// Feeds one period's evaluation into the state of a (base, rule) pair and returns the new state
/// and the events (at most one). Pure: the same state and evaluation always give the same result.
pub fn advance(
    state: &WarningState,
    rule_id: &str,
    reset_periods: u32,
    period: Period,
    evaluation: &Evaluation,
) -> Result<(WarningState, Vec<Event>), StateError> {
    if let Some(last) = state.last_period
        && period <= last
    {
        return Err(StateError::OutOfOrder { last, period });
    }
    let event = |change, level, previous| Event {
        rule_id: rule_id.into(),
        period,
        change,
        level,
        previous,
        reason_zh: evaluation.reason_zh.clone(),
        reason_en: evaluation.reason_en.clone(),
        figures: evaluation.figures.clone(),
    };
    let open = |level| Status::Open {
        level,
        opened: period,
        peak: level,
    };
    let (status, events) = match (state.status, evaluation.outcome) {
        (status, Outcome::Unknown) => (status, Vec::new()),
        (Status::Idle, Outcome::Clear) => (Status::Idle, Vec::new()),
        (Status::Idle, Outcome::Warn(level)) => {
            (open(level), vec![event(Change::Opened, level, None)])
        }
        (Status::Open { level, .. }, Outcome::Clear) => (
            Status::Closed {
                closed: period,
                last_level: level,
                suppressed: None,
            },
            vec![event(Change::Closed, level, None)],
        ),
        (
            Status::Open {
                level,
                opened,
                peak,
            },
            Outcome::Warn(now),
        ) => {
            let status = Status::Open {
                level: now,
                opened,
                peak: peak.max(now),
            };
            let events = if now > level {
                vec![event(Change::Escalated, now, Some(level))]
            } else if now < level {
                vec![event(Change::DeEscalated, now, Some(level))]
            } else {
                Vec::new()
            };
            (status, events)
        }
        (
            Status::Closed {
                closed, last_level, ..
            },
            Outcome::Clear,
        ) => (
            Status::Closed {
                closed,
                last_level,
                suppressed: None,
            },
            Vec::new(),
        ),
        (
            Status::Closed {
                closed, last_level, ..
            },
            Outcome::Warn(level),
        ) => {
            if closed.months_until(period) > i64::from(reset_periods) {
                (open(level), vec![event(Change::Opened, level, None)])
            } else {
                let status = Status::Closed {
                    closed,
                    last_level,
                    suppressed: Some(level),
                };
                (status, Vec::new())
            }
        }
    };
    let state = WarningState {
        last_period: Some(period),
        status,
    };
    Ok((state, events))
}

/// Evaluates `rule` on `facts` at `period` and feeds the result into `state`.
pub fn step(
    rule: &Rule,
    state: &WarningState,
    facts: &Facts,
    period: Period,
) -> Result<(WarningState, Vec<Event>), StateError> {
    let evaluation = evaluate(rule, facts, period);
    advance(state, &rule.id, rule.reset_periods, period, &evaluation)
}

/// Runs `rule` over `periods` (increasing) from a fresh state: the final state and every event,
/// in order. The same as calling [`step`] period by period.
pub fn replay(
    rule: &Rule,
    facts: &Facts,
    periods: impl IntoIterator<Item = Period>,
) -> Result<(WarningState, Vec<Event>), StateError> {
    let mut state = WarningState::default();
    let mut events = Vec::new();
    for period in periods {
        let (next, new_events) = step(rule, &state, facts, period)?;
        state = next;
        events.extend(new_events);
    }
    Ok((state, events))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    fn eval(outcome: Outcome) -> Evaluation {
        Evaluation::new(outcome, "原因".into(), "reason".into())
    }

    /// Feeds `outcomes` from January 2024 on and returns (period, change, level) of each event.
    fn run(reset: u32, outcomes: &[Outcome]) -> (WarningState, Vec<(String, Change, Level)>) {
        let mut state = WarningState::default();
        let mut seen = Vec::new();
        for (i, outcome) in outcomes.iter().enumerate() {
            let period = p("2024-01").offset(i as i64).unwrap();
            let (next, events) = advance(&state, "r", reset, period, &eval(*outcome)).unwrap();
            state = next;
            seen.extend(
                events
                    .into_iter()
                    .map(|e| (e.period.to_string(), e.change, e.level)),
            );
        }
        (state, seen)
    }

    use Level::{Orange, Red, Yellow};
    use Outcome::{Clear, Unknown, Warn};

    #[test]
    fn opens_yellow_escalates_to_red_de_escalates_closes_rests_and_reopens() {
        let outcomes = [
            Clear,        // 2024-01
            Warn(Yellow), // 02 opened yellow
            Warn(Yellow), // 03 nothing new
            Warn(Red),    // 04 escalated to red
            Warn(Orange), // 05 de-escalated to orange
            Clear,        // 06 closed (c)
            Warn(Red),    // 07 within reset (c+1): suppressed
            Clear,        // 08 (c+2)
            Warn(Yellow), // 09 (c+3): the last quiet period, held back
            Warn(Yellow), // 10 (c+4): opens again
        ];
        let (state, events) = run(3, &outcomes);
        assert_eq!(
            events,
            vec![
                ("2024-02".into(), Change::Opened, Yellow),
                ("2024-04".into(), Change::Escalated, Red),
                ("2024-05".into(), Change::DeEscalated, Orange),
                ("2024-06".into(), Change::Closed, Orange),
                ("2024-10".into(), Change::Opened, Yellow),
            ]
        );
        assert_eq!(
            state.status,
            Status::Open {
                level: Yellow,
                opened: p("2024-10"),
                peak: Yellow
            }
        );
    }

    #[test]
    fn the_reset_period_holds_back_a_recurrence_and_records_it() {
        let (state, events) = run(2, &[Warn(Orange), Clear, Warn(Red)]);
        assert_eq!(events.len(), 2);
        assert_eq!(
            state.status,
            Status::Closed {
                closed: p("2024-02"),
                last_level: Orange,
                suppressed: Some(Red)
            }
        );
        // With no reset period, the next month may open again.
        let (_, events) = run(0, &[Warn(Orange), Clear, Warn(Red)]);
        assert_eq!(
            events.last().unwrap(),
            &("2024-03".into(), Change::Opened, Red)
        );
    }

    #[test]
    fn a_flickering_condition_raises_one_warning_per_reset_cycle() {
        let flicker: Vec<Outcome> = (0..14)
            .map(|i| if i % 2 == 0 { Warn(Yellow) } else { Clear })
            .collect();
        let (_, events) = run(3, &flicker);
        let opened: Vec<&str> = events
            .iter()
            .filter(|e| e.1 == Change::Opened)
            .map(|e| e.0.as_str())
            .collect();
        // Opened 01, closed 02, held back 03 and 05, opened 07 (06 clear), closed 08, held back
        // 09 and 11, opened 2025-01.
        assert_eq!(opened, vec!["2024-01", "2024-07", "2025-01"]);
    }

    #[test]
    fn unknown_changes_nothing_but_time_passes() {
        let (state, events) = run(1, &[Warn(Red), Unknown, Unknown, Warn(Red)]);
        assert_eq!(events, vec![("2024-01".into(), Change::Opened, Red)]);
        assert!(matches!(state.status, Status::Open { level: Red, .. }));
        assert_eq!(state.last_period, Some(p("2024-04")));
        // Closed at 02; 03 unknown; 04 is past the one-period reset.
        let (_, events) = run(1, &[Warn(Red), Clear, Unknown, Warn(Yellow)]);
        assert_eq!(
            events.last().unwrap(),
            &("2024-04".into(), Change::Opened, Yellow)
        );
        let (state, events) = run(0, &[Unknown, Clear]);
        assert!(events.is_empty());
        assert_eq!(state.status, Status::Idle);
    }

    #[test]
    fn periods_must_increase_and_gaps_count_as_time() {
        let state = WarningState::default();
        let (state, _) = advance(&state, "r", 2, p("2024-03"), &eval(Warn(Red))).unwrap();
        assert_eq!(
            advance(&state, "r", 2, p("2024-03"), &eval(Clear)),
            Err(StateError::OutOfOrder {
                last: p("2024-03"),
                period: p("2024-03")
            })
        );
        assert!(advance(&state, "r", 2, p("2024-01"), &eval(Clear)).is_err());
        let (state, _) = advance(&state, "r", 2, p("2024-04"), &eval(Clear)).unwrap();
        // Closed 04; 07 is three months later, past a reset of 2.
        let (_, events) = advance(&state, "r", 2, p("2024-07"), &eval(Warn(Red))).unwrap();
        assert_eq!(events[0].change, Change::Opened);
    }

    #[test]
    fn events_carry_reasons_and_figures_and_the_state_round_trips() {
        let evaluation = Evaluation::new(Warn(Yellow), "营业收入同比 -12.0%".into(), "x".into())
            .with_figures(vec![Figure::new("yoy", -12.0, "%")]);
        let (state, events) = advance(
            &WarningState::default(),
            "rev",
            0,
            p("2024-05"),
            &evaluation,
        )
        .unwrap();
        assert_eq!(events[0].rule_id, "rev");
        assert_eq!(events[0].figures[0].value, -12.0);
        assert_eq!(events[0].headline_zh(), "黄色预警开启：营业收入同比 -12.0%");
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(
            json,
            r#"{"last_period":"2024-05","status":{"status":"open","level":"yellow","opened":"2024-05","peak":"yellow"}}"#
        );
        assert_eq!(serde_json::from_str::<WarningState>(&json).unwrap(), state);
    }
}
