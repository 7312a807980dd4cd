//! `detente pulse` on real GDELT 2.0 exports: the rollup and the raw events
//! give the same answers; coverage marks what was not ingested.

use std::path::{Path, PathBuf};

use insta_cmd::assert_cmd_snapshot;
use serde_json::Value;

use super::{detente, with_filters};

fn shared_events() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/gdelt/v2/events")
}

/// A store with the nine real 15-minute exports of 2024-10-22 that the shared
/// data holds (of the day's 96), so coverage is partial.
fn store_with_exports(d: &Path) -> usize {
    std::fs::create_dir(d.join("in")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(shared_events())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("20241022"))
        .collect();
    names.sort();
    for n in &names {
        std::fs::copy(shared_events().join(n), d.join("in").join(n)).unwrap();
    }
    let out = detente(d).args(["ingest", "-q", "in"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    names.len()
}

fn pulse_json(d: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "pulse",
        "RUS",
        "USA",
        "--from",
        "2024-10-01",
        "--to",
        "2024-10-31",
        "--freq",
        "day",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = detente(d).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn pulse_from_rollup_equals_pulse_from_events() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = store_with_exports(d);
    assert_eq!(files, 9, "the shared data holds nine exports of 2024-10-22");
    for extra in [&[][..], &["--directed"][..]] {
        let mut rollup = pulse_json(d, extra);
        let mut events = pulse_json(d, &[extra, &["--from-events"][..]].concat());
        assert_eq!(rollup["read_from"], "rollup");
        assert_eq!(events["read_from"], "events");
        rollup["read_from"] = Value::Null;
        events["read_from"] = Value::Null;
        assert!(close(&rollup, &events), "{rollup:#}\n{events:#}");
        // The dyad has events on the covered day, and only there.
        let periods = rollup["periods"].as_array().unwrap();
        let covered: Vec<&Value> = periods
            .iter()
            .filter(|p| p["coverage"].as_f64() > Some(0.0))
            .collect();
        assert!(!covered.is_empty());
        for p in periods {
            if p["coverage"].as_f64() == Some(0.0) {
                assert!(p["events"].is_null(), "an uncovered day has no count: {p}");
            }
        }
    }
    // Coverage is the share of the day's 96 batches that were ingested.
    let p = pulse_json(d, &[]);
    let day = p["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["start"] == "2024-10-22")
        .unwrap();
    assert!(
        close(&day["coverage"], &Value::from(files as f64 / 96.0)),
        "{day}"
    );
}

#[test]
fn pulse_outputs_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_filters(|| {
        assert_cmd_snapshot!(
            "pulse_empty_store",
            detente(d).args(["pulse", "RUS", "USA", "--from", "2024", "--to", "2024"])
        );
    });
    store_with_exports(d);
    with_filters(|| {
        assert_cmd_snapshot!(
            "pulse_table",
            detente(d).args([
                "pulse",
                "RUS",
                "USA",
                "--from",
                "2024-10-20",
                "--to",
                "2024-10-24",
                "--freq",
                "day"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_csv_monthly",
            detente(d).args([
                "pulse",
                "Russia",
                "United States",
                "--from",
                "2024-09",
                "--to",
                "2024-11",
                "--freq",
                "month",
                "--format",
                "csv"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_unknown_actor",
            detente(d).args(["pulse", "RUS", "Atlantis", "--from", "2024", "--to", "2024"])
        );
        assert_cmd_snapshot!(
            "pulse_reversed_dates",
            detente(d).args([
                "pulse",
                "RUS",
                "USA",
                "--from",
                "2024-12-01",
                "--to",
                "2024-01-01"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_wrong_source",
            detente(d).args([
                "pulse", "RUS", "USA", "--from", "2024", "--to", "2024", "--source", "icews"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_bad_chart_name",
            detente(d).args([
                "pulse", "RUS", "USA", "--from", "2024", "--to", "2024", "--chart", "c.jpg"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_chart",
            detente(d).args([
                "pulse",
                "RUS",
                "USA",
                "--from",
                "2024-10-21",
                "--to",
                "2024-10-23",
                "--freq",
                "day",
                "--chart",
                "c.svg",
                "--format",
                "csv"
            ])
        );
    });
    let svg = std::fs::read_to_string(d.join("c.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("verbal cooperation") && svg.contains("2024-10-22")
    );
}
