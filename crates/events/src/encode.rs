//! Parquet column chunks encoded straight from the parser's Arrow arrays.
//!
//! The event schema is flat and its types are few, so each column knows its
//! encoding from the start and the general writer's work per value (definition
//! levels as one number a value, a generic interner, a run-length encoder fed
//! value by value) is not needed:
//!
//! - definition levels are the validity bitmap itself: Parquet's bit-packed
//!   runs of width 1 lay bits out as Arrow does, so a page's levels are one
//!   run header and a copy of its bitmap (or a single run when the page has no
//!   nulls, or only nulls);
//! - text and numbers that repeat are dictionary encoded, their indices
//!   bit-packed at the dictionary's width;
//! - numbers that hardly repeat are written plain, and integers that rise
//!   with the line delta-encoded;
//! - pages are compressed with zstd through one context a thread.
//!
//! A column chunk is built in memory, dictionary page first, with the
//! metadata a reader needs (offsets, sizes, encodings, statistics), and then
//! spliced into its row group.

use std::borrow::Cow;
use std::cell::RefCell;

use arrow::array::{Array, ArrayRef, AsArray, BooleanBufferBuilder};
use arrow::buffer::BooleanBuffer;
use arrow::datatypes::{
    Date32Type, Float64Type, Int8Type, Int32Type, Int64Type, TimestampSecondType,
};
use bytes::Bytes;
use hashbrown::HashTable;
use parquet::basic::{Compression, Encoding, EncodingMask, PageType, ZstdLevel};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::{ColumnChunkMetaData, PageEncodingStats};
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedPageWriter, SerializedRowGroupWriter, TrackedWrite};
use parquet::schema::types::{ColumnDescPtr, SchemaDescriptor};

use crate::parse::{Format, fills};
use crate::schema::{COLUMNS, Kind};

/// Rows a data page holds at most. A multiple of eight, so that a page's
/// bitmaps start on a byte.
const PAGE_ROWS: usize = 16 * 1024;

/// Plain-encoded bytes after which a page ends early.
const PAGE_BYTES: usize = 1 << 20;

/// Dictionary bytes after which a column chunk goes on in plain encoding,
/// so that the dictionary page a reader must hold whole stays small.
///
/// Text repeats in event data, free text included: in 128K rows of real
/// GDELT 2.0 there are 7,509 distinct action_geo_fullname values, 2,765
/// actor1_name values and 26,534 source_url values (each article yields
/// several events). Those URLs take 2.8 MB, so the limit is 4 MiB rather
/// than the Arrow writer's 1 MiB. ICEWS's event_text is the CAMEO label
/// (122 distinct in 3,705 rows).
const DICTIONARY_BYTES: usize = 4 << 20;

/// zstd level, Parquet's default.
const ZSTD_LEVEL: i32 = 1;

/// Numbers written plain. avg_tone repeats (19,137 distinct values in the
/// 129,257 rows of the 91 GDELT 2.0 exports in the shared data), but mostly
/// along the rows of one article, which zstd finds in plain values: a
/// dictionary made the output of 2.04 GB of GDELT 2.0 0.5% larger, for no
/// less time.
const NO_DICTIONARY: &[&str] = &["avg_tone"];

/// Integers that rise with the line: delta encoding stores them in a few bits
/// a row, where a dictionary would hold every value.
const DELTA: &[&str] = &["global_event_id", "line"];

/// How a column's values are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// A dictionary page and bit-packed indices, plain after the dictionary
    /// grows past [`DICTIONARY_BYTES`].
    Dictionary,
    /// Plain values.
    Plain,
    /// Delta-encoded 64-bit integers.
    Delta,
}

/// The encoders of a row group's columns, for files of `format`.
pub(crate) fn column_encoders(schema: &SchemaDescriptor, format: Format) -> Vec<ColumnEncoder> {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(c, (name, kind))| {
            let plan = if DELTA.contains(name) && *kind == Kind::I64 {
                Plan::Delta
            } else if NO_DICTIONARY.contains(name) || *kind == Kind::Bool || !fills(format, c) {
                Plan::Plain
            } else {
                Plan::Dictionary
            };
            // A column the format never fills is all null: its pages hold a
            // few bytes of levels, which a compression frame would only grow.
            ColumnEncoder::new(schema.column(c), *kind, plan, fills(format, c))
        })
        .collect()
}

/// The columns in the order an encoding job should take them: the costliest
/// first, so that the job ends on cheap columns and the thread that takes
/// the last column keeps the other waiting only briefly. Measured on 2.04 GB
/// of GDELT 2.0, source_url took 0.32 s to encode, each geo full name 0.13 to
/// 0.19 s, and most code columns 0.07 to 0.12 s; numbers cost less.
pub(crate) fn costliest_first() -> &'static [usize] {
    static ORDER: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        use crate::schema::col;
        let rank = |c: usize| match COLUMNS[c].1 {
            _ if c == col::SOURCE_URL => 0,
            _ if [
                col::A1G_NAME,
                col::A2G_NAME,
                col::AG_NAME,
                col::A1_NAME,
                col::A2_NAME,
            ]
            .contains(&c) =>
            {
                1
            }
            Kind::Str => 2,
            Kind::F64 => 3,
            _ => 4,
        };
        let mut order: Vec<usize> = (0..COLUMNS.len()).collect();
        order.sort_by_key(|c| rank(*c));
        order
    })
}

/// A column chunk ready to be spliced into its row group.
pub(crate) struct EncodedChunk {
    bytes: Bytes,
    close: ColumnCloseResult,
}

impl EncodedChunk {
    /// Appends the chunk as the row group's next column.
    pub(crate) fn append_to<W: std::io::Write + Send>(
        self,
        rg: &mut SerializedRowGroupWriter<'_, W>,
    ) -> Result<()> {
        rg.append_column(&self.bytes, self.close)
    }
}

/// The encoder of one column chunk.
pub(crate) struct ColumnEncoder {
    descr: ColumnDescPtr,
    kind: Kind,
    plan: Plan,
    compress: bool,
    /// The column has definition levels.
    nullable: bool,
    dict: Dictionary,
    /// The dictionary has grown too big: pages go on plain.
    dict_full: bool,
    /// The page being filled.
    rows: usize,
    valid: BooleanBufferBuilder,
    indices: Vec<u32>,
    plain: Vec<u8>,
    flags: BooleanBufferBuilder,
    ints: Vec<i64>,
    /// The page body before compression, kept between pages.
    body: Vec<u8>,
    /// Pages written, in order.
    sink: TrackedWrite<Vec<u8>>,
    pages: Vec<(Encoding, i32)>,
    uncompressed: i64,
    compressed: i64,
    /// Rows and nulls in the chunk.
    chunk_rows: u64,
    nulls: u64,
    min_max: MinMax,
}

/// The minimum and maximum of a chunk's values, in the column's physical type.
#[derive(Debug, Clone, Copy)]
enum MinMax {
    None,
    Int(i64, i64),
    Float(f64, f64),
    Flag(bool, bool),
}

impl MinMax {
    fn int(&mut self, lo: i64, hi: i64) {
        *self = match *self {
            MinMax::Int(a, b) => MinMax::Int(a.min(lo), b.max(hi)),
            _ => MinMax::Int(lo, hi),
        };
    }

    fn float(&mut self, lo: f64, hi: f64) {
        *self = match *self {
            MinMax::Float(a, b) => MinMax::Float(a.min(lo), b.max(hi)),
            _ => MinMax::Float(lo, hi),
        };
    }

    fn flag(&mut self, lo: bool, hi: bool) {
        *self = match *self {
            MinMax::Flag(a, b) => MinMax::Flag(a & lo, b | hi),
            _ => MinMax::Flag(lo, hi),
        };
    }
}

thread_local! {
    /// One zstd context a thread, kept between pages.
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

fn zstd_compress(data: &[u8]) -> Result<Vec<u8>> {
    ZSTD.with(|cell| {
        let mut slot = cell.borrow_mut();
        let c = match &mut *slot {
            Some(c) => c,
            None => slot.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
        };
        Ok(c.compress(data)?)
    })
}

impl ColumnEncoder {
    fn new(descr: ColumnDescPtr, kind: Kind, plan: Plan, compress: bool) -> ColumnEncoder {
        let nullable = descr.max_def_level() > 0;
        ColumnEncoder {
            descr,
            kind,
            plan,
            compress,
            nullable,
            dict: Dictionary::default(),
            dict_full: false,
            rows: 0,
            valid: BooleanBufferBuilder::new(0),
            indices: Vec::new(),
            plain: Vec::new(),
            flags: BooleanBufferBuilder::new(0),
            ints: Vec::new(),
            body: Vec::new(),
            sink: TrackedWrite::new(Vec::new()),
            pages: Vec::new(),
            uncompressed: 0,
            compressed: 0,
            chunk_rows: 0,
            nulls: 0,
            min_max: MinMax::None,
        }
    }

    fn dictionary(&self) -> bool {
        self.plan == Plan::Dictionary && !self.dict_full
    }

    /// Encodes an array of the column's type.
    pub(crate) fn write(&mut self, array: &ArrayRef) -> Result<()> {
        let mut at = 0;
        while at < array.len() {
            let take = (PAGE_ROWS - self.rows).min(array.len() - at);
            self.append(&array.slice(at, take))?;
            at += take;
            if self.rows == PAGE_ROWS || self.plain.len() >= PAGE_BYTES {
                self.flush_page()?;
            }
        }
        Ok(())
    }

    fn append(&mut self, a: &ArrayRef) -> Result<()> {
        let n = a.len();
        let valid = a.logical_nulls();
        let nulls = valid.as_ref().map_or(0, |v| v.null_count());
        if !self.nullable && nulls > 0 {
            return Err(ParquetError::General(format!(
                "column {} is required but holds {nulls} nulls",
                self.descr.name()
            )));
        }
        if self.nullable {
            match &valid {
                Some(v) => self.valid.append_buffer(v.inner()),
                None => self.valid.append_n(n, true),
            }
        }
        let valid = valid.filter(|_| nulls > 0).map(|v| v.into_inner());
        self.rows += n;
        self.chunk_rows += n as u64;
        self.nulls += nulls as u64;
        if nulls == n {
            return Ok(());
        }
        let valid = valid.as_ref();
        match self.kind {
            Kind::I64 => self.ints_of(&a.as_primitive::<Int64Type>().values()[..], valid),
            Kind::Ts => self.ints_of(&a.as_primitive::<TimestampSecondType>().values()[..], valid),
            Kind::I32 => self.ints_of(&a.as_primitive::<Int32Type>().values()[..], valid),
            Kind::Date => self.ints_of(&a.as_primitive::<Date32Type>().values()[..], valid),
            Kind::I8 => self.ints_of(&a.as_primitive::<Int8Type>().values()[..], valid),
            Kind::F64 => self.floats_of(&a.as_primitive::<Float64Type>().values()[..], valid),
            Kind::Bool => {
                let values = a.as_boolean().values();
                let flags = &mut self.flags;
                each_index(n, valid, |i| flags.append(values.value(i)));
                // Set flags among the valid values: the minimum is true when
                // all are, the maximum when any is.
                let set = match valid {
                    Some(m) => (values & m).count_set_bits(),
                    None => values.count_set_bits(),
                };
                self.min_max.flag(set == n - nulls, set > 0);
            }
            Kind::Str => {
                // Parsed text comes as Binary (see `schema::parsed`).
                let (offsets, data) = match (a.as_binary_opt::<i32>(), a.as_string_opt::<i32>()) {
                    (Some(b), _) => (b.value_offsets(), b.value_data()),
                    (_, Some(s)) => (s.value_offsets(), s.value_data()),
                    _ => {
                        return Err(ParquetError::General(format!(
                            "column {} holds {} where text was expected",
                            self.descr.name(),
                            a.data_type()
                        )));
                    }
                };
                // Offsets of a valid array rise and stay within its data.
                let value = |i: usize| &data[offsets[i] as usize..offsets[i + 1] as usize];
                if self.dictionary() {
                    // Rows of one article follow each other and share much
                    // of their text (in GDELT 2.0, 35% of source_url values
                    // and half of actor1_name values equal the row before):
                    // a value equal to the one before skips the lookup.
                    let (dict, out) = (&mut self.dict, &mut self.indices);
                    let mut last: Option<(&[u8], u32)> = None;
                    each_index(n, valid, |i| {
                        let v = value(i);
                        let k = match last {
                            Some((lv, lk)) if same(lv, v) => lk,
                            _ => {
                                let k = dict.bytes(v);
                                last = Some((v, k));
                                k
                            }
                        };
                        out.push(k);
                    });
                } else {
                    // Arrow's offsets are i32: a value fits Parquet's u32 length.
                    let plain = &mut self.plain;
                    each_index(n, valid, |i| {
                        let v = value(i);
                        plain.extend_from_slice(&(v.len() as u32).to_le_bytes());
                        plain.extend_from_slice(v);
                    });
                }
            }
        }
        Ok(())
    }

    /// Integer values: 64-bit for INT64 columns, 32-bit for the others.
    fn ints_of<T: Copy + Into<i64>>(&mut self, values: &[T], valid: Option<&BooleanBuffer>) {
        let wide = self.descr.physical_type() == parquet::basic::Type::INT64;
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        each(values, valid, |v| {
            let v: i64 = v.into();
            lo = lo.min(v);
            hi = hi.max(v);
        });
        if lo <= hi {
            self.min_max.int(lo, hi);
        }
        match self.plan {
            Plan::Delta => each(values, valid, |v| self.ints.push(v.into())),
            Plan::Dictionary if !self.dict_full => {
                // Bits of the physical value: INT32 keys keep their low half.
                let key = |v: T| -> u64 {
                    let v: i64 = v.into();
                    if wide {
                        v as u64
                    } else {
                        u64::from(v as i32 as u32)
                    }
                };
                self.dict_keys(values, valid, key);
            }
            _ if wide => each(values, valid, |v| {
                self.plain.extend_from_slice(&v.into().to_le_bytes())
            }),
            _ => each(values, valid, |v| {
                self.plain
                    .extend_from_slice(&(v.into() as i32).to_le_bytes())
            }),
        }
    }

    fn floats_of(&mut self, values: &[f64], valid: Option<&BooleanBuffer>) {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        // NaN takes no part in min and max, as Parquet asks.
        each(values, valid, |v| {
            if !v.is_nan() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        });
        if lo <= hi {
            self.min_max.float(lo, hi);
        }
        if self.dictionary() {
            self.dict_keys(values, valid, f64::to_bits);
        } else {
            each(values, valid, |v| {
                self.plain.extend_from_slice(&v.to_le_bytes())
            });
        }
    }

    /// Dictionary indices of fixed-width values. Runs of one value are
    /// common (a GDELT 2.0 file's rows share date_added, and often day),
    /// so a value equal to the one before skips the lookup.
    fn dict_keys<T: Copy>(
        &mut self,
        values: &[T],
        valid: Option<&BooleanBuffer>,
        key: impl Fn(T) -> u64,
    ) {
        let (dict, indices) = (&mut self.dict, &mut self.indices);
        let mut last: Option<(u64, u32)> = None;
        each(values, valid, |v| {
            let k = key(v);
            let i = match last {
                Some((lk, li)) if lk == k => li,
                _ => {
                    let i = dict.fixed(k);
                    last = Some((k, i));
                    i
                }
            };
            indices.push(i);
        });
    }

    /// Writes the page being filled.
    fn flush_page(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let width = bit_width(self.dict.len().saturating_sub(1) as u64).max(1);
        let values = match self.plan {
            Plan::Delta => 32 + self.ints.len() * 9,
            Plan::Dictionary if !self.dict_full => {
                16 + self.indices.len().div_ceil(8) * usize::from(width)
            }
            _ => self.plain.len() + self.rows.div_ceil(8),
        };
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        body.reserve(16 + self.rows.div_ceil(8) + values);
        if self.nullable {
            let start = body.len();
            body.extend_from_slice(&[0; 4]);
            levels(self.valid.as_slice(), self.valid.len(), &mut body);
            // Keeps the builder's memory for the next page.
            self.valid.truncate(0);
            let len = len32(body.len() - start - 4)?;
            body[start..start + 4].copy_from_slice(&len.to_le_bytes());
        }
        let encoding = match self.plan {
            Plan::Delta => {
                delta(&self.ints, &mut body);
                self.ints.clear();
                Encoding::DELTA_BINARY_PACKED
            }
            _ if self.kind == Kind::Bool => {
                body.extend_from_slice(&self.flags.as_slice()[..self.flags.len().div_ceil(8)]);
                self.flags.truncate(0);
                Encoding::PLAIN
            }
            Plan::Dictionary if !self.dict_full => {
                body.push(width);
                hybrid(&self.indices, width, &mut body);
                self.indices.clear();
                Encoding::RLE_DICTIONARY
            }
            _ => {
                body.extend_from_slice(&self.plain);
                self.plain.clear();
                Encoding::PLAIN
            }
        };
        let rows = u32::try_from(self.rows)
            .map_err(|_| ParquetError::General("a page of more than 2^32 rows".into()))?;
        self.rows = 0;
        let uncompressed = body.len();
        let buf = self.stored(&body);
        self.body = body;
        let buf = buf?;
        let page = Page::DataPage {
            buf: Bytes::from(buf),
            num_values: rows,
            encoding,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let spec = SerializedPageWriter::new(&mut self.sink)
            .write_page(CompressedPage::new(page, uncompressed))?;
        self.uncompressed += spec.uncompressed_size as i64;
        self.compressed += spec.compressed_size as i64;
        match self.pages.last_mut() {
            Some((e, count)) if *e == encoding => *count += 1,
            _ => self.pages.push((encoding, 1)),
        }
        if self.plan == Plan::Dictionary
            && self.dict.page_bytes(self.kind_width()) > DICTIONARY_BYTES
        {
            self.dict_full = true;
        }
        Ok(())
    }

    /// A page body as the file stores it: compressed when the column is.
    fn stored(&self, body: &[u8]) -> Result<Vec<u8>> {
        if self.compress {
            zstd_compress(body)
        } else {
            Ok(body.to_vec())
        }
    }

    /// Bytes a value takes in a dictionary page, or `None` for text.
    fn kind_width(&self) -> Option<usize> {
        match self.descr.physical_type() {
            parquet::basic::Type::INT32 => Some(4),
            parquet::basic::Type::INT64 | parquet::basic::Type::DOUBLE => Some(8),
            _ => None,
        }
    }

    /// Ends the column chunk and makes the encoder ready for the next,
    /// keeping its buffers and its dictionary's room: a row group's
    /// dictionaries grow to about the same size as the one before, and
    /// growing them again rehashes every value they hold.
    pub(crate) fn close(&mut self) -> Result<EncodedChunk> {
        let chunk = self.chunk();
        self.reset();
        chunk
    }

    /// Empties the encoder for a new column chunk, keeping its memory but
    /// the sink's, whose bytes went with the chunk.
    fn reset(&mut self) {
        self.dict.clear();
        self.dict_full = false;
        self.rows = 0;
        self.valid.truncate(0);
        self.indices.clear();
        self.plain.clear();
        self.flags.truncate(0);
        self.ints.clear();
        self.sink = TrackedWrite::new(Vec::new());
        self.pages.clear();
        self.uncompressed = 0;
        self.compressed = 0;
        self.chunk_rows = 0;
        self.nulls = 0;
        self.min_max = MinMax::None;
    }

    /// The column chunk of the rows written since the last.
    fn chunk(&mut self) -> Result<EncodedChunk> {
        self.flush_page()?;
        let compression = if self.compress {
            Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?)
        } else {
            Compression::UNCOMPRESSED
        };
        let mut head = TrackedWrite::new(Vec::new());
        let mut dict_len = 0;
        let (mut uncompressed, mut compressed) = (self.uncompressed, self.compressed);
        let mut stats = Vec::new();
        let mut encodings = vec![Encoding::RLE];
        if self.plan == Plan::Dictionary {
            let body = self.dict.page(self.kind_width());
            let len = body.len();
            let buf = self.stored(&body)?;
            drop(body);
            let page = Page::DictionaryPage {
                buf: Bytes::from(buf),
                num_values: self.dict.len() as u32,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            };
            let spec =
                SerializedPageWriter::new(&mut head).write_page(CompressedPage::new(page, len))?;
            uncompressed += spec.uncompressed_size as i64;
            compressed += spec.compressed_size as i64;
            dict_len = spec.bytes_written as i64;
            stats.push(PageEncodingStats {
                page_type: PageType::DICTIONARY_PAGE,
                encoding: Encoding::PLAIN,
                count: 1,
            });
            encodings.push(Encoding::PLAIN);
        }
        for (encoding, count) in self.pages.drain(..) {
            stats.push(PageEncodingStats {
                page_type: PageType::DATA_PAGE,
                encoding,
                count,
            });
            encodings.push(encoding);
        }
        let statistics = (self.kind != Kind::Str).then(|| self.statistics());
        let sink = std::mem::replace(&mut self.sink, TrackedWrite::new(Vec::new()));
        let mut bytes = head.into_inner()?;
        bytes.extend_from_slice(&sink.into_inner()?);
        let mut b = ColumnChunkMetaData::builder(self.descr.clone())
            .set_compression(compression)
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings.iter()))
            .set_page_encoding_stats(stats)
            .set_total_compressed_size(compressed)
            .set_total_uncompressed_size(uncompressed)
            .set_num_values(self.chunk_rows as i64)
            .set_data_page_offset(dict_len)
            .set_dictionary_page_offset((self.plan == Plan::Dictionary).then_some(0));
        if let Some(s) = statistics {
            b = b.set_statistics(s);
        }
        Ok(EncodedChunk {
            bytes: Bytes::from(bytes),
            close: ColumnCloseResult {
                bytes_written: compressed as u64,
                rows_written: self.chunk_rows,
                metadata: b.build()?,
                bloom_filter: None,
                column_index: None,
                offset_index: None,
            },
        })
    }

    /// Chunk statistics, as the Arrow writer would write them.
    fn statistics(&self) -> Statistics {
        let nulls = Some(self.nulls);
        let signed = self.descr.sort_order().is_signed();
        let wide = self.descr.physical_type() == parquet::basic::Type::INT64;
        match (self.min_max, self.kind) {
            (MinMax::Flag(lo, hi), _) => {
                ValueStatistics::new(Some(lo), Some(hi), None, nulls, false)
                    .with_backwards_compatible_min_max(signed)
                    .into()
            }
            (MinMax::None, Kind::Bool) => {
                ValueStatistics::<bool>::new(None, None, None, nulls, false)
                    .with_backwards_compatible_min_max(signed)
                    .into()
            }
            (MinMax::Float(lo, hi), _) => {
                // -0 and +0 compare equal: the minimum says -0 and the
                // maximum +0, so that either bound admits both.
                let lo = if lo == 0.0 { -0.0 } else { lo };
                let hi = if hi == 0.0 { 0.0 } else { hi };
                ValueStatistics::new(Some(lo), Some(hi), None, nulls, false)
                    .with_backwards_compatible_min_max(signed)
                    .into()
            }
            (MinMax::None, Kind::F64) => {
                ValueStatistics::<f64>::new(None, None, None, nulls, false)
                    .with_backwards_compatible_min_max(signed)
                    .into()
            }
            (m, _) if wide => {
                let (lo, hi) = match m {
                    MinMax::Int(lo, hi) => (Some(lo), Some(hi)),
                    _ => (None, None),
                };
                ValueStatistics::new(lo, hi, None, nulls, false)
                    .with_backwards_compatible_min_max(signed)
                    .into()
            }
            (m, _) => {
                // INT32 columns hold i32, i8 and dates: in range by their type.
                let (lo, hi) = match m {
                    MinMax::Int(lo, hi) => (Some(lo as i32), Some(hi as i32)),
                    _ => (None, None),
                };
                ValueStatistics::new(lo, hi, None, nulls, false)
                    .with_backwards_compatible_min_max(signed)
                    .into()
            }
        }
    }
}

/// Fixed-width values looked up in a table instead of hashed: codes,
/// geography types and most counts fall below it.
const SMALL: usize = 1024;

/// A column chunk's dictionary: its distinct values in order of first use.
#[derive(Default)]
struct Dictionary {
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    /// Fixed-width values, as bits.
    keys: Vec<u64>,
    /// For each fixed-width value below [`SMALL`], its index plus one, or 0
    /// before it is seen; such values are never hashed. Empty until the
    /// first one comes.
    small: Vec<u32>,
    /// Text values: the plain-encoded page, and where each value lies in it.
    text: Vec<u8>,
    spans: Vec<(u32, u32)>,
}

impl Dictionary {
    fn len(&self) -> usize {
        self.keys.len() + self.spans.len()
    }

    /// Forgets every value, keeping the memory.
    fn clear(&mut self) {
        self.table.clear();
        self.keys.clear();
        self.small.fill(0);
        self.text.clear();
        self.spans.clear();
    }

    /// The index of a fixed-width value, added when new.
    fn fixed(&mut self, key: u64) -> u32 {
        use std::hash::BuildHasher;
        if let Ok(k) = usize::try_from(key)
            && k < SMALL
        {
            if self.small.is_empty() {
                self.small = vec![0; SMALL];
            }
            let slot = &mut self.small[k];
            if *slot == 0 {
                self.keys.push(key);
                *slot = self.keys.len() as u32;
            }
            return *slot - 1;
        }
        let hash = self.hasher.hash_one(key);
        let keys = &mut self.keys;
        let entry = self.table.entry(
            hash,
            |&i| keys[i as usize] == key,
            |&i| self.hasher.hash_one(keys[i as usize]),
        );
        // Indices stay below 2^32: a page holds at most PAGE_ROWS values
        // and the dictionary stops growing soon after DICTIONARY_BYTES.
        *entry
            .or_insert_with(|| {
                keys.push(key);
                (keys.len() - 1) as u32
            })
            .get()
    }

    /// The index of a text value, added when new.
    fn bytes(&mut self, v: &[u8]) -> u32 {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(v);
        let (text, spans) = (&mut self.text, &mut self.spans);
        let at = |(s, l): (u32, u32)| s as usize..s as usize + l as usize;
        let hasher = &self.hasher;
        let entry = self.table.entry(
            hash,
            |&i| same(&text[at(spans[i as usize])], v),
            |&i| hasher.hash_one(&text[at(spans[i as usize])]),
        );
        *entry
            .or_insert_with(|| {
                text.extend_from_slice(&(v.len() as u32).to_le_bytes());
                let start = text.len() as u32;
                text.extend_from_slice(v);
                spans.push((start, v.len() as u32));
                (spans.len() - 1) as u32
            })
            .get()
    }

    /// Bytes of the dictionary page before compression.
    fn page_bytes(&self, width: Option<usize>) -> usize {
        match width {
            Some(w) => self.keys.len() * w,
            None => self.text.len(),
        }
    }

    /// The plain-encoded dictionary page.
    fn page(&self, width: Option<usize>) -> Cow<'_, [u8]> {
        match width {
            Some(4) => self
                .keys
                .iter()
                .flat_map(|k| (*k as u32).to_le_bytes())
                .collect(),
            Some(_) => self.keys.iter().flat_map(|k| k.to_le_bytes()).collect(),
            None => Cow::Borrowed(&self.text),
        }
    }
}

/// Whether two byte strings are equal. Those of up to 16 bytes, most text
/// values, are compared as two overlapping words or a few bytes each,
/// without a call.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..4 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..8 => a.first_chunk::<4>() == b.first_chunk() && a.last_chunk::<4>() == b.last_chunk(),
        8..=16 => a.first_chunk::<8>() == b.first_chunk() && a.last_chunk::<8>() == b.last_chunk(),
        _ => a == b,
    }
}

/// Calls `f` with the index of each valid value, in order.
fn each_index(n: usize, valid: Option<&BooleanBuffer>, f: impl FnMut(usize)) {
    match valid {
        None => (0..n).for_each(f),
        Some(m) => m.set_indices().for_each(f),
    }
}

/// Calls `f` with each valid value, in order.
fn each<T: Copy>(values: &[T], valid: Option<&BooleanBuffer>, mut f: impl FnMut(T)) {
    match valid {
        None => values.iter().for_each(|v| f(*v)),
        Some(m) => m.set_indices().for_each(|i| f(values[i])),
    }
}

/// The length of a value as Parquet writes it.
fn len32(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| ParquetError::General(format!("a value of {n} bytes")))
}

/// Bits needed for `max`.
fn bit_width(max: u64) -> u8 {
    (64 - max.leading_zeros()) as u8
}

/// ULEB128, as Parquet's run headers and delta headers write numbers.
fn uleb(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Definition levels of width 1 in the RLE/bit-packed hybrid encoding, from
/// the first `n` bits of a bitmap.
fn levels(bitmap: &[u8], n: usize, out: &mut Vec<u8>) {
    let groups = n.div_ceil(8);
    let Some((last, full)) = bitmap[..groups].split_last() else {
        return;
    };
    // Bits past the last level are padding a reader ignores; they are
    // cleared so that equal pages compress alike.
    let last = if n.is_multiple_of(8) {
        *last
    } else {
        last & ((1u8 << (n % 8)) - 1)
    };
    let set =
        full.iter().map(|b| b.count_ones() as usize).sum::<usize>() + last.count_ones() as usize;
    if set == n || set == 0 {
        uleb((n as u64) << 1, out);
        out.push(u8::from(set == n));
        return;
    }
    // Bit-packed groups of eight levels, LSB first: Arrow's bitmap layout.
    uleb(((groups as u64) << 1) | 1, out);
    out.extend_from_slice(full);
    out.push(last);
}

/// Values in one bit-packed run of the RLE/bit-packed hybrid encoding,
/// padded to a multiple of eight.
fn hybrid(values: &[u32], width: u8, out: &mut Vec<u8>) {
    if values.is_empty() {
        return;
    }
    let groups = values.len().div_ceil(8);
    uleb(((groups as u64) << 1) | 1, out);
    // Dictionary indices take up to 16 bits in all but the largest
    // dictionaries: those widths get a packer of their own.
    macro_rules! by_width {
        ($($w:literal)*) => {
            match width {
                $($w => pack_eights::<$w>(values, out),)*
                _ => pack(values.iter().map(|v| u64::from(*v)), width, groups * 8, out),
            }
        };
    }
    by_width!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
}

/// Packs values of `W` bits as [`pack`] does, eight at a time into `W`
/// bytes, the last eight padded with zeros. The shifts are constants,
/// where [`pack`] shifts by a running count: packing indices took 2.5% of
/// an ingest's instructions that way.
fn pack_eights<const W: usize>(values: &[u32], out: &mut Vec<u8>) {
    let eight = |g: &[u32; 8], out: &mut Vec<u8>| {
        let acc = g
            .iter()
            .enumerate()
            .fold(0u128, |acc, (i, v)| acc | u128::from(*v) << (W * i));
        out.extend_from_slice(&acc.to_le_bytes()[..W]);
    };
    let (groups, rest) = values.as_chunks::<8>();
    out.reserve((groups.len() + 1) * W);
    for g in groups {
        eight(g, out);
    }
    if !rest.is_empty() {
        let mut last = [0u32; 8];
        last[..rest.len()].copy_from_slice(rest);
        eight(&last, out);
    }
}

/// Packs `count` values of `width` bits, LSB first, values past the
/// iterator's end as zeros.
fn pack(values: impl Iterator<Item = u64>, width: u8, count: usize, out: &mut Vec<u8>) {
    let width = u32::from(width);
    let bytes = (count * width as usize).div_ceil(8);
    let end = out.len() + bytes;
    out.reserve(bytes + 8);
    let mut acc: u128 = 0;
    let mut bits = 0u32;
    for v in values {
        acc |= u128::from(v) << bits;
        bits += width;
        if bits >= 64 {
            out.extend_from_slice(&(acc as u64).to_le_bytes());
            acc >>= 64;
            bits -= 64;
        }
    }
    while bits > 0 {
        out.push(acc as u8);
        acc >>= 8;
        bits = bits.saturating_sub(8);
    }
    out.resize(end, 0);
}

/// Values per block and miniblocks per block of the delta encoding.
const DELTA_BLOCK: usize = 128;
const MINIBLOCKS: usize = 4;

/// 64-bit integers in the DELTA_BINARY_PACKED encoding.
fn delta(values: &[i64], out: &mut Vec<u8>) {
    uleb(DELTA_BLOCK as u64, out);
    uleb(MINIBLOCKS as u64, out);
    uleb(values.len() as u64, out);
    uleb(zigzag(values.first().copied().unwrap_or(0)), out);
    let deltas: Vec<i64> = values.windows(2).map(|w| w[1].wrapping_sub(w[0])).collect();
    let per = DELTA_BLOCK / MINIBLOCKS;
    for block in deltas.chunks(DELTA_BLOCK) {
        // A chunk is never empty.
        let min = block.iter().copied().min().unwrap_or(0);
        uleb(zigzag(min), out);
        let minis: Vec<&[i64]> = block.chunks(per).collect();
        let widths: Vec<u8> = minis
            .iter()
            .map(|m| {
                let max = m
                    .iter()
                    .map(|d| d.wrapping_sub(min) as u64)
                    .max()
                    .unwrap_or(0);
                bit_width(max)
            })
            .collect();
        for i in 0..MINIBLOCKS {
            out.push(widths.get(i).copied().unwrap_or(0));
        }
        for (m, w) in minis.iter().zip(&widths) {
            pack(m.iter().map(|d| d.wrapping_sub(min) as u64), *w, per, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        BooleanArray, Date32Array, Float64Array, Int8Array, Int32Array, Int64Array, RecordBatch,
        StringArray, TimestampSecondArray,
    };
    use arrow::compute::concat_batches;
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::schema::schema;

    /// A random column of `kind`: nulls at `null_share`, values from a small
    /// set (so that they repeat) or wide (so that they do not).
    fn column(rng: &mut ChaCha8Rng, kind: Kind, rows: usize, null_share: f64) -> ArrayRef {
        let few = rng.random_bool(0.5);
        let valid = |rng: &mut ChaCha8Rng| !rng.random_bool(null_share);
        let int = |rng: &mut ChaCha8Rng| -> i64 {
            if few {
                rng.random_range(-3..40)
            } else {
                rng.random::<i64>()
            }
        };
        match kind {
            Kind::I64 => Arc::new(Int64Array::from_iter(
                (0..rows).map(|_| valid(rng).then(|| int(rng))),
            )),
            Kind::Ts => Arc::new(
                TimestampSecondArray::from_iter((0..rows).map(|_| valid(rng).then(|| int(rng))))
                    .with_timezone("UTC"),
            ),
            Kind::I32 => Arc::new(Int32Array::from_iter(
                (0..rows).map(|_| valid(rng).then(|| int(rng) as i32)),
            )),
            Kind::Date => Arc::new(Date32Array::from_iter(
                (0..rows).map(|_| valid(rng).then(|| int(rng) as i32)),
            )),
            Kind::I8 => Arc::new(Int8Array::from_iter(
                (0..rows).map(|_| valid(rng).then(|| int(rng) as i8)),
            )),
            Kind::F64 => Arc::new(Float64Array::from_iter((0..rows).map(|_| {
                valid(rng).then(|| match rng.random_range(0..6) {
                    0 => -0.0,
                    1 => 0.0,
                    2 => f64::NAN,
                    _ if few => f64::from(rng.random_range(-2..9)) / 4.0,
                    _ => rng.random::<f64>() * 1e6 - 5e5,
                })
            }))),
            Kind::Bool => Arc::new(BooleanArray::from_iter(
                (0..rows).map(|_| valid(rng).then(|| rng.random_bool(0.7))),
            )),
            Kind::Str => Arc::new(StringArray::from_iter((0..rows).map(|_| {
                valid(rng).then(|| {
                    if few {
                        ["USA", "RUS", "", "é", "GOV"][rng.random_range(0..5)].to_string()
                    } else {
                        let len = rng.random_range(0..30);
                        (0..len).map(|_| rng.random_range('a'..='ş')).collect()
                    }
                })
            }))),
        }
    }

    fn batch(rng: &mut ChaCha8Rng, rows: usize) -> RecordBatch {
        let schema = schema();
        let columns = COLUMNS
            .iter()
            .zip(schema.fields())
            .map(|((_, kind), field)| {
                let share = if !field.is_nullable() {
                    0.0
                } else {
                    [0.0, 0.1, 0.9, 1.0][rng.random_range(0..4)]
                };
                column(rng, *kind, rows, share)
            })
            .collect();
        RecordBatch::try_new(schema, columns).expect("columns of the schema")
    }

    /// Writes the batches as one row group through the column encoders and
    /// returns the file.
    fn write(format: Format, batches: &[RecordBatch]) -> Bytes {
        let mut encoders = column_encoders(&schema_descr(), format);
        write_with(&mut encoders, batches)
    }

    fn schema_descr() -> SchemaDescriptor {
        let (file, _) = ArrowWriter::try_new(Vec::new(), schema(), None)
            .and_then(|w| w.into_serialized_writer())
            .expect("writer");
        file.schema_descr().clone()
    }

    /// Writes the batches as one row group through the given encoders.
    fn write_with(encoders: &mut [ColumnEncoder], batches: &[RecordBatch]) -> Bytes {
        let (mut file, _) = ArrowWriter::try_new(Vec::new(), schema(), None)
            .and_then(|w| w.into_serialized_writer())
            .expect("writer");
        for b in batches {
            for (e, c) in encoders.iter_mut().zip(b.columns()) {
                e.write(c).expect("encoded");
            }
        }
        let mut rg = file.next_row_group().expect("row group");
        for e in encoders.iter_mut() {
            e.close()
                .expect("closed")
                .append_to(&mut rg)
                .expect("appended");
        }
        rg.close().expect("row group closed");
        Bytes::from(file.into_inner().expect("file"))
    }

    fn read(file: &Bytes) -> RecordBatch {
        let reader = ParquetRecordBatchReaderBuilder::try_new(file.clone())
            .expect("a Parquet file")
            .with_batch_size(1 << 20)
            .build()
            .expect("reader");
        let batches: Vec<RecordBatch> = reader.map(|b| b.expect("batch")).collect();
        concat_batches(&schema(), &batches).expect("one batch")
    }

    #[test]
    fn short_text_compares_as_slices_compare() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for n in 0..40 {
            let a: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            assert!(same(&a, &a.clone()), "{n} bytes");
            // A difference at any one byte, and a length off by one.
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 1 << rng.random_range(0..8);
                assert!(!same(&a, &b), "{n} bytes, differing at {at}");
            }
            let mut longer = a.clone();
            longer.push(a.first().copied().unwrap_or(0));
            assert!(!same(&a, &longer) && !same(&longer, &a), "{n} bytes");
        }
    }

    /// A random run of writes of uneven sizes, some sliced at odd offsets,
    /// across page boundaries.
    fn batches(rng: &mut ChaCha8Rng) -> Vec<RecordBatch> {
        let mut batches = Vec::new();
        for _ in 0..rng.random_range(1..5) {
            let rows = [0, 1, 7, 9, 333, PAGE_ROWS - 3, PAGE_ROWS + 11][rng.random_range(0..7)];
            let b = batch(rng, rows + 5);
            let skip = rng.random_range(0..5);
            batches.push(b.slice(skip, rows));
        }
        batches
    }

    #[test]
    fn encoders_closed_once_encode_the_next_chunk_as_new_ones() {
        for seed in 0..6 {
            let mut rng = ChaCha8Rng::seed_from_u64(100 + seed);
            let format = [Format::Gdelt1, Format::Gdelt2, Format::Icews][seed as usize % 3];
            let mut used = column_encoders(&schema_descr(), format);
            // The first chunk's text overflows the dictionary on some seeds:
            // the next chunk must start with a dictionary again.
            let mut first = batches(&mut rng);
            if seed % 2 == 0 {
                first.push(wide_text(&mut rng, DICTIONARY_BYTES / 400 + 1));
            }
            write_with(&mut used, &first);
            let next = batches(&mut rng);
            let again = write_with(&mut used, &next);
            assert_eq!(again, write(format, &next), "seed {seed}");
        }
    }

    /// Rows whose text columns hold distinct values of 400 bytes.
    fn wide_text(rng: &mut ChaCha8Rng, rows: usize) -> RecordBatch {
        let b = batch(rng, rows);
        let text: ArrayRef = Arc::new(StringArray::from_iter_values(
            (0..rows).map(|i| format!("{i:08}{}", "x".repeat(392))),
        ));
        let columns = COLUMNS
            .iter()
            .enumerate()
            .map(|(c, (_, kind))| match kind {
                Kind::Str => text.clone(),
                _ => b.column(c).clone(),
            })
            .collect();
        RecordBatch::try_new(schema(), columns).expect("columns of the schema")
    }

    #[test]
    fn chunks_read_back_as_written() {
        for seed in 0..12 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let format = [Format::Gdelt1, Format::Gdelt2, Format::Icews][seed as usize % 3];
            let batches = batches(&mut rng);
            let want = concat_batches(&schema(), &batches).expect("one batch");
            let file = write(format, &batches);
            let got = read(&file);
            // NaN is not equal to itself: compare the bits.
            for (c, (name, _)) in COLUMNS.iter().enumerate() {
                let (w, g) = (want.column(c), got.column(c));
                if !fills(format, c) {
                    continue;
                }
                assert_eq!(
                    w.to_data().nulls(),
                    g.to_data().nulls(),
                    "{name}, seed {seed}"
                );
                if let (Some(w), Some(g)) = (
                    w.as_primitive_opt::<Float64Type>(),
                    g.as_primitive_opt::<Float64Type>(),
                ) {
                    let bits = |a: &arrow::array::Float64Array| -> Vec<Option<u64>> {
                        a.iter().map(|v| v.map(f64::to_bits)).collect()
                    };
                    assert_eq!(bits(w), bits(g), "{name}, seed {seed}");
                } else {
                    assert_eq!(w, g, "{name}, seed {seed}");
                }
            }
            check_statistics(&file, &want, seed);
        }
    }

    /// Min, max and null counts of the chunk, as Arrow computes them.
    fn check_statistics(file: &Bytes, want: &RecordBatch, seed: u64) {
        let reader = SerializedFileReader::new(file.clone()).expect("a Parquet file");
        let rg = reader.metadata().row_group(0);
        for (c, (name, kind)) in COLUMNS.iter().enumerate() {
            let stats = rg.column(c).statistics();
            let a = want.column(c);
            if *kind == Kind::Str {
                assert!(stats.is_none(), "{name}");
                continue;
            }
            let stats = stats.expect("numbers have statistics");
            assert_eq!(
                stats.null_count_opt(),
                Some(a.null_count() as u64),
                "{name}"
            );
            let (lo, hi) = match stats {
                Statistics::Int32(s) => (
                    s.min_opt().map(|v| *v as f64),
                    s.max_opt().map(|v| *v as f64),
                ),
                Statistics::Int64(s) => (
                    s.min_opt().map(|v| *v as f64),
                    s.max_opt().map(|v| *v as f64),
                ),
                Statistics::Double(s) => (s.min_opt().copied(), s.max_opt().copied()),
                Statistics::Boolean(s) => (
                    s.min_opt().map(|v| f64::from(u8::from(*v))),
                    s.max_opt().map(|v| f64::from(u8::from(*v))),
                ),
                other => panic!("{name}: {other:?}"),
            };
            // Dates and timestamps as their numbers, flags as 0 and 1.
            let numbers = match kind {
                Kind::F64 => a.clone(),
                Kind::Bool => arrow::compute::cast(a, &arrow::datatypes::DataType::UInt8)
                    .expect("flags as numbers"),
                _ => arrow::compute::cast(a, &arrow::datatypes::DataType::Int64)
                    .expect("integers as i64"),
            };
            let numbers = arrow::compute::cast(&numbers, &arrow::datatypes::DataType::Float64)
                .expect("numbers as f64");
            let values: Vec<f64> = numbers
                .as_primitive::<Float64Type>()
                .iter()
                .flatten()
                .filter(|v| !v.is_nan())
                .collect();
            let min = values.iter().copied().reduce(f64::min);
            let max = values.iter().copied().reduce(f64::max);
            assert_eq!((lo, hi), (min, max), "{name}, seed {seed}");
            if *kind == Kind::F64 && min == Some(0.0) {
                assert!(
                    lo.is_some_and(|v| v.is_sign_negative()),
                    "{name}: a zero minimum is -0"
                );
            }
            if *kind == Kind::F64 && max == Some(0.0) {
                assert!(
                    hi.is_some_and(|v| v.is_sign_positive()),
                    "{name}: a zero maximum is +0"
                );
            }
        }
    }

    #[test]
    fn a_dictionary_past_its_limit_goes_on_plain() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        // 48 distinct bytes a row, 52 in the dictionary page with the
        // length: the dictionary passes its limit after `full` pages.
        let full = DICTIONARY_BYTES / (52 * PAGE_ROWS) + 1;
        let rows = (full + 1) * PAGE_ROWS;
        let mut b = batch(&mut rng, rows);
        let codes: ArrayRef = Arc::new(StringArray::from_iter_values(
            (0..rows).map(|i| format!("{i:048}")),
        ));
        let mut columns = b.columns().to_vec();
        columns[crate::schema::col::EVENT_CODE] = codes.clone();
        b = RecordBatch::try_new(schema(), columns).expect("batch");
        let file = write(Format::Gdelt2, &[b]);
        assert_eq!(read(&file).column(crate::schema::col::EVENT_CODE), &codes);
        let reader = SerializedFileReader::new(file).expect("a Parquet file");
        let pages: Vec<(PageType, Encoding)> = reader
            .get_row_group(0)
            .and_then(|rg| rg.get_column_page_reader(crate::schema::col::EVENT_CODE))
            .expect("pages")
            .map(|p| p.map(|p| (p.page_type(), p.encoding())).expect("page"))
            .collect();
        let mut want = vec![(PageType::DICTIONARY_PAGE, Encoding::PLAIN)];
        want.extend([(PageType::DATA_PAGE, Encoding::RLE_DICTIONARY)].repeat(full));
        want.push((PageType::DATA_PAGE, Encoding::PLAIN));
        assert_eq!(pages, want);
    }

    #[test]
    fn runs_of_one_text_read_back_as_written() {
        // Runs of one value of uneven length, broken by nulls and by values
        // that differ from the run's in one byte or in length, across pages.
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let pool = [
            Some("USA"),
            Some("USB"),
            Some("US"),
            None,
            Some("https://example.org/news/2015/02/18/story-1"),
            Some("https://example.org/news/2015/02/18/story-2"),
            Some(""),
        ];
        let rows = 2 * PAGE_ROWS + 777;
        let mut values = Vec::with_capacity(rows);
        while values.len() < rows {
            let v = pool[rng.random_range(0..pool.len())];
            let run = rng.random_range(1..6).min(rows - values.len());
            values.extend(std::iter::repeat_n(v, run));
        }
        let names: ArrayRef = Arc::new(StringArray::from_iter(values));
        let b = batch(&mut rng, rows);
        let mut columns = b.columns().to_vec();
        columns[crate::schema::col::A1_NAME] = names.clone();
        let b = RecordBatch::try_new(schema(), columns).expect("batch");
        // Sliced at an odd row, so that a write starts inside a run.
        let file = write(
            Format::Gdelt2,
            &[b.slice(0, 1001), b.slice(1001, rows - 1001)],
        );
        assert_eq!(read(&file).column(crate::schema::col::A1_NAME), &names);
    }

    #[test]
    fn numbers_get_indices_in_order_of_first_use_on_both_sides_of_the_table() {
        let keys = [
            5,
            SMALL as u64,
            0,
            SMALL as u64 - 1,
            u64::MAX,
            (-3i64) as u64,
            1 << 32,
        ];
        let mut d = Dictionary::default();
        let first: Vec<u32> = keys.iter().map(|k| d.fixed(*k)).collect();
        assert_eq!(first, (0..7).collect::<Vec<u32>>());
        let again: Vec<u32> = keys.iter().rev().map(|k| d.fixed(*k)).collect();
        assert_eq!(again, (0..7).rev().collect::<Vec<u32>>());
        let page = d.page(Some(8));
        let want: Vec<u8> = keys.iter().flat_map(|k| k.to_le_bytes()).collect();
        assert_eq!(page, want);
    }

    #[test]
    fn text_that_differs_gets_its_own_index() {
        let values: [&[u8]; 9] = [
            b"",
            b"\0",
            b"a",
            b"a\0",
            b"\0a",
            b"abcdefg",
            b"abcdefg\0",
            b"abcdefgh",
            b"abcdef\0",
        ];
        let mut d = Dictionary::default();
        let first: Vec<u32> = values.iter().map(|v| d.bytes(v)).collect();
        assert_eq!(first, (0..9).collect::<Vec<u32>>());
        let again: Vec<u32> = values.iter().rev().map(|v| d.bytes(v)).collect();
        assert_eq!(again, (0..9).rev().collect::<Vec<u32>>());
        // The page lists them in order, each after its length.
        let page = d.page(None);
        let mut want = Vec::new();
        for v in values {
            want.extend_from_slice(&(v.len() as u32).to_le_bytes());
            want.extend_from_slice(v);
        }
        assert_eq!(page, want);
    }

    /// Each width's packer of eights lays values out as the general packer
    /// does, for runs of every length up to a few eights.
    #[test]
    fn eights_pack_as_any_width_packs() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for width in 1..=20u8 {
            for n in 0..40usize {
                let values: Vec<u32> = (0..n)
                    .map(|_| rng.random_range(0..1u64 << width) as u32)
                    .collect();
                let mut got = Vec::new();
                hybrid(&values, width, &mut got);
                let mut want = Vec::new();
                if n > 0 {
                    uleb(((n.div_ceil(8) as u64) << 1) | 1, &mut want);
                    let wide = values.iter().map(|v| u64::from(*v));
                    pack(wide, width, n.div_ceil(8) * 8, &mut want);
                }
                assert_eq!(got, want, "width {width}, {n} values");
            }
        }
    }

    #[test]
    fn runs_are_encoded_as_the_format_lays_them_out() {
        // The delta example of the Parquet specification: 1, 2, 3, 4, 5.
        let mut out = Vec::new();
        delta(&[1, 2, 3, 4, 5], &mut out);
        assert_eq!(out, [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0]);
        // Indices 0..8 at width 3: one group of eight, 24 bits.
        let mut out = Vec::new();
        hybrid(&[0, 1, 2, 3, 4, 5, 6, 7], 3, &mut out);
        assert_eq!(out, [0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010]);
        // Levels: a run when all agree, else the bitmap itself.
        let mut out = Vec::new();
        levels(&[0xFF, 0xFF, 0xFF], 20, &mut out);
        assert_eq!(out, [40, 1]);
        let mut out = Vec::new();
        levels(&[0, 0b1111_0000], 12, &mut out);
        assert_eq!(out, [24, 0], "bits past the levels are not levels");
        let mut out = Vec::new();
        levels(&[0b1000_1101, 0b1111_1111], 9, &mut out);
        assert_eq!(out, [0x05, 0b1000_1101, 0b0000_0001]);
    }
}
