//! Tests of the CLI emitter on the real spec: a command per operation, flags in kebab case,
//! examples as command lines, enum filters with their values, and an operation added to the spec
//! becoming a command.

use std::path::Path;

use super::*;

fn api() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    crate::check(&dir).unwrap_or_else(|f| panic!("{}", f.render()))
}

fn commands(api: &Api) -> String {
    let out = emit(api);
    out.into_iter().find(|o| o.path.ends_with("src/commands.rs")).expect("commands.rs").contents
}

#[test]
fn every_operation_is_a_command_of_its_group() {
    let api = api();
    let text = commands(&api);
    for op in api.operations() {
        assert!(text.contains(&format!("const {}: Operation", op.id.to_uppercase())), "{}", op.id);
        assert!(text.contains(&format!("name: \"{}\"", op.name.replace('_', "-"))), "{}", op.id);
    }
    assert!(text.contains("flag: \"source-id\""), "snake_case fields are kebab-case flags");
    assert_eq!(emit(&api), emit(&api), "deterministic");
}

#[test]
fn an_operation_added_to_the_spec_becomes_a_command() {
    let mut api = api();
    let contacts = api.groups.iter_mut().find(|g| g.name == "contacts").unwrap();
    let mut op = contacts.operations.iter().find(|o| o.id == "get_contact").unwrap().clone();
    (op.id, op.name, op.path) = ("archive_contact".into(), "archive".into(), "/contacts/{id}/archive".into());
    contacts.operations.push(op);
    let text = commands(&api);
    assert!(text.contains("const ARCHIVE_CONTACT: Operation"), "{text}");
    assert!(text.contains("name: \"archive\""));
    assert!(text.contains("GET_CONTACT, ARCHIVE_CONTACT]") || text.contains("ARCHIVE_CONTACT,\n"), "listed in its group");
    assert!(text.contains("wacr contacts archive 1 --include groups,source,status"), "with its example");
}

#[test]
fn examples_are_command_lines() {
    let api = api();
    let op = |id: &str| api.operations().find(|o| o.id == id).unwrap();
    assert_eq!(example::command(&api, op("get_contact")).unwrap(), "wacr contacts get 1 --include groups,source,status");
    assert_eq!(example::command(&api, op("update_contact")).unwrap(), "wacr contacts update 1 --firstname 'Test Edited'");
    assert_eq!(example::command(&api, op("add_contacts_to_group")).unwrap(), "wacr groups add-contacts 1 --contact-ids 123,124,125");
    let send = example::command(&api, op("send_text_message")).unwrap();
    assert!(send.starts_with("wacr messages send-text --phone "), "{send}");
}

#[test]
fn an_enum_filter_carries_its_values_and_other_filters_none() {
    let api = api();
    let text = commands(&api);
    let values = |field: &str| {
        let at = text.find(&format!("field: \"{field}\"")).unwrap_or_else(|| panic!("a filter on {field}"));
        let line = text[at..].lines().find(|l| l.trim_start().starts_with("values:")).unwrap();
        line.trim().to_owned()
    };
    assert_eq!(values("type"), r#"values: &["lead", "customer", "guest"],"#);
    assert_eq!(values("status_id"), "values: &[],");
}
