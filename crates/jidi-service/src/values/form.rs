//! The web form of one base and period and its XLSX template: the fields the period's task
//! asks, with last period's and last year's figures and the peers' range beside each, and the
//! form's values checked exactly as an upload of the same rows would be.

use std::collections::HashMap;

use jidi_collect::{BaseInfo, Report, Scope, ValuePeriod, parse_long_form};
use jidi_domain::access::ListScope;
use jidi_store::{BaseFilter, BaseSort, Frequency, SortOrder, Store, StoredSeries, StoredValue};
use jidi_tabular::Cell;

use super::{
    MONTHS_BEFORE, ValuesError, YEARS_BEFORE, check_against_stored, frequency_of, period_key,
};

/// One field of a web form: an indicator, its value as typed, and the explanation (情况说明)
/// given for a warning on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormValue {
    /// Indicator code.
    pub indicator: String,
    /// The value as typed (empty: no value).
    pub value: String,
    /// The explanation of a warning on the value.
    pub explanation: String,
}

/// The long-form header of a form turned into a file.
const FORM_HEADER: [&str; 5] = ["base_id", "period", "indicator", "value", "explanation"];

/// The file name a form is recorded under.
pub const FORM_FILE: &str = "web-form.csv";

/// The indicator of the form field on `row` of a form turned into a file (row 2 is the first
/// field): how findings are put back beside their fields.
pub fn form_field_of_row(values: &[FormValue], row: usize) -> Option<&str> {
    row.checked_sub(2)
        .and_then(|i| values.get(i))
        .map(|v| v.indicator.as_str())
}

/// A web form as the long form (CSV): one row per field, in field order, so that row `n` is
/// field `n − 2` ([`form_field_of_row`]).
pub fn form_long_form(base_id: i64, period: &str, values: &[FormValue]) -> Vec<u8> {
    let rows: Vec<Vec<Cell>> = values
        .iter()
        .map(|v| {
            vec![
                Cell::Text(base_id.to_string()),
                Cell::Text(period.to_string()),
                Cell::Text(v.indicator.clone()),
                Cell::Text(v.value.clone()),
                Cell::Text(v.explanation.clone()),
            ]
        })
        .collect();
    jidi_tabular::write_csv(&FORM_HEADER, &rows).unwrap_or_default()
}

/// The bases of `base`'s peer group (same category), itself included.
async fn peer_ids(store: &Store, category: &str) -> Result<Vec<i64>, ValuesError> {
    Ok(store
        .all_bases(
            &BaseFilter {
                category: Some(category.to_string()),
                ..BaseFilter::default()
            },
            &ListScope::Everything,
            BaseSort::Id,
            SortOrder::Asc,
        )
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect())
}

/// One stored value as a series of one point (a form's window is small; no need to pack it).
fn single_point(v: StoredValue) -> StoredSeries {
    StoredSeries {
        base_id: v.base_id,
        indicator: v.indicator,
        points: vec![(v.period, v.revision, v.value)],
    }
}

/// The first stored period key of the history window before `p`.
fn window_start(p: ValuePeriod) -> i32 {
    match p {
        ValuePeriod::Year(y) => y - YEARS_BEFORE,
        ValuePeriod::Month(m) => m
            .offset(-MONTHS_BEFORE)
            .map_or(period_key(p), |m| m.year() * 100 + m.month() as i32),
    }
}

/// Checks the values of one web form (one base, one period) exactly as an upload of the same
/// rows would be checked, and writes nothing: parsed by `parse_long_form`, then checked against
/// the stored window in two bounded reads (the base's own history; its peers' figures of the
/// period). Findings carry the indicator of their field.
pub async fn check_values_form(
    store: &Store,
    base_id: i64,
    period: &str,
    values: &[FormValue],
    scope: &Scope,
) -> Result<Report, ValuesError> {
    let base = store.base(base_id).await?;
    let mut lookup: HashMap<i64, BaseInfo> = HashMap::new();
    if let Some(b) = &base {
        lookup.insert(
            b.id,
            BaseInfo {
                name: b.facts.name.clone(),
                province_code: b.facts.province_code.clone(),
            },
        );
    }
    let table = jidi_tabular::Table {
        file: String::new(),
        header: FORM_HEADER.iter().map(|h| h.to_string()).collect(),
        rows: values
            .iter()
            .enumerate()
            .map(|(i, v)| jidi_tabular::Row {
                number: i + 2,
                cells: vec![
                    base_id.to_string(),
                    period.to_string(),
                    v.indicator.clone(),
                    v.value.clone(),
                    v.explanation.clone(),
                ],
            })
            .collect(),
        spreadsheet: false,
    };
    let catalogue = store.current_catalogue().await?.1;
    let parsed = parse_long_form(&table, catalogue.checks(), &lookup, scope);
    let mut stored: Vec<(Frequency, StoredSeries)> = Vec::new();
    let mut groups: Vec<(i64, String)> = Vec::new();
    if let (Some(b), Some(first)) = (&base, parsed.values.first()) {
        let p = first.period;
        let f = frequency_of(p);
        let key = period_key(p);
        stored.extend(
            store
                .values_of_bases(f, window_start(p), key, &[base_id], &[])
                .await?
                .into_iter()
                .map(|v| (f, single_point(v))),
        );
        let peers = peer_ids(store, &b.facts.category_code).await?;
        let others: Vec<i64> = peers.iter().copied().filter(|&p| p != base_id).collect();
        let codes: Vec<String> = parsed.values.iter().map(|v| v.indicator.clone()).collect();
        stored.extend(
            store
                .values_of_bases(f, key, key, &others, &codes)
                .await?
                .into_iter()
                .map(|v| (f, single_point(v))),
        );
        groups = peers
            .into_iter()
            .map(|p| (p, b.facts.category_code.clone()))
            .collect();
    }
    let (mut report, _, _) = check_against_stored(
        parsed.values,
        parsed.findings,
        &stored,
        &groups,
        &[],
        &catalogue,
    );
    for f in &mut report.findings {
        if f.indicator.is_none() {
            f.indicator = f
                .row
                .and_then(|r| form_field_of_row(values, r))
                .map(String::from);
        }
    }
    report.sort();
    Ok(report)
}

/// The figures shown beside one field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldContext {
    /// The indicator's check spec.
    pub spec: jidi_collect::IndicatorSpec,
    /// The accepted value of the period itself, if any.
    pub current: Option<f64>,
    /// The previous period's value (last year for annual indicators, last month for monthly).
    pub previous: Option<f64>,
    /// The same period last year (monthly indicators only).
    pub last_year: Option<f64>,
    /// The peers' range (same category, the base excluded).
    pub peers: Option<PeerRange>,
}

/// The spread of the peers' values of one indicator and period.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerRange {
    /// The period the figures are of (`YYYY` or `YYYYMM`).
    pub period: i32,
    /// Number of peers with a value.
    pub n: usize,
    /// Smallest.
    pub min: f64,
    /// First quartile (linear interpolation between order statistics).
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Largest.
    pub max: f64,
}

/// Quantile `q` of sorted `xs` by linear interpolation between order statistics (R's type 7).
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let h = (xs.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

/// The spread of `values` (any order); `None` when empty.
pub fn peer_range(period: i32, values: &mut [f64]) -> Option<PeerRange> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(PeerRange {
        period,
        n: values.len(),
        min: values[0],
        q1: quantile(values, 0.25),
        median: quantile(values, 0.5),
        q3: quantile(values, 0.75),
        max: values[values.len() - 1],
    })
}

/// Peers needed before their range is shown for the period itself rather than the previous one.
const MIN_PEERS_SHOWN: usize = 3;

/// The previous period of `p`: last year, or last month.
pub fn previous_period(p: ValuePeriod) -> Option<ValuePeriod> {
    match p {
        ValuePeriod::Year(y) => Some(ValuePeriod::Year(y - 1)),
        ValuePeriod::Month(m) => m.offset(-1).map(ValuePeriod::Month),
    }
}

/// What a form for `base_id` and `period` shows: one field per indicator the period's reporting
/// task asks (every indicator of the period's frequency in the catalogue when no task is open
/// for it), with the accepted value of the period, the previous period's, the
/// same period last year's (monthly) and the peers' range of the period (or, when fewer than
/// three peers have reported it yet, of the previous period). Three bounded reads: the base's
/// own year of figures, and the peers' figures of the two periods.
pub async fn form_context(
    store: &Store,
    base_id: i64,
    category: &str,
    period: ValuePeriod,
) -> Result<Vec<FieldContext>, ValuesError> {
    let f = frequency_of(period);
    let key = period_key(period);
    let prev = previous_period(period).map(period_key);
    let last_year = match period {
        ValuePeriod::Year(_) => None,
        ValuePeriod::Month(m) => m.offset(-12).map(|m| period_key(ValuePeriod::Month(m))),
    };
    let from = last_year.or(prev).unwrap_or(key);
    let own = store.values_of_bases(f, from, key, &[base_id], &[]).await?;
    let peers: Vec<i64> = peer_ids(store, category)
        .await?
        .into_iter()
        .filter(|&p| p != base_id)
        .collect();
    let peer_values = store
        .values_of_bases(f, prev.unwrap_or(key), key, &peers, &[])
        .await?;
    let mut own_of: HashMap<(i32, &str), f64> = HashMap::new();
    for v in &own {
        own_of.insert((v.period, v.indicator.as_str()), v.value);
    }
    let mut peers_of: HashMap<(i32, &str), Vec<f64>> = HashMap::new();
    for v in &peer_values {
        peers_of
            .entry((v.period, v.indicator.as_str()))
            .or_default()
            .push(v.value);
    }
    let wanted = match period {
        ValuePeriod::Year(_) => jidi_collect::Frequency::Annual,
        ValuePeriod::Month(_) => jidi_collect::Frequency::Monthly,
    };
    // The form and its template ask what the task asks; `missing_required` holds the base to it.
    let asked: Option<Vec<String>> = store.task_for_period(f, key).await?.map(|(_, codes)| codes);
    let catalogue = store.current_catalogue().await?.1;
    Ok(catalogue
        .checks()
        .specs()
        .iter()
        .filter(|s| {
            s.frequency == wanted
                && !catalogue.is_retired(&s.code)
                && !catalogue.is_derived(&s.code)
        })
        .filter(|s| asked.as_ref().is_none_or(|codes| codes.contains(&s.code)))
        .map(|s| {
            let code = s.code.as_str();
            let at = |k: Option<i32>| k.and_then(|k| own_of.get(&(k, code)).copied());
            let range_of = |k: i32| {
                let mut xs = peers_of.get(&(k, code)).cloned().unwrap_or_default();
                peer_range(k, &mut xs)
            };
            let peers = match range_of(key) {
                Some(r) if r.n >= MIN_PEERS_SHOWN => Some(r),
                here => prev.and_then(range_of).or(here),
            };
            FieldContext {
                spec: s.clone(),
                current: at(Some(key)),
                previous: at(prev),
                last_year: at(last_year),
                peers,
            }
        })
        .collect())
}

/// The header of the XLSX template: the long form with its explanation column, then reference
/// columns the importer does not read (their names are none of the long form's).
pub const TEMPLATE_HEADER: [&str; 10] = [
    "base_id",
    "base_name",
    "period",
    "indicator",
    "value",
    "unit",
    "explanation",
    "指标名称（参考）",
    "上期值（参考，导入时不读）",
    "上年同期值（参考，导入时不读）",
];

/// The XLSX template of one base and period: one row per indicator of the period's frequency,
/// with base, period, code and catalogue unit filled in, the value and explanation empty, and
/// the indicator's name, last period's and (monthly) last year's value as reference columns the
/// importer ignores.
pub fn template_rows(
    base_id: i64,
    base_name: &str,
    period: ValuePeriod,
    fields: &[FieldContext],
) -> Vec<Vec<Cell>> {
    let num = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    fields
        .iter()
        .map(|f| {
            vec![
                Cell::Number(base_id as f64),
                Cell::Text(base_name.to_string()),
                Cell::Text(period.to_string()),
                Cell::Text(f.spec.code.clone()),
                Cell::Empty,
                Cell::Text(f.spec.unit.clone()),
                Cell::Empty,
                Cell::Text(f.spec.name_zh.clone()),
                num(f.previous),
                num(f.last_year),
            ]
        })
        .collect()
}
