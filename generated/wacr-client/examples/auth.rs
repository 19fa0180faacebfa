//! OTP verification: list the authentication templates, send a code, inspect it, try a wrong
//! code (a typed `INVALID_CODE` with the attempts left), verify the right one, and resend.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example auth
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`. The sandbox delivers
//! nothing; against the real API the code goes to `WACR_PHONE` over WhatsApp.

use wacr_client::models::{
    CheckOtpStatusBody, InvalidCodeDetails, ListAuthTemplatesQuery, Open, ResendOtpBody, SendOtpBody, VerifyOtpBody,
    VerifyOtpError,
};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let phone = std::env::var("WACR_PHONE").unwrap_or_else(|_| "+919876500001".to_owned());

    let templates = client.auth().list_templates(ListAuthTemplatesQuery::default()).await?;
    for t in &templates.items {
        println!("template {} ({}): {}", t.template_name, t.language, t.body_text);
    }
    let template = templates.items.first().map_or("otp_verification".to_owned(), |t| t.template_name.clone());

    let mut send = SendOtpBody::new(phone.clone(), template.clone(), "482913");
    send.expiry_minutes = Some(10);
    let sent = client.auth().send_otp(send).await?;
    println!("sent {} to {} (message {}), expires at {}", sent.template_name, sent.phone, sent.message_id, sent.expires_at);

    let status = client.auth().otp_status(CheckOtpStatusBody::new(phone.clone())).await?;
    println!("active: {}, attempts left: {:?}", status.has_active_otp, status.attempts_remaining);

    match client.auth().verify_otp(VerifyOtpBody::new(phone.clone(), "000000")).await {
        Ok(_) => println!("a wrong code was accepted?"),
        Err(e) => match e.api() {
            Some(api) if api.code == Open::Known(VerifyOtpError::InvalidCode) => {
                let details: Option<InvalidCodeDetails> = api.details.clone().and_then(|d| serde_json::from_value(d).ok());
                println!("wrong code: {} ({:?} attempts left)", api.message, details.map(|d| d.attempts_remaining));
            }
            _ => return Err(e.into()),
        },
    }

    let verified = client.auth().verify_otp(VerifyOtpBody::new(phone.clone(), "482913")).await?;
    println!("verified {} for {} at {}", verified.phone, verified.purpose, verified.verified_at);

    let resent = client.auth().resend_otp(ResendOtpBody::new(phone, template)).await?;
    println!("resent: a new server-generated code, message {}", resent.message_id);
    Ok(())
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
