//! detente-server: the HTTP API and the web dashboard of detente.
//!
//! [`app`] builds the axum [`Router`]: the JSON API under `/api/v1` (every
//! answer comes from the `detente` facade, as the CLI's do, with the same
//! field names), its OpenAPI 3 document at `/api/v1/openapi.json` with an
//! interactive page at `/api/docs`, and the dashboard at `/`. [`serve`] runs
//! it on a listener until a shutdown signal.
//!
//! ```text
//!  request ─▶ trace ─▶ timeout ─▶ body limit ─▶ (CORS) ─▶ auth ─▶ handler
//!                                                                  │ spawn_blocking
//!                                                                  ▼
//!                                                  detente::Store (pool of open stores)
//! ```
//!
//! Reads are open unless [`ServerConfig::closed_reads`]; writes (`POST
//! /facts`, `POST /ingest`) need the bearer token kept in the store folder
//! (see [`token`]).
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use tower::ServiceExt;
//! let dir = tempfile::tempdir().unwrap();
//! let config = detente_server::ServerConfig::new(dir.path());
//! let state = detente_server::AppState::open(config, "a".repeat(64)).unwrap();
//! let request = axum::http::Request::get("/api/v1/actors/RUS/relations?as_of=2025-06-01&kind=diplomatic&status=none")
//!     .body(axum::body::Body::empty())
//!     .unwrap();
//! let response = detente_server::app(state).oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! # });
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

use std::future::{Future, IntoFuture};

use axum::Router;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

pub mod api;
pub mod cache;
pub mod error;
pub mod state;
pub mod token;
mod web;

pub use error::{ApiError, CODES};
pub use state::{AppState, ServerConfig};

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "detente API",
        description = "The world's foreign relations: the atlas of actors and cited facts (answerable as of any date), CAMEO event series and SQL. Field names are those of the `detente` CLI's JSON output. Errors are `{\"error\": {\"code\", \"message\"}}` with a stable snake_case code. Writes need `Authorization: Bearer TOKEN` (the token is in the store folder, file `server-token`)."
    ),
    paths(
        api::status, api::actors, api::actor, api::relations, api::network, api::report,
        api::history, api::pulse, api::shifts, api::top_dyads, api::treaty, api::facts,
        api::sources, api::add_facts, api::ingest, api::ingest_job, api::sql
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail, api::NewFacts, api::IngestRequest, api::SqlRequest, state::IngestJob)),
    modifiers(&Bearer),
    tags(
        (name = "atlas", description = "Actors and cited facts, as of a date"),
        (name = "events", description = "Event series, top dyads and SQL"),
        (name = "writes", description = "Adding facts and ingesting event files (bearer token)"),
        (name = "meta", description = "The server itself")
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole application: API, OpenAPI document and dashboard.
pub fn app(state: AppState) -> Router {
    let config = state.config().clone();
    let reads = Router::new()
        .route("/status", get(api::status))
        .route("/actors", get(api::actors))
        .route("/actors/{id}", get(api::actor))
        .route("/actors/{id}/relations", get(api::relations))
        .route("/actors/{id}/report", get(api::report))
        .route("/relations", get(api::network))
        .route("/dyads/{a}/{b}/history", get(api::history))
        .route("/dyads/{a}/{b}/pulse", get(api::pulse))
        .route("/dyads/{a}/{b}/shifts", get(api::shifts))
        .route("/top-dyads", get(api::top_dyads))
        .route("/treaties/{id}", get(api::treaty))
        .route("/facts", get(api::facts))
        .route("/sources", get(api::sources))
        .route("/sql", post(api::sql));
    let reads = reads.layer(middleware::from_fn_with_state(state.clone(), cached));
    let reads = if config.closed_reads {
        reads.route_layer(middleware::from_fn_with_state(state.clone(), require_token))
    } else {
        reads
    };
    let writes = Router::new()
        .route("/facts", post(api::add_facts))
        .route("/ingest", post(api::ingest))
        .route("/ingest/{id}", get(api::ingest_job))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    // `/facts` takes GET (open) and POST (token): merged, each keeps its layer.
    let api = reads
        .merge(writes)
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone());
    let mut router = Router::new()
        .nest("/api/v1", api)
        .merge(web::routes())
        .fallback(not_found);
    if !config.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        );
    }
    router
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(axum::extract::DefaultBodyLimit::max(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(middleware::from_fn(timeout_as_json))
        .layer(TraceLayer::new_for_http())
}

async fn openapi() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}

/// The path as the client sent it (a nested router sees less of it).
fn path_of(request: &Request) -> String {
    request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_string(),
        |u| u.path().to_string(),
    )
}

async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        "not_found",
        format!("no endpoint {} {}", request.method(), path_of(&request)),
    )
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        "method_not_allowed",
        format!("{} does not take {}", path_of(&request), request.method()),
    )
}

/// Gives the bodiless answers of the middleware (a timeout, a body over the
/// limit) the API's error format.
async fn timeout_as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let empty = response.headers().get(header::CONTENT_TYPE).is_none();
    match response.status() {
        StatusCode::SERVICE_UNAVAILABLE if empty => {
            ApiError::new("timeout", "the request ran past the server's time limit").into_response()
        }
        StatusCode::PAYLOAD_TOO_LARGE if empty => ApiError::new(
            "payload_too_large",
            "the body is larger than the server's limit",
        )
        .into_response(),
        _ => response,
    }
}

/// Answers a repeated GET from the cache while the store has not changed;
/// keeps successful answers otherwise.
async fn cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    // Answers without `as_of` depend on the day.
    let key = format!(
        "{}?{}#{}",
        path_of(&request),
        request.uri().query().unwrap_or(""),
        chrono::Utc::now().date_naive()
    );
    let cache = state.cache();
    let stamp = cache.stamp();
    if let Some(body) = cache.get(&key, &stamp) {
        return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let size = axum::body::HttpBody::size_hint(response.body()).upper();
    if size.is_none_or(|n| n > cache::MAX_ANSWER as u64) {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            cache.put(key, stamp, bytes.clone());
            Response::from_parts(parts, axum::body::Body::from(bytes))
        }
        Err(e) => ApiError::internal(format!("reading an answer: {e}")).into_response(),
    }
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t) if state.token_matches(t.trim()) => next.run(request).await,
        Some(_) => ApiError::new("unauthorized", "the bearer token is wrong").into_response(),
        None => ApiError::new(
            "unauthorized",
            "send Authorization: Bearer TOKEN (the token is in the store folder, file server-token)",
        )
        .into_response(),
    }
}

/// How long requests under way may take to finish after a shutdown signal.
pub const GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves `app(state)` on `listener` until `shutdown` completes, then lets
/// the requests under way finish, for at most [`GRACE`].
///
/// Fails when the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stopping, mut stop_seen) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    let server = axum::serve(listener, app(state)).with_graceful_shutdown(signal);
    let grace = async move {
        if stop_seen.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        r = server.into_future() => r,
        () = grace => {
            tracing::warn!("requests still under way {GRACE:?} after the shutdown signal; stopping anyway");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
