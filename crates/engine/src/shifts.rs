//! Shifts in a dyad's relations: change points in its weekly mean Goldstein
//! score and conflict share (PELT, see [`detente_events::shifts`]), each with
//! the atlas facts dated near it.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use detente_events::shifts::{Options, pelt};

use crate::pulse::{Freq, Pulse, PulseQuery};
use crate::{FactRow, PartialDate, Result, Store};

/// What to look for.
#[derive(Debug, Clone)]
pub struct ShiftQuery {
    /// The pulse to read (its `freq` is set to weeks).
    pub pulse: PulseQuery,
    /// Penalty per change; `None` for the default (see [`detente_events::shifts`]).
    pub penalty: Option<f64>,
    /// Atlas facts within this many days of a shift are listed beside it (a
    /// fact dated only by year or month counts from its period's first to
    /// last day).
    pub window_days: i64,
}

/// An atlas fact near a shift.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearFact {
    /// The fact's date as the source gives it.
    pub date: String,
    /// One line.
    pub summary: String,
    /// Source id.
    pub source: String,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
}

/// A shift.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// `goldstein_mean` or `conflict_share`.
    pub series: String,
    /// First day of the first week of the new level.
    pub date: NaiveDate,
    /// Mean before.
    pub before: f64,
    /// Mean after.
    pub after: f64,
    /// `after - before`.
    pub size: f64,
    /// `toward conflict` or `toward cooperation`.
    pub direction: String,
    /// Atlas facts dated near it.
    pub facts: Vec<NearFact>,
}

/// The answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shifts {
    /// Method, with its reference.
    pub method: String,
    /// Weeks with events, of the weeks asked.
    pub weeks_with_events: usize,
    /// Weeks asked.
    pub weeks: usize,
    /// Shifts, by date.
    pub shifts: Vec<Shift>,
    /// The weekly pulse they were found in.
    pub pulse: Pulse,
    /// Atlas facts of the dyad dated inside the range, for annotation.
    pub facts_in_range: Vec<NearFact>,
}

/// The days a fact's date covers: `2014` covers the whole year.
fn span(date: &str) -> Option<(NaiveDate, NaiveDate)> {
    let d: PartialDate = date.parse().ok()?;
    Some((d.first_day(), d.last_day()))
}

fn near(f: &FactRow) -> Option<NearFact> {
    Some(NearFact {
        date: f.valid_from.clone()?,
        summary: f.summary.clone(),
        source: f.source.clone(),
        paragraph: f.paragraph,
        quote: f.quote.clone(),
    })
}

impl Store {
    /// Shifts in the weekly series of `q`. `Ok(None)` when the store holds
    /// no events.
    pub fn shifts(&self, q: &ShiftQuery) -> Result<Option<Shifts>> {
        let mut pq = q.pulse.clone();
        pq.freq = Freq::Week;
        let Some(pulse) = self.pulse(&pq)? else {
            return Ok(None);
        };
        let history = self.atlas().history(&pq.a, &pq.b).unwrap_or_default();
        let dated: Vec<(NaiveDate, NaiveDate, &FactRow)> = history
            .iter()
            .filter(|f| matches!(f.fact_type.as_str(), "event" | "relation" | "treaty_step"))
            .filter_map(|f| span(f.valid_from.as_deref()?).map(|(a, b)| (a, b, f)))
            .collect();
        let opts = Options {
            penalty: q.penalty,
            ..Options::default()
        };
        let mut shifts = Vec::new();
        let weeks_with_events = pulse
            .periods
            .iter()
            .filter(|p| p.events.unwrap_or(0) > 0)
            .count();
        for (name, conflict_up) in [("goldstein_mean", false), ("conflict_share", true)] {
            let points: Vec<(NaiveDate, f64)> = pulse
                .periods
                .iter()
                .filter_map(|p| {
                    let v = if conflict_up {
                        p.conflict_share
                    } else {
                        p.goldstein_mean
                    };
                    v.map(|v| (p.start, v))
                })
                .collect();
            let values: Vec<f64> = points.iter().map(|p| p.1).collect();
            for c in pelt(&values, &opts) {
                let date = points[c.index].0;
                let toward_conflict = (c.size() > 0.0) == conflict_up;
                let w = Duration::days(q.window_days);
                let facts = dated
                    .iter()
                    .filter(|(a, b, _)| *a - w <= date && date <= *b + w)
                    .filter_map(|(_, _, f)| near(f))
                    .collect();
                shifts.push(Shift {
                    series: name.to_string(),
                    date,
                    before: c.before,
                    after: c.after,
                    size: c.size(),
                    direction: if toward_conflict {
                        "toward conflict"
                    } else {
                        "toward cooperation"
                    }
                    .to_string(),
                    facts,
                });
            }
        }
        shifts.sort_by(|a, b| a.date.cmp(&b.date).then(a.series.cmp(&b.series)));
        let facts_in_range = dated
            .iter()
            .filter(|(a, b, _)| *b >= pq.from && *a <= pq.to)
            .filter_map(|(_, _, f)| near(f))
            .collect();
        Ok(Some(Shifts {
            method: format!(
                "PELT (Killick, Fearnhead and Eckley 2012) on weekly values with events, \
                 Gaussian mean-shift cost, penalty {}",
                match q.penalty {
                    Some(p) => format!("{p} (given)"),
                    None => "3·σ²·ln(n), σ² from the median absolute first difference".into(),
                }
            ),
            weeks_with_events,
            weeks: pulse.periods.len(),
            shifts,
            pulse,
            facts_in_range,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_covers_the_year() {
        let (a, b) = span("2014").expect("date");
        assert_eq!(a.to_string(), "2014-01-01");
        assert_eq!(b.to_string(), "2014-12-31");
        let (a, b) = span("2021-06").expect("date");
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2021-06-01".into(), "2021-06-30".into())
        );
    }
}
