use wacr_macros::Resource;

#[derive(serde::Serialize, Resource)]
pub struct Contact {
    pub id: u64,
    #[include]
    pub groups: Option<Vec<String>>,
}

fn main() {}
