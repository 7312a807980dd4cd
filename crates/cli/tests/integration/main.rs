//! Golden tests of the `detente` binary: stdout, stderr and exit status of
//! every command in every format, and of bad input.

mod analysis;
mod bad_input;
mod commands;
mod ingest;
mod models;
mod sql;
mod structural;

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::get_cargo_bin;

/// The package's folder as cargo names it at run time (a reused build cache may have moved).
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// The binary, run in `dir` with its store in `dir/store`. Paths in arguments
/// are relative to `dir`, so snapshots do not depend on where the temp folder
/// is. Every test passes `--as-of` where the answer depends on the day.
pub fn detente(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("detente"));
    cmd.current_dir(dir)
        .env("DETENTE_STORE", "store")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `body` with temp paths in the output replaced by `[TMP]`.
pub fn with_filters(body: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"/tmp/[^\s:]+", "[TMP]");
    settings.add_filter(r"detente \d+\.\d+\.\d+", "detente [VERSION]");
    settings.add_filter(r"in \d+ ms", "in [ELAPSED] ms");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIME]");
    settings.add_filter(r"in \d+\.\d+ s\b", "in [ELAPSED] s");
    settings.bind(body);
}

/// Runs `cmd`, which must succeed (its stderr is the failure message);
/// returns its stdout.
pub fn succeed(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs SQL statements given on stdin; returns the CSV they print.
pub fn sql_csv(d: &Path, statements: &str) -> String {
    use std::io::Write;
    let mut child = detente(d)
        .args(["sql", "--format", "csv"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(statements.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{statements}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
