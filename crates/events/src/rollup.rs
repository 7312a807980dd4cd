//! The daily dyad rollup: events summed per (day, actor1 country, actor2
//! country, event root code, QuadClass), built while an ingest parses and
//! committed with it, so that a multi-year dyad series reads a few thousand
//! rows instead of every event.
//!
//! Each ingest writes one file, `rollup/source=S/part-<run>.parquet`, listed in
//! the manifest's `rollups` table in the same transaction as its events. A
//! NULL country, root code or QuadClass is a key of its own, so the rollup's
//! totals equal the events' totals.
//!
//! A file's rows are sorted by actor 1 country, actor 2 country, then day, in
//! row groups of [`ROW_GROUP`] rows, so one dyad's rows lie in a few row
//! groups that the country codes' statistics pick out. The file's events per
//! day, which a series needs for the dyad's share, are in the footer under
//! [`DAY_TOTALS_KEY`] (`day:events` pairs, days since 1970-01-01, comma
//! separated), read with the footer at no extra cost. Files written before
//! this layout (sorted by day, without the key) are read whole, as before.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use arrow::array::{
    Array, ArrayRef, BinaryArray, Date32Array, Date32Builder, DictionaryArray, Float64Array,
    Float64Builder, Int8Array, Int8Builder, Int32Array, Int64Array, Int64Builder, RecordBatch,
    StringArray, StringBuilder,
};
use arrow::datatypes::{DataType, Field, Int32Type, Schema, SchemaRef};
use bytes::{Buf, Bytes};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::{ChunkReader, Length};
use parquet::file::statistics::Statistics;
use rayon::prelude::*;

use crate::schema::col;
use crate::{Error, Result};

/// Rows per row group of a rollup file: a dyad's rows, kept together, then
/// skip most of a large file.
pub const ROW_GROUP: usize = 4096;

/// The footer key that holds a rollup file's events per day.
pub const DAY_TOTALS_KEY: &str = "detente.day_totals";

/// A country code packed into a `u64`: 0 for NULL, else the bytes (at most
/// seven) and their count plus one in the top byte.
type Packed = u64;

fn pack(b: &[u8]) -> Option<Packed> {
    if b.len() > 7 {
        return None;
    }
    let mut v: u64 = (b.len() as u64 + 1) << 56;
    for (i, c) in b.iter().enumerate() {
        v |= u64::from(*c) << (8 * i);
    }
    Some(v)
}

/// A packed code as a number that sorts as the codes do (bytes big-endian,
/// zero padded; NULL first).
///
/// The code's bytes sit in the low bytes, first byte lowest, so with the
/// count byte cleared, swapping the bytes puts the first byte highest.
fn lexical(v: Packed) -> u64 {
    (v & ((1 << 56) - 1)).swap_bytes()
}

/// The order of a rollup's rows: actor1, actor2 (as [`lexical`] gives
/// them), day, root code, quad class.
type SortKey = (u64, u64, i32, u8, i8);

/// A packed code's bytes and their count, unpacked without allocating.
struct Unpacked([u8; 8], usize);

impl Unpacked {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.0.get(..self.1).unwrap_or_default())
    }
}

fn unpack(v: Packed) -> Option<Unpacked> {
    if v == 0 {
        return None;
    }
    Some(Unpacked(v.to_le_bytes(), (v >> 56) as usize - 1))
}

/// Appends a packed code to `b`, or a null.
fn append_code(b: &mut StringBuilder, v: Packed) {
    match unpack(v) {
        Some(u) => b.append_value(u.text()),
        None => b.append_null(),
    }
}

/// CAMEO root codes as the rollup stores them: two digits.
const ROOT_CODES: [&str; 21] = [
    "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15",
    "16", "17", "18", "19", "20",
];

/// The key of a rollup row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    day: i32,
    actor1: Packed,
    actor2: Packed,
    /// 1 to 20, 0 for NULL.
    root: u8,
    /// 1 to 4, 0 for NULL.
    quad: i8,
}

/// Sums of one key.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sums {
    events: i64,
    goldstein_sum: f64,
    goldstein_n: i64,
    tone_sum: f64,
    tone_n: i64,
    mentions: i64,
    articles: i64,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.events += o.events;
        self.goldstein_sum += o.goldstein_sum;
        self.goldstein_n += o.goldstein_n;
        self.tone_sum += o.tone_sum;
        self.tone_n += o.tone_n;
        self.mentions += o.mentions;
        self.articles += o.articles;
    }
}

/// A rollup being built.
#[derive(Debug, Clone, Default)]
pub struct Rollup {
    sums: HashMap<Key, Sums, foldhash::fast::RandomState>,
    /// Rows that could not be keyed (a country code longer than seven bytes, a
    /// root code outside 01-20): an ingest with any gets no rollup, and series
    /// read its events instead.
    unkeyable: u64,
}

/// The Arrow schema of rollup files.
pub fn schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                Field::new("day", DataType::Date32, false),
                Field::new("actor1_country_code", DataType::Utf8, true),
                Field::new("actor2_country_code", DataType::Utf8, true),
                Field::new("event_root_code", DataType::Utf8, true),
                Field::new("quad_class", DataType::Int8, true),
                Field::new("events", DataType::Int64, false),
                Field::new("goldstein_sum", DataType::Float64, false),
                Field::new("goldstein_n", DataType::Int64, false),
                Field::new("tone_sum", DataType::Float64, false),
                Field::new("tone_n", DataType::Int64, false),
                Field::new("mentions", DataType::Int64, false),
                Field::new("articles", DataType::Int64, false),
            ]))
        })
        .clone()
}

fn column<T: 'static>(batch: &RecordBatch, i: usize) -> Option<&T> {
    batch.column(i).as_any().downcast_ref::<T>()
}

impl Rollup {
    /// Adds the rows of a parsed events batch (in [`crate::schema::parsed`]).
    pub fn add_batch(&mut self, batch: &RecordBatch) {
        let (
            Some(day),
            Some(a1),
            Some(a2),
            Some(root),
            Some(quad),
            Some(gold),
            Some(tone),
            Some(mentions),
            Some(articles),
        ) = (
            column::<Date32Array>(batch, col::DAY),
            column::<BinaryArray>(batch, col::A1_COUNTRY),
            column::<BinaryArray>(batch, col::A2_COUNTRY),
            column::<BinaryArray>(batch, col::EVENT_ROOT),
            column::<Int8Array>(batch, col::QUAD_CLASS),
            column::<Float64Array>(batch, col::GOLDSTEIN),
            column::<Float64Array>(batch, col::AVG_TONE),
            column::<Int32Array>(batch, col::NUM_MENTIONS),
            column::<Int32Array>(batch, col::NUM_ARTICLES),
        )
        else {
            self.unkeyable += batch.num_rows() as u64;
            return;
        };
        let packed = |a: &BinaryArray, i: usize| -> Option<Packed> {
            if a.is_null(i) {
                Some(0)
            } else {
                pack(a.value(i))
            }
        };
        // Rows of one article follow each other and often share their key
        // (in GDELT 2.0, 35% of rows have the key of the row before): a run
        // of one key is summed on its own and added to its entry once.
        let mut run: Option<(Key, Sums)> = None;
        for i in 0..batch.num_rows() {
            let (Some(actor1), Some(actor2)) = (packed(a1, i), packed(a2, i)) else {
                self.unkeyable += 1;
                continue;
            };
            let root = if root.is_null(i) {
                0
            } else {
                match std::str::from_utf8(root.value(i)).map(str::parse::<u8>) {
                    Ok(Ok(r @ 1..=20)) => r,
                    _ => {
                        self.unkeyable += 1;
                        continue;
                    }
                }
            };
            let key = Key {
                day: day.value(i),
                actor1,
                actor2,
                root,
                quad: if quad.is_null(i) { 0 } else { quad.value(i) },
            };
            let s = match &mut run {
                Some((k, s)) if *k == key => s,
                _ => {
                    if let Some((k, s)) = run.take() {
                        self.sums.entry(k).or_default().add(&s);
                    }
                    &mut run.insert((key, Sums::default())).1
                }
            };
            s.events += 1;
            if gold.is_valid(i) {
                s.goldstein_sum += gold.value(i);
                s.goldstein_n += 1;
            }
            if tone.is_valid(i) {
                s.tone_sum += tone.value(i);
                s.tone_n += 1;
            }
            if mentions.is_valid(i) {
                s.mentions += i64::from(mentions.value(i));
            }
            if articles.is_valid(i) {
                s.articles += i64::from(articles.value(i));
            }
        }
        if let Some((k, s)) = run {
            self.sums.entry(k).or_default().add(&s);
        }
    }

    /// Adds another rollup.
    pub fn merge(&mut self, other: Rollup) {
        if self.sums.is_empty() {
            self.sums = other.sums;
        } else {
            for (k, v) in other.sums {
                self.sums.entry(k).or_default().add(&v);
            }
        }
        self.unkeyable += other.unkeyable;
    }

    /// Whether every row was keyed.
    pub fn is_complete(&self) -> bool {
        self.unkeyable == 0
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.sums.len()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// The rows, sorted by actor 1 country, actor 2 country, day, root code
    /// and QuadClass.
    pub fn to_batch(&self) -> Result<RecordBatch, arrow::error::ArrowError> {
        // Each row's sort key is computed once, not at every comparison.
        let mut keys: Vec<(SortKey, &Key, &Sums)> = self
            .sums
            .iter()
            .map(|(k, s)| {
                (
                    (lexical(k.actor1), lexical(k.actor2), k.day, k.root, k.quad),
                    k,
                    s,
                )
            })
            .collect();
        keys.sort_by_key(|(sort, _, _)| *sort);
        let n = keys.len();
        let mut day = Date32Builder::with_capacity(n);
        let mut a1 = StringBuilder::with_capacity(n, 3 * n);
        let mut a2 = StringBuilder::with_capacity(n, 3 * n);
        let mut root = StringBuilder::with_capacity(n, 2 * n);
        let mut quad = Int8Builder::with_capacity(n);
        let mut events = Int64Builder::with_capacity(n);
        let mut gs = Float64Builder::with_capacity(n);
        let mut gn = Int64Builder::with_capacity(n);
        let mut ts = Float64Builder::with_capacity(n);
        let mut tn = Int64Builder::with_capacity(n);
        let mut m = Int64Builder::with_capacity(n);
        let mut a = Int64Builder::with_capacity(n);
        for (_, k, s) in keys {
            day.append_value(k.day);
            append_code(&mut a1, k.actor1);
            append_code(&mut a2, k.actor2);
            match (k.root, ROOT_CODES.get(usize::from(k.root))) {
                (0, _) => root.append_null(),
                (_, Some(code)) => root.append_value(code),
                (r, None) => root.append_value(format!("{r:02}")),
            }
            quad.append_option((k.quad != 0).then_some(k.quad));
            events.append_value(s.events);
            gs.append_value(s.goldstein_sum);
            gn.append_value(s.goldstein_n);
            ts.append_value(s.tone_sum);
            tn.append_value(s.tone_n);
            m.append_value(s.mentions);
            a.append_value(s.articles);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(day.finish()),
            Arc::new(a1.finish()),
            Arc::new(a2.finish()),
            Arc::new(root.finish()),
            Arc::new(quad.finish()),
            Arc::new(events.finish()),
            Arc::new(gs.finish()),
            Arc::new(gn.finish()),
            Arc::new(ts.finish()),
            Arc::new(tn.finish()),
            Arc::new(m.finish()),
            Arc::new(a.finish()),
        ];
        RecordBatch::try_new(schema(), columns)
    }
}

impl Rollup {
    /// Events per day, as the footer stores them.
    fn day_totals(&self) -> String {
        let mut days: BTreeMap<i32, i64> = BTreeMap::new();
        for (k, s) in &self.sums {
            *days.entry(k.day).or_default() += s.events;
        }
        days.iter()
            .map(|(d, n)| format!("{d}:{n}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Writes the rollup as a Parquet file (LZ4, row groups of
    /// [`ROW_GROUP`] rows, the day totals in the footer) and returns the
    /// writer's output.
    pub fn write<W: std::io::Write + Send>(
        &self,
        out: W,
    ) -> Result<W, parquet::errors::ParquetError> {
        use parquet::basic::Compression;
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;
        let batch = self.to_batch()?;
        // LZ4: a pulse reads a few row groups, and opening a zstd page costs
        // more than decoding it (parquet makes a zstd context per column
        // reader). The file is about 15% larger than with zstd.
        let props = WriterProperties::builder()
            .set_compression(Compression::LZ4_RAW)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                DAY_TOTALS_KEY.to_string(),
                self.day_totals(),
            )]))
            .build();
        let mut w = parquet::arrow::ArrowWriter::try_new(out, schema(), Some(props))?;
        w.write(&batch)?;
        w.into_inner()
    }
}

/// One day's sums for a dyad, by QuadClass (index 0 holds events without
/// one).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DaySums {
    /// Events by QuadClass, 0 for none.
    pub by_quad: [i64; 5],
    /// All events.
    pub events: i64,
    /// Sum of Goldstein scores.
    pub goldstein_sum: f64,
    /// Events with a Goldstein score.
    pub goldstein_n: i64,
    /// Sum of average tones.
    pub tone_sum: f64,
    /// Events with a tone.
    pub tone_n: i64,
}

impl DaySums {
    /// Adds another day's sums.
    pub fn add(&mut self, o: &DaySums) {
        for (a, b) in self.by_quad.iter_mut().zip(o.by_quad) {
            *a += b;
        }
        self.events += o.events;
        self.goldstein_sum += o.goldstein_sum;
        self.goldstein_n += o.goldstein_n;
        self.tone_sum += o.tone_sum;
        self.tone_n += o.tone_n;
    }
}

/// Which rows of a rollup belong to a dyad.
#[derive(Debug, Clone)]
pub struct DyadFilter {
    /// Codes of the first actor.
    pub a: Vec<String>,
    /// Codes of the second actor.
    pub b: Vec<String>,
    /// Only rows with A as actor 1 and B as actor 2.
    pub directed: bool,
}

/// A dyad's daily sums and the daily totals of all events, read from rollup
/// files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DyadDays {
    /// The dyad's sums by day (days since 1970-01-01), days without events
    /// left out.
    pub dyad: BTreeMap<i32, DaySums>,
    /// All events by day.
    pub all: BTreeMap<i32, i64>,
}

/// Columns read by [`read_dyad_days`], in the order of [`schema`].
const DYAD_COLUMNS: [&str; 9] = [
    "day",
    "actor1_country_code",
    "actor2_country_code",
    "quad_class",
    "events",
    "goldstein_sum",
    "goldstein_n",
    "tone_sum",
    "tone_n",
];

/// Reads the days `from..=to` (days since 1970-01-01) of the rollup files
/// `files` straight from Parquet: only the columns needed and only the row
/// groups whose days overlap the range. A pulse reads this instead of
/// planning SQL, since a rollup is small and one pass answers both the
/// dyad's sums and the totals.
///
/// Files are read in parallel (a store has one rollup file per ingest) and
/// their sums added in the order of `files`, so an answer does not depend on
/// which file finished first.
///
/// Fails when a file cannot be opened or is not a rollup file.
pub fn read_dyad_days(
    files: &[PathBuf],
    from: i32,
    to: i32,
    dyad: &DyadFilter,
) -> Result<DyadDays> {
    // One file is read on this thread: starting the pool would cost more.
    let parts: Vec<DyadDays> = if files.len() == 1 {
        vec![read_file(&files[0], from, to, dyad)?]
    } else {
        files
            .par_iter()
            .map(|path| read_file(path, from, to, dyad))
            .collect::<Result<_>>()?
    };
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_default();
    for part in parts {
        for (d, n) in part.all {
            *out.all.entry(d).or_default() += n;
        }
        for (d, s) in part.dyad {
            out.dyad.entry(d).or_default().add(&s);
        }
    }
    Ok(out)
}

fn read_file(path: &Path, from: i32, to: i32, dyad: &DyadFilter) -> Result<DyadDays> {
    let bad = |reason: String| Error::ReadParquet {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let plain = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .map_err(|e| bad(e.to_string()))?;
    let parquet_schema = plain.parquet_schema();
    let mut leaves = Vec::with_capacity(DYAD_COLUMNS.len());
    for name in DYAD_COLUMNS {
        let i = parquet_schema
            .columns()
            .iter()
            .position(|c| c.name() == name)
            .ok_or_else(|| bad(format!("no column {name}: not a rollup file")))?;
        leaves.push(i);
    }
    // The country codes are read as dictionaries: a few hundred codes stand
    // for every row, so the dyad is matched once per code, not per row.
    let options = ArrowReaderOptions::new().with_schema(dictionary_schema(plain.schema()));
    let metadata = ArrowReaderMetadata::try_new(plain.metadata().clone(), options)
        .map_err(|e| bad(e.to_string()))?;
    let meta = metadata.metadata();
    let totals = meta
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == DAY_TOTALS_KEY))
        .map(|k| parse_day_totals(k.value.as_deref().unwrap_or(""), from, to))
        .transpose()
        .map_err(|e| bad(format!("footer key {DAY_TOTALS_KEY}: {e}")))?;
    let (day_leaf, a1_leaf, a2_leaf) = (leaves[0], leaves[1], leaves[2]);
    let groups: Vec<usize> = meta
        .row_groups()
        .iter()
        .enumerate()
        .filter(|(_, g)| {
            let days = match g.column(day_leaf).statistics() {
                Some(Statistics::Int32(s)) => match (s.min_opt(), s.max_opt()) {
                    (Some(lo), Some(hi)) => *hi >= from && *lo <= to,
                    _ => true,
                },
                _ => true,
            };
            // With the totals in the footer, only the dyad's rows are read.
            let dyad_rows = totals.is_none() || {
                let (in1, in2) = (
                    code_range(g.column(a1_leaf).statistics()),
                    code_range(g.column(a2_leaf).statistics()),
                );
                (in1(&dyad.a) && in2(&dyad.b)) || (!dyad.directed && in1(&dyad.b) && in2(&dyad.a))
            };
            days && dyad_rows
        })
        .map(|(i, _)| i)
        .collect();
    let spans = Spans::read(file, meta, &groups, &leaves).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(spans, metadata);
    let parquet_schema = builder.parquet_schema();
    let mask = ProjectionMask::leaves(parquet_schema, leaves);
    let reader = builder
        .with_projection(mask)
        .with_row_groups(groups)
        .with_batch_size(ROW_GROUP)
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let mut out = DyadDays::default();
    let count_totals = totals.is_none();
    if let Some(totals) = totals {
        out.all = totals;
    }
    for batch in reader {
        let batch = batch.map_err(|e| bad(e.to_string()))?;
        add_dyad_rows(&batch, from, to, dyad, count_totals, &mut out)
            .ok_or_else(|| bad("unexpected column types: not a rollup file".into()))?;
    }
    Ok(out)
}

/// The byte ranges of a rollup file that a read needs, read up front: per
/// row group, one span from the first to the last byte of the columns read.
/// The Parquet reader would otherwise make a few small reads per page; a
/// pulse reads a few row groups, so these spans are its only reads after the
/// footer. Anything outside them is read from the file.
struct Spans {
    file: File,
    len: u64,
    spans: Vec<(u64, Bytes)>,
}

impl Spans {
    fn read(
        mut file: File,
        meta: &ParquetMetaData,
        groups: &[usize],
        leaves: &[usize],
    ) -> std::io::Result<Spans> {
        use std::io::{Read, Seek, SeekFrom};
        let len = file.metadata()?.len();
        let mut spans = Vec::with_capacity(groups.len());
        for &g in groups {
            let ranges = leaves
                .iter()
                .map(|&l| meta.row_group(g).column(l).byte_range());
            let start = ranges.clone().map(|(s, _)| s).min().unwrap_or(0);
            // A damaged footer may name any range: the span stays inside the
            // file, and the reader reports what it cannot find.
            let end = ranges
                .map(|(s, n)| s.saturating_add(n))
                .max()
                .unwrap_or(0)
                .min(len);
            if end <= start {
                continue;
            }
            let mut buf = vec![0; (end - start) as usize];
            file.seek(SeekFrom::Start(start))?;
            file.read_exact(&mut buf)?;
            spans.push((start, Bytes::from(buf)));
        }
        Ok(Spans { file, len, spans })
    }

    /// The span holding `start..start + len`, as an offset into it.
    fn find(&self, start: u64, len: u64) -> Option<(&Bytes, usize)> {
        self.spans.iter().find_map(|(at, bytes)| {
            let inside = start >= *at && start.saturating_add(len) <= at + bytes.len() as u64;
            inside.then(|| (bytes, (start - at) as usize))
        })
    }
}

impl Length for Spans {
    fn len(&self) -> u64 {
        self.len
    }
}

/// A reader over a span or, outside the spans, over the file.
enum SpanRead {
    Memory(bytes::buf::Reader<Bytes>),
    File(<File as ChunkReader>::T),
}

impl std::io::Read for SpanRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            SpanRead::Memory(r) => r.read(buf),
            SpanRead::File(r) => r.read(buf),
        }
    }
}

impl ChunkReader for Spans {
    type T = SpanRead;

    fn get_read(&self, start: u64) -> parquet::errors::Result<SpanRead> {
        Ok(match self.find(start, 0) {
            Some((bytes, at)) => SpanRead::Memory(bytes.slice(at..).reader()),
            None => SpanRead::File(self.file.get_read(start)?),
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self.find(start, length as u64) {
            Some((bytes, at)) => Ok(bytes.slice(at..at + length)),
            None => self.file.get_bytes(start, length),
        }
    }
}

/// The days `from..=to` of a footer's day totals.
fn parse_day_totals(
    text: &str,
    from: i32,
    to: i32,
) -> std::result::Result<BTreeMap<i32, i64>, String> {
    let mut out = BTreeMap::new();
    for pair in text.split(',').filter(|p| !p.is_empty()) {
        let (d, n) = pair
            .split_once(':')
            .ok_or_else(|| format!("{pair:?} is not day:events"))?;
        let d: i32 = d
            .parse()
            .map_err(|_| format!("{d:?} is not a day number"))?;
        let n: i64 = n.parse().map_err(|_| format!("{n:?} is not a count"))?;
        if (from..=to).contains(&d) {
            *out.entry(d).or_default() += n;
        }
    }
    Ok(out)
}

/// Whether a row group may hold one of some codes, by its statistics (true
/// when it has none).
fn code_range(stats: Option<&Statistics>) -> impl Fn(&[String]) -> bool + '_ {
    move |codes: &[String]| match stats {
        Some(Statistics::ByteArray(s)) => match (s.min_opt(), s.max_opt()) {
            (Some(lo), Some(hi)) => codes
                .iter()
                .any(|c| lo.data() <= c.as_bytes() && c.as_bytes() <= hi.data()),
            _ => true,
        },
        _ => true,
    }
}

/// A rollup file's schema with the country codes as dictionaries.
fn dictionary_schema(file: &Schema) -> SchemaRef {
    let codes = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let fields: Vec<Field> = file
        .fields()
        .iter()
        .map(|f| match f.name().as_str() {
            "actor1_country_code" | "actor2_country_code" => {
                Field::new(f.name(), codes.clone(), f.is_nullable())
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// For each code of a dictionary: whether it is one of `codes`.
fn code_matches(values: &StringArray, codes: &[String]) -> Vec<bool> {
    (0..values.len())
        .map(|i| values.is_valid(i) && codes.iter().any(|c| c == values.value(i)))
        .collect()
}

/// Adds a batch of rollup rows (the [`DYAD_COLUMNS`]); `None` when a column
/// has another type.
fn add_dyad_rows(
    b: &RecordBatch,
    from: i32,
    to: i32,
    dyad: &DyadFilter,
    count_totals: bool,
    out: &mut DyadDays,
) -> Option<()> {
    let day = column::<Date32Array>(b, 0)?;
    let a1 = column::<DictionaryArray<Int32Type>>(b, 1)?;
    let a2 = column::<DictionaryArray<Int32Type>>(b, 2)?;
    let quad = column::<Int8Array>(b, 3)?;
    let events = column::<Int64Array>(b, 4)?;
    let gs = column::<Float64Array>(b, 5)?;
    let gn = column::<Int64Array>(b, 6)?;
    let ts = column::<Float64Array>(b, 7)?;
    let tn = column::<Int64Array>(b, 8)?;
    let codes1 = a1.values().as_any().downcast_ref::<StringArray>()?;
    let codes2 = a2.values().as_any().downcast_ref::<StringArray>()?;
    let (a_1, b_1) = (code_matches(codes1, &dyad.a), code_matches(codes1, &dyad.b));
    let (a_2, b_2) = (code_matches(codes2, &dyad.a), code_matches(codes2, &dyad.b));
    let (k1, k2) = (a1.keys(), a2.keys());
    // Files without footer totals come sorted by day, so the day's total is
    // kept while the day lasts and stored when it changes.
    let mut run: Option<(i32, i64)> = None;
    for i in 0..b.num_rows() {
        let d = day.value(i);
        if d < from || d > to {
            continue;
        }
        let n = events.value(i);
        if count_totals {
            match &mut run {
                Some((rd, total)) if *rd == d => *total += n,
                _ => {
                    if let Some((rd, total)) = run {
                        *out.all.entry(rd).or_default() += total;
                    }
                    run = Some((d, n));
                }
            }
        }
        if k1.is_null(i) || k2.is_null(i) {
            continue;
        }
        let (c1, c2) = (k1.value(i) as usize, k2.value(i) as usize);
        let forward = a_1.get(c1) == Some(&true) && b_2.get(c2) == Some(&true);
        let backward = !dyad.directed && b_1.get(c1) == Some(&true) && a_2.get(c2) == Some(&true);
        if !(forward || backward) {
            continue;
        }
        let q = if quad.is_null(i) {
            0
        } else {
            quad.value(i).clamp(0, 4) as usize
        };
        let s = out.dyad.entry(d).or_default();
        s.by_quad[q] += n;
        s.events += n;
        s.goldstein_sum += gs.value(i);
        s.goldstein_n += gn.value(i);
        s.tone_sum += ts.value(i);
        s.tone_n += tn.value(i);
    }
    if let Some((rd, total)) = run {
        *out.all.entry(rd).or_default() += total;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_sums_as_its_rows_sum_one_by_one() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/gdelt2-20161013151500-head50.csv"
        );
        let text = std::fs::read(path).expect("the shipped excerpt");
        let parsed = crate::parse::parse_chunk(
            crate::Format::Gdelt2,
            &text,
            1,
            50,
            1,
            &crate::parse::Widths::default(),
        )
        .expect("parse");
        let mut rollup = Rollup::default();
        let mut want: HashMap<Key, Sums> = HashMap::new();
        let mut keys = Vec::new();
        for batch in parsed.batches.values() {
            rollup.add_batch(batch);
            let code = |c: usize, i: usize| {
                let a = column::<BinaryArray>(batch, c).expect("text");
                if a.is_null(i) {
                    0
                } else {
                    pack(a.value(i)).expect("short")
                }
            };
            let day = column::<Date32Array>(batch, col::DAY).expect("days");
            let root = column::<BinaryArray>(batch, col::EVENT_ROOT).expect("roots");
            let quad = column::<Int8Array>(batch, col::QUAD_CLASS).expect("quads");
            let gold = column::<Float64Array>(batch, col::GOLDSTEIN).expect("goldstein");
            let tone = column::<Float64Array>(batch, col::AVG_TONE).expect("tone");
            let mentions = column::<Int32Array>(batch, col::NUM_MENTIONS).expect("mentions");
            let articles = column::<Int32Array>(batch, col::NUM_ARTICLES).expect("articles");
            for i in 0..batch.num_rows() {
                let key = Key {
                    day: day.value(i),
                    actor1: code(col::A1_COUNTRY, i),
                    actor2: code(col::A2_COUNTRY, i),
                    root: std::str::from_utf8(root.value(i))
                        .expect("ascii")
                        .parse()
                        .expect("a root code"),
                    quad: quad.value(i),
                };
                keys.push(key);
                let s = want.entry(key).or_default();
                s.events += 1;
                s.goldstein_sum += gold.value(i);
                s.goldstein_n += 1;
                s.tone_sum += tone.value(i);
                s.tone_n += 1;
                s.mentions += i64::from(mentions.value(i));
                s.articles += i64::from(articles.value(i));
            }
        }
        assert_eq!(keys.len(), 50);
        let runs = keys.windows(2).filter(|w| w[0] == w[1]).count();
        assert!(runs > 0, "rows with the key of the row before");
        assert!(rollup.is_complete());
        assert_eq!(rollup.sums.len(), want.len());
        for (k, w) in &want {
            let got = rollup.sums[k];
            assert_eq!(
                (
                    got.events,
                    got.goldstein_n,
                    got.tone_n,
                    got.mentions,
                    got.articles
                ),
                (w.events, w.goldstein_n, w.tone_n, w.mentions, w.articles),
                "{k:?}"
            );
            assert!((got.goldstein_sum - w.goldstein_sum).abs() < 1e-9, "{k:?}");
            assert!((got.tone_sum - w.tone_sum).abs() < 1e-9, "{k:?}");
        }
    }

    #[test]
    fn codes_pack_and_unpack() {
        for c in ["", "R", "RUS", "ABCDEFG"] {
            let p = pack(c.as_bytes()).expect("fits");
            assert_ne!(p, 0, "{c:?} must differ from NULL");
            assert_eq!(unpack(p).map(|u| u.text().into_owned()).as_deref(), Some(c));
        }
        assert_eq!(pack(b"ABCDEFGH"), None);
        assert!(unpack(0).is_none());
    }

    #[test]
    fn packed_codes_sort_as_their_text_sorts() {
        let codes = [
            "A", "AB", "ABC", "ABD", "AC", "B", "RU", "RUS", "RUSGOV", "USA", "USAGOV", "ZZZZZZZ",
            "\u{7f}", "A\u{1}",
        ];
        let mut by_text: Vec<&str> = codes.to_vec();
        by_text.sort();
        let mut by_number: Vec<&str> = codes.to_vec();
        by_number.sort_by_key(|c| lexical(pack(c.as_bytes()).expect("fits")));
        assert_eq!(by_number, by_text);
        // NULL, and only NULL or the empty code, sorts first.
        assert_eq!(lexical(0), 0);
        assert!(
            codes
                .iter()
                .all(|c| lexical(pack(c.as_bytes()).expect("fits")) > 0)
        );
    }

    /// Rollup rows: (day, actor1, actor2, quad, events, goldstein sum).
    type Row<'a> = (i32, Option<&'a str>, Option<&'a str>, i8, i64, f64);

    fn rollup_file(path: &Path, rows: &[Row<'_>]) {
        let n = rows.len();
        let ints = |f: &dyn Fn(usize) -> i64| -> ArrayRef {
            Arc::new(Int64Array::from((0..n).map(f).collect::<Vec<_>>()))
        };
        let floats = |f: &dyn Fn(usize) -> f64| -> ArrayRef {
            Arc::new(Float64Array::from((0..n).map(f).collect::<Vec<_>>()))
        };
        let strings = |f: &dyn Fn(usize) -> Option<String>| -> ArrayRef {
            Arc::new(StringArray::from((0..n).map(f).collect::<Vec<_>>()))
        };
        let batch = RecordBatch::try_new(
            schema(),
            vec![
                Arc::new(Date32Array::from(
                    rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                )),
                strings(&|i| rows[i].1.map(String::from)),
                strings(&|i| rows[i].2.map(String::from)),
                strings(&|_| Some("01".to_string())),
                Arc::new(Int8Array::from(
                    rows.iter().map(|r| r.3).collect::<Vec<_>>(),
                )),
                ints(&|i| rows[i].4),
                floats(&|i| rows[i].5),
                ints(&|i| rows[i].4),
                floats(&|i| rows[i].5 / 2.0),
                ints(&|i| rows[i].4),
                ints(&|_| 0),
                ints(&|_| 0),
            ],
        )
        .expect("batch");
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(2))
            .build();
        let file = File::create(path).expect("create");
        let mut w =
            parquet::arrow::ArrowWriter::try_new(file, schema(), Some(props)).expect("writer");
        w.write(&batch).expect("write");
        w.close().expect("close");
    }

    #[test]
    fn dyad_days_sum_both_directions_within_the_range() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (one, two) = (dir.path().join("1.parquet"), dir.path().join("2.parquet"));
        rollup_file(
            &one,
            &[
                (10, Some("RUS"), Some("USA"), 3, 4, -8.0),
                (11, Some("USA"), Some("RUS"), 1, 2, 3.0),
                (11, Some("RUS"), Some("UKR"), 4, 5, -50.0),
                (12, None, Some("RUS"), 2, 7, 7.0),
                (20, Some("RUS"), Some("USA"), 1, 100, 1.0),
            ],
        );
        rollup_file(&two, &[(11, Some("RUS"), Some("USA"), 4, 1, -10.0)]);
        let files = [one, two];
        let filter = |directed| DyadFilter {
            a: vec!["RUS".into()],
            b: vec!["USA".into()],
            directed,
        };
        let got = read_dyad_days(&files, 10, 12, &filter(false)).expect("read");
        assert_eq!(got.all, BTreeMap::from([(10, 4), (11, 8), (12, 7)]));
        assert_eq!(got.dyad.len(), 2, "day 20 is outside the range");
        assert_eq!(got.dyad[&10].by_quad, [0, 0, 0, 4, 0]);
        assert_eq!(got.dyad[&11].by_quad, [0, 2, 0, 0, 1]);
        assert_eq!(got.dyad[&11].events, 3);
        assert_eq!(got.dyad[&11].goldstein_sum, -7.0);
        assert_eq!(got.dyad[&11].goldstein_n, 3);
        assert_eq!(got.dyad[&11].tone_sum, -3.5);
        let directed = read_dyad_days(&files, 10, 12, &filter(true)).expect("read");
        assert_eq!(
            directed.dyad[&11].by_quad,
            [0, 0, 0, 0, 1],
            "USA→RUS is left out"
        );
        assert_eq!(directed.all, got.all);
        let late = read_dyad_days(&files, 13, 30, &filter(false)).expect("read");
        assert_eq!(late.all, BTreeMap::from([(20, 100)]));
        assert_eq!(late.dyad[&20].events, 100);
    }

    #[test]
    fn written_rollups_keep_dyads_together_and_days_in_the_footer() {
        // Many dyads over several row groups, and the pair asked for in both
        // directions among them, more than a row group apart (the S codes
        // sort between RUS and USA).
        let mut rollup = Rollup::default();
        let firsts: Vec<String> = ["A", "S", "V"]
            .iter()
            .flat_map(|p| (0..60).map(move |i| format!("{p}{i:02}")))
            .collect();
        let seconds: Vec<String> = (0..30).map(|i| format!("B{i:02}")).collect();
        let mut key = |day: i32, a1: &str, a2: &str, quad: i8, events: i64| {
            let k = Key {
                day,
                actor1: pack(a1.as_bytes()).expect("short"),
                actor2: pack(a2.as_bytes()).expect("short"),
                root: 1,
                quad,
            };
            let s = rollup.sums.entry(k).or_default();
            s.events += events;
            s.goldstein_sum += events as f64;
            s.goldstein_n += events;
        };
        for day in 0..3 {
            for a in &firsts {
                for b in &seconds {
                    key(day, a, b, 1 + (day % 4) as i8, 1);
                }
            }
            key(day, "RUS", "USA", 4, 10);
            key(day, "USA", "RUS", 1, 100);
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.parquet");
        let file = File::create(&path).expect("create");
        rollup.write(file).expect("write");

        let meta = ArrowReaderMetadata::load(&File::open(&path).expect("open"), Default::default())
            .expect("footer");
        assert!(meta.metadata().num_row_groups() > 2, "several row groups");
        let first: Vec<String> = {
            let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).expect("open"))
                .expect("reader")
                .build()
                .expect("reader");
            reader
                .flat_map(|b| {
                    let b = b.expect("batch");
                    let a1 = column::<StringArray>(&b, 1).expect("codes").clone();
                    (0..a1.len())
                        .map(move |i| a1.value(i).to_string())
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert!(first.is_sorted(), "rows sorted by actor 1 country");

        let filter = |directed| DyadFilter {
            a: vec!["RUS".into()],
            b: vec!["USA".into()],
            directed,
        };
        let got = read_dyad_days(std::slice::from_ref(&path), 1, 2, &filter(false)).expect("read");
        let per_day = (firsts.len() * seconds.len()) as i64 + 110;
        assert_eq!(got.all, BTreeMap::from([(1, per_day), (2, per_day)]));
        assert_eq!(got.dyad.len(), 2);
        assert_eq!(got.dyad[&1].by_quad, [0, 100, 0, 0, 10]);
        assert_eq!(got.dyad[&2].goldstein_sum, 110.0);
        let directed =
            read_dyad_days(std::slice::from_ref(&path), 0, 2, &filter(true)).expect("read");
        assert_eq!(directed.dyad[&0].by_quad, [0, 0, 0, 0, 10]);
        assert_eq!(directed.all.len(), 3);
        // A pair with no rows: totals only.
        let none = DyadFilter {
            a: vec!["XXX".into()],
            b: vec!["YYY".into()],
            directed: false,
        };
        let got = read_dyad_days(std::slice::from_ref(&path), 0, 2, &none).expect("read");
        assert!(got.dyad.is_empty());
        assert_eq!(got.all.values().sum::<i64>(), 3 * per_day);
    }

    #[test]
    fn spans_read_what_the_file_holds_inside_and_outside_them() {
        use std::io::Read;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.parquet");
        let rows: Vec<Row<'_>> = (0..6)
            .map(|d| (d, Some("RUS"), Some("USA"), 1, 1, 1.0))
            .collect();
        rollup_file(&path, &rows);
        let whole = std::fs::read(&path).expect("read");
        let meta = ArrowReaderMetadata::load(&File::open(&path).expect("open"), Default::default())
            .expect("footer");
        let spans = Spans::read(
            File::open(&path).expect("open"),
            meta.metadata(),
            &[1],
            &[0, 5],
        )
        .expect("spans");
        assert_eq!(spans.spans.len(), 1);
        let (at, ref held) = spans.spans[0];
        let at = at as usize;
        let inside = spans.get_bytes(at as u64 + 1, 3).expect("inside");
        assert_eq!(&inside[..], &whole[at + 1..at + 4]);
        // Past the end of the span, and before it: read from the file.
        let across = spans.get_bytes(at as u64, held.len() + 8).expect("across");
        assert_eq!(&across[..], &whole[at..at + held.len() + 8]);
        let before = spans.get_bytes(0, 4).expect("before");
        assert_eq!(&before[..], b"PAR1");
        let mut read = Vec::new();
        spans
            .get_read(at as u64 + 2)
            .expect("read inside")
            .read_to_end(&mut read)
            .expect("read");
        assert_eq!(read, &whole[at + 2..at + held.len()]);
        let mut tail = Vec::new();
        spans
            .get_read(whole.len() as u64 - 4)
            .expect("read outside")
            .read_to_end(&mut tail)
            .expect("read");
        assert_eq!(tail, b"PAR1");
        assert_eq!(spans.len(), whole.len() as u64);
    }

    #[test]
    fn a_bad_day_totals_footer_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.parquet");
        let props = parquet::file::properties::WriterProperties::builder()
            .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
                DAY_TOTALS_KEY.to_string(),
                "10:4,eleven:3".to_string(),
            )]))
            .build();
        let batch = Rollup::default().to_batch().expect("batch");
        let mut w = parquet::arrow::ArrowWriter::try_new(
            File::create(&path).expect("create"),
            schema(),
            Some(props),
        )
        .expect("writer");
        w.write(&batch).expect("write");
        w.close().expect("close");
        let filter = DyadFilter {
            a: vec!["RUS".into()],
            b: vec!["USA".into()],
            directed: false,
        };
        let e = read_dyad_days(std::slice::from_ref(&path), 0, 20, &filter).expect_err("bad");
        assert!(
            e.to_string().contains("\"eleven\" is not a day number"),
            "{e}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_rollup_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let garbage = dir.path().join("garbage.parquet");
        std::fs::write(&garbage, b"not parquet at all").expect("write");
        let filter = DyadFilter {
            a: vec!["RUS".into()],
            b: vec!["USA".into()],
            directed: false,
        };
        let e =
            read_dyad_days(std::slice::from_ref(&garbage), 0, 10, &filter).expect_err("garbage");
        assert!(
            matches!(&e, Error::ReadParquet { path, .. } if *path == garbage),
            "{e}"
        );
        let other = dir.path().join("other.parquet");
        let batch =
            RecordBatch::try_from_iter([("day", Arc::new(Date32Array::from(vec![1])) as ArrayRef)])
                .expect("batch");
        let mut w = parquet::arrow::ArrowWriter::try_new(
            File::create(&other).expect("create"),
            batch.schema(),
            None,
        )
        .expect("writer");
        w.write(&batch).expect("write");
        w.close().expect("close");
        let e = read_dyad_days(&[other], 0, 10, &filter).expect_err("not a rollup");
        assert!(
            e.to_string()
                .contains("no column actor1_country_code: not a rollup file"),
            "{e}"
        );
        let e = read_dyad_days(&[dir.path().join("missing.parquet")], 0, 10, &filter)
            .expect_err("missing");
        assert!(matches!(e, Error::Io { .. }), "{e}");
    }
}
