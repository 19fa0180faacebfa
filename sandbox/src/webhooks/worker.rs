//! The delivery worker: a tokio task that POSTs each pending delivery, signed per Standard
//! Webhooks (`webhook-id` = the event id on every attempt, a fresh `webhook-timestamp` and
//! `webhook-signature` per attempt), and records the attempt. Different resources' events go
//! out concurrently (up to `Settings::concurrency`); one resource's events to one endpoint go
//! one at a time, in commit order. It wakes when a commit wrote a delivery (`Db`'s outbox
//! notification), when an attempt ends, at the next retry's time, and at least every second.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use tokio::task::{JoinHandle, JoinSet};
use tracing::Instrument;

use super::queue::{self, Attempt, Due, Outcome};
use super::{Secret, Settings};
use crate::clock::{Clock, SECOND, Stopwatch, Ts};
use crate::db::Db;

/// The longest sleep without a wake-up (a commit made by another process wakes nothing).
const FALLBACK_POLL: Duration = Duration::from_secs(1);

/// How long a claimed delivery stays claimed beyond its attempt's timeout (the time to record
/// the attempt). A worker killed mid-attempt delays that delivery by the timeout and this.
const LEASE_MARGIN: Duration = Duration::from_secs(2);

/// What every attempt needs.
struct Sender {
    http: reqwest::Client,
    /// The virtual clock: attempts are recorded by it.
    clock: Clock,
    signer: standardwebhooks::Webhook,
    timeout: Duration,
}

/// The delivery worker of a running sandbox.
struct Worker {
    db: Db,
    sender: Arc<Sender>,
    retry: Arc<[Duration]>,
    concurrency: usize,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(db: Db, settings: &Settings, secret: &Secret) -> Result<JoinHandle<()>, reqwest::Error> {
    // A process without a rustls crypto provider gets ring's (https endpoints), as the client does.
    #[allow(deprecated)]
    let ring = rustls::crypto::ring::default_provider;
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = ring().install_default();
    }
    let http = reqwest::Client::builder()
        .user_agent(concat!("wacr-sandbox-webhooks/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let sender = Arc::new(Sender { http, clock: db.clock().clone(), signer: secret.signer(), timeout: settings.timeout });
    let worker = Worker { db, sender, retry: settings.retry.clone().into(), concurrency: settings.concurrency.max(1) };
    Ok(tokio::spawn(worker.run().instrument(tracing::info_span!("webhook_worker"))))
}

/// A delivery's ordering key: one resource at one endpoint.
type Key = (i64, String);

/// An attempt that ended, waiting to be recorded.
type Done = (Due, Attempt);

impl Worker {
    async fn run(self) {
        let wake = self.db.outbox_notify();
        let mut in_flight: HashMap<tokio::task::Id, Key> = HashMap::new();
        let mut tasks: JoinSet<Done> = JoinSet::new();
        let mut done: Vec<Done> = Vec::new();
        loop {
            let sleep = self.step(std::mem::take(&mut done), &mut tasks, &mut in_flight).await;
            tokio::select! {
                Some(joined) = tasks.join_next_with_id() => joined_into(joined, &mut in_flight, &mut done),
                () = wake.notified() => {}
                () = tokio::time::sleep(sleep) => {}
            }
            while let Some(joined) = tasks.try_join_next_with_id() {
                joined_into(joined, &mut in_flight, &mut done);
            }
        }
    }

    /// Records the attempts that ended and reads the deliveries due, in one call on the
    /// database (so a resource's next event is due only once its previous one is recorded);
    /// starts the due deliveries whose resource has none in flight, while there is room.
    /// Returns how long to sleep until the next one is due.
    async fn step(&self, done: Vec<Done>, tasks: &mut JoinSet<Done>, in_flight: &mut HashMap<tokio::task::Id, Key>) -> Duration {
        let free = self.concurrency.saturating_sub(tasks.len());
        let limit = if free == 0 { 0 } else { in_flight.len() + free + 1 };
        let retry = Arc::clone(&self.retry);
        let clock = self.db.clock().clone();
        let read = self
            .db
            .call(move |conn| {
                let outcomes = clock.sync(conn).map_err(Into::into).and_then(|now| queue::finish(conn, &done, &retry, now));
                let heads = if limit == 0 { Ok(Vec::new()) } else { queue::heads(conn, limit) };
                (done, outcomes, heads)
            })
            .await;
        let heads = match read {
            (done, Ok(outcomes), heads) => {
                done.iter().zip(outcomes).for_each(|((due, attempt), outcome)| log(due, attempt, outcome));
                heads
            }
            (done, Err(e), heads) => {
                tracing::error!(error = %e, attempts = done.len(), "recording webhook attempts failed; their deliveries stay pending");
                heads
            }
        };
        let heads = match heads {
            Ok(heads) => heads,
            Err(e) => {
                tracing::error!(error = %e, "reading the pending deliveries failed");
                return FALLBACK_POLL;
            }
        };
        let now = self.db.clock().now();
        let mut sleep = FALLBACK_POLL;
        let mut candidates = Vec::new();
        for due in heads {
            if due.next_attempt_at > now {
                sleep = Duration::from_micros(u64::try_from(due.next_attempt_at.0 - now.0).unwrap_or(0)).min(FALLBACK_POLL);
                break;
            }
            let key = (due.endpoint, due.resource.clone());
            if tasks.len() + candidates.len() >= self.concurrency || in_flight.values().any(|k| *k == key) {
                continue;
            }
            candidates.push(due);
        }
        if candidates.is_empty() {
            return sleep;
        }
        // held for the attempt's timeout and a margin: then another worker may try it again
        let lease = Ts(now.0.saturating_add(i64::try_from((self.sender.timeout + LEASE_MARGIN).as_micros()).unwrap_or(i64::MAX)));
        let claimed = match self.db.call(move |conn| queue::claim(conn, candidates, now, lease)).await {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::error!(error = %e, "claiming the due deliveries failed");
                return FALLBACK_POLL;
            }
        };
        for due in claimed {
            let key = (due.endpoint, due.resource.clone());
            let span = tracing::info_span!("webhook_delivery", event = %due.event_id, url = %due.url, attempt = due.attempts + 1);
            let sender = Arc::clone(&self.sender);
            let handle = tasks.spawn(async move { sender.attempt(due).await }.instrument(span));
            in_flight.insert(handle.id(), key);
        }
        sleep
    }
}

/// Moves an ended attempt from in flight to `done`.
fn joined_into(joined: Result<(tokio::task::Id, Done), tokio::task::JoinError>, in_flight: &mut HashMap<tokio::task::Id, Key>, done: &mut Vec<Done>) {
    match joined {
        Ok((id, ended)) => {
            in_flight.remove(&id);
            done.push(ended);
        }
        Err(e) => {
            in_flight.remove(&e.id());
            tracing::error!(error = %e, "a delivery attempt panicked; its delivery stays pending");
        }
    }
}

/// What an attempt made of its delivery, as a log event.
fn log(due: &Due, attempt: &Attempt, outcome: Outcome) {
    let (event, url, number, status, error) = (&due.event_id, &due.url, due.attempts + 1, attempt.status, attempt.error.as_deref());
    match outcome {
        Outcome::Delivered => tracing::debug!(%event, %url, attempt = number, status, "webhook delivered"),
        Outcome::Retry(at) => tracing::warn!(%event, %url, attempt = number, status, error, retry_at = %at.iso(), "webhook delivery failed; retrying"),
        Outcome::Failed => tracing::error!(%event, %url, attempts = number, status, error, "webhook delivery failed after its last attempt"),
    }
}

impl Sender {
    /// One POST of the event, signed now. The signature's timestamp is the system time, which
    /// receivers check against their own clock; the attempt is recorded by the virtual clock.
    async fn attempt(&self, due: Due) -> (Due, Attempt) {
        let (started, started_at) = (Stopwatch::start(), self.clock.now());
        let timestamp = Ts::system().0.div_euclid(SECOND);
        let result = match self.signer.sign(&due.event_id, timestamp, due.payload.as_bytes()) {
            Ok(signature) => self.post(&due, timestamp, &signature).await,
            Err(e) => Err(e.to_string()),
        };
        let (status, error) = match result {
            Ok(status) => (Some(status), None),
            Err(error) => (None, Some(error)),
        };
        (due, Attempt { started_at, duration: started.elapsed(), status, error })
    }

    /// The response's status, the body read (so the connection can be reused), or why none came.
    async fn post(&self, due: &Due, timestamp: i64, signature: &str) -> Result<u16, String> {
        let response = self
            .http
            .post(&due.url)
            .timeout(self.timeout)
            .header(CONTENT_TYPE, "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, &due.event_id)
            .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, timestamp.to_string())
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
            .body(due.payload.clone())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let _ = response.bytes().await;
        Ok(status)
    }
}

/// A reqwest error with its causes (reqwest's own text names only the outermost).
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() { "timed out".to_owned() } else { e.to_string() };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
