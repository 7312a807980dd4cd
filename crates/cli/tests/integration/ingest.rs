//! `detente ingest` and `detente events stats` through the binary, and crash
//! consistency: an ingest killed at any point leaves the store as it was.

use std::path::{Path, PathBuf};
use std::time::Duration;

use insta_cmd::assert_cmd_snapshot;

use super::{detente, manifest_dir, succeed, with_filters};

fn repo(rel: &str) -> PathBuf {
    manifest_dir().join("../..").join(rel)
}

fn shared(rel: &str) -> PathBuf {
    manifest_dir().join("../../../shared/data").join(rel)
}

fn copy_into(dir: &Path, from: &Path, name: &str) {
    std::fs::copy(from, dir.join(name)).unwrap();
}

#[test]
fn ingest_then_stats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    copy_into(
        &d.join("in"),
        &repo("testdata/gdelt2-20161013151500-head50.csv"),
        "a.csv",
    );
    copy_into(
        &d.join("in"),
        &shared("gdelt/v2/events/20241022130000.export.CSV.gz"),
        "20241022130000.export.CSV.gz",
    );
    copy_into(
        &d.join("in"),
        &shared("gdelt/v2/events/20241022134500.export.CSV.gz"),
        "20241022134500.export.CSV.gz",
    );
    copy_into(d, &repo("testdata/bad/gdelt2-bad-rows.csv"), "bad.csv");
    std::fs::write(d.join("ten.csv"), "a\tb\tc\td\te\tf\tg\th\ti\tj\n").unwrap();
    with_filters(|| {
        assert_cmd_snapshot!("ingest_folder", detente(d).args(["ingest", "in"]));
        assert_cmd_snapshot!(
            "ingest_again_is_a_no_op",
            detente(d).args(["ingest", "in/a.csv"])
        );
        assert_cmd_snapshot!("ingest_quarantines", detente(d).args(["ingest", "bad.csv"]));
        assert_cmd_snapshot!(
            "ingest_unknown_format_fails_others_go_on",
            detente(d).args(["ingest", "ten.csv", "in/a.csv", "--force"])
        );
        assert_cmd_snapshot!(
            "ingest_bad_source_format",
            detente(d).args(["ingest", "bad.csv", "--source-format", "gdelt3"])
        );
        assert_cmd_snapshot!(
            "ingest_glob_without_match",
            detente(d).args(["ingest", "nothing/*.csv"])
        );
        assert_cmd_snapshot!("events_stats", detente(d).args(["events", "stats"]));
        assert_cmd_snapshot!(
            "events_stats_csv",
            detente(d).args(["events", "stats", "--format", "csv"])
        );
    });
}

/// Sizes and footers of the Parquet files under `events/`.
fn parquet_files(root: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("events")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.clone(),
                    std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0),
                ));
            }
        }
    }
    out
}

/// The sum of `field` over the months `detente events stats` lists for the
/// store at `root`.
fn month_sum(d: &Path, root: &Path, field: &str) -> u64 {
    let out = succeed(
        detente(d)
            .env("DETENTE_STORE", root)
            .args(["events", "stats", "--format", "json"]),
    );
    let stats: serde_json::Value = serde_json::from_slice(&out).unwrap();
    stats["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[field].as_u64().unwrap())
        .sum()
}

#[test]
fn a_killed_ingest_leaves_the_store_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // One large plain file: every GDELT 2.0 export of the shared data, concatenated.
    let mut big = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared("gdelt/v2/events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let mut dec = flate2::read::MultiGzDecoder::new(std::fs::File::open(f).unwrap());
        std::io::Read::read_to_end(&mut dec, &mut big).unwrap();
    }
    std::fs::write(d.join("all.csv"), &big).unwrap();
    // Kill after a spread of delays (fixed, so the test is reproducible): before
    // the first write, while writing, around the commit, and after it.
    let mut killed_before_commit = 0;
    for delay_ms in [5u64, 60, 150, 300, 600, 1200] {
        let root = d.join(format!("store-{delay_ms}"));
        let mut child = detente(d)
            .env("DETENTE_STORE", &root)
            .args(["ingest", "all.csv", "--quiet"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Readers see only what a commit listed: all the rows or none.
        let rows = month_sum(d, &root, "rows");
        assert!(
            rows == 0 || rows == 129_257,
            "after {delay_ms} ms: {rows} rows visible"
        );
        killed_before_commit += usize::from(rows == 0);
        // The ingest can simply be run again (a no-op when the killed one
        // committed); it first removes what the killed one left unlisted.
        let again = succeed(
            detente(d)
                .env("DETENTE_STORE", &root)
                .args(["ingest", "all.csv", "--quiet", "--format", "json"]),
        );
        let v: serde_json::Value = serde_json::from_slice(&again).unwrap();
        assert!(
            v[0]["rows_written"].as_u64() == Some(129_257) || v[0]["outcome"] == "already_ingested",
            "after {delay_ms} ms: {v}"
        );
        let listed = month_sum(d, &root, "files");
        let on_disk = parquet_files(&root);
        assert_eq!(
            on_disk.len() as u64,
            listed,
            "after {delay_ms} ms: unlisted files remain"
        );
        for (p, size) in &on_disk {
            let bytes = std::fs::read(p).unwrap();
            assert!(
                *size > 8 && bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
                "{} is not a whole Parquet file",
                p.display()
            );
        }
    }
    assert!(
        killed_before_commit > 0,
        "no run was interrupted before its commit: the test checked nothing"
    );
}
