//! Roles and scopes: who may read and change what. Every handler asks these functions; nothing
//! else decides access.
//!
//! | role | reads | changes |
//! |---|---|---|
//! | public (anonymous) | national bases' roll facts, published results | nothing |
//! | base | the above, and everything of its own base | its own base's submissions |
//! | province | the above, and everything of its province's bases (incl. provincial and cultivating lists) | its province's provincial and cultivating tiers (decisions) |
//! | evaluator | everything | evaluation schemes and trial runs only |
//! | ministry | everything | everything |
//!
//! "Unpublished data" are indicator values, trial evaluations, proposals, and the provincial and
//! cultivating lists; they are never visible outside the scope above.

use crate::roll::Tier;
use crate::rules::ProposalKind;

/// A role of a signed-in user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// 部级: the programme office.
    Ministry,
    /// 省级: a provincial industry department.
    Province,
    /// 基地: a base's management committee.
    Base,
    /// 评估机构: third-party evaluators.
    Evaluator,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 4] = [Role::Ministry, Role::Province, Role::Base, Role::Evaluator];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Ministry => "ministry",
            Role::Province => "province",
            Role::Base => "base",
            Role::Evaluator => "evaluator",
        }
    }

    /// Parses [`Role::code`].
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == text.trim())
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Ministry => "部级",
            Role::Province => "省级",
            Role::Base => "基地",
            Role::Evaluator => "评估机构",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Role::Ministry => "Ministry",
            Role::Province => "Province",
            Role::Base => "Base",
            Role::Evaluator => "Evaluator",
        }
    }
}

/// A signed-in user as seen by access checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// User id.
    pub user_id: i64,
    /// Username.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Province scope (province role).
    pub province_code: Option<String>,
    /// Base scope (base role).
    pub base_id: Option<i64>,
}

/// What access checks need to know about a base.
#[derive(Clone, Copy, Debug)]
pub struct BaseScope<'a> {
    /// Base id.
    pub id: i64,
    /// Its province.
    pub province_code: &'a str,
    /// Its tier.
    pub tier: Tier,
}

/// The outcome of an access check, which the web layer maps to 401 or 403.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Allowed.
    Granted,
    /// Not signed in, and the resource is not public.
    NeedsLogin,
    /// Signed in, but outside the user's scope or role.
    Forbidden,
}

impl Access {
    fn from_bool(viewer: Option<&Principal>, ok: bool) -> Access {
        match (ok, viewer) {
            (true, _) => Access::Granted,
            (false, None) => Access::NeedsLogin,
            (false, Some(_)) => Access::Forbidden,
        }
    }

    /// Whether access is granted.
    pub fn granted(self) -> bool {
        self == Access::Granted
    }
}

fn owns(p: &Principal, base: BaseScope<'_>) -> bool {
    match p.role {
        Role::Ministry | Role::Evaluator => true,
        Role::Province => p.province_code.as_deref() == Some(base.province_code),
        Role::Base => p.base_id == Some(base.id),
    }
}

/// May `viewer` see the base's roll entry? National bases are public; provincial and cultivating
/// lists only within scope.
pub fn can_view_base(viewer: Option<&Principal>, base: BaseScope<'_>) -> Access {
    let ok = base.tier.is_national() || viewer.is_some_and(|p| owns(p, base));
    Access::from_bool(viewer, ok)
}

/// May `viewer` see the base's unpublished data (indicator values, trial results, proposals)?
pub fn can_view_base_data(viewer: Option<&Principal>, base: BaseScope<'_>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| owns(p, base)))
}

/// May `viewer` create, edit or withdraw roll entries? Only the ministry keeps the roll.
pub fn can_edit_roll(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` design schemes and run trial evaluations?
pub fn can_run_trials(viewer: Option<&Principal>) -> Access {
    Access::from_bool(
        viewer,
        viewer.is_some_and(|p| matches!(p.role, Role::Ministry | Role::Evaluator)),
    )
}

/// May `viewer` see trial (unpublished) evaluation runs?
pub fn can_view_trials(viewer: Option<&Principal>) -> Access {
    can_run_trials(viewer)
}

/// May `viewer` publish an evaluation (and so lock it)?
pub fn can_publish(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` generate drafts of the annual development report and publish its editions? Only
/// the ministry: drafts show unpublished values. Published editions are public.
pub fn can_manage_reports(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` decide a proposal that moves `base` to `to` (or removes it when `None`)? The
/// ministry decides everything; a province decides changes among its own tiers (cultivating and
/// provincial) for its own bases.
pub fn can_decide(viewer: Option<&Principal>, base: BaseScope<'_>, to: Option<Tier>) -> Access {
    let ok = viewer.is_some_and(|p| match p.role {
        Role::Ministry => true,
        Role::Province => {
            owns(p, base) && base.tier.is_provincial() && to.is_some_and(Tier::is_provincial)
        }
        _ => false,
    });
    Access::from_bool(viewer, ok)
}

/// May `viewer` decide any proposal at all (the ministry, and provinces for their own tiers)? Asked
/// before a decision's body is read.
pub fn can_decide_some(viewer: Option<&Principal>) -> Access {
    Access::from_bool(
        viewer,
        viewer.is_some_and(|p| matches!(p.role, Role::Ministry | Role::Province)),
    )
}

/// May `viewer` decide a proposal of `kind` on `base`? What it would change decides it: an exit
/// removes the base, a promotion moves it to `to_tier`, and a warning or rectification keeps it
/// where it is.
pub fn can_decide_proposal(
    viewer: Option<&Principal>,
    base: BaseScope<'_>,
    kind: ProposalKind,
    to_tier: Option<Tier>,
) -> Access {
    let target = match kind {
        ProposalKind::Exit => None,
        ProposalKind::Promotion => to_tier,
        ProposalKind::Warning | ProposalKind::Rectification => Some(base.tier),
    };
    can_decide(viewer, base, target)
}

/// May `viewer` administer users?
pub fn can_manage_users(viewer: Option<&Principal>) -> Access {
    can_edit_roll(viewer)
}

/// Which provincial and cultivating entries a listing of the roll may include. National bases
/// (and the excellence tier) are public and always included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListScope {
    /// Every tier of every province (ministry, evaluators).
    Everything,
    /// National bases, and the provincial and cultivating entries of one province.
    NationalAndProvince(String),
    /// National bases only (the public, base users).
    NationalOnly,
}

/// The listing scope of `viewer`.
pub fn list_scope(viewer: Option<&Principal>) -> ListScope {
    match viewer {
        Some(p) if matches!(p.role, Role::Ministry | Role::Evaluator) => ListScope::Everything,
        Some(Principal {
            role: Role::Province,
            province_code: Some(code),
            ..
        }) => ListScope::NationalAndProvince(code.clone()),
        _ => ListScope::NationalOnly,
    }
}

/// Whose proposals (and other unpublished management records) a viewer sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordScope {
    /// Every base (ministry, evaluators).
    All,
    /// The bases of one province.
    Province(String),
    /// One base.
    Base(i64),
}

/// The record scope of `viewer`: the public sees none (it must sign in); an account whose scope
/// is missing (a province user without a province, a base user without a base) sees nothing.
pub fn record_scope(viewer: Option<&Principal>) -> Result<RecordScope, Access> {
    let p = viewer.ok_or(Access::NeedsLogin)?;
    match p.role {
        Role::Ministry | Role::Evaluator => Ok(RecordScope::All),
        Role::Province => p
            .province_code
            .clone()
            .map(RecordScope::Province)
            .ok_or(Access::Forbidden),
        Role::Base => p.base_id.map(RecordScope::Base).ok_or(Access::Forbidden),
    }
}

/// For whom `viewer` may report indicator values: the ministry for every base, a province for
/// its bases, a base for itself; evaluators read but never report.
pub fn reporting_scope(viewer: Option<&Principal>) -> Result<RecordScope, Access> {
    let p = viewer.ok_or(Access::NeedsLogin)?;
    match p.role {
        Role::Evaluator => Err(Access::Forbidden),
        _ => record_scope(viewer),
    }
}

/// Whether values `viewer` reports are accepted at once: the ministry's and a province's are
/// (they are the reviewers of their scope); a base's wait for its province's review.
pub fn reports_are_reviewed(viewer: &Principal) -> bool {
    viewer.role == Role::Base
}

/// May `viewer` accept or return a submission reviewed by `province_code`? The ministry, and that
/// province.
pub fn can_review_submission(viewer: Option<&Principal>, province_code: &str) -> Access {
    let ok = viewer.is_some_and(|p| match p.role {
        Role::Ministry => true,
        Role::Province => p.province_code.as_deref() == Some(province_code),
        Role::Base | Role::Evaluator => false,
    });
    Access::from_bool(viewer, ok)
}

/// May `viewer` open a reporting task or set the monthly calendar? The ministry only: tasks ask
/// every national base.
pub fn can_open_task(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` remind (催报) a late base of `province_code`? The ministry, and that province:
/// the reviewers of the base's reports.
pub fn can_remind(viewer: Option<&Principal>, province_code: &str) -> Access {
    can_review_submission(viewer, province_code)
}

/// May `viewer` remind some late bases at all (the reminder controls of a task's board)? The
/// ministry, and a province user with a province: whom exactly is [`can_remind`] per base.
pub fn can_remind_some(viewer: Option<&Principal>) -> Access {
    let ok = viewer.is_some_and(|p| match p.role {
        Role::Ministry => true,
        Role::Province => p
            .province_code
            .as_deref()
            .is_some_and(|c| can_remind(Some(p), c).granted()),
        Role::Base | Role::Evaluator => false,
    });
    Access::from_bool(viewer, ok)
}

/// May `viewer` edit the indicator catalogue (a file or one entry)? The ministry only: every
/// base reports against it and every check reads it. Everyone may read it.
pub fn can_edit_catalogue(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` read the audit log? The ministry only: it names every account's actions.
pub fn can_read_audit(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` record an incident of `base`? The ministry, and the base's own province.
pub fn can_record_incident(viewer: Option<&Principal>, base: BaseScope<'_>) -> Access {
    let ok = viewer.is_some_and(|p| match p.role {
        Role::Ministry => true,
        Role::Province => owns(p, base),
        Role::Base | Role::Evaluator => false,
    });
    Access::from_bool(viewer, ok)
}

/// May `viewer` see the incidents and vetoes of `base` (its timeline's incidents, a veto and its
/// reason in results)? The same people who see its unpublished data: the rule every route that
/// shows them asks.
pub fn can_view_incidents(viewer: Option<&Principal>, base: BaseScope<'_>) -> Access {
    can_view_base_data(viewer, base)
}

/// Whose monitoring figures and warnings `viewer` sees base by base: the ministry and evaluators
/// every base, a province its own, a base itself. The public sees none: monthly figures are
/// unpublished data (as incidents and vetoes are), and so are the warnings drawn from them.
pub fn monitoring_scope(viewer: Option<&Principal>) -> Result<RecordScope, Access> {
    record_scope(viewer)
}

/// May `viewer` see the monitoring aggregates (nation, category, province, region)? Every
/// signed-in user: a base compares itself with its category and the nation. The public does
/// not (a province or category of one or two bases would show their unpublished figures).
pub fn can_view_monitoring_aggregates(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some())
}

/// May `viewer` read the warning rules (their thresholds per level)? Every signed-in user: a
/// base should know what raises its warnings. The public does not, as it sees no warnings.
pub fn can_read_warning_rules(viewer: Option<&Principal>) -> Access {
    can_view_monitoring_aggregates(viewer)
}

/// May `viewer` change the warning rules? The ministry only: every base's warnings follow them.
pub fn can_edit_warning_rules(viewer: Option<&Principal>) -> Access {
    Access::from_bool(viewer, viewer.is_some_and(|p| p.role == Role::Ministry))
}

/// May `viewer` acknowledge or annotate a warning of `base`? Those responsible for acting on it:
/// the ministry, the base's own province and the base itself. Evaluators read but change
/// nothing.
pub fn can_acknowledge_warning(viewer: Option<&Principal>, base: BaseScope<'_>) -> Access {
    let ok = viewer.is_some_and(|p| match p.role {
        Role::Ministry | Role::Province | Role::Base => owns(p, base),
        Role::Evaluator => false,
    });
    Access::from_bool(viewer, ok)
}

/// May `viewer` see an evaluation scheme? Once a published evaluation used it (it is then locked)
/// everyone may; before, only those who design schemes.
pub fn can_view_scheme(viewer: Option<&Principal>, locked: bool) -> Access {
    if locked {
        Access::Granted
    } else {
        can_run_trials(viewer)
    }
}

/// The shortest password an account may have, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes: Argon2 hashes any length, but an unbounded input is
/// an unbounded cost per sign-in attempt.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Checks a new username: 2 to 32 characters of ASCII letters, digits, `.`, `_` and `-`.
pub fn check_username(username: &str) -> Result<(), String> {
    let ok = (2..=32).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err("a username has 2 to 32 letters, digits, '.', '_' or '-'".into())
    }
}

/// Checks a new password against the account rules; the message names the rule.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        ))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err(format!(
            "a password may have at most {MAX_PASSWORD_BYTES} bytes"
        ))
    } else if password.contains('\0') {
        Err("a password may not contain NUL characters".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, province: Option<&str>, base: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            province_code: province.map(Into::into),
            base_id: base,
        }
    }

    #[test]
    fn tasks_are_opened_by_the_ministry_and_reminders_sent_within_scope() {
        let hubei = user(Role::Province, Some("420000"), None);
        let base8 = user(Role::Base, None, Some(8));
        let evaluator = user(Role::Evaluator, None, None);
        let ministry = user(Role::Ministry, None, None);
        use Access::*;
        assert_eq!(can_open_task(None), NeedsLogin);
        assert_eq!(can_open_task(Some(&ministry)), Granted);
        for p in [&hubei, &base8, &evaluator] {
            assert_eq!(can_open_task(Some(p)), Forbidden, "{p:?}");
        }
        assert_eq!(can_remind(Some(&ministry), "430000"), Granted);
        assert_eq!(can_remind(Some(&hubei), "420000"), Granted);
        assert_eq!(can_remind(Some(&hubei), "430000"), Forbidden);
        assert_eq!(can_remind(Some(&base8), "420000"), Forbidden);
        assert_eq!(can_remind(Some(&evaluator), "420000"), Forbidden);
        assert_eq!(can_remind(None, "420000"), NeedsLogin);
        assert_eq!(can_remind_some(Some(&ministry)), Granted);
        assert_eq!(can_remind_some(Some(&hubei)), Granted);
        assert_eq!(can_remind_some(Some(&base8)), Forbidden);
        assert_eq!(can_remind_some(Some(&evaluator)), Forbidden);
        assert_eq!(can_remind_some(None), NeedsLogin);
    }

    #[test]
    fn scope_table() {
        let hubei_cultivating = BaseScope {
            id: 7,
            province_code: "420000",
            tier: Tier::Cultivating,
        };
        let hubei_national = BaseScope {
            id: 8,
            province_code: "420000",
            tier: Tier::National,
        };
        let hubei = user(Role::Province, Some("420000"), None);
        let hunan = user(Role::Province, Some("430000"), None);
        let base8 = user(Role::Base, None, Some(8));
        let evaluator = user(Role::Evaluator, None, None);
        let ministry = user(Role::Ministry, None, None);
        use Access::*;
        let cases: Vec<(Option<&Principal>, BaseScope<'_>, Access, Access)> = vec![
            (None, hubei_national, Granted, NeedsLogin),
            (None, hubei_cultivating, NeedsLogin, NeedsLogin),
            (Some(&hubei), hubei_cultivating, Granted, Granted),
            (Some(&hunan), hubei_cultivating, Forbidden, Forbidden),
            (Some(&hunan), hubei_national, Granted, Forbidden),
            (Some(&base8), hubei_national, Granted, Granted),
            (Some(&base8), hubei_cultivating, Forbidden, Forbidden),
            (Some(&evaluator), hubei_cultivating, Granted, Granted),
            (Some(&ministry), hubei_cultivating, Granted, Granted),
        ];
        for (viewer, base, view, data) in cases {
            assert_eq!(can_view_base(viewer, base), view, "{viewer:?} {base:?}");
            assert_eq!(
                can_view_base_data(viewer, base),
                data,
                "{viewer:?} {base:?}"
            );
        }
        assert_eq!(can_edit_roll(Some(&hubei)), Forbidden);
        assert_eq!(can_edit_roll(None), NeedsLogin);
        assert_eq!(can_edit_roll(Some(&ministry)), Granted);
        assert_eq!(can_run_trials(Some(&evaluator)), Granted);
        assert_eq!(can_publish(Some(&evaluator)), Forbidden);
    }

    #[test]
    fn provinces_decide_only_their_own_tiers() {
        let hubei = user(Role::Province, Some("420000"), None);
        let cultivating = BaseScope {
            id: 1,
            province_code: "420000",
            tier: Tier::Cultivating,
        };
        let provincial = BaseScope {
            id: 2,
            province_code: "420000",
            tier: Tier::Provincial,
        };
        let other = BaseScope {
            id: 3,
            province_code: "430000",
            tier: Tier::Cultivating,
        };
        assert_eq!(
            can_decide(Some(&hubei), cultivating, Some(Tier::Provincial)),
            Access::Granted
        );
        assert_eq!(
            can_decide(Some(&hubei), provincial, Some(Tier::National)),
            Access::Forbidden
        );
        assert_eq!(
            can_decide(Some(&hubei), other, Some(Tier::Provincial)),
            Access::Forbidden
        );
        assert_eq!(
            can_decide(Some(&hubei), cultivating, None),
            Access::Forbidden
        );
    }

    #[test]
    fn scopes_follow_roles() {
        let hubei = user(Role::Province, Some("420000"), None);
        let base8 = user(Role::Base, None, Some(8));
        let orphan = user(Role::Base, None, None);
        let ministry = user(Role::Ministry, None, None);
        assert_eq!(
            list_scope(Some(&hubei)),
            ListScope::NationalAndProvince("420000".into())
        );
        assert_eq!(list_scope(Some(&base8)), ListScope::NationalOnly);
        assert_eq!(list_scope(None), ListScope::NationalOnly);
        assert_eq!(list_scope(Some(&ministry)), ListScope::Everything);
        assert_eq!(record_scope(None), Err(Access::NeedsLogin));
        assert_eq!(record_scope(Some(&base8)), Ok(RecordScope::Base(8)));
        assert_eq!(record_scope(Some(&orphan)), Err(Access::Forbidden));
        assert_eq!(
            record_scope(Some(&hubei)),
            Ok(RecordScope::Province("420000".into()))
        );
    }

    #[test]
    fn warnings_are_acknowledged_within_scope_and_never_by_evaluators() {
        let base = BaseScope {
            id: 8,
            province_code: "420000",
            tier: Tier::National,
        };
        let who = |role, province: Option<&str>, base_id| Principal {
            user_id: 1,
            username: "u".into(),
            role,
            province_code: province.map(Into::into),
            base_id,
        };
        let ack = |p: &Principal| can_acknowledge_warning(Some(p), base);
        assert_eq!(ack(&who(Role::Ministry, None, None)), Access::Granted);
        assert_eq!(
            ack(&who(Role::Province, Some("420000"), None)),
            Access::Granted
        );
        assert_eq!(
            ack(&who(Role::Province, Some("430000"), None)),
            Access::Forbidden
        );
        assert_eq!(ack(&who(Role::Base, None, Some(8))), Access::Granted);
        assert_eq!(ack(&who(Role::Base, None, Some(9))), Access::Forbidden);
        assert_eq!(ack(&who(Role::Evaluator, None, None)), Access::Forbidden);
        assert_eq!(can_acknowledge_warning(None, base), Access::NeedsLogin);
        assert_eq!(monitoring_scope(None), Err(Access::NeedsLogin));
        assert_eq!(can_view_monitoring_aggregates(None), Access::NeedsLogin);
        // Every signed-in role reads the warning rules; only the ministry changes them.
        for role in [Role::Ministry, Role::Province, Role::Base, Role::Evaluator] {
            let p = who(role, Some("420000"), Some(8));
            assert_eq!(can_read_warning_rules(Some(&p)), Access::Granted);
            let edit = can_edit_warning_rules(Some(&p));
            assert_eq!(edit.granted(), role == Role::Ministry, "{role:?}");
        }
        assert_eq!(can_read_warning_rules(None), Access::NeedsLogin);
        assert_eq!(can_edit_warning_rules(None), Access::NeedsLogin);
    }

    #[test]
    fn incidents_are_recorded_by_the_ministry_and_the_own_province() {
        let base = BaseScope {
            id: 8,
            province_code: "420000",
            tier: Tier::National,
        };
        let hubei = user(Role::Province, Some("420000"), None);
        let hunan = user(Role::Province, Some("430000"), None);
        let base8 = user(Role::Base, None, Some(8));
        assert_eq!(can_record_incident(Some(&hubei), base), Access::Granted);
        assert_eq!(can_record_incident(Some(&hunan), base), Access::Forbidden);
        assert_eq!(can_record_incident(Some(&base8), base), Access::Forbidden);
        assert_eq!(can_record_incident(None, base), Access::NeedsLogin);
        assert_eq!(can_view_incidents(None, base), Access::NeedsLogin);
        assert_eq!(can_view_incidents(Some(&base8), base), Access::Granted);
        assert_eq!(can_view_scheme(None, true), Access::Granted);
        assert_eq!(can_view_scheme(None, false), Access::NeedsLogin);
    }

    #[test]
    fn passwords_follow_the_account_rules() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough!").is_ok());
        assert!(check_new_password(&"x".repeat(300)).is_err());
        assert!(check_new_password("long enough\0").is_err());
    }
}
