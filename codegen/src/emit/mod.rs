//! Emitters: one module per output, each a function of the IR alone.

pub mod cli;
pub mod client;
pub mod docs;
pub mod models;
pub mod openapi;
pub mod server;

use crate::ir::Api;
use crate::write::Output;

/// Every generated file, in a fixed order.
pub fn all(api: &Api) -> Vec<Output> {
    let mut out = vec![models::emit(api), models::events::emit(api), client::emit(api), server::emit(api), server::receiver::emit(api), server::matrix_test(api), openapi::emit(api), openapi::emit_30(api), docs::index(api)];
    out.extend(docs::pages_and_snippets(api));
    out.push(docs::examples(api));
    out.extend(docs::events(api));
    out.extend(cli::emit(api));
    out
}
