//! generated/ must be what `cargo xtask codegen` makes of api-spec/ right now.

use std::path::Path;

#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let outcome = wacr_codegen::generate(&wacr_codegen::Config::new(root), true).unwrap_or_else(|f| panic!("{}", f.render()));
    assert!(
        outcome.stale.is_empty(),
        "generated/ is stale; run `cargo xtask codegen` and commit. Stale files: {:?}",
        outcome.stale
    );
    assert!(outcome.unchanged > 0);
}
