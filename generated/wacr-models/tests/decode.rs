//! The generated models against realistic JSON: responses with includes, list pages, error
//! envelopes, enum values the crate does not know, three-state PATCH bodies, query pairs and
//! operation metadata.

use serde_json::json;
use wacr_models::*;

fn contact_json() -> serde_json::Value {
    json!({
        "id": 1, "firstname": "Jane", "lastname": "Doe", "company": null, "type": "lead",
        "email": "jane@example.com", "phone": "+14155550100", "status_id": 2, "source_id": 3,
        "description": null, "city": "Lisbon", "state": null, "zip": null, "address": null,
        "country_id": 620, "assigned_id": null, "group_id": [4, 5], "is_opted_out": false,
        "created_at": "2025-01-02T03:04:05Z", "updated_at": "2025-01-02T03:04:05Z"
    })
}

#[test]
fn contact_with_includes() {
    let mut json = contact_json();
    json["groups"] = json!([
        {"id": 4, "name": "VIP", "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
    ]);
    json["status"] = json!({"id": 2, "name": "New", "color": "#00ff00", "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"});
    let contact: GetContactResponse = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(contact.r#type, ContactType::Lead);
    assert_eq!(contact.company, None);
    assert_eq!(contact.groups.as_ref().map(Vec::len), Some(1));
    assert_eq!(contact.source, None);
    assert_eq!(
        contact.status.as_ref().and_then(|s| s.color.as_deref()),
        Some("#00ff00")
    );
    assert_eq!(
        contact.included(),
        IncludeSet::from(ContactInclude::Groups).with(ContactInclude::Status)
    );
    // Loaded relations round-trip; the one not asked for stays out of the JSON.
    assert_eq!(serde_json::to_value(&contact).unwrap(), json);

    let mut trimmed = contact.clone();
    trimmed.retain_includes(IncludeSet::from(ContactInclude::Status));
    assert_eq!(trimmed.groups, None);
    assert!(
        serde_json::to_value(&trimmed)
            .unwrap()
            .get("groups")
            .is_none()
    );
}

#[test]
fn list_page() {
    let body = json!({
        "success": true,
        "message": "Contacts retrieved successfully",
        "data": [contact_json(), contact_json()],
        "meta": {"current_page": 1, "per_page": 2, "total": 5, "last_page": 3, "from": 1, "to": 2},
        "links": {
            "first": "https://app.wa.cr/api/v2/contacts?page=1",
            "last": "https://app.wa.cr/api/v2/contacts?page=3",
            "prev": null,
            "next": "https://app.wa.cr/api/v2/contacts?page=2"
        }
    });
    let page: ListContactsResponse = serde_json::from_value(body).unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.meta.total, 5);
    assert_eq!(page.links.prev, None);
    assert_eq!(page.next_page(), Some(2));
}

#[test]
fn error_envelope_codes() {
    let body = json!({
        "success": false,
        "message": "The given data was invalid",
        "error": {"code": "VALIDATION_ERROR", "details": null},
        "errors": {"phone": ["This phone number already exists"]}
    });
    let envelope: ErrorEnvelope = serde_json::from_value(body).unwrap();
    assert_eq!(envelope.error.code, ErrorCode::ValidationError);
    assert_eq!(envelope.error.code.status(), Some(422));
    assert_eq!(
        envelope.errors.unwrap()["phone"],
        ["This phone number already exists"]
    );
    assert_eq!(
        CreateContactError::from_code(&envelope.error.code),
        Some(CreateContactError::ValidationError)
    );
    // Get Account Info takes no input: the code is not one of its errors.
    assert_eq!(
        GetAccountInfoError::from_code(&ErrorCode::ValidationError),
        None
    );
    // Get Contact validates `?include=` (api.yaml input_errors).
    assert_eq!(
        GetContactError::from_code(&ErrorCode::ValidationError),
        Some(GetContactError::ValidationError)
    );

    let body = json!({
        "success": false,
        "message": "Invalid verification code",
        "error": {"code": "INVALID_CODE", "details": {"attempts_remaining": 2}}
    });
    let envelope: ErrorEnvelope = serde_json::from_value(body).unwrap();
    let error = VerifyOtpError::from_code(&envelope.error.code).unwrap();
    assert_eq!(
        (error, error.status(), error.as_str()),
        (VerifyOtpError::InvalidCode, 422, "INVALID_CODE")
    );
    let details: InvalidCodeDetails =
        serde_json::from_value(envelope.error.details.unwrap()).unwrap();
    assert_eq!(details.attempts_remaining, 2);
}

#[test]
fn unknown_values_decode_to_unknown() {
    let code: ErrorCode = serde_json::from_str("\"ACCOUNT_SUSPENDED\"").unwrap();
    assert_eq!(code, ErrorCode::Unknown("ACCOUNT_SUSPENDED".into()));
    assert_eq!((code.status(), code.default_message()), (None, None));
    assert_eq!(
        serde_json::to_string(&code).unwrap(),
        "\"ACCOUNT_SUSPENDED\""
    );

    let mut json = contact_json();
    json["type"] = json!("partner");
    let contact: Contact = serde_json::from_value(json).unwrap();
    assert_eq!(contact.r#type, Open::Unknown("partner".into()));
    assert_eq!(contact.r#type.known(), None);

    let message = json!({
        "id": 9, "interaction_id": null, "sender_id": null, "type": "sticker", "message": null,
        "status": "delivered", "message_id": "wamid.X", "sent_at": "2025-01-02T03:04:05Z", "is_read": true
    });
    let message: Message = serde_json::from_value(message).unwrap();
    assert_eq!(message.r#type, Some(Open::Unknown("sticker".into())));
    assert_eq!(message.status, Some(Open::Known(MessageStatus::Delivered)));
    assert_eq!(message.direction, None);
}

#[test]
fn closed_enums_refuse_unknown_values() {
    assert_eq!("customer".parse(), Ok(ContactType::Customer));
    let err = "partner".parse::<ContactType>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown ContactType `partner`; allowed values are: lead, customer, guest"
    );
    assert!(serde_json::from_value::<CreateContactBody>(json!({
        "firstname": "a", "lastname": "b", "phone": "1", "type": "partner", "source_id": 1, "status_id": 1
    }))
    .is_err());
    assert_eq!(
        ContactType::ALL
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["lead", "customer", "guest"]
    );
}

#[test]
fn patch_body_absent_null_and_value() {
    let mut body = UpdateContactBody::new();
    assert_eq!(serde_json::to_value(&body).unwrap(), json!({}));

    body.firstname = Some("Janet".into());
    body.email = Patch::Null;
    body.company = Patch::Set("Acme".into());
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(
        json,
        json!({"firstname": "Janet", "email": null, "company": "Acme"})
    );

    let back: UpdateContactBody = serde_json::from_value(json).unwrap();
    assert_eq!(back, body);
    assert!(back.city.is_absent());
    assert!(back.email.is_null());
    assert_eq!(back.company.as_set().map(String::as_str), Some("Acme"));
}

#[test]
fn requests_know_their_route_and_scope() {
    let request = UpdateContactRequest::new(7, UpdateContactBody::new());
    assert_eq!(request.render_path(), "/contacts/7");
    assert_eq!(UpdateContactRequest::METHOD, Method::Patch);
    assert_eq!(UpdateContactRequest::SCOPE, Some(Scope::ContactsWrite));
    assert_eq!(CreateContactRequest::SUCCESS_STATUS, 201);
    assert_eq!(GetCommentsRequest::SCOPE, None);
    assert_eq!(
        GetTemplateRequest::new("a/b").render_path(),
        "/templates/a%2Fb"
    );
    assert_eq!(ListContactsRequest::ID, "list_contacts");
}

#[test]
fn list_query_pairs_round_trip() {
    let mut query = ListContactsQuery {
        page: Some(2),
        per_page: Some(50),
        search: Some("jan".into()),
        ..Default::default()
    };
    query.include = IncludeSet::from(ContactInclude::Source).with(ContactInclude::Groups);
    query.sort = vec![
        Sort::asc(ListContactsSortField::Firstname),
        Sort::desc(ListContactsSortField::CreatedAt),
    ];
    query.filters.status_id = vec![Filter::is_in([1, 2, 3])];
    query.filters.created_at = vec![Filter::between("2025-01-01", "2025-12-31")];
    query.filters.assigned_id = vec![Filter::null(true)];
    let pairs = query.to_pairs();
    let expected = [
        ("include", "groups,source"),
        ("page", "2"),
        ("per_page", "50"),
        ("sort", "firstname,-created_at"),
        ("search", "jan"),
        ("filter[status_id][in]", "1,2,3"),
        ("filter[assigned_id][null]", "true"),
        ("filter[created_at][between]", "2025-01-01,2025-12-31"),
    ];
    let pairs_str: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(pairs_str, expected);
    assert_eq!(ListContactsQuery::from_pairs(pairs_str).unwrap(), query);

    let aliased =
        ListContactsQuery::from_pairs([("q", "doe"), ("filter[status_id]", "3"), ("utm", "x")])
            .unwrap();
    assert_eq!(aliased.search.as_deref(), Some("doe"));
    assert_eq!(aliased.filters.status_id, [Filter::eq(3)]);
}

#[test]
fn list_query_refuses_what_the_operation_does_not_allow() {
    let err = |pairs: &[(&str, &str)]| {
        ListContactsQuery::from_pairs(pairs.iter().copied())
            .unwrap_err()
            .to_string()
    };
    assert!(err(&[("include", "groups,owner")]).contains("unknown include `owner`"));
    assert!(err(&[("sort", "-email")]).contains("unknown sort field `email`"));
    assert!(err(&[("filter[status_id][like]", "3")]).contains("operator `like` is not allowed"));
    assert!(err(&[("filter[email]", "a@b.c")]).contains("unknown filter field `email`"));
    assert!(err(&[("page", "two")]).contains("`page`"));
    let messages = ListMessagesQuery::from_pairs([("filter[type][in]", "text,image")]).unwrap();
    assert_eq!(
        messages.filters.r#type,
        [Filter::is_in([MessageType::Text, MessageType::Image])]
    );
}

#[test]
fn multipart_bodies_list_their_files() {
    let mut body = SendMediaMessageBody::new("+351910000000", MediaType::Image);
    assert!(body.files().is_empty());
    body.set_file(
        "media_file",
        File::new("cat.png", "image/png", vec![1, 2, 3]),
    )
    .unwrap();
    assert!(body.set_file("cover", File::default()).is_err());
    assert_eq!(
        body.files()
            .iter()
            .map(|(name, file)| (*name, file.size()))
            .collect::<Vec<_>>(),
        [("media_file", 3)]
    );
    // Files are parts of the multipart form, never JSON.
    assert!(
        serde_json::to_value(&body)
            .unwrap()
            .get("media_file")
            .is_none()
    );
    assert_eq!(
        SendTemplateMessageBody::FILE_FIELDS,
        [
            "header_image_file",
            "header_video_file",
            "header_document_file"
        ]
    );
}

#[test]
fn operation_errors_list_only_their_codes() {
    assert_eq!(
        GetContactError::ALL,
        [
            GetContactError::NotFound,
            GetContactError::InternalError,
            GetContactError::Unauthorized,
            GetContactError::InsufficientScope,
            GetContactError::RateLimitExceeded,
            GetContactError::ValidationError
        ]
    );
    assert_eq!(
        ErrorCode::from(GetContactError::NotFound).default_message(),
        Some("Resource not found")
    );
    // Comments need no scope, so they cannot fail for a missing one.
    assert!(GetCommentsError::from_code(&ErrorCode::InsufficientScope).is_none());
}
