//! The order the API reference's examples run in against a sandbox with the example data:
//! shared by the docs' test (`docs_run.rs`) and the command line's (`generated/wacr-cli/tests/
//! examples.rs`).

/// Examples that need another example's effect first: the code Send OTP sent; the contact
/// Create Contact made, which the batch skips as a duplicate.
const AFTER: &[(&str, &str)] = &[
    ("resend_otp", "send_otp"),
    ("verify_otp", "send_otp"),
    ("check_otp_status", "send_otp"),
    ("batch_create_contacts", "create_contact"),
];

/// The operations `operation` runs after, then itself.
pub fn with_prerequisites(operation: &str) -> Vec<&str> {
    AFTER.iter().filter(|(op, _)| *op == operation).map(|(_, first)| *first).chain([operation]).collect()
}
