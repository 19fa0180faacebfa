//! The in-memory CRM behind the test server: tenant-scoped tables, OTPs, the rules only an
//! implementation can check, and the list helpers (filters, search, sort, pages).

#[allow(unused_imports)]
use super::*;


pub(super) const CONTACT_LIMIT: i64 = 100;
pub(super) const MAX_OTP_ATTEMPTS: i64 = 5;
pub(super) const DEFAULT_PURPOSE: &str = "authentication";
/// The tenant's WhatsApp number, the sender of everything it sends.
pub(super) const SENDER: &str = "919800000000";

/// Rows addressed by a numeric id.
pub(super) trait Row: Clone {
    fn id(&self) -> i64;
}

macro_rules! rows {
    ($($t:ty),*) => { $(impl Row for $t { fn id(&self) -> i64 { self.id } })* };
}
rows!(Contact, Group, Source, Status, Template, MessageDetail);

/// Rows of one kind, each owned by a tenant.
#[derive(Clone)]
pub(super) struct Table<T> {
    pub(super) rows: Vec<(i64, T)>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { rows: Vec::new() }
    }
}

impl<T: Row> Table<T> {
    pub(super) fn of(&self, tenant: i64) -> impl Iterator<Item = &T> + '_ {
        self.rows.iter().filter(move |(t, _)| *t == tenant).map(|(_, row)| row)
    }

    pub(super) fn of_mut(&mut self, tenant: i64) -> impl Iterator<Item = &mut T> + '_ {
        self.rows.iter_mut().filter(move |(t, _)| *t == tenant).map(|(_, row)| row)
    }

    pub(super) fn get(&self, tenant: i64, id: i64) -> Option<&T> {
        self.of(tenant).find(|row| row.id() == id)
    }

    pub(super) fn get_mut(&mut self, tenant: i64, id: i64) -> Option<&mut T> {
        self.of_mut(tenant).find(|row| row.id() == id)
    }

    pub(super) fn put(&mut self, tenant: i64, row: T) -> T {
        self.rows.push((tenant, row.clone()));
        row
    }

    pub(super) fn remove(&mut self, tenant: i64, id: i64) -> bool {
        let before = self.rows.len();
        self.rows.retain(|(t, row)| !(*t == tenant && row.id() == id));
        self.rows.len() != before
    }

    pub(super) fn count(&self, tenant: i64) -> i64 {
        self.of(tenant).count() as i64
    }
}

/// An OTP waiting for verification, per (tenant, phone, purpose).
pub(super) struct Otp {
    pub(super) code: String,
    pub(super) attempts: i64,
    pub(super) expires: Instant,
    pub(super) expires_at: String,
    pub(super) created_at: String,
}

#[derive(Default)]
pub(super) struct Store {
    /// A fake clock: one tick is one minute of 2026-01-01.
    pub(super) clock: i64,
    pub(super) next_id: i64,
    pub(super) sources: Table<Source>,
    pub(super) statuses: Table<Status>,
    pub(super) groups: Table<Group>,
    pub(super) contacts: Table<Contact>,
    pub(super) templates: Table<Template>,
    pub(super) messages: Table<MessageDetail>,
    /// (tenant, contact id, note)
    pub(super) comments: Vec<(i64, i64, Comment)>,
    pub(super) otps: HashMap<(i64, String, String), Otp>,
}

pub(super) fn stamp(minutes: i64) -> String {
    format!("2026-01-01T{:02}:{:02}:00Z", minutes / 60, minutes % 60)
}

/// Why a message cannot be sent to a recipient.
pub(super) enum Refusal {
    NoContact,
    OptedOut,
    NoDefaults,
    LimitReached(i64),
}

impl Store {
    pub(super) fn tick(&mut self) -> String {
        self.clock += 1;
        stamp(self.clock)
    }

    pub(super) fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Tenant 1 has WhatsApp configured; tenant 2 does not.
    pub(super) fn whatsapp(&self, tenant: i64) -> bool {
        tenant == 1
    }

    /// Two tenants: seeded ids below 100 are tenant 1's, 101.. tenant 2's; every row created
    /// later (messages included) gets an id above 1000.
    pub(super) fn seeded() -> Store {
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

    pub(super) fn put_template(&mut self, tenant: i64, id: i64, template_id: &str, name: &str, category: TemplateCategory, body: &str) {
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

    pub(super) fn seed_message(&mut self, tenant: i64, contact: i64, ty: MessageType, text: &str, direction: MessageDirection) {
        let recorded = self.record(tenant, contact, ty, text.into());
        let row = self.messages.get_mut(tenant, recorded.id).expect("just recorded");
        row.direction = Some(Open::Known(direction));
        if direction == MessageDirection::Inbound {
            row.sender_id = Some("customer".into());
        }
    }

    /// Stores an outbound message in the contact's chat.
    pub(super) fn record(&mut self, tenant: i64, contact: i64, ty: MessageType, text: String) -> MessageDetail {
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

    pub(super) fn contact_by_phone(&self, tenant: i64, phone: &str) -> Option<Contact> {
        self.contacts.of(tenant).find(|c| c.phone.as_deref() == Some(phone)).cloned()
    }

    /// A contact with its groups, source and status loaded. All three, whatever was asked for:
    /// the router keeps only the relations named by `?include=` (the trait's documented contract).
    pub(super) fn hydrate(&self, tenant: i64, mut c: Contact) -> Contact {
        c.groups = Some(self.groups.of(tenant).filter(|g| c.group_id.contains(&g.id)).cloned().collect());
        c.source = self.sources.get(tenant, c.source_id).cloned();
        c.status = self.statuses.get(tenant, c.status_id).cloned();
        c
    }

    /// The contact rules only the store can check, with the operation's documented messages.
    pub(super) fn contact_errors(&self, tenant: i64, except: Option<i64>, refs: ContactRefs<'_>, msg: &dyn Fn(&str, &str) -> String) -> FieldErrors {
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

    pub(super) fn insert_contact(&mut self, tenant: i64, b: CreateContactBody) -> Contact {
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
    pub(super) fn recipient(&mut self, tenant: i64, contact_id: Option<i64>, phone: &str) -> Result<Contact, Refusal> {
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

    pub(super) fn template_named(&self, tenant: i64, name: &str, language: Option<&str>) -> Option<Template> {
        self.templates.of(tenant).find(|t| t.template_name == name && language.is_none_or(|l| t.language == l)).cloned()
    }
}

pub(super) struct ContactRefs<'a> {
    pub(super) phone: Option<&'a str>,
    pub(super) email: Option<&'a str>,
    pub(super) source_id: Option<i64>,
    pub(super) status_id: Option<i64>,
    pub(super) groups: Option<&'a [i64]>,
}

/// The codes of a send operation for each [`Refusal`], in [`refused`]'s order.
macro_rules! send_codes {
    ($e:ident) => {
        [$e::NotFound, $e::ContactOptedOut, $e::ValidationError, $e::FeatureLimitExceeded]
    };
}

/// `[not_found, opted_out, invalid, limit]`: the operation's codes for each refusal.
pub(super) fn refused<C>(refusal: Refusal, [not_found, opted_out, invalid, limit]: [C; 4]) -> ApiError<C> {
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

pub(super) fn invalid<C>(code: C, errors: FieldErrors) -> ApiError<C> {
    let mut error = ApiError::new(code);
    error.errors = errors;
    error
}

pub(super) fn merge_fields(text: &str, c: &Contact) -> String {
    text.replace("@{contact_first_name}", &c.firstname)
        .replace("@{contact_last_name}", &c.lastname)
        .replace("@{contact_email}", c.email.as_deref().unwrap_or(""))
        .replace("@{contact_phone}", c.phone.as_deref().unwrap_or(""))
}

// ---------------------------------------------------------------------------------------------
// List helpers: filters, search, sort, pages
// ---------------------------------------------------------------------------------------------

/// Whether `value` meets every condition.
pub(super) fn hit<T: PartialOrd + Display, O>(conds: &[Filter<T, O>], value: Option<&T>) -> bool {
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
pub(super) fn known<E: WireEnum>(value: &Option<Open<E>>) -> Option<E> {
    value.as_ref().and_then(Open::known)
}

pub(super) fn found(search: &Option<String>, fields: &[Option<&str>]) -> bool {
    let Some(term) = search.as_deref().map(str::to_lowercase) else { return true };
    fields.iter().flatten().any(|f| f.to_lowercase().contains(&term))
}

pub(super) type Key = (i64, String);

pub(super) fn num(n: i64) -> Key {
    (n, String::new())
}

pub(super) fn text(s: &str) -> Key {
    (0, s.to_lowercase())
}

pub(super) fn order<T, F: Copy>(rows: &mut [T], sort: &[Sort<F>], key: impl Fn(&T, F) -> Key) {
    rows.sort_by(|a, b| {
        let by = |s: &Sort<F>| {
            let o = key(a, s.field).cmp(&key(b, s.field));
            if s.descending { o.reverse() } else { o }
        };
        sort.iter().map(by).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
    });
}

/// One page of `rows`; the router has filled `page` and `per_page` with the spec's defaults.
pub(super) fn page_of<T>(rows: Vec<T>, page: Option<u32>, per_page: Option<u32>) -> Page<T> {
    let (page, per_page) = (page.expect("the router fills page"), per_page.expect("the router fills per_page"));
    let total = rows.len() as u64;
    let items = rows.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).collect();
    wacr_server::paginate(items, total, page, per_page)
}
