//! The daily dyad rollup: events summed per (day, actor1 country, actor2
//! country, event root code, QuadClass), built while an ingest parses and
//! committed with it, so that a multi-year dyad series reads a few thousand
//! rows instead of every event.
//!
//! Each ingest writes one file, `rollup/source=S/part-<run>.parquet`, listed in
//! the manifest's `rollups` table in the same transaction as its events. A
//! NULL country, root code or QuadClass is a key of its own, so the rollup's
//! totals equal the events' totals.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use arrow::array::{
    Array, ArrayRef, Date32Array, Date32Builder, Float64Array, Float64Builder, Int8Array,
    Int8Builder, Int32Array, Int64Builder, RecordBatch, StringArray, StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use crate::schema::col;

/// A country code packed into a `u64`: 0 for NULL, else the bytes (at most
/// seven) and their count plus one in the top byte.
type Packed = u64;

fn pack(s: &str) -> Option<Packed> {
    let b = s.as_bytes();
    if b.len() > 7 {
        return None;
    }
    let mut v: u64 = (b.len() as u64 + 1) << 56;
    for (i, c) in b.iter().enumerate() {
        v |= u64::from(*c) << (8 * i);
    }
    Some(v)
}

fn unpack(v: Packed) -> Option<String> {
    if v == 0 {
        return None;
    }
    let n = (v >> 56) as usize - 1;
    let bytes: Vec<u8> = (0..n).map(|i| (v >> (8 * i)) as u8).collect();
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

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
    sums: HashMap<Key, Sums>,
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
    /// Adds the rows of an events batch (in [`crate::schema::schema`]).
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
            column::<StringArray>(batch, col::A1_COUNTRY),
            column::<StringArray>(batch, col::A2_COUNTRY),
            column::<StringArray>(batch, col::EVENT_ROOT),
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
        let packed = |a: &StringArray, i: usize| -> Option<Packed> {
            if a.is_null(i) {
                Some(0)
            } else {
                pack(a.value(i))
            }
        };
        for i in 0..batch.num_rows() {
            let (Some(actor1), Some(actor2)) = (packed(a1, i), packed(a2, i)) else {
                self.unkeyable += 1;
                continue;
            };
            let root = if root.is_null(i) {
                0
            } else {
                match root.value(i).parse::<u8>() {
                    Ok(r @ 1..=20) => r,
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
            let s = self.sums.entry(key).or_default();
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

    /// The rows, sorted by day, then the rest of the key.
    pub fn to_batch(&self) -> Result<RecordBatch, arrow::error::ArrowError> {
        let mut keys: Vec<(&Key, &Sums)> = self.sums.iter().collect();
        keys.sort_by_key(|(k, _)| **k);
        let n = keys.len();
        let mut day = Date32Builder::with_capacity(n);
        let mut a1 = StringBuilder::new();
        let mut a2 = StringBuilder::new();
        let mut root = StringBuilder::new();
        let mut quad = Int8Builder::with_capacity(n);
        let mut events = Int64Builder::with_capacity(n);
        let mut gs = Float64Builder::with_capacity(n);
        let mut gn = Int64Builder::with_capacity(n);
        let mut ts = Float64Builder::with_capacity(n);
        let mut tn = Int64Builder::with_capacity(n);
        let mut m = Int64Builder::with_capacity(n);
        let mut a = Int64Builder::with_capacity(n);
        for (k, s) in keys {
            day.append_value(k.day);
            a1.append_option(unpack(k.actor1));
            a2.append_option(unpack(k.actor2));
            root.append_option((k.root != 0).then(|| format!("{:02}", k.root)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_pack_and_unpack() {
        for c in ["", "R", "RUS", "ABCDEFG"] {
            let p = pack(c).expect("fits");
            assert_ne!(p, 0, "{c:?} must differ from NULL");
            assert_eq!(unpack(p).as_deref(), Some(c));
        }
        assert_eq!(pack("ABCDEFGH"), None);
        assert_eq!(unpack(0), None);
    }
}
