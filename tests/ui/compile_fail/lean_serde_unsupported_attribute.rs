//! serde attributes the lean derives do not implement: each derive names itself.

use wacr_macros::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    #[serde(flatten)]
    pub extra: Extra,
    #[serde(default = "one", alias = "n")]
    pub count: i64,
}

#[derive(Serialize, Deserialize)]
pub struct Extra {
    pub note: String,
}

fn main() {}
