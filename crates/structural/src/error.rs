use std::path::PathBuf;

use crate::dataset::Dataset;

/// Errors of the structural data layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A data set's file is not in the folder given.
    #[error("{dataset}: no file {} (or .gz) in {} or two levels below", .dataset.file_name(), .folder.display())]
    Missing {
        /// Which data set.
        dataset: Dataset,
        /// The folder searched.
        folder: PathBuf,
    },
    /// A file could not be read from disk.
    #[error("reading {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file could not be read at all (damaged compression, not text, empty).
    #[error("{dataset} ({origin}): {reason}")]
    Unreadable {
        /// Which data set.
        dataset: Dataset,
        /// `bundled` or the path.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// A column the reader needs is not in the header.
    #[error("{dataset} ({origin}): no column {column:?} in the header")]
    MissingColumn {
        /// Which data set.
        dataset: Dataset,
        /// `bundled` or the path.
        origin: String,
        /// The column.
        column: String,
    },
    /// A state given by the user is not known.
    #[error(
        "unknown state {0:?}: give an ISO3 code (RUS), a COW abbreviation (GFR) or a COW number (365)"
    )]
    UnknownState(String),
    /// A year range that is empty or outside the data.
    #[error("{0}")]
    Years(String),
    /// Building an Arrow table failed (a bug).
    #[error("internal error, please report it: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
}

/// Result with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
