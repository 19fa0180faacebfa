//! The generated contacts router end to end over raw HTTP, against a small in-memory
//! implementation: auth and scope, validation with the documented messages, query checks,
//! includes, list sorting, filtering and pagination, body errors, routing, errors returned by
//! the implementation, and the per-token rate limit.

mod support;

use std::sync::Mutex;

use serde_json::{Value, json};
use support::{NO_SCOPE_TOKEN, Server, get, json as send_json, send, serve};
use wacr_models::*;
use wacr_server::{ApiError, Authenticator, Config, ContactsApi, Principal, Rejected};

const FULL: &str = "full-token";
const READ: &str = "read-token";
const SLOW: &str = "two-per-minute";

struct Contacts {
    rows: Mutex<Vec<Contact>>,
}

fn contact(id: i64, firstname: &str, ty: ContactType, status_id: i64) -> Contact {
    Contact {
        id,
        firstname: firstname.to_owned(),
        lastname: "Doe".to_owned(),
        company: None,
        r#type: Open::Known(ty),
        email: None,
        phone: Some(format!("+9199999999{id:02}")),
        status_id,
        source_id: 1,
        description: None,
        city: None,
        state: None,
        zip: None,
        address: None,
        country_id: None,
        assigned_id: None,
        group_id: vec![1],
        is_opted_out: false,
        created_at: format!("2025-01-{id:02}T00:00:00Z"),
        updated_at: format!("2025-01-{id:02}T00:00:00Z"),
        // Loaded whether asked for or not: the router must drop what `include` did not name.
        groups: Some(vec![Group { id: 1, name: "VIP".into(), created_at: "2025-01-01T00:00:00Z".into(), updated_at: "2025-01-01T00:00:00Z".into() }]),
        source: Some(Source { id: 1, name: "Web".into(), created_at: "2025-01-01T00:00:00Z".into(), updated_at: "2025-01-01T00:00:00Z".into() }),
        status: Some(Status { id: status_id, name: "New".into(), color: None, created_at: "2025-01-01T00:00:00Z".into(), updated_at: "2025-01-01T00:00:00Z".into() }),
    }
}

impl Contacts {
    fn new() -> Self {
        let names = ["Cleo", "Ann", "Bob", "Dee", "Eve"];
        let rows = names.iter().zip(1..).map(|(n, id)| contact(id, n, if id % 2 == 0 { ContactType::Customer } else { ContactType::Lead }, id % 3 + 1));
        Contacts { rows: Mutex::new(rows.collect()) }
    }
}

impl Authenticator<Scope> for Contacts {
    async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
        match token {
            FULL => Some(Principal::new(1, "t-full", ScopeSet::all())),
            READ => Some(Principal::new(1, "t-read", ScopeSet::new().with(Scope::ContactsRead))),
            SLOW => Some(Principal::new(1, "t-slow", ScopeSet::all()).with_rate_limit(2)),
            NO_SCOPE_TOKEN => Some(Principal::new(1, "t-none", ScopeSet::new())),
            _ => None,
        }
    }
}

impl ContactsApi for Contacts {
    async fn list(&self, _: &Principal<Scope>, req: ListContactsRequest) -> Result<ListContactsResponse, ApiError<ListContactsError>> {
        let q = req.query;
        let mut rows: Vec<Contact> = self.rows.lock().unwrap().clone();
        for cond in &q.filters.r#type {
            match cond.cond() {
                FilterCond::Eq(t) => rows.retain(|c| c.r#type.known() == Some(*t)),
                FilterCond::In(ts) => rows.retain(|c| c.r#type.known().is_some_and(|t| ts.contains(&t))),
                FilterCond::Like(text) => rows.retain(|c| c.r#type.known().is_some_and(|t| t.as_str().contains(text.as_str()))),
                other => panic!("not needed by the test: {other:?}"),
            }
        }
        for cond in &q.filters.status_id {
            if let FilterCond::Ne(s) = cond.cond() {
                rows.retain(|c| c.status_id != *s);
            }
        }
        for sort in q.sort.iter().rev() {
            rows.sort_by(|a, b| {
                let order = match sort.field {
                    ListContactsSortField::Firstname => a.firstname.cmp(&b.firstname),
                    ListContactsSortField::CreatedAt => a.created_at.cmp(&b.created_at),
                    _ => a.id.cmp(&b.id),
                };
                if sort.descending { order.reverse() } else { order }
            });
        }
        let (page, per_page) = (q.page.expect("the router fills page"), q.per_page.expect("the router fills per_page"));
        let total = rows.len() as u64;
        let items = rows.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).collect();
        Ok(wacr_server::paginate(items, total, page, per_page))
    }

    async fn create(&self, _: &Principal<Scope>, req: CreateContactRequest) -> Result<CreateContactResponse, ApiError<CreateContactError>> {
        let body = req.body;
        if body.firstname == "Limit" {
            let details = FeatureLimitExceededDetails { feature: "contacts".into(), current: 5, maximum: 5 };
            return Err(ApiError::new(CreateContactError::FeatureLimitExceeded).with_details(details));
        }
        let mut rows = self.rows.lock().unwrap();
        if rows.iter().any(|c| c.phone.as_deref() == Some(body.phone.as_str())) {
            let message = wacr_server::message(wacr_server::rules::CREATE_CONTACT_BODY, "phone", "unique");
            return Err(ApiError::new(CreateContactError::ValidationError).with_field_error("phone", message));
        }
        let mut created = contact(rows.len() as i64 + 1, &body.firstname, body.r#type, body.status_id);
        created.phone = Some(body.phone);
        created.source = None;
        created.status = None;
        rows.push(created.clone());
        Ok(created)
    }

    async fn get(&self, _: &Principal<Scope>, req: GetContactRequest) -> Result<GetContactResponse, ApiError<GetContactError>> {
        let rows = self.rows.lock().unwrap();
        rows.iter().find(|c| c.id == req.id).cloned().ok_or_else(|| ApiError::new(GetContactError::NotFound).with_message("Contact not found"))
    }

    async fn update(&self, _: &Principal<Scope>, _: UpdateContactRequest) -> Result<UpdateContactResponse, ApiError<UpdateContactError>> {
        Err(UpdateContactError::InternalError.into())
    }

    async fn delete(&self, _: &Principal<Scope>, req: DeleteContactRequest) -> Result<DeleteContactResponse, ApiError<DeleteContactError>> {
        let mut rows = self.rows.lock().unwrap();
        let before = rows.len();
        rows.retain(|c| c.id != req.id);
        if rows.len() == before { Err(DeleteContactError::NotFound.into()) } else { Ok(()) }
    }

    /// Creates nothing; reports the items the glue rejected.
    async fn batch_create(&self, _: &Principal<Scope>, req: BatchCreateContactsRequest, rejected: Rejected) -> Result<BatchCreateContactsResponse, ApiError<BatchCreateContactsError>> {
        let total = (req.body.contacts.len() + rejected.items().len()) as i64;
        let items = rejected.merge("contacts", req.body.contacts);
        let errors: Vec<BatchFailedItem> = items
            .into_iter()
            .filter_map(|(index, item)| item.err().map(|r| (index, r)))
            .map(|(index, r)| BatchFailedItem { index: index as i64, errors: r.errors.iter().map(|(f, m)| (f.to_owned(), m.to_vec())).collect(), data: r.data })
            .collect();
        let failed = errors.len() as i64;
        Ok(BatchCreateResult { summary: BatchCreateSummary { total, created: 0, skipped: 0, failed }, created: vec![], skipped: vec![], errors })
    }

    async fn batch_delete(&self, _: &Principal<Scope>, req: BatchDeleteContactsRequest) -> Result<BatchDeleteContactsResponse, ApiError<BatchDeleteContactsError>> {
        let total = req.body.ids.len() as i64;
        Ok(BatchDeleteResult { summary: BatchDeleteSummary { total, deleted: 0, failed: total } })
    }
}

async fn server() -> Server {
    serve(wacr_server::contacts_router(Contacts::new(), Config::default())).await
}

fn names(reply: &support::Reply) -> Vec<String> {
    reply.json["data"].as_array().unwrap().iter().map(|c| c["firstname"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn unauthenticated_and_unscoped_requests_are_refused() {
    let s = server().await;
    let none = send(&s, "GET", "/contacts", None, None, b"").await;
    none.assert_error(401, "UNAUTHORIZED");
    assert_eq!(none.json["message"], "Unauthenticated");
    get(&s, "/contacts", "nope").await.assert_error(401, "UNAUTHORIZED");
    let read_only = send_json(&s, "POST", "/contacts", READ, &json!({})).await;
    read_only.assert_error(403, "INSUFFICIENT_SCOPE");
    assert_eq!(read_only.json["error"]["details"], json!({"required_scope": "contacts:write"}));
    assert_eq!(get(&s, "/contacts/1", READ).await.status, 200);
}

#[tokio::test]
async fn a_bad_create_body_reports_every_field_with_the_documented_messages() {
    let s = server().await;
    let body = json!({"type": "partner", "email": "not-an-email", "phone": "123456789012345678901", "source_id": "one"});
    let reply = send_json(&s, "POST", "/contacts", FULL, &body).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["message"], "The given data was invalid");
    assert_eq!(reply.field_errors("firstname"), ["First name is required"]);
    assert_eq!(reply.field_errors("lastname"), ["Last name is required"]);
    assert_eq!(
        reply.field_errors("phone"),
        ["The phone field must not be greater than 20 characters.", "The phone field must be a valid phone number."],
        "21 digits are too long and past E.164's 15"
    );
    assert_eq!(reply.field_errors("type"), ["Type must be either lead, customer, or guest"]);
    assert_eq!(reply.field_errors("source_id"), ["The source id field must be an integer."]);
    assert_eq!(reply.field_errors("status_id"), ["The status id field is required."]);
    assert_eq!(reply.field_errors("email"), ["The email field must be a valid email address."]);
    let keys: Vec<&String> = reply.json["errors"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["firstname", "lastname", "phone", "type", "source_id", "status_id", "email"], "spec order");
}

#[tokio::test]
async fn a_good_create_answers_201_with_the_message_and_implementation_errors_keep_their_shape() {
    let s = server().await;
    let body = json!({"firstname": "Zed", "lastname": "Z", "phone": "+15550001", "type": "lead", "source_id": 1, "status_id": 2});
    let created = send_json(&s, "POST", "/contacts", FULL, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!((created.json["success"].clone(), created.json["message"].clone()), (json!(true), json!("Contact created successfully")));
    assert_eq!(created.json["data"]["firstname"], "Zed");
    assert!(created.json["data"].get("source").is_none());

    let again = send_json(&s, "POST", "/contacts", FULL, &body).await;
    again.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(again.field_errors("phone"), ["This phone number already exists"]);

    let limited = send_json(&s, "POST", "/contacts", FULL, &json!({"firstname": "Limit", "lastname": "L", "phone": "+15550002222", "type": "guest", "source_id": 1, "status_id": 1})).await;
    limited.assert_error(403, "FEATURE_LIMIT_EXCEEDED");
    assert_eq!(limited.json["message"], "Plan limit reached");
    assert_eq!(limited.json["error"]["details"], json!({"feature": "contacts", "current": 5, "maximum": 5}));
    assert!(limited.json.get("errors").is_none());

    let missing = get(&s, "/contacts/999", FULL).await;
    missing.assert_error(404, "NOT_FOUND");
    assert_eq!(missing.json["message"], "Contact not found");
    get(&s, "/contacts/abc", FULL).await.assert_error(404, "NOT_FOUND");
    let deleted = send(&s, "DELETE", "/contacts/2", Some(FULL), None, b"").await;
    assert_eq!((deleted.status, deleted.json["data"].clone()), (200, Value::Null), "{}", deleted.text);
}

#[tokio::test]
async fn includes_load_only_what_was_asked_for() {
    let s = server().await;
    let reply = get(&s, "/contacts/1?include=groups", FULL).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let data = &reply.json["data"];
    assert_eq!(data["groups"][0]["name"], "VIP");
    assert!(data.get("source").is_none(), "absent, not null: {data}");
    assert!(data.get("status").is_none(), "absent, not null: {data}");
    let plain = get(&s, "/contacts/1", FULL).await;
    assert!(plain.json["data"].get("groups").is_none());
    let both = get(&s, "/contacts/1?include=Status,source", FULL).await;
    assert!(both.json["data"].get("groups").is_none() && both.json["data"]["source"].is_object() && both.json["data"]["status"].is_object(), "{}", both.text);
    // A list item has no surrounding spaces (the document's pattern says so, api.yaml's note).
    get(&s, "/contacts/1?include=status,%20source", FULL).await.assert_error(422, "VALIDATION_ERROR");
}

#[tokio::test]
async fn bad_queries_are_422_naming_the_parameter() {
    let s = server().await;
    let reply = get(&s, "/contacts/1?include=groups,grups", FULL).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.field_errors("include"), ["Unknown include `grups`; allowed values are: groups, source, status."]);
    let reply = get(&s, "/contacts?per_page=101", FULL).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.field_errors("per_page"), ["The per page field must not be greater than 100."]);
    let reply = get(&s, "/contacts?page=0&sort=-nickname&filter[status_id][like]=1&filter[color]=red&filter[status_id]=x&fields=id,secret", FULL).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    let errors = reply.json["errors"].as_object().unwrap();
    let keys: Vec<&String> = errors.keys().collect();
    assert_eq!(keys, ["page", "sort", "filter[status_id][like]", "filter[color]", "filter[status_id]", "fields"], "{}", reply.text);
    assert!(reply.field_errors("sort")[0].contains("`nickname`"), "{}", reply.text);
    // `type` is typed by its enum: a value outside it names the allowed ones; `like` takes text
    let reply = get(&s, "/contacts?filter[type]=vip&filter[type][in]=lead,vip", FULL).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    let unknown = "Unknown ContactType `vip`; allowed values are: lead, customer, guest.";
    assert_eq!(reply.field_errors("filter[type]"), [unknown]);
    assert_eq!(reply.field_errors("filter[type][in]"), [unknown]);
    assert_eq!(names(&get(&s, "/contacts?filter[type][like]=vip", FULL).await), [""; 0]);
    assert_eq!(names(&get(&s, "/contacts?filter[type][like]=ea&sort=firstname", FULL).await), ["Bob", "Cleo", "Eve"], "the leads");
}

#[tokio::test]
async fn lists_sort_filter_and_paginate() {
    let s = server().await;
    let reply = get(&s, "/contacts?sort=firstname&per_page=2&page=2", FULL).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["message"], "Contacts retrieved successfully");
    assert_eq!(names(&reply), ["Cleo", "Dee"]);
    assert_eq!(reply.json["meta"], json!({"current_page": 2, "per_page": 2, "total": 5, "last_page": 3, "from": 3, "to": 4}));
    let links = &reply.json["links"];
    assert_eq!(links["first"], "/contacts?sort=firstname&per_page=2&page=1");
    assert_eq!(links["prev"], "/contacts?sort=firstname&per_page=2&page=1");
    assert_eq!(links["next"], "/contacts?sort=firstname&per_page=2&page=3");
    assert_eq!(links["last"], "/contacts?sort=firstname&per_page=2&page=3");

    let default_sort = get(&s, "/contacts", FULL).await;
    assert_eq!(names(&default_sort), ["Eve", "Dee", "Bob", "Ann", "Cleo"], "default sort is -created_at");
    assert_eq!(default_sort.json["meta"]["per_page"], 15);
    assert_eq!(default_sort.json["links"]["next"], Value::Null);

    let filtered = get(&s, "/contacts?filter[type]=lead&filter[status_id][%21%3D]=2&q=ignored&sort=-firstname", FULL).await;
    assert_eq!(names(&filtered), ["Eve", "Bob"], "{}", filtered.text);
    let selected = get(&s, "/contacts?fields=id,firstname&include=groups&per_page=1", FULL).await;
    let item = selected.json["data"][0].as_object().unwrap();
    let keys: Vec<&String> = item.keys().collect();
    assert_eq!(keys, ["id", "firstname", "groups"]);
}

#[tokio::test]
async fn body_problems_get_the_envelope_not_a_bare_rejection() {
    let s = server().await;
    let malformed = send(&s, "POST", "/contacts", Some(FULL), Some("application/json"), b"{\"firstname\": ").await;
    malformed.assert_error(422, "VALIDATION_ERROR");
    assert!(malformed.field_errors("body")[0].starts_with("The request body is not valid JSON"), "{}", malformed.text);
    let array = send(&s, "POST", "/contacts", Some(FULL), Some("application/json"), b"[]").await;
    assert_eq!(array.field_errors("body"), ["The request body must be a JSON object."]);
    let form = send(&s, "POST", "/contacts", Some(FULL), Some("application/x-www-form-urlencoded"), b"firstname=A").await;
    form.assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
    let untyped = send(&s, "POST", "/contacts", Some(FULL), None, b"{}").await;
    untyped.assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
    let huge = format!("{{\"firstname\": \"{}\"}}", "x".repeat(2 << 20));
    let too_large = send(&s, "POST", "/contacts", Some(FULL), Some("application/json"), huge.as_bytes()).await;
    too_large.assert_error(413, "PAYLOAD_TOO_LARGE");
    let empty = send(&s, "POST", "/contacts", Some(FULL), None, b"").await;
    empty.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(empty.field_errors("firstname"), ["First name is required"]);
}

#[tokio::test]
async fn routing_answers_404_405_and_keeps_batch_apart_from_ids() {
    let s = server().await;
    let unknown = get(&s, "/nope", FULL).await;
    unknown.assert_error(404, "NOT_FOUND");
    send(&s, "GET", "/nope", None, None, b"").await.assert_error(404, "NOT_FOUND");
    send(&s, "PUT", "/contacts/1", Some(FULL), None, b"").await.assert_error(405, "METHOD_NOT_ALLOWED");

    let valid = json!({"firstname": "B", "lastname": "C", "phone": "+15551234567", "type": "lead", "source_id": 1, "status_id": 1});
    let batch = send_json(&s, "POST", "/contacts/batch", FULL, &json!({"contacts": [valid, {"firstname": "A"}]})).await;
    assert_eq!(batch.status, 200, "an item's rules are reported per item: {}", batch.text);
    assert_eq!(batch.json["summary"], json!({"total": 2, "created": 0, "skipped": 0, "failed": 1}));
    let failed = &batch.json["errors"][0];
    assert_eq!((&failed["index"], &failed["data"]), (&json!(1), &json!({"firstname": "A"})));
    assert_eq!(failed["errors"]["lastname"], json!(["Last name is required"]), "{}", batch.text);
    let not_objects = send_json(&s, "POST", "/contacts/batch", FULL, &json!({"contacts": [{"firstname": "A"}, 5]})).await;
    not_objects.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(not_objects.field_errors("contacts.1"), ["The contacts.1 field must be an object."], "{}", not_objects.text);
    assert_eq!(not_objects.field_errors("contacts.0.lastname"), ["Last name is required"], "a failing request lists the items' messages too");
    let deleted = send_json(&s, "DELETE", "/contacts/batch", FULL, &json!({"ids": [7, 8]})).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.json["summary"], json!({"total": 2, "deleted": 0, "failed": 2}), "flat envelope");
    assert_eq!(deleted.json["success"], true);
    get(&s, "/contacts/batch", FULL).await.assert_error(405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn the_per_token_rate_limit_answers_429_with_retry_after() {
    let s = server().await;
    let first = get(&s, "/contacts/1", SLOW).await;
    assert_eq!((first.header("x-ratelimit-limit"), first.header("x-ratelimit-remaining")), (Some("2"), Some("1")));
    assert_eq!(get(&s, "/contacts/1", SLOW).await.header("x-ratelimit-remaining"), Some("0"));
    let limited = get(&s, "/contacts/1", SLOW).await;
    limited.assert_error(429, "RATE_LIMIT_EXCEEDED");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(limited.json["error"]["details"]["retry_after"], retry);
    assert_eq!(get(&s, "/contacts/1", FULL).await.status, 200, "other tokens are not affected");
}
