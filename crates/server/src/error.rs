//! One error type for every answer that is not a success.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error code the API answers with, its HTTP status and what it means.
/// The codes are stable: clients may match on them.
pub const CODES: &[(&str, u16, &str)] = &[
    (
        "bad_json",
        400,
        "the body is not JSON of the expected shape",
    ),
    (
        "unknown_field",
        400,
        "the body has a field this endpoint does not know",
    ),
    ("bad_query", 400, "a query-string parameter is malformed"),
    ("bad_date", 400, "a date is not YYYY, YYYY-MM or YYYY-MM-DD"),
    (
        "bad_request",
        400,
        "the request cannot be answered as asked",
    ),
    ("bad_search", 400, "a full-text search SQLite cannot parse"),
    ("sql_error", 400, "the SQL statement does not plan or run"),
    ("sql_not_a_query", 400, "the SQL statement is not a query"),
    (
        "bad_path",
        400,
        "an ingest path leaves the ingest folder or names nothing",
    ),
    ("unauthorized", 401, "a bearer token is missing or wrong"),
    (
        "ingest_disabled",
        403,
        "the server was started without --ingest-root",
    ),
    ("not_found", 404, "no such endpoint"),
    ("unknown_actor", 404, "no actor has this id, code or name"),
    ("unknown_treaty", 404, "no treaty has this id or name"),
    ("unknown_source", 404, "no source has this id"),
    ("unknown_job", 404, "no ingest job has this id"),
    ("no_events", 404, "the store holds no events yet"),
    (
        "method_not_allowed",
        405,
        "the endpoint does not take this method",
    ),
    ("sql_timeout", 408, "the query ran past the time limit"),
    (
        "payload_too_large",
        413,
        "the body is larger than the limit",
    ),
    (
        "unsupported_media_type",
        415,
        "the body is not sent as application/json",
    ),
    (
        "invalid_facts",
        422,
        "facts that fail validation; nothing was written",
    ),
    ("internal", 500, "a fault in the server, logged there"),
    (
        "timeout",
        503,
        "the request ran past the server's time limit",
    ),
];

/// An error answer: `{"error": {"code", "message"}}` with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable snake_case code, one of [`CODES`].
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

/// The JSON body of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code (see the API description for the list).
    pub code: String,
    /// What went wrong.
    pub message: String,
}

impl ApiError {
    /// An error with `code`, whose status comes from [`CODES`].
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        let status = CODES
            .iter()
            .find(|(c, _, _)| *c == code)
            .and_then(|(_, s, _)| StatusCode::from_u16(*s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A fault of the server: logged in full, answered without detail.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            "internal",
            "internal error; the server's log has the details",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<detente::Error> for ApiError {
    fn from(e: detente::Error) -> ApiError {
        use detente::AtlasError as A;
        use detente::Error as E;
        match e {
            E::Atlas(e @ A::UnknownActor(_)) => ApiError::new("unknown_actor", e.to_string()),
            E::Atlas(e @ A::UnknownTreaty { .. }) => ApiError::new("unknown_treaty", e.to_string()),
            E::Atlas(e @ A::UnknownSource { .. }) => ApiError::new("unknown_source", e.to_string()),
            E::Atlas(e @ A::BadSearch { .. }) => ApiError::new("bad_search", e.to_string()),
            E::Atlas(e @ A::Invalid(_)) => ApiError::new("invalid_facts", e.to_string()),
            E::Atlas(A::Core(e)) => ApiError::new("bad_date", e.to_string()),
            E::NotAQuery(m) => {
                ApiError::new("sql_not_a_query", format!("only queries may run here: {m}"))
            }
            E::Sql(m) => ApiError::new("sql_error", m),
            e @ E::Timeout(_) => ApiError::new("sql_timeout", e.to_string()),
            E::Input(m) => ApiError::new("bad_path", m),
            E::Data(m) if !m.starts_with("internal error") => ApiError::new("bad_request", m),
            other => ApiError::internal(detente::ingest::chain(&other)),
        }
    }
}

impl From<detente::AtlasError> for ApiError {
    fn from(e: detente::AtlasError) -> ApiError {
        detente::Error::from(e).into()
    }
}

impl From<detente::events::Error> for ApiError {
    fn from(e: detente::events::Error) -> ApiError {
        detente::Error::from(e).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        let text = r.body_text();
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new("payload_too_large", text)
            }
            JsonRejection::JsonDataError(_) if text.contains("unknown field") => {
                ApiError::new("unknown_field", text)
            }
            _ => ApiError::new("bad_json", text),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        let text = r.body_text();
        if text.contains("unknown field") {
            ApiError::new(
                "bad_query",
                text.replace("unknown field", "unknown parameter"),
            )
        } else {
            ApiError::new("bad_query", text)
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::new("bad_request", r.body_text())
    }
}

/// Result with [`ApiError`] as its error.
pub type ApiResult<T> = std::result::Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_snake_case_listed_once_with_a_real_status() {
        let mut seen = std::collections::HashSet::new();
        for (code, status, _) in CODES {
            assert!(seen.insert(code), "{code} listed twice");
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
            assert!(StatusCode::from_u16(*status).is_ok());
            assert_eq!(ApiError::new(code, "x").status.as_u16(), *status);
        }
    }
}
