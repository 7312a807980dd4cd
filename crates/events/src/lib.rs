//! CAMEO-coded event data: GDELT 1.0, GDELT 2.0 and ICEWS, ingested into a
//! Parquet store partitioned by source, year and month, with a manifest and a
//! quarantine so that nothing is lost silently.
//!
//! ```text
//!  file (.csv | .gz | .zip) ──▶ chunks of whole lines ──(rayon)──▶ parse rows, roll up
//!        │   (reader thread, sha256 while reading)                 │        │
//!        └─ sha256 known: already ingested? no-op            quarantine   rows by (year, month),
//!                                                                         in line order
//!                                                                            │
//!        manifest transaction (SQLite) ◀── fsync ◀── Parquet row groups ◀────┘
//!                                                    (zstd, columns encoded
//!                                                     in parallel)
//! ```
//!
//! See `pipeline` (private) for how the work is spread and memory bounded.
//! Times are UTC. See [`schema`] for the columns, [`store`] for atomicity.
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

mod encode;
mod error;
pub mod input;
pub mod parse;
mod pipeline;
pub mod rollup;
pub mod schema;
pub mod shifts;
pub mod stats;
pub mod store;
pub mod udf;

pub use error::{Error, Result};
pub use parse::Format;
pub use store::{
    EventStore, IngestOptions, IngestOutcome, IngestSummary, OutputFile, Progress, QuarantineRow,
};
