//! Safety and environmental incidents, more often in raw-materials bases and weak ones.

use chrono::Datelike;
use jidi_domain::bulk::IncidentDraft;
use jidi_domain::incident::IncidentKind;
use jidi_domain::roll::Status;

use crate::config::{DemoConfig, date};
use crate::rng::Rng;
use crate::roll::DemoBase;

pub(crate) fn generate_incidents(config: &DemoConfig, bases: &[DemoBase]) -> Vec<IncidentDraft> {
    let mut rng = Rng::new(config.seed, 3);
    let mut out = Vec::new();
    for (i, b) in bases.iter().enumerate() {
        if !b.draft.tier.is_national() && b.draft.status == Status::Current {
            continue;
        }
        let hazardous = b.draft.category_code == "materials";
        for year in config.first_year..=config.last_year() {
            if let Status::Withdrawn { on, .. } = b.draft.status
                && year > on.year()
            {
                continue;
            }
            let u = rng.uniform();
            let scale = if hazardous { 2.5 } else { 1.0 } * (1.0 - 0.15 * b.quality).max(0.5);
            let kind = if u < 0.003 * scale {
                Some(IncidentKind::SafetyMajor)
            } else if u < 0.004 * scale {
                Some(IncidentKind::EnvironmentLevel2)
            } else if u < 0.0045 * scale {
                Some(IncidentKind::EnvironmentLevel1)
            } else if u < 0.02 * scale {
                Some(IncidentKind::SafetySerious)
            } else {
                None
            };
            if let Some(kind) = kind {
                let on = date(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
                out.push(IncidentDraft {
                    base: i,
                    kind,
                    on,
                    description: format!("{}（模拟事件）", kind.name_zh()),
                });
            }
        }
    }
    out
}
