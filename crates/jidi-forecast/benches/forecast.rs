//! Benchmark: 8,000 synthetic monthly series of length 60 (trend, multiplicative season and
//! noise at mixed levels, from a fixed xorshift generator), horizon 18, `Method::Auto`, all
//! cores.
//!
//! Run with `cargo bench -p jidi-forecast --bench forecast`. Machines are noisy, so besides the
//! wall time it reports ratios to a baseline measured in the same process: a seasonal-naive pass
//! over the same series (the cheapest forecast there is, dominated by allocation and threading),
//! and the same auto pass on one thread (the parallel speed-up).
//! `JIDI_BENCH_SERIES=N` changes the number of series.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use jidi_forecast::{Config, Method, Series, forecast_many};

fn series(count: usize, length: usize) -> Vec<Series> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..count)
        .map(|i| {
            let level = 10f64.powf(1.0 + 4.0 * uniform());
            let slope = (uniform() - 0.4) * 0.02;
            let amplitude = 0.3 * uniform();
            let phase = uniform() * 12.0;
            let noise = 0.02 + 0.1 * uniform();
            let values = (0..length)
                .map(|t| {
                    let t = t as f64;
                    let season = 1.0 + amplitude * ((t + phase) * std::f64::consts::PI / 6.0).sin();
                    let e = 1.0 + noise * (uniform() + uniform() + uniform() - 1.5);
                    (level * (1.0 + slope * t) * season * e).max(0.01)
                })
                .collect();
            Series::new(format!("S{i}"), values, 12).unwrap()
        })
        .collect()
}

fn time(series: &[Series], config: &Config) -> f64 {
    let start = Instant::now();
    let out = forecast_many(series, config);
    let elapsed = start.elapsed().as_secs_f64();
    assert!(out.iter().all(Result::is_ok));
    std::hint::black_box(out);
    elapsed
}

fn main() {
    let count: usize = std::env::var("JIDI_BENCH_SERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8000);
    let data = series(count, 60);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let snaive = time(&data, &Config::new(18, Method::SeasonalNaive));
    let auto = time(&data, &Config::new(18, Method::Auto));
    let mut one = Config::new(18, Method::Auto);
    one.threads = 1;
    let subset = &data[..count.min(1000)];
    let auto_one = time(subset, &one) * count as f64 / subset.len() as f64;
    let ets = time(&data, &Config::new(18, Method::Ets));
    println!("{count} monthly series of length 60, horizon 18, {cores} core(s)");
    println!("  seasonal naive (baseline)   {:>8.3} s", snaive);
    println!(
        "  auto (combination)          {:>8.3} s   {:>7.0}× the baseline, {:.1} µs per series",
        auto,
        auto / snaive,
        auto / count as f64 * 1e6
    );
    println!(
        "  auto on one thread (scaled) {:>8.3} s   parallel speed-up {:.2}×",
        auto_one,
        auto_one / auto
    );
    println!(
        "  ETS alone                   {:>8.3} s   {:>7.0}× the baseline",
        ets,
        ets / snaive
    );
}
