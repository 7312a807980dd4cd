//! Loading facts: checked first, written in one transaction or not at all.

use detente_atlas::{Atlas, Error, RelationFilter};

use super::{atlas, day};

fn count(a: &Atlas) -> usize {
    a.facts(None, None).unwrap().len()
}

const GOOD: &str = r#"
[source]
id = "desk-notes"
title = "Desk notes"
kind = "user"
asserted = "2024"

[[relation]]
subject = "RUS"
object = "GEO"
kind = "diplomatic"
status = "severed"
from = "2008-08-29"
directed = true
quote = "Georgia severed diplomatic relations with Russia"
note = "A claim beside the seed text's undated one."
"#;

/// Opens the atlas at `path`, adds [`GOOD`], closes it and returns the facts
/// it then held.
fn add_notes_and_close(path: &std::path::Path) -> usize {
    let mut a = Atlas::open(path).unwrap();
    a.add_text("notes.toml", GOOD).unwrap();
    count(&a)
}

#[test]
fn a_good_file_is_added_and_kept_beside_the_seed_claim() {
    let mut a = atlas();
    let before = count(&a);
    let s = a.add_text("notes.toml", GOOD).unwrap();
    assert_eq!((s.facts, s.actors), (1, 0));
    assert_eq!(count(&a), before + 1);
    let f = RelationFilter {
        kind: Some("diplomatic".into()),
        status: None,
    };
    let ans = a.relations("GEO", day("2025-01-01"), &f).unwrap();
    let sources: Vec<&str> = ans.relations.iter().map(|r| r.source.as_str()).collect();
    assert_eq!(
        sources,
        ["000_ae1c223bb303d995.txt", "desk-notes"],
        "both claims, side by side"
    );
    let in_2010 = a.relations("GEO", day("2010-01-01"), &f).unwrap();
    assert_eq!(
        in_2010.relations.len(),
        1,
        "the user's dated claim holds in 2010"
    );
    assert_eq!(
        in_2010.undetermined.len(),
        1,
        "the seed's undated claim is undetermined then"
    );
}

#[test]
fn a_file_with_one_bad_record_writes_nothing() {
    let mut a = atlas();
    let before = count(&a);
    let bad = format!(
        "{GOOD}\n[[relation]]\nsubject = \"RUS\"\nobject = \"Narnia\"\nkind = \"stance\"\nstatus = \"hostile\"\nquote = \"x\"\n\n[[event]]\nid = \"e\"\nkind = \"summit\"\nname = \"Summit\"\ndate = \"2021-02-29\"\nend = \"2020\"\nquote = \"y\"\n"
    );
    let err = a.add_text("bad.toml", &bad).unwrap_err();
    let Error::Invalid(p) = &err else {
        panic!("{err}")
    };
    let lines: Vec<usize> = p.items.iter().map(|i| i.line).collect();
    assert_eq!(lines, [18, 25], "{err}");
    assert!(p.items[0].reason.contains("unknown actor \"Narnia\""));
    assert!(p.items[1].reason.contains("no such day"));
    assert_eq!(count(&a), before, "nothing written");
    assert!(a.sources().unwrap().iter().all(|s| s.id != "desk-notes"));
}

#[test]
fn the_same_source_cannot_be_loaded_twice() {
    let mut a = atlas();
    a.add_text("notes.toml", GOOD).unwrap();
    let err = a.add_text("notes.toml", GOOD).unwrap_err();
    assert!(err.to_string().contains("already in the store"), "{err}");
}

#[test]
fn users_cannot_pose_as_a_seed_text() {
    let mut a = atlas();
    let fake = GOOD.replace("kind = \"user\"", "kind = \"seed\"");
    let err = a.add_text("fake.toml", &fake).unwrap_err();
    assert!(err.to_string().contains("reserved"), "{err}");
}

#[test]
fn files_that_are_not_utf8_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n# Genf \xe9t\xe9\n");
    std::fs::write(&path, bytes).unwrap();
    let mut a = atlas();
    let err = a.add_file(&path).unwrap_err();
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    assert!(err.to_string().contains(":18:"), "{err}");
}

#[test]
fn a_store_reopens_without_duplicating_and_keeps_user_facts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.sqlite");
    let n = add_notes_and_close(&path);
    let a = Atlas::open(&path).unwrap();
    assert_eq!(count(&a), n);
    assert!(a.sources().unwrap().iter().any(|s| s.id == "desk-notes"));
}

#[test]
fn a_closed_atlas_holds_its_facts_in_its_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.sqlite");
    let n = add_notes_and_close(&path);
    // The writer checkpointed at close: the database file alone is complete.
    let wal = dir.path().join("atlas.sqlite-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0));
    let copy = tempfile::tempdir().unwrap();
    let copied = copy.path().join("atlas.sqlite");
    std::fs::copy(&path, &copied).unwrap();
    let a = Atlas::open(&copied).unwrap();
    assert_eq!(count(&a), n);
    assert!(a.sources().unwrap().iter().any(|s| s.id == "desk-notes"));
    // A reader leaves the (empty) WAL in place for the next open.
    drop(Atlas::open(&path).unwrap());
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
}

#[test]
fn changed_bundled_facts_are_reloaded_and_user_facts_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.sqlite");
    let n = {
        let mut a = Atlas::open(&path).unwrap();
        a.add_text("notes.toml", GOOD).unwrap();
        count(&a)
    };
    // Pretend the store was filled by an older build.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'bundle'", [])
        .unwrap();
    drop(conn);
    let a = Atlas::open(&path).unwrap();
    assert_eq!(count(&a), n);
    let hits = a.facts(None, Some("Georgia severed")).unwrap();
    assert_eq!(hits.len(), 1, "user fact still searchable after the reload");
}

#[test]
fn a_store_from_a_newer_detente_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Atlas::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.sqlite");
    std::fs::write(
        &path,
        b"this is not sqlite, just text long enough to have a header",
    )
    .unwrap();
    assert!(Atlas::open(&path).is_err());
}
