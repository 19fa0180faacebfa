//! OTP verification (`auth.yaml`): send a caller-supplied code through an APPROVED
//! AUTHENTICATION template, resend a generated one (3 per 5 minutes per phone), verify (10
//! attempts per minute per phone; 5 failed attempts per OTP; expiry) and inspect. One OTP is
//! kept per phone (by digits) and purpose; the code is stored only as a hash.

use rusqlite::{OptionalExtension, params};
use crate::sql::Connection;
use wacr_server::models::{
    CheckOtpStatusBody, OtpSent, OtpStatus, OtpVerified, ResendOtpBody, SendOtpBody, Template, TemplateCategory, TemplateStatus,
    VerifyOtpBody,
};

use super::delivery::{self, Outgoing, Recipient};
use super::templates;
use super::{Ctx, Error, Result, in_transaction, phone_key, random_below, sha256_hex};
use crate::clock::{MINUTE, Ts};

/// Failed verification attempts an OTP allows.
pub const MAX_ATTEMPTS: i64 = 5;
/// Resends allowed per phone in `RESEND_WINDOW_SECS`.
pub const RESEND_LIMIT: i64 = 3;
pub const RESEND_WINDOW_SECS: i64 = 300;
/// Verifications allowed per phone in `VERIFY_WINDOW_SECS`.
pub const VERIFY_LIMIT: i64 = 10;
pub const VERIFY_WINDOW_SECS: i64 = 60;

const DEFAULT_PURPOSE: &str = "authentication";

/// Send OTP/Verification Code.
pub fn send_otp(conn: &mut Connection, ctx: &Ctx, req: &SendOtpBody) -> Result<OtpSent> {
    let purpose = req.purpose.as_deref().unwrap_or(DEFAULT_PURPOSE);
    let tx = conn.transaction()?;
    let sent = deliver(&tx, ctx, req, purpose)?;
    tx.commit()?;
    Ok(sent)
}

/// Where the OTP resend and verify limits are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtpLimits {
    /// In the database (`rate_counters`), by the functions of this module.
    Database,
    /// By the caller, before the call (a store shared by several sandboxes); the caller also
    /// clears the verify limit after a successful verification.
    Caller,
}

/// The key of the resend limit of `phone` (by its digits).
pub fn resend_key(tenant_id: i64, phone: &str) -> String {
    format!("otp-resend:{tenant_id}:{}", phone_key(phone))
}

/// The key of the verify limit of `phone` (by its digits).
pub fn verify_key(tenant_id: i64, phone: &str) -> String {
    format!("otp-verify:{tenant_id}:{}", phone_key(phone))
}

/// Resend OTP: a new random 6-digit code replaces the phone's OTP for the purpose. Each call
/// counts against the resend limit, whatever its outcome.
pub fn resend_otp(conn: &mut Connection, ctx: &Ctx, req: &ResendOtpBody) -> Result<OtpSent> {
    resend_otp_with(conn, ctx, req, OtpLimits::Database)
}

/// [`resend_otp`], with the resend limit counted where `limits` says.
pub fn resend_otp_with(conn: &mut Connection, ctx: &Ctx, req: &ResendOtpBody, limits: OtpLimits) -> Result<OtpSent> {
    if limits == OtpLimits::Database {
        limit(conn, &resend_key(ctx.tenant_id, &req.phone), RESEND_LIMIT, RESEND_WINDOW_SECS, ctx.now)?;
    }
    let send = SendOtpBody {
        language: req.language.clone(),
        expiry_minutes: req.expiry_minutes,
        purpose: req.purpose.clone(),
        ..SendOtpBody::new(req.phone.clone(), req.template_name.clone(), otp_code())
    };
    send_otp(conn, ctx, &send)
}

fn deliver(conn: &Connection, ctx: &Ctx, req: &SendOtpBody, purpose: &str) -> Result<OtpSent> {
    delivery::require_templates_feature(conn, ctx)?;
    let sender = delivery::sender(conn, ctx)?;
    delivery::named_contact(conn, ctx, req.contact_id)?;
    let language = req.language.as_deref().unwrap_or("en");
    let template = auth_template(conn, ctx, &req.template_name, language)?;
    let expiry_minutes = req.expiry_minutes.unwrap_or(10);
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(conn, ctx, &recipient)?;
    let chat = delivery::open_chat(conn, ctx, &contact, &req.phone)?;
    let mut values = vec![req.code.clone(), expiry_minutes.to_string()];
    values.extend(req.additional_params.iter().flatten().cloned());
    let body = templates::fill(&template.body_data, &values[..values.len().min(template.body_params_count.max(1) as usize)]);
    let sent = delivery::dispatch(conn, ctx, &sender, &contact, &chat, &req.phone, Outgoing { kind: "template", text: body, url: None })?;
    let expires_at = store_otp(conn, ctx, &req.phone, purpose, &req.code, expiry_minutes)?;
    Ok(OtpSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        template_name: template.template_name,
        language: template.language,
        code_sent: true,
        expiry_minutes,
        expires_at: expires_at.iso(),
        status: "sent".into(),
        sent_at: sent.sent_at.iso(),
    })
}

/// The named template: 404 when there is none in the language, 422 when it is not an APPROVED
/// AUTHENTICATION template.
fn auth_template(conn: &Connection, ctx: &Ctx, name: &str, language: &str) -> Result<Template> {
    let candidates = templates::by_name(conn, ctx, name, language)?;
    if candidates.is_empty() {
        return Err(Error::NotFound { what: "template", field: Some("template_name") });
    }
    candidates
        .into_iter()
        .find(|t| t.status.known() == Some(TemplateStatus::Approved) && t.category.known() == Some(TemplateCategory::Authentication))
        .ok_or_else(|| Error::field("template_name", "The template must be an APPROVED template of category AUTHENTICATION"))
}

/// A random 6-digit code.
pub(crate) fn otp_code() -> String {
    format!("{:06}", random_below(1_000_000))
}

/// Stores (replacing) the OTP of a phone and purpose; returns its expiry.
pub(crate) fn store_otp(conn: &Connection, ctx: &Ctx, phone: &str, purpose: &str, code: &str, expiry_minutes: i64) -> Result<Ts> {
    let key = phone_key(phone);
    let expires_at = Ts(ctx.now.0 + expiry_minutes * MINUTE);
    conn.execute(
        "INSERT INTO otps (tenant_id, phone, purpose, code_hash, attempts, max_attempts, expires_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7) \
         ON CONFLICT (tenant_id, phone, purpose) DO UPDATE SET code_hash = excluded.code_hash, attempts = 0, \
         max_attempts = excluded.max_attempts, expires_at = excluded.expires_at, created_at = excluded.created_at",
        params![ctx.tenant_id, key, purpose, code_hash(ctx, &key, code), MAX_ATTEMPTS, expires_at.0, ctx.now.0],
    )?;
    Ok(expires_at)
}

fn code_hash(ctx: &Ctx, phone_key: &str, code: &str) -> String {
    sha256_hex(&format!("{}:{phone_key}:{}", ctx.tenant_id, code.trim()))
}

struct Otp {
    id: i64,
    code_hash: String,
    attempts: i64,
    max_attempts: i64,
    expires_at: Ts,
    created_at: Ts,
}

fn find(conn: &Connection, ctx: &Ctx, phone: &str, purpose: &str) -> Result<Option<Otp>> {
    Ok(conn
        .query_row(
            "SELECT id, code_hash, attempts, max_attempts, expires_at, created_at FROM otps \
             WHERE tenant_id = ?1 AND phone = ?2 AND purpose = ?3",
            params![ctx.tenant_id, phone_key(phone), purpose],
            |r| {
                Ok(Otp {
                    id: r.get(0)?,
                    code_hash: r.get(1)?,
                    attempts: r.get(2)?,
                    max_attempts: r.get(3)?,
                    expires_at: Ts(r.get(4)?),
                    created_at: Ts(r.get(5)?),
                })
            },
        )
        .optional()?)
}

/// Verify OTP: checks, in order, the verify limit, OTP_NOT_FOUND, MAX_ATTEMPTS_EXCEEDED,
/// OTP_EXPIRED and INVALID_CODE (which counts a failed attempt). Success uses the OTP up and
/// clears the limiter.
pub fn verify_otp(conn: &Connection, ctx: &Ctx, req: &VerifyOtpBody) -> Result<OtpVerified> {
    verify_otp_with(conn, ctx, req, OtpLimits::Database)
}

/// [`verify_otp`], with the verify limit counted (and cleared) where `limits` says. One
/// transaction: two verifications of one code (on two sandboxes of one database, too) never
/// both succeed. A refusal is committed with what it counted (the attempt, the limit's hit).
pub fn verify_otp_with(conn: &Connection, ctx: &Ctx, req: &VerifyOtpBody, limits: OtpLimits) -> Result<OtpVerified> {
    in_transaction(conn, |conn| verify_in(conn, ctx, req, limits))?
}

/// The verification: the outer `Err` is a database failure (rolled back), the inner one the
/// API's answer (committed).
fn verify_in(conn: &Connection, ctx: &Ctx, req: &VerifyOtpBody, limits: OtpLimits) -> Result<Result<OtpVerified>> {
    let (phone, code) = (req.phone.as_str(), req.code.as_str());
    let purpose = req.purpose.as_deref().unwrap_or(DEFAULT_PURPOSE);
    let key = verify_key(ctx.tenant_id, phone);
    if limits == OtpLimits::Database {
        match limit(conn, &key, VERIFY_LIMIT, VERIFY_WINDOW_SECS, ctx.now) {
            Err(refused @ Error::RateLimited { .. }) => return Ok(Err(refused)),
            other => other?,
        }
    }
    let Some(otp) = find(conn, ctx, phone, purpose)? else { return Ok(Err(Error::OtpNotFound)) };
    if otp.attempts >= otp.max_attempts {
        return Ok(Err(Error::MaxAttemptsExceeded));
    }
    if ctx.now >= otp.expires_at {
        return Ok(Err(Error::OtpExpired));
    }
    if otp.code_hash != code_hash(ctx, &phone_key(phone), code) {
        conn.execute("UPDATE otps SET attempts = attempts + 1 WHERE id = ?1", [otp.id])?;
        return Ok(Err(Error::InvalidCode { attempts_remaining: (otp.max_attempts - otp.attempts - 1).max(0) }));
    }
    conn.execute("DELETE FROM otps WHERE id = ?1", [otp.id])?;
    conn.execute("DELETE FROM rate_counters WHERE key = ?1", [&key])?;
    Ok(Ok(OtpVerified { phone: phone.to_owned(), purpose: purpose.to_owned(), verified_at: ctx.now.iso() }))
}

/// Check OTP Status: reads without consuming or counting; an expired OTP is still reported.
pub fn otp_status(conn: &Connection, ctx: &Ctx, req: &CheckOtpStatusBody) -> Result<OtpStatus> {
    let purpose = req.purpose.as_deref().unwrap_or(DEFAULT_PURPOSE);
    Ok(match find(conn, ctx, &req.phone, purpose)? {
        None => OtpStatus {
            has_active_otp: false,
            expires_at: None,
            expires_in_seconds: None,
            is_expired: None,
            verification_attempts: None,
            max_attempts: None,
            attempts_remaining: None,
            created_at: None,
            message: Some("No active OTP found".into()),
        },
        Some(otp) => OtpStatus {
            has_active_otp: true,
            expires_at: Some(otp.expires_at.iso()),
            expires_in_seconds: Some(ctx.now.secs_until_ceil(otp.expires_at)),
            is_expired: Some(ctx.now >= otp.expires_at),
            verification_attempts: Some(otp.attempts),
            max_attempts: Some(otp.max_attempts),
            attempts_remaining: Some((otp.max_attempts - otp.attempts).max(0)),
            created_at: Some(otp.created_at.iso()),
            message: None,
        },
    })
}

/// RATE_LIMIT_EXCEEDED when `key` has used up `max` hits of its window, else counts a hit.
fn limit(conn: &Connection, key: &str, max: i64, window_secs: i64, now: Ts) -> Result<()> {
    if let Some(retry_after) = too_many(conn, key, max, now)? {
        return Err(Error::RateLimited { retry_after });
    }
    hit(conn, key, window_secs, now)
}

/// Laravel `RateLimiter::tooManyAttempts`: the seconds to wait when `key` has used up `max`
/// hits of its current window.
fn too_many(conn: &Connection, key: &str, max: i64, now: Ts) -> Result<Option<i64>> {
    let row: Option<(i64, i64)> =
        conn.query_row("SELECT hits, reset_at FROM rate_counters WHERE key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    Ok(match row {
        Some((hits, reset_at)) if reset_at > now.0 && hits >= max => Some(now.secs_until_ceil(Ts(reset_at)).max(1)),
        _ => None,
    })
}

/// Laravel `RateLimiter::hit`: a window starts at the first hit and lasts `window_secs`.
fn hit(conn: &Connection, key: &str, window_secs: i64, now: Ts) -> Result<()> {
    conn.execute(
        "INSERT INTO rate_counters (key, hits, reset_at) VALUES (?1, 1, ?2) \
         ON CONFLICT (key) DO UPDATE SET \
         hits = CASE WHEN rate_counters.reset_at <= ?3 THEN 1 ELSE rate_counters.hits + 1 END, \
         reset_at = CASE WHEN rate_counters.reset_at <= ?3 THEN ?2 ELSE rate_counters.reset_at END",
        params![key, now.plus_secs(window_secs).0, now.0],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
