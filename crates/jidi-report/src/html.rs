//! The document as one self-contained HTML file: inline CSS, inline SVG charts, no script, no
//! external resource of any kind. The print variant is the same document with the print layout
//! applied on screen too (cover and contents on their own pages, a page break before each
//! section); both carry the `@page` rules, whose margin boxes print the year and edition at the
//! top and the page number at the bottom of every page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::chart::{self, esc};
use crate::ir::{Block, Doc, Inline};
use crate::wording::Lang;

/// Screen or print.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    Screen,
    Print,
}

const BASE_CSS: &str = r#"
:root{--ink:#1a1a1a;--muted:#595959;--rule:#bfbfbf;--accent:#1f4e79;--warn:#b03a2e}
*{box-sizing:border-box}
html{font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC","SimSun",serif;color:var(--ink);line-height:1.8;font-size:16px}
body{max-width:60rem;margin:0 auto;padding:2rem 1.5rem 4rem}
h1,h2,h3,h4,caption,figcaption,th,.toc,.cover{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif}
h1{font-size:1.9rem;line-height:1.4;margin:0 0 1rem}
h2{font-size:1.45rem;margin:2.5rem 0 1rem;color:var(--accent)}
h3{font-size:1.15rem;margin:1.8rem 0 .6rem}
h4{font-size:1rem;margin:1.2rem 0 .4rem}
p{margin:.5rem 0}
html:lang(zh-CN) main p:not(.note){text-indent:2em}
.cover{text-align:center;padding:3rem 0 2rem;border-bottom:2px solid var(--accent);margin-bottom:2rem}
.cover .edition{font-size:1.2rem}
.cover .issuer,.cover .date{color:var(--muted)}
.synthetic{border:2px solid var(--warn);color:var(--warn);padding:.5rem 1rem;margin:1.5rem auto 0;max-width:40rem;text-indent:0}
.toc ol{list-style:none;padding-left:0;margin:.2rem 0}
.toc ol ol{padding-left:2em}
.toc a{color:inherit;text-decoration:none}
.toc a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;font-size:.88rem;line-height:1.5;margin:.4rem 0 1.6rem}
caption{caption-side:top;font-weight:bold;padding:.3rem 0;text-align:center}
caption .unit{display:block;font-weight:normal;text-align:right;font-size:.85rem;color:var(--muted)}
th,td{border-bottom:1px solid var(--rule);padding:.28rem .5rem;vertical-align:top;text-align:left}
thead th{border-top:2px solid var(--ink);border-bottom:1px solid var(--ink);background:#f3f6fa}
tbody tr:last-child td{border-bottom:2px solid var(--ink)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:1rem 0 1.8rem}
figure.chart{text-align:center}
figure.chart svg{max-width:100%;height:auto}
figcaption{font-weight:bold;margin-top:.3rem}
.note{font-size:.85rem;color:var(--muted)}
ul{margin:.4rem 0 1rem}
"#;

const PRINT_CSS: &str = r#"
html{font-size:10.5pt;line-height:1.7}
body{max-width:none;margin:0;padding:0}
.cover{border:none;min-height:235mm;display:flex;flex-direction:column;justify-content:center;break-after:page}
.cover h1{font-size:24pt}
.toc{break-after:page}
h2{break-before:page;break-after:avoid}
h3,h4{break-after:avoid}
caption{break-after:avoid}
thead{display:table-header-group}
tr,figure.chart,table.short{break-inside:avoid}
a{color:inherit;text-decoration:none}
.toc a{display:flex;align-items:baseline}
.toc .t{flex:1}
.toc .pg{flex:none;width:3em;text-align:right;font-variant-numeric:tabular-nums}
"#;

/// The contents entry of a heading. In print each entry has a slot of fixed width for its page
/// number, filled from `pages` (anchor → page) when known and empty otherwise: the first print,
/// which finds the pages, and the second, which shows them, lay out the same.
fn toc_link(
    variant: Variant,
    pages: Option<&BTreeMap<String, u32>>,
    anchor: &str,
    text: &str,
) -> String {
    match variant {
        Variant::Screen => format!("<a href=\"#{}\">{}</a>", esc(anchor), esc(text)),
        Variant::Print => format!(
            "<a href=\"#{}\"><span class=\"t\">{}</span><span class=\"pg\">{}</span></a>",
            esc(anchor),
            esc(text),
            pages
                .and_then(|p| p.get(anchor))
                .map(u32::to_string)
                .unwrap_or_default()
        ),
    }
}

pub(crate) fn render(
    doc: &Doc,
    lang: Lang,
    variant: Variant,
    pages: Option<&BTreeMap<String, u32>>,
) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let body_class = match variant {
        Variant::Screen => "screen",
        Variant::Print => "print",
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"jidi-report\">\n<title>{}</title>\n<style>{}",
        lang.tag(),
        esc(&doc.title),
        BASE_CSS,
    );
    match variant {
        Variant::Screen => {
            out.push_str("@media print{");
            out.push_str(PRINT_CSS);
            out.push('}');
        }
        Variant::Print => out.push_str(PRINT_CSS),
    }
    let _ = write!(
        out,
        "@page{{size:A4;margin:22mm 18mm 20mm 18mm;@top-center{{content:\"{}\";font-size:8.5pt;color:#595959;font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}}@bottom-center{{content:\"— \" counter(page) \" —\";font-size:9pt;font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}}}}\n</style>\n</head>\n<body class=\"{body_class}\">\n",
        css_string(&doc.running_head),
    );

    // Cover.
    let cover = &doc.cover;
    out.push_str("<header class=\"cover\">\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&cover.title));
    let _ = writeln!(
        out,
        "<p class=\"edition\">{}</p>",
        inlines(doc, &cover.edition)
    );
    let _ = writeln!(
        out,
        "<p class=\"issuer\">{}</p>",
        inlines(doc, &cover.issuer)
    );
    let _ = writeln!(out, "<p class=\"date\">{}</p>", esc(&cover.date));
    if let Some(banner) = &cover.synthetic_banner {
        let _ = writeln!(
            out,
            "<p class=\"synthetic\" role=\"note\">{}</p>",
            esc(banner)
        );
    }
    out.push_str("</header>\n");

    // Contents: sections and subsections.
    let _ = write!(
        out,
        "<nav class=\"toc\" aria-labelledby=\"toc-title\">\n<h2 id=\"toc-title\">{}</h2>\n<ol>",
        esc(&cover.toc_title)
    );
    let mut open_sub = false;
    let mut first = true;
    for block in &doc.blocks {
        let Block::Heading(h) = block else { continue };
        match h.level {
            1 => {
                if open_sub {
                    out.push_str("</ol>");
                    open_sub = false;
                }
                if !first {
                    out.push_str("</li>");
                }
                first = false;
                let _ = write!(
                    out,
                    "\n<li>{}",
                    toc_link(variant, pages, &h.anchor, &h.full_text())
                );
            }
            2 => {
                if !open_sub {
                    out.push_str("<ol>");
                    open_sub = true;
                }
                let _ = write!(
                    out,
                    "<li>{}</li>",
                    toc_link(variant, pages, &h.anchor, &h.full_text())
                );
            }
            _ => {}
        }
    }
    if open_sub {
        out.push_str("</ol>");
    }
    if !first {
        out.push_str("</li>");
    }
    out.push_str("\n</ol>\n</nav>\n<main>\n");

    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                let tag = h.level + 1;
                let _ = writeln!(
                    out,
                    "<h{tag} id=\"{}\">{}</h{tag}>",
                    esc(&h.anchor),
                    esc(&h.full_text())
                );
            }
            Block::Para(runs) => {
                let _ = writeln!(out, "<p>{}</p>", inlines(doc, runs));
            }
            Block::Note(runs) => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", inlines(doc, runs));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", inlines(doc, item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => {
                // Short tables stay on one page; long ones break between rows.
                let class = if t.rows.len() <= 12 {
                    " class=\"short\""
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<table id=\"{}\"{class}>\n<caption>{}",
                    esc(&t.anchor),
                    esc(&t.caption)
                );
                if let Some(unit) = &t.unit_note {
                    let _ = write!(out, "<span class=\"unit\">{}</span>", esc(unit));
                }
                out.push_str("</caption>\n<thead><tr>");
                for c in &t.columns {
                    let class = if c.numeric { " class=\"num\"" } else { "" };
                    let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(&c.header));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in &t.rows {
                    out.push_str("<tr>");
                    for (k, cell) in row.iter().enumerate() {
                        let numeric = t.columns.get(k).is_some_and(|c| c.numeric);
                        let class = if numeric { " class=\"num\"" } else { "" };
                        let _ = write!(out, "<td{class}>{}</td>", inlines(doc, cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Chart(c) => {
                let _ = writeln!(
                    out,
                    "<figure class=\"chart\" id=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    esc(&c.anchor),
                    chart::to_svg(&c.chart, &format!("{}-svg", c.anchor)),
                    esc(&c.caption)
                );
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn inlines(doc: &Doc, runs: &[Inline]) -> String {
    let mut out = String::new();
    for run in runs {
        match run {
            Inline::Text(t) => out.push_str(&esc(t)),
            Inline::Foreign(t) => {
                let _ = write!(out, "<span lang=\"zh-CN\">{}</span>", esc(t));
            }
            Inline::Fig(idx, t) => {
                let record = &doc.figures[*idx];
                let _ = write!(
                    out,
                    "<span class=\"fig\" data-fig=\"{}\" data-source=\"{}\">{}</span>",
                    esc(&record.id),
                    esc(&record.source),
                    esc(t)
                );
            }
        }
    }
    out
}

/// A CSS string literal's content.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\3c "),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
