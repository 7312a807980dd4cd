//! Ingesting event files into a store: which files a list of paths names,
//! and one file's outcome in the words the CLI and the HTTP API report.

use std::path::{Path, PathBuf};

use detente_events::{EventStore, IngestOptions, IngestOutcome, Progress};
use serde::Serialize;

use crate::{Error, Result};

/// Extensions a folder is searched for.
pub const EXTENSIONS: &[&str] = &["csv", "gz", "zip", "tab", "tsv", "txt"];

/// The files `paths` name, in order: a file as it is, a folder's event files
/// (by [`EXTENSIONS`], recursively, sorted), a glob pattern's files (sorted).
///
/// Fails when a pattern is malformed or matches nothing, or a folder cannot
/// be read. A path that does not exist is kept, so that its ingest fails
/// with the reason and the other files go on.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let text = p.to_string_lossy();
        if !p.exists() && text.contains(['*', '?', '[']) {
            let pattern = glob::glob(&text)
                .map_err(|e| Error::Input(format!("bad pattern {text:?}: {e}")))?;
            let mut hits: Vec<PathBuf> = pattern
                .filter_map(|r| r.ok())
                .filter(|p| p.is_file())
                .collect();
            if hits.is_empty() {
                return Err(Error::Input(format!("{text}: no file matches")));
            }
            hits.sort();
            out.extend(hits);
        } else if p.is_dir() {
            out.extend(folder(p)?);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn folder(root: &Path) -> Result<Vec<PathBuf>> {
    let unreadable = |dir: &Path, source| Error::Folder {
        path: dir.to_path_buf(),
        source,
    };
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).map_err(|e| unreadable(&dir, e))? {
            let path = e.map_err(|e| unreadable(&dir, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileOutcome {
    /// The file as named.
    pub path: String,
    /// `ingested`, `already ingested` or `failed`.
    pub outcome: &'static str,
    /// The format read (`gdelt1`, `gdelt2`, `icews`), when known.
    pub format: Option<String>,
    /// Rows read.
    pub rows_read: u64,
    /// Rows written to the event data set.
    pub rows_written: u64,
    /// Rows sent to the quarantine.
    pub rows_quarantined: u64,
    /// Rows written with a flag (e.g. an unknown CAMEO code).
    pub rows_flagged: u64,
    /// Seconds taken.
    pub seconds: f64,
    /// Why the file failed, or which earlier ingest it repeats.
    pub error: Option<String>,
}

impl FileOutcome {
    /// Whether the file was read and committed now.
    pub fn ingested(&self) -> bool {
        self.outcome == "ingested"
    }

    /// Whether the file could not be ingested.
    pub fn failed(&self) -> bool {
        self.outcome == "failed"
    }
}

/// Ingests one file and says what became of it. A file that cannot be read
/// is an outcome, not an error: it is recorded in the manifest's failures
/// and the caller goes on with the next file.
///
/// Fails only when the failure itself cannot be recorded.
pub fn ingest_file(
    events: &mut EventStore,
    path: &Path,
    opts: &IngestOptions,
    progress: &dyn Fn(Progress),
) -> Result<FileOutcome> {
    let shown = path.display().to_string();
    Ok(match events.ingest(path, opts, progress) {
        Ok(IngestOutcome::Ingested(s)) => FileOutcome {
            path: shown,
            outcome: "ingested",
            format: Some(s.format),
            rows_read: s.rows_read,
            rows_written: s.rows_written,
            rows_quarantined: s.rows_quarantined,
            rows_flagged: s.rows_flagged,
            seconds: s.seconds,
            error: None,
        },
        Ok(IngestOutcome::AlreadyIngested { previous: s }) => FileOutcome {
            path: shown,
            outcome: "already ingested",
            format: Some(s.format),
            rows_read: s.rows_read,
            rows_written: s.rows_written,
            rows_quarantined: s.rows_quarantined,
            rows_flagged: s.rows_flagged,
            seconds: 0.0,
            error: Some(format!(
                "same content as ingest {} ({}, {}); --force to replace it",
                s.id, s.path, s.ingested_at
            )),
        },
        Err(e) => {
            let msg = chain(&e);
            events.record_failure(path, &msg)?;
            FileOutcome {
                path: shown,
                outcome: "failed",
                format: None,
                rows_read: 0,
                rows_written: 0,
                rows_quarantined: 0,
                rows_flagged: 0,
                seconds: 0.0,
                error: Some(msg),
            }
        }
    })
}

/// An error and its causes on one line, `a: b: c`.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        msg.push_str(": ");
        msg.push_str(&c.to_string());
        cause = c.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lists_its_event_files_sorted_and_skips_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for f in ["b.csv", "a.zip", "sub/c.gz", "notes.md"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        let files = expand(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.zip", "b.csv", "sub/c.gz"]);
    }

    #[test]
    fn a_pattern_that_matches_nothing_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = expand(&[dir.path().join("*.zip")]).unwrap_err();
        assert!(err.to_string().contains("no file matches"), "{err}");
    }
}
