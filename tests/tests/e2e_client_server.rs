//! End-to-end proof of the emitters: the generated router (`wacr_server::router_with`) serves a
//! small in-memory CRM that implements every API trait, and the generated client drives it over
//! real HTTP on 127.0.0.1. Every resource group is exercised at least once, plus the errors the
//! glue answers itself (401, 403, 404, 422, 429). Each test starts its own server on a fresh
//! store, so the tests run in parallel.
//!
//! The store is deliberately simple but honest: rows belong to a tenant and every read and
//! write is scoped to the caller's `tenant_id`; the rules only an implementation can check
//! (existence in the tenant, uniqueness) answer with the spec's messages through
//! `wacr_server::message`; everything else (required fields, formats, patterns, scopes, rate
//! limits, `include`) is left to the generated glue.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{Debug, Display};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wacr_client::{BuildError, Client, Error, RetryPolicy};
use wacr_models::*;
use wacr_server::{
    AccountApi, ApiError, AuthApi, Authenticator, CommentsApi, Config, ContactsApi, FieldErrors, GroupsApi, MessagesApi,
    Principal, Rejected, SourcesApi, StatusesApi, TemplatesApi, message, rules,
};

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// Tenant 1, every scope.
const ADMIN: &str = "tok-tenant-1-admin";
/// Tenant 2, every scope (tenant isolation).
const OTHER: &str = "tok-tenant-2-admin";
/// Tenant 1, `contacts:read` only (403).
const READER: &str = "tok-tenant-1-reader";
/// Tenant 1, every scope, two requests per minute (429).
const SLOW: &str = "tok-tenant-1-two-per-minute";

type Who = Principal<Scope>;

// ---------------------------------------------------------------------------------------------
// The in-memory store
// ---------------------------------------------------------------------------------------------

const CONTACT_LIMIT: i64 = 100;
const MAX_OTP_ATTEMPTS: i64 = 5;
const DEFAULT_PURPOSE: &str = "authentication";
/// The tenant's WhatsApp number, the sender of everything it sends.
const SENDER: &str = "919800000000";

/// Rows addressed by a numeric id.
trait Row: Clone {
    fn id(&self) -> i64;
}

macro_rules! rows {
    ($($t:ty),*) => { $(impl Row for $t { fn id(&self) -> i64 { self.id } })* };
}
rows!(Contact, Group, Source, Status, Template, MessageDetail);

/// Rows of one kind, each owned by a tenant.
#[derive(Clone)]
struct Table<T> {
    rows: Vec<(i64, T)>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { rows: Vec::new() }
    }
}

impl<T: Row> Table<T> {
    fn of(&self, tenant: i64) -> impl Iterator<Item = &T> + '_ {
        self.rows.iter().filter(move |(t, _)| *t == tenant).map(|(_, row)| row)
    }

    fn of_mut(&mut self, tenant: i64) -> impl Iterator<Item = &mut T> + '_ {
        self.rows.iter_mut().filter(move |(t, _)| *t == tenant).map(|(_, row)| row)
    }

    fn get(&self, tenant: i64, id: i64) -> Option<&T> {
        self.of(tenant).find(|row| row.id() == id)
    }

    fn get_mut(&mut self, tenant: i64, id: i64) -> Option<&mut T> {
        self.of_mut(tenant).find(|row| row.id() == id)
    }

    fn put(&mut self, tenant: i64, row: T) -> T {
        self.rows.push((tenant, row.clone()));
        row
    }

    fn remove(&mut self, tenant: i64, id: i64) -> bool {
        let before = self.rows.len();
        self.rows.retain(|(t, row)| !(*t == tenant && row.id() == id));
        self.rows.len() != before
    }

    fn count(&self, tenant: i64) -> i64 {
        self.of(tenant).count() as i64
    }
}

/// An OTP waiting for verification, per (tenant, phone, purpose).
struct Otp {
    code: String,
    attempts: i64,
    expires: Instant,
    expires_at: String,
    created_at: String,
}

#[derive(Default)]
struct Store {
    /// A fake clock: one tick is one minute of 2026-01-01.
    clock: i64,
    next_id: i64,
    sources: Table<Source>,
    statuses: Table<Status>,
    groups: Table<Group>,
    contacts: Table<Contact>,
    templates: Table<Template>,
    messages: Table<MessageDetail>,
    /// (tenant, contact id, note)
    comments: Vec<(i64, i64, Comment)>,
    otps: HashMap<(i64, String, String), Otp>,
}

fn stamp(minutes: i64) -> String {
    format!("2026-01-01T{:02}:{:02}:00Z", minutes / 60, minutes % 60)
}

/// Why a message cannot be sent to a recipient.
enum Refusal {
    NoContact,
    OptedOut,
    NoDefaults,
    LimitReached(i64),
}

impl Store {
    fn tick(&mut self) -> String {
        self.clock += 1;
        stamp(self.clock)
    }

    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Tenant 1 has WhatsApp configured; tenant 2 does not.
    fn whatsapp(&self, tenant: i64) -> bool {
        tenant == 1
    }

    /// Two tenants: seeded ids below 100 are tenant 1's, 101.. tenant 2's; every row created
    /// later (messages included) gets an id above 1000.
    fn seeded() -> Store {
        let mut s = Store { next_id: 1000, ..Store::default() };
        for (tenant, id, name) in [(1, 1, "Website"), (1, 2, "Referral"), (2, 101, "Walk-in")] {
            let now = s.tick();
            s.sources.put(tenant, Source { id, name: name.into(), created_at: now.clone(), updated_at: now });
        }
        for (tenant, id, name, color) in [(1, 1, "New", "#2E86DE"), (1, 2, "Hot Lead", "#FF5733"), (2, 101, "Prospect", "#00AA00")] {
            let now = s.tick();
            s.statuses.put(tenant, Status { id, name: name.into(), color: Some(color.into()), created_at: now.clone(), updated_at: now });
        }
        for (tenant, id, name) in [(1, 1, "VIP"), (1, 2, "Newsletter"), (2, 102, "VIP")] {
            let now = s.tick();
            s.groups.put(tenant, Group { id, name: name.into(), created_at: now.clone(), updated_at: now });
        }
        let people = [
            (1, 1, "Ann", "Lee", ContactType::Lead, 1, 1, vec![1]),
            (1, 2, "Bob", "Stone", ContactType::Customer, 2, 2, vec![1, 2]),
            (1, 3, "Cleo", "Park", ContactType::Lead, 2, 1, vec![]),
            (1, 4, "Dee", "Moss", ContactType::Guest, 1, 1, vec![2]),
            (1, 5, "Eve", "Hart", ContactType::Lead, 2, 2, vec![]),
            // Same phone as Ann: phones are unique per tenant only.
            (2, 101, "Zoe", "Quinn", ContactType::Lead, 101, 101, vec![]),
        ];
        for (tenant, id, first, last, ty, status_id, source_id, groups) in people {
            let now = s.tick();
            let phone = format!("+91999999{:04}", id % 100);
            s.contacts.put(
                tenant,
                Contact {
                    id,
                    firstname: first.into(),
                    lastname: last.into(),
                    company: (id == 1).then(|| "Acme".into()),
                    r#type: Open::Known(ty),
                    email: None,
                    phone: Some(phone),
                    status_id,
                    source_id,
                    description: None,
                    city: (id == 1).then(|| "Pune".into()),
                    state: None,
                    zip: None,
                    address: None,
                    country_id: Some(91),
                    assigned_id: None,
                    group_id: groups,
                    is_opted_out: first == "Eve",
                    created_at: now.clone(),
                    updated_at: now,
                    groups: None,
                    source: None,
                    status: None,
                },
            );
        }
        s.put_template(1, 1, "1029384756", "order_update", TemplateCategory::Utility, "Your order {{1}} has shipped.");
        s.put_template(1, 2, "5647382910", "otp_verification", TemplateCategory::Authentication, "{{1}} is your code.");
        s.seed_message(1, 1, MessageType::Text, "Hi, is my order ready?", MessageDirection::Inbound);
        s.seed_message(1, 2, MessageType::Template, "Your order 1042 has shipped.", MessageDirection::Outbound);
        s.seed_message(2, 101, MessageType::Text, "Hello from tenant 2", MessageDirection::Inbound);
        let now = s.tick();
        let note = Comment {
            id: 1,
            message: "Prefers WhatsApp over calls".into(),
            r#type: "text".into(),
            status_message: Some("Internal comment".into()),
            url: None,
            message_id: None,
            ref_message_id: None,
            created_at: Some(now),
        };
        s.comments.push((1, 1, note));
        s
    }

    fn put_template(&mut self, tenant: i64, id: i64, template_id: &str, name: &str, category: TemplateCategory, body: &str) {
        let now = self.tick();
        let template = Template {
            id,
            template_id: template_id.into(),
            template_name: name.into(),
            name: name.into(),
            language: "en".into(),
            category: Open::Known(category),
            status: Open::Known(TemplateStatus::Approved),
            header_data_format: Open::Known(TemplateHeaderFormat::None),
            header_data_text: String::new(),
            header_params_count: 0,
            header_file_url: None,
            header_variable_value: None,
            body_data: body.into(),
            body_params_count: 1,
            body_variable_value: None,
            footer_data: None,
            footer_params_count: 0,
            buttons_data: None,
            message_send_ttl_seconds: None,
            add_security_recommendation: category == TemplateCategory::Authentication,
            code_expiration_minutes: (category == TemplateCategory::Authentication).then_some(10),
            otp_button_config: None,
            components: vec![json!({"type": "BODY", "text": body})],
            created_at: now.clone(),
            updated_at: now,
        };
        self.templates.put(tenant, template);
    }

    fn seed_message(&mut self, tenant: i64, contact: i64, ty: MessageType, text: &str, direction: MessageDirection) {
        let recorded = self.record(tenant, contact, ty, text.into());
        let row = self.messages.get_mut(tenant, recorded.id).expect("just recorded");
        row.direction = Some(Open::Known(direction));
        if direction == MessageDirection::Inbound {
            row.sender_id = Some("customer".into());
        }
    }

    /// Stores an outbound message in the contact's chat.
    fn record(&mut self, tenant: i64, contact: i64, ty: MessageType, text: String) -> MessageDetail {
        let (id, now) = (self.id(), self.tick());
        self.messages.put(
            tenant,
            MessageDetail {
                id,
                interaction_id: Some(contact),
                sender_id: Some(SENDER.into()),
                r#type: Some(Open::Known(ty)),
                message: Some(text),
                status: Some(Open::Known(MessageStatus::Sent)),
                message_id: Some(format!("wamid.{id}")),
                sent_at: now.clone(),
                is_read: false,
                direction: Some(Open::Known(MessageDirection::Outbound)),
                created_at: Some(now.clone()),
                updated_at: Some(now),
                status_message: None,
                ref_message_id: None,
                url: None,
                staff_id: None,
                error: None,
            },
        )
    }

    fn contact_by_phone(&self, tenant: i64, phone: &str) -> Option<Contact> {
        self.contacts.of(tenant).find(|c| c.phone.as_deref() == Some(phone)).cloned()
    }

    /// A contact with its groups, source and status loaded. All three, whatever was asked for:
    /// the router keeps only the relations named by `?include=` (the trait's documented contract).
    fn hydrate(&self, tenant: i64, mut c: Contact) -> Contact {
        c.groups = Some(self.groups.of(tenant).filter(|g| c.group_id.contains(&g.id)).cloned().collect());
        c.source = self.sources.get(tenant, c.source_id).cloned();
        c.status = self.statuses.get(tenant, c.status_id).cloned();
        c
    }

    /// The contact rules only the store can check, with the operation's documented messages.
    fn contact_errors(&self, tenant: i64, except: Option<i64>, refs: ContactRefs<'_>, msg: &dyn Fn(&str, &str) -> String) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let others = || self.contacts.of(tenant).filter(move |c| Some(c.id) != except);
        if refs.phone.is_some_and(|p| others().any(|c| c.phone.as_deref() == Some(p))) {
            errors.add("phone", msg("phone", "unique"));
        }
        if refs.email.is_some_and(|e| others().any(|c| c.email.as_deref() == Some(e))) {
            errors.add("email", msg("email", "unique"));
        }
        if refs.source_id.is_some_and(|id| self.sources.get(tenant, id).is_none()) {
            errors.add("source_id", msg("source_id", "exists"));
        }
        if refs.status_id.is_some_and(|id| self.statuses.get(tenant, id).is_none()) {
            errors.add("status_id", msg("status_id", "exists"));
        }
        if refs.groups.is_some_and(|ids| ids.iter().any(|id| self.groups.get(tenant, *id).is_none())) {
            errors.add("groups", msg("groups", "exists"));
        }
        errors
    }

    fn insert_contact(&mut self, tenant: i64, b: CreateContactBody) -> Contact {
        let (id, now) = (self.id(), self.tick());
        let contact = Contact {
            id,
            firstname: b.firstname,
            lastname: b.lastname,
            company: b.company,
            r#type: Open::Known(b.r#type),
            email: b.email,
            phone: Some(b.phone),
            status_id: b.status_id,
            source_id: b.source_id,
            description: b.description,
            city: b.city,
            state: b.state,
            zip: b.zip,
            address: b.address,
            country_id: b.country_id,
            assigned_id: b.assigned_id,
            group_id: b.groups.unwrap_or_default(),
            is_opted_out: false,
            created_at: now.clone(),
            updated_at: now,
            groups: None,
            source: None,
            status: None,
        };
        self.contacts.put(tenant, contact)
    }

    /// The recipient of a send: by id, else by phone, else a new lead with the tenant's
    /// default settings (its first source and status).
    fn recipient(&mut self, tenant: i64, contact_id: Option<i64>, phone: &str) -> Result<Contact, Refusal> {
        let found = match contact_id {
            Some(id) => Some(self.contacts.get(tenant, id).cloned().ok_or(Refusal::NoContact)?),
            None => self.contact_by_phone(tenant, phone),
        };
        let contact = match found {
            Some(contact) => contact,
            None => {
                let count = self.contacts.count(tenant);
                if count >= CONTACT_LIMIT {
                    return Err(Refusal::LimitReached(count));
                }
                let source = self.sources.of(tenant).map(|s| s.id).min().ok_or(Refusal::NoDefaults)?;
                let status = self.statuses.of(tenant).map(|s| s.id).min().ok_or(Refusal::NoDefaults)?;
                let body = CreateContactBody::new(phone, String::new(), phone, ContactType::Lead, source, status);
                self.insert_contact(tenant, body)
            }
        };
        if contact.is_opted_out {
            return Err(Refusal::OptedOut);
        }
        Ok(contact)
    }

    fn template_named(&self, tenant: i64, name: &str, language: Option<&str>) -> Option<Template> {
        self.templates.of(tenant).find(|t| t.template_name == name && language.is_none_or(|l| t.language == l)).cloned()
    }
}

struct ContactRefs<'a> {
    phone: Option<&'a str>,
    email: Option<&'a str>,
    source_id: Option<i64>,
    status_id: Option<i64>,
    groups: Option<&'a [i64]>,
}

/// The codes of a send operation for each [`Refusal`], in [`refused`]'s order.
macro_rules! send_codes {
    ($e:ident) => {
        [$e::NotFound, $e::ContactOptedOut, $e::ValidationError, $e::FeatureLimitExceeded]
    };
}

/// `[not_found, opted_out, invalid, limit]`: the operation's codes for each refusal.
fn refused<C>(refusal: Refusal, [not_found, opted_out, invalid, limit]: [C; 4]) -> ApiError<C> {
    match refusal {
        Refusal::NoContact => ApiError::new(not_found).with_message("Contact not found"),
        Refusal::OptedOut => ApiError::new(opted_out),
        Refusal::NoDefaults => ApiError::new(invalid).with_message("Default lead settings are not configured"),
        Refusal::LimitReached(current) => ApiError::new(limit).with_details(FeatureLimitExceededDetails {
            feature: "contacts".into(),
            current,
            maximum: CONTACT_LIMIT,
        }),
    }
}

fn invalid<C>(code: C, errors: FieldErrors) -> ApiError<C> {
    let mut error = ApiError::new(code);
    error.errors = errors;
    error
}

fn merge_fields(text: &str, c: &Contact) -> String {
    text.replace("@{contact_first_name}", &c.firstname)
        .replace("@{contact_last_name}", &c.lastname)
        .replace("@{contact_email}", c.email.as_deref().unwrap_or(""))
        .replace("@{contact_phone}", c.phone.as_deref().unwrap_or(""))
}

// ---------------------------------------------------------------------------------------------
// List helpers: filters, search, sort, pages
// ---------------------------------------------------------------------------------------------

/// Whether `value` meets every condition.
fn hit<T: PartialOrd + Display, O>(conds: &[Filter<T, O>], value: Option<&T>) -> bool {
    conds.iter().all(|cond| match (cond.cond(), value) {
        (FilterCond::Null(is_null), v) => v.is_none() == *is_null,
        (_, None) => false,
        (FilterCond::Eq(x), Some(v)) => v == x,
        (FilterCond::Ne(x), Some(v)) => v != x,
        (FilterCond::Gt(x), Some(v)) => v > x,
        (FilterCond::Gte(x), Some(v)) => v >= x,
        (FilterCond::Lt(x), Some(v)) => v < x,
        (FilterCond::Lte(x), Some(v)) => v <= x,
        (FilterCond::Like(x), Some(v)) => v.to_string().to_lowercase().contains(&x.to_lowercase()),
        (FilterCond::In(xs), Some(v)) => xs.contains(v),
        (FilterCond::NotIn(xs), Some(v)) => !xs.contains(v),
        (FilterCond::Between(low, high), Some(v)) => low <= v && v <= high,
    })
}

/// The known value of an open enum field.
fn known<E: WireEnum>(value: &Option<Open<E>>) -> Option<E> {
    value.as_ref().and_then(Open::known)
}

fn found(search: &Option<String>, fields: &[Option<&str>]) -> bool {
    let Some(term) = search.as_deref().map(str::to_lowercase) else { return true };
    fields.iter().flatten().any(|f| f.to_lowercase().contains(&term))
}

type Key = (i64, String);

fn num(n: i64) -> Key {
    (n, String::new())
}

fn text(s: &str) -> Key {
    (0, s.to_lowercase())
}

fn order<T, F: Copy>(rows: &mut [T], sort: &[Sort<F>], key: impl Fn(&T, F) -> Key) {
    rows.sort_by(|a, b| {
        let by = |s: &Sort<F>| {
            let o = key(a, s.field).cmp(&key(b, s.field));
            if s.descending { o.reverse() } else { o }
        };
        sort.iter().map(by).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
    });
}

/// One page of `rows`; the router has filled `page` and `per_page` with the spec's defaults.
fn page_of<T>(rows: Vec<T>, page: Option<u32>, per_page: Option<u32>) -> Page<T> {
    let (page, per_page) = (page.expect("the router fills page"), per_page.expect("the router fills per_page"));
    let total = rows.len() as u64;
    let items = rows.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).collect();
    wacr_server::paginate(items, total, page, per_page)
}

// ---------------------------------------------------------------------------------------------
// The service: every trait of the API
// ---------------------------------------------------------------------------------------------

struct Crm {
    store: Mutex<Store>,
    seen: Arc<Mutex<Seen>>,
}

/// The last query each filtered list operation received, as the glue parsed it.
#[derive(Default)]
struct Seen {
    contacts: Option<ListContactsQuery>,
    messages: Option<ListMessagesQuery>,
    auth_templates: Option<ListAuthTemplatesQuery>,
}

impl Crm {
    fn seeded() -> Crm {
        Crm { store: Mutex::new(Store::seeded()), seen: Arc::default() }
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap()
    }

    fn db(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap()
    }
}

impl Authenticator<Scope> for Crm {
    async fn authenticate(&self, token: &str) -> Option<Who> {
        match token {
            ADMIN => Some(Principal::new(1, "t1-admin", ScopeSet::all())),
            OTHER => Some(Principal::new(2, "t2-admin", ScopeSet::all())),
            READER => Some(Principal::new(1, "t1-reader", ScopeSet::new().with(Scope::ContactsRead))),
            SLOW => Some(Principal::new(1, "t1-slow", ScopeSet::all()).with_rate_limit(2)),
            _ => None,
        }
    }
}

fn usage_entry(current: i64, limit: i64) -> UsageEntry {
    let unlimited = limit == -1;
    let used = if unlimited { 0.0 } else { (current as f64 * 10_000.0 / limit as f64).round() / 100.0 };
    UsageEntry {
        current,
        limit: (!unlimited).then_some(limit),
        remaining: (!unlimited).then(|| (limit - current).max(0)),
        percentage_used: used,
        is_unlimited: unlimited,
    }
}

fn limit_entry(limit: i64, feature: &str) -> PlanLimitEntry {
    PlanLimitEntry { limit, feature_name: feature.into(), is_unlimited: limit == -1 }
}

impl AccountApi for Crm {
    async fn get(&self, p: &Who, _: GetAccountInfoRequest) -> Result<Account, ApiError<GetAccountInfoError>> {
        let (name, subdomain) = match p.tenant_id {
            1 => ("Acme Retail", "acme"),
            2 => ("Zenith Labs", "zenith"),
            _ => return Err(GetAccountInfoError::NotFound.into()),
        };
        let subscription = AccountSubscription { plan_name: "Growth".into(), plan_id: Some(3), status: Some("active".into()), expires_at: None };
        Ok(Account { id: p.tenant_id, name: name.into(), subdomain: subdomain.into(), status: "active".into(), created_at: stamp(0), subscription })
    }

    async fn usage(&self, p: &Who, _: GetUsageStatisticsRequest) -> Result<Usage, ApiError<GetUsageStatisticsError>> {
        let db = self.db();
        let mut chats: Vec<i64> = db.messages.of(p.tenant_id).filter_map(|m| m.interaction_id).collect();
        chats.sort_unstable();
        chats.dedup();
        Ok(Usage {
            contacts: usage_entry(db.contacts.count(p.tenant_id), CONTACT_LIMIT),
            conversations: usage_entry(chats.len() as i64, 1000),
            campaigns: usage_entry(0, -1),
            staff: usage_entry(1, 5),
        })
    }

    async fn limits(&self, p: &Who, _: GetPlanLimitsRequest) -> Result<PlanLimits, ApiError<GetPlanLimitsError>> {
        let per_minute = p.rate_limit.unwrap_or(wacr_server::CONVENTIONS.rate_limit.default_per_minute);
        Ok(PlanLimits {
            limits: PlanLimitSet {
                contacts: limit_entry(CONTACT_LIMIT, "Contacts"),
                conversations: limit_entry(1000, "Conversations"),
                campaigns: limit_entry(-1, "Campaigns"),
                staff: limit_entry(5, "Staff"),
                api_calls_per_minute: limit_entry(per_minute.into(), "API calls per minute"),
            },
            features: PlanFeatures {
                whatsapp_templates: true,
                bulk_messaging: true,
                chatbot: false,
                advanced_analytics: false,
                api_access: true,
                custom_branding: false,
            },
        })
    }
}

fn auth_template(t: &Template) -> AuthTemplate {
    AuthTemplate {
        id: t.id,
        template_name: t.template_name.clone(),
        language: t.language.clone(),
        body_text: t.body_data.clone(),
        body_params_count: t.body_params_count,
        header_format: t.header_data_format.clone(),
        header_text: Some(t.header_data_text.clone()).filter(|h| !h.is_empty()),
        footer_text: t.footer_data.clone(),
        status: t.status.clone(),
        created_at: t.created_at.clone(),
    }
}

/// The OTP template of a send: it must exist, be APPROVED and of category AUTHENTICATION.
#[allow(clippy::result_large_err)] // the error type of the trait methods it serves
fn otp_template<C>(db: &Store, tenant: i64, name: &str, language: Option<&str>, [not_found, invalid]: [C; 2]) -> Result<Template, ApiError<C>> {
    let template = db.template_named(tenant, name, language).ok_or_else(|| ApiError::new(not_found).with_message("Template not found"))?;
    if template.category != TemplateCategory::Authentication || template.status != TemplateStatus::Approved {
        let text = "The template must be an approved AUTHENTICATION template";
        return Err(ApiError::new(invalid).with_field_error("template_name", text));
    }
    Ok(template)
}

impl Store {
    /// Stores the OTP (replacing an earlier one for the phone and purpose) and records the send.
    #[allow(clippy::too_many_arguments)]
    fn issue_otp(
        &mut self,
        tenant: i64,
        contact: &Contact,
        phone: String,
        template: &Template,
        code: String,
        expiry: i64,
        purpose: String,
    ) -> OtpSent {
        let sent = self.record(tenant, contact.id, MessageType::Template, template.body_data.replace("{{1}}", &code));
        let expires_at = stamp(self.clock + expiry);
        let otp = Otp {
            code,
            attempts: 0,
            expires: Instant::now() + Duration::from_secs(expiry as u64 * 60),
            expires_at: expires_at.clone(),
            created_at: sent.sent_at.clone(),
        };
        self.otps.insert((tenant, phone.clone(), purpose), otp);
        OtpSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone,
            template_name: template.template_name.clone(),
            language: template.language.clone(),
            code_sent: true,
            expiry_minutes: expiry,
            expires_at,
            status: "sent".into(),
            sent_at: sent.sent_at,
        }
    }
}

impl AuthApi for Crm {
    async fn send_otp(&self, p: &Who, req: SendOtpRequest) -> Result<OtpSent, ApiError<SendOtpError>> {
        use SendOtpError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let template = otp_template(&db, t, &b.template_name, b.language.as_deref(), [E::NotFound, E::ValidationError])?;
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let purpose = b.purpose.unwrap_or_else(|| DEFAULT_PURPOSE.into());
        Ok(db.issue_otp(t, &contact, b.phone, &template, b.code, b.expiry_minutes.unwrap_or(10), purpose))
    }

    async fn resend_otp(&self, p: &Who, req: ResendOtpRequest) -> Result<OtpSent, ApiError<ResendOtpError>> {
        use ResendOtpError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let template = otp_template(&db, t, &b.template_name, b.language.as_deref(), [E::NotFound, E::ValidationError])?;
        let contact = db.recipient(t, None, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let code = format!("{:06}", (db.next_id * 7919 + db.clock * 104_729) % 1_000_000);
        let purpose = b.purpose.unwrap_or_else(|| DEFAULT_PURPOSE.into());
        Ok(db.issue_otp(t, &contact, b.phone, &template, code, b.expiry_minutes.unwrap_or(10), purpose))
    }

    async fn verify_otp(&self, p: &Who, req: VerifyOtpRequest) -> Result<OtpVerified, ApiError<VerifyOtpError>> {
        use VerifyOtpError as E;
        let b = req.body;
        let purpose = b.purpose.unwrap_or_else(|| DEFAULT_PURPOSE.into());
        let key = (p.tenant_id, b.phone.clone(), purpose.clone());
        let mut db = self.db();
        let otp = db.otps.get_mut(&key).ok_or(E::OtpNotFound)?;
        if otp.attempts >= MAX_OTP_ATTEMPTS {
            return Err(E::MaxAttemptsExceeded.into());
        }
        if Instant::now() >= otp.expires {
            return Err(E::OtpExpired.into());
        }
        if otp.code != b.code {
            otp.attempts += 1;
            let details = InvalidCodeDetails { attempts_remaining: MAX_OTP_ATTEMPTS - otp.attempts };
            return Err(ApiError::new(E::InvalidCode).with_details(details));
        }
        db.otps.remove(&key);
        let verified_at = db.tick();
        Ok(OtpVerified { phone: b.phone, purpose, verified_at })
    }

    async fn otp_status(&self, p: &Who, req: CheckOtpStatusRequest) -> Result<OtpStatus, ApiError<CheckOtpStatusError>> {
        let b = req.body;
        let key = (p.tenant_id, b.phone, b.purpose.unwrap_or_else(|| DEFAULT_PURPOSE.into()));
        let db = self.db();
        Ok(match db.otps.get(&key) {
            Some(otp) => {
                let left = otp.expires.saturating_duration_since(Instant::now()).as_secs() as i64;
                OtpStatus {
                    has_active_otp: true,
                    expires_at: Some(otp.expires_at.clone()),
                    expires_in_seconds: Some(left),
                    is_expired: Some(left == 0),
                    verification_attempts: Some(otp.attempts),
                    max_attempts: Some(MAX_OTP_ATTEMPTS),
                    attempts_remaining: Some(MAX_OTP_ATTEMPTS - otp.attempts),
                    created_at: Some(otp.created_at.clone()),
                    message: None,
                }
            }
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
        })
    }

    async fn list_templates(&self, p: &Who, req: ListAuthTemplatesRequest) -> Result<Page<AuthTemplate>, ApiError<ListAuthTemplatesError>> {
        let q = req.query;
        self.seen().auth_templates = Some(q.clone());
        let db = self.db();
        let mut rows: Vec<AuthTemplate> = db
            .templates
            .of(p.tenant_id)
            .filter(|t| t.category == TemplateCategory::Authentication && t.status == TemplateStatus::Approved)
            .filter(|t| hit(&q.filters.language, Some(&t.language)) && hit(&q.filters.template_name, Some(&t.template_name)))
            .filter(|t| found(&q.search, &[Some(t.template_name.as_str())]))
            .map(auth_template)
            .collect();
        order(&mut rows, &q.sort, |t, field| match field {
            ListAuthTemplatesSortField::TemplateName => text(&t.template_name),
            ListAuthTemplatesSortField::CreatedAt => text(&t.created_at),
            ListAuthTemplatesSortField::Language => text(&t.language),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }
}

fn media_kind(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap_or("").to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" | "png" | "webp" => "image",
        "mp4" | "3gp" => "video",
        "mp3" | "ogg" | "amr" | "aac" | "opus" => "audio",
        _ => "document",
    }
}

impl CommentsApi for Crm {
    async fn list(&self, p: &Who, req: GetCommentsRequest) -> Result<Vec<Comment>, ApiError<GetCommentsError>> {
        let db = self.db();
        let not_found = || ApiError::new(GetCommentsError::NotFound).with_message("Contact not found");
        let contact = db.contact_by_phone(p.tenant_id, &req.mobile).ok_or_else(not_found)?;
        let notes = db.comments.iter().filter(|(t, c, _)| *t == p.tenant_id && *c == contact.id);
        Ok(notes.rev().map(|(_, _, note)| note.clone()).collect())
    }

    async fn add(&self, p: &Who, req: AddCommentRequest) -> Result<CommentAdded, ApiError<AddCommentError>> {
        let b = req.body;
        let mut db = self.db();
        let not_found = || ApiError::new(AddCommentError::NotFound).with_message("Contact not found");
        let contact = db.contact_by_phone(p.tenant_id, &req.mobile).ok_or_else(not_found)?;
        let (id, now) = (db.id(), db.tick());
        let url = b.media_url.as_deref().map(|u| u.rsplit('/').next().unwrap_or(u).to_owned());
        let status_message = b.status_message.unwrap_or_else(|| "Internal comment".into());
        let note = Comment {
            id,
            message: b.comment,
            r#type: url.as_deref().map_or("text", media_kind).into(),
            status_message: Some(status_message.clone()),
            url: url.clone(),
            message_id: b.message_id.clone(),
            ref_message_id: b.ref_message_id.clone(),
            created_at: Some(now),
        };
        db.comments.push((p.tenant_id, contact.id, note));
        Ok(CommentAdded {
            tenant_id: p.tenant_id,
            interaction_id: contact.id,
            sender_id: SENDER.into(),
            status_message,
            url,
            message_id: b.message_id,
            ref_message_id: b.ref_message_id,
            chat_message_id: id,
        })
    }
}

fn batch_item(b: BatchCreateContact) -> CreateContactBody {
    let mut body = CreateContactBody::new(b.firstname, b.lastname, b.phone, b.r#type, b.source_id, b.status_id);
    (body.email, body.company, body.description, body.city) = (b.email, b.company, b.description, b.city);
    (body.state, body.zip, body.address, body.country_id, body.assigned_id) = (b.state, b.zip, b.address, b.country_id, b.assigned_id);
    body
}

impl ContactsApi for Crm {
    async fn list(&self, p: &Who, req: ListContactsRequest) -> Result<Page<Contact>, ApiError<ListContactsError>> {
        let (q, t) = (req.query, p.tenant_id);
        self.seen().contacts = Some(q.clone());
        let f = &q.filters;
        let db = self.db();
        let in_groups = |c: &Contact| f.group_id.iter().all(|cond| c.group_id.iter().any(|g| hit(std::slice::from_ref(cond), Some(g))));
        let mut rows: Vec<Contact> = db
            .contacts
            .of(t)
            .filter(|c| hit(&f.r#type, c.r#type.known().as_ref()) && hit(&f.status_id, Some(&c.status_id)))
            .filter(|c| hit(&f.source_id, Some(&c.source_id)) && hit(&f.assigned_id, c.assigned_id.as_ref()))
            .filter(|c| hit(&f.created_at, Some(&c.created_at)) && in_groups(c))
            .filter(|c| {
                let names = [Some(c.firstname.as_str()), Some(c.lastname.as_str())];
                found(&q.search, &names) || found(&q.search, &[c.phone.as_deref(), c.email.as_deref(), c.company.as_deref()])
            })
            .cloned()
            .collect();
        order(&mut rows, &q.sort, |c, field| match field {
            ListContactsSortField::Id => num(c.id),
            ListContactsSortField::Firstname => text(&c.firstname),
            ListContactsSortField::Lastname => text(&c.lastname),
            ListContactsSortField::CreatedAt => text(&c.created_at),
            ListContactsSortField::UpdatedAt => text(&c.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page).map(|c| db.hydrate(t, c)))
    }

    async fn create(&self, p: &Who, req: CreateContactRequest) -> Result<Contact, ApiError<CreateContactError>> {
        use CreateContactError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        let current = db.contacts.count(t);
        if current >= CONTACT_LIMIT {
            return Err(ApiError::new(E::FeatureLimitExceeded).with_details(FeatureLimitExceededDetails {
                feature: "contacts".into(),
                current,
                maximum: CONTACT_LIMIT,
            }));
        }
        let refs = ContactRefs {
            phone: Some(&b.phone),
            email: b.email.as_deref(),
            source_id: Some(b.source_id),
            status_id: Some(b.status_id),
            groups: b.groups.as_deref(),
        };
        let errors = db.contact_errors(t, None, refs, &|field, rule| message(rules::CREATE_CONTACT_BODY, field, rule));
        if !errors.is_empty() {
            return Err(invalid(E::ValidationError, errors));
        }
        Ok(db.insert_contact(t, b))
    }

    async fn get(&self, p: &Who, req: GetContactRequest) -> Result<Contact, ApiError<GetContactError>> {
        let db = self.db();
        let contact = db.contacts.get(p.tenant_id, req.id).cloned();
        let contact = contact.ok_or_else(|| ApiError::new(GetContactError::NotFound).with_message("Contact not found"))?;
        Ok(db.hydrate(p.tenant_id, contact))
    }

    async fn update(&self, p: &Who, req: UpdateContactRequest) -> Result<Contact, ApiError<UpdateContactError>> {
        use UpdateContactError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if db.contacts.get(t, req.id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Contact not found"));
        }
        let refs = ContactRefs {
            phone: b.phone.as_deref(),
            email: b.email.as_set().map(String::as_str),
            source_id: b.source_id,
            status_id: b.status_id,
            groups: b.groups.as_deref(),
        };
        let errors = db.contact_errors(t, Some(req.id), refs, &|field, rule| message(rules::UPDATE_CONTACT_BODY, field, rule));
        if !errors.is_empty() {
            return Err(invalid(E::ValidationError, errors));
        }
        let now = db.tick();
        let c = db.contacts.get_mut(t, req.id).expect("checked above");
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *slot = value;
            }
        }
        fn patch<T>(slot: &mut Option<T>, value: Patch<T>) {
            if let Some(value) = value.into_option() {
                *slot = value;
            }
        }
        set(&mut c.firstname, b.firstname);
        set(&mut c.lastname, b.lastname);
        set(&mut c.phone, b.phone.map(Some));
        set(&mut c.r#type, b.r#type.map(Open::Known));
        set(&mut c.source_id, b.source_id);
        set(&mut c.status_id, b.status_id);
        set(&mut c.group_id, b.groups);
        patch(&mut c.email, b.email);
        patch(&mut c.company, b.company);
        patch(&mut c.description, b.description);
        patch(&mut c.city, b.city);
        patch(&mut c.state, b.state);
        patch(&mut c.zip, b.zip);
        patch(&mut c.address, b.address);
        patch(&mut c.country_id, b.country_id);
        patch(&mut c.assigned_id, b.assigned_id);
        c.updated_at = now;
        Ok(c.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteContactRequest) -> Result<(), ApiError<DeleteContactError>> {
        let mut db = self.db();
        if !db.contacts.remove(p.tenant_id, req.id) {
            return Err(ApiError::new(DeleteContactError::NotFound).with_message("Contact not found"));
        }
        db.comments.retain(|(t, c, _)| !(*t == p.tenant_id && *c == req.id));
        Ok(())
    }

    /// Items in order inside one "transaction", those the glue rejected failing in their place:
    /// with continue_on_error false the first failure restores the contacts as they were and
    /// fails the call.
    async fn batch_create(&self, p: &Who, req: BatchCreateContactsRequest, rejected: Rejected) -> Result<BatchCreateResult, ApiError<BatchCreateContactsError>> {
        use BatchCreateContactsError as E;
        let (b, t) = (req.body, p.tenant_id);
        let options = b.options.unwrap_or(BatchCreateOptions { continue_on_error: None, skip_duplicates: None });
        let (keep_going, skip_duplicates) = (options.continue_on_error.unwrap_or(true), options.skip_duplicates.unwrap_or(false));
        let items = rejected.merge("contacts", b.contacts);
        let mut db = self.db();
        let snapshot = (db.contacts.clone(), db.next_id, db.clock);
        let mut result = BatchCreateResult {
            summary: BatchCreateSummary { total: items.len() as i64, created: 0, skipped: 0, failed: 0 },
            created: vec![],
            skipped: vec![],
            errors: vec![],
        };
        for (index, item) in items {
            let index = index as i64;
            let current = db.contacts.count(t);
            let item = match item {
                Ok(item) => item,
                Err(r) => {
                    if !keep_going {
                        (db.contacts, db.next_id, db.clock) = snapshot;
                        return Err(invalid(E::ValidationError, r.request_errors()));
                    }
                    let errors = r.errors.iter().map(|(f, m)| (f.to_owned(), m.to_vec())).collect();
                    result.errors.push(BatchFailedItem { index, errors, data: r.data });
                    continue;
                }
            };
            let data = serde_json::to_value(&item).unwrap_or(Value::Null);
            if skip_duplicates && db.contact_by_phone(t, &item.phone).is_some() {
                result.skipped.push(BatchSkippedItem { index, reason: "duplicate phone".into(), data });
                continue;
            }
            let mut errors = FieldErrors::new();
            if current >= CONTACT_LIMIT {
                errors.add("limit", "Plan limit reached");
            } else {
                let refs = ContactRefs {
                    phone: Some(&item.phone),
                    email: item.email.as_deref(),
                    source_id: Some(item.source_id),
                    status_id: Some(item.status_id),
                    groups: None,
                };
                errors = db.contact_errors(t, None, refs, &|field, rule| message(rules::BATCH_CREATE_CONTACT, field, rule));
            }
            if errors.is_empty() {
                result.created.push(db.insert_contact(t, batch_item(item)));
            } else if keep_going {
                let errors = errors.iter().map(|(f, m)| (f.to_owned(), m.to_vec())).collect();
                result.errors.push(BatchFailedItem { index, errors, data });
            } else {
                (db.contacts, db.next_id, db.clock) = snapshot;
                if errors.get("limit").is_some() {
                    let details = FeatureLimitExceededDetails { feature: "contacts".into(), current, maximum: CONTACT_LIMIT };
                    return Err(ApiError::new(E::FeatureLimitExceeded).with_details(details));
                }
                let mut prefixed = FieldErrors::new();
                for (field, messages) in errors.iter() {
                    messages.iter().for_each(|m| prefixed.add(format!("contacts.{index}.{field}"), m.clone()));
                }
                return Err(invalid(E::ValidationError, prefixed));
            }
        }
        let s = &mut result.summary;
        (s.created, s.skipped, s.failed) = (result.created.len() as i64, result.skipped.len() as i64, result.errors.len() as i64);
        Ok(result)
    }

    async fn batch_delete(&self, p: &Who, req: BatchDeleteContactsRequest) -> Result<BatchDeleteResult, ApiError<BatchDeleteContactsError>> {
        let mut db = self.db();
        let total = req.body.ids.len() as i64;
        let deleted = req.body.ids.iter().filter(|id| db.contacts.remove(p.tenant_id, **id)).count() as i64;
        Ok(BatchDeleteResult { summary: BatchDeleteSummary { total, deleted, failed: total - deleted } })
    }
}

impl GroupsApi for Crm {
    async fn list(&self, p: &Who, req: ListGroupsRequest) -> Result<Page<Group>, ApiError<ListGroupsError>> {
        let q = req.query;
        let db = self.db();
        let mut rows: Vec<Group> = db.groups.of(p.tenant_id).filter(|g| found(&q.search, &[Some(g.name.as_str())])).cloned().collect();
        order(&mut rows, &q.sort, |g, field| match field {
            ListGroupsSortField::Name => text(&g.name),
            ListGroupsSortField::CreatedAt => text(&g.created_at),
            ListGroupsSortField::UpdatedAt => text(&g.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn create(&self, p: &Who, req: CreateGroupRequest) -> Result<Group, ApiError<CreateGroupError>> {
        let mut db = self.db();
        if db.groups.of(p.tenant_id).any(|g| g.name == req.body.name) {
            let text = message(rules::CREATE_GROUP_BODY, "name", "unique");
            return Err(ApiError::new(CreateGroupError::ValidationError).with_field_error("name", text));
        }
        let (id, now) = (db.id(), db.tick());
        Ok(db.groups.put(p.tenant_id, Group { id, name: req.body.name, created_at: now.clone(), updated_at: now }))
    }

    async fn get(&self, p: &Who, req: GetGroupRequest) -> Result<Group, ApiError<GetGroupError>> {
        let group = self.db().groups.get(p.tenant_id, req.id).cloned();
        group.ok_or_else(|| ApiError::new(GetGroupError::NotFound).with_message("Group not found"))
    }

    async fn update(&self, p: &Who, req: UpdateGroupRequest) -> Result<Group, ApiError<UpdateGroupError>> {
        let mut db = self.db();
        if db.groups.of(p.tenant_id).any(|g| g.name == req.body.name && g.id != req.id) {
            let text = message(rules::UPDATE_GROUP_BODY, "name", "unique");
            return Err(ApiError::new(UpdateGroupError::ValidationError).with_field_error("name", text));
        }
        let now = db.tick();
        let group = db.groups.get_mut(p.tenant_id, req.id).ok_or_else(|| ApiError::new(UpdateGroupError::NotFound).with_message("Group not found"))?;
        (group.name, group.updated_at) = (req.body.name, now);
        Ok(group.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteGroupRequest) -> Result<(), ApiError<DeleteGroupError>> {
        let mut db = self.db();
        if !db.groups.remove(p.tenant_id, req.id) {
            return Err(ApiError::new(DeleteGroupError::NotFound).with_message("Group not found"));
        }
        db.contacts.of_mut(p.tenant_id).for_each(|c| c.group_id.retain(|g| *g != req.id));
        Ok(())
    }

    async fn add_contacts(&self, p: &Who, req: AddContactsToGroupRequest) -> Result<GroupMembershipAdded, ApiError<AddContactsToGroupError>> {
        use AddContactsToGroupError as E;
        let (t, group_id, ids) = (p.tenant_id, req.id, req.body.contact_ids);
        let mut db = self.db();
        if db.groups.get(t, group_id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Group not found"));
        }
        if ids.iter().any(|id| db.contacts.get(t, *id).is_none()) {
            let text = message(rules::ADD_CONTACTS_TO_GROUP_BODY, "contact_ids", "exists");
            return Err(ApiError::new(E::ValidationError).with_field_error("contact_ids", text));
        }
        let mut added = 0;
        for c in db.contacts.of_mut(t).filter(|c| ids.contains(&c.id) && !c.group_id.contains(&group_id)) {
            c.group_id.push(group_id);
            added += 1;
        }
        Ok(GroupMembershipAdded { group_id, contacts_added: added })
    }

    async fn remove_contacts(
        &self,
        p: &Who,
        req: RemoveContactsFromGroupRequest,
    ) -> Result<GroupMembershipRemoved, ApiError<RemoveContactsFromGroupError>> {
        let (t, group_id, ids) = (p.tenant_id, req.id, req.body.contact_ids);
        let mut db = self.db();
        if db.groups.get(t, group_id).is_none() {
            return Err(ApiError::new(RemoveContactsFromGroupError::NotFound).with_message("Group not found"));
        }
        let mut removed = 0;
        for c in db.contacts.of_mut(t).filter(|c| ids.contains(&c.id) && c.group_id.contains(&group_id)) {
            c.group_id.retain(|g| *g != group_id);
            removed += 1;
        }
        Ok(GroupMembershipRemoved { group_id, contacts_removed: removed })
    }
}

fn summary(m: &MessageDetail) -> Message {
    Message {
        id: m.id,
        interaction_id: m.interaction_id,
        sender_id: m.sender_id.clone(),
        r#type: m.r#type.clone(),
        message: m.message.clone(),
        status: m.status.clone(),
        message_id: m.message_id.clone(),
        sent_at: m.sent_at.clone(),
        is_read: m.is_read,
        direction: m.direction.clone(),
        created_at: m.created_at.clone(),
        updated_at: m.updated_at.clone(),
        error: m.error.clone(),
    }
}

const SENT: Open<MessageStatus> = Open::Known(MessageStatus::Sent);

impl MessagesApi for Crm {
    async fn send_text(&self, p: &Who, req: SendTextMessageRequest) -> Result<TextMessageSent, ApiError<SendTextMessageError>> {
        use SendTextMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let text = merge_fields(&b.message, &contact);
        let sent = db.record(t, contact.id, MessageType::Text, text.clone());
        Ok(TextMessageSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            message: text,
            status: SENT,
            sent_at: sent.sent_at,
            chat_id: contact.id,
            chat_message_id: sent.id,
        })
    }

    async fn send_template(&self, p: &Who, req: SendTemplateMessageRequest) -> Result<SendTemplateResult, ApiError<SendTemplateMessageError>> {
        use SendTemplateMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let template = db.template_named(t, &b.template_name, Some(&b.language)).filter(|x| x.status == TemplateStatus::Approved);
        let template = template.ok_or_else(|| ApiError::new(E::NotFound).with_message("Template not found"))?;
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let body = template.body_data.replace("{{1}}", &merge_fields(b.field_1.as_deref().unwrap_or(""), &contact));
        let sent = db.record(t, contact.id, MessageType::Template, body);
        Ok(SendTemplateResult {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            template_name: template.template_name,
            language: Some(template.language),
            status: Some(SENT),
            sent_at: Some(sent.sent_at),
            chat_id: Some(contact.id),
            chat_message_id: Some(sent.id),
        })
    }

    async fn send_media(&self, p: &Who, req: SendMediaMessageRequest) -> Result<MediaMessageSent, ApiError<SendMediaMessageError>> {
        use SendMediaMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        // The glue enforces media_url or media_file (required_without); a file is "stored" under its name.
        let media_url = match (&b.media_url, &b.media_file) {
            (Some(url), _) => url.clone(),
            (None, Some(file)) => format!("https://media.example.test/{}", file.name),
            (None, None) => {
                let text = "The media url field is required when media file is not present.";
                return Err(ApiError::new(E::ValidationError).with_field_error("media_url", text));
            }
        };
        let ty = match b.media_type {
            MediaType::Image => MessageType::Image,
            MediaType::Document => MessageType::Document,
            MediaType::Video => MessageType::Video,
            MediaType::Audio => MessageType::Audio,
        };
        let sent = db.record(t, contact.id, ty, b.caption.clone().unwrap_or_default());
        Ok(MediaMessageSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            media_type: Open::Known(b.media_type),
            media_url,
            caption: b.caption,
            filename: b.filename,
            status: SENT,
            sent_at: sent.sent_at,
            chat_id: contact.id,
            chat_message_id: sent.id,
        })
    }

    async fn send_interactive(
        &self,
        p: &Who,
        req: SendInteractiveMessageRequest,
    ) -> Result<InteractiveMessageSent, ApiError<SendInteractiveMessageError>> {
        use SendInteractiveMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let sent = db.record(t, contact.id, MessageType::Interactive, b.body_text);
        Ok(InteractiveMessageSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            r#type: Open::Known(b.r#type),
            status: SENT,
            sent_at: sent.sent_at,
            chat_id: contact.id,
            chat_message_id: sent.id,
        })
    }

    async fn list(&self, p: &Who, req: ListMessagesRequest) -> Result<Page<Message>, ApiError<ListMessagesError>> {
        let q = req.query;
        self.seen().messages = Some(q.clone());
        let f = &q.filters;
        let db = self.db();
        let mut rows: Vec<Message> = db
            .messages
            .of(p.tenant_id)
            .filter(|m| hit(&f.r#type, known(&m.r#type).as_ref()) && hit(&f.status, known(&m.status).as_ref()))
            .filter(|m| hit(&f.direction, known(&m.direction).as_ref()) && hit(&f.interaction_id, m.interaction_id.as_ref()))
            .filter(|m| found(&q.search, &[m.message.as_deref()]))
            .map(summary)
            .collect();
        order(&mut rows, &q.sort, |m, field| match field {
            ListMessagesSortField::CreatedAt => text(m.created_at.as_deref().unwrap_or_default()),
            ListMessagesSortField::UpdatedAt => text(m.updated_at.as_deref().unwrap_or_default()),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn get(&self, p: &Who, req: GetMessageRequest) -> Result<MessageDetail, ApiError<GetMessageError>> {
        let message = self.db().messages.get(p.tenant_id, req.id).cloned();
        message.ok_or_else(|| ApiError::new(GetMessageError::NotFound).with_message("Message not found"))
    }
}

impl SourcesApi for Crm {
    async fn list(&self, p: &Who, req: ListSourcesRequest) -> Result<Page<Source>, ApiError<ListSourcesError>> {
        let q = req.query;
        let db = self.db();
        let mut rows: Vec<Source> = db.sources.of(p.tenant_id).filter(|s| found(&q.search, &[Some(s.name.as_str())])).cloned().collect();
        order(&mut rows, &q.sort, |s, field| match field {
            ListSourcesSortField::Name => text(&s.name),
            ListSourcesSortField::CreatedAt => text(&s.created_at),
            ListSourcesSortField::UpdatedAt => text(&s.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn create(&self, p: &Who, req: CreateSourceRequest) -> Result<Source, ApiError<CreateSourceError>> {
        let mut db = self.db();
        if db.sources.of(p.tenant_id).any(|s| s.name == req.body.name) {
            let text = message(rules::CREATE_SOURCE_BODY, "name", "unique");
            return Err(ApiError::new(CreateSourceError::ValidationError).with_field_error("name", text));
        }
        let (id, now) = (db.id(), db.tick());
        Ok(db.sources.put(p.tenant_id, Source { id, name: req.body.name, created_at: now.clone(), updated_at: now }))
    }

    async fn get(&self, p: &Who, req: GetSourceRequest) -> Result<Source, ApiError<GetSourceError>> {
        let source = self.db().sources.get(p.tenant_id, req.id).cloned();
        source.ok_or_else(|| ApiError::new(GetSourceError::NotFound).with_message("Source not found"))
    }

    async fn update(&self, p: &Who, req: UpdateSourceRequest) -> Result<Source, ApiError<UpdateSourceError>> {
        let mut db = self.db();
        if db.sources.of(p.tenant_id).any(|s| s.name == req.body.name && s.id != req.id) {
            let text = message(rules::UPDATE_SOURCE_BODY, "name", "unique");
            return Err(ApiError::new(UpdateSourceError::ValidationError).with_field_error("name", text));
        }
        let now = db.tick();
        let not_found = || ApiError::new(UpdateSourceError::NotFound).with_message("Source not found");
        let source = db.sources.get_mut(p.tenant_id, req.id).ok_or_else(not_found)?;
        (source.name, source.updated_at) = (req.body.name, now);
        Ok(source.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteSourceRequest) -> Result<(), ApiError<DeleteSourceError>> {
        use DeleteSourceError as E;
        let mut db = self.db();
        if db.sources.get(p.tenant_id, req.id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Source not found"));
        }
        if db.contacts.of(p.tenant_id).any(|c| c.source_id == req.id) {
            return Err(ApiError::new(E::ValidationError).with_message("The source is assigned to contacts and cannot be deleted"));
        }
        db.sources.remove(p.tenant_id, req.id);
        Ok(())
    }
}

impl StatusesApi for Crm {
    async fn list(&self, p: &Who, req: ListStatusesRequest) -> Result<Page<Status>, ApiError<ListStatusesError>> {
        let q = req.query;
        let db = self.db();
        let mut rows: Vec<Status> = db.statuses.of(p.tenant_id).filter(|s| found(&q.search, &[Some(s.name.as_str())])).cloned().collect();
        order(&mut rows, &q.sort, |s, field| match field {
            ListStatusesSortField::Name => text(&s.name),
            ListStatusesSortField::CreatedAt => text(&s.created_at),
            ListStatusesSortField::UpdatedAt => text(&s.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn create(&self, p: &Who, req: CreateStatusRequest) -> Result<Status, ApiError<CreateStatusError>> {
        let mut db = self.db();
        if db.statuses.of(p.tenant_id).any(|s| s.name == req.body.name) {
            let text = message(rules::CREATE_STATUS_BODY, "name", "unique");
            return Err(ApiError::new(CreateStatusError::ValidationError).with_field_error("name", text));
        }
        let (id, now) = (db.id(), db.tick());
        let status = Status { id, name: req.body.name, color: req.body.color, created_at: now.clone(), updated_at: now };
        Ok(db.statuses.put(p.tenant_id, status))
    }

    async fn get(&self, p: &Who, req: GetStatusRequest) -> Result<Status, ApiError<GetStatusError>> {
        let status = self.db().statuses.get(p.tenant_id, req.id).cloned();
        status.ok_or_else(|| ApiError::new(GetStatusError::NotFound).with_message("Status not found"))
    }

    async fn update(&self, p: &Who, req: UpdateStatusRequest) -> Result<Status, ApiError<UpdateStatusError>> {
        let mut db = self.db();
        if db.statuses.of(p.tenant_id).any(|s| s.name == req.body.name && s.id != req.id) {
            let text = message(rules::UPDATE_STATUS_BODY, "name", "unique");
            return Err(ApiError::new(UpdateStatusError::ValidationError).with_field_error("name", text));
        }
        let now = db.tick();
        let not_found = || ApiError::new(UpdateStatusError::NotFound).with_message("Status not found");
        let status = db.statuses.get_mut(p.tenant_id, req.id).ok_or_else(not_found)?;
        status.name = req.body.name;
        if req.body.color.is_some() {
            status.color = req.body.color;
        }
        status.updated_at = now;
        Ok(status.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteStatusRequest) -> Result<(), ApiError<DeleteStatusError>> {
        use DeleteStatusError as E;
        let mut db = self.db();
        if db.statuses.get(p.tenant_id, req.id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Status not found"));
        }
        if db.contacts.of(p.tenant_id).any(|c| c.status_id == req.id) {
            return Err(ApiError::new(E::ValidationError).with_message("The status is assigned to contacts and cannot be deleted"));
        }
        db.statuses.remove(p.tenant_id, req.id);
        Ok(())
    }
}

impl TemplatesApi for Crm {
    async fn list(&self, p: &Who, req: ListTemplatesRequest) -> Result<Page<Template>, ApiError<ListTemplatesError>> {
        let q = req.query;
        let db = self.db();
        let searched = |t: &&Template| found(&q.search, &[Some(t.template_name.as_str()), Some(t.name.as_str())]);
        let mut rows: Vec<Template> = db.templates.of(p.tenant_id).filter(searched).cloned().collect();
        order(&mut rows, &q.sort, |t, field| match field {
            ListTemplatesSortField::TemplateName => text(&t.template_name),
            ListTemplatesSortField::CreatedAt => text(&t.created_at),
            ListTemplatesSortField::UpdatedAt => text(&t.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    /// The in-memory store is the WhatsApp Business Account: a sync finds nothing new.
    async fn sync(&self, p: &Who, _: SyncTemplatesRequest) -> Result<TemplateSyncResult, ApiError<SyncTemplatesError>> {
        let db = self.db();
        if !db.whatsapp(p.tenant_id) {
            return Err(SyncTemplatesError::WhatsappNotConfigured.into());
        }
        Ok(TemplateSyncResult { synced: db.templates.count(p.tenant_id), created: 0, updated: 0, deleted: 0 })
    }

    async fn get(&self, p: &Who, req: GetTemplateRequest) -> Result<Template, ApiError<GetTemplateError>> {
        let template = self.db().templates.of(p.tenant_id).find(|t| t.template_id == req.id).cloned();
        template.ok_or_else(|| ApiError::new(GetTemplateError::NotFound).with_message("Template not found"))
    }
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// A running server with a freshly seeded store.
struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
}

async fn start() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let crm = Crm::seeded();
    let seen = Arc::clone(&crm.seen);
    let app = wacr_server::router_with(crm, Config::default());
    tokio::spawn(async move { wacr_server::axum::serve(listener, app).await.expect("serve") });
    Server { addr, seen }
}

impl Server {
    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The generated client with its default settings (retries included) and `token`.
    fn client(&self, token: &str) -> Client {
        let builder = Client::builder().base_url(self.base()).token(token).timeout(Some(Duration::from_secs(10)));
        builder.build().expect("client")
    }

    /// A GET without the client, to see the JSON exactly as sent: `(status, body)`.
    async fn raw_get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n{auth}Connection: close\r\n\r\n", self.addr);
        let mut stream = TcpStream::connect(self.addr).await.expect("connect");
        stream.write_all(head.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        let raw = String::from_utf8(raw).expect("UTF-8 response");
        let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
        assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "the envelope has a length: {head}");
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        (status, serde_json::from_str(body).expect("a JSON body"))
    }
}

/// The typed API error of a call that must fail.
fn api_error<T: Debug, E: Debug>(result: Result<T, Error<E>>) -> wacr_client::ApiError<E> {
    match result {
        Err(Error::Api(error)) => *error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    pairs.iter().map(|(f, m)| ((*f).to_owned(), vec![(*m).to_owned()])).collect()
}

fn names(contacts: &[Contact]) -> Vec<&str> {
    contacts.iter().map(|c| c.firstname.as_str()).collect()
}

const ANN_PHONE: &str = "+919999990001";
const EVE_PHONE: &str = "+919999990005";

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn account_views_come_from_the_tokens_tenant() {
    let server = start().await;
    let (one, two) = (server.client(ADMIN), server.client(OTHER));

    let account = one.account().get().await.unwrap();
    assert_eq!((account.id, account.name.as_str(), account.subscription.plan_name.as_str()), (1, "Acme Retail", "Growth"));
    assert_eq!(two.account().get().await.unwrap().subdomain, "zenith");

    let usage = one.account().usage().await.unwrap();
    assert_eq!((usage.contacts.current, usage.contacts.limit, usage.contacts.remaining), (5, Some(100), Some(95)));
    assert_eq!(usage.contacts.percentage_used, 5.0);
    assert_eq!(usage.conversations.current, 2, "Ann's and Bob's chats");
    assert!(usage.campaigns.is_unlimited && usage.campaigns.limit.is_none());
    assert_eq!(two.account().usage().await.unwrap().contacts.current, 1);

    let limits = one.account().limits().await.unwrap();
    assert_eq!(limits.limits.api_calls_per_minute.limit, 60, "the spec's default per-token limit");
    assert_eq!(limits.limits.campaigns.limit, -1);
    assert!(limits.features.api_access && !limits.features.chatbot);
}

#[tokio::test]
async fn otp_send_and_verify_count_attempts() {
    let server = start().await;
    let client = server.client(ADMIN);
    let auth = client.auth();

    let templates = auth.list_templates(ListAuthTemplatesQuery::default()).await.unwrap();
    let listed: Vec<&str> = templates.items.iter().map(|t| t.template_name.as_str()).collect();
    assert_eq!(listed, ["otp_verification"], "only approved AUTHENTICATION templates");

    let sent = auth.send_otp(SendOtpBody::new(ANN_PHONE, "otp_verification", "482913")).await.unwrap();
    assert_eq!((sent.contact_id, sent.code_sent, sent.expiry_minutes, sent.status.as_str()), (1, true, 10, "sent"));
    assert!(sent.message_id.starts_with("wamid."), "{}", sent.message_id);

    let wrong = api_error(auth.verify_otp(VerifyOtpBody::new(ANN_PHONE, "000000")).await);
    assert_eq!((wrong.status, &wrong.code), (422, &Open::Known(VerifyOtpError::InvalidCode)));
    assert_eq!(wrong.message, "Invalid verification code", "the catalogue message");
    assert_eq!(wrong.attempts_remaining(), Some(4));
    let details: InvalidCodeDetails = serde_json::from_value(wrong.details.clone().unwrap()).unwrap();
    assert_eq!(details.attempts_remaining, 4);
    let wrong = api_error(auth.verify_otp(VerifyOtpBody::new(ANN_PHONE, "111111")).await);
    assert_eq!(wrong.attempts_remaining(), Some(3));

    let status = auth.otp_status(CheckOtpStatusBody::new(ANN_PHONE)).await.unwrap();
    assert!(status.has_active_otp);
    assert_eq!((status.verification_attempts, status.attempts_remaining, status.max_attempts), (Some(2), Some(3), Some(5)));

    let mut other_purpose = VerifyOtpBody::new(ANN_PHONE, "482913");
    other_purpose.purpose = Some("password_reset".into());
    let missing = api_error(auth.verify_otp(other_purpose).await);
    assert_eq!(missing.code, Open::Known(VerifyOtpError::OtpNotFound), "OTPs are kept per purpose");

    let verified = auth.verify_otp(VerifyOtpBody::new(ANN_PHONE, "482913")).await.unwrap();
    assert_eq!((verified.phone.as_str(), verified.purpose.as_str()), (ANN_PHONE, "authentication"));
    let used = api_error(auth.verify_otp(VerifyOtpBody::new(ANN_PHONE, "482913")).await);
    assert_eq!(used.code, Open::Known(VerifyOtpError::OtpNotFound), "a verified OTP is used up");

    let utility = api_error(auth.send_otp(SendOtpBody::new(ANN_PHONE, "order_update", "1")).await);
    assert_eq!(utility.code, Open::Known(SendOtpError::ValidationError));
    assert!(utility.field_errors.contains_key("template_name"), "{utility:?}");
    let short = api_error(auth.send_otp(SendOtpBody::new("12345", "otp_verification", "1")).await);
    assert_eq!(short.field_errors["phone"], ["The phone field must be at least 10 characters."], "the glue's min_length rule");
}

#[tokio::test]
async fn comments_are_listed_and_added_by_mobile_within_the_tenant() {
    let server = start().await;
    let (client, other) = (server.client(ADMIN), server.client(OTHER));

    let mut body = AddCommentBody::new("Called back, wants a quote");
    body.media_url = Some("https://files.example.test/quotes/q-7.pdf".into());
    let added = client.execute_with_meta(AddCommentRequest::new(ANN_PHONE, body)).await.unwrap();
    assert_eq!((added.status, added.message.as_deref()), (201, Some("Comment added successfully")));
    let added = added.data;
    assert_eq!((added.tenant_id, added.interaction_id, added.url.as_deref()), (1, 1, Some("q-7.pdf")));
    assert_eq!(added.status_message, "Internal comment");

    let notes = client.comments().list(ANN_PHONE).await.unwrap();
    let texts: Vec<&str> = notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(texts, ["Called back, wants a quote", "Prefers WhatsApp over calls"], "newest first");
    assert_eq!(notes[0].r#type, "document");

    assert!(other.comments().list(ANN_PHONE).await.unwrap().is_empty(), "tenant 2's contact with that number has no notes");
    let unknown = api_error(client.comments().list("+910000000000").await);
    assert_eq!((unknown.status, unknown.code), (404, Open::Known(GetCommentsError::NotFound)));
    assert_eq!(unknown.message, "Contact not found");

    let reader = server.client(READER).comments().list(ANN_PHONE).await;
    assert_eq!(reader.unwrap().len(), 2, "comments need no scope");
}

#[tokio::test]
async fn get_contact_returns_exactly_the_included_relations() {
    let server = start().await;
    let client = server.client(ADMIN);

    let include = IncludeSet::from(ContactInclude::Groups).with(ContactInclude::Status);
    let bob = client.contacts().get(2, GetContactQuery { include }).await.unwrap();
    let groups: Vec<&str> = bob.groups.as_ref().expect("groups asked for").iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, ["VIP", "Newsletter"]);
    assert_eq!(bob.status.as_ref().expect("status asked for").name, "Hot Lead");
    assert!(bob.source.is_none(), "source not asked for");
    assert_eq!(bob.r#type, Open::Known(ContactType::Customer));

    let (status, raw) = server.raw_get("/contacts/2?include=groups,status", Some(ADMIN)).await;
    assert_eq!(status, 200);
    let data = raw["data"].as_object().unwrap();
    assert!(data.contains_key("groups") && data.contains_key("status"));
    assert!(!data.contains_key("source"), "absent, not null: {raw}");
    let (_, plain) = server.raw_get("/contacts/2", Some(ADMIN)).await;
    assert!(["groups", "source", "status"].iter().all(|k| !plain["data"].as_object().unwrap().contains_key(*k)), "{plain}");

    let plain = client.contacts().get(2, GetContactQuery::default()).await.unwrap();
    assert!(plain.groups.is_none() && plain.source.is_none() && plain.status.is_none());

    let mut query = ListContactsQuery { per_page: Some(1), ..Default::default() };
    query.include.insert(ContactInclude::Source);
    let page = client.contacts().list(query).await.unwrap();
    let first = &page.items[0];
    assert!(first.source.is_some() && first.groups.is_none() && first.status.is_none(), "lists keep only the included relations too");
}

#[tokio::test]
async fn list_contacts_sorts_filters_paginates_and_streams_every_page() {
    let server = start().await;
    let client = server.client(ADMIN);
    let contacts = client.contacts();

    let all = contacts.list(ListContactsQuery::default()).await.unwrap();
    assert_eq!(names(&all.items), ["Eve", "Dee", "Cleo", "Bob", "Ann"], "default sort -created_at");
    assert_eq!((all.meta.total, all.meta.per_page, all.meta.last_page), (5, 15, 1));

    let hot = |page| {
        let mut query = ListContactsQuery { page, per_page: Some(2), ..Default::default() };
        query.filters.status_id.push(Filter::eq(2));
        query.sort.push(Sort::desc(ListContactsSortField::Firstname));
        query
    };
    let first = contacts.list(hot(None)).await.unwrap();
    assert_eq!(names(&first.items), ["Eve", "Cleo"]);
    assert_eq!(first.meta, PageMeta { current_page: 1, per_page: 2, total: 3, last_page: 2, from: Some(1), to: Some(2) });
    assert_eq!(first.links.prev, None);
    let next = first.links.next.as_deref().expect("a next page");
    assert!(next.starts_with("/contacts?") && next.contains("page=2") && next.contains("sort=-firstname"), "{next}");
    let second = contacts.list(hot(Some(2))).await.unwrap();
    assert_eq!((names(&second.items), second.meta.from, second.links.next), (vec!["Bob"], Some(3), None));

    let streamed: Vec<String> = contacts.list_all(hot(None)).map(|c| c.unwrap().firstname).collect().await;
    assert_eq!(streamed, ["Eve", "Cleo", "Bob"], "list_all crosses pages with the same filter and sort");
    let pages: Vec<_> = contacts.list_pages(hot(None)).collect().await;
    assert_eq!(pages.len(), 2);

    let mut query = ListContactsQuery::default();
    query.filters.r#type.push(Filter::is_in([ContactType::Customer, ContactType::Guest]));
    query.sort.push(Sort::asc(ListContactsSortField::Firstname));
    assert_eq!(names(&contacts.list(query).await.unwrap().items), ["Bob", "Dee"]);

    let mut query = ListContactsQuery::default();
    query.filters.group_id.push(Filter::eq(2));
    query.sort.push(Sort::asc(ListContactsSortField::Id));
    assert_eq!(names(&contacts.list(query).await.unwrap().items), ["Bob", "Dee"], "group_id filters by membership");

    let query = ListContactsQuery { search: Some("stone".into()), ..Default::default() };
    assert_eq!(names(&contacts.list(query).await.unwrap().items), ["Bob"]);

    // The glue checks the pagination bounds. List operations document no VALIDATION_ERROR
    // (api.yaml `common_errors`), so the typed code is `Open::Unknown`: compare the wire string.
    let too_big = api_error(contacts.list(ListContactsQuery { per_page: Some(101), ..Default::default() }).await);
    assert_eq!((too_big.status, too_big.code.as_str()), (422, "VALIDATION_ERROR"));
    assert_eq!(too_big.field_errors, fields(&[("per_page", "The per page field must not be greater than 100.")]));

    let page = server.client(OTHER).contacts().list(ListContactsQuery::default()).await.unwrap();
    assert_eq!((names(&page.items), page.meta.total), (vec!["Zoe"], 1), "tenant 2 sees only its own contacts");
}

#[tokio::test]
async fn create_contact_reports_glue_and_store_validation_as_typed_field_errors() {
    let server = start().await;
    let client = server.client(ADMIN);
    let contacts = client.contacts();
    let body = |first: &str, phone: &str, source_id, status_id| {
        CreateContactBody::new(first, "Nguyen", phone, ContactType::Customer, source_id, status_id)
    };

    // The message comes from the generated validation: the store is never reached.
    let blank = api_error(contacts.create(body("", "+919800000001", 1, 1)).await);
    assert_eq!((blank.status, &blank.code), (422, &Open::Known(CreateContactError::ValidationError)));
    assert_eq!(blank.message, "The given data was invalid");
    assert_eq!(blank.field_errors, fields(&[("firstname", "First name is required")]));
    assert_eq!(client.account().usage().await.unwrap().contacts.current, 5, "nothing was created");

    // The rules only the store can check, with the spec's messages; source 101 is tenant 2's.
    let taken = api_error(contacts.create(body("Fay", "+919999990002", 101, 99)).await);
    assert_eq!(taken.code, Open::Known(CreateContactError::ValidationError));
    assert_eq!(
        taken.field_errors,
        fields(&[
            ("phone", "This phone number already exists"),
            ("source_id", "The selected source does not exist or does not belong to your account"),
            ("status_id", "The selected status does not exist or does not belong to your account"),
        ])
    );

    let mut good = body("Fay", "+919800000001", 2, 1);
    good.groups = Some(vec![2]);
    good.email = Some("fay@example.test".into());
    let created = client.execute_with_meta(CreateContactRequest::new(good)).await.unwrap();
    assert_eq!((created.status, created.message.as_deref()), (201, Some("Contact created successfully")));
    let fay = created.data;
    assert!(fay.id > 1000 && fay.groups.is_none() && fay.source.is_none());
    let fetched = contacts.get(fay.id, GetContactQuery { include: ContactInclude::Groups.into() }).await.unwrap();
    assert_eq!(fetched.groups.unwrap()[0].name, "Newsletter");
    assert_eq!(fetched.email.as_deref(), Some("fay@example.test"));

    let elsewhere = server.client(OTHER).contacts().create(body("Fay", "+919800000001", 101, 101)).await;
    assert_eq!(elsewhere.unwrap().phone.as_deref(), Some("+919800000001"), "phones are unique per tenant");
}

#[tokio::test]
async fn update_contact_tells_null_from_absent() {
    let server = start().await;
    let client = server.client(ADMIN);
    let before = client.contacts().get(1, GetContactQuery::default()).await.unwrap();
    assert_eq!((before.company.as_deref(), before.city.as_deref(), before.country_id), (Some("Acme"), Some("Pune"), Some(91)));

    let patch = UpdateContactBody {
        lastname: Some("Lee-Smith".into()),
        company: Patch::Null,
        country_id: Patch::Null,
        email: Patch::Set("ann@example.test".into()),
        ..UpdateContactBody::new()
    };
    let wire = serde_json::to_value(&patch).unwrap();
    assert_eq!(wire, json!({"lastname": "Lee-Smith", "email": "ann@example.test", "company": null, "country_id": null}));

    let after = client.contacts().update(1, patch).await.unwrap();
    assert_eq!((after.firstname.as_str(), after.lastname.as_str()), ("Ann", "Lee-Smith"));
    assert_eq!((after.company, after.country_id), (None, None), "null clears");
    assert_eq!(after.city.as_deref(), Some("Pune"), "absent leaves the value alone");
    assert_eq!(after.email.as_deref(), Some("ann@example.test"));

    let (_, raw) = server.raw_get("/contacts/1", Some(ADMIN)).await;
    assert_eq!((&raw["data"]["company"], &raw["data"]["city"]), (&Value::Null, &json!("Pune")));

    let clash = UpdateContactBody { phone: Some("+919999990002".into()), ..UpdateContactBody::new() };
    let clash = api_error(client.contacts().update(1, clash).await);
    assert_eq!(clash.field_errors, fields(&[("phone", "This phone number already exists")]));
    let bad_email = UpdateContactBody { email: Patch::Set("not-an-email".into()), ..UpdateContactBody::new() };
    let bad_email = api_error(client.contacts().update(1, bad_email).await);
    assert_eq!(bad_email.field_errors["email"], ["The email field must be a valid email address."]);
    let missing = api_error(client.contacts().update(999, UpdateContactBody::new()).await);
    assert_eq!(missing.code, Open::Known(UpdateContactError::NotFound));
}

#[tokio::test]
async fn delete_contact_then_typed_not_found() {
    let server = start().await;
    let client = server.client(ADMIN);

    let stolen = api_error(server.client(OTHER).contacts().delete(4).await);
    assert_eq!(stolen.code, Open::Known(DeleteContactError::NotFound), "tenant 2 cannot delete tenant 1's contact");

    let deleted = client.execute_with_meta(DeleteContactRequest::new(4)).await.unwrap();
    assert_eq!((deleted.status, deleted.message.as_deref()), (200, Some("Contact deleted successfully")));

    let gone = api_error(client.contacts().get(4, GetContactQuery::default()).await);
    assert_eq!((gone.status, &gone.code, gone.message.as_str()), (404, &Open::Known(GetContactError::NotFound), "Contact not found"));
    let again = api_error(client.contacts().delete(4).await);
    assert_eq!(again.code, Open::Known(DeleteContactError::NotFound));
    let other_tenant = api_error(server.client(OTHER).contacts().get(1, GetContactQuery::default()).await);
    assert_eq!(other_tenant.code, Open::Known(GetContactError::NotFound));
}

#[tokio::test]
async fn groups_are_created_and_filled() {
    let server = start().await;
    let client = server.client(ADMIN);
    let groups = client.groups();

    let partners = groups.create(CreateGroupBody::new("Partners")).await.unwrap();
    let duplicate = api_error(groups.create(CreateGroupBody::new("VIP")).await);
    assert_eq!(duplicate.field_errors, fields(&[("name", "A group with this name already exists")]));
    assert!(server.client(OTHER).groups().create(CreateGroupBody::new("Partners")).await.is_ok(), "names are unique per tenant");

    let added = groups.add_contacts(partners.id, AddContactsToGroupBody::new(vec![1, 3])).await.unwrap();
    assert_eq!((added.group_id, added.contacts_added), (partners.id, 2));
    let again = groups.add_contacts(partners.id, AddContactsToGroupBody::new(vec![1, 4])).await.unwrap();
    assert_eq!(again.contacts_added, 1, "Ann was already a member");

    let unknown = api_error(groups.add_contacts(partners.id, AddContactsToGroupBody::new(vec![2, 101])).await);
    assert_eq!(unknown.field_errors, fields(&[("contact_ids", "One or more contact IDs do not exist")]));
    let empty = api_error(groups.add_contacts(partners.id, AddContactsToGroupBody::new(vec![])).await);
    assert_eq!(empty.field_errors["contact_ids"], ["Contact IDs are required"], "the glue's required rule");
    let no_group = api_error(groups.add_contacts(999, AddContactsToGroupBody::new(vec![1])).await);
    assert_eq!(no_group.code, Open::Known(AddContactsToGroupError::NotFound));

    let cleo = client.contacts().get(3, GetContactQuery { include: ContactInclude::Groups.into() }).await.unwrap();
    assert_eq!(cleo.groups.unwrap().iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Partners"]);
    let listed = groups.list(ListGroupsQuery::default()).await.unwrap();
    assert_eq!(listed.items.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Newsletter", "Partners", "VIP"], "sorted by name");
}

#[tokio::test]
async fn text_messages_are_sent_merged_and_listed_with_filters() {
    let server = start().await;
    let client = server.client(ADMIN);
    let messages = client.messages();

    let text = SendTextMessageBody::new(ANN_PHONE, "Hello @{contact_first_name}, your order has shipped.");
    let sent = messages.send_text(text).await.unwrap();
    assert_eq!((sent.contact_id, sent.message.as_str(), &sent.status), (1, "Hello Ann, your order has shipped.", &Open::Known(MessageStatus::Sent)));

    let stranger = messages.send_text(SendTextMessageBody::new("+919811122233", "Welcome!")).await.unwrap();
    let lead = client.contacts().get(stranger.contact_id, GetContactQuery::default()).await.unwrap();
    assert_eq!((lead.r#type, lead.source_id, lead.status_id), (Open::Known(ContactType::Lead), 1, 1), "auto-created with the default lead settings");

    let opted_out = api_error(messages.send_text(SendTextMessageBody::new(EVE_PHONE, "Hi")).await);
    assert_eq!((opted_out.status, opted_out.code), (403, Open::Known(SendTextMessageError::ContactOptedOut)));
    let mut by_id = SendTextMessageBody::new(ANN_PHONE, "Hi");
    by_id.contact_id = Some(999);
    assert_eq!(api_error(messages.send_text(by_id).await).code, Open::Known(SendTextMessageError::NotFound));
    let unconfigured = api_error(server.client(OTHER).messages().send_text(SendTextMessageBody::new(ANN_PHONE, "Hi")).await);
    assert_eq!((unconfigured.status, unconfigured.code), (422, Open::Known(SendTextMessageError::WhatsappNotConfigured)));
    let bad_phone = api_error(messages.send_text(SendTextMessageBody::new("call me maybe", "Hi")).await);
    assert!(bad_phone.field_errors.contains_key("phone"), "the glue's phone pattern: {bad_phone:?}");

    let mut query = ListMessagesQuery::default();
    query.filters.direction.push(Filter::eq(MessageDirection::Outbound));
    query.filters.r#type.push(Filter::eq(MessageType::Text));
    let page = messages.list(query).await.unwrap();
    let texts: Vec<&str> = page.items.iter().filter_map(|m| m.message.as_deref()).collect();
    assert_eq!(texts, ["Welcome!", "Hello Ann, your order has shipped."], "outbound texts only, newest first");
    assert_eq!(page.meta.total, 2);

    let mut query = ListMessagesQuery::default();
    query.filters.interaction_id.push(Filter::eq(1));
    assert_eq!(messages.list(query).await.unwrap().meta.total, 2, "Ann's chat: her question and our answer");
    assert_eq!(messages.list(ListMessagesQuery::default()).await.unwrap().meta.total, 4);

    let detail = messages.get(sent.chat_message_id).await.unwrap();
    assert_eq!((detail.message.as_deref(), detail.sender_id.as_deref()), (Some("Hello Ann, your order has shipped."), Some(SENDER)));
}

#[tokio::test]
async fn sources_are_listed_and_created_per_tenant() {
    let server = start().await;
    let client = server.client(ADMIN);
    let sources = client.sources();

    let created = client.execute_with_meta(CreateSourceRequest::new(CreateSourceBody::new("Trade show"))).await.unwrap();
    assert_eq!((created.status, created.data.name.as_str()), (201, "Trade show"));
    let page = sources.list(ListSourcesQuery::default()).await.unwrap();
    assert_eq!(page.items.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Referral", "Trade show", "Website"]);

    let mut newest = ListSourcesQuery::default();
    newest.sort.push(Sort::desc(ListSourcesSortField::CreatedAt));
    assert_eq!(sources.list(newest).await.unwrap().items[0].name, "Trade show");

    let duplicate = api_error(sources.create(CreateSourceBody::new("Website")).await);
    assert_eq!(duplicate.field_errors, fields(&[("name", "A source with this name already exists")]));
    let blank = api_error(sources.create(CreateSourceBody::new(" ")).await);
    assert_eq!(blank.field_errors, fields(&[("name", "Source name is required")]));
    let in_use = api_error(sources.delete(1).await);
    assert_eq!(in_use.code, Open::Known(DeleteSourceError::ValidationError));
    assert_eq!(in_use.message, "The source is assigned to contacts and cannot be deleted");

    let theirs = server.client(OTHER).sources().list(ListSourcesQuery::default()).await.unwrap();
    assert_eq!(theirs.items.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Walk-in"]);
}

#[tokio::test]
async fn statuses_follow_the_hex_colour_rule() {
    let server = start().await;
    let client = server.client(ADMIN);
    let statuses = client.statuses();
    const HEX: &str = "Color must be a valid hex color code (e.g., #FF5733)";

    let mut cold = CreateStatusBody::new("Cold");
    cold.color = Some("#1e90ff".into());
    let cold = statuses.create(cold).await.unwrap();
    assert_eq!(cold.color.as_deref(), Some("#1e90ff"));

    let mut named = CreateStatusBody::new("Blue");
    named.color = Some("blue".into());
    let named = api_error(statuses.create(named).await);
    assert_eq!((named.status, &named.code), (422, &Open::Known(CreateStatusError::ValidationError)));
    assert_eq!(named.field_errors, fields(&[("color", HEX)]));

    let mut bad = UpdateStatusBody::new("Warm");
    bad.color = Some("#12345G".into());
    let bad = api_error(statuses.update(cold.id, bad).await);
    assert_eq!((bad.code, bad.field_errors), (Open::Known(UpdateStatusError::ValidationError), fields(&[("color", HEX)])));
    assert_eq!(statuses.get(cold.id).await.unwrap().name, "Cold", "a refused update changes nothing");

    let mut warm = UpdateStatusBody::new("Warm");
    warm.color = Some("#FFA500".into());
    let warm = statuses.update(cold.id, warm).await.unwrap();
    assert_eq!((warm.id, warm.name.as_str(), warm.color.as_deref()), (cold.id, "Warm", Some("#FFA500")));
    let renamed = statuses.update(cold.id, UpdateStatusBody::new("Lukewarm")).await.unwrap();
    assert_eq!(renamed.color.as_deref(), Some("#FFA500"), "no colour sent, colour kept");
}

#[tokio::test]
async fn templates_are_fetched_by_their_string_id() {
    let server = start().await;
    let client = server.client(ADMIN);

    let template = client.templates().get("1029384756").await.unwrap();
    assert_eq!((template.id, template.template_name.as_str()), (1, "order_update"));
    assert_eq!((template.category, template.status), (Open::Known(TemplateCategory::Utility), Open::Known(TemplateStatus::Approved)));
    assert_eq!(template.components[0]["type"], "BODY");

    let missing = api_error(client.templates().get("0000000000").await);
    assert_eq!((missing.status, missing.code), (404, Open::Known(GetTemplateError::NotFound)));
    let theirs = api_error(server.client(OTHER).templates().get("1029384756").await);
    assert_eq!(theirs.code, Open::Known(GetTemplateError::NotFound), "templates are per tenant");

    let page = client.templates().list(ListTemplatesQuery::default()).await.unwrap();
    assert_eq!(page.meta.total, 2);
    assert_eq!(client.templates().sync().await.unwrap().synced, 2);
    let unconfigured = api_error(server.client(OTHER).templates().sync().await);
    assert_eq!(unconfigured.code, Open::Known(SyncTemplatesError::WhatsappNotConfigured));
}

#[tokio::test]
async fn missing_or_wrong_tokens_are_401() {
    let server = start().await;

    let no_token = Client::builder().base_url(server.base()).build();
    assert!(matches!(no_token, Err(BuildError::MissingToken)), "the client refuses to run without a token");
    let blank = Client::builder().base_url(server.base()).token("  ").build();
    assert!(matches!(blank, Err(BuildError::MissingToken)), "nor with a blank one");

    for token in ["wrong-token", "Bearer"] {
        let error = api_error(server.client(token).account().get().await);
        assert_eq!((error.status, &error.code), (401, &Open::Known(GetAccountInfoError::Unauthorized)), "token {token:?}");
        assert_eq!(error.message, "Unauthenticated");
        assert_eq!(error.attempts, 1, "401 is not retried");
    }

    let (status, raw) = server.raw_get("/account", None).await;
    assert_eq!((status, &raw["error"]["code"]), (401, &json!("UNAUTHORIZED")), "no Authorization header at all");
}

#[tokio::test]
async fn a_token_without_the_scope_is_403_naming_it() {
    let server = start().await;
    let reader = server.client(READER);

    assert_eq!(reader.contacts().get(1, GetContactQuery::default()).await.unwrap().firstname, "Ann", "contacts:read is enough to read");

    let body = CreateContactBody::new("Gus", "Ray", "+919800000009", ContactType::Lead, 1, 1);
    let error = api_error(reader.contacts().create(body).await);
    assert_eq!((error.status, &error.code), (403, &Open::Known(CreateContactError::InsufficientScope)));
    assert_eq!(error.message, "Insufficient scope");
    let details: InsufficientScopeDetails = serde_json::from_value(error.details.clone().expect("details")).unwrap();
    assert_eq!(details.required_scope, "contacts:write");

    let error = api_error(reader.messages().list(ListMessagesQuery::default()).await);
    assert_eq!(error.code, Open::Known(ListMessagesError::InsufficientScope));
    assert_eq!(error.details, Some(json!({"required_scope": "messages:read"})));
}

#[tokio::test]
async fn the_per_token_rate_limit_is_429_with_retry_after() {
    let server = start().await;
    let slow = server.client(SLOW).with_retry(RetryPolicy::disabled());

    let first = slow.execute_with_meta(GetPlanLimitsRequest::new()).await.unwrap();
    assert_eq!(first.data.limits.api_calls_per_minute.limit, 2, "the principal's own limit");
    assert_eq!((first.rate_limit.limit, first.rate_limit.remaining), (Some(2), Some(1)));
    let second = slow.execute_with_meta(GetAccountInfoRequest::new()).await.unwrap();
    assert_eq!(second.rate_limit.remaining, Some(0));

    let started = Instant::now();
    let limited = api_error(slow.account().get().await);
    assert!(started.elapsed() < Duration::from_secs(5), "retries disabled: no waiting");
    assert_eq!((limited.status, &limited.code), (429, &Open::Known(GetAccountInfoError::RateLimitExceeded)));
    assert_eq!(limited.message, "Too many requests");
    let retry_after = limited.retry_after.expect("retry_after");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let details: RateLimitExceededDetails = serde_json::from_value(limited.details.clone().unwrap()).unwrap();
    assert_eq!(details.retry_after as u64, retry_after, "header and details agree");
    assert_eq!((limited.rate_limit.limit, limited.rate_limit.remaining, limited.attempts), (Some(2), Some(0), 1));

    let other_scope = api_error(slow.contacts().list(ListContactsQuery::default()).await);
    assert_eq!(other_scope.code, Open::Known(ListContactsError::RateLimitExceeded), "the limit is per token, across operations");
    assert!(server.client(ADMIN).account().get().await.is_ok(), "other tokens are not affected");

    // An operation's own limit (`rate_limits:` of the spec): ten verifications per phone and minute.
    let admin = server.client(ADMIN).with_retry(RetryPolicy::disabled());
    let verify = |phone: &str| VerifyOtpBody::new(phone, "000000");
    admin.auth().send_otp(SendOtpBody::new(ANN_PHONE, "otp_verification", "482913")).await.unwrap();
    for _ in 0..10 {
        let refused = api_error(admin.auth().verify_otp(verify(ANN_PHONE)).await);
        assert_eq!(refused.status, 422, "wrong code, then too many attempts: {refused:?}");
    }
    let limited = api_error(admin.auth().verify_otp(verify(ANN_PHONE)).await);
    assert_eq!((limited.status, &limited.code), (429, &Open::Known(VerifyOtpError::RateLimitExceeded)));
    assert!(limited.retry_after.is_some_and(|s| (1..=60).contains(&s)), "{limited:?}");
    let other_phone = api_error(admin.auth().verify_otp(verify("+919999990002")).await);
    assert_eq!(other_phone.code, Open::Known(VerifyOtpError::OtpNotFound), "the limit is keyed by phone");
}

/// Every operator each filter field allows, built with the typed constructors, travels through
/// the client's query string and the glue's parsing unchanged: the handler receives the same
/// filters (the glue fills in the default page and sort) (text with `&`, `%`, `+`, `,` and spaces included; enum values by their wire names).
#[tokio::test]
async fn every_allowed_filter_operator_round_trips_over_the_wire() {
    let server = start().await;
    let client = server.client(ADMIN);

    let mut contacts = ListContactsQuery::default();
    let f = &mut contacts.filters;
    f.r#type = vec![
        Filter::eq(ContactType::Lead),
        Filter::ne(ContactType::Guest),
        Filter::like("50% off & more, +1"),
        Filter::is_in([ContactType::Lead, ContactType::Customer]),
        Filter::not_in([ContactType::Guest]),
    ];
    f.status_id = vec![Filter::eq(1), Filter::ne(-2), Filter::is_in([1, 2, 3]), Filter::not_in([4, 5])];
    f.source_id = vec![Filter::eq(7), Filter::ne(8), Filter::is_in([9]), Filter::not_in([10, 11])];
    f.assigned_id = vec![Filter::eq(3), Filter::ne(4), Filter::is_in([5, 6]), Filter::not_in([7]), Filter::null(false)];
    f.created_at = vec![
        Filter::gt("2025-01-01"),
        Filter::gte("2025-01-01T10:00:00+05:30"),
        Filter::lt("2026-01-01"),
        Filter::lte("2025-12-31 23:59"),
        Filter::between("2025-01-01", "2025-12-31"),
    ];
    f.group_id = vec![Filter::eq(2)];
    client.contacts().list(contacts.clone()).await.unwrap();
    assert_eq!(server.seen.lock().unwrap().contacts.take().map(|q| q.filters), Some(contacts.filters));

    let mut messages = ListMessagesQuery::default();
    let f = &mut messages.filters;
    f.r#type = vec![Filter::eq(MessageType::Text), Filter::ne(MessageType::Image), Filter::is_in([MessageType::Template]), Filter::not_in([MessageType::Video])];
    f.status = vec![Filter::eq(MessageStatus::Read), Filter::is_in([MessageStatus::Sent, MessageStatus::Failed])];
    f.direction = vec![Filter::eq(MessageDirection::Outbound), Filter::not_in([MessageDirection::Inbound])];
    f.interaction_id = vec![Filter::eq(1), Filter::ne(2), Filter::is_in([3, 4]), Filter::not_in([5])];
    client.messages().list(messages.clone()).await.unwrap();
    assert_eq!(server.seen.lock().unwrap().messages.take().map(|q| q.filters), Some(messages.filters));

    let mut templates = ListAuthTemplatesQuery::default();
    templates.filters.language = vec![Filter::eq("en_GB")];
    templates.filters.template_name = vec![Filter::eq("otp & verify")];
    client.auth().list_templates(templates.clone()).await.unwrap();
    assert_eq!(server.seen.lock().unwrap().auth_templates.take().map(|q| q.filters), Some(templates.filters));
}
