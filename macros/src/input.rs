//! The derive input as the derives read it: without its doc comments (and, for the derives
//! that read no attributes of their own, its named fields). Documentation is most of
//! the tokens of a generated model, none of the derives reads it, and parsing every
//! `#[doc = "..."]` into syn's attribute tree is most of what a derive costs its user at
//! compile time. The item, its fields and variants keep every other attribute and all spans.

use proc_macro::{Delimiter, Group, TokenStream, TokenTree};

/// Runs one derive on `input`, read without its doc comments; a parse error is the output.
pub(crate) fn derive(input: TokenStream, expand: impl FnOnce(&syn::DeriveInput) -> proc_macro2::TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(without_docs(input)) {
        Ok(input) => expand(&input).into(),
        Err(error) => error.into_compile_error().into(),
    }
}

/// `input` without `#[doc ...]` attributes on the item and on its fields or variants.
fn without_docs(input: TokenStream) -> TokenStream {
    strip(input, true)
}

/// Drops doc attributes at this level; descends into the item's brace body (fields,
/// variants), and into those variants' own braces, but not into types or expressions.
fn strip(stream: TokenStream, descend: bool) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = stream.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == '#' => {
                if let Some(TokenTree::Group(attr)) = tokens.peek()
                    && attr.delimiter() == Delimiter::Bracket
                    && is_doc(attr)
                {
                    tokens.next();
                    continue;
                }
                out.push(token);
            }
            TokenTree::Group(group) if descend && group.delimiter() == Delimiter::Brace => {
                let mut inner = Group::new(Delimiter::Brace, strip(group.stream(), true));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            _ => out.push(token),
        }
    }
    out.into_iter().collect()
}

/// Whether an attribute's brackets hold `doc ...`.
fn is_doc(attr: &Group) -> bool {
    matches!(attr.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident.to_string() == "doc")
}

/// The named fields of a struct, or an error naming the derive.
pub(crate) fn named_fields<'a>(input: &'a syn::DeriveInput, derive: &str) -> syn::Result<Vec<&'a syn::Field>> {
    match &input.data {
        syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(fields), .. }) => Ok(fields.named.iter().collect()),
        _ => Err(syn::Error::new_spanned(&input.ident, format!("#[derive({derive})] applies to structs with named fields"))),
    }
}
