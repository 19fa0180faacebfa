//! Hand-written types using the derives that give the generated requests their constructors and
//! query-string form: `#[operation(new)]`, `New` for a body, `Query` with every field form and a
//! `Filters` type, and error variants that take their code and status from the code enum.

use wacr_macros::{FilterOps, Filters, New, Operation, Query, Resource, Scope, WireEnum};
use wacr_runtime::{Filter, FilterCond, FilterOp, IncludeSet, Operation as _, Sort};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, WireEnum)]
pub enum SortField {
    #[wire("created_at")]
    CreatedAt,
}

#[derive(serde::Serialize, Resource)]
pub struct List {
    pub id: u64,
    #[include]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<u64>>,
}

#[derive(Clone, Debug, Default, PartialEq, Query)]
#[query(crate = ::wacr_runtime)]
pub struct ListQuery {
    #[query(rename = "with")]
    pub include: IncludeSet<ListInclude>,
    pub page: Option<u32>,
    pub sort: Vec<Sort<SortField>>,
    #[query(alias = "q", alias = "term")]
    pub search: Option<String>,
    #[query(filters = "where")]
    pub filters: ListFilters,
}

#[derive(Clone, Debug, Default, PartialEq, Filters)]
pub struct ListFilters {
    #[filter(rename = "kind")]
    pub r#type: Vec<Filter<Kind, EqLikeOps>>,
    pub created_at: Vec<Filter<String, GtBetweenOps>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, WireEnum)]
pub enum Kind {
    #[wire("lead")]
    Lead,
}

#[derive(FilterOps)]
#[filter(Eq, Like)]
pub enum EqLikeOps {}

#[derive(FilterOps)]
#[filter(crate = ::wacr_runtime, Gt, Between)]
pub enum GtBetweenOps {}

#[derive(Clone, Debug, PartialEq, New)]
pub struct UpdateBody {
    pub name: String,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(skip)]
    pub file: Option<Vec<u8>>,
    pub position: i64,
}

#[derive(Clone, Debug, PartialEq, Operation)]
#[operation(method = PATCH, path = "/lists/{list}/items/{id}", new)]
#[operation(id = "update_item", scope = ApiScope::ContactsRead, status = 200)]
pub struct UpdateItem {
    #[path_param]
    pub list: String,
    pub query: ListQuery,
    #[path_param]
    pub id: i64,
    pub body: UpdateBody,
}

#[derive(Debug, PartialEq)]
pub enum ErrorCode {
    NotFound,
    RateLimitExceeded,
    Unknown(String),
}

impl ErrorCode {
    pub const fn known(&self) -> Option<(&'static str, u16)> {
        match self {
            ErrorCode::NotFound => Some(("NOT_FOUND", 404)),
            ErrorCode::RateLimitExceeded => Some(("RATE_LIMIT_EXCEEDED", 429)),
            ErrorCode::Unknown(_) => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
#[wire(code = ErrorCode)]
pub enum UpdateItemError {
    NotFound,
    #[wire("SLOW_DOWN", status = 429)]
    RateLimitExceeded,
}

fn main() {
    let body = UpdateBody::new("a".to_owned(), 3);
    assert_eq!(UpdateBody::new("a", 3), body, "a `String` argument takes a `&str` too");
    assert_eq!((body.color.as_deref(), body.file.as_deref(), body.position), (None, None, 3));

    let mut query = ListQuery::default();
    query.include.insert(ListInclude::Groups);
    query.sort.push("-created_at".parse().unwrap());
    query.search = Some("ann".to_owned());
    query.filters.r#type.push(Filter::like("lea"));
    query.filters.r#type.push(Filter::eq(Kind::Lead));
    query.filters.created_at.push(Filter::between("2026-01-01", "2026-02-01"));
    assert_eq!(UpdateItem::new("l 1", 7, body.clone()), UpdateItem::new("l 1".to_owned(), 7, body.clone()));
    let request = UpdateItem::new("l 1".to_owned(), 7, body).with_query(query.clone());
    assert_eq!(request.render_path(), "/lists/l%201/items/7");
    let pairs = request.query.to_pairs();
    let expected = [
        ("with", "groups"),
        ("sort", "-created_at"),
        ("search", "ann"),
        ("where[kind][like]", "lea"),
        ("where[kind]", "lead"),
        ("where[created_at][between]", "2026-01-01,2026-02-01"),
    ];
    assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    let parsed = ListQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
    assert_eq!(parsed, query);
    assert_eq!(ListQuery::from_pairs([("term", "x"), ("other", "y")]).unwrap().search.as_deref(), Some("x"));
    assert!(ListQuery::from_pairs([("where[kind][gt]", "a")]).is_err(), "gt is not allowed on kind");
    assert!(ListQuery::from_pairs([("where[kind]", "vip")]).is_err(), "kind is typed by its enum");
    assert_eq!(query.filters.r#type[0].cond(), &FilterCond::Like("lea".to_owned()));
    assert!(ListQuery::from_pairs([("page", "two")]).is_err());
    assert_eq!(ListFilters::OPERATORS[0], ("kind", &[FilterOp::Eq, FilterOp::Like][..]));
    assert!(ListFilters::default().is_empty() && !query.filters.is_empty());

    assert_eq!((UpdateItemError::NotFound.as_str(), UpdateItemError::NotFound.status()), ("NOT_FOUND", 404));
    assert_eq!(UpdateItemError::RateLimitExceeded.as_str(), "SLOW_DOWN");
    assert_eq!(UpdateItemError::from_code(&ErrorCode::NotFound), Some(UpdateItemError::NotFound));
    assert_eq!(UpdateItemError::ALL.len(), 2);
}
