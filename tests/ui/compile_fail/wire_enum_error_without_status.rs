//! An error enum variant without its HTTP status, and another with one out of range.

use wacr_macros::WireEnum;

#[derive(Debug)]
pub enum ErrorCode {
    NotFound,
    Unauthorized,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
#[wire(code = ErrorCode)]
pub enum GetContactError {
    #[wire("NOT_FOUND")]
    NotFound,
    #[wire("UNAUTHORIZED", status = 4010)]
    Unauthorized,
}

fn main() {
    let _ = GetContactError::NotFound.status();
}
