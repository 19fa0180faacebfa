//! Webhooks (issue 19): every change to a contact, source or status writes its event to an
//! outbox in the change's transaction (`outbox`, payload shaped by `payload`), and a delivery
//! worker (`worker`, over the tables of `queue`) POSTs it to every `--webhook-url`, signed per
//! Standard Webhooks, retrying on the configured schedule, recording every attempt, keeping a
//! delivery that ran out of attempts as failed. Events survive a crash: what was committed is
//! delivered after the restart.
//!
//! `message.received` is written by `store::messages::inbound` (the admin API's inbound
//! messages). The sandbox shows a message's delivery progression as a function of the time
//! since it was sent (nothing is written when it moves), so its `message.status_updated` events
//! are written by the send (`store::delivery::dispatch`): one per transition, its payload the
//! message as List Messages reads it at that instant, its delivery due then (a `recorded_at`
//! and `next_attempt_at` ahead of the virtual clock).

pub mod outbox;
pub mod payload;
pub mod queue;
mod worker;

use std::str::FromStr;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub use payload::{Change, Resource};
pub use worker::spawn;

/// How deliveries are made (the `--webhook-*` flags).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where every event is POSTed (none: events are recorded, nothing is sent).
    pub urls: Vec<String>,
    /// The signing secret; `None`: the one an earlier start generated and kept in the database,
    /// or a new one.
    pub secret: Option<Secret>,
    /// The waits between attempts: a delivery is tried `retry.len() + 1` times.
    pub retry: Vec<Duration>,
    /// How long one attempt may take, connection and response included.
    pub timeout: Duration,
    /// Attempts in flight at once, over all endpoints.
    pub concurrency: usize,
}

/// The default waits between attempts: five attempts over about two and a half minutes.
pub const DEFAULT_RETRY: &str = "1s,5s,30s,2m";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            urls: Vec::new(),
            secret: None,
            retry: parse_schedule(DEFAULT_RETRY).unwrap_or_default(),
            timeout: Duration::from_secs(10),
            concurrency: 32,
        }
    }
}

/// A flag value that is not what it should be.
#[derive(Debug, thiserror::Error)]
pub enum SettingError {
    #[error("a webhook secret is `whsec_` followed by base64 of at least 24 bytes")]
    Secret,
    #[error("`{text}` is not a duration (1s, 500ms, 2m): {source}")]
    Duration { text: String, source: humantime::DurationError },
}

/// A comma-separated list of durations (`1s,5s,30s,2m`); empty: no retries.
pub fn parse_schedule(text: &str) -> Result<Vec<Duration>, SettingError> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(parse_duration).collect()
}

/// One duration (`10s`, `500ms`).
pub fn parse_duration(text: &str) -> Result<Duration, SettingError> {
    humantime::parse_duration(text).map_err(|source| SettingError::Duration { text: text.to_owned(), source })
}

/// A Standard Webhooks signing secret, `whsec_` + base64. Its `Debug` hides it, so that a
/// logged configuration never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 32 bytes from the OS random source.
    pub fn generate() -> Secret {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS random source is available");
        Secret(format!("whsec_{}", STANDARD.encode(key)))
    }

    /// The text, `whsec_…`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The signer of the deliveries.
    pub(crate) fn signer(&self) -> standardwebhooks::Webhook {
        standardwebhooks::Webhook::new(&self.0).expect("a Secret is valid base64")
    }
}

impl FromStr for Secret {
    type Err = SettingError;

    fn from_str(text: &str) -> Result<Secret, SettingError> {
        let key = text.strip_prefix("whsec_").ok_or(SettingError::Secret)?;
        match STANDARD.decode(key) {
            Ok(bytes) if bytes.len() >= 24 => Ok(Secret(text.to_owned())),
            _ => Err(SettingError::Secret),
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(whsec_…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_whsec_base64_and_never_debug_printed() {
        let secret = Secret::generate();
        assert_eq!(secret.expose().parse::<Secret>().unwrap(), secret);
        assert_ne!(Secret::generate(), secret);
        assert!(!format!("{:?}", Settings { secret: Some(secret.clone()), ..Settings::default() }).contains(&secret.expose()[6..]));
        for bad in ["abc", "whsec_", "whsec_!!!", "whsec_c2hvcnQ="] {
            assert!(bad.parse::<Secret>().is_err(), "{bad}");
        }
    }

    #[test]
    fn schedules_parse_durations() {
        let schedule = parse_schedule("1s, 500ms,2m").unwrap();
        assert_eq!(schedule, [Duration::from_secs(1), Duration::from_millis(500), Duration::from_secs(120)]);
        assert!(parse_schedule("").unwrap().is_empty());
        assert!(parse_schedule("1s,soon").unwrap_err().to_string().starts_with("`soon` is not a duration"));
        assert_eq!(Settings::default().retry.iter().sum::<Duration>(), Duration::from_secs(156));
    }
}
