//! SHA-256, the fingerprint of every file detente takes in: event files in
//! the ingest manifest, structural data sets, the bundled atlas data.
//!
//! Backed by `ring`, whose assembly uses the CPU's SHA extensions or AVX2
//! where it has them: an event file is hashed in full as it is ingested, and
//! on a CPU without SHA extensions the portable code took a tenth of the
//! ingest's time.

use std::io::Write;

use ring::digest::{Context, SHA256};

/// A SHA-256 computed over bytes given in any number of pieces.
pub struct Sha256(Context);

impl Sha256 {
    /// A digest of no bytes yet.
    pub fn new() -> Sha256 {
        Sha256(Context::new(&SHA256))
    }

    /// Adds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest in lowercase hex, 64 characters.
    pub fn hex(self) -> String {
        hex(self.0.finish().as_ref())
    }
}

impl Default for Sha256 {
    fn default() -> Sha256 {
        Sha256::new()
    }
}

impl std::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sha256")
    }
}

/// Hashes what is written, so that `std::io::copy` can hash a reader.
impl Write for Sha256 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    h.hex()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vectors of FIPS 180-2, appendix B.
    #[test]
    fn fips_180_2_vectors() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let mut h = Sha256::new();
        for _ in 0..1000 {
            h.update(&[b'a'; 1000]);
        }
        assert_eq!(
            h.hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    /// Bytes given in pieces, through `update` or `Write`, hash as one run.
    #[test]
    fn pieces_hash_as_the_whole() {
        let bytes: Vec<u8> = (0..10_007u32).map(|i| (i * 31 % 251) as u8).collect();
        let whole = sha256_hex(&bytes);
        for size in [1, 63, 64, 65, 4096] {
            let mut h = Sha256::new();
            for piece in bytes.chunks(size) {
                h.update(piece);
            }
            assert_eq!(h.hex(), whole, "pieces of {size}");
        }
        let mut h = Sha256::new();
        std::io::copy(&mut &bytes[..], &mut h).expect("writes cannot fail");
        assert_eq!(h.hex(), whole);
    }
}
