//! The generator's random numbers: one seeded stream per purpose, so that adding a draw in one
//! part does not change the others.

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

pub(crate) struct Rng(Pcg64Mcg);

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Rng {
        Rng(Pcg64Mcg::seed_from_u64(
            seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ))
    }
    pub(crate) fn normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.0)
    }
    /// A standard normal draw truncated at ±3: generated paths use it for their shocks, so that no
    /// single year or month moves a base implausibly far.
    pub(crate) fn shock(&mut self) -> f64 {
        self.normal().clamp(-3.0, 3.0)
    }
    pub(crate) fn uniform(&mut self) -> f64 {
        self.0.random()
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.0.random_range(0..=i);
            items.swap(i, j);
        }
    }
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// A stationary AR(1) deviation with standard deviation `sd` and persistence `rho`: the value of
/// each period is `rho` times the previous one plus a (truncated) shock. Each period's
/// cross-section has the spread of an independent draw of the same `sd`, while a base's path
/// moves by only `sd·√(2(1−rho))` a period: bases keep their character from year to year.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ar1 {
    x: f64,
    sd: f64,
    rho: f64,
}

impl Ar1 {
    /// A path started from its stationary distribution.
    pub(crate) fn new(rng: &mut Rng, sd: f64, rho: f64) -> Ar1 {
        Ar1 {
            x: sd * rng.shock(),
            sd,
            rho,
        }
    }
    /// The current value.
    pub(crate) fn get(&self) -> f64 {
        self.x
    }
    /// Moves one period on and returns the new value.
    pub(crate) fn step(&mut self, rng: &mut Rng) -> f64 {
        self.x = self.rho * self.x + (1.0 - self.rho * self.rho).sqrt() * self.sd * rng.shock();
        self.x
    }
}
