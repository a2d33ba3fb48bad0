//! Decisions of dynamic management in the year.

use crate::wording::{self, Lang};

use super::*;

impl Builder {
    pub(super) fn decisions(&mut self, d: &Decisions) {
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
        self.note({
            let mut n = Runs::default();
            n.t(self.tr(
                "注：新增、晋级和退出按当年名册梯度变动的生效日期统计，预警和限期整改按当年作出决定的日期统计。",
                "Note: new, promoted and withdrawn bases are counted by the day their change of tier took effect in the year; warnings and rectification orders by the day they were decided.",
            ));
            n
        });
    }
}
