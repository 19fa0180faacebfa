//! wacr-runtime: the one stable facade the generated code imports.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod enum_set;

pub mod include;
pub mod operation;
pub mod scope;

pub mod file;
pub mod page;
pub mod query;
pub mod value;

pub mod envelope;

pub mod event;

#[cfg(feature = "webhooks")]
pub mod webhook;

/// Calls `$each!(F0 0 F1 1 ... Fk k)` for every prefix of 32 type parameters with their tuple
/// indices: the tuple lengths `de` and `ser` implement their `Fields` traits for.
macro_rules! for_tuples {
    ($each:ident) => {
        for_tuples!(@ $each []
            F0 0 F1 1 F2 2 F3 3 F4 4 F5 5 F6 6 F7 7 F8 8 F9 9 F10 10 F11 11 F12 12 F13 13 F14 14
            F15 15 F16 16 F17 17 F18 18 F19 19 F20 20 F21 21 F22 22 F23 23 F24 24 F25 25 F26 26
            F27 27 F28 28 F29 29 F30 30 F31 31);
    };
    (@ $each:ident [$($done:ident $at:tt)*] $field:ident $index:tt $($rest:tt)*) => {
        $each!($($done $at)* $field $index);
        for_tuples!(@ $each [$($done $at)* $field $index] $($rest)*);
    };
    (@ $each:ident [$($done:tt)*]) => {};
}

// Support for the lean derives of `wacr-macros`, reached through `__private`.
#[doc(hidden)]
pub mod de;
#[doc(hidden)]
pub mod ser;

#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "cli")]
pub mod cli;

pub use include::{Include, IncludeError, IncludeSet, Resource};
pub use operation::{Exchange, Method, Operation, OperationInfo, Shape};
pub use scope::{ScopeEnum, ScopeError, ScopeSet};

pub use file::{File, MultipartBody};
pub use page::{Page, PageLinks, PageMeta};
pub use query::{Filter, FilterCond, FilterOp, FilterValueError, QueryError, Sort};
pub use value::{Open, Patch, UnknownValue, WireEnum};
pub use event::{Event, EventChanges, EventData, EventInfo, EventMetadata, EventResource, EventTenant, NoRelationships, ResourceRef};

/// Paths used by the code `wacr-macros` generates; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::{de, ser};
    pub use crate::include::include_from_str;
    pub use crate::operation::push_path_param;
    pub use crate::scope::{FallbackScope, deserialize_scope, scope_from_str};
    pub use serde;
}
