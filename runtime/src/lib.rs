//! wacr-runtime: the one stable facade the generated code imports.

pub mod include;
pub mod operation;
pub mod scope;

pub mod file;
pub mod page;
pub mod query;
pub mod value;

pub mod envelope;

/// Support for the lean derives of `wacr-macros`; reached through `__private`.
#[doc(hidden)]
pub mod de;
#[doc(hidden)]
pub mod ser;

#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "client")]
pub mod client;

pub use include::{Include, IncludeError, IncludeSet, Resource};
pub use operation::{Method, Operation};
pub use scope::{ScopeEnum, ScopeError, ScopeSet};

pub use file::{File, MultipartBody};
pub use page::{Page, PageLinks, PageMeta};
pub use query::{FilterCond, FilterOp, QueryError, Sort};
pub use value::{Open, Patch, UnknownValue, WireEnum};

/// Paths used by the code `wacr-macros` generates; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::{de, ser};
    pub use crate::include::include_from_str;
    pub use crate::operation::push_path_param;
    pub use crate::scope::{FallbackScope, deserialize_scope, scope_from_str};
    pub use serde;
}
