//! The field's models, as pure functions: numbers in, numbers out, no I/O.
//!
//! * [`bdm`]: Bueno de Mesquita's expected-utility model of negotiation, as
//!   specified by Scholz, Calbert & Smith (2011), with the EC car-emissions case.
//! * [`richardson`]: Richardson's (1960) arms-race equations: trajectories,
//!   equilibrium, stability, and a least-squares fit with standard errors.
//! * [`compliance`]: whether observed figures keep to a treaty's numeric limit.
//! * [`ipd`]: the iterated prisoner's dilemma (Axelrod 1984) with GRIT (Osgood
//!   1962), noisy matches, parallel round-robin tournaments and replicator
//!   dynamics.
//!
//! ```
//! use detente_models::bdm;
//!
//! let (actors, params) = bdm::ec_emissions_example();
//! let outcome = bdm::run(&actors, &params)?;
//! assert_eq!(outcome.rounds[0].median, 7.0);
//! # Ok::<(), detente_models::Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

pub mod bdm;
pub mod compliance;
mod error;
pub mod ipd;
pub mod richardson;

pub use error::{Error, Result};
