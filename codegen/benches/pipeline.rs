//! `cargo bench -p wacr-codegen`: the stages of the pipeline over the real spec, in process.

use std::path::Path;

fn spec_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn main() {
    divan::main();
}

/// Load + validate + lower.
#[divan::bench]
fn check() -> wacr_codegen::ir::Api {
    wacr_codegen::check(&spec_dir()).unwrap()
}

/// Load + validate + lower + emit + format every output (nothing written).
#[divan::bench]
fn check_and_render() -> usize {
    let api = wacr_codegen::check(&spec_dir()).unwrap();
    wacr_codegen::render(&api).len()
}

/// Emit + format only, from an already lowered spec.
#[divan::bench]
fn render(bencher: divan::Bencher) {
    let api = wacr_codegen::check(&spec_dir()).unwrap();
    bencher.bench(|| wacr_codegen::render(&api).len());
}
