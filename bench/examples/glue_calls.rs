//! `N` requests of the glue rows (`GET /contacts/{id}?include=groups,source,status`) through
//! one router in process, for an instruction count that a busy machine does not disturb:
//!
//! ```text
//! cargo build --release -p wacr-bench --example glue_calls
//! for side in generated hand; do for n in 1000 11000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/glue_calls $side $n 2>&1 | grep refs
//! done; done
//! ```
//!
//! The difference between the two counts of a side, over 10,000, is its instructions per request.

use std::sync::Arc;

use wacr_bench::contacts::{self, Store};
use wacr_bench::glue;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (side, n) = match args.as_slice() {
        [side, n] => (side.as_str(), n.parse::<u64>().expect("N is a count")),
        _ => {
            eprintln!("usage: glue_calls generated|hand N");
            std::process::exit(2);
        }
    };
    let store = Store::new();
    let mut router = match side {
        "generated" => contacts::generated_router(Arc::clone(&store)),
        "hand" => contacts::hand_router(Arc::clone(&store)),
        other => panic!("unknown side `{other}`"),
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    for i in 0..n {
        if let Err(e) = rt.block_on(glue::call(&mut router, i)) {
            panic!("request {i}: {e}");
        }
    }
}
