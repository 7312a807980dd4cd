//! `detente sql`: one statement, or an interactive shell.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use detente::analytics::Analytics;
use detente::arrow::array::RecordBatch;
use detente::export::{AtomicFile, BatchWriter, TableFormat};

use crate::args::{Format, RunConfig};
use crate::commands::Outcome;

/// Runs `query`, or the shell when there is none.
pub fn run(
    cfg: &RunConfig,
    query: Option<&str>,
    out_file: Option<&Path>,
    timing: bool,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let store = detente::Store::open(&cfg.store)?;
    let analytics = store.analytics()?;
    let timed = |n: usize, statement: &str, out: &mut dyn Write| -> Result<()> {
        let started = std::time::Instant::now();
        let rows = one(&analytics, statement, cfg.format, out_file, out)?;
        if timing {
            out.flush()?;
            eprintln!(
                "statement {n}: {:.6} s, {rows} rows",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    };
    match query {
        Some(q) => {
            timed(1, q, out)?;
            Ok(Outcome::Answered)
        }
        None if std::io::stdin().is_terminal() => shell(&analytics, cfg, out),
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading SQL from standard input")?;
            for (i, statement) in split_statements(&text).iter().enumerate() {
                timed(i + 1, statement, out)?;
            }
            Ok(Outcome::Answered)
        }
    }
}

/// Statements separated by `;` outside quotes and comments.
fn split_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '-') if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        cur.push('\n');
                        break;
                    }
                }
            }
            (None, ';') => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

fn table_format(format: Format) -> Result<Option<TableFormat>> {
    Ok(match format {
        Format::Table => None,
        Format::Csv => Some(TableFormat::Csv),
        Format::Json => Some(TableFormat::Json),
        Format::Parquet => Some(TableFormat::Parquet),
        Format::Md => bail!("--format md is only available for `detente report`"),
    })
}

fn one(
    analytics: &Analytics,
    query: &str,
    format: Format,
    out_file: Option<&Path>,
    out: &mut dyn Write,
) -> Result<u64> {
    let format = table_format(format)?;
    let rows = match (format, out_file) {
        (None, None) => {
            let batches = analytics.collect(query)?;
            print_table(&batches, out)?;
            batches.iter().map(|b| b.num_rows() as u64).sum()
        }
        (None, Some(_)) => bail!("--out needs --format csv, json or parquet"),
        (Some(TableFormat::Parquet), None) if std::io::stdout().is_terminal() => {
            bail!("Parquet is binary: give --out FILE or redirect standard output")
        }
        (Some(f), Some(path)) => {
            let (file, rows) = write_result(analytics, query, f, AtomicFile::create(path)?)?;
            file.commit()?;
            eprintln!("wrote {rows} rows to {}", path.display());
            rows
        }
        (Some(f), None) => {
            out.flush()?;
            let (mut stdout, rows) = write_result(analytics, query, f, std::io::stdout())?;
            stdout.flush()?;
            rows
        }
    };
    Ok(rows)
}

/// Streams the result of `query` into `sink` in format `f`.
fn write_result<W: Write + Send>(
    analytics: &Analytics,
    query: &str,
    f: TableFormat,
    sink: W,
) -> Result<(W, u64)> {
    let mut sink = Some(sink);
    let mut writer: Option<BatchWriter<W>> = None;
    let (schema, rows) = analytics.stream(query, &mut |b| {
        if writer.is_none()
            && let Some(s) = sink.take()
        {
            writer = Some(BatchWriter::new(s, f, b.schema())?);
        }
        match &mut writer {
            Some(w) => w.write(b),
            None => Ok(()),
        }
    })?;
    let writer = match (writer, sink) {
        (Some(w), _) => w,
        // No batch came: `[]` for JSON, a Parquet file with the schema and no
        // rows, nothing for CSV.
        (None, Some(s)) => BatchWriter::new(s, f, schema)?,
        (None, None) => bail!("internal: the output was lost"),
    };
    Ok((writer.finish()?, rows))
}

fn print_table(batches: &[RecordBatch], out: &mut dyn Write) -> Result<()> {
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    if batches.is_empty() || batches.iter().all(|b| b.num_columns() == 0) {
        writeln!(out, "0 rows")?;
        return Ok(());
    }
    let table = detente::arrow::util::pretty::pretty_format_batches(batches)?;
    writeln!(out, "{table}")?;
    writeln!(out, "{rows} row{}", if rows == 1 { "" } else { "s" })?;
    Ok(())
}

fn history_path(cfg: &RunConfig) -> PathBuf {
    cfg.store.join("sql_history")
}

fn shell(analytics: &Analytics, cfg: &RunConfig, out: &mut dyn Write) -> Result<Outcome> {
    let mut editor = rustyline::DefaultEditor::new()?;
    let history = history_path(cfg);
    let _ = editor.load_history(&history);
    writeln!(
        out,
        "detente SQL shell: statements end with `;`; \\d lists tables, \\q quits."
    )?;
    out.flush()?;
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            "detente> "
        } else {
            "     ..> "
        };
        match editor.readline(prompt) {
            Ok(line) => {
                let trimmed = line.trim();
                if buffer.is_empty() && (trimmed == "\\q" || trimmed == "quit" || trimmed == "exit")
                {
                    break;
                }
                if buffer.is_empty() && trimmed == "\\d" {
                    let _ = editor.add_history_entry(trimmed);
                    report(
                        analytics,
                        "SELECT table_name, table_type FROM information_schema.tables \
                         WHERE table_schema = 'public' ORDER BY table_name",
                        cfg,
                        out,
                    );
                    continue;
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if trimmed.ends_with(';') {
                    let statement = std::mem::take(&mut buffer);
                    let _ = editor.add_history_entry(statement.trim());
                    for s in split_statements(&statement) {
                        report(analytics, &s, cfg, out);
                    }
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => buffer.clear(),
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    let _ = editor.save_history(&history);
    Ok(Outcome::Answered)
}

/// Runs a statement in the shell: an error is shown and the shell goes on.
fn report(analytics: &Analytics, statement: &str, cfg: &RunConfig, out: &mut dyn Write) {
    let started = std::time::Instant::now();
    match one(analytics, statement, cfg.format, None, out) {
        Ok(_) => {
            let _ = writeln!(out, "({:.3} s)", started.elapsed().as_secs_f64());
        }
        Err(e) => {
            let _ = writeln!(out, "error: {e:#}");
        }
    }
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        let s = split_statements("SELECT 'a;b'; -- c;d\nSELECT \"x;\" FROM t;  ;");
        assert_eq!(s, vec!["SELECT 'a;b'", "SELECT \"x;\" FROM t"]);
    }
}
