//! A wire enum variant that carries data.

use wacr_macros::WireEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
pub enum ContactType {
    #[wire("lead")]
    Lead(u8),
}

fn main() {}
