//! Two variants with the same wire value.

use wacr_macros::WireEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
pub enum ContactType {
    #[wire("lead")]
    Lead,
    #[wire("lead")]
    Customer,
}

fn main() {}
