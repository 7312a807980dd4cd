//! SQL over the whole store through Apache DataFusion.
//!
//! [`Analytics`] holds one DataFusion `SessionContext` with these tables:
//!
//! | table | what |
//! |---|---|
//! | `events` | the event data set (Parquet, partitioned by `source`, `year`, `month`) |
//! | `rollup` | events summed per day, actor countries, root code and QuadClass (see [`detente_events::rollup`]) |
//! | `actors`, `actor_names`, `sources`, `facts`, `relations`, `treaties`, `treaty_steps`, `treaty_terms`, `fact_actors` | the atlas |
//! | `cameo_event_codes`, `cameo_countries`, `cameo_types` | CAMEO reference tables |
//!
//! and the event functions of [`detente_events::udf`]. The `events` table lists
//! only the Parquet files the manifest names when the session is built, so an
//! ingest running at the same time is invisible until it commits and a new
//! session is built.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, RecordBatch,
    StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use async_trait::async_trait;
use bytes::Bytes;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::{MemTable, TableProvider};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::cache::cache_manager::FileStatisticsCache;
use datafusion::execution::context::SQLOptions;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::prelude::{DataFrame, SessionConfig, SessionContext};
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult,
};

use detente_atlas::tables::{Cell, ColumnType};
use detente_core::cameo;

use crate::rollup_sql::RollupRewrite;
use crate::{Error, Result, Store};

datafusion::common::extensions_options! {
    /// detente's session settings, set with `SET detente.<name> = <value>`.
    pub struct DetenteOptions {
        /// Answer aggregates over `events` from the rollup when they need
        /// only what it keeps (see [`crate::rollup_sql`]).
        pub rollup_rewrite: bool, default = true
        /// Group the events by their join keys before joining them with an
        /// in-memory table (see [`crate::pre_aggregate`]).
        pub pre_aggregate: bool, default = true
    }
}

impl datafusion::config::ConfigExtension for DetenteOptions {
    const PREFIX: &'static str = "detente";
}

/// The URL under which the store's files are read.
const STORE_URL: &str = "detente://store";

/// A DataFusion session over a store. Queries run on the session's own
/// runtime, so callers need no async code.
pub struct Analytics {
    ctx: SessionContext,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Analytics {
    fn drop(&mut self) {
        // A session may be dropped on an async thread (a server's cached
        // session at shutdown), where waiting for the runtime would panic.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// What a cached session was built from: the event files the manifest
/// listed and the atlas's fingerprint.
pub(crate) type SessionKey = (Vec<String>, (i64, i64, i64, i64));

impl fmt::Debug for Analytics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analytics").finish_non_exhaustive()
    }
}

fn df(e: datafusion::error::DataFusionError) -> Error {
    Error::Sql(e.to_string())
}

impl Store {
    /// A SQL session over this store's events, atlas and CAMEO tables.
    /// The session is kept and handed out again while the event manifest
    /// lists the same files and the atlas holds the same facts; a commit by
    /// any process gives the next call a new session.
    ///
    /// Fails when the event manifest or the atlas cannot be read.
    pub fn analytics(&self) -> Result<Arc<Analytics>> {
        let events = self.events()?;
        let listed: HashSet<String> = events.listed()?;
        let mut files: Vec<String> = listed.iter().cloned().collect();
        files.sort();
        let key: SessionKey = (files, self.atlas().fingerprint()?);
        let mut cached = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, session)) = cached.as_ref()
            && *k == key
        {
            return Ok(session.clone());
        }
        let session = Arc::new(self.new_analytics(listed, events.rollup_complete()?)?);
        *cached = Some((key, session.clone()));
        Ok(session)
    }

    fn new_analytics(&self, listed: HashSet<String>, rollup_complete: bool) -> Result<Analytics> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Sql(format!("cannot start the query runtime: {e}")))?;
        let config = SessionConfig::new()
            .with_information_schema(true)
            .with_default_catalog_and_schema("detente", "public")
            .with_option_extension(DetenteOptions::default());
        let ctx = SessionContext::new_with_config(config);
        let files = LocalFileSystem::new_with_prefix(self.root())
            .map_err(|e| Error::Sql(format!("cannot read the store folder: {e}")))?;
        let url = ObjectStoreUrl::parse(STORE_URL).map_err(df)?;
        ctx.register_object_store(
            url.as_ref(),
            Arc::new(ListedFiles {
                inner: files,
                listed,
            }),
        );
        let mut analytics = Analytics {
            ctx,
            runtime: Some(runtime),
        };
        let events_table = analytics.register_events()?;
        let rollup_table = analytics.register_rollup()?;
        for t in self.atlas().tables()? {
            analytics.register_batch(t.name, atlas_batch(&t)?)?;
        }
        for (name, batch) in cameo_batches()? {
            analytics.register_batch(name, batch)?;
        }
        for (name, table) in crate::structural::sql_tables() {
            analytics
                .ctx
                .register_table(name, Arc::new(table))
                .map_err(df)?;
        }
        for f in detente_events::udf::functions() {
            analytics.ctx.register_udf(f);
        }
        analytics
            .ctx
            .add_optimizer_rule(Arc::new(crate::pre_aggregate::PreAggregate));
        if rollup_complete {
            // The rewrite goes first, before DataFusion types the plan, so
            // that the expressions it builds are typed like the user's.
            let rule = Arc::new(RollupRewrite::new(events_table, rollup_table));
            let mut state = SessionStateBuilder::new_from_existing(analytics.ctx.state());
            if let Some(analyzer) = state.analyzer() {
                analyzer.rules.insert(0, rule);
            }
            analytics.ctx = SessionContext::new_with_state(state.build());
        }
        Ok(analytics)
    }
}

impl Analytics {
    fn register_events(&self) -> Result<Arc<dyn TableProvider>> {
        let opts = ListingOptions::new(Arc::new(ParquetFormat::default()))
            .with_file_extension(".parquet")
            .with_table_partition_cols(vec![
                ("source".to_string(), DataType::Utf8),
                ("year".to_string(), DataType::Int32),
                ("month".to_string(), DataType::Int32),
            ]);
        let url = ListingTableUrl::parse(format!("{STORE_URL}/events/")).map_err(df)?;
        let config = ListingTableConfig::new(url)
            .with_listing_options(opts)
            .with_schema(view_types(&detente_events::schema::schema()));
        let table: Arc<dyn TableProvider> = Arc::new(
            ListingTable::try_new(config)
                .map_err(df)?
                .with_cache(self.statistics_cache()),
        );
        self.ctx
            .register_table("events", table.clone())
            .map_err(df)?;
        Ok(table)
    }

    fn register_rollup(&self) -> Result<Arc<dyn TableProvider>> {
        let opts = ListingOptions::new(Arc::new(ParquetFormat::default()))
            .with_file_extension(".parquet")
            .with_table_partition_cols(vec![("source".to_string(), DataType::Utf8)]);
        let url = ListingTableUrl::parse(format!("{STORE_URL}/rollup/")).map_err(df)?;
        let config = ListingTableConfig::new(url)
            .with_listing_options(opts)
            .with_schema(view_types(&detente_events::rollup::schema()));
        let table: Arc<dyn TableProvider> = Arc::new(
            ListingTable::try_new(config)
                .map_err(df)?
                .with_cache(self.statistics_cache()),
        );
        self.ctx
            .register_table("rollup", table.clone())
            .map_err(df)?;
        Ok(table)
    }

    /// The session's cache of Parquet file statistics. A listing table built
    /// by hand has none, and would read every file's footer statistics again
    /// when planning each query. The files a session lists never change (a
    /// commit gives the next call a new session), so the cache stays valid.
    fn statistics_cache(&self) -> Option<Arc<FileStatisticsCache>> {
        self.ctx
            .runtime_env()
            .cache_manager
            .get_file_statistic_cache()
    }

    /// Registers an in-memory table, its strings as views like the events'
    /// (a join on codes then compares views with views, and the labels it
    /// carries along are copied as 16-byte views, not as whole strings).
    fn register_batch(&self, name: &str, batch: RecordBatch) -> Result<()> {
        let schema = view_types(&batch.schema());
        let columns = batch
            .columns()
            .iter()
            .zip(schema.fields())
            .map(|(c, f)| arrow::compute::cast(c, f.data_type()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Sql(format!("table {name}: {e}")))?;
        let batch = RecordBatch::try_new(schema, columns)
            .map_err(|e| Error::Sql(format!("table {name}: {e}")))?;
        let table = MemTable::try_new(batch.schema(), vec![vec![batch]]).map_err(df)?;
        self.ctx.register_table(name, Arc::new(table)).map_err(df)?;
        Ok(())
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime is only taken when the session is dropped")
    }

    /// The DataFusion context, for embedding.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Plans a SQL statement. Errors are DataFusion's, with the position.
    pub fn plan(&self, sql: &str) -> Result<DataFrame> {
        self.rt().block_on(self.ctx.sql(sql)).map_err(df)
    }

    /// Runs a SQL statement and returns all its rows.
    pub fn collect(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        Ok(self.query(sql)?.1)
    }

    /// Runs a SQL statement and returns its schema (even when no row comes)
    /// and all its rows.
    pub fn query(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let frame = self.plan(sql)?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let batches = self.rt().block_on(frame.collect()).map_err(df)?;
        Ok((schema, batches))
    }

    /// Runs a read-only query: DDL, DML (`INSERT`, `COPY ... TO`) and other
    /// statements (`SET`) are refused before anything runs. At most
    /// `max_rows` rows are kept (the answer says whether more came), and the
    /// query is stopped when it runs past `time_limit`.
    ///
    /// Fails with [`Error::NotAQuery`] for a statement that is not a query,
    /// [`Error::Timeout`] past the limit and [`Error::Sql`] for anything
    /// DataFusion rejects.
    pub fn query_read_only(
        &self,
        sql: &str,
        max_rows: usize,
        time_limit: std::time::Duration,
    ) -> Result<LimitedAnswer> {
        let started = std::time::Instant::now();
        let options = SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        let run = async {
            let state = self.ctx.state();
            let plan = state.create_logical_plan(sql).await.map_err(df)?;
            options
                .verify_plan(&plan)
                .map_err(|e| Error::NotAQuery(e.strip_backtrace()))?;
            let frame = self.ctx.execute_logical_plan(plan).await.map_err(df)?;
            let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
            let mut stream = frame.execute_stream().await.map_err(df)?;
            let mut batches = Vec::new();
            let (mut rows, mut truncated) = (0usize, false);
            while let Some(batch) = stream.next().await {
                let batch = batch.map_err(df)?;
                let room = max_rows - rows;
                if batch.num_rows() > room {
                    batches.push(batch.slice(0, room));
                    rows += room;
                    truncated = true;
                    break;
                }
                rows += batch.num_rows();
                batches.push(batch);
            }
            Ok::<_, Error>(LimitedAnswer {
                schema,
                batches,
                rows,
                truncated,
                max_rows,
                seconds: 0.0,
            })
        };
        let mut answer = self
            .rt()
            .block_on(async { tokio::time::timeout(time_limit, run).await })
            .map_err(|_| Error::Timeout(time_limit))??;
        answer.seconds = started.elapsed().as_secs_f64();
        Ok(answer)
    }

    /// Runs a SQL statement and hands each batch of rows to `sink` as it comes,
    /// so a result larger than memory can be written out. Returns the schema
    /// and the number of rows.
    pub fn stream(
        &self,
        sql: &str,
        sink: &mut dyn FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<(SchemaRef, u64)> {
        let frame = self.plan(sql)?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let mut stream: SendableRecordBatchStream =
            self.rt().block_on(frame.execute_stream()).map_err(df)?;
        let mut rows = 0u64;
        while let Some(batch) = self.rt().block_on(stream.next()) {
            let batch = batch.map_err(df)?;
            rows += batch.num_rows() as u64;
            sink(&batch)?;
        }
        Ok((schema, rows))
    }
}

/// `schema` with its strings read as string views. Codes and names are
/// short: a view holds up to 12 bytes inline, so reading, comparing and
/// grouping them need no copy into a separate buffer.
fn view_types(schema: &Schema) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => f.as_ref().clone().with_data_type(DataType::Utf8View),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// The rows of a read-only query, cut at a limit.
#[derive(Debug, Clone)]
pub struct LimitedAnswer {
    /// Columns of the result.
    pub schema: SchemaRef,
    /// The rows kept.
    pub batches: Vec<RecordBatch>,
    /// How many rows were kept.
    pub rows: usize,
    /// Whether the query had more rows than were kept.
    pub truncated: bool,
    /// The row limit that applied.
    pub max_rows: usize,
    /// Seconds taken.
    pub seconds: f64,
}

/// Arrow columns of an atlas table. Days become `DATE`, 0/1 flags `BOOLEAN`.
fn atlas_batch(t: &detente_atlas::tables::Table) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (i, (name, kind)) in t.columns.iter().enumerate() {
        let cells = t.rows.iter().map(|r| &r[i]);
        let (dt, array): (DataType, ArrayRef) = match kind {
            ColumnType::Int => {
                let mut b = Int64Builder::new();
                for c in cells {
                    b.append_option(match c {
                        Cell::Int(v) => Some(*v),
                        _ => None,
                    });
                }
                (DataType::Int64, Arc::new(b.finish()))
            }
            ColumnType::Real => {
                let mut b = Float64Builder::new();
                for c in cells {
                    b.append_option(match c {
                        Cell::Real(v) => Some(*v),
                        Cell::Int(v) => Some(*v as f64),
                        _ => None,
                    });
                }
                (DataType::Float64, Arc::new(b.finish()))
            }
            ColumnType::Bool => {
                let mut b = BooleanBuilder::new();
                for c in cells {
                    b.append_option(match c {
                        Cell::Int(v) => Some(*v != 0),
                        _ => None,
                    });
                }
                (DataType::Boolean, Arc::new(b.finish()))
            }
            ColumnType::Day => {
                let mut b = Date32Builder::new();
                for c in cells {
                    b.append_option(match c {
                        Cell::Text(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                            .ok()
                            .map(days_since_epoch),
                        _ => None,
                    });
                }
                (DataType::Date32, Arc::new(b.finish()))
            }
            ColumnType::Text => {
                let mut b = StringBuilder::new();
                for c in cells {
                    match c {
                        Cell::Text(s) => b.append_value(s),
                        Cell::Int(v) => b.append_value(v.to_string()),
                        Cell::Real(v) => b.append_value(v.to_string()),
                        Cell::Null => b.append_null(),
                    }
                }
                (DataType::Utf8, Arc::new(b.finish()))
            }
        };
        fields.push(Field::new(*name, dt, true));
        columns.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| Error::Sql(format!("atlas table {}: {e}", t.name)))
}

pub use detente_events::schema::days_since_epoch;

/// The CAMEO reference tables.
fn cameo_batches() -> Result<Vec<(&'static str, RecordBatch)>> {
    let err = |e: arrow::error::ArrowError| Error::Sql(format!("CAMEO tables: {e}"));
    let mut codes: Vec<&cameo::EventCode> = cameo::event_codes().values().collect();
    codes.sort_by(|a, b| a.code.cmp(&b.code));
    let root: Vec<Option<String>> = codes
        .iter()
        .map(|c| cameo::is_well_formed(&c.code).then(|| c.code[..2].to_string()))
        .collect();
    let quad: Vec<Option<i64>> = root
        .iter()
        .map(|r| {
            r.as_deref()
                .and_then(|r| r.parse::<u8>().ok())
                .and_then(cameo::quad_class_of_root)
                .map(i64::from)
        })
        .collect();
    let event_codes = RecordBatch::try_from_iter(vec![
        (
            "code",
            Arc::new(arrow::array::StringArray::from_iter_values(
                codes.iter().map(|c| c.code.as_str()),
            )) as ArrayRef,
        ),
        (
            "label",
            Arc::new(arrow::array::StringArray::from_iter_values(
                codes.iter().map(|c| c.label.as_str()),
            )),
        ),
        ("root_code", Arc::new(arrow::array::StringArray::from(root))),
        ("quad_class", Arc::new(arrow::array::Int64Array::from(quad))),
        (
            "goldstein",
            Arc::new(arrow::array::Float64Array::from(
                codes.iter().map(|c| c.goldstein).collect::<Vec<_>>(),
            )),
        ),
    ])
    .map_err(err)?;
    let states: HashSet<String> = detente_core::reference::states()
        .map_err(|e| Error::Data(e.to_string()))?
        .into_iter()
        .map(|s| s.iso3)
        .collect();
    let mut countries: Vec<(&String, &String)> = cameo::country_codes().iter().collect();
    countries.sort();
    let countries = RecordBatch::try_from_iter(vec![
        (
            "code",
            Arc::new(arrow::array::StringArray::from_iter_values(
                countries.iter().map(|c| c.0.as_str()),
            )) as ArrayRef,
        ),
        (
            "name",
            Arc::new(arrow::array::StringArray::from_iter_values(
                countries.iter().map(|c| c.1.as_str()),
            )),
        ),
        (
            "iso3",
            Arc::new(arrow::array::StringArray::from_iter_values(
                countries.iter().map(|c| cameo::iso3_of_cameo(c.0)),
            )),
        ),
        (
            "is_state",
            Arc::new(arrow::array::BooleanArray::from(
                countries
                    .iter()
                    .map(|c| states.contains(cameo::iso3_of_cameo(c.0)))
                    .collect::<Vec<_>>(),
            )),
        ),
    ])
    .map_err(err)?;
    let mut types: Vec<(&String, &String)> = cameo::type_codes().iter().collect();
    types.sort();
    let types = RecordBatch::try_from_iter(vec![
        (
            "code",
            Arc::new(arrow::array::StringArray::from_iter_values(
                types.iter().map(|c| c.0.as_str()),
            )) as ArrayRef,
        ),
        (
            "name",
            Arc::new(arrow::array::StringArray::from_iter_values(
                types.iter().map(|c| c.1.as_str()),
            )),
        ),
    ])
    .map_err(err)?;
    Ok(vec![
        ("cameo_event_codes", event_codes),
        ("cameo_countries", countries),
        ("cameo_types", types),
    ])
}

/// The store folder as an object store that lists only the files the event
/// manifest names, and refuses writes.
#[derive(Debug)]
struct ListedFiles {
    inner: LocalFileSystem,
    listed: HashSet<String>,
}

impl fmt::Display for ListedFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "detente store ({} listed files)", self.listed.len())
    }
}

fn read_only(operation: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("the store is read-only through SQL ({operation})").into(),
    }
}

#[async_trait]
impl ObjectStore for ListedFiles {
    async fn put_opts(
        &self,
        _location: &StorePath,
        _payload: PutPayload,
        _opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        Err(read_only("put"))
    }

    async fn put_multipart_opts(
        &self,
        _location: &StorePath,
        _opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        Err(read_only("put"))
    }

    async fn get_opts(
        &self,
        location: &StorePath,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    async fn get_ranges(
        &self,
        location: &StorePath,
        ranges: &[Range<u64>],
    ) -> object_store::Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<StorePath>>,
    ) -> BoxStream<'static, object_store::Result<StorePath>> {
        locations.map(|_| Err(read_only("delete"))).boxed()
    }

    fn list(
        &self,
        prefix: Option<&StorePath>,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        let listed = self.listed.clone();
        self.inner
            .list(prefix)
            .filter(move |m| {
                let keep = match m {
                    Ok(m) => listed.contains(m.location.as_ref()),
                    Err(_) => true,
                };
                std::future::ready(keep)
            })
            .boxed()
    }

    async fn list_with_delimiter(
        &self,
        prefix: Option<&StorePath>,
    ) -> object_store::Result<ListResult> {
        let mut r = self.inner.list_with_delimiter(prefix).await?;
        r.objects
            .retain(|m| self.listed.contains(m.location.as_ref()));
        Ok(r)
    }

    async fn copy_opts(
        &self,
        _from: &StorePath,
        _to: &StorePath,
        _options: CopyOptions,
    ) -> object_store::Result<()> {
        Err(read_only("copy"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_kept_until_the_atlas_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let first = store.analytics().unwrap();
        let again = store.analytics().unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        store
            .atlas_mut()
            .add_text(
                "notes.toml",
                "[source]\nid = \"desk-notes\"\ntitle = \"Desk notes\"\nkind = \"user\"\n\n\
                 [[relation]]\nsubject = \"RUS\"\nobject = \"GEO\"\nkind = \"diplomatic\"\n\
                 status = \"severed\"\nfrom = \"2008-08-29\"\nquote = \"severed\"\n",
            )
            .unwrap();
        let after = store.analytics().unwrap();
        assert!(!Arc::ptr_eq(&first, &after));
        let batches = after
            .collect("SELECT count(*) AS n FROM facts WHERE source = 'desk-notes'")
            .unwrap();
        let n = batches[0]
            .column(0)
            .as_any()
            .downcast_ref::<arrow::array::Int64Array>()
            .unwrap()
            .value(0);
        assert_eq!(n, 1);
    }
}
