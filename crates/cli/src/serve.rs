//! `detente serve`: the HTTP API and the dashboard.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use detente_server::{AppState, ServerConfig, token};

use crate::args::RunConfig;
use crate::commands::Outcome;

/// Arguments of `detente serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Reads need the bearer token too (writes always do).
    #[arg(long)]
    pub closed_reads: bool,
    /// Let `POST /api/v1/ingest` read event files under this folder (off without it).
    #[arg(long, value_name = "DIR")]
    pub ingest_root: Option<PathBuf>,
    /// Allow browsers on this origin to call the API (CORS); repeat for more. Off by default.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Rows a SQL answer holds at most.
    #[arg(long, default_value_t = 10_000)]
    pub sql_max_rows: usize,
    /// Seconds a SQL query may run.
    #[arg(long, default_value_t = 10.0)]
    pub sql_seconds: f64,
    /// Seconds any request may take.
    #[arg(long, default_value_t = 30.0)]
    pub request_seconds: f64,
    /// Make a new write token (the old one stops working) and exit.
    #[arg(long)]
    pub rotate_token: bool,
}

fn seconds(name: &str, v: f64) -> Result<Duration> {
    if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
        bail!("--{name} must be a number of seconds between 0 and 86400");
    }
    Ok(Duration::from_secs_f64(v))
}

/// Runs `detente serve` until Ctrl-C or SIGTERM.
pub fn serve(cfg: &RunConfig, args: &ServeArgs, out: &mut dyn Write) -> Result<Outcome> {
    std::fs::create_dir_all(&cfg.store)
        .with_context(|| format!("creating the store folder {}", cfg.store.display()))?;
    let token_file = token::path(&cfg.store);
    if args.rotate_token {
        token::rotate(&token_file).with_context(|| format!("writing {}", token_file.display()))?;
        writeln!(out, "new write token in {}", token_file.display())?;
        return Ok(Outcome::Answered);
    }
    let mut config = ServerConfig::new(&cfg.store);
    config.closed_reads = args.closed_reads;
    config.cors_origins = args.cors_origins.clone();
    config.sql_max_rows = args.sql_max_rows.max(1);
    config.sql_time_limit = seconds("sql-seconds", args.sql_seconds)?;
    config.request_timeout = seconds("request-seconds", args.request_seconds)?;
    if let Some(root) = &args.ingest_root {
        if !root.is_dir() {
            bail!("--ingest-root {}: not a folder", root.display());
        }
        config.ingest_root = Some(root.clone());
    }
    let (secret, made) = token::load_or_create(&token_file)
        .with_context(|| format!("reading the write token {}", token_file.display()))?;
    let state = AppState::open(config, secret)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let addr = listener.local_addr()?;
        eprintln!("detente: dashboard at http://{addr}/  API at http://{addr}/api/v1  docs at http://{addr}/api/docs");
        eprintln!(
            "detente: writes need the bearer token in {}{}",
            token_file.display(),
            if made { " (made now)" } else { "" }
        );
        detente_server::serve(listener, state, detente_server::shutdown_signal())
            .await
            .context("serving")
    })?;
    eprintln!("detente: stopped");
    Ok(Outcome::Answered)
}
