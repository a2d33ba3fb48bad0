//! A whole programme's facts in one piece, for a bulk load into an empty database: the demo
//! generator produces one, and a migration from another system would too.

use chrono::NaiveDate;

use crate::incident::IncidentKind;
use crate::roll::{BaseDraft, Tier};

/// A tier change of a base before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct TierChangeDraft {
    /// From.
    pub from: Option<Tier>,
    /// To (`None` = withdrawn).
    pub to: Option<Tier>,
    /// Date.
    pub on: NaiveDate,
    /// Document or reason.
    pub note: String,
}

/// A base with its tier history, oldest change first.
#[derive(Clone, Debug)]
pub struct BaseWithHistory {
    /// The facts.
    pub draft: BaseDraft,
    /// Its tier history, oldest first.
    pub history: Vec<TierChangeDraft>,
}

/// An incident in a base.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentDraft {
    /// Index into [`ProgrammeData::bases`].
    pub base: usize,
    /// Kind.
    pub kind: IncidentKind,
    /// Date.
    pub on: NaiveDate,
    /// Description.
    pub description: String,
}

/// Annual values of one indicator: `(base index, year, value)`.
pub type AnnualSeries = Vec<(usize, i32, f64)>;
/// Monthly values of one indicator: `(base index, period YYYYMM, value)`.
pub type MonthlySeries = Vec<(usize, i32, f64)>;

/// Everything a bulk load writes.
#[derive(Clone, Debug)]
pub struct ProgrammeData {
    /// Bases.
    pub bases: Vec<BaseWithHistory>,
    /// Annual values by indicator code.
    pub annual: Vec<(&'static str, AnnualSeries)>,
    /// Monthly values by indicator code, as reported (cumulative indicators year-to-date, with no
    /// January figure because January and February are released together).
    pub monthly: Vec<(&'static str, MonthlySeries)>,
    /// Incidents.
    pub incidents: Vec<IncidentDraft>,
}

impl ProgrammeData {
    /// Number of annual values.
    pub fn n_annual(&self) -> usize {
        self.annual.iter().map(|(_, v)| v.len()).sum()
    }

    /// Number of monthly values.
    pub fn n_monthly(&self) -> usize {
        self.monthly.iter().map(|(_, v)| v.len()).sum()
    }
}
