//! A base's timeline: tier changes, ratings, and within scope proposals and incidents.

use jidi_domain::access::{self, RecordScope};
use jidi_domain::roll::Base;
use jidi_store::{Page, ProposalFilter, ResultRecord};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
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
    /// Why, or details, in the requested language; it ends with `typed`, when there is any.
    pub detail: String,
    /// The part of `detail` typed by people (reasons, notes, descriptions), as typed.
    pub typed: String,
}

impl TimelineEvent {
    /// An event whose details are `generated` (in the requested language) and `typed`.
    fn new(date: String, kind: &str, title: String, generated: String, typed: String) -> Self {
        let detail = match (generated.is_empty(), typed.is_empty()) {
            (_, true) => generated,
            (true, false) => typed.clone(),
            (false, false) => format!("{generated} — {typed}"),
        };
        TimelineEvent {
            date,
            kind: kind.into(),
            title,
            detail,
            typed,
        }
    }

    /// The generated part of `detail`, before the typed part.
    pub fn generated(&self) -> &str {
        let rest = self
            .detail
            .strip_suffix(self.typed.as_str())
            .unwrap_or(&self.detail);
        rest.strip_suffix(" — ").unwrap_or(rest)
    }
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
        let parts = h.proposal_id.and_then(|id| {
            jidi_domain::rules::tier_change_note_parts(&h.note, id).map(|p| (id, p))
        });
        let (detail, typed) = match (lang, parts) {
            (Lang::En, Some((id, (kind, reason)))) => (
                format!("{} (proposal no. {id})", kind.name_en()),
                reason.to_string(),
            ),
            _ => (String::new(), h.note.clone()),
        };
        events.push(TimelineEvent::new(
            h.on.to_string(),
            "tier",
            title,
            detail,
            typed,
        ));
    }
    let sees_incidents = access::can_view_incidents(viewer.who(), scope(base)).granted();
    for (year, r) in ratings.iter().cloned() {
        let stars = r.stars.unwrap_or(0).clamp(0, 5) as usize;
        let mut detail = String::new();
        if r.vetoed && sees_incidents {
            detail = format!(
                "{}{}{}",
                crate::i18n::t(lang, "evaluation.vetoed"),
                lang.pick("：", ": "),
                crate::views::veto_reason_text(r.veto_reason.as_deref().unwrap_or_default(), lang)
            );
        }
        events.push(TimelineEvent::new(
            format!("{year}-12-31"),
            "evaluation",
            format!(
                "{year} {} {}",
                crate::i18n::t(lang, "evaluation.rating"),
                "★".repeat(stars)
            ),
            detail,
            String::new(),
        ));
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
            events.push(TimelineEvent::new(
                p.decided_at.map_or_else(
                    || p.created_at.date_naive().to_string(),
                    |d| d.date_naive().to_string(),
                ),
                "proposal",
                match lang {
                    Lang::Zh => format!("{kind}（{}）· {status}", p.rule),
                    Lang::En => format!("{kind} ({}) · {status}", p.rule),
                },
                crate::views::reason_texts(&p.reasons, lang).join(lang.pick("；", "; ")),
                p.decision_reason.unwrap_or_default(),
            ));
        }
    }
    if sees_incidents {
        for (kind, on, description, _) in state.store.base_incidents(base.id).await? {
            let name = jidi_domain::incident::IncidentKind::parse(&kind)
                .map_or(kind.clone(), |k| {
                    lang.pick(k.name_zh(), k.name_en()).to_string()
                });
            events.push(TimelineEvent::new(
                on.to_string(),
                "incident",
                name,
                String::new(),
                description,
            ));
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(events)
}
