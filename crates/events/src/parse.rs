//! Row parsers for GDELT 1.0, GDELT 2.0 and ICEWS, writing straight into Arrow
//! builders, one set per (year, month) partition.
//!
//! A row is checked whole before anything of it is appended, so a row that
//! fails leaves no trace in the output and goes to the quarantine with its line
//! number, raw bytes and reason.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int8Builder, Int32Builder,
    Int64Builder, RecordBatch, StringBuilder, TimestampSecondBuilder,
};
use chrono::{Datelike, NaiveDate};
use detente_core::cameo;
use serde::Serialize;

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
    /// Batches by (year, month).
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

#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Null,
    Str(&'a str),
    I64(i64),
    F64(f64),
    I8(i8),
    Bool(bool),
    Date(i32),
    Ts(i64),
}

enum Builder {
    I64(Int64Builder),
    I32(Int32Builder),
    I8(Int8Builder),
    F64(Float64Builder),
    Date(Date32Builder),
    Bool(BooleanBuilder),
    Str(StringBuilder),
    Ts(TimestampSecondBuilder),
}

struct Partition {
    cols: Vec<Builder>,
    rows: usize,
}

impl Partition {
    /// Builders sized for `rows` rows, so that they do not grow row by row.
    fn new(rows: usize) -> Partition {
        let cols = COLUMNS
            .iter()
            .map(|(_, k)| match k {
                Kind::I64 => Builder::I64(Int64Builder::with_capacity(rows)),
                Kind::I32 => Builder::I32(Int32Builder::with_capacity(rows)),
                Kind::I8 => Builder::I8(Int8Builder::with_capacity(rows)),
                Kind::F64 => Builder::F64(Float64Builder::with_capacity(rows)),
                Kind::Date => Builder::Date(Date32Builder::with_capacity(rows)),
                Kind::Bool => Builder::Bool(BooleanBuilder::with_capacity(rows)),
                Kind::Str => Builder::Str(StringBuilder::with_capacity(rows, rows * 8)),
                Kind::Ts => {
                    Builder::Ts(TimestampSecondBuilder::with_capacity(rows).with_timezone("UTC"))
                }
            })
            .collect();
        Partition { cols, rows: 0 }
    }

    fn push(&mut self, row: &[Val<'_>; col::COUNT]) {
        for (b, v) in self.cols.iter_mut().zip(row.iter()) {
            match (b, *v) {
                (Builder::I64(b), Val::I64(x)) => b.append_value(x),
                (Builder::I32(b), Val::I64(x)) => b.append_value(x as i32),
                (Builder::I8(b), Val::I8(x)) => b.append_value(x),
                (Builder::F64(b), Val::F64(x)) => b.append_value(x),
                (Builder::Date(b), Val::Date(x)) => b.append_value(x),
                (Builder::Bool(b), Val::Bool(x)) => b.append_value(x),
                (Builder::Str(b), Val::Str(x)) => b.append_value(x),
                (Builder::Ts(b), Val::Ts(x)) => b.append_value(x),
                (Builder::I64(b), _) => b.append_null(),
                (Builder::I32(b), _) => b.append_null(),
                (Builder::I8(b), _) => b.append_null(),
                (Builder::F64(b), _) => b.append_null(),
                (Builder::Date(b), _) => b.append_null(),
                (Builder::Bool(b), _) => b.append_null(),
                (Builder::Str(b), _) => b.append_null(),
                (Builder::Ts(b), _) => b.append_null(),
            }
        }
        self.rows += 1;
    }

    fn finish(mut self) -> Result<RecordBatch, String> {
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::I64(b) => Arc::new(b.finish()),
                    Builder::I32(b) => Arc::new(b.finish()),
                    Builder::I8(b) => Arc::new(b.finish()),
                    Builder::F64(b) => Arc::new(b.finish()),
                    Builder::Date(b) => Arc::new(b.finish()),
                    Builder::Bool(b) => Arc::new(b.finish()),
                    Builder::Str(b) => Arc::new(b.finish()),
                    Builder::Ts(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        RecordBatch::try_new(schema::schema(), arrays).map_err(|e| e.to_string())
    }
}

/// A failed field: reason code and detail.
type Fail = (&'static str, String);

fn opt(s: &str) -> Val<'_> {
    if s.is_empty() { Val::Null } else { Val::Str(s) }
}

fn int(field: &'static str, s: &str, required: bool) -> Result<Val<'static>, Fail> {
    if s.is_empty() {
        return if required {
            Err(("missing_value", format!("{field} is empty")))
        } else {
            Ok(Val::Null)
        };
    }
    s.parse::<i64>()
        .map(Val::I64)
        .map_err(|_| ("bad_number", format!("{field} = {s:?} is not an integer")))
}

fn count(field: &'static str, s: &str) -> Result<Val<'static>, Fail> {
    match int(field, s, false)? {
        Val::I64(v) if !(0..=i32::MAX as i64).contains(&v) => {
            Err(("out_of_range", format!("{field} = {v} is not a count")))
        }
        v => Ok(v),
    }
}

fn float(field: &'static str, s: &str, range: Option<(f64, f64)>) -> Result<Val<'static>, Fail> {
    if s.is_empty() {
        return Ok(Val::Null);
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
    Ok(Val::F64(v))
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
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let (mut m, mut n, mut point, mut scale) = (0u64, 0u32, false, 0usize);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                if n == 19 {
                    return None;
                }
                m = m * 10 + u64::from(b - b'0');
                n += 1;
                scale += usize::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if n == 0 || m > 1 << 53 {
        return None;
    }
    let v = m as f64 / *EXACT_POW10.get(scale)?;
    Some(if negative { -v } else { v })
}

fn small(field: &'static str, s: &str, lo: i8, hi: i8) -> Result<Val<'static>, Fail> {
    match int(field, s, false)? {
        Val::I64(v) if v >= lo as i64 && v <= hi as i64 => Ok(Val::I8(v as i8)),
        Val::I64(v) => Err((
            "out_of_range",
            format!("{field} = {v} is outside {lo}..{hi}"),
        )),
        other => Ok(other),
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

fn cameo_codes(code: &str, base: &str, root: &str) -> Result<(Val<'static>, bool), Fail> {
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
    Ok((Val::Null, cameo::is_listed(code)))
}

/// Parses the lines of `chunk` (whole lines, the first numbered `first_line`).
/// `lines`, the number of lines in the chunk, sizes the builders (a guess is
/// fine).
pub fn parse_chunk(
    format: Format,
    chunk: &[u8],
    first_line: u64,
    lines: usize,
    ingest_id: i64,
) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let mut parts: BTreeMap<(i32, u32), Partition> = BTreeMap::new();
    let mut line_no = first_line;
    let mut start = 0usize;
    let mut fields: Vec<&str> = Vec::with_capacity(64);
    while start < chunk.len() {
        let end = memchr::memchr(b'\n', &chunk[start..])
            .map(|i| start + i)
            .unwrap_or(chunk.len());
        let mut raw = &chunk[start..end];
        start = end + 1;
        let this_line = line_no;
        line_no += 1;
        if let Some(r) = raw.strip_suffix(b"\r") {
            raw = r;
        }
        if this_line == 1 {
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            if format == Format::Icews {
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
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t,
            Err(e) => {
                reject(
                    "invalid_utf8",
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                );
                continue;
            }
        };
        fields.clear();
        let mut from = 0;
        for tab in memchr::memchr_iter(b'\t', text.as_bytes()) {
            // Tabs are ASCII, so these are char boundaries.
            fields.push(&text[from..tab]);
            from = tab + 1;
        }
        fields.push(&text[from..]);
        let row = match format {
            Format::Gdelt1 | Format::Gdelt2 => gdelt_row(format, &fields),
            Format::Icews => icews_row(&fields),
        };
        let (mut vals, day, listed, added) = match row {
            Ok(r) => r,
            Err((reason, detail)) => {
                reject(reason, detail);
                continue;
            }
        };
        vals[col::INGEST_ID] = Val::I64(ingest_id);
        vals[col::LINE] = Val::I64(this_line as i64);
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
        // Most chunks fall in one month; the others get small builders.
        let rows = if parts.is_empty() { lines } else { 1024 };
        parts
            .entry((day.year(), day.month()))
            .or_insert_with(|| Partition::new(rows))
            .push(&vals);
        out.rows_written += 1;
    }
    for (k, p) in parts {
        out.batches.insert(k, p.finish()?);
    }
    Ok(out)
}

type Row<'a> = ([Val<'a>; col::COUNT], NaiveDate, bool, Option<i64>);

fn gdelt_row<'a>(format: Format, f: &[&'a str]) -> Result<Row<'a>, Fail> {
    let n = f.len();
    let ok = match format {
        Format::Gdelt1 => n == 57 || n == 58,
        _ => n == 61,
    };
    if !ok {
        let want = if format == Format::Gdelt1 {
            "57 or 58"
        } else {
            "61"
        };
        return Err((
            "wrong_field_count",
            format!("{n} fields, {} expects {want}", format.name()),
        ));
    }
    let mut v = [Val::Null; col::COUNT];
    v[col::GLOBAL_EVENT_ID] = int("global_event_id", f[0], true)?;
    let day = ymd("day", f[1])?;
    v[col::DAY] = Val::Date(days_since_epoch(day));
    v[col::FRACTION_DATE] = float("fraction_date", f[4], None)?;
    for i in 0..10 {
        v[col::A1_CODE + i] = opt(f[5 + i]);
        v[col::A2_CODE + i] = opt(f[15 + i]);
    }
    v[col::IS_ROOT] = match f[25] {
        "1" => Val::Bool(true),
        "0" => Val::Bool(false),
        "" => Val::Null,
        s => return Err(("bad_number", format!("is_root_event = {s:?} is not 0 or 1"))),
    };
    let (_, listed) = cameo_codes(f[26], f[27], f[28])?;
    v[col::EVENT_CODE] = Val::Str(f[26]);
    v[col::EVENT_BASE] = Val::Str(f[27]);
    v[col::EVENT_ROOT] = Val::Str(f[28]);
    v[col::QUAD_CLASS] = small("quad_class", f[29], 1, 4)?;
    v[col::GOLDSTEIN] = float("goldstein", f[30], Some((-10.0, 10.0)))?;
    v[col::NUM_MENTIONS] = count("num_mentions", f[31])?;
    v[col::NUM_SOURCES] = count("num_sources", f[32])?;
    v[col::NUM_ARTICLES] = count("num_articles", f[33])?;
    v[col::AVG_TONE] = float("avg_tone", f[34], Some((-100.0, 100.0)))?;
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
        v[g] = small("geo_type", f[k], 0, 5)?;
        v[g + 1] = opt(f[k + 1]);
        v[g + 2] = opt(f[k + 2]);
        v[g + 3] = opt(f[k + 3]);
        k += 4;
        if adm2 {
            v[g + 4] = opt(f[k]);
            k += 1;
        }
        v[g + 5] = float("geo_lat", f[k], Some((-90.0, 90.0)))?;
        v[g + 6] = float("geo_long", f[k + 1], Some((-180.0, 180.0)))?;
        v[g + 7] = opt(f[k + 2]);
    }
    let tail = 35 + 3 * block;
    let added = timestamp("date_added", f[tail])?;
    v[col::DATE_ADDED] = Val::Ts(added);
    if let Some(url) = f.get(tail + 1) {
        v[col::SOURCE_URL] = opt(url);
    }
    v[col::CAMEO_LISTED] = Val::Bool(listed);
    Ok((v, day, listed, Some(added)))
}

fn na(s: &str) -> &str {
    if s == "NA" { "" } else { s }
}

fn icews_row<'a>(f: &[&'a str]) -> Result<Row<'a>, Fail> {
    if f.len() != 20 {
        return Err((
            "wrong_field_count",
            format!("{} fields, icews expects 20", f.len()),
        ));
    }
    let g = |i: usize| na(f[i]);
    let mut v = [Val::Null; col::COUNT];
    v[col::GLOBAL_EVENT_ID] = int("global_event_id", g(0), true)?;
    let day = ymd("day", g(1))?;
    v[col::DAY] = Val::Date(days_since_epoch(day));
    v[col::A1_NAME] = opt(g(2));
    v[col::A1_SECTORS] = opt(g(3));
    v[col::A1_COUNTRY_NAME] = opt(g(4));
    if let Some(c) = iso3_of_name(g(4)) {
        v[col::A1_COUNTRY] = Val::Str(c);
    }
    v[col::EVENT_TEXT] = opt(g(5));
    let code = g(6);
    if !cameo::is_well_formed(code) {
        return Err((
            "bad_cameo_code",
            format!("event_code = {code:?} is not a CAMEO code"),
        ));
    }
    let listed = cameo::is_listed(code);
    v[col::EVENT_CODE] = Val::Str(code);
    v[col::EVENT_BASE] = Val::Str(&code[..3.min(code.len())]);
    v[col::EVENT_ROOT] = Val::Str(&code[..2]);
    let root: u8 = code[..2].parse().unwrap_or(0);
    if let Some(q) = cameo::quad_class_of_root(root) {
        v[col::QUAD_CLASS] = Val::I8(q as i8);
    }
    v[col::GOLDSTEIN] = float("goldstein", g(7), Some((-10.0, 10.0)))?;
    v[col::A2_NAME] = opt(g(8));
    v[col::A2_SECTORS] = opt(g(9));
    v[col::A2_COUNTRY_NAME] = opt(g(10));
    if let Some(c) = iso3_of_name(g(10)) {
        v[col::A2_COUNTRY] = Val::Str(c);
    }
    v[col::STORY_ID] = int("story_id", g(11), false)?;
    v[col::SENTENCE] = count("sentence_number", g(12))?;
    v[col::PUBLISHER] = opt(g(13));
    v[col::AG_CITY] = opt(g(14));
    v[col::AG_DISTRICT] = opt(g(15));
    v[col::AG_PROVINCE] = opt(g(16));
    v[col::AG_NAME] = opt(g(17));
    if let Some(c) = iso3_of_name(g(17)) {
        v[col::AG_COUNTRY] = Val::Str(c);
    }
    v[col::AG_LAT] = float("geo_lat", g(18), Some((-90.0, 90.0)))?;
    v[col::AG_LONG] = float("geo_long", g(19), Some((-180.0, 180.0)))?;
    v[col::CAMEO_LISTED] = Val::Bool(listed);
    Ok((v, day, listed, None))
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use super::*;

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
            "", "-", ".", "1.2.3", "1e5", "+1", "inf", "NaN", "1_0", "12a",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), None, "{s}");
        }
    }
}
