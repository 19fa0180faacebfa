//! End to end, the web inbox as a person uses it: a real headless Chromium (Debian's chromium
//! and chromium-driver, through fantoccini) against a sandbox on 127.0.0.1, with the generated
//! client as the developer's app. Logging in with the admin token; a message the app sends
//! appearing, its ticks moving with the virtual clock without a reload; a reply typed in the
//! inbox reaching List Messages as inbound and opening the 24-hour window; a free-form send
//! 25 hours later failing with the reason shown; the fault rules panel following the fault
//! API; the webhook log with its attempts. Screenshots of the inbox and of a conversation are
//! kept in `target/inbox-screenshots/`.
//!
//! Without `/usr/bin/chromedriver` a test prints that it skips, unless `CI` is set: then it fails.

#[path = "../support/mod.rs"]
mod support;

mod browser;

use std::time::Duration;

use browser::Browser;
use serde_json::json;
use support::{Options, Sandbox, start_with};
use wacr_client::models::*;
use wacr_sandbox::store::messages::DeliverySimulation;

/// Deliveries that move only when the test moves the clock: delivered a minute after the
/// send, read an hour after.
const SLOW: DeliverySimulation = DeliverySimulation { delivered_after_secs: 60, read_after_secs: 3600 };

async fn sandbox() -> Sandbox {
    start_with(Options { delivery: SLOW, ..Options::default() }).await
}

fn ui(sb: &Sandbox) -> String {
    format!("{}/_sandbox/ui/", sb.running.base_url())
}

/// Logs in through the form with `token`, pressing Enter in the field (the keyboard path).
async fn log_in(browser: &Browser, sb: &Sandbox, token: &str) {
    browser.client.goto(&format!("{}login", ui(sb))).await.expect("the login page");
    browser.type_into("token", &format!("{token}\u{E007}")).await;
}

/// A browser logged in to the inbox, on the conversation list.
async fn logged_in(sb: &Sandbox) -> Option<Browser> {
    let browser = browser::start().await?;
    log_in(&browser, sb, sb.running.admin_token()).await;
    browser.wait_until("the conversation list", "document.querySelector('main h2')?.textContent === 'Conversations'").await;
    Some(browser)
}

/// Marks the page; a reload loses the mark.
async fn mark(browser: &Browser) {
    browser.js("window.__kept = true; return true").await;
}

/// The page was not reloaded since [`mark`].
const KEPT: &str = "window.__kept === true";

fn text(phone: &str, message: &str) -> SendTextMessageBody {
    SendTextMessageBody { phone: phone.into(), message: message.into(), contact_id: None }
}

/// The conversation's last message of `direction` shows `status`.
fn last_status_is(direction: &str, status: &str) -> String {
    format!("[...document.querySelectorAll('.message.{direction}')].at(-1)?.dataset.status === '{status}'")
}

#[tokio::test]
async fn login_takes_the_admin_token_and_pages_redirect_without_it() {
    let sb = sandbox().await;
    let Some(browser) = browser::start().await else { return };
    browser.client.goto(&format!("{}conversations/1", ui(&sb))).await.unwrap();
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/_sandbox/ui/login", "no token: the login form");
    log_in(&browser, &sb, sb.token("default")).await;
    browser.wait_until("the API token refused", "document.body.innerText.includes('WA.cr API token')").await;
    log_in(&browser, &sb, "wacr_admin_not-the-token").await;
    browser.wait_until("a wrong token refused", "document.body.innerText.includes('not this sandbox')").await;
    log_in(&browser, &sb, sb.running.admin_token()).await;
    browser.wait_until("the inbox", "location.pathname === '/_sandbox/ui/'").await;
    assert_eq!(browser.js("return document.cookie.includes('wacr_admin')").await, json!(false), "the cookie is HttpOnly");
    browser.click("form[action$='/logout'] button").await;
    browser.wait_until("logged out", "location.pathname === '/_sandbox/ui/login'").await;
    browser.client.goto(&ui(&sb)).await.unwrap();
    assert_eq!(browser.client.current_url().await.unwrap().path(), "/_sandbox/ui/login");
    browser.close().await;
}

#[tokio::test]
async fn a_sent_message_appears_and_its_ticks_move_with_the_clock_live() {
    let sb = sandbox().await;
    let Some(browser) = logged_in(&sb).await else { return };
    sb.running.inbound_text("+15550500001", "Hi, is my order on its way?").await.unwrap();
    browser.client.goto(&ui(&sb)).await.unwrap();
    mark(&browser).await;
    let body = SendTemplateMessageBody {
        header_field_1: Some("#42".into()),
        field_1: Some("Ana".into()),
        field_2: Some("#42".into()),
        field_3: Some("Friday".into()),
        ..serde_json::from_value(json!({"phone": "+15550500001", "template_name": "order_update", "language": "en"})).unwrap()
    };
    sb.client.messages().send_template(body).await.unwrap();
    sb.client.messages().send_text(text("+15550500001", "Anything else?")).await.unwrap();
    let listed = format!("document.querySelector('.conversation .last')?.textContent.includes('Anything else?') && {KEPT}");
    browser.wait_until("the sent message in the list, without a reload", &listed).await;
    browser.click(".conversation a").await;
    browser.wait_until("the conversation", &last_status_is("outbound", "sent")).await;
    let template = browser.js("return document.querySelector(\".message[data-type='template'] .text\").textContent").await;
    assert_eq!(template, json!("Hi Ana, your order #42 has shipped and arrives on Friday."), "the template with its parameters");
    mark(&browser).await;
    sb.running.clock_advance(Duration::from_secs(61)).await.unwrap();
    browser.wait_until("delivered, without a reload", &format!("{} && {KEPT}", last_status_is("outbound", "delivered"))).await;
    sb.running.clock_advance(Duration::from_secs(3600)).await.unwrap();
    browser.wait_until("read, without a reload", &format!("{} && {KEPT}", last_status_is("outbound", "read"))).await;
    let conversation = browser.screenshot("conversation").await;
    browser.client.goto(&ui(&sb)).await.unwrap();
    mark(&browser).await;
    sb.running.inbound_text("+15550500009", "Do you ship to Lisbon?").await.unwrap();
    let unread = format!("document.querySelector('.conversation .unread')?.textContent === '1' && {KEPT}");
    browser.wait_until("a new customer's message counted unread, without a reload", &unread).await;
    assert_eq!(browser.js("return document.querySelectorAll('.conversation').length").await, json!(2));
    let inbox = browser.screenshot("inbox").await;
    assert!(std::fs::metadata(conversation).unwrap().len() > 1000 && std::fs::metadata(inbox).unwrap().len() > 1000);
    browser.close().await;
}

#[tokio::test]
async fn a_reply_typed_in_the_inbox_is_listed_as_inbound_and_opens_the_window() {
    let sb = sandbox().await;
    let Some(browser) = logged_in(&sb).await else { return };
    let phone = "+15550500002";
    let welcome: SendTemplateMessageBody = serde_json::from_value(json!({"phone": phone, "template_name": "welcome_message", "language": "en"})).unwrap();
    let sent = sb.client.messages().send_template(welcome).await.unwrap();
    browser.client.goto(&format!("{}conversations/{}", ui(&sb), sent.contact_id)).await.unwrap();
    browser.wait_until("the template in the conversation", &last_status_is("outbound", "sent")).await;
    browser.type_into("reply", "Yes please, tell me more").await;
    browser.click("form.reply button").await;
    browser.wait_until("the reply in the conversation", "document.querySelector('.message.inbound .text')?.textContent === 'Yes please, tell me more'").await;

    let inbound = ListMessagesQuery {
        filters: ListMessagesFilters { direction: vec![Filter::eq(MessageDirection::Inbound)], ..Default::default() },
        ..Default::default()
    };
    let listed = sb.client.messages().list(inbound).await.unwrap();
    let texts: Vec<_> = listed.items.iter().map(|m| m.message.as_deref()).collect();
    assert_eq!(texts, [Some("Yes please, tell me more")], "the reply is an inbound message");
    assert_eq!(listed.items[0].interaction_id, sent.chat_id, "in the contact's chat");

    // the window is open: a free-form send is delivered
    let free = sb.client.messages().send_text(text(phone, "Here is our catalogue")).await.unwrap();
    sb.running.clock_advance(Duration::from_secs(61)).await.unwrap();
    let history = sb.client.messages().list(ListMessagesQuery::default()).await.unwrap();
    let shown = history.items.iter().find(|m| m.message_id.as_deref() == Some(free.message_id.as_str())).expect("the send is listed");
    assert_eq!(shown.status.as_ref().map(|s| s.as_str()), Some("delivered"));
    browser.wait_until("delivered in the inbox", &last_status_is("outbound", "delivered")).await;
    browser.close().await;
}

#[tokio::test]
async fn a_free_form_send_25_hours_after_the_last_reply_fails_and_the_inbox_says_why() {
    let sb = sandbox().await;
    let Some(browser) = logged_in(&sb).await else { return };
    let phone = "+15550500003";
    sb.running.inbound_text(phone, "Hello?").await.unwrap();
    sb.running.clock_advance(Duration::from_secs(25 * 3600)).await.unwrap();
    let late = sb.client.messages().send_text(text(phone, "Sorry for the wait")).await.unwrap();
    assert_eq!(late.status.as_str(), "sent", "the send is accepted");
    browser.client.goto(&ui(&sb)).await.unwrap();
    browser.click(".conversation a").await;
    browser.wait_until("the late send", &last_status_is("outbound", "sent")).await;
    sb.running.clock_advance(Duration::from_secs(61)).await.unwrap();
    browser.wait_until("failed, live", &last_status_is("outbound", "failed")).await;
    let reason = browser.js("return [...document.querySelectorAll('.message.outbound')].at(-1).querySelector('.reason').textContent").await;
    assert!(reason.as_str().is_some_and(|r| r.contains("24 hours")), "the reason names the window rule: {reason}");
    let history = sb.client.messages().list(ListMessagesQuery::default()).await.unwrap();
    let failed = history.items.iter().find(|m| m.message_id.as_deref() == Some(late.message_id.as_str())).expect("listed");
    assert_eq!(failed.status.as_ref().map(|s| s.as_str()), Some("failed"));
    browser.close().await;
}

#[tokio::test]
async fn the_fault_rules_panel_lists_a_rule_added_through_the_api() {
    let sb = sandbox().await;
    let Some(browser) = logged_in(&sb).await else { return };
    mark(&browser).await;
    let rule = json!({"match": {"operation": "list_contacts"}, "fire": {"times": 1}, "action": {"status": 503}});
    let faults = format!("{}/_sandbox/faults", sb.running.base_url());
    let admin = sb.running.admin_token();
    let added = sb.http.post(&faults).bearer_auth(admin).json(&rule).send().await.unwrap();
    assert_eq!(added.status(), 201);
    let listed = format!("document.querySelector('.fault')?.textContent.includes('list_contacts: status 503, the next call') && {KEPT}");
    browser.wait_until("the rule in the panel, without a reload", &listed).await;
    let cleared = sb.http.delete(&faults).bearer_auth(admin).send().await.unwrap();
    assert!(cleared.status().is_success());
    browser.wait_until("no rule left", &format!("document.querySelector('.fault') === null && {KEPT}")).await;
    browser.close().await;
}

/// The event stream without a browser: a `change` event after a write, and the stream ends
/// when the sandbox stops (the shutdown does not wait for open pages).
#[tokio::test]
async fn the_event_stream_announces_changes_and_ends_when_the_sandbox_stops() {
    let sb = sandbox().await;
    let events = format!("{}events", ui(&sb));
    let refused = sb.http.get(&events).send().await.unwrap();
    assert_eq!(refused.url().path(), "/_sandbox/ui/login", "no token: redirected to the form");
    let mut stream = sb.http.get(&events).header("cookie", format!("wacr_admin={}", sb.running.admin_token())).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    sb.running.inbound_text("+15550500004", "ping").await.unwrap();
    let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("an event").unwrap().unwrap();
    assert!(String::from_utf8_lossy(&chunk).contains("event: change"), "{chunk:?}");
    let Sandbox { running, dir, .. } = sb;
    tokio::time::timeout(Duration::from_secs(5), running.stop()).await.expect("the stop does not wait for the stream").unwrap();
    let rest = tokio::time::timeout(Duration::from_secs(5), async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(rest.is_ok(), "the stream ended");
    drop(dir);
}

#[tokio::test]
async fn the_webhook_log_shows_each_delivery_attempt_live() {
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", refused.local_addr().unwrap());
    drop(refused); // nothing listens there: each attempt is refused
    let webhooks = wacr_sandbox::webhooks::Settings {
        urls: vec![url.clone()],
        retry: wacr_sandbox::webhooks::parse_schedule("").unwrap(),
        ..Default::default()
    };
    let sb = start_with(Options { delivery: SLOW, webhooks, ..Options::default() }).await;
    let Some(browser) = logged_in(&sb).await else { return };
    browser.client.goto(&format!("{}webhooks", ui(&sb))).await.unwrap();
    mark(&browser).await;
    sb.running.inbound_text("+15550500005", "Hello").await.unwrap();
    let failed = format!("document.querySelectorAll(\".delivery[data-state='failed'] .attempts li\").length >= 2 && {KEPT}");
    browser.wait_until("the failed attempts, without a reload", &failed).await;
    let text = browser.js("return document.querySelector('.deliveries').innerText").await;
    let text = text.as_str().unwrap_or_default();
    assert!(text.contains("message.received") && text.contains("contact.created") && text.contains(&url), "{text}");
    assert!(text.contains("#1") && text.contains("failed"), "{text}");
    browser.screenshot("webhooks").await;
    browser.close().await;
}

/// A conversation the tenant does not have is a 404 page, read with the admin token as a bearer.
#[tokio::test]
async fn a_missing_conversation_is_a_404_page() {
    let sb = sandbox().await;
    let page = sb.http.get(format!("{}conversations/999999", ui(&sb))).bearer_auth(sb.running.admin_token()).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(page.text().await.unwrap().contains("Contact not found"));
}

/// A delivery state that moves with time alone (no write, so no change notice) is read again
/// when the page says it moves.
#[tokio::test]
async fn a_delivery_state_moving_with_time_alone_updates_the_page() {
    let sb = start_with(Options { delivery: DeliverySimulation { delivered_after_secs: 1, read_after_secs: 3 }, ..Options::default() }).await;
    let Some(browser) = logged_in(&sb).await else { return };
    let phone = "+15550500006";
    sb.running.inbound_text(phone, "Hi").await.unwrap();
    let sent = sb.client.messages().send_text(text(phone, "Hello!")).await.unwrap();
    browser.client.goto(&format!("{}conversations/{}", ui(&sb), sent.contact_id)).await.unwrap();
    mark(&browser).await;
    let shown = browser.js("return [...document.querySelectorAll('.message.outbound')].at(-1).dataset.status").await;
    assert_ne!(shown, json!("read"), "the page opened before the message was read");
    browser.wait_until("read after 3 s, without a reload", &format!("{} && {KEPT}", last_status_is("outbound", "read"))).await;
    browser.close().await;
}
