//! Every command, every format.

use insta_cmd::assert_cmd_snapshot;

use super::{detente, with_filters};

fn snap(name: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    with_filters(|| {
        assert_cmd_snapshot!(name, detente(dir.path()).args(args));
    });
}

#[test]
fn actor() {
    snap(
        "actor_rus_table",
        &["actor", "RUS", "--as-of", "2025-06-01"],
    );
    snap(
        "actor_rus_json",
        &["actor", "RUS", "--as-of", "2025-06-01", "--format", "json"],
    );
    snap("actor_rus_csv", &["actor", "RUS", "--format", "csv"]);
    snap(
        "actor_by_name",
        &["actor", "collective West", "--as-of", "2025-06-01"],
    );
    snap(
        "actor_historical",
        &["actor", "USSR", "--as-of", "2025-06-01"],
    );
}

#[test]
fn relations() {
    let none = [
        "relations",
        "RUS",
        "--as-of",
        "2025-06-01",
        "--kind",
        "diplomatic",
        "--status",
        "none",
    ];
    snap("relations_none_table", &none);
    snap(
        "relations_none_json",
        &[&none[..], &["--format", "json"]].concat(),
    );
    snap(
        "relations_none_csv",
        &[&none[..], &["--format", "csv"]].concat(),
    );
    snap(
        "relations_positive_table",
        &[
            "relations",
            "RUS",
            "--as-of",
            "2025-06-01",
            "--status",
            "positive",
        ],
    );
    snap(
        "relations_year_precision",
        &[
            "relations",
            "UKR",
            "--as-of",
            "2022",
            "--kind",
            "diplomatic",
        ],
    );
    snap(
        "relations_before_the_text_speaks",
        &[
            "relations",
            "RUS",
            "--as-of",
            "2010-01-01",
            "--kind",
            "diplomatic",
            "--status",
            "none",
        ],
    );
}

#[test]
fn history() {
    snap("history_usa_rus_table", &["history", "USA", "RUS"]);
    snap(
        "history_usa_rus_json",
        &["history", "USA", "RUS", "--format", "json"],
    );
    snap(
        "history_usa_rus_csv",
        &["history", "USA", "RUS", "--format", "csv"],
    );
    snap("history_nothing_in_common", &["history", "BTN", "SLB"]);
}

#[test]
fn treaty() {
    let args = ["treaty", "new-start", "--as-of", "2022-01-01"];
    snap("treaty_new_start_table", &args);
    snap(
        "treaty_new_start_json",
        &[&args[..], &["--format", "json"]].concat(),
    );
    snap(
        "treaty_new_start_csv",
        &[&args[..], &["--format", "csv"]].concat(),
    );
    snap(
        "treaty_jcpoa_2019",
        &["treaty", "JCPOA", "--as-of", "2019-01-01"],
    );
    snap(
        "treaty_before_signature",
        &["treaty", "New START", "--as-of", "2009-06-01"],
    );
}

#[test]
fn facts() {
    snap(
        "facts_source_002",
        &["facts", "--source", "002_d5b9630160081b01.txt"],
    );
    snap(
        "facts_search_table",
        &["facts", "--search", "Geneva summit"],
    );
    snap(
        "facts_search_json",
        &["facts", "--search", "Geneva summit", "--format", "json"],
    );
    snap(
        "facts_search_csv",
        &["facts", "--search", "warheads", "--format", "csv"],
    );
    snap("sources_table", &["sources"]);
}

#[test]
fn report() {
    let args = ["report", "RUS", "--as-of", "2025-06-01"];
    snap("report_rus_table", &args);
    snap("report_rus_md", &[&args[..], &["--format", "md"]].concat());
    snap(
        "report_rus_json",
        &[&args[..], &["--format", "json"]].concat(),
    );
    snap(
        "report_rus_csv",
        &[&args[..], &["--format", "csv"]].concat(),
    );
    snap(
        "report_usa_1990",
        &["report", "USA", "--as-of", "1990", "--format", "md"],
    );
}

#[test]
fn fact_add_then_ask() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.toml");
    std::fs::write(
        &file,
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
"#,
    )
    .unwrap();
    let d = dir.path();
    with_filters(|| {
        assert_cmd_snapshot!(
            "fact_add_good",
            detente(d).args(["fact", "add", "--file", "notes.toml"])
        );
        assert_cmd_snapshot!(
            "fact_add_then_relations",
            detente(d).args([
                "relations",
                "GEO",
                "--as-of",
                "2010-01-01",
                "--format",
                "csv"
            ])
        );
        assert_cmd_snapshot!(
            "fact_add_same_source_again",
            detente(d).args(["fact", "add", "--file", "notes.toml"])
        );
    });
}
