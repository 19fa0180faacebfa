//! A variant without its wire value.

use wacr_macros::WireEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
pub enum ContactType {
    #[wire("lead")]
    Lead,
    BigCustomer,
}

fn main() {
    assert_eq!(ContactType::ALL.len(), 2);
}
