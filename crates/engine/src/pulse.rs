//! The dyadic pulse: how often two actors cooperate and clash, per period.
//!
//! Actors are matched by country code: an event belongs to the dyad (A, B)
//! when `actor1_country_code` is A's code and `actor2_country_code` is B's, or,
//! unless the pulse is directed, the other way round. A state's ISO3 code is
//! matched together with its CAMEO code (`ROU` and `ROM`), since GDELT writes
//! CAMEO codes and ICEWS ISO3 codes; a code that is not a state's (`EUR`,
//! `WST`) is matched as given.
//!
//! A period is reported with its coverage: the share of the source's update
//! batches in that period that were ingested (GDELT 2.0: 96 a day, GDELT 1.0:
//! one a day; other sources: the days inside an ingested file's date range).
//! A period with no coverage has no counts: it is missing, not quiet.

use std::collections::BTreeMap;

use arrow::array::{Array, Date32Array, Float64Array, Int8Array, Int64Array, RecordBatch};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use detente_events::rollup::{DaySums, DyadFilter, read_dyad_days};

use crate::analytics::{Analytics, days_since_epoch};
use crate::{Error, Result, Store};

/// Length of a pulse period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Freq {
    /// Days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
}

impl Freq {
    /// The first day of the period holding `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Freq::Day => d,
            Freq::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
            Freq::Month => d.with_day(1).unwrap_or(d),
        }
    }

    /// The first day of the next period.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Freq::Day => start + Duration::days(1),
            Freq::Week => start + Duration::days(7),
            Freq::Month => start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(start + Duration::days(31)),
        }
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct PulseQuery {
    /// First actor (atlas id, ISO3 or CAMEO country code).
    pub a: String,
    /// Second actor.
    pub b: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
    /// Period length.
    pub freq: Freq,
    /// Only events with A as actor 1 and B as actor 2.
    pub directed: bool,
    /// The source (`gdelt1`, `gdelt2`, `icews`); needed when the store holds
    /// more than one, since their events overlap.
    pub source: Option<String>,
    /// Read the raw events even when the rollup is complete.
    pub from_events: bool,
}

/// One period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Share of the period's update batches that were ingested, 0 to 1.
    pub coverage: f64,
    /// The dyad's events (None when the period is not covered).
    pub events: Option<i64>,
    /// QuadClass 1.
    pub verbal_cooperation: Option<i64>,
    /// QuadClass 2.
    pub material_cooperation: Option<i64>,
    /// QuadClass 3.
    pub verbal_conflict: Option<i64>,
    /// QuadClass 4.
    pub material_conflict: Option<i64>,
    /// Mean Goldstein score of the dyad's events.
    pub goldstein_mean: Option<f64>,
    /// Sum of Goldstein scores.
    pub goldstein_sum: Option<f64>,
    /// Mean of the events' average tone.
    pub tone_mean: Option<f64>,
    /// Share of the conflict classes (3, 4) in the dyad's events.
    pub conflict_share: Option<f64>,
    /// The dyad's share of all the source's events in the period.
    pub share_of_all: Option<f64>,
    /// All the source's events in the period.
    pub all_events: Option<i64>,
}

/// A pulse.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pulse {
    /// First actor as matched: its codes.
    pub a: Vec<String>,
    /// Second actor's codes.
    pub b: Vec<String>,
    /// The source read.
    pub source: String,
    /// Period length.
    pub freq: Freq,
    /// Directed or not.
    pub directed: bool,
    /// `rollup` or `events`.
    pub read_from: String,
    /// Periods in order.
    pub periods: Vec<Period>,
}

fn round9(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The codes an actor is matched by.
pub fn actor_codes(store: &Store, actor: &str) -> Result<Vec<String>> {
    let upper = actor.trim().to_uppercase();
    let iso3 = match store.atlas().actor(actor) {
        Ok(a) => a.iso3.clone(),
        Err(_) => None,
    };
    let mut codes = Vec::new();
    match iso3 {
        Some(i) => {
            codes.push(i.clone());
            let c = detente_core::cameo::cameo_of_iso3(&i).to_string();
            if c != i {
                codes.push(c);
            }
        }
        None if detente_core::cameo::country_codes().contains_key(&upper) => {
            codes.push(upper.clone());
            let i = detente_core::cameo::iso3_of_cameo(&upper).to_string();
            if i != upper {
                codes.push(i);
            }
        }
        None => {
            return Err(Error::Data(format!(
                "{actor:?} is neither a state in the atlas nor a CAMEO country code \
                 (see `detente sql \"SELECT * FROM cameo_countries\"`)"
            )));
        }
    }
    Ok(codes)
}

/// The source to read: the one asked for, or the only one in the store.
pub fn choose_source(
    events: &detente_events::EventStore,
    asked: Option<&str>,
) -> Result<Option<String>> {
    let sources = events.sources()?;
    match asked {
        Some(a) if sources.iter().any(|s| s == a) => Ok(Some(a.to_string())),
        Some(a) => Err(Error::Data(format!(
            "the store holds no {a} events (it holds: {})",
            if sources.is_empty() {
                "none".to_string()
            } else {
                sources.join(", ")
            }
        ))),
        None => match sources.len() {
            0 => Ok(None),
            1 => Ok(sources.into_iter().next()),
            _ => Err(Error::Data(format!(
                "the store holds events from {}; their events overlap, so choose one with --source",
                sources.join(" and ")
            ))),
        },
    }
}

fn in_list(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL condition that an event or rollup row belongs to the dyad.
pub fn dyad_condition(a: &[String], b: &[String], directed: bool) -> String {
    let (a, b) = (in_list(a), in_list(b));
    if directed {
        format!("(actor1_country_code IN ({a}) AND actor2_country_code IN ({b}))")
    } else {
        format!(
            "((actor1_country_code IN ({a}) AND actor2_country_code IN ({b})) OR \
              (actor1_country_code IN ({b}) AND actor2_country_code IN ({a})))"
        )
    }
}

/// Daily sums of the raw events matching `condition`, by day.
fn daily_from_events(
    analytics: &Analytics,
    source: &str,
    from: NaiveDate,
    to: NaiveDate,
    condition: &str,
) -> Result<BTreeMap<i32, DaySums>> {
    let sql = format!(
        "SELECT day, quad_class, count(*) AS events, coalesce(sum(goldstein), 0) AS gs, \
                count(goldstein) AS gn, coalesce(sum(avg_tone), 0) AS ts, count(avg_tone) AS tn \
         FROM events WHERE source = {src} AND day BETWEEN DATE {f} AND DATE {t} AND {condition} \
         GROUP BY day, quad_class",
        src = quote(source),
        f = quote(&from.to_string()),
        t = quote(&to.to_string()),
    );
    let batches = analytics.collect(&sql)?;
    let mut out: BTreeMap<i32, DaySums> = BTreeMap::new();
    for b in &batches {
        read_daily(b, &mut out)?;
    }
    Ok(out)
}

fn read_daily(b: &RecordBatch, out: &mut BTreeMap<i32, DaySums>) -> Result<()> {
    let bad = || Error::Sql("unexpected column types in the daily sums".into());
    let day = b
        .column(0)
        .as_any()
        .downcast_ref::<Date32Array>()
        .ok_or_else(bad)?;
    let quad = b
        .column(1)
        .as_any()
        .downcast_ref::<Int8Array>()
        .ok_or_else(bad)?;
    let int = |i: usize| b.column(i).as_any().downcast_ref::<Int64Array>();
    let float = |i: usize| b.column(i).as_any().downcast_ref::<Float64Array>();
    let (Some(ev), Some(gs), Some(gn), Some(ts), Some(tn)) =
        (int(2), float(3), int(4), float(5), int(6))
    else {
        return Err(bad());
    };
    for i in 0..b.num_rows() {
        let d = out.entry(day.value(i)).or_default();
        let q = if quad.is_null(i) {
            0
        } else {
            quad.value(i).clamp(0, 4) as usize
        };
        d.by_quad[q] += ev.value(i);
        d.events += ev.value(i);
        d.goldstein_sum += gs.value(i);
        d.goldstein_n += gn.value(i);
        d.tone_sum += ts.value(i);
        d.tone_n += tn.value(i);
    }
    Ok(())
}

impl Store {
    /// The dyadic pulse of `q`. `Ok(None)` when the store holds no events.
    pub fn pulse(&self, q: &PulseQuery) -> Result<Option<Pulse>> {
        if q.to < q.from {
            return Err(Error::Data(format!(
                "--to {} is before --from {}",
                q.to, q.from
            )));
        }
        let a = actor_codes(self, &q.a)?;
        let b = actor_codes(self, &q.b)?;
        let events = self.events()?;
        let Some(source) = choose_source(&events, q.source.as_deref())? else {
            return Ok(None);
        };
        let use_rollup = !q.from_events && events.rollup_complete()?;
        let coverage = events.daily_coverage(&source)?;
        let (dyad, all) = if use_rollup {
            let filter = DyadFilter {
                a: a.clone(),
                b: b.clone(),
                directed: q.directed,
            };
            let days = read_dyad_days(
                &events.rollup_files(&source)?,
                days_since_epoch(q.from),
                days_since_epoch(q.to),
                &filter,
            )?;
            (days.dyad, days.all)
        } else {
            let analytics = self.analytics()?;
            let condition = dyad_condition(&a, &b, q.directed);
            let dyad = daily_from_events(&analytics, &source, q.from, q.to, &condition)?;
            let all = daily_from_events(&analytics, &source, q.from, q.to, "TRUE")?
                .into_iter()
                .map(|(d, s)| (d, s.events))
                .collect();
            (dyad, all)
        };
        let mut periods = Vec::new();
        let mut start = q.freq.start(q.from);
        while start <= q.to {
            let next = q.freq.next(start);
            let first = start.max(q.from);
            let last = (next - Duration::days(1)).min(q.to);
            let mut covered = 0.0;
            let mut days = 0.0;
            let mut sum = DaySums::default();
            let mut total = 0i64;
            let mut d = first;
            while d <= last {
                days += 1.0;
                covered += coverage.get(&d).copied().unwrap_or(0.0);
                let k = days_since_epoch(d);
                if let Some(x) = dyad.get(&k) {
                    sum.add(x);
                }
                if let Some(x) = all.get(&k) {
                    total += x;
                }
                d += Duration::days(1);
            }
            let coverage = if days > 0.0 { covered / days } else { 0.0 };
            let has = coverage > 0.0;
            // Sums of floats arrive in an order that depends on threads;
            // nine decimals keep answers identical from run to run.
            let ratio = |n: f64, d: i64| (has && d > 0).then(|| round9(n / d as f64));
            periods.push(Period {
                start: first,
                end: last,
                coverage: round9(coverage),
                events: has.then_some(sum.events),
                verbal_cooperation: has.then_some(sum.by_quad[1]),
                material_cooperation: has.then_some(sum.by_quad[2]),
                verbal_conflict: has.then_some(sum.by_quad[3]),
                material_conflict: has.then_some(sum.by_quad[4]),
                goldstein_mean: ratio(sum.goldstein_sum, sum.goldstein_n),
                goldstein_sum: has.then_some(round9(sum.goldstein_sum)),
                tone_mean: ratio(sum.tone_sum, sum.tone_n),
                conflict_share: ratio((sum.by_quad[3] + sum.by_quad[4]) as f64, sum.events),
                share_of_all: ratio(sum.events as f64, total),
                all_events: has.then_some(total),
            });
            start = next;
        }
        Ok(Some(Pulse {
            a,
            b,
            source,
            freq: q.freq,
            directed: q.directed,
            read_from: if use_rollup { "rollup" } else { "events" }.to_string(),
            periods,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_on_mondays_and_firsts() {
        let d = NaiveDate::from_ymd_opt(2014, 3, 20).expect("date"); // a Thursday
        assert_eq!(
            Freq::Week.start(d),
            NaiveDate::from_ymd_opt(2014, 3, 17).expect("date")
        );
        assert_eq!(
            Freq::Month.start(d),
            NaiveDate::from_ymd_opt(2014, 3, 1).expect("date")
        );
        assert_eq!(
            Freq::Month.next(NaiveDate::from_ymd_opt(2014, 1, 1).expect("date")),
            NaiveDate::from_ymd_opt(2014, 2, 1).expect("date")
        );
    }

    #[test]
    fn dyad_condition_is_symmetric_unless_directed() {
        let a = vec!["RUS".to_string()];
        let b = vec!["UKR".to_string()];
        assert!(dyad_condition(&a, &b, false).contains("OR"));
        assert!(!dyad_condition(&a, &b, true).contains("OR"));
        assert_eq!(quote("O'Hara"), "'O''Hara'");
    }
}

/// How to rank dyads.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    /// Events of QuadClass 3 and 4.
    Conflict,
    /// Events of QuadClass 1 and 2.
    Cooperation,
    /// All events.
    Volume,
}

/// A dyad in a ranking.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DyadRow {
    /// `A-B`, codes in order.
    pub dyad: String,
    /// All events.
    pub events: i64,
    /// QuadClass 1 and 2.
    pub cooperation: i64,
    /// QuadClass 3 and 4.
    pub conflict: i64,
    /// Mean Goldstein score.
    pub goldstein_mean: Option<f64>,
    /// Share of all the source's events in the range.
    pub share_of_all: f64,
}

/// A ranking of dyads.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopDyads {
    /// The source read.
    pub source: String,
    /// By what.
    pub by: Rank,
    /// `rollup` or `events`.
    pub read_from: String,
    /// Events in the range.
    pub all_events: i64,
    /// The dyads, best first.
    pub dyads: Vec<DyadRow>,
}

impl Store {
    /// The `limit` dyads of two different country codes with the most events
    /// of a kind between `from` and `to` (unordered pairs). `Ok(None)` when
    /// the store holds no events.
    pub fn top_dyads(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        by: Rank,
        limit: usize,
        source: Option<&str>,
    ) -> Result<Option<TopDyads>> {
        let events = self.events()?;
        let Some(source) = choose_source(&events, source)? else {
            return Ok(None);
        };
        let use_rollup = events.rollup_complete()?;
        let (table, n, gs, gn) = if use_rollup {
            ("rollup", "events", "goldstein_sum", "goldstein_n")
        } else {
            (
                "events",
                "1",
                "coalesce(goldstein, 0)",
                "CASE WHEN goldstein IS NULL THEN 0 ELSE 1 END",
            )
        };
        let order = match by {
            Rank::Conflict => "conflict",
            Rank::Cooperation => "cooperation",
            Rank::Volume => "events",
        };
        let range = format!(
            "source = {} AND day BETWEEN DATE {} AND DATE {}",
            quote(&source),
            quote(&from.to_string()),
            quote(&to.to_string())
        );
        let sql = format!(
            "WITH all_events AS (SELECT sum({n}) AS total FROM {table} WHERE {range}) \
             SELECT dyad(actor1_country_code, actor2_country_code) AS dyad, \
                    CAST(sum({n}) AS BIGINT) AS events, \
                    CAST(coalesce(sum(CASE WHEN quad_class IN (1, 2) THEN {n} END), 0) AS BIGINT) AS cooperation, \
                    CAST(coalesce(sum(CASE WHEN quad_class IN (3, 4) THEN {n} END), 0) AS BIGINT) AS conflict, \
                    sum({gs}) / CAST(nullif(sum({gn}), 0) AS DOUBLE) AS goldstein_mean, \
                    CAST(sum({n}) AS DOUBLE) / CAST(max(all_events.total) AS DOUBLE) AS share_of_all, \
                    CAST(max(all_events.total) AS BIGINT) AS total \
             FROM {table}, all_events \
             WHERE {range} AND actor1_country_code IS NOT NULL AND actor2_country_code IS NOT NULL \
               AND actor1_country_code <> actor2_country_code \
             GROUP BY 1 ORDER BY {order} DESC, dyad LIMIT {limit}"
        );
        let batches = self.analytics()?.collect(&sql)?;
        let mut dyads = Vec::new();
        let mut all_events = 0;
        for b in &batches {
            let bad = || Error::Sql("unexpected column types in top dyads".into());
            let dyad = b
                .column(0)
                .as_any()
                .downcast_ref::<arrow::array::StringArray>()
                .ok_or_else(bad)?;
            let int = |i: usize| b.column(i).as_any().downcast_ref::<Int64Array>();
            let float = |i: usize| b.column(i).as_any().downcast_ref::<Float64Array>();
            let (Some(ev), Some(co), Some(cf), Some(gm), Some(sh), Some(tot)) =
                (int(1), int(2), int(3), float(4), float(5), int(6))
            else {
                return Err(bad());
            };
            for i in 0..b.num_rows() {
                all_events = tot.value(i);
                dyads.push(DyadRow {
                    dyad: dyad.value(i).to_string(),
                    events: ev.value(i),
                    cooperation: co.value(i),
                    conflict: cf.value(i),
                    goldstein_mean: gm.is_valid(i).then(|| round9(gm.value(i))),
                    share_of_all: round9(sh.value(i)),
                });
            }
        }
        Ok(Some(TopDyads {
            source,
            by,
            read_from: if use_rollup { "rollup" } else { "events" }.to_string(),
            all_events,
            dyads,
        }))
    }
}
