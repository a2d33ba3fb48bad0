//! The demo programme against the published figures it is calibrated to.

use std::collections::HashMap;

use chrono::NaiveDate;
use jidi_demo::{self as demo, DemoConfig};
use jidi_domain::reference::MacroRegion;
use jidi_domain::roll::{Status, Tier};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

#[test]
fn demo_roll_matches_the_published_structure() {
    let started = std::time::Instant::now();
    let data = demo::generate(&DemoConfig::standard(today()));
    eprintln!(
        "generated in {:?}: {} annual, {} monthly values",
        started.elapsed(),
        data.n_annual(),
        data.n_monthly()
    );
    let national: Vec<_> = data
        .bases
        .iter()
        .filter(|b| b.draft.tier.is_national() || b.draft.status != Status::Current)
        .collect();
    assert_eq!(national.len(), 456, "ever designated");
    let current = national
        .iter()
        .filter(|b| b.draft.status == Status::Current)
        .count();
    assert_eq!(current, 445);
    let mut batches: HashMap<i32, usize> = HashMap::new();
    for b in &national {
        *batches.entry(b.draft.batch.unwrap()).or_insert(0) += 1;
    }
    for b in demo::BATCHES {
        assert_eq!(batches[&b.number], b.count, "batch {}", b.number);
    }
    let regions = demo::region_counts(&data.bases);
    assert_eq!(regions[&MacroRegion::East], 193);
    assert_eq!(regions[&MacroRegion::Central], 91);
    assert_eq!(regions[&MacroRegion::West], 122);
    assert_eq!(regions[&MacroRegion::Northeast], 39);
    let in_province = |code: &str| {
        national
            .iter()
            .filter(|b| b.draft.status == Status::Current && b.draft.province_code == code)
            .count()
    };
    assert_eq!(in_province("320000"), 30);
    assert_eq!(in_province("370000"), 30);
    let materials = national
        .iter()
        .filter(|b| b.draft.status == Status::Current && b.draft.category_code == "materials")
        .count();
    assert_eq!(materials, 95);
    assert_eq!(
        data.bases
            .iter()
            .filter(|b| b.draft.tier == Tier::Provincial)
            .count(),
        600
    );
    assert_eq!(
        data.bases
            .iter()
            .filter(|b| b.draft.tier == Tier::Cultivating)
            .count(),
        300
    );
    // The 58 real bases come first and are not synthetic; everything else is.
    assert!(data.bases[..58].iter().all(|b| !b.draft.synthetic));
    assert!(
        data.bases[58..]
            .iter()
            .all(|b| b.draft.synthetic && b.draft.name.contains("模拟园区"))
    );
}

#[test]
fn published_numbers_of_bases_evaluated_are_reproduced() {
    let data = demo::generate(&DemoConfig::standard(today()));
    for (year, published) in [
        (2018, 332),
        (2019, 381),
        (2020, 416),
        (2021, 415),
        (2022, 445),
    ] {
        let n = data
            .bases
            .iter()
            .filter(|b| jidi_domain::programme::evaluated_in(&b.draft, year))
            .count();
        assert!(
            (n as i32 - published).abs() <= 1,
            "{year}: {n} vs {published}"
        );
    }
}

#[test]
fn demo_is_deterministic_and_marked() {
    let a = demo::generate(&DemoConfig::standard(today()));
    let b = demo::generate(&DemoConfig::standard(today()));
    assert_eq!(a.n_annual(), b.n_annual());
    assert_eq!(a.annual[0].1[..50], b.annual[0].1[..50]);
    assert_eq!(
        a.bases.iter().map(|x| &x.draft.name).collect::<Vec<_>>(),
        b.bases.iter().map(|x| &x.draft.name).collect::<Vec<_>>()
    );
    // Annual data end with the previous calendar year, monthly with the previous month.
    let years: Vec<i32> = a.annual[0].1.iter().map(|v| v.1).collect();
    assert_eq!(*years.iter().max().unwrap(), 2025);
    assert_eq!(*years.iter().min().unwrap(), 2018);
    let periods: Vec<i32> = a
        .monthly
        .iter()
        .flat_map(|(_, s)| s.iter().map(|v| v.1))
        .collect();
    assert_eq!(*periods.iter().max().unwrap(), 202610);
    assert_eq!(*periods.iter().min().unwrap(), 202111);
    // Names are unique.
    let mut names: Vec<&String> = a.bases.iter().map(|x| &x.draft.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), a.bases.len());
}

/// `--scale 2`: every generated base twice (the copy named `（合成 2）`, same place, category and
/// tier, its own values), the real bases once, the documented roll unchanged in front, and the
/// same content on every build.
#[test]
fn a_scaled_demo_copies_the_generated_bases() {
    let one = demo::generate(&DemoConfig::standard(today()));
    let mut config = DemoConfig::standard(today());
    config.scale = 2;
    let two = demo::generate(&config);
    let synthetic = |d: &demo::DemoData| d.bases.iter().filter(|b| b.draft.synthetic).count();
    let real = |d: &demo::DemoData| d.bases.iter().filter(|b| !b.draft.synthetic).count();
    assert_eq!(real(&one), 58);
    assert_eq!(real(&two), 58);
    assert_eq!(synthetic(&two), 2 * synthetic(&one));
    let n = one.bases.len();
    assert_eq!(two.bases.len(), n + synthetic(&one));
    // The documented roll comes first, unchanged, with the same values.
    for (a, b) in one.bases.iter().zip(&two.bases) {
        assert_eq!(a.draft.name, b.draft.name);
        assert_eq!(a.history.len(), b.history.len());
    }
    let first = |d: &demo::DemoData| -> Vec<(usize, i32, f64)> {
        d.annual[0].1.iter().filter(|v| v.0 < n).copied().collect()
    };
    assert_eq!(first(&one), first(&two));
    // Each copy: its original's suffixed name, place, category, tier and status; its own values.
    let originals: Vec<&jidi_domain::bulk::BaseWithHistory> =
        one.bases.iter().filter(|b| b.draft.synthetic).collect();
    for (copy, original) in two.bases[n..].iter().zip(&originals) {
        assert_eq!(
            copy.draft.name,
            format!("{}（合成 2）", original.draft.name)
        );
        assert!(copy.draft.synthetic);
        assert_eq!(copy.draft.province_code, original.draft.province_code);
        assert_eq!(copy.draft.category_code, original.draft.category_code);
        assert_eq!(copy.draft.tier, original.draft.tier);
        assert_eq!(copy.draft.status, original.draft.status);
        assert!(copy.draft.note.as_deref().unwrap().contains("合成副本"));
    }
    let revenue = |d: &demo::DemoData, base: usize| -> Option<f64> {
        let (_, series) = d.annual.iter().find(|(c, _)| *c == "rev_main").unwrap();
        series
            .iter()
            .find(|v| v.0 == base && v.1 == 2025)
            .map(|v| v.2)
    };
    let i = n - synthetic(&one); // the first generated base
    assert_ne!(
        revenue(&two, i),
        revenue(&two, n),
        "a copy has its own values"
    );
    // About twice the generated values (a copy may leave a different few unreported).
    let expected = (2 * one.n_annual() - real_values(&one)) as f64;
    assert!(
        (two.n_annual() as f64 / expected - 1.0).abs() < 0.02,
        "{}",
        two.n_annual()
    );
    // Deterministic, and names stay unique.
    let again = demo::generate(&config);
    assert_eq!(two.annual, again.annual);
    assert_eq!(two.monthly, again.monthly);
    assert_eq!(two.incidents.len(), again.incidents.len());
    let mut names: Vec<&String> = two.bases.iter().map(|x| &x.draft.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), two.bases.len());
}

/// Annual values of the real bases, which a scaled demo does not copy.
fn real_values(d: &demo::DemoData) -> usize {
    d.annual
        .iter()
        .map(|(_, s)| s.iter().filter(|v| !d.bases[v.0].draft.synthetic).count())
        .sum()
}

#[test]
fn magnitudes_are_calibrated() {
    let data = demo::generate(&DemoConfig::standard(today()));
    let get = |code: &str| {
        data.annual
            .iter()
            .find(|(c, _)| *c == code)
            .unwrap()
            .1
            .clone()
    };
    let rev: HashMap<(usize, i32), f64> = get("rev_main")
        .into_iter()
        .map(|(b, y, v)| ((b, y), v))
        .collect();
    let national: Vec<usize> = (0..data.bases.len())
        .filter(|&i| data.bases[i].draft.tier.is_national())
        .collect();
    let mean_rev: f64 = national
        .iter()
        .filter_map(|i| rev.get(&(*i, 2021)))
        .sum::<f64>()
        / national.len() as f64;
    assert!(
        (500.0..2500.0).contains(&mean_rev),
        "mean national revenue 2021 {mean_rev}"
    );
    let firms: Vec<f64> = get("ent_above_scale")
        .into_iter()
        .filter(|(b, y, _)| *y == 2020 && national.contains(b))
        .map(|v| v.2)
        .collect();
    let mean_firms = firms.iter().sum::<f64>() / firms.len() as f64;
    assert!(
        (120.0..260.0).contains(&mean_firms),
        "firms per base {mean_firms}"
    );
}
