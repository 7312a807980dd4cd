//! Structural data of international relations: the Correlates of War state
//! system, capabilities, wars, colonial contiguity, territorial change,
//! militarized interstate disputes, nuclear stockpiles and UN General
//! Assembly votes; state-years and dyad-years built from them; foreign-policy
//! similarity from the votes.
//!
//! The data sets are bundled (see `data/SOURCE.md`) and can be read from a
//! folder of newer copies instead ([`Origin`]). Every reader reports what it
//! could not read ([`ReadReport`]): encodings other than UTF-8, CR-only line
//! ends, short rows, values that are not numbers.
//!
//! ```
//! use detente_structural::{Covariate, Origin, Structural, YearsQuery, dyad_years};
//! let q = YearsQuery {
//!     from: 1990,
//!     to: 1990,
//!     covariates: [Covariate::Mids].into(),
//!     directed: true,
//!     politically_relevant: false,
//! };
//! let data = Structural::load(&Origin::Bundled, &q.datasets(true))?;
//! let t = dyad_years(&data, &q)?;
//! // 1990 had 165 system members (system2016.csv): 165 · 164 directed dyads.
//! assert_eq!(t.num_rows(), 165 * 164);
//! # Ok::<(), detente_structural::Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::print_stdout))]

pub mod cow;
mod dataset;
mod error;
mod load;
pub mod text;
pub mod votes;
mod years;

pub use dataset::{Citation, Dataset, Origin, RawFile};
pub use error::{Error, Result};
pub use load::Structural;
pub use text::{ReadReport, Skipped};
pub use years::{
    Covariate, YearTable, YearsQuery, dyad_schema, dyad_years, state_schema, state_years,
};

use cow::MembershipSpell;

/// A COW state named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CowState {
    /// COW code.
    pub ccode: u16,
    /// COW abbreviation.
    pub abbrev: String,
    /// COW name.
    pub name: String,
}

/// Finds the COW state meant by `text`: a COW number (`365`), an ISO3 code of
/// one of today's states (`RUS`, `DEU` → 255), or a COW abbreviation (`GFR`).
/// ISO3 codes are tried before COW abbreviations, so `AUS` is Australia
/// (COW 900), not COW's `AUS` (Austria, 305); give Austria as `AUT` or 305.
///
/// Fails when nothing matches.
pub fn resolve_state(text: &str, spells: &[MembershipSpell]) -> Result<CowState> {
    let t = text.trim();
    let found = |cc: u16| {
        spells.iter().find(|s| s.ccode == cc).map(|s| CowState {
            ccode: cc,
            abbrev: s.abbrev.clone(),
            name: s.name.clone(),
        })
    };
    if let Ok(n) = t.parse::<u16>() {
        return found(n).ok_or_else(|| Error::UnknownState(text.to_string()));
    }
    let upper = t.to_ascii_uppercase();
    let by_iso3 = detente_core::reference::states()
        .unwrap_or_default()
        .into_iter()
        .find(|s| s.iso3 == upper)
        .and_then(|s| s.cow_code)
        .and_then(|c| u16::try_from(c).ok())
        .and_then(found);
    by_iso3
        .or_else(|| {
            spells
                .iter()
                .find(|s| s.abbrev == upper)
                .and_then(|s| found(s.ccode))
        })
        .ok_or_else(|| Error::UnknownState(text.to_string()))
}

/// One year of two states' UN voting similarity.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SimilarityYear {
    /// Year.
    pub year: i32,
    /// Roll calls held that year.
    pub roll_calls: u32,
    /// The similarity, when both voted on at least one roll call.
    pub similarity: Option<votes::Similarity>,
}

/// Two states' voting similarity per year from `from` to `to`, both included,
/// limited to the years of the vote data (1946-2019).
///
/// Needs `s` loaded with [`Dataset::UnVotes`].
pub fn similarity_series(
    s: &Structural,
    a: u16,
    b: u16,
    from: i32,
    to: i32,
) -> Vec<SimilarityYear> {
    let (lo, hi) = Dataset::UnVotes.years();
    (from.max(lo)..=to.min(hi))
        .map(|year| {
            let yv = s.vote_matrix.years.get(&year);
            SimilarityYear {
                year,
                roll_calls: yv.map_or(0, |y| y.rcids.len() as u32),
                similarity: yv
                    .and_then(|y| votes::similarity(y.by_state.get(&a)?, y.by_state.get(&b)?)),
            }
        })
        .collect()
}
