//! From the model to the document: the sections in order, their generated sentences, tables and
//! charts, in one language. Every number goes through the [`Registry`], which is how the sidecar
//! and the `data-source` attributes come to cover all of them.

use crate::chart::{Chart, Label, Value};
use crate::ir::{Block, ChartBlock, Column, Cover, Doc, Heading, Inline, Registry, Table};
use crate::model::*;
use crate::wording::{self, Lang, tr};

mod appendix;
mod decisions;
mod economy;
mod evaluation;
mod overview;
mod roll;
mod topics;

const BLUE: &str = "#1f4e79";
const LIGHT_BLUE: &str = "#9dc3e6";
const STAR_COLORS: [&str; 5] = ["#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"];
const WARNING_COLORS: [&str; 4] = ["#2f6eb5", "#d4a800", "#e07020", "#c0392b"];

pub(crate) fn build(report: &Report, lang: Lang) -> Doc {
    let mut b = Builder {
        lang,
        year: report.meta.year,
        reg: Registry::default(),
        blocks: Vec::new(),
        n_tables: 0,
        n_charts: 0,
        numbers: [0; 3],
        in_appendix: false,
    };
    b.overview(report);
    b.roll(&report.roll);
    if let Some(e) = &report.evaluation {
        b.evaluation(e);
    }
    if let Some(d) = &report.decisions {
        b.decisions(d);
    }
    if let Some(e) = &report.economy {
        b.economy(e, &report.roll);
    }
    if let Some(i) = &report.innovation {
        b.innovation(i);
    }
    if let Some(g) = &report.green_safety {
        b.green_safety(g);
    }
    if let Some(m) = &report.monitoring {
        b.monitoring(m);
    }
    if let Some(c) = &report.collection {
        b.collection(c);
    }
    if report.appendix.is_some() || report.meta.synthetic {
        b.appendix(report.appendix.as_ref(), report.meta.synthetic);
    }
    let meta = &report.meta;
    let edition = b.name(&meta.edition);
    let issuer = b.name(&meta.issuer);
    let edition_text = match lang {
        Lang::Zh => meta.edition.zh.clone(),
        Lang::En => meta
            .edition
            .en
            .clone()
            .unwrap_or_else(|| meta.edition.zh.clone()),
    };
    let title = match lang {
        Lang::Zh => format!("{}年国家新型工业化产业示范基地发展报告", meta.year),
        Lang::En => format!(
            "National New-Type Industrialization Demonstration Bases: Annual Development Report {}",
            meta.year
        ),
    };
    let synthetic_mark = if meta.synthetic {
        tr(lang, "·模拟数据", " · synthetic data")
    } else {
        ""
    };
    let running_head = match lang {
        Lang::Zh => format!(
            "{}年国家新型工业化产业示范基地发展报告（{edition_text}{synthetic_mark}）",
            meta.year
        ),
        Lang::En => format!(
            "Annual Development Report {} ({edition_text}{synthetic_mark})",
            meta.year
        ),
    };
    let synthetic_banner = meta.synthetic.then(|| {
        tr(
            lang,
            "本报告中的数据均为系统生成的模拟数据，仅供演示和测试，不反映任何基地的真实情况。",
            "All figures in this report are synthetic: generated demonstration data that describe no real base.",
        )
        .to_string()
    });
    Doc {
        title: title.clone(),
        running_head,
        cover: Cover {
            title,
            edition: vec![edition],
            issuer: vec![issuer],
            date: wording::date(meta.generated_on, lang),
            synthetic_banner,
            toc_title: tr(lang, "目录", "Contents").to_string(),
        },
        blocks: b.blocks,
        figures: b.reg.records,
    }
}

struct Builder {
    lang: Lang,
    year: i32,
    reg: Registry,
    blocks: Vec<Block>,
    n_tables: usize,
    n_charts: usize,
    numbers: [usize; 3],
    in_appendix: bool,
}

/// A sentence or paragraph under construction.
#[derive(Default)]
struct Runs(Vec<Inline>);

impl Runs {
    fn t(&mut self, text: &str) -> &mut Self {
        if let Some(Inline::Text(last)) = self.0.last_mut() {
            last.push_str(text);
        } else {
            self.0.push(Inline::Text(text.to_string()));
        }
        self
    }

    fn push(&mut self, inline: Inline) -> &mut Self {
        match inline {
            Inline::Text(text) => self.t(&text),
            other => {
                self.0.push(other);
                self
            }
        }
    }

    fn extend(&mut self, inlines: Vec<Inline>) -> &mut Self {
        for inline in inlines {
            self.push(inline);
        }
        self
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn text(s: &str) -> Vec<Inline> {
    vec![Inline::Text(s.to_string())]
}

const ZH_NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

impl Builder {
    fn tr<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        tr(self.lang, zh, en)
    }

    // ----- names, figures, clauses -----

    fn name(&self, n: &Name) -> Inline {
        match (self.lang, &n.en) {
            (Lang::Zh, _) => Inline::Text(n.zh.clone()),
            (Lang::En, Some(en)) => Inline::Text(en.clone()),
            (Lang::En, None) => Inline::Foreign(n.zh.clone()),
        }
    }

    fn label(&self, n: &Name) -> Label {
        match (self.lang, &n.en) {
            (Lang::Zh, _) => Label {
                text: n.zh.clone(),
                foreign: false,
            },
            (Lang::En, Some(en)) => Label {
                text: en.clone(),
                foreign: false,
            },
            (Lang::En, None) => Label {
                text: n.zh.clone(),
                foreign: true,
            },
        }
    }

    /// A name as plain text for places that take no markup (alt texts use only names with an
    /// English form in English output; callers make sure of that).
    fn plain(&self, n: &Name) -> String {
        match self.lang {
            Lang::Zh => n.zh.clone(),
            Lang::En => n.en.clone().unwrap_or_else(|| n.zh.clone()),
        }
    }

    fn prose(&mut self, id: &str, f: &Figure) -> Inline {
        let shown = wording::prose_value(f.value, f.unit, self.lang);
        self.reg.show(id, f, shown)
    }

    fn cell(&mut self, id: &str, f: &Figure) -> Vec<Inline> {
        let shown = wording::table_value(f.value, f.unit, self.lang);
        vec![self.reg.show(id, f, shown)]
    }

    fn opt_cell(&mut self, id: &str, f: Option<&Figure>) -> Vec<Inline> {
        match f {
            Some(f) => self.cell(id, f),
            None => text("—"),
        }
    }

    fn chart_value(&mut self, id: &str, f: &Figure) -> Value {
        let shown = wording::table_value(f.value, f.unit, self.lang);
        let inline = self.reg.show(id, f, shown.clone());
        Value {
            value: f.value * wording::table_scale(f.unit, self.lang),
            text: shown,
            tag: self.reg.tag(&inline),
        }
    }

    fn derived_value(
        &mut self,
        id: &str,
        value: f64,
        unit: Unit,
        formula: &str,
        inputs: &[&str],
    ) -> (Inline, Value) {
        let shown = wording::table_value(value, unit, self.lang);
        let inline = self
            .reg
            .show_derived(id, value, unit, formula, inputs, shown.clone());
        let tag = self.reg.tag(&inline);
        (
            inline,
            Value {
                value: value * wording::table_scale(unit, self.lang),
                text: shown,
                tag,
            },
        )
    }

    /// The year-on-year clause of a measure (growth, or percentage points for percent figures).
    fn change(&mut self, id: &str, m: &Measure) -> Option<Vec<Inline>> {
        let previous = m.previous.as_ref()?;
        let prev_id = format!("{id}.previous");
        let is_points = m.current.unit == Unit::Percent;
        let phrase = if is_points {
            wording::points(m.current.value, Some(previous.value), self.lang)?
        } else {
            wording::growth(m.current.value, Some(previous.value), self.lang)?
        };
        self.reg.input(&prev_id, previous);
        let Some(value) = phrase.value else {
            return Some(text(&phrase.to_string()));
        };
        let (change_id, formula) = if is_points {
            (
                format!("{id}.change_points"),
                format!("{id} - {prev_id} (percentage points)"),
            )
        } else {
            (
                format!("{id}.growth"),
                format!("({id} / {prev_id} - 1) * 100"),
            )
        };
        let fig = self.reg.show_derived(
            &change_id,
            value,
            Unit::Percent,
            &formula,
            &[id, &prev_id],
            phrase.number.clone(),
        );
        let mut runs = Runs::default();
        runs.t(&phrase.lead).push(fig).t(&phrase.tail);
        Some(runs.0)
    }

    /// The change column of a table: signed growth in percent, or signed percentage points.
    fn change_cell(
        &mut self,
        id: &str,
        current: &Figure,
        previous: Option<&Figure>,
    ) -> Vec<Inline> {
        let Some(previous) = previous else {
            return text("—");
        };
        let prev_id = format!("{id}.previous");
        self.reg.input(&prev_id, previous);
        if current.unit == Unit::Percent {
            let diff = current.value - previous.value;
            let shown = format!("{}{}", wording::fixed(diff, 1), self.tr("个百分点", " pp"));
            return vec![self.reg.show_derived(
                &format!("{id}.change_points"),
                diff,
                Unit::Percent,
                &format!("{id} - {prev_id} (percentage points)"),
                &[id, &prev_id],
                shown,
            )];
        }
        match wording::growth_rate(current.value, previous.value) {
            Some(rate) => vec![self.reg.show_derived(
                &format!("{id}.growth"),
                rate,
                Unit::Percent,
                &format!("({id} / {prev_id} - 1) * 100"),
                &[id, &prev_id],
                wording::fixed(rate, 1),
            )],
            None => match wording::growth(current.value, Some(previous.value), self.lang) {
                Some(phrase) => text(&phrase.to_string()),
                None => text("—"),
            },
        }
    }

    fn share_clause(&mut self, id: &str, share: &Figure) -> Vec<Inline> {
        let phrase = wording::share(share.value, self.lang);
        let fig = self.reg.show(
            &format!("{id}.national_share"),
            share,
            phrase.number.clone(),
        );
        let mut runs = Runs::default();
        runs.t(&phrase.lead).push(fig).t(&phrase.tail);
        runs.0
    }

    /// `value，change，share` of a measure.
    fn measure(&mut self, id: &str, m: &Measure, with_share: bool) -> Vec<Inline> {
        let comma = self.tr("，", ", ");
        let mut runs = Runs::default();
        let value = self.prose(id, &m.current);
        runs.push(value);
        if let Some(change) = self.change(id, m) {
            runs.t(comma).extend(change);
        }
        if let (true, Some(share)) = (with_share, &m.national_share) {
            let clause = self.share_clause(id, share);
            runs.t(comma).extend(clause);
        }
        runs.0
    }

    /// A count derived from a list, e.g. the decisions of one kind.
    fn derived_count(&mut self, id: &str, n: usize, counter: Counter, detail: &str) -> Inline {
        let shown = wording::count(n as f64, counter, self.lang);
        self.reg
            .show_derived(id, n as f64, Unit::Count(counter), detail, &[], shown)
    }

    /// `part / whole × 100` as a derived percent.
    fn derived_share(
        &mut self,
        id: &str,
        part: (&str, f64),
        whole: (&str, f64),
        table: bool,
    ) -> Inline {
        let value = if whole.1 == 0.0 {
            0.0
        } else {
            part.1 / whole.1 * 100.0
        };
        let shown = if table {
            wording::table_value(value, Unit::Percent, self.lang)
        } else {
            wording::percent(value)
        };
        self.reg.show_derived(
            id,
            value,
            Unit::Percent,
            &format!("{} / {} * 100", part.0, whole.0),
            &[part.0, whole.0],
            shown,
        )
    }

    // ----- blocks -----

    fn heading(&mut self, level: u8, anchor: &str, zh: &str, en: &str) {
        let lvl = level as usize - 1;
        self.numbers[lvl] += 1;
        for deeper in self.numbers.iter_mut().skip(lvl + 1) {
            *deeper = 0;
        }
        let n = self.numbers;
        let number = match (self.lang, self.in_appendix, level) {
            (_, true, 1) => String::new(),
            (_, true, 2) => format!("{}. ", letter(n[1])),
            (_, true, _) => format!("{}.{} ", letter(n[1]), n[2]),
            (Lang::Zh, false, 1) => format!("{}、", zh_numeral(n[0])),
            (Lang::Zh, false, 2) => format!("（{}）", zh_numeral(n[1])),
            (Lang::Zh, false, _) => format!("{}．", n[2]),
            (Lang::En, false, 1) => format!("{} ", n[0]),
            (Lang::En, false, 2) => format!("{}.{} ", n[0], n[1]),
            (Lang::En, false, _) => format!("{}.{}.{} ", n[0], n[1], n[2]),
        };
        self.blocks.push(Block::Heading(Heading {
            level,
            number,
            text: self.tr(zh, en).to_string(),
            anchor: anchor.to_string(),
        }));
    }

    fn para(&mut self, runs: Runs) {
        if !runs.is_empty() {
            self.blocks.push(Block::Para(runs.0));
        }
    }

    fn note(&mut self, runs: Runs) {
        if !runs.is_empty() {
            self.blocks.push(Block::Note(runs.0));
        }
    }

    fn table(
        &mut self,
        title: &str,
        unit: Option<String>,
        columns: Vec<Column>,
        rows: Vec<Vec<Vec<Inline>>>,
    ) -> usize {
        // A column with no value in any row (say, last year's, when no previous year is known)
        // is left out rather than printed full of dashes.
        let is_dash = |cell: &Vec<Inline>| matches!(cell.as_slice(), [Inline::Text(t)] if t == "—");
        let keep: Vec<bool> = (0..columns.len())
            .map(|k| rows.is_empty() || rows.iter().any(|r| r.get(k).is_some_and(|c| !is_dash(c))))
            .collect();
        let columns: Vec<Column> = columns
            .into_iter()
            .zip(&keep)
            .filter_map(|(c, &k)| k.then_some(c))
            .collect();
        let rows: Vec<Vec<Vec<Inline>>> = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip(&keep)
                    .filter_map(|(c, &k)| k.then_some(c))
                    .collect()
            })
            .collect();
        self.n_tables += 1;
        let n = self.n_tables;
        let caption = match self.lang {
            Lang::Zh => format!("表{n} {title}"),
            Lang::En => format!("Table {n} {title}"),
        };
        let unit_note = unit.map(|u| match self.lang {
            Lang::Zh => format!("单位：{u}"),
            Lang::En => format!("Unit: {u}"),
        });
        self.blocks.push(Block::Table(Table {
            caption,
            anchor: format!("table-{n}"),
            unit_note,
            columns,
            rows,
        }));
        n
    }

    fn chart(&mut self, chart: Chart) -> usize {
        self.n_charts += 1;
        let n = self.n_charts;
        let caption = match self.lang {
            Lang::Zh => format!("图{n} {}", chart.title),
            Lang::En => format!("Figure {n} {}", chart.title),
        };
        self.blocks.push(Block::Chart(ChartBlock {
            caption,
            anchor: format!("figure-{n}"),
            chart,
        }));
        n
    }

    fn col(&self, zh: &str, en: &str, numeric: bool, width: u32) -> Column {
        Column {
            header: self.tr(zh, en).to_string(),
            numeric,
            width,
        }
    }

    fn col_text(&self, header: String, numeric: bool, width: u32) -> Column {
        Column {
            header,
            numeric,
            width,
        }
    }

    fn unit_header(&self, zh: &str, en: &str, unit: Unit) -> String {
        let u = wording::unit_label(unit, self.lang);
        match self.lang {
            Lang::Zh => format!("{zh}（{u}）"),
            Lang::En => format!("{en} ({u})"),
        }
    }

    fn list_sep(&self, idx: usize, len: usize) -> &'static str {
        match self.lang {
            Lang::Zh => {
                if idx == 0 {
                    ""
                } else {
                    "、"
                }
            }
            Lang::En => {
                if idx == 0 {
                    ""
                } else if idx + 1 == len {
                    " and "
                } else {
                    ", "
                }
            }
        }
    }

    /// `东部287家、中部…` / `East 187 bases, Central …`.
    fn item_list(&mut self, prefix: &str, items: &[Item]) -> Runs {
        let mut runs = Runs::default();
        for (idx, item) in items.iter().enumerate() {
            runs.t(self.list_sep(idx, items.len()));
            runs.push(self.name(&item.label));
            runs.t(self.tr("", " "));
            let fig = self.prose(&format!("{prefix}.{}", item.key), &item.value);
            runs.push(fig);
        }
        runs
    }
}

fn signed(value: f64) -> String {
    let shown = wording::fixed(value, 0);
    if value > 0.0 && shown != "0" {
        format!("+{shown}")
    } else {
        shown
    }
}

fn letter(n: usize) -> char {
    (b'A' + (n.saturating_sub(1) % 26) as u8) as char
}

fn zh_numeral(n: usize) -> String {
    match n {
        1..=10 => ZH_NUMERALS[n - 1].to_string(),
        11..=19 => format!("十{}", ZH_NUMERALS[n - 11]),
        _ => n.to_string(),
    }
}

fn decision_verb_zh(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::New => "新增国家级示范基地",
        DecisionKind::Promoted => "晋级",
        DecisionKind::Warned => "预警",
        DecisionKind::Rectified => "限期整改",
        DecisionKind::Withdrawn => "退出（摘牌）",
    }
}

fn decision_verb_en(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::New => "newly designated",
        DecisionKind::Promoted => "promoted",
        DecisionKind::Warned => "warned",
        DecisionKind::Rectified => "ordered to rectify",
        DecisionKind::Withdrawn => "withdrawn",
    }
}

fn decision_name_zh(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::New => "新增",
        DecisionKind::Promoted => "晋级",
        DecisionKind::Warned => "预警",
        DecisionKind::Rectified => "限期整改",
        DecisionKind::Withdrawn => "退出",
    }
}

fn decision_name_en(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::New => "New",
        DecisionKind::Promoted => "Promoted",
        DecisionKind::Warned => "Warned",
        DecisionKind::Rectified => "Rectification",
        DecisionKind::Withdrawn => "Withdrawn",
    }
}

fn warning_name_zh(level: WarningLevel) -> &'static str {
    match level {
        WarningLevel::Blue => "蓝色预警",
        WarningLevel::Yellow => "黄色预警",
        WarningLevel::Orange => "橙色预警",
        WarningLevel::Red => "红色预警",
    }
}

fn warning_name_en(level: WarningLevel) -> &'static str {
    match level {
        WarningLevel::Blue => "blue",
        WarningLevel::Yellow => "yellow",
        WarningLevel::Orange => "orange",
        WarningLevel::Red => "red",
    }
}
