//! Uniform draws in batches, identical to `rand_pcg::Pcg64Mcg` with `rand`'s `random::<f64>()`.
//!
//! The data-noise loop of the uncertainty analysis draws one number per value of every
//! replication (millions per analysis). One PCG-64 MCG step is a 128-bit multiplication whose
//! result the next step waits for, so drawing one at a time is bound by that latency. The
//! generator's next state is its state times a constant, so state `n + k` is state `n` times the
//! constant to the k-th power: [`LANES`] interleaved chains, each stepping by the constant's
//! `LANES`-th power, produce the very same sequence with independent multiplications in flight.
//! Written by hand because no crate offers a batched PCG that reproduces `rand_pcg` bit for bit,
//! and published uncertainty ranges must not change when the engine gets faster; the test below
//! compares it with `rand_pcg` itself.

use rand::SeedableRng;

/// `rand_pcg`'s multiplier of `Mcg128Xsl64`.
const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;
/// Interleaved chains.
const LANES: usize = 4;

/// `rand_pcg`'s XSL RR output function of a 128-bit state.
#[inline(always)]
fn output(state: u128) -> u64 {
    let rot = (state >> 122) as u32;
    let xsl = ((state >> 64) as u64) ^ (state as u64);
    xsl.rotate_right(rot)
}

/// `rand`'s `StandardUniform` for `f64`: the top 53 bits, scaled to `[0, 1)`.
#[inline(always)]
fn unit_interval(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A `Pcg64Mcg` that fills slices.
#[derive(Clone, Debug)]
pub struct UniformDraws {
    state: u128,
    /// `MULTIPLIER^1 … MULTIPLIER^LANES`.
    powers: [u128; LANES],
}

impl UniformDraws {
    /// The generator `Pcg64Mcg::seed_from_u64(seed)` is.
    pub fn seed_from_u64(seed: u64) -> UniformDraws {
        let state = rand_pcg::Pcg64Mcg::seed_from_u64(seed).state();
        let mut powers = [MULTIPLIER; LANES];
        for k in 1..LANES {
            powers[k] = powers[k - 1].wrapping_mul(MULTIPLIER);
        }
        UniformDraws { state, powers }
    }

    /// Fills `out` with the next `out.len()` draws of `random::<f64>()`, in order.
    pub fn fill(&mut self, out: &mut [f64]) {
        let step = self.powers[LANES - 1];
        let mut lanes: [u128; LANES] =
            std::array::from_fn(|k| self.state.wrapping_mul(self.powers[k]));
        let mut chunks = out.chunks_exact_mut(LANES);
        for chunk in &mut chunks {
            for k in 0..LANES {
                chunk[k] = unit_interval(output(lanes[k]));
                lanes[k] = lanes[k].wrapping_mul(step);
            }
        }
        for (k, x) in chunks.into_remainder().iter_mut().enumerate() {
            *x = unit_interval(output(lanes[k]));
        }
        self.state = self.state.wrapping_mul(power(MULTIPLIER, out.len()));
    }
}

/// `a^n` modulo 2^128, by squaring.
fn power(mut a: u128, mut n: usize) -> u128 {
    let mut result = 1u128;
    while n > 0 {
        if n & 1 == 1 {
            result = result.wrapping_mul(a);
        }
        a = a.wrapping_mul(a);
        n >>= 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn draws_are_rand_pcg_s() {
        for seed in [0u64, 1, 2026, u64::MAX] {
            let mut reference = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
            let mut batched = UniformDraws::seed_from_u64(seed);
            // Lengths that leave every remainder, and an empty one, in turn.
            for len in [0usize, 1, 2, 3, 4, 5, 7, 8, 13, 400, 0, 3929] {
                let mut out = vec![0.0; len];
                batched.fill(&mut out);
                for (i, x) in out.iter().enumerate() {
                    let want: f64 = reference.random();
                    assert_eq!(
                        x.to_bits(),
                        want.to_bits(),
                        "seed {seed}, length {len}, draw {i}"
                    );
                }
            }
            // And the stream goes on where both left it.
            let mut one = [0.0];
            batched.fill(&mut one);
            assert_eq!(one[0], reference.random::<f64>());
        }
    }

    #[test]
    fn powers_are_repeated_products() {
        let mut p = 1u128;
        for n in 0..70 {
            assert_eq!(power(MULTIPLIER, n), p);
            p = p.wrapping_mul(MULTIPLIER);
        }
    }
}
