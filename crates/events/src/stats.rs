//! What the store holds: rows by source and month, quarantine counts, and date
//! coverage with its gaps (a missing 15-minute GDELT 2.0 batch is a gap, not a
//! quiet quarter hour).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::store::EventStore;

/// Rows of one partition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRows {
    /// Source.
    pub source: String,
    /// Year.
    pub year: i32,
    /// Month.
    pub month: u32,
    /// Rows.
    pub rows: u64,
    /// Parquet files.
    pub files: u64,
}

/// A count of rows by reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    /// `quarantined` or `flagged` (kept).
    pub kind: String,
    /// Reason code.
    pub reason: String,
    /// Rows.
    pub rows: u64,
}

/// A stretch of time with no ingested batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Source.
    pub source: String,
    /// First missing batch (UTC).
    pub from: String,
    /// Last missing batch (UTC).
    pub to: String,
    /// Batches missing.
    pub missing: u64,
}

/// A file that could not be read at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The path.
    pub path: String,
    /// Why.
    pub error: String,
    /// When (UTC).
    pub at: String,
}

/// Coverage of one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Source.
    pub source: String,
    /// Files ingested.
    pub files: u64,
    /// Earliest event day.
    pub first_day: Option<String>,
    /// Latest event day.
    pub last_day: Option<String>,
    /// Earliest batch added (UTC).
    pub first_batch: Option<String>,
    /// Latest batch added (UTC).
    pub last_batch: Option<String>,
    /// Batches present, for sources that come in batches.
    pub batches: u64,
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Rows by source and month.
    pub months: Vec<MonthRows>,
    /// Quarantined and flagged rows by reason.
    pub reasons: Vec<ReasonCount>,
    /// Coverage by source.
    pub coverage: Vec<Coverage>,
    /// Gaps in batch coverage.
    pub gaps: Vec<Gap>,
    /// Files that failed.
    pub failures: Vec<Failure>,
}

/// Length of a GDELT 2.0 batch, in seconds.
pub const GDELT2_BATCH: i64 = 15 * 60;
/// Length of a GDELT 1.0 daily update, in seconds.
pub const GDELT1_BATCH: i64 = 24 * 3600;

fn time(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// Gaps between consecutive batch times of one source with batches `step`
/// seconds apart. Times must be sorted.
pub fn gaps(source: &str, batches: &[i64], step: i64) -> Vec<Gap> {
    batches
        .windows(2)
        .filter(|w| w[1] - w[0] > step)
        .map(|w| Gap {
            source: source.to_string(),
            from: time(w[0] + step),
            to: time(w[1] - step),
            missing: ((w[1] - w[0]) / step - 1) as u64,
        })
        .collect()
}

impl EventStore {
    /// Coverage of each day for one source, 0 to 1: for GDELT, the share of
    /// the day's update batches (96 for GDELT 2.0, one for GDELT 1.0) that
    /// were ingested, where an ingested file holding a single batch counts as
    /// that batch and a file holding several covers its whole `date_added`
    /// range; for other sources, 1 for each day inside an ingested file's
    /// range of event days. Days not in the map are not covered.
    pub fn daily_coverage(&self, source: &str) -> Result<HashMap<NaiveDate, f64>> {
        let conn = self.connection();
        let mut out: HashMap<NaiveDate, f64> = HashMap::new();
        let mut cover_range = |from: NaiveDate, to: NaiveDate| {
            let mut d = from;
            while d <= to {
                out.insert(d, 1.0);
                d += chrono::Duration::days(1);
            }
        };
        let step = match source {
            "gdelt2" => Some(GDELT2_BATCH),
            "gdelt1" => Some(GDELT1_BATCH),
            _ => None,
        };
        let mut stmt = conn.prepare(
            "SELECT added_from, added_to, day_from, day_to FROM ingests WHERE format = ?1",
        )?;
        type Row = (Option<i64>, Option<i64>, Option<String>, Option<String>);
        let rows: Vec<Row> = stmt
            .query_map([source], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let day_of = |t: i64| DateTime::<Utc>::from_timestamp(t, 0).map(|d| d.date_naive());
        let parse = |s: &Option<String>| {
            s.as_deref()
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        };
        let mut batches: std::collections::BTreeSet<i64> = std::collections::BTreeSet::new();
        for (af, at, df, dt) in &rows {
            match (step, af, at) {
                (Some(_), Some(f), Some(t)) if f == t => {
                    batches.insert(*f);
                }
                (Some(_), Some(f), Some(t)) => {
                    if let (Some(f), Some(t)) = (day_of(*f), day_of(*t)) {
                        cover_range(f, t);
                    }
                }
                _ => {
                    if let (Some(f), Some(t)) = (parse(df), parse(dt)) {
                        cover_range(f, t);
                    }
                }
            }
        }
        if let Some(step) = step {
            let per_day = (24 * 3600 / step) as f64;
            let mut counts: HashMap<NaiveDate, f64> = HashMap::new();
            for t in batches {
                if let Some(d) = day_of(t) {
                    *counts.entry(d).or_default() += 1.0;
                }
            }
            for (d, n) in counts {
                let e = out.entry(d).or_default();
                *e = e.max((n / per_day).min(1.0));
            }
        }
        Ok(out)
    }

    /// Rows, reasons, coverage, gaps and failures.
    pub fn stats(&self) -> Result<Stats> {
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT source, year, month, sum(rows), count(*) FROM outputs
             GROUP BY source, year, month ORDER BY source, year, month",
        )?;
        let months = stmt
            .query_map([], |r| {
                Ok(MonthRows {
                    source: r.get(0)?,
                    year: r.get(1)?,
                    month: r.get(2)?,
                    rows: r.get::<_, i64>(3)? as u64,
                    files: r.get::<_, i64>(4)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare(
            "SELECT kind, reason, sum(count) FROM reasons GROUP BY kind, reason ORDER BY kind DESC, reason",
        )?;
        let reasons = stmt
            .query_map([], |r| {
                Ok(ReasonCount {
                    kind: r.get(0)?,
                    reason: r.get(1)?,
                    rows: r.get::<_, i64>(2)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare(
            "SELECT format, count(*), min(day_from), max(day_to), min(added_from), max(added_to)
             FROM ingests GROUP BY format ORDER BY format",
        )?;
        let mut coverage: Vec<Coverage> = stmt
            .query_map([], |r| {
                Ok(Coverage {
                    source: r.get(0)?,
                    files: r.get::<_, i64>(1)? as u64,
                    first_day: r.get(2)?,
                    last_day: r.get(3)?,
                    first_batch: r.get::<_, Option<i64>>(4)?.map(time),
                    last_batch: r.get::<_, Option<i64>>(5)?.map(time),
                    batches: 0,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut all_gaps = Vec::new();
        for c in &mut coverage {
            // A GDELT export is one batch: its rows share one DATEADDED.
            let step = match c.source.as_str() {
                "gdelt2" => GDELT2_BATCH,
                "gdelt1" => GDELT1_BATCH,
                _ => continue,
            };
            let mut stmt = conn.prepare(
                "SELECT DISTINCT added_to FROM ingests WHERE format = ?1 AND added_to IS NOT NULL
                   AND added_from = added_to ORDER BY added_to",
            )?;
            let batches: Vec<i64> = stmt
                .query_map([&c.source], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            c.batches = batches.len() as u64;
            all_gaps.extend(gaps(&c.source, &batches, step));
        }
        let mut stmt = conn.prepare("SELECT path, error, at FROM failures ORDER BY id")?;
        let failures = stmt
            .query_map([], |r| {
                Ok(Failure {
                    path: r.get(0)?,
                    error: r.get(1)?,
                    at: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Stats {
            months,
            reasons,
            coverage,
            gaps: all_gaps,
            failures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_quarter_hour_is_a_gap() {
        let t0 = 1_729_602_000; // 2024-10-22 13:00 UTC
        let b: Vec<i64> = [0, 1, 2, 4, 5, 9]
            .iter()
            .map(|k| t0 + k * GDELT2_BATCH)
            .collect();
        let g = gaps("gdelt2", &b, GDELT2_BATCH);
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].from.as_str(), g[0].to.as_str(), g[0].missing),
            ("2024-10-22 13:45", "2024-10-22 13:45", 1)
        );
        assert_eq!(g[1].missing, 3);
    }
}
