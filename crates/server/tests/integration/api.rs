//! Every endpoint and every error code, in process through
//! `tower::ServiceExt::oneshot`; error bodies are snapshotted.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use detente_server::{AppState, CODES, ServerConfig, app};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The package's folder as cargo names it at run time (a reused build cache may have moved).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A GDELT 2.0 15-minute export from the shared real data (see its README).
fn gdelt2_export() -> PathBuf {
    manifest_dir().join("../../../shared/data/gdelt/v2/events/20161013151500.export.CSV.gz")
}

struct Server {
    dir: tempfile::TempDir,
    state: AppState,
}

impl Server {
    fn new() -> Server {
        Server::with(|_| {})
    }

    fn with(tune: impl FnOnce(&mut ServerConfig)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig::new(&dir.path().join("store"));
        config.pool_size = 2;
        tune(&mut config);
        let state = AppState::open(config, TOKEN.to_string()).unwrap();
        Server { dir, state }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn with_events(self) -> Server {
        let store = detente::Store::open(&self.store()).unwrap();
        let mut events = store.events().unwrap();
        let o = detente::ingest::ingest_file(
            &mut events,
            &gdelt2_export(),
            &Default::default(),
            &|_| {},
        )
        .unwrap();
        assert!(o.ingested(), "{o:?}");
        self
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body)
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post(&self, uri: &str, body: Value, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// Asserts the status and code, and snapshots the whole error body.
macro_rules! assert_error {
    ($name:expr, $answer:expr, $status:expr, $code:expr) => {{
        let (status, body) = $answer;
        assert_eq!(status.as_u16(), $status, "{body}");
        assert_eq!(code(&body), $code, "{body}");
        insta::assert_json_snapshot!($name, body);
    }};
}

#[tokio::test]
async fn relations_as_of_answer_what_the_facade_answers() {
    let s = Server::new();
    let (status, body) = s
        .get("/api/v1/actors/RUS/relations?as_of=2025-06-01&kind=diplomatic&status=none")
        .await;
    assert_eq!(status, StatusCode::OK);
    let store = detente::Store::open(&s.store()).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let filter = detente::RelationFilter {
        kind: Some("diplomatic".into()),
        status: Some("none".into()),
    };
    let direct = store.atlas().relations("RUS", day, &filter).unwrap();
    assert_eq!(body, serde_json::to_value(&direct).unwrap());
    // The first seed text: "no diplomatic relations with Ukraine, Georgia,
    // Bhutan, the Federated States of Micronesia, and the Solomon Islands".
    let mut with: Vec<&str> = body["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["object"].as_str().unwrap())
        .collect();
    with.sort();
    assert_eq!(with, ["BTN", "FSM", "GEO", "SLB", "UKR"]);
}

#[tokio::test]
async fn actor_report_treaty_history_facts_sources_network() {
    let s = Server::new();
    let (st, actor) = s.get("/api/v1/actors/DEU?as_of=1950-01-01").await;
    assert_eq!(st, 200);
    assert_eq!(actor["actor"]["id"], "DEU");
    let cow: Vec<i64> = actor["system_membership"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ccode"].as_i64().unwrap())
        .collect();
    assert_eq!(cow, [255, 260]);

    let (st, report) = s.get("/api/v1/actors/RUS/report?as_of=2015-01-01").await;
    assert_eq!(st, 200);
    assert_eq!(report["as_of"], "2015-01-01");
    assert!(!report["sections"].as_array().unwrap().is_empty());

    let (st, t) = s.get("/api/v1/treaties/new-start?as_of=2022-01-01").await;
    assert_eq!(st, 200);
    let warheads = t["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["value"] == json!(1550.0));
    assert!(warheads.is_some(), "{t}");

    let (st, h) = s.get("/api/v1/dyads/USA/RUS/history").await;
    assert_eq!(st, 200);
    assert!(h[0]["quote"].as_str().unwrap().contains("1809"), "{}", h[0]);
    let (st, none) = s.get("/api/v1/dyads/BTN/FSM/history").await;
    assert_eq!((st.as_u16(), none), (200, json!([])));

    let (st, f) = s.get("/api/v1/facts?search=Geneva%20summit").await;
    assert_eq!(st, 200);
    assert!(f[0]["quote"].as_str().unwrap().contains("Geneva"));
    let (st, by_source) = s.get("/api/v1/facts?source=002_d5b9630160081b01.txt").await;
    assert_eq!(st, 200);
    assert!(by_source.as_array().unwrap().len() > 10);

    let (st, sources) = s.get("/api/v1/sources").await;
    assert_eq!(st, 200);
    assert!(sources.as_array().unwrap().len() >= 2);

    let (st, actors) = s.get("/api/v1/actors").await;
    assert_eq!(st, 200);
    assert!(actors.as_array().unwrap().iter().any(|a| a["id"] == "NATO"));

    // Ukraine severed relations with Russia in 2022: an edge of the network
    // as of 2023, not as of 2021.
    let severed = |v: &Value| {
        v["relations"].as_array().unwrap().iter().any(|r| {
            r["status"] == "severed"
                && [r["subject"].as_str(), r["object"].as_str()].contains(&Some("UKR"))
        })
    };
    let (st, n2023) = s
        .get("/api/v1/relations?as_of=2023-01-01&kind=diplomatic")
        .await;
    assert_eq!(st, 200);
    let (_, n2021) = s
        .get("/api/v1/relations?as_of=2021-01-01&kind=diplomatic")
        .await;
    assert!(severed(&n2023) && !severed(&n2021));

    let (st, status) = s.get("/api/v1/status").await;
    assert_eq!(st, 200);
    assert_eq!(status["writes_need_token"], true);
    assert_eq!(status["events"], json!([]));
}

#[tokio::test]
async fn pulse_shifts_and_top_dyads_over_real_events() {
    let s = Server::new();
    assert_error!(
        "no_events",
        s.get("/api/v1/dyads/USA/RUS/pulse").await,
        404,
        "no_events"
    );
    let s = s.with_events();
    let (st, p) = s.get("/api/v1/dyads/USA/RUS/pulse?freq=day").await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["source"], "gdelt2");
    assert_eq!(p["freq"], "day");
    let events: i64 = p["periods"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["events"].as_i64())
        .sum();
    assert!(events > 0, "{p}");
    let root = s.store();
    let first = p["periods"][0]["start"].as_str().unwrap().parse().unwrap();
    let last = p["periods"].as_array().unwrap().last().unwrap()["end"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // The facade runs its own query runtime: call it off the test's.
    let direct = tokio::task::spawn_blocking(move || {
        let store = detente::Store::open(&root).unwrap();
        store
            .pulse(&detente::pulse::PulseQuery {
                a: "USA".into(),
                b: "RUS".into(),
                from: first,
                to: last,
                freq: detente::pulse::Freq::Day,
                directed: false,
                source: None,
                from_events: false,
            })
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(p, serde_json::to_value(&direct).unwrap());

    let (st, sh) = s.get("/api/v1/dyads/USA/RUS/shifts").await;
    assert_eq!(st, 200, "{sh}");
    assert!(sh["shifts"].is_array());
    let (st, top) = s.get("/api/v1/top-dyads?by=volume&limit=5").await;
    assert_eq!(st, 200, "{top}");
    assert_eq!(top["dyads"].as_array().unwrap().len(), 5);

    assert_error!(
        "pulse_bad_freq",
        s.get("/api/v1/dyads/USA/RUS/pulse?freq=hour").await,
        400,
        "bad_query"
    );
    assert_error!(
        "pulse_backwards",
        s.get("/api/v1/dyads/USA/RUS/pulse?from=2016-10-14&to=2016-10-01")
            .await,
        400,
        "bad_request"
    );
    assert_error!(
        "pulse_unknown_actor",
        s.get("/api/v1/dyads/USA/ZZZ/pulse").await,
        400,
        "bad_request"
    );
    assert_error!(
        "top_bad_limit",
        s.get("/api/v1/top-dyads?limit=0").await,
        400,
        "bad_query"
    );
    assert_error!(
        "shifts_bad_penalty",
        s.get("/api/v1/dyads/USA/RUS/shifts?penalty=-1").await,
        400,
        "bad_query"
    );
}

#[tokio::test]
async fn reads_refuse_bad_input_with_the_right_code() {
    let s = Server::new();
    assert_error!(
        "unknown_actor",
        s.get("/api/v1/actors/Atlantis").await,
        404,
        "unknown_actor"
    );
    assert_error!(
        "unknown_treaty",
        s.get("/api/v1/treaties/versailles-2").await,
        404,
        "unknown_treaty"
    );
    assert_error!(
        "unknown_source",
        s.get("/api/v1/facts?source=nope.txt").await,
        404,
        "unknown_source"
    );
    assert_error!(
        "bad_search",
        s.get("/api/v1/facts?search=--%20%3B%20--").await,
        400,
        "bad_search"
    );
    assert_error!(
        "bad_date",
        s.get("/api/v1/actors/RUS?as_of=2020-02-30").await,
        400,
        "bad_date"
    );
    assert_error!(
        "unknown_parameter",
        s.get("/api/v1/actors/RUS/relations?asof=2020").await,
        400,
        "bad_query"
    );
    assert_error!(
        "bad_kind",
        s.get("/api/v1/actors/RUS/relations?kind=friendship").await,
        400,
        "bad_query"
    );
    assert_error!(
        "bad_status",
        s.get("/api/v1/actors/RUS/relations?kind=diplomatic&status=hostile")
            .await,
        400,
        "bad_query"
    );
    assert_error!(
        "not_found",
        s.get("/api/v1/actors/RUS/friends").await,
        404,
        "not_found"
    );
    assert_error!(
        "method_not_allowed",
        s.send(
            Request::delete("/api/v1/actors/RUS")
                .body(Body::empty())
                .unwrap()
        )
        .await,
        405,
        "method_not_allowed"
    );
    assert_error!(
        "static_not_found",
        s.get("/static/../../etc/passwd").await,
        404,
        "not_found"
    );
    // Hostile text in a path segment is an unknown actor, not an error page.
    let (st, body) = s.get("/api/v1/actors/%3Cscript%3E%27%3B--").await;
    assert_eq!((st.as_u16(), code(&body)), (404, "unknown_actor"));
}

fn facts_toml() -> String {
    r#"[source]
id = "desk-notes"
title = "Desk notes"
kind = "user"

[[relation]]
subject = "RUS"
object = "GEO"
kind = "diplomatic"
status = "severed"
from = "2008-08-29"
directed = true
quote = "Georgia severed diplomatic relations with Russia"
"#
    .to_string()
}

#[tokio::test]
async fn adding_facts_needs_the_token_and_is_all_or_nothing() {
    let s = Server::new();
    let body = json!({"name": "notes.toml", "toml": facts_toml()});
    assert_error!(
        "facts_no_token",
        s.post("/api/v1/facts", body.clone(), None).await,
        401,
        "unauthorized"
    );
    assert_error!(
        "facts_wrong_token",
        s.post("/api/v1/facts", body.clone(), Some("guess")).await,
        401,
        "unauthorized"
    );
    // One bad record (unknown actor) spoils the file: nothing is written.
    let bad = facts_toml()
        + "\n[[relation]]\nsubject = \"RUS\"\nobject = \"XXX\"\nkind = \"diplomatic\"\nstatus = \"none\"\nquote = \"x\"\n";
    assert_error!(
        "invalid_facts",
        s.post(
            "/api/v1/facts",
            json!({"name": "notes.toml", "toml": bad}),
            Some(TOKEN)
        )
        .await,
        422,
        "invalid_facts"
    );
    let (_, before) = s.get("/api/v1/sources").await;
    assert!(!before.to_string().contains("desk-notes"));

    let (st, added) = s.post("/api/v1/facts", body.clone(), Some(TOKEN)).await;
    assert_eq!(st, 201, "{added}");
    assert_eq!(
        added,
        json!({"source": "desk-notes", "actors": 0, "facts": 1})
    );
    let (_, facts) = s.get("/api/v1/facts?source=desk-notes").await;
    assert_eq!(facts.as_array().unwrap().len(), 1);
    assert_eq!(facts[0]["status"], "severed");

    assert_error!(
        "facts_unknown_field",
        s.post("/api/v1/facts", json!({"toml": "", "sql": 1}), Some(TOKEN))
            .await,
        400,
        "unknown_field"
    );
    let raw = Request::post("/api/v1/facts")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from("{\"toml\": "))
        .unwrap();
    assert_error!("facts_bad_json", s.send(raw).await, 400, "bad_json");
    let plain = Request::post("/api/v1/facts")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(facts_toml()))
        .unwrap();
    assert_error!(
        "facts_not_json",
        s.send(plain).await,
        415,
        "unsupported_media_type"
    );
}

#[tokio::test]
async fn a_write_by_another_process_is_seen_at_once() {
    let s = Server::new();
    let uri = "/api/v1/actors/RUS/relations?as_of=2009-01-01&kind=diplomatic&status=severed";
    let (_, before) = s.get(uri).await;
    let (_, again) = s.get(uri).await;
    assert_eq!(before, again);
    assert!(!before.to_string().contains("desk-notes"));
    let root = s.store();
    tokio::task::spawn_blocking(move || {
        let mut store = detente::Store::open(&root).unwrap();
        store
            .atlas_mut()
            .add_text("notes.toml", &facts_toml())
            .unwrap();
    })
    .await
    .unwrap();
    let (_, after) = s.get(uri).await;
    assert!(after.to_string().contains("desk-notes"), "{after}");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let s = Server::with(|c| c.body_limit = 1024);
    let big = json!({"sql": format!("SELECT '{}'", "x".repeat(4096))});
    assert_error!(
        "payload_too_large",
        s.post("/api/v1/sql", big, None).await,
        413,
        "payload_too_large"
    );
}

#[tokio::test]
async fn closed_reads_need_the_token() {
    let s = Server::with(|c| c.closed_reads = true);
    let (st, body) = s.get("/api/v1/actors/RUS").await;
    assert_eq!((st.as_u16(), code(&body)), (401, "unauthorized"));
    let req = Request::get("/api/v1/actors/RUS")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.send(req).await.0, 200);
}

#[tokio::test]
async fn sql_runs_queries_only_within_limits() {
    let s = Server::with(|c| {
        c.sql_max_rows = 5;
        c.sql_time_limit = Duration::from_millis(200);
    });
    let (st, a) = s
        .post(
            "/api/v1/sql",
            json!({"sql": "SELECT id FROM actors ORDER BY id"}),
            None,
        )
        .await;
    assert_eq!(st, 200, "{a}");
    assert_eq!(a["row_count"], 5);
    assert_eq!(a["truncated"], true);
    assert_eq!(a["max_rows"], 5);
    assert_eq!(a["rows"][0], json!({"id": "AFG"}));
    assert_eq!(a["columns"], json!([{"name": "id", "type": "Utf8"}]));
    let (_, small) = s
        .post(
            "/api/v1/sql",
            json!({"sql": "SELECT 1 AS one", "max_rows": 100}),
            None,
        )
        .await;
    assert_eq!(
        (small["truncated"].clone(), small["max_rows"].clone()),
        (json!(false), json!(5))
    );

    for (name, sql) in [
        (
            "sql_copy_to_file",
            "COPY (SELECT 1) TO '/tmp/detente-api-test.csv'",
        ),
        (
            "sql_read_file",
            "CREATE EXTERNAL TABLE p STORED AS CSV LOCATION '/etc/passwd'",
        ),
        ("sql_insert", "INSERT INTO actors (id) VALUES ('X')"),
        ("sql_set", "SET datafusion.execution.batch_size = 1"),
    ] {
        assert_error!(
            name,
            s.post("/api/v1/sql", json!({ "sql": sql }), None).await,
            400,
            "sql_not_a_query"
        );
    }
    assert!(!Path::new("/tmp/detente-api-test.csv").exists());
    assert_error!(
        "sql_error",
        s.post(
            "/api/v1/sql",
            json!({"sql": "SELECT nope FROM actors"}),
            None
        )
        .await,
        400,
        "sql_error"
    );
    assert_error!(
        "sql_timeout",
        s.post(
            "/api/v1/sql",
            json!({"sql": "SELECT count(*) FROM generate_series(1, 2000000000) a"}),
            None
        )
        .await,
        408,
        "sql_timeout"
    );
}

#[tokio::test]
async fn slow_requests_stop_at_the_request_timeout() {
    let s = Server::with(|c| {
        c.request_timeout = Duration::from_millis(100);
        c.sql_time_limit = Duration::from_secs(5);
    });
    assert_error!(
        "timeout",
        s.post(
            "/api/v1/sql",
            json!({"sql": "SELECT count(*) FROM generate_series(1, 2000000000) a"}),
            None
        )
        .await,
        503,
        "timeout"
    );
}

#[tokio::test]
async fn ingest_stays_in_its_folder_and_reports_each_file() {
    let s = Server::new();
    let body = json!({"paths": ["x.csv"]});
    assert_error!(
        "ingest_disabled",
        s.post("/api/v1/ingest", body, Some(TOKEN)).await,
        403,
        "ingest_disabled"
    );

    let root = tempfile::tempdir().unwrap();
    std::fs::copy(gdelt2_export(), root.path().join("a.export.CSV.gz")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.csv"), "x").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
    let rootp = root.path().to_path_buf();
    let s = Server::with(move |c| c.ingest_root = Some(rootp));
    for (name, path) in [
        ("ingest_parent", "../secret.csv"),
        ("ingest_absolute", "/etc/passwd"),
        ("ingest_missing", "nothing-here.csv"),
    ] {
        let answer = s
            .post("/api/v1/ingest", json!({"paths": [path]}), Some(TOKEN))
            .await;
        let (status, body) = answer;
        assert_eq!(
            (status.as_u16(), code(&body)),
            (400, "bad_path"),
            "{name}: {body}"
        );
        insta::assert_json_snapshot!(name, body);
    }
    #[cfg(unix)]
    {
        let (st, body) = s
            .post(
                "/api/v1/ingest",
                json!({"paths": ["link/secret.csv"]}),
                Some(TOKEN),
            )
            .await;
        assert_eq!((st.as_u16(), code(&body)), (400, "bad_path"), "{body}");
        let (st, body) = s
            .post(
                "/api/v1/ingest",
                json!({"paths": ["link/*.csv"]}),
                Some(TOKEN),
            )
            .await;
        assert_eq!((st.as_u16(), code(&body)), (400, "bad_path"), "{body}");
    }
    assert_error!(
        "ingest_bad_format",
        s.post(
            "/api/v1/ingest",
            json!({"paths": ["a.export.CSV.gz"], "format": "csv"}),
            Some(TOKEN)
        )
        .await,
        400,
        "bad_request"
    );
    assert_error!(
        "ingest_no_token",
        s.post(
            "/api/v1/ingest",
            json!({"paths": ["a.export.CSV.gz"]}),
            None
        )
        .await,
        401,
        "unauthorized"
    );

    let (st, job) = s
        .post(
            "/api/v1/ingest",
            json!({"paths": ["a.export.CSV.gz"]}),
            Some(TOKEN),
        )
        .await;
    assert_eq!(st, 202, "{job}");
    assert_eq!(job["files_total"], 1);
    let id = job["id"].as_u64().unwrap();
    let auth = |uri: String| {
        Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap()
    };
    let mut done = Value::Null;
    for _ in 0..600 {
        let (_, j) = s.send(auth(format!("/api/v1/ingest/{id}"))).await;
        if j["state"] == "done" || j["state"] == "failed" {
            done = j;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(done["state"], "done", "{done}");
    // Counted by `detente ingest` on the same file (3,566 rows, none quarantined).
    assert_eq!(done["files"][0]["rows_written"], 3566);
    assert_eq!(done["files"][0]["outcome"], "ingested");
    assert_error!(
        "unknown_job",
        s.send(auth("/api/v1/ingest/99".into())).await,
        404,
        "unknown_job"
    );
}

#[tokio::test]
async fn openapi_lists_every_route_and_every_error_code_is_used() {
    let s = Server::new();
    let (st, doc) = s.get("/api/v1/openapi.json").await;
    assert_eq!(st, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for p in [
        "/api/v1/status",
        "/api/v1/actors",
        "/api/v1/actors/{id}",
        "/api/v1/actors/{id}/relations",
        "/api/v1/actors/{id}/report",
        "/api/v1/relations",
        "/api/v1/dyads/{a}/{b}/history",
        "/api/v1/dyads/{a}/{b}/pulse",
        "/api/v1/dyads/{a}/{b}/shifts",
        "/api/v1/top-dyads",
        "/api/v1/treaties/{id}",
        "/api/v1/facts",
        "/api/v1/sources",
        "/api/v1/ingest",
        "/api/v1/ingest/{id}",
        "/api/v1/sql",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Answers are typed with the engine's own types, field by field.
    let schemas = &doc["components"]["schemas"];
    for (name, field) in [
        ("Report", "sections"),
        ("ReportItem", "quote"),
        ("RelationAnswer", "relations"),
        ("RelationRow", "valid_from"),
        ("FactRow", "paragraph"),
        ("TreatyAnswer", "terms"),
        ("Pulse", "periods"),
        ("Period", "goldstein_mean"),
        ("Shifts", "shifts"),
        ("TopDyads", "dyads"),
        ("ActorAnswer", "system_membership"),
    ] {
        assert!(
            schemas[name]["properties"][field].is_object(),
            "{name}.{field} missing from the OpenAPI schemas"
        );
    }
    let relations = &doc["paths"]["/api/v1/actors/{id}/relations"]["get"]["responses"]["200"];
    assert!(
        relations
            .to_string()
            .contains("#/components/schemas/RelationAnswer"),
        "{relations}"
    );
    // Every code of the table is answered by some test in this file, except
    // `internal` (a server fault, which no request should be able to cause).
    let tests = include_str!("api.rs");
    for (code, _, _) in CODES {
        if *code != "internal" {
            assert!(
                tests.contains(&format!("\"{code}\"")),
                "no test answers {code}"
            );
        }
    }
    let (st, html) = s.get("/").await;
    assert_eq!(st, 200);
    assert!(html.as_str().unwrap().contains("/static/app.js"));
    let (st, docs) = s.get("/api/docs").await;
    assert_eq!(st, 200);
    assert!(docs.as_str().unwrap().contains("/api/v1/openapi.json"));
}
