//! `wacr-sandbox`: the command line. Parses the options, opens (and on first start seeds) the
//! database, prints the tokens issued by this start on stdout, and serves until Ctrl-C.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use wacr_sandbox::store::tokens::TokenSpec;
use wacr_sandbox::{Config, DbPath, server, startup};

/// A local, stateful WA.cr API v2 server on SQLite, for offline development and CI.
#[derive(Debug, Parser)]
#[command(name = "wacr-sandbox", version)]
struct Cli {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// SQLite database file, created and seeded on first start; `:memory:` for a throwaway one.
    #[arg(long, default_value = "./wacr-sandbox.db")]
    db: String,
    /// An extra token for the main tenant, NAME:scope1,scope2 (NAME:* for every scope);
    /// repeatable; replaces an earlier token of the same name.
    #[arg(long = "token", value_name = "NAME:SCOPES")]
    tokens: Vec<TokenSpec>,
    /// Also seed a second tenant (a Free account without WhatsApp) with its own full token.
    #[arg(long)]
    second_tenant: bool,
    /// Requests per minute allowed to each token issued by this start.
    #[arg(long, value_name = "N", default_value_t = 60)]
    rate_limit: u32,
    /// WhatsApp templates fixture read by Sync Templates (default: the built-in one).
    #[arg(long, value_name = "FILE")]
    templates_fixture: Option<PathBuf>,
    /// Refused bearer tokens one client address may present per minute; past it, every request
    /// of the client gets 429 until the minute ends (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 10)]
    failed_logins_per_minute: u32,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let config = Config {
        bind: cli.bind,
        db: DbPath::parse(&cli.db),
        tokens: cli.tokens,
        second_tenant: cli.second_tenant,
        rate_limit_per_minute: i64::from(cli.rate_limit),
        templates_fixture: cli.templates_fixture,
        failed_logins_per_minute: cli.failed_logins_per_minute,
        ..Config::default()
    };
    match run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run(config: Config) -> wacr_sandbox::Result<()> {
    let started = startup::prepare_blocking(&config).await?;
    tracing::info!(db = %config.db, first_start = started.first_start, "database ready");
    for token in &started.issued {
        println!("token {} (tenant {}): {}", token.name, token.tenant_id, token.token);
    }
    if !started.first_start && started.issued.is_empty() {
        tracing::info!("existing database: its tokens were printed when they were issued; --token NAME:* issues a new one");
    }
    let running = server::serve(started, config).await?;
    println!("listening on {}", running.base_url());
    running.until_ctrl_c().await.map_err(wacr_sandbox::Error::Serve)
}
