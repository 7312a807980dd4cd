//! Shared vocabulary of detente.
//!
//! Every layer of detente speaks about the same things: actors (states,
//! organisations, blocs, people), dates known to a year, a month or a day,
//! intervals over which a fact holds, and the citation that says where a fact
//! came from. This crate defines them once, with the reference tables the other
//! crates embed (today's states with their ISO, COW and UN codes).
//!
//! ```
//! use detente_core::{PartialDate, ValidityInterval, Holding};
//!
//! // "Normal diplomatic relations were resumed in 1933": a year-precision start.
//! let resumed = ValidityInterval::new(Some("1933".parse()?), None)?;
//! let day = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
//! assert_eq!(resumed.holding_on(day), Holding::Holds);
//! # Ok::<(), detente_core::Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

pub mod cameo;
mod date;
pub mod digest;
mod error;
mod interval;
pub mod reference;

pub use date::{PartialDate, Precision};
pub use error::{Error, Result};
pub use interval::{Holding, ValidityInterval};
