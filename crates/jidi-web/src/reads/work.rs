//! Each role's work, for its first screen (`/`) and `GET /api/v1/work`: what waits for the viewer,
//! most urgent first, and the figures the role checks first. Every count comes from the same
//! store queries (and the same scopes from `jidi_domain::access`) as the page a link opens, so a
//! number on the first screen is the number the click shows.

use chrono::Utc;
use jidi_domain::access::{self, RecordScope, Role};
use jidi_domain::rules::{ProposalKind, ProposalStatus};
use jidi_store::{
    ChangeOrder, ProposalFilter, RunRecord, RunStatus, StarChange, SubmissionStatus, TaskScope,
    WarningFilter,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::reads::tasks::{TaskView, task_scope, task_view};
use crate::reads::values::submission_filter;
use crate::state::AppState;

/// How many changed bases a list shows.
const LISTED: usize = 10;

/// One thing waiting for the viewer.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct TodoItem {
    /// Stable key: `proposals.exit`, `proposals.rectification`, `proposals.warning`,
    /// `proposals.promotion`, `runs.unpublished`, `submissions.review`, `submissions.returned`,
    /// `tasks.overdue`, `tasks.answer`, `reminders`, `warnings.red`, `warnings.orange`.
    pub key: String,
    /// `high` (act first: exits, rectifications, red warnings, late reports) or `normal`.
    pub severity: String,
    /// How many.
    pub count: i64,
    /// What it is, in the viewer's language.
    pub label: String,
    /// Where to act on it.
    pub href: String,
}

/// Pending proposals of one kind.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct KindCount {
    /// `exit`, `rectification`, `warning` or `promotion`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Pending proposals of this kind within the viewer's scope.
    pub pending: i64,
}

/// Star counts of a published run (`[k - 1]` = bases with `k` stars).
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct StarsView {
    /// Year evaluated.
    pub year: i32,
    /// The published run.
    pub run_id: i64,
    /// Every rated base.
    pub nation: [i64; 5],
    /// The viewer's province's bases (province users).
    pub own: Option<[i64; 5]>,
    /// Share with four or five stars, in percent: the nation.
    pub nation_four_plus_percent: f64,
    /// The same for the viewer's province.
    pub own_four_plus_percent: Option<f64>,
}

/// A base whose stars or rank differ between two runs.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct StarChangeView {
    /// Base id.
    pub base_id: i64,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Stars before.
    pub stars_before: Option<i32>,
    /// Stars after.
    pub stars_after: Option<i32>,
    /// National rank before.
    pub rank_before: Option<f64>,
    /// National rank after.
    pub rank_after: Option<f64>,
    /// Places moved up (negative: down).
    pub rank_shift: Option<f64>,
}

/// How a run compares with another.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct ComparisonView {
    /// The earlier (or published) run.
    pub before_run_id: i64,
    /// The later (or trial) run.
    pub after_run_id: i64,
    /// Bases rated in both.
    pub compared: i64,
    /// Gained stars.
    pub up: i64,
    /// Lost stars.
    pub down: i64,
    /// The bases that changed most (stars first, then rank), at most ten.
    pub changes: Vec<StarChangeView>,
}

/// The viewer's own base (base users).
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct MyBaseView {
    /// Base id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Published `(year, stars)`, oldest first.
    pub star_history: Vec<(i32, i32)>,
    /// The latest published run with a result for the base (its scorecard).
    pub scorecard_run_id: Option<i64>,
    /// The base's answer to the newest task: `not_reported`, `submitted`, `returned` or
    /// `accepted`.
    pub latest_answer: Option<String>,
}

/// A trial run and what it changes against the published run of its year.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct TrialView {
    /// Run id.
    pub id: i64,
    /// Year.
    pub year: i32,
    /// Scheme name.
    pub scheme: String,
    /// Against the year's published run, when there is one.
    pub against_published: Option<ComparisonView>,
}

/// A role's first screen.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct WorkView {
    /// `public`, `ministry`, `province`, `base` or `evaluator`.
    pub role: String,
    /// What waits for the viewer, most urgent first (empty for the public).
    pub todo: Vec<TodoItem>,
    /// Pending proposals by kind, most severe first, within the viewer's scope.
    pub proposals: Vec<KindCount>,
    /// The newest reporting tasks with their counts within the viewer's scope (at most three).
    pub tasks: Vec<TaskView>,
    /// Open monitoring warnings within scope by level: blue, yellow, orange, red.
    pub open_warnings: Option<[i64; 4]>,
    /// The latest published evaluation (with the province's own bases beside the nation).
    pub stars: Option<StarsView>,
    /// Province users: their bases that lost stars in the latest published run against the year
    /// before; the ministry: every base that did.
    pub star_losses: Option<ComparisonView>,
    /// Base users: their base.
    pub my_base: Option<MyBaseView>,
    /// Evaluators and the ministry: trial runs and what each changes.
    pub trials: Vec<TrialView>,
}

fn role_code(viewer: &Viewer) -> &'static str {
    match viewer.who().map(|p| p.role) {
        None => "public",
        Some(Role::Ministry) => "ministry",
        Some(Role::Province) => "province",
        Some(Role::Base) => "base",
        Some(Role::Evaluator) => "evaluator",
    }
}

fn four_plus(stars: &[i64; 5]) -> f64 {
    let n: i64 = stars.iter().sum();
    if n == 0 {
        0.0
    } else {
        (stars[3] + stars[4]) as f64 / n as f64 * 100.0
    }
}

fn change_view(c: &StarChange, lang: Lang) -> StarChangeView {
    StarChangeView {
        base_id: c.base_id,
        name: c.name.clone(),
        province_name: crate::views::province_name(&c.province_code, lang),
        stars_before: c.stars_before,
        stars_after: c.stars_after,
        rank_before: c.rank_before,
        rank_after: c.rank_after,
        rank_shift: c.rank_before.zip(c.rank_after).map(|(b, a)| b - a),
    }
}

async fn compare(
    state: &AppState,
    lang: Lang,
    before: i64,
    after: i64,
    province: Option<&str>,
    order: ChangeOrder,
) -> Result<ComparisonView, AppError> {
    let (changes, moves) = state
        .store
        .star_changes(before, after, province, order, LISTED)
        .await?;
    Ok(ComparisonView {
        before_run_id: before,
        after_run_id: after,
        compared: moves.compared,
        up: moves.up,
        down: moves.down,
        changes: changes.iter().map(|c| change_view(c, lang)).collect(),
    })
}

fn item(lang: Lang, key: &str, high: bool, count: i64, href: String) -> TodoItem {
    TodoItem {
        key: key.to_string(),
        severity: if high { "high" } else { "normal" }.to_string(),
        count,
        label: i18n::t(lang, &format!("work.{key}")),
        href,
    }
}

/// Loads the viewer's first screen.
pub async fn work(state: &AppState, viewer: &Viewer) -> Result<WorkView, AppError> {
    let lang = viewer.lang;
    let who = viewer.who();
    let role = role_code(viewer);
    let runs = state.store.runs(None, false).await?;
    let latest = runs.first();
    let stars = match latest {
        None => None,
        Some(run) => {
            let nation = state.store.run_star_counts(run.id, None).await?;
            let province = who
                .filter(|p| p.role == Role::Province)
                .and_then(|p| p.province_code.as_deref());
            let own = match province {
                Some(code) => Some(state.store.run_star_counts(run.id, Some(code)).await?),
                None => None,
            };
            Some(StarsView {
                year: run.year,
                run_id: run.id,
                nation_four_plus_percent: four_plus(&nation),
                own_four_plus_percent: own.as_ref().map(four_plus),
                nation,
                own,
            })
        }
    };
    let mut view = WorkView {
        role: role.to_string(),
        todo: Vec::new(),
        proposals: Vec::new(),
        tasks: Vec::new(),
        open_warnings: None,
        stars,
        star_losses: None,
        my_base: None,
        trials: Vec::new(),
    };
    // The public's first screen is the national overview: nothing waits for it.
    let Ok(scope) = access::record_scope(who) else {
        return Ok(view);
    };
    let principal = who.expect("a record scope needs a principal");
    let now = Utc::now();

    // Decisions (proposals) pending, most severe first.
    if principal.role != Role::Evaluator {
        let counts = state
            .store
            .proposal_counts(&ProposalFilter {
                status: Some(ProposalStatus::Pending),
                ..ProposalFilter::within(scope.clone())
            })
            .await?;
        view.proposals = counts
            .iter()
            .map(|(k, n)| KindCount {
                kind: k.code().to_string(),
                name: i18n::t(lang, &format!("proposal.kind.{}", k.code())),
                pending: *n,
            })
            .collect();
        for (k, n) in &counts {
            if *n > 0 {
                let high = matches!(k, ProposalKind::Exit | ProposalKind::Rectification);
                view.todo.push(item(
                    lang,
                    &format!("proposals.{}", k.code()),
                    high,
                    *n,
                    format!("/proposals?status=pending&kind={}", k.code()),
                ));
            }
        }
    }

    // Reports: the newest tasks, and who is late.
    let tasks_scope: TaskScope = task_scope(who)?;
    let tasks = state.store.tasks(&tasks_scope, 3).await?;
    view.tasks = tasks.iter().map(|t| task_view(t, now)).collect();
    if let Some(newest) = view.tasks.first() {
        match principal.role {
            Role::Ministry | Role::Province if newest.counts.overdue > 0 => {
                view.todo.push(item(
                    lang,
                    "tasks.overdue",
                    true,
                    newest.counts.overdue,
                    format!("/tasks/{}", newest.id),
                ));
            }
            Role::Base if newest.counts.not_reported + newest.counts.returned > 0 => {
                view.todo.push(item(
                    lang,
                    "tasks.answer",
                    newest.past_deadline,
                    1,
                    format!("/tasks/{}", newest.id),
                ));
            }
            _ => {}
        }
    }
    let reviewer = matches!(principal.role, Role::Ministry | Role::Province);
    let submissions = submission_filter(
        scope.clone(),
        Some(if reviewer {
            SubmissionStatus::Submitted
        } else {
            SubmissionStatus::Returned
        }),
    );
    if principal.role != Role::Evaluator {
        let waiting = state.store.submission_count(&submissions).await?;
        if waiting > 0 {
            view.todo.push(if reviewer {
                item(
                    lang,
                    "submissions.review",
                    false,
                    waiting,
                    "/submissions?status=submitted".into(),
                )
            } else {
                item(
                    lang,
                    "submissions.returned",
                    true,
                    waiting,
                    "/submissions?status=returned".into(),
                )
            });
        }
    }
    if let RecordScope::Base(base_id) = scope {
        let reminders = state.store.open_reminders(base_id, 100).await?;
        if !reminders.is_empty() {
            view.todo.push(item(
                lang,
                "reminders",
                true,
                reminders.len() as i64,
                "/tasks".into(),
            ));
        }
    }

    // Open warnings by level; red and orange wait for someone.
    if let Ok(wscope) = access::monitoring_scope(who) {
        let counts = state
            .store
            .monitor_warning_counts(&WarningFilter {
                open_only: true,
                ..WarningFilter::within(wscope)
            })
            .await?;
        view.open_warnings = Some(counts);
        if principal.role != Role::Evaluator {
            for (index, level) in [(3usize, "red"), (2, "orange")] {
                if counts[index] > 0 {
                    view.todo.push(item(
                        lang,
                        &format!("warnings.{level}"),
                        level == "red",
                        counts[index],
                        format!("/warnings?level={level}"),
                    ));
                }
            }
        }
    }

    // Evaluations: trial runs waiting (ministry) or made (evaluators), and who changed stars.
    let trials: Vec<RunRecord> = if access::can_view_trials(who).granted() {
        state
            .store
            .runs(None, true)
            .await?
            .into_iter()
            .filter(|r| r.status == RunStatus::Trial)
            .take(5)
            .collect()
    } else {
        Vec::new()
    };
    for t in &trials {
        let published = runs.iter().find(|r| r.year == t.year);
        let against_published = match published {
            Some(p) => Some(compare(state, lang, p.id, t.id, None, ChangeOrder::Largest).await?),
            None => None,
        };
        view.trials.push(TrialView {
            id: t.id,
            year: t.year,
            scheme: t.summary.scheme_name.clone(),
            against_published,
        });
    }
    if principal.role == Role::Ministry {
        let unpublished = trials
            .iter()
            .filter(|t| !runs.iter().any(|r| r.year == t.year))
            .count() as i64;
        if unpublished > 0 {
            view.todo.push(item(
                lang,
                "runs.unpublished",
                false,
                unpublished,
                "/evaluations".into(),
            ));
        }
    }
    if let (Some(after), Some(before)) = (runs.first(), runs.get(1))
        && matches!(principal.role, Role::Ministry | Role::Province)
    {
        let province = match &scope {
            RecordScope::Province(p) => Some(p.as_str()),
            _ => None,
        };
        view.star_losses = Some(
            compare(
                state,
                lang,
                before.id,
                after.id,
                province,
                ChangeOrder::Losses,
            )
            .await?,
        );
    }

    // A base's own record.
    if let RecordScope::Base(base_id) = scope {
        let base = state
            .store
            .base(base_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("base {base_id}")))?;
        let history = state.store.base_published_history(base_id).await?;
        let latest_answer = state
            .store
            .base_task_history(base_id, 1)
            .await?
            .first()
            .map(|a| a.status.code().to_string());
        view.my_base = Some(MyBaseView {
            id: base_id,
            name: base.facts.name,
            star_history: history
                .iter()
                .filter_map(|(y, r)| r.stars.map(|s| (*y, s)))
                .collect(),
            scorecard_run_id: history.last().map(|(_, r)| r.run_id),
            latest_answer,
        });
    }
    // Most urgent first: high before normal, then the order pushed (severity within each kind).
    view.todo.sort_by_key(|i| i.severity != "high");
    Ok(view)
}
