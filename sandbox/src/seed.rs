//! First-start data: a tenant with its account, plan (limits and feature flags), staff, default
//! lead settings, sources, statuses, templates (from the WhatsApp fixture) and a full-scope
//! token; optionally a second tenant set up like a Free account, to show isolation and the
//! errors of an account without WhatsApp or templates. `TenantSeed` lets tests seed any shape.

use rusqlite::params;
use crate::sql::Connection;

use crate::clock::Ts;
use crate::store::templates::{self, Fixture};
use wacr_server::models::{Scope, ScopeSet};

use crate::store::tokens::{self, IssuedToken};
use crate::store::{Ctx, Result};

/// A plan: its limits (`None` not configured, -1 unlimited) and feature flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanSeed {
    pub name: String,
    pub contacts: Option<i64>,
    pub conversations: Option<i64>,
    pub campaigns: Option<i64>,
    pub staff: Option<i64>,
    pub whatsapp_templates: bool,
    pub bulk_messaging: bool,
    pub chatbot: bool,
    pub advanced_analytics: bool,
    pub custom_branding: bool,
}

/// A token to issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSeed {
    pub name: String,
    pub scopes: ScopeSet<Scope>,
    pub rate_limit_per_minute: i64,
}

impl TokenSeed {
    /// A token with every scope.
    pub fn full(name: &str, rate_limit_per_minute: i64) -> TokenSeed {
        TokenSeed { name: name.into(), scopes: ScopeSet::all(), rate_limit_per_minute }
    }
}

/// Everything a tenant starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantSeed {
    pub company_name: Option<String>,
    pub subdomain: String,
    pub plan: PlanSeed,
    /// `Some((status, days until the period ends))`; `None`: no subscription (shown as Free).
    pub subscription: Option<(String, i64)>,
    pub whatsapp_configured: bool,
    /// The default WhatsApp sender number (digits).
    pub whatsapp_phone: String,
    /// Whether auto-created contacts get a default status, source and assignee.
    pub default_lead_settings: bool,
    pub staff: Vec<(String, String)>,
    pub sources: Vec<String>,
    pub statuses: Vec<(String, Option<String>)>,
    pub templates: bool,
    pub active_campaigns: i64,
    pub tokens: Vec<TokenSeed>,
}

impl TenantSeed {
    /// The main tenant: a Pro plan with room to spare, WhatsApp set up, templates synced.
    pub fn primary(rate_limit_per_minute: i64) -> TenantSeed {
        TenantSeed {
            company_name: Some("Sandbox Company".into()),
            subdomain: "sandbox".into(),
            plan: PlanSeed {
                name: "Pro".into(),
                contacts: Some(10_000),
                conversations: Some(5_000),
                campaigns: Some(20),
                staff: Some(10),
                whatsapp_templates: true,
                bulk_messaging: true,
                chatbot: true,
                advanced_analytics: true,
                custom_branding: false,
            },
            subscription: Some(("active".into(), 30)),
            whatsapp_configured: true,
            whatsapp_phone: "15550001111".into(),
            default_lead_settings: true,
            staff: vec![("Sandbox Owner".into(), "owner@sandbox.test".into()), ("Sandbox Agent".into(), "agent@sandbox.test".into())],
            sources: ["Website", "WhatsApp", "Referral", "Facebook Ads"].map(String::from).to_vec(),
            statuses: vec![
                ("New".into(), Some("#3498DB".into())),
                ("Hot Lead".into(), Some("#FF5733".into())),
                ("Customer".into(), Some("#2ECC71".into())),
                ("Lost".into(), None),
            ],
            templates: true,
            active_campaigns: 2,
            tokens: vec![TokenSeed::full("default", rate_limit_per_minute)],
        }
    }

    /// The second tenant: a Free account without WhatsApp, templates or default lead settings.
    pub fn second(rate_limit_per_minute: i64) -> TenantSeed {
        TenantSeed {
            company_name: None,
            subdomain: "second".into(),
            plan: PlanSeed {
                name: "Free".into(),
                contacts: Some(100),
                conversations: Some(50),
                campaigns: Some(0),
                staff: Some(1),
                whatsapp_templates: false,
                bulk_messaging: false,
                chatbot: false,
                advanced_analytics: false,
                custom_branding: false,
            },
            subscription: None,
            whatsapp_configured: false,
            whatsapp_phone: "15550002222".into(),
            default_lead_settings: false,
            staff: vec![("Second Owner".into(), "owner@second.test".into())],
            sources: vec!["Website".into()],
            statuses: vec![("New".into(), None)],
            templates: false,
            active_campaigns: 0,
            tokens: vec![TokenSeed::full("second", rate_limit_per_minute)],
        }
    }
}

/// A seeded tenant and the text of its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededTenant {
    pub tenant_id: i64,
    pub subdomain: String,
    pub tokens: Vec<IssuedToken>,
}

/// Whether the database has no tenant yet (a first start).
pub fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM tenants)", [], |r| r.get(0))?)
}

/// The id of the tenant with this subdomain.
pub fn tenant_id(conn: &Connection, subdomain: &str) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT id FROM tenants WHERE subdomain = ?1", [subdomain], |r| r.get(0)).optional()?)
}

/// Seeds one tenant in one transaction (the caller's, when one is open).
pub fn seed_tenant(conn: &Connection, seed: &TenantSeed, fixture: &Fixture, now: Ts) -> Result<SeededTenant> {
    crate::store::in_transaction(conn, |tx| seed_tenant_in(tx, seed, fixture, now))
}

fn seed_tenant_in(tx: &Connection, seed: &TenantSeed, fixture: &Fixture, now: Ts) -> Result<SeededTenant> {
    let p = &seed.plan;
    tx.execute(
        "INSERT INTO plans (name, contacts_limit, conversations_limit, campaigns_limit, staff_limit, whatsapp_templates, \
         bulk_messaging, chatbot, advanced_analytics, api_access, custom_branding) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)",
        params![p.name, p.contacts, p.conversations, p.campaigns, p.staff, p.whatsapp_templates, p.bulk_messaging, p.chatbot, p.advanced_analytics, p.custom_branding],
    )?;
    let plan_id = tx.last_insert_rowid();
    let (sub_status, sub_expires) = match &seed.subscription {
        Some((status, days)) => (Some(status.clone()), Some(now.plus_secs(days * 86_400).0)),
        None => (None, None),
    };
    let waba = seed.whatsapp_configured.then(|| format!("waba-{}", seed.subdomain));
    tx.execute(
        "INSERT INTO tenants (company_name, subdomain, plan_id, subscription_status, subscription_expires_at, active_campaigns, \
         whatsapp_configured, whatsapp_phone, wm_business_account_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![seed.company_name, seed.subdomain, plan_id, sub_status, sub_expires, seed.active_campaigns, seed.whatsapp_configured, seed.whatsapp_phone, waba, now.0],
    )?;
    let tenant_id = tx.last_insert_rowid();
    let mut first_user = None;
    for (name, email) in &seed.staff {
        tx.execute("INSERT INTO users (tenant_id, name, email, created_at) VALUES (?1, ?2, ?3, ?4)", params![tenant_id, name, email, now.0])?;
        first_user.get_or_insert(tx.last_insert_rowid());
    }
    let mut first_source = None;
    for name in &seed.sources {
        tx.execute("INSERT INTO sources (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)", params![tenant_id, name, now.0])?;
        first_source.get_or_insert(tx.last_insert_rowid());
    }
    let mut first_status = None;
    for (name, color) in &seed.statuses {
        tx.execute(
            "INSERT INTO statuses (tenant_id, name, color, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![tenant_id, name, color, now.0],
        )?;
        first_status.get_or_insert(tx.last_insert_rowid());
    }
    if seed.default_lead_settings {
        tx.execute(
            "UPDATE tenants SET default_status_id = ?2, default_source_id = ?3, default_assigned_id = ?4 WHERE id = ?1",
            params![tenant_id, first_status, first_source, first_user],
        )?;
    }
    if seed.templates {
        templates::apply(tx, &Ctx { tenant_id, now }, fixture)?;
    }
    let mut issued = Vec::new();
    for t in &seed.tokens {
        issued.push(tokens::issue(tx, tenant_id, &t.name, t.scopes, t.rate_limit_per_minute, now)?);
    }
    Ok(SeededTenant { tenant_id, subdomain: seed.subdomain.clone(), tokens: issued })
}
