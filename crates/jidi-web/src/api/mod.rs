//! The REST API under `/api/v1`, documented by the OpenAPI document at `/api/openapi.json` (browsable
//! at `/api/docs`). Routes and their documentation are registered together (utoipa-axum), so they
//! cannot drift apart. Conventions are in `docs/API-DESIGN.md`.

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub mod bases;
pub mod catalogue;
pub mod evaluations;
mod extract;
pub mod green;
pub mod monitoring;
pub mod proposals;
pub mod reference;
pub mod reports;
pub mod results;
pub mod rules;
pub mod schemes;
pub mod session;
pub mod tasks;
pub mod timelines;
pub mod values;
pub mod warning_rules;
pub mod work;

pub use extract::{ApiJson, ApiQuery};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jidi API",
        description = "The national new-type industrialization demonstration bases: the roll, evaluations, dynamic management. Errors share one envelope (`ErrorBody`). Lists return `{items, total, page, per_page}`. Sign in with `POST /api/v1/session`, then send `Authorization: Bearer <token>`; browser sessions send the `X-CSRF-Token` header on writes.",
        license(name = "Apache-2.0")
    ),
    modifiers(&Security),
    tags(
        (name = "session", description = "Sign in and out"),
        (name = "roll", description = "The roll of bases (C1)"),
        (name = "reference", description = "Categories, regions, indicators"),
        (name = "evaluation", description = "Development-quality evaluation (C3)"),
        (name = "management", description = "Dynamic management: proposals and decisions (C4)"),
        (name = "monitoring", description = "Monthly monitoring and early warning: aggregates, ranked bases, series with forecasts, warnings (C5)"),
        (name = "report", description = "The annual development report: drafts, published editions and their files (C9)"),
        (name = "values", description = "Data collection: values uploaded and exported in the long form, submissions and their review, the audit log (C2)"),
        (name = "tasks", description = "Reporting tasks: periods, deadlines, completeness and timeliness by province and category, reminders to late bases (C2)"),
    )
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::cookies::SESSION))),
        );
    }
}

/// The API routes and the OpenAPI document describing them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            session::create_session,
            session::get_session,
            session::delete_session
        ))
        .routes(routes!(bases::list_bases, bases::create_base))
        .routes(routes!(bases::get_base, bases::update_base))
        .routes(routes!(bases::withdraw_base))
        .routes(routes!(bases::list_tier_history))
        .routes(routes!(bases::list_base_indicators))
        .routes(routes!(bases::import_roll))
        .routes(routes!(bases::export_roll))
        .routes(routes!(
            reference::list_categories,
            reference::create_category
        ))
        .routes(routes!(reference::list_regions))
        .routes(routes!(reference::list_indicators))
        .routes(routes!(
            catalogue::get_catalogue,
            catalogue::upload_catalogue
        ))
        .routes(routes!(catalogue::list_catalogue_versions))
        .routes(routes!(catalogue::put_indicator))
        .routes(routes!(reference::get_stats))
        .routes(routes!(
            evaluations::list_evaluations,
            evaluations::create_evaluation
        ))
        .routes(routes!(
            evaluations::get_evaluation,
            evaluations::delete_evaluation
        ))
        .routes(routes!(evaluations::publish_evaluation))
        .routes(routes!(evaluations::verify_evaluation))
        .routes(routes!(results::list_evaluation_results))
        .routes(routes!(results::get_scorecard))
        .routes(routes!(schemes::list_schemes, schemes::create_scheme))
        .routes(routes!(schemes::get_scheme))
        .routes(routes!(schemes::set_default_scheme))
        .routes(routes!(proposals::list_proposals))
        .routes(routes!(proposals::decide_proposal))
        .routes(routes!(proposals::decide_proposals))
        .routes(routes!(rules::get_rules, rules::update_rules))
        .routes(routes!(timelines::get_base_timeline))
        .routes(routes!(timelines::create_incident))
        .routes(routes!(values::upload_values, values::export_values))
        .routes(routes!(values::check_values))
        .routes(routes!(values::list_submissions))
        .routes(routes!(values::review_submission))
        .routes(routes!(values::list_audit))
        .routes(routes!(tasks::list_tasks, tasks::open_task))
        .routes(routes!(tasks::get_task))
        .routes(routes!(tasks::task_bases))
        .routes(routes!(tasks::remind))
        .routes(routes!(tasks::my_reminders))
        .routes(routes!(tasks::base_timeliness))
        .routes(routes!(work::get_work))
        .routes(routes!(monitoring::list_monitoring_groups))
        .routes(routes!(monitoring::list_monitoring_bases))
        .routes(routes!(monitoring::get_monitoring_series))
        .routes(routes!(monitoring::export_monitoring))
        .routes(routes!(green::get_green))
        .routes(routes!(green::export_green))
        .routes(routes!(monitoring::list_warnings))
        .routes(routes!(monitoring::acknowledge_warning))
        .routes(routes!(
            warning_rules::get_warning_rules,
            warning_rules::put_warning_rules
        ))
        .routes(routes!(warning_rules::list_warning_rules_versions))
        .routes(routes!(reports::get_report_draft))
        .routes(routes!(
            reports::list_report_editions,
            reports::publish_report_edition
        ))
        .routes(routes!(reports::get_report_edition_file))
        .split_for_parts()
}
