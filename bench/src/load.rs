//! The load generator: N keep-alive HTTP/1.1 connections (hyper's client connection, one
//! request in flight on each) to a loopback address, for a fixed time and at most a fixed
//! number of requests, back to back or evenly paced at a given rate, recording each request's
//! latency. Anything but 127.0.0.0/8 or ::1 is
//! refused, so a run can only ever load this machine.

use anyhow::anyhow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::stats::Latencies;

/// How much load: connections, and the bounds in time and count.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub connections: usize,
    pub duration: Duration,
    pub max_requests: u64,
    /// Requests per second offered over all connections, evenly spaced; `None`: each
    /// connection sends its next request as soon as the last one is answered.
    pub rate: Option<f64>,
}

/// Makes request number `n` of a run.
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Full<Bytes>> + Send + Sync>;

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// 2xx responses.
    pub ok: u64,
    /// Other responses and broken connections.
    pub failed: u64,
    pub elapsed: Duration,
    pub latencies: Latencies,
    /// The first failure, for the report.
    pub first_failure: Option<String>,
}

impl Outcome {
    /// Successful requests per second.
    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.ok as f64 / secs } else { 0.0 }
    }

    /// Adds another run of the same kind (counts, time and latencies add up).
    pub fn merge(&mut self, other: Outcome) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }

    /// `p50 / p99` of the latencies.
    pub fn p50_p99(&mut self) -> (Duration, Duration) {
        (self.latencies.percentile(50.0), self.latencies.percentile(99.0))
    }
}

/// Runs `plan` against `addr` with requests from `make`.
pub async fn run(addr: SocketAddr, plan: Plan, make: MakeRequest) -> anyhow::Result<Outcome> {
    run_on(&[addr], plan, make).await
}

/// Runs `plan` against several servers of one service (replicas): connection `c` goes to
/// `addrs[c % addrs.len()]`, so the connections are spread evenly over them.
pub async fn run_on(addrs: &[SocketAddr], plan: Plan, make: MakeRequest) -> anyhow::Result<Outcome> {
    if let Some(addr) = addrs.iter().find(|a| !a.ip().is_loopback()) {
        return Err(anyhow!("refusing to load {addr}: the load generator only targets loopback addresses"));
    }
    if addrs.is_empty() {
        return Err(anyhow!("no address to load"));
    }
    let tickets = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + plan.duration;
    let gate = plan.rate.map(|rate| pacer(rate, started, deadline));
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..plan.connections.max(1) {
        let (tickets, make, gate) = (Arc::clone(&tickets), Arc::clone(&make), gate.clone());
        tasks.spawn(connection(addrs[c % addrs.len()], deadline, plan.max_requests, gate, tickets, make));
    }
    let mut total = Outcome::default();
    while let Some(joined) = tasks.join_next().await {
        total.merge(joined.map_err(|e| anyhow!("load task failed: {e}"))??);
    }
    total.elapsed = started.elapsed();
    // Closing the gate also ends the pacer at its next turn.
    if let Some(gate) = gate {
        gate.close();
    }
    Ok(total)
}

/// Sends of a paced run: slot `k` opens at `started + k / rate`, and each open slot is one
/// permit of the returned gate, which a connection takes before each request (a connection
/// still busy at its slot leaves the permit to the next free one). The slots are opened by a
/// task that checks the time whenever the load's runtime has nothing else to do, yielding in
/// between, because tokio's timers tick in whole milliseconds: sleeping on them would send
/// each millisecond's requests in one burst. The load's worker never sleeps during a paced
/// run, on a core of its own; a thread of its own to open the slots would take the servers'
/// core. The gate closes at `deadline`.
fn pacer(rate: f64, started: Instant, deadline: Instant) -> Arc<Semaphore> {
    let gate = Arc::new(Semaphore::new(0));
    let slots = Arc::clone(&gate);
    tokio::spawn(async move {
        let mut opened = 0u64;
        while !slots.is_closed() {
            let now = Instant::now();
            if now >= deadline {
                // Every slot before the deadline counts as opened, even those a late turn
                // (the thread descheduled) did not see open; closed first, so that none of
                // them is taken after the deadline.
                slots.close();
                let all = ((deadline - started).as_secs_f64() * rate).ceil() as u64;
                slots.add_permits(all.saturating_sub(opened) as usize);
                break;
            }
            let due = ((now - started).as_secs_f64() * rate) as u64 + 1;
            if due > opened {
                slots.add_permits((due - opened) as usize);
                opened = due;
            }
            tokio::task::yield_now().await;
        }
    });
    gate
}

async fn connection(
    addr: SocketAddr,
    deadline: Instant,
    max: u64,
    gate: Option<Arc<Semaphore>>,
    tickets: Arc<AtomicU64>,
    make: MakeRequest,
) -> anyhow::Result<Outcome> {
    let stream = TcpStream::connect(addr).await.map_err(|e| anyhow!("cannot connect to {addr}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| anyhow!("{e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| anyhow!("handshake: {e}"))?;
    let driver = tokio::spawn(conn);
    let mut out = Outcome::default();
    while Instant::now() < deadline {
        if let Some(gate) = &gate {
            // Closed: the run's time is up.
            match gate.acquire().await {
                Ok(slot) => slot.forget(),
                Err(_) => break,
            }
        }
        let n = tickets.fetch_add(1, Ordering::Relaxed);
        if n >= max {
            break;
        }
        let request = make(n);
        let began = Instant::now();
        match exchange(&mut sender, request).await {
            Ok((status, body)) => {
                out.latencies.push(began.elapsed());
                if status.is_success() {
                    out.ok += 1;
                } else {
                    out.failed += 1;
                    out.first_failure.get_or_insert_with(|| format!("{status}: {}", String::from_utf8_lossy(&body[..body.len().min(400)])));
                }
            }
            Err(e) => {
                out.failed += 1;
                out.first_failure.get_or_insert(e.to_string());
                break;
            }
        }
    }
    drop(sender);
    let _ = driver.await;
    Ok(out)
}

/// Sends one request on a connection of its own: the status and the body.
pub async fn once(addr: SocketAddr, request: Request<Full<Bytes>>) -> anyhow::Result<(hyper::StatusCode, Bytes)> {
    if !addr.ip().is_loopback() {
        return Err(anyhow!("refusing to send to {addr}: loopback addresses only"));
    }
    let stream = TcpStream::connect(addr).await.map_err(|e| anyhow!("cannot connect to {addr}: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| anyhow!("handshake: {e}"))?;
    let driver = tokio::spawn(conn);
    let reply = exchange(&mut sender, request).await;
    drop(sender);
    let _ = driver.await;
    reply
}

async fn exchange(sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>, request: Request<Full<Bytes>>) -> anyhow::Result<(hyper::StatusCode, Bytes)> {
    sender.ready().await.map_err(|e| anyhow!("connection lost: {e}"))?;
    let response = sender.send_request(request).await.map_err(|e| anyhow!("request failed: {e}"))?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| anyhow!("body: {e}"))?.to_bytes();
    Ok((status, body))
}

/// A GET with a bearer token.
pub fn get(addr: SocketAddr, path_and_query: &str, token: &str) -> Request<Full<Bytes>> {
    request("GET", addr, path_and_query, token, None)
}

/// A POST of a JSON body with a bearer token.
pub fn post_json(addr: SocketAddr, path: &str, token: &str, body: Vec<u8>) -> Request<Full<Bytes>> {
    request("POST", addr, path, token, Some(body))
}

fn request(method: &str, addr: SocketAddr, path: &str, token: &str, body: Option<Vec<u8>>) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("authorization", format!("Bearer {token}"))
        .header("accept", "application/json");
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    builder.body(Full::new(Bytes::from(body.unwrap_or_default()))).expect("a valid request")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_run_stops_at_its_request_bound_and_counts_statuses() {
        let app = axum::Router::new()
            .route("/ok", axum::routing::get(|| async { "ok" }))
            .route("/no", axum::routing::get(|| async { (axum::http::StatusCode::NOT_FOUND, "nope") }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let plan = Plan { connections: 3, duration: Duration::from_secs(30), max_requests: 50, rate: None };
        let ok = run(addr, plan, Arc::new(move |_| get(addr, "/ok", "t"))).await.unwrap();
        assert_eq!((ok.ok, ok.failed, ok.latencies.len()), (50, 0, 50));

        let mut no = run(addr, plan, Arc::new(move |_| get(addr, "/no", "t"))).await.unwrap();
        assert_eq!((no.ok, no.failed), (0, 50));
        assert_eq!(no.first_failure.as_deref(), Some("404 Not Found: nope"));
        assert!(no.p50_p99().1 > Duration::ZERO);

        // 200 requests/s for 100 ms has 20 slots, however fast the server answers.
        let paced = Plan { connections: 2, duration: Duration::from_millis(100), max_requests: 1000, rate: Some(200.0) };
        let sent = run(addr, paced, Arc::new(move |_| get(addr, "/ok", "t"))).await.unwrap();
        assert!(sent.ok + sent.failed <= 20, "{} requests in 20 slots", sent.ok + sent.failed);
    }

    #[tokio::test]
    async fn the_pacer_opens_each_slot_at_its_time_and_closes_at_the_deadline() {
        let started = Instant::now();
        let gate = pacer(2_000.0, started, started + Duration::from_millis(50));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let (open, at) = (gate.available_permits() as f64, started.elapsed().as_secs_f64());
        assert!(open >= 1.0 && open <= at * 2_000.0 + 1.0, "{open} slots open at {at} s");
        while !gate.is_closed() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Slots 0..100 open at k / 2,000 s, all of them before 50 ms.
        assert_eq!(gate.available_permits(), 100);
    }

    #[tokio::test]
    async fn a_run_on_several_servers_spreads_its_connections_over_them() {
        let mut addrs = Vec::new();
        let mut served = Vec::new();
        for _ in 0..2 {
            let count = Arc::new(AtomicU64::new(0));
            let seen = Arc::clone(&count);
            let app = axum::Router::new().route(
                "/ok",
                axum::routing::get(move || {
                    seen.fetch_add(1, Ordering::Relaxed);
                    async { "ok" }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addrs.push(listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            served.push(count);
        }
        let plan = Plan { connections: 4, duration: Duration::from_secs(30), max_requests: 200, rate: None };
        let first = addrs[0];
        let outcome = run_on(&addrs, plan, Arc::new(move |_| get(first, "/ok", "t"))).await.unwrap();
        assert_eq!((outcome.ok, outcome.failed), (200, 0));
        let counts: Vec<u64> = served.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        assert_eq!(counts.iter().sum::<u64>(), 200);
        assert!(counts.iter().all(|&c| c > 0), "both servers answered: {counts:?}");
    }

    #[tokio::test]
    async fn only_loopback_addresses_are_loaded() {
        let plan = Plan { connections: 1, duration: Duration::from_millis(10), max_requests: 1, rate: None };
        let addr: SocketAddr = "192.0.2.1:80".parse().unwrap();
        let refused = run(addr, plan, Arc::new(move |_| get(addr, "/", "t"))).await.unwrap_err();
        assert!(refused.to_string().contains("only targets loopback"), "{refused}");
        let local: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let mixed = run_on(&[local, addr], plan, Arc::new(move |_| get(addr, "/", "t"))).await.unwrap_err();
        assert!(mixed.to_string().contains("only targets loopback"), "{mixed}");
    }
}
