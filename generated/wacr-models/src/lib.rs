//! wacr-models: the typed models of the WA.cr API v2, generated from `api-spec/` into
//! `src/models.rs` by `cargo xtask codegen` (this file is hand-written; that one is not).
//!
//! - every enum of the spec, closed, with its wire values (`ContactType::Lead` is `"lead"`);
//!   response models hold them as [`Open`], so a value the server adds later decodes to
//!   [`Open::Unknown`] instead of failing;
//! - every model; relations that `?include=` loads are `Option` fields, and such models derive
//!   [`Resource`] (`Contact` has [`ContactInclude`]);
//! - [`Scope`] and [`ErrorCode`] (open: unknown codes decode to [`ErrorCode::Unknown`]), the
//!   [`ErrorEnvelope`] and the typed `details` of the codes that have them;
//! - the webhook events of `api-spec/events.yaml`: [`WebhookEvent`], one variant per event type
//!   (decoded by `event.type`; an unknown type is kept as [`WebhookEvent::Unknown`]), each
//!   holding the payload of its resource ([`ContactEvent`] is an [`Event`] of a [`Contact`]);
//! - per operation (`GetContact`): `GetContactRequest` (path parameters, query, body; it
//!   implements [`Operation`], so it knows its method, path, scope and success status),
//!   `…Query`, `…Body`, the `…Response` data type and `…Error`, the codes it can return;
//! - per list operation, its `…Filters`: each field a `Vec<`[`Filter`]`<T, Ops>>` whose operator
//!   set (`EqNeInNotInOps`) has only the operators the spec allows on that field, so
//!   `Filter::like` on `status_id` does not compile; `T` is the field's type, its enum for an
//!   enum field (`like` takes text whatever `T` is).
//!
//! Features: `client` compiles what a client needs of serde (requests `Serialize`, responses
//! `Deserialize`), `server` the other way round; both are on by default, and types that travel
//! both ways always have both.
//!
//! Every item's documentation says where it comes from: `Documented:` with the page of the
//! WA.cr documentation, or `Inferred:` with the reason.
//!
//! ```
//! use wacr_models::{Contact, ContactType, GetContactRequest, ContactInclude, Operation, Scope};
//!
//! let mut request = GetContactRequest::new(1);
//! request.query.include.insert(ContactInclude::Groups);
//! assert_eq!(request.render_path(), "/contacts/1");
//! assert_eq!(GetContactRequest::SCOPE, Some(Scope::ContactsRead));
//! assert_eq!(request.query.to_pairs(), [("include".to_owned(), "groups".to_owned())]);
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#![warn(missing_docs)]

#[cfg(not(any(feature = "client", feature = "server")))]
compile_error!("wacr-models needs its `client` feature, its `server` feature, or both");

#[rustfmt::skip]
mod models;

#[rustfmt::skip]
mod events;

pub use events::*;
pub use models::*;

pub use wacr_runtime::{
    Event, EventChanges, EventData, EventInfo, EventMetadata, EventResource, EventTenant, NoRelationships, ResourceRef,
    File, Filter, FilterCond, FilterOp, Include, IncludeSet, Method, MultipartBody, Open, Operation, Page,
    PageLinks, PageMeta, Patch, QueryError, Resource, ScopeEnum, ScopeSet, Sort, UnknownValue,
    WireEnum,
};
