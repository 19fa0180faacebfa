//! An operation with a scope and two path parameters: its constants, and `render_path`
//! percent-encoding what it substitutes.

use wacr_macros::{Operation, Scope};
use wacr_runtime::{Method, Operation, ScopeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
pub enum ApiScope {
    #[scope("groups:read")]
    GroupsRead,
    #[scope("groups:write")]
    GroupsWrite,
}

#[derive(Operation)]
#[operation(
    id = "remove_group_member",
    method = DELETE,
    path = "/groups/{group_id}/contacts/{contact_id}",
    scope = ApiScope::GroupsWrite,
    status = 204,
)]
pub struct RemoveGroupMember {
    #[path_param]
    pub group_id: u64,
    #[path_param]
    pub contact_id: String,
    pub notify: bool,
}

fn main() {
    assert_eq!(RemoveGroupMember::ID, "remove_group_member");
    assert_eq!(RemoveGroupMember::METHOD, Method::Delete);
    assert_eq!(RemoveGroupMember::METHOD.as_str(), "DELETE");
    assert_eq!(RemoveGroupMember::PATH, "/groups/{group_id}/contacts/{contact_id}");
    assert_eq!(RemoveGroupMember::PATH_PARAMS, ["group_id", "contact_id"]);
    assert_eq!(RemoveGroupMember::SCOPE, Some(ApiScope::GroupsWrite));
    assert_eq!(RemoveGroupMember::SUCCESS_STATUS, 204);

    let request = RemoveGroupMember { group_id: 12, contact_id: "+33 6/12?x#y%".into(), notify: false };
    assert!(!request.notify);
    assert_eq!(request.render_path(), "/groups/12/contacts/%2B33%206%2F12%3Fx%23y%25");

    let token = ScopeSet::<ApiScope>::parse("groups:read").unwrap();
    assert!(!token.allows(RemoveGroupMember::SCOPE));
    assert!(token.with(ApiScope::GroupsWrite).allows(RemoveGroupMember::SCOPE));
}
