//! `wacr-sandbox`: the command line. Parses the options, opens (and on first start seeds) the
//! database, prints the tokens issued by this start (the admin token among them) on stdout, and
//! serves until Ctrl-C.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use wacr_sandbox::faults::{self, NewRule};
use wacr_sandbox::store::tokens::TokenSpec;
use wacr_sandbox::webhooks::{self, Secret, SettingError};
use wacr_sandbox::{Config, DbPath, server, startup};
use wacr_server::{OnError, RateLimitStore};

/// A local, stateful WA.cr API v2 server on SQLite, for offline development and CI.
#[derive(Debug, Parser)]
#[command(name = "wacr-sandbox", version)]
struct Cli {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// SQLite database file, created and seeded on first start; `:memory:` for a throwaway one;
    /// or a PostgreSQL database, `postgres://USER:PASSWORD@HOST:PORT/DB`, which any number of
    /// sandboxes can share (run them with one `--rate-limit-store redis://…` too).
    #[arg(long, default_value = "./wacr-sandbox.db")]
    db: String,
    /// An extra token for the main tenant, NAME:scope1,scope2 (NAME:* for every scope);
    /// repeatable; replaces an earlier token of the same name.
    #[arg(long = "token", value_name = "NAME:SCOPES")]
    tokens: Vec<TokenSpec>,
    /// Also seed a second tenant (a Free account without WhatsApp) with its own full token.
    #[arg(long)]
    second_tenant: bool,
    /// Requests per minute allowed to every token (tokens of earlier starts with another limit
    /// get this one, with a warning).
    #[arg(long, value_name = "N", default_value_t = 60)]
    rate_limit: u32,
    /// On a first start, also seed the records the API reference's examples name (contact 1,
    /// group 1, message 5021, ...), so that its curl commands and Rust snippets succeed.
    #[arg(long)]
    example_data: bool,
    /// WhatsApp templates fixture read by Sync Templates (default: the built-in one).
    #[arg(long, value_name = "FILE")]
    templates_fixture: Option<PathBuf>,
    /// Refused bearer tokens one client address may present per minute; past it, every request
    /// of the client gets 429 until the minute ends (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 10)]
    failed_logins_per_minute: u32,
    #[command(flatten)]
    bounds: Bounds,
    #[command(flatten)]
    webhooks: Webhooks,
    #[command(flatten)]
    limits: LimitStore,
    #[command(flatten)]
    faults: FaultFlags,
}

/// Where the limits are counted.
#[derive(Debug, clap::Args)]
struct LimitStore {
    /// Where the per-token, failed-login and OTP limits are counted: `memory`, or
    /// `redis://HOST:PORT` (shared by every sandbox on that Redis).
    #[arg(long, value_name = "STORE", default_value = "memory")]
    rate_limit_store: RateLimitStore,
    /// When Redis does not answer in time: `open` lets the request through, `closed` answers 503.
    #[arg(long, value_name = "open|closed", default_value = "open")]
    rate_limit_on_error: OnError,
    /// The longest wait for one answer from Redis.
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = webhooks::parse_duration)]
    rate_limit_timeout: Duration,
}

impl LimitStore {
    fn store(self) -> RateLimitStore {
        match self.rate_limit_store {
            RateLimitStore::Redis(settings) => {
                RateLimitStore::Redis(settings.with_on_error(self.rate_limit_on_error).with_timeout(self.rate_limit_timeout))
            }
            memory => memory,
        }
    }
}

/// Fault rules in force from the start (more can be added at `/_sandbox/faults`).
#[derive(Debug, clap::Args)]
struct FaultFlags {
    /// A YAML list of fault rules (JSON when the name ends in .json), each as
    /// POST /_sandbox/faults takes it; checked before the start. They replace the rules the
    /// database holds (which every sandbox on it shares).
    #[arg(long = "faults", value_name = "FILE", value_parser = fault_file)]
    file: Option<FaultFile>,
    /// Seeds the generators of the probability rules: the same seed fires on the same calls.
    #[arg(long = "fault-seed", value_name = "N", default_value_t = 0)]
    seed: u64,
}

/// The rules of `--faults`.
#[derive(Clone, Debug)]
struct FaultFile(Vec<NewRule>);

fn fault_file(path: &str) -> Result<FaultFile, faults::file::FileError> {
    faults::file::load(Path::new(path)).map(FaultFile)
}

/// Where change events (contact, source and status created, updated, deleted) are delivered.
#[derive(Debug, clap::Args)]
struct Webhooks {
    /// POST every event here, signed per Standard Webhooks; repeatable.
    #[arg(long = "webhook-url", value_name = "URL")]
    urls: Vec<String>,
    /// The signing secret, whsec_ + base64 [default: the one kept in the database, generated
    /// on the first start without this flag; printed at start as `webhook secret: whsec_…`].
    #[arg(long = "webhook-secret", value_name = "whsec_…")]
    secret: Option<Secret>,
    /// Waits between the attempts of a delivery that failed (non-2xx, timeout, no connection);
    /// after the last one the delivery is kept as failed.
    #[arg(long = "webhook-retry", value_name = "WAITS", default_value = webhooks::DEFAULT_RETRY, value_parser = schedule)]
    retry: Schedule,
    /// How long one delivery attempt may take.
    #[arg(long = "webhook-timeout", value_name = "DURATION", default_value = "10s", value_parser = webhooks::parse_duration)]
    timeout: Duration,
}

/// The waits of `--webhook-retry`.
#[derive(Clone, Debug)]
struct Schedule(Vec<Duration>);

fn schedule(text: &str) -> Result<Schedule, SettingError> {
    webhooks::parse_schedule(text).map(Schedule)
}

impl Webhooks {
    fn settings(self) -> webhooks::Settings {
        webhooks::Settings { urls: self.urls, secret: self.secret, retry: self.retry.0, timeout: self.timeout, ..webhooks::Settings::default() }
    }
}

/// The bounds of the server; each defaults to the generated router's `Config` default.
#[derive(Debug, clap::Args)]
struct Bounds {
    /// Seconds a request may take, body read included, before a 408 [default: 30; 0: none].
    #[arg(long, value_name = "SECS")]
    request_timeout: Option<u64>,
    /// Seconds to wait for the next chunk of a request body before a 408 [default: 10; 0: none].
    #[arg(long, value_name = "SECS")]
    body_read_timeout: Option<u64>,
    /// Seconds to wait for a request's headers before closing the connection [default: 10; 0: none].
    #[arg(long, value_name = "SECS")]
    header_read_timeout: Option<u64>,
    /// Requests handled at once; further ones wait [default: 256].
    #[arg(long, value_name = "N")]
    concurrency_limit: Option<usize>,
    /// Largest JSON body, in bytes [default: 1 MiB].
    #[arg(long, value_name = "BYTES")]
    json_limit: Option<usize>,
    /// Largest multipart body, in bytes [default: the largest files the spec allows, plus room].
    #[arg(long, value_name = "BYTES")]
    upload_limit: Option<usize>,
    /// Bytes of uploads held in memory at once, over all requests [default: 256 MiB].
    #[arg(long, value_name = "BYTES")]
    upload_memory: Option<usize>,
    /// Fields a validation error reports at most [default: 100].
    #[arg(long, value_name = "N")]
    max_field_errors: Option<usize>,
}

impl Bounds {
    /// The router settings: the defaults, with what was given.
    fn server(&self) -> wacr_server::Config {
        let mut c = wacr_server::Config::default();
        let seconds = |s: u64| (s > 0).then(|| Duration::from_secs(s));
        c.request_timeout = self.request_timeout.map_or(c.request_timeout, seconds);
        c.body_read_timeout = self.body_read_timeout.map_or(c.body_read_timeout, seconds);
        c.header_read_timeout = self.header_read_timeout.map_or(c.header_read_timeout, seconds);
        c.concurrency_limit = self.concurrency_limit.unwrap_or(c.concurrency_limit);
        c.json_limit = self.json_limit.unwrap_or(c.json_limit);
        c.upload_limit = self.upload_limit.or(c.upload_limit);
        c.upload_memory = self.upload_memory.unwrap_or(c.upload_memory);
        c.max_field_errors = self.max_field_errors.unwrap_or(c.max_field_errors);
        c
    }
}

fn main() -> ExitCode {
    // `wacr_runtime=debug`: the router's event closing each request is the request log.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,wacr_runtime=debug")))
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
        example_data: cli.example_data,
        server: cli.bounds.server(),
        failed_logins_per_minute: cli.failed_logins_per_minute,
        webhooks: cli.webhooks.settings(),
        rate_limit_store: cli.limits.store(),
        faults: cli.faults.file.map(|file| file.0).unwrap_or_default(),
        fault_seed: cli.faults.seed,
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
    println!("admin token: {}", started.admin_token);
    if config.webhooks.secret.is_none() {
        println!("webhook secret: {}", started.webhook_secret.expose());
    }
    let running = server::serve(started, config).await?;
    println!("listening on {}", running.base_url());
    running.until_ctrl_c().await.map_err(wacr_sandbox::Error::Serve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_flags_set_the_router_config_and_the_rest_keep_its_defaults() {
        let cli = Cli::try_parse_from(["wacr-sandbox", "--request-timeout", "0", "--header-read-timeout", "3", "--concurrency-limit", "4", "--max-field-errors", "7"]).unwrap();
        let (server, default) = (cli.bounds.server(), wacr_server::Config::default());
        assert_eq!((server.request_timeout, server.header_read_timeout), (None, Some(Duration::from_secs(3))));
        assert_eq!((server.concurrency_limit, server.max_field_errors), (4, 7));
        assert_eq!((server.body_read_timeout, server.json_limit, server.upload_memory), (default.body_read_timeout, default.json_limit, default.upload_memory));
    }

    #[test]
    fn webhook_flags_set_the_settings() {
        let secret = Secret::generate();
        let args = ["wacr-sandbox", "--webhook-url", "http://a/", "--webhook-url", "http://b/", "--webhook-secret", secret.expose(), "--webhook-retry", "1s,2m", "--webhook-timeout", "500ms"];
        let settings = Cli::try_parse_from(args).unwrap().webhooks.settings();
        assert_eq!(settings.urls, ["http://a/", "http://b/"]);
        assert_eq!(settings.secret, Some(secret));
        assert_eq!((settings.retry, settings.timeout), (vec![Duration::from_secs(1), Duration::from_secs(120)], Duration::from_millis(500)));
        let defaults = Cli::try_parse_from(["wacr-sandbox"]).unwrap().webhooks.settings();
        assert_eq!((defaults.secret, defaults.retry, defaults.timeout), (None, webhooks::Settings::default().retry, Duration::from_secs(10)));
        assert!(Cli::try_parse_from(["wacr-sandbox", "--webhook-secret", "nope"]).is_err());
        assert!(Cli::try_parse_from(["wacr-sandbox", "--webhook-retry", "1s,later"]).is_err());
    }
}
