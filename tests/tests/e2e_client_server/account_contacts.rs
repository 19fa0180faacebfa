//! Tests: account, OTP, comments and contacts through the generated client.

#[allow(unused_imports)]
use super::*;

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
