//! Reference tables shipped with detente; see `reference/SOURCE.md` in this crate.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const STATES_CSV: &str = include_str!("../reference/states.csv");

/// Standing of a state at the United Nations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnStatus {
    /// A member state.
    UnMember,
    /// A non-member observer state (Holy See, Palestine).
    UnObserver,
    /// Neither (Kosovo, Taiwan).
    NonMember,
}

/// One of today's states, with its codes in the main schemes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// ISO 3166-1 alpha-3 code (Kosovo: the user-assigned `XKX`).
    pub iso3: String,
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// Correlates of War numeric code, where COW lists the state.
    pub cow_code: Option<u32>,
    /// Correlates of War letter code.
    pub cow_abbrev: Option<String>,
    /// Gleditsch-Ward numeric code.
    pub gw_code: Option<u32>,
    /// UN M49 numeric code.
    pub un_m49: Option<u32>,
    /// Common English name.
    pub name: String,
    /// The UN's English short name, for member states.
    pub un_name: Option<String>,
    /// Standing at the UN.
    pub un_status: UnStatus,
}

/// The shipped states table as text, e.g. to fingerprint what a store was
/// built from without parsing it.
pub fn states_text() -> &'static str {
    STATES_CSV
}

/// Today's states (193 UN members, 2 observer states, Kosovo and Taiwan), sorted
/// by ISO3 code.
///
/// Fails only if the bundled table is malformed, which the crate's tests rule out.
pub fn states() -> Result<Vec<State>> {
    csv::Reader::from_reader(STATES_CSV.as_bytes())
        .deserialize()
        .collect::<std::result::Result<Vec<State>, _>>()
        .map_err(|e| Error::Internal {
            table: "states.csv",
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_states_table_reads_whole() {
        let s = states().unwrap();
        assert_eq!(s.len(), 197);
        let members = s
            .iter()
            .filter(|x| x.un_status == UnStatus::UnMember)
            .count();
        assert_eq!(members, 193, "the UN has 193 member states");
        let rus = s.iter().find(|x| x.iso3 == "RUS").unwrap();
        assert_eq!(rus.cow_code, Some(365));
        assert_eq!(rus.un_name.as_deref(), Some("Russian Federation"));
        let mut codes: Vec<&str> = s.iter().map(|x| x.iso3.as_str()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 197, "ISO3 codes are unique and sorted");
    }
}
