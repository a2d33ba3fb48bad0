//! Accuracy, interval coverage and time of the methods on a competition data file, in two modes:
//!
//! - `train`: the last `h` observations of every training series are held out, the methods fit
//!   the rest and are scored on them. The competition's test periods are never read: this is the
//!   mode for choosing settings.
//! - `test`: fit on the training series, score on the test periods (for the final report only).
//!
//! Measures, averaged over the series: sMAPE and MASE as in M4 (MASE scaled by the in-sample
//! mean absolute seasonal difference, lag 12), the share of held-out values inside the 95 %
//! interval, and MSIS (the M4 interval score: width plus 2/0.05 times any miss, scaled like MASE).
//!
//! The file has one series a line, tab-separated: name, horizon, training values, test values
//! (values separated by spaces), as written by `scripts/bench-forecast --dump DIR`.
//!
//! ```text
//! cargo run --release -p jidi-forecast --example holdout -- FILE [train|test] [auto,ets,...]
//! ```

#![allow(clippy::print_stdout)]

use std::time::Instant;

use jidi_forecast::{Config, Method, Series, forecast_many};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: holdout FILE [train|test] [methods]");
        std::process::exit(2);
    };
    let mode = args.get(2).map_or("train", String::as_str);
    let methods = args.get(3).map_or("auto,ets,theta", String::as_str);
    let text = std::fs::read_to_string(path).expect("read the data file");
    let parse = |s: &str| -> Vec<f64> { s.split(' ').map(|v| v.parse().unwrap()).collect() };
    // (series, fitted values, held-out values)
    let mut sets: Vec<(Series, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut h = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        h = f[1].parse().unwrap();
        let x = parse(f[2]);
        let (fit, held_out) = if mode == "test" {
            (x, parse(f[3]))
        } else {
            let cut = x.len() - h;
            (x[..cut].to_vec(), x[cut..].to_vec())
        };
        let series = Series::new(f[0], fit.clone(), 12).unwrap();
        sets.push((series, fit, held_out));
    }
    let series: Vec<Series> = sets.iter().map(|s| s.0.clone()).collect();
    for name in methods.split(',') {
        let method = *Method::ALL.iter().find(|m| m.name() == name).unwrap();
        let config = Config::new(h, method);
        let start = Instant::now();
        let out = forecast_many(&series, &config);
        let secs = start.elapsed().as_secs_f64();
        let penalty = 2.0 / (1.0 - config.level);
        let (mut smape, mut mase, mut msis, mut scaled) = (0.0, 0.0, 0.0, 0);
        let (mut hits, mut count) = (0usize, 0usize);
        for ((_, x, actual), f) in sets.iter().zip(&out) {
            let f = f.as_ref().unwrap();
            let (mut s, mut a, mut score) = (0.0, 0.0, 0.0);
            for (i, &v) in actual.iter().enumerate() {
                let (p, lo, hi) = (f.point[i], f.lower[i], f.upper[i]);
                s += 200.0 * (v - p).abs() / (v.abs() + p.abs());
                a += (v - p).abs();
                score += (hi - lo) + penalty * ((lo - v).max(0.0) + (v - hi).max(0.0));
                hits += usize::from(v >= lo && v <= hi);
                count += 1;
            }
            smape += s / h as f64;
            if x.len() > 12 {
                let diffs = x[12..].iter().zip(x).map(|(a, b)| (a - b).abs());
                let scale = diffs.sum::<f64>() / (x.len() - 12) as f64;
                if scale > 0.0 {
                    mase += a / h as f64 / scale;
                    msis += score / h as f64 / scale;
                    scaled += 1;
                }
            }
        }
        println!(
            "{mode:5} {name:7} sMAPE {:8.3} MASE {:7.3} cover95 {:6.3} MSIS {:8.3} {:7.3} s",
            smape / sets.len() as f64,
            mase / scaled as f64,
            hits as f64 / count as f64,
            msis / scaled as f64,
            secs
        );
    }
}
