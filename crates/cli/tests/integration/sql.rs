//! `detente sql`: tables, functions, formats and errors, on the 50-row GDELT
//! 2.0 excerpt in `testdata/`.

use std::path::{Path, PathBuf};

use insta_cmd::assert_cmd_snapshot;

use super::{detente, manifest_dir, succeed, with_filters};

fn excerpt() -> PathBuf {
    manifest_dir().join("../../testdata/gdelt2-20161013151500-head50.csv")
}

fn store_with_excerpt(d: &Path) {
    std::fs::copy(excerpt(), d.join("head50.csv")).unwrap();
    succeed(detente(d).args(["ingest", "-q", "head50.csv"]));
}

// Expected counts by hand with awk on the excerpt: QuadClass is field 30,
// Goldstein field 31: `awk -F'\t' '{q[$30]++; s+=$31} END {...}'` gives
// 34 / 3 / 9 / 4 rows for QuadClass 1 to 4 and a Goldstein sum of 71.
const BY_QUAD: &str = "SELECT quad_class, quad_class_name(quad_class) AS name, count(*) AS n \
                       FROM events GROUP BY quad_class ORDER BY quad_class";

#[test]
fn sql_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    store_with_excerpt(d);
    with_filters(|| {
        assert_cmd_snapshot!("sql_table", detente(d).args(["sql", BY_QUAD]));
        assert_cmd_snapshot!(
            "sql_csv",
            detente(d).args(["sql", BY_QUAD, "--format", "csv"])
        );
        assert_cmd_snapshot!(
            "sql_json",
            detente(d).args(["sql", BY_QUAD, "--format", "json"])
        );
        assert_cmd_snapshot!(
            "sql_goldstein_sum",
            detente(d).args([
                "sql",
                "SELECT sum(goldstein) AS g, count(*) AS n FROM events"
            ])
        );
        assert_cmd_snapshot!(
            "sql_parquet_out",
            detente(d).args(["sql", BY_QUAD, "--format", "parquet", "--out", "q.parquet"])
        );
    });
    let bytes = std::fs::read(d.join("q.parquet")).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
}

#[test]
fn sql_functions_and_reference_tables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_filters(|| {
        // GDELT's tables: CAMEO.eventcodes.txt and CAMEO.goldsteinscale.txt
        // give 190 its label and -10; CAMEO.country.txt lists Romania as ROM.
        assert_cmd_snapshot!(
            "sql_functions",
            detente(d).args([
                "sql",
                "SELECT cameo_name('190') AS name, cameo_goldstein('190') AS g, cameo_root('1823') AS root, \
                 dyad('USA', 'RUS') AS dyad, is_state('ROM') AS romania, is_state('EUR') AS europe, \
                 iso3('ROM') AS iso3, country_name('WST') AS west, cameo_name('106') AS unlisted",
                "--format",
                "json"
            ])
        );
        // 310 codes (20 roots, 290 sub-codes), as crates/core/reference/SOURCE.md counts them.
        assert_cmd_snapshot!(
            "sql_cameo_tables",
            detente(d).args([
                "sql",
                "SELECT count(*) AS codes, count(DISTINCT root_code) AS roots FROM cameo_event_codes",
            ])
        );
        // 000 ¶1 names the five states with no diplomatic relations with Russia.
        assert_cmd_snapshot!(
            "sql_atlas_relations",
            detente(d).args([
                "sql",
                "SELECT object, source, paragraph FROM relations \
                 WHERE subject = 'RUS' AND kind = 'diplomatic' AND status = 'none' ORDER BY object",
            ])
        );
        assert_cmd_snapshot!(
            "sql_treaty_terms",
            detente(d).args([
                "sql",
                "SELECT treaty, name, value FROM treaty_terms",
                "--format",
                "csv"
            ])
        );
        assert_cmd_snapshot!(
            "sql_empty_store",
            detente(d).args(["sql", "SELECT count(*) AS n FROM events"])
        );
    });
}

#[test]
fn sql_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_filters(|| {
        assert_cmd_snapshot!("sql_syntax_error", detente(d).args(["sql", "SELEC 1"]));
        assert_cmd_snapshot!(
            "sql_unknown_table",
            detente(d).args(["sql", "SELECT * FROM nowhere"])
        );
        assert_cmd_snapshot!(
            "sql_out_needs_a_format",
            detente(d).args(["sql", "SELECT 1", "--out", "x.csv"])
        );
        assert_cmd_snapshot!(
            "sql_parquet_only_for_sql",
            detente(d).args(["sources", "--format", "parquet"])
        );
        assert_cmd_snapshot!(
            "sql_store_is_read_only",
            detente(d).args([
                "sql",
                "COPY (SELECT 1) TO 'detente://store/events/x.parquet'"
            ])
        );
    });
    assert!(!d.join("x.csv").exists());
}

#[test]
fn sql_statements_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = super::sql_csv(
        d,
        "SELECT 1 AS a; -- a comment; with a semicolon\nSELECT 'x;y' AS b;",
    );
    assert_eq!(out, "a\n1\nb\nx;y\n");
}
