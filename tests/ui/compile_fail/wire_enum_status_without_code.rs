//! A status on a value enum, which has no error code to carry it.

use wacr_macros::WireEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
pub enum ContactType {
    #[wire("lead", status = 200)]
    Lead,
}

fn main() {}
