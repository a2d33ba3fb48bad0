//! Innovation, green and safe development, monitoring and warnings, data collection.

use crate::chart::{Chart, ChartKind, Label, Series, Value};
use crate::ir::{Block, Inline};
use crate::wording::{self, Lang};

use super::*;

impl Builder {
    pub(super) fn innovation(&mut self, i: &Innovation) {
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

    pub(super) fn green_safety(&mut self, g: &GreenSafety) {
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

    pub(super) fn monitoring(&mut self, m: &Monitoring) {
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

    pub(super) fn collection(&mut self, c: &Collection) {
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
                    .t(" of the reports asked for were accepted and ")
                    .push(time)
                    .t(" arrived by the deadline");
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
        // When every province is at the same completeness, naming one as the lowest would be
        // filler: say it is the same everywhere.
        let uniform = sorted[0].completeness.value == lowest.completeness.value;
        match self.lang {
            Lang::Zh if uniform => {
                p.t("分省看，各省填报完整率均为").push(lf).t("。");
            }
            Lang::En if uniform => {
                p.t("Completeness was ").push(lf).t(" in every province.");
            }
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
}
