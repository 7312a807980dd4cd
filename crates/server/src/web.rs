//! The dashboard and the API's interactive page: files compiled into the
//! binary from `web/`, so the server needs no files and no network to show
//! them (the libraries in `web/vendor/` come from the npm registry; see
//! `web/SOURCE.md`).

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;

/// Name, content type and bytes of each file.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../web/index.html"),
    ),
    (
        "docs.html",
        "text/html; charset=utf-8",
        include_bytes!("../web/docs.html"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../web/app.css"),
    ),
    (
        "vendor/echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/vendor/echarts.min.js"),
    ),
    (
        "vendor/topojson-client.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/vendor/topojson-client.min.js"),
    ),
    (
        "vendor/countries-110m.json",
        "application/json",
        include_bytes!("../web/vendor/countries-110m.json"),
    ),
    (
        "vendor/swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/vendor/swagger-ui-bundle.js"),
    ),
    (
        "vendor/swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../web/vendor/swagger-ui.css"),
    ),
];

/// Routes of the dashboard: `/`, `/api/docs` and `/static/{file}`.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(|| async { file("index.html") }))
        .route("/api/docs", get(|| async { file("docs.html") }))
        .route(
            "/static/{*name}",
            get(|Path(name): Path<String>| async move { file(&name) }),
        )
}

fn file(name: &str) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((n, kind, bytes)) => {
            // Vendored libraries never change under one name; our own files may.
            let cache = if n.starts_with("vendor/") {
                "public, max-age=86400"
            } else {
                "no-cache"
            };
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, *kind),
                    (header::CACHE_CONTROL, cache),
                ],
                *bytes,
            )
                .into_response()
        }
        None => ApiError::new("not_found", format!("no file {name:?}")).into_response(),
    }
}
