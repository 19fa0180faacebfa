//! `generated/wacr-server/tests/auth_matrix.rs`: every operation checks the token and the scope
//! before its implementation runs.

use proc_macro2::Literal;
use quote::quote;

use super::{per_item, trait_name, types, MATRIX_PATH};
use crate::ident::to_ident as ident;
use crate::ir::*;
use crate::write::{rust_file, Output};

/// `generated/wacr-server/tests/auth_matrix.rs`: an implementation whose every method fails,
/// and a test that sends each operation without a token, with an unknown one and with one
/// lacking the scope.
pub fn matrix_test(api: &Api) -> Output {
    let impls = api.groups.iter().map(|g| {
        let t = ident(&trait_name(g));
        let methods = g.operations.iter().map(|op| {
            let method = ident(&op.name);
            let (request, response, error) = types(op);
            let rejected = per_item(op).then(|| quote!(, _: wacr_server::Rejected));
            quote! {
                async fn #method(&self, _: &Principal<Scope>, _: #request #rejected) -> Result<#response, ApiError<#error>> {
                    Err(#error::InternalError.into())
                }
            }
        });
        quote!(impl wacr_server::#t for Unreachable { #(#methods)* })
    });
    let cases = api.operations().map(|op| {
        let (request, _, _) = types(op);
        let path = op.path_params.iter().fold(op.path.clone(), |path, p| path.replace(&format!("{{{}}}", p.wire), "1"));
        quote!(support::case::<#request>(#path))
    });
    let count = Literal::usize_unsuffixed(api.operations().count());
    let tokens = quote! {
        //! Every operation answers 401 without a token and with an unknown one, and 403
        //! INSUFFICIENT_SCOPE (naming the scope) to a token without its scope, before the
        //! implementation is reached.

        mod support;

        use wacr_models::{self as m, Scope, ScopeSet};
        use wacr_server::{ApiError, Authenticator, Principal};

        struct Unreachable;

        impl Authenticator<Scope> for Unreachable {
            async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
                (token == support::NO_SCOPE_TOKEN).then(|| Principal::new(1, "no-scope", ScopeSet::new()))
            }
        }

        #(#impls)*

        #[tokio::test]
        async fn every_operation_checks_the_token_and_the_scope() {
            let server = support::serve(wacr_server::router(Unreachable)).await;
            let cases = [#(#cases),*];
            assert_eq!(cases.len(), #count);
            for case in cases {
                support::check_auth(&server, &case).await;
            }
        }
    };
    Output { path: MATRIX_PATH.into(), contents: rust_file(tokens, &api.files.join(", ")) }
}
