//! trybuild compile tests of the derives: `ui/pass` cases build and run, `ui/compile_fail`
//! cases fail with the messages recorded next to them (`TRYBUILD=overwrite` regenerates them).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/compile_fail/*.rs");
}
