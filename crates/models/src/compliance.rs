//! Treaty-limit compliance: does an observed figure stay within a treaty's
//! numeric term on each date?
//!
//! The check is deliberately plain, because the judgement lies in the inputs:
//! the figure must measure what the term limits. New START's 1,550 counts
//! deployed warheads under the treaty's own counting rules (a heavy bomber
//! counts as one warhead), which independent estimates of deployed strategic
//! warheads do not follow; a comparison of the two says so in its note.

use serde::Serialize;

/// One observed figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// When (as the source gives it).
    pub date: String,
    /// Who.
    pub party: String,
    /// The figure.
    pub value: f64,
    /// Whether the limit bound the party on that date (the treaty in force).
    pub binding: bool,
}

/// Whether the figure kept to the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At or under the limit while binding.
    Within,
    /// Over the limit while binding.
    Exceeds,
    /// The limit did not bind on that date.
    NotBinding,
}

/// The verdict for one observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// When.
    pub date: String,
    /// Who.
    pub party: String,
    /// The figure.
    pub value: f64,
    /// The limit.
    pub limit: f64,
    /// `limit - value`: room left (negative when over).
    pub margin: f64,
    /// The verdict.
    pub status: Status,
}

/// Checks every observation against a ceiling `limit`.
pub fn check_ceiling(observations: &[Observation], limit: f64) -> Vec<Check> {
    observations
        .iter()
        .map(|o| Check {
            date: o.date.clone(),
            party: o.party.clone(),
            value: o.value,
            limit,
            margin: limit - o.value,
            status: match (o.binding, o.value <= limit) {
                (false, _) => Status::NotBinding,
                (true, true) => Status::Within,
                (true, false) => Status::Exceeds,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_verdicts() {
        let obs = |date: &str, value, binding| Observation {
            date: date.into(),
            party: "X".into(),
            value,
            binding,
        };
        let c = check_ceiling(
            &[
                obs("2009", 2000.0, false),
                obs("2018", 1550.0, true),
                obs("2023", 1674.0, true),
            ],
            1550.0,
        );
        let s: Vec<Status> = c.iter().map(|c| c.status).collect();
        assert_eq!(s, [Status::NotBinding, Status::Within, Status::Exceeds]);
        assert_eq!(c[2].margin, -124.0);
    }
}
