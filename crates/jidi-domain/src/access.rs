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

/// May `viewer` administer users?
pub fn can_manage_users(viewer: Option<&Principal>) -> Access {
    can_edit_roll(viewer)
}

/// The province a listing must be restricted to for provincial and cultivating entries: `None`
/// means no restriction (ministry, evaluator); `Some(None)` means none of them are visible.
pub fn provincial_list_scope(viewer: Option<&Principal>) -> Option<Option<String>> {
    match viewer {
        Some(p) if matches!(p.role, Role::Ministry | Role::Evaluator) => None,
        Some(p) if p.role == Role::Province => Some(p.province_code.clone()),
        _ => Some(None),
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
}
