//! The JSON API under `/api/v1`. Every handler asks the `detente` facade,
//! as the CLI does, so both give the same answers with the same field names.

use std::path::{Component, Path, PathBuf};

use axum::extract::{FromRequest, FromRequestParts, Path as UrlPath, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::Request};
use chrono::NaiveDate;
use detente::events::{Format as EventFormat, IngestOptions};
use detente::pulse::{Freq, PulseQuery, Rank};
use detente::{PartialDate, RelationFilter, vocab};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::{AppState, IngestJob};

/// Query-string parameters; a malformed or unknown one is a `bad_query`.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(v) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(Params(v))
    }
}

/// A JSON body; a malformed one, an unknown field, a wrong content type or
/// an oversized body each get their own error code.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(v) = Json::<T>::from_request(req, state).await?;
        Ok(Body(v))
    }
}

/// Path segments, with errors in our format.
#[derive(Debug)]
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Segments<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let UrlPath(v) = UrlPath::<T>::from_request_parts(parts, state).await?;
        Ok(Segments(v))
    }
}

fn day(name: &str, value: Option<&str>, last: bool) -> ApiResult<Option<NaiveDate>> {
    let Some(v) = value else { return Ok(None) };
    let d: PartialDate = v
        .parse()
        .map_err(|e| ApiError::new("bad_date", format!("{name}={v:?}: {e}")))?;
    Ok(Some(if last { d.last_day() } else { d.first_day() }))
}

fn as_of(value: Option<&str>) -> ApiResult<NaiveDate> {
    Ok(day("as_of", value, false)?.unwrap_or_else(|| chrono::Utc::now().date_naive()))
}

fn filter(kind: Option<String>, status: Option<String>) -> ApiResult<RelationFilter> {
    let kinds: Vec<&str> = vocab::RELATION_KINDS.iter().map(|(k, _)| *k).collect();
    if let Some(k) = &kind {
        let Some(statuses) = vocab::statuses_of(k) else {
            return Err(ApiError::new(
                "bad_query",
                format!(
                    "kind={k:?} is not a relation kind; kinds: {}",
                    kinds.join(", ")
                ),
            ));
        };
        if let Some(s) = &status
            && !statuses.contains(&s.as_str())
        {
            return Err(ApiError::new(
                "bad_query",
                format!(
                    "status={s:?} is not a status of kind {k}; its statuses: {}",
                    statuses.join(", ")
                ),
            ));
        }
    } else if let Some(s) = &status {
        let known = vocab::RELATION_KINDS
            .iter()
            .any(|(_, ss)| ss.contains(&s.as_str()));
        if !known {
            return Err(ApiError::new(
                "bad_query",
                format!("status={s:?} is not a status of any relation kind"),
            ));
        }
    }
    Ok(RelationFilter { kind, status })
}

fn ok<T: Serialize>(value: &T) -> ApiResult<Response> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `as_of` alone.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AsOf {
    /// The day asked about (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, its first day); today by default.
    pub as_of: Option<String>,
}

/// Relations filter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RelationsParams {
    /// The day asked about; today by default.
    pub as_of: Option<String>,
    /// Only this kind (diplomatic, stance, alliance, membership, conflict, sanction ...).
    pub kind: Option<String>,
    /// Only this status (none, severed, positive, hostile ...).
    pub status: Option<String>,
}

/// Which facts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FactsParams {
    /// Facts drawn from this source id.
    pub source: Option<String>,
    /// Full-text search (SQLite FTS5 syntax), ranked.
    pub search: Option<String>,
}

/// A pulse query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PulseParams {
    /// First day; the first day of the store's events by default.
    pub from: Option<String>,
    /// Last day, included; the last day of the store's events by default.
    pub to: Option<String>,
    /// `day`, `week` (default) or `month`.
    pub freq: Option<String>,
    /// Only events with A as actor 1 and B as actor 2.
    #[serde(default)]
    pub directed: bool,
    /// `gdelt1`, `gdelt2` or `icews`; needed when the store holds several.
    pub source: Option<String>,
}

/// A shifts query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ShiftsParams {
    /// First day; the first day of the store's events by default.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Event source.
    pub source: Option<String>,
    /// Penalty per change (positive); the detector's default when absent.
    pub penalty: Option<f64>,
    /// Atlas facts within this many days of a shift are listed (default 45).
    pub window_days: Option<i64>,
}

/// A top-dyads query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TopParams {
    /// First day; the first day of the store's events by default.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `conflict` (default), `cooperation` or `volume`.
    pub by: Option<String>,
    /// How many dyads (1 to 1000, default 20).
    pub limit: Option<usize>,
    /// Event source.
    pub source: Option<String>,
}

fn opt_str(o: &Option<String>) -> Option<&str> {
    o.as_deref()
}

/// The store's event days, for queries that give no range.
fn event_range(store: &detente::Store) -> ApiResult<Option<(NaiveDate, NaiveDate)>> {
    let stats = store.events()?.stats()?;
    let parse = |s: &Option<String>| s.as_deref().and_then(|d| d.parse::<NaiveDate>().ok());
    let first = stats
        .coverage
        .iter()
        .filter_map(|c| parse(&c.first_day))
        .min();
    let last = stats
        .coverage
        .iter()
        .filter_map(|c| parse(&c.last_day))
        .max();
    Ok(first.zip(last))
}

fn range(
    store: &detente::Store,
    from: Option<&str>,
    to: Option<&str>,
) -> ApiResult<(NaiveDate, NaiveDate)> {
    let (f, t) = (day("from", from, false)?, day("to", to, true)?);
    let (f, t) = match (f, t) {
        (Some(f), Some(t)) => (f, t),
        _ => {
            let Some((first, last)) = event_range(store)? else {
                return Err(no_events());
            };
            (f.unwrap_or(first), t.unwrap_or(last))
        }
    };
    if t < f {
        return Err(ApiError::new(
            "bad_request",
            format!("to={t} is before from={f}"),
        ));
    }
    Ok((f, t))
}

fn no_events() -> ApiError {
    ApiError::new(
        "no_events",
        "the store holds no events; ingest some with `detente ingest PATH` or POST /api/v1/ingest",
    )
}

/// What the server is and holds.
#[utoipa::path(get, path = "/api/v1/status", tag = "meta",
    responses((status = 200, description = "Version, store, event coverage, limits", body = Object)))]
pub async fn status(State(state): State<AppState>) -> ApiResult<Response> {
    let cfg = state.config().clone();
    state
        .with_store(move |store| {
            let stats = store.events()?.stats()?;
            ok(&json!({
                "version": env!("CARGO_PKG_VERSION"),
                "events": stats.coverage,
                "reads_need_token": cfg.closed_reads,
                "writes_need_token": true,
                "ingest_enabled": cfg.ingest_root.is_some(),
                "sql_max_rows": cfg.sql_max_rows,
                "sql_time_limit_seconds": cfg.sql_time_limit.as_secs_f64(),
                "body_limit_bytes": cfg.body_limit,
            }))
        })
        .await
}

/// Every actor in the atlas.
#[utoipa::path(get, path = "/api/v1/actors", tag = "atlas",
    responses((status = 200, description = "The actors, by id", body = Vec<detente::Actor>)))]
pub async fn actors(State(state): State<AppState>) -> ApiResult<Response> {
    state.with_store(|store| ok(&store.atlas().actors()?)).await
}

/// One actor: names, codes, memberships as of a date, COW system membership.
#[utoipa::path(get, path = "/api/v1/actors/{id}", tag = "atlas",
    params(("id" = String, Path, description = "Atlas id, ISO3/ISO2, COW code or a name"), AsOf),
    responses((status = 200, description = "The answer of `detente actor --format json`", body = detente::ActorAnswer),
              (status = 404, description = "unknown_actor", body = ErrorBody),
              (status = 400, description = "bad_date, bad_query", body = ErrorBody)))]
pub async fn actor(
    State(state): State<AppState>,
    Segments(id): Segments<String>,
    Params(q): Params<AsOf>,
) -> ApiResult<Response> {
    let day = as_of(opt_str(&q.as_of))?;
    state
        .with_store(move |store| ok(&store.actor(&id, day)?))
        .await
}

/// An actor's relations as of a date.
#[utoipa::path(get, path = "/api/v1/actors/{id}/relations", tag = "atlas",
    params(("id" = String, Path, description = "The actor"), RelationsParams),
    responses((status = 200, description = "The answer of `detente relations --format json`", body = detente::RelationAnswer),
              (status = 404, description = "unknown_actor", body = ErrorBody),
              (status = 400, description = "bad_date, bad_query", body = ErrorBody)))]
pub async fn relations(
    State(state): State<AppState>,
    Segments(id): Segments<String>,
    Params(q): Params<RelationsParams>,
) -> ApiResult<Response> {
    let day = as_of(opt_str(&q.as_of))?;
    let f = filter(q.kind, q.status)?;
    state
        .with_store(move |store| ok(&store.atlas().relations(&id, day, &f)?))
        .await
}

/// Every relation between any actors as of a date: the relation network.
#[utoipa::path(get, path = "/api/v1/relations", tag = "atlas",
    params(RelationsParams),
    responses((status = 200, description = "Relations holding on the day, and those whose start is unknown", body = detente::RelationAnswer),
              (status = 400, description = "bad_date, bad_query", body = ErrorBody)))]
pub async fn network(
    State(state): State<AppState>,
    Params(q): Params<RelationsParams>,
) -> ApiResult<Response> {
    let day = as_of(opt_str(&q.as_of))?;
    let f = filter(q.kind, q.status)?;
    state
        .with_store(move |store| ok(&store.atlas().all_relations(day, &f)?))
        .await
}

/// The actor report: the main job.
#[utoipa::path(get, path = "/api/v1/actors/{id}/report", tag = "atlas",
    params(("id" = String, Path, description = "The actor"), AsOf),
    responses((status = 200, description = "The answer of `detente report --format json`", body = detente::Report),
              (status = 404, description = "unknown_actor", body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    Segments(id): Segments<String>,
    Params(q): Params<AsOf>,
) -> ApiResult<Response> {
    let day = as_of(opt_str(&q.as_of))?;
    state
        .with_store(move |store| ok(&store.atlas().report(&id, day)?))
        .await
}

/// Every fact involving both actors, oldest first.
#[utoipa::path(get, path = "/api/v1/dyads/{a}/{b}/history", tag = "atlas",
    params(("a" = String, Path, description = "One actor"), ("b" = String, Path, description = "The other")),
    responses((status = 200, description = "The answer of `detente history --format json` (an empty list when nothing is recorded)", body = Vec<detente::FactRow>),
              (status = 404, description = "unknown_actor", body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    Segments((a, b)): Segments<(String, String)>,
) -> ApiResult<Response> {
    state
        .with_store(move |store| {
            let atlas = store.atlas();
            atlas.actor(&a)?;
            atlas.actor(&b)?;
            ok(&atlas.history(&a, &b)?)
        })
        .await
}

fn freq(v: Option<&str>) -> ApiResult<Freq> {
    match v.unwrap_or("week") {
        "day" => Ok(Freq::Day),
        "week" => Ok(Freq::Week),
        "month" => Ok(Freq::Month),
        other => Err(ApiError::new(
            "bad_query",
            format!("freq={other:?}: expected day, week or month"),
        )),
    }
}

/// A dyad's cooperation and conflict per period.
#[utoipa::path(get, path = "/api/v1/dyads/{a}/{b}/pulse", tag = "events",
    params(("a" = String, Path, description = "One actor (atlas id, ISO3 or CAMEO country code)"),
           ("b" = String, Path, description = "The other"), PulseParams),
    responses((status = 200, description = "The answer of `detente pulse --format json`", body = detente::pulse::Pulse),
              (status = 404, description = "no_events", body = ErrorBody),
              (status = 400, description = "bad_date, bad_query, bad_request", body = ErrorBody)))]
pub async fn pulse(
    State(state): State<AppState>,
    Segments((a, b)): Segments<(String, String)>,
    Params(q): Params<PulseParams>,
) -> ApiResult<Response> {
    let freq = freq(opt_str(&q.freq))?;
    state
        .with_analytics(move |store| {
            let (from, to) = range(store, opt_str(&q.from), opt_str(&q.to))?;
            let query = PulseQuery {
                a,
                b,
                from,
                to,
                freq,
                directed: q.directed,
                source: q.source,
                from_events: false,
            };
            match store.pulse(&query)? {
                Some(p) => ok(&p),
                None => Err(no_events()),
            }
        })
        .await
}

/// Change points in a dyad's weekly series, with atlas facts near each.
#[utoipa::path(get, path = "/api/v1/dyads/{a}/{b}/shifts", tag = "events",
    params(("a" = String, Path, description = "One actor"), ("b" = String, Path, description = "The other"), ShiftsParams),
    responses((status = 200, description = "The answer of `detente shifts --format json`", body = detente::shifts::Shifts),
              (status = 404, description = "no_events", body = ErrorBody),
              (status = 400, description = "bad_date, bad_query, bad_request", body = ErrorBody)))]
pub async fn shifts(
    State(state): State<AppState>,
    Segments((a, b)): Segments<(String, String)>,
    Params(q): Params<ShiftsParams>,
) -> ApiResult<Response> {
    if q.penalty.is_some_and(|p| !(p.is_finite() && p > 0.0)) {
        return Err(ApiError::new(
            "bad_query",
            "penalty must be a positive number",
        ));
    }
    let window_days = q.window_days.unwrap_or(45);
    if !(0..=3650).contains(&window_days) {
        return Err(ApiError::new(
            "bad_query",
            "window_days must be between 0 and 3650",
        ));
    }
    state
        .with_analytics(move |store| {
            let (from, to) = range(store, opt_str(&q.from), opt_str(&q.to))?;
            let query = detente::shifts::ShiftQuery {
                pulse: PulseQuery {
                    a,
                    b,
                    from,
                    to,
                    freq: Freq::Week,
                    directed: false,
                    source: q.source,
                    from_events: false,
                },
                penalty: q.penalty,
                window_days,
            };
            match store.shifts(&query)? {
                Some(s) => ok(&s),
                None => Err(no_events()),
            }
        })
        .await
}

/// The dyads with the most conflict, cooperation or events.
#[utoipa::path(get, path = "/api/v1/top-dyads", tag = "events",
    params(TopParams),
    responses((status = 200, description = "The answer of `detente top-dyads --format json`", body = detente::pulse::TopDyads),
              (status = 404, description = "no_events", body = ErrorBody),
              (status = 400, description = "bad_date, bad_query, bad_request", body = ErrorBody)))]
pub async fn top_dyads(
    State(state): State<AppState>,
    Params(q): Params<TopParams>,
) -> ApiResult<Response> {
    let by = match q.by.as_deref().unwrap_or("conflict") {
        "conflict" => Rank::Conflict,
        "cooperation" => Rank::Cooperation,
        "volume" => Rank::Volume,
        other => {
            return Err(ApiError::new(
                "bad_query",
                format!("by={other:?}: expected conflict, cooperation or volume"),
            ));
        }
    };
    let limit = q.limit.unwrap_or(20);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(
            "bad_query",
            "limit must be between 1 and 1000",
        ));
    }
    state
        .with_analytics(move |store| {
            let (from, to) = range(store, opt_str(&q.from), opt_str(&q.to))?;
            match store.top_dyads(from, to, by, limit, q.source.as_deref())? {
                Some(t) => ok(&t),
                None => Err(no_events()),
            }
        })
        .await
}

/// A treaty: parties, steps, terms and status as of a date.
#[utoipa::path(get, path = "/api/v1/treaties/{id}", tag = "atlas",
    params(("id" = String, Path, description = "Treaty id or name, e.g. new-start"), AsOf),
    responses((status = 200, description = "The answer of `detente treaty --format json`", body = detente::TreatyAnswer),
              (status = 404, description = "unknown_treaty", body = ErrorBody)))]
pub async fn treaty(
    State(state): State<AppState>,
    Segments(id): Segments<String>,
    Params(q): Params<AsOf>,
) -> ApiResult<Response> {
    let day = as_of(opt_str(&q.as_of))?;
    state
        .with_store(move |store| ok(&store.atlas().treaty(&id, day)?))
        .await
}

/// Facts by source or by full-text search.
#[utoipa::path(get, path = "/api/v1/facts", tag = "atlas",
    params(FactsParams),
    responses((status = 200, description = "The answer of `detente facts --format json` (an empty list when nothing matches)", body = Vec<detente::FactRow>),
              (status = 404, description = "unknown_source", body = ErrorBody),
              (status = 400, description = "bad_search", body = ErrorBody)))]
pub async fn facts(
    State(state): State<AppState>,
    Params(q): Params<FactsParams>,
) -> ApiResult<Response> {
    state
        .with_store(move |store| {
            ok(&store
                .atlas()
                .facts(q.source.as_deref(), q.search.as_deref())?)
        })
        .await
}

/// The sources and their fact counts.
#[utoipa::path(get, path = "/api/v1/sources", tag = "atlas",
    responses((status = 200, description = "The answer of `detente sources --format json`", body = Vec<detente::SourceRow>)))]
pub async fn sources(State(state): State<AppState>) -> ApiResult<Response> {
    state
        .with_store(|store| ok(&store.atlas().sources()?))
        .await
}

/// Cited facts to add, in the TOML of `detente fact add`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFacts {
    /// A name for the file in messages, e.g. `my-facts.toml`.
    #[serde(default = "default_name")]
    pub name: String,
    /// The facts file's text (TOML, as `detente fact add --file` reads).
    pub toml: String,
}

fn default_name() -> String {
    "request.toml".into()
}

/// Adds cited facts, checked as `detente fact add` checks them: all or nothing.
#[utoipa::path(post, path = "/api/v1/facts", tag = "writes",
    request_body = NewFacts,
    security(("bearer" = [])),
    responses((status = 201, description = "What was written: source id, actors and facts", body = detente::LoadSummary),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 422, description = "invalid_facts: nothing was written", body = ErrorBody),
              (status = 400, description = "bad_json, unknown_field", body = ErrorBody)))]
pub async fn add_facts(
    State(state): State<AppState>,
    Body(body): Body<NewFacts>,
) -> ApiResult<Response> {
    let summary = state
        .with_store(move |store| Ok(store.atlas_mut().add_text(&body.name, &body.toml)?))
        .await?;
    state.cache().wrote();
    Ok((StatusCode::CREATED, Json(json!(summary))).into_response())
}

/// Files on the server's machine to ingest.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRequest {
    /// Files, folders or glob patterns, relative to the server's ingest folder.
    pub paths: Vec<String>,
    /// `gdelt1`, `gdelt2` or `icews` instead of detecting the format.
    pub format: Option<String>,
    /// Re-ingest files already in the manifest, replacing their rows.
    #[serde(default)]
    pub force: bool,
}

/// `path` under `root`, or an error when it would leave it: absolute paths,
/// `..` and symbolic links out of the folder are refused.
pub fn inside(root: &Path, path: &str) -> ApiResult<PathBuf> {
    let refuse = |why: &str| ApiError::new("bad_path", format!("{path:?}: {why}"));
    if path.is_empty() || path.contains('\0') {
        return Err(refuse("empty or holds a NUL byte"));
    }
    let rel = Path::new(path);
    for c in rel.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(refuse("`..` is not allowed")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse("give a path relative to the ingest folder"));
            }
        }
    }
    let root = root
        .canonicalize()
        .map_err(|e| ApiError::internal(format!("ingest folder {}: {e}", root.display())))?;
    let joined = root.join(rel);
    let is_pattern = path.contains(['*', '?', '[']);
    if !is_pattern {
        let real = joined
            .canonicalize()
            .map_err(|_| refuse("no such file or folder in the ingest folder"))?;
        if !real.starts_with(&root) {
            return Err(refuse("leaves the ingest folder"));
        }
        return Ok(real);
    }
    Ok(joined)
}

/// Starts ingesting files under the server's ingest folder; answers at once
/// with a job to poll.
#[utoipa::path(post, path = "/api/v1/ingest", tag = "writes",
    request_body = IngestRequest,
    security(("bearer" = [])),
    responses((status = 202, description = "The job, queued", body = IngestJob),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 403, description = "ingest_disabled", body = ErrorBody),
              (status = 400, description = "bad_path, bad_json, bad_request", body = ErrorBody)))]
pub async fn ingest(
    State(state): State<AppState>,
    Body(body): Body<IngestRequest>,
) -> ApiResult<Response> {
    let Some(root) = state.config().ingest_root.clone() else {
        return Err(ApiError::new(
            "ingest_disabled",
            "this server takes no ingests; start it with --ingest-root DIR",
        ));
    };
    if body.paths.is_empty() {
        return Err(ApiError::new("bad_request", "paths is empty"));
    }
    let format = match &body.format {
        None => None,
        Some(f) => Some(EventFormat::parse(f).ok_or_else(|| {
            ApiError::new(
                "bad_request",
                format!("format={f:?}: expected gdelt1, gdelt2 or icews"),
            )
        })?),
    };
    let mut paths = Vec::new();
    for p in &body.paths {
        paths.push(inside(&root, p)?);
    }
    let files = detente::ingest::expand(&paths)?;
    let canonical_root = root.canonicalize().map_err(ApiError::internal)?;
    for f in &files {
        let real = f.canonicalize().unwrap_or_else(|_| f.clone());
        if !real.starts_with(&canonical_root) {
            return Err(ApiError::new(
                "bad_path",
                format!("{} leaves the ingest folder", f.display()),
            ));
        }
    }
    if files.is_empty() {
        return Err(ApiError::new("bad_path", "the paths name no event files"));
    }
    let id = state.add_job(files.len());
    let job_state = state.clone();
    let opts = IngestOptions {
        format,
        force: body.force,
        ..IngestOptions::default()
    };
    std::thread::spawn(move || run_ingest(job_state, id, files, opts));
    let job = state
        .job(id)
        .ok_or_else(|| ApiError::internal("job vanished"))?;
    Ok((StatusCode::ACCEPTED, Json(json!(job))).into_response())
}

fn run_ingest(state: AppState, id: usize, files: Vec<PathBuf>, opts: IngestOptions) {
    let lock = state.ingest_lock();
    let _one_at_a_time = lock
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    state.update_job(id, |j| j.state = "running".into());
    let result = (|| -> detente::Result<()> {
        let store = detente::Store::open(&state.config().store)?;
        let mut events = store.events()?;
        for f in &files {
            let outcome = detente::ingest::ingest_file(&mut events, f, &opts, &|_| {})?;
            tracing::info!(file = %f.display(), outcome = outcome.outcome, rows = outcome.rows_written, "ingest");
            state.cache().wrote();
            state.update_job(id, |j| j.files.push(outcome));
        }
        Ok(())
    })();
    state.update_job(id, |j| match result {
        Ok(()) => j.state = "done".into(),
        Err(e) => {
            j.state = "failed".into();
            j.error = Some(detente::ingest::chain(&e));
        }
    });
}

/// An ingest job and the files it has done.
#[utoipa::path(get, path = "/api/v1/ingest/{id}", tag = "writes",
    params(("id" = usize, Path, description = "Job id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The job", body = IngestJob),
              (status = 404, description = "unknown_job", body = ErrorBody)))]
pub async fn ingest_job(
    State(state): State<AppState>,
    Segments(id): Segments<usize>,
) -> ApiResult<Response> {
    match state.job(id) {
        Some(j) => ok(&j),
        None => Err(ApiError::new("unknown_job", format!("no ingest job {id}"))),
    }
}

/// A read-only SQL query.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlRequest {
    /// One statement: SELECT, WITH, VALUES, EXPLAIN or SHOW.
    pub sql: String,
    /// Rows to return at most (up to the server's limit).
    pub max_rows: Option<usize>,
}

/// Runs one read-only SQL query over events, atlas and reference tables.
#[utoipa::path(post, path = "/api/v1/sql", tag = "events",
    request_body = SqlRequest,
    responses((status = 200, description = "columns, rows (objects), truncated, the row and time limits that applied", body = Object),
              (status = 400, description = "sql_error, sql_not_a_query, bad_json", body = ErrorBody),
              (status = 408, description = "sql_timeout", body = ErrorBody)))]
pub async fn sql(
    State(state): State<AppState>,
    Body(body): Body<SqlRequest>,
) -> ApiResult<Response> {
    let cfg = state.config().clone();
    let max_rows = body
        .max_rows
        .unwrap_or(cfg.sql_max_rows)
        .min(cfg.sql_max_rows);
    if body.sql.trim().is_empty() {
        return Err(ApiError::new("sql_error", "sql is empty"));
    }
    state
        .with_analytics(move |store| {
            let analytics = store.analytics()?;
            let answer = analytics.query_read_only(&body.sql, max_rows, cfg.sql_time_limit)?;
            let mut buf = Vec::new();
            {
                let mut w = detente::arrow::json::ArrayWriter::new(&mut buf);
                for b in &answer.batches {
                    w.write(b).map_err(ApiError::internal)?;
                }
                w.finish().map_err(ApiError::internal)?;
            }
            let rows: Value = if buf.is_empty() {
                json!([])
            } else {
                serde_json::from_slice(&buf).map_err(ApiError::internal)?
            };
            let columns: Vec<Value> = answer
                .schema
                .fields()
                .iter()
                .map(|f| json!({"name": f.name(), "type": column_type(f.data_type())}))
                .collect();
            ok(&json!({
                "columns": columns,
                "rows": rows,
                "row_count": answer.rows,
                "truncated": answer.truncated,
                "max_rows": answer.max_rows,
                "time_limit_seconds": cfg.sql_time_limit.as_secs_f64(),
                "seconds": answer.seconds,
            }))
        })
        .await
}

/// The Arrow type of a result column as the API names it. Strings read as
/// views (`Utf8View`, how the store's tables hold them) are named as plain
/// strings: the view is how the engine holds them, not a different type.
fn column_type(t: &detente::arrow::datatypes::DataType) -> String {
    use detente::arrow::datatypes::DataType;
    match t {
        DataType::Utf8View => DataType::Utf8.to_string(),
        DataType::BinaryView => DataType::Binary.to_string(),
        other => other.to_string(),
    }
}
