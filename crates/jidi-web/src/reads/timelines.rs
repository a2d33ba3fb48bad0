//! A base's timeline: tier changes, ratings, and within scope proposals and incidents.

use jidi_domain::access::{self, RecordScope};
use jidi_domain::roll::Base;
use jidi_store::{Page, ProposalFilter, ResultRecord};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::reads::bases::scope;
use crate::state::AppState;
use crate::views::tier_name;

/// One event of a base's timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineEvent {
    /// Date (YYYY-MM-DD) or year.
    pub date: String,
    /// `tier`, `evaluation`, `proposal` or `incident`.
    pub kind: String,
    /// What happened.
    pub title: String,
    /// Why, or details.
    pub detail: String,
}

/// A base's timeline: tier changes, published ratings, proposals and decisions (within scope),
/// and incidents (within scope), oldest first.
/// The caller passes the tier history and published ratings it has already loaded.
pub async fn timeline(
    state: &AppState,
    viewer: &Viewer,
    base: &Base,
    tiers: &[jidi_domain::roll::TierChange],
    ratings: &[(i32, ResultRecord)],
) -> Result<Vec<TimelineEvent>, AppError> {
    let lang = viewer.lang;
    let mut events = Vec::new();
    for h in tiers.iter().cloned() {
        let title = match (h.from, h.to) {
            (None, Some(t)) => format!(
                "{} {}",
                crate::i18n::t(lang, "timeline.entered"),
                tier_name(t, lang)
            ),
            (Some(f), Some(t)) => format!("{} → {}", tier_name(f, lang), tier_name(t, lang)),
            (Some(_), None) | (None, None) => crate::i18n::t(lang, "timeline.withdrawn"),
        };
        events.push(TimelineEvent {
            date: h.on.to_string(),
            kind: "tier".into(),
            title,
            detail: h.note,
        });
    }
    let sees_incidents = access::can_view_incidents(viewer.who(), scope(base)).granted();
    for (year, r) in ratings.iter().cloned() {
        let stars = r.stars.unwrap_or(0).clamp(0, 5) as usize;
        let mut detail = String::new();
        if r.vetoed && sees_incidents {
            detail = format!(
                "{}：{}",
                crate::i18n::t(lang, "evaluation.vetoed"),
                r.veto_reason.unwrap_or_default()
            );
        }
        events.push(TimelineEvent {
            date: format!("{year}-12-31"),
            kind: "evaluation".into(),
            title: format!(
                "{year} {} {}",
                crate::i18n::t(lang, "evaluation.rating"),
                "★".repeat(stars)
            ),
            detail,
        });
    }
    if access::can_view_base_data(viewer.who(), scope(base)).granted() {
        let (proposals, _) = state
            .store
            .proposals(
                &ProposalFilter::within(RecordScope::Base(base.id)),
                Page::first(200),
            )
            .await?;
        for p in proposals {
            let kind = lang.pick(p.kind.name_zh(), p.kind.name_en());
            let status = crate::i18n::t(lang, &format!("proposal.status.{}", p.status.code()));
            events.push(TimelineEvent {
                date: p.decided_at.map_or_else(
                    || p.created_at.date_naive().to_string(),
                    |d| d.date_naive().to_string(),
                ),
                kind: "proposal".into(),
                title: format!("{kind}（{}）· {status}", p.rule),
                detail: format!(
                    "{}{}",
                    p.reasons.join("；"),
                    p.decision_reason
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default()
                ),
            });
        }
    }
    if sees_incidents {
        for (kind, on, description, _) in state.store.base_incidents(base.id).await? {
            let name = jidi_domain::incident::IncidentKind::parse(&kind)
                .map_or(kind.clone(), |k| k.name_zh().to_string());
            events.push(TimelineEvent {
                date: on.to_string(),
                kind: "incident".into(),
                title: name,
                detail: description,
            });
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(events)
}
