//! Command-line arguments: the raw clap layer, then the checked configuration
//! the commands use.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

/// detente: who deals with whom, how relations move between confrontation and
/// cooperation, and where every fact comes from.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Store folder (created and filled with the bundled facts on first use).
    /// Default: `detente` under the user's data folder, e.g. ~/.local/share/detente.
    #[arg(long, global = true, env = "DETENTE_STORE", value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Output format. `md` is for `report`.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Answer as of this date (YYYY, YYYY-MM or YYYY-MM-DD; a partial date means
    /// its first day). Default: today.
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// JSON with stable field names, for scripts.
    Json,
    /// CSV with a header row.
    Csv,
    /// Markdown (report only).
    Md,
    /// Parquet (sql, stateyears, dyadyears; give --out FILE or redirect standard output).
    Parquet,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// An actor: names, codes, kind, memberships.
    Actor {
        /// ISO3 code, organisation id, COW code or name (e.g. RUS, NATO, 365, Russia).
        actor: String,
    },
    /// The relations of an actor as of a date, each with its citation.
    Relations {
        /// The actor.
        actor: String,
        /// Only this kind (diplomatic, stance, alliance, conflict, sanction, aid, mediation ...).
        #[arg(long)]
        kind: Option<String>,
        /// Only this status (e.g. none, severed, positive, hostile).
        #[arg(long)]
        status: Option<String>,
    },
    /// The timeline of two actors, oldest first, every entry cited.
    History {
        /// One actor.
        a: String,
        /// The other actor.
        b: String,
    },
    /// A treaty: parties, steps, terms and its status as of a date.
    Treaty {
        /// Treaty id or name (e.g. new-start, jcpoa, "Minsk Agreements").
        treaty: String,
    },
    /// List facts, by source or by full-text search.
    Facts {
        /// Only facts drawn from this source (see `detente sources`).
        #[arg(long)]
        source: Option<String>,
        /// Full-text search over facts and their quotes, best match first.
        #[arg(long)]
        search: Option<String>,
    },
    /// The sources the atlas holds, with their fact counts.
    Sources,
    /// One readable report of an actor's foreign relations as of a date.
    Report {
        /// The actor.
        actor: String,
    },
    /// Add facts of your own.
    Fact {
        #[command(subcommand)]
        action: FactAction,
    },
    /// Ingest GDELT 1.0, GDELT 2.0 or ICEWS event files (plain, .gz or .zip;
    /// files, folders or glob patterns) into the store's Parquet data set.
    Ingest {
        /// Files, folders (searched recursively) or quoted glob patterns.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Read as this format instead of detecting it: gdelt1, gdelt2, icews.
        #[arg(long = "source-format", value_name = "FORMAT")]
        source_format: Option<String>,
        /// Re-ingest files already ingested, replacing their rows.
        #[arg(long)]
        force: bool,
        /// Memory the months being written may hold, in MiB (default 160);
        /// row groups are closed early to stay within it.
        #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
        memory: Option<u64>,
        /// No progress bar and no per-file lines.
        #[arg(long, short)]
        quiet: bool,
    },
    /// The event data set: rows by source and month, coverage and gaps,
    /// quarantine counts.
    Events {
        #[command(subcommand)]
        action: EventsAction,
    },
    /// SQL over events, atlas and CAMEO tables (DataFusion). Without a query:
    /// an interactive shell on a terminal, else statements read from stdin.
    Sql {
        /// One statement, e.g. "SELECT count(*) FROM events".
        query: Option<String>,
        /// Write the result to this file (with --format csv, json or parquet),
        /// replacing it only once the whole result is written.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Print each statement's run time and row count to standard error.
        #[arg(long)]
        timing: bool,
    },
    /// The HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json) and the web
    /// dashboard (/), until Ctrl-C.
    Serve(crate::serve::ServeArgs),
    /// How two actors' relations move: events per period by QuadClass, mean
    /// Goldstein and tone, the dyad's share of all events, with coverage.
    Pulse(crate::analysis::PulseArgs),
    /// When two actors' relations turned: change points in the weekly mean
    /// Goldstein and conflict share, with the atlas facts dated near them.
    Shifts(crate::analysis::ShiftsArgs),
    /// The dyads with the most conflict, cooperation or events in a range.
    TopDyads(crate::analysis::TopDyadsArgs),
    /// State-years of the COW state system with covariates (CSV on standard
    /// output unless --format/--out say otherwise).
    Stateyears(crate::structural::StateYearsArgs),
    /// Dyad-years of the COW state system with covariates.
    Dyadyears(crate::structural::DyadYearsArgs),
    /// Two states' UN General Assembly voting similarity per year: agreement,
    /// Signorino-Ritter S and Cohen's kappa.
    Similarity(crate::structural::SimilarityArgs),
    /// Citations (plain text and BibTeX) of the data a file written by
    /// detente used, of named data sets, or of all.
    Cite(crate::structural::CiteArgs),
    /// The structural data sets: what each is, its years; --check reads them all.
    Datasets(crate::structural::DatasetsArgs),
    /// The field's models: bdm, arms-race, compliance, ipd, evolve.
    Model {
        #[command(subcommand)]
        model: crate::model::ModelCommand,
    },
}

/// `detente events ...`
#[derive(Debug, Subcommand)]
pub enum EventsAction {
    /// Rows per source and month, coverage with gaps, quarantine counts.
    Stats,
}

/// `detente fact ...`
#[derive(Debug, Subcommand)]
pub enum FactAction {
    /// Add the cited facts of a TOML file, checked first, in one transaction.
    Add {
        /// The curated file (see crates/atlas/facts/ for the format).
        #[arg(long)]
        file: PathBuf,
    },
}

/// The checked configuration every command runs with.
#[derive(Debug)]
pub struct RunConfig {
    /// Store folder.
    pub store: PathBuf,
    /// Output format.
    pub format: Format,
    /// The day questions are asked about.
    pub as_of: NaiveDate,
    /// Whether the date was given at year or month precision.
    pub as_of_given: Option<String>,
}

impl TryFrom<&Cli> for RunConfig {
    type Error = anyhow::Error;

    fn try_from(cli: &Cli) -> anyhow::Result<RunConfig> {
        let store = match &cli.store {
            Some(p) => p.clone(),
            None => detente::Store::default_root()?,
        };
        let as_of = match &cli.as_of {
            None => chrono::Utc::now().date_naive(),
            Some(s) => s
                .parse::<detente::PartialDate>()
                .with_context(|| format!("--as-of {s:?}"))?
                .first_day(),
        };
        let md_ok = matches!(cli.command, Command::Report { .. });
        if cli.format == Format::Md && !md_ok {
            bail!("--format md is only available for `detente report`; use table, json or csv");
        }
        if cli.format == Format::Parquet
            && !matches!(
                cli.command,
                Command::Sql { .. } | Command::Stateyears(_) | Command::Dyadyears(_)
            )
        {
            bail!(
                "--format parquet is only available for `detente sql`, `stateyears` and `dyadyears`"
            );
        }
        Ok(RunConfig {
            store,
            format: cli.format,
            as_of,
            as_of_given: cli.as_of.clone(),
        })
    }
}
