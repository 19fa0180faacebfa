//! Server glue overhead: `GET /contacts/{id}?include=groups,source,status` through the
//! generated router against a hand-written axum handler serving the same JSON from the same
//! in-memory contacts, both on 127.0.0.1 in the same process, loaded alternately by the same
//! generator (one runtime worker for the servers, one for the load). A second pair of rows
//! calls both routers in process, without sockets, for the glue's own CPU cost per request.
//! A last row times a Batch Create of 20,000 invalid items in process: the validation and its
//! capped 422 must cost well under 100 ms.

use anyhow::anyhow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use tower_service::Service;

use crate::contacts::{self, Store, TOKEN};
use crate::load::{self, Plan};
use crate::table::Row;
use crate::{Settings, alternate, callgrind, runtime, serve, stats};

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let server = runtime(1);
    let driver = runtime(1);
    let store = Store::new();
    let addrs = [serve(&server, contacts::generated_router(Arc::clone(&store)))?, serve(&server, contacts::hand_router(Arc::clone(&store)))?];
    same_json(&driver, addrs)?;
    let plan = Plan { connections: settings.connections(), duration: settings.round(), max_requests: settings.max_requests(), rate: None };
    let request = |side: usize| -> load::MakeRequest {
        let addr = addrs[side];
        Arc::new(move |n| load::get(addr, &contacts::path(n), TOKEN))
    };
    let peak = alternate(settings, 2, |side| driver.block_on(load::run(addrs[side], plan, request(side))))?;
    let throughput_ratio = peak.throughput_ratio(0, 1);
    let mut peak = peak.totals;
    let (generated_rps, hand_rps) = (peak[0].per_second(), peak[1].per_second());
    let (_, g99_peak) = peak[0].p50_p99();
    let (_, h99_peak) = peak[1].p50_p99();
    // Latency at the same offered load, below either server's peak: half the slower one's.
    let rate = generated_rps.min(hand_rps) / 2.0;
    let paced = Plan { rate: Some(rate), ..plan };
    let paced = alternate(settings, 2, |side| driver.block_on(load::run(addrs[side], paced, request(side))))?;
    let p99_ratio = paced.p99_ratio(0, 1);
    let mut totals = paced.totals;
    let (g50, g99) = totals[0].p50_p99();
    let (h50, h99) = totals[1].p50_p99();
    let what = "server glue: GET /contacts/{id}?include=groups,source,status, generated router";
    let conns = settings.connections();
    let [generated_cpu, hand_cpu] = in_process(settings, &store)?;
    Ok(vec![
        Row::new(
            format!("{what}: peak throughput ({conns} connections back to back; p99 there)"),
            format!("{} ({})", stats::rate(generated_rps), stats::duration(g99_peak)),
        )
        .compared(format!("hand-written axum handler {} ({})", stats::rate(hand_rps), stats::duration(h99_peak)))
        .ratio(throughput_ratio)
        .target("≥ 0.90", throughput_ratio >= 0.90),
        Row::new(
            format!("{what}: latency p99 (p50) at the same offered load, {} over {conns} connections (ratio: median of the rounds' p99 ratios)", stats::rate(rate)),
            format!("{} ({})", stats::duration(g99), stats::duration(g50)),
        )
        .compared(format!("hand-written {} ({})", stats::duration(h99), stats::duration(h50)))
            .ratio(p99_ratio)
            .target("≤ 1.15", p99_ratio <= 1.15),
        Row::new("server glue, same request in process (no sockets): time per request", stats::duration(generated_cpu))
            .compared(format!("hand-written {}", stats::duration(hand_cpu)))
            .ratio(generated_cpu.as_secs_f64() / hand_cpu.as_secs_f64().max(1e-12)),
        match instructions(settings)? {
            Some([generated, hand]) => {
                Row::new("server glue, same request in process: instructions per request (callgrind; not moved by load)", callgrind::thousands(generated))
                    .compared(format!("hand-written {}", callgrind::thousands(hand)))
                    .ratio(generated / hand)
            }
            None => Row::new("server glue, instructions per request (callgrind)", "skipped: valgrind is not installed"),
        },
        invalid_batch(settings, &store)?,
    ])
}

/// Items of the invalid batch.
const INVALID_ITEMS: usize = 20_000;

/// Median time of a Batch Create of [`INVALID_ITEMS`] empty items (each missing its required
/// fields) through the generated router in process, to its answer (each item failed on its
/// own, the first 100 listed); the answer's size alongside.
fn invalid_batch(settings: &Settings, store: &Arc<Store>) -> anyhow::Result<Row> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    let mut router = contacts::generated_router(Arc::clone(store));
    let items = vec![serde_json::json!({}); INVALID_ITEMS];
    let body = bytes::Bytes::from(serde_json::to_vec(&serde_json::json!({"contacts": items}))?);
    let mut times = Vec::new();
    let mut answer = 0;
    for _ in 0..if settings.quick { 3 } else { 15 } {
        let request = axum::http::Request::post("/contacts/batch")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.clone()))
            .map_err(|e| anyhow!("{e}"))?;
        let started = Instant::now();
        let (status, bytes) = rt.block_on(send(&mut router, request))?;
        times.push(started.elapsed());
        if status != 200 {
            return Err(anyhow!("the invalid batch answered {status}: {}", String::from_utf8_lossy(&bytes)));
        }
        answer = bytes.len();
    }
    let time = stats::median(&times);
    let row = Row::new(format!("server glue: Batch Create of {INVALID_ITEMS} invalid items ({} KB), in process: time to the answer (200, every item failed, {answer} bytes: 100 listed)", body.len() / 1000), stats::duration(time));
    Ok(row.target("< 100 ms", time < Duration::from_millis(100)))
}

/// Median time per request of each router called directly (a current-thread runtime, one
/// request at a time), over alternating batches.
fn in_process(settings: &Settings, store: &Arc<Store>) -> anyhow::Result<[Duration; 2]> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    let mut routers = [contacts::generated_router(Arc::clone(store)), contacts::hand_router(Arc::clone(store))];
    per_request(settings, &rt, &mut routers, if settings.quick { 2_000 } else { 20_000 })
}

/// Median time per request of each of two routers called directly on `rt`, `batch` requests
/// one at a time, over alternating batches.
pub(crate) fn per_request(settings: &Settings, rt: &tokio::runtime::Runtime, routers: &mut [axum::Router; 2], batch: u64) -> anyhow::Result<[Duration; 2]> {
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for round in 0..=settings.rounds() {
        for side in [round % 2, 1 - round % 2] {
            let started = Instant::now();
            for n in 0..batch {
                rt.block_on(call(&mut routers[side], n))?;
            }
            if round > 0 {
                times[side].push(started.elapsed() / batch as u32);
            }
        }
    }
    Ok([stats::median(&times[0]), stats::median(&times[1])])
}

/// `n` requests through one side's router (`generated` or `hand`), one at a time, in process:
/// what `wacr-bench calls glue SIDE N` runs under callgrind.
pub fn calls(side: &str, n: u64) -> anyhow::Result<()> {
    let store = Store::new();
    let mut router = match side {
        "generated" => contacts::generated_router(Arc::clone(&store)),
        // What the optional duties cost: no per-token limit, no request or body read timeout.
        "generated-unlimited" => {
            let config = wacr_server::Config::default().without_rate_limit().with_request_timeout(None).with_body_read_timeout(None);
            contacts::generated_router_with(Arc::clone(&store), config)
        }
        "hand" => contacts::hand_router(Arc::clone(&store)),
        other => return Err(anyhow!("unknown side `{other}` (generated, generated-unlimited, hand)")),
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    for i in 0..n {
        rt.block_on(call(&mut router, i)).map_err(|e| anyhow!("request {i}: {e}"))?;
    }
    Ok(())
}

/// Instructions per request of each side under callgrind (`None` without valgrind).
fn instructions(settings: &Settings) -> anyhow::Result<Option<[f64; 2]>> {
    let Some(generated) = callgrind::per_call("glue", "generated", settings.quick)? else { return Ok(None) };
    let Some(hand) = callgrind::per_call("glue", "hand", settings.quick)? else { return Ok(None) };
    Ok(Some([generated, hand]))
}

pub async fn call(router: &mut axum::Router, n: u64) -> anyhow::Result<()> {
    let request = axum::http::Request::get(contacts::path(n))
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(axum::body::Body::empty())
        .map_err(|e| anyhow!("{e}"))?;
    let (status, body) = send(router, request).await?;
    if !(200..300).contains(&status) {
        return Err(anyhow!("in-process call answered {status}: {}", String::from_utf8_lossy(&body)));
    }
    Ok(())
}

/// One request through `router` in process: the status and the whole body.
async fn send(router: &mut axum::Router, request: axum::http::Request<axum::body::Body>) -> anyhow::Result<(u16, bytes::Bytes)> {
    std::future::poll_fn(|cx| Service::<axum::http::Request<axum::body::Body>>::poll_ready(router, cx)).await.map_err(|e| anyhow!("{e}"))?;
    let response = router.call(request).await.map_err(|e| anyhow!("{e}"))?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.map_err(|e| anyhow!("{e}"))?.to_bytes();
    Ok((status, body))
}

/// Both servers must answer the same JSON, or the comparison means nothing.
fn same_json(driver: &tokio::runtime::Runtime, addrs: [std::net::SocketAddr; 2]) -> anyhow::Result<()> {
    let mut bodies = Vec::new();
    for addr in addrs {
        let (status, body) = driver.block_on(load::once(addr, load::get(addr, &contacts::path(0), TOKEN)))?;
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| anyhow!("{addr} answered {status} with no JSON: {e}"))?;
        bodies.push((status, json));
    }
    if bodies[0] != bodies[1] {
        return Err(anyhow!("the generated and hand-written servers answer differently:\n{:?}\n{:?}", bodies[0], bodies[1]));
    }
    Ok(())
}
