//! Emitters: one module per output, each a function of the IR alone.

pub mod client;
pub mod docs;
pub mod models;
pub mod openapi;
pub mod server;

use crate::ir::Api;
use crate::write::Output;

/// Every generated file, in a fixed order.
///
/// The emitters are independent functions of the IR, so they run on up to two threads (the
/// machine this is measured on has two cores); each one builds and formats its own tokens on
/// the thread it runs on. Jobs are listed largest first (by instructions, callgrind: models
/// 183M, server 67M, pages 44M, examples 44M, client 35M, openapi 25M, then the small ones) and
/// taken in that order, so the two threads finish at about the same time.
pub fn all(api: &Api) -> Vec<Output> {
    type Job<'a> = (usize, &'a (dyn Fn(&Api) -> Vec<Output> + Sync));
    // (position in the output, emitter), in the order they are started.
    let jobs: [Job; 8] = [
        (0, &|api| vec![models::emit(api)]),
        (2, &|api| vec![server::emit(api)]),
        (6, &|api| docs::pages_and_snippets(api)),
        (8, &|api| vec![docs::examples(api)]),
        (1, &|api| vec![client::emit(api)]),
        (4, &|api| vec![openapi::emit(api)]),
        (3, &|api| vec![server::matrix_test(api)]),
        (5, &|api| vec![docs::index(api)]),
    ];
    let mut done = crate::par::map(&jobs, |(at, job)| (*at, job(api)));
    done.sort_by_key(|(at, _)| *at);
    done.into_iter().flat_map(|(_, outputs)| outputs).collect()
}
