//! Text as the published files have it: UTF-8, Windows-1252 or UTF-16 with a
//! byte-order mark; LF, CRLF or CR-only line ends; headers with stray spaces;
//! `NA`, `.` and COW's negative missing-value codes.
//!
//! [`Table::parse`] turns a [`RawFile`] into a header and records with their
//! line numbers; readers take values through [`Row`], and a row whose values
//! cannot be read is skipped with its line, reason and text in the
//! [`ReadReport`], never dropped silently.

use std::collections::HashMap;

use serde::Serialize;

use crate::dataset::{Dataset, RawFile};
use crate::error::{Error, Result};

/// What reading one file found.
#[derive(Debug, Clone, Serialize)]
pub struct ReadReport {
    /// Which data set.
    pub dataset: Dataset,
    /// `bundled` or the path read.
    pub origin: String,
    /// sha256 of the uncompressed bytes.
    pub sha256: String,
    /// Text encoding found.
    pub encoding: &'static str,
    /// Line ends found: `LF`, `CRLF`, `CR` or `mixed`.
    pub line_ends: &'static str,
    /// Data records read (not counting the header).
    pub rows: usize,
    /// Records used.
    pub used: usize,
    /// Records skipped, each with its reason.
    pub skipped: Vec<Skipped>,
    /// Things noticed that did not cost a row (encoding, header spaces ...).
    pub notes: Vec<String>,
}

impl ReadReport {
    /// Skipped records counted by reason, most frequent first.
    pub fn skipped_by_reason(&self) -> Vec<(String, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in &self.skipped {
            *counts.entry(s.reason.as_str()).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(r, n)| (r.to_string(), n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// One record that could not be used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// Line number in the file (1 is the header).
    pub line: usize,
    /// Why, e.g. `column year: "19x6" is not a whole number`.
    pub reason: String,
    /// The record's text (at most 200 characters).
    pub text: String,
}

/// A parsed file: header and records.
#[derive(Debug)]
pub(crate) struct Table {
    columns: HashMap<String, usize>,
    records: Vec<(usize, csv::StringRecord)>,
    width: usize,
    pub(crate) report: ReadReport,
}

/// Decodes bytes to text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or
/// Windows-1252 when the bytes are not UTF-8. Text without a BOM holding NUL
/// bytes is refused (UTF-16 without a BOM cannot be told from binary).
fn decode(raw: &RawFile) -> Result<(String, &'static str, Vec<String>)> {
    let b = raw.bytes.as_slice();
    let mut notes = Vec::new();
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(b) {
        let (text, had_errors) = enc.decode_without_bom_handling(&b[bom..]);
        if had_errors {
            return Err(unreadable(
                raw,
                format!("invalid {} text after its byte-order mark", enc.name()),
            ));
        }
        let name = match enc.name() {
            "UTF-8" => "UTF-8 with BOM",
            "UTF-16LE" => "UTF-16LE with BOM",
            _ => "UTF-16BE with BOM",
        };
        return Ok((text.into_owned(), name, notes));
    }
    if let Some(at) = memchr_nul(b) {
        return Err(unreadable(
            raw,
            format!(
                "NUL byte at offset {at}: binary data or UTF-16 without a byte-order mark, not CSV text"
            ),
        ));
    }
    match std::str::from_utf8(b) {
        Ok(s) => Ok((s.to_string(), "UTF-8", notes)),
        Err(e) => {
            let at = e.valid_up_to();
            let before = &b[..at];
            let lf = before.iter().filter(|&&c| c == b'\n').count();
            let line = if lf > 0 || !b.contains(&b'\r') {
                lf + 1
            } else {
                before.iter().filter(|&&c| c == b'\r').count() + 1
            };
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(b);
            let lines = count_lines_with_high_bytes(b);
            notes.push(format!(
                "not UTF-8 (first invalid byte 0x{:02x} at offset {at}, near line {line}); decoded as Windows-1252, {lines} line(s) with non-ASCII bytes",
                b[at]
            ));
            Ok((text.into_owned(), "Windows-1252", notes))
        }
    }
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == 0)
}

fn count_lines_with_high_bytes(b: &[u8]) -> usize {
    b.split(|&c| c == b'\n' || c == b'\r')
        .filter(|l| l.iter().any(|&c| c >= 0x80))
        .count()
}

/// Line ends found, and the text with every line end made `\n`.
fn normalise_line_ends(text: String) -> (String, &'static str) {
    let crlf = text.matches("\r\n").count();
    let cr = text.matches('\r').count() - crlf;
    let lf = text.matches('\n').count() - crlf;
    let kind = match (lf > 0, crlf > 0, cr > 0) {
        (_, false, false) => "LF",
        (false, true, false) => "CRLF",
        (false, false, true) => "CR",
        _ => "mixed",
    };
    if cr == 0 && crlf == 0 {
        return (text, kind);
    }
    (text.replace("\r\n", "\n").replace('\r', "\n"), kind)
}

fn unreadable(raw: &RawFile, reason: String) -> Error {
    Error::Unreadable {
        dataset: raw.dataset,
        origin: raw.origin.clone(),
        reason,
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= 200 {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(200).collect();
        t.push('…');
        t
    }
}

impl Table {
    /// Parses a comma- (or `delimiter`-) separated file with a header line.
    ///
    /// Fails when the text cannot be decoded or has no header; a record with
    /// the wrong number of fields is skipped and reported.
    pub(crate) fn parse(raw: &RawFile, delimiter: u8) -> Result<Table> {
        let (text, encoding, mut notes) = decode(raw)?;
        let (text, line_ends) = normalise_line_ends(text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => return Err(unreadable(raw, format!("header: {e}"))),
            None => return Err(unreadable(raw, "the file is empty".into())),
        };
        let mut columns = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let trimmed = name.trim();
            if trimmed != name {
                notes.push(format!(
                    "header field {name:?} has surrounding spaces; read as {trimmed:?}"
                ));
            }
            columns.insert(trimmed.to_string(), i);
        }
        let width = header.len();
        let mut report = ReadReport {
            dataset: raw.dataset,
            origin: raw.origin.clone(),
            sha256: raw.sha256.clone(),
            encoding,
            line_ends,
            rows: 0,
            used: 0,
            skipped: Vec::new(),
            notes,
        };
        let mut kept = Vec::new();
        for rec in records {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize);
                    if r.len() == 1 && r.get(0).is_some_and(|f| f.trim().is_empty()) {
                        continue;
                    }
                    report.rows += 1;
                    if r.len() != width {
                        report.skipped.push(Skipped {
                            line,
                            reason: format!(
                                "expected {width} fields, found {}{}",
                                r.len(),
                                if r.len() < width {
                                    " (truncated row?)"
                                } else {
                                    ""
                                }
                            ),
                            text: clip(&r.iter().collect::<Vec<_>>().join(",")),
                        });
                        continue;
                    }
                    kept.push((line, r));
                }
                Err(e) => {
                    report.rows += 1;
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    report.skipped.push(Skipped {
                        line,
                        reason: format!("unreadable record: {e}"),
                        text: String::new(),
                    });
                }
            }
        }
        Ok(Table {
            columns,
            records: kept,
            width,
            report,
        })
    }

    /// The index of a column the reader needs.
    pub(crate) fn column(&self, name: &str) -> Result<usize> {
        self.columns
            .get(name)
            .copied()
            .ok_or_else(|| Error::MissingColumn {
                dataset: self.report.dataset,
                origin: self.report.origin.clone(),
                column: name.to_string(),
            })
    }

    /// Indices of several columns.
    pub(crate) fn columns<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N]> {
        let mut out = [0; N];
        for (o, n) in out.iter_mut().zip(names) {
            *o = self.column(n)?;
        }
        Ok(out)
    }

    /// Reads every record with `f`; a record `f` rejects is skipped with the
    /// reason it gives.
    pub(crate) fn read<T>(
        mut self,
        mut f: impl FnMut(&Row<'_>) -> std::result::Result<T, String>,
    ) -> (Vec<T>, ReadReport) {
        let mut out = Vec::with_capacity(self.records.len());
        for (line, rec) in &self.records {
            let row = Row { rec };
            match f(&row) {
                Ok(v) => out.push(v),
                Err(reason) => self.report.skipped.push(Skipped {
                    line: *line,
                    reason,
                    text: clip(&rec.iter().collect::<Vec<_>>().join(",")),
                }),
            }
        }
        self.report.used = out.len();
        debug_assert!(self.width > 0);
        (out, self.report)
    }
}

/// One record, read field by field.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    rec: &'a csv::StringRecord,
}

/// `4,000` → `4000`: a number written with thousands separators (the
/// non-state war data have one); other text is returned as it is.
fn ungroup(s: &str) -> std::borrow::Cow<'_, str> {
    let mut groups = s.trim_start_matches('-').split(',');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    let mut any = false;
    let rest_ok = groups.all(|g| {
        any = true;
        g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())
    });
    if first_ok && any && rest_ok {
        std::borrow::Cow::Owned(s.replace(',', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Is this text a missing value (`NA`, `.`, empty)?
fn is_missing(s: &str) -> bool {
    matches!(s, "" | "NA" | "." | "NaN")
}

impl Row<'_> {
    /// The text of field `i`, trimmed.
    pub(crate) fn str(&self, i: usize) -> &str {
        self.rec.get(i).unwrap_or("").trim()
    }

    /// Field `i` as text, `None` when missing.
    pub(crate) fn opt_str(&self, i: usize) -> Option<String> {
        let s = self.str(i);
        (!is_missing(s)).then(|| s.to_string())
    }

    /// A whole number that must be there.
    pub(crate) fn int(&self, i: usize, name: &str) -> std::result::Result<i64, String> {
        self.opt_int(i, name)?
            .ok_or_else(|| format!("column {name}: missing value"))
    }

    /// A whole number or missing (`NA`, `.`, empty). Accepts `12.0` and
    /// `4,000`.
    pub(crate) fn opt_int(&self, i: usize, name: &str) -> std::result::Result<Option<i64>, String> {
        let s = self.str(i);
        if is_missing(s) {
            return Ok(None);
        }
        let s = &*ungroup(s);
        if let Ok(v) = s.parse::<i64>() {
            return Ok(Some(v));
        }
        match s.parse::<f64>() {
            Ok(v) if v.fract() == 0.0 && v.abs() < 1e15 => Ok(Some(v as i64)),
            _ => Err(format!("column {name}: {s:?} is not a whole number")),
        }
    }

    /// A whole number where COW's negative codes (-7, -8, -9: unknown, not
    /// applicable, missing) mean missing.
    pub(crate) fn cow_int(&self, i: usize, name: &str) -> std::result::Result<Option<i64>, String> {
        Ok(self.opt_int(i, name)?.filter(|v| !matches!(v, -9..=-7)))
    }

    /// A number or missing; COW's -9 means missing. Accepts `4,000`.
    pub(crate) fn cow_num(&self, i: usize, name: &str) -> std::result::Result<Option<f64>, String> {
        let s = self.str(i);
        if is_missing(s) {
            return Ok(None);
        }
        let s = &*ungroup(s);
        match s.parse::<f64>() {
            Ok(v) if !v.is_finite() => Err(format!("column {name}: {s:?} is not finite")),
            Ok(-9.0 | -8.0 | -7.0) => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(format!("column {name}: {s:?} is not a number")),
        }
    }

    /// A year between 1700 and 2100.
    pub(crate) fn year(&self, i: usize, name: &str) -> std::result::Result<i32, String> {
        let y = self.int(i, name)?;
        if !(1700..=2100).contains(&y) {
            return Err(format!("column {name}: year {y} is out of range"));
        }
        Ok(y as i32)
    }

    /// A COW state code (1..=999).
    pub(crate) fn ccode(&self, i: usize, name: &str) -> std::result::Result<u16, String> {
        let c = self.int(i, name)?;
        u16::try_from(c)
            .ok()
            .filter(|c| (1..=999).contains(c))
            .ok_or_else(|| format!("column {name}: {c} is not a COW state code"))
    }

    /// A COW state code, or missing (-8, -9, empty).
    pub(crate) fn opt_ccode(
        &self,
        i: usize,
        name: &str,
    ) -> std::result::Result<Option<u16>, String> {
        match self.cow_int(i, name)? {
            None => Ok(None),
            Some(c) => u16::try_from(c)
                .ok()
                .filter(|c| (1..=999).contains(c))
                .map(Some)
                .ok_or_else(|| format!("column {name}: {c} is not a COW state code")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(bytes: &[u8]) -> RawFile {
        RawFile {
            dataset: Dataset::States,
            origin: "test".into(),
            bytes: bytes.to_vec(),
            sha256: String::new(),
        }
    }

    #[test]
    fn cr_only_line_ends_give_lines() {
        let t = Table::parse(&raw(b"a,b\r1,2\r3,4"), b',').unwrap();
        assert_eq!(t.report.line_ends, "CR");
        let c = t.column("b").unwrap();
        let (v, rep) = t.read(|r| r.int(c, "b"));
        assert_eq!(v, vec![2, 4]);
        assert_eq!(rep.rows, 2);
    }

    #[test]
    fn windows_1252_is_decoded_and_noted() {
        let t = Table::parse(&raw(b"name\nHassan\x92s Dervishes\n"), b',').unwrap();
        assert_eq!(t.report.encoding, "Windows-1252");
        assert!(t.report.notes[0].contains("first invalid byte 0x92 at offset 11, near line 2"));
        let (v, _) = t.read(|r| Ok(r.str(0).to_string()));
        assert_eq!(v, vec!["Hassan\u{2019}s Dervishes"]);
    }

    #[test]
    fn utf16_with_bom_is_decoded_and_without_is_refused() {
        let mut b = vec![0xff, 0xfe];
        for u in "a\tb\n1\t2\n".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        let t = Table::parse(&raw(&b), b'\t').unwrap();
        assert_eq!(t.report.encoding, "UTF-16LE with BOM");
        let e = Table::parse(&raw(&b[2..]), b'\t').unwrap_err().to_string();
        assert!(e.contains("NUL byte at offset 1"), "{e}");
    }

    #[test]
    fn short_rows_and_bad_numbers_are_reported_with_lines() {
        let t = Table::parse(&raw(b"x,y \n1,2\n3\n4,zz\n"), b',').unwrap();
        assert!(t.report.notes[0].contains("\"y \""));
        let [x, y] = t.columns(["x", "y"]).unwrap();
        let (v, rep) = t.read(|r| Ok((r.int(x, "x")?, r.int(y, "y")?)));
        assert_eq!(v, vec![(1, 2)]);
        assert_eq!(rep.rows, 3);
        assert_eq!(rep.skipped.len(), 2);
        assert_eq!(rep.skipped[0].line, 3);
        assert_eq!(
            rep.skipped[0].reason,
            "expected 2 fields, found 1 (truncated row?)"
        );
        assert_eq!(rep.skipped[1].line, 4);
        assert_eq!(
            rep.skipped[1].reason,
            "column y: \"zz\" is not a whole number"
        );
    }

    #[test]
    fn thousands_separators_but_not_other_commas() {
        let t = Table::parse(&raw(b"a,b,c\n\"4,000\",\"12,34\",\"-1,234,567\"\n"), b',').unwrap();
        let (v, rep) = t.read(|r| Ok((r.int(0, "a")?, r.opt_int(2, "c")?, r.int(1, "b"))));
        assert_eq!(v[0].0, 4000);
        assert_eq!(v[0].1, Some(-1234567));
        assert_eq!(
            v[0].2,
            Err("column b: \"12,34\" is not a whole number".to_string())
        );
        assert!(rep.skipped.is_empty());
    }

    #[test]
    fn missing_values_and_cow_codes() {
        let t = Table::parse(&raw(b"a,b,c\nNA,-9,.\n"), b',').unwrap();
        let (v, _) = t.read(|r| Ok((r.opt_int(0, "a")?, r.cow_int(1, "b")?, r.cow_num(2, "c")?)));
        assert_eq!(v, vec![(None, None, None)]);
    }
}
