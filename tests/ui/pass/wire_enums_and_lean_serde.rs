//! Hand-written types using the derives the generated models use for their wire form: a value
//! `WireEnum`, an error `WireEnum` mapped onto a code enum, and the lean `Serialize` and
//! `Deserialize` with every serde attribute they honour, checked against what serde_derive
//! writes and reads for the same types.

use wacr_macros::{Deserialize, Serialize, WireEnum};
use wacr_runtime::WireEnum as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
#[wire(name = "contact type")]
pub enum Kind {
    #[wire("lead")]
    Lead,
    #[wire("customer")]
    Customer,
}

#[derive(Debug, PartialEq)]
pub enum ErrorCode {
    NotFound,
    RateLimitExceeded,
    Unknown(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
#[wire(code = ErrorCode, crate = ::wacr_runtime)]
pub enum GetContactError {
    #[wire("NOT_FOUND", status = 404)]
    NotFound,
    #[wire("RATE_LIMIT_EXCEEDED", status = 429)]
    RateLimitExceeded,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub contact_id: i64,
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub group_ids: Vec<i64>,
    #[serde(rename(serialize = "label", deserialize = "name"))]
    pub label: String,
    #[serde(skip)]
    pub cached: u32,
    #[serde(skip_serializing)]
    pub secret: Option<String>,
}

/// The same struct through serde_derive.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Twin {
    pub contact_id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub group_ids: Vec<i64>,
    #[serde(rename(serialize = "label", deserialize = "name"))]
    pub label: String,
    #[serde(skip)]
    pub cached: u32,
    #[serde(skip_serializing)]
    pub secret: Option<String>,
}

fn main() {
    assert_eq!(Kind::ALL, &[Kind::Lead, Kind::Customer]);
    assert_eq!(Kind::Customer.as_str(), "customer");
    assert_eq!("lead".parse::<Kind>(), Ok(Kind::Lead));
    assert_eq!("Lead".parse::<Kind>().unwrap_err().to_string(), "unknown contact type `Lead`; allowed values are: lead, customer");
    assert_eq!(GetContactError::RateLimitExceeded.status(), 429);
    assert_eq!(GetContactError::NotFound.to_string(), "NOT_FOUND");
    assert_eq!(GetContactError::from_wire("RATE_LIMIT_EXCEEDED"), Some(GetContactError::RateLimitExceeded));
    assert_eq!(GetContactError::from_code(&ErrorCode::Unknown("X".into())), None);
    assert_eq!(ErrorCode::from(GetContactError::NotFound), ErrorCode::NotFound);

    let contact = Contact { contact_id: 7, kind: Kind::Lead, email: None, group_ids: vec![1], label: "VIP".into(), cached: 3, secret: Some("s".into()) };
    let twin = Twin { contact_id: 7, kind: "lead".into(), email: None, group_ids: vec![1], label: "VIP".into(), cached: 3, secret: Some("s".into()) };
    let written = serde_json::to_string(&contact).unwrap();
    assert_eq!(written, serde_json::to_string(&twin).unwrap());
    assert_eq!(written, r#"{"contactId":7,"type":"lead","groupIds":[1],"label":"VIP"}"#);

    for json in [
        r#"{"contactId": 7, "type": "lead", "name": "VIP", "secret": "s", "extra": [1]}"#,
        r#"{"contactId": 7, "type": "customer", "name": "VIP", "email": "a@b.c", "groupIds": [2, 3]}"#,
        r#"{"type": "lead", "name": "VIP"}"#,
        r#"{"contactId": 7, "contactId": 8, "type": "lead", "name": "VIP"}"#,
        r#"{"contactId": "7", "type": "lead", "name": "VIP"}"#,
        r#"[7, "lead", "VIP"]"#,
        r#"[7, "lead", null, [1], "VIP", "s"]"#,
    ] {
        let lean = serde_json::from_str::<Contact>(json).map(|c| (c.contact_id, c.email, c.group_ids, c.label, c.cached, c.secret));
        let twin = serde_json::from_str::<Twin>(json).map(|c| (c.contact_id, c.email, c.group_ids, c.label, c.cached, c.secret));
        match (lean, twin) {
            (Ok(lean), Ok(twin)) => assert_eq!(lean, twin, "{json}"),
            (Err(lean), Err(twin)) => assert_eq!(lean.to_string(), twin.to_string().replace("Twin", "Contact"), "{json}"),
            (lean, twin) => panic!("{json}: the lean derive gave {lean:?}, serde's {twin:?}"),
        }
    }
    let unknown = serde_json::from_str::<Contact>(r#"{"contactId": 7, "type": "partner", "name": "VIP"}"#).unwrap_err();
    assert!(unknown.to_string().starts_with("unknown variant `partner`, expected `lead` or `customer`"), "{unknown}");
}
