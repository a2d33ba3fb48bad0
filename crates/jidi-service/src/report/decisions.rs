//! The tier system in the year: who entered, moved up in or left the national programme, and who
//! was warned or ordered to rectify.
//!
//! One source of truth per kind of fact: a *move* of tier is a row of `tier_changes` (the roll's
//! own history, written by every designation, promotion and withdrawal, whether it came from a
//! decided proposal or from the designation notices), counted by the day it took effect; the
//! *reason* of a move is the written reason of the proposal behind it, else the history entry's
//! note. Warnings and rectification orders move no tier: they are the proposals of those kinds
//! accepted in the year (by the day of the decision in China). So the counts of the report agree
//! with the roll at the end of each year.

use chrono::NaiveDate;
use jidi_domain::roll::Tier;
use jidi_domain::rules::{ProposalKind, ProposalStatus};
use jidi_report::model::{Decision, DecisionKind, Decisions, Name, Provenance};
use jidi_store::{ProposalFilter, Store};

use super::names::Labels;
use super::{Result, date};

/// Whether a tier belongs to the national programme (国家级, 卓越提升).
fn national(t: Option<Tier>) -> bool {
    matches!(t, Some(Tier::National | Tier::Excellence))
}

fn rank(t: Tier) -> usize {
    Tier::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// What a change of tier is to the national programme: entering it (from no tier or a provincial
/// one) is `New`, rising within it `Promoted`, leaving it (off the roll or down to a provincial
/// tier) `Withdrawn`. A move down *within* the programme (卓越提升 → 国家级, which only a
/// correction of the roll records) is none of these and is not listed; neither is a change that
/// does not touch the programme.
pub fn move_kind(from: Option<Tier>, to: Option<Tier>) -> Option<DecisionKind> {
    match (national(from), national(to)) {
        (false, true) => Some(DecisionKind::New),
        (true, false) => Some(DecisionKind::Withdrawn),
        (true, true) => match (from, to) {
            (Some(a), Some(b)) if rank(b) > rank(a) => Some(DecisionKind::Promoted),
            _ => None,
        },
        (false, false) => None,
    }
}

fn tier_name(t: Tier) -> Name {
    Name::new(t.name_zh(), t.name_en())
}

fn reason(text: &str) -> Name {
    Name::zh_only(if text.trim().is_empty() {
        "（未填写理由）"
    } else {
        text.trim()
    })
}

/// The decisions of `year`, in the order printed: by kind, day and record.
pub(super) async fn decisions(
    store: &Store,
    year: i32,
    labels: &Labels,
) -> Result<Option<Decisions>> {
    let moves = store.report_tier_moves(year).await?;
    let orders = accepted_orders(store, year).await?;
    let mut ids: Vec<i64> = moves.iter().map(|m| m.base_id).collect();
    ids.extend(orders.iter().map(|p| p.base_id));
    let bases = store.bases_by_ids(&ids).await?;
    let mut items: Vec<(DecisionKind, NaiveDate, Decision)> = Vec::new();
    for m in &moves {
        let from = m.from_tier.as_deref().and_then(Tier::parse);
        let to = m.to_tier.as_deref().and_then(Tier::parse);
        let Some(kind) = move_kind(from, to) else {
            continue;
        };
        let Some(base) = bases.get(&m.base_id) else {
            continue;
        };
        let written = m
            .decision_reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .unwrap_or(&m.note);
        items.push((
            kind,
            m.changed_on,
            Decision {
                key: format!("tc{}", m.id),
                kind,
                base: labels.base_ref(base),
                from_tier: from.map(tier_name),
                to_tier: to.map(tier_name),
                decided_on: date(m.changed_on),
                reason: reason(written),
            },
        ));
    }
    for p in &orders {
        let Some(base) = bases.get(&p.base_id) else {
            continue;
        };
        let Some(at) = p.decided_at else { continue };
        let on = crate::tasks::china_date(at);
        let kind = match p.kind {
            ProposalKind::Warning => DecisionKind::Warned,
            _ => DecisionKind::Rectified,
        };
        let mut written = p.decision_reason.clone().unwrap_or_default();
        if written.trim().is_empty() {
            written = p
                .reasons
                .iter()
                .map(|r| r.zh())
                .collect::<Vec<_>>()
                .join("；");
        }
        items.push((
            kind,
            on,
            Decision {
                key: format!("p{}", p.id),
                kind,
                base: labels.base_ref(base),
                // A warning or a rectification order keeps the base in its tier.
                from_tier: Some(tier_name(p.from_tier)),
                to_tier: Some(tier_name(p.from_tier)),
                decided_on: date(on),
                reason: reason(&written),
            },
        ));
    }
    if items.is_empty() {
        return Ok(None);
    }
    items.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.key.cmp(&b.2.key)));
    Ok(Some(Decisions {
        provenance: Provenance::query(
            "report_decisions",
            &format!(
                "year={year}; tier_changes dated {year}-01-01..{year}-12-31 touching 国家级/卓越提升 \
                 (new: into the programme; promoted: up within it; withdrawn: out of it), reason \
                 from the decided proposal else the entry's note; proposals of kind warning or \
                 rectification with status=accepted decided in {year} (UTC+8)"
            ),
        ),
        items: items.into_iter().map(|(_, _, d)| d).collect(),
    }))
}

/// Warnings and rectification orders accepted in `year` (the day of the decision in China).
async fn accepted_orders(store: &Store, year: i32) -> Result<Vec<jidi_store::ProposalRecord>> {
    let mut out = Vec::new();
    for kind in [ProposalKind::Warning, ProposalKind::Rectification] {
        let filter = ProposalFilter {
            status: Some(ProposalStatus::Accepted),
            kind: Some(kind),
            ..ProposalFilter::within(jidi_domain::access::RecordScope::All)
        };
        let mut seen = 0;
        loop {
            let page = jidi_store::Page {
                offset: seen,
                limit: 500,
            };
            let (rows, total) = store.proposals(&filter, page).await?;
            seen += rows.len() as u32;
            let done = rows.is_empty() || i64::from(seen) >= total;
            out.extend(rows.into_iter().filter(|p| {
                p.decided_at.is_some_and(|at| {
                    use chrono::Datelike;
                    crate::tasks::china_date(at).year() == year
                })
            }));
            if done {
                break;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_are_classified_against_the_national_programme() {
        use DecisionKind as K;
        use Tier as T;
        let cases = [
            (None, Some(T::National), Some(K::New)),
            (Some(T::Provincial), Some(T::National), Some(K::New)),
            (None, Some(T::Excellence), Some(K::New)),
            (Some(T::National), Some(T::Excellence), Some(K::Promoted)),
            (Some(T::National), None, Some(K::Withdrawn)),
            (Some(T::Excellence), None, Some(K::Withdrawn)),
            (Some(T::National), Some(T::Provincial), Some(K::Withdrawn)),
            (Some(T::Excellence), Some(T::National), None),
            (Some(T::National), Some(T::National), None),
            (None, Some(T::Provincial), None),
            (Some(T::Cultivating), Some(T::Provincial), None),
            (Some(T::Provincial), None, None),
        ];
        for (from, to, want) in cases {
            assert_eq!(move_kind(from, to), want, "{from:?} → {to:?}");
        }
    }
}
