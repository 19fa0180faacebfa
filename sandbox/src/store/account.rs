//! The calling tenant's account (`account.yaml`): its record and subscription, the usage of
//! each plan-limited feature computed from the stored data, and the plan's limits and flags.

use rusqlite::{OptionalExtension, params};
use crate::sql::Connection;
use wacr_server::models::{Account, AccountSubscription, PlanFeatures, PlanLimitEntry, PlanLimitSet, PlanLimits, Usage, UsageEntry};

use super::{Ctx, Error, Result};
use crate::clock::Ts;

/// One feature's usage against its limit: `remaining` and `percentage_used` are null and 0
/// when the limit is -1 or not configured; otherwise `remaining` stops at 0 and the share at 100.
pub fn usage_entry(current: i64, limit: Option<i64>) -> UsageEntry {
    let counted = limit.filter(|l| *l >= 0);
    let percentage_used = match counted {
        Some(0) => 100.0,
        Some(l) => ((current as f64 / l as f64) * 10_000.0).round().min(10_000.0) / 100.0,
        None => 0.0,
    };
    UsageEntry { current, limit, remaining: counted.map(|l| (l - current).max(0)), percentage_used, is_unlimited: limit == Some(-1) }
}

/// A plan limit; one that is not configured is not enforced, so it reads as unlimited (-1).
fn limit_entry(limit: Option<i64>, feature_name: &str) -> PlanLimitEntry {
    let limit = limit.unwrap_or(-1);
    PlanLimitEntry { limit, feature_name: feature_name.into(), is_unlimited: limit == -1 }
}

/// The tenant's plan as stored.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub contacts: Option<i64>,
    pub conversations: Option<i64>,
    pub campaigns: Option<i64>,
    pub staff: Option<i64>,
    pub features: PlanFeatures,
}

pub(crate) fn plan(conn: &Connection, ctx: &Ctx) -> Result<Plan> {
    conn.query_row(
        "SELECT p.contacts_limit, p.conversations_limit, p.campaigns_limit, p.staff_limit, p.whatsapp_templates, \
         p.bulk_messaging, p.chatbot, p.advanced_analytics, p.api_access, p.custom_branding \
         FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = ?1",
        [ctx.tenant_id],
        |r| {
            Ok(Plan {
                contacts: r.get(0)?,
                conversations: r.get(1)?,
                campaigns: r.get(2)?,
                staff: r.get(3)?,
                features: PlanFeatures {
                    whatsapp_templates: r.get(4)?,
                    bulk_messaging: r.get(5)?,
                    chatbot: r.get(6)?,
                    advanced_analytics: r.get(7)?,
                    api_access: r.get(8)?,
                    custom_branding: r.get(9)?,
                },
            })
        },
    )
    .optional()?
    .ok_or(Error::not_found("tenant"))
}

/// Get Account Info.
pub fn get(conn: &Connection, ctx: &Ctx) -> Result<Account> {
    conn.query_row(
        "SELECT t.id, t.company_name, t.subdomain, t.status, t.created_at, p.id, p.name, t.subscription_status, \
         t.subscription_expires_at FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = ?1",
        [ctx.tenant_id],
        |r| {
            let subdomain: String = r.get(2)?;
            let company: Option<String> = r.get(1)?;
            let sub_status: Option<String> = r.get(7)?;
            let subscription = match sub_status {
                Some(status) => AccountSubscription {
                    plan_name: r.get(6)?,
                    plan_id: r.get(5)?,
                    status: Some(status),
                    expires_at: r.get::<_, Option<i64>>(8)?.map(|t| Ts(t).iso()),
                },
                None => AccountSubscription { plan_name: "Free".into(), plan_id: None, status: None, expires_at: None },
            };
            Ok(Account {
                id: r.get(0)?,
                name: company.filter(|c| !c.is_empty()).unwrap_or_else(|| subdomain.clone()),
                subdomain,
                status: r.get(3)?,
                created_at: Ts(r.get(4)?).iso(),
                subscription,
            })
        },
    )
    .optional()?
    .ok_or(Error::not_found("account"))
}

/// Get Usage Statistics.
pub fn usage(conn: &Connection, ctx: &Ctx) -> Result<Usage> {
    let plan = plan(conn, ctx)?;
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [ctx.tenant_id], |r| r.get(0))?) };
    let contacts = count("SELECT COUNT(*) FROM contacts WHERE tenant_id = ?1")?;
    let campaigns = count("SELECT active_campaigns FROM tenants WHERE id = ?1")?;
    let staff = count("SELECT COUNT(*) FROM users WHERE tenant_id = ?1")?;
    Ok(Usage {
        contacts: usage_entry(contacts, plan.contacts),
        conversations: usage_entry(conversations_this_month(conn, ctx)?, plan.conversations),
        campaigns: usage_entry(campaigns, plan.campaigns),
        staff: usage_entry(staff, plan.staff),
    })
}

/// Get Plan Limits; `api_calls_per_minute` is the calling token's limit.
pub fn limits(conn: &Connection, ctx: &Ctx, token_rate_limit_per_minute: i64) -> Result<PlanLimits> {
    let plan = plan(conn, ctx)?;
    Ok(PlanLimits {
        limits: PlanLimitSet {
            contacts: limit_entry(plan.contacts, "Total Contacts"),
            conversations: limit_entry(plan.conversations, "Conversations per Month"),
            campaigns: limit_entry(plan.campaigns, "Active Campaigns"),
            staff: limit_entry(plan.staff, "Team Members"),
            api_calls_per_minute: limit_entry(Some(token_rate_limit_per_minute), "API Calls per Minute"),
        },
        features: PlanFeatures { api_access: true, ..plan.features },
    })
}

/// Conversations this month: chats with an outbound message since the first of the month (UTC).
pub(crate) fn conversations_this_month(conn: &Connection, ctx: &Ctx) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(DISTINCT chat_id) FROM messages WHERE tenant_id = ?1 AND direction = 'outbound' AND sent_at >= ?2",
        params![ctx.tenant_id, ctx.now.start_of_month().0],
        |r| r.get(0),
    )?)
}

/// Whether a chat already had an outbound message this month (it is then no new conversation).
pub(crate) fn chat_active_this_month(conn: &Connection, ctx: &Ctx, chat_id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE tenant_id = ?1 AND chat_id = ?2 AND direction = 'outbound' AND sent_at >= ?3)",
        params![ctx.tenant_id, chat_id, ctx.now.start_of_month().0],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::TenantSeed;
    use crate::store::testing::Fixture;

    #[test]
    fn account_and_free_fallback() {
        let f = Fixture::new();
        let account = get(&f.conn, &f.ctx()).unwrap();
        assert_eq!((account.name.as_str(), account.subscription.plan_name.as_str()), ("Sandbox Company", "Pro"));
        assert!(account.subscription.expires_at.is_some());
        let second = get(&f.conn, &f.other_ctx()).unwrap();
        assert_eq!(second.name, "second", "no company name: the subdomain");
        assert_eq!(second.subscription, AccountSubscription { plan_name: "Free".into(), plan_id: None, status: None, expires_at: None });
        let ghost = Ctx { tenant_id: 999, now: f.now };
        assert_eq!(get(&f.conn, &ghost), Err(Error::not_found("account")));
        assert_eq!(usage(&f.conn, &ghost), Err(Error::not_found("tenant")));
    }

    #[test]
    fn usage_from_stored_data() {
        let mut seed = TenantSeed::primary(60);
        seed.plan.contacts = Some(4);
        seed.plan.campaigns = Some(-1);
        seed.plan.staff = None;
        let mut f = Fixture::with(seed);
        f.contact("+15550004001");
        let usage = usage(&f.conn, &f.ctx()).unwrap();
        assert_eq!(usage.contacts, UsageEntry { current: 1, limit: Some(4), remaining: Some(3), percentage_used: 25.0, is_unlimited: false });
        assert_eq!(usage.campaigns, UsageEntry { current: 2, limit: Some(-1), remaining: None, percentage_used: 0.0, is_unlimited: true });
        assert_eq!((usage.staff.current, usage.staff.limit, usage.staff.remaining), (2, None, None));
        assert_eq!(usage.conversations.current, 0);
    }

    #[test]
    fn limits_report_the_token_rate() {
        let f = Fixture::new();
        let limits = limits(&f.conn, &f.ctx(), 42).unwrap();
        assert_eq!(limits.limits.api_calls_per_minute.limit, 42);
        assert_eq!(limits.limits.contacts.feature_name, "Total Contacts");
        assert!(limits.features.whatsapp_templates && limits.features.api_access && !limits.features.custom_branding);
        assert!(!super::limits(&f.conn, &f.other_ctx(), 60).unwrap().features.whatsapp_templates);
    }

    #[test]
    fn percentages_round_to_two_decimals() {
        assert_eq!(usage_entry(1, Some(3)).percentage_used, 33.33);
        assert_eq!(usage_entry(5, Some(3)).percentage_used, 100.0);
        assert_eq!(usage_entry(5, Some(3)).remaining, Some(0));
        assert_eq!(usage_entry(0, Some(0)).percentage_used, 100.0);
    }
}
