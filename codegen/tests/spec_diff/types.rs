//! Models and enums: added, removed, renamed, and enum values on each side.

use super::{all, r};
use crate::case;

// Received only (templates): an old client reads a new value as `Open::Unknown`.
case!(
    response_enum_value_added,
    [r("templates.yaml", "  TemplateStatus:", "values: [APPROVED, PENDING, REJECTED]", "values: [APPROVED, PENDING, REJECTED, PAUSED]")],
    [("enum-value-added", A, C)]
);
case!(
    response_enum_value_removed,
    [r("templates.yaml", "  TemplateHeaderFormat:", "values: [TEXT, IMAGE, VIDEO, DOCUMENT, NONE]", "values: [TEXT, IMAGE, VIDEO, NONE]")],
    [("enum-value-removed", S, B)]
);
// Sent and received (a contact's type is written by create and read back).
case!(
    two_way_enum_value_added,
    [r("contacts.yaml", "  ContactType:", "values: [lead, customer, guest]", "values: [lead, customer, guest, partner]")],
    [("enum-value-added", A, B)]
);
case!(
    two_way_enum_value_removed,
    [r("messages.yaml", "  MediaType:", "values: [image, document, video, audio]", "values: [image, document, video]")],
    [("enum-value-removed", B, B)]
);
case!(
    enum_renamed,
    [all("templates.yaml", "TemplateCategory", "TemplateKind")],
    [("enum-renamed", N, B)]
);
case!(enum_docs_only, [r("templates.yaml", "  TemplateStatus:", "description: Meta's approval status of a template", "description: Approval status")], [("enum-docs", D, D)]);
case!(
    model_renamed,
    [all("sources.yaml", "  Source:\n", "  LeadSource:\n"), all("sources.yaml", "data: Source\n", "data: LeadSource\n"), all("contacts.yaml", "type: Source\n", "type: LeadSource\n"), all("events.yaml", "model: Source\n", "model: LeadSource\n")],
    [("model-renamed", N, B)]
);
case!(
    model_added_and_used,
    [
        r("sources.yaml", "models:\n", "models:\n", "models:\n  SourceStats:\n    description: Counts of a source\n    inferred: test\n    fields:\n      contacts: {type: integer, description: Contacts}\n\n"),
        r("sources.yaml", "  Source:", "      name: {type", "      stats: {type: SourceStats, required: false, description: Counts}\n      name: {type"),
    ],
    [("model-added", N, A), ("field-added-optional", A, S)]
);
case!(model_docs_only, [r("sources.yaml", "  Source:", "description: A lead source of the tenant (SourceResource)", "description: A lead source")], [("model-docs", D, D)]);
