//! Bad input: each case an exact quarantine count and reason, or an exact error.

use std::io::Write;

use detente_events::{Error, EventStore, IngestOptions, IngestOutcome};

use super::{ingest_one, read_all, shared, testdata};

#[test]
fn each_bad_row_is_quarantined_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (store, s) = ingest_one(dir.path(), &testdata("bad/gdelt2-bad-rows.csv"));
    // testdata/SOURCE.md lists what each line of the file holds.
    assert_eq!(s.rows_read, 11);
    assert_eq!(s.rows_written, 3);
    assert_eq!(s.rows_quarantined, 8);
    let by_reason: Vec<(&str, u64)> = s
        .quarantined_by_reason
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        by_reason,
        [
            ("bad_cameo_code", 1),
            ("bad_date", 1),
            ("bad_number", 1),
            ("blank_line", 1),
            ("invalid_utf8", 1),
            ("out_of_range", 1),
            ("wrong_field_count", 2),
        ]
    );
    assert_eq!(s.flagged_by_reason.get("unlisted_cameo_code"), Some(&1));
    let q = store.quarantine(s.id).unwrap();
    let lines: Vec<u64> = q.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8, 10]);
    // Raw bytes are kept exactly, invalid UTF-8 included.
    let utf8 = q.iter().find(|r| r.reason == "invalid_utf8").unwrap();
    assert!(utf8.raw.windows(6).any(|w| w == b"MOSC\xffW"));
    let date = q.iter().find(|r| r.reason == "bad_date").unwrap();
    assert_eq!(
        date.detail,
        "day = \"20160230\" names no day in the calendar"
    );
    let rows: usize = read_all(&store).iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, 3);
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file(name, opts).unwrap();
        z.write_all(bytes).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn gunzip(path: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut d = flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap());
    std::io::Read::read_to_end(&mut d, &mut out).unwrap();
    out
}

#[test]
fn gdelts_zip_container_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = gunzip(&shared("gdelt/v2/events/20241022130000.export.CSV.gz"));
    let path = dir.path().join("20241022130000.export.CSV.zip");
    std::fs::write(&path, zip_of("20241022130000.export.CSV", &csv)).unwrap();
    let (_, s) = ingest_one(&dir.path().join("store"), &path);
    // The data README: 1,485 rows in this batch.
    assert_eq!((s.rows_read, s.rows_written), (1485, 1485));
    // A zip is hashed before it is read (it is read out of order).
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        s.sha256,
        format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );
}

#[test]
fn truncated_containers_fail_the_file_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = gunzip(&shared("gdelt/v2/events/20241022130000.export.CSV.gz"));
    let zipped = zip_of("20241022130000.export.CSV", &csv);
    let cut_zip = dir.path().join("cut.zip");
    std::fs::write(&cut_zip, &zipped[..zipped.len() / 2]).unwrap();
    let gz = std::fs::read(shared("gdelt/v2/events/20241022130000.export.CSV.gz")).unwrap();
    let cut_gz = dir.path().join("cut.CSV.gz");
    std::fs::write(&cut_gz, &gz[..gz.len() / 2]).unwrap();
    let root = dir.path().join("store");
    let mut store = EventStore::open(&root).unwrap();
    for (p, what) in [(&cut_zip, "zip archive"), (&cut_gz, "gzip stream")] {
        let err = store
            .ingest(p, &IngestOptions::default(), &|_| {})
            .unwrap_err();
        match &err {
            Error::Corrupt { what: w, .. } => assert_eq!(*w, what, "{err}"),
            other => panic!("{}: {other}", p.display()),
        }
    }
    assert!(store.ingests().unwrap().is_empty());
    assert!(store.outputs().unwrap().is_empty());
    let leftovers = walk(&root.join("events"));
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn unknown_formats_and_encodings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let mut store = EventStore::open(&root).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "ten.csv",
            b"a\tb\tc\td\te\tf\tg\th\ti\tj\n".to_vec(),
            "10 tab-separated fields",
        ),
        ("empty.csv", Vec::new(), "the file is empty"),
        (
            "utf16.csv",
            "\u{feff}588604779\t20151014\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect(),
            "UTF-16",
        ),
        (
            "header.tab",
            b"Event ID\tEvent Date\tSomething else\n".to_vec(),
            "not the ICEWS header",
        ),
    ];
    for (name, bytes, needle) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let err = store
            .ingest(&p, &IngestOptions::default(), &|_| {})
            .unwrap_err();
        assert!(matches!(err, Error::UnknownFormat { .. }), "{name}: {err}");
        assert!(err.to_string().contains(needle), "{name}: {err}");
    }
    let missing = store.ingest(
        &dir.path().join("absent.csv"),
        &IngestOptions::default(),
        &|_| {},
    );
    assert!(matches!(missing, Err(Error::Io { .. })));
    assert!(store.ingests().unwrap().is_empty());
}

#[test]
fn a_forced_format_reads_every_row_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = EventStore::open(dir.path()).unwrap();
    let opts = IngestOptions {
        format: Some(detente_events::Format::Gdelt1),
        ..Default::default()
    };
    let out = store
        .ingest(
            &testdata("gdelt2-20161013151500-head50.csv"),
            &opts,
            &|_| {},
        )
        .unwrap();
    let IngestOutcome::Ingested(s) = out else {
        panic!()
    };
    assert_eq!(s.rows_quarantined, 50);
    assert_eq!(s.quarantined_by_reason.get("wrong_field_count"), Some(&50));
}

#[test]
fn interrupted_ingest_leaves_no_visible_trace() {
    // Files written by an ingest that never committed are not listed, so they
    // are not part of the data set. Opening the store to read leaves them (an
    // ingest in another process may be writing them); the next ingest, holding
    // the ingest lock, removes them.
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = ingest_one(dir.path(), &testdata("gdelt2-20161013151500-head50.csv"));
    drop(store);
    let orphan = dir
        .path()
        .join("events/source=gdelt2/year=2099/month=01/part-orphan.parquet");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"half a file").unwrap();
    let mut store = EventStore::open(dir.path()).unwrap();
    assert!(orphan.exists(), "a reader removed a file it cannot judge");
    assert_eq!(
        store.outputs().unwrap().iter().map(|o| o.rows).sum::<u64>(),
        50
    );
    store
        .ingest(
            &testdata("gdelt2-20161013151500-head50.csv"),
            &IngestOptions::default(),
            &|_| {},
        )
        .unwrap();
    assert!(!orphan.exists(), "the next ingest left the orphan");
    assert_eq!(
        store.outputs().unwrap().iter().map(|o| o.rows).sum::<u64>(),
        50
    );
}

#[test]
fn ingests_wait_for_the_store_lock() {
    // Another process's ingest holds the lock: this one waits, then runs.
    let dir = tempfile::tempdir().unwrap();
    let mut store = EventStore::open(dir.path()).unwrap();
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join("ingest.lock"))
        .unwrap();
    held.lock().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            let out = store.ingest(
                &testdata("gdelt2-20161013151500-head50.csv"),
                &IngestOptions::default(),
                &|_| {},
            );
            tx.send(out.map(|o| matches!(o, IngestOutcome::Ingested(_))))
                .unwrap();
        });
        let waited = rx.recv_timeout(std::time::Duration::from_millis(500));
        assert!(waited.is_err(), "ingested while the lock was held");
        held.unlock().unwrap();
        let done = rx.recv_timeout(std::time::Duration::from_secs(60));
        assert!(matches!(done, Ok(Ok(true))), "{done:?}");
    });
}

/// A store folder that cannot be made is named as such, and nothing is made.
#[test]
fn a_store_under_a_file_is_refused_naming_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"not a folder").unwrap();
    let root = file.join("store");
    match EventStore::open(&root) {
        Err(e @ Error::Folder { .. }) => {
            assert_eq!(e.to_string(), format!("store folder {}", root.display()));
        }
        other => panic!("expected a folder error, got {other:?}"),
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"not a folder");
}
