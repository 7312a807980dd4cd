//! The work of one ingest after reading: parsing chunks, sorting rows into
//! partitions, and encoding Parquet, spread over the rayon pool.
//!
//! ```text
//!  reader (caller's thread) ──chunks──▶ coordinator ──spawn──▶ parse + roll up  (pool)
//!        ▲                               │  ▲                        │
//!        └──── buffers, as permits ◀─────┘  └── parsed, in any order ┘
//!                                        │
//!          rows in line order, by (year, month) ──spawn──▶ encode into the partition's
//!                                        ▲                 column writers, columns in
//!                                        │                 parallel; a full row group
//!                                        │                 appended to its file (pool)
//!                                        └── the writers, or the file after a row group
//! ```
//!
//! The reader may only read into a buffer the coordinator hands back, so the
//! bytes in flight are bounded by the number of buffers; buffers are held back
//! while rows wait for an encoder, so a slow encoder slows the reader instead
//! of piling up rows. A partition's rows are encoded as they come (one job at a
//! time per partition, in line order), so an open partition holds compressed
//! pages rather than a row group of Arrow arrays, and an ingest's output does
//! not depend on the order in which the pool finishes its work.
//!
//! The partitions together keep to a memory budget: after each chunk, while
//! their estimated holdings exceed it, the partition holding most has its row
//! group end at the rows it has been given so far. The estimate counts rows,
//! so these cuts, like the rest of the output, depend on the input alone.
//! Without it, memory would grow with the number of months an input touches
//! and with how many of them fill at once.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use arrow::array::RecordBatch;
use arrow::compute::concat_batches;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

use crate::encode::{ColumnEncoder, EncodedChunk, column_encoders, costliest_first};
use crate::error::{Error, Result};
use crate::input::Chunk;
use crate::parse::{Format, Parsed, Widths, parse_chunk};
use crate::rollup::Rollup;
use crate::schema;

/// Rows per Parquet row group.
pub(crate) const ROW_GROUP: usize = 128 * 1024;

/// A Parquet file written by an ingest: full path, path relative to the store,
/// year, month, rows.
pub(crate) type Written = (PathBuf, String, i32, u32, u64);

/// What the reader and the pool tell the coordinator.
pub(crate) enum Event {
    /// The next chunk of the file, in order.
    Chunk(Chunk),
    /// The reader is done: at the end of the file, or stopped by an error.
    End(Result<()>),
    /// A chunk was parsed; its buffer comes back for reuse.
    Parsed {
        seq: u64,
        result: std::result::Result<(Parsed, Rollup), String>,
        buffer: Vec<u8>,
    },
    /// Rows were encoded into a partition's column writers.
    Encoded {
        part: (i32, u32),
        result: parquet::errors::Result<Encoded>,
    },
    /// The whole rollup was encoded as its Parquet file; the rollup comes
    /// back with it.
    Rollup { rollup: Rollup, file: RollupBytes },
}

/// A rollup's Parquet file, or why it could not be encoded.
pub(crate) type RollupBytes = std::result::Result<Vec<u8>, String>;

/// What the coordinator hands back on success: the parse totals, the rollup
/// and, when the rollup is complete and not empty, its Parquet file.
pub(crate) type Coordinated = (Parsed, Rollup, Option<RollupBytes>);

/// A partition's column writers after an encoding job.
pub(crate) enum Encoded {
    /// Still open for more rows.
    Open(Vec<ColumnEncoder>),
    /// Closed: a complete row group, appended to the partition's file,
    /// which comes back with it, and the column writers, empty and ready
    /// for another row group.
    Closed(Box<OutFile>, Vec<ColumnEncoder>),
}

/// What one ingest writes to.
pub(crate) struct Target<'a> {
    pub root: &'a Path,
    pub format: Format,
    pub run: &'a str,
    pub ingest_id: i64,
    /// Bytes the partitions may hold between row groups (see [`held`](Partition::held)).
    pub budget: usize,
    /// Row groups a file takes before its partition goes on in a new file.
    pub file_groups: usize,
}

/// A Parquet file being written.
pub(crate) struct OutFile {
    full: PathBuf,
    writer: SerializedFileWriter<BufWriter<File>>,
    /// The writer's file through a second handle on the same open file, for
    /// the [`Syncer`]; `None` when the handle could not be had.
    handle: Option<Arc<File>>,
    /// Bytes of row groups appended since the file was last handed to the
    /// [`Syncer`].
    unsynced: u64,
    format: Format,
    /// Row groups and rows in the file.
    groups: usize,
    rows: u64,
}

impl OutFile {
    fn create(full: PathBuf, format: Format) -> Result<OutFile> {
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let file = File::create(&full).map_err(|source| Error::Io {
            path: full.clone(),
            source,
        })?;
        // Without a second handle the file is still synced when it closes,
        // only all at once.
        let handle = file.try_clone().ok().map(Arc::new);
        // The Arrow writer writes the file's schema, with the Arrow schema in
        // its metadata; the row groups come from the column encoders.
        // Column chunks go out in one write each rather than a few KiB at a time.
        let buffered = BufWriter::with_capacity(WRITE_BUFFER, file);
        let (writer, _) =
            ArrowWriter::try_new(buffered, schema::schema(), Some(writer_properties()))
                .and_then(|w| w.into_serialized_writer())
                .map_err(|e| Error::Parquet {
                    path: full.clone(),
                    reason: e.to_string(),
                })?;
        Ok(OutFile {
            full,
            writer,
            handle,
            unsynced: 0,
            format,
            groups: 0,
            rows: 0,
        })
    }

    /// Writes the footer, and syncs the file when asked; returns its path
    /// and rows.
    fn close(self, sync: bool) -> Result<(PathBuf, u64)> {
        let full = self.full;
        let file = self.writer.into_inner().map_err(|e| Error::Parquet {
            path: full.clone(),
            reason: e.to_string(),
        })?;
        let file = file.into_inner().map_err(|e| Error::Io {
            path: full.clone(),
            source: e.into_error(),
        })?;
        if sync {
            file.sync_all().map_err(|source| Error::Io {
                path: full.clone(),
                source,
            })?;
        }
        Ok((full, self.rows))
    }
}

/// Bytes an output file collects before they are written to it.
const WRITE_BUFFER: usize = 256 << 10;

/// Bytes of row groups a file takes before it is handed to the [`Syncer`].
const SYNC_BYTES: u64 = 8 << 20;

/// Writes the output files' pages to disk on a thread of its own while the
/// ingest goes on, so that the syncs it ends with find little left to write.
///
/// Left to the kernel, the pages of a large ingest's output are still in
/// memory when it ends, and writing them out all at once left both cores
/// idle for a second at the end of a 2 GB ingest. The thread only waits on
/// the disk; it takes no core from the parsers and encoders. Each file is
/// still synced when it closes: these syncs only come early.
struct Syncer {
    /// `None` when no thread could be started: the files are then synced
    /// when they close, all at once.
    tx: Option<Sender<(PathBuf, Arc<File>)>>,
    thread: Option<JoinHandle<Option<Error>>>,
}

impl Syncer {
    fn start() -> Syncer {
        let (tx, rx) = std::sync::mpsc::channel::<(PathBuf, Arc<File>)>();
        let thread = std::thread::Builder::new()
            .name("detente-sync".into())
            .spawn(move || {
                // The first failure is kept: a later sync of the same file
                // may not report it again.
                let mut failed = None;
                for (path, file) in rx {
                    if let (Err(source), None) = (file.sync_data(), &failed) {
                        failed = Some(Error::Io { path, source });
                    }
                }
                failed
            })
            .ok();
        Syncer {
            tx: thread.as_ref().map(|_| tx),
            thread,
        }
    }

    /// Asks for the pages of `file` written so far to be written to disk.
    fn sync(&self, path: &Path, file: &Arc<File>) {
        if let Some(tx) = &self.tx {
            // The thread ends only when `tx` is dropped.
            let _ = tx.send((path.to_path_buf(), file.clone()));
        }
    }

    /// Waits for the syncs asked for; the first that failed, if any.
    fn finish(mut self) -> Result<()> {
        self.tx = None;
        match self.thread.take().map(JoinHandle::join) {
            None | Some(Ok(None)) => Ok(()),
            Some(Ok(Some(e))) => Err(e),
            Some(Err(_)) => Err(Error::Internal("the sync thread panicked".into())),
        }
    }
}

/// A partition: its file being written and the rows on their way to it.
struct Partition {
    /// The file being written; away with a job that closes a row group.
    file: Option<OutFile>,
    /// Its path.
    path: PathBuf,
    /// Files of this partition before the current one.
    closed_files: usize,
    /// The column writers of the open row group.
    columns: Columns,
    /// Rows waiting for the column writers, in line order.
    queue: std::collections::VecDeque<RecordBatch>,
    queue_rows: usize,
    /// Rows given to the open row group.
    group_rows: usize,
    /// Rows ever queued, and ever given to column writers.
    queued: u64,
    given: u64,
    /// Where row groups end early, set by the memory budget, in rows of
    /// the partition; the first one is the next to reach.
    cuts: std::collections::VecDeque<u64>,
    /// The latest of the cuts, or 0.
    last_cut: u64,
}

impl Partition {
    /// Joins the queued rows into one batch when they are fewer than
    /// [`START`]: rows of a month the input seldom meets arrive a few at a
    /// time, and one batch is encoded in one job.
    fn join_small(&mut self) -> Result<(), Error> {
        if self.queue.len() < 2 || self.queue_rows >= START {
            return Ok(());
        }
        let one = concat_batches(&schema::parsed(), &self.queue)
            .map_err(|e| Error::Internal(e.to_string()))?;
        self.queue.clear();
        self.queue.push_back(one);
        Ok(())
    }

    /// An estimate of the memory this partition holds until its open row
    /// group is closed. It counts rows, not the writers' own report, so that
    /// where the budget ends row groups depends on the input alone and not on
    /// how fast the pool did its work.
    fn held(&self) -> usize {
        let rows =
            usize::try_from((self.queued - self.last_cut) % ROW_GROUP as u64).unwrap_or(ROW_GROUP);
        match rows {
            0 => 0,
            r if r < START => r * WAITING_ROW,
            r => OPEN_COST + r * ENCODED_ROW,
        }
    }
}

/// The column writers of a partition.
enum Columns {
    /// None yet: rows wait as Arrow arrays until there are enough of them.
    NotStarted,
    /// Free for the next rows.
    Ready(Vec<ColumnEncoder>),
    /// A job has them.
    Busy,
}

/// The default of [`Target::file_groups`]. A writer keeps each row group's
/// metadata until the file's footer is written, so one file per month would
/// make memory grow with the input.
pub(crate) const FILE_GROUPS: usize = 64;

/// Rows a partition collects before it gets column writers. Open column
/// writers cost memory whatever they hold (page buffers and a dictionary per
/// column), and GDELT files date a few rows in many past
/// months: those partitions are encoded in one go at the end, or when the
/// budget calls for it.
const START: usize = 8 * 1024;

/// Batches a partition not started keeps before it joins them into one.
/// Each costs the metadata of its arrays; joining them on each batch would
/// copy the waiting rows again and again.
const WAITING_BATCHES: usize = 16;

/// Memory of a partition's open column writers before their rows. Measured
/// with the Arrow writer's column writers: 8-10 MB after their first few
/// thousand GDELT 2.0 rows, plus a zstd context for each of the 73 columns.
/// The column encoders that replaced them share one zstd context a thread,
/// so the estimate errs high: row groups end a little early, not late.
const OPEN_COST: usize = 32 << 20;

/// Memory an encoded row adds to open column writers: the Arrow writer's
/// reported about 100 bytes a row more from 10K to 128K rows of GDELT 2.0.
const ENCODED_ROW: usize = 128;

/// Memory of a row waiting as Arrow arrays: 580 bytes measured on GDELT 2.0.
const WAITING_ROW: usize = 640;

/// The default of [`Target::budget`]. Each open partition holds up to a row
/// group of compressed pages, and rows of months not started wait as Arrow
/// arrays; GDELT dates rows in many past months, so without a budget these
/// grow with the number of months the input touches.
pub(crate) const BUDGET: usize = 160 << 20;

/// The number of chunk buffers: one per pool thread plus two, so that the
/// reader reads ahead while the pool parses.
fn buffers() -> usize {
    rayon::current_num_threads().max(1) + 2
}

/// Runs the coordinator until the reader has ended and every job is done.
/// Returns the files created (complete and synced when the result is `Ok`)
/// and, on success, the parse totals and the rollup.
pub(crate) fn coordinate(
    target: &Target<'_>,
    events: Receiver<Event>,
    sender: Sender<Event>,
    pool: Sender<Vec<u8>>,
) -> (Vec<Written>, Result<Coordinated>) {
    let mut c = Coordinator {
        target,
        written: Vec::new(),
        parts: BTreeMap::new(),
        totals: Parsed::default(),
        rollup: Rollup::default(),
        error: None,
        ending: false,
        encoding: 0,
        threads: rayon::current_num_threads().max(1),
        unsynced: Vec::new(),
        rollup_file: None,
        spare: Vec::new(),
        syncer: Syncer::start(),
    };
    let threads = c.threads;
    let mut pool = Some(pool);
    for _ in 0..buffers() {
        if let Some(p) = &pool {
            let _ = p.send(Vec::new());
        }
    }
    let widths = &Widths::default();
    rayon::in_place_scope(|scope| {
        let mut spawn = |part: (i32, u32), writers, batch, file| {
            let tx = sender.clone();
            scope.spawn(move |_| {
                // A panic must still report back, or the coordinator would
                // wait for this job forever.
                let result = catch_unwind(AssertUnwindSafe(|| encode(writers, batch, file)))
                    .unwrap_or_else(|_| {
                        Err(parquet::errors::ParquetError::General(
                            "encoding rows panicked".into(),
                        ))
                    });
                let _ = tx.send(Event::Encoded { part, result });
            });
        };
        let mut next_seq = 0u64;
        let mut apply_seq = 0u64;
        let mut ready: BTreeMap<u64, (Parsed, Rollup)> = BTreeMap::new();
        let mut parsing = 0usize;
        let mut ended = false;
        let mut stash: Vec<Vec<u8>> = Vec::new();
        loop {
            if ended && parsing == 0 && c.encoding == 0 {
                break;
            }
            // The coordinator holds a sender, so the channel cannot close.
            let Ok(event) = events.recv() else { break };
            match event {
                Event::Chunk(chunk) => {
                    if c.error.is_some() {
                        continue;
                    }
                    let seq = next_seq;
                    next_seq += 1;
                    parsing += 1;
                    let tx = sender.clone();
                    let (format, id) = (target.format, target.ingest_id);
                    scope.spawn(move |_| {
                        let result = catch_unwind(AssertUnwindSafe(|| {
                            parse_chunk(
                                format,
                                &chunk.bytes,
                                chunk.first_line,
                                chunk.lines as usize,
                                id,
                                widths,
                            )
                            .map(|p| {
                                let mut r = Rollup::default();
                                for b in p.batches.values() {
                                    r.add_batch(b);
                                }
                                (p, r)
                            })
                        }))
                        .unwrap_or_else(|_| Err("parsing a chunk panicked".into()));
                        let _ = tx.send(Event::Parsed {
                            seq,
                            result,
                            buffer: chunk.bytes,
                        });
                    });
                }
                Event::End(result) => {
                    ended = true;
                    if let Err(e) = result {
                        c.fail(e);
                    }
                }
                Event::Parsed {
                    seq,
                    result,
                    buffer,
                } => {
                    parsing -= 1;
                    stash.push(buffer);
                    match result {
                        Ok(r) => {
                            ready.insert(seq, r);
                        }
                        Err(e) => c.fail(Error::Internal(e)),
                    }
                    while let Some((p, r)) = ready.remove(&apply_seq) {
                        apply_seq += 1;
                        c.apply(p, r, &mut spawn);
                        c.keep_to_budget(&mut spawn);
                    }
                }
                Event::Encoded { part, result } => {
                    c.encoding -= 1;
                    c.encoded(part, result, &mut spawn);
                }
                Event::Rollup { rollup, file } => {
                    c.encoding -= 1;
                    c.rollup = rollup;
                    c.rollup_file = Some(file);
                }
            }
            if c.error.is_some() {
                // Stops the reader at its next buffer.
                pool = None;
            }
            if ended && parsing == 0 && !c.ending {
                // Every row is in its partition's queue: close the last row
                // groups. The rollup is whole: its file is encoded meanwhile
                // on the pool rather than after them on one thread.
                c.ending = true;
                if c.error.is_none() && c.rollup.is_complete() && !c.rollup.is_empty() {
                    let rollup = std::mem::take(&mut c.rollup);
                    let tx = sender.clone();
                    c.encoding += 1;
                    scope.spawn(move |_| {
                        let file = catch_unwind(AssertUnwindSafe(|| {
                            rollup.write(Vec::new()).map_err(|e| e.to_string())
                        }))
                        .unwrap_or_else(|_| Err("encoding the rollup panicked".into()));
                        let _ = tx.send(Event::Rollup { rollup, file });
                    });
                }
                let keys: Vec<_> = c.parts.keys().copied().collect();
                for key in keys {
                    c.pump(key, &mut spawn);
                }
            }
            if let Some(p) = &pool {
                // Rows of partitions not started yet wait for more rows, not
                // for an encoder, so they do not hold the reader back.
                let queued: usize = c
                    .parts
                    .values()
                    .filter(|p| !matches!(p.columns, Columns::NotStarted))
                    .map(|p| p.queue.len())
                    .sum();
                if queued <= threads {
                    for b in stash.drain(..) {
                        let _ = p.send(b);
                    }
                }
            }
        }
    });
    drop(pool);
    c.finish()
}

/// Starts a job that encodes rows into a partition's column writers; given
/// the partition's file, the job closes them and appends the row group to it.
type Spawn<'s> =
    dyn FnMut((i32, u32), Vec<ColumnEncoder>, Option<RecordBatch>, Option<OutFile>) + 's;

/// Encodes a batch into column writers, columns in parallel; given a file,
/// closes them and appends their row group to it. The append is the job's
/// and not the coordinator's, so that the coordinator, which hands out the
/// work, does not wait on the file system.
fn encode(
    mut writers: Vec<ColumnEncoder>,
    batch: Option<RecordBatch>,
    file: Option<OutFile>,
) -> parquet::errors::Result<Encoded> {
    if let Some(batch) = batch {
        let refs = writers.iter_mut().collect();
        by_cost(refs, |i, w| w.write(batch.column(i)))?
            .into_iter()
            .collect::<parquet::errors::Result<()>>()?;
    }
    let Some(mut file) = file else {
        return Ok(Encoded::Open(writers));
    };
    let refs = writers.iter_mut().collect();
    let chunks = by_cost(refs, |_, w| w.close())?
        .into_iter()
        .collect::<parquet::errors::Result<Vec<EncodedChunk>>>()?;
    let mut rg = file.writer.next_row_group()?;
    for c in chunks {
        c.append_to(&mut rg)?;
    }
    let meta = rg.close()?;
    file.unsynced += u64::try_from(meta.compressed_size()).unwrap_or(0);
    file.rows += meta.num_rows() as u64;
    file.groups += 1;
    Ok(Encoded::Closed(Box::new(file), writers))
}

/// `f` of each column's item, in column order. The columns are taken in
/// [`costliest_first`] order from a shared counter by the calling thread and
/// by as many pool threads as come free to help, so that the work is spread
/// as it goes and ends on cheap columns.
fn by_cost<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(usize, T) -> R + Sync,
) -> parquet::errors::Result<Vec<R>> {
    let items: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let order = costliest_first();
    let work = || {
        loop {
            let Some(&c) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return;
            };
            // Each column is taken once, so neither lock is ever contended;
            // a lock poisoned by a panic in `f` only leaves its item out.
            let item = items.get(c).and_then(|m| m.lock().ok()?.take());
            if let Some(item) = item {
                let r = f(c, item);
                if let Some(Ok(mut slot)) = results.get(c).map(Mutex::lock) {
                    *slot = Some(r);
                }
            }
        }
    };
    rayon::in_place_scope(|s| {
        for _ in 1..rayon::current_num_threads() {
            s.spawn(|_| work());
        }
        work();
    });
    // Every column has its result unless `f` panicked, and a panic goes on
    // up from the scope; a missing result is still not passed over.
    results
        .into_iter()
        .map(|m| {
            m.into_inner().ok().flatten().ok_or_else(|| {
                parquet::errors::ParquetError::General("a column was left unencoded".into())
            })
        })
        .collect()
}

/// A partition's file is away only with the job that has its column
/// writers, so a partition free for more rows always has it.
const NO_FILE: &str = "a partition's file went missing";

struct Coordinator<'a> {
    target: &'a Target<'a>,
    written: Vec<Written>,
    parts: BTreeMap<(i32, u32), Partition>,
    totals: Parsed,
    rollup: Rollup,
    error: Option<Error>,
    /// Every row has been handed over: close the open row groups.
    ending: bool,
    /// Encoding jobs running.
    encoding: usize,
    /// Threads of the pool.
    threads: usize,
    /// Files closed before the end, to sync at the end.
    unsynced: Vec<PathBuf>,
    /// The rollup's Parquet file, once encoded.
    rollup_file: Option<RollupBytes>,
    /// Column writers of closed row groups, ready for others: a fresh
    /// set grows its buffers and rehashes its dictionaries as it fills.
    spare: Vec<Vec<ColumnEncoder>>,
    syncer: Syncer,
}

impl Coordinator<'_> {
    fn fail(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn parquet_error(&mut self, key: (i32, u32), e: parquet::errors::ParquetError) {
        let path = self
            .parts
            .get(&key)
            .map(|p| p.path.clone())
            .unwrap_or_else(|| self.target.root.to_path_buf());
        self.fail(Error::Parquet {
            path,
            reason: e.to_string(),
        });
    }

    /// Takes a parsed chunk, in line order: counts, rollup, and its rows into
    /// their partitions' queues.
    fn apply(&mut self, mut p: Parsed, r: Rollup, spawn: &mut Spawn<'_>) {
        if self.error.is_some() {
            return;
        }
        self.rollup.merge(r);
        let batches = std::mem::take(&mut p.batches);
        merge(&mut self.totals, p);
        for ((y, m), batch) in batches {
            if !self.parts.contains_key(&(y, m)) {
                match self.open(y, m) {
                    Ok(part) => {
                        self.parts.insert((y, m), part);
                    }
                    Err(e) => {
                        self.fail(e);
                        return;
                    }
                }
            }
            if let Some(part) = self.parts.get_mut(&(y, m)) {
                part.queue_rows += batch.num_rows();
                part.queued += batch.num_rows() as u64;
                part.queue.push_back(batch);
                // Rows that wait may wait long: keep them in a few batches,
                // not in one for each chunk that met their month.
                if matches!(part.columns, Columns::NotStarted)
                    && part.queue.len() >= WAITING_BATCHES
                    && let Err(e) = part.join_small()
                {
                    return self.fail(e);
                }
            }
            self.pump((y, m), spawn);
        }
    }

    /// Gives a partition's column writers their next rows, if they are free.
    fn pump(&mut self, key: (i32, u32), spawn: &mut Spawn<'_>) {
        if self.error.is_some() {
            return;
        }
        let ending = self.ending;
        let live = self
            .parts
            .values()
            .filter(|p| !matches!(p.columns, Columns::NotStarted))
            .count();
        let Some(part) = self.parts.get_mut(&key) else {
            return;
        };
        let writers = match std::mem::replace(&mut part.columns, Columns::Busy) {
            Columns::Ready(w) => w,
            Columns::Busy => return,
            Columns::NotStarted => {
                // A cut where the given rows end has nothing left to close.
                if part.cuts.front() == Some(&part.given) {
                    part.cuts.pop_front();
                }
                // At the end, the small partitions are encoded a few at a
                // time, so that their column writers are not all open at once.
                let small = part.queue_rows < START;
                let wait = small && part.cuts.is_empty();
                if wait && !(ending && part.queue_rows > 0 && live < self.threads) {
                    part.columns = Columns::NotStarted;
                    return;
                }
                if let Err(e) = part.join_small() {
                    part.columns = Columns::NotStarted;
                    return self.fail(e);
                }
                // Not started, the partition has no job, and so has its file.
                let Some(file) = &part.file else {
                    part.columns = Columns::NotStarted;
                    return self.fail(Error::Internal(NO_FILE.into()));
                };
                match self.spare.pop() {
                    Some(w) => w,
                    None => column_encoders(file.writer.schema_descr(), file.format),
                }
            }
        };
        if part.cuts.front() == Some(&part.given) {
            // The budget cut the group after rows already given.
            part.cuts.pop_front();
            if part.group_rows > 0 {
                let Some(file) = part.file.take() else {
                    return self.fail(Error::Internal(NO_FILE.into()));
                };
                self.encoding += 1;
                return spawn(key, writers, None, Some(file));
            }
        }
        if let Some(mut batch) = part.queue.pop_front() {
            part.queue_rows -= batch.num_rows();
            let mut room = ROW_GROUP - part.group_rows;
            if let Some(cut) = part.cuts.front() {
                // The cut lies ahead of the rows given; the queue holds the rows up to it.
                room = room.min(usize::try_from(cut - part.given).unwrap_or(usize::MAX));
            }
            if batch.num_rows() > room {
                let rest = batch.slice(room, batch.num_rows() - room);
                part.queue_rows += rest.num_rows();
                part.queue.push_front(rest);
                batch = batch.slice(0, room);
            }
            part.group_rows += batch.num_rows();
            part.given += batch.num_rows() as u64;
            let at_cut = part.cuts.front() == Some(&part.given);
            if at_cut {
                part.cuts.pop_front();
            }
            let close = part.group_rows == ROW_GROUP || at_cut;
            let file = match close {
                true => match part.file.take() {
                    Some(f) => Some(f),
                    None => return self.fail(Error::Internal(NO_FILE.into())),
                },
                false => None,
            };
            self.encoding += 1;
            spawn(key, writers, Some(batch), file);
        } else if ending && part.group_rows > 0 {
            let Some(file) = part.file.take() else {
                return self.fail(Error::Internal(NO_FILE.into()));
            };
            self.encoding += 1;
            spawn(key, writers, None, Some(file));
        } else if part.group_rows == 0 {
            // Writers without rows cost memory and, at the end, hold back
            // the months still waiting for writers.
            part.columns = Columns::NotStarted;
        } else {
            part.columns = Columns::Ready(writers);
        }
    }

    /// Ends row groups early while the partitions hold more than the
    /// budget, the partition holding most first: a smaller row group costs
    /// a little compression, while memory that grew with the input would not
    /// be streaming. Called after each chunk is applied, in line order.
    fn keep_to_budget(&mut self, spawn: &mut Spawn<'_>) {
        if self.error.is_some() {
            return;
        }
        while self.parts.values().map(Partition::held).sum::<usize>() > self.target.budget {
            let victim = self
                .parts
                .iter()
                .filter(|(_, p)| p.held() > 0)
                .max_by_key(|(_, p)| p.held())
                .map(|(k, _)| *k);
            let Some(key) = victim else { return };
            if let Some(part) = self.parts.get_mut(&key) {
                part.cuts.push_back(part.queued);
                part.last_cut = part.queued;
            }
            self.pump(key, spawn);
        }
    }

    /// Takes the column writers back from a job; a closed row group goes
    /// into the file.
    fn encoded(
        &mut self,
        key: (i32, u32),
        result: parquet::errors::Result<Encoded>,
        spawn: &mut Spawn<'_>,
    ) {
        let file_groups = self.target.file_groups;
        let Some(part) = self.parts.get_mut(&key) else {
            return self.fail(Error::Internal("rows encoded for no partition".into()));
        };
        let mut file_full = false;
        let appended = result.map(|e| match e {
            Encoded::Open(w) => part.columns = Columns::Ready(w),
            Encoded::Closed(mut file, writers) => {
                // Kept for the next partition that starts a row group, a
                // few sets at most: each holds about a row group's worth of
                // buffers and dictionary room.
                if self.spare.len() < self.threads {
                    self.spare.push(writers);
                }
                if file.unsynced >= SYNC_BYTES
                    && let Some(handle) = &file.handle
                {
                    self.syncer.sync(&file.full, handle);
                    file.unsynced = 0;
                }
                part.group_rows = 0;
                part.columns = Columns::NotStarted;
                file_full = file.groups >= file_groups;
                part.file = Some(*file);
            }
        });
        if file_full && let Err(e) = self.next_file(key) {
            return self.fail(e);
        }
        match appended {
            Ok(()) if self.ending => {
                let keys: Vec<_> = self.parts.keys().copied().collect();
                for key in keys {
                    self.pump(key, spawn);
                }
            }
            Ok(()) => self.pump(key, spawn),
            Err(e) => self.parquet_error(key, e),
        }
    }

    /// Creates file `n` (from 0) of a partition.
    fn create(&mut self, y: i32, m: u32, n: usize) -> Result<OutFile> {
        // Numbered so that a month's files list in the order of their rows.
        let rel = format!(
            "events/source={}/year={y:04}/month={m:02}/part-{}-{n:04}.parquet",
            self.target.format.name(),
            self.target.run
        );
        let full = self.target.root.join(&rel);
        // Listed before it exists, so that a failure removes it.
        self.written.push((full.clone(), rel, y, m, 0));
        OutFile::create(full, self.target.format)
    }

    /// Creates the first file of a partition.
    fn open(&mut self, y: i32, m: u32) -> Result<Partition> {
        let file = self.create(y, m, 0)?;
        Ok(Partition {
            path: file.full.clone(),
            file: Some(file),
            closed_files: 0,
            columns: Columns::NotStarted,
            queue: std::collections::VecDeque::new(),
            queue_rows: 0,
            group_rows: 0,
            queued: 0,
            given: 0,
            cuts: std::collections::VecDeque::new(),
            last_cut: 0,
        })
    }

    /// Closes a partition's full file, between row groups, and goes on in a
    /// new one.
    fn next_file(&mut self, key: (i32, u32)) -> Result<()> {
        let Some(n) = self.parts.get(&key).map(|p| p.closed_files + 1) else {
            return Ok(());
        };
        let next = self.create(key.0, key.1, n)?;
        let Some(part) = self.parts.get_mut(&key) else {
            return Ok(());
        };
        part.closed_files = n;
        part.path = next.full.clone();
        let Some(done) = part.file.replace(next) else {
            return Err(Error::Internal("a full file went missing".into()));
        };
        let handle = done.handle.clone();
        // Synced at the end with the others, and before that by the syncer:
        // a sync here would stall the coordinator and with it every encoder.
        let (full, rows) = done.close(false)?;
        if let Some(handle) = &handle {
            self.syncer.sync(&full, handle);
        }
        self.record_rows(&full, rows);
        self.unsynced.push(full);
        Ok(())
    }

    fn record_rows(&mut self, full: &Path, rows: u64) {
        if let Some(slot) = self.written.iter_mut().find(|w| w.0 == full) {
            slot.4 = rows;
        }
    }

    /// Writes the footers and syncs the files, unless something failed.
    fn finish(mut self) -> (Vec<Written>, Result<Coordinated>) {
        if let Some(e) = self.error.take() {
            return (self.written, Err(e));
        }
        for part in std::mem::take(&mut self.parts).into_values() {
            if part.group_rows > 0 || !part.queue.is_empty() {
                let e = Error::Internal(format!(
                    "rows of {} were never encoded",
                    part.path.display()
                ));
                return (self.written, Err(e));
            }
            let Some(file) = part.file else {
                let e = Error::Internal(format!("{} went missing", part.path.display()));
                return (self.written, Err(e));
            };
            let empty = file.groups == 0;
            match file.close(true) {
                // A month whose rows ended with its last file full.
                Ok((full, _)) if empty => {
                    let _ = std::fs::remove_file(&full);
                    self.written.retain(|w| w.0 != full);
                }
                Ok((full, rows)) => self.record_rows(&full, rows),
                Err(e) => return (self.written, Err(e)),
            }
        }
        for full in std::mem::take(&mut self.unsynced) {
            // A sync through a new handle writes the file's pages all the same.
            let synced = File::open(&full).and_then(|f| f.sync_all());
            if let Err(source) = synced {
                return (self.written, Err(Error::Io { path: full, source }));
            }
        }
        if let Err(e) = self.syncer.finish() {
            return (self.written, Err(e));
        }
        (
            self.written,
            Ok((self.totals, self.rollup, self.rollup_file)),
        )
    }
}

/// Adds a chunk's counts to the totals.
pub(crate) fn merge(into: &mut Parsed, p: Parsed) {
    into.rows_read += p.rows_read;
    into.rows_written += p.rows_written;
    into.quarantined.extend(p.quarantined);
    for (k, v) in p.flagged {
        *into.flagged.entry(k).or_default() += v;
    }
    into.added = match (into.added, p.added) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    };
    into.days = match (into.days, p.days) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    };
}

/// Properties of the files: their row groups are encoded by
/// [`ColumnEncoder`]s, which choose each column's encoding and compression.
fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_each_done_once_and_answered_in_column_order() {
        let order = costliest_first();
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..crate::schema::col::COUNT).collect::<Vec<_>>());
        assert_eq!(order[0], crate::schema::col::SOURCE_URL);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("a pool");
        let calls = AtomicUsize::new(0);
        let got = pool
            .install(|| {
                by_cost(
                    (0..crate::schema::col::COUNT).collect(),
                    |c, item: usize| {
                        calls.fetch_add(1, Ordering::Relaxed);
                        (c, item * 2)
                    },
                )
            })
            .expect("every column answered");
        let want: Vec<_> = (0..crate::schema::col::COUNT).map(|c| (c, c * 2)).collect();
        assert_eq!(got, want);
        assert_eq!(calls.into_inner(), crate::schema::col::COUNT);
    }

    #[cfg(unix)]
    #[test]
    fn the_syncer_reports_the_first_sync_that_failed() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let good = dir.path().join("good.parquet");
        let file = Arc::new(File::create(&good).expect("a file"));
        // A pipe cannot be synced: fsync refuses it with EINVAL.
        let (reader, _writer) = std::io::pipe().expect("a pipe");
        let pipe = Arc::new(File::from(std::os::fd::OwnedFd::from(reader)));
        let syncer = Syncer::start();
        syncer.sync(&good, &file);
        syncer.sync(Path::new("first.parquet"), &pipe);
        syncer.sync(Path::new("second.parquet"), &pipe);
        match syncer.finish() {
            Err(Error::Io { path, source }) => {
                assert_eq!(path, Path::new("first.parquet"));
                assert_eq!(source.raw_os_error(), Some(22), "EINVAL: {source}");
            }
            other => panic!("expected the pipe's failure, got {other:?}"),
        }
        let syncer = Syncer::start();
        syncer.sync(&good, &file);
        assert!(syncer.finish().is_ok());
    }
}
