//! The Redis limiter against a real redis-server (started per test on a free port; skipped with
//! a printed line when redis-server is absent, unless `CI` is set): the same decisions as the
//! in-memory `FixedWindow`, windows driven by the caller's `now`, one budget shared by two
//! limiters ("replicas"), and a Redis that is killed or hangs failing open or closed within the
//! timeout, with one `warn` event, and the limiter reconnecting when Redis is back.

#![cfg(feature = "redis")]

#[path = "support/redis_server.rs"]
mod redis_server;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use redis_server::RedisServer;
use wacr_runtime::server::{Decision, FixedWindow, OnError, RateLimiter, RedisLimiter, RedisSettings, Verdict};

const WINDOW: Duration = Duration::from_secs(10);

fn limiter(url: &str, prefix: &str) -> RedisLimiter {
    RedisLimiter::new(RedisSettings::new(url).with_prefix(prefix).with_timeout(Duration::from_secs(2))).expect("limiter")
}

enum Step {
    Hit(u64),
    Peek(u64),
    Clear,
}

#[tokio::test]
async fn the_same_decisions_as_the_in_memory_window() {
    let Some(server) = RedisServer::start("the_same_decisions_as_the_in_memory_window") else { return };
    let redis = limiter(&server.url(), "same:");
    let memory = FixedWindow::new();
    let (instant, time) = (Instant::now(), SystemTime::now());
    use Step::*;
    let steps = [Hit(0), Hit(100), Peek(2_500), Hit(2_500), Hit(3_000), Hit(9_999), Peek(9_999), Hit(10_000), Clear, Hit(10_001), Hit(10_002)];
    for (limit, key) in [(3, "a"), (0, "zero")] {
        for (i, step) in steps.iter().enumerate() {
            let (in_memory, in_redis) = match *step {
                Hit(ms) => {
                    let at = Duration::from_millis(ms);
                    (memory.hit_at(key, limit, WINDOW, instant + at), redis.hit_at(key, limit, WINDOW, time + at).await.expect("redis"))
                }
                Peek(ms) => {
                    let at = Duration::from_millis(ms);
                    (memory.peek_at(key, limit, WINDOW, instant + at), redis.peek_at(key, limit, WINDOW, time + at).await.expect("redis"))
                }
                Clear => {
                    memory.clear_key(key);
                    redis.clear_key(key).await.expect("redis");
                    continue;
                }
            };
            assert_eq!(in_redis, in_memory, "step {i} of key {key} (limit {limit})");
        }
    }
    let last = redis.hit_at("a", 3, WINDOW, time + Duration::from_millis(10_003)).await.unwrap();
    assert_eq!(last, Decision { allowed: true, limit: 3, remaining: 0, retry_after: 10 }, "the window restarted by the clear");
    let denied = redis.hit_at("a", 3, WINDOW, time + Duration::from_millis(10_004)).await.unwrap();
    assert_eq!(denied, Decision { allowed: false, limit: 3, remaining: 0, retry_after: 10 });
}

#[tokio::test]
async fn the_window_follows_the_callers_clock() {
    let Some(server) = RedisServer::start("the_window_follows_the_callers_clock") else { return };
    let redis = limiter(&server.url(), "clock:");
    let now = SystemTime::now();
    assert!(redis.hit_at("k", 1, WINDOW, now).await.unwrap().allowed);
    let spent = redis.hit_at("k", 1, WINDOW, now + Duration::from_secs(4)).await.unwrap();
    assert_eq!((spent.allowed, spent.retry_after), (false, 6));
    let hour_later = now + Duration::from_secs(3600);
    assert!(redis.hit_at("k", 1, WINDOW, hour_later).await.unwrap().allowed, "a clock an hour ahead is in a new window, though no real time passed");
    assert!(!redis.hit_at("k", 1, WINDOW, hour_later).await.unwrap().allowed);
    let mut raw = redis::Client::open(server.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL").arg("clock:k").query_async(&mut raw).await.unwrap();
    assert!((1..=10_000).contains(&ttl), "the key expires with its window (PTTL {ttl})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_one_budget() {
    let Some(server) = RedisServer::start("two_replicas_share_one_budget") else { return };
    let replicas = [Arc::new(limiter(&server.url(), "shared:")), Arc::new(limiter(&server.url(), "shared:"))];
    let hits = (0..120).map(|i| {
        let replica = Arc::clone(&replicas[i % 2]);
        tokio::spawn(async move { replica.hit("token:7", 60, Duration::from_secs(60)).await })
    });
    let verdicts: Vec<Verdict> = futures::future::join_all(hits).await.into_iter().map(|joined| joined.expect("task")).collect();
    let decisions: Vec<Decision> = verdicts.into_iter().map(|v| v.expect("redis answers")).collect();
    assert_eq!(decisions.iter().filter(|d| d.allowed).count(), 60, "60 a minute across both replicas");
    let mut remaining: Vec<u32> = decisions.iter().filter(|d| d.allowed).map(|d| d.remaining).collect();
    remaining.sort_unstable();
    assert_eq!(remaining, (0..60).collect::<Vec<_>>(), "each success saw its own count");
}

/// The events of the current thread, as text.
fn capture() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(Arc::clone(&buffer));
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_max_level(tracing::Level::WARN).with_writer(move || sink.clone()).finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn a_killed_redis_fails_open_or_closed_within_the_timeout_and_warns_once() {
    let Some(mut server) = RedisServer::start("a_killed_redis_fails_open_or_closed") else { return };
    let (events, _guard) = capture();
    let timeout = Duration::from_millis(150);
    let settings = RedisSettings::new(server.url()).with_timeout(timeout).with_prefix("killed:");
    let open = RedisLimiter::new(settings.clone()).unwrap();
    let closed = RedisLimiter::new(RedisSettings::new(format!("redis://:hunter2@127.0.0.1:{}", server.port)).with_on_error(OnError::FailClosed).with_timeout(timeout)).unwrap();
    assert!(open.hit("k", 5, WINDOW).await.expect("redis is up").allowed);
    server.kill();
    for _ in 0..3 {
        let started = Instant::now();
        let failed = open.hit("k", 5, WINDOW).await.expect_err("redis is gone");
        assert!(failed.fails_open(), "{failed}");
        assert!(started.elapsed() < timeout * 4, "answered in {:?}", started.elapsed());
    }
    let started = Instant::now();
    let refused = closed.hit("k", 5, WINDOW).await.expect_err("redis is gone");
    assert!(!refused.fails_open() && started.elapsed() < timeout * 4, "{refused} after {:?}", started.elapsed());
    let events = String::from_utf8(events.lock().unwrap().clone()).unwrap();
    let warnings: Vec<&str> = events.lines().filter(|l| l.contains("WARN") && l.contains("the rate-limit store does not answer")).collect();
    assert_eq!(warnings.len(), 2, "one per limiter, however many failures: {events}");
    assert!(warnings[0].contains("requests go through unlimited") && warnings[1].contains("requests are refused with 503"), "{events}");
    assert!(warnings.iter().all(|w| w.contains(&format!("127.0.0.1:{}", server.port))), "{events}");
    assert!(!events.contains("hunter2"), "the password is never logged: {events}");

    server.restart();
    let mut recovered = false;
    for _ in 0..50 {
        if let Ok(decision) = open.hit("k", 5, WINDOW).await {
            assert!(decision.allowed);
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "the limiter reconnects when Redis is back");
}

#[tokio::test]
async fn a_hung_redis_costs_a_request_at_most_the_timeout() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || listener.incoming().take(4).filter_map(Result::ok).collect::<Vec<_>>());
    let timeout = Duration::from_millis(100);
    let limiter = RedisLimiter::new(RedisSettings::new(format!("redis://127.0.0.1:{port}")).with_timeout(timeout)).unwrap();
    let started = Instant::now();
    let failed = limiter.hit("k", 5, WINDOW).await.expect_err("no answer");
    assert!(failed.fails_open(), "fail open is the default");
    assert!(started.elapsed() < timeout * 5, "answered in {:?}", started.elapsed());
    drop(held);
}
