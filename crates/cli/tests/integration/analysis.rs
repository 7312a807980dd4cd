//! `detente pulse` on real GDELT 2.0 exports: the rollup and the raw events
//! give the same answers; coverage marks what was not ingested.

use std::path::{Path, PathBuf};

use insta_cmd::assert_cmd_snapshot;
use serde_json::Value;

use super::{detente, manifest_dir, sql_csv, succeed, with_filters};

fn shared_events() -> PathBuf {
    manifest_dir().join("../../../shared/data/gdelt/v2/events")
}

/// A store with the nine real 15-minute exports of 2024-10-22 that the shared
/// data holds (of the day's 96), so coverage is partial.
fn store_with_exports(d: &Path) -> usize {
    std::fs::create_dir(d.join("in")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(shared_events())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("20241022"))
        .collect();
    names.sort();
    for n in &names {
        std::fs::copy(shared_events().join(n), d.join("in").join(n)).unwrap();
    }
    succeed(detente(d).args(["ingest", "-q", "in"]));
    names.len()
}

fn pulse_json(d: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "pulse",
        "RUS",
        "USA",
        "--from",
        "2024-10-01",
        "--to",
        "2024-10-31",
        "--freq",
        "day",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_slice(&succeed(detente(d).args(&args))).unwrap()
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn pulse_from_rollup_equals_pulse_from_events() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = store_with_exports(d);
    assert_eq!(files, 9, "the shared data holds nine exports of 2024-10-22");
    for extra in [&[][..], &["--directed"][..]] {
        let mut rollup = pulse_json(d, extra);
        let mut events = pulse_json(d, &[extra, &["--from-events"][..]].concat());
        assert_eq!(rollup["read_from"], "rollup");
        assert_eq!(events["read_from"], "events");
        rollup["read_from"] = Value::Null;
        events["read_from"] = Value::Null;
        assert!(close(&rollup, &events), "{rollup:#}\n{events:#}");
        // The dyad has events on the covered day, and only there.
        let periods = rollup["periods"].as_array().unwrap();
        let covered: Vec<&Value> = periods
            .iter()
            .filter(|p| p["coverage"].as_f64() > Some(0.0))
            .collect();
        assert!(!covered.is_empty());
        for p in periods {
            if p["coverage"].as_f64() == Some(0.0) {
                assert!(p["events"].is_null(), "an uncovered day has no count: {p}");
            }
        }
    }
    // Coverage is the share of the day's 96 batches that were ingested.
    let p = pulse_json(d, &[]);
    let day = p["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["start"] == "2024-10-22")
        .unwrap();
    assert!(
        close(&day["coverage"], &Value::from(files as f64 / 96.0)),
        "{day}"
    );
}

#[test]
fn pulse_outputs_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_filters(|| {
        assert_cmd_snapshot!(
            "pulse_empty_store",
            detente(d).args(["pulse", "RUS", "USA", "--from", "2024", "--to", "2024"])
        );
    });
    store_with_exports(d);
    with_filters(|| {
        assert_cmd_snapshot!(
            "pulse_table",
            detente(d).args([
                "pulse",
                "RUS",
                "USA",
                "--from",
                "2024-10-20",
                "--to",
                "2024-10-24",
                "--freq",
                "day"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_csv_monthly",
            detente(d).args([
                "pulse",
                "Russia",
                "United States",
                "--from",
                "2024-09",
                "--to",
                "2024-11",
                "--freq",
                "month",
                "--format",
                "csv"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_unknown_actor",
            detente(d).args(["pulse", "RUS", "Atlantis", "--from", "2024", "--to", "2024"])
        );
        assert_cmd_snapshot!(
            "pulse_reversed_dates",
            detente(d).args([
                "pulse",
                "RUS",
                "USA",
                "--from",
                "2024-12-01",
                "--to",
                "2024-01-01"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_wrong_source",
            detente(d).args([
                "pulse", "RUS", "USA", "--from", "2024", "--to", "2024", "--source", "icews"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_bad_chart_name",
            detente(d).args([
                "pulse", "RUS", "USA", "--from", "2024", "--to", "2024", "--chart", "c.jpg"
            ])
        );
        assert_cmd_snapshot!(
            "pulse_chart",
            detente(d).args([
                "pulse",
                "RUS",
                "USA",
                "--from",
                "2024-10-21",
                "--to",
                "2024-10-23",
                "--freq",
                "day",
                "--chart",
                "c.svg",
                "--format",
                "csv"
            ])
        );
    });
    let svg = std::fs::read_to_string(d.join("c.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("verbal cooperation") && svg.contains("2024-10-22")
    );
}

/// A store with all 91 real GDELT 2.0 exports of the shared data.
fn store_with_all_exports(d: &Path) {
    succeed(detente(d).args(["ingest", "-q"]).arg(shared_events()));
}

fn json(d: &Path, args: &[&str]) -> Value {
    serde_json::from_slice(&succeed(detente(d).args(args).args(["--format", "json"]))).unwrap()
}

#[test]
fn shifts_and_top_dyads_on_real_exports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    store_with_all_exports(d);
    // Shifts split the weekly series into segments; each shift's before and
    // after must be the means of the pulse's values over those segments,
    // computed here from `detente pulse --from-events` independently.
    let range = ["--from", "2024-10", "--to", "2025-02"];
    let s = json(
        d,
        &[
            &["shifts", "RUS", "UKR", "--penalty", "0.5"][..],
            &range[..],
        ]
        .concat(),
    );
    let p = json(
        d,
        &[
            &["pulse", "RUS", "UKR", "--freq", "week", "--from-events"][..],
            &range[..],
        ]
        .concat(),
    );
    let series: Vec<(String, f64)> = p["periods"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| {
            Some((
                x["start"].as_str()?.to_string(),
                x["goldstein_mean"].as_f64()?,
            ))
        })
        .collect();
    let shifts: Vec<&Value> = s["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["series"] == "goldstein_mean")
        .collect();
    assert!(
        !shifts.is_empty(),
        "a penalty of 0.5 finds shifts in this series"
    );
    let cuts: Vec<usize> = shifts
        .iter()
        .map(|x| {
            series
                .iter()
                .position(|(d, _)| d == x["date"].as_str().unwrap())
                .unwrap()
        })
        .collect();
    let mean = |a: usize, b: usize| series[a..b].iter().map(|v| v.1).sum::<f64>() / (b - a) as f64;
    let mut bounds = vec![0];
    bounds.extend(&cuts);
    bounds.push(series.len());
    for (i, x) in shifts.iter().enumerate() {
        let before = mean(bounds[i], bounds[i + 1]);
        let after = mean(bounds[i + 1], bounds[i + 2]);
        assert!((x["before"].as_f64().unwrap() - before).abs() < 1e-6, "{x}");
        assert!((x["after"].as_f64().unwrap() - after).abs() < 1e-6, "{x}");
        let toward_conflict = after < before;
        assert_eq!(x["direction"] == "toward conflict", toward_conflict, "{x}");
    }
    // Top dyads: the counts equal a direct SQL count over the raw events.
    let top = json(
        d,
        &[
            "top-dyads",
            "--from",
            "2024",
            "--to",
            "2025",
            "--limit",
            "3",
        ],
    );
    let first = &top["dyads"][0];
    let out = detente(d)
        .args([
            "sql",
            &format!(
                "SELECT count(*) AS n, count(*) FILTER (WHERE quad_class IN (3, 4)) AS c FROM events \
                 WHERE dyad(actor1_country_code, actor2_country_code) = '{}' \
                   AND actor1_country_code <> actor2_country_code AND year BETWEEN 2024 AND 2025",
                first["dyad"].as_str().unwrap()
            ),
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().nth(1).unwrap(),
        format!("{},{}", first["events"], first["conflict"])
    );
    with_filters(|| {
        assert_cmd_snapshot!(
            "top_dyads_by_conflict",
            detente(d).args([
                "top-dyads",
                "--from",
                "2024",
                "--to",
                "2025",
                "--limit",
                "5"
            ])
        );
        assert_cmd_snapshot!(
            "shifts_table",
            detente(d).args(
                [
                    &["shifts", "RUS", "UKR", "--penalty", "0.5"][..],
                    &range[..]
                ]
                .concat()
            )
        );
        assert_cmd_snapshot!(
            "shifts_bad_penalty",
            detente(d).args([&["shifts", "RUS", "UKR", "--penalty=-1"][..], &range[..]].concat())
        );
        assert_cmd_snapshot!(
            "shifts_chart",
            detente(d).args(
                [
                    &[
                        "shifts", "RUS", "UKR", "--chart", "s.png", "--format", "csv"
                    ][..],
                    &range[..]
                ]
                .concat()
            )
        );
    });
    assert_eq!(&std::fs::read(d.join("s.png")).unwrap()[1..4], b"PNG");
}

/// Whether two CSV answers hold the same cells, numbers within 1e-9.
fn same_csv(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            let (x, y): (Vec<&str>, Vec<&str>) = (x.split(',').collect(), y.split(',').collect());
            x.len() == y.len()
                && x.iter()
                    .zip(&y)
                    .all(|(u, v)| match (u.parse::<f64>(), v.parse::<f64>()) {
                        (Ok(u), Ok(v)) => (u - v).abs() <= 1e-9 * u.abs().max(1.0),
                        _ => u == v,
                    })
        })
}

/// Runs `sql` with the session setting `detente.<setting>` on and off. Its
/// plan shows `marker` when the setting is on and `applies`, never when it is
/// off; both ways give rows, and the same ones. Returns the plan with it on.
fn same_answer_both_ways(
    d: &Path,
    setting: &str,
    marker: &str,
    sql: &str,
    applies: bool,
) -> String {
    let off = format!("SET detente.{setting} = false;");
    let plan = sql_csv(d, &format!("EXPLAIN {sql};"));
    assert_eq!(plan.contains(marker), applies, "{sql}\n{plan}");
    let plan_off = sql_csv(d, &format!("{off} EXPLAIN {sql};"));
    assert!(!plan_off.contains(marker), "{sql}\n{plan_off}");
    let with = sql_csv(d, &format!("{sql};"));
    let without = sql_csv(d, &format!("{off} {sql};"));
    assert!(with.lines().count() > 1, "{sql}: no rows\n{with}");
    assert!(
        same_csv(&with, &without),
        "{sql}\n{setting} on:\n{with}\n{setting} off:\n{without}"
    );
    plan
}

#[test]
fn sql_aggregates_read_the_rollup_and_answer_as_the_events_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    store_with_exports(d);
    let dyad = "least(actor1_country_code, actor2_country_code) || '-' || greatest(actor1_country_code, actor2_country_code)";
    let rewritten = [
        "SELECT year, quad_class, count(*) AS n FROM events GROUP BY year, quad_class ORDER BY year, quad_class".to_string(),
        format!(
            "SELECT {dyad} AS dyad, count(*) AS n FROM events WHERE year = 2024 AND quad_class IN (3, 4) \
             AND actor1_country_code IS NOT NULL AND actor2_country_code IS NOT NULL \
             AND actor1_country_code <> actor2_country_code GROUP BY dyad ORDER BY n DESC, dyad LIMIT 20"
        ),
        "SELECT date_trunc('hour', CAST(day AS TIMESTAMP)) AS h, quad_class, count(*) AS n, avg(goldstein) AS g \
         FROM events WHERE (actor1_country_code = 'RUS' AND actor2_country_code = 'USA') \
         OR (actor1_country_code = 'USA' AND actor2_country_code = 'RUS') GROUP BY h, quad_class ORDER BY h, quad_class"
            .to_string(),
        "SELECT count(*) AS n, avg(avg_tone) AS tone FROM events WHERE day BETWEEN DATE '2024-10-01' AND DATE '2024-10-31'"
            .to_string(),
        "SELECT e.source, e.month, count(e.actor2_country_code) AS a2, sum(e.goldstein) AS g, count(e.avg_tone) AS t, \
         sum(avg_tone) AS ts, count(goldstein) AS gn FROM events e WHERE e.actor1_country_code = 'USA' \
         GROUP BY e.source, e.month HAVING count(*) > 0 ORDER BY 1, 2"
            .to_string(),
        "SELECT count(*) AS n, avg(goldstein) AS g, sum(goldstein) AS s FROM events WHERE day > DATE '2030-01-01'"
            .to_string(),
        "SELECT actor1_country_code AS c, count(1) AS n FROM events GROUP BY c ORDER BY n DESC, c NULLS FIRST LIMIT 5"
            .to_string(),
    ];
    let kept = [
        "SELECT c.label, count(*) AS n FROM events e JOIN cameo_event_codes c ON c.code = e.event_code \
         GROUP BY c.label ORDER BY n DESC, c.label LIMIT 10",
        "SELECT event_code, count(*) AS n FROM events GROUP BY event_code ORDER BY n DESC, event_code LIMIT 5",
        "SELECT min(goldstein) AS g FROM events",
        "SELECT count(DISTINCT actor1_country_code) AS n FROM events",
        "SELECT count(*) AS n FROM events WHERE random() < 2",
        "SELECT count(*) AS n FROM events WHERE event_root_code = '14'",
        "SELECT sum(num_mentions) AS n FROM events",
    ];
    for (sql, from_rollup) in rewritten
        .iter()
        .map(|s| (s.as_str(), true))
        .chain(kept.iter().map(|s| (*s, false)))
    {
        let plan =
            same_answer_both_ways(d, "rollup_rewrite", "TableScan: rollup", sql, from_rollup);
        assert_eq!(
            plan.contains("TableScan: events"),
            !from_rollup,
            "{sql}\n{plan}"
        );
    }
}

#[test]
fn sql_joins_with_reference_tables_count_first_and_answer_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    store_with_exports(d);
    let grouped_first = [
        "SELECT c.label, count(*) AS n FROM events e JOIN cameo_event_codes c ON c.code = e.event_code \
         GROUP BY c.label ORDER BY n DESC, c.label LIMIT 10",
        // Several codes per root: the mins and maxes of codes are combined.
        "SELECT substr(c.code, 1, 2) AS root, count(*) AS n, sum(e.goldstein) AS g, min(e.avg_tone) AS lo, \
         max(e.num_mentions) AS hi, count(e.actor1_code) AS a FROM events e \
         JOIN cameo_event_codes c ON c.code = e.event_code WHERE e.quad_class = 4 GROUP BY root ORDER BY root",
        "SELECT k.name, e.actor1_country_code AS code, count(*) AS n FROM cameo_countries k \
         JOIN events e ON e.actor1_country_code = k.code GROUP BY k.name, e.actor1_country_code \
         ORDER BY n DESC, code LIMIT 10",
    ];
    let joined_first = [
        "SELECT c.label, avg(e.goldstein) AS g FROM events e JOIN cameo_event_codes c ON c.code = e.event_code \
         GROUP BY c.label ORDER BY c.label",
        "SELECT c.label, e.actor1_code, count(*) AS n FROM events e JOIN cameo_event_codes c ON c.code = e.event_code \
         GROUP BY c.label, e.actor1_code ORDER BY n DESC, c.label, e.actor1_code LIMIT 10",
        "SELECT c.label, count(*) AS n FROM events e LEFT JOIN cameo_event_codes c ON c.code = e.event_code \
         GROUP BY c.label ORDER BY n DESC, c.label LIMIT 10",
        "SELECT count(*) AS n FROM events e JOIN cameo_event_codes c ON c.code = e.event_code",
    ];
    for (sql, first) in grouped_first
        .iter()
        .map(|s| (*s, true))
        .chain(joined_first.iter().map(|s| (*s, false)))
    {
        same_answer_both_ways(d, "pre_aggregate", "__pre_aggregate", sql, first);
    }
}

#[test]
fn pulse_repeated_in_one_process_gives_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    store_with_exports(d);
    let args = [
        "pulse", "RUS", "USA", "--from", "2024-10", "--to", "2024-10", "--format", "csv",
    ];
    let once = detente(d).args(args).output().unwrap();
    let thrice = detente(d)
        .args(args)
        .args(["--repeat", "3", "--timing"])
        .output()
        .unwrap();
    assert!(thrice.status.success());
    assert_eq!(once.stdout, thrice.stdout);
    let stderr = String::from_utf8(thrice.stderr).unwrap();
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("pulse: ")).count(),
        3,
        "{stderr}"
    );
    let zero = detente(d)
        .args(args)
        .args(["--repeat", "0"])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
}
