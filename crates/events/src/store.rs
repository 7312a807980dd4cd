//! The event store: Parquet files partitioned by source, year and month, and a
//! manifest (SQLite) that says which files are part of the data set.
//!
//! # Atomicity
//!
//! An ingest writes its Parquet files under fresh names, syncs them, then
//! commits one manifest transaction recording the input, its outputs and its
//! quarantine. Readers see only the files the manifest lists, so data becomes
//! visible exactly when that transaction commits: a crash before it leaves
//! unlisted files, which the next ingest removes; a crash after it leaves a
//! complete ingest. Replacing an ingest (`force`) swaps the manifest rows in the
//! same transaction and deletes the old files after the commit.
//!
//! An ingest holds an exclusive lock on `ingest.lock` in the store folder from
//! start to commit, so ingests by several processes run one at a time, and
//! only an ingest that holds the lock removes unlisted files: a reader cannot
//! tell a file from a crash from one an ingest is writing, so opening the
//! store for reading never removes anything.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use detente_core::digest::Sha256;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::{Chunker, with_reader};
use crate::parse::{Format, Parsed, detect};
use crate::pipeline::{self, Event, RollupBytes, Target, Written};
use crate::rollup::Rollup;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE ingests (
    id               INTEGER PRIMARY KEY,
    path             TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    sha256           TEXT NOT NULL UNIQUE,
    size             INTEGER NOT NULL,
    format           TEXT NOT NULL,
    rows_read        INTEGER NOT NULL,
    rows_written     INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    rows_flagged     INTEGER NOT NULL,
    added_from       INTEGER,
    added_to         INTEGER,
    day_from         TEXT,
    day_to           TEXT,
    seconds          REAL NOT NULL,
    ingested_at      TEXT NOT NULL
);
CREATE TABLE outputs (
    ingest_id INTEGER NOT NULL REFERENCES ingests (id) ON DELETE CASCADE,
    path      TEXT NOT NULL UNIQUE,
    source    TEXT NOT NULL,
    year      INTEGER NOT NULL,
    month     INTEGER NOT NULL,
    rows      INTEGER NOT NULL,
    bytes     INTEGER NOT NULL
);
CREATE INDEX outputs_by_partition ON outputs (source, year, month);
CREATE TABLE reasons (
    ingest_id INTEGER NOT NULL REFERENCES ingests (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('quarantined', 'flagged')),
    reason    TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (ingest_id, kind, reason)
);
CREATE TABLE quarantine (
    ingest_id INTEGER NOT NULL REFERENCES ingests (id) ON DELETE CASCADE,
    line      INTEGER NOT NULL,
    raw       BLOB NOT NULL,
    reason    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX quarantine_by_ingest ON quarantine (ingest_id);
CREATE TABLE failures (
    id     INTEGER PRIMARY KEY,
    path   TEXT NOT NULL,
    error  TEXT NOT NULL,
    at     TEXT NOT NULL
);
"#,
    r#"
ALTER TABLE ingests ADD COLUMN rollup TEXT;
ALTER TABLE ingests ADD COLUMN rollup_rows INTEGER;
ALTER TABLE ingests ADD COLUMN rollup_state TEXT NOT NULL DEFAULT 'missing'
    CHECK (rollup_state IN ('written', 'empty', 'missing'));
"#,
];

/// Options of an ingest.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestOptions {
    /// Use this format instead of detecting it.
    pub format: Option<Format>,
    /// Re-ingest a file already in the manifest, replacing its rows.
    pub force: bool,
    /// Bytes the months being written may hold, by an estimate from their
    /// rows, before row groups are ended early; `None` for the default of
    /// 160 MiB. With the default, an ingest of 1 to 8 GB of GDELT 2.0
    /// peaked at 0.36-0.42 GB in all.
    pub memory_budget: Option<usize>,
    /// Row groups a Parquet file takes before its month goes on in a new
    /// file; `None` for the default of 64. Each file's footer is held in
    /// memory until the file is closed.
    pub row_groups_per_file: Option<usize>,
}

/// Progress of one file, reported as it goes.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Bytes of the file on disk read so far.
    pub bytes: u64,
    /// Size of the file on disk.
    pub total: u64,
    /// Rows read so far.
    pub rows: u64,
}

/// What happened to one input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IngestOutcome {
    /// Read and committed.
    Ingested(IngestSummary),
    /// Already in the manifest with the same content.
    AlreadyIngested {
        /// The earlier ingest.
        previous: IngestSummary,
    },
}

/// A committed ingest, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestSummary {
    /// Manifest id.
    pub id: i64,
    /// Path as given.
    pub path: String,
    /// sha256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Format read.
    pub format: String,
    /// Rows read.
    pub rows_read: u64,
    /// Rows written.
    pub rows_written: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
    /// Rows kept but flagged.
    pub rows_flagged: u64,
    /// Quarantined rows by reason.
    pub quarantined_by_reason: BTreeMap<String, u64>,
    /// Kept rows flagged, by reason.
    pub flagged_by_reason: BTreeMap<String, u64>,
    /// Parquet files written.
    pub files: usize,
    /// Seconds taken.
    pub seconds: f64,
    /// When it was committed (UTC).
    pub ingested_at: String,
}

/// A Parquet file of the data set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputFile {
    /// Path relative to the store folder.
    pub path: String,
    /// `gdelt1`, `gdelt2` or `icews`.
    pub source: String,
    /// Partition year.
    pub year: i32,
    /// Partition month.
    pub month: u32,
    /// Rows.
    pub rows: u64,
}

/// A quarantined row as the manifest keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineRow {
    /// Line in the decompressed file, from 1.
    pub line: u64,
    /// The line's bytes, exactly as read.
    pub raw: Vec<u8>,
    /// Reason code.
    pub reason: String,
    /// Which field, what it held.
    pub detail: String,
}

/// The store of events.
#[derive(Debug)]
pub struct EventStore {
    root: PathBuf,
    conn: Connection,
}

/// SQLite's last connection to close checkpoints the WAL into the database
/// and deletes it, and the next open creates it again: with the atlas's,
/// about a tenth of a warm pulse (measured: 2.1 ms against 1.9 ms).
/// Connections are opened without that checkpoint; one that finds the WAL
/// holding pages (it or another process wrote) checkpoints at close as
/// before, so `events.sqlite` alone stays complete.
impl Drop for EventStore {
    fn drop(&mut self) {
        let wal = self.root.join("events.sqlite-wal");
        if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
            // Failing leaves the WAL for the next writer's checkpoint.
            let _ = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false);
        }
    }
}

/// Bytes per parsing chunk: a parse job's input. Rows in flight (read,
/// parsed, waiting for an encoder) are a few chunks' worth, so this sets the
/// ingest's memory beside the open partitions' encoders.
const CHUNK: usize = 4 << 20;

impl EventStore {
    /// Opens the event store in the store folder `root` (creating
    /// `events.sqlite` and `events/`), and removes files that no committed
    /// ingest lists (left by an interrupted ingest).
    pub fn open(root: &Path) -> Result<EventStore> {
        std::fs::create_dir_all(root.join("events")).map_err(|source| Error::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        let mut conn = Connection::open(root.join("events.sqlite"))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        // Readers leave the WAL file in place; see `Drop`.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.pragma_update(None, "synchronous", "full")?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(Error::SchemaTooNew { found, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(EventStore {
            root: root.to_path_buf(),
            conn,
        })
    }

    /// Waits for the store's ingest lock, then removes what interrupted
    /// ingests left. The lock is held until the returned file is dropped; the
    /// operating system releases it if the process dies.
    fn lock_for_ingest(&self) -> Result<File> {
        let path = self.root.join("ingest.lock");
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        lock.lock().map_err(io)?;
        self.collect_garbage()?;
        Ok(lock)
    }

    /// The store folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Every file the manifest lists: event files and rollups, relative to
    /// the store folder.
    pub fn listed(&self) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT path FROM outputs UNION ALL SELECT rollup FROM ingests WHERE rollup IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rollup files of a source's ingests, in the order they were
    /// ingested.
    pub fn rollup_files(&self, source: &str) -> Result<Vec<PathBuf>> {
        let mut stmt = self.conn.prepare(
            "SELECT rollup FROM ingests WHERE format = ?1 AND rollup IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([source], |r| r.get::<_, String>(0))?;
        rows.map(|r| Ok(self.root.join(r?))).collect()
    }

    /// Whether every ingest has its rollup, so that series can read the
    /// rollup instead of the events.
    pub fn rollup_complete(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM ingests WHERE rollup_state = 'missing')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Removes Parquet files under `events/` and `rollup/` that the manifest
    /// does not list.
    fn collect_garbage(&self) -> Result<usize> {
        let listed = self.listed()?;
        let mut removed = 0;
        let mut stack = vec![self.root.join("events"), self.root.join("rollup")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(&self.root) {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    if !listed.contains(&rel) && std::fs::remove_file(&p).is_ok() {
                        removed += 1;
                    }
                }
            }
        }
        Ok(removed)
    }

    /// The previous ingest of content with this sha256, if any.
    fn find(&self, sha: &str) -> Result<Option<IngestSummary>> {
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM ingests WHERE sha256 = ?1", [sha], |r| {
                r.get(0)
            })
            .optional()?;
        id.map(|id| self.summary(id)).transpose()
    }

    /// The manifest entry `id`.
    pub fn summary(&self, id: i64) -> Result<IngestSummary> {
        let mut s = self.conn.query_row(
            "SELECT id, path, sha256, size, format, rows_read, rows_written, rows_quarantined,
                    rows_flagged, seconds, ingested_at,
                    (SELECT count(*) FROM outputs o WHERE o.ingest_id = i.id)
             FROM ingests i WHERE id = ?1",
            [id],
            |r| {
                Ok(IngestSummary {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    sha256: r.get(2)?,
                    size: r.get::<_, i64>(3)? as u64,
                    format: r.get(4)?,
                    rows_read: r.get::<_, i64>(5)? as u64,
                    rows_written: r.get::<_, i64>(6)? as u64,
                    rows_quarantined: r.get::<_, i64>(7)? as u64,
                    rows_flagged: r.get::<_, i64>(8)? as u64,
                    quarantined_by_reason: BTreeMap::new(),
                    flagged_by_reason: BTreeMap::new(),
                    seconds: r.get(9)?,
                    ingested_at: r.get(10)?,
                    files: r.get::<_, i64>(11)? as usize,
                })
            },
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT kind, reason, count FROM reasons WHERE ingest_id = ?1 ORDER BY reason",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)? as u64,
            ))
        })?;
        for row in rows {
            let (kind, reason, n) = row?;
            if kind == "quarantined" {
                s.quarantined_by_reason.insert(reason, n);
            } else {
                s.flagged_by_reason.insert(reason, n);
            }
        }
        Ok(s)
    }

    /// The sources (formats) the store holds events from, sorted.
    pub fn sources(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT format FROM ingests ORDER BY format")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every committed ingest, oldest first.
    pub fn ingests(&self) -> Result<Vec<IngestSummary>> {
        let mut stmt = self.conn.prepare("SELECT id FROM ingests ORDER BY id")?;
        let ids: Vec<i64> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.summary(id)).collect()
    }

    /// The Parquet files of the data set (only those the manifest lists).
    pub fn outputs(&self) -> Result<Vec<OutputFile>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, source, year, month, rows FROM outputs ORDER BY source, year, month, path")?;
        let rows = stmt.query_map([], |r| {
            Ok(OutputFile {
                path: r.get(0)?,
                source: r.get(1)?,
                year: r.get(2)?,
                month: r.get(3)?,
                rows: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a file that could not be read at all.
    pub fn record_failure(&self, path: &Path, error: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO failures (path, error, at) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            params![path.display().to_string(), error],
        )?;
        Ok(())
    }

    /// Quarantined rows of an ingest, in line order.
    pub fn quarantine(&self, ingest_id: i64) -> Result<Vec<QuarantineRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT line, raw, reason, detail FROM quarantine WHERE ingest_id = ?1 ORDER BY line",
        )?;
        let rows = stmt.query_map([ingest_id], |r| {
            Ok(QuarantineRow {
                line: r.get::<_, i64>(0)? as u64,
                raw: r.get(1)?,
                reason: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ingests one file: reads it whole, writes its partitions, commits.
    ///
    /// Fails, writing nothing, when the file cannot be opened, its container is
    /// corrupt or truncated, its format cannot be told, or writing fails.
    /// Rows that cannot be read do not fail the file: they are quarantined.
    pub fn ingest(
        &mut self,
        path: &Path,
        opts: &IngestOptions,
        progress: &dyn Fn(Progress),
    ) -> Result<IngestOutcome> {
        let started = Instant::now();
        let _lock = self.lock_for_ingest()?;
        let meta = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if !meta.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
            });
        }
        // The content's sha256 identifies it. When no ingested file has this
        // size, the content cannot be known yet and is hashed while it is read;
        // otherwise (and for zip archives, read out of order) it is hashed
        // first, so that a repeat is a no-op without reading it twice.
        let same_size: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM ingests WHERE size = ?1)",
            [meta.len() as i64],
            |r| r.get(0),
        )?;
        let hash_first = same_size || crate::input::sniff(path)? == crate::input::Compression::Zip;
        let mut sha = if hash_first {
            Some(sha256_of(path)?)
        } else {
            None
        };
        if let Some(s) = &sha
            && let (Some(p), false) = (self.find(s)?, opts.force)
        {
            return Ok(IngestOutcome::AlreadyIngested { previous: p });
        }
        let hasher = (!hash_first).then(|| Arc::new(std::sync::Mutex::new(Sha256::new())));
        let ingest_id: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) + 1 FROM ingests", [], |r| {
                    r.get(0)
                })?;
        // Unique per run, so a replacement never collides with the files it replaces.
        let run = format!(
            "{ingest_id}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let total = meta.len();
        let bytes = Arc::new(AtomicU64::new(0));
        let counter = bytes.clone();
        let root = self.root.clone();
        let mut written: Vec<Written> = Vec::new();
        let result = with_reader(
            path,
            bytes.clone(),
            hasher.clone(),
            |reader, compression| {
                let mut chunker = Chunker::new(reader, compression, path, CHUNK);
                let first = match chunker.next_chunk()? {
                    Some(c) => c,
                    None => {
                        return Err(Error::UnknownFormat {
                            path: path.to_path_buf(),
                            reason: "the file is empty".into(),
                        });
                    }
                };
                let first_line_end =
                    memchr::memchr(b'\n', &first.bytes).unwrap_or(first.bytes.len());
                let format = match opts.format {
                    Some(f) => f,
                    None => detect(&first.bytes[..first_line_end]).map_err(|reason| {
                        Error::UnknownFormat {
                            path: path.to_path_buf(),
                            reason,
                        }
                    })?,
                };
                let target = Target {
                    root: &root,
                    format,
                    run: &run,
                    ingest_id,
                    budget: opts.memory_budget.unwrap_or(pipeline::BUDGET),
                    file_groups: opts
                        .row_groups_per_file
                        .unwrap_or(pipeline::FILE_GROUPS)
                        .max(1),
                };
                // This thread reads; the coordinator hands the chunks to the
                // rayon pool and writes what comes back (see `pipeline`).
                let (tx, events) = std::sync::mpsc::channel::<Event>();
                let (pool, buffers) = std::sync::mpsc::channel::<Vec<u8>>();
                let sender = tx.clone();
                let (files, outcome) = std::thread::scope(|scope| {
                    let coordinator =
                        scope.spawn(|| pipeline::coordinate(&target, events, sender, pool));
                    let mut lines = first.lines;
                    let mut read = if tx.send(Event::Chunk(first)).is_ok() {
                        Ok(())
                    } else {
                        Err(Error::Internal("the ingest coordinator stopped".into()))
                    };
                    while read.is_ok() {
                        // No buffer means the coordinator stopped on an error.
                        let Ok(buffer) = buffers.recv() else { break };
                        match chunker.next_chunk_into(buffer) {
                            Ok(Some(c)) => {
                                lines += c.lines;
                                if tx.send(Event::Chunk(c)).is_err() {
                                    break;
                                }
                                progress(Progress {
                                    bytes: counter.load(Ordering::Relaxed),
                                    total,
                                    rows: lines,
                                });
                            }
                            Ok(None) => break,
                            Err(e) => read = Err(e),
                        }
                    }
                    let _ = tx.send(Event::End(read));
                    coordinator.join().unwrap_or_else(|_| {
                        (
                            Vec::new(),
                            Err(Error::Internal("the ingest coordinator panicked".into())),
                        )
                    })
                });
                written.extend(files);
                let (parsed, rollup, file) = outcome?;
                Ok((format, parsed, rollup, file))
            },
        );
        if let Some(h) = hasher {
            let digest = Arc::try_unwrap(h)
                .ok()
                .and_then(|m| m.into_inner().ok())
                .map(Sha256::hex);
            sha = match digest {
                Some(d) => Some(d),
                None => Some(sha256_of(path)?),
            };
        }
        let Some(sha) = sha else {
            return Err(Error::Internal("no sha256 computed".into()));
        };
        let previous = self.find(&sha)?;
        let written_rollup = match result {
            Ok((format, parsed, rollup, file)) => {
                write_rollup(&self.root, format, &run, &rollup, file).map(|r| (format, parsed, r))
            }
            Err(e) => Err(e),
        };
        let (format, parsed, rollup) = match written_rollup {
            Ok(r) => r,
            Err(e) => {
                for (full, ..) in &written {
                    let _ = std::fs::remove_file(full);
                }
                return Err(e);
            }
        };

        for (full, ..) in &written {
            if let Some(dir) = full.parent() {
                sync_dir(dir);
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let old_files = self.commit(
            ingest_id,
            path,
            &sha,
            total,
            format,
            &parsed,
            &written,
            &rollup,
            seconds,
            previous.as_ref().map(|p| p.id),
        );
        let old_files = match old_files {
            Ok(f) => f,
            Err(e) => {
                for (full, ..) in &written {
                    let _ = std::fs::remove_file(full);
                }
                if let RollupFile::Written { full, .. } = &rollup {
                    let _ = std::fs::remove_file(full);
                }
                return Err(e);
            }
        };
        for f in old_files {
            let _ = std::fs::remove_file(self.root.join(f));
        }
        progress(Progress {
            bytes: total,
            total,
            rows: parsed.rows_read,
        });
        Ok(IngestOutcome::Ingested(self.summary(ingest_id)?))
    }

    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        id: i64,
        path: &Path,
        sha: &str,
        size: u64,
        format: Format,
        p: &Parsed,
        written: &[Written],
        rollup: &RollupFile,
        seconds: f64,
        replaces: Option<i64>,
    ) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        let mut old = Vec::new();
        if let Some(prev) = replaces {
            let mut stmt = tx.prepare(
                "SELECT path FROM outputs WHERE ingest_id = ?1
                 UNION ALL SELECT rollup FROM ingests WHERE id = ?1 AND rollup IS NOT NULL",
            )?;
            old = stmt
                .query_map([prev], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            tx.execute("DELETE FROM ingests WHERE id = ?1", [prev])?;
        }
        let quarantined = p.quarantined.len() as u64;
        let flagged: u64 = p.flagged.values().sum();
        tx.execute(
            "INSERT INTO ingests (id, path, file_name, sha256, size, format, rows_read, rows_written,
                 rows_quarantined, rows_flagged, added_from, added_to, day_from, day_to, seconds, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
            params![
                id,
                path.display().to_string(),
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                sha,
                size as i64,
                format.name(),
                p.rows_read as i64,
                p.rows_written as i64,
                quarantined as i64,
                flagged as i64,
                p.added.map(|a| a.0),
                p.added.map(|a| a.1),
                p.days.map(|d| d.0.to_string()),
                p.days.map(|d| d.1.to_string()),
                seconds
            ],
        )?;
        let (state, rollup_path, rollup_rows) = match rollup {
            RollupFile::Written { rel, rows, .. } => {
                ("written", Some(rel.as_str()), Some(*rows as i64))
            }
            RollupFile::Empty => ("empty", None, Some(0)),
            RollupFile::Missing => ("missing", None, None),
        };
        tx.execute(
            "UPDATE ingests SET rollup = ?2, rollup_rows = ?3, rollup_state = ?4 WHERE id = ?1",
            params![id, rollup_path, rollup_rows, state],
        )?;
        for (full, rel, y, m, rows) in written {
            let bytes = std::fs::metadata(full).map(|m| m.len()).unwrap_or(0);
            tx.execute(
                "INSERT INTO outputs (ingest_id, path, source, year, month, rows, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, rel, format.name(), y, m, *rows as i64, bytes as i64],
            )?;
        }
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        {
            let mut q = tx.prepare(
                "INSERT INTO quarantine (ingest_id, line, raw, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for r in &p.quarantined {
                q.execute(params![id, r.line as i64, r.raw, r.reason, r.detail])?;
                *counts.entry(r.reason.as_str()).or_default() += 1;
            }
        }
        for (reason, n) in counts {
            tx.execute(
                "INSERT INTO reasons (ingest_id, kind, reason, count) VALUES (?1, 'quarantined', ?2, ?3)",
                params![id, reason, n as i64],
            )?;
        }
        for (reason, n) in &p.flagged {
            tx.execute(
                "INSERT INTO reasons (ingest_id, kind, reason, count) VALUES (?1, 'flagged', ?2, ?3)",
                params![id, reason, *n as i64],
            )?;
        }
        tx.commit()?;
        Ok(old)
    }
}

/// The rollup file of an ingest.
#[derive(Debug)]
enum RollupFile {
    /// Written and synced.
    Written {
        full: PathBuf,
        rel: String,
        rows: usize,
    },
    /// The ingest wrote no rows, so there is nothing to roll up.
    Empty,
    /// Some rows could not be keyed: series read this ingest's events.
    Missing,
}

/// Writes the rollup of an ingest beside its events, synced: the bytes the
/// ingest encoded when it has them, else the rollup encoded here.
fn write_rollup(
    root: &Path,
    format: Format,
    run: &str,
    rollup: &Rollup,
    encoded: Option<RollupBytes>,
) -> Result<RollupFile> {
    if !rollup.is_complete() {
        return Ok(RollupFile::Missing);
    }
    if rollup.is_empty() {
        return Ok(RollupFile::Empty);
    }
    let rel = format!("rollup/source={}/part-{run}.parquet", format.name());
    let full = root.join(&rel);
    let io = |source| Error::Io {
        path: full.clone(),
        source,
    };
    let pq = |e: &dyn std::fmt::Display| Error::Parquet {
        path: full.clone(),
        reason: e.to_string(),
    };
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let result = (|| {
        let mut file = File::create(&full).map_err(io)?;
        match encoded {
            Some(bytes) => file.write_all(&bytes.map_err(|e| pq(&e))?).map_err(io)?,
            None => file = rollup.write(file).map_err(|e| pq(&e))?,
        }
        file.sync_all().map_err(io)?;
        if let Some(dir) = full.parent() {
            sync_dir(dir);
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(RollupFile::Written {
            full,
            rel,
            rows: rollup.len(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&full);
            Err(e)
        }
    }
}

fn sha256_of(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(h.hex())
}

fn sync_dir(dir: &Path) {
    // Makes the new directory entries durable; not every platform allows it,
    // and the manifest commit that follows is the point of record.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
