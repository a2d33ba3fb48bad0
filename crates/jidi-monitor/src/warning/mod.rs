//! Graded early warning: rules as data, their evaluation, and the life of each warning.
//!
//! - [`rule`]: [`rule::Rule`] and its [`rule::Condition`]s (static threshold, peer-relative,
//!   forecast breach, overcapacity, loss-making share, target miss, late report), serde data
//!   the programme office can edit as JSON or TOML; [`rule::validate_rules`];
//!   [`rule::default_rules`].
//! - [`level`]: the four levels 蓝 < 黄 < 橙 < 红 and [`level::Thresholds`].
//! - [`facts`]: what a rule reads about one base ([`facts::Facts`]), forecast bands and report
//!   timings.
//! - [`evaluate`](mod@evaluate): one rule, one base, one period → [`finding::Evaluation`]
//!   (clear, a level, or unknown, with reasons in Chinese and English and the figures).
//! - [`state`]: the per (base, rule) state machine: one warning opens, escalates, de-escalates
//!   and closes, with a reset period before the next opens; [`state::replay`] over a history
//!   gives the same result as stepping month by month.

pub mod evaluate;
pub mod facts;
pub mod finding;
pub mod level;
pub mod rule;
pub mod state;
