//! Answers of read endpoints kept until the store changes.
//!
//! An answer is a function of the request and the store's content, so a
//! repeated question is answered from memory. The store's stamp (size and
//! modification time of the atlas and the event manifest, with their
//! write-ahead logs, plus a counter the server's own writes bump) is taken
//! on every request; when it moved, everything cached is dropped. A write by
//! another process (`detente fact add`, `detente ingest`) moves it too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use axum::body::Bytes;

/// Entries kept at most; past that the cache starts again empty.
const MAX_ENTRIES: usize = 20_000;
/// Answers larger than this are not kept.
pub const MAX_ANSWER: usize = 4 << 20;

/// The store's stamp: what moves when its content changes.
pub type Stamp = (u64, Vec<Option<(u64, SystemTime)>>);

/// Cached answers of one store.
#[derive(Debug)]
pub struct AnswerCache {
    files: Vec<PathBuf>,
    writes: AtomicU64,
    inner: Mutex<(Stamp, HashMap<String, Bytes>)>,
}

impl AnswerCache {
    /// An empty cache for the store in `root`.
    pub fn new(root: &Path) -> AnswerCache {
        let files = [
            "atlas.sqlite",
            "atlas.sqlite-wal",
            "events.sqlite",
            "events.sqlite-wal",
        ]
        .iter()
        .map(|f| root.join(f))
        .collect();
        AnswerCache {
            files,
            writes: AtomicU64::new(0),
            inner: Mutex::new(((0, Vec::new()), HashMap::new())),
        }
    }

    /// The store's stamp now.
    pub fn stamp(&self) -> Stamp {
        let files = self
            .files
            .iter()
            .map(|f| {
                std::fs::metadata(f)
                    .ok()
                    .and_then(|m| Some((m.len(), m.modified().ok()?)))
            })
            .collect();
        (self.writes.load(Ordering::Acquire), files)
    }

    /// Marks a write by this server (the file times may not move within
    /// their resolution).
    pub fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
    }

    /// The answer kept for `key` while the store's stamp is `stamp`.
    pub fn get(&self, key: &str, stamp: &Stamp) -> Option<Bytes> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if &inner.0 != stamp {
            return None;
        }
        inner.1.get(key).cloned()
    }

    /// Keeps `answer` for `key`, taken while the stamp was `stamp`.
    pub fn put(&self, key: String, stamp: Stamp, answer: Bytes) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.0 != stamp {
            inner.0 = stamp;
            inner.1.clear();
        }
        if inner.1.len() >= MAX_ENTRIES {
            inner.1.clear();
        }
        inner.1.insert(key, answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_the_store_drops_what_was_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AnswerCache::new(dir.path());
        let s = cache.stamp();
        cache.put("a".into(), s.clone(), Bytes::from_static(b"1"));
        assert_eq!(cache.get("a", &cache.stamp()).as_deref(), Some(&b"1"[..]));
        std::fs::write(dir.path().join("atlas.sqlite"), "changed").unwrap();
        assert_eq!(cache.get("a", &cache.stamp()), None);
        let s = cache.stamp();
        cache.put("a".into(), s, Bytes::from_static(b"2"));
        cache.wrote();
        assert_eq!(cache.get("a", &cache.stamp()), None);
    }
}
