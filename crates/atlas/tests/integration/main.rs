//! Integration tests of the atlas: one binary, one module per area.

mod answers;
mod asof;
mod load;
mod seeds;

use detente_atlas::Atlas;

/// A fresh in-memory atlas with the bundled facts.
pub fn atlas() -> Atlas {
    Atlas::in_memory().expect("bundled facts load")
}

/// A day from `YYYY-MM-DD`.
pub fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}
