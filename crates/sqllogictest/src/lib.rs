//! SQL logic tests of detente's SQL session: a store is built per `.slt`
//! file from the real excerpts in `testdata/` (and the bundled atlas), and
//! each record runs through the same [`detente::analytics::Analytics`] the
//! CLI uses.
#![deny(missing_docs)]

use std::path::PathBuf;

use detente::analytics::Analytics;
use detente::arrow::array::Array;
use detente::arrow::datatypes::DataType;
use detente::arrow::util::display::array_value_to_string;
use sqllogictest::{DBOutput, DefaultColumnType};

/// The package's folder as cargo names it at run time (a reused build cache may have moved).
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// The repository's `testdata/` folder.
pub fn testdata() -> PathBuf {
    manifest_dir().join("../../testdata")
}

/// One session over a fresh store.
#[derive(Debug)]
pub struct Db {
    // Kept so the store outlives the session.
    _dir: tempfile::TempDir,
    analytics: std::sync::Arc<Analytics>,
}

impl Db {
    /// A store holding the 50-row GDELT 2.0 excerpt and the bundled atlas.
    pub fn new() -> Result<Db, detente::Error> {
        let dir = tempfile::tempdir().map_err(|source| detente::Error::Folder {
            path: std::env::temp_dir(),
            source,
        })?;
        let store = detente::Store::open(dir.path())?;
        let mut events = store.events()?;
        events.ingest(
            &testdata().join("gdelt2-20161013151500-head50.csv"),
            &detente::events::IngestOptions::default(),
            &|_| {},
        )?;
        let analytics = store.analytics()?;
        Ok(Db {
            _dir: dir,
            analytics,
        })
    }
}

fn column_type(t: &DataType) -> DefaultColumnType {
    match t {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => DefaultColumnType::Integer,
        DataType::Float16 | DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => {
            DefaultColumnType::FloatingPoint
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => DefaultColumnType::Text,
        _ => DefaultColumnType::Any,
    }
}

impl sqllogictest::DB for Db {
    type Error = detente::Error;
    type ColumnType = DefaultColumnType;

    fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, detente::Error> {
        let (schema, batches) = self.analytics.query(sql)?;
        if schema.fields().is_empty() {
            return Ok(DBOutput::StatementComplete(0));
        }
        let types = schema
            .fields()
            .iter()
            .map(|f| column_type(f.data_type()))
            .collect();
        let mut rows = Vec::new();
        for b in &batches {
            for r in 0..b.num_rows() {
                let mut row = Vec::with_capacity(b.num_columns());
                for c in b.columns() {
                    row.push(if c.is_null(r) {
                        "NULL".to_string()
                    } else {
                        match array_value_to_string(c, r) {
                            Ok(s) if s.is_empty() => "(empty)".to_string(),
                            Ok(s) => s,
                            Err(e) => return Err(detente::Error::Sql(e.to_string())),
                        }
                    });
                }
                rows.push(row);
            }
        }
        Ok(DBOutput::Rows { types, rows })
    }

    fn engine_name(&self) -> &str {
        "detente"
    }
}
