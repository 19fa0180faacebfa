//! Between the generated types and the store's: store errors become the operation's typed
//! `ApiError` (code, message, details, field errors, retry-after), store values become the
//! models (through their wire JSON, which the store's types serialise to exactly), and list
//! queries become `ListParams`.

// `ApiError` is the generated traits' error type; every method returns it unboxed anyway.
#![allow(clippy::result_large_err)]

use std::fmt::Display;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wacr_server::ApiError;
use wacr_server::models::{FilterCond, PageLinks, PageMeta, Sort, WireEnum};

use crate::store::{self, Filter, FilterOp, ListParams, SortKey};

/// The operation's error for a store error: the code the operation documents, else
/// INTERNAL_ERROR (every operation has it).
pub(crate) fn api_error<C: WireEnum>(error: store::Error) -> ApiError<C> {
    let code = C::from_wire(error.code()).or_else(|| C::from_wire("INTERNAL_ERROR")).expect("every operation documents INTERNAL_ERROR");
    let mut api = ApiError::new(code);
    match &error {
        store::Error::Validation(fields) => {
            for (field, messages) in fields {
                for message in messages {
                    api = api.with_field_error(field.clone(), message.clone());
                }
            }
        }
        store::Error::NotFound { .. } => api = api.with_message(error.message()),
        store::Error::FeatureLimit { feature, current, maximum } => {
            api = api.with_details(serde_json::json!({"feature": feature, "current": current, "maximum": maximum}));
        }
        store::Error::FeatureNotAvailable { feature } => api = api.with_details(serde_json::json!({"feature": feature})),
        store::Error::InvalidCode { attempts_remaining } => {
            api = api.with_details(serde_json::json!({"attempts_remaining": attempts_remaining}));
        }
        store::Error::RateLimited { retry_after } => api.retry_after = Some(u64::try_from(*retry_after).unwrap_or(1)),
        store::Error::Internal(detail) => tracing::error!(%detail, "internal error"),
        store::Error::SendFailed(detail) => tracing::warn!(%detail, "simulated send failure"),
        _ => {}
    }
    if C::from_wire(error.code()).is_none() {
        // e.g. a list query value the glue let through (an unparsable `date` filter) while the
        // list operation documents no VALIDATION_ERROR
        tracing::error!(code = error.code(), %error, "the operation does not document this code; answered as INTERNAL_ERROR");
    }
    api
}

/// A store value as the model of the same wire shape.
pub(crate) fn model<T: Serialize, M: DeserializeOwned, C: WireEnum>(value: T) -> Result<M, ApiError<C>> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| api_error(store::Error::Internal(format!("the store's value does not fit the model: {e}"))))
}

/// A store page as the runtime's page; the glue fills the links from the request.
pub(crate) fn page<T: Serialize, M: DeserializeOwned, C: WireEnum>(page: store::Page<T>) -> Result<wacr_server::models::Page<M>, ApiError<C>> {
    let meta = page.meta();
    let items = page.items.into_iter().map(model).collect::<Result<Vec<M>, _>>()?;
    Ok(with_meta(meta, items))
}

/// [`page`] with the items converted by `item` (a direct conversion instead of the JSON round
/// trip of [`model`]).
pub(crate) fn page_of<T, M>(page: store::Page<T>, item: impl FnMut(T) -> M) -> wacr_server::models::Page<M> {
    let meta = page.meta();
    with_meta(meta, page.items.into_iter().map(item).collect())
}

fn with_meta<M>(meta: store::query::PageMeta, items: Vec<M>) -> wacr_server::models::Page<M> {
    wacr_server::models::Page {
        items,
        meta: PageMeta {
            current_page: meta.current_page,
            per_page: meta.per_page,
            total: meta.total,
            last_page: meta.last_page,
            from: meta.from,
            to: meta.to,
        },
        links: PageLinks::default(),
    }
}

/// The list parameters of a generated query.
pub(crate) fn list_params<F: WireEnum>(page: Option<u32>, per_page: Option<u32>, sort: &[Sort<F>], search: &Option<String>, filters: Vec<Filter>) -> ListParams {
    let defaults = ListParams::default();
    ListParams {
        page: page.unwrap_or(defaults.page),
        per_page: per_page.unwrap_or(defaults.per_page),
        sort: sort.iter().map(|s| SortKey { field: s.field.as_str().to_owned(), descending: s.descending }).collect(),
        search: search.clone(),
        filters,
    }
}

/// The store filters of one field's typed conditions.
pub(crate) fn filters<T: Display>(field: &str, conds: &[FilterCond<T>]) -> Vec<Filter> {
    conds
        .iter()
        .map(|cond| {
            let (op, values) = match cond {
                FilterCond::Eq(v) => (FilterOp::Eq, vec![v.to_string()]),
                FilterCond::Ne(v) => (FilterOp::Ne, vec![v.to_string()]),
                FilterCond::Gt(v) => (FilterOp::Gt, vec![v.to_string()]),
                FilterCond::Gte(v) => (FilterOp::Gte, vec![v.to_string()]),
                FilterCond::Lt(v) => (FilterOp::Lt, vec![v.to_string()]),
                FilterCond::Lte(v) => (FilterOp::Lte, vec![v.to_string()]),
                FilterCond::Like(v) => (FilterOp::Like, vec![v.to_string()]),
                FilterCond::In(vs) => (FilterOp::In, vs.iter().map(ToString::to_string).collect()),
                FilterCond::NotIn(vs) => (FilterOp::NotIn, vs.iter().map(ToString::to_string).collect()),
                FilterCond::Between(low, high) => (FilterOp::Between, vec![low.to_string(), high.to_string()]),
                FilterCond::Null(is_null) => (FilterOp::Null, vec![is_null.to_string()]),
            };
            Filter { field: field.to_owned(), op, values }
        })
        .collect()
}
