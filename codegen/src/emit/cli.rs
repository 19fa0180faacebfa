//! CLI emitter: the crate `generated/wacr-cli`, whose binary `wacr` is the command-line client.
//! Its `Cargo.toml`, a `main.rs` that hands the command table and the client's builder to
//! `wacr_runtime::cli::main`, and `commands.rs`, the table: one group per resource group, one
//! operation per spec operation with its typed flags, help and example. The code that runs a
//! table lives in the runtime (feature `cli`), so that a spec change only changes data here.

mod example;
mod table;

use quote::quote;

use crate::ir::Api;
use crate::write::{header, rust_file, Output};

pub const DIR: &str = "generated/wacr-cli";

/// Every file of the crate.
pub fn emit(api: &Api) -> Vec<Output> {
    let sources = api.files.join(", ");
    vec![
        Output { path: format!("{DIR}/Cargo.toml"), contents: cargo_toml(&sources, &api.version) },
        Output { path: format!("{DIR}/src/main.rs"), contents: rust_file(main_rs(), &sources) },
        Output { path: format!("{DIR}/src/commands.rs"), contents: rust_file(table::emit(api), &sources) },
    ]
}

fn cargo_toml(sources: &str, version: &str) -> String {
    header("#", sources)
        + &r#"
[package]
name = "wacr-cli"
description = "wacr: the command-line client of the WA.cr API v2, generated from the spec"
version = "{version}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
homepage.workspace = true
readme = "README.md"
keywords = ["whatsapp", "wacr", "crm", "api", "cli"]
categories = ["command-line-utilities"]
# installed from the repository (`cargo install --path generated/wacr-cli`)
publish = false

[[bin]]
name = "wacr"
path = "src/main.rs"

[dependencies]
wacr-client.workspace = true
wacr-runtime = { workspace = true, features = ["cli"] }

[dev-dependencies]
wacr-sandbox.workspace = true
tokio.workspace = true
tempfile.workspace = true
serde_json.workspace = true
insta.workspace = true
"#
        .replace("{version}", version)
}

fn main_rs() -> proc_macro2::TokenStream {
    quote! {
        //! `wacr`: the command-line client of the WA.cr API. One subcommand per resource group,
        //! one per operation (`wacr contacts get 42 --include groups`); `wacr --help` lists them
        //! with the global options and the exit codes.

        mod commands;

        fn main() -> std::process::ExitCode {
            wacr_runtime::cli::main(&commands::CLI, wacr_client::Client::builder())
        }
    }
}

#[cfg(test)]
mod tests;
