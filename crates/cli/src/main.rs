//! The `detente` command line.
//!
//! Exit status: 0 when answered; 1 on an error (bad input, unknown actor,
//! rejected file, store failure); 2 on a usage error; 3 when the atlas holds no
//! fact that answers the question (which is not the same as "no"); 4 when an
//! ingest read every file but quarantined rows, or `datasets --check` found
//! rows it could not read.

mod analysis;
mod args;
mod commands;
mod ingest;
mod model;
mod output;
mod serve;
mod sql;
mod structural;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, RunConfig};
use commands::Outcome;

/// See the workspace's Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(Outcome::Answered) => ExitCode::SUCCESS,
        Ok(Outcome::NoAnswer(why)) => {
            eprintln!("detente: no answer: {why}");
            ExitCode::from(3)
        }
        Ok(Outcome::Quarantined(n)) => {
            eprintln!("detente: {n} rows quarantined (see `detente events stats`)");
            ExitCode::from(4)
        }
        Ok(Outcome::Skipped(n)) => {
            eprintln!("detente: {n} rows could not be read (listed above)");
            ExitCode::from(4)
        }
        Err(err) => {
            // A closed pipe (`detente facts | head`) is a normal way to stop reading.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
                || err
                    .chain()
                    .filter_map(|e| e.downcast_ref::<serde_json::Error>())
                    .any(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("detente: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    let cfg = RunConfig::try_from(cli)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let outcome = commands::run(&cfg, &cli.command, &mut out)?;
    out.flush()?;
    Ok(outcome)
}
