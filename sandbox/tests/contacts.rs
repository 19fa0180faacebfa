//! End to end, contacts: create with the documented messages and the plan limit, get with
//! includes, list with filters, sort, search, fields and Laravel pagination, partial update,
//! delete, the batches, tenant isolation, and 32 concurrent creates of one phone.

mod support;

use serde_json::json;
use support::{Options, expect_error, start, start_with};
use wacr_client::models::*;
use wacr_sandbox::seed::TenantSeed;

async fn new_body(sb: &support::Sandbox, phone: &str) -> CreateContactBody {
    let (source_id, status_id) = sb.source_and_status().await;
    serde_json::from_value(json!({
        "firstname": "Jane", "lastname": "Doe", "phone": phone, "type": "lead",
        "source_id": source_id, "status_id": status_id,
    }))
    .unwrap()
}

/// Batch items of the primary tenant's first source and status, by phone.
async fn batch_items(sb: &support::Sandbox) -> impl Fn(&str) -> serde_json::Value {
    let (source, status) = sb.source_and_status().await;
    move |phone| json!({"firstname": "B", "lastname": "C", "phone": phone, "type": "lead", "source_id": source, "status_id": status})
}

#[tokio::test]
async fn create_get_update_delete() {
    let sb = start().await;
    let group = sb.client.groups().create(CreateGroupBody { name: "VIP".into() }).await.unwrap();
    let mut body = new_body(&sb, "+15550200001").await;
    body.email = Some("jane@example.com".into());
    body.groups = Some(vec![group.id]);
    let created = sb.client.contacts().create(body.clone()).await.unwrap();
    assert_eq!(created.group_id, [group.id]);
    assert_eq!(created.groups.as_ref().map(|g| g[0].name.as_str()), Some("VIP"), "create loads groups");

    let mut query = GetContactQuery::default();
    query.include.insert(ContactInclude::Source);
    query.include.insert(ContactInclude::Status);
    let got = sb.client.contacts().get(created.id, query).await.unwrap();
    assert!(got.source.is_some() && got.status.is_some() && got.groups.is_none());

    let patch: UpdateContactBody = serde_json::from_value(json!({"firstname": "Janet", "email": null, "city": "Lyon"})).unwrap();
    let updated = sb.client.contacts().update(created.id, patch).await.unwrap();
    assert_eq!((updated.firstname.as_str(), updated.email.as_deref(), updated.city.as_deref()), ("Janet", None, Some("Lyon")));
    assert_eq!(updated.lastname, "Doe", "absent fields stay");

    sb.client.contacts().delete(created.id).await.unwrap();
    expect_error(sb.client.contacts().get(created.id, Default::default()).await, 404, "NOT_FOUND");
    expect_error(sb.client.contacts().delete(created.id).await, 404, "NOT_FOUND");
    let raw = sb.raw("PATCH", &format!("/contacts/{}", created.id), Some(json!({"firstname": "x"}))).await;
    raw.assert_error(404, "NOT_FOUND");
    assert_eq!(raw.json["message"], "Contact not found");
}

#[tokio::test]
async fn create_validation_messages() {
    let sb = start().await;
    let mut body = new_body(&sb, "+15550200002").await;
    body.email = Some("dup@example.com".into());
    sb.client.contacts().create(body).await.unwrap();
    let mut dup = new_body(&sb, "15550200002").await;
    dup.email = Some("DUP@example.com".into());
    dup.source_id = 999_999;
    let error = expect_error(sb.client.contacts().create(dup).await, 422, "VALIDATION_ERROR");
    assert_eq!(error.field_errors["phone"], ["This phone number already exists"]);
    assert_eq!(error.field_errors["email"], ["This email address already exists"]);
    assert_eq!(error.field_errors["source_id"], ["The selected source does not exist or does not belong to your account"]);
    // spec rules are the router's: required messages as documented
    // null for an optional field that is not nullable is a value of the wrong type
    let raw = sb.raw("POST", "/contacts", Some(json!({"firstname": "N", "lastname": "Ull", "phone": "+15550001999", "type": "lead", "source_id": 1, "status_id": 1, "groups": null}))).await;
    raw.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(raw.json["errors"], json!({"groups": ["The groups field must be an array."]}));
    let raw = sb.raw("POST", "/contacts", Some(json!({"lastname": "x"}))).await;
    raw.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(raw.json["errors"]["firstname"][0], "First name is required");
    // another tenant's status does not exist here
    let theirs = sb.raw_as(sb.token("second"), "GET", "/statuses", None).await.json["data"][0]["id"].as_i64().unwrap();
    let mut other_status = new_body(&sb, "+15550200003").await;
    other_status.status_id = theirs;
    let error = expect_error(sb.client.contacts().create(other_status).await, 422, "VALIDATION_ERROR");
    assert!(error.field_errors.contains_key("status_id"));
}

/// A phone is stored as its leading + and ASCII digits; digits of other scripts and phones
/// without digits are refused with the format message, so they cannot pass uniqueness.
#[tokio::test]
async fn phones_are_normalised_to_ascii_digits_and_the_rest_refused() {
    let sb = start().await;
    let created = sb.client.contacts().create(new_body(&sb, " +1 (555) 020-0070").await).await.unwrap();
    assert_eq!(created.phone.as_deref(), Some("+15550200070"));
    let error = expect_error(sb.client.contacts().create(new_body(&sb, "1-555-020-0070").await).await, 422, "VALIDATION_ERROR");
    assert_eq!(error.field_errors["phone"], ["This phone number already exists"], "the digits are the key");
    let format = ["The phone field must be a valid phone number."];
    for phone in ["+１５５５０２０００７０", "+١٥٥٥٠٢٠٠٠٧٠", "+۱۵۵۵۰۲۰۰۰۷۰", "abc", "+1555020007a"] {
        let error = expect_error(sb.client.contacts().create(new_body(&sb, phone).await).await, 422, "VALIDATION_ERROR");
        assert_eq!(error.field_errors["phone"], format, "{phone}");
    }
    let patch = sb.raw("PATCH", &format!("/contacts/{}", created.id), Some(json!({"phone": "+１５５５０２０００７１"}))).await;
    patch.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(patch.json["errors"]["phone"], json!(format));
    let patch = sb.raw("PATCH", &format!("/contacts/{}", created.id), Some(json!({"phone": "+44 20-7946.0958"}))).await;
    assert_eq!(patch.json["data"]["phone"], "+442079460958", "{}", patch.json);
    let item = batch_items(&sb).await;
    let reply = sb.raw("POST", "/contacts/batch", Some(json!({"contacts": [item("+１５５５０２０００７０"), item("(555) 020 0072")]}))).await;
    assert_eq!(reply.json["summary"], json!({"total": 2, "created": 1, "skipped": 0, "failed": 1}), "{}", reply.json);
    assert_eq!(reply.json["errors"][0]["errors"]["phone"], json!(format));
    assert_eq!(reply.json["created"][0]["phone"], "5550200072");
}

#[tokio::test]
async fn contacts_plan_limit() {
    let mut primary = TenantSeed::primary(10_000);
    primary.plan.contacts = Some(1);
    let sb = start_with(Options { primary, ..Options::default() }).await;
    sb.contact("+15550200010").await;
    let error = expect_error(sb.client.contacts().create(new_body(&sb, "+15550200011").await).await, 403, "FEATURE_LIMIT_EXCEEDED");
    let details = error.details.unwrap();
    assert_eq!((details["feature"].as_str(), details["current"].as_i64(), details["maximum"].as_i64()), (Some("contacts"), Some(1), Some(1)));
    let usage = sb.client.account().usage().await.unwrap();
    assert_eq!((usage.contacts.remaining, usage.contacts.percentage_used), (Some(0), 100.0));
}

#[tokio::test]
async fn tenants_are_isolated() {
    let sb = start().await;
    let mine = sb.contact("+15550200020").await;
    let id = mine["id"].as_i64().unwrap();
    expect_error(sb.other.contacts().get(id, Default::default()).await, 404, "NOT_FOUND");
    expect_error(sb.other.contacts().delete(id).await, 404, "NOT_FOUND");
    assert_eq!(sb.other.contacts().list(Default::default()).await.unwrap().meta.total, 0);
    let deleted = sb.other.contacts().batch_delete(BatchDeleteContactsBody { ids: vec![id] }).await.unwrap();
    assert_eq!((deleted.summary.deleted, deleted.summary.failed), (0, 1));
    // the same phone is free in the other tenant
    let (source, status) = {
        let s = sb.raw_as(sb.token("second"), "GET", "/sources", None).await.json["data"][0]["id"].as_i64().unwrap();
        let t = sb.raw_as(sb.token("second"), "GET", "/statuses", None).await.json["data"][0]["id"].as_i64().unwrap();
        (s, t)
    };
    let body = json!({"firstname": "A", "lastname": "B", "phone": "+15550200020", "type": "guest", "source_id": source, "status_id": status});
    assert_eq!(sb.raw_as(sb.token("second"), "POST", "/contacts", Some(body)).await.status, 201);
}

#[tokio::test]
async fn list_filters_sort_search_fields_and_pages() {
    let sb = start().await;
    let group = sb.client.groups().create(CreateGroupBody { name: "Members".into() }).await.unwrap();
    for (i, (name, kind)) in [("Ann", "lead"), ("bob", "customer"), ("Cid", "guest"), ("Dee", "lead")].iter().enumerate() {
        let mut body = new_body(&sb, &format!("+1555020003{i}")).await;
        body.firstname = (*name).into();
        body.r#type = kind.parse().unwrap();
        body.company = Some(format!("{name} Corp"));
        if i % 2 == 0 {
            body.groups = Some(vec![group.id]);
            body.assigned_id = Some(7);
        }
        sb.client.contacts().create(body).await.unwrap();
    }
    let names = |reply: &support::Raw| -> Vec<String> {
        reply.json["data"].as_array().unwrap().iter().map(|c| c["firstname"].as_str().unwrap().to_owned()).collect()
    };
    let newest_first = sb.raw("GET", "/contacts", None).await;
    assert_eq!(names(&newest_first), ["Dee", "Cid", "bob", "Ann"]);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=firstname", None).await), ["Ann", "bob", "Cid", "Dee"]);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=id&filter[type]=lead", None).await), ["Ann", "Dee"]);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=id&filter[type][like]=ues", None).await), ["Cid"]);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=id&filter[type][not_in]=lead,guest", None).await), ["bob"]);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=id&filter[assigned_id][null]=true", None).await), ["bob", "Dee"]);
    assert_eq!(names(&sb.raw("GET", &format!("/contacts?sort=id&filter[group_id]={}", group.id), None).await), ["Ann", "Cid"]);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=id&filter[created_at][gte]=2000-01-01", None).await).len(), 4);
    assert_eq!(names(&sb.raw("GET", "/contacts?sort=id&filter[created_at][lt]=2000-01-01", None).await).len(), 0);
    assert_eq!(names(&sb.raw("GET", "/contacts?q=bob%20corp", None).await), ["bob"]);
    // a filter or sort the spec does not allow is a 422, never SQL
    sb.raw("GET", "/contacts?filter[email]=x", None).await.assert_error(422, "VALIDATION_ERROR");
    sb.raw("GET", "/contacts?sort=password", None).await.assert_error(422, "VALIDATION_ERROR");
    sb.raw("GET", "/contacts?filter[status_id]=1%20OR%201=1", None).await.assert_error(422, "VALIDATION_ERROR");
    sb.raw("GET", "/contacts?filter[status_id][like]=1", None).await.assert_error(422, "VALIDATION_ERROR");
    sb.raw("GET", "/contacts?per_page=101", None).await.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(sb.raw("GET", "/contacts?filter[status_id][in]=", None).await.json["meta"]["total"], 0, "an empty `in` matches nothing");
    // what the document forbids is refused: an empty sort, an empty item of a list filter
    for query in ["sort=", "sort=id,", "filter[status_id][in]=1,,2", "include=%20groups"] {
        let refused = sb.raw("GET", &format!("/contacts?{query}"), None).await;
        refused.assert_error(422, "VALIDATION_ERROR");
    }
    // a date that is not a date is the caller's mistake: 422 with the field, never a 500
    let bad_date = sb.raw("GET", "/contacts?filter[created_at][gte]=notadate", None).await;
    bad_date.assert_error(422, "VALIDATION_ERROR");
    assert!(bad_date.json["errors"].as_object().is_some_and(|e| !e.is_empty()), "{}", bad_date.json);

    let page = sb.raw("GET", "/contacts?per_page=3&page=2&include=groups,source&fields=id,firstname", None).await;
    assert_eq!(page.json["meta"], json!({"current_page": 2, "per_page": 3, "total": 4, "last_page": 2, "from": 4, "to": 4}));
    let prev = page.json["links"]["prev"].as_str().unwrap();
    assert!(prev.starts_with("/contacts?") && prev.contains("page=1") && prev.contains("per_page=3"), "{prev}");
    assert!(page.json["links"]["next"].is_null());
    let item = page.json["data"][0].as_object().unwrap();
    assert!(item.contains_key("groups") && item.contains_key("source") && !item.contains_key("lastname"), "{item:?}");

    // the client pages through everything
    let pages = sb.client.contacts().list(ListContactsQuery { per_page: Some(1), ..Default::default() }).await.unwrap();
    assert_eq!((pages.meta.last_page, pages.items.len()), (4, 1));
}

#[tokio::test]
async fn batch_create_and_delete() {
    let sb = start().await;
    let (source, status) = sb.source_and_status().await;
    sb.contact("+15550200040").await;
    let item = |phone: &str| json!({"firstname": "B", "lastname": "C", "phone": phone, "type": "customer", "source_id": source, "status_id": status});
    let body = json!({"contacts": [item("+15550200041"), item("+15550200040"), item("+15550200041")]});
    let reply = sb.raw("POST", "/contacts/batch", Some(body.clone())).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["success"], true);
    assert_eq!(reply.json["summary"], json!({"total": 3, "created": 1, "skipped": 0, "failed": 2}));
    assert_eq!(reply.json["errors"][0]["index"], 1);
    assert_eq!(reply.json["errors"][0]["errors"]["phone"][0], "This phone number already exists");

    let skip = json!({"contacts": [item("+15550200040"), item("+15550200042")], "options": {"skip_duplicates": true}});
    let reply = sb.raw("POST", "/contacts/batch", Some(skip)).await;
    assert_eq!(reply.json["summary"], json!({"total": 2, "created": 1, "skipped": 1, "failed": 0}));
    assert_eq!(reply.json["skipped"][0]["index"], 0);
    assert_eq!(reply.json["skipped"][0]["data"]["phone"], "+15550200040");

    let stop = json!({"contacts": [item("+15550200043"), item("+15550200040")], "options": {"continue_on_error": false}});
    let reply = sb.raw("POST", "/contacts/batch", Some(stop)).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["errors"]["contacts.1.phone"][0], "This phone number already exists");
    let total = sb.client.contacts().list(Default::default()).await.unwrap().meta.total;
    assert_eq!(total, 3, "the failed batch was rolled back");
    // an item that is not an object fails the whole request; the items' own messages come with it
    let mut bad = item("+15550200044");
    bad.as_object_mut().unwrap().remove("firstname");
    let reply = sb.raw("POST", "/contacts/batch", Some(json!({"contacts": [item("+15550200045"), bad, 42]}))).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    let errors = &reply.json["errors"];
    assert_eq!(errors["contacts.2"][0], "The contacts.2 field must be an object.");
    assert_eq!(errors["contacts.1.firstname"][0], "First name is required");
    assert_eq!(sb.client.contacts().list(Default::default()).await.unwrap().meta.total, 3, "nothing was created");

    let ids: Vec<i64> = sb.client.contacts().list(Default::default()).await.unwrap().items.iter().map(|c| c.id).collect();
    let reply = sb.raw("DELETE", "/contacts/batch", Some(json!({"ids": [ids[0], ids[1], 999_999]}))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["summary"], json!({"total": 3, "deleted": 2, "failed": 1}));
    sb.raw("DELETE", "/contacts/batch", Some(json!({"ids": "x"}))).await.assert_error(422, "VALIDATION_ERROR");
}

/// The rules the glue checks (required, type, email format) fail an item, not the request:
/// with continue_on_error the item is listed in errors and the others are created; without
/// it the first failing item rolls the batch back; skip_duplicates still skips taken phones.
#[tokio::test]
async fn batch_create_item_rules_fail_per_item() {
    let sb = start().await;
    sb.contact("+15550200060").await;
    let item = batch_items(&sb).await;
    let mut bad = item("+15550200061");
    bad["email"] = json!("not-an-email");
    bad["type"] = json!("vip");
    bad.as_object_mut().unwrap().remove("firstname");
    let phones = |reply: &support::Raw, key: &str| -> Vec<String> {
        reply.json[key].as_array().unwrap().iter().map(|c| c["phone"].as_str().or(c["data"]["phone"].as_str()).unwrap().to_owned()).collect()
    };
    let total = async || sb.client.contacts().list(Default::default()).await.unwrap().meta.total;
    assert_eq!(total().await, 1);

    let go_on = json!({"contacts": [item("+15550200062"), bad, item("+15550200063")]});
    let reply = sb.raw("POST", "/contacts/batch", Some(go_on)).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["summary"], json!({"total": 3, "created": 2, "skipped": 0, "failed": 1}));
    assert_eq!(phones(&reply, "created"), ["+15550200062", "+15550200063"]);
    let failed = &reply.json["errors"][0];
    assert_eq!((&failed["index"], &failed["data"]), (&json!(1), &bad), "the item is echoed as sent");
    assert_eq!(
        failed["errors"],
        json!({
            "firstname": ["First name is required"],
            "type": ["Type must be either lead, customer, or guest"],
            "email": ["The email field must be a valid email address."],
        })
    );
    assert_eq!(total().await, 3);

    let stop = json!({"contacts": [item("+15550200064"), bad, item("+15550200060")], "options": {"continue_on_error": false}});
    let reply = sb.raw("POST", "/contacts/batch", Some(stop)).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    let errors = reply.json["errors"].as_object().unwrap();
    assert_eq!(errors["contacts.1.firstname"][0], "First name is required");
    assert!(errors.keys().all(|k| k.starts_with("contacts.1.")), "the batch stops at the first failing item: {errors:?}");
    assert_eq!(total().await, 3, "the batch was rolled back: +15550200064 was not created");

    let skip = json!({"contacts": [item("+15550200060"), bad, item("+15550200065")], "options": {"skip_duplicates": true}});
    let reply = sb.raw("POST", "/contacts/batch", Some(skip)).await;
    assert_eq!(reply.json["summary"], json!({"total": 3, "created": 1, "skipped": 1, "failed": 1}));
    assert_eq!((phones(&reply, "skipped"), phones(&reply, "created")), (vec!["+15550200060".to_owned()], vec!["+15550200065".to_owned()]));
    assert_eq!(reply.json["errors"][0]["index"], 1);
    assert_eq!(total().await, 4);
}

#[tokio::test]
async fn batch_create_limit() {
    let mut primary = TenantSeed::primary(10_000);
    primary.plan.contacts = Some(2);
    let sb = start_with(Options { primary, ..Options::default() }).await;
    let (source, status) = sb.source_and_status().await;
    let item = |phone: &str| json!({"firstname": "B", "lastname": "C", "phone": phone, "type": "lead", "source_id": source, "status_id": status});
    let body = json!({"contacts": [item("+15550200051"), item("+15550200052"), item("+15550200053")]});
    let reply = sb.raw("POST", "/contacts/batch", Some(body.clone())).await;
    assert_eq!(reply.json["summary"], json!({"total": 3, "created": 2, "skipped": 0, "failed": 1}));
    assert_eq!(reply.json["errors"][0]["errors"]["limit"][0], "Plan limit reached");
    sb.raw("POST", "/contacts/batch", Some(body)).await.assert_error(403, "FEATURE_LIMIT_EXCEEDED");
}

/// 32 concurrent creates of one phone: exactly one 201, the rest the uniqueness 422, no 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_phone() {
    let sb = start().await;
    let (source, status) = sb.source_and_status().await;
    let body = json!({"firstname": "Race", "lastname": "Condition", "phone": "+15550200099", "type": "lead", "source_id": source, "status_id": status});
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (http, url, token, body) = (sb.http.clone(), sb.url("/contacts"), sb.token("default").to_owned(), body.clone());
        tasks.push(tokio::spawn(async move {
            let reply = http.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            let status = reply.status().as_u16();
            (status, reply.json::<serde_json::Value>().await.unwrap())
        }));
    }
    let mut created = 0;
    for task in tasks {
        let (status, json) = task.await.unwrap();
        match status {
            201 => created += 1,
            422 => assert_eq!(json["errors"]["phone"][0], "This phone number already exists", "{json}"),
            other => panic!("unexpected {other}: {json}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(sb.client.contacts().list(Default::default()).await.unwrap().meta.total, 1);
}
