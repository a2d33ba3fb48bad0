//! The evaluation on the demo programme: the published headline numbers come out, every result is
//! explained, and the run is reproducible.

use std::collections::HashMap;

use chrono::NaiveDate;
use jidi_demo::{self as demo, DemoConfig, DemoData};
use jidi_domain::evaluation::{self, EvalBase, EvaluationInput};
use jidi_domain::roll::Status;
use jidi_domain::scheme::Scheme;

fn demo_data() -> DemoData {
    demo::generate(&DemoConfig::standard(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ))
}

type Inputs = (
    Vec<EvalBase>,
    HashMap<(i64, String), f64>,
    Vec<(i64, jidi_domain::incident::IncidentKind, NaiveDate)>,
);

fn inputs(data: &DemoData, year: i32) -> Inputs {
    let bases = data
        .bases
        .iter()
        .enumerate()
        .map(|(i, b)| EvalBase {
            id: i as i64 + 1,
            name: b.draft.name.clone(),
            province_code: b.draft.province_code.clone(),
            category: b.draft.category_code.clone(),
            subcategory: b.draft.subcategory_code.clone(),
            tier: b.draft.tier,
            designated_on: b.draft.designated_on,
            designated_year: b.draft.designated_year,
            withdrawn_on: match &b.draft.status {
                Status::Withdrawn { on, .. } => Some(*on),
                Status::Current => None,
            },
        })
        .collect();
    let mut values = HashMap::new();
    for (code, series) in &data.annual {
        for &(b, y, v) in series {
            if y == year {
                values.insert((b as i64 + 1, code.to_string()), v);
            }
        }
    }
    let incidents = data
        .incidents
        .iter()
        .map(|i| (i.base as i64 + 1, i.kind, i.on))
        .collect();
    (bases, values, incidents)
}

#[test]
fn the_2021_evaluation_reproduces_the_published_headline() {
    let data = demo_data();
    let (bases, values, incidents) = inputs(&data, 2021);
    let scheme = Scheme::national_default(2021);
    let previous = HashMap::new();
    let started = std::time::Instant::now();
    let e = evaluation::evaluate(&EvaluationInput {
        scheme: &scheme,
        bases: &bases,
        values: &values,
        incidents: &incidents,
        previous: &previous,
        with_sensitivity: false,
    })
    .unwrap();
    eprintln!(
        "evaluated {} bases in {:?}",
        e.results.len(),
        started.elapsed()
    );
    assert!(
        (e.results.len() as i32 - 415).abs() <= 1,
        "{}",
        e.results.len()
    );
    let [one, two, three, four, five] = e.star_counts;
    eprintln!("stars: {five} / {four} / {three} / {two} / {one}");
    assert!(
        (26..=28).contains(&five),
        "five stars {five} (published 28)"
    );
    assert!(
        (236..=242).contains(&four),
        "four stars {four} (published 240)"
    );
    assert_eq!(e.replications, 1000);
    for r in &e.results {
        assert!(r.score.is_finite());
        assert!(r.rank_p05.unwrap() <= r.rank_p95.unwrap());
        assert!(!r.contributions.is_empty());
        assert_eq!(r.dimension_scores.len(), 6);
        let p = r.star_probabilities.unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        if r.vetoed {
            assert!(r.stars <= scheme.vetoes.cap_stars);
        }
        if r.stars < 5 {
            assert!(r.next_star.is_some());
        }
    }
    // The real bases rated five stars in 2021 mostly come out on top in the demo too.
    let real_five: Vec<i64> = jidi_demo::real_bases()
        .iter()
        .enumerate()
        .filter(|(_, b)| b.ratings.contains(&(2021, 5)))
        .map(|(i, _)| i as i64 + 1)
        .collect();
    let top: usize = e
        .results
        .iter()
        .filter(|r| real_five.contains(&r.base_id) && r.stars >= 4)
        .count();
    assert!(
        top * 10 >= real_five.len() * 8,
        "{top} of {} real five-star bases at four stars or more",
        real_five.len()
    );
}

#[test]
fn evaluations_are_reproducible_and_hashed() {
    let data = demo_data();
    let (bases, values, incidents) = inputs(&data, 2024);
    let mut scheme = Scheme::national_default(2024);
    scheme.uncertainty.replications = 200;
    let previous = HashMap::new();
    let run = || {
        evaluation::evaluate(&EvaluationInput {
            scheme: &scheme,
            bases: &bases,
            values: &values,
            incidents: &incidents,
            previous: &previous,
            with_sensitivity: true,
        })
        .unwrap()
    };
    let a = run();
    let b = run();
    assert_eq!(a.content_hash, b.content_hash);
    assert_eq!(a.results, b.results);
    let s = a.sensitivity.clone().unwrap();
    assert_eq!(s.indicators.len(), 40);
    assert!(s.factors.iter().any(|f| f.0 == "weight:strength"));
    // Any change of an input changes the hash.
    let mut changed = values.clone();
    let (b, code, _) = a.inputs.iter().find(|i| i.2.is_some()).unwrap().clone();
    let key = (b, code);
    *changed.get_mut(&key).unwrap() *= 1.0001;
    let c = evaluation::evaluate(&EvaluationInput {
        scheme: &scheme,
        bases: &bases,
        values: &changed,
        incidents: &incidents,
        previous: &previous,
        with_sensitivity: false,
    })
    .unwrap();
    assert_ne!(c.inputs_hash, a.inputs_hash);
}
