//! `N` requests of the glue rows (`GET /contacts/{id}?include=groups,source,status`) through
//! one router in process (`generated` or `hand`), for an instruction count that a busy machine
//! does not disturb. `cargo xtask bench` takes the same count itself when valgrind is
//! installed (`wacr-bench calls glue SIDE N`); by hand:
//!
//! ```text
//! cargo build --release -p wacr-bench --example glue_calls
//! for side in generated hand; do for n in 1000 11000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/glue_calls $side $n 2>&1 | grep refs
//! done; done
//! ```
//!
//! The difference between the two counts of a side, over 10,000, is its instructions per request.
use anyhow::anyhow;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [side, n] = args.as_slice() else { anyhow::bail!("usage: glue_calls generated|hand N") };
    wacr_bench::glue::calls(side, n.parse().map_err(|_| anyhow!("`{n}` is not a count"))?)
}
