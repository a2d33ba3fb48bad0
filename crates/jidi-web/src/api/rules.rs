//! The rule table of dynamic management through the API, as typed wire documents (the domain's
//! `RuleSet` converted by hand, so that the wire format is a deliberate promise with a schema).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use jidi_domain::access;
use jidi_domain::roll::Tier;
use jidi_domain::rules::{Condition, ProposalKind, Quota, Rule, RuleSet, WarningLevel};
use jidi_service::management;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::params::csrf;
use crate::state::AppState;

/// The rules in force, examined in order.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetBody {
    /// The rules.
    pub rules: Vec<RuleBody>,
}

/// One rule.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    /// Stable code, e.g. `W1`.
    pub code: String,
    /// `promotion`, `warning`, `rectification` or `exit`.
    pub kind: String,
    /// Tiers it examines (`cultivating`, `provincial`, `national`, `excellence`).
    pub tiers: Vec<String>,
    /// Its condition.
    pub condition: ConditionBody,
    /// Target tier of a promotion.
    #[serde(default)]
    pub to_tier: Option<String>,
    /// Rectification deadline in months after the end of the evaluation year.
    #[serde(default)]
    pub deadline_months: Option<u32>,
    /// A cap on how many bases a promotion may propose in one year, the best-ranked first.
    #[serde(default)]
    pub quota: Option<QuotaBody>,
    /// What the rule says, in Chinese.
    pub description: String,
}

/// Places a promotion may fill in one year.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaBody {
    /// Places in the year.
    pub per_year: usize,
    /// Places per province (none: no provincial limit).
    #[serde(default)]
    pub per_province: Option<usize>,
}

/// A rule's condition, tagged by `type`.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionBody {
    /// Rated at most `max_stars` in each of the last `years` published evaluations.
    LowestBand {
        /// Highest rating of the band.
        max_stars: u8,
        /// Consecutive years.
        years: u32,
    },
    /// Rated at least `min_stars` in each of the last `years` published evaluations.
    TopBand {
        /// Lowest rating of the band.
        min_stars: u8,
        /// Consecutive years.
        years: u32,
    },
    /// A one-vote veto in this year's evaluation.
    Vetoed,
    /// A rectification whose deadline has passed, still rated at most `max_stars`.
    RectificationFailed {
        /// Highest rating still counting as failure.
        max_stars: u8,
    },
    /// The application conditions of a national base (申报条件).
    ApplicationConditions {
        /// 优势: revenue floor, 亿元.
        advantage_revenue: f64,
        /// 优势 in special areas: revenue floor, 亿元.
        special_area_revenue: f64,
        /// 优势: leading-industry share, %.
        advantage_lead_share: f64,
        /// 优势: R&D intensity, %.
        advantage_rd_intensity: f64,
        /// 特色: leading-industry share, %.
        specialty_lead_share: f64,
        /// Years at the current tier.
        min_years: u32,
    },
    /// Every threshold met, held at the current tier for `min_years`.
    Thresholds {
        /// `indicator → minimum`.
        minimums: BTreeMap<String, f64>,
        /// Years at the current tier.
        min_years: u32,
    },
    /// A monitoring warning open at `min_level` or above for at least `months` months of the
    /// year (one warning's months, not added up across warnings).
    OpenWarnings {
        /// `blue`, `yellow`, `orange` or `red`.
        min_level: String,
        /// Months of the year, 1–12.
        #[schema(minimum = 1, maximum = 12)]
        months: u32,
    },
}

impl From<&RuleSet> for RuleSetBody {
    fn from(set: &RuleSet) -> RuleSetBody {
        RuleSetBody {
            rules: set
                .rules
                .iter()
                .map(|r| RuleBody {
                    code: r.code.clone(),
                    kind: r.kind.code().into(),
                    tiers: r.tiers.iter().map(|t| t.code().into()).collect(),
                    condition: match &r.condition {
                        Condition::LowestBand { max_stars, years } => ConditionBody::LowestBand {
                            max_stars: *max_stars,
                            years: *years,
                        },
                        Condition::TopBand { min_stars, years } => ConditionBody::TopBand {
                            min_stars: *min_stars,
                            years: *years,
                        },
                        Condition::Vetoed => ConditionBody::Vetoed,
                        Condition::RectificationFailed { max_stars } => {
                            ConditionBody::RectificationFailed {
                                max_stars: *max_stars,
                            }
                        }
                        Condition::ApplicationConditions {
                            advantage_revenue,
                            special_area_revenue,
                            advantage_lead_share,
                            advantage_rd_intensity,
                            specialty_lead_share,
                            min_years,
                        } => ConditionBody::ApplicationConditions {
                            advantage_revenue: *advantage_revenue,
                            special_area_revenue: *special_area_revenue,
                            advantage_lead_share: *advantage_lead_share,
                            advantage_rd_intensity: *advantage_rd_intensity,
                            specialty_lead_share: *specialty_lead_share,
                            min_years: *min_years,
                        },
                        Condition::Thresholds {
                            minimums,
                            min_years,
                        } => ConditionBody::Thresholds {
                            minimums: minimums.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                            min_years: *min_years,
                        },
                        Condition::OpenWarnings { min_level, months } => {
                            ConditionBody::OpenWarnings {
                                min_level: min_level.code().into(),
                                months: *months,
                            }
                        }
                    },
                    to_tier: r.to_tier.map(|t| t.code().into()),
                    deadline_months: r.deadline_months,
                    quota: r.quota.map(|q| QuotaBody {
                        per_year: q.per_year,
                        per_province: q.per_province,
                    }),
                    description: r.description.clone(),
                })
                .collect(),
        }
    }
}

impl RuleSetBody {
    /// The domain's rule table, with every code that does not parse named by its path.
    pub fn into_rules(self) -> Result<RuleSet, Vec<String>> {
        let mut problems = Vec::new();
        let mut tier = |path: String, code: &str| {
            Tier::parse(code).or_else(|| {
                problems.push(format!("{path}: {code:?} is not a tier"));
                None
            })
        };
        let mut rules = Vec::new();
        let mut kinds = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let tiers: Vec<Tier> = r
                .tiers
                .iter()
                .enumerate()
                .filter_map(|(k, t)| tier(format!("rules[{i}].tiers[{k}]"), t))
                .collect();
            let to_tier = r
                .to_tier
                .as_deref()
                .and_then(|t| tier(format!("rules[{i}].to_tier"), t));
            kinds.push((i, ProposalKind::parse(&r.kind), tiers, to_tier));
        }
        for (i, kind, tiers, to_tier) in kinds {
            let r = &self.rules[i];
            let Some(kind) = kind else {
                problems.push(format!(
                    "rules[{i}].kind: {:?} is not promotion, warning, rectification or exit",
                    r.kind
                ));
                continue;
            };
            rules.push(Rule {
                code: r.code.clone(),
                kind,
                tiers,
                condition: match &r.condition {
                    ConditionBody::LowestBand { max_stars, years } => Condition::LowestBand {
                        max_stars: *max_stars,
                        years: *years,
                    },
                    ConditionBody::TopBand { min_stars, years } => Condition::TopBand {
                        min_stars: *min_stars,
                        years: *years,
                    },
                    ConditionBody::Vetoed => Condition::Vetoed,
                    ConditionBody::RectificationFailed { max_stars } => {
                        Condition::RectificationFailed {
                            max_stars: *max_stars,
                        }
                    }
                    ConditionBody::ApplicationConditions {
                        advantage_revenue,
                        special_area_revenue,
                        advantage_lead_share,
                        advantage_rd_intensity,
                        specialty_lead_share,
                        min_years,
                    } => Condition::ApplicationConditions {
                        advantage_revenue: *advantage_revenue,
                        special_area_revenue: *special_area_revenue,
                        advantage_lead_share: *advantage_lead_share,
                        advantage_rd_intensity: *advantage_rd_intensity,
                        specialty_lead_share: *specialty_lead_share,
                        min_years: *min_years,
                    },
                    ConditionBody::Thresholds {
                        minimums,
                        min_years,
                    } => Condition::Thresholds {
                        minimums: minimums.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                        min_years: *min_years,
                    },
                    ConditionBody::OpenWarnings { min_level, months } => {
                        match WarningLevel::parse(min_level) {
                            Some(min_level) => Condition::OpenWarnings {
                                min_level,
                                months: *months,
                            },
                            None => {
                                problems.push(format!(
                                    "rules[{i}].condition.min_level: {min_level:?} is not blue, yellow, orange or red"
                                ));
                                continue;
                            }
                        }
                    }
                },
                to_tier,
                deadline_months: r.deadline_months,
                quota: r.quota.as_ref().map(|q| Quota {
                    per_year: q.per_year,
                    per_province: q.per_province,
                }),
                description: r.description.clone(),
            });
        }
        if problems.is_empty() {
            Ok(RuleSet { rules })
        } else {
            Err(problems)
        }
    }
}

/// The rules of dynamic management in force.
#[utoipa::path(get, path = "/api/v1/rules", tag = "management",
    responses((status = 200, body = RuleSetBody), (status = 500, body = ErrorBody)))]
pub async fn get_rules(State(state): State<AppState>) -> ApiResult<axum::Json<RuleSetBody>> {
    let rules = management::rules(&state.store).await?;
    Ok(axum::Json(RuleSetBody::from(&rules)))
}

/// Replaces the rules (ministry); problems are listed with their paths (422).
#[utoipa::path(put, path = "/api/v1/rules", tag = "management", request_body = RuleSetBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: ApiJson<RuleSetBody>,
) -> ApiResult<StatusCode> {
    AppError::check(access::can_publish(viewer.who()))?;
    viewer.check_csrf(csrf(&headers))?;
    let body = body.parse()?;
    let rules = body
        .into_rules()
        .map_err(|p| AppError::from(management::ManagementError::InvalidRules(p)))?;
    management::set_rules(&state.store, &rules, viewer.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}
