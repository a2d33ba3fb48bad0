//! Safety and environmental incidents: the kinds that matter to the evaluation (one-vote vetoes)
//! and to dynamic management. Recorded by the ministry, read by the evaluation and the rules.

use chrono::NaiveDate;

use crate::roll::FieldError;

/// The longest incident description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// Kinds of incidents that matter to the evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// 重大及以上生产安全事故: a one-vote veto.
    SafetyMajor,
    /// 较大生产安全事故: counted, not a veto.
    SafetySerious,
    /// Ⅰ级（特别重大）突发环境事件: a one-vote veto.
    EnvironmentLevel1,
    /// Ⅱ级（重大）突发环境事件: a one-vote veto.
    EnvironmentLevel2,
}

impl IncidentKind {
    /// All kinds.
    pub const ALL: [IncidentKind; 4] = [
        IncidentKind::SafetyMajor,
        IncidentKind::SafetySerious,
        IncidentKind::EnvironmentLevel1,
        IncidentKind::EnvironmentLevel2,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            IncidentKind::SafetyMajor => "safety_major",
            IncidentKind::SafetySerious => "safety_serious",
            IncidentKind::EnvironmentLevel1 => "environment_level1",
            IncidentKind::EnvironmentLevel2 => "environment_level2",
        }
    }

    /// Parses [`IncidentKind::code`].
    pub fn parse(code: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            IncidentKind::SafetyMajor => "重大生产安全事故",
            IncidentKind::SafetySerious => "较大生产安全事故",
            IncidentKind::EnvironmentLevel1 => "Ⅰ级突发环境事件",
            IncidentKind::EnvironmentLevel2 => "Ⅱ级突发环境事件",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            IncidentKind::SafetyMajor => "Major work-safety accident",
            IncidentKind::SafetySerious => "Serious work-safety accident",
            IncidentKind::EnvironmentLevel1 => "Level I environmental emergency",
            IncidentKind::EnvironmentLevel2 => "Level II environmental emergency",
        }
    }

    /// Whether it is a one-vote veto under the default rules.
    pub fn is_veto(self) -> bool {
        !matches!(self, IncidentKind::SafetySerious)
    }
}

/// The veto reason of an evaluation result, as stored with the frozen result: each vetoing incident
/// as `名称（YYYY-MM-DD）`, joined by `；`. Written only by [`veto_reason`]; [`veto_incidents`]
/// reads it back, so that a page can show the same incidents in another language.
pub fn veto_reason(incidents: &[(IncidentKind, NaiveDate)]) -> String {
    incidents
        .iter()
        .map(|(kind, on)| format!("{}（{on}）", kind.name_zh()))
        .collect::<Vec<_>>()
        .join("；")
}

/// The incidents of a veto reason written by [`veto_reason`]; `None` for any other text (a result
/// stored before the format, or edited by hand), which is then shown as stored.
pub fn veto_incidents(text: &str) -> Option<Vec<(IncidentKind, NaiveDate)>> {
    text.split('；')
        .map(|part| {
            let (name, rest) = part.split_once('（')?;
            let date = rest.strip_suffix('）')?;
            let kind = IncidentKind::ALL
                .into_iter()
                .find(|k| k.name_zh() == name)?;
            Some((kind, date.parse().ok()?))
        })
        .collect()
}

/// An incident as reported, checked once for every caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentReport {
    /// Kind.
    pub kind: IncidentKind,
    /// When it happened (not in the future).
    pub on: NaiveDate,
    /// What happened (1 to [`MAX_DESCRIPTION_CHARS`] characters, no NUL).
    pub description: String,
}

impl IncidentReport {
    /// Parses a report, with every problem by field.
    pub fn parse(
        kind: &str,
        on: &str,
        description: &str,
        today: NaiveDate,
    ) -> Result<IncidentReport, Vec<FieldError>> {
        let mut errors = Vec::new();
        let parsed_kind = IncidentKind::parse(kind);
        if parsed_kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                format!(
                    "{kind:?} is not an incident kind (safety_major, safety_serious, environment_level1, environment_level2)"
                ),
            ));
        }
        let date = crate::parse::parse_date(on);
        match date {
            None => errors.push(FieldError::new("on", format!("{on:?} is not a date"))),
            Some(d) if d > today => {
                errors.push(FieldError::new("on", format!("{d} is in the future")))
            }
            Some(_) => {}
        }
        let description = description.trim();
        if description.is_empty() {
            errors.push(FieldError::new("description", "a description is required"));
        } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.push(FieldError::new(
                "description",
                format!("at most {MAX_DESCRIPTION_CHARS} characters"),
            ));
        } else if description.contains('\0') {
            errors.push(FieldError::new(
                "description",
                "NUL characters are not allowed",
            ));
        }
        match (parsed_kind, date) {
            (Some(kind), Some(on)) if errors.is_empty() => Ok(IncidentReport {
                kind,
                on,
                description: description.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn veto_reasons_read_back() {
        let on = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let incidents = vec![
            (IncidentKind::SafetyMajor, on),
            (IncidentKind::EnvironmentLevel2, on),
        ];
        let text = veto_reason(&incidents);
        assert_eq!(
            text,
            "重大生产安全事故（2024-05-01）；Ⅱ级突发环境事件（2024-05-01）"
        );
        assert_eq!(veto_incidents(&text), Some(incidents));
        assert_eq!(veto_incidents("手工填写的原因"), None);
        assert_eq!(veto_incidents("重大生产安全事故（昨天）"), None);
    }

    #[test]
    fn reports_are_checked_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let ok = IncidentReport::parse("safety_major", "2026-03-05", " 爆炸 ", today).unwrap();
        assert_eq!(
            (ok.kind, ok.description.as_str()),
            (IncidentKind::SafetyMajor, "爆炸")
        );
        let fields = |k: &str, on: &str, d: &str| -> Vec<String> {
            IncidentReport::parse(k, on, d, today)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields("fire", "2026-03-05", "x"), ["kind"]);
        assert_eq!(fields("safety_major", "2027-01-01", "x"), ["on"]);
        assert_eq!(
            fields("safety_major", "2026-03-05", &"长".repeat(2001)),
            ["description"]
        );
        assert_eq!(
            fields("safety_major", "2026-03-05", "a\0b"),
            ["description"]
        );
    }
}
