//! Writing Arrow record batches out as CSV, JSON or Parquet, a batch at a time,
//! to any writer or atomically to a file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::{Error, Result};

/// A file format for tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects, one per row.
    Json,
    /// Parquet, zstd.
    Parquet,
}

enum Inner<W: Write + Send> {
    Csv(Box<arrow::csv::Writer<W>>),
    Json(arrow::json::ArrayWriter<W>),
    Parquet(Box<ArrowWriter<W>>),
}

/// Writes batches of one schema in a format.
pub struct BatchWriter<W: Write + Send> {
    inner: Inner<W>,
}

impl<W: Write + Send> std::fmt::Debug for BatchWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchWriter").finish_non_exhaustive()
    }
}

fn arrow_err(e: impl std::fmt::Display) -> Error {
    Error::Data(format!("writing the result: {e}"))
}

impl<W: Write + Send> BatchWriter<W> {
    /// A writer of `format` for rows of `schema`.
    pub fn new(out: W, format: TableFormat, schema: SchemaRef) -> Result<BatchWriter<W>> {
        BatchWriter::with_metadata(out, format, schema, Vec::new())
    }

    /// A writer that also records `metadata` as key-value pairs in a Parquet
    /// file's footer (CSV and JSON have no place for them).
    pub fn with_metadata(
        out: W,
        format: TableFormat,
        schema: SchemaRef,
        metadata: Vec<(String, String)>,
    ) -> Result<BatchWriter<W>> {
        let inner = match format {
            TableFormat::Csv => Inner::Csv(Box::new(arrow::csv::Writer::new(out))),
            // NULL is written as `null`, not left out: a reader sees every column.
            TableFormat::Json => Inner::Json(
                arrow::json::WriterBuilder::new()
                    .with_explicit_nulls(true)
                    .build::<_, arrow::json::writer::JsonArray>(out),
            ),
            TableFormat::Parquet => {
                let kv: Vec<parquet::file::metadata::KeyValue> = metadata
                    .into_iter()
                    .map(|(k, v)| parquet::file::metadata::KeyValue::new(k, v))
                    .collect();
                let props = WriterProperties::builder()
                    .set_compression(Compression::ZSTD(ZstdLevel::default()))
                    .set_key_value_metadata((!kv.is_empty()).then_some(kv))
                    .build();
                Inner::Parquet(Box::new(
                    ArrowWriter::try_new(out, schema, Some(props)).map_err(arrow_err)?,
                ))
            }
        };
        Ok(BatchWriter { inner })
    }

    /// Writes one batch.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        match &mut self.inner {
            Inner::Csv(w) => w.write(batch).map_err(arrow_err),
            Inner::Json(w) => w.write(batch).map_err(arrow_err),
            Inner::Parquet(w) => w.write(batch).map_err(arrow_err),
        }
    }

    /// Ends the output (the JSON array's closing bracket, Parquet's footer)
    /// and returns the writer.
    pub fn finish(self) -> Result<W> {
        match self.inner {
            Inner::Csv(w) => Ok((*w).into_inner()),
            Inner::Json(mut w) => {
                w.finish().map_err(arrow_err)?;
                let mut out = w.into_inner();
                out.write_all(b"\n").map_err(arrow_err)?;
                Ok(out)
            }
            Inner::Parquet(w) => w.into_inner().map_err(arrow_err),
        }
    }
}

/// A file written beside its target and renamed into place when complete, so
/// that a failed write leaves the target as it was.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Starts writing `target`.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let tmp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|source| Error::Write {
            path: target.to_path_buf(),
            source,
        })?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp,
            file: Some(file),
        })
    }

    /// Syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let err = |source| Error::Write {
            path: self.target.clone(),
            source,
        };
        if let Some(f) = self.file.take() {
            f.sync_all().map_err(err)?;
        }
        std::fs::rename(&self.tmp, &self.target).map_err(err)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
