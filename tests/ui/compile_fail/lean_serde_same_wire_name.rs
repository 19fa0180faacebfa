//! Two fields with one name on the wire.

use wacr_macros::Deserialize;

#[derive(Deserialize)]
pub struct Contact {
    pub kind: String,
    #[serde(rename = "kind")]
    pub kind_name: String,
}

fn main() {}
