//! Derived indicators: the indicators whose catalogue formula reads a value a batch changes are
//! computed for the same bases and periods *before* the batch is written, from the stored values
//! with the batch's laid over them, and accepted with the batch, in its transaction, each as its
//! next revision. So a derived figure is never typed, never lags its components, and two
//! overlapping batches that both move it conflict on its revision like any other value (the
//! second is refused whole and checked again). A new or changed formula is applied from the next
//! accepted component on, not to figures already stored. A derived figure outside its entry's
//! hard bounds (min/max) refuses the batch like a typed one: its components, each plausible
//! alone, do not fit together.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jidi_collect::finding::show;
use jidi_collect::{Finding, ManagedCatalogue, Rule};
use jidi_store::{AcceptedValue, Frequency, Store, StoreError};

/// The derived values that accepting `batch` changes, computed with `catalogue` (the version
/// the batch was checked against), each only for bases of the categories its entry applies to
/// (`category_of`: the batch's bases' categories). Empty when no derived indicator reads a value
/// of the batch. With them, an `out_of_range` error for each derived figure outside its
/// entry's bounds (the batch must then be refused).
pub(crate) async fn derived_values(
    store: &Store,
    catalogue: &ManagedCatalogue,
    batch: &[AcceptedValue],
    category_of: &HashMap<i64, String>,
) -> Result<(Vec<AcceptedValue>, Vec<Finding>), StoreError> {
    let derived: Vec<_> = catalogue.derived().collect();
    let mut errors = Vec::new();
    if derived.is_empty() {
        return Ok((Vec::new(), errors));
    }
    let components: BTreeSet<&str> = derived.iter().flat_map(|(_, f)| f.codes()).collect();
    // The (base, period) pairs of each frequency and period whose components change.
    let mut touched: BTreeMap<(Frequency, i32), BTreeSet<i64>> = BTreeMap::new();
    for v in batch {
        if components.contains(v.indicator.as_str()) {
            touched
                .entry((v.frequency, v.period))
                .or_default()
                .insert(v.base_id);
        }
    }
    let incoming: HashMap<(Frequency, i64, i32, &str), f64> = batch
        .iter()
        .map(|v| {
            (
                (v.frequency, v.base_id, v.period, v.indicator.as_str()),
                v.value,
            )
        })
        .collect();
    let mut out = Vec::new();
    for ((frequency, period), bases) in touched {
        let wanted = match frequency {
            Frequency::Annual => jidi_collect::Frequency::Annual,
            Frequency::Monthly => jidi_collect::Frequency::Monthly,
        };
        let of_frequency: Vec<_> = derived
            .iter()
            .filter(|(e, _)| e.spec.frequency == wanted)
            .collect();
        if of_frequency.is_empty() {
            continue;
        }
        let mut codes: Vec<String> = of_frequency
            .iter()
            .flat_map(|(e, f)| {
                f.codes()
                    .into_iter()
                    .map(String::from)
                    .chain(std::iter::once(e.spec.code.clone()))
            })
            .collect();
        codes.sort();
        codes.dedup();
        let bases: Vec<i64> = bases.into_iter().collect();
        let mut stored: HashMap<i64, HashMap<String, (f64, i32)>> = HashMap::new();
        for chunk in bases.chunks(500) {
            for v in store
                .values_of_bases(frequency, period, period, chunk, &codes)
                .await?
            {
                stored
                    .entry(v.base_id)
                    .or_default()
                    .insert(v.indicator, (v.value, v.revision));
            }
        }
        for base in &bases {
            let empty = HashMap::new();
            // A base may have no stored value of the period yet: its inputs are the batch's.
            let values = stored.get(base).unwrap_or(&empty);
            let mut inputs: HashMap<&str, f64> =
                values.iter().map(|(k, (v, _))| (k.as_str(), *v)).collect();
            for code in &codes {
                if let Some(v) = incoming.get(&(frequency, *base, period, code.as_str())) {
                    inputs.insert(code.as_str(), *v);
                }
            }
            for (entry, formula) in &of_frequency {
                if category_of.get(base).is_some_and(|c| !entry.applies(c)) {
                    continue;
                }
                let Some(value) = formula.eval(&inputs) else {
                    continue;
                };
                let spec = &entry.spec;
                if spec.min.is_some_and(|lo| value < lo) || spec.max.is_some_and(|hi| value > hi) {
                    let components: Vec<String> = formula
                        .codes()
                        .into_iter()
                        .map(|c| match inputs.get(c) {
                            Some(x) => format!("{c} = {}", show(*x)),
                            None => c.to_string(),
                        })
                        .collect();
                    let label = match frequency {
                        Frequency::Annual => period.to_string(),
                        Frequency::Monthly => format!("{}-{:02}", period / 100, period % 100),
                    };
                    errors.push(
                        Finding::new(
                            Rule::OutOfRange,
                            spec.range_text(),
                            format!(
                                "{}（{}，由公式 {formula} 计算）{} {}{} 超出合理范围（{}{}）：请核对 {}",
                                spec.name_zh,
                                spec.code,
                                label,
                                show(value),
                                spec.unit,
                                spec.range_text(),
                                spec.unit,
                                components.join("，")
                            ),
                        )
                        .for_base(*base)
                        .for_indicator(spec.code.clone())
                        .for_period(label)
                        .in_column(spec.code.clone())
                        .with_value(show(value)),
                    );
                    continue;
                }
                let before = values.get(&entry.spec.code).copied();
                if before.is_some_and(|(old, _)| old == value) {
                    continue;
                }
                out.push(AcceptedValue {
                    frequency,
                    base_id: *base,
                    period,
                    revision: before.map_or(1, |(_, r)| r + 1),
                    replaces_unrecorded: before.filter(|(_, r)| *r == 0).map(|(v, _)| v),
                    value,
                    reported_value: value,
                    reported_unit: entry.spec.unit.clone(),
                    indicator: entry.spec.code.clone(),
                });
            }
        }
    }
    Ok((out, errors))
}
