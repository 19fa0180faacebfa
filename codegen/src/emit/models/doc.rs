//! Doc comments of the generated models: spec text escaped for rustdoc, provenance sentences
//! and validation-rule summaries, rendered as `#[doc]` attributes (`///` after prettyplease).

use proc_macro2::TokenStream;

use crate::ir::{Field, Provenance, Rules};

/// One doc comment: paragraphs of text, then the item's facts (rules, default, notes,
/// contradictions, provenance), as a list when there are several.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    paragraphs: Vec<String>,
    facts: Vec<String>,
    /// The facts continue the last paragraph instead of following it after a blank line.
    inline: bool,
}

impl Doc {
    /// A comment whose first paragraph is spec text.
    pub fn new(text: &str) -> Self {
        Doc::default().text(text)
    }

    /// Adds a paragraph of spec text, escaped; empty text adds nothing.
    pub fn text(self, text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() {
            return self;
        }
        self.markdown(escape(text))
    }

    /// Adds a paragraph of Markdown the emitter wrote itself.
    pub fn markdown(mut self, text: String) -> Self {
        self.paragraphs.push(text);
        self
    }

    /// Makes the facts continue the last paragraph: one fact as its last sentence, several as
    /// a list right under it (a Markdown list may interrupt a paragraph). For fields, whose
    /// whole comment rustdoc shows, for items with more than one paragraph, whose summary
    /// (the first) stays as it is, and for response aliases, whose one sentence the facts
    /// qualify (where the status and message come from).
    pub fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    /// Adds a fact: one line of Markdown the emitter wrote (`Rules: ...`, `Note: ...`).
    pub fn fact(mut self, text: String) -> Self {
        self.facts.push(text);
        self
    }

    /// Adds `Note: ...` when there is a note.
    pub fn note(self, note: Option<&str>) -> Self {
        match note {
            Some(n) => self.fact(format!("Note: {}", escape(n.trim()))),
            None => self,
        }
    }

    /// Adds "Documented: <page>" or "Inferred: reason".
    pub fn provenance(self, p: &Provenance) -> Self {
        self.fact(provenance(p))
    }

    /// Adds the provenance only when it is the item's own, not the one it inherits.
    pub fn own_provenance(self, p: &Provenance, parent: &Provenance) -> Self {
        if p == parent { self } else { self.provenance(p) }
    }

    /// `#[doc = " ..."]` per line, an empty one between paragraphs. Several facts are one list,
    /// unless a list ends the text (Markdown would join the two).
    pub fn tokens(&self) -> TokenStream {
        let ends_in_list = self.paragraphs.last().is_some_and(|p| p.lines().last().is_some_and(|l| l.starts_with("- ")));
        let mut paragraphs = self.paragraphs.clone();
        let mut facts = if self.facts.len() > 1 && !ends_in_list {
            vec![self.facts.iter().map(|f| format!("- {f}")).collect::<Vec<_>>().join("\n")]
        } else {
            self.facts.clone()
        };
        if let (true, false, Some(last), [fact]) = (self.inline, ends_in_list, paragraphs.last_mut(), facts.as_slice()) {
            let joint = if fact.starts_with("- ") {
                "\n"
            } else if last.ends_with(['.', '!', '?', ':']) {
                " "
            } else {
                ". "
            };
            *last = format!("{last}{joint}{fact}");
            facts.clear();
        }
        let mut lines = Vec::new();
        for (i, paragraph) in paragraphs.iter().chain(&facts).enumerate() {
            if i > 0 {
                lines.push(String::new());
            }
            lines.extend(paragraph.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }));
        }
        crate::write::doc_attrs(lines)
    }
}

/// The doc comment of a field: description, rules, note, and provenance when it is its own.
pub fn field(f: &Field, parent: &Provenance) -> Doc {
    let mut doc = Doc::new(&f.description).inline();
    if let Some(rules) = rules(f) {
        doc = doc.fact(rules);
    }
    if let Some(default) = &f.default {
        doc = doc.fact(format!("Default: `{default}`."));
    }
    doc.note(f.note.as_deref()).own_provenance(&f.provenance, parent)
}

/// "Documented: <page>" (a link) or "Inferred: reason".
pub fn provenance(p: &Provenance) -> String {
    match p {
        Provenance::Documented { page } => format!("Documented: <{page}>"),
        Provenance::Inferred { reason } => format!("Inferred: {}", escape(reason.trim())),
    }
}

/// Escapes the Markdown that spec text does not mean: link brackets and HTML-like `<...>`,
/// outside code spans (where a backslash would be shown as is); bare URLs become links.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            escape_prose(part, &mut out);
        }
    }
    out
}

fn escape_prose(mut text: &str, out: &mut String) {
    while let Some(c) = text.chars().next() {
        if text.starts_with("https://") || text.starts_with("http://") {
            let end = text.find(char::is_whitespace).unwrap_or(text.len());
            let url = text[..end].trim_end_matches(['.', ',', ';', ':', ')']);
            out.push_str(&format!("<{url}>"));
            text = &text[url.len()..];
            continue;
        }
        if matches!(c, '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
        text = &text[c.len_utf8()..];
    }
}

/// `Rules: max length 255; format email; ...`, the machine-checkable and written rules of a
/// field, or `None` when it has none.
fn rules(f: &Field) -> Option<String> {
    rules_in(f, escape)
}

/// `Rules: …` of a field, its spec text passed through `escape` (rustdoc's, or none for plain
/// text such as command-line help).
pub fn rules_in(f: &Field, escape: fn(&str) -> String) -> Option<String> {
    let r: &Rules = &f.rules;
    let mut parts: Vec<String> = Vec::new();
    let counts = [("min length", r.min_length), ("max length", r.max_length), ("min items", r.min_items), ("max items", r.max_items)];
    parts.extend(counts.iter().filter_map(|(name, v)| v.map(|v| format!("{name} {v}"))));
    parts.extend([("min", r.min), ("max", r.max)].iter().filter_map(|(name, v)| v.map(|v| format!("{name} {}", number(v)))));
    if r.unique_items {
        parts.push(format!("unique items{}", r.unique_by.as_ref().map(|b| format!(" by `{b}`")).unwrap_or_default()));
    }
    if r.per_item_errors {
        parts.push("items checked one by one".to_owned());
    }
    parts.extend(r.format.as_ref().map(|v| format!("format {v}")));
    parts.extend(r.pattern.as_ref().map(|v| format!("pattern `{v}`")));
    parts.extend(r.max_size.map(|v| format!("max size {v} bytes")));
    if !r.extensions.is_empty() {
        parts.push(format!("extensions {}", r.extensions.join(", ")));
    }
    if !r.required_with.is_empty() {
        parts.push(format!("required with {}", code_list(&r.required_with)));
    }
    if !r.required_without.is_empty() {
        parts.push(format!("required without {}", code_list(&r.required_without)));
    }
    parts.extend(r.required_if.as_ref().map(|(field, value)| format!("required if `{field}` is `{value}`")));
    parts.extend(r.unique.as_ref().map(|v| format!("unique {}", escape(v))));
    parts.extend(r.exists.as_ref().map(|v| format!("must exist in {}", escape(v))));
    parts.extend(r.rule.as_ref().map(|v| escape(v)));
    (!parts.is_empty()).then(|| format!("Rules: {}.", parts.join("; ")))
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { v.to_string() }
}

fn code_list(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_outside_code_spans() {
        assert_eq!(escape("contacts.<index>.<field>"), r"contacts.\<index\>.\<field\>");
        assert_eq!(escape("use `filter[type][like]=lea` or [x]"), r"use `filter[type][like]=lea` or \[x\]");
        assert_eq!(escape("field_1"), "field_1");
        assert_eq!(escape("(see https://a.b/c, and http://d.e)."), "(see <https://a.b/c>, and <http://d.e>).");
    }

    /// Asserts that `doc`, above an item, renders with these last lines.
    fn assert_renders(doc: Doc, end: &str) {
        let tokens = doc.tokens();
        let file = crate::write::rust_file(quote::quote!(#tokens pub struct S;), "x");
        assert!(file.ends_with(&format!("{end}\npub struct S;\n")), "{file}");
    }

    #[test]
    fn inline_facts_continue_the_last_paragraph() {
        assert_renders(Doc::new("Phone").inline().fact("Rules: max length 20.".into()), "\n/// Phone. Rules: max length 20.");
        assert_renders(Doc::new("The phone.").inline().fact("Rules: max length 20.".into()), "\n/// The phone. Rules: max length 20.");
        let two = Doc::new("Phone").inline().fact("Rules: max length 20.".into()).note(Some("see 4"));
        assert_renders(two, "\n/// Phone\n/// - Rules: max length 20.\n/// - Note: see 4");
        // The summary of an item stays its own paragraph; the facts join the last one.
        let item = Doc::new("Get").markdown("Fetch.\n`GET /x`.".into()).inline().note(Some("n"));
        assert_renders(item, "\n/// Get\n///\n/// Fetch.\n/// `GET /x`. Note: n");
        // After a list, the facts stay paragraphs (a sentence would join the last item).
        let after = Doc::new("Does.").markdown("Behaviour:\n- a".into()).inline().note(Some("n"));
        assert_renders(after, "/// - a\n///\n/// Note: n");
    }

    #[test]
    fn several_facts_are_a_list() {
        assert_renders(Doc::new("Phone.").fact("Rules: max length 20.".into()), "\n/// Phone.\n///\n/// Rules: max length 20.");
        let two = Doc::new("Phone.").fact("Rules: max length 20.".into()).note(Some("see 4"));
        assert_renders(two, "\n/// Phone.\n///\n/// - Rules: max length 20.\n/// - Note: see 4");
        // After a list, a second list would join it: the facts stay paragraphs.
        let after = Doc::new("Does.").markdown("Behaviour:\n- a".into()).note(Some("n")).note(Some("m"));
        assert_renders(after, "/// - a\n///\n/// Note: n\n///\n/// Note: m");
    }

    #[test]
    fn paragraphs_render_as_doc_lines() {
        let doc = Doc::new("First.").text("").markdown("Second\nline".into()).tokens();
        let file = crate::write::rust_file(quote::quote!(#doc pub struct S;), "x");
        assert!(file.ends_with("\n/// First.\n///\n/// Second\n/// line\npub struct S;\n"), "{file}");
    }
}
