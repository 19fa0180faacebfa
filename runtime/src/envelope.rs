//! The wire keys of the response envelope (`api.yaml: envelope`), shared by the client and the
//! server glue; the generated crates pass the spec's values in.

/// The wire key of each envelope part (`api.yaml: envelope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeKeys {
    pub success: &'static str,
    pub message: &'static str,
    pub data: &'static str,
    pub meta: &'static str,
    pub links: &'static str,
    pub error: &'static str,
    pub code: &'static str,
    pub details: &'static str,
    pub errors: &'static str,
}
