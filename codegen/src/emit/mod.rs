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
/// the thread it runs on. Jobs are listed largest first and taken in that order, so the two
/// threads finish at about the same time.
pub fn all(api: &Api) -> Vec<Output> {
    type Job<'a> = (usize, &'a (dyn Fn(&Api) -> Vec<Output> + Sync));
    // (position in the output, emitter), in the order they are started.
    let jobs: [Job; 9] = [
        (0, &|api| vec![models::emit(api)]),
        (4, &|api| vec![openapi::emit(api)]),
        (2, &|api| vec![server::emit(api)]),
        (1, &|api| vec![client::emit(api)]),
        (8, &|api| vec![docs::examples(api)]),
        (6, &|api| docs::pages(api)),
        (7, &|api| vec![docs::snippets(api)]),
        (3, &|api| vec![server::matrix_test(api)]),
        (5, &|api| vec![docs::index(api)]),
    ];
    let mut done = par_map(&jobs, |(at, job)| (*at, job(api)));
    done.sort_by_key(|(at, _)| *at);
    done.into_iter().flat_map(|(_, outputs)| outputs).collect()
}

/// `f` over every job on up to two threads (the calling one and one more), taking jobs in
/// order as threads become free; results in job order. A panic in a job is raised again, with
/// its own message, on the calling thread.
fn par_map<T: Sync, R: Send>(jobs: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(2).min(jobs.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(jobs.iter().map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            let r = f(job);
            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
        }
    };
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        work();
        for h in helpers {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|r| r.expect("every job ran")).collect()
}
