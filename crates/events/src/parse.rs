//! Row parsers for GDELT 1.0, GDELT 2.0 and ICEWS, writing straight into
//! columns in Arrow's layout, one set per (year, month) partition.
//!
//! A row is written field by field as it is read; a row that fails is taken
//! back from every column, so it leaves no trace in the output and goes to the
//! quarantine with its line number, raw bytes and reason.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use arrow::array::{
    Array, ArrayRef, BinaryArray, BooleanArray, BooleanBufferBuilder, PrimitiveArray, RecordBatch,
    new_null_array,
};
use arrow::buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{
    ArrowNativeType, ArrowPrimitiveType, DataType, Date32Type, Float64Type, Int8Type, Int32Type,
    Int64Type, TimestampSecondType,
};
use chrono::{Datelike, NaiveDate};
use detente_core::cameo;
use serde::Serialize;
use wide::u8x16;

use crate::schema::{self, COLUMNS, Kind, col, days_since_epoch};

/// A source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// GDELT 1.0 event exports: 57 fields (historical backfiles) or 58 (daily
    /// files, with SOURCEURL).
    Gdelt1,
    /// GDELT 2.0 15-minute event exports: 61 fields.
    Gdelt2,
    /// ICEWS coded event files: 20 tab-separated fields with a header line.
    Icews,
}

impl Format {
    /// The name used on the command line and as the `source` partition.
    pub fn name(self) -> &'static str {
        match self {
            Format::Gdelt1 => "gdelt1",
            Format::Gdelt2 => "gdelt2",
            Format::Icews => "icews",
        }
    }

    /// The format with this name.
    pub fn parse(s: &str) -> Option<Format> {
        [Format::Gdelt1, Format::Gdelt2, Format::Icews]
            .into_iter()
            .find(|f| f.name() == s)
    }
}

/// The ICEWS header, as the coded event files write it.
pub const ICEWS_HEADER: &str = "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\tIntensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\tPublisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude";

/// Tells the format from the first line of a file, or says why it cannot.
pub fn detect(first_line: &[u8]) -> Result<Format, String> {
    let line = first_line
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(first_line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.contains(&0) {
        return Err("the first line holds NUL bytes: the file looks like UTF-16 or binary; detente reads UTF-8".into());
    }
    if line == ICEWS_HEADER.as_bytes() {
        return Ok(Format::Icews);
    }
    let fields = line.iter().filter(|b| **b == b'\t').count() + 1;
    match fields {
        57 | 58 => Ok(Format::Gdelt1),
        61 => Ok(Format::Gdelt2),
        _ if line.starts_with(b"Event ID") => {
            Err("a header starting with \"Event ID\" that is not the ICEWS header".into())
        }
        n => Err(format!(
            "the first line has {n} tab-separated fields; GDELT 1.0 has 57 or 58, GDELT 2.0 61, ICEWS 20 with a header"
        )),
    }
}

/// Why a row was quarantined, or flagged and kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Reason(pub String);

/// A quarantined row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// Line number in the (decompressed) file, from 1.
    pub line: u64,
    /// The raw bytes of the line, without its line end.
    pub raw: Vec<u8>,
    /// Reason code, e.g. `wrong_field_count`.
    pub reason: String,
    /// Detail: which field, what it held.
    pub detail: String,
}

/// What parsing one chunk produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Batches by (year, month), in [`schema::parsed`]: text as Binary.
    pub batches: BTreeMap<(i32, u32), RecordBatch>,
    /// Rows read (non-header lines).
    pub rows_read: u64,
    /// Rows kept.
    pub rows_written: u64,
    /// Rows quarantined.
    pub quarantined: Vec<Quarantined>,
    /// Rows kept but flagged, by reason.
    pub flagged: BTreeMap<String, u64>,
    /// Earliest and latest `date_added`, in seconds.
    pub added: Option<(i64, i64)>,
    /// Earliest and latest day.
    pub days: Option<(NaiveDate, NaiveDate)>,
}

/// Values of a fixed-width column and the rows without one. Most fields
/// are seldom empty, so a null is noted by its row instead of a flag for
/// every row, and a column without nulls needs no bitmap.
struct Fixed<T> {
    values: Vec<T>,
    /// Rows that hold no value, in order.
    null_rows: Vec<usize>,
}

impl<T: Copy + Default> Fixed<T> {
    fn with_capacity(rows: usize) -> Fixed<T> {
        Fixed {
            values: Vec::with_capacity(rows),
            null_rows: Vec::new(),
        }
    }

    #[inline]
    fn put(&mut self, v: Option<T>) {
        if v.is_none() {
            self.null_rows.push(self.values.len());
        }
        self.values.push(v.unwrap_or_default());
    }

    fn truncate(&mut self, rows: usize) {
        self.values.truncate(rows);
        let kept = self.null_rows.partition_point(|r| *r < rows);
        self.null_rows.truncate(kept);
    }

    fn shrink(&mut self) {
        self.values.shrink_to_fit();
    }

    fn nulls(&self) -> Option<NullBuffer> {
        if self.null_rows.is_empty() {
            return None;
        }
        let mut valid = BooleanBufferBuilder::new(self.values.len());
        valid.append_n(self.values.len(), true);
        for r in &self.null_rows {
            valid.set_bit(*r, false);
        }
        Some(NullBuffer::new(valid.finish()))
    }

    /// The column as an Arrow array of type `A`, whose values are `T`.
    fn primitive<A: ArrowPrimitiveType<Native = T>>(self) -> Result<PrimitiveArray<A>, String>
    where
        T: ArrowNativeType,
    {
        let n = self.nulls();
        PrimitiveArray::try_new(ScalarBuffer::from(self.values), n).map_err(|e| e.to_string())
    }
}

/// A text column in Arrow's layout: offsets into one run of bytes. An empty
/// field is a null, so a row is valid exactly when its text is not empty.
struct Text {
    offsets: Vec<i32>,
    data: Vec<u8>,
}

impl Text {
    /// Room for `rows` rows and `bytes` bytes of text.
    fn with_capacity(rows: usize, bytes: usize) -> Text {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Text {
            offsets,
            data: Vec::with_capacity(bytes + WIDE),
        }
    }

    /// Appends `s`, or a null for an empty field. `wide`, when given, holds
    /// `s` at its start and bytes after it: a short field is then copied as
    /// one fixed-size block, which is cheaper than a copy of its own length,
    /// and the bytes past it are cut off again.
    #[inline]
    fn put(&mut self, s: &[u8], wide: Option<&[u8; WIDE]>) {
        match wide {
            Some(w) if s.len() <= WIDE => {
                let end = self.data.len() + s.len();
                self.data.extend_from_slice(w);
                self.data.truncate(end);
            }
            _ => self.data.extend_from_slice(s),
        }
        // Wraps past 2 GiB, which `finish` refuses before any offset is read.
        self.offsets.push(self.data.len() as i32);
    }

    fn truncate(&mut self, rows: usize) {
        if let Some(&end) = self.offsets.get(rows) {
            self.data.truncate(end as usize);
        }
        self.offsets.truncate(rows + 1);
    }

    fn shrink(&mut self) {
        self.offsets.shrink_to_fit();
        self.data.shrink_to_fit();
    }

    /// The rows without text, as Arrow's validity bitmap; `None` when every
    /// row has some.
    fn nulls(&self) -> Option<NullBuffer> {
        let o = &self.offsets;
        let valid = BooleanBuffer::collect_bool(o.len() - 1, |i| o[i + 1] > o[i]);
        let n = NullBuffer::new(valid);
        (n.null_count() > 0).then_some(n)
    }
}

/// Bytes a short text field is copied in.
const WIDE: usize = 32;

/// Packs flags into an Arrow bitmap (first flag in the lowest bit), eight
/// at a time: a multiply gathers the low bits of eight bytes into one byte.
fn bitmap(flags: &[bool]) -> BooleanBuffer {
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let mut bytes = Vec::with_capacity(flags.len().div_ceil(8));
    let mut words = flags.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        for (b, f) in w.iter_mut().zip(word) {
            *b = u8::from(*f);
        }
        bytes.push((u64::from_le_bytes(w).wrapping_mul(GATHER) >> 56) as u8);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let last = rest
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, f)| acc | (u8::from(*f) << i));
        bytes.push(last);
    }
    // `bytes` holds a bit for every flag, so `new` cannot panic.
    BooleanBuffer::new(Buffer::from_vec(bytes), 0, flags.len())
}

/// A column being filled. Rows are appended field by field as they are read,
/// and a row that fails half-way is taken back by truncating every column to
/// the rows kept.
enum Column {
    /// A column the format never fills: all null.
    Absent,
    I64(Fixed<i64>),
    I32(Fixed<i32>),
    I8(Fixed<i8>),
    F64(Fixed<f64>),
    Date(Fixed<i32>),
    Ts(Fixed<i64>),
    Bool(Fixed<bool>),
    Str(Text),
}

impl Column {
    fn truncate(&mut self, rows: usize) {
        match self {
            Column::Absent => {}
            Column::I64(c) | Column::Ts(c) => c.truncate(rows),
            Column::I32(c) | Column::Date(c) => c.truncate(rows),
            Column::I8(c) => c.truncate(rows),
            Column::F64(c) => c.truncate(rows),
            Column::Bool(c) => c.truncate(rows),
            Column::Str(c) => c.truncate(rows),
        }
    }

    /// Gives back the room reserved past the column's rows: a chunk's
    /// rows of a month it seldom meets may wait long for their writers.
    /// Shrinking a block seldom copies it.
    fn shrink(&mut self) {
        match self {
            Column::Absent | Column::Bool(_) => {}
            Column::I64(c) | Column::Ts(c) => c.shrink(),
            Column::I32(c) | Column::Date(c) => c.shrink(),
            Column::I8(c) => c.shrink(),
            Column::F64(c) => c.shrink(),
            Column::Str(c) => c.shrink(),
        }
    }

    /// The column as an Arrow array of `rows` rows of type `data_type`.
    fn finish(self, rows: usize, data_type: &DataType) -> Result<ArrayRef, String> {
        let array: ArrayRef = match self {
            Column::Absent => new_null_array(data_type, rows),
            Column::I64(c) => Arc::new(c.primitive::<Int64Type>()?),
            Column::I32(c) => Arc::new(c.primitive::<Int32Type>()?),
            Column::I8(c) => Arc::new(c.primitive::<Int8Type>()?),
            Column::F64(c) => Arc::new(c.primitive::<Float64Type>()?),
            Column::Date(c) => Arc::new(c.primitive::<Date32Type>()?),
            Column::Ts(c) => Arc::new(c.primitive::<TimestampSecondType>()?.with_timezone("UTC")),
            Column::Bool(c) => {
                let n = c.nulls();
                // Both vectors grow and shrink together, so their lengths
                // agree and `new` cannot panic.
                Arc::new(BooleanArray::new(bitmap(&c.values), n))
            }
            Column::Str(c) => {
                if i32::try_from(c.data.len()).is_err() {
                    return Err("a text column of the chunk holds more than 2 GiB".into());
                }
                let n = c.nulls();
                // The offsets start at 0 and only rise.
                let offsets = OffsetBuffer::new(ScalarBuffer::from(c.offsets));
                Arc::new(
                    BinaryArray::try_new(offsets, Buffer::from_vec(c.data), n)
                        .map_err(|e| e.to_string())?,
                )
            }
        };
        if array.len() != rows {
            return Err(format!(
                "a column of {} rows in a batch of {rows}",
                array.len()
            ));
        }
        Ok(array)
    }
}

/// Columns GDELT never fills: ICEWS's own fields.
const ICEWS_ONLY: &[usize] = &[
    col::A1_SECTORS,
    col::A2_SECTORS,
    col::A1_COUNTRY_NAME,
    col::A2_COUNTRY_NAME,
    col::EVENT_TEXT,
    col::STORY_ID,
    col::SENTENCE,
    col::PUBLISHER,
    col::AG_CITY,
    col::AG_DISTRICT,
    col::AG_PROVINCE,
];

/// Columns GDELT 1.0 lacks beside those: ADM2 codes came with GDELT 2.0.
const GDELT2_ONLY: &[usize] = &[col::A1G_ADM2, col::A2G_ADM2, col::AG_ADM2];

/// Columns ICEWS fills.
const ICEWS_FILLS: &[usize] = &[
    col::GLOBAL_EVENT_ID,
    col::DAY,
    col::A1_NAME,
    col::A1_SECTORS,
    col::A1_COUNTRY_NAME,
    col::A1_COUNTRY,
    col::EVENT_TEXT,
    col::EVENT_CODE,
    col::EVENT_BASE,
    col::EVENT_ROOT,
    col::QUAD_CLASS,
    col::GOLDSTEIN,
    col::A2_NAME,
    col::A2_SECTORS,
    col::A2_COUNTRY_NAME,
    col::A2_COUNTRY,
    col::STORY_ID,
    col::SENTENCE,
    col::PUBLISHER,
    col::AG_CITY,
    col::AG_DISTRICT,
    col::AG_PROVINCE,
    col::AG_NAME,
    col::AG_COUNTRY,
    col::AG_LAT,
    col::AG_LONG,
    col::CAMEO_LISTED,
    col::INGEST_ID,
    col::LINE,
];

/// Whether `format` fills column `c`.
pub(crate) fn fills(format: Format, c: usize) -> bool {
    match format {
        Format::Gdelt1 => !ICEWS_ONLY.contains(&c) && !GDELT2_ONLY.contains(&c),
        Format::Gdelt2 => !ICEWS_ONLY.contains(&c),
        Format::Icews => ICEWS_FILLS.contains(&c),
    }
}

/// The bytes a row takes in each text column, as the last chunk parsed
/// found them. The parse jobs of one ingest share it to size their columns
/// so that they need not grow, copying, row by row; it changes no output.
#[derive(Debug)]
pub struct Widths(Vec<AtomicUsize>);

impl Default for Widths {
    fn default() -> Widths {
        Widths((0..col::COUNT).map(|_| AtomicUsize::new(0)).collect())
    }
}

impl Widths {
    /// Bytes to reserve a row in column `c`: what the last chunk took, with
    /// an eighth to spare, and 8 before any chunk.
    fn get(&self, c: usize) -> usize {
        match self.0.get(c).map(|w| w.load(Ordering::Relaxed)) {
            Some(0) | None => 8,
            Some(w) => w + w / 8 + 1,
        }
    }

    /// Keeps what a row took in each text column of `p`.
    fn learn(&self, p: &Partition) {
        if p.rows == 0 {
            return;
        }
        for (w, c) in self.0.iter().zip(&p.cols) {
            if let Column::Str(t) = c {
                w.store(t.data.len().div_ceil(p.rows), Ordering::Relaxed);
            }
        }
    }
}

/// Writers of the fixed-width columns, one per Arrow type: a value or a
/// null, into the column if it has that type.
macro_rules! fixed_writers {
    ($($name:ident: $t:ty => $variant:ident),* $(,)?) => {
        $(
            #[inline]
            fn $name(&mut self, c: usize, v: Option<$t>) {
                match self.cols.get_mut(c) {
                    Some(Column::$variant(f)) => f.put(v),
                    _ => self.misuse = Some(c),
                }
            }
        )*
    };
}

/// The rows of one (year, month) in a chunk.
struct Partition {
    cols: Vec<Column>,
    rows: usize,
    /// A column written as the wrong type, which would be a parser bug.
    misuse: Option<usize>,
}

impl Partition {
    /// Columns sized for `rows` rows, so that they do not grow row by row;
    /// a text column reserves at most `text` bytes (the chunk's size, which
    /// no column can outgrow, whatever a row before was like).
    fn new(format: Format, rows: usize, widths: &Widths, text: usize) -> Partition {
        let cols = COLUMNS
            .iter()
            .enumerate()
            .map(|(c, (_, k))| match k {
                _ if !fills(format, c) => Column::Absent,
                Kind::I64 => Column::I64(Fixed::with_capacity(rows)),
                Kind::I32 => Column::I32(Fixed::with_capacity(rows)),
                Kind::I8 => Column::I8(Fixed::with_capacity(rows)),
                Kind::F64 => Column::F64(Fixed::with_capacity(rows)),
                Kind::Date => Column::Date(Fixed::with_capacity(rows)),
                Kind::Bool => Column::Bool(Fixed::with_capacity(rows)),
                Kind::Str => Column::Str(Text::with_capacity(
                    rows,
                    rows.saturating_mul(widths.get(c)).min(text),
                )),
                Kind::Ts => Column::Ts(Fixed::with_capacity(rows)),
            })
            .collect();
        Partition {
            cols,
            rows: 0,
            misuse: None,
        }
    }

    /// Text, or a null for an empty field.
    #[inline]
    fn str(&mut self, c: usize, s: &str) {
        self.field(c, (s.as_bytes(), None));
    }

    /// A field's text as [`Fields::raw`] gives it, or a null for an empty
    /// field.
    #[inline]
    fn field(&mut self, c: usize, (s, wide): (&[u8], Option<&[u8; WIDE]>)) {
        match self.cols.get_mut(c) {
            Some(Column::Str(t)) => t.put(s, wide),
            _ => self.misuse = Some(c),
        }
    }

    fixed_writers! {
        i64: i64 => I64,
        i32: i32 => I32,
        i8: i8 => I8,
        f64: f64 => F64,
        bool: bool => Bool,
        date: i32 => Date,
        ts: i64 => Ts,
    }

    /// Keeps the row just written.
    fn keep(&mut self) {
        self.rows += 1;
    }

    /// Takes back what was written of a row that failed.
    fn take_back(&mut self) {
        let rows = self.rows;
        for c in &mut self.cols {
            c.truncate(rows);
        }
    }

    fn finish(self) -> Result<RecordBatch, String> {
        if let Some(c) = self.misuse {
            let name = COLUMNS.get(c).map_or("beyond the schema", |(n, _)| n);
            return Err(format!("column {c} ({name}) was written as the wrong type"));
        }
        let rows = self.rows;
        let schema = schema::parsed();
        let arrays = self
            .cols
            .into_iter()
            .zip(schema.fields())
            .map(|(mut c, field)| {
                c.shrink();
                c.finish(rows, field.data_type())
            })
            .collect::<Result<Vec<_>, String>>()?;
        RecordBatch::try_new(schema, arrays).map_err(|e| e.to_string())
    }
}

/// A failed field: reason code and detail.
type Fail = (&'static str, String);

fn int(field: &'static str, s: &str, required: bool) -> Result<Option<i64>, Fail> {
    if s.is_empty() {
        return if required {
            Err(("missing_value", format!("{field} is empty")))
        } else {
            Ok(None)
        };
    }
    s.parse::<i64>()
        .map(Some)
        .map_err(|_| ("bad_number", format!("{field} = {s:?} is not an integer")))
}

fn count(field: &'static str, s: &str) -> Result<Option<i32>, Fail> {
    match int(field, s, false)? {
        Some(v) => i32::try_from(v)
            .ok()
            .filter(|v| *v >= 0)
            .map(Some)
            .ok_or_else(|| ("out_of_range", format!("{field} = {v} is not a count"))),
        None => Ok(None),
    }
}

fn float(field: &'static str, s: &str, range: Option<(f64, f64)>) -> Result<Option<f64>, Fail> {
    if s.is_empty() {
        return Ok(None);
    }
    let v: f64 = match plain_decimal(s.as_bytes()) {
        Some(v) => v,
        None => s
            .parse()
            .map_err(|_| ("bad_number", format!("{field} = {s:?} is not a number")))?,
    };
    if !v.is_finite() {
        return Err(("bad_number", format!("{field} = {s:?} is not finite")));
    }
    if let Some((lo, hi)) = range
        && (v < lo || v > hi)
    {
        return Err((
            "out_of_range",
            format!("{field} = {v} is outside [{lo}, {hi}]"),
        ));
    }
    Ok(Some(v))
}

/// Powers of ten that an `f64` holds exactly.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A decimal such as `-2.5316455696` read without the general parser, when
/// its digits and its power of ten are both exact in an `f64`: then one
/// division, correctly rounded, gives the same value `str::parse` gives
/// (Clinger's fast path). `None` for anything else, which the general parser
/// then reads or rejects.
fn plain_decimal(s: &[u8]) -> Option<f64> {
    let (negative, body) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, s),
    };
    // At most 19 digits and a point, whose value fits a u64; 20 digits may
    // wrap, and are refused below.
    if body.len() > 20 {
        return None;
    }
    // One test a digit; the point, met at most once, takes the other branch.
    let (mut m, mut point) = (0u64, None);
    for (i, &b) in body.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let n = body.len() - usize::from(point.is_some());
    if n == 0 || n > 19 || m > 1 << 53 {
        return None;
    }
    let scale = point.map_or(0, |p| body.len() - p - 1);
    let v = m as f64 / *EXACT_POW10.get(scale)?;
    Some(if negative { -v } else { v })
}

fn small(field: &'static str, s: &str, lo: i8, hi: i8) -> Result<Option<i8>, Fail> {
    match int(field, s, false)? {
        Some(v) if v >= lo as i64 && v <= hi as i64 => Ok(Some(v as i8)),
        Some(v) => Err((
            "out_of_range",
            format!("{field} = {v} is outside {lo}..{hi}"),
        )),
        None => Ok(None),
    }
}

/// The value of a run of ASCII digits (at most nine).
fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// A day written `YYYYMMDD` or `YYYY-MM-DD`.
fn ymd(field: &'static str, s: &str) -> Result<NaiveDate, Fail> {
    let bad = || ("bad_date", format!("{field} = {s:?} is not a date"));
    let b = s.as_bytes();
    let (y, m, d) = match b.len() {
        8 => (&b[..4], &b[4..6], &b[6..]),
        10 if b[4] == b'-' && b[7] == b'-' => (&b[..4], &b[5..7], &b[8..]),
        _ => return Err(bad()),
    };
    if ![y, m, d].iter().all(|p| p.iter().all(u8::is_ascii_digit)) {
        return Err(bad());
    }
    let (y, m, d) = (digits(y) as i32, digits(m), digits(d));
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        (
            "bad_date",
            format!("{field} = {s:?} names no day in the calendar"),
        )
    })?;
    if !(1800..=2200).contains(&y) {
        return Err(("bad_date", format!("{field} = {s:?} is outside 1800..2200")));
    }
    Ok(date)
}

/// The last value read in each date field. Rows of a chunk mostly repeat
/// the day of the row before, and a repeat need not be read again.
#[derive(Default)]
struct Recent<'a> {
    day: Option<(&'a str, NaiveDate)>,
    /// The `YYYYMMDD` of a `date_added` and its midnight in seconds.
    added: Option<(&'a str, i64)>,
}

impl<'a> Recent<'a> {
    fn day(&mut self, s: &'a str) -> Result<NaiveDate, Fail> {
        match self.day {
            Some((last, d)) if last == s => Ok(d),
            _ => {
                let d = ymd("day", s)?;
                self.day = Some((s, d));
                Ok(d)
            }
        }
    }

    /// A `date_added`, as [`timestamp`] reads it.
    fn added(&mut self, s: &'a str) -> Result<i64, Fail> {
        const FIELD: &str = "date_added";
        if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return timestamp(FIELD, s);
        }
        let midnight = match self.added {
            Some((last, t)) if last == &s[..8] => t,
            _ => {
                let t = timestamp(FIELD, &s[..8])?;
                self.added = Some((&s[..8], t));
                t
            }
        };
        let b = s.as_bytes();
        let (h, mi, se) = (digits(&b[8..10]), digits(&b[10..12]), digits(&b[12..14]));
        if h > 23 || mi > 59 || se > 59 {
            return Err(("bad_date", format!("{FIELD} = {s:?} names no time of day")));
        }
        Ok(midnight + i64::from(h * 3600 + mi * 60 + se))
    }
}

fn timestamp(field: &'static str, s: &str) -> Result<i64, Fail> {
    match s.len() {
        8 => Ok(ymd(field, s)?
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp())
            .unwrap_or(0)),
        14 if s.bytes().all(|b| b.is_ascii_digit()) => {
            let d = ymd(field, &s[..8])?;
            let h: u32 = s[8..10].parse().unwrap_or(99);
            let mi: u32 = s[10..12].parse().unwrap_or(99);
            let se: u32 = s[12..14].parse().unwrap_or(99);
            d.and_hms_opt(h, mi, se)
                .map(|t| t.and_utc().timestamp())
                .ok_or_else(|| ("bad_date", format!("{field} = {s:?} names no time of day")))
        }
        _ => Err((
            "bad_date",
            format!("{field} = {s:?} is not YYYYMMDD or YYYYMMDDHHMMSS"),
        )),
    }
}

/// ICEWS writes country names; detente stores ISO3 codes beside them where the
/// name is one of today's states' names.
fn iso3_of_name(name: &str) -> Option<&'static str> {
    static MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut m = HashMap::new();
        if let Ok(states) = detente_core::reference::states() {
            for s in states {
                let code: &'static str = Box::leak(s.iso3.clone().into_boxed_str());
                m.insert(s.name.to_lowercase(), code);
                if let Some(un) = s.un_name {
                    m.insert(un.to_lowercase(), code);
                }
            }
        }
        // Names ICEWS uses that neither list spells the same way.
        for (n, c) in [
            ("united states", "USA"),
            ("russia", "RUS"),
            ("occupied palestinian territory", "PSE"),
            ("iran", "IRN"),
            ("syria", "SYR"),
            ("north korea", "PRK"),
            ("south korea", "KOR"),
            ("vietnam", "VNM"),
            ("venezuela", "VEN"),
            ("bolivia", "BOL"),
            ("tanzania", "TZA"),
            ("taiwan", "TWN"),
            ("laos", "LAO"),
            ("moldova", "MDA"),
            ("macedonia", "MKD"),
            ("czech republic", "CZE"),
            ("ivory coast", "CIV"),
            ("cote d'ivoire", "CIV"),
            ("congo, the democratic republic of the", "COD"),
            ("democratic republic of congo", "COD"),
            ("congo", "COG"),
            ("united kingdom", "GBR"),
            ("kosovo", "XKX"),
        ] {
            m.insert(n.to_string(), c);
        }
        m
    });
    map.get(&name.to_lowercase()).copied()
}
/// Checks a row's event codes; says whether `code` is in the CAMEO table.
fn cameo_codes(code: &str, base: &str, root: &str) -> Result<bool, Fail> {
    for (field, c) in [
        ("event_code", code),
        ("event_base_code", base),
        ("event_root_code", root),
    ] {
        if !cameo::is_well_formed(c) {
            return Err((
                "bad_cameo_code",
                format!("{field} = {c:?} is not a CAMEO code"),
            ));
        }
    }
    if root.len() != 2 || !code.starts_with(root) {
        return Err((
            "bad_cameo_code",
            format!("event_root_code {root:?} is not the root of event_code {code:?}"),
        ));
    }
    Ok(cameo::is_listed(code))
}

/// Parses the lines of `chunk` (whole lines, the first numbered `first_line`).
/// `lines`, the number of lines in the chunk, and `widths` size the columns
/// (guesses are fine); the chunk's widths are left in `widths` for the next.
pub fn parse_chunk(
    format: Format,
    chunk: &[u8],
    first_line: u64,
    lines: usize,
    ingest_id: i64,
    widths: &Widths,
) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    // Partitions in the order the chunk first meets them; rows mostly follow
    // the row before into the same one.
    let mut parts: Vec<((i32, u32), Partition)> = Vec::new();
    let mut last = 0usize;
    let mut line_no = first_line;
    let mut start = 0usize;
    let mut tabs = Tabs::default();
    let mut recent = Recent::default();
    // One check for the whole chunk; lines are checked one by one only in a
    // chunk that holds invalid UTF-8.
    let whole = simdutf8::basic::from_utf8(chunk).ok();
    while start < chunk.len() {
        let end = memchr::memchr(b'\n', &chunk[start..])
            .map(|i| start + i)
            .unwrap_or(chunk.len());
        let (mut a, mut b) = (start, end);
        start = end + 1;
        let this_line = line_no;
        line_no += 1;
        if b > a && chunk[b - 1] == b'\r' {
            b -= 1;
        }
        if this_line == 1 && chunk[a..b].starts_with(b"\xEF\xBB\xBF") {
            a += 3;
        }
        let raw = &chunk[a..b];
        if this_line == 1 && format == Format::Icews {
            if raw != ICEWS_HEADER.as_bytes() {
                out.quarantined.push(Quarantined {
                    line: this_line,
                    raw: raw.to_vec(),
                    reason: "bad_header".into(),
                    detail: "the first line is not the ICEWS header".into(),
                });
            }
            continue;
        }
        out.rows_read += 1;
        let mut reject = |reason: &str, detail: String| {
            out.quarantined.push(Quarantined {
                line: this_line,
                raw: raw.to_vec(),
                reason: reason.to_string(),
                detail,
            });
        };
        if raw.is_empty() {
            reject("blank_line", "an empty line".into());
            continue;
        }
        // Lines end at ASCII bytes, so a valid chunk slices into valid lines.
        let text = match whole
            .and_then(|w| w.get(a..b))
            .map_or_else(|| std::str::from_utf8(raw), Ok)
        {
            Ok(t) => t,
            Err(e) => {
                reject(
                    "invalid_utf8",
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                );
                continue;
            }
        };
        split_tabs(text.as_bytes(), &mut tabs);
        let fields = Fields {
            line: text,
            tail: &chunk[a..],
            tabs: &tabs,
        };
        let (id, day) = match head(format, &fields, &mut recent) {
            Ok(h) => h,
            Err((reason, detail)) => {
                reject(reason, detail);
                continue;
            }
        };
        let key = (day.year(), day.month());
        if parts.get(last).is_none_or(|(k, _)| *k != key) {
            last = match parts.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    // Most chunks fall in one month; the others get small columns.
                    let p = if parts.is_empty() {
                        Partition::new(format, lines, widths, chunk.len())
                    } else {
                        Partition::new(format, 1024, &Widths::default(), chunk.len())
                    };
                    parts.push((key, p));
                    parts.len() - 1
                }
            };
        }
        let Some((_, part)) = parts.get_mut(last) else {
            return Err("a row's partition went missing".into());
        };
        part.i64(col::GLOBAL_EVENT_ID, Some(id));
        part.date(col::DAY, Some(days_since_epoch(day)));
        part.i64(col::INGEST_ID, Some(ingest_id));
        part.i64(col::LINE, Some(this_line as i64));
        let row = match format {
            Format::Gdelt1 | Format::Gdelt2 => gdelt_row(format, &fields, part, &mut recent),
            Format::Icews => icews_row(&fields, part),
        };
        let (listed, added) = match row {
            Ok(r) => r,
            Err((reason, detail)) => {
                part.take_back();
                reject(reason, detail);
                continue;
            }
        };
        part.keep();
        if !listed {
            *out.flagged.entry("unlisted_cameo_code".into()).or_default() += 1;
        }
        if let Some(t) = added {
            out.added = Some(match out.added {
                None => (t, t),
                Some((a, b)) => (a.min(t), b.max(t)),
            });
        }
        out.days = Some(match out.days {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
        out.rows_written += 1;
    }
    if let Some((_, first)) = parts.first() {
        widths.learn(first);
    }
    for (k, p) in parts {
        if p.rows > 0 {
            out.batches.insert(k, p.finish()?);
        }
    }
    Ok(out)
}

/// Fields a line may have for their bounds to be kept: more than any format
/// has. A line with more is only counted.
const MAX_FIELDS: usize = 64;

/// Where each field of a line ends: at a tab, and the last at the line's end.
struct Tabs {
    ends: [usize; MAX_FIELDS],
    count: usize,
}

impl Default for Tabs {
    fn default() -> Tabs {
        Tabs {
            ends: [0; MAX_FIELDS],
            count: 0,
        }
    }
}

impl Tabs {
    /// Where field `i` starts and ends; empty past the last field, and for
    /// every field of a line with more than [`MAX_FIELDS`].
    fn bounds(&self, i: usize) -> (usize, usize) {
        if i >= self.count || self.count > MAX_FIELDS {
            return (0, 0);
        }
        let start = match i.checked_sub(1) {
            Some(before) => self.ends[before] + 1,
            None => 0,
        };
        (start, self.ends[i])
    }
}

/// A line split at its tabs.
struct Fields<'a, 'b> {
    /// The line's text.
    line: &'a str,
    /// The line's bytes and those after it in its chunk.
    tail: &'a [u8],
    tabs: &'b Tabs,
}

impl<'a> Fields<'a, '_> {
    fn len(&self) -> usize {
        self.tabs.count
    }

    /// Field `i` as text; empty past the last field.
    fn str(&self, i: usize) -> &'a str {
        let (a, b) = self.tabs.bounds(i);
        // Tabs are ASCII, so the bounds of a field fall between characters.
        self.line.get(a..b).unwrap_or_default()
    }

    /// Field `i`'s bytes, and the [`WIDE`] bytes from its start when the
    /// chunk holds that many (see [`Text::put`]); empty past the last field.
    fn raw(&self, i: usize) -> (&'a [u8], Option<&'a [u8; WIDE]>) {
        let (a, b) = self.tabs.bounds(i);
        let bytes = self.tail.get(a..b).unwrap_or_default();
        (bytes, self.tail.get(a..).and_then(|t| t.first_chunk()))
    }
}

/// Finds where a line's fields end, 64 bytes at a time: fields average a
/// few bytes, too short for a search call per field to pay. Past
/// [`MAX_FIELDS`] the ends wrap around, unused, and only the count is right.
fn split_tabs(line: &[u8], tabs: &mut Tabs) {
    let mut n = 0;
    let mut note = |base: usize, mut mask: u64| {
        while mask != 0 {
            tabs.ends[n % MAX_FIELDS] = base + mask.trailing_zeros() as usize;
            n += 1;
            mask &= mask - 1;
        }
    };
    let (blocks, rest) = line.as_chunks::<64>();
    for (k, block) in blocks.iter().enumerate() {
        note(k * 64, tab_mask(block));
    }
    // The last bytes, padded with bytes that are not tabs.
    let mut last = [0u8; 64];
    last[..rest.len()].copy_from_slice(rest);
    note(line.len() - rest.len(), tab_mask(&last));
    tabs.ends[n % MAX_FIELDS] = line.len();
    tabs.count = n + 1;
}

/// A bit for each tab among up to 64 bytes, the first byte's lowest: sixteen
/// bytes a compare (SSE2 on x86-64, NEON on ARM).
#[inline]
fn tab_mask(block: &[u8; 64]) -> u64 {
    let tab = u8x16::splat(b'\t');
    let (sixteens, _) = block.as_chunks::<16>();
    sixteens.iter().enumerate().fold(0, |mask, (i, bytes)| {
        let hits = u8x16::new(*bytes).cmp_eq(tab).move_mask() as u64 & 0xffff;
        mask | hits << (16 * i)
    })
}

/// The fields that come first and place a row: the field count, the event's
/// id and its day.
fn head<'a>(
    format: Format,
    f: &Fields<'a, '_>,
    recent: &mut Recent<'a>,
) -> Result<(i64, NaiveDate), Fail> {
    let n = f.len();
    let (ok, want) = match format {
        Format::Gdelt1 => (n == 57 || n == 58, "57 or 58"),
        Format::Gdelt2 => (n == 61, "61"),
        Format::Icews => (n == 20, "20"),
    };
    if !ok {
        return Err((
            "wrong_field_count",
            format!("{n} fields, {} expects {want}", format.name()),
        ));
    }
    let (id, day) = match format {
        Format::Icews => (na(f.str(0)), na(f.str(1))),
        _ => (f.str(0), f.str(1)),
    };
    let id = int("global_event_id", id, true)?
        .ok_or_else(|| ("missing_value", "global_event_id is empty".to_string()))?;
    Ok((id, recent.day(day)?))
}

/// Whether the row's event code is listed, and when the row was added.
type Row = (bool, Option<i64>);

/// Writes the rest of a GDELT row (after [`head`]).
fn gdelt_row<'a>(
    format: Format,
    f: &Fields<'a, '_>,
    p: &mut Partition,
    recent: &mut Recent<'a>,
) -> Result<Row, Fail> {
    p.f64(col::FRACTION_DATE, float("fraction_date", f.str(4), None)?);
    for i in 0..10 {
        p.field(col::A1_CODE + i, f.raw(5 + i));
        p.field(col::A2_CODE + i, f.raw(15 + i));
    }
    let is_root = match f.str(25) {
        "1" => Some(true),
        "0" => Some(false),
        "" => None,
        s => return Err(("bad_number", format!("is_root_event = {s:?} is not 0 or 1"))),
    };
    p.bool(col::IS_ROOT, is_root);
    let listed = cameo_codes(f.str(26), f.str(27), f.str(28))?;
    p.field(col::EVENT_CODE, f.raw(26));
    p.field(col::EVENT_BASE, f.raw(27));
    p.field(col::EVENT_ROOT, f.raw(28));
    p.i8(col::QUAD_CLASS, small("quad_class", f.str(29), 1, 4)?);
    p.f64(
        col::GOLDSTEIN,
        float("goldstein", f.str(30), Some((-10.0, 10.0)))?,
    );
    p.i32(col::NUM_MENTIONS, count("num_mentions", f.str(31))?);
    p.i32(col::NUM_SOURCES, count("num_sources", f.str(32))?);
    p.i32(col::NUM_ARTICLES, count("num_articles", f.str(33))?);
    p.f64(
        col::AVG_TONE,
        float("avg_tone", f.str(34), Some((-100.0, 100.0)))?,
    );
    let (block, adm2) = if format == Format::Gdelt1 {
        (7, false)
    } else {
        (8, true)
    };
    for (g, base) in [
        (col::A1G_TYPE, 35),
        (col::A2G_TYPE, 35 + block),
        (col::AG_TYPE, 35 + 2 * block),
    ] {
        let mut k = base;
        p.i8(g, small("geo_type", f.str(k), 0, 5)?);
        p.field(g + 1, f.raw(k + 1));
        p.field(g + 2, f.raw(k + 2));
        p.field(g + 3, f.raw(k + 3));
        k += 4;
        if adm2 {
            p.field(g + 4, f.raw(k));
            k += 1;
        }
        p.f64(g + 5, float("geo_lat", f.str(k), Some((-90.0, 90.0)))?);
        p.f64(
            g + 6,
            float("geo_long", f.str(k + 1), Some((-180.0, 180.0)))?,
        );
        p.field(g + 7, f.raw(k + 2));
    }
    let tail = 35 + 3 * block;
    let added = recent.added(f.str(tail))?;
    p.ts(col::DATE_ADDED, Some(added));
    // GDELT 1.0's historical rows have no SOURCEURL: a null.
    p.field(col::SOURCE_URL, f.raw(tail + 1));
    p.bool(col::CAMEO_LISTED, Some(listed));
    Ok((listed, Some(added)))
}

fn na(s: &str) -> &str {
    if s == "NA" { "" } else { s }
}

/// Writes the rest of an ICEWS row (after [`head`]).
fn icews_row(f: &Fields<'_, '_>, p: &mut Partition) -> Result<Row, Fail> {
    let g = |i: usize| na(f.str(i));
    p.str(col::A1_NAME, g(2));
    p.str(col::A1_SECTORS, g(3));
    p.str(col::A1_COUNTRY_NAME, g(4));
    p.str(col::A1_COUNTRY, iso3_of_name(g(4)).unwrap_or(""));
    p.str(col::EVENT_TEXT, g(5));
    let code = g(6);
    if !cameo::is_well_formed(code) {
        return Err((
            "bad_cameo_code",
            format!("event_code = {code:?} is not a CAMEO code"),
        ));
    }
    let listed = cameo::is_listed(code);
    p.str(col::EVENT_CODE, code);
    p.str(col::EVENT_BASE, &code[..3.min(code.len())]);
    p.str(col::EVENT_ROOT, &code[..2]);
    let root: u8 = code[..2].parse().unwrap_or(0);
    p.i8(
        col::QUAD_CLASS,
        cameo::quad_class_of_root(root).map(|q| q as i8),
    );
    p.f64(
        col::GOLDSTEIN,
        float("goldstein", g(7), Some((-10.0, 10.0)))?,
    );
    p.str(col::A2_NAME, g(8));
    p.str(col::A2_SECTORS, g(9));
    p.str(col::A2_COUNTRY_NAME, g(10));
    p.str(col::A2_COUNTRY, iso3_of_name(g(10)).unwrap_or(""));
    p.i64(col::STORY_ID, int("story_id", g(11), false)?);
    p.i32(col::SENTENCE, count("sentence_number", g(12))?);
    p.str(col::PUBLISHER, g(13));
    p.str(col::AG_CITY, g(14));
    p.str(col::AG_DISTRICT, g(15));
    p.str(col::AG_PROVINCE, g(16));
    p.str(col::AG_NAME, g(17));
    p.str(col::AG_COUNTRY, iso3_of_name(g(17)).unwrap_or(""));
    p.f64(col::AG_LAT, float("geo_lat", g(18), Some((-90.0, 90.0)))?);
    p.f64(
        col::AG_LONG,
        float("geo_long", g(19), Some((-180.0, 180.0)))?,
    );
    p.bool(col::CAMEO_LISTED, Some(listed));
    Ok((listed, None))
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int64Array};
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The shipped excerpt of 50 real GDELT 2.0 rows.
    fn excerpt() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/gdelt2-20161013151500-head50.csv"
        );
        std::fs::read_to_string(path).expect("the shipped excerpt")
    }

    /// Three real GDELT 2.0 rows, the second made to fail at one of its last
    /// fields, after most of its columns were written.
    #[test]
    fn a_row_failing_late_is_taken_back_from_every_column() {
        let text = excerpt();
        let lines: Vec<&str> = text.lines().take(3).collect();
        let mut bad: Vec<&str> = lines[1].split('\t').collect();
        assert_eq!(bad.len(), 61);
        // ActionGeo_Lat, the 57th field.
        bad[56] = "91.5";
        let bad = bad.join("\t");
        let chunk = format!("{}\n{bad}\n{}\n", lines[0], lines[2]);
        let widths = Widths::default();
        let p = parse_chunk(Format::Gdelt2, chunk.as_bytes(), 1, 3, 7, &widths).expect("parsed");
        assert_eq!((p.rows_read, p.rows_written), (3, 2));
        assert_eq!(p.quarantined.len(), 1);
        assert_eq!(p.quarantined[0].line, 2);
        assert_eq!(p.quarantined[0].reason, "out_of_range");
        assert_eq!(p.batches.len(), 1);
        let batch = p.batches.values().next().expect("one month");
        assert_eq!(batch.num_rows(), 2);
        let want = |field: usize| -> Vec<Option<String>> {
            [lines[0], lines[2]]
                .iter()
                .map(|l| {
                    l.split('\t')
                        .nth(field)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                })
                .collect()
        };
        let text_col = |name: &str| -> Vec<Option<String>> {
            let a = batch.column_by_name(name).expect("a column");
            let a = a.as_any().downcast_ref::<BinaryArray>().expect("text");
            a.iter()
                .map(|v| v.map(|v| String::from_utf8(v.to_vec()).expect("UTF-8")))
                .collect()
        };
        assert_eq!(text_col("actor1_code"), want(5));
        assert_eq!(text_col("action_geo_fullname"), want(52));
        assert_eq!(text_col("source_url"), want(60));
        let ints = |name: &str| -> Vec<i64> {
            let a = batch.column_by_name(name).expect("a column");
            let a = a.as_any().downcast_ref::<Int64Array>().expect("i64");
            a.values().to_vec()
        };
        assert_eq!(ints("line"), [1, 3]);
        assert_eq!(ints("ingest_id"), [7, 7]);
        let ids: Vec<i64> = [lines[0], lines[2]]
            .iter()
            .map(|l| l.split('\t').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(ints("global_event_id"), ids);
        let lat = batch.column_by_name("action_geo_lat").expect("a column");
        let lat = lat.as_any().downcast_ref::<Float64Array>().expect("f64");
        let want_lat: Vec<Option<f64>> = want(56)
            .into_iter()
            .map(|s| s.map(|s| s.parse().unwrap()))
            .collect();
        assert_eq!(lat.iter().collect::<Vec<_>>(), want_lat);
        // The columns GDELT never fills are all null.
        assert_eq!(
            batch
                .column_by_name("publisher")
                .expect("a column")
                .null_count(),
            2
        );
    }

    /// GDELT's fields in file order, by the column each is kept in; `adm2`
    /// for GDELT 2.0's ADM2 codes.
    fn gdelt_fields(adm2: bool) -> Vec<String> {
        let mut names = vec![
            "global_event_id",
            "day",
            "month_year",
            "year",
            "fraction_date",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        for a in ["actor1", "actor2"] {
            for f in [
                "code",
                "name",
                "country_code",
                "known_group_code",
                "ethnic_code",
                "religion1_code",
                "religion2_code",
                "type1_code",
                "type2_code",
                "type3_code",
            ] {
                names.push(format!("{a}_{f}"));
            }
        }
        for f in [
            "is_root_event",
            "event_code",
            "event_base_code",
            "event_root_code",
            "quad_class",
            "goldstein",
            "num_mentions",
            "num_sources",
            "num_articles",
            "avg_tone",
        ] {
            names.push(f.into());
        }
        for g in ["actor1_geo", "actor2_geo", "action_geo"] {
            for f in ["type", "fullname", "country_code", "adm1_code", "adm2_code"] {
                if f != "adm2_code" || adm2 {
                    names.push(format!("{g}_{f}"));
                }
            }
            for f in ["lat", "long", "feature_id"] {
                names.push(format!("{g}_{f}"));
            }
        }
        names.extend(["date_added".into(), "source_url".into()]);
        names
    }

    /// Every text and decimal column holds each row's field, over a thousand
    /// rows with long fields and short rows.
    #[test]
    fn text_and_decimal_columns_hold_each_rows_field() {
        let gdelt1 = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(
                || env!("CARGO_MANIFEST_DIR").into(),
                std::path::PathBuf::from,
            )
            .join("../../../shared/data/gdelt/v1/excerpts/spark-gdelt-events1.csv");
        let gdelt1 = std::fs::read_to_string(gdelt1).expect("the shared GDELT 1.0 excerpt");
        for (format, text) in [(Format::Gdelt2, excerpt()), (Format::Gdelt1, gdelt1)] {
            let names = gdelt_fields(format == Format::Gdelt2);
            // A long actor name on every seventh row.
            let rows: Vec<String> = (0..1101)
                .map(|i| {
                    let line = text.lines().nth(i % text.lines().count()).expect("a line");
                    let mut f: Vec<String> = line.split('\t').map(String::from).collect();
                    if i % 7 == 0 {
                        f[6] = format!("{} {}", f[6], "WITH A NAME LONGER THAN A BLOCK ".repeat(3));
                    }
                    f.join("\t")
                })
                .collect();
            let chunk = rows.join("\n");
            let p = parse_chunk(
                format,
                chunk.as_bytes(),
                1,
                rows.len(),
                1,
                &Widths::default(),
            )
            .expect("parsed");
            assert_eq!(p.rows_written as usize, rows.len(), "{format:?}");
            let (mut checked, mut decimals) = (0, 0);
            for batch in p.batches.values() {
                let line = batch.column_by_name("line").expect("line");
                let line = line.as_any().downcast_ref::<Int64Array>().expect("i64");
                for (k, name) in names.iter().enumerate() {
                    // MonthYear and Year are not kept; the counts below
                    // catch a name that is wrong.
                    let Some(a) = batch.column_by_name(name) else {
                        continue;
                    };
                    if let Some(a) = a.as_any().downcast_ref::<Float64Array>() {
                        for (r, got) in a.iter().enumerate() {
                            let raw = &rows[line.value(r) as usize - 1];
                            let want = raw.split('\t').nth(k).filter(|s| !s.is_empty());
                            let want = want.map(|s| s.parse::<f64>().expect("a decimal"));
                            assert_eq!(got, want, "{format:?} {name} row {r}");
                            decimals += 1;
                        }
                    }
                    let Some(a) = a.as_any().downcast_ref::<BinaryArray>() else {
                        continue;
                    };
                    for (r, got) in a.iter().enumerate() {
                        let raw = &rows[line.value(r) as usize - 1];
                        let want = raw.split('\t').nth(k).filter(|s| !s.is_empty());
                        assert_eq!(got, want.map(str::as_bytes), "{format:?} {name} row {r}");
                        checked += 1;
                    }
                }
            }
            // Text fields a row: 20 of actors, 3 event codes, 5 (GDELT 1.0:
            // 4) for each of 3 places, and the source URL.
            let per_row = if format == Format::Gdelt2 { 39 } else { 36 };
            assert_eq!(checked, rows.len() * per_row, "{format:?}");
            // fraction_date, goldstein, avg_tone and each place's latitude
            // and longitude.
            assert_eq!(decimals, rows.len() * 9, "{format:?}");
        }
    }

    #[test]
    fn lines_split_at_every_tab_and_nowhere_else() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        // Bytes near a tab's value and the multibyte letters of real names.
        let alphabet = [
            "\t", "\t", "\u{8}", "\n", "\u{89}", "a", "1", "é", "ş", "\u{0}", "\u{1}",
        ];
        let mut tabs = Tabs::default();
        for round in 0..20_000 {
            // Some lines have more fields than are kept, to check the count.
            let len = rng.random_range(0..if round % 10 == 0 { 400 } else { 40usize });
            let line: String = (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect();
            split_tabs(line.as_bytes(), &mut tabs);
            let want: Vec<&str> = line.split('\t').collect();
            assert_eq!(tabs.count, want.len(), "{line:?}");
            let fields = Fields {
                line: &line,
                tail: line.as_bytes(),
                tabs: &tabs,
            };
            let got: Vec<&str> = (0..want.len()).map(|i| fields.str(i)).collect();
            if want.len() <= MAX_FIELDS {
                assert_eq!(got, want, "{line:?}");
            } else {
                assert!(got.iter().all(|f| f.is_empty()), "{line:?}");
            }
            assert_eq!(fields.str(want.len()), "");
        }
    }

    #[test]
    fn remembered_dates_read_as_the_general_reader_reads_them() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let texts: Vec<String> = (0..20_000)
            .map(|_| {
                let y = ["2016", "2024", "1799", "2201", "20x6"][rng.random_range(0..5usize)];
                let m = rng.random_range(0..14u32);
                let d = rng.random_range(0..33u32);
                let (h, mi, se) = (
                    rng.random_range(0..26u32),
                    rng.random_range(0..62u32),
                    rng.random_range(0..62u32),
                );
                match rng.random_range(0..10u32) {
                    0 => format!("{y}{m:02}{d:02}"),
                    1 => format!("{y}{m:02}{d:02}{h:02}{mi:02}"),
                    2 => format!("{y}{m:02}{d:02}{h:02}{mi:02}x{}", se % 10),
                    _ => format!("{y}{m:02}{d:02}{h:02}{mi:02}{se:02}"),
                }
            })
            .collect();
        let mut recent = Recent::default();
        let mut ok = 0;
        for (i, t) in texts.iter().enumerate() {
            // Runs of the same day, as in real files.
            let t = if i % 3 == 0 { t } else { &texts[i - i % 3] };
            let want = timestamp("date_added", t);
            ok += usize::from(want.is_ok());
            assert_eq!(recent.added(t), want, "{t}");
            let day = &t[..8.min(t.len())];
            assert_eq!(recent.day(day), ymd("day", day), "{day}");
        }
        assert!(ok > 2_000, "{ok} valid");
    }

    /// A chunk sizes its text columns by the chunk before, but never beyond
    /// its own bytes: one enormous field must not make the next chunk
    /// reserve that much for each of its rows.
    #[test]
    fn a_long_field_does_not_size_the_next_chunk_beyond_its_bytes() {
        let text = excerpt();
        let first = text.lines().next().expect("a line");
        let mut long: Vec<String> = first.split('\t').map(str::to_string).collect();
        long[60] = format!("https://example.org/{}", "a".repeat(4 << 20));
        let long = long.join("\t") + "\n";
        let hints = Widths::default();
        let p = parse_chunk(Format::Gdelt2, long.as_bytes(), 1, 1, 1, &hints).expect("parsed");
        assert_eq!(p.rows_written, 1);
        let next = Partition::new(Format::Gdelt2, 50, &hints, text.len());
        match next.cols.get(col::SOURCE_URL) {
            Some(Column::Str(urls)) => {
                let reserved = urls.data.capacity();
                assert!(reserved <= text.len() + WIDE, "{reserved} bytes reserved");
            }
            _ => panic!("source_url is a text column"),
        }
        let p = parse_chunk(Format::Gdelt2, text.as_bytes(), 2, 50, 1, &hints).expect("parsed");
        assert_eq!(p.rows_written, 50);
    }

    /// Rows of a month the chunk seldom meets wait in buffers of their own
    /// size, not in the room reserved for a thousand rows.
    #[test]
    fn a_months_few_rows_keep_no_room_for_more() {
        let text = excerpt();
        let lines: Vec<&str> = text.lines().collect();
        // The excerpt's rows, and one of them moved to another month.
        let mut moved: Vec<String> = lines[0].split('\t').map(str::to_string).collect();
        moved[1] = "20150115".into();
        moved[2] = "201501".into();
        moved[3] = "2015".into();
        moved[4] = "2015.0411".into();
        let chunk = format!("{}\n{}\n", lines.join("\n"), moved.join("\t"));
        let p = parse_chunk(
            Format::Gdelt2,
            chunk.as_bytes(),
            1,
            51,
            1,
            &Widths::default(),
        )
        .expect("parsed");
        assert_eq!(p.rows_written, 51);
        let lone = p.batches.get(&(2015, 1)).expect("the moved row's month");
        assert_eq!(lone.num_rows(), 1);
        let held: usize = lone
            .columns()
            .iter()
            .map(|c| c.get_buffer_memory_size())
            .sum();
        assert!(held < 8 * 1024, "{held} bytes held for one row");
    }

    #[test]
    fn bitmaps_pack_flags_as_arrow_packs_them() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for len in (0..70).chain([1000, 10_007]) {
            for p in [0.0, 0.1, 0.5, 0.9, 1.0] {
                let flags: Vec<bool> = (0..len).map(|_| rng.random_bool(p)).collect();
                assert_eq!(bitmap(&flags), BooleanBuffer::from(&flags[..]), "{len} {p}");
                let want = flags
                    .iter()
                    .any(|f| !f)
                    .then(|| NullBuffer::from(&flags[..]));
                let mut fixed = Fixed::with_capacity(0);
                let mut text = Text::with_capacity(0, 0);
                for (i, f) in flags.iter().enumerate() {
                    fixed.put(f.then_some(i as i64));
                    text.put(if *f { b"x" } else { b"" }, None);
                }
                assert_eq!(fixed.nulls(), want, "{len} {p}");
                assert_eq!(text.nulls(), want, "{len} {p}");
                // Taking rows back takes back their nulls.
                let half = len / 2;
                fixed.truncate(half);
                let want = flags[..half]
                    .iter()
                    .any(|f| !f)
                    .then(|| NullBuffer::from(&flags[..half]));
                assert_eq!(fixed.nulls(), want, "{len} {p} truncated");
            }
        }
    }

    #[test]
    fn plain_decimals_read_as_the_general_parser_reads_them() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut fast = 0;
        for i in 0..200_000 {
            let digits = rng.random_range(1..=20usize);
            let mut s = String::new();
            if rng.random_bool(0.5) {
                s.push('-');
            }
            let point = rng.random_range(0..=digits);
            for d in 0..digits {
                if d == point && i % 3 != 0 {
                    s.push('.');
                }
                s.push(char::from(b'0' + rng.random_range(0..10u8)));
            }
            let want: f64 = s.parse().expect("a decimal");
            if let Some(got) = plain_decimal(s.as_bytes()) {
                fast += 1;
                assert_eq!(got.to_bits(), want.to_bits(), "{s}");
            }
        }
        assert!(fast > 100_000, "the fast path read {fast}");
        for s in [
            "-0",
            "0.0",
            "1.",
            ".5",
            "-.5",
            "9007199254740992",
            "0.1234567890123456789",
        ] {
            let want: f64 = s.parse().expect("a decimal");
            let got = plain_decimal(s.as_bytes()).unwrap_or(want);
            assert_eq!(got.to_bits(), want.to_bits(), "{s}");
        }
        for s in [
            "",
            "-",
            ".",
            "1.2.3",
            "1e5",
            "+1",
            "inf",
            "NaN",
            "1_0",
            "12a",
            // Bytes just below and above the digits, first, last and between.
            "1234567:",
            "/2345678",
            "12345678.123456/",
            "1.23456789012345@",
            "123\u{7f}",
            "12 4",
            "12\u{e9}",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), None, "{s}");
        }
    }
}
