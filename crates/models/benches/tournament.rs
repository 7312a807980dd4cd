//! The heavy part of the models: a round-robin of every strategy, 200 turns,
//! 1,000 repetitions (45 pairs, 45,000 matches, 9 million rounds), in parallel.

use criterion::{Criterion, criterion_group, criterion_main};
use detente_models::ipd::{GameSettings, Strategy, tournament};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("ipd");
    group.sample_size(10);
    for noise in [0.0, 0.05] {
        let settings = GameSettings {
            turns: 200,
            noise,
            ..GameSettings::default()
        };
        group.bench_function(format!("round_robin_9x200x1000_noise_{noise}"), |b| {
            b.iter(|| tournament(black_box(&Strategy::ALL), 1000, black_box(&settings)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
