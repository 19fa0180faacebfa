//! Tests: groups, messages, sources, statuses, templates and the errors the glue answers.

#[allow(unused_imports)]
use super::*;

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
