//! An operation that needs no scope (`scope = none(Scope)`) and has no path parameters.

use wacr_macros::{Operation, Scope};
use wacr_runtime::{Method, Operation, ScopeEnum, ScopeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("account:read")]
    AccountRead,
}

#[derive(Operation)]
#[operation(id = "verify_otp", method = POST, path = "/otp/verify", scope = none(ApiScope), status = 200)]
pub struct VerifyOtp {
    pub phone: String,
    pub code: String,
}

fn main() {
    assert_eq!(VerifyOtp::SCOPE, None);
    assert_eq!(VerifyOtp::METHOD, Method::Post);
    assert!(VerifyOtp::PATH_PARAMS.is_empty());
    let request = VerifyOtp { phone: "+33600000000".into(), code: "123456".into() };
    assert_eq!((request.phone.len(), request.code.len()), (12, 6));
    assert_eq!(request.render_path(), "/otp/verify");
    assert!(ScopeSet::<ApiScope>::new().allows(VerifyOtp::SCOPE), "any token may call it");
    assert_eq!(ApiScope::ALL, [ApiScope::AccountRead]);
}
