//! The rendered report as its readers and the later database check see it: goldens, figures and
//! their provenance, absent sections, English output, charts, DOCX structure, determinism.
//!
//! Goldens live in `tests/golden/`; `UPDATE_GOLDEN=1 cargo test -p jidi-report` rewrites them.
//! The DOCX golden is the SHA-256 of its bytes; its content is checked part by part below.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::PathBuf;

use jidi_report::model::{Report, Unit};
use jidi_report::wording::is_cjk;
use jidi_report::{Lang, fixture, pdf_command_args, render_docx, render_html, render_print_html};
use quick_xml::events::Event;
use sha2::{Digest, Sha256};

// ----- helpers -----

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the stored golden, or rewrites it under `UPDATE_GOLDEN=1`.
fn check_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden {}; run with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its golden at line {}:\nexpected: {}\n     got: {}\n(UPDATE_GOLDEN=1 rewrites the goldens)",
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn html(report: &Report, lang: Lang) -> String {
    String::from_utf8(render_html(report, lang).unwrap().bytes).unwrap()
}

/// The parts of a DOCX: name → text.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = BTreeMap::new();
    for idx in 0..archive.len() {
        let mut file = archive.by_index(idx).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        parts.insert(file.name().unwrap().to_string(), text);
    }
    parts
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every element of the HTML that carries `data-fig`: (tag, id, source, text if any).
fn figure_elements(html: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let start = tag.find(&key)? + key.len();
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(found) = html[pos..].find(" data-fig=\"") {
        let at = pos + found;
        let open = html[..at].rfind('<').unwrap();
        let close = at + html[at..].find('>').unwrap();
        let start_tag = &html[open..=close];
        let name: String = start_tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let text = if start_tag.ends_with("/>") {
            None
        } else {
            let end_tag = format!("</{name}>");
            let end = close + html[close..].find(&end_tag).unwrap();
            Some(unescape(&html[close + 1..end]))
        };
        out.push((
            name,
            attr(start_tag, "data-fig").unwrap(),
            attr(start_tag, "data-source"),
            text,
        ));
        pos = close;
    }
    out
}

/// The sidecar of a rendering as id → (texts, value, source).
fn sidecar(json: &str) -> HashMap<String, serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

/// Strings the model marks as having no English form (`Name { en: None }`).
fn chinese_only_data(report: &Report) -> BTreeSet<String> {
    fn walk(node: &serde_json::Value, out: &mut BTreeSet<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if map.len() == 2
                    && map.get("en") == Some(&serde_json::Value::Null)
                    && let Some(zh) = map.get("zh").and_then(|z| z.as_str())
                {
                    out.insert(zh.to_string());
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(&serde_json::to_value(report).unwrap(), &mut out);
    out
}

/// Checks that `xml` is well-formed and returns its text content.
fn parse_xml(name: &str, xml: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let entity = r.xml10_content();
                text.push_str(match entity.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" | "#39" => "'",
                    other => panic!("{name}: unknown entity &{other};"),
                });
            }
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed XML at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    text
}

// ----- goldens -----

#[test]
fn html_goldens() {
    let full = fixture::full();
    let minimal = fixture::minimal();
    check_golden("full-zh.html", &html(&full, Lang::Zh));
    check_golden("full-en.html", &html(&full, Lang::En));
    check_golden("minimal-zh.html", &html(&minimal, Lang::Zh));
    let print = render_print_html(&minimal, Lang::Zh).unwrap();
    check_golden(
        "minimal-zh.print.html",
        &String::from_utf8(print.bytes).unwrap(),
    );
}

#[test]
fn docx_goldens_are_hashes_of_the_bytes() {
    for (name, report, lang) in [
        ("full-zh.docx.sha256", fixture::full(), Lang::Zh),
        ("full-en.docx.sha256", fixture::full(), Lang::En),
        ("minimal-zh.docx.sha256", fixture::minimal(), Lang::Zh),
    ] {
        let bytes = render_docx(&report, lang).unwrap().bytes;
        check_golden(name, &format!("{}\n", sha256_hex(&bytes)));
    }
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = fixture::full();
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(
            render_html(&report, lang).unwrap().bytes,
            render_html(&fixture::full(), lang).unwrap().bytes
        );
        let a = render_docx(&report, lang).unwrap();
        let b = render_docx(&fixture::full(), lang).unwrap();
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.sidecar_json(), b.sidecar_json());
    }
    // Every zip entry carries the fixed zip epoch, never the time of rendering.
    let bytes = render_docx(&report, Lang::Zh).unwrap().bytes;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for idx in 0..archive.len() {
        let file = archive.by_index(idx).unwrap();
        let t = file.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (1980, 1, 1, 0, 0)
        );
    }
}

// ----- figures and provenance -----

#[test]
fn every_figure_in_the_html_has_a_source_and_is_in_the_sidecar() {
    let report = fixture::full();
    for lang in [Lang::Zh, Lang::En] {
        let rendered = render_html(&report, lang).unwrap();
        let page = String::from_utf8(rendered.bytes.clone()).unwrap();
        let figures = sidecar(&rendered.sidecar_json());
        let elements = figure_elements(&page);
        assert!(elements.len() > 2000, "{} figure elements", elements.len());
        for (tag, id, source, text) in &elements {
            let record = figures
                .get(id)
                .unwrap_or_else(|| panic!("figure {id} ({tag}) is not in the sidecar"));
            let source = source
                .as_deref()
                .unwrap_or_else(|| panic!("{tag} {id} has no data-source"));
            assert!(!source.is_empty(), "{id}: empty data-source");
            assert_eq!(record["source"].as_str(), Some(source), "{id}");
            if let Some(text) = text {
                let texts: Vec<&str> = record["texts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                assert!(
                    texts.contains(&text.as_str()),
                    "{id}: {text:?} not in {texts:?}"
                );
            }
        }
        // Every figure the sidecar says is shown is shown.
        let shown: BTreeSet<&str> = elements.iter().map(|e| e.1.as_str()).collect();
        for (id, record) in &figures {
            let n_texts = record["texts"].as_array().unwrap().len();
            assert_eq!(n_texts > 0, shown.contains(id.as_str()), "{id}");
        }
    }
}

#[test]
fn the_sidecar_carries_raw_values_and_provenance() {
    let report = fixture::full();
    let rendered = render_docx(&report, Lang::Zh).unwrap();
    let json = rendered.sidecar_json();
    let header: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(header["report"]["year"], 2025);
    assert_eq!(header["report"]["format"], "docx");
    assert_eq!(header["report"]["generated_on"], "2026-03-15");
    assert_eq!(header["report"]["synthetic"], true);
    let figures = sidecar(&json);
    let revenue = &figures["economy.revenue"];
    let model = &report.economy.as_ref().unwrap().revenue.current;
    assert_eq!(revenue["value"].as_f64(), Some(model.value));
    assert_eq!(revenue["unit"], "yuan_100m");
    assert_eq!(revenue["source"], "query:annual_totals");
    assert_eq!(revenue["detail"], model.provenance.detail.as_str());
    assert!(
        revenue["texts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "51.64万亿元")
    );
    assert_eq!(figures["evaluation.stars.5"]["source"], "evaluation_run:12");
    assert_eq!(figures["appendix.scheme.veto_cap"]["source"], "scheme:7");
}

/// Derived figures can be recomputed from the figures they name, as the database check will do
/// for stored ones.
#[test]
fn derived_figures_recompute_from_their_inputs() {
    let rendered = render_html(&fixture::full(), Lang::Zh).unwrap();
    let figures = sidecar(&rendered.sidecar_json());
    let value = |id: &str| -> f64 {
        figures
            .get(id)
            .unwrap_or_else(|| panic!("input {id} is not in the sidecar"))["value"]
            .as_f64()
            .unwrap()
    };
    let mut n_checked = 0;
    for (id, record) in &figures {
        if record["source"] != "derived" {
            continue;
        }
        let inputs: Vec<&str> = record["derived_from"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let detail = record["detail"].as_str().unwrap();
        let got = record["value"].as_f64().unwrap();
        let want = if detail.starts_with('(') && detail.ends_with("- 1) * 100") {
            (value(inputs[0]) / value(inputs[1]) - 1.0) * 100.0
        } else if detail.ends_with("(percentage points)") || detail.ends_with("(difference)") {
            value(inputs[0]) - value(inputs[1])
        } else if detail.starts_with('(') && detail.ends_with("* 100") {
            (value(inputs[0]) + value(inputs[1])) / value(inputs[2]) * 100.0
        } else if detail.ends_with("* 100") {
            value(inputs[0]) / value(inputs[1]) * 100.0
        } else if detail.contains(" + ") {
            inputs.iter().map(|i| value(i)).sum()
        } else {
            // Counts of lists: their detail names the list's query.
            assert!(inputs.is_empty(), "{id}: {detail}");
            continue;
        };
        assert!(
            (got - want).abs() < 1e-9 * want.abs().max(1.0),
            "{id}: {got} vs {want} ({detail})"
        );
        n_checked += 1;
    }
    assert!(n_checked > 50, "{n_checked} derived figures checked");
}

// ----- sections -----

#[test]
fn absent_sections_leave_no_heading() {
    let page = html(&fixture::minimal(), Lang::Zh);
    let headings: Vec<&str> = page
        .match_indices("<h2 id=\"")
        .map(|(at, _)| {
            let rest = &page[at + 8..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(headings, ["toc-title", "overview", "roll", "economy"]);
    let subsections = page.matches("<h3 id=\"").count();
    assert_eq!(
        subsections, 2,
        "the roll's overall part and the economy's headline table"
    );
    for absent in ["N/A", "NaN", "null", "undefined", "<svg", "附录", "同比"] {
        assert!(!page.contains(absent), "minimal report contains {absent:?}");
    }

    // Removing each optional section of the full report removes its heading and nothing else.
    type Remove = fn(&mut Report);
    let sections: [(&str, &str, Remove); 8] = [
        ("evaluation", "发展质量评价", |r| r.evaluation = None),
        ("decisions", "动态管理", |r| r.decisions = None),
        ("economy", "经济运行", |r| r.economy = None),
        ("innovation", "创新驱动", |r| r.innovation = None),
        ("green", "绿色低碳与安全生产", |r| {
            r.green_safety = None
        }),
        ("monitoring", "运行监测与预警", |r| {
            r.monitoring = None
        }),
        ("collection", "数据采集", |r| r.collection = None),
        ("appendix-indicators", "指标定义", |r| r.appendix = None),
    ];
    for (anchor, title, remove) in sections {
        let mut report = fixture::full();
        remove(&mut report);
        let page = html(&report, Lang::Zh);
        assert!(
            !page.contains(&format!("id=\"{anchor}\"")),
            "{anchor} still there"
        );
        assert!(
            !page.contains(&format!("{title}</h")),
            "{title} heading still there"
        );
        assert!(
            !page.contains(&format!("href=\"#{anchor}\"")),
            "{title} still in the contents"
        );
        let docx = unzip(&render_docx(&report, Lang::Zh).unwrap().bytes);
        let document = &docx["word/document.xml"];
        let docx_headings: Vec<String> = document
            .split("<w:pStyle w:val=\"Heading")
            .skip(1)
            .map(|p| {
                parse_xml(
                    "heading",
                    &format!(
                        "<w:p>{}",
                        &p[p.find("</w:pPr>").unwrap() + 8..p.find("</w:p>").unwrap() + 6]
                    ),
                )
            })
            .collect();
        assert!(docx_headings.len() > 10);
        assert!(
            !docx_headings.iter().any(|h| h.ends_with(title)),
            "{title} heading in the docx"
        );
        for (other, _, _) in sections.iter().filter(|s| s.0 != anchor) {
            assert!(
                page.contains(&format!("id=\"{other}\"")),
                "{other} lost with {anchor}"
            );
        }
    }

    // Empty lists leave out their table or subsection, not the section.
    let mut report = fixture::full();
    let evaluation = report.evaluation.as_mut().unwrap();
    evaluation.five_star.clear();
    evaluation.ratings.clear();
    evaluation.uncertainty = None;
    let page = html(&report, Lang::Zh);
    assert!(page.contains("id=\"evaluation\""));
    for gone in [
        "evaluation-five-star",
        "evaluation-ratings",
        "evaluation-uncertainty",
    ] {
        assert!(!page.contains(&format!("id=\"{gone}\"")), "{gone}");
    }
}

#[test]
fn a_report_without_synthetic_data_says_nothing_about_it() {
    let mut report = fixture::full();
    report.meta.synthetic = false;
    let page = html(&report, Lang::Zh);
    assert!(!page.contains("模拟数据"));
    assert!(!page.contains("class=\"synthetic\""));
    let synthetic = html(&fixture::full(), Lang::Zh);
    assert!(synthetic.contains("class=\"synthetic\""));
    assert!(synthetic.contains("关于模拟数据的说明"));
    assert!(
        synthetic.contains("模拟数据）\";"),
        "running head of printed pages"
    );
}

// ----- language -----

#[test]
fn english_output_has_chinese_only_in_data_without_an_english_form() {
    let report = fixture::full();
    let allowed = chinese_only_data(&report);
    assert!(allowed.len() > 400, "base names, reasons and signals");

    // HTML: remove the elements marked lang="zh-CN"; each must hold such data; nothing Chinese
    // may remain.
    let mut page = html(&report, Lang::En);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let mut n_marked = 0;
    while let Some(at) = page.find(" lang=\"zh-CN\"") {
        let open = page[..at].rfind('<').unwrap();
        let name: String = page[open + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let close = at + page[at..].find('>').unwrap();
        let end_tag = format!("</{name}>");
        let end = close + page[close..].find(&end_tag).unwrap();
        let inner = unescape(&page[close + 1..end]);
        let inner_text: String = if name == "text" {
            // A chart label: its lines are tspans.
            inner
                .split('<')
                .filter_map(|piece| piece.split_once('>').map(|(_, t)| t))
                .collect()
        } else {
            inner
        };
        assert!(
            allowed.contains(&inner_text),
            "marked as Chinese-only data: {inner_text:?}"
        );
        page.replace_range(open..end + end_tag.len(), "");
        n_marked += 1;
    }
    assert!(n_marked > 400, "{n_marked} marked elements");
    let leftover: String = page.chars().filter(|c| is_cjk(*c)).collect();
    assert!(
        leftover.is_empty(),
        "Chinese left in the English HTML: {leftover}"
    );

    // DOCX: Chinese only in runs marked zh-CN, and only data without an English form.
    let parts = unzip(&render_docx(&report, Lang::En).unwrap().bytes);
    for (name, xml) in &parts {
        let mut rest = xml.as_str();
        while let Some(at) = rest.find("<w:r>") {
            let run_end = at + rest[at..].find("</w:r>").unwrap();
            let run = &rest[at..run_end];
            let text = parse_xml(name, &format!("{run}</w:r>"));
            if text.chars().any(is_cjk) {
                assert!(
                    run.contains("<w:lang w:val=\"zh-CN\""),
                    "{name}: unmarked Chinese {text:?}"
                );
                assert!(
                    allowed.contains(&text),
                    "{name}: {text:?} has an English form"
                );
            }
            rest = &rest[run_end..];
        }
        if !name.ends_with("document.xml") {
            let leftover: String = xml.chars().filter(|c| is_cjk(*c)).collect();
            assert!(leftover.is_empty(), "{name} has Chinese: {leftover}");
        }
    }
}

#[test]
fn chinese_prose_follows_the_typography() {
    let page = html(&fixture::full(), Lang::Zh);
    let main = &page[page.find("<main>").unwrap()..];
    let paragraphs: Vec<String> = main
        .split("<p>")
        .skip(1)
        .map(|p| {
            let p = &p[..p.find("</p>").unwrap()];
            let mut text = String::new();
            let mut in_tag = false;
            for ch in p.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            unescape(&text)
        })
        .collect();
    assert!(paragraphs.len() > 20);
    for p in &paragraphs {
        // Full-width punctuation, and no space between Chinese and numbers.
        for bad in [", ", "; ", ": ", "(", ")", " 家", " 亿元", " 万亿元"] {
            assert!(!p.contains(bad), "{bad:?} in {p}");
        }
        let chars: Vec<char> = p.chars().collect();
        for w in chars.windows(3) {
            let (a, b, c) = (w[0], w[1], w[2]);
            assert!(
                !(b == ' '
                    && ((is_cjk(a) && c.is_ascii_digit()) || (a.is_ascii_digit() && is_cjk(c)))),
                "space between Chinese and a number in {p}"
            );
        }
    }
    let all = paragraphs.join("\n");
    assert!(all.contains("实现营业收入51.64万亿元，同比增长5.3%，占全国比重38.6%"));
    assert!(all.contains("单位工业增加值能耗为0.421吨标准煤/万元，同比下降4.1%"));
    assert!(all.contains("研发经费投入强度为3.8%，比上年提高0.1个百分点"));
    assert!(all.contains("分布在全国31个省（区、市）"));
}

// ----- charts -----

#[test]
fn charts_are_images_with_a_text_alternative() {
    for lang in [Lang::Zh, Lang::En] {
        let page = html(&fixture::full(), lang);
        let svgs: Vec<&str> = page.split("<svg ").skip(1).collect();
        assert_eq!(svgs.len(), 11);
        for svg in svgs {
            let start = &svg[..svg.find('>').unwrap()];
            assert!(start.contains("role=\"img\""), "{start}");
            let label_at = start.find("aria-label=\"").expect("aria-label") + 12;
            let label = &start[label_at..label_at + start[label_at..].find('"').unwrap()];
            assert!(label.len() > 20, "short text alternative {label:?}");
            assert!(
                label.chars().any(|c| c.is_ascii_digit()),
                "no figure in {label:?}"
            );
            assert!(svg[start.len()..].starts_with("><title>"), "no <title>");
        }
    }
}

// ----- DOCX -----

#[test]
fn docx_unzips_and_every_part_is_well_formed() {
    let rendered = render_docx(&fixture::full(), Lang::Zh).unwrap();
    let parts = unzip(&rendered.bytes);
    for (name, xml) in &parts {
        parse_xml(name, xml);
    }
    let types = &parts["[Content_Types].xml"];
    for name in parts
        .keys()
        .filter(|n| !n.ends_with(".rels") && *n != "[Content_Types].xml")
    {
        assert!(
            types.contains(&format!("PartName=\"/{name}\"")),
            "{name} has no content type"
        );
    }
    // Every relationship points at a part that exists.
    for (rels, base) in [
        ("_rels/.rels", ""),
        ("word/_rels/document.xml.rels", "word/"),
    ] {
        for target in parts[rels].split("Target=\"").skip(1) {
            let target = &target[..target.find('"').unwrap()];
            assert!(
                parts.contains_key(&format!("{base}{target}")),
                "{rels} → {target}"
            );
        }
    }

    let styles = &parts["word/styles.xml"];
    for (id, name, level) in [
        ("Heading1", "heading 1", 0),
        ("Heading2", "heading 2", 1),
        ("Heading3", "heading 3", 2),
    ] {
        let at = styles.find(&format!("w:styleId=\"{id}\"")).unwrap();
        let style = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        assert!(style.contains(&format!("<w:name w:val=\"{name}\"/>")));
        assert!(style.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")));
    }
    assert!(parts["word/settings.xml"].contains("<w:updateFields w:val=\"true\"/>"));

    let document = &parts["word/document.xml"];
    assert!(document.contains(r#"TOC \o "1-3" \h \z \u"#));
    assert!(document.contains(r#"<w:fldChar w:fldCharType="begin" w:dirty="true"/>"#));
    for level in 1..=3 {
        assert!(
            document.contains(&format!("<w:pStyle w:val=\"Heading{level}\"/>")),
            "Heading{level} used"
        );
    }
    assert!(document.contains("一、概述"));
    assert!(
        document.contains("实现营业收入</w:t></w:r><w:r><w:t xml:space=\"preserve\">51.64万亿元")
    );
    // One section, so the header and footer are on every page.
    assert_eq!(document.matches("<w:sectPr>").count(), 1);
    assert!(document.contains(r#"<w:headerReference w:type="default" r:id="rId4"/>"#));
    assert!(document.contains(r#"<w:footerReference w:type="default" r:id="rId5"/>"#));
    assert!(
        parts["word/header1.xml"]
            .contains("2025年国家新型工业化产业示范基地发展报告（征求意见稿·模拟数据）")
    );
    assert!(
        parts["word/footer1.xml"]
            .contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>")
    );
    // Tables repeat their header row and print numbers in one format.
    assert!(document.contains("<w:tblHeader/>"));
    let revenue = fixture::full().economy.unwrap().revenue.current.value;
    let cell = jidi_report::wording::table_value(revenue, Unit::Yuan100m, Lang::Zh);
    assert!(cell.contains(',') && cell.ends_with(|c: char| c.is_ascii_digit()));
    assert!(
        document.contains(&format!("<w:t xml:space=\"preserve\">{cell}</w:t>")),
        "{cell}"
    );

    // Native charts with cached values, one per chart of the HTML.
    let charts: Vec<&String> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/charts/chart"))
        .map(|(_, x)| x)
        .collect();
    assert_eq!(charts.len(), 11);
    assert_eq!(document.matches("<c:chart r:id=\"rIdChart").count(), 11);
    assert!(
        document.matches("descr=\"").count() >= 11,
        "charts carry their text alternative"
    );
    for chart in &charts {
        assert!(chart.contains("<c:barChart>") || chart.contains("<c:lineChart>"));
        assert!(chart.contains("<c:numCache>") && chart.contains("<c:strCache>"));
        assert!(
            chart.contains("<c:tickLblSkip val=\"1\"/>"),
            "every category label shown"
        );
    }
    assert!(
        charts
            .iter()
            .any(|c| c.contains("<c:grouping val=\"stacked\"/>"))
    );
    assert!(charts.iter().any(|c| c.contains("<c:legend>")));
    let revenue_by_category = charts
        .iter()
        .find(|c| c.contains("<c:barChart>") && c.contains("2024年"))
        .expect("revenue by category with last year");
    assert!(
        revenue_by_category.contains("<c:min val=\"0\"/>"),
        "bars start at zero"
    );
}

#[test]
fn docx_shows_the_same_figures_as_the_html() {
    let report = fixture::full();
    let docx = render_docx(&report, Lang::Zh).unwrap();
    let html = render_html(&report, Lang::Zh).unwrap();
    assert_eq!(docx.figures, html.figures);
    let parts = unzip(&docx.bytes);
    let text = parse_xml("document", &parts["word/document.xml"]);
    let page = String::from_utf8(html.bytes).unwrap();
    for (tag, id, _, shown) in figure_elements(&page) {
        if tag == "span" {
            let shown = shown.unwrap();
            assert!(text.contains(&shown), "{id}: {shown:?} not in the DOCX");
        }
    }
}

// ----- model and helpers -----

#[test]
fn an_invalid_model_is_refused_with_every_problem() {
    let mut report = fixture::full();
    report.roll.n_bases.value = f64::INFINITY;
    report.monitoring.as_mut().unwrap().by_month[0].month = 13;
    let err = render_docx(&report, Lang::Zh).unwrap_err();
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["monitoring.by_month[0].month", "roll.n_bases.value"]
    );
    assert!(
        err.to_string()
            .contains("roll.n_bases.value: not a finite number")
    );
}

#[test]
fn pdf_arguments_for_headless_chromium() {
    assert_eq!(
        pdf_command_args("/tmp/report.html", "/tmp/report.pdf"),
        [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--print-to-pdf=/tmp/report.pdf",
            "/tmp/report.html",
        ]
    );
    let print =
        String::from_utf8(render_print_html(&fixture::full(), Lang::Zh).unwrap().bytes).unwrap();
    assert!(print.contains("@page{size:A4;"));
    assert!(print.contains("@bottom-center{content:\"— \" counter(page) \" —\""));
    assert!(print.contains(
        "@top-center{content:\"2025年国家新型工业化产业示范基地发展报告（征求意见稿·模拟数据）\""
    ));
    for external in [
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<script",
        "<link",
    ] {
        assert!(!print.contains(external), "{external}");
    }
}

/// The text of an HTML rendering without its tags (what a reader sees).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// The wording follows the data: a report generated before its year is over counts the roll of
/// its date, an unchanged roll says so, no red warning is said in words (not "0 were red"), one
/// place is singular, and the five-star list and the ratings are in the order they claim.
#[test]
fn wording_follows_the_data() {
    use jidi_report::model::Date;
    let mut r = fixture::full();
    r.meta.generated_on = Date::new(2025, 11, 30);
    r.roll.n_bases_previous = Some(r.roll.n_bases.clone());
    let m = r.monitoring.as_mut().unwrap();
    m.warnings[3].value = 0.0;
    let u = r.evaluation.as_mut().unwrap().uncertainty.as_mut().unwrap();
    u.by_category[0].median_interval_width.value = 1.0;
    u.by_category[0].n_borderline.as_mut().unwrap().value = 1.0;
    let zh = visible_text(&html(&r, Lang::Zh));
    let en = visible_text(&html(&r, Lang::En));
    assert!(zh.contains("截至2025年11月30日，国家新型工业化产业示范基地共445家，与上年持平，"));
    assert!(!zh.contains("截至2025年底"));
    assert!(en.contains("On 30 November 2025, the roll"));
    assert!(en.contains("held 445 bases (unchanged on the previous year) in"));
    assert!(zh.contains("无红色预警。"), "no red warning");
    assert!(!zh.contains("其中红色预警0次"));
    assert!(en.contains("; no warning was red."));
    assert!(!en.contains(" were red"));
    assert!(en.contains("spans 1 place; 1 base has a borderline star rating."));
    assert!(!en.contains(" 1 places"));
    assert!(zh.contains("中位数为1位，其中1家星级处于临界。"));

    // The five-star list by score, highest first.
    let e = fixture::full().evaluation.unwrap();
    let scores: Vec<f64> = e
        .five_star
        .iter()
        .map(|b| b.score.as_ref().unwrap().value)
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // The ratings table (the last evaluation table) is in the order it states, whatever the
    // caller's order: shuffle the ratings and the table still runs by group, then rank.
    let mut shuffled = fixture::full();
    shuffled.evaluation.as_mut().unwrap().ratings.reverse();
    let text = visible_text(&html(&shuffled, Lang::Zh));
    let ranks_in_order = |text: &str| {
        let e = fixture::full().evaluation.unwrap();
        let mut last: Option<(String, f64)> = None;
        let mut positions = Vec::new();
        for r in &e.ratings {
            positions.push((text.find(r.base.name.zh.as_str()).unwrap(), r));
        }
        positions.sort_by_key(|p| p.0);
        let mut seen_groups: Vec<String> = Vec::new();
        for (_, r) in positions {
            let g = r.base.category.zh.clone();
            let rank = r.group_rank.as_ref().unwrap().value;
            match &last {
                Some((lg, lr)) if *lg == g => assert!(rank >= *lr, "{g}: {rank} after {lr}"),
                _ => {
                    assert!(!seen_groups.contains(&g), "group {g} split");
                    seen_groups.push(g.clone());
                }
            }
            last = Some((g, rank));
        }
    };
    // Only the ratings table: from its caption on.
    ranks_in_order(&text[text.find("参评基地的星级见表").unwrap()..]);
}
