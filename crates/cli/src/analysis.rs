//! `detente pulse`, `detente top-dyads` and `detente shifts`: dyadic series
//! from the event data set.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use serde::Serialize;

use detente::Store;
use detente::chart::{self, Marker, Panel, TimeChart, TimeSeries};
use detente::pulse::{Freq, Pulse, PulseQuery};

use crate::args::{Format, RunConfig};
use crate::commands::Outcome;
use crate::output;

/// Period lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FreqArg {
    /// Days.
    Day,
    /// ISO weeks (Monday to Sunday).
    Week,
    /// Calendar months.
    Month,
}

impl From<FreqArg> for Freq {
    fn from(f: FreqArg) -> Freq {
        match f {
            FreqArg::Day => Freq::Day,
            FreqArg::Week => Freq::Week,
            FreqArg::Month => Freq::Month,
        }
    }
}

/// Arguments of `detente pulse`.
#[derive(Debug, Args)]
pub struct PulseArgs {
    /// One actor: atlas id, ISO3 or CAMEO country code (e.g. RUS, USA, EUR).
    pub a: String,
    /// The other actor.
    pub b: String,
    /// First day (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day, included (a partial date means its last day).
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Period length.
    #[arg(long, value_enum, default_value_t = FreqArg::Week)]
    pub freq: FreqArg,
    /// Only events with A as actor 1 and B as actor 2.
    #[arg(long)]
    pub directed: bool,
    /// Event source (gdelt1, gdelt2, icews); needed when the store holds several.
    #[arg(long)]
    pub source: Option<String>,
    /// Read the raw events instead of the daily rollup (same answers, slower).
    #[arg(long)]
    pub from_events: bool,
    /// Draw the series to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

/// The first day of a partial date.
pub fn first_day(s: &str) -> Result<NaiveDate> {
    Ok(s.parse::<detente::PartialDate>()
        .with_context(|| format!("{s:?} is not a date"))?
        .first_day())
}

/// The last day of a partial date: `2015` is 2015-12-31.
pub fn last_day(s: &str) -> Result<NaiveDate> {
    let d = s
        .parse::<detente::PartialDate>()
        .with_context(|| format!("{s:?} is not a date"))?;
    let first = d.first_day();
    Ok(match d.precision() {
        detente::Precision::Year => NaiveDate::from_ymd_opt(first.year(), 12, 31).unwrap_or(first),
        detente::Precision::Month => first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(first),
        _ => first,
    })
}

use chrono::Datelike;

/// A pulse row as CSV writes it.
#[derive(Serialize)]
struct Row<'a> {
    start: NaiveDate,
    end: NaiveDate,
    coverage: f64,
    events: Option<i64>,
    verbal_cooperation: Option<i64>,
    material_cooperation: Option<i64>,
    verbal_conflict: Option<i64>,
    material_conflict: Option<i64>,
    goldstein_mean: Option<f64>,
    goldstein_sum: Option<f64>,
    tone_mean: Option<f64>,
    conflict_share: Option<f64>,
    share_of_all: Option<f64>,
    all_events: Option<i64>,
    source: &'a str,
}

/// A coverage share as a percentage; a sliver is `<1%`, not `0%`.
fn coverage(c: f64) -> String {
    if c > 0.0 && c < 0.01 {
        "<1%".into()
    } else {
        format!("{:.0}%", c * 100.0)
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

fn opt_f(v: Option<f64>, digits: usize) -> String {
    v.map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "–".into())
}

/// `detente pulse`.
pub fn pulse(cfg: &RunConfig, args: &PulseArgs, out: &mut dyn Write) -> Result<Outcome> {
    if let Some(c) = &args.chart {
        chart::check_path(c)?;
    }
    let store = Store::open(&cfg.store)?;
    let q = PulseQuery {
        a: args.a.clone(),
        b: args.b.clone(),
        from: first_day(&args.from)?,
        to: last_day(&args.to)?,
        freq: args.freq.into(),
        directed: args.directed,
        source: args.source.clone(),
        from_events: args.from_events,
    };
    let Some(p) = store.pulse(&q)? else {
        return Ok(Outcome::NoAnswer(
            "the store holds no events; ingest some with `detente ingest PATH`".into(),
        ));
    };
    write_pulse(cfg.format, &p, out)?;
    if let Some(path) = &args.chart {
        chart::write_time_chart(path, &pulse_chart(&p, &q, Vec::new()))?;
        eprintln!("chart written to {}", path.display());
    }
    Ok(Outcome::Answered)
}

fn write_pulse(format: Format, p: &Pulse, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => output::json(out, p)?,
        Format::Csv => {
            let rows: Vec<Row> = p
                .periods
                .iter()
                .map(|x| Row {
                    start: x.start,
                    end: x.end,
                    coverage: x.coverage,
                    events: x.events,
                    verbal_cooperation: x.verbal_cooperation,
                    material_cooperation: x.material_cooperation,
                    verbal_conflict: x.verbal_conflict,
                    material_conflict: x.material_conflict,
                    goldstein_mean: x.goldstein_mean,
                    goldstein_sum: x.goldstein_sum,
                    tone_mean: x.tone_mean,
                    conflict_share: x.conflict_share,
                    share_of_all: x.share_of_all,
                    all_events: x.all_events,
                    source: &p.source,
                })
                .collect();
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(
                out,
                "{} {} {}, {}, {} periods, read from the {}",
                p.a.join("/"),
                if p.directed { "→" } else { "–" },
                p.b.join("/"),
                p.source,
                match p.freq {
                    Freq::Day => "daily",
                    Freq::Week => "weekly",
                    Freq::Month => "monthly",
                },
                p.read_from
            )?;
            let mut t = output::table(&[
                "period",
                "coverage",
                "events",
                "v.coop",
                "m.coop",
                "v.confl",
                "m.confl",
                "goldstein",
                "tone",
                "conflict",
                "share ‰",
            ]);
            for x in &p.periods {
                t.add_row(vec![
                    x.start.to_string(),
                    coverage(x.coverage),
                    opt(x.events),
                    opt(x.verbal_cooperation),
                    opt(x.material_cooperation),
                    opt(x.verbal_conflict),
                    opt(x.material_conflict),
                    opt_f(x.goldstein_mean, 2),
                    opt_f(x.tone_mean, 2),
                    x.conflict_share
                        .map(|v| format!("{:.0}%", v * 100.0))
                        .unwrap_or_else(|| "–".into()),
                    opt_f(x.share_of_all.map(|v| v * 1000.0), 2),
                ]);
            }
            writeln!(out, "{t}")?;
            let missing = p.periods.iter().filter(|x| x.coverage == 0.0).count();
            if missing > 0 {
                writeln!(
                    out,
                    "{missing} of {} periods have no data ingested (–): missing, not quiet.",
                    p.periods.len()
                )?;
            }
        }
    }
    Ok(())
}

/// The pulse as a two-panel chart: events by QuadClass, then mean Goldstein
/// and the conflict share.
pub fn pulse_chart(p: &Pulse, q: &PulseQuery, markers: Vec<Marker>) -> TimeChart {
    let series = |name: &str, f: &dyn Fn(&detente::pulse::Period) -> Option<f64>| TimeSeries {
        name: name.to_string(),
        points: p.periods.iter().map(|x| (x.start, f(x))).collect(),
    };
    let missing: Vec<(NaiveDate, NaiveDate)> = p
        .periods
        .iter()
        .filter(|x| x.coverage == 0.0)
        .map(|x| (x.start, x.end))
        .collect();
    TimeChart {
        title: format!(
            "{} {} {}: {} events ({}, {})",
            q.a.to_uppercase(),
            if p.directed { "→" } else { "–" },
            q.b.to_uppercase(),
            match p.freq {
                Freq::Day => "daily",
                Freq::Week => "weekly",
                Freq::Month => "monthly",
            },
            p.source,
            if missing.is_empty() {
                "all periods covered"
            } else {
                "grey: no data ingested"
            }
        ),
        panels: vec![
            Panel {
                y_label: "events per period".into(),
                series: vec![
                    series("verbal cooperation", &|x| {
                        x.verbal_cooperation.map(|v| v as f64)
                    }),
                    series("material cooperation", &|x| {
                        x.material_cooperation.map(|v| v as f64)
                    }),
                    series("verbal conflict", &|x| x.verbal_conflict.map(|v| v as f64)),
                    series("material conflict", &|x| {
                        x.material_conflict.map(|v| v as f64)
                    }),
                ],
            },
            Panel {
                y_label: "mean Goldstein (−10 to +10)".into(),
                series: vec![series("mean Goldstein", &|x| x.goldstein_mean)],
            },
        ],
        markers,
        missing,
    }
}
