//! The atlas: detente's temporal knowledge base of foreign relations.
//!
//! It holds actors (today's states from a bundled reference table, plus
//! organisations, blocs, historical states and people), and facts about them,
//! each with a validity interval and a citation: relations (diplomatic,
//! stance, alliance, conflict, sanction, mediation ...), events, treaties with
//! their steps and numeric terms, indicators, doctrines and aims, and
//! statements. Conflicting claims are kept side by side, each with its source.
//!
//! ```text
//! curated TOML ──check──▶ Batch ──one transaction──▶ SQLite (facts, FTS5)
//!                                                        │
//!                     relations / history / treaty / report "as of" a day
//! ```
//!
//! The "as of" rule is defined once, in [`detente_core::ValidityInterval`].
//!
//! ```
//! use detente_atlas::{Atlas, RelationFilter};
//!
//! let atlas = Atlas::in_memory()?;
//! let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
//! let filter = RelationFilter { kind: Some("diplomatic".into()), status: Some("none".into()) };
//! let answer = atlas.relations("RUS", day, &filter)?;
//! assert!(answer.relations.iter().any(|r| r.object.as_deref() == Some("BTN")));
//! # Ok::<(), detente_atlas::Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

pub mod bundled;
pub mod curated;
mod error;
mod query;
mod report;
mod schema;
mod store;
pub mod tables;
pub mod vocab;

pub use error::{Error, Problem, Problems, Result};
pub use query::{
    Actor, FactRow, RelationAnswer, RelationFilter, RelationRow, SourceRow, TreatyAnswer,
    TreatyStep, TreatyTerm, format_number,
};
pub use report::{Report, ReportItem, ReportSection};
pub use schema::VERSION as SCHEMA_VERSION;
pub use store::{Atlas, LoadSummary};
