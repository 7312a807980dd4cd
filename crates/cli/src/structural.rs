//! `detente stateyears`, `dyadyears`, `similarity`, `cite` and `datasets`:
//! the structural data (COW, MIDs, FAS, UN votes).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use detente::chart::{self, Marker, Panel, TimeChart, TimeSeries};
use detente::export::TableFormat;
use detente::structural::{
    self as st, Covariate, Dataset, Origin, SourceUse, Structural, Unit, YearsQuery,
};

use crate::args::{Format, RunConfig};
use crate::commands::Outcome;
use crate::output;

/// Where the data sets come from.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Read the data sets from this folder (the published file names, plain or
    /// .gz, up to two levels down) instead of the bundled copies.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataArgs {
    fn origin(&self) -> Result<Origin> {
        match &self.data_dir {
            None => Ok(Origin::Bundled),
            Some(d) if d.is_dir() => Ok(Origin::Folder(d.clone())),
            Some(d) => bail!("--data-dir {}: not a folder", d.display()),
        }
    }
}

/// Covariate flags shared by `stateyears` and `dyadyears`.
#[derive(Debug, Args)]
pub struct CovariateArgs {
    /// Capabilities (NMC 5.0, 1816-2012): CINC and, for state-years, its six components.
    #[arg(long)]
    pub capabilities: bool,
    /// Major-power status (COW 2016).
    #[arg(long)]
    pub majors: bool,
    /// Colonial/dependency contiguity (COW 3.1, 1816-2016): type 1-5, 0 none.
    #[arg(long)]
    pub contiguity: bool,
    /// Militarized interstate disputes (dyadic MIDs 4.02, 1816-2014): onset, ongoing, hostility.
    #[arg(long)]
    pub mids: bool,
    /// Wars (COW 4.0, 1816-2007; intra-state 5.1, 1816-2014).
    #[arg(long)]
    pub wars: bool,
    /// Nuclear warheads (FAS, 1945-2023).
    #[arg(long)]
    pub nuclear: bool,
    /// UN General Assembly voting (1946-2019): for dyads agreement, S and kappa.
    #[arg(long)]
    pub votes: bool,
    /// Every covariate above.
    #[arg(long)]
    pub all: bool,
}

impl CovariateArgs {
    fn set(&self) -> BTreeSet<Covariate> {
        let flags = [
            (self.capabilities, Covariate::Capabilities),
            (self.majors, Covariate::Majors),
            (self.contiguity, Covariate::Contiguity),
            (self.mids, Covariate::Mids),
            (self.wars, Covariate::Wars),
            (self.nuclear, Covariate::Nuclear),
            (self.votes, Covariate::Votes),
        ];
        flags
            .into_iter()
            .filter(|(on, _)| *on || self.all)
            .map(|(_, c)| c)
            .collect()
    }
}

/// Arguments of `detente stateyears`.
#[derive(Debug, Args)]
pub struct StateYearsArgs {
    /// First year (1816 or later).
    #[arg(long, default_value_t = 1816)]
    pub from: i32,
    /// Last year (2016 or earlier).
    #[arg(long, default_value_t = 2016)]
    pub to: i32,
    #[command(flatten)]
    pub covariates: CovariateArgs,
    /// Write to this file (replaced only once complete); its sources are
    /// recorded in the Parquet footer or beside it in FILE.sources.json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// Arguments of `detente dyadyears`.
#[derive(Debug, Args)]
pub struct DyadYearsArgs {
    /// First year (1816 or later).
    #[arg(long, default_value_t = 1816)]
    pub from: i32,
    /// Last year (2016 or earlier).
    #[arg(long, default_value_t = 2016)]
    pub to: i32,
    /// Both (A, B) and (B, A); without it each pair once, ccode1 < ccode2.
    #[arg(long)]
    pub directed: bool,
    /// Only dyads with a major power or colonial contiguity (direct
    /// contiguity is not in the bundled data).
    #[arg(long)]
    pub politically_relevant: bool,
    #[command(flatten)]
    pub covariates: CovariateArgs,
    /// Write to this file (replaced only once complete); its sources are
    /// recorded in the Parquet footer or beside it in FILE.sources.json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

fn table_format(format: Format, out: &Option<PathBuf>) -> Result<TableFormat> {
    Ok(match format {
        Format::Csv | Format::Table => TableFormat::Csv,
        Format::Json => TableFormat::Json,
        Format::Parquet => {
            if out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                bail!(
                    "--format parquet writes binary: give --out FILE or redirect standard output"
                );
            }
            TableFormat::Parquet
        }
        Format::Md => bail!("--format md is only available for `detente report`"),
    })
}

fn write_years(
    cfg: &RunConfig,
    unit: Unit,
    q: YearsQuery,
    file: &Option<PathBuf>,
    data: &DataArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let format = table_format(cfg.format, file)?;
    let origin = data.origin()?;
    let started = std::time::Instant::now();
    let (table, loaded) = st::build_years(&origin, unit, &q)?;
    let sources = st::sources_used(&loaded, &table.datasets);
    warn_skipped(&loaded);
    match file {
        Some(path) => {
            st::write_table(&table, &sources, format, Some(path), &mut std::io::sink())?;
            eprintln!(
                "{} rows written to {} in {:.2} s; sources: {}",
                table.num_rows(),
                path.display(),
                started.elapsed().as_secs_f64(),
                sources
                    .iter()
                    .map(|s| s.dataset.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        None => {
            let mut buf: Vec<u8> = Vec::new();
            st::write_table(&table, &sources, format, None, &mut buf)?;
            out.write_all(&buf)?;
        }
    }
    Ok(Outcome::Answered)
}

/// Rows a reader could not use are said on standard error, never dropped silently.
fn warn_skipped(data: &Structural) {
    for r in &data.reports {
        for (reason, n) in r.skipped_by_reason() {
            eprintln!(
                "detente: {} ({}): {n} row(s) skipped: {reason}",
                r.dataset, r.origin
            );
        }
    }
}

/// `detente stateyears`.
pub fn stateyears(cfg: &RunConfig, a: &StateYearsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let q = YearsQuery {
        from: a.from,
        to: a.to,
        covariates: a.covariates.set(),
        directed: false,
        politically_relevant: false,
    };
    write_years(cfg, Unit::States, q, &a.out, &a.data, out)
}

/// `detente dyadyears`.
pub fn dyadyears(cfg: &RunConfig, a: &DyadYearsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let q = YearsQuery {
        from: a.from,
        to: a.to,
        covariates: a.covariates.set(),
        directed: a.directed,
        politically_relevant: a.politically_relevant,
    };
    write_years(cfg, Unit::Dyads, q, &a.out, &a.data, out)
}

/// Arguments of `detente similarity`.
#[derive(Debug, Args)]
pub struct SimilarityArgs {
    /// One state: ISO3 (USA), COW abbreviation (GFR) or COW number (2).
    pub a: String,
    /// The other state.
    pub b: String,
    /// First year.
    #[arg(long, default_value_t = 1946)]
    pub from: i32,
    /// Last year.
    #[arg(long, default_value_t = 2019)]
    pub to: i32,
    /// Draw agreement, S and kappa to this file (.svg or .png), with the
    /// atlas facts of the pair marked.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Serialize)]
struct SimilarityRow {
    year: i32,
    roll_calls: u32,
    votes_both: Option<u32>,
    agree: Option<f64>,
    s: Option<f64>,
    kappa: Option<f64>,
}

fn round4(v: Option<f64>) -> Option<f64> {
    v.map(|x| (x * 1e4).round() / 1e4)
}

/// `detente similarity A B`.
pub fn similarity(cfg: &RunConfig, a: &SimilarityArgs, out: &mut dyn Write) -> Result<Outcome> {
    if a.from > a.to {
        bail!("--from {} is after --to {}", a.from, a.to);
    }
    let origin = a.data.origin()?;
    let data = Structural::load(&origin, &[Dataset::States, Dataset::UnVotes])?;
    warn_skipped(&data);
    let sa = st::resolve_state(&a.a, &data.states)?;
    let sb = st::resolve_state(&a.b, &data.states)?;
    if sa.ccode == sb.ccode {
        bail!("{} and {} are the same state (COW {})", a.a, a.b, sa.ccode);
    }
    let series = st::similarity_series(&data, sa.ccode, sb.ccode, a.from, a.to);
    if series.is_empty() {
        bail!(
            "the UN vote data cover 1946-2019; {}-{} lies outside",
            a.from,
            a.to
        );
    }
    let rows: Vec<SimilarityRow> = series
        .iter()
        .map(|y| SimilarityRow {
            year: y.year,
            roll_calls: y.roll_calls,
            votes_both: y.similarity.map(|s| s.votes),
            agree: round4(y.similarity.map(|s| s.agree)),
            s: round4(y.similarity.map(|s| s.s)),
            kappa: round4(y.similarity.and_then(|s| s.kappa)),
        })
        .collect();
    let citation = Dataset::UnVotes.citation().plain();
    match cfg.format {
        Format::Json => output::json(
            out,
            &serde_json::json!({
                "a": {"ccode": sa.ccode, "abbrev": sa.abbrev, "name": sa.name},
                "b": {"ccode": sb.ccode, "abbrev": sb.abbrev, "name": sb.name},
                "method": METHOD,
                "source": citation,
                "years": rows,
            }),
        )?,
        Format::Csv => output::csv(out, &rows)?,
        _ => {
            writeln!(
                out,
                "UN General Assembly voting similarity, {} ({}, COW {}) and {} ({}, COW {})",
                sa.name, sa.abbrev, sa.ccode, sb.name, sb.abbrev, sb.ccode
            )?;
            let mut t = output::table(&["year", "roll calls", "both voted", "agree", "S", "kappa"]);
            let f = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.3}"));
            for r in &rows {
                t.add_row(vec![
                    r.year.to_string(),
                    r.roll_calls.to_string(),
                    r.votes_both.map_or("-".into(), |v| v.to_string()),
                    f(r.agree),
                    f(r.s),
                    f(r.kappa),
                ]);
            }
            writeln!(out, "{t}")?;
            writeln!(out, "Method: {METHOD}")?;
            writeln!(out, "Source: {citation}")?;
        }
    }
    if let Some(path) = &a.chart {
        let markers = atlas_markers(cfg, &a.a, &a.b, a.from, a.to);
        chart::write_time_chart(path, &similarity_chart(&sa, &sb, &rows, markers))?;
        eprintln!("chart written to {}", path.display());
    }
    Ok(Outcome::Answered)
}

const METHOD: &str = "per calendar year over roll calls both voted on (yes 1, abstain 2, no 3): \
agree = 1 - sum|x-y|/2n (Voeten); S = 1 - sum|x-y|/n (Signorino and Ritter, city-block, equal weights, \
so S = 2 agree - 1); kappa = Cohen's kappa over the three votes";

/// The atlas facts of the pair dated inside the years, as chart markers.
/// The atlas is optional here: without a store, or when it does not know
/// the actors, the chart has no markers.
fn atlas_markers(cfg: &RunConfig, a: &str, b: &str, from: i32, to: i32) -> Vec<Marker> {
    let Ok(store) = detente::Store::open(&cfg.store) else {
        return Vec::new();
    };
    let Ok(facts) = store.atlas().history(a, b) else {
        return Vec::new();
    };
    let mut markers: Vec<Marker> = facts
        .iter()
        .filter_map(|f| {
            let d: detente::PartialDate = f.valid_from.as_deref()?.parse().ok()?;
            let day = d.first_day();
            (from..=to)
                .contains(&chrono::Datelike::year(&day))
                .then(|| Marker {
                    day,
                    label: format!("{} ({})", f.summary, output::cite(&f.source, f.paragraph)),
                    shift: false,
                })
        })
        .collect();
    markers.sort_by_key(|m| m.day);
    markers
}

fn similarity_chart(
    a: &st::CowState,
    b: &st::CowState,
    rows: &[SimilarityRow],
    markers: Vec<Marker>,
) -> TimeChart {
    let mid = |y: i32| NaiveDate::from_ymd_opt(y, 7, 1).unwrap_or_default();
    let series = |name: &str, f: &dyn Fn(&SimilarityRow) -> Option<f64>| TimeSeries {
        name: name.to_string(),
        points: rows.iter().map(|r| (mid(r.year), f(r))).collect(),
    };
    let missing = rows
        .iter()
        .filter(|r| r.votes_both.is_none())
        .map(|r| {
            (
                NaiveDate::from_ymd_opt(r.year, 1, 1).unwrap_or_default(),
                NaiveDate::from_ymd_opt(r.year, 12, 31).unwrap_or_default(),
            )
        })
        .collect();
    TimeChart {
        title: format!(
            "UN General Assembly voting, {} and {} (grey: no common votes)",
            a.name, b.name
        ),
        panels: vec![
            Panel {
                y_label: "agreement (0 to 1)".into(),
                series: vec![series("agree (Voeten)", &|r| r.agree)],
            },
            Panel {
                y_label: "similarity (-1 to 1)".into(),
                series: vec![
                    series("S (Signorino-Ritter)", &|r| r.s),
                    series("kappa (Cohen)", &|r| r.kappa),
                ],
            },
        ],
        markers,
        missing,
    }
}

/// Arguments of `detente cite`.
#[derive(Debug, Args)]
pub struct CiteArgs {
    /// A file written by detente (Parquet, or CSV/JSON with its .sources.json).
    pub file: Option<PathBuf>,
    /// Cite these data sets (see `detente datasets`), e.g. --dataset nmc.
    #[arg(long, value_name = "NAME")]
    pub dataset: Vec<String>,
    /// Only BibTeX.
    #[arg(long, conflicts_with = "plain")]
    pub bibtex: bool,
    /// Only plain text.
    #[arg(long)]
    pub plain: bool,
}

/// `detente cite`.
pub fn cite(cfg: &RunConfig, a: &CiteArgs, out: &mut dyn Write) -> Result<Outcome> {
    let mut used: Vec<SourceUse> = Vec::new();
    let mut datasets: Vec<Dataset> = Vec::new();
    if let Some(f) = &a.file {
        used = st::sources_of_file(f)?;
        for u in &used {
            datasets.push(
                Dataset::from_name(&u.dataset).with_context(|| {
                    format!("{}: unknown data set {:?}", f.display(), u.dataset)
                })?,
            );
        }
    }
    for name in &a.dataset {
        datasets.push(Dataset::from_name(name).with_context(|| {
            format!(
                "unknown data set {name:?}; known: {}",
                Dataset::ALL.map(|d| d.name()).join(", ")
            )
        })?);
    }
    if a.file.is_none() && a.dataset.is_empty() {
        datasets = Dataset::ALL.to_vec();
    }
    let cites = st::citations(&datasets);
    if cfg.format == Format::Json {
        #[derive(Serialize)]
        struct Cite {
            key: &'static str,
            plain: String,
            bibtex: String,
        }
        let v: Vec<Cite> = cites
            .iter()
            .map(|c| Cite {
                key: c.key,
                plain: c.plain(),
                bibtex: c.bibtex(),
            })
            .collect();
        output::json(out, &serde_json::json!({"sources": used, "citations": v}))?;
        return Ok(Outcome::Answered);
    }
    if !used.is_empty() {
        writeln!(
            out,
            "Data used by {}:",
            a.file
                .as_ref()
                .map_or(String::new(), |f| f.display().to_string())
        )?;
        for u in &used {
            writeln!(
                out,
                "  {} ({}), {}, sha256 {}",
                u.title,
                u.origin,
                format_args!("{}-{}", u.years.0, u.years.1),
                &u.sha256[..16.min(u.sha256.len())]
            )?;
        }
        writeln!(out)?;
    }
    if !a.bibtex {
        for c in &cites {
            writeln!(out, "{}", c.plain())?;
        }
    }
    if !a.plain {
        if !a.bibtex {
            writeln!(out)?;
        }
        for c in &cites {
            writeln!(out, "{}\n", c.bibtex())?;
        }
    }
    Ok(Outcome::Answered)
}

/// Arguments of `detente datasets`.
#[derive(Debug, Args)]
pub struct DatasetsArgs {
    /// Read every file and report rows, encoding, line ends and what could not be read.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Serialize)]
struct DatasetRow {
    name: &'static str,
    title: &'static str,
    file: &'static str,
    years: String,
    rows: Option<usize>,
    used: Option<usize>,
    skipped: Option<usize>,
    encoding: Option<&'static str>,
    line_ends: Option<&'static str>,
    notes: Vec<String>,
    skipped_reasons: Vec<(String, usize)>,
}

/// `detente datasets [--check]`. With --check, exit status 4 when a row was skipped.
pub fn datasets(cfg: &RunConfig, a: &DatasetsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let data = if a.check {
        Some(Structural::load(&a.data.origin()?, &Dataset::ALL)?)
    } else {
        None
    };
    let rows: Vec<DatasetRow> = Dataset::ALL
        .iter()
        .map(|&d| {
            let r = data.as_ref().and_then(|x| x.report(d));
            DatasetRow {
                name: d.name(),
                title: d.title(),
                file: d.file_name(),
                years: if d == Dataset::CountryCodelist {
                    "-".to_string()
                } else {
                    format!("{}-{}", d.years().0, d.years().1)
                },
                rows: r.map(|r| r.rows),
                used: r.map(|r| r.used),
                skipped: r.map(|r| r.rows - r.used),
                encoding: r.map(|r| r.encoding),
                line_ends: r.map(|r| r.line_ends),
                notes: r.map(|r| r.notes.clone()).unwrap_or_default(),
                skipped_reasons: r.map(|r| r.skipped_by_reason()).unwrap_or_default(),
            }
        })
        .collect();
    let skipped: usize = rows.iter().filter_map(|r| r.skipped).sum();
    match cfg.format {
        Format::Json => output::json(out, &rows)?,
        _ => {
            let mut header = vec!["name", "title", "years"];
            if a.check {
                header.extend(["rows", "used", "encoding", "line ends"]);
            }
            let mut t = output::table(&header);
            for r in &rows {
                let mut row = vec![r.name.to_string(), r.title.to_string(), r.years.clone()];
                if a.check {
                    row.extend([
                        r.rows.unwrap_or(0).to_string(),
                        r.used.unwrap_or(0).to_string(),
                        r.encoding.unwrap_or("").to_string(),
                        r.line_ends.unwrap_or("").to_string(),
                    ]);
                }
                t.add_row(row);
            }
            writeln!(out, "{t}")?;
            for r in &rows {
                for n in &r.notes {
                    writeln!(out, "{}: {n}", r.name)?;
                }
                for (reason, n) in &r.skipped_reasons {
                    writeln!(out, "{}: {n} row(s) skipped: {reason}", r.name)?;
                }
            }
            if let Some(d) = &data {
                let unmatched: Vec<&str> = d
                    .vote_matrix
                    .matches
                    .iter()
                    .filter(|m| m.ccode.is_none())
                    .map(|m| m.country.as_str())
                    .collect();
                writeln!(
                    out,
                    "un_votes: {} countries matched to COW codes, {} unmatched{}",
                    d.vote_matrix.matches.len() - unmatched.len(),
                    unmatched.len(),
                    if unmatched.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", unmatched.join(", "))
                    }
                )?;
            }
        }
    }
    if skipped > 0 {
        return Ok(Outcome::Skipped(skipped as u64));
    }
    Ok(Outcome::Answered)
}
