//! detente: an engine for the world's foreign relations.
//!
//! This crate is the one entry point the command line and the HTTP server use,
//! so both give the same answers. A [`Store`] is a folder holding detente's
//! embedded storage; today that is the atlas (`atlas.sqlite`), the temporal
//! knowledge base of actors and cited facts.
//!
//! ```text
//!            detente-cli ─┐
//!                         ├─▶ detente::Store ─▶ detente-atlas (SQLite) ─▶ detente-core
//!        detente-server ──┘
//! ```
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! let store = detente::Store::open(dir.path())?;
//! let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
//! let treaty = store.atlas().treaty("new-start", day)?;
//! assert_eq!(treaty.terms[0].value, 1550.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

use std::path::{Path, PathBuf};

pub mod analytics;
pub mod chart;
pub mod data;
pub mod export;
pub mod ingest;
pub mod inputs;
pub mod pre_aggregate;
pub mod pulse;
pub mod rollup_sql;
pub mod shifts;
pub mod structural;

pub use arrow;
pub use datafusion;
pub use detente_atlas::Error as AtlasError;
pub use detente_atlas::{
    Actor, Atlas, FactRow, LoadSummary, RelationAnswer, RelationFilter, RelationRow, Report,
    ReportItem, ReportSection, SourceRow, TreatyAnswer, TreatyStep, TreatyTerm, format_number,
    vocab,
};
pub use detente_core::{Holding, PartialDate, Precision, ValidityInterval};
pub use detente_events as events;
pub use detente_models as models;

/// Errors of the facade.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The atlas failed or refused input.
    #[error(transparent)]
    Atlas(#[from] detente_atlas::Error),
    /// The store folder could not be created or used.
    #[error("store folder {path}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The event store failed or refused input.
    #[error(transparent)]
    Events(#[from] detente_events::Error),
    /// A model rejected its input.
    #[error(transparent)]
    Model(#[from] detente_models::Error),
    /// A chart could not be drawn.
    #[error("chart: {0}")]
    Chart(String),
    /// A data file could not be read.
    #[error("{0}")]
    Data(String),
    /// A file could not be written.
    #[error("writing {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A SQL statement failed: DataFusion's message, with its position.
    #[error("{0}")]
    Sql(String),
    /// A SQL statement that is not a read-only query, where only queries may run.
    #[error("only queries may run here (SELECT, WITH, VALUES, EXPLAIN, SHOW): {0}")]
    NotAQuery(String),
    /// A SQL query ran past its time limit and was stopped.
    #[error("the query ran past its time limit of {0:?} and was stopped")]
    Timeout(std::time::Duration),
    /// Paths or patterns that name no file to read.
    #[error("{0}")]
    Input(String),
    /// No default store location could be found.
    #[error("no home or data folder is known; give the store with --store PATH or DETENTE_STORE")]
    NoDefaultLocation,
}

/// An actor with its memberships and its membership of the COW state system
/// as of a date: the answer of `detente actor` and `GET /api/v1/actors/{id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct ActorAnswer {
    /// The actor.
    pub actor: Actor,
    /// The date asked about.
    pub as_of: chrono::NaiveDate,
    /// Its memberships, alliances and leadership roles valid then.
    pub memberships: Vec<RelationRow>,
    /// Its COW state-system membership spells, each marked as holding then or not.
    pub system_membership: Vec<structural::SystemMembership>,
}

/// Result with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// detente's embedded storage: one folder.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    atlas: Atlas,
    session:
        std::sync::Mutex<Option<(analytics::SessionKey, std::sync::Arc<analytics::Analytics>)>>,
}

impl Store {
    /// The default store folder: `detente` under the user's data folder
    /// (`$XDG_DATA_HOME/detente` or `~/.local/share/detente` on Linux,
    /// `~/Library/Application Support/detente` on macOS).
    pub fn default_root() -> Result<PathBuf> {
        dirs::data_dir()
            .map(|d| d.join("detente"))
            .ok_or(Error::NoDefaultLocation)
    }

    /// Opens the store in `root`, creating the folder and filling a new atlas
    /// with the bundled facts on first use.
    ///
    /// Fails when the folder cannot be created or the atlas cannot be opened.
    pub fn open(root: &Path) -> Result<Store> {
        std::fs::create_dir_all(root).map_err(|source| Error::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        let atlas = Atlas::open(&root.join("atlas.sqlite"))?;
        Ok(Store {
            root: root.to_path_buf(),
            atlas,
            session: std::sync::Mutex::new(None),
        })
    }

    /// The store folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The atlas, for questions.
    pub fn atlas(&self) -> &Atlas {
        &self.atlas
    }

    /// The actor `query` names (id, code or name) as of `as_of`.
    ///
    /// Fails when no actor is known by `query`.
    pub fn actor(&self, query: &str, as_of: chrono::NaiveDate) -> Result<ActorAnswer> {
        let actor = self.atlas.actor(query)?;
        let mut memberships = Vec::new();
        for kind in ["membership", "alliance", "leadership"] {
            let filter = RelationFilter {
                kind: Some(kind.into()),
                status: None,
            };
            memberships.extend(self.atlas.relations(&actor.id, as_of, &filter)?.relations);
        }
        let system_membership = structural::system_membership(&actor, as_of)?;
        Ok(ActorAnswer {
            actor,
            as_of,
            memberships,
            system_membership,
        })
    }

    /// The event store (Parquet files and their manifest) in this folder.
    ///
    /// Fails when the manifest cannot be opened.
    pub fn events(&self) -> Result<detente_events::EventStore> {
        Ok(detente_events::EventStore::open(&self.root)?)
    }

    /// The atlas, for adding facts.
    pub fn atlas_mut(&mut self) -> &mut Atlas {
        &mut self.atlas
    }
}
