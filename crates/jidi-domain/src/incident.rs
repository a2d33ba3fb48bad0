//! Safety and environmental incidents: the kinds that matter to the evaluation (one-vote vetoes)
//! and to dynamic management. Recorded by the ministry, read by the evaluation and the rules.

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

    /// Whether it is a one-vote veto under the default rules.
    pub fn is_veto(self) -> bool {
        !matches!(self, IncidentKind::SafetySerious)
    }
}
