use thiserror::Error;

/// Errors of the models.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Inputs that violate a model's assumptions: each with the index of the
    /// offending item (actor, observation) when there is one.
    #[error("invalid input: {}", .0.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("; "))]
    InvalidInput(Vec<(Option<usize>, String)>),
    /// Too few observations, or observations without variation, to estimate.
    #[error("cannot estimate: {0}")]
    Estimation(String),
}

/// Result with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
