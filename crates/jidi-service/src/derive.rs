//! Derived indicators: after a batch of reported values is accepted, the indicators whose
//! catalogue formula reads one of them are computed for the same bases and periods and accepted
//! as a batch of their own (reason `公式计算`), each as its next revision, so that a derived figure
//! is never typed. The batch is written after the components' batch commits, not inside it: a
//! failure there (or two overlapping imports racing on one figure) is logged and leaves the
//! derived figure as it was until a component changes again; a new or changed formula is applied
//! from the next accepted component on, not to figures already stored.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Utc;
use jidi_store::{AcceptedValue, Frequency, NewBatch, Store, StoreError};

/// Computes and accepts the derived values that `accepted` changes; returns how many changed.
/// Nothing is written when no derived indicator reads an accepted one.
pub(crate) async fn derive_after(
    store: &Store,
    accepted: &[AcceptedValue],
    user_id: Option<i64>,
    source: &'static str,
) -> Result<Vec<AcceptedValue>, StoreError> {
    let (_, catalogue) = store.current_catalogue().await?;
    let derived: Vec<_> = catalogue.derived().collect();
    if derived.is_empty() {
        return Ok(Vec::new());
    }
    let components: BTreeSet<&str> = derived.iter().flat_map(|(_, f)| f.codes()).collect();
    // The (base, period) pairs of each frequency and period whose components changed.
    let mut touched: BTreeMap<(Frequency, i32), BTreeSet<i64>> = BTreeMap::new();
    for v in accepted {
        if components.contains(v.indicator.as_str()) {
            touched
                .entry((v.frequency, v.period))
                .or_default()
                .insert(v.base_id);
        }
    }
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
            let Some(values) = stored.get(base) else {
                continue;
            };
            let inputs: HashMap<&str, f64> =
                values.iter().map(|(k, (v, _))| (k.as_str(), *v)).collect();
            for (entry, formula) in &of_frequency {
                let Some(value) = formula.eval(&inputs) else {
                    continue;
                };
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
    if out.is_empty() {
        return Ok(out);
    }
    let names: Vec<String> = out
        .iter()
        .map(|v| v.indicator.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|code| {
            let compute = catalogue.get(code).map_or("", |e| e.compute.as_str());
            format!("{code} = {compute}")
        })
        .collect();
    let batch = NewBatch {
        user_id,
        source,
        file_name: String::new(),
        file_sha256: String::new(),
        rows_read: 0,
        reason: format!("公式计算（derived）：{}", names.join("；")),
        at: Utc::now(),
        submission_id: None,
    };
    store.accept_values(&batch, &out, &[]).await?;
    Ok(out)
}
