//! `detente ingest` and `detente events stats`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{Format, RunConfig};
use crate::commands::Outcome;
use crate::output;
use detente::events::{EventStore, Format as EventFormat, IngestOptions, Progress};
use detente::ingest::FileOutcome;

/// The options of `detente ingest`.
pub struct Options<'a> {
    pub format: Option<&'a str>,
    pub force: bool,
    pub memory_mib: Option<u64>,
    pub quiet: bool,
}

/// Ingests the files under `paths`, with a progress bar or log lines, and
/// prints what happened to each file and the totals.
pub fn ingest(
    cfg: &RunConfig,
    paths: &[PathBuf],
    options: &Options<'_>,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let quiet = options.quiet;
    let format =
        match options.format {
            None => None,
            Some(f) => Some(EventFormat::parse(f).with_context(|| {
                format!("--source-format {f:?}: expected gdelt1, gdelt2 or icews")
            })?),
        };
    let files = detente::ingest::expand(paths)?;
    if files.is_empty() {
        bail!("no input files found in {:?}", paths);
    }
    // Ingesting needs the event store alone: opening the atlas as well
    // would build it in a new store (about 50 ms) for nothing.
    let mut events = EventStore::open(&cfg.store)?;
    let opts = IngestOptions {
        format,
        force: options.force,
        memory_budget: options
            .memory_mib
            .map(|m| usize::try_from(m << 20).unwrap_or(usize::MAX)),
        ..IngestOptions::default()
    };
    let terminal = std::io::stderr().is_terminal() && !quiet;
    let mut rows = Vec::new();
    let (mut failed, mut quarantined) = (0usize, 0u64);
    let total_files = files.len();
    let run_started = std::time::Instant::now();
    for (i, f) in files.iter().enumerate() {
        let bar = terminal.then(|| {
            let b = ProgressBar::new(std::fs::metadata(f).map(|m| m.len()).unwrap_or(0));
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_prefix(format!("[{}/{total_files}] {}", i + 1, short(f)));
            b
        });
        let started = std::time::Instant::now();
        let report = |p: Progress| {
            if let Some(b) = &bar {
                b.set_position(p.bytes);
                let secs = started.elapsed().as_secs_f64().max(1e-6);
                b.set_message(format!(
                    "{} rows, {:.0} rows/s",
                    p.rows,
                    p.rows as f64 / secs
                ));
            }
        };
        let result = detente::ingest::ingest_file(&mut events, f, &opts, &report);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let row = result?;
        if row.failed() {
            failed += 1;
        } else if row.ingested() {
            quarantined += row.rows_quarantined;
        }
        if !terminal && !quiet {
            eprintln!(
                "[{}/{total_files}] {}: {}; {} rows read, {} written, {} quarantined",
                i + 1,
                row.path,
                row.outcome,
                row.rows_read,
                row.rows_written,
                row.rows_quarantined
            );
        }
        rows.push(row);
    }
    match cfg.format {
        Format::Json => output::json(out, &rows)?,
        Format::Csv => output::csv(out, &rows)?,
        _ => {
            let mut t = output::table(&[
                "file",
                "outcome",
                "format",
                "read",
                "written",
                "quarantined",
                "flagged",
            ]);
            // Many files: list only those that need a look.
            let show_all = rows.len() <= 20;
            let shown: Vec<&FileOutcome> = rows
                .iter()
                .filter(|r| show_all || r.outcome != "ingested" || r.rows_quarantined > 0)
                .collect();
            for r in &shown {
                t.add_row(vec![
                    short(Path::new(&r.path)),
                    r.outcome.to_string(),
                    r.format.clone().unwrap_or_default(),
                    r.rows_read.to_string(),
                    r.rows_written.to_string(),
                    r.rows_quarantined.to_string(),
                    r.rows_flagged.to_string(),
                ]);
            }
            if !shown.is_empty() {
                writeln!(out, "{t}")?;
            }
            let sum = |f: fn(&FileOutcome) -> u64| {
                rows.iter()
                    .filter(|r| r.outcome == "ingested")
                    .map(f)
                    .sum::<u64>()
            };
            let ingested = rows.iter().filter(|r| r.outcome == "ingested").count();
            let skipped = rows
                .iter()
                .filter(|r| r.outcome == "already ingested")
                .count();
            writeln!(
                out,
                "{} files: {ingested} ingested, {skipped} already ingested, {failed} failed; {} rows read, {} written, {} quarantined, {} flagged, in {:.2} s",
                rows.len(),
                sum(|r| r.rows_read),
                sum(|r| r.rows_written),
                sum(|r| r.rows_quarantined),
                sum(|r| r.rows_flagged),
                run_started.elapsed().as_secs_f64(),
            )?;
            for r in rows.iter().filter(|r| r.error.is_some()) {
                let error = r.error.clone().unwrap_or_default();
                if error.contains(&r.path) {
                    writeln!(out, "  {error}")?;
                } else {
                    writeln!(out, "  {}: {error}", short(Path::new(&r.path)))?;
                }
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {total_files} files could not be ingested (see above; other files were committed)"
        );
    }
    if quarantined > 0 {
        return Ok(Outcome::Quarantined(quarantined));
    }
    Ok(Outcome::Answered)
}

fn short(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Runs `detente events stats`.
pub fn stats(cfg: &RunConfig, out: &mut dyn Write) -> Result<Outcome> {
    let events = EventStore::open(&cfg.store)?;
    let s = events.stats()?;
    match cfg.format {
        Format::Json => output::json(out, &s)?,
        Format::Csv => output::csv(out, &s.months)?,
        _ => {
            if s.months.is_empty() {
                writeln!(
                    out,
                    "No events ingested yet: `detente ingest PATH...` reads GDELT 1.0/2.0 and ICEWS files."
                )?;
            } else {
                let mut t = output::table(&["source", "month", "rows", "files"]);
                for m in &s.months {
                    t.add_row(vec![
                        m.source.clone(),
                        format!("{:04}-{:02}", m.year, m.month),
                        m.rows.to_string(),
                        m.files.to_string(),
                    ]);
                }
                writeln!(
                    out,
                    "Rows by source and month of the event (partition):\n{t}"
                )?;
            }
            let mut c =
                output::table(&["source", "files", "event days", "batches added", "batches"]);
            for x in &s.coverage {
                c.add_row(vec![
                    x.source.clone(),
                    x.files.to_string(),
                    format!(
                        "{} .. {}",
                        x.first_day.clone().unwrap_or_default(),
                        x.last_day.clone().unwrap_or_default()
                    ),
                    match (&x.first_batch, &x.last_batch) {
                        (Some(a), Some(b)) => format!("{a} .. {b} UTC"),
                        _ => String::new(),
                    },
                    if x.batches > 0 {
                        x.batches.to_string()
                    } else {
                        String::new()
                    },
                ]);
            }
            if !s.coverage.is_empty() {
                writeln!(out, "\nCoverage:\n{c}")?;
            }
            if !s.gaps.is_empty() {
                let missing: u64 = s.gaps.iter().map(|g| g.missing).sum();
                writeln!(
                    out,
                    "\nGaps: {} stretches, {missing} batches missing (no data, not zero events):",
                    s.gaps.len()
                )?;
                let mut g = output::table(&[
                    "source",
                    "first missing (UTC)",
                    "last missing (UTC)",
                    "batches",
                ]);
                for x in &s.gaps {
                    g.add_row(vec![
                        x.source.clone(),
                        x.from.clone(),
                        x.to.clone(),
                        x.missing.to_string(),
                    ]);
                }
                writeln!(out, "{g}")?;
            }
            if !s.reasons.is_empty() {
                let mut r = output::table(&["rows", "reason", "count"]);
                for x in &s.reasons {
                    r.add_row(vec![x.kind.clone(), x.reason.clone(), x.rows.to_string()]);
                }
                writeln!(out, "\nQuarantined and flagged rows:\n{r}")?;
            }
            if !s.failures.is_empty() {
                writeln!(out, "\nFiles that could not be read:")?;
                for f in &s.failures {
                    writeln!(out, "  {} ({}): {}", f.path, f.at, f.error)?;
                }
            }
        }
    }
    Ok(Outcome::Answered)
}
