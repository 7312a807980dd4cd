//! The atlas store: opening, migrating, loading curated files.

use std::path::{Path, PathBuf};

use detente_core::digest::Sha256;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::bundled;
use crate::curated::{self, Batch, Known};
use crate::error::{Error, Problem, Problems, Result};
use crate::schema;

/// The temporal knowledge base, stored in one SQLite file.
#[derive(Debug)]
pub struct Atlas {
    pub(crate) conn: Connection,
    path: PathBuf,
}

/// SQLite's last connection to close checkpoints the WAL into the database
/// and deletes it, and the next open creates it again, for every short
/// question (see the event store's note for what it costs a pulse).
/// Connections are opened without that checkpoint; one that
/// finds the WAL holding pages (it or another process wrote) checkpoints at
/// close as before, so the database file alone stays complete.
impl Drop for Atlas {
    fn drop(&mut self) {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
            // Failing leaves the WAL for the next writer's checkpoint.
            let _ = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false);
        }
    }
}

/// What a load wrote.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    /// Source id of the file.
    pub source: String,
    /// Actors defined.
    pub actors: usize,
    /// Facts written.
    pub facts: usize,
}

impl Atlas {
    /// Opens (creating if needed) the atlas at `path`, brings its schema up to
    /// date, and loads or refreshes the bundled facts. User facts are kept.
    ///
    /// Fails when the file is not an SQLite database, was written by a newer
    /// detente, or cannot be written.
    pub fn open(path: &Path) -> Result<Atlas> {
        let conn = Connection::open(path)?;
        Self::setup(conn, path)
    }

    /// An atlas held in memory, filled with the bundled facts (for tests and
    /// one-off questions).
    pub fn in_memory() -> Result<Atlas> {
        Self::setup(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Atlas> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        // Readers leave the WAL file in place; see `Drop`.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        // The query helpers prepare each statement once per connection.
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn, path)?;
        let mut atlas = Atlas {
            conn,
            path: path.to_path_buf(),
        };
        atlas.refresh_bundled()?;
        Ok(atlas)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fingerprint of the bundled data: when it differs from the store's, the
    /// bundled facts are replaced in one transaction.
    fn bundle_fingerprint() -> String {
        let mut h = Sha256::new();
        h.update(&schema::VERSION.to_le_bytes());
        for f in bundled::FILES {
            h.update(f.name.as_bytes());
            h.update(f.text.as_bytes());
        }
        h.update(detente_core::reference::states_text().as_bytes());
        h.hex()
    }

    fn refresh_bundled(&mut self) -> Result<()> {
        let want = Self::bundle_fingerprint();
        let have: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'bundle'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if have.as_deref() == Some(want.as_str()) {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM facts_fts WHERE rowid IN (SELECT f.id FROM facts f
               JOIN sources s ON s.id = f.source WHERE s.origin = 'bundled')",
            [],
        )?;
        tx.execute("DELETE FROM sources WHERE origin = 'bundled'", [])?;
        insert_states(&tx)?;
        for f in bundled::FILES {
            let mut known = known_ids(&tx)?;
            known.replaceable_actors = replaceable_actors(&tx)?;
            let batch = curated::parse(f.name, f.text, &known).map_err(Error::Invalid)?;
            write_batch(&tx, &batch, "bundled", f.name)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('bundle', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [&want],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a curated file and, if every record is valid, writes it in one
    /// transaction. A file with any invalid record writes nothing and fails with
    /// [`Error::Invalid`], listing every problem with its line.
    pub fn add_file(&mut self, path: &Path) -> Result<LoadSummary> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Error::Invalid(Problems {
                file: name.clone(),
                items: vec![Problem {
                    line,
                    reason: format!(
                        "not valid UTF-8 (byte {} of the file); save it as UTF-8",
                        e.utf8_error().valid_up_to()
                    ),
                }],
            })
        })?;
        self.add_text(&name, &text)
    }

    /// As [`Atlas::add_file`], for text already in memory; `name` names it in
    /// messages.
    pub fn add_text(&mut self, name: &str, text: &str) -> Result<LoadSummary> {
        let tx = self.conn.transaction()?;
        let known = known_ids(&tx)?;
        let batch = curated::parse(name, text, &known).map_err(Error::Invalid)?;
        if batch.source.kind == "seed" {
            return Err(Error::Invalid(Problems {
                file: name.to_string(),
                items: vec![Problem {
                    line: 0,
                    reason: "source kind \"seed\" is reserved for the texts detente ships; use \"user\" or \"document\"".into(),
                }],
            }));
        }
        let summary = write_batch(&tx, &batch, "user", name)?;
        tx.commit()?;
        Ok(summary)
    }
}

fn insert_states(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO sources (id, title, kind, origin, file, loaded_at)
         VALUES (?1, 'Today''s states: UN members and observers, COW system members (countrycode code list; COW State System Membership v2016)',
                 'dataset', 'bundled', ?1, datetime('now'))",
        [bundled::STATES_SOURCE],
    )?;
    let states = detente_core::reference::states()?;
    let mut stmt = tx.prepare(
        "INSERT INTO actors (id, kind, name, iso3, iso2, cow_code, cow_abbrev, gw_code, un_m49,
                             un_status, source)
         VALUES (?1, 'state', ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET kind = 'state', name = excluded.name,
             iso3 = excluded.iso3, iso2 = excluded.iso2, cow_code = excluded.cow_code,
             cow_abbrev = excluded.cow_abbrev, gw_code = excluded.gw_code,
             un_m49 = excluded.un_m49, un_status = excluded.un_status, source = excluded.source",
    )?;
    let mut names =
        tx.prepare("INSERT OR IGNORE INTO actor_names (actor_id, name) VALUES (?1, ?2)")?;
    for s in &states {
        let status = match s.un_status {
            detente_core::reference::UnStatus::UnMember => "un_member",
            detente_core::reference::UnStatus::UnObserver => "un_observer",
            detente_core::reference::UnStatus::NonMember => "non_member",
        };
        stmt.execute(params![
            s.iso3,
            s.name,
            s.iso2,
            s.cow_code,
            s.cow_abbrev,
            s.gw_code,
            s.un_m49,
            status,
            bundled::STATES_SOURCE
        ])?;
        names.execute(params![s.iso3, s.name])?;
        if let Some(un) = &s.un_name {
            names.execute(params![s.iso3, un])?;
        }
    }
    Ok(())
}

fn known_ids(tx: &Transaction<'_>) -> Result<Known> {
    let mut k = Known::default();
    let collect = |sql: &str, upper: bool| -> Result<std::collections::HashSet<String>> {
        let mut stmt = tx.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = std::collections::HashSet::new();
        for r in rows {
            let v = r?;
            out.insert(if upper { v.to_uppercase() } else { v });
        }
        Ok(out)
    };
    k.actors = collect("SELECT id FROM actors", true)?;
    k.treaties = collect("SELECT key FROM facts WHERE type = 'treaty'", false)?;
    k.events = collect("SELECT key FROM facts WHERE type = 'event'", false)?;
    k.sources = collect("SELECT id FROM sources", false)?;
    Ok(k)
}

/// Actors defined by bundled curated files (not the states table, not users).
fn replaceable_actors(tx: &Transaction<'_>) -> Result<std::collections::HashSet<String>> {
    let mut stmt = tx.prepare(
        "SELECT a.id FROM actors a WHERE a.source <> ?1
           AND a.source NOT IN (SELECT id FROM sources WHERE origin = 'user')",
    )?;
    let rows = stmt.query_map([bundled::STATES_SOURCE], |r| r.get::<_, String>(0))?;
    let mut out = std::collections::HashSet::new();
    for r in rows {
        out.insert(r?.to_uppercase());
    }
    Ok(out)
}

fn write_batch(
    tx: &Transaction<'_>,
    batch: &Batch,
    origin: &str,
    file: &str,
) -> Result<LoadSummary> {
    let s = &batch.source;
    tx.execute(
        "INSERT INTO sources (id, title, kind, asserted, asserted_day, sha256, note, origin, file, loaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, datetime('now'))",
        params![
            s.id,
            s.title,
            s.kind,
            s.asserted.map(|d| d.to_string()),
            s.asserted.map(|d| d.first_day().to_string()),
            s.sha256,
            s.note,
            origin,
            file
        ],
    )?;
    for a in &batch.actors {
        tx.execute(
            "INSERT INTO actors (id, kind, name, successor, description, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                 successor = excluded.successor, description = excluded.description,
                 source = excluded.source",
            params![a.id, a.kind, a.name, a.successor, a.description, s.id],
        )?;
        for n in std::iter::once(&a.name).chain(&a.aliases) {
            tx.execute(
                "INSERT OR IGNORE INTO actor_names (actor_id, name) VALUES (?1, ?2)",
                params![a.id, n],
            )?;
        }
    }
    for u in &batch.uncovered {
        tx.execute(
            "INSERT INTO uncovered (source, paragraph, reason) VALUES (?1, ?2, ?3)",
            params![s.id, u.paragraph, u.reason],
        )?;
    }
    let mut insert = tx.prepare(
        "INSERT INTO facts (source, type, key, subject, object, kind, status, treaty, about, name,
             text, value, unit, approx, valid_from, from_day, from_precision, valid_to, to_day,
             to_precision, directed, confidence, paragraph, quote, note, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    )?;
    let mut role = tx.prepare(
        "INSERT OR IGNORE INTO fact_actors (fact_id, actor_id, role) VALUES (?1, ?2, ?3)",
    )?;
    let mut fts = tx.prepare(
        "INSERT INTO facts_fts (rowid, name, text, quote, note, actors) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for f in &batch.facts {
        let (from, to) = (f.interval.from, f.interval.to);
        // Actors are matched case-insensitively; store them as the atlas spells them.
        let canon = |id: &Option<String>| -> Result<Option<String>> {
            match id {
                None => Ok(None),
                Some(i) => Ok(Some(canonical_actor(tx, i)?)),
            }
        };
        insert.execute(params![
            s.id,
            f.fact_type.as_str(),
            f.key,
            canon(&f.subject)?,
            canon(&f.object)?,
            f.kind,
            f.status,
            f.treaty,
            f.about,
            f.name,
            f.text,
            f.value,
            f.unit,
            f.approx,
            from.map(|d| d.to_string()),
            from.map(|d| d.first_day().to_string()),
            from.map(|d| d.precision().as_str()),
            to.map(|d| d.to_string()),
            to.map(|d| d.first_day().to_string()),
            to.map(|d| d.precision().as_str()),
            f.directed,
            f.confidence,
            f.paragraph,
            f.quote,
            f.note,
            f.line as i64,
        ])?;
        let id = tx.last_insert_rowid();
        let mut names = Vec::new();
        for (a, r) in &f.actors {
            let a = canonical_actor(tx, a)?;
            role.execute(params![id, a, r])?;
            names.push(a);
        }
        names.extend(f.subject.iter().cloned());
        names.extend(f.object.iter().cloned());
        let mut actor_text = String::new();
        for n in &names {
            let name: String = tx
                .query_row(
                    "SELECT group_concat(name, ' ') FROM actor_names WHERE actor_id = ?1",
                    [n],
                    |r| r.get::<_, Option<String>>(0),
                )?
                .unwrap_or_default();
            actor_text.push_str(n);
            actor_text.push(' ');
            actor_text.push_str(&name);
            actor_text.push(' ');
        }
        fts.execute(params![id, f.name, f.text, f.quote, f.note, actor_text])?;
    }
    Ok(LoadSummary {
        source: s.id.clone(),
        actors: batch.actors.len(),
        facts: batch.facts.len(),
    })
}

fn canonical_actor(tx: &Transaction<'_>, id: &str) -> Result<String> {
    tx.query_row("SELECT id FROM actors WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::Internal(format!("actor {id:?} passed the check but is not stored")))
}
