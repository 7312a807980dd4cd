//! Facts shipped with detente, loaded into every new store.

/// A curated file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct BundledFile {
    /// File name under `crates/atlas/facts/`.
    pub name: &'static str,
    /// Its text.
    pub text: &'static str,
}

/// The curated files, in load order: actors first, then one file per seed text.
pub const FILES: &[BundledFile] = &[
    BundledFile {
        name: "actors.toml",
        text: include_str!("../facts/actors.toml"),
    },
    BundledFile {
        name: "000_ae1c223bb303d995.toml",
        text: include_str!("../facts/000_ae1c223bb303d995.toml"),
    },
    BundledFile {
        name: "002_d5b9630160081b01.toml",
        text: include_str!("../facts/002_d5b9630160081b01.toml"),
    },
];

/// Source id of the bundled states table.
pub const STATES_SOURCE: &str = "detente-core/reference/states.csv";
