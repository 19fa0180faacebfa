//! `scope = none` without naming the scope enum.

use wacr_macros::{Operation, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("contacts:read")]
    ContactsRead,
    #[scope("contacts:write")]
    ContactsWrite,
}

#[derive(Operation)]
#[operation(id = "send_otp", method = POST, path = "/otp/send", scope = none, status = 200)]
pub struct SendOtp {
    pub phone: String,
}

fn main() {}
