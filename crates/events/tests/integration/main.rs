//! Integration tests of event ingestion: one binary, one module per area.

mod bad_input;
mod roundtrip;

use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use detente_events::{EventStore, IngestOptions, IngestOutcome, IngestSummary};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The package's folder as cargo names it at run time (a reused build cache may have moved).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// The repository's `testdata/` folder.
pub fn testdata(name: &str) -> PathBuf {
    manifest_dir().join("../../testdata").join(name)
}

/// A file of the shared data sets beside the repository.
pub fn shared(name: &str) -> PathBuf {
    let p = manifest_dir().join("../../../shared/data").join(name);
    assert!(p.exists(), "shared data missing: {}", p.display());
    p
}

/// The 91 shared GDELT 2.0 exports, in name (time) order.
pub fn gdelt2_exports() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(shared("gdelt/v2/events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The text of the 91 shared GDELT 2.0 exports, decompressed, in name order.
pub fn gdelt2_exports_text() -> Vec<u8> {
    let mut text = Vec::new();
    for f in &gdelt2_exports() {
        let mut d = flate2::read::GzDecoder::new(std::fs::File::open(f).unwrap());
        std::io::Read::read_to_end(&mut d, &mut text).unwrap();
    }
    text
}

/// Ingests `path` into a fresh store and returns the store and the summary.
pub fn ingest_one(dir: &Path, path: &Path) -> (EventStore, IngestSummary) {
    let mut store = EventStore::open(dir).unwrap();
    let out = store
        .ingest(path, &IngestOptions::default(), &|_| {})
        .unwrap();
    let IngestOutcome::Ingested(s) = out else {
        panic!("not ingested: {out:?}")
    };
    (store, s)
}

/// Every batch of the data set, in manifest order.
pub fn read_all(store: &EventStore) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    for f in store.outputs().unwrap() {
        let file = std::fs::File::open(store.root().join(&f.path)).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            out.push(b.unwrap());
        }
    }
    out
}
