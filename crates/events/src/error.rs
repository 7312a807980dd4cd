use std::path::PathBuf;

use thiserror::Error;

/// Errors of event ingestion and the event store.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read.
    #[error("reading {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The store folder could not be created or used.
    #[error("store folder {path}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A compressed container is truncated or corrupt.
    #[error("{path}: {what} is truncated or corrupt: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// zip or gzip.
        what: &'static str,
        /// The decoder's reason.
        reason: String,
    },
    /// The file's format could not be told from its content.
    #[error(
        "{path}: cannot tell the format: {reason}; use --source-format gdelt1|gdelt2|icews if you know it"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was seen.
        reason: String,
    },
    /// Writing Parquet failed.
    #[error("writing Parquet {path}: {reason}")]
    Parquet {
        /// The output file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// A Parquet file of the store could not be read.
    #[error("reading Parquet {path}: {reason}")]
    ReadParquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// The manifest store failed.
    #[error("event manifest: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The store was written by a newer detente.
    #[error(
        "the event manifest has schema version {found}; this detente knows up to {known}: upgrade detente"
    )]
    SchemaTooNew {
        /// Version in the file.
        found: i64,
        /// Newest known.
        known: i64,
    },
    /// A broken invariant: a bug in detente.
    #[error("internal error, please report it: {0}")]
    Internal(String),
}

/// Result with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
