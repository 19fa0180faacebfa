//! The OpenAPI export describes what a server on the generated router answers, not only what
//! the spec lists: the statuses the glue answers by itself (404 for a path parameter that does
//! not parse, 422 for a bad query or body, 413 and 415 for bodies), and nullable schemas that
//! a `null` satisfies exactly once. Schemathesis (.ci/schemathesis.sh) checks the same against
//! a live sandbox; these tests keep the emitter honest without one.

use std::path::Path;

use serde_json::Value;

mod openapi_doc;

use openapi_doc::error_codes as codes;

fn doc() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = wacr_codegen::check(&root.join("../api-spec")).unwrap_or_else(|f| panic!("{}", f.render()));
    wacr_codegen::emit::openapi::document(&api)
}

#[test]
fn every_status_the_router_answers_is_documented() {
    let doc = doc();
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let has = |location: &str| params.iter().any(|p| p["in"] == location);
            let body = op.get("requestBody").is_some();
            let mut expected = Vec::new();
            if has("path") {
                expected.push(("404", "NOT_FOUND"));
            }
            if has("query") || body {
                expected.push(("422", "VALIDATION_ERROR"));
            }
            if body {
                expected.push(("413", "PAYLOAD_TOO_LARGE"));
                expected.push(("415", "UNSUPPORTED_MEDIA_TYPE"));
            }
            for (status, code) in expected {
                if !codes(op, status).iter().any(|c| c == code) {
                    problems.push(format!("{name}: {status} {code} is not documented"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn router_only_codes_are_in_the_code_catalogue() {
    let doc = doc();
    let all = doc["components"]["schemas"]["ErrorCode"]["enum"].to_string();
    for code in ["METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_ERROR", "NOT_FOUND"] {
        assert!(all.contains(&format!("\"{code}\"")), "{code} missing from ErrorCode");
    }
}

#[test]
fn list_operations_keep_their_spec_errors_and_gain_validation() {
    let doc = doc();
    let op = &doc["paths"]["/contacts"]["get"];
    assert_eq!(codes(op, "422"), ["VALIDATION_ERROR"]);
    assert_eq!(codes(op, "500"), ["INTERNAL_ERROR"]);
    // A status the spec lists keeps its codes; the router's code is added once.
    let op = &doc["paths"]["/contacts/{id}"]["patch"];
    assert_eq!(codes(op, "404"), ["NOT_FOUND"]);
    assert_eq!(codes(op, "422"), ["VALIDATION_ERROR"]);
}

#[test]
fn nullable_schemas_admit_null_once() {
    let doc = doc();
    let mut all = Vec::new();
    openapi_doc::objects(&doc, &mut all);
    // `oneOf: [X, {type: null}]` rejects null when X admits it (X = `{}`, any JSON value).
    let one_of_null = all.iter().filter(|s| s["oneOf"].as_array().is_some_and(|a| a.iter().any(|x| x["type"] == "null"))).count();
    assert_eq!(one_of_null, 0, "nullable schemas use anyOf or a type list");
    // Template.otp_button_config is a nullable JSON value: no constraint at all.
    let otp = &doc["components"]["schemas"]["Template"]["properties"]["otp_button_config"];
    assert!(otp.get("anyOf").is_none() && otp.get("type").is_none(), "{otp}");
}

#[test]
fn field_selection_makes_every_item_field_optional() {
    let doc = doc();
    for (path, model) in [("/contacts", "Contact"), ("/messages", "Message"), ("/templates", "Template")] {
        let items = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]["items"];
        let refs: Vec<&str> = items["anyOf"].as_array().unwrap().iter().filter_map(|s| s["$ref"].as_str()).collect();
        assert_eq!(refs, [format!("#/components/schemas/{model}"), format!("#/components/schemas/{model}Selection")], "{path}");
        let selection = &doc["components"]["schemas"][format!("{model}Selection")];
        assert!(selection.get("required").is_none(), "{model}Selection");
        assert_eq!(selection["properties"], doc["components"]["schemas"][model]["properties"], "{model}Selection has the model's properties");
    }
    // Operations without ?fields= keep the plain model.
    let items = &doc["paths"]["/groups"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]["items"];
    assert_eq!(items["$ref"], "#/components/schemas/Group");
}

#[test]
fn the_spec_examples_are_in_the_export() {
    let doc = doc();
    let op = &doc["paths"]["/contacts/{id}"]["get"];
    let id = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "id").unwrap();
    assert_eq!(id["examples"]["a contact with all its relations"]["value"], 1, "path values are typed by their schema");
    let include = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "include").unwrap();
    assert_eq!(include["examples"]["a contact with all its relations"]["value"], "groups,source,status");
    let op = &doc["paths"]["/contacts"]["post"];
    let requests = op["requestBody"]["content"]["application/json"]["examples"].as_object().unwrap();
    assert!(requests.contains_key("create a lead in a group"));
    // Each response example sits under its own status.
    assert!(op["responses"]["201"]["content"]["application/json"]["examples"]["create a lead in a group"]["value"]["success"] == true);
    let errors = op["responses"]["422"]["content"]["application/json"]["examples"].as_object().unwrap();
    assert!(errors.values().all(|e| e["value"]["success"] == false));
    assert!(!errors.contains_key("create a lead in a group"));
    // Every operation has an example of some kind (api-spec/: every operation has examples).
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op.to_string().contains("\"summary\""), "{method} {path} has no example");
        }
    }
}

#[test]
fn required_body_fields_must_be_present_as_the_router_checks() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    // `"name": ""` is "Source name is required": a required string is not blank.
    assert_eq!(schemas["CreateSourceBody"]["properties"]["name"]["pattern"], "\\S");
    assert_eq!(schemas["SendTextMessageBody"]["properties"]["message"]["pattern"], "\\S");
    // A required string with its own pattern keeps it (and gets a minimum length if it has none).
    let phone = &schemas["SendTextMessageBody"]["properties"]["phone"];
    assert_eq!((phone["pattern"].as_str(), phone["minLength"].as_i64()), (Some("^[0-9+\\-\\s()]+$"), Some(10)));
    // Optional fields and responses are left as they are.
    assert!(schemas["UpdateContactBody"]["properties"]["firstname"].get("pattern").is_none());
    assert!(schemas["Source"]["properties"]["name"].get("pattern").is_none());
    // A required array is not empty.
    assert_eq!(schemas["BatchDeleteContactsBody"]["properties"]["ids"]["minItems"], 1);
    // Files are not strings to the router.
    let media = &schemas["SendMediaMessageBody"]["properties"]["media_file"];
    assert!(media.get("pattern").is_none() && media.get("minLength").is_none());
}

#[test]
fn conditional_requirements_optional_bodies_and_per_item_items_are_said_as_the_router_checks() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    // `required_without`: media_url (filled) or media_file must be there.
    let media = &schemas["SendMediaMessageBody"]["allOf"];
    assert_eq!(media[0]["anyOf"][0]["required"], serde_json::json!(["media_url"]));
    assert_eq!(media[0]["anyOf"][0]["properties"]["media_url"]["pattern"], "\\S");
    assert_eq!(media[0]["anyOf"][1]["required"], serde_json::json!(["media_file"]));
    // `required_if`: sections is filled, or type is not list.
    let interactive = schemas["SendInteractiveMessageBody"]["allOf"].as_array().unwrap();
    let sections = interactive.iter().find(|c| c["anyOf"][0]["required"] == serde_json::json!(["sections"])).unwrap();
    assert_eq!(sections["anyOf"][1]["not"]["properties"]["type"]["enum"], serde_json::json!(["list"]));
    // A model only requests carry is filled as a body field is; a batch item may be any object.
    assert_eq!(schemas["InteractiveButton"]["properties"]["id"]["pattern"], "\\S");
    assert!(schemas["Contact"]["properties"]["firstname"].get("pattern").is_none());
    let items = &schemas["BatchCreateContactsBody"]["properties"]["contacts"]["items"]["anyOf"];
    assert_eq!((&items[0]["$ref"], &items[1]), (&serde_json::json!("#/components/schemas/BatchCreateContact"), &serde_json::json!({"type": "object"})));
    // A body of optional fields only may be left out (the glue reads none as `{}`).
    let op = |path: &str, method: &str| doc["paths"][path][method].clone();
    assert_eq!(op("/contacts/{id}", "patch")["requestBody"]["required"], false);
    assert_eq!(op("/contacts", "post")["requestBody"]["required"], true);
    // A file part names a file with an extension the field takes.
    let encoding = &op("/messages/template", "post")["requestBody"]["content"]["multipart/form-data"]["encoding"];
    assert!(encoding["header_video_file"]["headers"]["Content-Disposition"]["example"].as_str().unwrap().ends_with("filename=\"header_video_file.mp4\""));
}

#[test]
fn lists_pages_and_links_are_said_as_the_glue_reads_them() {
    let doc = doc();
    let param = |path: &str, name: &str| {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap().clone();
        params.into_iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{path} {name}"))["schema"].clone()
    };
    assert_eq!(param("/contacts/{id}", "include")["pattern"], "^(groups|source|status)(,(groups|source|status))*$");
    assert!(param("/messages", "fields")["pattern"].as_str().unwrap().starts_with("^(id|interaction_id|"));
    assert_eq!(param("/messages", "filter[status][in]")["pattern"], "^((sent|delivered|read|failed)(,(sent|delivered|read|failed))*)?$");
    assert_eq!(param("/contacts", "filter[status_id][not_in]")["pattern"], "^(-?[0-9]{1,18}(,-?[0-9]{1,18})*)?$");
    assert_eq!(param("/contacts", "page")["maximum"], u64::from(u32::MAX));
    // A create links its result's id to the operations on it, in its group.
    let links = &doc["paths"]["/groups"]["post"]["responses"]["201"]["links"];
    let targets: Vec<&str> = links.as_object().unwrap().values().map(|l| l["operationId"].as_str().unwrap()).collect();
    assert_eq!(targets, ["get_group", "update_group", "delete_group", "add_contacts_to_group", "remove_contacts_from_group"]);
    assert_eq!(links["GetGroup"]["parameters"]["path.id"], "$response.body#/data/id");
    assert!(doc["paths"]["/contacts/batch"]["post"]["responses"]["200"].get("links").is_none());
}
