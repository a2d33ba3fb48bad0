//! The national overview: headline figures and their change, and the counts it cites.

use crate::ir::Inline;
use crate::wording::{self, Lang};

use super::*;

impl Builder {
    // ----- sections -----

    pub(super) fn overview(&mut self, report: &Report) {
        self.heading(1, "overview", "概述", "Overview");
        let roll = &report.roll;
        let year = self.year;
        let mut p = Runs::default();
        let n_bases = self.prose("roll.n_bases", &roll.n_bases);
        let change = self.roll_change(roll);
        let n_provinces = self.prose("roll.n_provinces", &roll.n_provinces);
        // A report generated before the year is over counts the roll of its date, not of a
        // year-end still to come.
        let generated = report.meta.generated_on;
        let year_over = generated > Date::new(year, 12, 30);
        match self.lang {
            Lang::Zh => {
                let as_of = if year_over {
                    format!("截至{year}年底")
                } else {
                    format!("截至{}", wording::date(generated, self.lang))
                };
                p.t(&format!("{as_of}，国家新型工业化产业示范基地共"))
                    .push(n_bases);
                if let Some(change) = change {
                    p.t("，").extend(change);
                }
                p.t("，分布在全国").push(n_provinces).t("省（区、市）。");
            }
            Lang::En => {
                let as_of = if year_over {
                    format!("At the end of {year}")
                } else {
                    format!("On {}", wording::date(generated, self.lang))
                };
                p.t(&format!(
                    "{as_of}, the roll of national new-type industrialization demonstration bases held "
                ))
                .push(n_bases);
                if let Some(change) = change {
                    p.t(" (").extend(change).t(")");
                }
                p.t(" in ").push(n_provinces).t(".");
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
            let n_red = m.warnings[3].value;
            let red = self.prose("monitoring.warnings.red", &m.warnings[3]);
            match self.lang {
                Lang::Zh => {
                    p.t("全年共发出运行预警").push(total);
                    if n_red > 0.0 {
                        p.t("，其中红色预警").push(red);
                    } else {
                        p.t("，无红色预警");
                    }
                    p.t("。");
                }
                Lang::En => {
                    p.t("Monitoring issued ").push(total).t(" in the year");
                    if n_red == 1.0 {
                        p.t("; ").push(red).t(" was red.");
                    } else if n_red > 0.0 {
                        p.t("; ").push(red).t(" were red.");
                    } else {
                        p.t("; no warning was red.");
                    }
                }
            }
            self.para(p);
        }
    }

    /// The change of the national roll on the previous year-end, as a derived count
    /// (`roll.n_bases.change`); `None` without last year's count.
    fn roll_change(&mut self, roll: &Roll) -> Option<Vec<Inline>> {
        let previous = roll.n_bases_previous.as_ref()?;
        self.reg.input("roll.n_bases.previous", previous);
        let phrase =
            wording::count_change(roll.n_bases.value, previous.value, Counter::Base, self.lang);
        let diff = roll.n_bases.value - previous.value;
        let mut runs = Runs::default();
        runs.t(&phrase.lead);
        if !phrase.number.is_empty() {
            let fig = self.reg.show_derived(
                "roll.n_bases.change",
                diff,
                Unit::Count(Counter::Base),
                "roll.n_bases - roll.n_bases.previous (difference)",
                &["roll.n_bases", "roll.n_bases.previous"],
                phrase.number.clone(),
            );
            runs.push(fig);
        }
        runs.t(&phrase.tail);
        Some(runs.0)
    }

    pub(super) fn four_plus_share(&mut self, e: &Evaluation, table: bool) -> Inline {
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

    pub(super) fn decision_counts(&mut self, d: &Decisions) -> Vec<(DecisionKind, usize, Inline)> {
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

    pub(super) fn warning_total(&mut self, m: &Monitoring, table: bool) -> Inline {
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
}
