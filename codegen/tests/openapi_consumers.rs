//! The OpenAPI documents read cleanly by the tools others use (bench/openapi-consumers.sh runs
//! them): the error envelope is one component behind `$ref`, patterns are valid ECMAScript and
//! Python regexes, the licence is named, deliberately invalid examples are marked, webhook
//! payloads are built of components no generator has to merge, and the 3.0.3 rendering says
//! every 3.1 form the 3.0 way.

use std::path::Path;

use serde_json::Value;

mod openapi_doc;

fn api() -> wacr_codegen::ir::Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    wacr_codegen::check(&root.join("../api-spec")).unwrap_or_else(|f| panic!("{}", f.render()))
}

fn operations(doc: &Value) -> impl Iterator<Item = (String, &Value)> {
    doc["paths"].as_object().unwrap().iter().flat_map(|(path, item)| item.as_object().unwrap().iter().map(move |(m, op)| (format!("{} {path}", m.to_uppercase()), op)))
}

#[test]
fn error_envelopes_are_components_referenced_by_ref() {
    let doc = wacr_codegen::emit::openapi::document(&api());
    let schemas = &doc["components"]["schemas"];
    let catalogue = schemas["ErrorCode"]["enum"].as_array().unwrap();
    let mut envelopes = 0;
    for (name, op) in operations(&doc) {
        for status in op["responses"].as_object().unwrap().keys().filter(|s| !s.starts_with('2')) {
            // error_codes checks the schema is `$ref: Error`.
            let codes = openapi_doc::error_codes(op, status);
            assert!(!codes.is_empty(), "{name} {status}: no x-error-codes");
            assert!(codes.iter().all(|c| catalogue.contains(&Value::from(c.as_str()))), "{name} {status}: {codes:?}");
            envelopes += 1;
        }
    }
    assert!(envelopes > 200, "{envelopes} error responses");
    // One envelope, its parts shared schemas too.
    let error = &schemas["Error"]["properties"];
    assert_eq!(error["error"]["properties"]["code"]["$ref"], "#/components/schemas/ErrorCode");
    assert_eq!(error["errors"]["$ref"], "#/components/schemas/FieldErrors");
    assert_eq!(error["error"]["properties"]["details"]["anyOf"][0]["$ref"], "#/components/schemas/ErrorDetails");
}

#[test]
fn patterns_are_valid_under_the_unicode_flag() {
    let doc = wacr_codegen::emit::openapi::document(&api());
    let sort = doc["paths"]["/groups"]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "sort").unwrap();
    let alt = "name|-name|created_at|-created_at|updated_at|-updated_at";
    assert_eq!(sort["schema"]["pattern"], format!("^({alt})(,({alt}))*$"));
    // `\-` is an invalid escape under ECMAScript's `u` flag outside a character class.
    let mut all = Vec::new();
    openapi_doc::objects(&doc, &mut all);
    for p in all.iter().filter_map(|o| o.get("pattern")).filter_map(Value::as_str) {
        let outside_classes: String = p.split('[').map(|part| part.split_once(']').map_or(part, |(_, rest)| rest)).collect();
        assert!(!outside_classes.contains("\\-"), "{p}");
    }
}

#[test]
fn the_licence_and_invalid_examples_are_marked() {
    let doc = wacr_codegen::emit::openapi::document(&api());
    assert_eq!(doc["info"]["license"]["identifier"], "MIT OR Apache-2.0");
    let examples = &doc["paths"]["/statuses"]["post"]["requestBody"]["content"]["application/json"]["examples"];
    assert!(examples["a colour that is not a hex code"]["x-invalid-example"].as_str().is_some_and(|r| r.contains("hex")));
    let marked = |op: &Value| op.to_string().matches("x-invalid-example").count();
    assert_eq!(operations(&doc).map(|(_, op)| marked(op)).sum::<usize>(), 5, "the five examples the spec marks invalid");
}

#[test]
fn the_30_rendering_says_3_1_forms_the_30_way() {
    let api = api();
    let doc = wacr_codegen::emit::openapi::document_30(&api);
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc.get("webhooks").is_none());
    assert!(doc["info"]["license"].get("identifier").is_none() && doc["info"]["license"]["name"] == "MIT OR Apache-2.0");
    let mut all = Vec::new();
    openapi_doc::objects(&doc, &mut all);
    for o in &all {
        assert!(!o["type"].is_array() && o["type"] != "null", "3.1 type in {o}");
        assert!(o.get("const").is_none(), "const in {o}");
        assert!(!o["examples"].is_array(), "schema examples in {o}");
        if o.get("$ref").is_some() {
            assert_eq!(o.as_object().unwrap().len(), 1, "a $ref with siblings: {o}");
        }
        if o.get("nullable").is_some() {
            assert!(o.get("type").is_some(), "nullable without a type: {o}");
        }
        assert!(o.get("anyOf").and_then(Value::as_array).is_none_or(|a| a.iter().all(|s| s["type"] != "null")), "null alternative in {o}");
    }
    let schemas = &doc["components"]["schemas"];
    let plan = &schemas["AccountSubscription"]["properties"]["plan_id"];
    assert_eq!((&plan["type"], &plan["nullable"]), (&Value::from("integer"), &Value::from(true)));
    let details = &schemas["Error"]["properties"]["error"]["properties"]["details"];
    assert_eq!((&details["type"], &details["nullable"], &details["allOf"][0]["$ref"]), (&Value::from("object"), &Value::from(true), &Value::from("#/components/schemas/ErrorDetails")));
    // The bearer requirement lists no roles in 3.0; the scope stays in x-required-scope.
    let op = &doc["paths"]["/contacts"]["get"];
    assert_eq!((&op["security"][0]["bearerAuth"], &op["x-required-scope"]), (&serde_json::json!([]), &Value::from("contacts:read")));
}

#[test]
fn webhook_payloads_pin_their_event_type_without_merging_and_share_the_resource_data() {
    let api = api();
    let doc = wacr_codegen::emit::openapi::document(&api);
    let schemas = &doc["components"]["schemas"];
    let component = |v: &Value| v["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")).map(|name| (name.to_owned(), schemas[name].clone())).unwrap();
    let events = &api.events.as_ref().unwrap().events;
    let mut data_names = std::collections::BTreeMap::new();
    for ev in events {
        let name = format!("{}Webhook", ev.variant);
        let payload = &doc["webhooks"][&ev.wire]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(payload["$ref"], format!("#/components/schemas/{name}"));
        let properties = &schemas[&name]["properties"];
        // Every part is a component by `$ref`: openapi-python-client makes one model of each, not one per payload.
        for part in ["event", "tenant", "data", "changes", "metadata"] {
            assert_eq!(properties[part].as_object().unwrap().len(), 1, "{name}.{part} is not a bare $ref: {}", properties[part]);
        }
        let (_, event) = component(&properties["event"]);
        assert_eq!(event["properties"]["type"], serde_json::json!({"type": "string", "description": "`{resource}.{action}`", "const": ev.wire}));
        assert_eq!(event["required"], serde_json::json!(["id", "type", "timestamp", "version"]));
        let (data, body) = component(&properties["data"]);
        assert_eq!(body["properties"]["resource"]["properties"]["type"]["const"], Value::from(ev.resource.as_str()));
        data_names.entry(ev.resource.clone()).or_insert_with(Vec::new).push(data);
        let (_, changes) = component(&properties["changes"]);
        assert_eq!(changes["required"], serde_json::json!(["previous", "current", "modified_fields"]));
    }
    // One data component per resource, shared by its created, updated and deleted events.
    assert_eq!(data_names["contact"], ["ContactWebhookData"; 3]);
    assert!(data_names.values().all(|names| names.iter().all(|n| n == &names[0])), "{data_names:?}");
    // No `allOf` merges a `const` onto a shared string anywhere in the webhook schemas.
    let mut all = Vec::new();
    for name in wacr_codegen::emit::openapi::webhooks::component_names(&api) {
        openapi_doc::objects(&schemas[&name], &mut all);
    }
    assert!(all.iter().all(|o| o.get("allOf").is_none()), "an allOf in a webhook schema");
    // The 3.0 rendering drops them all.
    let doc_30 = wacr_codegen::emit::openapi::document_30(&api);
    assert!(doc_30["components"]["schemas"].as_object().unwrap().keys().all(|k| !k.contains("Webhook")));
}
