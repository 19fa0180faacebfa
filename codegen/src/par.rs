//! The two-thread work sharing of the pipeline: the spec's group files are parsed, and the
//! outputs emitted and formatted, on the calling thread and one more (the machine the pipeline
//! is measured on has two cores).

/// How many threads the pipeline uses: `WACR_CODEGEN_THREADS` if set (1 runs everything on
/// the calling thread), else two, or one on a single-core machine.
fn threads() -> usize {
    let env = std::env::var("WACR_CODEGEN_THREADS").ok().and_then(|v| v.parse::<usize>().ok());
    env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(2)).max(1)
}

/// `f` over every job on up to two threads (the calling one and one more), taking jobs in
/// order as threads become free; results in job order. A panic in a job is raised again, with
/// its own message, on the calling thread.
pub(crate) fn map<T: Sync, R: Send>(jobs: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let threads = threads().min(jobs.len());
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
