//! The document between the model and the formats: headings, paragraphs of text runs and
//! figures, tables and charts, already in one language. `build` makes it from the model; `html`
//! and `docx` only lay it out, so the two formats cannot disagree on a number or a sentence.

use std::collections::HashMap;

use serde::Serialize;

use crate::chart::Chart;
use crate::model::{Figure, Provenance, Unit};

/// The document.
pub(crate) struct Doc {
    pub title: String,
    /// Year and edition: the header line of every printed page.
    pub running_head: String,
    pub cover: Cover,
    pub blocks: Vec<Block>,
    pub figures: Vec<FigureRecord>,
}

pub(crate) struct Cover {
    pub title: String,
    pub edition: Vec<Inline>,
    pub issuer: Vec<Inline>,
    pub date: String,
    pub synthetic_banner: Option<String>,
    pub toc_title: String,
}

pub(crate) enum Block {
    Heading(Heading),
    Para(Vec<Inline>),
    Bullets(Vec<Vec<Inline>>),
    Table(Table),
    Chart(ChartBlock),
    Note(Vec<Inline>),
}

pub(crate) struct Heading {
    /// 1 = section, 2 = subsection, 3 = part of a subsection.
    pub level: u8,
    /// `一、`, `（二）`, `1.`: printed before the text.
    pub number: String,
    pub text: String,
    pub anchor: String,
}

impl Heading {
    pub fn full_text(&self) -> String {
        format!("{}{}", self.number, self.text)
    }
}

#[derive(Clone)]
pub(crate) enum Inline {
    Text(String),
    /// Chinese-only data in English output.
    Foreign(String),
    /// A figure: index into [`Doc::figures`] and its text here.
    Fig(usize, String),
}

pub(crate) struct Table {
    /// `表3 …`.
    pub caption: String,
    pub anchor: String,
    /// `单位：亿元`, printed above the table on the right.
    pub unit_note: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Vec<Inline>>>,
}

pub(crate) struct Column {
    pub header: String,
    pub numeric: bool,
    /// Relative width.
    pub width: u32,
}

pub(crate) struct ChartBlock {
    /// `图3 …`.
    pub caption: String,
    pub anchor: String,
    pub chart: Chart,
}

/// One figure of the rendered report, as the sidecar lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureRecord {
    /// Stable id from the model path and keys, e.g. `economy.revenue`,
    /// `roll.by_province.430000`, `economy.revenue.growth`.
    pub id: String,
    /// Every distinct text the figure is shown as, in order of appearance (`1.23万亿元`,
    /// `12,345.6`); empty for a figure that is only an input of a derived one.
    pub texts: Vec<String>,
    /// Raw value in `unit` (not rounded).
    pub value: f64,
    /// Unit code (see [`Unit::code`]).
    pub unit: String,
    /// Provenance source: `evaluation_run:12`, `query:…`, `scheme:…`, or `derived`.
    pub source: String,
    /// Provenance detail; for derived figures the formula over the ids in `derived_from`.
    pub detail: String,
    /// Ids of the figures a derived figure is computed from (empty for stored figures).
    pub derived_from: Vec<String>,
}

/// Collects figures as the builder shows them.
#[derive(Default)]
pub(crate) struct Registry {
    pub records: Vec<FigureRecord>,
    by_id: HashMap<String, usize>,
}

impl Registry {
    /// Records that figure `id` is shown as `text`, and returns the inline run.
    pub fn show(&mut self, id: &str, figure: &Figure, text: String) -> Inline {
        self.show_raw(id, figure.value, figure.unit, &figure.provenance, &[], text)
    }

    /// Records a figure computed here from the figures `inputs`.
    pub fn show_derived(
        &mut self,
        id: &str,
        value: f64,
        unit: Unit,
        formula: &str,
        inputs: &[&str],
        text: String,
    ) -> Inline {
        let provenance = Provenance {
            source: "derived".into(),
            detail: formula.to_string(),
        };
        self.show_raw(id, value, unit, &provenance, inputs, text)
    }

    fn show_raw(
        &mut self,
        id: &str,
        value: f64,
        unit: Unit,
        provenance: &Provenance,
        inputs: &[&str],
        text: String,
    ) -> Inline {
        let idx = match self.by_id.get(id) {
            Some(&idx) => {
                let record = &mut self.records[idx];
                debug_assert!(
                    record.value == value || (record.value.is_nan() && value.is_nan()),
                    "figure {id} shown with two values"
                );
                if !record.texts.contains(&text) {
                    record.texts.push(text.clone());
                }
                idx
            }
            None => {
                self.records.push(FigureRecord {
                    id: id.to_string(),
                    texts: vec![text.clone()],
                    value,
                    unit: unit.code(),
                    source: provenance.source.clone(),
                    detail: provenance.detail.clone(),
                    derived_from: inputs.iter().map(|s| s.to_string()).collect(),
                });
                self.by_id.insert(id.to_string(), self.records.len() - 1);
                self.records.len() - 1
            }
        };
        Inline::Fig(idx, text)
    }

    /// Records a figure that is not shown but is an input of a derived one (its `texts` stay
    /// empty unless it is shown later).
    pub fn input(&mut self, id: &str, figure: &Figure) {
        if self.by_id.contains_key(id) {
            return;
        }
        self.records.push(FigureRecord {
            id: id.to_string(),
            texts: Vec::new(),
            value: figure.value,
            unit: figure.unit.code(),
            source: figure.provenance.source.clone(),
            detail: figure.provenance.detail.clone(),
            derived_from: Vec::new(),
        });
        self.by_id.insert(id.to_string(), self.records.len() - 1);
    }

    /// The chart tag of a figure already shown.
    pub fn tag(&self, inline: &Inline) -> Option<crate::chart::Tag> {
        match inline {
            Inline::Fig(idx, _) => Some(crate::chart::Tag {
                id: self.records[*idx].id.clone(),
                source: self.records[*idx].source.clone(),
            }),
            _ => None,
        }
    }
}
