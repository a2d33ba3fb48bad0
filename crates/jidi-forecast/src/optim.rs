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
    /// Minimises `f` from `x0` with initial simplex steps `step` (one per coordinate).
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
        // Centroid, reflection, expansion and contraction, end to end.
        let mut work = vec![0.0; 4 * d];
        let (centroid, rest) = work.split_at_mut(d);
        let (xr, rest) = rest.split_at_mut(d);
        let (xe, xc) = rest.split_at_mut(d);
        loop {
            sort_by_value(&mut order, &values);
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
            let fr = sanitise(f(xr));
            evals += 1;
            if fr < values[best] {
                for j in 0..d {
                    xe[j] = centroid[j] + 2.0 * (centroid[j] - simplex[w + j]);
                }
                let fe = sanitise(f(xe));
                evals += 1;
                if fe < fr {
                    simplex[w..w + d].copy_from_slice(xe);
                    values[worst] = fe;
                } else {
                    simplex[w..w + d].copy_from_slice(xr);
                    values[worst] = fr;
                }
                continue;
            }
            if fr < values[second] {
                simplex[w..w + d].copy_from_slice(xr);
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
            let fc = sanitise(f(xc));
            evals += 1;
            if (outside && fc <= fr) || (!outside && fc < values[worst]) {
                simplex[w..w + d].copy_from_slice(xc);
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

/// Sorts the vertex indices by value (stable: ties keep their order), by insertion: there are at
/// most a handful, nearly sorted from the previous iteration.
fn sort_by_value(order: &mut [usize], values: &[f64]) {
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && values[order[j]].total_cmp(&values[order[j - 1]]).is_lt() {
            order.swap(j, j - 1);
            j -= 1;
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
            for (got, want) in m.x.iter().zip(expected) {
                assert!((got - want).abs() < 1e-4, "{name}: {:?}", m.x);
            }
        }
    }
}
