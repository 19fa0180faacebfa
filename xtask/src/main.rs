//! xtask: `cargo xtask codegen [--check]`, `cargo xtask spec check`; thin flag parsing, logic lives in wacr-codegen.
fn main() {}
