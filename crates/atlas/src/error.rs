use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// One problem found in a curated facts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line of the record in the file (1-based); 0 when the whole file is at fault.
    pub line: usize,
    /// What is wrong, in words a curator can act on.
    pub reason: String,
}

/// The problems of one rejected file, printed one per line as `file:line: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The file as the caller named it.
    pub file: String,
    /// Every problem found, in file order.
    pub items: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.items.len();
        write!(
            f,
            "{} rejected, nothing was written ({n} problem{}):",
            self.file,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.items {
            if p.line == 0 {
                write!(f, "\n  {}: {}", self.file, p.reason)?;
            } else {
                write!(f, "\n  {}:{}: {}", self.file, p.line, p.reason)?;
            }
        }
        Ok(())
    }
}

/// Errors of the atlas.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// A curated facts file with invalid records; nothing of it was written.
    #[error("{0}")]
    Invalid(Problems),
    /// No actor has this id, code or name.
    #[error(
        "unknown actor {0:?} (try an ISO3 code such as RUS, an organisation such as NATO, or a name)"
    )]
    UnknownActor(String),
    /// No treaty has this id or name.
    #[error("unknown treaty {query:?}; known treaties: {known}")]
    UnknownTreaty {
        /// What was asked for.
        query: String,
        /// The ids the atlas holds.
        known: String,
    },
    /// No source has this id.
    #[error("unknown source {query:?}; known sources: {known}")]
    UnknownSource {
        /// What was asked for.
        query: String,
        /// The ids the atlas holds.
        known: String,
    },
    /// A full-text query FTS5 cannot parse.
    #[error("cannot search for {query:?}: {reason}")]
    BadSearch {
        /// The query as given.
        query: String,
        /// SQLite's reason.
        reason: String,
    },
    /// The store was written by a newer detente.
    #[error(
        "the atlas at {path} has schema version {found}; this detente knows up to {known}: upgrade detente"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// Reading a file failed.
    #[error("reading {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The SQLite store failed.
    #[error("atlas store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Shared types rejected a value.
    #[error(transparent)]
    Core(#[from] detente_core::Error),
    /// A broken invariant: a bug in detente.
    #[error("internal error, please report it: {0}")]
    Internal(String),
}

/// Result with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
