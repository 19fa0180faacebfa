//! The spec's version (`info.version` in api.yaml) in the manifests: each generated crate's
//! `[package] version`, and the version requirement of its entry in the workspace's
//! `[workspace.dependencies]`. The manifests stay hand-written; only that one value is kept in
//! step, so `cargo xtask codegen --check` fails when it lags. (The OpenAPI `info.version` and
//! the docs' title are emitted from the IR.)

use std::path::Path;

use crate::write::Output;

/// The manifests under `root` whose version differs from `version`, rewritten; a manifest that
/// cannot be read is left alone.
pub fn manifests(root: &Path, version: &str) -> Vec<Output> {
    let mut paths: Vec<String> = std::fs::read_dir(root.join("generated"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .map(|crate_dir| format!("generated/{crate_dir}/Cargo.toml"))
        .filter(|p| root.join(p).is_file())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        if let Ok(text) = std::fs::read_to_string(root.join(&path)) {
            out.push(Output { contents: package_version(&text, version), path });
        }
    }
    if let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) {
        out.push(Output { contents: dependency_versions(&text, version), path: "Cargo.toml".into() });
    }
    out
}

/// The manifest with its `[package]` version (or `version.workspace = true`) set to `version`.
fn package_version(manifest: &str, version: &str) -> String {
    let mut section = "";
    rewrite_lines(manifest, |line| {
        if line.starts_with('[') {
            section = if line.trim() == "[package]" { "package" } else { "other" };
        }
        let key = line.split(['=', ' ', '.']).next().unwrap_or("");
        (section == "package" && key == "version").then(|| format!("version = \"{version}\""))
    })
}

/// The workspace manifest with every dependency on a generated crate requiring `version`:
/// `wacr-models = { version = "0.1.0", path = "generated/wacr-models", ... }`.
fn dependency_versions(manifest: &str, version: &str) -> String {
    rewrite_lines(manifest, |line| {
        if !line.contains("path = \"generated/") {
            return None;
        }
        let start = line.find("version = \"")? + "version = \"".len();
        let end = start + line[start..].find('"')?;
        Some(format!("{}{version}{}", &line[..start], &line[end..]))
    })
}

/// Each line, or what `edit` makes of it.
fn rewrite_lines(text: &str, mut edit: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        out.push_str(&edit(body).unwrap_or_else(|| body.to_owned()));
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_version_and_the_dependency_requirements_take_the_spec_version() {
        let manifest = "[package]\nname = \"wacr-models\"\nversion.workspace = true\n\n[dependencies]\nserde = { version = \"1\" }\n";
        assert_eq!(package_version(manifest, "0.3.1"), "[package]\nname = \"wacr-models\"\nversion = \"0.3.1\"\n\n[dependencies]\nserde = { version = \"1\" }\n");
        let workspace = "[workspace.dependencies]\nwacr-runtime = { version = \"0.1.0\", path = \"runtime\" }\nwacr-models = { version = \"0.1.0\", path = \"generated/wacr-models\", default-features = false }\n";
        let expected = "[workspace.dependencies]\nwacr-runtime = { version = \"0.1.0\", path = \"runtime\" }\nwacr-models = { version = \"0.3.1\", path = \"generated/wacr-models\", default-features = false }\n";
        assert_eq!(dependency_versions(workspace, "0.3.1"), expected);
    }
}
