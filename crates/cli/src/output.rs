//! Rendering answers as tables, JSON, CSV and Markdown.

use std::io::Write;

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use serde::Serialize;

/// Width tables are fitted to when stdout is not a terminal, so that output
/// piped to files and snapshots is stable.
const DEFAULT_WIDTH: u16 = 120;

/// A table fitted to the terminal (or to 120 columns).
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if !t.is_tty() {
        t.set_width(DEFAULT_WIDTH);
    }
    // Citations stay on one line; the quote column takes what is left.
    for (i, h) in header.iter().enumerate() {
        let constraint = match *h {
            "source" | "when" | "date" => ColumnConstraint::ContentWidth,
            "quote" => ColumnConstraint::LowerBoundary(Width::Percentage(35)),
            _ => continue,
        };
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(constraint);
        }
    }
    t
}

/// Writes `value` as pretty JSON with a final newline.
pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Writes rows as CSV with a header row taken from the field names.
pub fn csv<T: Serialize>(out: &mut dyn Write, rows: &[T]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for r in rows {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}

/// `source ¶paragraph`, the short form of a citation.
pub fn cite(source: &str, paragraph: Option<u32>) -> String {
    match paragraph {
        Some(p) => format!("{source} ¶{p}"),
        None => source.to_string(),
    }
}

/// `from – to`, with `?` for an unknown start and nothing for an open end.
pub fn span(from: &Option<String>, to: &Option<String>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("{f} – {t}"),
        (Some(f), None) => format!("{f} –"),
        (None, Some(t)) => format!("? – {t}"),
        (None, None) => "? –".to_string(),
    }
}
