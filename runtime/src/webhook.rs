//! Signing and verifying webhook deliveries (feature `webhooks`), as Standard Webhooks
//! specifies (`api-spec/events.yaml: signing`): headers `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, secrets
//! `whsec_<base64>`, a 5-minute tolerance. The HMAC and its constant-time comparison are the
//! `standardwebhooks` crate's; this module adds several secrets (rotation), typed errors and
//! the typed decoding of the body.

use http::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use standardwebhooks::{Webhook, WebhookError};

pub use http;
pub use standardwebhooks::{HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE, HEADER_WEBHOOK_TIMESTAMP};

/// How far a delivery's timestamp may be from now, either way.
pub const TOLERANCE_SECONDS: i64 = 300;

/// The prefix of a webhook secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Why a delivery was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    #[error("malformed header `{0}`")]
    MalformedHeader(&'static str),
    #[error("the webhook timestamp is more than {TOLERANCE_SECONDS} s old (a replay?)")]
    StaleTimestamp,
    #[error("the webhook timestamp is more than {TOLERANCE_SECONDS} s in the future")]
    FutureTimestamp,
    #[error("no signature matches any of the secrets")]
    BadSignature,
    #[error("a webhook secret is not `whsec_` followed by base64")]
    UnknownSecretFormat,
    #[error("no webhook secret to verify with")]
    NoSecret,
    #[error("the body is not UTF-8")]
    BodyNotUtf8,
    #[error("the body is not a webhook event: {0}")]
    Payload(#[source] serde_json::Error),
}

impl VerifyError {
    /// The status a receiver answers with: 401 for a signature or timestamp that does not
    /// hold, 400 for a request that is not a delivery, 500 for the receiver's own secrets.
    pub fn status(&self) -> u16 {
        match self {
            VerifyError::BadSignature | VerifyError::StaleTimestamp | VerifyError::FutureTimestamp => 401,
            VerifyError::UnknownSecretFormat | VerifyError::NoSecret => 500,
            _ => 400,
        }
    }

    /// A stable code for the error envelope.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader(_) | VerifyError::MalformedHeader(_) => "INVALID_WEBHOOK_HEADERS",
            VerifyError::StaleTimestamp | VerifyError::FutureTimestamp => "WEBHOOK_TIMESTAMP_OUT_OF_RANGE",
            VerifyError::BadSignature => "INVALID_WEBHOOK_SIGNATURE",
            VerifyError::UnknownSecretFormat | VerifyError::NoSecret => "WEBHOOK_SECRET_INVALID",
            VerifyError::BodyNotUtf8 | VerifyError::Payload(_) => "INVALID_WEBHOOK_PAYLOAD",
        }
    }
}

/// Verifies a delivery against any of `secrets` (several while one rotates) and decodes its
/// body: the signature, the timestamp (within [`TOLERANCE_SECONDS`]) and the headers' form.
pub fn verify<E: DeserializeOwned, S: AsRef<str>>(secrets: &[S], headers: &HeaderMap, body: &[u8]) -> Result<E, VerifyError> {
    verify_signature(secrets, headers, body)?;
    serde_json::from_slice(body).map_err(VerifyError::Payload)
}

/// [`verify`] without decoding the body.
pub fn verify_signature<S: AsRef<str>>(secrets: &[S], headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
    let keys = secrets.iter().map(|s| key(s.as_ref())).collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(VerifyError::NoSecret);
    }
    check_headers(headers)?;
    for key in &keys {
        match key.verify(body, headers) {
            Ok(()) => return Ok(()),
            Err(WebhookError::InvalidSignature) => continue,
            Err(e) => return Err(from_crate(e)),
        }
    }
    Err(VerifyError::BadSignature)
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` for one secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, VerifyError> {
    key(secret)?.sign(id, timestamp, body).map_err(from_crate)
}

/// The three headers of a delivery signed with every one of `secrets`, their signatures
/// space-separated in `webhook-signature`.
pub fn signed_headers<S: AsRef<str>>(secrets: &[S], id: &str, timestamp: i64, body: &[u8]) -> Result<HeaderMap, VerifyError> {
    let signatures = secrets.iter().map(|s| sign(s.as_ref(), id, timestamp, body)).collect::<Result<Vec<_>, _>>()?;
    if signatures.is_empty() {
        return Err(VerifyError::NoSecret);
    }
    let value = |text: String, name| HeaderValue::try_from(text).map_err(|_| VerifyError::MalformedHeader(name));
    let mut headers = HeaderMap::new();
    headers.insert(HEADER_WEBHOOK_ID, value(id.to_owned(), HEADER_WEBHOOK_ID)?);
    headers.insert(HEADER_WEBHOOK_TIMESTAMP, value(timestamp.to_string(), HEADER_WEBHOOK_TIMESTAMP)?);
    headers.insert(HEADER_WEBHOOK_SIGNATURE, value(signatures.join(" "), HEADER_WEBHOOK_SIGNATURE)?);
    Ok(headers)
}

/// Checks a secret's form (`whsec_` and base64) without using it.
pub fn check_secret(secret: &str) -> Result<(), VerifyError> {
    key(secret).map(drop)
}

/// A `whsec_` secret's key; any other form is refused (the crate would take bare base64).
fn key(secret: &str) -> Result<Webhook, VerifyError> {
    match secret.strip_prefix(SECRET_PREFIX) {
        Some(encoded) if !encoded.is_empty() => Webhook::new(encoded).map_err(|_| VerifyError::UnknownSecretFormat),
        _ => Err(VerifyError::UnknownSecretFormat),
    }
}

/// The header problems the crate would report as a bad signature: an empty id, or a
/// signature header without one `v1,<signature>` entry.
fn check_headers(headers: &HeaderMap) -> Result<(), VerifyError> {
    let text = |name: &'static str| headers.get(name).ok_or(VerifyError::MissingHeader(name))?.to_str().map_err(|_| VerifyError::MalformedHeader(name));
    if text(HEADER_WEBHOOK_ID)?.trim().is_empty() {
        return Err(VerifyError::MalformedHeader(HEADER_WEBHOOK_ID));
    }
    text(HEADER_WEBHOOK_TIMESTAMP)?.parse::<i64>().map_err(|_| VerifyError::MalformedHeader(HEADER_WEBHOOK_TIMESTAMP))?;
    let well_formed = |entry: &str| entry.split_once(',').is_some_and(|(version, sig)| !version.is_empty() && !sig.is_empty());
    if !text(HEADER_WEBHOOK_SIGNATURE)?.split(' ').any(well_formed) {
        return Err(VerifyError::MalformedHeader(HEADER_WEBHOOK_SIGNATURE));
    }
    Ok(())
}

fn from_crate(e: WebhookError) -> VerifyError {
    match e {
        WebhookError::InvalidTimestamp => VerifyError::MalformedHeader(HEADER_WEBHOOK_TIMESTAMP),
        WebhookError::InvalidSecret(_) => VerifyError::UnknownSecretFormat,
        WebhookError::InvalidHeader(_) | WebhookError::MissingHeader(_) => VerifyError::MalformedHeader(HEADER_WEBHOOK_SIGNATURE),
        WebhookError::TimestampTooOldError => VerifyError::StaleTimestamp,
        WebhookError::FutureTimestampError => VerifyError::FutureTimestamp,
        WebhookError::InvalidSignature => VerifyError::BadSignature,
        WebhookError::InvalidPayload => VerifyError::BodyNotUtf8,
    }
}
