//! The year's evaluation: stars by category and province, the five-star list, movers, uncertainty.

use crate::chart::{Chart, ChartKind, Label, Series, Value};
use crate::ir::{Block, Column, Inline};
use crate::wording::{self, Lang};

use super::*;

impl Builder {
    pub(super) fn evaluation(&mut self, e: &Evaluation) {
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
                "分同类组星级分布",
                "Stars by peer group",
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
                        p.t("分同类组看，")
                            .push(self.name(&r.label))
                            .t("组基地四星级及以上占比最高，为")
                            .push(share)
                            .t("。");
                    }
                    Lang::En => {
                        p.t("By peer group, ")
                            .push(self.name(&r.label))
                            .t(" has the highest share of bases with four stars or more: ")
                            .push(share)
                            .t(".");
                    }
                }
                self.para(p);
            }
            let mut columns = vec![
                self.col("同类组", "Peer group", false, 4),
                self.col("基地数", "Bases", true, 2),
            ];
            for k in (1..=5).rev() {
                columns.push(self.col_text(self.star_header(k), true, 2));
            }
            columns.push(self.col("四星级及以上占比（%）", "4★ or more (%)", true, 3));
            let title = self
                .tr("各同类组基地星级分布", "Star ratings by peer group")
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
            let title = self.tr("各同类组基地星级分布", "Star ratings by peer group");
            let alt = match self.lang {
                Lang::Zh => format!(
                    "{title}：{}个同类组的堆积条形图，每条从一星级到五星级依次堆积，条末为基地总数。",
                    e.by_category.len()
                ),
                Lang::En => format!(
                    "{title}: stacked bars for {} peer groups, one to five stars from left to right, with the number of bases at the end of each bar.",
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
                        .t("蒙特卡洛模拟，统计每个基地组内位次的90%区间（第5至第95百分位）；最可能的星级在模拟中出现不足90%的，视为星级处于临界。各同类组情况如下：");
                }
                Lang::En => {
                    p.t("To test how robust the results are, ")
                        .push(reps)
                        .t(" of a Monte Carlo simulation varied the weights, the normalisation and the aggregation; for each base the 90% interval (5th to 95th percentile) of its rank within its peer group was recorded, and a star rating is borderline when the likeliest rating comes out in less than 90% of the replications. By peer group:");
                }
            }
            self.para(p);
            let mut items = Vec::new();
            for r in &u.by_category {
                items.push(self.uncertainty_sentence(r));
            }
            if !items.is_empty() {
                self.blocks.push(Block::Bullets(items));
            }
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
                Lang::Zh => p.t(&format!("参评基地的星级见表{}，按同类组和组内位次排列。", self.n_tables + 1)),
                Lang::En => p.t(&format!("Table {} gives the rating of every base evaluated, by peer group and rank within it.", self.n_tables + 1)),
            };
            self.para(p);
            // The table says it is ordered by peer group and rank within it, so make it so: the
            // groups in the order they first appear, then the group rank, then the key.
            let group_of = |r: &RatedBase| r.group.as_ref().unwrap_or(&r.base.category).zh.clone();
            let mut first_seen: Vec<String> = Vec::new();
            for r in &e.ratings {
                let g = group_of(r);
                if !first_seen.contains(&g) {
                    first_seen.push(g);
                }
            }
            let mut ordered: Vec<RatedBase> = e.ratings.clone();
            ordered.sort_by(|a, b| {
                let pos = |r: &RatedBase| first_seen.iter().position(|g| *g == group_of(r));
                let rank = |r: &RatedBase| r.group_rank.as_ref().map_or(f64::INFINITY, |f| f.value);
                pos(a)
                    .cmp(&pos(b))
                    .then(rank(a).total_cmp(&rank(b)))
                    .then(a.base.key.cmp(&b.base.key))
            });
            let rows = self.rated_rows("evaluation.ratings", &ordered, false);
            let columns = self.rated_columns(false);
            let title = self
                .tr("各基地评价结果", "Ratings of all bases")
                .to_string();
            self.table(&title, None, columns, rows);
        }
    }

    /// A number of rank places: `12位`, `12 places`, `1 place` (a rank itself reads `第12位`).
    pub(super) fn places(&mut self, id: &str, f: &Figure) -> Vec<Inline> {
        let n = wording::fixed(f.value, 0);
        let shown = match self.lang {
            Lang::Zh => format!("{n}位"),
            Lang::En if n == "1" => "1 place".to_string(),
            Lang::En => format!("{n} places"),
        };
        vec![self.reg.show(id, f, shown)]
    }

    /// One sentence on a peer group's rank uncertainty, from its figures: how many bases, the
    /// median width of their 90 % rank intervals, and how many have a borderline star (or, without
    /// that count, the share whose star is stable).
    fn uncertainty_sentence(&mut self, r: &UncertaintyRow) -> Vec<Inline> {
        let id = format!("evaluation.uncertainty.{}", r.key);
        let n = self.prose(&format!("{id}.n_bases"), &r.n_bases);
        let width = self.places(
            &format!("{id}.median_interval_width"),
            &r.median_interval_width,
        );
        let mut p = Runs::default();
        match self.lang {
            Lang::Zh => {
                p.push(self.name(&r.label))
                    .t("组共")
                    .push(n)
                    .t("基地，组内位次90%区间宽度的中位数为")
                    .extend(width);
            }
            Lang::En => {
                p.push(self.name(&r.label))
                    .t(": the median 90% rank interval of its ")
                    .push(n)
                    .t(" spans ")
                    .extend(width);
            }
        }
        match &r.n_borderline {
            Some(b) => {
                let zero = b.value == 0.0;
                let one = wording::fixed(b.value, 0) == "1";
                let fig = self.prose(&format!("{id}.n_borderline"), b);
                match (self.lang, zero) {
                    (Lang::Zh, true) => p.t("，没有基地的星级处于临界。"),
                    (Lang::Zh, false) => p.t("，其中").push(fig).t("星级处于临界。"),
                    (Lang::En, true) => p.t("; no base's star rating is borderline."),
                    (Lang::En, false) => p.t("; ").push(fig).t(if one {
                        " has a borderline star rating."
                    } else {
                        " have a borderline star rating."
                    }),
                };
            }
            None => {
                let share = self.prose(&format!("{id}.stable_star_share"), &r.stable_star_share);
                match self.lang {
                    Lang::Zh => p.t("，星级稳定的基地占").push(share).t("。"),
                    Lang::En => p
                        .t("; ")
                        .push(share)
                        .t(" of its bases have a stable star rating."),
                };
            }
        }
        p.0
    }

    pub(super) fn rated_rows(
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
            let group = match (&r.group, with_rank_number) {
                (Some(g), false) => g,
                _ => &r.base.category,
            };
            row.push(vec![self.name(group)]);
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

    pub(super) fn rated_columns(&self, five_star: bool) -> Vec<Column> {
        let mut columns = Vec::new();
        if five_star {
            columns.push(self.col("序号", "No.", true, 1));
        }
        columns.push(self.col("基地名称", "Base", false, 9));
        if five_star {
            columns.push(self.col("类别", "Category", false, 3));
        } else {
            columns.push(self.col("同类组", "Peer group", false, 3));
        }
        columns.push(self.col("省（区、市）", "Province", false, 3));
        if five_star {
            columns.push(self.col("综合得分", "Score", true, 2));
        } else {
            columns.push(self.col("星级", "Stars", true, 3));
            columns.push(self.col("组内位次", "Rank in group", true, 2));
        }
        columns
    }
}
