//! The ministry's administration page: accounts, categories, roll imports.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jidi_domain::access::{self, Role};
use minijinja::{Value, context};
use serde::Deserialize;

use super::render::*;
use super::*;
use crate::auth::Viewer;
use crate::error::{AppError, PageResult};
use crate::i18n::{self};
use crate::params::parse_id;
use crate::state::AppState;

/// `GET /admin` (ministry): users, categories, roll import.
pub(crate) async fn admin(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult<Html<String>> {
    AppError::check(access::can_manage_users(viewer.who()))?;
    admin_page(&state, &viewer, None, &[]).await
}

pub(crate) async fn admin_page(
    state: &AppState,
    viewer: &Viewer,
    message: Option<String>,
    problems: &[jidi_domain::import::ImportError],
) -> PageResult<Html<String>> {
    let lang = viewer.lang;
    let users: Vec<Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|u| context! {
            username => u.username.clone(),
            display_name => u.display_name.clone(),
            role => lang.pick(u.role.name_zh(), u.role.name_en()),
            province => u.province_code.as_deref().map(|c| crate::views::province_name(c, lang)),
            base_id => u.base_id,
            active => u.active,
        })
        .collect();
    let roles: Vec<Option2> = Role::ALL
        .iter()
        .map(|r| Option2 {
            value: r.code().into(),
            label: lang.pick(r.name_zh(), r.name_en()).into(),
        })
        .collect();
    render(
        state,
        viewer,
        "admin.html",
        "admin",
        context! {
            title => i18n::t(lang, "nav.admin"),
            users => users,
            roles => ser(&roles),
            provinces => ser(&province_options(lang)),
            categories => category_options(state, lang, true),
            all_categories => state.categories().iter().map(|c| context! { code => c.code.clone(), parent => c.parent.clone(), name_zh => c.name_zh.clone(), name_en => c.name_en.clone() }).collect::<Vec<_>>(),
            message => message,
            problems => problems.iter().map(|p| context! { row => p.row, column => p.column.clone(), rule => p.rule, message => p.message.clone(), file => p.file.clone() }).collect::<Vec<_>>(),
        },
    )
}

/// The admin page again with a message (and an import's problems), under `status`.
pub(crate) async fn admin_reply(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    message: String,
    problems: &[jidi_domain::import::ImportError],
) -> PageResult<Response> {
    Ok((
        status,
        admin_page(state, viewer, Some(message), problems).await?,
    )
        .into_response())
}

#[derive(Deserialize)]
pub(crate) struct UserForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    username: String,
    display_name: String,
    password: String,
    role: String,
    #[serde(default)]
    province_code: String,
    #[serde(default)]
    base_id: String,
}

/// `POST /admin/users` (ministry).
pub(crate) async fn create_user(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<UserForm>,
) -> PageResult<Response> {
    AppError::check(access::can_manage_users(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let role =
        Role::parse(&form.role).ok_or_else(|| AppError::bad_field("role", "unknown role"))?;
    if let Err(rule) = access::check_username(form.username.trim()) {
        return admin_reply(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, rule, &[]).await;
    }
    if let Some(e) = jidi_domain::roll::check_text("display_name", form.display_name.trim(), 60) {
        return admin_reply(
            &state,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            e.message,
            &[],
        )
        .await;
    }
    if let Err(rule) = access::check_new_password(&form.password) {
        let msg = format!("{}（{rule}）", i18n::t(viewer.lang, "admin.password_short"));
        return admin_reply(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, msg, &[]).await;
    }
    let base_id = match form.base_id.trim() {
        "" => None,
        t => Some(parse_id(t, "base_id")?),
    };
    let hash = jidi_service::passwords::hash_blocking(form.password.clone()).await?;
    let new = jidi_store::NewUser {
        username: form.username.trim().to_string(),
        display_name: form.display_name.trim().to_string(),
        password_hash: hash,
        role,
        province_code: Some(form.province_code.clone())
            .filter(|p| !p.is_empty() && role == Role::Province),
        base_id: base_id.filter(|_| role == Role::Base),
    };
    match state.store.create_user(&new, viewer.user_id()).await {
        Ok(_) => Ok(Redirect::to("/admin").into_response()),
        Err(e) => {
            let e = AppError::from(e);
            admin_reply(&state, &viewer, e.status(), e.message(), &[]).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CategoryForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    code: String,
    #[serde(default)]
    parent: String,
    name_zh: String,
    #[serde(default)]
    name_en: String,
}

/// `POST /admin/categories` (ministry).
pub(crate) async fn create_category(
    State(state): State<AppState>,
    viewer: Viewer,
    form: PageForm<CategoryForm>,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let form = form.parse()?;
    viewer.check_csrf(Some(&form.csrf))?;
    let category = match jidi_domain::roll::new_category(
        &form.code,
        Some(&form.parent),
        &form.name_zh,
        &form.name_en,
        &state.categories(),
    ) {
        Ok(c) => c,
        Err(errors) => {
            let msg = format!(
                "{}（{}）",
                i18n::t(viewer.lang, "admin.category_invalid"),
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("；")
            );
            return admin_reply(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, msg, &[]).await;
        }
    };
    match state.store.add_category(&category, viewer.user_id()).await {
        Ok(()) => {
            state.reload_categories().await?;
            Ok(Redirect::to("/admin").into_response())
        }
        Err(e) => {
            let e = AppError::from(e);
            admin_reply(&state, &viewer, e.status(), e.message(), &[]).await
        }
    }
}

/// `POST /admin/import` (ministry): a roll file uploaded from the browser.
pub(crate) async fn import_roll(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult<Response> {
    AppError::check(access::can_edit_roll(viewer.who()))?;
    let (name, bytes) = uploaded_file(&viewer, multipart, "upload.csv").await?;
    let cats = state.categories();
    match jidi_service::roll::import_roll(
        &state.store,
        &cats,
        &name,
        &bytes,
        viewer.user_id(),
        false,
    )
    .await
    {
        Ok(r) => {
            let msg =
                i18n::t(viewer.lang, "admin.imported").replace("{n}", &r.created.len().to_string());
            admin_reply(&state, &viewer, StatusCode::OK, msg, &[]).await
        }
        Err(problems) => {
            let msg = i18n::t(viewer.lang, "admin.import_rejected")
                .replace("{n}", &problems.len().to_string());
            admin_reply(
                &state,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                msg,
                &problems,
            )
            .await
        }
    }
}
