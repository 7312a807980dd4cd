use thiserror::Error;

/// Errors of the shared types.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A date that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or names no real day.
    #[error("invalid date {value:?}: {reason}")]
    InvalidDate {
        /// The text as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An interval whose end lies before its start.
    #[error("interval ends ({to}) before it starts ({from})")]
    EndBeforeStart {
        /// Start of the interval.
        from: String,
        /// End of the interval.
        to: String,
    },
    /// A bundled reference table could not be read: a bug in the build.
    #[error("internal error, please report it: reference table {table}: {reason}")]
    Internal {
        /// Which table.
        table: &'static str,
        /// The cause.
        reason: String,
    },
}

/// Result with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
