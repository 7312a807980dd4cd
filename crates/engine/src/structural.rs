//! Structural data through the facade: state-years, dyad-years and UN voting
//! similarity written with their sources, the COW system membership of atlas
//! actors, and citations.
//!
//! A table written to a file records the data sets it used: in the Parquet
//! footer under the key [`SOURCES_KEY`], or for CSV and JSON in a sidecar
//! `FILE.sources.json`. [`sources_of_file`] reads either back, and
//! `detente cite FILE` prints their citations.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use detente_structural::{
    Citation, Covariate, CowState, Dataset, Origin, ReadReport, SimilarityYear, Structural,
    YearTable, YearsQuery, cow, resolve_state, similarity_series, votes,
};

use crate::export::{AtomicFile, BatchWriter, TableFormat};
use crate::{Actor, Error, Result};

/// The Parquet footer key holding the sources of a table, as JSON.
pub const SOURCES_KEY: &str = "detente.sources";

impl From<detente_structural::Error> for Error {
    fn from(e: detente_structural::Error) -> Error {
        Error::Data(e.to_string())
    }
}

/// One data set a result used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceUse {
    /// Data set name (`nmc`, `dyadic_mids` ...).
    pub dataset: String,
    /// Title and version.
    pub title: String,
    /// `bundled` or the path read.
    pub origin: String,
    /// sha256 of the file's uncompressed bytes.
    pub sha256: String,
    /// The years the data set covers.
    pub years: (i32, i32),
}

/// The sources of `datasets` as read into `data`.
pub fn sources_used(data: &Structural, datasets: &[Dataset]) -> Vec<SourceUse> {
    datasets
        .iter()
        .filter_map(|&d| {
            let r = data.report(d)?;
            Some(SourceUse {
                dataset: d.name().to_string(),
                title: d.title().to_string(),
                origin: r.origin.clone(),
                sha256: r.sha256.clone(),
                years: d.years(),
            })
        })
        .collect()
}

/// Which table to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// State-years.
    States,
    /// Dyad-years.
    Dyads,
}

/// Loads what `q` needs from `origin` and builds the table.
///
/// Fails when a data set cannot be read at all or the years are outside
/// 1816-2016.
pub fn build_years(origin: &Origin, unit: Unit, q: &YearsQuery) -> Result<(YearTable, Structural)> {
    let dyadic = unit == Unit::Dyads;
    let data = Structural::load(origin, &q.datasets(dyadic))?;
    let table = match unit {
        Unit::States => detente_structural::state_years(&data, q)?,
        Unit::Dyads => detente_structural::dyad_years(&data, q)?,
    };
    Ok((table, data))
}

/// The sidecar file recording the sources of a CSV or JSON `file`.
pub fn sidecar(file: &Path) -> PathBuf {
    let mut name = file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".sources.json");
    file.with_file_name(name)
}

/// Writes `table` in `format` to `out` (standard output, no sources
/// recorded) or to the file `target`, atomically, with its sources (Parquet
/// footer or sidecar).
pub fn write_table(
    table: &YearTable,
    sources: &[SourceUse],
    format: TableFormat,
    target: Option<&Path>,
    out: &mut (dyn Write + Send),
) -> Result<()> {
    let json = serde_json::to_string(sources).map_err(|e| Error::Data(e.to_string()))?;
    let meta = vec![(SOURCES_KEY.to_string(), json.clone())];
    match target {
        None => {
            let mut w = BatchWriter::with_metadata(out, format, table.schema.clone(), meta)?;
            for b in &table.batches {
                w.write(b)?;
            }
            w.finish()?;
        }
        Some(path) => {
            let file = AtomicFile::create(path)?;
            let mut w = BatchWriter::with_metadata(file, format, table.schema.clone(), meta)?;
            for b in &table.batches {
                w.write(b)?;
            }
            let file = w.finish()?;
            if format != TableFormat::Parquet {
                let side = sidecar(path);
                let mut s = AtomicFile::create(&side)?;
                s.write_all(json.as_bytes())
                    .and_then(|_| s.write_all(b"\n"))
                    .map_err(|source| Error::Write { path: side, source })?;
                s.commit()?;
            }
            file.commit()?;
        }
    }
    Ok(())
}

/// The sources recorded with a file written by detente: its Parquet footer,
/// or the sidecar of a CSV or JSON file.
///
/// Fails when the file records none.
pub fn sources_of_file(path: &Path) -> Result<Vec<SourceUse>> {
    let bad = |why: String| Error::Data(format!("{}: {why}", path.display()));
    let is_parquet = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut magic = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut magic).map(|_| magic == *b"PAR1")
        })
        .unwrap_or(false);
    let json = if is_parquet {
        let f = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
        let reader = parquet::file::serialized_reader::SerializedFileReader::new(f)
            .map_err(|e| bad(e.to_string()))?;
        use parquet::file::reader::FileReader;
        reader
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == SOURCES_KEY))
            .and_then(|k| k.value.clone())
            .ok_or_else(|| bad(format!("no {SOURCES_KEY} in the Parquet footer")))?
    } else {
        let side = sidecar(path);
        std::fs::read_to_string(&side).map_err(|e| {
            bad(format!(
                "no sources recorded ({} : {e}); detente records them with files it writes",
                side.display()
            ))
        })?
    };
    serde_json::from_str(&json).map_err(|e| bad(format!("sources: {e}")))
}

/// The distinct citations of `datasets`, in order.
pub fn citations(datasets: &[Dataset]) -> Vec<Citation> {
    let mut seen = BTreeSet::new();
    datasets
        .iter()
        .map(|d| d.citation())
        .filter(|c| seen.insert(c.key))
        .collect()
}

/// One COW state linked to an atlas actor, with its membership spells.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct SystemMembership {
    /// COW code.
    pub ccode: u16,
    /// COW abbreviation.
    pub abbrev: String,
    /// COW name.
    pub name: String,
    /// How the state is linked to the actor.
    pub link: &'static str,
    /// Membership spells, first and last day.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub spells: Vec<(NaiveDate, NaiveDate)>,
    /// Was it a member on the day asked about? `None` after the data end
    /// (2016-12-31).
    pub member: Option<bool>,
    /// Citation.
    pub source: String,
}

/// The COW state-system membership of an atlas actor on `day`: the COW state
/// with the actor's COW code, and the COW state with its Gleditsch-Ward code
/// when that differs (Germany: COW's German Federal Republic, 260, which
/// Gleditsch and Ward continue as Germany).
pub fn system_membership(actor: &Actor, day: NaiveDate) -> Result<Vec<SystemMembership>> {
    let data = Structural::load(&Origin::Bundled, &[Dataset::States])?;
    let mut links: Vec<(u16, &'static str)> = Vec::new();
    if let Some(c) = actor.cow_code.and_then(|c| u16::try_from(c).ok()) {
        links.push((c, "COW code"));
        if let Some(g) = actor.gw_code.and_then(|c| u16::try_from(c).ok())
            && g != c
        {
            links.push((g, "Gleditsch-Ward code (the COW state it continues)"));
        }
    }
    let end = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or(NaiveDate::MAX);
    Ok(links
        .into_iter()
        .filter_map(|(cc, link)| {
            let spells: Vec<_> = data.states.iter().filter(|s| s.ccode == cc).collect();
            let first = spells.first()?;
            Some(SystemMembership {
                ccode: cc,
                abbrev: first.abbrev.clone(),
                name: first.name.clone(),
                link,
                spells: spells.iter().map(|s| (s.start, s.end)).collect(),
                member: (day <= end).then(|| spells.iter().any(|s| s.start <= day && day <= s.end)),
                source: Dataset::States.citation().plain(),
            })
        })
        .collect())
}

/// A table of the SQL session built from the structural data the first time
/// a query reads it (building the dyad-years takes about a second), so
/// sessions that never touch it pay nothing.
pub(crate) struct LazyTable {
    schema: arrow::datatypes::SchemaRef,
    build: fn() -> Result<Vec<arrow::array::RecordBatch>>,
    built: std::sync::OnceLock<std::result::Result<Arc<datafusion::datasource::MemTable>, String>>,
}

use std::sync::Arc;

impl std::fmt::Debug for LazyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyTable").finish_non_exhaustive()
    }
}

fn all_years() -> YearsQuery {
    YearsQuery {
        from: 1816,
        to: 2016,
        covariates: Covariate::ALL.into(),
        directed: true,
        politically_relevant: false,
    }
}

fn build_dyad_years() -> Result<Vec<arrow::array::RecordBatch>> {
    Ok(build_years(&Origin::Bundled, Unit::Dyads, &all_years())?
        .0
        .batches)
}

fn build_state_years() -> Result<Vec<arrow::array::RecordBatch>> {
    Ok(build_years(&Origin::Bundled, Unit::States, &all_years())?
        .0
        .batches)
}

fn build_cow_states() -> Result<Vec<arrow::array::RecordBatch>> {
    use arrow::array::{Date32Array, Int32Array, StringArray};
    let data = Structural::load(&Origin::Bundled, &[Dataset::States])?;
    let s = &data.states;
    let day = crate::analytics::days_since_epoch;
    let batch = arrow::array::RecordBatch::try_new(
        cow_states_schema(),
        vec![
            Arc::new(Int32Array::from_iter_values(
                s.iter().map(|x| i32::from(x.ccode)),
            )),
            Arc::new(StringArray::from_iter_values(
                s.iter().map(|x| x.abbrev.as_str()),
            )),
            Arc::new(StringArray::from_iter_values(
                s.iter().map(|x| x.name.as_str()),
            )),
            Arc::new(Date32Array::from_iter_values(
                s.iter().map(|x| day(x.start)),
            )),
            Arc::new(Date32Array::from_iter_values(s.iter().map(|x| day(x.end)))),
        ],
    )
    .map_err(|e| Error::Data(e.to_string()))?;
    Ok(vec![batch])
}

fn cow_states_schema() -> arrow::datatypes::SchemaRef {
    use arrow::datatypes::{DataType, Field, Schema};
    Arc::new(Schema::new(vec![
        Field::new("ccode", DataType::Int32, false),
        Field::new("stateabb", DataType::Utf8, false),
        Field::new("statenme", DataType::Utf8, false),
        Field::new("start_date", DataType::Date32, false),
        Field::new("end_date", DataType::Date32, false),
    ]))
}

/// The structural tables of the SQL session: `dyad_years` (directed,
/// 1816-2016, every covariate), `state_years` (every covariate) and
/// `cow_states` (membership spells).
pub(crate) fn sql_tables() -> Vec<(&'static str, LazyTable)> {
    let all: std::collections::BTreeSet<Covariate> = Covariate::ALL.into();
    let lazy = |schema, build| LazyTable {
        schema,
        build,
        built: std::sync::OnceLock::new(),
    };
    vec![
        (
            "dyad_years",
            lazy(
                detente_structural::dyad_schema(&all),
                build_dyad_years as fn() -> _,
            ),
        ),
        (
            "state_years",
            lazy(detente_structural::state_schema(&all), build_state_years),
        ),
        ("cow_states", lazy(cow_states_schema(), build_cow_states)),
    ]
}

#[async_trait::async_trait]
impl datafusion::catalog::TableProvider for LazyTable {
    fn schema(&self) -> arrow::datatypes::SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> datafusion::datasource::TableType {
        datafusion::datasource::TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn datafusion::catalog::Session,
        projection: Option<&Vec<usize>>,
        filters: &[datafusion::prelude::Expr],
        limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn datafusion::physical_plan::ExecutionPlan>> {
        let built = self.built.get_or_init(|| {
            let batches = (self.build)().map_err(|e| e.to_string())?;
            datafusion::datasource::MemTable::try_new(self.schema.clone(), vec![batches])
                .map(Arc::new)
                .map_err(|e| e.to_string())
        });
        match built {
            Ok(mem) => mem.scan(state, projection, filters, limit).await,
            Err(e) => Err(datafusion::error::DataFusionError::Execution(e.clone())),
        }
    }
}
