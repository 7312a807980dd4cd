//! Bad input: a precise message, a non-zero exit, nothing written.

use insta_cmd::assert_cmd_snapshot;

use super::{detente, with_filters};

fn snap(name: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    with_filters(|| {
        assert_cmd_snapshot!(name, detente(dir.path()).args(args));
    });
}

#[test]
fn unknown_names() {
    snap("unknown_actor", &["actor", "Atlantis"]);
    snap("unknown_actor_in_relations", &["relations", "RUZ"]);
    snap("unknown_treaty", &["treaty", "salt-3"]);
    snap("unknown_source", &["facts", "--source", "nope.txt"]);
    snap("search_without_match", &["facts", "--search", "zeppelin"]);
    snap("search_without_words", &["facts", "--search=-- ; --"]);
}

#[test]
fn bad_dates_and_flags() {
    snap(
        "impossible_date",
        &["relations", "RUS", "--as-of", "2021-02-30"],
    );
    snap(
        "malformed_date",
        &["relations", "RUS", "--as-of", "June 2021"],
    );
    snap("md_outside_report", &["relations", "RUS", "--format", "md"]);
    snap("unknown_format", &["relations", "RUS", "--format", "xml"]);
    snap("unknown_command", &["alliances", "RUS"]);
    snap(
        "ingest_without_memory",
        &["ingest", "--memory", "0", "x.csv"],
    );
}

#[test]
fn rejected_fact_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        r#"[source]
id = "bad-notes"
title = "Bad notes"
kind = "user"

[[relation]]
subject = "RUS"
object = "Narnia"
kind = "diplomatic"
status = "frosty"
from = "2014"
to = "2013"

[[event]]
id = "summit"
kind = "summit"
name = "A summit"
date = "2021-02-29"
quote = "They met."
"#,
    )
    .unwrap();
    let no_source = dir.path().join("no-source.toml");
    std::fs::write(
        &no_source,
        "[[statement]]\nsubject = \"PUTIN\"\ntext = \"x\"\nquote = \"x\"\n",
    )
    .unwrap();
    let syntax = dir.path().join("syntax.toml");
    std::fs::write(&syntax, "[source\nid = 1\n").unwrap();
    with_filters(|| {
        assert_cmd_snapshot!(
            "fact_add_bad",
            detente(d).args(["fact", "add", "--file", "bad.toml"])
        );
        assert_cmd_snapshot!(
            "fact_add_no_source",
            detente(d).args(["fact", "add", "--file", "no-source.toml"])
        );
        assert_cmd_snapshot!(
            "fact_add_syntax_error",
            detente(d).args(["fact", "add", "--file", "syntax.toml"])
        );
        assert_cmd_snapshot!(
            "fact_add_missing_file",
            detente(d).args(["fact", "add", "--file", "absent.toml"])
        );
        // Nothing of the rejected files was written.
        assert_cmd_snapshot!(
            "sources_after_rejections",
            detente(d).args(["sources", "--format", "csv"])
        );
    });
}
