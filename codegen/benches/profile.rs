//! A plain binary for instruction counts: the whole pipeline (check + render) over the real
//! spec, `N` times (first argument, default 1), so that a run under callgrind with two values
//! of `N` cancels start-up:
//! `valgrind --tool=callgrind --dump-instr=no target/release/deps/profile-* 5`.

use std::hint::black_box;
use std::path::Path;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    for _ in 0..runs {
        let api = wacr_codegen::check(&dir).unwrap_or_else(|f| panic!("the spec does not validate:\n{}", f.short()));
        black_box(wacr_codegen::render(&api));
    }
}
