//! Load benchmark of the pages and API calls the foundation, evaluation and monitoring issues name:
//! the base list, the base profile, the scorecard, the monitoring aggregates, the green figures
//! and the warnings board, each as a page and as an API call, under 50
//! concurrent keep-alive clients on the documented demo over SQLite.
//!
//! Run with `cargo bench -p jidi-web --bench http` (add `-- --seconds 10` for longer runs, or
//! `-- --only ministry` for one endpoint beside the baseline). The
//! server and the load generator share this process and the machine's two cores, like wrk on the
//! same host would. Machines are noisy, so beside p50/p99 in milliseconds each line gives the ratio
//! of its p99 to the p99 of `/healthz` measured in the same run (a request that does no work).
//!
//! The load generator is written here rather than taken from a crate because it needs nothing but
//! hyper's HTTP/1.1 client connection, which is already in the dependency tree through axum.

#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use jidi_service::demo::{self, DemoOptions};
use jidi_store::Store;
use jidi_web::{AppState, WebConfig};

// The same allocator as the `jidi` binary, so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 50;

struct Endpoint {
    label: &'static str,
    paths: Vec<String>,
    bearer: Option<String>,
}

struct Stats {
    requests: usize,
    errors: usize,
    p50: f64,
    p99: f64,
    max: f64,
    per_second: f64,
}

async fn load(addr: std::net::SocketAddr, endpoint: &Endpoint, seconds: f64) -> Stats {
    let paths = Arc::new(endpoint.paths.clone());
    let bearer = endpoint.bearer.clone();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let paths = paths.clone();
        let bearer = bearer.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).ok();
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .expect("handshake");
            tokio::spawn(conn);
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut i = client;
            while Instant::now() < deadline {
                let path = &paths[i % paths.len()];
                i += 7;
                let mut req = hyper::Request::get(path.as_str()).header("host", "bench");
                if let Some(t) = &bearer {
                    req = req.header("authorization", format!("Bearer {t}"));
                }
                let started = Instant::now();
                // The connection task may still be finishing the previous exchange.
                sender.ready().await.expect("connection ready");
                let res = sender
                    .send_request(req.body(Empty::<Bytes>::new()).unwrap())
                    .await
                    .expect("request");
                let ok = res.status().is_success();
                let _ = res.into_body().collect().await.expect("body");
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                if !ok {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    all.sort_by(f64::total_cmp);
    let q = |p: f64| all[((all.len() as f64 - 1.0) * p).round() as usize];
    Stats {
        requests: all.len(),
        errors,
        p50: q(0.50),
        p99: q(0.99),
        max: *all.last().unwrap(),
        per_second: all.len() as f64 / seconds,
    }
}

fn main() {
    let seconds: f64 = std::env::args()
        .skip_while(|a| a != "--seconds")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(4.0);
    // `--only TEXT` keeps the baseline and the endpoints whose label contains TEXT (for profiling).
    let only: Option<String> = std::env::args().skip_while(|a| a != "--only").nth(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        let started = Instant::now();
        let options = DemoOptions::standard(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        demo::load(&store, &options).await.unwrap();
        println!(
            "demo loaded in {:.1} s (SQLite, {})",
            started.elapsed().as_secs_f64(),
            dir.path().display()
        );
        let state = AppState::new(store.clone(), WebConfig::default())
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(jidi_web::serve_on(listener, state, std::future::pending()));

        // Who asks: the public for the roll, the ministry for scorecards (a session lookup per
        // request, as in real use).
        let token = {
            let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(conn);
            let body = r#"{"username":"admin","password":"jidi-admin-2026"}"#;
            let req = hyper::Request::post("/api/v1/session")
                .header("host", "bench")
                .header("content-type", "application/json")
                .body(http_body_util::Full::new(Bytes::from(body)))
                .unwrap();
            let res = sender.send_request(req).await.unwrap();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            v["token"].as_str().unwrap().to_string()
        };
        let (national, _) = store
            .list_bases(
                &jidi_store::BaseFilter {
                    national_only: true,
                    ..Default::default()
                },
                &jidi_domain::access::ListScope::Everything,
                jidi_store::BaseSort::Id,
                jidi_store::SortOrder::Asc,
                jidi_store::Page {
                    offset: 0,
                    limit: 500,
                },
            )
            .await
            .unwrap();
        let current: Vec<i64> = national
            .iter()
            .filter(|b| b.facts.status.code() == "current")
            .map(|b| b.id)
            .collect();
        let run = store.published_run(2025).await.unwrap().unwrap().id;
        // What people ask the roll (shared with scripts/bench-wrk): whole pages of 50 in name or
        // batch order, one province, one category, a series, a text search. The page and its API
        // call get the same mix.
        let queries: Vec<&str> = include_str!("list_queries.txt").lines().collect();
        let list_pages: Vec<String> = queries.iter().map(|q| format!("/bases?{q}")).collect();
        let list_api: Vec<String> = queries
            .iter()
            .map(|q| format!("/api/v1/bases?{q}"))
            .collect();
        let mut monitor_groups = Vec::new();
        let mut monitor_bases = Vec::new();
        for indicator in ["m_rev", "m_profit", "m_output_gross", "m_inventory"] {
            for group in ["nation", "category", "province", "region", "subcategory"] {
                monitor_groups.push(format!(
                    "/api/v1/monitoring/groups?indicator={indicator}&group_by={group}"
                ));
            }
            for rank in ["growth_desc", "growth_asc", "level_desc"] {
                monitor_bases.push(format!(
                    "/api/v1/monitoring/bases?indicator={indicator}&rank={rank}"
                ));
            }
            monitor_bases.push(format!(
                "/api/v1/monitoring/bases?indicator={indicator}&province=420000"
            ));
        }
        let warning_lists: Vec<String> = [
            "",
            "?level=red",
            "?level=orange",
            "?state=all",
            "?state=closed&page=2",
            "?rule=overcapacity",
        ]
        .iter()
        .map(|q| format!("/api/v1/warnings{q}"))
        .collect();
        let ids = |f: &dyn Fn(i64) -> String| current.iter().map(|&id| f(id)).collect::<Vec<_>>();
        let endpoints = [
            Endpoint {
                label: "/healthz (baseline)",
                paths: vec!["/healthz".into()],
                bearer: None,
            },
            Endpoint {
                label: "base list page",
                paths: list_pages,
                bearer: None,
            },
            Endpoint {
                label: "base list API",
                paths: list_api,
                bearer: None,
            },
            Endpoint {
                label: "base profile page",
                paths: ids(&|id| format!("/bases/{id}")),
                bearer: None,
            },
            // Signed in, the profile adds the indicator series, proposals and incidents.
            Endpoint {
                label: "profile, ministry",
                paths: ids(&|id| format!("/bases/{id}")),
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "base API",
                paths: ids(&|id| format!("/api/v1/bases/{id}")),
                bearer: None,
            },
            Endpoint {
                label: "scorecard page",
                paths: ids(&|id| format!("/evaluations/{run}/bases/{id}")),
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "scorecard API",
                paths: ids(&|id| format!("/api/v1/evaluations/{run}/results/{id}")),
                bearer: Some(token.clone()),
            },
            // Monitoring (issue 11): aggregates of the latest month by each grouping and
            // indicator, the ranked bases, and the warnings board, as the ministry.
            Endpoint {
                label: "monitoring groups API",
                paths: monitor_groups,
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "monitoring bases API",
                paths: monitor_bases,
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "monitoring page",
                paths: vec![
                    "/monitoring".into(),
                    "/monitoring?indicator=m_profit".into(),
                ],
                bearer: Some(token.clone()),
            },
            // Green and safe (C6): the nation, a province, a category and one base, a year each.
            Endpoint {
                label: "green API",
                paths: vec![
                    "/api/v1/green".into(),
                    "/api/v1/green?province=420000".into(),
                    "/api/v1/green?category=materials".into(),
                    "/api/v1/green?year=2024".into(),
                    format!("/api/v1/green?base={}", current[0]),
                ],
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "green page",
                paths: vec![
                    "/monitoring/green".into(),
                    "/monitoring/green?province=420000".into(),
                ],
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "warnings API",
                paths: warning_lists,
                bearer: Some(token.clone()),
            },
            Endpoint {
                label: "warnings page",
                paths: vec![
                    "/warnings".into(),
                    "/warnings?level=red".into(),
                    "/warnings?state=all&page=2".into(),
                ],
                bearer: Some(token.clone()),
            },
        ];
        println!("{CLIENTS} concurrent clients, {seconds} s per endpoint after a 1 s warm-up");
        println!(
            "{:<22} {:>9} {:>8} {:>9} {:>9} {:>9} {:>10}",
            "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "p99/base"
        );
        let mut baseline = None;
        for (i, e) in endpoints.iter().enumerate() {
            if i > 0 && only.as_ref().is_some_and(|o| !e.label.contains(o.as_str())) {
                continue;
            }
            load(addr, e, 1.0).await;
            let s = load(addr, e, seconds).await;
            assert_eq!(s.errors, 0, "{}: {} failed requests", e.label, s.errors);
            let base = *baseline.get_or_insert(s.p99);
            println!(
                "{:<22} {:>9} {:>8.0} {:>9.2} {:>9.2} {:>9.2} {:>9.1}×",
                e.label,
                s.requests,
                s.per_second,
                s.p50,
                s.p99,
                s.max,
                s.p99 / base
            );
        }
    });
}
