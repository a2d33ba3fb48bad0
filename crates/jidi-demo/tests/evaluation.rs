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

/// The 2021 scheme's star shares are set from the published counts (28 five-star and 240
/// four-star bases of 415), so matching them checks the national apportionment of places between
/// peer groups, not the data; what the data decide is who gets them, checked by the real bases.
#[test]
fn the_2021_run_apportions_its_star_shares_nationally_and_explains_every_result() {
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
        if r.stars_before_veto < 5 {
            assert!(r.next_star.is_some());
        }
        assert!(r.national_score.is_finite());
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

fn evaluate_2025(
    values: &HashMap<(i64, String), f64>,
    replications: usize,
) -> evaluation::Evaluation {
    let data = demo_data();
    let (bases, _, incidents) = inputs(&data, 2025);
    let mut scheme = Scheme::national_default(2025);
    scheme.uncertainty.replications = replications;
    evaluation::evaluate(&EvaluationInput {
        scheme: &scheme,
        bases: &bases,
        values,
        incidents: &incidents,
        previous: &HashMap::new(),
        with_sensitivity: false,
    })
    .unwrap()
}

/// The published uncertainty agrees with the published result: it describes the published
/// method's own uncertainty (weights and data), so the awarded star is the likeliest for nearly
/// every base, every base whose star is not is flagged borderline, and the published national
/// rank lies in its own interval.
#[test]
fn stars_and_ranks_agree_with_their_own_uncertainty() {
    let data = demo_data();
    let (_, values, _) = inputs(&data, 2025);
    let e = evaluate_2025(&values, 1000);
    let n = e.results.len();
    let mut star_ok = 0;
    let mut rank_ok = 0;
    let mut group_rank_ok = 0;
    let mut borderline = 0;
    for r in &e.results {
        let p = r.star_probabilities.unwrap();
        let c = evaluation::star_confidence(r.stars, &p);
        if c.probability >= 0.5 {
            star_ok += 1;
        } else {
            assert!(c.borderline, "base {}: {c:?}", r.base_id);
        }
        borderline += usize::from(c.borderline);
        if r.rank_p05.unwrap() <= r.national_rank && r.national_rank <= r.rank_p95.unwrap() {
            rank_ok += 1;
        }
        if r.category_rank_p05.unwrap() <= r.category_rank
            && r.category_rank <= r.category_rank_p95.unwrap()
        {
            group_rank_ok += 1;
        }
    }
    eprintln!(
        "2025, groups {:?}: awarded star at p >= 50%: {star_ok} of {n}; borderline: {borderline}; national rank within its 5-95% interval: {rank_ok} of {n}; group rank: {group_rank_ok} of {n}",
        e.groups
    );
    // Before the fix: 405 of 445 and 430 of 445.
    assert!(star_ok * 100 >= n * 97, "{star_ok} of {n}");
    assert!(rank_ok * 100 >= n * 99, "{rank_ok} of {n}");
    assert!(group_rank_ok * 100 >= n * 99, "{group_rank_ok} of {n}");
    assert!(borderline * 100 <= n * 25, "{borderline} of {n} borderline");
}

/// Peer groups follow sub-types where a sub-type has enough bases, and the national rank is the
/// order of the common-normalisation score, not of peer-group scores.
#[test]
fn peer_groups_follow_large_sub_types_and_the_national_rank_its_own_score() {
    let data = demo_data();
    let (_, values, _) = inputs(&data, 2025);
    let e = evaluate_2025(&values, 0);
    let min = jidi_domain::scheme::DEFAULT_MIN_GROUP_SIZE;
    assert!(e.groups.iter().all(|(_, n)| *n >= min), "{:?}", e.groups);
    assert!(
        e.groups.len() > 6,
        "sub-types should split the six categories: {:?}",
        e.groups
    );
    let mut by_rank = e.results.clone();
    by_rank.sort_by(|a, b| a.national_rank.total_cmp(&b.national_rank));
    for w in by_rank.windows(2) {
        assert!(w[0].national_score >= w[1].national_score);
    }
}

/// Every base below five stars gets an answer, and the answer holds: raising the named values
/// and evaluating again gains the star (for a sample).
#[test]
fn every_base_below_five_stars_learns_what_it_takes() {
    let data = demo_data();
    let (_, values, _) = inputs(&data, 2025);
    let e = evaluate_2025(&values, 0);
    let mut counts: HashMap<evaluation::Reach, usize> = HashMap::new();
    let mut checked = 0;
    let mut gained = 0;
    for r in e.results.iter().filter(|r| r.stars_before_veto < 5) {
        let next = r.next_star.as_ref().expect("an answer");
        *counts.entry(next.reach).or_default() += 1;
        match next.reach {
            evaluation::Reach::Levers => assert!(!next.levers.is_empty()),
            evaluation::Reach::Combination => {
                let c = next.combination.as_ref().unwrap();
                assert!(c.levers.len() >= 2);
                assert!(c.share_of_distance > 0.0 && c.share_of_distance <= 1.0);
            }
            evaluation::Reach::NotComputed => panic!("the default method is linear"),
            _ => {}
        }
        let changes = match (&next.combination, next.levers.first()) {
            (Some(c), _) => c.levers.clone(),
            (None, Some(l)) => vec![l.clone()],
            _ => continue,
        };
        if checked >= 30 || r.base_id % 3 != 0 {
            continue;
        }
        checked += 1;
        let mut changed = values.clone();
        for l in &changes {
            changed.insert((r.base_id, l.indicator.clone()), l.needed);
        }
        let again = evaluate_2025(&changed, 0);
        let after = again
            .results
            .iter()
            .find(|x| x.base_id == r.base_id)
            .unwrap();
        if after.stars_before_veto >= next.stars {
            gained += 1;
        } else {
            eprintln!(
                "base {} {:?}: score {:.3} -> {:.3}, threshold {:.3} gap {:.3}; group {}; changes {:?}",
                r.base_id,
                next.reach,
                r.score,
                after.score,
                next.threshold,
                next.gap,
                r.group,
                changes
            );
        }
    }
    eprintln!("answers: {counts:?}; {gained} of {checked} re-evaluated gained the star");
    let unreachable = counts
        .get(&evaluation::Reach::Unreachable)
        .copied()
        .unwrap_or(0);
    assert!(
        unreachable * 50 <= e.results.len(),
        "{unreachable} unreachable"
    );
    assert!(checked >= 20 && gained == checked, "{gained} of {checked}");
}
