//! Versioned schema of the atlas store.
//!
//! Each migration is applied once, in order, inside one transaction with the
//! bump of SQLite's `user_version`; a store written by a newer detente is
//! refused rather than guessed at.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Migrations, the first one creating version 1.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sources (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('seed', 'dataset', 'document', 'user')),
    asserted     TEXT,
    asserted_day TEXT,
    sha256       TEXT,
    note         TEXT,
    origin       TEXT NOT NULL CHECK (origin IN ('bundled', 'user')),
    file         TEXT NOT NULL,
    loaded_at    TEXT NOT NULL
);
CREATE TABLE actors (
    id           TEXT PRIMARY KEY COLLATE NOCASE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    iso3         TEXT,
    iso2         TEXT,
    cow_code     INTEGER,
    cow_abbrev   TEXT,
    gw_code      INTEGER,
    un_m49       INTEGER,
    un_status    TEXT,
    successor TEXT REFERENCES actors (id),
    description  TEXT,
    source       TEXT NOT NULL
);
CREATE TABLE actor_names (
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name     TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (actor_id, name)
);
CREATE INDEX actor_names_by_name ON actor_names (name);
CREATE TABLE facts (
    id             INTEGER PRIMARY KEY,
    source         TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    type           TEXT NOT NULL CHECK (type IN ('relation', 'event', 'treaty', 'treaty_step',
                                                 'term', 'indicator', 'doctrine', 'statement')),
    key            TEXT,
    subject        TEXT REFERENCES actors (id),
    object         TEXT REFERENCES actors (id),
    kind           TEXT,
    status         TEXT,
    treaty         TEXT,
    about          TEXT,
    name           TEXT,
    text           TEXT,
    value          REAL,
    unit           TEXT,
    approx         INTEGER NOT NULL DEFAULT 0,
    valid_from     TEXT,
    from_day       TEXT,
    from_precision TEXT,
    valid_to       TEXT,
    to_day         TEXT,
    to_precision   TEXT,
    directed       INTEGER NOT NULL DEFAULT 0,
    confidence     TEXT NOT NULL,
    paragraph      INTEGER,
    quote          TEXT NOT NULL,
    note           TEXT,
    line           INTEGER NOT NULL,
    CHECK (to_day IS NULL OR from_day IS NULL OR to_day >= from_day)
);
CREATE INDEX facts_by_subject ON facts (subject, type);
CREATE INDEX facts_by_object ON facts (object, type);
CREATE INDEX facts_by_source ON facts (source);
CREATE UNIQUE INDEX facts_by_key ON facts (type, key) WHERE key IS NOT NULL;
CREATE TABLE fact_actors (
    fact_id  INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES actors (id),
    role     TEXT NOT NULL,
    PRIMARY KEY (fact_id, actor_id, role)
);
CREATE INDEX fact_actors_by_actor ON fact_actors (actor_id);
CREATE TABLE uncovered (
    source    TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (source, paragraph)
);
CREATE VIRTUAL TABLE facts_fts USING fts5 (
    name, text, quote, note, actors,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"#];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the store at `path` up to [`VERSION`].
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            known: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
