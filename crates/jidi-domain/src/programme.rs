//! Rules of the programme itself, shared by the evaluation, the schemes and any loader: which bases
//! take part in a year's evaluation, and the designation cut-off that decides it.

use chrono::{Datelike, NaiveDate};

use crate::roll::{BaseDraft, Status, Tier};

/// Whether a base takes part in the evaluation of `year`: in the national programme, designated
/// on or before `cutoff` (a base known only by its year counts as designated mid-year), and not
/// withdrawn by the end of the year.
pub fn is_eligible(
    tier: Tier,
    designated_on: Option<NaiveDate>,
    designated_year: Option<i32>,
    withdrawn_on: Option<NaiveDate>,
    year: i32,
    cutoff: NaiveDate,
) -> bool {
    if !tier.is_national() && withdrawn_on.is_none() {
        return false;
    }
    let designated =
        designated_on.or_else(|| designated_year.and_then(|y| NaiveDate::from_ymd_opt(y, 6, 30)));
    let Some(designated) = designated else {
        return false;
    };
    designated <= cutoff && withdrawn_on.is_none_or(|w| w.year() > year)
}

/// The designation cut-off of the evaluation of `year`: the 2018 evaluation left out the eighth
/// batch, designated in February 2018 (that is how the published 332 bases evaluated come about);
/// every other year took every base designated by the end of the year.
pub fn eligibility_cutoff(year: i32) -> NaiveDate {
    eligibility_cutoff_override(year)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date"))
}

/// The cut-off of [`eligibility_cutoff`] when it differs from the end of the year.
pub fn eligibility_cutoff_override(year: i32) -> Option<NaiveDate> {
    (year == 2018).then(|| NaiveDate::from_ymd_opt(2017, 12, 31).expect("valid date"))
}

/// Whether a base was evaluated in `year` under the programme's cut-offs.
pub fn evaluated_in(draft: &BaseDraft, year: i32) -> bool {
    let withdrawn_on = match &draft.status {
        Status::Withdrawn { on, .. } => Some(*on),
        Status::Current => None,
    };
    is_eligible(
        draft.tier,
        draft.designated_on,
        draft.designated_year,
        withdrawn_on,
        year,
        eligibility_cutoff(year),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eligibility_follows_designation_and_withdrawal() {
        let cutoff = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        let cases = [
            (Tier::National, d(2020, 3, 4), None, None, true),
            (Tier::National, d(2021, 1, 1), None, None, false),
            (Tier::Provincial, d(2010, 1, 1), None, None, false),
            (Tier::National, d(2010, 1, 1), None, d(2021, 5, 1), true),
            (Tier::National, d(2010, 1, 1), None, d(2020, 5, 1), false),
            (Tier::National, None, Some(2019), None, true),
        ];
        for (tier, on, year, withdrawn, expected) in cases {
            assert_eq!(
                is_eligible(tier, on, year, withdrawn, 2020, cutoff),
                expected,
                "{tier:?} {on:?} {year:?} {withdrawn:?}"
            );
        }
    }

    #[test]
    fn the_2018_evaluation_stops_at_the_end_of_2017() {
        assert_eq!(
            eligibility_cutoff(2018),
            NaiveDate::from_ymd_opt(2017, 12, 31).unwrap()
        );
        assert_eq!(
            eligibility_cutoff(2019),
            NaiveDate::from_ymd_opt(2019, 12, 31).unwrap()
        );
    }
}
