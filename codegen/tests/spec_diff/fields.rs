//! Fields of bodies, queries and models: added, removed, required, nullable, type, rules,
//! defaults and docs, on the request side and the response side.

use super::{del, r};
use crate::case;

// A request body: built by clients (a struct literal), read by servers.
case!(
    body_field_added_optional,
    [r("sources.yaml", "  create_source:", "      fields:\n", "      fields:\n        color: {type: string, required: false, description: Label colour}\n")],
    [("field-added-optional", A, C)]
);
// The example requests must send the new field: a docs change beside it.
case!(
    body_field_added_required,
    [
        r("sources.yaml", "  create_source:", "      fields:\n", "      fields:\n        color: {type: string, required: true, description: Label colour}\n"),
        r("sources.yaml", "  create_source:", "request: {name: Website Form}", "request: {name: Website Form, color: red}"),
    ],
    [("field-added-required", C, C), ("operation-docs", D, D)]
);
case!(body_field_removed, [del("comments.yaml", "        message_id:")], [("field-removed", C, B)]);
// The validation message of the dropped rule goes too: a docs change beside it.
case!(
    body_field_became_optional,
    [r("sources.yaml", "  create_source:", "required: true", "required: false"), r("sources.yaml", "  create_source:", "            required: Source name is required\n", "")],
    [("field-became-optional", A, B), ("field-docs", D, D)]
);
// The examples that left the field out must now send it: a docs change beside it.
case!(
    body_field_became_required,
    [
        r("comments.yaml", "  add_comment:", "        media_url:\n", "        media_url:\n          required: true\n"),
        r("comments.yaml", "  add_comment:", "The fee payment sys\"}", "The fee payment sys\", media_url: \"https://files.example.com/a.pdf\"}"),
    ],
    [("field-became-required", C, B), ("operation-docs", D, D)]
);
case!(body_field_nullable, [r("sources.yaml", "  create_source:", "          max_length: 255", "          nullable: true\n          max_length: 255")], [("field-nullable-added", A, B)]);
case!(body_rule_tightened, [r("sources.yaml", "  create_source:", "max_length: 255", "max_length: 100")], [("field-rules-tightened", C, N)]);
case!(body_rule_loosened, [r("sources.yaml", "  create_source:", "max_length: 255", "max_length: 500")], [("field-rules-loosened", A, N)]);
case!(body_rule_dropped, [r("sources.yaml", "  create_source:", "          max_length: 255\n", "")], [("field-rules-loosened", A, N)]);
case!(
    body_pattern_added,
    [r("sources.yaml", "  create_source:", "          max_length: 255\n", "          max_length: 255\n          pattern: \"^[A-Za-z ]+$\"\n")],
    [("field-rules-tightened", C, N)]
);
// A changed pattern accepts some values the old one refused and refuses some it accepted.
case!(
    body_pattern_changed,
    [r("auth.yaml", "  send_otp:", r#"pattern: "^[0-9+\\-\\s()]+$""#, r#"pattern: "^[0-9+]+$""#)],
    [("field-rules-tightened", C, N), ("field-rules-loosened", A, N)]
);
case!(body_unique_by_dropped, [r("messages.yaml", "        buttons:", "          unique_by: id\n", "")], [("field-rules-loosened", A, N)]);
case!(body_max_items_raised, [r("messages.yaml", "        buttons:", "max_items: 3", "max_items: 5")], [("field-rules-loosened", A, N)]);
case!(body_required_with_added, [r("messages.yaml", "        list_button_text:", "          max_length: 20\n", "          max_length: 20\n          required_with: [sections]\n")], [("field-rules-tightened", C, N)]);
case!(body_per_item_errors_dropped, [r("contacts.yaml", "  batch_create_contacts:", "per_item_errors: true", "per_item_errors: false")], [("field-rules-tightened", C, N)]);
case!(body_minimum_raised, [r("auth.yaml", "  send_otp:", "min: 1", "min: 5")], [("field-rules-tightened", C, N)]);
case!(body_default_changed, [r("auth.yaml", "  send_otp:", "default: en", "default: fr")], [("field-default-changed", B, D)]);
case!(
    body_field_docs_only,
    [r("sources.yaml", "  create_source:", "description: Source name", "description: The source's name")],
    [("field-docs", D, D)]
);
case!(
    body_validation_message_only,
    [r("sources.yaml", "  create_source:", "required: Source name is required", "required: A source needs a name")],
    [("field-docs", D, D)]
);
// A query parameter: the operation now takes input, so it can answer VALIDATION_ERROR too.
case!(
    query_parameter_added,
    [r("sources.yaml", "  get_source:", "    response:", "    query:\n      with_count: {type: boolean, required: false, description: Add the contact count}\n    response:")],
    [("field-added-optional", A, C), ("error-code-added", A, C)]
);

// A response model: built by servers (a struct literal), read by clients.
case!(
    model_field_added_optional,
    [r("sources.yaml", "  Source:", "      name: {type", "      color: {type: string, required: false, description: Colour}\n      name: {type")],
    [("field-added-optional", A, S)]
);
case!(
    model_field_added_required,
    [
        r("groups.yaml", "  GroupMembershipRemoved:", "      group_id: {type", "      skipped: {type: integer, description: Contacts not in the group}\n      group_id: {type"),
        r("groups.yaml", "  remove_contacts_from_group:", "contacts_removed: 1}", "contacts_removed: 1, skipped: 0}"),
    ],
    [("field-added-required", S, S), ("operation-docs", D, D)]
);
case!(
    model_field_removed,
    [
        r("groups.yaml", "  GroupMembershipRemoved:", "      group_id: {type: integer, description: ID of the group}\n", ""),
        r("groups.yaml", "  remove_contacts_from_group:", "data: {group_id: 1, contacts_removed: 1}", "data: {contacts_removed: 1}"),
    ],
    [("field-removed", C, B), ("operation-docs", D, D)]
);
case!(
    model_field_type_changed,
    [r("groups.yaml", "  GroupMembershipAdded:", "type: integer\n        description: Number of contacts", "type: number\n        description: Number of contacts")],
    [("field-type-changed", B, B)]
);
case!(
    model_field_nullable_added,
    [r("sources.yaml", "  Source:", "name: {type: string,", "name: {type: string, nullable: true,")],
    [("field-nullable-added", C, B)]
);
case!(
    model_field_nullable_removed,
    [r("messages.yaml", "  Message:", "nullable: true, description: Message type", "description: Message type")],
    [("field-nullable-removed", S, B)]
);
case!(
    model_field_became_optional,
    [r("sources.yaml", "  Source:", "name: {type: string,", "name: {type: string, required: false,")],
    [("field-became-optional", C, B)]
);
case!(
    model_field_rule_added,
    [r("sources.yaml", "  Source:", "name: {type: string,", "name: {type: string, max_length: 255,")],
    [("field-rules-tightened", S, N)]
);
