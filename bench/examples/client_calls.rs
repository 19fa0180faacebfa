//! `N` calls of the client row (`GET /contacts/{id}?include=groups,source,status`, one at a
//! time) against the hand-written server in the same process, for an instruction count that a
//! busy machine does not disturb (the server's share is the same on every side). Sides: the
//! generated client (`generated`), its transport alone with a ready-made call (`transport`: the
//! difference to `generated` is the generated layer's cost), raw reqwest + serde_json (`raw`).
//! `cargo xtask bench` takes the same counts itself when valgrind is installed
//! (`wacr-bench calls client SIDE N`); by hand:
//!
//! ```text
//! cargo build --release -p wacr-bench --example client_calls
//! for side in generated transport raw; do for n in 1000 6000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/client_calls $side $n 2>&1 | grep refs
//! done; done
//! ```
//!
//! The difference between the two counts of a side, over 5,000, is its instructions per call.
use anyhow::anyhow;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [side, n] = args.as_slice() else { anyhow::bail!("usage: client_calls generated|transport|raw N") };
    wacr_bench::client::calls(side, n.parse().map_err(|_| anyhow!("`{n}` is not a count"))?)
}
