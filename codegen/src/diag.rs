//! Diagnostics: every problem found while loading and validating the spec, with its location,
//! collected (never thrown) and rendered rustc-style with annotate-snippets.

use std::fmt;
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Index of a source file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A place in a spec file: 1-based line and column, plus the byte range for snippets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub start: usize,
    pub len: usize,
}

/// The text of every file read, so diagnostics can quote it.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(PathBuf, String)>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push((path, text));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn path(&self, id: FileId) -> &std::path::Path {
        &self.files[id.0 as usize].0
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].1
    }

    /// Display name of a file: relative to the spec folder's parent when possible.
    pub fn display(&self, id: FileId) -> String {
        let p = self.path(id);
        p.strip_prefix(".").unwrap_or(p).display().to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, at one place, with an optional hint ("did you mean ...").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub loc: Option<Loc>,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(loc: impl Into<Option<Loc>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            loc: loc.into(),
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// The collector threaded through loading and validation (serde's `internals::Ctxt`).
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Moves every diagnostic of `other` after these.
    pub fn append(&mut self, mut other: Diagnostics) {
        self.items.append(&mut other.items);
    }

    pub fn error(&mut self, loc: impl Into<Option<Loc>>, message: impl Into<String>) {
        self.push(Diagnostic::error(loc, message));
    }

    pub fn error_help(&mut self, loc: impl Into<Option<Loc>>, message: impl Into<String>, help: impl Into<String>) {
        self.push(Diagnostic::error(loc, message).with_help(help));
    }

    /// Whether an error has no location (an unreadable file).
    pub fn has_unlocated_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error && d.loc.is_none())
    }

    /// Whether an error points into this file.
    pub fn has_errors_in(&self, file: FileId) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error && d.loc.is_some_and(|l| l.file == file))
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics in file and position order, duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| a.loc.cmp(&b.loc).then_with(|| a.message.cmp(&b.message)));
        v.dedup();
        v
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

/// Renders diagnostics like rustc: a title, ` --> file:line:col`, the source line and a caret.
pub struct Report<'a> {
    pub sources: &'a Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report<'_> {
    pub fn render(&self) -> String {
        let renderer = Renderer::plain();
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&render_one(&renderer, self.sources, d));
            out.push_str("\n\n");
        }
        let errors = self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        if errors > 0 {
            out.push_str(&format!(
                "error: the spec has {errors} error{}; nothing was generated\n",
                if errors == 1 { "" } else { "s" }
            ));
        }
        out
    }

    /// One line per diagnostic, `file:line:col: error: message (help: ...)`: for tests and grep.
    pub fn short(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let place = match d.loc {
                Some(l) => format!("{}:{}:{}", self.sources.display(l.file), l.line, l.col),
                None => "<spec>".to_string(),
            };
            let sev = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            out.push_str(&format!("{place}: {sev}: {}", d.message));
            if let Some(h) = &d.help {
                out.push_str(&format!(" (help: {h})"));
            }
            out.push('\n');
        }
        out
    }
}

fn render_one(renderer: &Renderer, sources: &Sources, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path;
    let mut group: Group<'_> = Group::with_title(level.primary_title(d.message.as_str()));
    if let Some(loc) = d.loc {
        let text = sources.text(loc.file);
        path = sources.display(loc.file);
        // Spans come from the parser and from byte arithmetic: keep them on char boundaries.
        let mut start = loc.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + loc.len.max(1)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut ann = AnnotationKind::Primary.span(start..end);
        if let Some(label) = &d.label {
            ann = ann.label(label.as_str());
        }
        group = group.element(Snippet::source(text).path(path.as_str()).annotation(ann));
    }
    let mut report = vec![group];
    if let Some(help) = &d.help {
        report.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
    }
    renderer.render(&report)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        let limit = (name.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("contact:read", ["contacts:read", "groups:read"]).as_deref(), Some("did you mean `contacts:read`?"));
        assert_eq!(did_you_mean("zzz", ["contacts:read"]), None);
        assert_eq!(did_you_mean("maxlength", ["max_length", "min_length"]).as_deref(), Some("did you mean `max_length`?"));
    }
}
