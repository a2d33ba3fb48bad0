//! Tables for people (issue 13): the results table of a run (every column sorts, the name search
//! narrows, the change in stars and rank from last year's published run is right, recomputed here
//! from both runs), the roll in pinyin order, and the roll's Excel export for people beside the
//! machine-format import template (both read back with calamine through jidi-tabular).

use crate::support;

use jidi_store::ResultFilter;
use jidi_test_support::{TestDb, backend_tests};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use support::{App, Auth, demo_options};

const SORTS: [&str; 11] = [
    "rank",
    "national_score",
    "name",
    "province",
    "category",
    "stars",
    "score",
    "category_rank",
    "interval",
    "stars_change",
    "rank_change",
];

async fn run_of(app: &App, year: i64) -> i64 {
    let runs = app
        .get("/api/v1/evaluations", &Auth::Anonymous)
        .await
        .json();
    runs.as_array()
        .unwrap()
        .iter()
        .find(|r| r["year"] == year && r["status"] == "published")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn all_results(app: &App, run: i64, query: &str, auth: &Auth) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/evaluations/{run}/results?per_page=500&{query}"),
            auth,
        )
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.text());
    let v = r.json();
    let items = v["items"].as_array().unwrap().clone();
    assert_eq!(v["total"].as_i64().unwrap(), items.len() as i64, "{query}");
    items
}

fn opt_f64(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The figure a sort key orders by, as the viewer receives it.
fn sort_value(row: &Value, key: &str) -> Option<f64> {
    let field = match key {
        "rank" => "national_rank",
        "interval" => "rank_p05",
        other => other,
    };
    opt_f64(&row[field])
}

async fn results_sort_search_and_compare_with_last_year(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let (run, previous) = (run_of(&app, 2025).await, run_of(&app, 2024).await);
    let roles = [
        ("public", Auth::Anonymous),
        ("ministry", app.login("admin").await),
        ("province", app.login("hubei").await),
        ("base", app.login("donghu").await),
        ("evaluator", app.login("evaluator").await),
    ];
    // The filters select the rows the store's own statements select: the page filters a run's
    // rows read once (and kept), the store filters in SQL.
    for (query, filter) in [
        (
            "category=materials",
            ResultFilter {
                category: Some("materials".into()),
                ..ResultFilter::default()
            },
        ),
        (
            "province=420000",
            ResultFilter {
                province: Some("420000".into()),
                ..ResultFilter::default()
            },
        ),
        (
            "stars=3",
            ResultFilter {
                stars: Some(3),
                ..ResultFilter::default()
            },
        ),
        (
            "category=equipment&stars=4",
            ResultFilter {
                category: Some("equipment".into()),
                stars: Some(4),
                ..ResultFilter::default()
            },
        ),
    ] {
        let shown: BTreeSet<i64> = all_results(&app, run, query, &roles[1].1)
            .await
            .iter()
            .map(|r| r["base_id"].as_i64().unwrap())
            .collect();
        let stored: BTreeSet<i64> = app
            .state
            .store
            .all_run_results(run, &filter)
            .await
            .unwrap()
            .iter()
            .map(|r| r.base_id)
            .collect();
        assert!(!stored.is_empty(), "{query}");
        assert_eq!(shown, stored, "{query}");
    }
    for (role, auth) in &roles {
        let now = all_results(&app, run, "", auth).await;
        let before: HashMap<i64, Value> = all_results(&app, previous, "", auth)
            .await
            .into_iter()
            .map(|r| (r["base_id"].as_i64().unwrap(), r))
            .collect();
        assert!(now.len() > 100, "{role}: the whole run");
        // The changes, recomputed from both runs as this role sees them.
        let mut n_changed = 0;
        for r in &now {
            let id = r["base_id"].as_i64().unwrap();
            let then = before.get(&id);
            let stars_then = then.and_then(|t| t["stars"].as_i64());
            let expected_stars = r["stars"].as_i64().zip(stars_then).map(|(a, b)| a - b);
            assert_eq!(
                r["stars_change"].as_i64(),
                expected_stars,
                "{role}: base {id}"
            );
            assert_eq!(
                r["previous_stars"].as_i64(),
                stars_then,
                "{role}: base {id}"
            );
            let expected_rank = r["national_rank"]
                .as_f64()
                .zip(then.and_then(|t| t["national_rank"].as_f64()))
                .map(|(a, b)| b - a);
            assert_eq!(
                r["rank_change"].as_f64(),
                expected_rank,
                "{role}: base {id}"
            );
            n_changed += usize::from(expected_stars.is_some_and(|c| c != 0));
        }
        assert!(n_changed > 0, "{role}: some bases changed stars");
        // The public sees stars (and so their change) but no ranks.
        let n_ranks = now.iter().filter(|r| !r["rank_change"].is_null()).count();
        match *role {
            "public" => assert_eq!(n_ranks, 0),
            "ministry" | "evaluator" => assert!(n_ranks > 100, "{role}: {n_ranks}"),
            _ => assert!(n_ranks > 0 && n_ranks < now.len(), "{role}: {n_ranks}"),
        }

        // Every column sorts both ways: the figures are monotonic and missing ones come last.
        for key in SORTS {
            for dir in ["asc", "desc"] {
                let rows = all_results(&app, run, &format!("sort={key}&dir={dir}"), auth).await;
                assert_eq!(rows.len(), now.len(), "{role} {key} {dir}");
                let texts = |f: &str| -> Vec<String> {
                    rows.iter()
                        .map(|r| r[f].as_str().unwrap().to_string())
                        .collect()
                };
                match key {
                    "province" | "category" => {
                        let mut names = texts(&format!("{key}_name"));
                        let shown = names.clone();
                        names.sort();
                        if dir == "desc" {
                            names.reverse();
                        }
                        assert_eq!(shown, names, "{role} {key} {dir}");
                    }
                    "name" => {
                        let names = texts("name");
                        let keys: Vec<String> = names
                            .iter()
                            .map(|n| jidi_domain::pinyin_key::name_sort_key(n))
                            .collect();
                        let ok = keys.windows(2).all(|w| {
                            if dir == "asc" {
                                w[0] <= w[1]
                            } else {
                                w[0] >= w[1]
                            }
                        });
                        assert!(ok, "{role} name {dir}");
                    }
                    _ => {
                        let values: Vec<Option<f64>> =
                            rows.iter().map(|r| sort_value(r, key)).collect();
                        let first_missing = values.iter().position(Option::is_none);
                        if let Some(i) = first_missing {
                            assert!(
                                values[i..].iter().all(Option::is_none),
                                "{role} {key} {dir}: missing last"
                            );
                        }
                        let present: Vec<f64> = values.iter().flatten().copied().collect();
                        let ok = present.windows(2).all(|w| {
                            if dir == "asc" {
                                w[0] <= w[1]
                            } else {
                                w[0] >= w[1]
                            }
                        });
                        assert!(ok, "{role} {key} {dir}: {present:?}");
                    }
                }
            }
        }

        // The name search keeps exactly the rows whose name contains the text.
        let hits = all_results(&app, run, "q=%E4%B8%9C%E6%B9%96", auth).await;
        let expected: Vec<i64> = now
            .iter()
            .filter(|r| r["name"].as_str().unwrap().contains("东湖"))
            .map(|r| r["base_id"].as_i64().unwrap())
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(
            hits.iter()
                .map(|r| r["base_id"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            expected,
            "{role}: search in rank order"
        );

        // The page shows the same changes in the order asked for, and the headers link to sorts.
        let page = app
            .get(
                &format!("/evaluations/{run}?sort=stars_change&dir=desc&per_page=500"),
                auth,
            )
            .await;
        assert_eq!(page.status, 200);
        let html = page.text();
        let shown: Vec<String> = html
            .split("class=\"num stars-change\" data-value=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect();
        let by_api = all_results(&app, run, "sort=stars_change&dir=desc", auth).await;
        let expected: Vec<String> = by_api
            .iter()
            .map(|r| {
                r["stars_change"]
                    .as_i64()
                    .map_or(String::new(), |c| c.to_string())
            })
            .collect();
        assert_eq!(shown, expected, "{role}: the page's changes");
        for key in SORTS {
            assert!(
                html.contains(&format!("data-sort=\"{key}\"")),
                "{role}: {key} header"
            );
        }
        assert!(html.contains("aria-sort=\"descending\""), "{role}");

        // The star chart follows the page's filters and the viewer's scope: its counts are the
        // stars of exactly the rows the same query returns, in the chart and in its text.
        for query in ["", "province=420000", "province=430000", "q=%E6%B9%96"] {
            let html = app
                .get(&format!("/evaluations/{run}?{query}"), auth)
                .await
                .text();
            let start = html
                .find("id=\"chart-data\">")
                .unwrap_or_else(|| panic!("{role} {query}: no chart data"))
                + 16;
            let end = start + html[start..].find("</script>").unwrap();
            let chart: Value = serde_json::from_str(&html[start..end]).unwrap();
            let mut expected = [0i64; 5];
            for row in all_results(&app, run, query, auth).await {
                if let Some(s) = row["stars"].as_i64() {
                    expected[s as usize - 1] += 1;
                }
            }
            let drawn: Vec<i64> = chart["stars"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_i64().unwrap())
                .collect();
            assert_eq!(drawn, expected, "{role} {query}: chart counts");
            let text: Vec<String> = (1..=5)
                .map(|s| format!("{s}★: {}", expected[s - 1]))
                .collect();
            assert!(
                html.contains(&text.join("; ")),
                "{role} {query}: chart text {text:?}"
            );
        }
    }
    // Hostile input is a clear 400 naming the parameter.
    let anon = Auth::Anonymous;
    for (query, field) in [
        ("sort=nope", "sort"),
        ("dir=sideways", "dir"),
        (&*format!("q={}", "x".repeat(101)), "q"),
        ("q=%00", "q"),
    ] {
        let r = app
            .get(&format!("/api/v1/evaluations/{run}/results?{query}"), &anon)
            .await;
        assert_eq!(r.status, 400, "{query}");
        assert!(r.text().contains(field), "{query}: {}", r.text());
    }
    app.finish().await;
}

backend_tests!(results_sort_search_and_compare_with_last_year);

/// Real names from the roll in the order a pinyin-sorted list gives them: 北京 (bei), 电子 (dian),
/// 天津 (tian), 资源 (zi). Code-point order would put 天 (U+5929) before 电 (U+7535).
const PINYIN_ORDER: [&str; 4] = [
    "北京中关村科技园区",
    "电子信息(光电子)·武汉东湖新技术开发区",
    "天津滨海高新区华苑产业区",
    "资源综合利用·湖北襄阳",
];

async fn the_roll_sorts_names_by_pinyin(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let mut names: Vec<String> = Vec::new();
    for page in 1.. {
        let v = app
            .get(
                &format!("/api/v1/bases?sort=name&per_page=200&page={page}"),
                &Auth::Anonymous,
            )
            .await
            .json();
        let items = v["items"].as_array().unwrap();
        names.extend(
            items
                .iter()
                .map(|b| b["name"].as_str().unwrap().to_string()),
        );
        if names.len() as i64 >= v["total"].as_i64().unwrap() || items.is_empty() {
            break;
        }
    }
    let positions: Vec<usize> = PINYIN_ORDER
        .iter()
        .map(|n| {
            names
                .iter()
                .position(|m| m == n)
                .unwrap_or_else(|| panic!("{n} on the roll"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // Descending reverses it; the HTML roll follows the same order.
    let desc = app
        .get(
            "/api/v1/bases?sort=name&order=desc&per_page=5",
            &Auth::Anonymous,
        )
        .await
        .json();
    let first_desc = desc["items"][0]["name"].as_str().unwrap().to_string();
    assert_eq!(&first_desc, names.last().unwrap());
    let html = app.get("/bases?per_page=30", &Auth::Anonymous).await.text();
    let at: Vec<usize> = names[..30]
        .iter()
        .map(|n| {
            html.find(&format!(">{n}<"))
                .unwrap_or_else(|| panic!("{n} on the page"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "the page: {at:?}");
    app.finish().await;
}

backend_tests!(the_roll_sorts_names_by_pinyin);

async fn the_roll_exports_for_people_and_offers_the_machine_template(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let donghu_name = PINYIN_ORDER[1];
    let donghu = app.base_id(donghu_name).await;
    let facts = app
        .get(&format!("/api/v1/bases/{donghu}"), &Auth::Anonymous)
        .await
        .json();
    for (lang, province, tier, header) in [
        (
            "zh",
            "湖北省",
            "国家级",
            ["编号", "基地名称", "省份", "地市", "类别"],
        ),
        (
            "en",
            "Hubei",
            "National",
            ["No.", "Base", "Province", "Prefecture", "Category"],
        ),
    ] {
        let r = app
            .get(
                &format!("/bases/export?format=xlsx&province=420000&lang={lang}"),
                &Auth::Anonymous,
            )
            .await;
        assert_eq!(r.status, 200);
        let book = jidi_tabular::read_spreadsheet("roll.xlsx", &r.body, None).unwrap();
        assert_eq!(&book.header[..5], &header, "{lang}");
        let row = book
            .rows
            .iter()
            .find(|row| row.cells.get(1).map(|c| c.to_string()) == Some(donghu_name.to_string()))
            .expect("东湖 in the Hubei export");
        let cell = |i: usize| row.cells[i].to_string();
        assert_eq!(cell(0), donghu.to_string(), "{lang}: the id as a number");
        assert_eq!(cell(2), province, "{lang}: the province's name, not 420000");
        assert!(
            cell(3).starts_with(if lang == "zh" { "武汉" } else { "Wuhan" }),
            "{lang}: {}",
            cell(3)
        );
        assert_eq!(cell(7), tier, "{lang}: the tier's name");
        let category = facts["category_name"].as_str().unwrap();
        if lang == "zh" {
            assert_eq!(cell(4), category);
        }
        // Every row is a Hubei base, named, never a code.
        assert!(book.rows.iter().all(|row| row.cells[2] == province));
        assert!(book.rows.iter().all(|row| {
            !row.cells[4]
                .to_string()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        }));
        // The about sheet counts the rows and the synthetic ones.
        let about = jidi_tabular::read_spreadsheet(
            "roll.xlsx",
            &r.body,
            Some(if lang == "zh" { "说明" } else { "About" }),
        )
        .unwrap();
        let n_rows = book.rows.len();
        assert!(
            about
                .rows
                .iter()
                .any(|row| row.cells[0].to_string().ends_with(&n_rows.to_string())),
            "{lang}"
        );
    }
    // The import template: machine headers on the first sheet, instructions beside them, and the
    // API's export still in the machine format.
    let r = app.get("/bases/import-template", &Auth::Anonymous).await;
    assert_eq!(r.status, 200);
    let template = jidi_tabular::read_spreadsheet("t.xlsx", &r.body, None).unwrap();
    assert_eq!(
        &template.header[..4],
        &["name", "province_code", "prefecture_code", "category_code"]
    );
    assert!(template.rows.is_empty());
    let help = jidi_tabular::read_spreadsheet("t.xlsx", &r.body, Some("填写说明")).unwrap();
    let tier_rule = help.rows.iter().find(|row| row.cells[0] == "tier").unwrap();
    assert_eq!(tier_rule.cells[2].to_string(), "必填");
    assert!(tier_rule.cells[3].to_string().contains("national = 国家级"));
    let machine = app
        .get(
            "/api/v1/bases/export?format=xlsx&province=420000",
            &Auth::Anonymous,
        )
        .await;
    let machine = jidi_tabular::read_spreadsheet("m.xlsx", &machine.body, None).unwrap();
    assert_eq!(&machine.header[..3], &["id", "name", "province_code"]);
    let page = app.get("/bases", &Auth::Anonymous).await.text();
    // (minijinja escapes the slashes of the href, so the link is found by its id.)
    assert!(page.contains("id=\"import-template\""));
    app.finish().await;
}

backend_tests!(the_roll_exports_for_people_and_offers_the_machine_template);

/// The scheme editor (issue 13): methods are choices with names, the totals the page script keeps
/// start from the stored weights and shares, and "try this scheme" starts a trial of that scheme.
async fn the_scheme_editor_names_methods_shows_totals_and_tries_the_scheme(db: TestDb) {
    let app = App::over(db, &demo_options()).await;
    let admin = app.login("admin").await;
    let schemes = app.get("/api/v1/schemes", &admin).await.json();
    let scheme = &schemes.as_array().unwrap()[0];
    let (id, year) = (
        scheme["id"].as_i64().unwrap(),
        scheme["year"].as_i64().unwrap(),
    );
    let full = app
        .get(&format!("/api/v1/schemes/{id}"), &admin)
        .await
        .json();
    for (user, can) in [("admin", true), ("evaluator", true)] {
        let auth = app.login_cookie(user).await;
        for (lang, mean) in [
            ("zh", "加权算术平均 (amean)"),
            ("en", "Weighted arithmetic mean (amean)"),
        ] {
            let html = app
                .get(&format!("/schemes/{id}/edit?lang={lang}"), &auth)
                .await
                .text();
            assert!(html.contains(&format!(">{mean}</option>")), "{user} {lang}");
            assert!(
                html.contains("<select name=\"normalisation\""),
                "{user} {lang}"
            );
            assert!(
                !html.contains("type=\"text\" name=\"aggregation\""),
                "{user} {lang}"
            );
            assert!(html.contains("id=\"share-total\""), "{user} {lang}");
            assert_eq!(
                html.contains("id=\"try-scheme-button\""),
                can,
                "{user} {lang}"
            );
            // The selected methods are the scheme's own.
            let method = if full["method"].is_object() {
                &full["method"]
            } else {
                &full["scheme"]["method"]
            };
            for (field, value) in [
                ("aggregation", &method["aggregation"]),
                ("normalisation", &method["normalisation"]),
            ] {
                let value = value
                    .as_str()
                    .unwrap_or_else(|| panic!("{field} in {full}"));
                assert!(
                    html.contains(&format!("<option value=\"{value}\" selected>")),
                    "{user} {lang}: {field} {value}"
                );
            }
            // The shares shown add up to 100 as stored.
            let shares: f64 = (1..=5)
                .map(|k| {
                    let at = html.find(&format!("name=\"share_{k}\" value=\"")).unwrap();
                    let rest = &html[at + format!("name=\"share_{k}\" value=\"").len()..];
                    rest[..rest.find('"').unwrap()].parse::<f64>().unwrap()
                })
                .sum();
            assert!((shares - 100.0).abs() < 1e-6, "{user} {lang}: {shares}");
        }
        // Try the scheme: a trial run of its year with it.
        let r = app
            .form(
                "/evaluations",
                &auth,
                &[("year", &year.to_string()), ("scheme_id", &id.to_string())],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text());
        let trial: i64 = r.headers["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/evaluations/")
            .parse()
            .unwrap();
        let run = app
            .get(&format!("/api/v1/evaluations/{trial}"), &auth)
            .await
            .json();
        assert_eq!(run["scheme_id"].as_i64(), Some(id), "{run}");
        assert_eq!(run["status"], "trial");
        assert_eq!(run["year"].as_i64(), Some(year));
    }
    app.finish().await;
}

backend_tests!(the_scheme_editor_names_methods_shows_totals_and_tries_the_scheme);
