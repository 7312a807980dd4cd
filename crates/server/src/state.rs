//! What every request shares: the configuration, a small pool of open
//! stores, the write token and the ingest jobs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use detente::Store;
use detente::ingest::FileOutcome;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The store folder.
    pub store: PathBuf,
    /// Reads need the bearer token too.
    pub closed_reads: bool,
    /// `POST /ingest` may read files under this folder only; `None` turns it off.
    pub ingest_root: Option<PathBuf>,
    /// Rows a SQL answer holds at most.
    pub sql_max_rows: usize,
    /// Time a SQL query may run.
    pub sql_time_limit: Duration,
    /// Time any request may take.
    pub request_timeout: Duration,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Origins allowed by CORS; none means CORS stays off.
    pub cors_origins: Vec<String>,
    /// Open stores kept for concurrent requests.
    pub pool_size: usize,
}

impl ServerConfig {
    /// The defaults for a store folder.
    pub fn new(store: &Path) -> ServerConfig {
        ServerConfig {
            store: store.to_path_buf(),
            closed_reads: false,
            ingest_root: None,
            sql_max_rows: 10_000,
            sql_time_limit: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            body_limit: 1 << 20,
            cors_origins: Vec::new(),
            pool_size: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
        }
    }
}

/// State shared by all requests; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    config: ServerConfig,
    stores: Vec<Mutex<Store>>,
    next: AtomicUsize,
    token: RwLock<String>,
    jobs: Mutex<Vec<IngestJob>>,
    ingest_lock: Arc<Mutex<()>>,
    heavy: tokio::sync::Semaphore,
    turns: tokio::sync::Semaphore,
    cache: crate::cache::AnswerCache,
}

/// One `POST /ingest` and how far it got.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestJob {
    /// Job id, for `GET /api/v1/ingest/{id}`.
    pub id: usize,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Files the paths named.
    pub files_total: usize,
    /// What became of each file done so far.
    #[schema(value_type = Vec<Object>)]
    pub files: Vec<FileOutcome>,
    /// Why the job stopped, when it failed as a whole.
    pub error: Option<String>,
}

impl AppState {
    /// Opens `config.pool_size` connections to the store and reads the write
    /// token (see [`crate::token`]).
    ///
    /// Fails when the store cannot be opened.
    pub fn open(config: ServerConfig, token: String) -> detente::Result<AppState> {
        let mut stores = Vec::new();
        for _ in 0..config.pool_size.max(1) {
            stores.push(Mutex::new(Store::open(&config.store)?));
        }
        Ok(AppState(Arc::new(Inner {
            turns: tokio::sync::Semaphore::new(stores.len()),
            cache: crate::cache::AnswerCache::new(&config.store),
            config,
            stores,
            next: AtomicUsize::new(0),
            token: RwLock::new(token),
            jobs: Mutex::new(Vec::new()),
            ingest_lock: Arc::new(Mutex::new(())),
            heavy: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
        })))
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    /// Whether `given` is the write token (compared in constant time).
    pub fn token_matches(&self, given: &str) -> bool {
        let token = self.0.token.read().unwrap_or_else(PoisonError::into_inner);
        let (a, b) = (token.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    /// Replaces the write token.
    pub fn set_token(&self, token: String) {
        *self.0.token.write().unwrap_or_else(PoisonError::into_inner) = token;
    }

    /// Runs `f` with an open store on a blocking thread: SQLite and
    /// DataFusion's own runtime must not block the server's threads.
    /// Requests take their turns first come, first served: one waits for a
    /// free store without holding a thread.
    pub async fn with_store<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> ApiResult<T> + Send + 'static,
    {
        let _turn = self.0.turns.acquire().await.map_err(ApiError::internal)?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.lock_store(f))
            .await
            .map_err(ApiError::internal)?
    }

    /// The answers kept until the store changes.
    pub fn cache(&self) -> &crate::cache::AnswerCache {
        &self.0.cache
    }

    /// As [`AppState::with_store`], for work that runs DataFusion queries
    /// (pulse, shifts, top dyads, SQL): as many at once as there are cores,
    /// the others wait their turn without holding a thread.
    pub async fn with_analytics<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> ApiResult<T> + Send + 'static,
    {
        let _turn = self.0.heavy.acquire().await.map_err(ApiError::internal)?;
        self.with_store(f).await
    }

    fn lock_store<T>(&self, f: impl FnOnce(&mut Store) -> ApiResult<T>) -> ApiResult<T> {
        let stores = &self.0.stores;
        for m in stores {
            if let Ok(mut s) = m.try_lock() {
                return f(&mut s);
            }
        }
        // A turn guarantees a free store; this wait only covers a store
        // that is being released right now.
        let i = self.0.next.fetch_add(1, Ordering::Relaxed) % stores.len();
        let mut s = stores[i].lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut s)
    }

    /// Adds a queued ingest job and returns its id.
    pub fn add_job(&self, files_total: usize) -> usize {
        let mut jobs = self.0.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let id = jobs.len() + 1;
        jobs.push(IngestJob {
            id,
            state: "queued".into(),
            files_total,
            files: Vec::new(),
            error: None,
        });
        id
    }

    /// Changes job `id`.
    pub fn update_job(&self, id: usize, f: impl FnOnce(&mut IngestJob)) {
        let mut jobs = self.0.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(j) = jobs.iter_mut().find(|j| j.id == id) {
            f(j);
        }
    }

    /// Job `id` as it stands.
    pub fn job(&self, id: usize) -> Option<IngestJob> {
        let jobs = self.0.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.iter().find(|j| j.id == id).cloned()
    }

    /// The lock one ingest at a time holds.
    pub fn ingest_lock(&self) -> Arc<Mutex<()>> {
        self.0.ingest_lock.clone()
    }
}
