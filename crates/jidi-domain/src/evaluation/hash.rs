//! The hashes that bind a run: its inputs, its results, and both with the scheme and the Monte
//! Carlo settings.

use sha2::{Digest, Sha256};

use super::result::BaseResult;

fn sha256_lines(lines: impl Iterator<Item = String>) -> String {
    let mut h = Sha256::new();
    for l in lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// SHA-256 of inputs `(base, indicator, value)`, sorted; values by their exact bits.
pub fn hash_inputs(inputs: &[(i64, String, Option<f64>)]) -> String {
    let mut sorted: Vec<&(i64, String, Option<f64>)> = inputs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    sha256_lines(sorted.into_iter().map(|(b, c, v)| match v {
        Some(x) => format!("{b}\t{c}\t{:016x}", x.to_bits()),
        None => format!("{b}\t{c}\t-"),
    }))
}

/// The stored, hashed form of a result's headline figures.
pub fn result_line(
    base_id: i64,
    score: f64,
    national_rank: f64,
    category_rank: f64,
    stars: u8,
    vetoed: bool,
) -> String {
    format!(
        "{base_id}\t{:016x}\t{:016x}\t{:016x}\t{stars}\t{}",
        score.to_bits(),
        national_rank.to_bits(),
        category_rank.to_bits(),
        u8::from(vetoed)
    )
}

/// SHA-256 of the results' headline figures, sorted by base.
pub fn hash_results(results: &[BaseResult]) -> String {
    hash_result_lines(
        results
            .iter()
            .map(|r| {
                (
                    r.base_id,
                    result_line(
                        r.base_id,
                        r.score,
                        r.national_rank,
                        r.category_rank,
                        r.stars,
                        r.vetoed,
                    ),
                )
            })
            .collect(),
    )
}

/// SHA-256 of `(base, result_line)` pairs sorted by base: what [`hash_results`] hashes, for
/// checking stored results.
pub fn hash_result_lines(mut lines: Vec<(i64, String)>) -> String {
    lines.sort_by_key(|l| l.0);
    sha256_lines(lines.into_iter().map(|l| l.1))
}

/// SHA-256 binding a scheme, its inputs and results, and the Monte Carlo settings.
pub fn hash_content(
    scheme_hash: &str,
    inputs_hash: &str,
    results_hash: &str,
    replications: usize,
    seed: u64,
) -> String {
    sha256_lines(
        [
            scheme_hash.to_string(),
            inputs_hash.to_string(),
            results_hash.to_string(),
            format!("{replications}\t{seed}"),
        ]
        .into_iter(),
    )
}
