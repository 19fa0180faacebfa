//! Tests of the models emitter on the real spec (valid Rust, deterministic, the expected shapes,
//! docs everywhere) and on IR edits for shapes the spec does not use yet.

use std::collections::BTreeSet;
use std::path::Path;

use quote::ToTokens;
use syn::ext::IdentExt;

use super::*;

fn api() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    crate::check(&dir).unwrap_or_else(|f| panic!("{}", f.render()))
}

fn parse(api: &Api) -> syn::File {
    let out = emit(api);
    assert_eq!(out.path, "generated/wacr-models/src/models.rs");
    syn::parse_file(&out.contents).expect("the output is Rust")
}

/// The top-level types and aliases of a file, by name.
fn types(file: &syn::File) -> Vec<(String, &syn::Item)> {
    let name = |item: &syn::Item| match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    };
    file.items.iter().filter_map(|i| name(i).map(|n| (n, i))).collect()
}

fn find<'a>(file: &'a syn::File, name: &str) -> &'a syn::Item {
    types(file).into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no type `{name}`")).1
}

/// `field: Type` of a struct, as token text.
fn field_ty(item: &syn::Item, field: &str) -> String {
    let syn::Item::Struct(s) = item else { panic!("not a struct") };
    let f = s.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i.unraw() == field)).unwrap_or_else(|| panic!("no field `{field}`"));
    f.ty.to_token_stream().to_string().replace(' ', "")
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

#[test]
fn output_is_deterministic() {
    let api = api();
    assert_eq!(emit(&api), emit(&api));
}

#[test]
fn every_operation_has_its_types_once() {
    let api = api();
    let file = parse(&api);
    let names: Vec<String> = types(&file).into_iter().map(|(n, _)| n).collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "a type name is generated twice");
    for op in api.operations() {
        let p = &op.type_prefix;
        let mut expected = vec![ident::op::request(p), ident::op::response(p), ident::op::error(p)];
        if op.has_query() {
            expected.push(ident::op::query(p));
        }
        if op.has_body() {
            expected.push(ident::op::body(p));
        }
        if op.list.as_ref().is_some_and(|l| !l.sort.is_empty()) {
            expected.push(ident::op::sort_field(p));
        }
        for name in expected {
            assert!(unique.contains(&name), "{}: no `{name}`", op.id);
        }
    }
    for name in api.models.iter().map(|m| &m.name).chain(api.enums.iter().map(|e| &e.name)) {
        assert!(unique.contains(name), "no `{name}`");
    }
}

#[test]
fn responses_are_open_and_requests_closed() {
    let file = parse(&api());
    assert_eq!(field_ty(find(&file, "Contact"), "type"), "rt::Open<ContactType>");
    assert_eq!(field_ty(find(&file, "Contact"), "groups"), "Option<Vec<Group>>");
    assert_eq!(field_ty(find(&file, "Message"), "status"), "Option<rt::Open<MessageStatus>>");
    assert_eq!(field_ty(find(&file, "CreateContactBody"), "type"), "ContactType");
    // Sent only inside Batch Create Contacts' body, so its enum stays closed.
    assert_eq!(field_ty(find(&file, "BatchCreateContact"), "type"), "ContactType");
    assert_eq!(field_ty(find(&file, "UpdateContactBody"), "email"), "rt::Patch<String>");
    assert_eq!(field_ty(find(&file, "UpdateContactBody"), "firstname"), "Option<String>");
    assert_eq!(field_ty(find(&file, "SendMediaMessageBody"), "media_file"), "Option<rt::File>");
    assert_eq!(field_ty(find(&file, "ListContactsQuery"), "include"), "rt::IncludeSet<ContactInclude>");
    assert_eq!(field_ty(find(&file, "ListMessagesFilters"), "type"), "Vec<rt::Filter<MessageType,EqNeInNotInOps>>");
    // an enum filter field is typed by its enum; its operator set names exactly its operators
    assert_eq!(field_ty(find(&file, "ListContactsFilters"), "type"), "Vec<rt::Filter<ContactType,EqNeLikeInNotInOps>>");
    assert_eq!(field_ty(find(&file, "ListContactsFilters"), "created_at"), "Vec<rt::Filter<String,GtGteLtLteBetweenOps>>");
    let syn::Item::Enum(ops) = find(&file, "EqNeLikeInNotInOps") else { panic!("not an enum") };
    let attr = ops.attrs.iter().find(|a| a.path().is_ident("filter")).unwrap();
    assert_eq!(attr.meta.to_token_stream().to_string().replace(' ', ""), "filter(Eq,Ne,Like,In,NotIn)");
    let syn::Item::Type(alias) = find(&file, "ListContactsResponse") else { panic!("not an alias") };
    assert_eq!(alias.ty.to_token_stream().to_string().replace(' ', ""), "rt::Page<Contact>");
    let syn::Item::Type(alias) = find(&file, "DeleteContactResponse") else { panic!("not an alias") };
    assert_eq!(alias.ty.to_token_stream().to_string(), "()");
}

#[test]
fn requests_carry_operation_metadata() {
    let file = parse(&api());
    let attr = |name: &str| {
        let syn::Item::Struct(s) = find(&file, name) else { panic!("not a struct") };
        let attrs = s.attrs.iter().filter(|a| a.path().is_ident("operation"));
        attrs.map(|a| a.meta.to_token_stream().to_string()).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(
        attr("GetContactRequest"),
        r#"operation (method = GET , path = "/contacts/{id}" , new) operation (id = "get_contact" , scope = Scope :: ContactsRead , status = 200) operation (output = GetContactResponse , error = GetContactError)"#
    );
    assert!(attr("GetCommentsRequest").contains("scope = none (Scope)"));
    // Only what differs from `Exchange`'s defaults: a list's shape, a send's flag.
    assert!(attr("ListContactsRequest").contains("shape = List"));
    assert!(attr("SendTextMessageRequest").contains("sends_message"));
    assert!(!attr("GetContactRequest").contains("shape"));
}

#[test]
fn operation_keys_pack_into_lines_that_fit() {
    let keys = |v: &[&str]| v.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    let groups = [keys(&["method = GET", "new"]), keys(&["id = \"x\""]), keys(&["output = A".repeat(8).as_str(), "error = B"])];
    let lines = super::operation::pack_keys(&groups, 14);
    // The two short groups share a line; the long one breaks between its keys.
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], keys(&["method = GET", "new", "id = \"x\""]));
    assert_eq!(lines[2], keys(&["error = B"]));
}

#[test]
fn every_public_item_and_field_is_documented() {
    let file = parse(&api());
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                assert!(has_doc(&s.attrs), "`{}` has no docs", s.ident);
                for f in &s.fields {
                    assert!(has_doc(&f.attrs), "`{}.{}` has no docs", s.ident, f.ident.as_ref().unwrap());
                }
            }
            syn::Item::Enum(e) => {
                assert!(has_doc(&e.attrs), "`{}` has no docs", e.ident);
                for v in &e.variants {
                    assert!(has_doc(&v.attrs), "`{}::{}` has no docs", e.ident, v.ident);
                }
            }
            syn::Item::Type(t) => assert!(has_doc(&t.attrs), "`{}` has no docs", t.ident),
            _ => {}
        }
    }
}

#[test]
fn docs_say_where_items_come_from() {
    let api = api();
    let contents = emit(&api).contents;
    let block = |name: &str| {
        let end = contents.find(&format!("pub struct {name} ")).unwrap_or_else(|| panic!("no `{name}`"));
        let start = contents[..end].rfind("\n}\n").unwrap_or(0);
        contents[start..end].to_owned()
    };
    assert!(block("GetContactRequest").contains("Documented: <https://docs.app.wa.cr/get-contact-28559785e0>"));
    assert!(block("DeleteContactRequest").contains("Inferred: the page is not readable;"));
    assert!(block("BatchFailedItem").contains("Inferred: the page's field list is cut off"));
}

#[test]
fn shapes_the_spec_does_not_use_yet() {
    let mut api = api();
    let op = api.groups.iter_mut().flat_map(|g| &mut g.operations).find(|o| o.id == "send_media_message").unwrap();
    let body = op.body.as_mut().unwrap();
    let mut files = body.fields.iter().find(|f| f.wire == "media_file").unwrap().clone();
    files.wire = "attachments".into();
    files.rust = ident::field("attachments");
    files.ty = Ty::Array(Box::new(Ty::File));
    body.fields.push(files);
    let mut param = body.fields.iter().find(|f| f.wire == "caption").unwrap().clone();
    param.wire = "type".into();
    param.rust = ident::field("type");
    param.ty = Ty::Array(Box::new(Ty::Named("MediaType".into(), NamedKind::Enum)));
    op.query.push(param);
    let file = parse(&api);
    assert_eq!(field_ty(find(&file, "SendMediaMessageBody"), "attachments"), "Option<Vec<rt::File>>");
    assert_eq!(field_ty(find(&file, "SendMediaMessageQuery"), "type"), "Vec<MediaType>");
    let contents = emit(&api).contents;
    // `#[derive(Query)]` reads the form from the type: a `Vec` is a comma list.
    assert!(contents.contains("#[derive(Clone, Debug, Default, PartialEq, Query)]\npub struct SendMediaMessageQuery {"));
    assert!(contents.contains(r#"for file in self.attachments.iter().flatten() {"#));
}
