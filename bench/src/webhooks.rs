//! Webhook delivery: 1,000 contact creates (8 keep-alive connections, back to back) against
//! wacr-sandbox in process on a file database, delivering to one receiver on 127.0.0.1 that
//! verifies each request with the `standardwebhooks` crate. The row gives the events per second
//! from the first commit to the last receipt, and the p50/p99 from each change's commit (the
//! outbox row's time, taken in the writing transaction just before its commit) to its receipt
//! (the receiver's clock: the same machine's).

use anyhow::anyhow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use wacr_sandbox::DbPath;
use wacr_sandbox::webhooks::{Secret, queue};

use crate::load::{self, Plan};
use crate::sandbox::{CONNECTIONS, config, creates, thousands};
use crate::stats::{self, Latencies};
use crate::table::Row;
use crate::{Settings, runtime, serve};

/// The creates of the row.
const CREATES: u64 = 1_000;

/// What the receiver got: each event id and when it first arrived (microseconds since the epoch).
struct Receipts {
    webhook: standardwebhooks::Webhook,
    at: Mutex<HashMap<String, i64>>,
    refused: AtomicU64,
}

pub fn rows(_settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let dir = tempfile::Builder::new().prefix("wacr-bench-webhooks").tempdir().map_err(|e| anyhow!("{e}"))?;
    let rt = runtime(2);
    let secret = Secret::generate();
    let receipts = Arc::new(Receipts { webhook: standardwebhooks::Webhook::new(secret.expose())?, at: Mutex::default(), refused: AtomicU64::new(0) });
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(Arc::clone(&receipts));
    let hook = serve(&rt, app)?;
    let mut config = config(&DbPath::File(dir.path().join("sandbox.db")));
    config.webhooks.urls = vec![format!("http://{hook}/hook")];
    config.webhooks.secret = Some(secret);
    let running = rt.block_on(wacr_sandbox::spawn(config))?;
    let token: Arc<str> = running.token("default").ok_or_else(|| anyhow!("the sandbox issued no token"))?.into();
    let (source_id, status_id) = running.db.with(|conn| {
        conn.query_row("SELECT MIN(s.id), MIN(t.id) FROM sources s, statuses t", [], |r| Ok::<(i64, i64), _>((r.get(0)?, r.get(1)?)))
    })?;

    let create = creates(running.addr, token, (source_id, status_id), "+1777");
    let plan = Plan { connections: CONNECTIONS, duration: Duration::from_secs(120), max_requests: CREATES, rate: None };
    let mut created = rt.block_on(load::run(running.addr, plan, create))?;
    if created.ok != CREATES {
        return Err(anyhow!("{} of {CREATES} creates succeeded, the first failure: {}", created.ok, created.first_failure.unwrap_or_default()));
    }
    let waited = Instant::now();
    while receipts.at.lock().map_err(|_| anyhow!("receiver poisoned"))?.len() < CREATES as usize {
        if waited.elapsed() > Duration::from_secs(60) {
            return Err(anyhow!("events still missing 60 s after the last create"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let recorded = running.db.with(|conn| queue::recorded_at(conn)).map_err(|e| anyhow!("{e}"))?;
    let at = receipts.at.lock().map_err(|_| anyhow!("receiver poisoned"))?.clone();
    let (mut latencies, mut first, mut last) = (Latencies::default(), i64::MAX, i64::MIN);
    for (id, committed) in &recorded {
        let received = at.get(id).ok_or_else(|| anyhow!("event {id} was never received"))?;
        latencies.push(Duration::from_micros(u64::try_from(received - committed.0).unwrap_or(0)));
        (first, last) = (first.min(committed.0), last.max(*received));
    }
    let per_second = recorded.len() as f64 / (Duration::from_micros(u64::try_from(last - first).unwrap_or(1)).as_secs_f64());
    let (p50, p99) = (latencies.percentile(50.0), latencies.percentile(99.0));
    let refused = receipts.refused.load(Ordering::Relaxed);
    if refused > 0 {
        return Err(anyhow!("the receiver refused {refused} deliveries (bad signature)"));
    }
    let (create_p50, create_p99) = created.p50_p99();
    Ok(vec![
        Row::new(
            format!("webhooks: {} contact creates ({CONNECTIONS} connections), one receiver on 127.0.0.1 verifying each: events delivered, first commit to last receipt; commit to receipt p50, p99", thousands(CREATES as usize)),
            format!("{} (p50 {}, p99 {})", stats::rate(per_second), stats::duration(p50), stats::duration(p99)),
        )
        .compared(format!("the creates {} (p50 {}, p99 {})", stats::rate(created.per_second()), stats::duration(create_p50), stats::duration(create_p99))),
    ])
}

/// Verifies and records the first receipt of each event; 401 for a bad signature.
async fn receive(State(receipts): State<Arc<Receipts>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    if receipts.webhook.verify(&body, &headers).is_err() {
        receipts.refused.fetch_add(1, Ordering::Relaxed);
        return StatusCode::UNAUTHORIZED;
    }
    let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if let Ok(mut at) = receipts.at.lock() {
        at.entry(id).or_insert(now);
    }
    StatusCode::NO_CONTENT
}
