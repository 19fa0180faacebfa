//! Groups and operations: added, removed, renamed; method, path, scope; body content type,
//! includes, list conventions, response, error codes, rate limits, docs.

use super::{all, del, r, Edit};
use crate::case;

const COUNT_SOURCES: &str = "  count_sources:
    name: count
    summary: Count Sources
    description: Count the tenant's lead sources.
    method: GET
    path: /source-count
    scope: sources:read
    inferred: a test operation
    response:
      status: 200
      message: Sources counted
      data: integer
    errors: []
    examples:
      - name: count
        path: /source-count
        response: {success: true, message: Sources counted, data: 2}

  get_source:";

case!(operation_added, [r("sources.yaml", "operations:", "  get_source:", COUNT_SOURCES)], [("operation-added", A, S)]);
case!(operation_removed, [del("sources.yaml", "  delete_source:")], [("operation-removed", C, B)]);
case!(operation_id_renamed, [r("sources.yaml", "operations:", "  get_source:", "  fetch_source:")], [("operation-renamed", N, B)]);
case!(operation_method_name_renamed, [r("sources.yaml", "  get_source:", "name: get", "name: fetch")], [("operation-renamed", N, B)]);
case!(operation_method_changed, [r("sources.yaml", "  update_source:", "method: PATCH", "method: PUT")], [("operation-method-changed", B, N)]);
// The examples' paths follow: a docs change beside it.
case!(
    operation_path_changed,
    [r("sources.yaml", "  get_source:", "path: /sources/{id}", "path: /lead-sources/{id}"), r("sources.yaml", "  get_source:", "path: /sources/1", "path: /lead-sources/1")],
    [("operation-path-changed", B, N), ("operation-docs", D, D)]
);
case!(
    path_parameter_renamed,
    [r("sources.yaml", "  get_source:", "path: /sources/{id}", "path: /sources/{source_id}"), r("sources.yaml", "  get_source:", "      id: {type", "      source_id: {type")],
    [("path-param-renamed", N, S)]
);
case!(operation_scope_changed, [r("sources.yaml", "  get_source:", "scope: sources:read", "scope: sources:write")], [("operation-scope-changed", B, N)]);
// Without a scope the operation no longer answers INSUFFICIENT_SCOPE (a common error).
case!(
    operation_scope_dropped,
    [r("sources.yaml", "  get_source:", "scope: sources:read", "scope: none")],
    [("operation-scope-removed", A, N), ("error-code-removed", S, B)]
);
case!(
    operation_scope_required,
    [r("comments.yaml", "  get_comments:", "scope: none", "scope: contacts:read")],
    [("operation-scope-added", C, N), ("error-code-added", A, C)]
);
case!(operation_sends_message, [r("sources.yaml", "  create_source:", "method: POST", "method: POST\n    sends_message: true")], [("operation-sends-message-changed", C, N)]);
case!(
    operation_docs_only,
    [r("sources.yaml", "  get_source:", "description: Fetch one lead source.", "description: Fetch one lead source by its ID.")],
    [("operation-docs", D, D)]
);
case!(operation_example_changed, [r("sources.yaml", "  get_source:", "name: get a source", "name: the first source")], [("operation-docs", D, D)]);

const LEADS: &str = "group: leads
title: Leads
description: Test group.
operations:
  count_leads:
    name: count
    summary: Count Leads
    description: Count leads.
    method: GET
    path: /leads/count
    scope: none
    inferred: a test operation
    response:
      status: 200
      message: Leads counted
      data: integer
    errors: []
    examples:
      - name: count
        path: /leads/count
        response: {success: true, message: Leads counted, data: 2}
";

case!(
    group_added,
    [r("api.yaml", "groups:", "templates]", "templates, leads]"), Edit::Add { file: "leads.yaml", text: LEADS }],
    [("group-added", A, S), ("operation-added", A, S)]
);
// The contradiction that names its operations goes with them.
case!(
    group_removed,
    [r("api.yaml", "groups:", "auth, comments,", "auth,"), Edit::Remove("comments.yaml"), del("api.yaml", "  - id: 12")],
    [("group-removed", C, B), ("operation-removed", C, B), ("operation-removed", C, B), ("model-removed", N, B), ("model-removed", N, B), ("api-docs", D, D)]
);
case!(
    group_renamed,
    [r("api.yaml", "groups:", "sources,", "lead_sources,"), r("sources.yaml", "", "group: sources", "group: lead_sources"), Edit::Rename { from: "sources.yaml", to: "lead_sources.yaml" }],
    [("group-renamed", N, B)]
);
case!(group_docs_only, [r("sources.yaml", "", "title: Sources", "title: Lead sources")], [("group-docs", D, D)]);
case!(
    body_accepts_multipart_too,
    [r("sources.yaml", "  create_source:", "content_type: json", "content_type: json_or_multipart")],
    [("body-content-type-changed", A, N)]
);
case!(
    response_status_changed,
    [r("sources.yaml", "  create_source:", "status: 201", "status: 200"), r("sources.yaml", "  create_source:", "        status: 201\n", "")],
    [("response-status-changed", B, N), ("operation-docs", D, D)]
);
case!(response_message_only, [all("sources.yaml", "Source retrieved successfully", "Source found")], [("operation-docs", D, D), ("response-docs", D, D)]);
case!(
    error_code_added,
    [r("sources.yaml", "  create_source:", "      - {code: INTERNAL_ERROR, when: create failed}", "      - {code: INTERNAL_ERROR, when: create failed}\n      - {code: FEATURE_LIMIT_EXCEEDED, when: the sources limit is reached}")],
    [("error-code-added", A, C)]
);
case!(error_code_removed, [r("sources.yaml", "  get_source:", "    errors:\n      - {code: NOT_FOUND, when: source not found}\n", "    errors: []\n")], [("error-code-removed", S, B)]);
case!(
    error_when_only,
    [r("sources.yaml", "  get_source:", "when: source not found", "when: no source has this ID")],
    [("error-docs", D, D)]
);
case!(
    include_removed,
    [r("contacts.yaml", "  get_contact:", "include: [groups, source, status]", "include: [groups, source]"), r("contacts.yaml", "  get_contact:", "include=groups,source,status", "include=groups,source")],
    [("include-removed", C, B), ("operation-docs", D, D)]
);
case!(sort_field_added, [r("sources.yaml", "  list_sources:", "sort: [name, created_at, updated_at]", "sort: [id, name, created_at, updated_at]")], [("sort-field-added", A, S)]);
case!(sort_field_removed, [r("sources.yaml", "  list_sources:", "sort: [name, created_at, updated_at]", "sort: [name, created_at]")], [("sort-field-removed", C, B)]);
case!(default_sort_changed, [r("sources.yaml", "  list_sources:", "default_sort: name", "default_sort: -created_at")], [("default-sort-changed", B, N)]);
case!(search_field_removed, [r("sources.yaml", "  list_sources:", "      search: [name]\n", "")], [("search-field-removed", C, N)]);
case!(filter_added, [r("sources.yaml", "  list_sources:", "      search: [name]\n", "      search: [name]\n      filters:\n        name: {ops: [eq]}\n")], [("filter-added", A, C)]);
case!(filter_removed, [r("messages.yaml", "      filters:", "        type: {ops: [eq, ne, in, not_in]}\n", "")], [("filter-removed", C, B)]);
case!(filter_operators_removed, [r("messages.yaml", "      filters:", "type: {ops: [eq, ne, in, not_in]}", "type: {ops: [eq, in]}")], [("filter-operators-removed", C, N)]);
case!(filter_operators_added, [r("messages.yaml", "      filters:", "interaction_id: {ops: [eq, ne, in, not_in]}", "interaction_id: {ops: [eq, ne, in, not_in, gt]}")], [("filter-operators-added", A, N)]);
case!(rate_limit_tightened, [r("auth.yaml", "otp-resend:", "limit: 3", "limit: 2")], [("rate-limit-tightened", C, N)]);
case!(rate_limit_loosened, [r("auth.yaml", "otp-verify:", "limit: 10", "limit: 20")], [("rate-limit-loosened", A, N)]);
