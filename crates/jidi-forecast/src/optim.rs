//! Nelder–Mead minimisation (Nelder and Mead 1965, with the standard coefficients 1, 2, ½, ½ as in
//! Lagarias et al. 1998). Unconstrained: callers map bounded parameters onto the real line.

/// Settings of one minimisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NelderMead {
    /// The maximum number of function evaluations.
    pub max_evals: usize,
    /// Stop when the best and worst vertex values differ by at most this (absolute).
    pub f_tol: f64,
    /// Or when every vertex is within this distance of the best in every coordinate.
    pub x_tol: f64,
}

/// The minimum found.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    pub x: Vec<f64>,
    pub f: f64,
    pub evals: usize,
}

impl NelderMead {
    /// Minimises `f` from `x0` with initial simplex steps `step` (one per coordinate). The plain
    /// sequential method, kept as the specification that [`NelderMead::minimise_batched`] must
    /// reproduce exactly (tested).
    #[cfg(test)]
    pub(crate) fn minimise(
        &self,
        x0: &[f64],
        step: &[f64],
        mut f: impl FnMut(&[f64]) -> f64,
    ) -> Minimum {
        let d = x0.len();
        if d == 0 {
            return Minimum {
                x: Vec::new(),
                f: f(x0),
                evals: 1,
            };
        }
        // Simplex stored row-major: vertex i at [i*d .. (i+1)*d].
        let mut simplex = vec![0.0; (d + 1) * d];
        let mut values = vec![0.0; d + 1];
        for i in 0..=d {
            let v = &mut simplex[i * d..(i + 1) * d];
            v.copy_from_slice(x0);
            if i > 0 {
                v[i - 1] += step[i - 1];
            }
            values[i] = sanitise(f(v));
        }
        let mut evals = d + 1;
        let mut order: Vec<usize> = (0..=d).collect();
        let mut centroid = vec![0.0; d];
        let mut xr = vec![0.0; d];
        let mut xe = vec![0.0; d];
        let mut xc = vec![0.0; d];
        loop {
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
            let best = order[0];
            let worst = order[d];
            let second = order[d - 1];
            if evals >= self.max_evals {
                break;
            }
            if values[best].is_finite() {
                if (values[worst] - values[best]).abs() <= self.f_tol {
                    break;
                }
                let bx = &simplex[best * d..(best + 1) * d];
                let collapsed = (0..=d).all(|i| {
                    simplex[i * d..(i + 1) * d]
                        .iter()
                        .zip(bx)
                        .all(|(a, b)| (a - b).abs() <= self.x_tol)
                });
                if collapsed {
                    break;
                }
            }
            centroid.iter_mut().for_each(|c| *c = 0.0);
            for &i in &order[..d] {
                for (c, x) in centroid.iter_mut().zip(&simplex[i * d..(i + 1) * d]) {
                    *c += x;
                }
            }
            centroid.iter_mut().for_each(|c| *c /= d as f64);
            let w = worst * d;
            for j in 0..d {
                xr[j] = centroid[j] + (centroid[j] - simplex[w + j]);
            }
            let fr = sanitise(f(&xr));
            evals += 1;
            if fr < values[best] {
                for j in 0..d {
                    xe[j] = centroid[j] + 2.0 * (centroid[j] - simplex[w + j]);
                }
                let fe = sanitise(f(&xe));
                evals += 1;
                if fe < fr {
                    simplex[w..w + d].copy_from_slice(&xe);
                    values[worst] = fe;
                } else {
                    simplex[w..w + d].copy_from_slice(&xr);
                    values[worst] = fr;
                }
                continue;
            }
            if fr < values[second] {
                simplex[w..w + d].copy_from_slice(&xr);
                values[worst] = fr;
                continue;
            }
            // Contraction: outside when the reflection improved on the worst, inside otherwise.
            let outside = fr < values[worst];
            for j in 0..d {
                xc[j] = if outside {
                    centroid[j] + 0.5 * (xr[j] - centroid[j])
                } else {
                    centroid[j] + 0.5 * (simplex[w + j] - centroid[j])
                };
            }
            let fc = sanitise(f(&xc));
            evals += 1;
            if (outside && fc <= fr) || (!outside && fc < values[worst]) {
                simplex[w..w + d].copy_from_slice(&xc);
                values[worst] = fc;
                continue;
            }
            // Shrink towards the best vertex.
            for &i in &order[1..] {
                for j in 0..d {
                    let b = simplex[best * d + j];
                    simplex[i * d + j] = b + 0.5 * (simplex[i * d + j] - b);
                }
                values[i] = sanitise(f(&simplex[i * d..(i + 1) * d]));
                evals += 1;
            }
        }
        let best = order[0];
        Minimum {
            x: simplex[best * d..(best + 1) * d].to_vec(),
            f: values[best],
            evals,
        }
    }
}

/// Up to this many points are evaluated together by [`NelderMead::minimise_batched`].
pub(crate) const LANES: usize = 4;

impl NelderMead {
    /// The same search as [`NelderMead::minimise`] — the same points, decisions and result — with
    /// the points evaluated in batches of up to [`LANES`]: each iteration evaluates the reflection,
    /// the expansion and both contractions at once, and uses the ones the sequential method would
    /// have asked for. `f(points, values)` evaluates `points.len() / d` points laid end to end.
    /// Worth it when one batched evaluation costs about as much as one single evaluation (a
    /// latency-bound recursion run on several points side by side).
    pub(crate) fn minimise_batched(
        &self,
        x0: &[f64],
        step: &[f64],
        mut f: impl FnMut(&[f64], &mut [f64; LANES]),
    ) -> Minimum {
        let d = x0.len();
        let mut out = [0.0; LANES];
        if d == 0 {
            f(x0, &mut out);
            return Minimum {
                x: Vec::new(),
                f: sanitise(out[0]),
                evals: 1,
            };
        }
        let mut simplex = vec![0.0; (d + 1) * d];
        let mut values = vec![0.0; d + 1];
        for i in 0..=d {
            let v = &mut simplex[i * d..(i + 1) * d];
            v.copy_from_slice(x0);
            if i > 0 {
                v[i - 1] += step[i - 1];
            }
        }
        for start in (0..=d).step_by(LANES) {
            let end = (start + LANES).min(d + 1);
            f(&simplex[start * d..end * d], &mut out);
            for i in start..end {
                values[i] = sanitise(out[i - start]);
            }
        }
        let mut evals = d + 1;
        let mut order: Vec<usize> = (0..=d).collect();
        let mut centroid = vec![0.0; d];
        // Reflection, expansion, outside and inside contraction, end to end.
        let mut trial = vec![0.0; LANES * d];
        loop {
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
            let best = order[0];
            let worst = order[d];
            let second = order[d - 1];
            if evals >= self.max_evals {
                break;
            }
            if values[best].is_finite() {
                if (values[worst] - values[best]).abs() <= self.f_tol {
                    break;
                }
                let bx = &simplex[best * d..(best + 1) * d];
                let collapsed = (0..=d).all(|i| {
                    simplex[i * d..(i + 1) * d]
                        .iter()
                        .zip(bx)
                        .all(|(a, b)| (a - b).abs() <= self.x_tol)
                });
                if collapsed {
                    break;
                }
            }
            centroid.iter_mut().for_each(|c| *c = 0.0);
            for &i in &order[..d] {
                for (c, x) in centroid.iter_mut().zip(&simplex[i * d..(i + 1) * d]) {
                    *c += x;
                }
            }
            centroid.iter_mut().for_each(|c| *c /= d as f64);
            let w = worst * d;
            for j in 0..d {
                let c = centroid[j];
                let xw = simplex[w + j];
                let xr = c + (c - xw);
                trial[j] = xr;
                trial[d + j] = c + 2.0 * (c - xw);
                trial[2 * d + j] = c + 0.5 * (xr - c);
                trial[3 * d + j] = c + 0.5 * (xw - c);
            }
            f(&trial, &mut out);
            let [fr, fe, foc, fic] = out.map(sanitise);
            evals += 1;
            let accept = |k: usize, v: f64, simplex: &mut [f64], values: &mut [f64]| {
                simplex[w..w + d].copy_from_slice(&trial[k * d..(k + 1) * d]);
                values[worst] = v;
            };
            if fr < values[best] {
                evals += 1;
                if fe < fr {
                    accept(1, fe, &mut simplex, &mut values);
                } else {
                    accept(0, fr, &mut simplex, &mut values);
                }
                continue;
            }
            if fr < values[second] {
                accept(0, fr, &mut simplex, &mut values);
                continue;
            }
            evals += 1;
            let outside = fr < values[worst];
            if outside && foc <= fr {
                accept(2, foc, &mut simplex, &mut values);
                continue;
            }
            if !outside && fic < values[worst] {
                accept(3, fic, &mut simplex, &mut values);
                continue;
            }
            for &i in &order[1..] {
                for j in 0..d {
                    let b = simplex[best * d + j];
                    simplex[i * d + j] = b + 0.5 * (simplex[i * d + j] - b);
                }
            }
            // The shrunk vertices, in batches (gathered in order of `order[1..]`).
            let rest: Vec<usize> = order[1..].to_vec();
            for batch in rest.chunks(LANES) {
                for (k, &i) in batch.iter().enumerate() {
                    trial[k * d..(k + 1) * d].copy_from_slice(&simplex[i * d..(i + 1) * d]);
                }
                f(&trial[..batch.len() * d], &mut out);
                for (k, &i) in batch.iter().enumerate() {
                    values[i] = sanitise(out[k]);
                }
                evals += batch.len();
            }
        }
        let best = order[0];
        Minimum {
            x: simplex[best * d..(best + 1) * d].to_vec(),
            f: values[best],
            evals,
        }
    }
}

fn sanitise(v: f64) -> f64 {
    if v.is_nan() { f64::INFINITY } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_quadratic_and_of_rosenbrock() {
        let nm = NelderMead {
            max_evals: 5000,
            f_tol: 1e-14,
            x_tol: 1e-9,
        };
        type Case = (&'static str, fn(&[f64]) -> f64, [f64; 2], [f64; 2]);
        let cases: [Case; 2] = [
            (
                "quadratic",
                |x| (x[0] - 3.0).powi(2) + 10.0 * (x[1] + 1.0).powi(2),
                [0.0, 0.0],
                [3.0, -1.0],
            ),
            (
                "rosenbrock",
                |x| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2),
                [-1.2, 1.0],
                [1.0, 1.0],
            ),
        ];
        for (name, f, start, expected) in cases {
            let m = nm.minimise(&start, &[0.5, 0.5], f);
            let batched = nm.minimise_batched(&start, &[0.5, 0.5], |points, out| {
                for (k, x) in points.chunks(2).enumerate() {
                    out[k] = f(x);
                }
            });
            assert_eq!(
                (m.x.clone(), m.f, m.evals),
                (batched.x, batched.f, batched.evals),
                "{name}"
            );
            for (got, want) in m.x.iter().zip(expected) {
                assert!((got - want).abs() < 1e-4, "{name}: {:?}", m.x);
            }
        }
    }
}
