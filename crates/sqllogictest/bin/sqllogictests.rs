//! Runs every `.slt` file under `test_files/`, each in its own session, and
//! ends with a count line. `-- --complete` rewrites the expected results
//! (review the diff before committing); other arguments filter files by name.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_sqllogictest::{Db, manifest_dir};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let complete = args.iter().any(|a| a == "--complete");
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let dir = manifest_dir().join("test_files");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "slt"))
            .filter(|p| {
                filters.is_empty()
                    || filters
                        .iter()
                        .any(|f| p.to_string_lossy().contains(f.as_str()))
            })
            .collect(),
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    let (mut files_ok, mut files_failed, mut records) = (0, 0, 0);
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match sqllogictest::parse_file::<sqllogictest::DefaultColumnType>(path) {
            Ok(r) => {
                records += r
                    .iter()
                    .filter(|r| {
                        matches!(
                            r,
                            sqllogictest::Record::Query { .. }
                                | sqllogictest::Record::Statement { .. }
                        )
                    })
                    .count()
            }
            Err(e) => {
                eprintln!("{name}: cannot parse: {e}");
                files_failed += 1;
                continue;
            }
        }
        let mut runner = sqllogictest::Runner::new(|| async { Db::new() });
        let result = if complete {
            futures::executor::block_on(runner.update_test_file(
                path,
                " ",
                sqllogictest::default_validator,
                sqllogictest::default_normalizer,
                sqllogictest::default_column_validator,
            ))
            .map_err(|e| e.to_string())
        } else {
            runner
                .run_file(path)
                .map_err(|e| e.display(true).to_string())
        };
        match result {
            Ok(()) => {
                files_ok += 1;
                println!("ok      {name}");
            }
            Err(e) => {
                files_failed += 1;
                println!("FAILED  {name}\n{e}");
            }
        }
    }
    println!(
        "sqllogictest: {} files: {files_ok} passed, {files_failed} failed; {records} records",
        files.len()
    );
    if files_failed == 0 && !files.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
