//! The annual report built from a demo database, on both backends: its figures are recomputed
//! straight from the database by an independent computation (the roll and values read through the
//! store's plain list functions, summed here), sections without data are left out, and the same
//! data and date give the same bytes.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use jidi_domain::access::ListScope;
use jidi_domain::roll::{Status, Tier};
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_monitor::carbon::indicators::FUEL_INDICATORS;
use jidi_report::Lang;
use jidi_service::demo::{self, DemoOptions};
use jidi_service::report::{self, Edition, Format, ReportRequest, ReportServiceError};
use jidi_store::{BaseFilter, BaseSort, Page, SortOrder, Store};
use jidi_test_support::{TestDb, backend_tests};
use serde_json::Value;

const YEAR: i32 = 2025;

/// A small demo: three years of values (2023–2025), each with a published evaluation; fifteen
/// months of monthly data (2025-08 to 2026-10), so that 2025 has monitoring and 2026 a
/// year-to-date growth against 2025; the collection history of the year to 2026-10.
pub fn options() -> DemoOptions {
    let mut o = DemoOptions::standard(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    o.config.first_year = 2023;
    o.config.provincial = 60;
    o.config.cultivating = 20;
    o.config.months = 15;
    o.replications = Some(30);
    o
}

fn request(year: i32) -> ReportRequest {
    ReportRequest {
        year,
        edition: Edition::Draft,
        generated_on: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
    }
}

/// The sidecar's figures by id: `(value, source, detail)`.
fn figures(rendered: &jidi_report::Rendered) -> HashMap<String, (f64, String, String)> {
    let json: Value = serde_json::from_str(&rendered.sidecar_json()).unwrap();
    json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                (
                    f["value"].as_f64().unwrap(),
                    f["source"].as_str().unwrap().to_string(),
                    f["detail"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

/// National bases on the roll at the end of `year`, from the plain roll listing.
async fn national_roll(store: &Store, year: i32) -> Vec<jidi_domain::roll::Base> {
    let filter = BaseFilter {
        national_only: true,
        ..Default::default()
    };
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    store
        .all_bases(
            &filter,
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|b| matches!(b.facts.tier, Tier::National | Tier::Excellence))
        .filter(|b| b.facts.designated_year.is_none_or(|y| y <= year))
        .filter(|b| match &b.facts.status {
            Status::Current => true,
            Status::Withdrawn { on, .. } => *on > end,
        })
        .collect()
}

fn close(label: &str, got: f64, want: f64) {
    let tolerance = 1e-9 * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tolerance,
        "{label}: report {got}, recomputed {want}"
    );
}

async fn figures_trace_to_the_database(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    demo::load(store, &options()).await.unwrap();
    let model = report::build(store, &request(YEAR)).await.unwrap();
    assert!(model.meta.synthetic, "[{label}] demo data are marked");
    let html = report::render(&model, Format::Html, Lang::Zh).unwrap();
    let figs = figures(&html);
    let get = |id: &str| {
        figs.get(id)
            .unwrap_or_else(|| panic!("[{label}] figure {id} missing"))
            .clone()
    };

    // The roll, recounted from the base list.
    let roll = national_roll(store, YEAR).await;
    let ids: Vec<i64> = roll.iter().map(|b| b.id).collect();
    close("roll.n_bases", get("roll.n_bases").0, roll.len() as f64);
    assert_eq!(get("roll.n_bases").1, "query:report_roll_counts");
    let mut by_province: HashMap<&str, usize> = HashMap::new();
    for b in &roll {
        *by_province.entry(&b.facts.province_code).or_default() += 1;
    }
    for (code, n) in &by_province {
        close(
            &format!("roll.by_province.{code}"),
            get(&format!("roll.by_province.{code}")).0,
            *n as f64,
        );
    }
    close(
        "roll.n_provinces",
        get("roll.n_provinces").0,
        by_province.len() as f64,
    );

    // CO₂ of the roll's bases, recomputed here from each base's December (1–12月) fuel reports
    // and the shipped emission factors.
    let codes: Vec<&str> = FUEL_INDICATORS.iter().map(|f| f.code).collect();
    let factors = EmissionFactors::shipped();
    let december = YEAR * 100 + 12;
    let mut co2 = 0.0;
    for b in &roll {
        for p in store.monthly_values(b.id, &codes, december).await.unwrap() {
            if p.period == december {
                let f = FUEL_INDICATORS
                    .iter()
                    .find(|f| f.code == p.indicator)
                    .unwrap();
                co2 += p.value * f.factor_units * factors.get(f.fuel).unwrap().co2_t_per_unit;
            }
        }
    }
    assert!(co2 > 0.0, "[{label}] the demo's bases report fuels");
    let (value, source, detail) = get("green.carbon");
    close("green.carbon", value, co2 / 1e4);
    assert_eq!(source, "query:green_bases", "[{label}]");
    assert!(
        detail.contains(&format!("roll={YEAR}; year={YEAR}")),
        "{detail}"
    );
    // This demo's months start in 2025-08: no December of 2024, so no year-on-year clause.
    assert!(!figs.contains_key("green.carbon.previous"), "[{label}]");
    assert!(
        String::from_utf8_lossy(&html.bytes).contains("二氧化碳排放量为"),
        "[{label}]"
    );

    // Values, summed here from the plain value listing.
    let region: HashMap<i64, String> = roll
        .iter()
        .map(|b| {
            let r =
                jidi_domain::reference::MacroRegion::of_province(&b.facts.province_code).unwrap();
            (b.id, r.code().to_string())
        })
        .collect();
    for (year, id) in [
        (YEAR, "economy.revenue"),
        (YEAR - 1, "economy.revenue.previous"),
    ] {
        let points = store.annual_values_for_year(year, &ids).await.unwrap();
        let of = |code: &str| -> HashMap<i64, f64> {
            points
                .iter()
                .filter(|p| p.indicator == code)
                .map(|p| (p.base_id, p.value))
                .collect()
        };
        let revenue = of("rev_main");
        let total: f64 = revenue.values().sum();
        let (value, source, detail) = get(id);
        close(id, value, total);
        assert_eq!(source, "query:report_value_totals", "[{label}] {id}");
        assert!(detail.contains(&format!("year={year}")), "{detail}");
        if year == YEAR {
            let rd = of("rd_intensity");
            let (num, den) = rd
                .iter()
                .fold((0.0, 0.0), |(n, d), (b, x)| match revenue.get(b) {
                    Some(r) => (n + x * r, d + r),
                    None => (n, d),
                });
            close(
                "economy.rd_intensity",
                get("economy.rd_intensity").0,
                num / den,
            );
            let east: f64 = revenue
                .iter()
                .filter(|(b, _)| region[b] == "east")
                .map(|(_, x)| x)
                .sum();
            close(
                "economy.by_region.east.revenue",
                get("economy.by_region.east.revenue").0,
                east,
            );
            let mut top: Vec<(i64, f64)> = revenue.iter().map(|(b, x)| (*b, *x)).collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let first = &model.economy.as_ref().unwrap().top_bases[0];
            assert_eq!(
                first.base.key,
                top[0].0.to_string(),
                "[{label}] largest base"
            );
            close("largest revenue", first.value.value, top[0].1);
        }
    }

    // The evaluation, recounted from the published run's result pages.
    let run = store.published_run(YEAR).await.unwrap().unwrap();
    let (results, _) = store
        .run_results(run.id, &Default::default(), Page::first(10_000))
        .await
        .unwrap();
    let rated: Vec<_> = results.iter().filter(|r| r.stars.is_some()).collect();
    close(
        "evaluation.n_evaluated",
        get("evaluation.n_evaluated").0,
        rated.len() as f64,
    );
    for k in 1..=5 {
        let n = rated.iter().filter(|r| r.stars == Some(k)).count();
        let id = format!("evaluation.stars.{k}");
        let (value, source, _) = get(&id);
        close(&id, value, n as f64);
        assert_eq!(
            source,
            format!("evaluation_run:{}", run.id),
            "[{label}] {id}"
        );
    }
    let five: HashSet<String> = rated
        .iter()
        .filter(|r| r.stars == Some(5))
        .map(|r| r.base_id.to_string())
        .collect();
    let listed: HashSet<String> = model
        .evaluation
        .as_ref()
        .unwrap()
        .five_star
        .iter()
        .map(|b| b.base.key.clone())
        .collect();
    assert_eq!(listed, five, "[{label}] the five-star list");
    let materials: Vec<_> = rated
        .iter()
        .filter(|r| r.category_code == "materials")
        .collect();
    if !materials.is_empty() {
        close(
            "evaluation.by_category.materials.stars.4",
            get("evaluation.by_category.materials.stars.4").0,
            materials.iter().filter(|r| r.stars == Some(4)).count() as f64,
        );
    }

    // Every figure names its source, and the HTML carries it.
    let text = String::from_utf8(html.bytes.clone()).unwrap();
    assert!(text.contains(&format!("data-source=\"evaluation_run:{}\"", run.id)));
    assert!(text.contains("data-source=\"query:report_value_totals\""));
    for (id, (_, source, _)) in &figs {
        assert!(!source.is_empty(), "[{label}] {id} has no source");
    }

    // The same data and date give the same bytes.
    let again = report::build(store, &request(YEAR)).await.unwrap();
    assert_eq!(again, model, "[{label}] same model");
    let docx = report::render(&model, Format::Docx, Lang::Zh).unwrap();
    let docx_again = report::render(&again, Format::Docx, Lang::Zh).unwrap();
    assert_eq!(docx.bytes, docx_again.bytes, "[{label}] same DOCX bytes");
    assert_eq!(
        report::render(&again, Format::Html, Lang::Zh)
            .unwrap()
            .bytes,
        html.bytes
    );
    // English renders too, with the same figures.
    let en = report::render(&model, Format::Html, Lang::En).unwrap();
    assert_eq!(
        figures(&en).len(),
        figs.len(),
        "[{label}] same figures in English"
    );

    decisions_agree_with_the_roll(&db, store).await;

    // Data collection and monitoring, recomputed from the stored rows, for the year and the next
    // (whose last month is part-way through, with returned answers and a year-to-date growth).
    for year in [YEAR, YEAR + 1] {
        let model = report::build(store, &request(year)).await.unwrap();
        let html = report::render(&model, Format::Html, Lang::Zh).unwrap();
        let figs = figures(&html);
        collection_traces(store, label, year, &model, &figs).await;
        monitoring_traces(store, label, year, &model, &figs).await;
        // The demo has both in both years; the last month's task has returned answers, and 2026
        // has last year's months to grow from.
        let (c, m) = (model.collection.unwrap(), model.monitoring.unwrap());
        if year == YEAR + 1 {
            assert!(
                c.n_returned.unwrap().value > 0.0,
                "[{label}] returned answers"
            );
            assert!(
                c.completeness.value < 100.0,
                "[{label}] a month part-way through"
            );
            assert!(
                !m.revenue_growth_by_month.is_empty(),
                "[{label}] YTD growth"
            );
        } else {
            assert!(!m.by_month.is_empty(), "[{label}] warnings by month");
        }
    }
    // No national total of 2025 in the reference data: no share.
    assert!(
        model
            .economy
            .as_ref()
            .unwrap()
            .revenue
            .national_share
            .is_none(),
        "[{label}]"
    );
    db.finish().await;
}

/// One count, by SQL of the test's own over its own connection.
async fn sql_count(db: &TestDb, sql: &str) -> i64 {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if db.sqlite_dir().is_some() {
        let mut c = sqlx::SqliteConnection::connect(&db.url()).await.unwrap();
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut c)
            .await
            .unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url()).await.unwrap();
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut c)
            .await
            .unwrap()
    }
}

/// The tier section of every demo year against the roll's history: the counts of new, promoted
/// and withdrawn bases are those of `tier_changes` (counted here by SQL of the test's own), the
/// change of the national count is new minus withdrawn, the warnings and rectifications are the
/// year's accepted proposals of those kinds, and every decision is dated inside its year.
async fn decisions_agree_with_the_roll(db: &TestDb, store: &Store) {
    use jidi_domain::rules::{ProposalKind, ProposalStatus};
    use jidi_report::model::DecisionKind as K;
    let label = db.label;
    let np = "('national', 'excellence')";
    let mut n_promoted = HashMap::new();
    let (mut all_new, mut all_withdrawn) = (0, 0);
    // From the demo's first batches in the roll's history (designations in 2018, 2020 and 2022,
    // withdrawals 2018–2022, the excellence plan in 2024) to the last year evaluated.
    for year in 2018..=YEAR {
        let model = report::build(store, &request(year)).await.unwrap();
        let html = report::render(&model, Format::Html, Lang::Zh).unwrap();
        let figs = figures(&html);
        // A year without any decision has no tier section: every count is then zero.
        let has_section = model.decisions.is_some();
        let shown = |kind: K| match figs.get(&format!("decisions.count.{}", kind.code())) {
            Some(f) => f.0,
            None if !has_section => 0.0,
            None => panic!("[{label}] {year}: count of {kind:?} missing"),
        };
        let dated = format!("changed_on >= '{year}-01-01' AND changed_on <= '{year}-12-31'");
        let new = sql_count(db, &format!(
            "SELECT COUNT(*) FROM tier_changes WHERE {dated} AND (from_tier IS NULL OR from_tier NOT IN {np}) AND to_tier IN {np}"
        )).await;
        let promoted = sql_count(db, &format!(
            "SELECT COUNT(*) FROM tier_changes WHERE {dated} AND from_tier = 'national' AND to_tier = 'excellence'"
        )).await;
        let withdrawn = sql_count(db, &format!(
            "SELECT COUNT(*) FROM tier_changes WHERE {dated} AND from_tier IN {np} AND (to_tier IS NULL OR to_tier NOT IN {np})"
        )).await;
        close(&format!("[{label}] {year} new"), shown(K::New), new as f64);
        close(
            &format!("[{label}] {year} promoted"),
            shown(K::Promoted),
            promoted as f64,
        );
        close(
            &format!("[{label}] {year} withdrawn"),
            shown(K::Withdrawn),
            withdrawn as f64,
        );
        n_promoted.insert(year, promoted);
        all_new += new;
        all_withdrawn += withdrawn;
        // The roll at the end of the year is last year's plus the entries less the exits.
        let before = report::build(store, &request(year - 1)).await.unwrap();
        close(
            &format!("[{label}] {year} change of the national roll"),
            model.roll.n_bases.value - before.roll.n_bases.value,
            (new - withdrawn) as f64,
        );
        // Warnings and rectification orders: the demo decides each year's proposals in that year.
        for (kind, want) in [
            (K::Warned, ProposalKind::Warning),
            (K::Rectified, ProposalKind::Rectification),
        ] {
            let filter = jidi_store::ProposalFilter {
                status: Some(ProposalStatus::Accepted),
                kind: Some(want),
                year: Some(year),
                ..jidi_store::ProposalFilter::within(jidi_domain::access::RecordScope::All)
            };
            let (_, total) = store.proposals(&filter, Page::first(1)).await.unwrap();
            close(
                &format!("[{label}] {year} {kind:?}"),
                shown(kind),
                total as f64,
            );
        }
        let items = model.decisions.map(|d| d.items).unwrap_or_default();
        for d in &items {
            assert_eq!(
                d.decided_on.year, year,
                "[{label}] {year}: {} dated {:?}",
                d.key, d.decided_on
            );
            match d.kind {
                K::Warned | K::Rectified => {
                    assert_eq!(d.to_tier, d.from_tier, "[{label}] {}", d.key)
                }
                K::Withdrawn => {
                    assert_ne!(d.to_tier.as_ref().map(|t| t.zh.as_str()), Some("国家级"))
                }
                K::Promoted | K::New => assert_ne!(d.to_tier, d.from_tier, "[{label}] {}", d.key),
            }
        }
        // The demo evaluates from 2023 and decides every year's proposals but the last.
        if (YEAR - 2..YEAR).contains(&year) {
            assert!(
                items
                    .iter()
                    .any(|d| matches!(d.kind, K::Warned | K::Rectified)),
                "[{label}] {year}: the demo decided warnings or rectifications"
            );
        }
    }
    // The demo's excellence plan: twelve national bases promoted in 2024, shown as such; and the
    // years checked had entries and exits to count.
    assert_eq!(n_promoted[&2024], 12, "[{label}]");
    assert!(
        all_new > 0 && all_withdrawn > 0,
        "[{label}] {all_new} new, {all_withdrawn} withdrawn"
    );
}

/// Every answer to `year`'s tasks, read through the store's plain task listing.
async fn answers(store: &Store, year: i32) -> Vec<jidi_store::TaskBaseRecord> {
    let tasks = store
        .tasks(&jidi_store::TaskScope::default(), 1000)
        .await
        .unwrap();
    let mut out = Vec::new();
    for t in tasks.iter().filter(|t| match t.frequency {
        jidi_store::Frequency::Annual => t.period == year,
        jidi_store::Frequency::Monthly => t.period / 100 == year,
    }) {
        let mut after = None;
        loop {
            let page = store
                .task_bases(t.id, &Default::default(), after, 1000)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.base_id);
            out.extend(page);
        }
    }
    out
}

type Figures = HashMap<String, (f64, String, String)>;

async fn collection_traces(
    store: &Store,
    label: &str,
    year: i32,
    model: &jidi_report::model::Report,
    figs: &Figures,
) {
    let answers = answers(store, year).await;
    let Some(collection) = &model.collection else {
        assert!(
            answers.is_empty(),
            "[{label}] {year} has tasks but no section"
        );
        return;
    };
    assert!(
        !answers.is_empty(),
        "[{label}] {year}: a section without tasks"
    );
    let get = |id: &str| {
        figs.get(id)
            .unwrap_or_else(|| panic!("[{label}] {year}: figure {id} missing"))
            .clone()
    };
    let share = |rows: &[&jidi_store::TaskBaseRecord], on_time: bool| {
        let n = rows
            .iter()
            .filter(|a| match on_time {
                true => a.submitted_at.is_some_and(|at| at <= a.deadline),
                false => a.status == jidi_store::TaskStatus::Accepted,
            })
            .count();
        100.0 * n as f64 / rows.len() as f64
    };
    let all: Vec<&jidi_store::TaskBaseRecord> = answers.iter().collect();
    let (value, source, detail) = get("collection.completeness");
    close("collection.completeness", value, share(&all, false));
    assert_eq!(source, "query:report_collection", "[{label}]");
    assert!(detail.contains(&format!("year={year}")), "{detail}");
    close(
        "collection.timeliness",
        get("collection.timeliness").0,
        share(&all, true),
    );
    let received = answers.iter().filter(|a| a.submitted_at.is_some()).count();
    let returned = answers
        .iter()
        .filter(|a| a.status == jidi_store::TaskStatus::Returned)
        .count();
    close(
        "collection.n_submissions",
        get("collection.n_submissions").0,
        received as f64,
    );
    close(
        "collection.n_returned",
        get("collection.n_returned").0,
        returned as f64,
    );
    assert_eq!(
        collection.completeness.value,
        get("collection.completeness").0
    );
    let provinces: HashSet<&str> = answers.iter().map(|a| a.province_code.as_str()).collect();
    assert_eq!(collection.by_province.len(), provinces.len(), "[{label}]");
    for code in provinces {
        let rows: Vec<&jidi_store::TaskBaseRecord> =
            answers.iter().filter(|a| a.province_code == code).collect();
        let id = format!("collection.by_province.{code}");
        close(
            &id,
            get(&format!("{id}.completeness")).0,
            share(&rows, false),
        );
        close(&id, get(&format!("{id}.timeliness")).0, share(&rows, true));
        let bases: HashSet<i64> = rows.iter().map(|a| a.base_id).collect();
        close(&id, get(&format!("{id}.n_bases")).0, bases.len() as f64);
    }
}

async fn monitoring_traces(
    store: &Store,
    label: &str,
    year: i32,
    model: &jidi_report::model::Report,
    figs: &Figures,
) {
    use jidi_store::{BaseRank, MonitorFilter, WarningFilter};
    let get = |id: &str| {
        figs.get(id)
            .unwrap_or_else(|| panic!("[{label}] {year}: figure {id} missing"))
            .clone()
    };
    // Monthly revenue of every base, period by period, through the ranked list.
    let mut monitored = HashSet::new();
    let mut ytd: Vec<(u8, f64, f64)> = Vec::new();
    for month in 1..=12u8 {
        let period = year * 100 + i32::from(month);
        let (list, total) = store
            .monitor_bases(
                "m_rev",
                period,
                &MonitorFilter::default(),
                BaseRank::LevelDesc,
                Page::first(500),
            )
            .await
            .unwrap();
        let mut list = list;
        let mut offset = list.len();
        while (offset as i64) < total {
            let page = Page {
                offset: offset as u32,
                limit: 500,
            };
            let (more, _) = store
                .monitor_bases(
                    "m_rev",
                    period,
                    &MonitorFilter::default(),
                    BaseRank::LevelDesc,
                    page,
                )
                .await
                .unwrap();
            offset += more.len();
            list.extend(more);
        }
        monitored.extend(list.iter().map(|b| b.base_id));
        let (now, then) = list
            .iter()
            .filter_map(|b| Some((b.point.cumulative?, b.point.cumulative_ly?)))
            .fold((0.0, 0.0), |(n, t), (a, b)| (n + a, t + b));
        if then > 0.0 {
            ytd.push((month, now, then));
        }
    }
    let Some(monitoring) = &model.monitoring else {
        assert!(
            monitored.is_empty(),
            "[{label}] {year} has monthly data but no section"
        );
        return;
    };
    let (value, source, _) = get("monitoring.n_bases_monitored");
    close(
        "monitoring.n_bases_monitored",
        value,
        monitored.len() as f64,
    );
    assert_eq!(source, "query:report_monitored_bases", "[{label}]");
    assert_eq!(
        monitoring.revenue_growth_by_month.len(),
        ytd.len(),
        "[{label}] {year}: months with a year-to-date growth"
    );
    for (month, now, then) in &ytd {
        let id = format!("monitoring.revenue_growth.{month}");
        let (value, source, _) = get(&id);
        close(&id, value, (now / then - 1.0) * 100.0);
        assert_eq!(source, "query:report_ytd_growth", "[{label}]");
    }
    // Warnings, recounted from the warning list: opened in the year, at their peak level.
    let mut warnings = Vec::new();
    loop {
        let page = Page {
            offset: warnings.len() as u32,
            limit: 500,
        };
        let (rows, total) = store
            .monitor_warnings(
                &WarningFilter::within(jidi_domain::access::RecordScope::All),
                page,
            )
            .await
            .unwrap();
        let done = rows.is_empty() || (warnings.len() + rows.len()) as i64 >= total;
        warnings.extend(rows);
        if done {
            break;
        }
    }
    let of_year: Vec<_> = warnings
        .iter()
        .filter(|w| w.warning.opened / 100 == year)
        .collect();
    for level in ["blue", "yellow", "orange", "red"] {
        let n = of_year.iter().filter(|w| w.warning.peak == level).count();
        let id = format!("monitoring.warnings.{level}");
        close(&id, get(&id).0, n as f64);
        for row in &monitoring.by_month {
            let n = of_year
                .iter()
                .filter(|w| {
                    w.warning.peak == level && w.warning.opened % 100 == i32::from(row.month)
                })
                .count();
            let id = format!("monitoring.by_month.{}.{level}", row.month);
            close(&id, get(&id).0, n as f64);
        }
    }
    let notable = of_year
        .iter()
        .filter(|w| matches!(w.warning.peak.as_str(), "orange" | "red"))
        .count();
    assert_eq!(
        monitoring.notable.len(),
        notable.min(60),
        "[{label}] {year}: the orange and red warnings"
    );
}

async fn sections_without_data_are_left_out(db: TestDb) {
    let store = &db.store;
    let label = db.label;
    let mut o = options();
    o.evaluations = false;
    demo::load(store, &o).await.unwrap();
    // No published evaluation: no evaluation section, no scheme in the appendix.
    let model = report::build(store, &request(YEAR)).await.unwrap();
    assert!(model.evaluation.is_none(), "[{label}]");
    assert!(
        model.appendix.as_ref().unwrap().scheme.is_none(),
        "[{label}]"
    );
    assert!(model.economy.is_some(), "[{label}] values exist");
    let html = report::render(&model, Format::Html, Lang::Zh).unwrap();
    assert!(
        !figures(&html)
            .keys()
            .any(|id| id.starts_with("evaluation.")),
        "[{label}] no evaluation figures"
    );
    // A year with bases but no values: no economy either.
    let next = report::build(store, &request(YEAR + 1)).await.unwrap();
    assert!(
        next.economy.is_none() && next.innovation.is_none(),
        "[{label}]"
    );
    report::render(&next, Format::Docx, Lang::Zh).unwrap();
    // A year before the programme: nothing to report.
    match report::build(store, &request(1995)).await {
        Err(ReportServiceError::EmptyYear { year: 1995 }) => {}
        other => panic!("[{label}] expected EmptyYear, got {:?}", other.map(|_| ())),
    }
    assert!(matches!(
        report::build(store, &request(-4)).await,
        Err(ReportServiceError::BadYear { .. })
    ));

    // A past year keeps the tiers of that year: promoting a base in the next year changes the
    // next year's counts by tier, not this year's.
    let tier_count = |r: &jidi_report::model::Report, code: &str| {
        r.roll
            .by_tier
            .iter()
            .find(|i| i.key == code)
            .map_or(0.0, |i| i.value.value)
    };
    let this_before = report::build(store, &request(YEAR)).await.unwrap();
    let next_before = report::build(store, &request(YEAR + 1)).await.unwrap();
    let ids = store.report_national_ids(YEAR).await.unwrap();
    let bases = store.bases_by_ids(&ids).await.unwrap();
    let promoted = ids
        .iter()
        .find(|id| bases[id].facts.tier == Tier::National)
        .copied()
        .unwrap();
    store
        .change_tier(
            promoted,
            Tier::Excellence,
            NaiveDate::from_ymd_opt(YEAR + 1, 6, 30).unwrap(),
            None,
            "测试：次年晋级",
            None,
        )
        .await
        .unwrap();
    let this_after = report::build(store, &request(YEAR)).await.unwrap();
    assert_eq!(
        this_after.roll, this_before.roll,
        "[{label}] {YEAR} unchanged"
    );
    let next_after = report::build(store, &request(YEAR + 1)).await.unwrap();
    assert_eq!(
        tier_count(&next_after, "excellence"),
        tier_count(&next_before, "excellence") + 1.0,
        "[{label}] promoted in {}",
        YEAR + 1
    );
    assert_eq!(
        tier_count(&next_after, "national"),
        tier_count(&next_before, "national") - 1.0,
        "[{label}]"
    );
    assert_eq!(
        next_after.roll.n_bases, next_before.roll.n_bases,
        "[{label}]"
    );
    db.finish().await;
}

backend_tests!(
    figures_trace_to_the_database,
    sections_without_data_are_left_out
);
