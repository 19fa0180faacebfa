//! End-to-end test support: a sandbox started in-process on 127.0.0.1:0 over a temp SQLite
//! file, the generated client pointed at it (retries off, so every error is seen as sent), and
//! raw HTTP for what the client hides (status lines, headers, envelopes).

#![allow(dead_code)]

pub mod prerequisites;

use std::path::PathBuf;

use serde_json::Value;
use wacr_client::{Client, Error, RetryPolicy};
use wacr_sandbox::seed::TenantSeed;
use wacr_sandbox::store::messages::DeliverySimulation;
use wacr_sandbox::store::tokens::TokenSpec;
use wacr_sandbox::{Config, Running};

/// A running sandbox and its clients.
pub struct Sandbox {
    pub running: Running,
    /// The primary tenant's full-scope client.
    pub client: Client,
    /// The second tenant's full-scope client.
    pub other: Client,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
    /// Where its database is (a file in `dir`, or a PostgreSQL schema).
    pub db: wacr_sandbox::DbPath,
}

/// What a test may change before the start.
pub struct Options {
    pub primary: TenantSeed,
    pub tokens: Vec<&'static str>,
    pub rate_limit: i64,
    pub delivery: DeliverySimulation,
    pub templates_fixture: Option<PathBuf>,
    /// Also seed the records the docs' examples name (`--example-data`).
    pub example_data: bool,
    /// The router's bounds (timeouts, limits).
    pub server: wacr_server::Config,
    /// Where change events go.
    pub webhooks: wacr_sandbox::webhooks::Settings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            primary: TenantSeed::primary(10_000),
            tokens: vec!["reader:contacts:read", "noscope:"],
            rate_limit: 10_000,
            delivery: DeliverySimulation { delivered_after_secs: 1, read_after_secs: 2 },
            templates_fixture: None,
            example_data: false,
            server: wacr_server::Config::default(),
            webhooks: wacr_sandbox::webhooks::Settings::default(),
        }
    }
}

pub async fn start() -> Sandbox {
    start_with(Options::default()).await
}

pub async fn start_with(options: Options) -> Sandbox {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = wacr_sandbox::db::test_database(dir.path().join("sandbox.db"));
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        db: db.clone(),
        tokens: options.tokens.iter().map(|t| t.parse::<TokenSpec>().unwrap()).collect(),
        second_tenant: true,
        rate_limit_per_minute: options.rate_limit,
        templates_fixture: options.templates_fixture,
        delivery: options.delivery,
        primary: options.primary,
        example_data: options.example_data,
        server: options.server,
        webhooks: options.webhooks,
        ..Config::default()
    };
    let running = wacr_sandbox::spawn(config).await.expect("sandbox starts");
    // the workspace builds reqwest without a default TLS provider; the tests speak plain HTTP
    #[allow(deprecated)] // ring, as the client uses (runtime/src/client/builder.rs says why)
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = client(&running, running.token("default").unwrap());
    let other = client_for(&running.base_url(), running.token("second").unwrap());
    Sandbox { client, other, http: reqwest::Client::new(), running, dir, db }
}

/// A client of `running` with `token`, without retries.
pub fn client(running: &Running, token: &str) -> Client {
    client_for(&running.base_url(), token)
}

pub fn client_for(base_url: &str, token: &str) -> Client {
    Client::builder().base_url(base_url).token(token).retry(RetryPolicy::disabled()).build().expect("client")
}

impl Sandbox {
    pub fn token(&self, name: &str) -> &str {
        self.running.token(name).unwrap_or_else(|| panic!("no token {name}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url())
    }

    /// A raw request with the default token; returns status, headers and JSON body.
    pub async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Raw {
        self.raw_as(self.token("default"), method, path, body).await
    }

    pub async fn raw_as(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> Raw {
        let mut request = self.http.request(method.parse().unwrap(), self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        Raw::from(request.send().await.expect("request")).await
    }

    /// The primary tenant's first source and status ids.
    pub async fn source_and_status(&self) -> (i64, i64) {
        let s = self.raw("GET", "/sources?sort=created_at", None).await;
        let t = self.raw("GET", "/statuses?sort=created_at", None).await;
        (s.json["data"][0]["id"].as_i64().unwrap(), t.json["data"][0]["id"].as_i64().unwrap())
    }

    /// Creates a contact of the primary tenant over HTTP; returns its JSON.
    pub async fn contact(&self, phone: &str) -> Value {
        let (source, status) = self.source_and_status().await;
        let body = serde_json::json!({"firstname": "Jane", "lastname": "Doe", "phone": phone, "type": "lead", "source_id": source, "status_id": status});
        let reply = self.raw("POST", "/contacts", Some(body)).await;
        assert_eq!(reply.status, 201, "{}", reply.json);
        reply.json["data"].clone()
    }

    /// Runs SQL on the sandbox's database: the sandbox has no API for some states
    /// (opt-out, time passing), so tests set them directly.
    pub fn sql(&self, sql: &str) {
        self.running.db.with(|conn| conn.execute_batch(sql)).expect("sql");
    }
}

/// One raw response.
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

impl Raw {
    async fn from(response: reqwest::Response) -> Raw {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Raw { status, headers, json: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the error envelope with `status` and `code`.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.json);
        assert_eq!(self.json["success"], false, "{}", self.json);
        assert_eq!(self.json["error"]["code"], code, "{}", self.json);
    }
}

/// The status and wire code of a client error.
pub fn code_of<E: wacr_client::models::WireEnum>(error: &Error<E>) -> (u16, String) {
    match error {
        Error::Api(api) => {
            let code = match &api.code {
                wacr_client::models::Open::Known(known) => known.as_str().to_owned(),
                wacr_client::models::Open::Unknown(text) => text.clone(),
            };
            (api.status, code)
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Asserts a client result is the API error `status`/`code`; returns the error.
pub fn expect_error<T: std::fmt::Debug, E: wacr_client::models::WireEnum>(result: Result<T, Error<E>>, status: u16, code: &str) -> wacr_client::ApiError<E> {
    match result {
        Ok(value) => panic!("expected {status} {code}, got {value:?}"),
        Err(error) => {
            assert_eq!(code_of(&error), (status, code.to_owned()), "{error:?}");
            match error {
                Error::Api(api) => *api,
                _ => unreachable!(),
            }
        }
    }
}
