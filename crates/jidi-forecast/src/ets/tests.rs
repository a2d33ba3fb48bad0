use super::*;

#[test]
fn the_filter_follows_the_error_correction_recursion_for_every_model() {
    let y: Vec<f64> = (0..50)
        .map(|t| {
            100.0
                + t as f64
                + 10.0 * (t as f64 * std::f64::consts::FRAC_PI_6).sin()
                + (t % 7) as f64
        })
        .collect();
    let mut buf = Vec::new();
    for spec in EtsSpec::candidates(true, true) {
        let seasonal = spec.season != SeasonKind::None;
        let season0: Vec<f64> = match spec.season {
            SeasonKind::None => Vec::new(),
            SeasonKind::Additive => (0..12).map(|i| (i as f64 - 5.5) * 2.0).collect(),
            SeasonKind::Multiplicative => (0..12).map(|i| 1.0 + (i as f64 - 5.5) * 0.02).collect(),
        };
        let p = EtsParams {
            alpha: 0.3,
            beta: 0.02,
            gamma: if seasonal { 0.1 } else { 0.0 },
            phi: if spec.trend == TrendKind::Damped {
                0.9
            } else {
                1.0
            },
        };
        let (l0, b0) = (95.0, 0.5);
        // The recursion as etscalc writes it, one state at a time.
        let (mut l, mut b) = (
            l0,
            if spec.trend == TrendKind::None {
                0.0
            } else {
                b0
            },
        );
        let mut s: Vec<f64> = season0.clone();
        let mut residuals = Vec::new();
        for &yt in &y {
            let phib = p.phi * b;
            let q = l + phib;
            let sm = s.last().copied().unwrap_or(0.0);
            let mu = match spec.season {
                SeasonKind::None => q,
                SeasonKind::Additive => q + sm,
                SeasonKind::Multiplicative => q * sm,
            };
            residuals.push(match spec.error {
                ErrorKind::Additive => yt - mu,
                ErrorKind::Multiplicative => (yt - mu) / mu,
            });
            let (p_t, t_t) = match spec.season {
                SeasonKind::None => (yt, 0.0),
                SeasonKind::Additive => (yt - sm, yt - q),
                SeasonKind::Multiplicative => (yt / sm, yt / q),
            };
            let new_l = q + p.alpha * (p_t - q);
            if spec.trend != TrendKind::None {
                b = phib + (p.beta / p.alpha) * (new_l - l - phib);
            }
            l = new_l;
            if seasonal {
                let new_s = sm + p.gamma * (t_t - sm);
                s.pop();
                s.insert(0, new_s);
            }
        }
        let mut got = vec![0.0; y.len()];
        let run = filter(spec, p, l0, b0, &season0, &y, &mut buf, Some(&mut got));
        for (g, e) in got.iter().zip(&residuals) {
            assert!((g - e).abs() < 1e-9, "{}: {g} vs {e}", spec.name());
        }
        assert!((run.level - l).abs() < 1e-9 * l.abs(), "{}", spec.name());
        assert!((run.trend - b).abs() < 1e-9, "{}", spec.name());
    }
}

#[test]
fn candidates_follow_ets_restrictions() {
    let names = |s: bool, p: bool| -> Vec<String> {
        EtsSpec::candidates(s, p)
            .iter()
            .map(EtsSpec::name)
            .collect()
    };
    assert_eq!(names(true, true).len(), 15);
    assert!(!names(true, true).contains(&"ETS(A,N,M)".to_string()));
    assert_eq!(
        names(false, false),
        ["ETS(A,N,N)", "ETS(A,A,N)", "ETS(A,Ad,N)"]
    );
    assert_eq!(names(true, false).len(), 6);
}
