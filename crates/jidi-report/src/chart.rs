//! Small static charts as inline SVG: horizontal ranked (or grouped) bars, stacked bars (star
//! distributions) and simple lines. The same [`Chart`] also becomes a native Word chart in the
//! DOCX (see `docx`), so a chart is described once, as data.
//!
//! Rules every chart keeps: bars start at zero (their value axis always includes 0; a line's axis
//! goes down to zero only when the data come near it); every category
//! label is shown (long labels wrap, they are never cut or skipped); two or more series get a
//! legend; the `<svg>` has `role="img"`, an `aria-label` with the text alternative (which the
//! caller writes with the key figures) and a `<title>`. Each mark and value label that shows a
//! figure carries `data-fig` and `data-source`.

use std::fmt::Write as _;

/// A chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Title (also the caption's text).
    pub title: String,
    /// Text alternative with the key figures.
    pub alt: String,
    /// Unit of the value axis, e.g. `亿元`.
    pub unit: String,
    /// Decimals of the value labels (the axis picks its own).
    pub decimals: usize,
    /// What is drawn.
    pub kind: ChartKind,
}

/// Kinds of chart.
#[derive(Clone, Debug, PartialEq)]
pub enum ChartKind {
    /// Horizontal bars, one row per label, in the given order (sort before for a ranking); two
    /// series are drawn side by side with a legend.
    Bars {
        /// Row labels.
        labels: Vec<Label>,
        /// One or more series, each with one value per label.
        series: Vec<Series>,
    },
    /// Horizontal stacked bars, one row per label.
    StackedBars {
        /// Row labels.
        labels: Vec<Label>,
        /// Segments, first drawn first (leftmost).
        series: Vec<Series>,
        /// Totals printed at the end of each bar.
        totals: Vec<Value>,
    },
    /// Lines over ordered x labels.
    Line {
        /// X labels.
        labels: Vec<Label>,
        /// One or more series.
        series: Vec<Series>,
    },
}

/// A category or x label.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Text.
    pub text: String,
    /// Chinese-only data shown in English output (marked `lang="zh-CN"`).
    pub foreign: bool,
}

/// A series.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Name (legend).
    pub name: String,
    /// Fill or stroke colour, `#rrggbb`.
    pub color: String,
    /// One value per label.
    pub values: Vec<Value>,
}

/// A value with its text and figure tag.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// Value in the axis unit.
    pub value: f64,
    /// Text of the value label.
    pub text: String,
    /// The figure shown.
    pub tag: Option<Tag>,
}

/// The figure behind a mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    /// Figure id (as in the sidecar).
    pub id: String,
    /// Provenance source.
    pub source: String,
}

const WIDTH: f64 = 720.0;
const FONT: f64 = 12.0;
const FONT_FAMILY: &str =
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif";
const AXIS: &str = "#595959";
const INK: &str = "#262626";
const GRID: &str = "#e3e3e3";
const MAX_LABEL_WIDTH: f64 = 330.0;

/// The chart as an `<svg>` element; `dom_id` makes its ids unique in the page.
pub fn to_svg(chart: &Chart, dom_id: &str) -> String {
    let mut body = String::with_capacity(4096);
    let height = match &chart.kind {
        ChartKind::Bars { labels, series } => bars(&mut body, chart, labels, series),
        ChartKind::StackedBars {
            labels,
            series,
            totals,
        } => stacked(&mut body, chart, labels, series, totals),
        ChartKind::Line { labels, series } => line(&mut body, chart, labels, series),
    };
    let mut out = String::with_capacity(body.len() + 512);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="chart" role="img" aria-label="{alt}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{ff}" font-size="{fs}"><title>{title}</title>"#,
        id = esc(dom_id),
        alt = esc(&chart.alt),
        w = WIDTH,
        h = num(height),
        ff = FONT_FAMILY,
        fs = FONT,
        title = esc(&chart.title),
    );
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

/// Approximate width of a text in pixels: CJK and full-width characters take one em, others
/// about 0.6 em. Used to size label columns and to decide whether a label fits in a segment.
pub fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars()
        .map(|ch| {
            if crate::wording::is_cjk(ch) || ch == '★' {
                1.0
            } else if ch == ' ' {
                0.3
            } else if ch.is_ascii_digit() || ch == '.' || ch == ',' {
                0.56
            } else {
                0.6
            }
        })
        .sum::<f64>()
        * font_size
}

/// Splits a label into lines no wider than `max`.
fn wrap(text: &str, max: f64) -> Vec<String> {
    let mut lines = vec![String::new()];
    for ch in text.chars() {
        let current = lines.last_mut().expect("one line at least");
        let mut probe = current.clone();
        probe.push(ch);
        if text_width(&probe, FONT) > max && !current.is_empty() {
            lines.push(ch.to_string());
        } else {
            current.push(ch);
        }
    }
    lines
}

struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Axis {
    /// A value axis that includes zero, with about five nice steps.
    fn including_zero(values: impl Iterator<Item = f64>) -> Axis {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi - lo <= 0.0 {
            hi = 1.0;
        }
        let step = nice_step((hi - lo) / 5.0);
        Axis {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            step,
        }
    }

    /// An axis for lines: around the data, down to zero only when the data come near it (a line
    /// need not start at zero, and a trend from 41 to 51 would look flat from zero).
    fn for_line(values: impl Iterator<Item = f64>) -> Axis {
        let values: Vec<f64> = values.filter(|v| v.is_finite()).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if values.is_empty() || lo <= 0.0 || lo < 0.5 * hi {
            return Axis::including_zero(values.into_iter());
        }
        let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
        let step = nice_step(span / 4.0);
        let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
        Axis {
            lo,
            hi: if hi > lo { hi } else { lo + step },
            step,
        }
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n).map(|k| self.lo + k as f64 * self.step).collect()
    }

    fn decimals(&self) -> usize {
        let mut d = 0;
        let mut s = self.step;
        while d < 4 && (s - s.round()).abs() > 1e-9 {
            s *= 10.0;
            d += 1;
        }
        d
    }

    fn frac(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }
}

fn nice_step(raw: f64) -> f64 {
    let exp = raw.log10().floor();
    let base = 10f64.powf(exp);
    let m = raw / base;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 2.5 {
        2.5
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * base
}

fn bars(out: &mut String, chart: &Chart, labels: &[Label], series: &[Series]) -> f64 {
    let n_series = series.len().max(1);
    let legend_h = if series.len() > 1 { 26.0 } else { 0.0 };
    let top = 6.0 + legend_h;
    let wrapped: Vec<Vec<String>> = labels
        .iter()
        .map(|l| wrap(&l.text, MAX_LABEL_WIDTH))
        .collect();
    let label_w = wrapped
        .iter()
        .flatten()
        .map(|line| text_width(line, FONT))
        .fold(24.0, f64::max)
        + 10.0;
    let max_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let bar_h: f64 = 14.0;
    let row_h = (n_series as f64 * (bar_h + 2.0) + 8.0).max(max_lines * 14.0 + 6.0);
    let value_w = series
        .iter()
        .flat_map(|s| &s.values)
        .map(|v| text_width(&v.text, FONT - 1.0))
        .fold(0.0, f64::max)
        + 10.0;
    let x0 = label_w + 6.0;
    let plot_w = WIDTH - x0 - value_w.max(24.0);
    let axis = Axis::including_zero(series.iter().flat_map(|s| s.values.iter().map(|v| v.value)));
    let plot_bottom = top + labels.len() as f64 * row_h;
    let x = |v: f64| x0 + axis.frac(v) * plot_w;
    if series.len() > 1 {
        legend(out, series, 6.0);
    }
    grid(out, &axis, top, plot_bottom, &x, &chart.unit);
    for (row, lines) in wrapped.iter().enumerate() {
        let y_row = top + row as f64 * row_h;
        let block_h = n_series as f64 * (bar_h + 2.0) - 2.0;
        let y_bars = y_row + (row_h - block_h) / 2.0;
        let y_text = y_row + row_h / 2.0 - (lines.len() as f64 - 1.0) * 7.0 + 4.0;
        label_text(out, &labels[row], lines, label_w, y_text);
        for (k, s) in series.iter().enumerate() {
            let Some(v) = s.values.get(row) else { continue };
            let y = y_bars + k as f64 * (bar_h + 2.0);
            let (xa, xb) = (x(0.0), x(v.value));
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>"#,
                num(xa.min(xb)),
                num(y),
                num((xb - xa).abs()),
                num(bar_h),
                esc(&s.color),
                tag_attrs(&v.tag),
            );
            let (tx, anchor) = if v.value < 0.0 {
                (xb - 4.0, "end")
            } else {
                (xb + 4.0, "start")
            };
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="{anchor}" font-size="{}" fill="{INK}"{}>{}</text>"#,
                num(tx),
                num(y + bar_h - 3.0),
                FONT - 1.0,
                tag_attrs(&v.tag),
                esc(&v.text),
            );
        }
    }
    plot_bottom + 30.0
}

fn stacked(
    out: &mut String,
    chart: &Chart,
    labels: &[Label],
    series: &[Series],
    totals: &[Value],
) -> f64 {
    let legend_h = 26.0;
    let top = 6.0 + legend_h;
    let wrapped: Vec<Vec<String>> = labels
        .iter()
        .map(|l| wrap(&l.text, MAX_LABEL_WIDTH))
        .collect();
    let label_w = wrapped
        .iter()
        .flatten()
        .map(|line| text_width(line, FONT))
        .fold(24.0, f64::max)
        + 10.0;
    let max_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let bar_h: f64 = 18.0;
    let row_h = (bar_h + 10.0).max(max_lines * 14.0 + 6.0);
    let sums: Vec<f64> = (0..labels.len())
        .map(|row| {
            series
                .iter()
                .filter_map(|s| s.values.get(row))
                .map(|v| v.value.max(0.0))
                .sum()
        })
        .collect();
    let total_w = totals
        .iter()
        .map(|v| text_width(&v.text, FONT - 1.0))
        .fold(0.0, f64::max)
        + 10.0;
    let x0 = label_w + 6.0;
    let plot_w = WIDTH - x0 - total_w.max(24.0);
    let axis = Axis::including_zero(sums.iter().copied());
    let plot_bottom = top + labels.len() as f64 * row_h;
    let x = |v: f64| x0 + axis.frac(v) * plot_w;
    legend(out, series, 6.0);
    grid(out, &axis, top, plot_bottom, &x, &chart.unit);
    for (row, lines) in wrapped.iter().enumerate() {
        let y_row = top + row as f64 * row_h;
        let y = y_row + (row_h - bar_h) / 2.0;
        let y_text = y_row + row_h / 2.0 - (lines.len() as f64 - 1.0) * 7.0 + 4.0;
        label_text(out, &labels[row], lines, label_w, y_text);
        let mut acc = 0.0;
        for s in series {
            let Some(v) = s.values.get(row) else { continue };
            let (xa, xb) = (x(acc), x(acc + v.value.max(0.0)));
            acc += v.value.max(0.0);
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>"#,
                num(xa),
                num(y),
                num(xb - xa),
                num(bar_h),
                esc(&s.color),
                tag_attrs(&v.tag),
            );
            if xb - xa >= text_width(&v.text, FONT - 1.0) + 6.0 {
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{}"{}>{}</text>"#,
                    num((xa + xb) / 2.0),
                    num(y + bar_h - 5.0),
                    FONT - 1.0,
                    contrast_text(&s.color),
                    tag_attrs(&v.tag),
                    esc(&v.text),
                );
            }
        }
        if let Some(total) = totals.get(row) {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" font-size="{}" fill="{INK}"{}>{}</text>"#,
                num(x(acc) + 4.0),
                num(y + bar_h - 5.0),
                FONT - 1.0,
                tag_attrs(&total.tag),
                esc(&total.text),
            );
        }
    }
    plot_bottom + 30.0
}

fn line(out: &mut String, chart: &Chart, labels: &[Label], series: &[Series]) -> f64 {
    let legend_h = if series.len() > 1 { 26.0 } else { 0.0 };
    let top = 10.0 + legend_h;
    let plot_h = 220.0;
    let axis = Axis::for_line(series.iter().flat_map(|s| s.values.iter().map(|v| v.value)));
    let tick_w = axis
        .ticks()
        .iter()
        .map(|t| text_width(&crate::wording::grouped(*t, axis.decimals()), FONT - 1.0))
        .fold(0.0, f64::max);
    let x0 = tick_w + 14.0;
    let last_w = series
        .iter()
        .filter_map(|s| s.values.last())
        .map(|v| text_width(&v.text, FONT - 1.0))
        .fold(0.0, f64::max)
        + 12.0;
    let plot_w = WIDTH - x0 - last_w.max(30.0);
    let n = labels.len();
    let x = |i: usize| {
        if n <= 1 {
            x0 + plot_w / 2.0
        } else {
            x0 + i as f64 / (n - 1) as f64 * plot_w
        }
    };
    let y = |v: f64| top + (1.0 - axis.frac(v)) * plot_h;
    if series.len() > 1 {
        legend(out, series, 6.0);
    }
    // Horizontal grid and value ticks.
    for t in axis.ticks() {
        let stroke = if t == 0.0 { AXIS } else { GRID };
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{yy}" x2="{}" y2="{yy}" stroke="{stroke}" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{AXIS}">{}</text>"#,
            num(x0),
            num(x0 + plot_w),
            num(x0 - 5.0),
            num(y(t) + 4.0),
            FONT - 1.0,
            crate::wording::grouped(t, axis.decimals()),
            yy = num(y(t)),
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" font-size="{}" fill="{AXIS}">{}</text>"#,
        num(x0),
        num(top - 4.0),
        FONT - 1.0,
        esc(&chart.unit),
    );
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{AXIS}"{}>{}</text>"#,
            num(x(i)),
            num(top + plot_h + 18.0),
            lang_attr(label),
            esc(&label.text),
        );
    }
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", num(x(i)), num(y(v.value))))
            .collect();
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            points.join(" "),
            esc(&s.color),
        );
        for (i, v) in s.values.iter().enumerate() {
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{}" r="3" fill="{}"{}/>"#,
                num(x(i)),
                num(y(v.value)),
                esc(&s.color),
                tag_attrs(&v.tag),
            );
        }
        if let Some(v) = s.values.last() {
            let i = s.values.len() - 1;
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" font-size="{}" fill="{INK}"{}>{}</text>"#,
                num(x(i) + 6.0),
                num(y(v.value) + 4.0),
                FONT - 1.0,
                tag_attrs(&v.tag),
                esc(&v.text),
            );
        }
    }
    top + plot_h + 30.0
}

fn grid(out: &mut String, axis: &Axis, top: f64, bottom: f64, x: &dyn Fn(f64) -> f64, unit: &str) {
    for t in axis.ticks() {
        let stroke = if t == 0.0 { AXIS } else { GRID };
        let _ = write!(
            out,
            r#"<line x1="{xx}" y1="{}" x2="{xx}" y2="{}" stroke="{stroke}" stroke-width="1"/><text x="{xx}" y="{}" text-anchor="middle" font-size="{}" fill="{AXIS}">{}</text>"#,
            num(top),
            num(bottom),
            num(bottom + 14.0),
            FONT - 1.0,
            crate::wording::grouped(t, axis.decimals()),
            xx = num(x(t)),
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{AXIS}">{}</text>"#,
        num(x(axis.hi)),
        num(bottom + 27.0),
        FONT - 1.0,
        esc(unit),
    );
}

fn label_text(out: &mut String, label: &Label, lines: &[String], label_w: f64, y: f64) {
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="end" fill="{INK}"{}>"#,
        num(label_w),
        num(y),
        lang_attr(label),
    );
    for (k, line) in lines.iter().enumerate() {
        let dy = if k == 0 { 0.0 } else { 14.0 };
        let _ = write!(
            out,
            r#"<tspan x="{}" dy="{}">{}</tspan>"#,
            num(label_w),
            num(dy),
            esc(line)
        );
    }
    out.push_str("</text>");
}

fn legend(out: &mut String, series: &[Series], y: f64) {
    let mut x = 6.0;
    for s in series {
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" fill="{INK}">{}</text>"#,
            num(x),
            num(y),
            esc(&s.color),
            num(x + 16.0),
            num(y + 10.5),
            esc(&s.name),
        );
        x += text_width(&s.name, FONT) + 34.0;
    }
}

fn lang_attr(label: &Label) -> &'static str {
    if label.foreign {
        r#" lang="zh-CN""#
    } else {
        ""
    }
}

fn tag_attrs(tag: &Option<Tag>) -> String {
    match tag {
        Some(t) => format!(
            r#" data-fig="{}" data-source="{}""#,
            esc(&t.id),
            esc(&t.source)
        ),
        None => String::new(),
    }
}

/// Black or white text, whichever reads better on `color` (`#rrggbb`).
fn contrast_text(color: &str) -> &'static str {
    let hex = color.trim_start_matches('#');
    let channel = |k: usize| {
        hex.get(k..k + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |c| c as f64 / 255.0)
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    if luminance < 0.5 {
        "#ffffff"
    } else {
        "#1a1a1a"
    }
}

/// Coordinates with at most one decimal, so that the same chart gives the same bytes everywhere.
fn num(v: f64) -> String {
    crate::wording::fixed(v, 1)
        .trim_end_matches(".0")
        .to_string()
}

/// Escapes text for XML content and attributes.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(v: f64) -> Value {
        Value {
            value: v,
            text: crate::wording::grouped(v, 1),
            tag: Some(Tag {
                id: format!("x.{v}"),
                source: "query:test".into(),
            }),
        }
    }

    fn bar_chart(values: &[f64]) -> Chart {
        Chart {
            title: "测试".into(),
            alt: "测试图".into(),
            unit: "亿元".into(),
            decimals: 1,
            kind: ChartKind::Bars {
                labels: values
                    .iter()
                    .enumerate()
                    .map(|(i, _)| Label {
                        text: format!("类别{i}"),
                        foreign: false,
                    })
                    .collect(),
                series: vec![Series {
                    name: "2025".into(),
                    color: "#1f4e79".into(),
                    values: values.iter().map(|&v| value(v)).collect(),
                }],
            },
        }
    }

    #[test]
    fn axis_always_includes_zero_and_nice_steps() {
        let cases: &[(&[f64], f64, f64, f64)] = &[
            (&[12.0, 47.0], 0.0, 50.0, 10.0),
            (&[-3.0, 8.0], -5.0, 10.0, 2.5),
            (&[0.0], 0.0, 1.0, 0.2),
            (&[3456.0], 0.0, 4000.0, 1000.0),
            (&[-5.0, -1.0], -5.0, 0.0, 1.0),
        ];
        for &(values, lo, hi, step) in cases {
            let axis = Axis::including_zero(values.iter().copied());
            assert_eq!((axis.lo, axis.hi, axis.step), (lo, hi, step), "{values:?}");
        }
    }

    #[test]
    fn every_label_is_shown_and_marks_carry_figures() {
        let svg = to_svg(&bar_chart(&[5.0, 3.0, 1.0]), "c1");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-label="测试图""#));
        assert!(svg.contains("<title>测试</title>"));
        for i in 0..3 {
            assert!(svg.contains(&format!(">类别{i}<")));
        }
        assert_eq!(svg.matches("data-fig=").count(), 6);
    }

    #[test]
    fn long_labels_wrap_rather_than_vanish() {
        let lines = wrap(&"很".repeat(40), MAX_LABEL_WIDTH);
        assert_eq!(lines.concat(), "很".repeat(40));
        assert!(lines.len() >= 2);
    }

    #[test]
    fn bars_start_at_zero() {
        let svg = to_svg(&bar_chart(&[10.0]), "c1");
        // The zero grid line is drawn in the axis colour at the start of the plot.
        assert!(svg.contains(&format!(r#"stroke="{AXIS}""#)));
        assert!(svg.contains(r#">0<"#));
    }
}
