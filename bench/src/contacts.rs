//! The two servers the glue rows compare, over the same in-memory contacts: the generated
//! `wacr-server` router (bearer auth, scope check, per-token rate limit, include parsing,
//! envelope) with a `ContactsApi` that only looks a contact up, and a hand-written axum
//! handler doing what a careful person would write for the same route by hand (bearer check,
//! id and include parsing, dropping relations not asked for, the same envelope).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use wacr_models::*;
use wacr_server::{ApiError, Authenticator, ContactsApi, Principal, Rejected};

/// The bearer token both servers accept.
pub const TOKEN: &str = "bench-token";
/// The contacts served, ids 1..=CONTACTS.
pub const CONTACTS: i64 = 1000;
/// The path of request `n` (ids cycle through the store).
pub fn path(n: u64) -> String {
    format!("/contacts/{}?include=groups,source,status", n % CONTACTS as u64 + 1)
}

/// Contacts with every relation loaded.
pub struct Store {
    contacts: HashMap<i64, Contact>,
}

impl Store {
    pub fn new() -> Arc<Store> {
        Arc::new(Store { contacts: (1..=CONTACTS).map(|id| (id, contact(id))).collect() })
    }

    fn get(&self, id: i64) -> Option<&Contact> {
        self.contacts.get(&id)
    }
}

fn stamp(day: i64) -> String {
    format!("2025-01-{:02}T10:00:00.000000Z", day % 28 + 1)
}

fn contact(id: i64) -> Contact {
    let (status_id, source_id) = (id % 4 + 1, id % 3 + 1);
    Contact {
        id,
        firstname: format!("First{id}"),
        lastname: "Doe".into(),
        company: (id % 2 == 0).then(|| "Acme Ltd".into()),
        r#type: Open::Known(if id % 3 == 0 { ContactType::Customer } else { ContactType::Lead }),
        email: Some(format!("contact{id}@example.test")),
        phone: Some(format!("+1555{id:07}")),
        status_id,
        source_id,
        description: None,
        city: Some("Lisbon".into()),
        state: None,
        zip: None,
        address: None,
        country_id: Some(351),
        assigned_id: None,
        group_id: vec![1, 2],
        is_opted_out: false,
        created_at: stamp(id),
        updated_at: stamp(id),
        groups: Some(vec![group(1, "VIP"), group(2, "Newsletter")]),
        source: Some(Source { id: source_id, name: "Website".into(), created_at: stamp(0), updated_at: stamp(0) }),
        status: Some(Status { id: status_id, name: "Hot Lead".into(), color: Some("#FF5733".into()), created_at: stamp(0), updated_at: stamp(0) }),
    }
}

fn group(id: i64, name: &str) -> Group {
    Group { id, name: name.into(), created_at: stamp(0), updated_at: stamp(0) }
}

/// The generated router over `store`, with the default config (in-memory per-token limit).
pub fn generated_router(store: Arc<Store>) -> axum::Router {
    generated_router_with(store, wacr_server::Config::default())
}

/// The generated router over `store` with `config`.
pub fn generated_router_with(store: Arc<Store>, config: wacr_server::Config) -> axum::Router {
    wacr_server::contacts_router(Generated { store }, config)
}

struct Generated {
    store: Arc<Store>,
}

impl Authenticator<Scope> for Generated {
    async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
        // A limit the bench never reaches: the limiter still runs on every request.
        (token == TOKEN).then(|| Principal::new(1, "bench", ScopeSet::all()).with_rate_limit(u32::MAX))
    }
}

impl ContactsApi for Generated {
    async fn get(&self, _: &Principal<Scope>, req: GetContactRequest) -> Result<GetContactResponse, ApiError<GetContactError>> {
        self.store.get(req.id).cloned().ok_or_else(|| ApiError::new(GetContactError::NotFound).with_message("Contact not found"))
    }

    async fn list(&self, _: &Principal<Scope>, _: ListContactsRequest) -> Result<ListContactsResponse, ApiError<ListContactsError>> {
        Err(ListContactsError::InternalError.into())
    }

    async fn create(&self, _: &Principal<Scope>, _: CreateContactRequest) -> Result<CreateContactResponse, ApiError<CreateContactError>> {
        Err(CreateContactError::InternalError.into())
    }

    async fn update(&self, _: &Principal<Scope>, _: UpdateContactRequest) -> Result<UpdateContactResponse, ApiError<UpdateContactError>> {
        Err(UpdateContactError::InternalError.into())
    }

    async fn delete(&self, _: &Principal<Scope>, _: DeleteContactRequest) -> Result<DeleteContactResponse, ApiError<DeleteContactError>> {
        Err(DeleteContactError::InternalError.into())
    }

    async fn batch_create(
        &self,
        _: &Principal<Scope>,
        req: BatchCreateContactsRequest,
        rejected: Rejected,
    ) -> Result<BatchCreateContactsResponse, ApiError<BatchCreateContactsError>> {
        // Creates nothing (the bench measures the glue): the items the glue rejected fail, the
        // first 100 listed as the spec's result says, and the valid ones are not counted.
        let failed = rejected.items();
        let errors = failed
            .iter()
            .take(100)
            .map(|r| BatchFailedItem { index: r.index as i64, errors: r.errors.iter().map(|(f, m)| (f.to_owned(), m.to_vec())).collect(), data: r.data.clone() })
            .collect();
        let total = (req.body.contacts.len() + failed.len()) as i64;
        let summary = BatchCreateSummary { total, created: 0, skipped: 0, failed: failed.len() as i64 };
        Ok(BatchCreateResult { summary, created: Vec::new(), skipped: Vec::new(), errors })
    }

    async fn batch_delete(
        &self,
        _: &Principal<Scope>,
        _: BatchDeleteContactsRequest,
    ) -> Result<BatchDeleteContactsResponse, ApiError<BatchDeleteContactsError>> {
        Err(BatchDeleteContactsError::InternalError.into())
    }
}

/// The hand-written comparison: one route, the same JSON.
pub fn hand_router(store: Arc<Store>) -> axum::Router {
    axum::Router::new().route("/contacts/{id}", axum::routing::get(hand_get)).with_state(store)
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    success: bool,
    message: &'a str,
    data: T,
}

#[derive(Deserialize)]
struct Params {
    include: Option<String>,
}

async fn hand_get(State(store): State<Arc<Store>>, Path(id): Path<String>, Query(params): Query<Params>, headers: HeaderMap) -> Response {
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if token != Some(TOKEN) {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Unauthenticated");
    }
    let Some(contact) = id.parse().ok().and_then(|id| store.get(id)) else {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", "Contact not found");
    };
    let (mut groups, mut source, mut status) = (false, false, false);
    for name in params.include.as_deref().unwrap_or("").split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match name.to_ascii_lowercase().as_str() {
            "groups" => groups = true,
            "source" => source = true,
            "status" => status = true,
            _ => return error(StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR", "The given data was invalid"),
        }
    }
    let mut data = contact.clone();
    if !groups {
        data.groups = None;
    }
    if !source {
        data.source = None;
    }
    if !status {
        data.status = None;
    }
    json(StatusCode::OK, &Envelope { success: true, message: "Contact retrieved successfully", data })
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json(status, &serde_json::json!({"success": false, "message": message, "error": {"code": code}}))
}

fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
