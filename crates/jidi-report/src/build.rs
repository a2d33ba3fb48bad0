//! From the model to the document: the sections in order, their generated sentences, tables and
//! charts, in one language. Every number goes through the [`Registry`], which is how the sidecar
//! and the `data-source` attributes come to cover all of them.

use crate::chart::{Chart, ChartKind, Label, Series, Value};
use crate::ir::{Block, ChartBlock, Column, Cover, Doc, Heading, Inline, Registry, Table};
use crate::model::*;
use crate::wording::{self, Lang, tr};

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

    // ----- sections -----

    fn overview(&mut self, report: &Report) {
        self.heading(1, "overview", "概述", "Overview");
        let roll = &report.roll;
        let year = self.year;
        let mut p = Runs::default();
        let n_bases = self.prose("roll.n_bases", &roll.n_bases);
        let n_provinces = self.prose("roll.n_provinces", &roll.n_provinces);
        match self.lang {
            Lang::Zh => {
                p.t(&format!("截至{year}年底，国家新型工业化产业示范基地共"))
                    .push(n_bases)
                    .t("，分布在全国")
                    .push(n_provinces)
                    .t("省（区、市）。");
            }
            Lang::En => {
                p.t(&format!(
                    "At the end of {year}, the roll of national new-type industrialization demonstration bases held "
                ))
                .push(n_bases)
                .t(" in ")
                .push(n_provinces)
                .t(".");
            }
        }
        if !roll.by_region.is_empty() {
            let list = self.item_list("roll.by_region", &roll.by_region);
            p.t(self.tr("其中，", " By region: "))
                .extend(list.0)
                .t(self.tr("。", "."));
        }
        self.para(p);

        if let Some(e) = &report.economy {
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => p.t(&format!("{year}年，示范基地实现营业收入")),
                Lang::En => p.t(&format!(
                    "In {year}, the bases earned operating revenue of "
                )),
            };
            let m = self.measure("economy.revenue", &e.revenue, true);
            p.extend(m);
            if let Some(profit) = &e.profit {
                p.t(self.tr("；实现利润总额", "; total profit was "));
                let m = self.measure("economy.profit", profit, false);
                p.extend(m);
            }
            p.t(self.tr("。", "."));
            self.para(p);
        }

        if let Some(e) = &report.evaluation {
            let mut p = Runs::default();
            let n = self.prose("evaluation.n_evaluated", &e.n_evaluated);
            let s5 = self.prose("evaluation.stars.5", &e.stars[4]);
            let s4 = self.prose("evaluation.stars.4", &e.stars[3]);
            let top_share = self.four_plus_share(e, false);
            match self.lang {
                Lang::Zh => {
                    p.t(&format!("{year}年度发展质量评价共评价基地"))
                        .push(n)
                        .t("，评定五星级基地")
                        .push(s5)
                        .t("、四星级基地")
                        .push(s4)
                        .t("，四星级及以上基地占")
                        .push(top_share)
                        .t("。");
                }
                Lang::En => {
                    p.t(&format!("The {year} development-quality evaluation rated "))
                        .push(n)
                        .t(": ")
                        .push(s5)
                        .t(" five-star and ")
                        .push(s4)
                        .t(" four-star, so that ")
                        .push(top_share)
                        .t(" have four stars or more.");
                }
            }
            self.para(p);
        }

        if let Some(d) = &report.decisions {
            let counts = self.decision_counts(d);
            let nonzero: Vec<(DecisionKind, Inline)> = counts
                .into_iter()
                .filter(|(_, n, _)| *n > 0)
                .map(|(k, _, f)| (k, f))
                .collect();
            let mut p = Runs::default();
            if nonzero.is_empty() {
                p.t(self.tr(
                    "全年未作出梯度调整决定。",
                    "No tier decisions were taken in the year.",
                ));
            } else {
                p.t(self.tr("全年", "Tier decisions of the year: "));
                let len = nonzero.len();
                for (idx, (kind, fig)) in nonzero.into_iter().enumerate() {
                    p.t(match self.lang {
                        Lang::Zh if idx > 0 => "，",
                        _ => self.list_sep(idx, len),
                    });
                    match self.lang {
                        Lang::Zh => {
                            p.t(decision_verb_zh(kind)).push(fig);
                        }
                        Lang::En => {
                            p.push(fig).t(" ").t(decision_verb_en(kind));
                        }
                    }
                }
                p.t(self.tr("。", "."));
            }
            self.para(p);
        }

        if let Some(m) = &report.monitoring {
            let mut p = Runs::default();
            let total = self.warning_total(m, false);
            let red = self.prose("monitoring.warnings.red", &m.warnings[3]);
            match self.lang {
                Lang::Zh => {
                    p.t("全年共发出运行预警")
                        .push(total)
                        .t("，其中红色预警")
                        .push(red)
                        .t("。");
                }
                Lang::En => {
                    p.t("Monitoring issued ")
                        .push(total)
                        .t(" in the year; ")
                        .push(red)
                        .t(" were red.");
                }
            }
            self.para(p);
        }
    }

    fn four_plus_share(&mut self, e: &Evaluation, table: bool) -> Inline {
        self.reg.input("evaluation.stars.4", &e.stars[3]);
        self.reg.input("evaluation.stars.5", &e.stars[4]);
        self.reg.input("evaluation.n_evaluated", &e.n_evaluated);
        let value = if e.n_evaluated.value == 0.0 {
            0.0
        } else {
            (e.stars[3].value + e.stars[4].value) / e.n_evaluated.value * 100.0
        };
        let shown = if table {
            wording::table_value(value, Unit::Percent, self.lang)
        } else {
            wording::percent(value)
        };
        self.reg.show_derived(
            "evaluation.four_plus_share",
            value,
            Unit::Percent,
            "(evaluation.stars.4 + evaluation.stars.5) / evaluation.n_evaluated * 100",
            &[
                "evaluation.stars.4",
                "evaluation.stars.5",
                "evaluation.n_evaluated",
            ],
            shown,
        )
    }

    fn decision_counts(&mut self, d: &Decisions) -> Vec<(DecisionKind, usize, Inline)> {
        DecisionKind::ALL
            .into_iter()
            .map(|kind| {
                let n = d.items.iter().filter(|i| i.kind == kind).count();
                let detail = format!(
                    "count of {} where kind = {} ({})",
                    d.provenance.source,
                    kind.code(),
                    d.provenance.detail
                );
                let fig = self.derived_count(
                    &format!("decisions.count.{}", kind.code()),
                    n,
                    Counter::Base,
                    &detail,
                );
                (kind, n, fig)
            })
            .collect()
    }

    fn warning_total(&mut self, m: &Monitoring, table: bool) -> Inline {
        let ids: Vec<String> = WarningLevel::ALL
            .iter()
            .map(|l| format!("monitoring.warnings.{}", l.code()))
            .collect();
        for (id, f) in ids.iter().zip(&m.warnings) {
            self.reg.input(id, f);
        }
        let total: f64 = m.warnings.iter().map(|f| f.value).sum();
        let shown = if table {
            wording::table_value(total, Unit::Count(Counter::Warning), self.lang)
        } else {
            wording::count(total, Counter::Warning, self.lang)
        };
        let inputs: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.reg.show_derived(
            "monitoring.warnings.total",
            total,
            Unit::Count(Counter::Warning),
            &ids.join(" + "),
            &inputs,
            shown,
        )
    }

    fn roll(&mut self, roll: &Roll) {
        self.heading(1, "roll", "基地体系与分布", "The roll of bases");
        self.heading(2, "roll-overall", "总体情况", "Overall");
        let mut p = Runs::default();
        let n = self.prose("roll.n_bases", &roll.n_bases);
        p.t(self.tr("国家级示范基地共", "The national roll holds "))
            .push(n)
            .t(self.tr("。", "."));
        if !roll.by_tier.is_empty() {
            let list = self.item_list("roll.by_tier", &roll.by_tier);
            p.t(self.tr("按梯度分，", " By tier: "))
                .extend(list.0)
                .t(self.tr("。", "."));
        }
        if !roll.by_series.is_empty() {
            let list = self.item_list("roll.by_series", &roll.by_series);
            p.t(self.tr("按系列分，", " By series: "))
                .extend(list.0)
                .t(self.tr("。", "."));
        }
        if !roll.by_strategy.is_empty() {
            let list = self.item_list("roll.by_strategy", &roll.by_strategy);
            p.t(self.tr("按国家重大战略区域分，", " In national strategy areas: "))
                .extend(list.0)
                .t(self.tr(
                    "（同一基地可属于多个区域）。",
                    " (a base may lie in more than one area).",
                ));
        }
        self.para(p);

        if !roll.by_category.is_empty() {
            self.heading(2, "roll-categories", "分类别情况", "By category");
            let mut cats: Vec<&CategoryCount> = roll.by_category.iter().collect();
            cats.sort_by(|a, b| b.n_bases.value.total_cmp(&a.n_bases.value));
            let largest = cats[0];
            let mut p = Runs::default();
            let fig = self.prose(
                &format!("roll.by_category.{}", largest.key),
                &largest.n_bases,
            );
            let n_categories = self.derived_count(
                "roll.n_categories",
                roll.by_category.len(),
                Counter::Category,
                "number of categories in roll.by_category",
            );
            match self.lang {
                Lang::Zh => {
                    p.t("示范基地覆盖")
                        .push(n_categories)
                        .t("大类。其中")
                        .push(self.name(&largest.label))
                        .t("类基地最多，共")
                        .push(fig)
                        .t("。");
                }
                Lang::En => {
                    p.t("The bases cover ")
                        .push(n_categories)
                        .t("; ")
                        .push(self.name(&largest.label))
                        .t(" has the most, with ")
                        .push(fig)
                        .t(".");
                }
            }
            self.para(p);
            let mut rows = Vec::new();
            for c in &roll.by_category {
                let id = format!("roll.by_category.{}", c.key);
                let n_cell = self.cell(&id, &c.n_bases);
                let mut sub = Runs::default();
                for (idx, s) in c.subtypes.iter().enumerate() {
                    sub.t(self.tr(
                        if idx == 0 { "" } else { "、" },
                        if idx == 0 { "" } else { "; " },
                    ));
                    sub.push(self.name(&s.label)).t(" ");
                    let f = self.cell(&format!("{id}.{}", s.key), &s.value);
                    sub.extend(f);
                }
                rows.push(vec![vec![self.name(&c.label)], n_cell, sub.0]);
            }
            let columns = vec![
                self.col("类别", "Category", false, 3),
                self.col("基地数（家）", "Bases", true, 2),
                self.col("细分领域（家）", "Sub-types (bases)", false, 8),
            ];
            let title = self
                .tr("国家级示范基地的类别分布", "National bases by category")
                .to_string();
            self.table(&title, None, columns, rows);
            let labels = cats.iter().map(|c| self.label(&c.label)).collect();
            let values: Vec<Value> = cats
                .iter()
                .map(|c| self.chart_value(&format!("roll.by_category.{}", c.key), &c.n_bases))
                .collect();
            let alt = self.ranked_alt(
                self.tr("各类别国家级示范基地数量", "National bases by category"),
                &cats
                    .iter()
                    .map(|c| self.plain(&c.label))
                    .collect::<Vec<_>>(),
                &values,
                Unit::Count(Counter::Base),
            );
            self.chart(Chart {
                title: self
                    .tr("各类别国家级示范基地数量", "National bases by category")
                    .into(),
                alt,
                unit: wording::unit_label(Unit::Count(Counter::Base), self.lang),
                decimals: 0,
                kind: ChartKind::Bars {
                    labels,
                    series: vec![self.series(self.tr("基地数", "Bases"), BLUE, values)],
                },
            });
        }

        if !roll.by_region.is_empty() || !roll.by_province.is_empty() {
            self.heading(2, "roll-regions", "分地区情况", "By region");
            if !roll.by_region.is_empty() {
                let mut rows = Vec::new();
                self.reg.input("roll.n_bases", &roll.n_bases);
                for r in &roll.by_region {
                    let id = format!("roll.by_region.{}", r.key);
                    let n = self.cell(&id, &r.value);
                    let share = self.derived_share(
                        &format!("{id}.share"),
                        (&id, r.value.value),
                        ("roll.n_bases", roll.n_bases.value),
                        true,
                    );
                    rows.push(vec![vec![self.name(&r.label)], n, vec![share]]);
                }
                let columns = vec![
                    self.col("地区", "Region", false, 3),
                    self.col("基地数（家）", "Bases", true, 2),
                    self.col("占比（%）", "Share (%)", true, 2),
                ];
                let title = self
                    .tr("国家级示范基地的区域分布", "National bases by region")
                    .to_string();
                self.table(&title, None, columns, rows);
            }
            if !roll.by_province.is_empty() {
                let mut provinces: Vec<&Item> = roll.by_province.iter().collect();
                provinces.sort_by(|a, b| b.value.value.total_cmp(&a.value.value));
                let mut p = Runs::default();
                let top = provinces[0];
                let top_fig = self.prose(&format!("roll.by_province.{}", top.key), &top.value);
                match self.lang {
                    Lang::Zh => {
                        p.t("分省看，")
                            .push(self.name(&top.label))
                            .t("国家级示范基地最多，为")
                            .push(top_fig)
                            .t("。各省（区、市）基地数量见图");
                    }
                    Lang::En => {
                        p.t("Of the provinces, ")
                            .push(self.name(&top.label))
                            .t(" has the most national bases, ")
                            .push(top_fig)
                            .t("; every province is shown in Figure ");
                    }
                }
                p.t(&format!("{}{}", self.n_charts + 1, self.tr("。", ".")));
                self.para(p);
                let labels = provinces.iter().map(|i| self.label(&i.label)).collect();
                let values: Vec<Value> = provinces
                    .iter()
                    .map(|i| self.chart_value(&format!("roll.by_province.{}", i.key), &i.value))
                    .collect();
                let title = self.tr(
                    "各省（区、市）国家级示范基地数量",
                    "National bases by province",
                );
                let alt = self.ranked_alt(
                    title,
                    &provinces
                        .iter()
                        .map(|i| self.plain(&i.label))
                        .collect::<Vec<_>>(),
                    &values,
                    Unit::Count(Counter::Base),
                );
                self.chart(Chart {
                    title: title.into(),
                    alt,
                    unit: wording::unit_label(Unit::Count(Counter::Base), self.lang),
                    decimals: 0,
                    kind: ChartKind::Bars {
                        labels,
                        series: vec![self.series(self.tr("基地数", "Bases"), BLUE, values)],
                    },
                });
            }
        }
    }

    fn series(&self, name: &str, color: &str, values: Vec<Value>) -> Series {
        Series {
            name: name.to_string(),
            color: color.to_string(),
            values,
        }
    }

    /// The text alternative of a ranked chart: its title, the number of rows, the highest and
    /// the lowest. Names without an English form are left out in English.
    fn ranked_alt(&self, title: &str, names: &[String], values: &[Value], unit: Unit) -> String {
        let u = wording::unit_label(unit, self.lang);
        if values.is_empty() {
            return title.to_string();
        }
        let (hi, lo) = (0, values.len() - 1);
        let name_ok = |s: &str| self.lang == Lang::Zh || !s.chars().any(wording::is_cjk);
        let who = |k: usize| {
            if name_ok(&names[k]) {
                names[k].clone()
            } else {
                String::new()
            }
        };
        match self.lang {
            Lang::Zh => format!(
                "{title}：共{}项，最高为{}{}{u}，最低为{}{}{u}。",
                values.len(),
                who(hi),
                values[hi].text,
                who(lo),
                values[lo].text
            ),
            Lang::En => {
                let hi_name = who(hi);
                let lo_name = who(lo);
                format!(
                    "{title}: {} rows; highest {}{} {u}, lowest {}{} {u}.",
                    values.len(),
                    if hi_name.is_empty() {
                        String::new()
                    } else {
                        format!("{hi_name} ")
                    },
                    values[hi].text,
                    if lo_name.is_empty() {
                        String::new()
                    } else {
                        format!("{lo_name} ")
                    },
                    values[lo].text
                )
            }
        }
    }

    fn star_header(&self, k: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{}星级", ZH_NUMERALS[k - 1]),
            Lang::En => format!("{k}★"),
        }
    }

    fn evaluation(&mut self, e: &Evaluation) {
        self.heading(
            1,
            "evaluation",
            "发展质量评价",
            "Development-quality evaluation",
        );
        let year = self.year;
        let mut p = Runs::default();
        let n = self.prose("evaluation.n_evaluated", &e.n_evaluated);
        let date = wording::date(e.published_on, self.lang);
        match self.lang {
            Lang::Zh => {
                p.t(&format!("{year}年度发展质量评价采用《"))
                    .push(self.name(&e.scheme))
                    .t(&format!(
                        "》，按类别分组开展，评价结果于{date}发布。共评价基地"
                    ))
                    .push(n)
                    .t("，其中");
            }
            Lang::En => {
                p.t(&format!("The {year} evaluation used the scheme “"))
                    .push(self.name(&e.scheme))
                    .t(&format!("”, compared bases within their category and was published on {date}. It rated "))
                    .push(n)
                    .t(": ");
            }
        }
        for (idx, k) in (1..=5).rev().enumerate() {
            let id = format!("evaluation.stars.{k}");
            let fig = self.prose(&id, &e.stars[k - 1]);
            let share = self.derived_share(
                &format!("{id}.share"),
                (&id, e.stars[k - 1].value),
                ("evaluation.n_evaluated", e.n_evaluated.value),
                false,
            );
            match self.lang {
                Lang::Zh => {
                    p.t(if idx == 0 { "" } else { "、" })
                        .t(wording::stars_word(k as u8, self.lang))
                        .push(fig)
                        .t("（占")
                        .push(share)
                        .t("）");
                }
                Lang::En => {
                    p.t(self.list_sep(idx, 5))
                        .push(fig)
                        .t(" ")
                        .t(wording::stars_word(k as u8, self.lang))
                        .t(" (")
                        .push(share)
                        .t(")");
                }
            }
        }
        p.t(self.tr("。", "."));
        self.para(p);

        if !e.by_category.is_empty() {
            self.heading(
                2,
                "evaluation-categories",
                "分类别星级分布",
                "Stars by category",
            );
            let mut best: Option<(&StarRow, f64)> = None;
            let mut rows = Vec::new();
            let mut labels = Vec::new();
            let mut seg: Vec<Vec<Value>> = vec![Vec::new(); 5];
            let mut totals = Vec::new();
            for r in &e.by_category {
                let id = format!("evaluation.by_category.{}", r.key);
                let n_id = format!("{id}.n_bases");
                let mut row = vec![vec![self.name(&r.label)], self.cell(&n_id, &r.n_bases)];
                for k in (1..=5).rev() {
                    let c = self.cell(&format!("{id}.stars.{k}"), &r.stars[k - 1]);
                    row.push(c);
                }
                for k in 1..=5 {
                    let v = self.chart_value(&format!("{id}.stars.{k}"), &r.stars[k - 1]);
                    seg[k - 1].push(v);
                }
                totals.push(self.chart_value(&n_id, &r.n_bases));
                let top = r.stars[3].value + r.stars[4].value;
                let share_value = if r.n_bases.value == 0.0 {
                    0.0
                } else {
                    top / r.n_bases.value * 100.0
                };
                let s4 = format!("{id}.stars.4");
                let s5 = format!("{id}.stars.5");
                let share = self.reg.show_derived(
                    &format!("{id}.four_plus_share"),
                    share_value,
                    Unit::Percent,
                    &format!("({s4} + {s5}) / {n_id} * 100"),
                    &[&s4, &s5, &n_id],
                    wording::table_value(share_value, Unit::Percent, self.lang),
                );
                row.push(vec![share]);
                rows.push(row);
                labels.push(self.label(&r.label));
                if best.is_none_or(|(_, v)| share_value > v) {
                    best = Some((r, share_value));
                }
            }
            if let Some((r, value)) = best {
                let id = format!("evaluation.by_category.{}", r.key);
                let (s4, s5, n_id) = (
                    format!("{id}.stars.4"),
                    format!("{id}.stars.5"),
                    format!("{id}.n_bases"),
                );
                let share = self.reg.show_derived(
                    &format!("{id}.four_plus_share"),
                    value,
                    Unit::Percent,
                    &format!("({s4} + {s5}) / {n_id} * 100"),
                    &[&s4, &s5, &n_id],
                    wording::percent(value),
                );
                let mut p = Runs::default();
                match self.lang {
                    Lang::Zh => {
                        p.t("分类别看，")
                            .push(self.name(&r.label))
                            .t("类基地四星级及以上占比最高，为")
                            .push(share)
                            .t("。");
                    }
                    Lang::En => {
                        p.t("By category, ")
                            .push(self.name(&r.label))
                            .t(" has the highest share of bases with four stars or more: ")
                            .push(share)
                            .t(".");
                    }
                }
                self.para(p);
            }
            let mut columns = vec![
                self.col("类别", "Category", false, 4),
                self.col("基地数", "Bases", true, 2),
            ];
            for k in (1..=5).rev() {
                columns.push(self.col_text(self.star_header(k), true, 2));
            }
            columns.push(self.col("四星级及以上占比（%）", "4★ or more (%)", true, 3));
            let title = self
                .tr("各类别基地星级分布", "Star ratings by category")
                .to_string();
            self.table(
                &title,
                Some(wording::unit_label(Unit::Count(Counter::Base), self.lang)),
                columns,
                rows,
            );
            let series: Vec<Series> = (1..=5)
                .map(|k| Series {
                    name: self.star_header(k),
                    color: STAR_COLORS[k - 1].into(),
                    values: std::mem::take(&mut seg[k - 1]),
                })
                .collect();
            let title = self.tr("各类别基地星级分布", "Star ratings by category");
            let alt = match self.lang {
                Lang::Zh => format!(
                    "{title}：{}个类别的堆积条形图，每条从一星级到五星级依次堆积，条末为基地总数。",
                    e.by_category.len()
                ),
                Lang::En => format!(
                    "{title}: stacked bars for {} categories, one to five stars from left to right, with the number of bases at the end of each bar.",
                    e.by_category.len()
                ),
            };
            self.chart(Chart {
                title: title.into(),
                alt,
                unit: wording::unit_label(Unit::Count(Counter::Base), self.lang),
                decimals: 0,
                kind: ChartKind::StackedBars {
                    labels,
                    series,
                    totals,
                },
            });
        }

        if !e.five_star.is_empty() {
            self.heading(
                2,
                "evaluation-five-star",
                "五星级基地名单",
                "Five-star bases",
            );
            let mut p = Runs::default();
            let fig = self.prose("evaluation.stars.5", &e.stars[4]);
            match self.lang {
                Lang::Zh => {
                    p.t("评定为五星级的基地共")
                        .push(fig)
                        .t(&format!("，名单见表{}。", self.n_tables + 1));
                }
                Lang::En => {
                    p.push(fig).t(&format!(
                        " were rated five-star; they are listed in Table {}.",
                        self.n_tables + 1
                    ));
                }
            }
            self.para(p);
            let rows = self.rated_rows("evaluation.five_star", &e.five_star, true);
            let columns = self.rated_columns(true);
            let title = self.tr("五星级基地名单", "Five-star bases").to_string();
            self.table(&title, None, columns, rows);
        }

        if !e.movers.is_empty() {
            self.heading(
                2,
                "evaluation-movers",
                "位次变化较大的基地",
                "Biggest movers",
            );
            let up = e
                .movers
                .iter()
                .filter(|m| m.rank_change.value > 0.0)
                .max_by(|a, b| a.rank_change.value.total_cmp(&b.rank_change.value));
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => p.t(&format!(
                    "表{}列出与上年相比全国位次变化最大的基地。",
                    self.n_tables + 1
                )),
                Lang::En => p.t(&format!(
                    "Table {} lists the bases whose national rank changed most since last year.",
                    self.n_tables + 1
                )),
            };
            if let Some(m) = up {
                let id = format!("evaluation.movers.{}.rank_change", m.base.key);
                let shown = wording::rank_change(m.rank_change.value, self.lang);
                let fig = self.reg.show(&id, &m.rank_change, shown);
                match self.lang {
                    Lang::Zh => {
                        p.t("其中")
                            .push(self.name(&m.base.name))
                            .push(fig)
                            .t("，升幅最大。");
                    }
                    Lang::En => {
                        p.t(" The largest rise was ")
                            .push(self.name(&m.base.name))
                            .t(", ")
                            .push(fig)
                            .t(".");
                    }
                }
            }
            self.para(p);
            let mut rows = Vec::new();
            for m in &e.movers {
                let id = format!("evaluation.movers.{}", m.base.key);
                rows.push(vec![
                    vec![self.name(&m.base.name)],
                    vec![self.name(&m.base.category)],
                    self.cell(&format!("{id}.previous_stars"), &m.previous_stars),
                    self.cell(&format!("{id}.stars"), &m.stars),
                    self.cell(&format!("{id}.national_rank"), &m.national_rank),
                    {
                        let shown = signed(m.rank_change.value);
                        vec![
                            self.reg
                                .show(&format!("{id}.rank_change"), &m.rank_change, shown),
                        ]
                    },
                ]);
            }
            let columns = vec![
                self.col("基地名称", "Base", false, 8),
                self.col("类别", "Category", false, 3),
                self.col("上年星级", "Stars last year", true, 3),
                self.col("本年星级", "Stars this year", true, 3),
                self.col("全国位次", "National rank", true, 2),
                self.col("位次变化", "Change in rank", true, 2),
            ];
            let title = self.tr("位次变化较大的基地", "Biggest movers").to_string();
            self.table(&title, None, columns, rows);
        }

        if !e.by_province.is_empty() {
            self.heading(
                2,
                "evaluation-provinces",
                "分省星级分布",
                "Stars by province",
            );
            let mut rows = Vec::new();
            let mut ranked: Vec<(Label, String, f64, String)> = Vec::new();
            for r in &e.by_province {
                let id = format!("evaluation.by_province.{}", r.key);
                let mut row = vec![
                    vec![self.name(&r.label)],
                    self.cell(&format!("{id}.n_bases"), &r.n_bases),
                ];
                for k in (1..=5).rev() {
                    let c = self.cell(&format!("{id}.stars.{k}"), &r.stars[k - 1]);
                    row.push(c);
                }
                rows.push(row);
                ranked.push((
                    self.label(&r.label),
                    self.plain(&r.label),
                    r.stars[3].value + r.stars[4].value,
                    id,
                ));
            }
            ranked.sort_by(|a, b| b.2.total_cmp(&a.2));
            let mut columns = vec![
                self.col("省（区、市）", "Province", false, 4),
                self.col("基地数", "Bases", true, 2),
            ];
            for k in (1..=5).rev() {
                columns.push(self.col_text(self.star_header(k), true, 2));
            }
            let title = self.tr("各省（区、市）基地星级分布", "Star ratings by province");
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => p.t(&format!("各省（区、市）基地星级分布见表{}，四星级及以上基地数量见图{}。", self.n_tables + 1, self.n_charts + 1)),
                Lang::En => p.t(&format!("Table {} gives the star ratings by province and Figure {} the number of bases with four stars or more.", self.n_tables + 1, self.n_charts + 1)),
            };
            self.para(p);
            self.table(
                title,
                Some(wording::unit_label(Unit::Count(Counter::Base), self.lang)),
                columns,
                rows,
            );
            let mut labels = Vec::new();
            let mut values = Vec::new();
            let mut names = Vec::new();
            for (label, name, value, id) in ranked {
                let s4 = format!("{id}.stars.4");
                let s5 = format!("{id}.stars.5");
                let (_, v) = self.derived_value(
                    &format!("{id}.four_plus"),
                    value,
                    Unit::Count(Counter::Base),
                    &format!("{s4} + {s5}"),
                    &[&s4, &s5],
                );
                labels.push(label);
                values.push(v);
                names.push(name);
            }
            let chart_title = self.tr(
                "各省（区、市）四星级及以上基地数量",
                "Bases with four stars or more, by province",
            );
            let alt = self.ranked_alt(chart_title, &names, &values, Unit::Count(Counter::Base));
            self.chart(Chart {
                title: chart_title.into(),
                alt,
                unit: wording::unit_label(Unit::Count(Counter::Base), self.lang),
                decimals: 0,
                kind: ChartKind::Bars {
                    labels,
                    series: vec![self.series(self.tr("四星级及以上", "4★ or more"), BLUE, values)],
                },
            });
        }

        if let Some(u) = &e.uncertainty {
            self.heading(
                2,
                "evaluation-uncertainty",
                "评价结果的稳健性",
                "How certain the ranks are",
            );
            let reps = self.prose("evaluation.uncertainty.replications", &u.replications);
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => {
                    p.t("为检验评价结果的稳健性，对指标权重、标准化方法和汇总方法的不同选择进行了")
                        .push(reps)
                        .t("蒙特卡洛模拟，统计每个基地组内位次的90%区间（第5至第95百分位）。");
                }
                Lang::En => {
                    p.t("To test how robust the results are, ")
                        .push(reps)
                        .t(" of a Monte Carlo simulation varied the weights, the normalisation and the aggregation; for each base the 90% interval (5th to 95th percentile) of its rank within its category was recorded.");
                }
            }
            let widest = u.by_category.iter().max_by(|a, b| {
                a.median_interval_width
                    .value
                    .total_cmp(&b.median_interval_width.value)
            });
            let narrowest = u.by_category.iter().min_by(|a, b| {
                a.median_interval_width
                    .value
                    .total_cmp(&b.median_interval_width.value)
            });
            if let (Some(w), Some(n)) = (widest, narrowest)
                && w.key != n.key
            {
                let wf = self.places(
                    &format!("evaluation.uncertainty.{}.median_interval_width", w.key),
                    &w.median_interval_width,
                );
                let nf = self.places(
                    &format!("evaluation.uncertainty.{}.median_interval_width", n.key),
                    &n.median_interval_width,
                );
                match self.lang {
                    Lang::Zh => {
                        p.t("其中")
                            .push(self.name(&w.label))
                            .t("类基地位次的不确定性最大，区间宽度中位数为")
                            .extend(wf)
                            .t("；")
                            .push(self.name(&n.label))
                            .t("类最小，为")
                            .extend(nf)
                            .t("。");
                    }
                    Lang::En => {
                        p.t(" Ranks are least certain in ")
                            .push(self.name(&w.label))
                            .t(" (median interval width ")
                            .extend(wf)
                            .t(") and most certain in ")
                            .push(self.name(&n.label))
                            .t(" (")
                            .extend(nf)
                            .t(").");
                    }
                }
            }
            self.para(p);
            let mut rows = Vec::new();
            for r in &u.by_category {
                let id = format!("evaluation.uncertainty.{}", r.key);
                rows.push(vec![
                    vec![self.name(&r.label)],
                    self.cell(&format!("{id}.n_bases"), &r.n_bases),
                    self.cell(
                        &format!("{id}.median_interval_width"),
                        &r.median_interval_width,
                    ),
                    self.cell(&format!("{id}.stable_star_share"), &r.stable_star_share),
                ]);
            }
            let columns = vec![
                self.col("类别", "Category", false, 4),
                self.col("基地数（家）", "Bases", true, 2),
                self.col(
                    "组内位次90%区间宽度中位数（位）",
                    "Median width of the 90% rank interval (places)",
                    true,
                    4,
                ),
                self.col(
                    "星级稳定的基地占比（%）",
                    "Bases with a stable star rating (%)",
                    true,
                    4,
                ),
            ];
            let title = self
                .tr("各类别评价结果的不确定性", "Rank uncertainty by category")
                .to_string();
            self.table(&title, None, columns, rows);
            self.note({
                let mut n = Runs::default();
                n.t(self.tr(
                    "注：星级稳定指在至少90%的模拟中星级与发布结果相同。",
                    "Note: a star rating is stable when at least 90% of the replications give the published rating.",
                ));
                n
            });
        }

        if !e.ratings.is_empty() {
            self.heading(
                2,
                "evaluation-ratings",
                "各基地评价结果",
                "Every base's rating",
            );
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => p.t(&format!("参评基地的星级见表{}，按类别和组内位次排列。", self.n_tables + 1)),
                Lang::En => p.t(&format!("Table {} gives the rating of every base evaluated, by category and rank within it.", self.n_tables + 1)),
            };
            self.para(p);
            let rows = self.rated_rows("evaluation.ratings", &e.ratings, false);
            let columns = self.rated_columns(false);
            let title = self
                .tr("各基地评价结果", "Ratings of all bases")
                .to_string();
            self.table(&title, None, columns, rows);
        }
    }

    /// A number of rank places: `12位`, `12 places` (a rank itself reads `第12位`).
    fn places(&mut self, id: &str, f: &Figure) -> Vec<Inline> {
        let shown = match self.lang {
            Lang::Zh => format!("{}位", wording::fixed(f.value, 0)),
            Lang::En => format!("{} places", wording::fixed(f.value, 0)),
        };
        vec![self.reg.show(id, f, shown)]
    }

    fn rated_rows(
        &mut self,
        prefix: &str,
        list: &[RatedBase],
        with_rank_number: bool,
    ) -> Vec<Vec<Vec<Inline>>> {
        let mut rows = Vec::with_capacity(list.len());
        for (idx, r) in list.iter().enumerate() {
            let id = format!("{prefix}.{}", r.base.key);
            let mut row = Vec::with_capacity(6);
            if with_rank_number {
                row.push(text(&(idx + 1).to_string()));
            }
            row.push(vec![self.name(&r.base.name)]);
            row.push(vec![self.name(&r.base.category)]);
            row.push(vec![self.name(&r.base.province)]);
            if with_rank_number {
                row.push(self.opt_cell(&format!("{id}.score"), r.score.as_ref()));
            } else {
                row.push(self.cell(&format!("{id}.stars"), &r.stars));
                row.push(self.opt_cell(&format!("{id}.group_rank"), r.group_rank.as_ref()));
            }
            rows.push(row);
        }
        rows
    }

    fn rated_columns(&self, five_star: bool) -> Vec<Column> {
        let mut columns = Vec::new();
        if five_star {
            columns.push(self.col("序号", "No.", true, 1));
        }
        columns.push(self.col("基地名称", "Base", false, 9));
        columns.push(self.col("类别", "Category", false, 3));
        columns.push(self.col("省（区、市）", "Province", false, 3));
        if five_star {
            columns.push(self.col("综合得分", "Score", true, 2));
        } else {
            columns.push(self.col("星级", "Stars", true, 3));
            columns.push(self.col("组内位次", "Rank in category", true, 2));
        }
        columns
    }

    fn decisions(&mut self, d: &Decisions) {
        self.heading(1, "decisions", "动态管理", "Dynamic management");
        let counts = self.decision_counts(d);
        let mut p = Runs::default();
        match self.lang {
            Lang::Zh => p.t(&format!("{}年，按照有进有出的动态管理要求，", self.year)),
            Lang::En => p.t(&format!("In {}, under the rule that bases may enter and leave the programme, the decisions were: ", self.year)),
        };
        let len = counts.len();
        for (idx, (kind, _, fig)) in counts.into_iter().enumerate() {
            match self.lang {
                Lang::Zh => {
                    p.t(if idx == 0 { "" } else { "，" })
                        .t(decision_verb_zh(kind))
                        .push(fig);
                }
                Lang::En => {
                    p.t(self.list_sep(idx, len))
                        .push(fig)
                        .t(" ")
                        .t(decision_verb_en(kind));
                }
            }
        }
        p.t(self.tr("。", "."));
        self.para(p);
        if d.items.is_empty() {
            return;
        }
        let mut rows = Vec::new();
        for item in &d.items {
            let arrow = match (&item.from_tier, &item.to_tier) {
                (Some(a), Some(b)) if a == b => vec![self.name(a)],
                (Some(a), Some(b)) => {
                    let mut r = Runs::default();
                    r.push(self.name(a)).t(" → ").push(self.name(b));
                    r.0
                }
                (None, Some(b)) => {
                    let mut r = Runs::default();
                    r.t(self.tr("新设 → ", "new → ")).push(self.name(b));
                    r.0
                }
                (Some(a), None) => {
                    let mut r = Runs::default();
                    r.push(self.name(a)).t(self.tr(" → 退出", " → removed"));
                    r.0
                }
                (None, None) => text("—"),
            };
            rows.push(vec![
                text(self.tr(decision_name_zh(item.kind), decision_name_en(item.kind))),
                vec![self.name(&item.base.name)],
                vec![self.name(&item.base.province)],
                arrow,
                text(&wording::date(item.decided_on, self.lang)),
                vec![self.name(&item.reason)],
            ]);
        }
        let columns = vec![
            self.col("类型", "Decision", false, 3),
            self.col("基地名称", "Base", false, 7),
            self.col("省（区、市）", "Province", false, 3),
            self.col("梯度", "Tier", false, 4),
            self.col("决定日期", "Date", false, 6),
            self.col("理由", "Reason", false, 9),
        ];
        let title = self
            .tr("年度梯度调整决定", "Tier decisions of the year")
            .to_string();
        self.table(&title, None, columns, rows);
    }

    fn economy(&mut self, e: &Economy, roll: &Roll) {
        self.heading(1, "economy", "经济运行", "The economy of the bases");
        self.heading(2, "economy-headline", "主要经济指标", "Headline figures");
        let year = self.year;
        let mut p = Runs::default();
        let n = self.prose("roll.n_bases", &roll.n_bases);
        match self.lang {
            Lang::Zh => {
                p.t(&format!("{year}年，全国"))
                    .push(n)
                    .t("国家级示范基地实现营业收入");
            }
            Lang::En => {
                p.t(&format!("In {year}, the "))
                    .push(n)
                    .t(" earned operating revenue of ");
            }
        }
        let m = self.measure("economy.revenue", &e.revenue, true);
        p.extend(m);
        let parts: [(&str, &Option<Measure>, &str, &str); 3] = [
            (
                "economy.value_added",
                &e.value_added,
                "；实现工业增加值",
                "; industrial value added of ",
            ),
            (
                "economy.profit",
                &e.profit,
                "；实现利润总额",
                "; total profit of ",
            ),
            (
                "economy.exports",
                &e.exports,
                "；完成出口交货值",
                "; export delivery value of ",
            ),
        ];
        for (id, measure, zh, en) in parts {
            if let Some(m) = measure {
                p.t(self.tr(zh, en));
                let runs = self.measure(id, m, true);
                p.extend(runs);
            }
        }
        p.t(self.tr("。", "."));
        if let Some(m) = &e.n_large_firms {
            p.t(self.tr("示范基地拥有规模以上工业企业", " The bases had "));
            let runs = self.measure("economy.n_large_firms", m, false);
            p.extend(runs);
            p.t(self.tr("。", " above-scale industrial enterprises (counted above)."));
        }
        if let Some(m) = &e.rd_intensity {
            p.t(self.tr("研发经费投入强度为", " R&D intensity was "));
            let runs = self.measure("economy.rd_intensity", m, false);
            p.extend(runs);
            p.t(self.tr("。", "."));
        }
        self.para(p);

        // The headline table.
        let mut rows = Vec::new();
        let headline: [(&str, Option<&Measure>, &str, &str); 6] = [
            (
                "economy.revenue",
                Some(&e.revenue),
                "营业收入",
                "Operating revenue",
            ),
            (
                "economy.value_added",
                e.value_added.as_ref(),
                "工业增加值",
                "Industrial value added",
            ),
            (
                "economy.profit",
                e.profit.as_ref(),
                "利润总额",
                "Total profit",
            ),
            (
                "economy.exports",
                e.exports.as_ref(),
                "出口交货值",
                "Export delivery value",
            ),
            (
                "economy.n_large_firms",
                e.n_large_firms.as_ref(),
                "规模以上工业企业数",
                "Above-scale industrial enterprises",
            ),
            (
                "economy.rd_intensity",
                e.rd_intensity.as_ref(),
                "研发经费投入强度",
                "R&D intensity",
            ),
        ];
        for (id, m, zh, en) in headline {
            let Some(m) = m else { continue };
            rows.push(self.measure_row(id, m, zh, en));
        }
        let columns = self.measure_columns(true);
        let title = self
            .tr(
                "示范基地主要经济指标",
                "Headline economic figures of the bases",
            )
            .to_string();
        self.table(&title, None, columns, rows);

        if e.revenue_trend.len() >= 2 {
            let labels = e
                .revenue_trend
                .iter()
                .map(|y| Label {
                    text: match self.lang {
                        Lang::Zh => format!("{}年", y.year),
                        Lang::En => y.year.to_string(),
                    },
                    foreign: false,
                })
                .collect();
            let values: Vec<Value> = e
                .revenue_trend
                .iter()
                .map(|y| self.chart_value(&format!("economy.revenue_trend.{}", y.year), &y.value))
                .collect();
            let title = match self.lang {
                Lang::Zh => format!(
                    "{}—{}年示范基地营业收入",
                    e.revenue_trend[0].year,
                    e.revenue_trend.last().map_or(year, |y| y.year)
                ),
                Lang::En => format!(
                    "Operating revenue of the bases, {}–{}",
                    e.revenue_trend[0].year,
                    e.revenue_trend.last().map_or(year, |y| y.year)
                ),
            };
            let unit = wording::unit_label(Unit::Yuan100m, self.lang);
            let (first, last) = (&values[0], &values[values.len() - 1]);
            let alt = match self.lang {
                Lang::Zh => format!("{title}：由{}{unit}变为{}{unit}。", first.text, last.text),
                Lang::En => format!("{title}: from {} to {} {unit}.", first.text, last.text),
            };
            self.chart(Chart {
                title,
                alt,
                unit,
                decimals: wording::table_decimals(Unit::Yuan100m, self.lang),
                kind: ChartKind::Line {
                    labels,
                    series: vec![self.series(
                        self.tr("营业收入", "Operating revenue"),
                        BLUE,
                        values,
                    )],
                },
            });
        }

        for (rows_in, anchor, zh, en, key) in [
            (
                &e.by_category,
                "economy-categories",
                "分类别经济运行",
                "By category",
                "by_category",
            ),
            (
                &e.by_region,
                "economy-regions",
                "分区域经济运行",
                "By region",
                "by_region",
            ),
        ] {
            if rows_in.is_empty() {
                continue;
            }
            self.heading(2, anchor, zh, en);
            self.economy_group(rows_in, key);
        }

        if !e.top_bases.is_empty() {
            self.heading(2, "economy-top", "营业收入居前的基地", "The largest bases");
            let first = &e.top_bases[0];
            let fig = self.prose(
                &format!("economy.top_bases.{}.revenue", first.base.key),
                &first.value,
            );
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => {
                    p.t(&format!(
                        "营业收入居前{}位的基地见表{}。其中",
                        e.top_bases.len(),
                        self.n_tables + 1
                    ))
                    .push(self.name(&first.base.name))
                    .t("营业收入最高，达")
                    .push(fig)
                    .t("。");
                }
                Lang::En => {
                    p.t(&format!(
                        "Table {} lists the {} bases with the largest revenue. The largest is ",
                        self.n_tables + 1,
                        e.top_bases.len()
                    ))
                    .push(self.name(&first.base.name))
                    .t(", with ")
                    .push(fig)
                    .t(".");
                }
            }
            self.para(p);
            let mut rows = Vec::new();
            for (idx, b) in e.top_bases.iter().enumerate() {
                rows.push(vec![
                    text(&(idx + 1).to_string()),
                    vec![self.name(&b.base.name)],
                    vec![self.name(&b.base.category)],
                    vec![self.name(&b.base.province)],
                    self.cell(
                        &format!("economy.top_bases.{}.revenue", b.base.key),
                        &b.value,
                    ),
                ]);
            }
            let columns = vec![
                self.col("序号", "No.", true, 1),
                self.col("基地名称", "Base", false, 9),
                self.col("类别", "Category", false, 3),
                self.col("省（区、市）", "Province", false, 3),
                self.col_text(
                    self.unit_header("营业收入", "Revenue", Unit::Yuan100m),
                    true,
                    3,
                ),
            ];
            let title = self
                .tr("营业收入居前的基地", "Bases with the largest revenue")
                .to_string();
            self.table(&title, None, columns, rows);
        }
    }

    fn measure_columns(&self, with_unit: bool) -> Vec<Column> {
        let mut columns = vec![self.col("指标", "Indicator", false, 5)];
        if with_unit {
            columns.push(self.col("单位", "Unit", false, 3));
        }
        columns.push(self.col_text(format!("{}{}", self.year, self.tr("年", "")), true, 3));
        columns.push(self.col_text(format!("{}{}", self.year - 1, self.tr("年", "")), true, 3));
        columns.push(self.col("同比（%）", "Change on last year (%)", true, 3));
        if with_unit {
            columns.push(self.col("占全国比重（%）", "Share of national total (%)", true, 3));
        }
        columns
    }

    fn measure_row(&mut self, id: &str, m: &Measure, zh: &str, en: &str) -> Vec<Vec<Inline>> {
        vec![
            text(self.tr(zh, en)),
            text(&wording::unit_label(m.current.unit, self.lang)),
            self.cell(id, &m.current),
            self.opt_cell(&format!("{id}.previous"), m.previous.as_ref()),
            self.change_cell(id, &m.current, m.previous.as_ref()),
            self.opt_cell(&format!("{id}.national_share"), m.national_share.as_ref()),
        ]
    }

    fn economy_group(&mut self, group: &[EconomyRow], key: &str) {
        let mut rows = Vec::new();
        for r in group {
            let id = format!("economy.{key}.{}", r.key);
            let rev_id = format!("{id}.revenue");
            rows.push(vec![
                vec![self.name(&r.label)],
                self.cell(&format!("{id}.n_bases"), &r.n_bases),
                self.cell(&rev_id, &r.revenue),
                self.change_cell(&rev_id, &r.revenue, r.revenue_previous.as_ref()),
                self.opt_cell(&format!("{id}.profit"), r.profit.as_ref()),
            ]);
        }
        let mut sorted: Vec<&EconomyRow> = group.iter().collect();
        sorted.sort_by(|a, b| b.revenue.value.total_cmp(&a.revenue.value));
        let fastest = group
            .iter()
            .filter_map(|r| {
                r.revenue_previous
                    .as_ref()
                    .and_then(|p| wording::growth_rate(r.revenue.value, p.value))
                    .map(|g| (r, g))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let mut p = Runs::default();
        let top = sorted[0];
        let top_fig = self.prose(&format!("economy.{key}.{}.revenue", top.key), &top.revenue);
        match self.lang {
            Lang::Zh => {
                p.t("营业收入规模最大的是")
                    .push(self.name(&top.label))
                    .t("，为")
                    .push(top_fig);
            }
            Lang::En => {
                p.t("The largest by revenue is ")
                    .push(self.name(&top.label))
                    .t(", with ")
                    .push(top_fig);
            }
        }
        if let Some((r, g)) = fastest {
            let same = r.key == top.key;
            let id = format!("economy.{key}.{}.revenue", r.key);
            let prev_id = format!("{id}.previous");
            let fig = self.reg.show_derived(
                &format!("{id}.growth"),
                g,
                Unit::Percent,
                &format!("({id} / {prev_id} - 1) * 100"),
                &[&id, &prev_id],
                wording::percent(g),
            );
            match (self.lang, same) {
                (Lang::Zh, false) => {
                    p.t("；增长最快的是")
                        .push(self.name(&r.label))
                        .t("，同比增长")
                        .push(fig);
                }
                (Lang::Zh, true) => {
                    p.t("，增长也最快，同比增长").push(fig);
                }
                (Lang::En, false) => {
                    p.t("; the fastest growing is ")
                        .push(self.name(&r.label))
                        .t(", up ")
                        .push(fig)
                        .t(" year on year");
                }
                (Lang::En, true) => {
                    p.t(", and it also grew fastest, up ")
                        .push(fig)
                        .t(" year on year");
                }
            }
        }
        p.t(self.tr("。", "."));
        self.para(p);
        let columns = vec![
            self.col(
                if key == "by_region" {
                    "地区"
                } else {
                    "类别"
                },
                if key == "by_region" {
                    "Region"
                } else {
                    "Category"
                },
                false,
                4,
            ),
            self.col("基地数（家）", "Bases", true, 2),
            self.col_text(
                self.unit_header("营业收入", "Revenue", Unit::Yuan100m),
                true,
                3,
            ),
            self.col("同比增长（%）", "Growth (%)", true, 3),
            self.col_text(
                self.unit_header("利润总额", "Profit", Unit::Yuan100m),
                true,
                3,
            ),
        ];
        let title = if key == "by_region" {
            self.tr("分区域示范基地主要经济指标", "Economic figures by region")
        } else {
            self.tr("分类别示范基地主要经济指标", "Economic figures by category")
        }
        .to_string();
        self.table(&title, None, columns, rows);

        // Revenue this year and last, ranked by this year: two series, so a legend.
        let labels = sorted.iter().map(|r| self.label(&r.label)).collect();
        let current: Vec<Value> = sorted
            .iter()
            .map(|r| self.chart_value(&format!("economy.{key}.{}.revenue", r.key), &r.revenue))
            .collect();
        let has_previous = sorted.iter().all(|r| r.revenue_previous.is_some());
        let mut series = vec![self.series(
            &format!("{}{}", self.year, self.tr("年", "")),
            BLUE,
            current.clone(),
        )];
        if has_previous {
            let previous: Vec<Value> = sorted
                .iter()
                .map(|r| {
                    let f = r.revenue_previous.as_ref().expect("checked above");
                    self.chart_value(&format!("economy.{key}.{}.revenue.previous", r.key), f)
                })
                .collect();
            series.push(self.series(
                &format!("{}{}", self.year - 1, self.tr("年", "")),
                LIGHT_BLUE,
                previous,
            ));
        }
        let title = if key == "by_region" {
            self.tr("分区域示范基地营业收入", "Operating revenue by region")
        } else {
            self.tr("分类别示范基地营业收入", "Operating revenue by category")
        };
        let names: Vec<String> = sorted.iter().map(|r| self.plain(&r.label)).collect();
        let mut alt = self.ranked_alt(title, &names, &current, Unit::Yuan100m);
        if has_previous {
            alt.push_str(self.tr(
                "图中同时给出上年数值。",
                " Last year's values are shown beside them.",
            ));
        }
        self.chart(Chart {
            title: title.into(),
            alt,
            unit: wording::unit_label(Unit::Yuan100m, self.lang),
            decimals: wording::table_decimals(Unit::Yuan100m, self.lang),
            kind: ChartKind::Bars { labels, series },
        });
    }

    fn key_indicators(&mut self, prefix: &str, list: &[KeyIndicator], p: &mut Runs) {
        for (idx, k) in list.iter().enumerate() {
            let id = format!("{prefix}.{}", k.key);
            p.t(match (self.lang, idx) {
                (Lang::Zh, 0) => "",
                (Lang::Zh, _) => "；",
                (Lang::En, 0) => "",
                (Lang::En, _) => "; ",
            });
            p.push(self.name(&k.name));
            p.t(self.tr("", ": "));
            let runs = self.measure(&id, &k.measure, true);
            p.extend(runs);
        }
        if !list.is_empty() {
            p.t(self.tr("。", "."));
        }
    }

    fn key_indicator_table(
        &mut self,
        prefix: &str,
        list: &[(String, Name, &Measure)],
        zh: &str,
        en: &str,
    ) {
        if list.is_empty() {
            return;
        }
        let mut rows = Vec::new();
        for (key, name, m) in list {
            let id = format!("{prefix}.{key}");
            let mut row = vec![vec![self.name(name)]];
            row.push(text(&wording::unit_label(m.current.unit, self.lang)));
            row.push(self.cell(&id, &m.current));
            row.push(self.opt_cell(&format!("{id}.previous"), m.previous.as_ref()));
            row.push(self.change_cell(&id, &m.current, m.previous.as_ref()));
            row.push(self.opt_cell(&format!("{id}.national_share"), m.national_share.as_ref()));
            rows.push(row);
        }
        let columns = self.measure_columns(true);
        let title = self.tr(zh, en).to_string();
        self.table(&title, None, columns, rows);
    }

    fn innovation(&mut self, i: &Innovation) {
        self.heading(1, "innovation", "创新驱动", "Innovation");
        let mut p = Runs::default();
        p.t(&match self.lang {
            Lang::Zh => format!("{}年，示范基地", self.year),
            Lang::En => format!("In {}, the bases recorded: ", self.year),
        });
        self.key_indicators("innovation", &i.indicators, &mut p);
        if !i.indicators.is_empty() {
            self.para(p);
        }
        let list: Vec<(String, Name, &Measure)> = i
            .indicators
            .iter()
            .map(|k| (k.key.clone(), k.name.clone(), &k.measure))
            .collect();
        self.key_indicator_table(
            "innovation",
            &list,
            "示范基地创新指标",
            "Innovation indicators",
        );
        if !i.rd_intensity_by_category.is_empty() {
            let mut items: Vec<&Item> = i.rd_intensity_by_category.iter().collect();
            items.sort_by(|a, b| b.value.value.total_cmp(&a.value.value));
            let (hi, lo) = (items[0], items[items.len() - 1]);
            let hi_fig = self.prose(
                &format!("innovation.rd_intensity_by_category.{}", hi.key),
                &hi.value,
            );
            let lo_fig = self.prose(
                &format!("innovation.rd_intensity_by_category.{}", lo.key),
                &lo.value,
            );
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => {
                    p.t("分类别看，")
                        .push(self.name(&hi.label))
                        .t("类基地研发经费投入强度最高，为")
                        .push(hi_fig)
                        .t("；")
                        .push(self.name(&lo.label))
                        .t("类最低，为")
                        .push(lo_fig)
                        .t("。");
                }
                Lang::En => {
                    p.t("By category, R&D intensity is highest in ")
                        .push(self.name(&hi.label))
                        .t(" (")
                        .push(hi_fig)
                        .t(") and lowest in ")
                        .push(self.name(&lo.label))
                        .t(" (")
                        .push(lo_fig)
                        .t(").");
                }
            }
            self.para(p);
            let labels = items.iter().map(|x| self.label(&x.label)).collect();
            let values: Vec<Value> = items
                .iter()
                .map(|x| {
                    self.chart_value(
                        &format!("innovation.rd_intensity_by_category.{}", x.key),
                        &x.value,
                    )
                })
                .collect();
            let names: Vec<String> = items.iter().map(|x| self.plain(&x.label)).collect();
            let title = self.tr(
                "各类别示范基地研发经费投入强度",
                "R&D intensity by category",
            );
            let alt = self.ranked_alt(title, &names, &values, Unit::Percent);
            self.chart(Chart {
                title: title.into(),
                alt,
                unit: "%".into(),
                decimals: 1,
                kind: ChartKind::Bars {
                    labels,
                    series: vec![self.series(
                        self.tr("研发经费投入强度", "R&D intensity"),
                        BLUE,
                        values,
                    )],
                },
            });
        }
    }

    fn green_safety(&mut self, g: &GreenSafety) {
        self.heading(
            1,
            "green",
            "绿色低碳与安全生产",
            "Green development and safety",
        );
        let mut clauses: Vec<Vec<Inline>> = Vec::new();
        if let Some(m) = &g.energy_intensity {
            let mut c = Runs::default();
            c.t(self.tr(
                "单位工业增加值能耗为",
                "energy use per 10,000 yuan of value added was ",
            ));
            c.extend(self.measure("green.energy_intensity", m, false));
            clauses.push(c.0);
        }
        if let Some(m) = &g.carbon {
            let mut c = Runs::default();
            c.t(self.tr("二氧化碳排放量为", "CO₂ emissions were "));
            c.extend(self.measure("green.carbon", m, false));
            clauses.push(c.0);
        }
        let mut p = Runs::default();
        if !clauses.is_empty() {
            p.t(&match self.lang {
                Lang::Zh => format!("{}年，示范基地", self.year),
                Lang::En => format!("In {}, ", self.year),
            });
            for (idx, c) in clauses.into_iter().enumerate() {
                if idx > 0 {
                    p.t(self.tr("；", "; "));
                }
                p.extend(c);
            }
            p.t(self.tr("。", ". "));
        }
        if !g.indicators.is_empty() {
            p.t(self.tr("其他绿色指标：", "Other green indicators: "));
            self.key_indicators("green", &g.indicators, &mut p);
        }
        self.para(p);
        let mut list: Vec<(String, Name, &Measure)> = Vec::new();
        if let Some(m) = &g.energy_intensity {
            list.push((
                "energy_intensity".into(),
                Name::new(
                    "单位工业增加值能耗",
                    "Energy use per 10,000 yuan of value added",
                ),
                m,
            ));
        }
        if let Some(m) = &g.carbon {
            list.push((
                "carbon".into(),
                Name::new("二氧化碳排放量", "CO₂ emissions"),
                m,
            ));
        }
        for k in &g.indicators {
            list.push((k.key.clone(), k.name.clone(), &k.measure));
        }
        self.key_indicator_table("green", &list, "示范基地绿色低碳指标", "Green indicators");

        if !g.incidents.is_empty() {
            self.heading(
                2,
                "green-safety",
                "安全生产与环境事件",
                "Safety and environmental incidents",
            );
            let mut p = Runs::default();
            let nonzero: Vec<&IncidentRow> =
                g.incidents.iter().filter(|r| r.count.value > 0.0).collect();
            if nonzero.is_empty() {
                p.t(self.tr(
                    "全年示范基地未发生表中所列等级的生产安全事故和突发环境事件。",
                    "No incident of the grades listed occurred in the bases during the year.",
                ));
            } else {
                p.t(self.tr("全年示范基地共发生", "During the year the bases had "));
                let len = nonzero.len();
                for (idx, r) in nonzero.into_iter().enumerate() {
                    let fig = self.prose(&format!("green.incidents.{}", r.key), &r.count);
                    p.t(self.list_sep(idx, len));
                    match self.lang {
                        Lang::Zh => {
                            p.push(self.name(&r.grade))
                                .push(self.name(&r.kind))
                                .push(fig);
                        }
                        Lang::En => {
                            p.push(fig)
                                .t(" (")
                                .push(self.name(&r.kind))
                                .t(", ")
                                .push(self.name(&r.grade))
                                .t(")");
                        }
                    }
                }
                p.t(self.tr("。", "."));
            }
            self.para(p);
            let mut rows = Vec::new();
            for r in &g.incidents {
                let id = format!("green.incidents.{}", r.key);
                rows.push(vec![
                    vec![self.name(&r.kind)],
                    vec![self.name(&r.grade)],
                    self.cell(&id, &r.count),
                    self.opt_cell(&format!("{id}.previous"), r.previous.as_ref()),
                ]);
            }
            let columns = vec![
                self.col("类型", "Kind", false, 4),
                self.col("等级", "Grade", false, 3),
                self.col_text(
                    format!("{}{}", self.year, self.tr("年（起）", " (incidents)")),
                    true,
                    2,
                ),
                self.col_text(
                    format!("{}{}", self.year - 1, self.tr("年（起）", " (incidents)")),
                    true,
                    2,
                ),
            ];
            let title = self
                .tr(
                    "生产安全事故和突发环境事件",
                    "Safety accidents and environmental incidents",
                )
                .to_string();
            self.table(&title, None, columns, rows);
        }
        if !g.vetoed.is_empty() {
            let mut p = Runs::default();
            let n = self.derived_count(
                "green.vetoed.count",
                g.vetoed.len(),
                Counter::Base,
                "number of vetoed bases listed",
            );
            match self.lang {
                Lang::Zh => p
                    .t("因一票否决事项，")
                    .push(n)
                    .t("基地的评价星级受到限制："),
                Lang::En => p.t("A one-vote veto capped the rating of ").push(n).t(":"),
            };
            self.para(p);
            let items = g
                .vetoed
                .iter()
                .map(|v| {
                    let mut r = Runs::default();
                    r.push(self.name(&v.base.name))
                        .t(self.tr("：", ": "))
                        .push(self.name(&v.reason));
                    r.0
                })
                .collect();
            self.blocks.push(Block::Bullets(items));
        }
    }

    fn monitoring(&mut self, m: &Monitoring) {
        self.heading(1, "monitoring", "运行监测与预警", "Monitoring and warnings");
        let mut p = Runs::default();
        let n = self.prose("monitoring.n_bases_monitored", &m.n_bases_monitored);
        let total = self.warning_total(m, false);
        match self.lang {
            Lang::Zh => {
                p.t(&format!("{}年，对", self.year))
                    .push(n)
                    .t("基地开展月度运行监测，共发出预警")
                    .push(total)
                    .t("，其中");
            }
            Lang::En => {
                p.t(&format!("In {}, monthly monitoring covered ", self.year))
                    .push(n)
                    .t(" and issued ")
                    .push(total)
                    .t(": ");
            }
        }
        for (idx, level) in WarningLevel::ALL.into_iter().enumerate() {
            let fig = self.prose(
                &format!("monitoring.warnings.{}", level.code()),
                &m.warnings[idx],
            );
            p.t(self.list_sep(idx, 4));
            match self.lang {
                Lang::Zh => {
                    p.t(warning_name_zh(level)).push(fig);
                }
                Lang::En => {
                    p.push(fig).t(" (").t(warning_name_en(level)).t(")");
                }
            }
        }
        p.t(self.tr("。", "."));
        if let Some(last) = m.revenue_growth_by_month.last() {
            let id = format!("monitoring.revenue_growth.{}", last.month);
            let phrase = if last.value.value >= 0.0 {
                self.tr("累计同比增长", "was up ")
            } else {
                self.tr("累计同比下降", "was down ")
            };
            let shown = wording::percent(last.value.value.abs());
            let fig = self.reg.show(&id, &last.value, shown);
            match self.lang {
                Lang::Zh => {
                    p.t(&format!("1—{}月，监测基地营业收入", last.month))
                        .t(phrase)
                        .push(fig)
                        .t("。");
                }
                Lang::En => {
                    p.t(&format!(
                        " Year-to-date revenue of the monitored bases to {} ",
                        wording::month_name(last.month, self.lang)
                    ))
                    .t(phrase)
                    .push(fig)
                    .t(" year on year.");
                }
            }
        }
        self.para(p);

        if m.revenue_growth_by_month.len() >= 2 {
            let labels = m
                .revenue_growth_by_month
                .iter()
                .map(|x| Label {
                    text: wording::month_short(x.month, self.lang),
                    foreign: false,
                })
                .collect();
            let values: Vec<Value> = m
                .revenue_growth_by_month
                .iter()
                .map(|x| {
                    self.chart_value(&format!("monitoring.revenue_growth.{}", x.month), &x.value)
                })
                .collect();
            let title = self.tr(
                "监测基地营业收入累计同比增速",
                "Year-to-date revenue growth of the monitored bases",
            );
            let alt = match self.lang {
                Lang::Zh => format!(
                    "{title}：{}个月，由{}%变为{}%。",
                    values.len(),
                    values[0].text,
                    values[values.len() - 1].text
                ),
                Lang::En => format!(
                    "{title}: {} months, from {}% to {}%.",
                    values.len(),
                    values[0].text,
                    values[values.len() - 1].text
                ),
            };
            self.chart(Chart {
                title: title.into(),
                alt,
                unit: "%".into(),
                decimals: 1,
                kind: ChartKind::Line {
                    labels,
                    series: vec![self.series(
                        self.tr("累计同比增速", "Growth, year to date"),
                        BLUE,
                        values,
                    )],
                },
            });
        }

        if !m.by_month.is_empty() {
            self.heading(2, "monitoring-months", "各月预警情况", "Warnings by month");
            let mut rows = Vec::new();
            let mut series_values: Vec<Vec<Value>> = vec![Vec::new(); 4];
            for row in &m.by_month {
                let mut cells = vec![text(&wording::month_name(row.month, self.lang))];
                let ids: Vec<String> = WarningLevel::ALL
                    .iter()
                    .map(|l| format!("monitoring.by_month.{}.{}", row.month, l.code()))
                    .collect();
                for (k, id) in ids.iter().enumerate() {
                    cells.push(self.cell(id, &row.counts[k]));
                    let v = self.chart_value(id, &row.counts[k]);
                    series_values[k].push(v);
                }
                let total: f64 = row.counts.iter().map(|f| f.value).sum();
                let inputs: Vec<&str> = ids.iter().map(String::as_str).collect();
                let (fig, _) = self.derived_value(
                    &format!("monitoring.by_month.{}.total", row.month),
                    total,
                    Unit::Count(Counter::Warning),
                    &ids.join(" + "),
                    &inputs,
                );
                cells.push(vec![fig]);
                rows.push(cells);
            }
            let peak = m
                .by_month
                .iter()
                .max_by(|a, b| {
                    let sa: f64 = a.counts.iter().map(|f| f.value).sum();
                    let sb: f64 = b.counts.iter().map(|f| f.value).sum();
                    sa.total_cmp(&sb).then(b.month.cmp(&a.month))
                })
                .expect("not empty");
            let mut p = Runs::default();
            let ids: Vec<String> = WarningLevel::ALL
                .iter()
                .map(|l| format!("monitoring.by_month.{}.{}", peak.month, l.code()))
                .collect();
            let inputs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let peak_total: f64 = peak.counts.iter().map(|f| f.value).sum();
            let fig = self.reg.show_derived(
                &format!("monitoring.by_month.{}.total", peak.month),
                peak_total,
                Unit::Count(Counter::Warning),
                &ids.join(" + "),
                &inputs,
                wording::count(peak_total, Counter::Warning, self.lang),
            );
            match self.lang {
                Lang::Zh => {
                    p.t(&format!(
                        "预警最多的月份是{}，共",
                        wording::month_name(peak.month, self.lang)
                    ))
                    .push(fig)
                    .t("。");
                }
                Lang::En => {
                    p.t(&format!(
                        "Most warnings were issued in {}: ",
                        wording::month_name(peak.month, self.lang)
                    ))
                    .push(fig)
                    .t(".");
                }
            }
            self.para(p);
            let mut columns = vec![self.col("月份", "Month", false, 2)];
            for level in WarningLevel::ALL {
                columns.push(self.col(warning_name_zh(level), warning_name_en(level), true, 2));
            }
            columns.push(self.col("合计", "Total", true, 2));
            let title = self.tr("各月预警数量", "Warnings by month").to_string();
            self.table(
                &title,
                Some(wording::unit_label(
                    Unit::Count(Counter::Warning),
                    self.lang,
                )),
                columns,
                rows,
            );
            let series = WarningLevel::ALL
                .into_iter()
                .zip(series_values)
                .map(|(level, values)| Series {
                    name: self
                        .tr(warning_name_zh(level), warning_name_en(level))
                        .to_string(),
                    color: WARNING_COLORS[level as usize].into(),
                    values,
                })
                .collect();
            let labels = m
                .by_month
                .iter()
                .map(|x| Label {
                    text: wording::month_short(x.month, self.lang),
                    foreign: false,
                })
                .collect();
            let title = self.tr("各月预警数量", "Warnings by month");
            let alt = match self.lang {
                Lang::Zh => format!(
                    "{title}：蓝色、黄色、橙色、红色四条折线，{}个月，预警最多的月份是{}。",
                    m.by_month.len(),
                    wording::month_name(peak.month, self.lang)
                ),
                Lang::En => format!(
                    "{title}: four lines (blue, yellow, orange, red) over {} months; the most warnings were in {}.",
                    m.by_month.len(),
                    wording::month_name(peak.month, self.lang)
                ),
            };
            self.chart(Chart {
                title: title.into(),
                alt,
                unit: wording::unit_label(Unit::Count(Counter::Warning), self.lang),
                decimals: 0,
                kind: ChartKind::Line { labels, series },
            });
        }

        if !m.notable.is_empty() {
            self.heading(
                2,
                "monitoring-notable",
                "橙色和红色预警",
                "Orange and red warnings",
            );
            let mut rows = Vec::new();
            for w in &m.notable {
                rows.push(vec![
                    vec![self.name(&w.base.name)],
                    vec![self.name(&w.base.province)],
                    text(&wording::month_name(w.month, self.lang)),
                    text(self.tr(warning_name_zh(w.level), warning_name_en(w.level))),
                    vec![self.name(&w.signal)],
                ]);
            }
            let columns = vec![
                self.col("基地名称", "Base", false, 8),
                self.col("省（区、市）", "Province", false, 3),
                self.col("月份", "Month", false, 2),
                self.col("等级", "Level", false, 2),
                self.col("预警信号", "Signal", false, 7),
            ];
            let title = self
                .tr("橙色和红色预警", "Orange and red warnings")
                .to_string();
            self.table(&title, None, columns, rows);
        }
    }

    fn collection(&mut self, c: &Collection) {
        self.heading(1, "collection", "数据采集", "Data collection");
        let mut p = Runs::default();
        let comp = self.prose("collection.completeness", &c.completeness);
        let time = self.prose("collection.timeliness", &c.timeliness);
        match self.lang {
            Lang::Zh => {
                p.t(&format!("{}年，示范基地数据填报完整率为", self.year))
                    .push(comp)
                    .t("，按时报送率为")
                    .push(time);
            }
            Lang::En => {
                p.t(&format!("In {}, ", self.year))
                    .push(comp)
                    .t(" of the expected values were reported, and ")
                    .push(time)
                    .t(" of submissions arrived on time");
            }
        }
        if let Some(n) = &c.n_submissions {
            let nf = self.prose("collection.n_submissions", n);
            match self.lang {
                Lang::Zh => p.t("；共收到填报").push(nf),
                Lang::En => p.t("; ").push(nf).t(" were received"),
            };
            if let Some(r) = &c.n_returned {
                let rf = self.prose("collection.n_returned", r);
                let share = self.derived_share(
                    "collection.return_rate",
                    ("collection.n_returned", r.value),
                    ("collection.n_submissions", n.value),
                    false,
                );
                match self.lang {
                    Lang::Zh => p.t("，退回修改").push(rf).t("，退回率").push(share),
                    Lang::En => p
                        .t(", of which ")
                        .push(rf)
                        .t(" were returned for correction (")
                        .push(share)
                        .t(")"),
                };
            }
        }
        p.t(self.tr("。", "."));
        self.para(p);
        if c.by_province.is_empty() {
            return;
        }
        let mut sorted: Vec<&CollectionRow> = c.by_province.iter().collect();
        sorted.sort_by(|a, b| b.completeness.value.total_cmp(&a.completeness.value));
        let lowest = sorted[sorted.len() - 1];
        let lf = self.prose(
            &format!("collection.by_province.{}.completeness", lowest.key),
            &lowest.completeness,
        );
        let mut p = Runs::default();
        match self.lang {
            Lang::Zh => {
                p.t("分省看，填报完整率最低的是")
                    .push(self.name(&lowest.province))
                    .t("，为")
                    .push(lf)
                    .t("。");
            }
            Lang::En => {
                p.t("Completeness was lowest in ")
                    .push(self.name(&lowest.province))
                    .t(", at ")
                    .push(lf)
                    .t(".");
            }
        }
        self.para(p);
        let mut rows = Vec::new();
        for r in &c.by_province {
            let id = format!("collection.by_province.{}", r.key);
            rows.push(vec![
                vec![self.name(&r.province)],
                self.cell(&format!("{id}.n_bases"), &r.n_bases),
                self.cell(&format!("{id}.completeness"), &r.completeness),
                self.cell(&format!("{id}.timeliness"), &r.timeliness),
            ]);
        }
        let columns = vec![
            self.col("省（区、市）", "Province", false, 4),
            self.col("基地数（家）", "Bases", true, 2),
            self.col("填报完整率（%）", "Completeness (%)", true, 3),
            self.col("按时报送率（%）", "On time (%)", true, 3),
        ];
        let title = self
            .tr("各省（区、市）数据填报情况", "Data collection by province")
            .to_string();
        self.table(&title, None, columns, rows);
        let labels = sorted.iter().map(|r| self.label(&r.province)).collect();
        let values: Vec<Value> = sorted
            .iter()
            .map(|r| {
                self.chart_value(
                    &format!("collection.by_province.{}.completeness", r.key),
                    &r.completeness,
                )
            })
            .collect();
        let names: Vec<String> = sorted.iter().map(|r| self.plain(&r.province)).collect();
        let title = self.tr(
            "各省（区、市）数据填报完整率",
            "Completeness of data by province",
        );
        let alt = self.ranked_alt(title, &names, &values, Unit::Percent);
        self.chart(Chart {
            title: title.into(),
            alt,
            unit: "%".into(),
            decimals: 1,
            kind: ChartKind::Bars {
                labels,
                series: vec![self.series(self.tr("填报完整率", "Completeness"), BLUE, values)],
            },
        });
    }

    fn appendix(&mut self, a: Option<&Appendix>, synthetic: bool) {
        self.in_appendix = true;
        self.heading(1, "appendix", "附录", "Appendix");
        if let Some(a) = a {
            if !a.indicators.is_empty() {
                self.heading(
                    2,
                    "appendix-indicators",
                    "指标定义",
                    "Indicator definitions",
                );
                let mut rows = Vec::new();
                for d in &a.indicators {
                    rows.push(vec![
                        text(&d.code),
                        vec![self.name(&d.name)],
                        vec![self.name(&d.unit)],
                        vec![self.name(&d.dimension)],
                        text(match d.direction {
                            Direction::Benefit => self.tr("正向", "higher is better"),
                            Direction::Cost => self.tr("逆向", "lower is better"),
                        }),
                        d.definition
                            .as_ref()
                            .map_or_else(|| text("—"), |x| vec![self.name(x)]),
                    ]);
                }
                let columns = vec![
                    self.col("代码", "Code", false, 5),
                    self.col("指标", "Indicator", false, 9),
                    self.col("单位", "Unit", false, 4),
                    self.col("维度", "Dimension", false, 5),
                    self.col("方向", "Direction", false, 3),
                    self.col("定义", "Definition", false, 8),
                ];
                let title = self
                    .tr("评价与监测指标", "Indicators of evaluation and monitoring")
                    .to_string();
                self.table(&title, None, columns, rows);
            }
            if let Some(s) = &a.scheme {
                self.scheme(s);
            }
            if !a.data_sources.is_empty() {
                self.heading(2, "appendix-sources", "数据来源", "Data sources");
                let items = a
                    .data_sources
                    .iter()
                    .map(|d| {
                        let mut r = Runs::default();
                        r.push(self.name(&d.name))
                            .t(self.tr("：", ": "))
                            .push(self.name(&d.detail));
                        r.0
                    })
                    .collect();
                self.blocks.push(Block::Bullets(items));
            }
        }
        if synthetic {
            self.heading(
                2,
                "appendix-synthetic",
                "关于模拟数据的说明",
                "About the synthetic data",
            );
            let mut p = Runs::default();
            p.t(self.tr(
                "本报告中的全部数值均由系统按公开资料披露的量级生成，基地名称亦为示例，仅用于演示报告的生成方式和版式，不代表任何基地的真实情况，不得引用。",
                "Every number in this report was generated by the system at magnitudes taken from public sources, and the base names are examples. The report shows how the annual report is produced and laid out; it describes no real base and must not be cited.",
            ));
            self.para(p);
        }
    }

    fn scheme(&mut self, s: &SchemeSummary) {
        self.heading(2, "appendix-scheme", "评价方案", "The evaluation scheme");
        let mut p = Runs::default();
        match self.lang {
            Lang::Zh => p
                .t("本年度评价采用《")
                .push(self.name(&s.name))
                .t("》。")
                .push(self.name(&s.method)),
            Lang::En => p
                .t("The evaluation used the scheme “")
                .push(self.name(&s.name))
                .t("”. ")
                .push(self.name(&s.method)),
        };
        self.para(p);
        if !s.dimensions.is_empty() {
            self.heading(
                3,
                "appendix-dimensions",
                "维度与权重",
                "Dimensions and weights",
            );
            let mut rows = Vec::new();
            for d in &s.dimensions {
                rows.push(vec![
                    vec![self.name(&d.label)],
                    self.cell(&format!("appendix.scheme.dimensions.{}", d.key), &d.value),
                ]);
            }
            let columns = vec![
                self.col("维度", "Dimension", false, 4),
                self.col("权重（%）", "Weight (%)", true, 2),
            ];
            let title = self
                .tr("评价维度与权重", "Dimensions and weights")
                .to_string();
            self.table(&title, None, columns, rows);
        }
        self.heading(3, "appendix-stars", "星级规则", "Star rule");
        let mut p = Runs::default();
        match &s.star_rule {
            StarRule::Shares { shares } => {
                p.t(self.tr(
                    "在每个类别内按综合得分排序，依次评定",
                    "Within each category, bases are ranked by score; ",
                ));
                for (idx, k) in (1..=5).rev().enumerate() {
                    let fig = self.prose(
                        &format!("appendix.scheme.star_rule.shares.{k}"),
                        &shares[k - 1],
                    );
                    p.t(self.list_sep(idx, 5));
                    match self.lang {
                        Lang::Zh => p.t(wording::stars_word(k as u8, self.lang)).push(fig),
                        Lang::En if idx == 0 => p.t("five-star ratings go to the top ").push(fig),
                        Lang::En => p
                            .t(wording::stars_word(k as u8, self.lang))
                            .t(" to the next ")
                            .push(fig),
                    };
                }
                p.t(self.tr(
                    "，名额在各类别间按最大余数法分配。",
                    ". The places are shared between categories by largest remainders.",
                ));
            }
            StarRule::Thresholds { minimums } => {
                p.t(self.tr("按综合得分评定星级：", "Stars follow the score: "));
                for (idx, k) in (2..=5).rev().enumerate() {
                    let fig = self.prose(
                        &format!("appendix.scheme.star_rule.minimums.{k}"),
                        &minimums[k - 2],
                    );
                    p.t(match (self.lang, idx) {
                        (Lang::Zh, 0) => "",
                        (Lang::Zh, _) => "，",
                        (Lang::En, 0) => "",
                        (Lang::En, _) => "; ",
                    });
                    match self.lang {
                        Lang::Zh => p
                            .t("不低于")
                            .push(fig)
                            .t("为")
                            .t(wording::stars_word(k as u8, self.lang)),
                        Lang::En => p
                            .t(wording::stars_word(k as u8, self.lang))
                            .t(" from ")
                            .push(fig),
                    };
                }
                p.t(self.tr("，其余为一星级。", "; one star below that."));
            }
        }
        self.para(p);
        if !s.vetoes.is_empty() {
            self.heading(3, "appendix-vetoes", "一票否决", "One-vote vetoes");
            let cap = self.prose("appendix.scheme.veto_cap", &s.veto_cap);
            let mut p = Runs::default();
            match self.lang {
                Lang::Zh => p
                    .t("基地在评价年度内发生下列事项之一的，星级最高为")
                    .push(cap)
                    .t("："),
                Lang::En => p
                    .t("A base with any of the following in the year is rated at most ")
                    .push(cap)
                    .t(":"),
            };
            self.para(p);
            let items = s.vetoes.iter().map(|v| vec![self.name(v)]).collect();
            self.blocks.push(Block::Bullets(items));
        }
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
