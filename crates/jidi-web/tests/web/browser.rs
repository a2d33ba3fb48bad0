//! End to end in headless Chromium (Debian's `chromium` and `chromium-driver`): a province user
//! signs in through the login form, filters the base list, opens a base profile and sees its
//! charts drawn by the vendored ECharts; a base user reports a value that jumps, sees the live
//! check's warning without a reload, explains it and submits it for review. Ignored by default (it needs the browser); CI installs
//! both packages and runs it with `--include-ignored`, and it then fails if they are missing.

use crate::support;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;
use support::App;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> String {
    let candidates = [
        std::env::var("CHROMEDRIVER").ok(),
        Some("/usr/bin/chromedriver".into()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| std::path::Path::new(p).exists())
        .expect("chromedriver is not installed (apt-get install chromium chromium-driver)")
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_port(port: u16) {
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct Session {
    client: fantoccini::Client,
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<Result<(), jidi_web::StartError>>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

async fn start(app: &App) -> Session {
    start_as(app, None).await
}

/// A session; with `phone`, Chromium emulates a phone of that width in CSS pixels (headless
/// windows cannot be narrower than 500 px, emulation can).
async fn start_as(app: &App, phone: Option<u32>) -> Session {
    start_with(app, phone, false).await
}

/// A session; with `identity`, the server never sees the browser's `Accept-Encoding` (a layer in
/// front of the real router removes it), so every asset travels uncompressed, as before issue 13.
async fn start_with(app: &App, phone: Option<u32>, identity: bool) -> Session {
    let driver_path = chromedriver();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = if identity {
        let router = jidi_web::router(app.state.clone()).layer(axum::middleware::map_request(
            |mut req: axum::extract::Request| async move {
                req.headers_mut()
                    .remove(axum::http::header::ACCEPT_ENCODING);
                req
            },
        ));
        tokio::spawn(async move {
            tokio::task::spawn_blocking(jidi_web::assets::prepare)
                .await
                .unwrap();
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
            Ok::<(), jidi_web::StartError>(())
        })
    } else {
        tokio::spawn(jidi_web::serve_on(listener, app.state.clone(), async {
            let _ = stopped.await;
        }))
    };

    let port = free_port();
    let driver = Driver(
        Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_for_port(port).await;
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    let mut chrome = json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1440,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ],
    });
    if let Some(width) = phone {
        chrome["mobileEmulation"] = json!({
            "deviceMetrics": {"width": width, "height": 844, "pixelRatio": 3.0, "touch": true},
            "userAgent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36",
        });
    }
    caps.insert("goog:chromeOptions".into(), chrome);
    // Plain HTTP: chromedriver listens on the loopback only.
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect to chromedriver");
    Session {
        client,
        base,
        stop,
        server,
        _driver: driver,
        _profile: profile,
    }
}

impl Session {
    async fn finish(self) {
        let _ = self.client.close().await;
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

async fn sign_in(
    client: &fantoccini::Client,
    base: &str,
    next: &str,
    username: &str,
    password: &str,
) -> Result<(), fantoccini::error::CmdError> {
    client.goto(&format!("{base}/login?next={next}")).await?;
    client
        .find(Locator::Id("username"))
        .await?
        .send_keys(username)
        .await?;
    client
        .find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    client
        .find(Locator::Id("login-submit"))
        .await?
        .click()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); run with --include-ignored"]
async fn base_user_reports_a_jump_explains_it_and_submits() {
    let app = App::sqlite().await;
    let donghu = app.base_id("电子信息(光电子)·武汉东湖新技术开发区").await;
    let year = *app
        .state
        .store
        .annual_years()
        .await
        .unwrap()
        .iter()
        .max()
        .unwrap();
    let last = app
        .state
        .store
        .values_between(
            jidi_store::Frequency::Annual,
            year,
            year,
            &["rev_main".into()],
        )
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.base_id == donghu)
        .unwrap()
        .value;
    let typed = format!("{:.2}", last * 1.8);
    let session = start(&app).await;
    let (client, base) = (&session.client, session.base.clone());
    let result = async {
        sign_in(client, &base, "/values", "donghu", "jidi-donghu-2026").await?;
        client
            .wait()
            .for_element(Locator::Id("values-form"))
            .await?;
        let period = client
            .find(Locator::Id("values-form"))
            .await?
            .attr("data-period")
            .await?;
        assert_eq!(
            period,
            Some((year + 1).to_string()),
            "the next year is offered"
        );
        // Mark the page: a reload would lose the mark.
        client
            .execute("window.__notReloaded = true;", vec![])
            .await?;
        client
            .find(Locator::Id("v-rev_main"))
            .await?
            .send_keys(&typed)
            .await?;
        let warning = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(
                "#findings-rev_main .finding.warning[data-rule=jump]",
            ))
            .await?;
        let text = warning.text().await?;
        assert!(
            text.contains("情况说明") || text.contains("增长"),
            "warning: {text}"
        );
        let kept = client
            .execute("return window.__notReloaded === true;", vec![])
            .await?;
        assert_eq!(kept, json!(true), "the warning came without a reload");
        let explanation = client.find(Locator::Id("e-rev_main")).await?;
        assert!(
            explanation.is_displayed().await?,
            "the explanation box is shown"
        );
        explanation
            .send_keys("新建光电子产业园投产，营业收入大幅增长")
            .await?;
        client
            .find(Locator::Id("values-submit"))
            .await?
            .click()
            .await?;
        let title = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Id("outcome-title"))
            .await?
            .text()
            .await?;
        assert_eq!(title, "已提交，等待审核");
        let errors = client
            .execute("return window.__jidiErrors || [];", vec![])
            .await?;
        assert_eq!(errors, json!([]), "script errors on the page");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish().await;
    result.expect("browser session");

    // The province accepts it through the API; the value is then in force.
    let hubei = app.login("hubei").await;
    let list = app
        .get("/api/v1/submissions?status=submitted", &hubei)
        .await
        .json();
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["base_id"], donghu);
    let r = app
        .json(
            axum::http::Method::POST,
            &format!("/api/v1/submissions/{id}/review"),
            &hubei,
            &json!({"accept": true, "comment": "核实无误"}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    let now = app
        .state
        .store
        .values_between(
            jidi_store::Frequency::Annual,
            year + 1,
            year + 1,
            &["rev_main".into()],
        )
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.base_id == donghu)
        .unwrap()
        .value;
    assert_eq!(now, typed.parse::<f64>().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); run with --include-ignored"]
async fn province_user_signs_in_filters_and_opens_a_profile() {
    let app = App::sqlite().await;
    let session = start(&app).await;
    let (client, base) = (&session.client, session.base.clone());

    let result = async {
        // Sign in through the form.
        client.goto(&format!("{base}/login?next=/bases")).await?;
        client
            .find(Locator::Id("username"))
            .await?
            .send_keys("hubei")
            .await?;
        client
            .find(Locator::Id("password"))
            .await?
            .send_keys("jidi-hubei-2026")
            .await?;
        client
            .find(Locator::Id("login-submit"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::Id("base-filters"))
            .await?;
        let who = client
            .find(Locator::Css(".usernav .who"))
            .await?
            .text()
            .await?;
        assert!(who.contains("湖北"), "signed in as {who}");
        let demo = client
            .find(Locator::Css(".demo-banner"))
            .await?
            .text()
            .await?;
        assert!(
            demo.contains("模拟"),
            "the demo banner says the data are synthetic"
        );

        // Filter: the province's own provincial list.
        let all: u64 = count(client).await?;
        let form = client.form(Locator::Id("base-filters")).await?;
        client
            .find(Locator::Id("f-tier"))
            .await?
            .select_by_value("provincial")
            .await?;
        client
            .find(Locator::Id("f-province"))
            .await?
            .select_by_value("420000")
            .await?;
        form.submit_with(Locator::Id("apply-filters")).await?;
        wait_until(client, "tier=provincial").await?;
        let filtered = count(client).await?;
        assert!(filtered > 0 && filtered < all, "{filtered} of {all}");
        for cell in client
            .find_all(Locator::Css("#bases-table tbody tr td:nth-child(2)"))
            .await?
        {
            assert!(
                cell.text().await?.starts_with("湖北"),
                "a row outside Hubei"
            );
        }
        for cell in client
            .find_all(Locator::Css("#bases-table tbody tr td:nth-child(4)"))
            .await?
        {
            assert_eq!(cell.text().await?, "省级");
        }

        // Then a text search among the national bases.
        client.goto(&format!("{base}/bases")).await?;
        let q = client
            .find(Locator::Css("#base-filters input[name=q]"))
            .await?;
        q.send_keys("东湖").await?;
        client
            .find(Locator::Id("apply-filters"))
            .await?
            .click()
            .await?;
        wait_until(client, "q=").await?;
        let link = client
            .find(Locator::LinkText("电子信息(光电子)·武汉东湖新技术开发区"))
            .await?;
        link.click().await?;

        // The profile: facts, tier history, and the trend charts drawn (canvas or SVG inside).
        let h1 = client.wait().for_element(Locator::Id("base-name")).await?;
        assert!(h1.text().await?.contains("武汉东湖新技术开发区"));
        let history = client
            .find(Locator::Id("tier-history"))
            .await?
            .text()
            .await?;
        assert!(history.contains("国家级"), "tier history: {history}");
        let drawn = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(
                "[data-chart=indicators] canvas, [data-chart=indicators] svg",
            ))
            .await;
        assert!(drawn.is_ok(), "the indicator charts were not drawn");
        let errors = client
            .execute("return window.__jidiErrors || [];", vec![])
            .await?;
        assert_eq!(errors, json!([]), "script errors on the page");

        // The language switch keeps the page.
        client
            .find(Locator::Css(".lang-switch"))
            .await?
            .click()
            .await?;
        wait_until(client, "/bases/").await?;
        let lang = client
            .execute("return document.documentElement.lang;", vec![])
            .await?;
        assert_eq!(lang, json!("en"));
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish().await;
    result.expect("browser session");
}

async fn count(client: &fantoccini::Client) -> Result<u64, fantoccini::error::CmdError> {
    let text = client
        .find(Locator::Css("#result-count strong"))
        .await?
        .text()
        .await?;
    Ok(text
        .trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("count {text:?}")))
}

async fn wait_until(
    client: &fantoccini::Client,
    fragment: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let started = Instant::now();
    loop {
        let url = client.current_url().await?;
        let ready = client
            .execute("return document.readyState;", vec![])
            .await?;
        if url.as_str().contains(fragment) && ready == json!("complete") {
            return Ok(());
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "page {url} never reached {fragment}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Controls without an accessible name and charts without a text alternative on the page, as
/// `tag#id[name]` strings. A control's name is, as the brief for issue 13 lists them: a label
/// (`for=` or wrapping), `aria-label`, `aria-labelledby`, `title`, or its text (a button's text, a
/// submit input's value). Hidden inputs are not controls; one folded away in a closed `<details>`
/// (the phone's 筛选 panel) is still checked. A chart (`[data-chart]` shown) must be
/// `role="img"` with a name and an `aria-describedby` text that holds its figures.
/// Issue 13, "charts and numbers that read right", checked on every drawn chart of every page
/// from the options ECharts actually holds: a bar's value axis starts at zero; years run
/// forward; a category axis of names (not of periods) shows every label; two or more series
/// have a legend; 1–N月 totals are never drawn as one line across a January (the saw-tooth).
/// And in the page's text, counts are whole numbers ("5 个", never "5.00 个").
const CHART_AUDIT: &str = r#"
const out = [];
const period = x => /^\d{4}(-\d{2}|-Q\d)?$/.test(String(x)) || /^\d{1,2}月$/.test(String(x))
  || ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'].includes(String(x));
if (window.echarts) {
  for (const el of document.querySelectorAll('[data-chart]')) {
    const c = window.echarts.getInstanceByDom(el);
    if (!c) continue;
    const o = c.getOption();
    const name = el.getAttribute('data-chart');
    const series = o.series || [];
    const xs = o.xAxis || [], ys = o.yAxis || [];
    for (const s of series.filter(s => s.type === 'bar')) {
      const valueAxes = [...xs.filter(a => a.type === 'value'), ...ys.filter((a, i) => a.type === 'value' && (s.yAxisIndex || 0) === i)];
      for (const a of valueAxes)
        if (a.scale === true || (typeof a.min === 'number' && a.min !== 0) || (typeof a.min === 'string'))
          out.push(name + ': a bar axis does not start at zero');
    }
    for (const a of [...xs, ...ys].filter(a => a.type === 'category' && Array.isArray(a.data))) {
      const d = a.data.map(x => (x && typeof x === 'object') ? x.value : x);
      if (d.length > 1 && d.every(x => /^\d{4}$/.test(String(x))))
        for (let i = 1; i < d.length; i++) if (+d[i] <= +d[i - 1]) { out.push(name + ': years out of order ' + d.join(',')); break; }
      if (d.length > 1 && !d.every(period) && !(a.axisLabel && a.axisLabel.interval === 0))
        out.push(name + ': ' + d.length + ' category labels, some may be hidden');
    }
    const drawn = series.filter(s => s.type !== 'pie' && s.type !== 'radar' && s.type !== 'map' && s.name !== 'lo');
    const legend = (o.legend || [])[0];
    if (drawn.length > 1 && !(legend && legend.show !== false))
      out.push(name + ': ' + drawn.length + ' series without a legend');
    for (const a of xs.filter(a => a.type === 'category' && Array.isArray(a.data))) {
      const months = a.data.map(String);
      if (!months.every(m => /^\d{4}-\d{2}$/.test(m))) continue;
      const cumulative = /1[—–-]N月|year to date/.test(JSON.stringify(o.title || []));
      if (!cumulative) continue;
      for (const s of series.filter(s => s.type === 'line'))
        for (let i = 1; i < months.length; i++)
          if (months[i].endsWith('-01') || months[i].endsWith('-02'))
            if (months[i - 1].slice(0, 4) !== months[i].slice(0, 4) && s.data[i] != null && s.data[i - 1] != null)
              { out.push(name + ': a 1–N月 line runs across the new year'); break; }
    }
  }
}
const body = document.body.innerText || '';
// Number and unit in one run of text (a table's cells are separated by tabs in innerText);
// "1.5 个百分点" (percentage points) and rates (个…率) are not counts.
const fractional = body.match(/\d+\.\d+[ \u00a0]?(个|家|项|次)(?!百分点)(?![\u4e00-\u9fff]*[率比])/);
if (fractional) out.push('a count with decimals: ' + fractional[0]);
return out;
"#;

const UNLABELLED: &str = r#"
const text = el => (el ? el.textContent : '').replace(/\s+/g, ' ').trim();
const named = el => {
  const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
    .map(id => text(document.getElementById(id))).join(' ').trim();
  if (by) return true;
  if ((el.getAttribute('aria-label') || '').trim()) return true;
  if (Array.from(el.labels || []).some(l => text(l))) return true;
  if ((el.getAttribute('title') || '').trim()) return true;
  if (el.tagName === 'BUTTON' && (text(el) || Array.from(el.querySelectorAll('img[alt]')).some(i => i.alt.trim()))) return true;
  if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type) && (el.value || '').trim()) return true;
  if (el.tagName === 'INPUT' && el.type === 'image' && (el.alt || '').trim()) return true;
  return false;
};
const shown = el => el.getClientRects().length > 0 || !!el.closest('details:not([open])');
const where = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '') + (el.type && el.tagName === 'INPUT' ? '[type=' + el.type + ']' : '');
const out = [];
for (const el of document.querySelectorAll('input, select, textarea, button')) {
  if (el.type === 'hidden' || el.hidden || !shown(el)) continue;
  if (!named(el)) out.push(where(el));
}
for (const el of document.querySelectorAll('[data-chart]')) {
  if (el.getClientRects().length === 0) continue;
  const alt = document.getElementById(el.getAttribute('aria-describedby') || '');
  if (el.getAttribute('role') !== 'img' || !(el.getAttribute('aria-label') || '').trim() || !alt || !/\d/.test(text(alt)))
    out.push('chart ' + el.getAttribute('data-chart') + (el.id ? '#' + el.id : '') + ' without role=img, a name and figures');
}
return out;
"#;

/// Issue 13: every page fits a phone (390 CSS px) and a desktop (1440 px) without scrolling
/// sideways, in both languages, as every role, with no script error; the menu button opens the
/// navigation on the phone. Data tables scroll inside their own boxes, which is allowed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); run with --include-ignored"]
async fn every_page_fits_a_phone_and_a_desktop() {
    let app = App::sqlite().await;
    let donghu = app.base_id("电子信息(光电子)·武汉东湖新技术开发区").await;
    let run = app
        .state
        .store
        .runs(None, false)
        .await
        .unwrap()
        .first()
        .map(|r| (r.id, r.scheme_id))
        .unwrap();
    let (run, scheme) = run;
    let pages: Vec<String> = [
        "/",
        "/bases",
        "/bases/{donghu}",
        "/evaluations",
        "/evaluations/{run}",
        "/evaluations/{run}/bases/{donghu}",
        "/proposals",
        "/tasks",
        "/monitoring",
        "/warnings",
        "/reports",
        "/values",
        "/submissions",
        "/schemes",
        "/compare?run={run}&ids={donghu}",
        "/audit",
        "/admin",
        "/tasks/calendar",
        "/login",
        "/no-such-page",
        "/catalogue",
        "/schemes/{scheme}",
        "/schemes/{scheme}/edit",
        "/monitoring/bases/{donghu}",
        "/monitoring/rules",
        "/monitoring/green",
        "/bases/new",
        "/bases/{donghu}/edit",
        "/values/workbook",
    ]
    .iter()
    .map(|p| {
        p.replace("{donghu}", &donghu.to_string())
            .replace("{run}", &run.to_string())
            .replace("{scheme}", &scheme.to_string())
    })
    .collect();
    let accounts = [
        (None, ""),
        (Some("admin"), "jidi-admin-2026"),
        (Some("hubei"), "jidi-hubei-2026"),
        (Some("donghu"), "jidi-donghu-2026"),
        (Some("evaluator"), "jidi-evaluator-2026"),
    ];
    let mut problems: Vec<String> = Vec::new();
    let mut visited = 0;
    let mut links_checked = 0;
    // Screenshots of each role's first screen (1440 px, Chinese) for the README, when asked for.
    let screenshots = std::env::var_os("JIDI_SCREENSHOTS").map(|_| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    });
    for width in [390u32, 1440] {
        for (user, password) in accounts {
            let session = start_as(&app, (width < 500).then_some(width)).await;
            let (client, base) = (&session.client, session.base.clone());
            let result: Result<(), fantoccini::error::CmdError> = async {
                if let Some(user) = user {
                    sign_in(client, &base, "/", user, password).await?;
                    wait_until(client, "/").await?;
                }
                let who = user.unwrap_or("public");
                // Internal links seen by this role, checked once each after the visits.
                let mut links: std::collections::BTreeMap<String, String> = Default::default();
                for lang in ["zh", "en"] {
                    client.goto(&format!("{base}/lang/{lang}?back=/")).await?;
                    for page in &pages {
                        client.goto(&format!("{base}{page}")).await?;
                        visited += 1;
                        if let (Some(dir), 1440, "zh", "/") = (&screenshots, width, lang, page.as_str()) {
                            let png = client.screenshot().await?;
                            std::fs::write(dir.join(format!("first-screen-{who}.png")), png).unwrap();
                        }
                        let found = client
                            .execute(
                                "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))\
                                 .filter(h => h.startsWith('/') && !h.startsWith('//'));",
                                vec![],
                            )
                            .await?;
                        for href in found.as_array().into_iter().flatten().filter_map(|h| h.as_str()) {
                            // Signing out and switching language change the session; downloads
                            // are checked by their own tests.
                            let skip = href.starts_with("/logout")
                                || href.starts_with("/lang/")
                                || href.contains("export")
                                || href.contains(".xlsx")
                                || href.starts_with("/values/template")
                                || href.starts_with("/bases/import-template");
                            if !skip {
                                links.entry(href.split('#').next().unwrap_or(href).to_string())
                                    .or_insert_with(|| format!("{lang} {page}"));
                            }
                        }
                        if lang == "en" && *page != "/no-such-page" {
                            // Text outside data marked Chinese must be English; a text area's
                            // content is a form's value (the scheme's TOML), as in english.rs.
                            let cjk = client
                                .execute(
                                    "const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);\
                                     while (w.nextNode()) { const n = w.currentNode; const el = n.parentElement;\
                                       if (!el || el.closest('[lang=\"zh-CN\"], script, style, svg, textarea')) continue;\
                                       if (/[\\u3400-\\u9fff]/.test(n.textContent)) out.push(n.textContent.trim().slice(0, 40)); }\
                                     return out.slice(0, 5);",
                                    vec![],
                                )
                                .await?;
                            if cjk.as_array().is_some_and(|a| !a.is_empty()) {
                                problems.push(format!("{width}px {who} en {page}: untranslated {cjk}"));
                            }
                        }
                        let charts = client.execute(CHART_AUDIT, vec![]).await?;
                        for finding in charts.as_array().into_iter().flatten() {
                            problems.push(format!("{width}px {who} {lang} {page}: {}", finding.as_str().unwrap_or_default()));
                        }
                        let unlabelled = client.execute(UNLABELLED, vec![]).await?;
                        for control in unlabelled.as_array().into_iter().flatten() {
                            problems.push(format!("{width}px {who} {lang} {page}: {} has no accessible name", control.as_str().unwrap_or_default()));
                        }
                        let r = client
                            .execute(
                                "return {sw: document.documentElement.scrollWidth, iw: window.innerWidth, \
                                 errors: window.__jidiErrors || [], viewport: !!document.querySelector('meta[name=viewport]')};",
                                vec![],
                            )
                            .await?;
                        let (sw, iw) = (r["sw"].as_u64().unwrap(), r["iw"].as_u64().unwrap());
                        if sw > iw {
                            problems.push(format!("{width}px {who} {lang} {page}: page {sw} px wide in a {iw} px window"));
                        }
                        if r["errors"].as_array().is_some_and(|e| !e.is_empty()) {
                            problems.push(format!("{width}px {who} {lang} {page}: script errors {}", r["errors"]));
                        }
                        if r["viewport"] != json!(true) {
                            problems.push(format!("{width}px {who} {lang} {page}: no viewport tag"));
                        }
                    }
                }
                // Dead links: every internal link a page of this role shows must answer without
                // 404 or 5xx (fetched in the page, with the role's session).
                let hrefs: Vec<&String> = links.keys().collect();
                let statuses = client
                    .execute_async(
                        "const [hrefs, done] = arguments;\
                         Promise.all(hrefs.map(h => fetch(h, {credentials: 'same-origin', redirect: 'follow'})\
                           .then(r => r.status).catch(() => 0))).then(done);",
                        vec![json!(hrefs)],
                    )
                    .await?;
                for (href, status) in hrefs.iter().zip(statuses.as_array().into_iter().flatten()) {
                    links_checked += 1;
                    let status = status.as_u64().unwrap_or(0);
                    if status == 404 || status >= 500 || status == 0 {
                        problems.push(format!("{width}px {who}: dead link {href} ({status}) on {}", links[*href]));
                    }
                }
                if width < 500 {
                    // The navigation hides behind the menu button and opens with it.
                    client.goto(&format!("{base}/bases")).await?;
                    let nav = client.find(Locator::Id("mainnav")).await?;
                    assert!(!nav.is_displayed().await?, "{width}px: navigation folded");
                    client.find(Locator::Id("menu-toggle")).await?.click().await?;
                    assert!(nav.is_displayed().await?, "{width}px: the menu opens it");
                }
                Ok(())
            }
            .await;
            session.finish().await;
            result.expect("browser session");
        }
    }
    eprintln!(
        "{visited} page views and {links_checked} links checked, {} problems",
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Issue 13, "report the page weight of the dashboard before and after": the bytes a first visit
/// to the dashboard (`/`, public, a fresh browser profile, 1440 px) moves, read from the browser's
/// own Resource Timing (`transferSize`: headers and body as sent; `decodedBodySize`: the body
/// after decoding), once with the server as it is (assets gzip-compressed when the browser accepts
/// it) and once with `Accept-Encoding` removed before the server sees it (every asset
/// uncompressed). Prints both tables (`docs/PERFORMANCE.md` quotes them) and fails unless
/// compression at least halves what the assets cost, and unless the uncompressed run really sent
/// the assets uncompressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); run with --include-ignored"]
async fn dashboard_page_weight_on_a_first_visit() {
    let app = App::sqlite().await;
    let mut totals = Vec::new();
    for identity in [true, false] {
        let session = start_with(&app, None, identity).await;
        let (client, base) = (&session.client, session.base.clone());
        let result = async {
            client.goto(&format!("{base}/")).await?;
            wait_until(client, "/").await?;
            // The charts are drawn (ECharts ran), so every resource the page asks for is in.
            client
                .wait()
                .at_most(Duration::from_secs(15))
                .for_element(Locator::Css("[data-chart=provinces] svg"))
                .await?;
            client
                .execute(
                    "const n = performance.getEntriesByType('navigation')[0];\
                     return [n].concat(performance.getEntriesByType('resource')).map(e => ({\
                       name: new URL(e.name).pathname, transfer: e.transferSize,\
                       encoded: e.encodedBodySize, decoded: e.decodedBodySize}));",
                    vec![],
                )
                .await
        }
        .await;
        session.finish().await;
        let entries = result.expect("browser session");
        let entries = entries.as_array().unwrap();
        let mode = if identity {
            "uncompressed"
        } else {
            "compressed"
        };
        let mut transfer = 0;
        let mut decoded = 0;
        let mut assets_transfer = 0;
        eprintln!("dashboard, first visit, {mode}:");
        for e in entries {
            let name = e["name"].as_str().unwrap();
            let t = e["transfer"].as_u64().unwrap();
            let enc = e["encoded"].as_u64().unwrap();
            let d = e["decoded"].as_u64().unwrap();
            eprintln!("  {name}: transferred {t} B (body {enc} B, decoded {d} B)");
            assert!(t > 0, "{mode}: {name} came from a cache on a first visit");
            if identity {
                assert_eq!(enc, d, "{mode}: {name} was sent compressed");
            }
            if name.starts_with("/static/") {
                assets_transfer += t;
                if !identity && (name.ends_with(".js") || name.ends_with(".css")) {
                    assert!(enc * 2 < d, "{mode}: {name} sent as {enc} B of {d} B");
                }
            }
            transfer += t;
            decoded += d;
        }
        eprintln!(
            "  total: {transfer} B transferred ({assets_transfer} B of it static assets), {decoded} B decoded"
        );
        totals.push((transfer, assets_transfer));
    }
    let (before, after) = (totals[0], totals[1]);
    eprintln!(
        "page weight: {} B before, {} B after ({:.1} %); assets {} B before, {} B after ({:.1} %)",
        before.0,
        after.0,
        100.0 * after.0 as f64 / before.0 as f64,
        before.1,
        after.1,
        100.0 * after.1 as f64 / before.1 as f64
    );
    assert!(
        after.1 * 2 < before.1,
        "assets {} B vs {} B",
        after.1,
        before.1
    );
}
