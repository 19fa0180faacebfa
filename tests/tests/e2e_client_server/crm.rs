//! The service, part one: the account, OTP, comments and contacts traits over the store.

#[allow(unused_imports)]
use super::*;


pub(super) struct Crm {
    pub(super) store: Mutex<Store>,
    pub(super) seen: Arc<Mutex<Seen>>,
}

/// The last query each filtered list operation received, as the glue parsed it.
#[derive(Default)]
pub(super) struct Seen {
    pub(super) contacts: Option<ListContactsQuery>,
    pub(super) messages: Option<ListMessagesQuery>,
    pub(super) auth_templates: Option<ListAuthTemplatesQuery>,
}

impl Crm {
    pub(super) fn seeded() -> Crm {
        Crm { store: Mutex::new(Store::seeded()), seen: Arc::default() }
    }

    pub(super) fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap()
    }

    pub(super) fn db(&self) -> MutexGuard<'_, Store> {
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

pub(super) fn usage_entry(current: i64, limit: i64) -> UsageEntry {
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

pub(super) fn limit_entry(limit: i64, feature: &str) -> PlanLimitEntry {
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

pub(super) fn auth_template(t: &Template) -> AuthTemplate {
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
pub(super) fn otp_template<C>(db: &Store, tenant: i64, name: &str, language: Option<&str>, [not_found, invalid]: [C; 2]) -> Result<Template, ApiError<C>> {
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
    pub(super) fn issue_otp(
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

pub(super) fn media_kind(file: &str) -> &'static str {
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

pub(super) fn batch_item(b: BatchCreateContact) -> CreateContactBody {
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
