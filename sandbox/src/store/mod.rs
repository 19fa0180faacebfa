//! The sandbox's business logic: plain functions over a connection and a `Ctx` (tenant and
//! time), one module per resource group of the spec, taking the generated bodies and queries
//! (already checked against the spec's rules by the generated glue) and returning the generated
//! models. Every query filters on the tenant, so another tenant's record is simply not found.
//! The HTTP layer maps `Error` to the spec's codes.

pub mod account;
pub mod auth;
pub mod comments;
pub mod contacts;
mod counts;
pub mod groups;
pub mod inbox;
pub mod messages;
pub mod named;
mod query;
pub mod templates;
pub mod tokens;

pub mod delivery;


use wacr_runtime::server::Field;
use wacr_server::message;

use crate::clock::Ts;

/// Who is asking and when: every store function works inside one tenant at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ctx {
    /// The tenant the API token belongs to.
    pub tenant_id: i64,
    /// The time of the request.
    pub now: Ts,
}

/// Validation messages keyed by field, as in a VALIDATION_ERROR's `errors` object, in the order
/// found (the request's order: a capped report names the first fields, `contact_ids.2` before
/// `contact_ids.10`).
pub type FieldErrors = indexmap::IndexMap<String, Vec<String>>;

/// A failure, one variant per error code of `api.yaml` the store can produce.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// 422 VALIDATION_ERROR with the messages of each field.
    #[error("VALIDATION_ERROR: {0:?}")]
    Validation(FieldErrors),
    /// 404 NOT_FOUND: `what` names the missing record (`contact`, `template`, ...) and `field`
    /// the body field that named it, when one did.
    #[error("NOT_FOUND: {} not found", capitalise(what))]
    NotFound { what: &'static str, field: Option<&'static str> },
    /// 403 FEATURE_LIMIT_EXCEEDED.
    #[error("FEATURE_LIMIT_EXCEEDED: {feature} at {current} of {maximum}")]
    FeatureLimit { feature: &'static str, current: i64, maximum: i64 },
    /// 403 FEATURE_NOT_AVAILABLE.
    #[error("FEATURE_NOT_AVAILABLE: {feature}")]
    FeatureNotAvailable { feature: &'static str },
    /// 403 CONTACT_OPTED_OUT.
    #[error("CONTACT_OPTED_OUT")]
    ContactOptedOut,
    /// 422 WHATSAPP_NOT_CONFIGURED.
    #[error("WHATSAPP_NOT_CONFIGURED")]
    WhatsappNotConfigured,
    /// 422 OTP_NOT_FOUND.
    #[error("OTP_NOT_FOUND")]
    OtpNotFound,
    /// 422 OTP_EXPIRED.
    #[error("OTP_EXPIRED")]
    OtpExpired,
    /// 422 INVALID_CODE.
    #[error("INVALID_CODE: {attempts_remaining} attempts remaining")]
    InvalidCode { attempts_remaining: i64 },
    /// 422 MAX_ATTEMPTS_EXCEEDED.
    #[error("MAX_ATTEMPTS_EXCEEDED")]
    MaxAttemptsExceeded,
    /// 429 RATE_LIMIT_EXCEEDED (an OTP resend or verify limit).
    #[error("RATE_LIMIT_EXCEEDED: retry after {retry_after} s")]
    RateLimited { retry_after: i64 },
    /// 500 MESSAGE_SEND_FAILED (the simulated WhatsApp Cloud API refused the send).
    #[error("MESSAGE_SEND_FAILED: {0}")]
    SendFailed(String),
    /// 500 INTERNAL_ERROR.
    #[error("INTERNAL_ERROR: {0}")]
    Internal(String),
}

impl Error {
    /// A 422 with one message on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Validation(FieldErrors::from([(field.into(), vec![message.into()])]))
    }

    /// A 404 for a record named by the path.
    pub fn not_found(what: &'static str) -> Error {
        Error::NotFound { what, field: None }
    }

    /// The catalogue code of `api.yaml: errors`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "VALIDATION_ERROR",
            Error::NotFound { .. } => "NOT_FOUND",
            Error::FeatureLimit { .. } => "FEATURE_LIMIT_EXCEEDED",
            Error::FeatureNotAvailable { .. } => "FEATURE_NOT_AVAILABLE",
            Error::ContactOptedOut => "CONTACT_OPTED_OUT",
            Error::WhatsappNotConfigured => "WHATSAPP_NOT_CONFIGURED",
            Error::OtpNotFound => "OTP_NOT_FOUND",
            Error::OtpExpired => "OTP_EXPIRED",
            Error::InvalidCode { .. } => "INVALID_CODE",
            Error::MaxAttemptsExceeded => "MAX_ATTEMPTS_EXCEEDED",
            Error::RateLimited { .. } => "RATE_LIMIT_EXCEEDED",
            Error::SendFailed(_) => "MESSAGE_SEND_FAILED",
            Error::Internal(_) => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status of the code.
    pub fn status(&self) -> u16 {
        match self {
            Error::Validation(_)
            | Error::WhatsappNotConfigured
            | Error::OtpNotFound
            | Error::OtpExpired
            | Error::InvalidCode { .. }
            | Error::MaxAttemptsExceeded => 422,
            Error::NotFound { .. } => 404,
            Error::FeatureLimit { .. } | Error::FeatureNotAvailable { .. } | Error::ContactOptedOut => 403,
            Error::RateLimited { .. } => 429,
            Error::SendFailed(_) | Error::Internal(_) => 500,
        }
    }

    /// The human message: the catalogue's, or the record's own for a 404.
    pub fn message(&self) -> String {
        match self {
            Error::NotFound { what, .. } => format!("{} not found", capitalise(what)),
            other => other.catalogue_message().into(),
        }
    }

    /// The catalogue's message of the code (`api.yaml: errors`).
    pub fn catalogue_message(&self) -> &'static str {
        match self {
            Error::Validation(_) => "The given data was invalid",
            Error::NotFound { .. } => "Resource not found",
            Error::FeatureLimit { .. } => "Plan limit reached",
            Error::FeatureNotAvailable { .. } => "Feature not available on your plan",
            Error::ContactOptedOut => "Contact has opted out of messages",
            Error::WhatsappNotConfigured => "WhatsApp is not configured for this account",
            Error::OtpNotFound => "No active OTP found",
            Error::OtpExpired => "OTP has expired",
            Error::InvalidCode { .. } => "Invalid verification code",
            Error::MaxAttemptsExceeded => "Maximum verification attempts exceeded",
            Error::RateLimited { .. } => "Too many requests",
            Error::SendFailed(_) => "Failed to send message",
            Error::Internal(_) => "Internal server error",
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(format!("database: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("json: {e}"))
    }
}

/// A store result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Runs `f` in a transaction: its own when the connection has none open, the caller's otherwise
/// (a change and its webhook event commit together either way).
pub(crate) fn in_transaction<T>(conn: &crate::sql::Connection, f: impl FnOnce(&crate::sql::Connection) -> Result<T>) -> Result<T> {
    if !conn.is_autocommit() {
        return f(conn);
    }
    let tx = conn.unchecked_transaction()?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// Maps a UNIQUE violation on `columns` (as SQLite names them, `contacts.tenant_id,
/// contacts.phone_key`) to a 422 on their field with the spec's `unique` message from `rules`;
/// any other error passes through. The pre-checks catch duplicates first; this is what makes
/// concurrent duplicates a 422 and never a 500.
pub(crate) fn unique_violation(e: rusqlite::Error, rules: &[Field], columns: &[(&str, &str)]) -> Error {
    if let rusqlite::Error::SqliteFailure(code, Some(text)) = &e
        && code.code == rusqlite::ErrorCode::ConstraintViolation
    {
        for (columns, field) in columns {
            if text.contains(columns) {
                return Error::field(*field, message(rules, field, "unique"));
            }
        }
    }
    e.into()
}

/// A JSON column's value (`contacts.group_id`); malformed JSON is a failure of the column,
/// never a default.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(row: &crate::sql::Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    json_text(index, &text)
}

/// The JSON text of column `index`, decoded.
pub(crate) fn json_text<T: serde::de::DeserializeOwned>(index: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
}

/// The digits of a phone number, the key every phone lookup uses (`+91 99999-99999` and
/// `919999999999` are the same number); the trimmed text when it holds no digit at all.
pub fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() { phone.trim().to_owned() } else { digits }
}

/// A phone as contacts store it: the leading `+` when sent, then its ASCII digits (`+91 (999)
/// 999-9999` is `+919999999999`); the trimmed text when it holds no ASCII digit (the glue's
/// phone format refuses such phones on the contact operations).
pub fn normalise_phone(phone: &str) -> String {
    let digits = phone_key(phone);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits;
    }
    if phone.trim_start().starts_with('+') { format!("+{digits}") } else { digits }
}

/// A random lowercase hex string of `bytes` random bytes.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    hex(&buf)
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Hex SHA-256 of text.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(text.as_bytes()))
}

/// A random number below `bound`, uniform.
pub(crate) fn random_below(bound: u64) -> u64 {
    let zone = u64::MAX - u64::MAX % bound;
    loop {
        let mut buf = [0u8; 8];
        getrandom::fill(&mut buf).expect("the OS random source is available");
        let n = u64::from_le_bytes(buf);
        if n < zone {
            return n % bound;
        }
    }
}

#[cfg(test)]
pub(crate) mod testing;
