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
    /// Print to standard error how long the answer took, from opening the
    /// store to the last period (printing and charting not included).
    #[arg(long)]
    pub timing: bool,
    /// Compute the answer this many times in this process (opening the store
    /// each time) and, with --timing, print each time: the first pays for a
    /// cold process, the others show the cost of the work itself.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
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
    Ok(d.last_day())
}

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
    let mut answer = None;
    for _ in 0..args.repeat {
        let started = std::time::Instant::now();
        let store = Store::open(&cfg.store)?;
        let Some(p) = store.pulse(&q)? else {
            return Ok(Outcome::NoAnswer(
                "the store holds no events; ingest some with `detente ingest PATH`".into(),
            ));
        };
        if args.timing {
            eprintln!(
                "pulse: {:.6} s, {} periods, read from the {}",
                started.elapsed().as_secs_f64(),
                p.periods.len(),
                p.read_from
            );
        }
        answer = Some(p);
    }
    let Some(p) = answer else {
        return Err(anyhow::anyhow!("--repeat must be at least 1"));
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

/// Arguments of `detente shifts`.
#[derive(Debug, Args)]
pub struct ShiftsArgs {
    /// One actor: atlas id, ISO3 or CAMEO country code.
    pub a: String,
    /// The other actor.
    pub b: String,
    /// First day (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day, included.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Event source (gdelt1, gdelt2, icews); needed when the store holds several.
    #[arg(long)]
    pub source: Option<String>,
    /// Penalty per change, in squared units of the series (default:
    /// 3·σ²·ln(n), σ² estimated from the series).
    #[arg(long)]
    pub penalty: Option<f64>,
    /// List atlas facts dated within this many days of a shift.
    #[arg(long, default_value_t = 45)]
    pub window_days: i64,
    /// Draw the weekly series with the shifts and atlas facts (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

/// `detente shifts`.
pub fn shifts(cfg: &RunConfig, args: &ShiftsArgs, out: &mut dyn Write) -> Result<Outcome> {
    if let Some(c) = &args.chart {
        chart::check_path(c)?;
    }
    if args.penalty.is_some_and(|p| !(p.is_finite() && p > 0.0)) {
        anyhow::bail!("--penalty must be a positive number");
    }
    let store = Store::open(&cfg.store)?;
    let q = detente::shifts::ShiftQuery {
        pulse: PulseQuery {
            a: args.a.clone(),
            b: args.b.clone(),
            from: first_day(&args.from)?,
            to: last_day(&args.to)?,
            freq: Freq::Week,
            directed: false,
            source: args.source.clone(),
            from_events: false,
        },
        penalty: args.penalty,
        window_days: args.window_days,
    };
    let Some(s) = store.shifts(&q)? else {
        return Ok(Outcome::NoAnswer(
            "the store holds no events; ingest some with `detente ingest PATH`".into(),
        ));
    };
    match cfg.format {
        Format::Json => output::json(out, &s)?,
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                series: &'a str,
                date: NaiveDate,
                before: f64,
                after: f64,
                size: f64,
                direction: &'a str,
                fact_date: Option<&'a str>,
                fact: Option<&'a str>,
                source: Option<&'a str>,
                paragraph: Option<u32>,
            }
            let mut rows = Vec::new();
            for x in &s.shifts {
                fn base<'a>(
                    x: &'a detente::shifts::Shift,
                    f: Option<&'a detente::shifts::NearFact>,
                ) -> Row<'a> {
                    Row {
                        series: &x.series,
                        date: x.date,
                        before: x.before,
                        after: x.after,
                        size: x.size,
                        direction: &x.direction,
                        fact_date: f.map(|f| f.date.as_str()),
                        fact: f.map(|f| f.summary.as_str()),
                        source: f.map(|f| f.source.as_str()),
                        paragraph: f.and_then(|f| f.paragraph),
                    }
                }
                if x.facts.is_empty() {
                    rows.push(base(x, None));
                }
                for f in &x.facts {
                    rows.push(base(x, Some(f)));
                }
            }
            if rows.is_empty() {
                writeln!(
                    out,
                    "series,date,before,after,size,direction,fact_date,fact,source,paragraph"
                )?;
            }
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(
                out,
                "{} – {}, {}: {} of {} weeks with events; {}",
                s.pulse.a.join("/"),
                s.pulse.b.join("/"),
                s.pulse.source,
                s.weeks_with_events,
                s.weeks,
                s.method
            )?;
            if s.shifts.is_empty() {
                writeln!(out, "no shift found")?;
            }
            let mut t = output::table(&[
                "week of",
                "series",
                "before",
                "after",
                "direction",
                "atlas facts near it",
            ]);
            for x in &s.shifts {
                let facts = if x.facts.is_empty() {
                    "–".to_string()
                } else {
                    x.facts
                        .iter()
                        .map(|f| {
                            format!(
                                "{} {} ({})",
                                f.date,
                                f.summary,
                                output::cite(&f.source, f.paragraph)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                t.add_row(vec![
                    x.date.to_string(),
                    x.series.replace('_', " "),
                    format!("{:.3}", x.before),
                    format!("{:.3}", x.after),
                    x.direction.clone(),
                    facts,
                ]);
            }
            if !s.shifts.is_empty() {
                writeln!(out, "{t}")?;
            }
        }
    }
    if let Some(path) = &args.chart {
        let mut markers: Vec<Marker> = s
            .shifts
            .iter()
            .map(|x| Marker {
                day: x.date,
                label: format!(
                    "shift in {}: {:.2} → {:.2} ({})",
                    x.series.replace('_', " "),
                    x.before,
                    x.after,
                    x.direction
                ),
                shift: true,
            })
            .collect();
        for f in &s.facts_in_range {
            if let Ok(d) = f.date.parse::<detente::PartialDate>() {
                let day = d.first_day().max(q.pulse.from);
                markers.push(Marker {
                    day,
                    label: format!("{} ({})", f.summary, output::cite(&f.source, f.paragraph)),
                    shift: false,
                });
            }
        }
        markers.sort_by_key(|m| m.day);
        chart::write_time_chart(path, &pulse_chart(&s.pulse, &q.pulse, markers))?;
        eprintln!("chart written to {}", path.display());
    }
    Ok(Outcome::Answered)
}

/// Rankings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RankArg {
    /// Events of QuadClass 3 and 4.
    Conflict,
    /// Events of QuadClass 1 and 2.
    Cooperation,
    /// All events.
    Volume,
}

/// Arguments of `detente top-dyads`.
#[derive(Debug, Args)]
pub struct TopDyadsArgs {
    /// First day.
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day, included.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// What to rank by.
    #[arg(long, value_enum, default_value_t = RankArg::Conflict)]
    pub by: RankArg,
    /// How many dyads.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Event source; needed when the store holds several.
    #[arg(long)]
    pub source: Option<String>,
}

/// `detente top-dyads`.
pub fn top_dyads(cfg: &RunConfig, args: &TopDyadsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let store = Store::open(&cfg.store)?;
    let by = match args.by {
        RankArg::Conflict => detente::pulse::Rank::Conflict,
        RankArg::Cooperation => detente::pulse::Rank::Cooperation,
        RankArg::Volume => detente::pulse::Rank::Volume,
    };
    if args.limit == 0 {
        anyhow::bail!("--limit must be at least 1");
    }
    let (from, to) = (first_day(&args.from)?, last_day(&args.to)?);
    if to < from {
        anyhow::bail!("--to {to} is before --from {from}");
    }
    let Some(t) = store.top_dyads(from, to, by, args.limit, args.source.as_deref())? else {
        return Ok(Outcome::NoAnswer(
            "the store holds no events; ingest some with `detente ingest PATH`".into(),
        ));
    };
    match cfg.format {
        Format::Json => output::json(out, &t)?,
        Format::Csv => output::csv(out, &t.dyads)?,
        _ => {
            let mut table = output::table(&[
                "dyad",
                "events",
                "cooperation",
                "conflict",
                "goldstein",
                "share ‰",
            ]);
            for d in &t.dyads {
                table.add_row(vec![
                    d.dyad.clone(),
                    d.events.to_string(),
                    d.cooperation.to_string(),
                    d.conflict.to_string(),
                    opt_f(d.goldstein_mean, 2),
                    format!("{:.2}", d.share_of_all * 1000.0),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(Outcome::Answered)
}
