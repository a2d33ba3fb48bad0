//! The economy of the bases: headline measures, groups and key indicators.

use crate::chart::{Chart, ChartKind, Label, Value};
use crate::ir::{Column, Inline};
use crate::wording::{self, Lang};

use super::*;

impl Builder {
    pub(super) fn economy(&mut self, e: &Economy, roll: &Roll) {
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

    pub(super) fn measure_columns(&self, with_unit: bool) -> Vec<Column> {
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

    pub(super) fn measure_row(
        &mut self,
        id: &str,
        m: &Measure,
        zh: &str,
        en: &str,
    ) -> Vec<Vec<Inline>> {
        vec![
            text(self.tr(zh, en)),
            text(&wording::unit_label(m.current.unit, self.lang)),
            self.cell(id, &m.current),
            self.opt_cell(&format!("{id}.previous"), m.previous.as_ref()),
            self.change_cell(id, &m.current, m.previous.as_ref()),
            self.opt_cell(&format!("{id}.national_share"), m.national_share.as_ref()),
        ]
    }

    pub(super) fn economy_group(&mut self, group: &[EconomyRow], key: &str) {
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

    pub(super) fn key_indicators(&mut self, prefix: &str, list: &[KeyIndicator], p: &mut Runs) {
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

    pub(super) fn key_indicator_table(
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
}
