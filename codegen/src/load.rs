//! Load: reads `api-spec/*.yaml` into `spec::*`, reporting every syntax, shape and unknown-key
//! problem with its location. Cross-item rules belong to `validate`, not here.
//!
//! `api.yaml` is decoded by `api`, the group files it lists by `group` (their enums and models)
//! and `operation`. The decoders mirror the `spec` types field by field, so decoders of types
//! with like fields look alike: that is the spec's shape, not a repeat one function would take.

mod api;
mod events;
mod group;
mod operation;

use std::collections::HashSet;
use std::path::Path;

use crate::diag::{Diagnostics, FileId, Sources};
use crate::spec::*;
use crate::yaml::{self, At, MapReader};

/// The optional file of webhook events, beside `api.yaml` and the group files.
pub const EVENTS_FILE: &str = "events.yaml";

/// Reads `dir/api.yaml` and every group file it lists. Missing or unreadable files are
/// diagnostics too; the result is `None` only when `api.yaml` itself is unusable.
pub fn load_dir(dir: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<Spec> {
    let api_file = read_file(&dir.join("api.yaml"), sources, diags)?;
    let api_node = yaml::parse(api_file, sources.text(api_file), diags)?;
    let api = api::decode(api_file, &api_node, diags)?;
    let mut groups = Vec::new();
    for g in unique_groups(&api) {
        let path = dir.join(format!("{}.yaml", g.value));
        if !path.exists() {
            diags.error_help(g.loc, format!("no file for group `{}`", g.value), format!("create {}", path.display()));
            continue;
        }
        let Some(file) = read_file(&path, sources, diags) else { continue };
        if let Some(node) = yaml::parse(file, sources.text(file), diags) {
            groups.extend(group::decode(file, &node, diags));
        }
    }
    let events_path = dir.join(EVENTS_FILE);
    let events = if events_path.exists() {
        read_file(&events_path, sources, diags).and_then(|file| yaml::parse(file, sources.text(file), diags).and_then(|node| events::decode(file, &node, diags)))
    } else {
        None
    };
    report_unlisted_files(dir, &api, diags);
    Some(Spec { api, groups, events })
}

/// Loads a spec from in-memory files (`api.yaml` first), for tests and fuzzing.
pub fn load_texts(files: &[(&str, &str)], sources: &mut Sources, diags: &mut Diagnostics) -> Option<Spec> {
    let mut parsed = Vec::new();
    for (name, text) in files {
        let id = sources.add(name.into(), (*text).to_owned());
        parsed.push((*name, id, yaml::parse(id, text, diags)));
    }
    let (_, api_file, api_node) = parsed.first()?;
    let api = api::decode(*api_file, api_node.as_ref()?, diags)?;
    let mut groups = Vec::new();
    for g in unique_groups(&api) {
        let wanted = format!("{}.yaml", g.value);
        match parsed.iter().find(|(n, _, _)| Path::new(n).file_name().is_some_and(|f| f == wanted.as_str())) {
            Some((_, file, Some(node))) => groups.extend(group::decode(*file, node, diags)),
            Some((_, _, None)) => {}
            None => diags.error(g.loc, format!("no file for group `{}`", g.value)),
        }
    }
    let events = parsed
        .iter()
        .find(|(n, _, _)| Path::new(n).file_name().is_some_and(|f| f == EVENTS_FILE))
        .and_then(|(_, file, node)| events::decode(*file, node.as_ref()?, diags));
    Some(Spec { api, groups, events })
}

/// The groups `api.yaml` lists, each once: a group listed twice is `validate`'s to report.
fn unique_groups(api: &Api) -> impl Iterator<Item = &At<String>> {
    let mut seen = HashSet::new();
    api.groups.iter().filter(move |g| seen.insert(g.value.as_str()))
}

fn read_file(path: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<FileId> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(sources.add(path.to_path_buf(), text)),
        Err(e) => {
            diags.error(None, format!("cannot read {}: {e}", path.display()));
            None
        }
    }
}

fn report_unlisted_files(dir: &Path, api: &Api, diags: &mut Diagnostics) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    let mut names: Vec<String> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml") && n != "api.yaml" && n != EVENTS_FILE)
        .collect();
    names.sort();
    for n in names {
        let stem = n.trim_end_matches(".yaml");
        if !api.groups.iter().any(|g| g.value == stem) {
            let loc = api.groups.first().map(|g| g.loc);
            diags.error_help(
                loc,
                format!("{} is not listed in `groups`", dir.join(&n).display()),
                format!("add `{stem}` to `groups` in api.yaml, or remove the file"),
            );
        }
    }
}

/// Where a fact comes from: `documented` (a page) or `inferred` (a reason), one of them.
fn provenance(r: &mut MapReader<'_>, diags: &mut Diagnostics) -> Option<Provenance> {
    let documented: Option<At<String>> = r.opt("documented", diags);
    let inferred: Option<At<String>> = r.opt("inferred", diags);
    match (documented, inferred) {
        (Some(page), None) => {
            if !page.value.starts_with("https://") {
                diags.error_help(page.loc, "`documented` must be the https:// address of the page that states the fact", "write the reason under `inferred` if no page states it");
            }
            Some(Provenance::Documented { page })
        }
        (None, Some(reason)) => {
            if reason.value.trim().is_empty() {
                diags.error(reason.loc, "`inferred` needs a reason");
            }
            Some(Provenance::Inferred { reason })
        }
        (Some(page), Some(reason)) => {
            // Point at the one written second: the one that was added.
            diags.error_help(page.loc.max(reason.loc), "both `documented` and `inferred` are given", "keep one: a fact is either stated on a page or deduced");
            Some(Provenance::Documented { page })
        }
        (None, None) => None,
    }
}
