//! Client overhead: the generated client's `contacts().get(id, include all)` against raw
//! reqwest + serde_json making the same call and decoding the same `Contact`, both against the
//! hand-written server (the cheapest, so the client's share shows), alternating rounds.

use anyhow::anyhow;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::Deserialize;
use wacr_client::Client;
use wacr_client::models::{Contact, ContactInclude, GetContactError, GetContactQuery};

use crate::contacts::{self, CONTACTS, Store, TOKEN};
use crate::load::{Outcome, Plan};
use crate::table::Row;
use crate::{Settings, alternate, callgrind, runtime, serve, stats};

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let server = runtime(1);
    let driver = runtime(1);
    let addr = serve(&server, contacts::hand_router(Store::new()))?;
    let base = format!("http://{addr}");
    // The generated client's builder installs ring as the rustls provider, which the raw
    // reqwest client (built without a provider of its own) needs too: build it first.
    let generated = Arc::new(
        Client::builder().base_url(base.clone()).token(TOKEN).build().map_err(|e| anyhow!("client: {e}"))?,
    );
    let raw = raw_client()?;
    let query = all_includes();
    let plan = Plan { connections: settings.connections(), duration: settings.round(), max_requests: settings.max_requests(), rate: None };
    let rounds = alternate(settings, 2, |side| {
        if side == 0 {
            let (client, query) = (Arc::clone(&generated), query.clone());
            driver.block_on(drive(plan, move |n| {
                let (client, query) = (Arc::clone(&client), query.clone());
                async move { client.contacts().get(id(n), query).await.map(|_| ()).map_err(|e| anyhow!("{e}")) }
            }))
        } else {
            let (http, base) = (raw.clone(), base.clone());
            driver.block_on(drive(plan, move |n| raw_get(http.clone(), format!("{base}/contacts/{}?include=groups,source,status", id(n)))))
        }
    })?;
    let ratio = rounds.throughput_ratio(0, 1);
    let mut totals = rounds.totals;
    let (generated_rps, raw_rps) = (totals[0].per_second(), totals[1].per_second());
    let (g50, g99) = totals[0].p50_p99();
    let (r50, r99) = totals[1].p50_p99();
    Ok(vec![
        Row::new(
            format!("client: generated `contacts().get(id, include all)`, {} tasks, against the hand-written server", settings.connections()),
            format!("{} (p99 {}, p50 {})", stats::rate(generated_rps), stats::duration(g99), stats::duration(g50)),
        )
        .compared(format!("raw reqwest (same timeout, user agent and Accept) + serde_json {} (p99 {}, p50 {})", stats::rate(raw_rps), stats::duration(r99), stats::duration(r50)))
        .ratio(ratio)
        .target("≥ 0.95", ratio >= 0.95),
        instructions_row(settings)?,
    ])
}

/// `n` calls of the row's request, one at a time, against the hand-written server in the same
/// process, by one side: the generated client (`generated`), its transport alone with a
/// ready-made call (`transport`: the difference to `generated` is the generated layer), or raw
/// reqwest + serde_json (`raw`). What `wacr-bench calls client SIDE N` runs under callgrind.
pub fn calls(side: &str, n: u64) -> anyhow::Result<()> {
    if !["generated", "transport", "raw"].contains(&side) {
        return Err(anyhow!("unknown side `{side}` (generated, transport, raw)"));
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| anyhow!("{e}"))?;
        let base = format!("http://{}", listener.local_addr().map_err(|e| anyhow!("{e}"))?);
        tokio::spawn(async move { axum::serve(listener, contacts::hand_router(Store::new())).await });
        let transport = Client::builder().base_url(base.clone()).token(TOKEN).build_transport().map_err(|e| anyhow!("client: {e}"))?;
        let client = Client::from_transport(transport.clone());
        let raw = raw_client()?;
        let query = all_includes();
        for i in 0..n {
            let id = id(i);
            let result = match side {
                "generated" => client.contacts().get(id, query.clone()).await.map(drop).map_err(|e| anyhow!("{e}")),
                "transport" => {
                    let call = wacr_runtime::client::Call {
                        operation_id: "get_contact",
                        method: wacr_runtime::Method::Get,
                        path: format!("/contacts/{id}"),
                        query: vec![("include".into(), "groups,source,status".into())],
                        body: wacr_runtime::client::Body::Empty,
                        shape: wacr_runtime::client::Shape::Data,
                        sends_message: false,
                    };
                    transport.send::<Contact, GetContactError>(call).await.map(drop).map_err(|e| anyhow!("{e}"))
                }
                _ => raw_get(raw.clone(), format!("{base}/contacts/{id}?include=groups,source,status")).await,
            };
            result.map_err(|e| anyhow!("call {i}: {e}"))?;
        }
        Ok(())
    })
}

fn all_includes() -> GetContactQuery {
    let mut query = GetContactQuery::default();
    for include in [ContactInclude::Groups, ContactInclude::Source, ContactInclude::Status] {
        query.include.insert(include);
    }
    query
}

/// The raw side: reqwest with the generated client's default per-request timeout (30 s) and
/// user agent, so that both sides make the same calls (a timeout arms a timer per request:
/// about 2,400 instructions of each call, `examples/client_calls.rs`) and send the same
/// request (the server's share of the row is then the same on both sides).
pub fn raw_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .user_agent(RAW_USER_AGENT)
        .build()
        .map_err(|e| anyhow!("reqwest: {e}"))
}

/// The generated client's default user agent, which `raw_client` sends too.
const RAW_USER_AGENT: &str = concat!("wacr-client/", env!("CARGO_PKG_VERSION"));

/// Instructions per call of each side under callgrind, client and server together (the
/// server's share is the same on every side).
fn instructions_row(settings: &Settings) -> anyhow::Result<Row> {
    let what = "client: instructions per call, client and server in one process (callgrind; not moved by load)";
    let mut counts = Vec::new();
    for side in ["generated", "transport", "raw"] {
        match callgrind::per_call("client", side, settings.quick)? {
            Some(count) => counts.push(count),
            None => return Ok(Row::new(what, "skipped: valgrind is not installed")),
        }
    }
    let [generated, transport, raw] = counts[..] else { unreachable!("three sides") };
    Ok(Row::new(what, format!("{} (its transport alone {})", callgrind::thousands(generated), callgrind::thousands(transport)))
        .compared(format!("raw reqwest + serde_json {}", callgrind::thousands(raw)))
        .ratio(raw / generated))
}

fn id(n: u64) -> i64 {
    (n % CONTACTS as u64) as i64 + 1
}

#[derive(Deserialize)]
struct Envelope {
    #[allow(dead_code)]
    data: Contact,
}

pub async fn raw_get(http: reqwest::Client, url: String) -> anyhow::Result<()> {
    let response = http
        .get(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| anyhow!("{e}"))?;
    if !status.is_success() {
        return Err(anyhow!("{status}: {}", String::from_utf8_lossy(&body)));
    }
    serde_json::from_slice::<Envelope>(&body).map(|_| ()).map_err(|e| anyhow!("{e}"))
}

/// `plan.connections` tasks calling `call` back to back until the time or count bound.
async fn drive<F, Fut>(plan: Plan, call: F) -> anyhow::Result<Outcome>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let call = Arc::new(call);
    let tickets = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + plan.duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..plan.connections.max(1) {
        let (call, tickets) = (Arc::clone(&call), Arc::clone(&tickets));
        tasks.spawn(async move {
            let mut out = Outcome::default();
            while Instant::now() < deadline {
                let n = tickets.fetch_add(1, Ordering::Relaxed);
                if n >= plan.max_requests {
                    break;
                }
                let began = Instant::now();
                let result = call(n).await;
                out.latencies.push(began.elapsed());
                match result {
                    Ok(()) => out.ok += 1,
                    Err(e) => {
                        out.failed += 1;
                        out.first_failure.get_or_insert(e.to_string());
                    }
                }
            }
            out
        });
    }
    let mut total = Outcome::default();
    while let Some(joined) = tasks.join_next().await {
        total.merge(joined.map_err(|e| anyhow!("client task failed: {e}"))?);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}
