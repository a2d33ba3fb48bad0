//! Reporting tasks (填报任务): opening one (by the ministry or by the monthly calendar), and
//! reminding late bases (催报). What a task's bases have answered is kept by the store in the same
//! transactions as the submissions and acceptances themselves.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use jidi_collect::Frequency as CatalogueFrequency;
use jidi_collect::parse::ValuePeriod;
use jidi_store::{Frequency, NewTask, Store, StoreError};
use serde::{Deserialize, Serialize};

/// Tiers whose current bases a task asks by default: the national roll (the monthly monitoring
/// and the yearly evaluation are of national bases).
pub const DEFAULT_TIERS: [&str; 2] = ["national", "excellence"];

/// The settings key of the monthly calendar.
pub const CALENDAR_KEY: &str = "task_calendar";

/// Longest title, in characters.
const MAX_TITLE: usize = 200;

/// A task to open, as a person or a program asks for it.
#[derive(Clone, Debug)]
pub struct OpenTask {
    /// `YYYY` (annual) or `YYYY-MM` (monthly).
    pub period: String,
    /// The last day to report (China time; reports after its end are late).
    pub deadline: NaiveDate,
    /// Title; a standard one when empty.
    pub title: String,
    /// Indicator codes; every catalogue indicator of the period's frequency when empty.
    pub indicators: Vec<String>,
    /// Who (none: the calendar or the command line).
    pub opened_by: Option<i64>,
    /// `ministry`, `calendar`, `demo`.
    pub opened_via: &'static str,
    /// Generated demo content.
    pub synthetic: bool,
}

/// Why a task cannot be opened; each names the field.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// A field is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A task for the period exists.
    #[error("a reporting task for {0} already exists")]
    Exists(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> TaskError {
    TaskError::Invalid {
        field,
        message: message.into(),
    }
}

/// The end of `day` in China (UTC+8) as an instant: a report that day is on time.
pub fn end_of_day_china(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
    Utc.from_utc_datetime(&(local - chrono::Duration::hours(8)))
}

/// The day in China of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(8)).date_naive()
}

/// The standard title of a period's task.
pub fn standard_title(period: ValuePeriod) -> String {
    match period {
        ValuePeriod::Year(y) => format!("{y}年年度数据填报"),
        ValuePeriod::Month(m) => format!("{}年{}月月度数据填报", m.year(), m.month()),
    }
}

/// The standard title of a period's task in English, for pages in English: the Chinese one is
/// what is stored, so a page tells a generated title from a typed one by comparing with
/// [`standard_title`] and shows this instead.
pub fn standard_title_en(period: ValuePeriod) -> String {
    match period {
        ValuePeriod::Year(y) => format!("Annual data for {y}"),
        ValuePeriod::Month(m) => format!(
            "Monthly data for {} {}",
            jidi_report::wording::month_name(m.month() as u8, jidi_report::Lang::En),
            m.year()
        ),
    }
}

/// The period of the store's frequency and period key (the inverse of [`period_key`]); `None`
/// for a key no period has.
pub fn period_of_key(frequency: Frequency, key: i32) -> Option<ValuePeriod> {
    match frequency {
        Frequency::Annual => Some(ValuePeriod::Year(key)),
        Frequency::Monthly => {
            jidi_monitor::period::Period::new(key / 100, (key % 100).try_into().ok()?)
                .ok()
                .map(ValuePeriod::Month)
        }
    }
}

/// The standard reminder text of a task in English (see [`standard_title_en`]).
pub fn reminder_text_en(title: &str, deadline: DateTime<Utc>) -> String {
    format!(
        "\u{201c}{title}\u{201d} was due on {}; your base has not reported (or has not reported again after a return). Please report as soon as you can.",
        china_date(deadline)
    )
}

/// The store's frequency and period key of a period.
pub fn period_key(period: ValuePeriod) -> (Frequency, i32) {
    match period {
        ValuePeriod::Year(y) => (Frequency::Annual, y),
        ValuePeriod::Month(m) => (Frequency::Monthly, m.year() * 100 + m.month() as i32),
    }
}

/// The first day after a period ends.
fn day_after(period: ValuePeriod) -> Option<NaiveDate> {
    match period {
        ValuePeriod::Year(y) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
        ValuePeriod::Month(m) => {
            let (y, mo) = if m.month() == 12 {
                (m.year() + 1, 1)
            } else {
                (m.year(), m.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, mo, 1)
        }
    }
}

/// Checks a request and opens the task for the current bases of the national roll, in one
/// transaction with its audit entry. Returns the task's id.
pub async fn open_task(
    store: &Store,
    req: &OpenTask,
    now: DateTime<Utc>,
) -> Result<i64, TaskError> {
    if req.period.len() > 20 || req.period.contains('\0') {
        return Err(invalid("period", "YYYY or YYYY-MM"));
    }
    let period: ValuePeriod = req.period.trim().parse().map_err(|_| {
        invalid(
            "period",
            format!("{:?} is not a year (YYYY) or a month (YYYY-MM)", req.period),
        )
    })?;
    if period.to_string().contains('Q') {
        return Err(invalid(
            "period",
            "quarterly tasks are not offered; ask for a month",
        ));
    }
    let (frequency, key) = period_key(period);
    let first_day = day_after(period).ok_or_else(|| invalid("period", "out of range"))?;
    if req.deadline < first_day {
        return Err(invalid(
            "deadline",
            format!(
                "{} is before the period ends; the earliest deadline is {first_day}",
                req.deadline
            ),
        ));
    }
    if req.deadline > first_day + chrono::Duration::days(366) {
        return Err(invalid(
            "deadline",
            "more than a year after the period ends",
        ));
    }
    let title = req.title.trim();
    if title.chars().count() > MAX_TITLE || title.contains('\0') {
        return Err(invalid(
            "title",
            format!("at most {MAX_TITLE} characters, no NUL"),
        ));
    }
    let wanted = match frequency {
        Frequency::Annual => CatalogueFrequency::Annual,
        Frequency::Monthly => CatalogueFrequency::Monthly,
    };
    let catalogue = store.current_catalogue().await?.1;
    let mut indicators: Vec<String> = if req.indicators.is_empty() {
        catalogue
            .active(wanted)
            .filter(|i| i.compute.trim().is_empty())
            .map(|i| i.spec.code.to_string())
            .collect()
    } else {
        let mut out = Vec::new();
        for code in &req.indicators {
            let Some(i) = catalogue.get(code.trim()).map(|e| &e.spec) else {
                return Err(invalid(
                    "indicators",
                    format!(
                        "{:?} is not in the indicator catalogue",
                        code.chars().take(40).collect::<String>()
                    ),
                ));
            };
            if catalogue.is_derived(&i.code) {
                return Err(invalid(
                    "indicators",
                    format!(
                        "{} ({}) is computed by a formula, not reported",
                        i.code, i.name_zh
                    ),
                ));
            }
            if catalogue.is_retired(&i.code) {
                return Err(invalid(
                    "indicators",
                    format!("{} ({}) is retired", i.code, i.name_zh),
                ));
            }
            if i.frequency != wanted {
                return Err(invalid(
                    "indicators",
                    format!(
                        "{} is reported {}, the task is {}",
                        i.code,
                        i.frequency.code(),
                        wanted.code()
                    ),
                ));
            }
            out.push(i.code.to_string());
        }
        out
    };
    indicators.sort();
    indicators.dedup();
    if store.task_for_period(frequency, key).await?.is_some() {
        return Err(TaskError::Exists(period.to_string()));
    }
    let base_ids = store.current_base_ids(&DEFAULT_TIERS).await?;
    let task = NewTask {
        frequency,
        period: key,
        title: if title.is_empty() {
            standard_title(period)
        } else {
            title.to_string()
        },
        deadline: end_of_day_china(req.deadline),
        indicators,
        base_ids,
        opened_by: req.opened_by,
        opened_via: req.opened_via,
        synthetic: req.synthetic,
        at: now,
    };
    match store.open_task(&task).await {
        Ok(id) => Ok(id),
        // Two openers racing for the same period: the second finds the first's.
        Err(StoreError::Conflict(_)) => Err(TaskError::Exists(period.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// The monthly calendar: on `open_day` of each month the task for the previous month opens by
/// itself, due on `deadline_day` of the month it opens in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Whether the calendar opens tasks.
    pub enabled: bool,
    /// Day of the month the task opens (1–28).
    pub open_day: u32,
    /// Day of the month reports are due (1–28, not before `open_day`).
    pub deadline_day: u32,
}

impl Default for Calendar {
    /// The statistical practice of the monthly reports: open on the 1st, due on the 10th.
    fn default() -> Calendar {
        Calendar {
            enabled: true,
            open_day: 1,
            deadline_day: 10,
        }
    }
}

impl Calendar {
    /// Checks the days.
    pub fn check(&self) -> Result<(), TaskError> {
        if !(1..=28).contains(&self.open_day) {
            return Err(invalid("open_day", "a day from 1 to 28"));
        }
        if !(self.open_day..=28).contains(&self.deadline_day) {
            return Err(invalid("deadline_day", "a day from open_day to 28"));
        }
        Ok(())
    }
}

/// The calendar in force (the default when none is stored or the stored one is unreadable).
pub async fn calendar(store: &Store) -> Result<Calendar, TaskError> {
    Ok(store
        .setting(CALENDAR_KEY)
        .await?
        .and_then(|text| serde_json::from_str::<Calendar>(&text).ok())
        .filter(|c| c.check().is_ok())
        .unwrap_or_default())
}

/// Stores the calendar.
pub async fn set_calendar(
    store: &Store,
    c: &Calendar,
    actor: Option<i64>,
) -> Result<(), TaskError> {
    c.check()?;
    let text = serde_json::to_string(c).expect("a calendar serializes");
    store.set_setting(CALENDAR_KEY, &text, actor).await?;
    Ok(())
}

/// Opens the previous month's task if the calendar says it is due on `today` and none exists
/// yet. Idempotent: run at start and every hour by the server. Returns the task opened.
pub async fn open_due_tasks(
    store: &Store,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<i64>, TaskError> {
    let c = calendar(store).await?;
    if !c.enabled || today.day() < c.open_day {
        return Ok(None);
    }
    let (y, m) = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    let deadline = NaiveDate::from_ymd_opt(today.year(), today.month(), c.deadline_day)
        .ok_or_else(|| invalid("deadline_day", "not a day of this month"))?;
    let req = OpenTask {
        period: format!("{y}-{m:02}"),
        deadline,
        title: String::new(),
        indicators: Vec::new(),
        opened_by: None,
        opened_via: "calendar",
        synthetic: false,
    };
    match open_task(store, &req, now).await {
        Ok(id) => Ok(Some(id)),
        Err(TaskError::Exists(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The standard reminder text of a task.
pub fn reminder_text(title: &str, deadline: DateTime<Utc>) -> String {
    format!(
        "“{title}”已于 {} 截止，贵基地尚未报送（或被退回后未重新报送），请尽快填报。",
        china_date(deadline)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_the_end_of_the_day_in_china() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
        let at = end_of_day_china(d);
        assert_eq!(at.to_rfc3339(), "2026-11-10T15:59:59+00:00");
        assert_eq!(china_date(at), d);
        assert_eq!(
            china_date(at + chrono::Duration::seconds(1)),
            d.succ_opt().unwrap()
        );
    }

    #[test]
    fn standard_titles_and_keys() {
        let m: ValuePeriod = "2026-10".parse().unwrap();
        assert_eq!(standard_title(m), "2026年10月月度数据填报");
        assert_eq!(period_key(m), (Frequency::Monthly, 202610));
        assert_eq!(day_after(m), NaiveDate::from_ymd_opt(2026, 11, 1));
        let d: ValuePeriod = "2026-12".parse().unwrap();
        assert_eq!(day_after(d), NaiveDate::from_ymd_opt(2027, 1, 1));
        let y: ValuePeriod = "2025".parse().unwrap();
        assert_eq!(standard_title(y), "2025年年度数据填报");
        assert_eq!(period_key(y), (Frequency::Annual, 2025));
    }

    #[test]
    fn calendars_are_checked() {
        assert!(Calendar::default().check().is_ok());
        let bad = Calendar {
            enabled: true,
            open_day: 0,
            deadline_day: 10,
        };
        assert!(bad.check().is_err());
        let bad = Calendar {
            enabled: true,
            open_day: 12,
            deadline_day: 10,
        };
        assert!(bad.check().is_err());
        let bad = Calendar {
            enabled: true,
            open_day: 1,
            deadline_day: 31,
        };
        assert!(bad.check().is_err());
    }
}
