//! The report as text (one `file:line:col` line per change, then the bump), as JSON, and as a
//! Keep a Changelog section.

use super::{Bump, Change, Class, Report};

/// One block per change, then a summary line and the version verdict.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.changes {
        out.push_str(&format!("{}: {}: {}\n", c.location, c.class().label(), c.message));
        out.push_str(&format!("    {} | wire: {} | rust: {}\n", c.kind, c.wire.label(), c.rust.label()));
    }
    let count = |f: fn(Class) -> bool| report.changes.iter().filter(|c| f(c.class())).count();
    out.push_str(&format!(
        "{} changes: {} breaking, {} additive, {} docs-only\n",
        report.changes.len(),
        count(Class::is_breaking),
        count(|c| c == Class::Additive),
        count(|c| matches!(c, Class::DocsOnly | Class::None)),
    ));
    out.push_str(&verdict(report));
    out.push('\n');
    out
}

/// `bump: major: 0.1.0 needs at least 0.2.0 (info.version is 0.2.0)`
pub fn verdict(report: &Report) -> String {
    let required = report.required_version.as_deref().unwrap_or("?");
    match report.bump {
        Bump::None => format!("bump: none (info.version is {})", report.new_version),
        b => format!("bump: {}: {} needs at least {required} (info.version is {})", b.label(), report.old_version, report.new_version),
    }
}

/// The report as pretty JSON.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// A Keep a Changelog section for the changes: `Added`, `Changed` and `Removed`, breaking
/// entries first and marked, docs-only changes left out.
pub fn changelog(report: &Report) -> String {
    let version = report.required_version.clone().unwrap_or_else(|| report.new_version.clone());
    let mut out = format!("## [{version}] - Unreleased\n");
    for (title, wanted) in [("Added", "added"), ("Changed", ""), ("Removed", "removed")] {
        let mut entries: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| !matches!(c.class(), Class::DocsOnly | Class::None) && section(c.kind) == wanted)
            .collect();
        entries.sort_by_key(|c| std::cmp::Reverse(c.class().is_breaking()));
        if entries.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for c in entries {
            let mark = if c.class().is_breaking() { format!("**Breaking ({})**: ", sides(c)) } else { String::new() };
            out.push_str(&format!("- {mark}{} (`{}`)\n", c.message, c.kind));
        }
    }
    out
}

/// Which Keep a Changelog section a kind goes in: what adds or removes an item or a value is
/// `Added` or `Removed`; a property that comes or goes (nullable, a scope, paging) is a change.
fn section(kind: &str) -> &'static str {
    const CHANGES: [&str; 6] = ["field-nullable-added", "field-nullable-removed", "operation-scope-added", "operation-scope-removed", "pagination-added", "pagination-removed"];
    match kind {
        k if CHANGES.contains(&k) => "",
        k if k.contains("-added") => "added",
        k if k.contains("-removed") => "removed",
        _ => "",
    }
}

/// `clients, wire` / `servers, Rust` ...: who breaks, in which view.
fn sides(c: &Change) -> String {
    let who = |class: Class| match class {
        Class::BreakingClients => Some("clients"),
        Class::BreakingServers => Some("servers"),
        Class::BreakingBoth => Some("clients and servers"),
        _ => None,
    };
    let views: Vec<String> = [("wire", c.wire), ("Rust", c.rust)].iter().filter_map(|(v, class)| who(*class).map(|w| format!("{w}, {v}"))).collect();
    views.join("; ")
}
