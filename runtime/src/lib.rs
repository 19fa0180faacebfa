//! wacr-runtime: the one stable facade the generated code imports.

pub mod include;
pub mod operation;
pub mod scope;

pub use include::{Include, IncludeError, IncludeSet, Resource};
pub use operation::{Method, Operation};
pub use scope::{ScopeEnum, ScopeError, ScopeSet};

/// Paths used by the code `wacr-macros` generates; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::include::include_from_str;
    pub use crate::operation::push_path_param;
    pub use crate::scope::{FallbackScope, deserialize_scope, scope_from_str};
    pub use serde;
}
