//! Times the generation of the standard demo (`cargo run --release -p jidi-demo --example gen_time`).
fn main() {
    let config =
        jidi_demo::DemoConfig::standard(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    let _ = jidi_demo::generate(&config);
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let data = jidi_demo::generate(&config);
        times.push(started.elapsed());
        std::hint::black_box(data);
    }
    times.sort();
    println!(
        "generation: median {:?} (min {:?}, max {:?})",
        times[2], times[0], times[4]
    );
}
