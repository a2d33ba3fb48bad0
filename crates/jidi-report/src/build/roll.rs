//! The tier system in the year: the roll by tier, series, category, region and province.

use crate::chart::{Chart, ChartKind, Series, Value};
use crate::wording::{self, Lang};

use super::*;

impl Builder {
    pub(super) fn roll(&mut self, roll: &Roll) {
        self.heading(1, "roll", "基地体系与分布", "The roll of bases");
        self.heading(2, "roll-overall", "总体情况", "Overall");
        let mut p = Runs::default();
        let n = self.prose("roll.n_bases", &roll.n_bases);
        p.t(self.tr("国家级示范基地共", "The national roll holds "))
            .push(n)
            .t(self.tr("。", "."));
        if !roll.by_tier.is_empty() {
            let list = self.item_list("roll.by_tier", &roll.by_tier);
            // The count above is the national programme; the tiers are the whole roll's
            // (cultivating and provincial clusters included), so say so.
            p.t(self.tr("名册各梯度中，", " Across every tier of the roll: "))
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
                    // `高端装备57家` (no space between a name and its count in Chinese);
                    // `High-end equipment (57)`.
                    let sub_id = format!("{id}.{}", s.key);
                    sub.push(self.name(&s.label));
                    match self.lang {
                        Lang::Zh => {
                            let f = self.prose(&sub_id, &s.value);
                            sub.push(f);
                        }
                        Lang::En => {
                            let f = self.cell(&sub_id, &s.value);
                            sub.t(" (").extend(f).t(")");
                        }
                    }
                }
                rows.push(vec![vec![self.name(&c.label)], n_cell, sub.0]);
            }
            let columns = vec![
                self.col("类别", "Category", false, 3),
                self.col("基地数（家）", "Bases", true, 2),
                self.col("细分领域", "Sub-types (bases)", false, 8),
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

    pub(super) fn series(&self, name: &str, color: &str, values: Vec<Value>) -> Series {
        Series {
            name: name.to_string(),
            color: color.to_string(),
            values,
        }
    }

    /// The text alternative of a ranked chart: its title, the number of rows, the highest and
    /// the lowest. Names without an English form are left out in English.
    pub(super) fn ranked_alt(
        &self,
        title: &str,
        names: &[String],
        values: &[Value],
        unit: Unit,
    ) -> String {
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

    pub(super) fn star_header(&self, k: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{}星级", ZH_NUMERALS[k - 1]),
            Lang::En => format!("{k}★"),
        }
    }
}
