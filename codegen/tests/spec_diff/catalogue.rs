//! api.yaml: base URL, scopes, the error catalogue, shared errors, pagination, operators,
//! rate limits, docs.

use super::r;
use crate::case;

case!(base_url_changed, [r("api.yaml", "base_url:", "value: https://app.wa.cr/api/v2", "value: https://api.wa.cr/v2")], [("base-url-changed", C, N)]);
// A scope no operation requires is an error: the new scope comes with its first user.
case!(
    scope_added,
    [r("api.yaml", "scopes:", "  account:read:", "  sources:export:\n    description: Export sources\n    inferred: test\n  account:read:"), r("sources.yaml", "  list_sources:", "scope: sources:read", "scope: sources:export")],
    [("scope-added", A, S), ("operation-scope-changed", B, N)]
);
case!(
    catalogue_error_added,
    [r("api.yaml", "errors:", "  NOT_FOUND:", "  GONE:\n    status: 410\n    description: The resource was deleted\n    message: Gone\n    inferred: test\n  NOT_FOUND:")],
    [("error-added", A, C)]
);
case!(error_status_changed, [r("api.yaml", "  OTP_EXPIRED:", "status: 422", "status: 410")], [("error-status-changed", B, N)]);
case!(
    common_error_added,
    [r("api.yaml", "common_errors:", "INTERNAL_ERROR]", "INTERNAL_ERROR, FEATURE_LIMIT_EXCEEDED]")],
    [("common-error-added", A, C)]
);
case!(per_page_max_lowered, [r("api.yaml", "pagination:", "max: 100", "max: 50")], [("pagination-tightened", C, N)]);
case!(per_page_max_raised, [r("api.yaml", "pagination:", "max: 100", "max: 200")], [("pagination-loosened", A, N)]);
case!(per_page_default_changed, [r("api.yaml", "pagination:", "default: 15", "default: 20")], [("pagination-default-changed", B, N)]);
case!(default_rate_limit_lowered, [r("api.yaml", "rate_limit:", "default_per_minute: 60", "default_per_minute: 30")], [("rate-limit-tightened", C, N)]);
case!(api_docs_only, [r("api.yaml", "info:", "title: WA.cr API", "title: The WA.cr API")], [("api-docs", D, D)]);
