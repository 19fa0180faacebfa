//! The example data (`--example-data`): the records the API reference's examples name, so that
//! each curl command and Rust snippet of `generated/docs/` answers as documented on a fresh
//! sandbox: contacts 1-4 and 123-125, groups 1-4, a chat with 919876543210 (comments) holding
//! message 5021, and the `order_update` template in `en_GB` under Meta id 1234567890123456.
//!
//! The records keep out of the way of the examples that create: no seeded contact has the phone
//! or email Create Contact sends, no group is called "VIP Customers", and the second status is
//! not "Hot Lead" (the name Create Status sends). Deletable records (contact 2, group 4, source
//! 2, status 3) are used by no contact.

use rusqlite::params;
use crate::sql::Connection;

use crate::clock::Ts;
use crate::seed::TenantSeed;
use crate::store::Result;
use crate::store::templates::{Fixture, MetaTemplate};

/// The primary tenant's seed with the example data: its second status is renamed, since
/// Create Status's example creates "Hot Lead".
pub fn adapt(seed: &mut TenantSeed) {
    for (name, _) in &mut seed.statuses {
        if name == "Hot Lead" {
            *name = "Warm Lead".into();
        }
    }
}

/// The fixture with the example templates added (Send Template and Get Template name them), so
/// that Sync Templates keeps them too.
pub fn add_templates(fixture: &mut Fixture) {
    let template = serde_json::json!({
        "id": "1234567890123456",
        "name": "order_update",
        "language": "en_GB",
        "status": "APPROVED",
        "category": "UTILITY",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["#1042"]}},
            {"type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped.", "example": {"body_text": [["Jane", "#1042"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track order", "url": "https://shop.example.com/track/{{1}}", "example": ["https://shop.example.com/track/1042"]}]}
        ]
    });
    match serde_json::from_value::<MetaTemplate>(template) {
        Ok(template) => fixture.data.push(template),
        Err(e) => unreachable!("the example template is Meta's shape: {e}"),
    }
}

/// (id, first name, last name, phone, type, group ids)
const CONTACTS: &[(i64, &str, &str, &str, &str, &str)] = &[
    (1, "Priya", "Sharma", "+919876543210", "lead", "[1]"),
    (2, "Ravi", "Kumar", "+919812345678", "customer", "[]"),
    (3, "Meera", "Iyer", "+919820000103", "lead", "[]"),
    (4, "Karan", "Mehta", "+919820000104", "guest", "[]"),
    (123, "Anil", "Rao", "+919820000123", "lead", "[]"),
    (124, "Sunita", "Das", "+919820000124", "lead", "[1]"),
    (125, "Vikram", "Singh", "+919820000125", "customer", "[]"),
];

const GROUPS: &[(i64, &str)] = &[(1, "Newsletter"), (2, "Pune Trade Fair"), (3, "Wholesale"), (4, "Old Leads")];

/// Seeds the example records for `tenant_id` (a tenant just seeded: its first status and
/// source are the ones the contacts get), in one transaction (the caller's, when one is open).
pub fn seed(conn: &Connection, tenant_id: i64, now: Ts) -> Result<()> {
    crate::store::in_transaction(conn, |tx| seed_in(tx, tenant_id, now))
}

fn seed_in(tx: &Connection, tenant_id: i64, now: Ts) -> Result<()> {
    let first = |table: &str| -> rusqlite::Result<i64> {
        tx.query_row(&format!("SELECT MIN(id) FROM {table} WHERE tenant_id = ?1"), [tenant_id], |r| r.get(0))
    };
    let (status, source) = (first("statuses")?, first("sources")?);
    for (id, name) in GROUPS {
        tx.execute("INSERT INTO groups (id, tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)", params![id, tenant_id, name, now.0])?;
    }
    for (id, first, last, phone, kind, groups) in CONTACTS {
        let key: String = phone.chars().filter(char::is_ascii_digit).collect();
        tx.execute(
            "INSERT INTO contacts (id, tenant_id, firstname, lastname, type, phone, phone_key, status_id, source_id, group_id, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![id, tenant_id, first, last, kind, phone, key, status, source, groups, now.0],
        )?;
    }
    tx.execute("INSERT INTO chats (tenant_id, contact_id, mobile, created_at) VALUES (?1, 1, '919876543210', ?2)", params![tenant_id, now.0])?;
    let chat = tx.last_insert_rowid();
    let text = "Hello Priya, your order #1042 has shipped.";
    tx.execute(
        "INSERT INTO chat_messages (tenant_id, chat_id, type, message, message_id, created_at) VALUES (?1, ?2, 'text', ?3, 'wamid.example5021', ?4)",
        params![tenant_id, chat, text, now.0],
    )?;
    let chat_message = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO messages (id, tenant_id, chat_id, chat_message_id, contact_id, type, message, status, message_id, direction, sent_at, created_at, updated_at) \
         VALUES (5021, ?1, ?2, ?3, 1, 'text', ?4, 'sent', 'wamid.example5021', 'outbound', ?5, ?5, ?5)",
        params![tenant_id, chat, chat_message, text, now.0],
    )?;
    tx.ids_follow(&["groups", "contacts", "messages"])?;
    Ok(())
}
