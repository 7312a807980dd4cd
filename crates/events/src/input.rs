//! Opening inputs: plain text, gzip and zip (GDELT's distribution format), told
//! apart by their first bytes, and cut into chunks of whole lines.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use detente_core::digest::Sha256;

use crate::error::{Error, Result};

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not at all.
    Plain,
    /// gzip (one or more members).
    Gzip,
    /// A zip archive; its CSV member is read.
    Zip,
}

impl Compression {
    fn name(self) -> &'static str {
        match self {
            Compression::Plain => "file",
            Compression::Gzip => "gzip stream",
            Compression::Zip => "zip archive",
        }
    }
}

/// Counts the bytes read from the file on disk (for progress), and hashes
/// them when asked to (a sequential read of the whole file).
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
    hasher: Option<Arc<Mutex<Sha256>>>,
}

impl<R: std::io::Seek> std::io::Seek for Counting<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(h) = &self.hasher {
            // Poisoning needs a panic while hashing, which `update` cannot raise.
            if let Ok(mut h) = h.lock() {
                h.update(&buf[..n]);
            }
        }
        Ok(n)
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Tells a file's compression from its first bytes.
pub fn sniff(path: &Path) -> Result<Compression> {
    let mut file = File::open(path).map_err(io(path))?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(io(path))?;
    Ok(match &magic[..n] {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [b'P', b'K', 3, 4] => Compression::Zip,
        _ => Compression::Plain,
    })
}

/// Opens `path`, tells its compression and runs `f` on the decompressed stream.
/// `read` counts the bytes taken from disk; `hasher`, if given, receives every
/// byte of the file (plain and gzip files are read once, front to back; do not
/// ask this of a zip archive, which is read out of order).
pub fn with_reader<T>(
    path: &Path,
    read: Arc<AtomicU64>,
    hasher: Option<Arc<Mutex<Sha256>>>,
    f: impl FnOnce(&mut dyn Read, Compression) -> Result<T>,
) -> Result<T> {
    let compression = sniff(path)?;
    let file = File::open(path).map_err(io(path))?;
    let mut counted = Counting {
        inner: file,
        read,
        hasher,
    };
    match compression {
        // The chunker reads a chunk at a time straight into its buffer: a
        // buffer in between would only copy the bytes once more.
        Compression::Plain => f(&mut counted, compression),
        Compression::Gzip => {
            let mut d =
                flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, counted));
            f(&mut d, compression)
        }
        Compression::Zip => {
            let mut archive =
                zip::ZipArchive::new(std::io::BufReader::new(counted)).map_err(|e| {
                    Error::Corrupt {
                        path: path.to_path_buf(),
                        what: "zip archive",
                        reason: e.to_string(),
                    }
                })?;
            let names: Vec<String> = archive
                .file_names()
                .map(|n| n.map(|n| n.into_owned()))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| Error::Corrupt {
                    path: path.to_path_buf(),
                    what: "zip archive",
                    reason: e.to_string(),
                })?;
            let member = names
                .iter()
                .position(|n| {
                    let l = n.to_ascii_lowercase();
                    l.ends_with(".csv")
                        || l.ends_with(".tab")
                        || l.ends_with(".txt")
                        || l.ends_with(".tsv")
                })
                .or(if names.len() == 1 { Some(0) } else { None })
                .ok_or_else(|| Error::Corrupt {
                    path: path.to_path_buf(),
                    what: "zip archive",
                    reason: format!("no CSV member among {names:?}"),
                })?;
            let mut entry = archive.by_index(member).map_err(|e| Error::Corrupt {
                path: path.to_path_buf(),
                what: "zip archive",
                reason: e.to_string(),
            })?;
            f(&mut entry, compression)
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads whole lines in chunks of about `size` bytes.
pub struct Chunker<'a> {
    reader: &'a mut dyn Read,
    compression: Compression,
    path: &'a Path,
    carry: Vec<u8>,
    size: usize,
    next_line: u64,
    done: bool,
}

impl std::fmt::Debug for Chunker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunker")
            .field("next_line", &self.next_line)
            .finish()
    }
}

/// A chunk of whole lines and the number of its first line.
#[derive(Debug)]
pub struct Chunk {
    /// The bytes, ending with a line end unless the file did not.
    pub bytes: Vec<u8>,
    /// Number of the first line, from 1.
    pub first_line: u64,
    /// Number of lines.
    pub lines: u64,
}

impl<'a> Chunker<'a> {
    /// Chunks of about `size` bytes from `reader`.
    pub fn new(
        reader: &'a mut dyn Read,
        compression: Compression,
        path: &'a Path,
        size: usize,
    ) -> Self {
        Chunker {
            reader,
            compression,
            path,
            carry: Vec::new(),
            size,
            next_line: 1,
            done: false,
        }
    }

    /// The next chunk, `None` at the end, or the read error.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        self.next_chunk_into(Vec::new())
    }

    /// The next chunk, read into `buf` (whose contents are dropped and whose
    /// allocation is reused), `None` at the end, or the read error.
    pub fn next_chunk_into(&mut self, mut buf: Vec<u8>) -> Result<Option<Chunk>> {
        // The carried bytes, then what is read, overwrite the buffer's old
        // bytes: only room it never had is zeroed.
        let mut start = self.carry.len();
        if buf.len() < start {
            buf.resize(start, 0);
        }
        buf[..start].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            if self.done {
                buf.truncate(start);
            } else {
                // Reads as large as the room left, so that a plain file takes
                // a few reads a chunk; fewer bytes than asked means the end.
                buf.resize(start + self.size, 0);
                let mut filled = start;
                while filled < buf.len() {
                    match self.reader.read(&mut buf[filled..]) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            return Err(match self.compression {
                                Compression::Plain => Error::Io {
                                    path: self.path.to_path_buf(),
                                    source: e,
                                },
                                c => Error::Corrupt {
                                    path: self.path.to_path_buf(),
                                    what: c.name(),
                                    reason: e.to_string(),
                                },
                            });
                        }
                    }
                }
                buf.truncate(filled);
                if filled < start + self.size {
                    self.done = true;
                }
            }
            if buf.is_empty() {
                return Ok(None);
            }
            if self.done {
                break;
            }
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => {
                    self.carry.extend_from_slice(&buf[i + 1..]);
                    buf.truncate(i + 1);
                    break;
                }
                // One line longer than the chunk: keep reading into it.
                None => start = buf.len(),
            }
        }
        let first_line = self.next_line;
        let lines =
            memchr::memchr_iter(b'\n', &buf).count() as u64 + u64::from(!buf.ends_with(b"\n"));
        self.next_line += lines;
        Ok(Some(Chunk {
            bytes: buf,
            first_line,
            lines,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes a few at a time, and is interrupted before each read.
    struct Trickle<'a> {
        bytes: &'a [u8],
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.bytes.len()).min(3);
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn short_and_interrupted_reads_lose_no_byte() {
        let text = b"first line\nsecond\n\nfourth, the longest line of all\nlast".to_vec();
        let mut r = Trickle {
            bytes: &text,
            interrupt: false,
        };
        let mut c = Chunker::new(&mut r, Compression::Plain, Path::new("x"), 8);
        let mut joined = Vec::new();
        let mut lines = 0;
        while let Some(ch) = c.next_chunk().unwrap() {
            assert_eq!(ch.first_line, lines + 1);
            lines += ch.lines;
            joined.extend_from_slice(&ch.bytes);
        }
        assert_eq!(joined, text);
        assert_eq!(lines, 5);
    }

    /// A buffer handed back holds an earlier chunk's bytes, longer or
    /// shorter than the next; none of them shows in a chunk.
    #[test]
    fn reused_buffers_hold_no_old_bytes() {
        let text = b"first line\nsecond\n\nfourth, the longest line of all\nlast".to_vec();
        for size in [4, 8, 64] {
            let mut r = Trickle {
                bytes: &text,
                interrupt: false,
            };
            let mut c = Chunker::new(&mut r, Compression::Plain, Path::new("x"), size);
            let (mut joined, mut lines) = (Vec::new(), 0);
            let mut buf = vec![b'#'; 100];
            while let Some(ch) = c.next_chunk_into(buf).unwrap() {
                assert_eq!(ch.first_line, lines + 1, "{size}");
                lines += ch.lines;
                joined.extend_from_slice(&ch.bytes);
                buf = ch.bytes;
            }
            assert_eq!(joined, text, "{size}");
            assert_eq!(lines, 5, "{size}");
        }
    }

    #[test]
    fn chunks_hold_whole_lines_and_count_them() {
        let text = b"a\nbb\nccc\ndddd\ne".to_vec();
        let mut r: &[u8] = &text;
        let mut c = Chunker::new(&mut r, Compression::Plain, Path::new("x"), 4);
        let mut got = Vec::new();
        while let Some(ch) = c.next_chunk().unwrap() {
            got.push((String::from_utf8(ch.bytes).unwrap(), ch.first_line));
        }
        let joined: String = got.iter().map(|g| g.0.clone()).collect();
        assert_eq!(joined, "a\nbb\nccc\ndddd\ne");
        for (text, first) in &got {
            assert!(text.ends_with('\n') || text.ends_with('e'));
            assert!(*first >= 1);
        }
        // Line numbers continue across chunks.
        let mut expected = 1;
        for (text, first) in &got {
            assert_eq!(*first, expected);
            expected += text.matches('\n').count() as u64;
        }
    }
}
