//! Contacts and groups: `ContactsApi` and `GroupsApi` over the store.

use wacr_server::models::*;
use wacr_server::{ApiError, ContactsApi, GroupsApi, Principal, Rejected};

use super::Sandbox;
use crate::store::{contacts, groups, named};

impl ContactsApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListContactsRequest) -> Result<ListContactsResponse, ApiError<ListContactsError>> {
        self.run(p, move |conn, ctx| contacts::list(conn, ctx, &req.query)).await
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateContactRequest) -> Result<Contact, ApiError<CreateContactError>> {
        self.run(p, move |conn, ctx| contacts::create(conn, ctx, &req.body)).await
    }

    async fn get(&self, p: &Principal<Scope>, req: GetContactRequest) -> Result<Contact, ApiError<GetContactError>> {
        self.run(p, move |conn, ctx| contacts::get(conn, ctx, req.id, req.query.include)).await
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateContactRequest) -> Result<Contact, ApiError<UpdateContactError>> {
        self.run(p, move |conn, ctx| contacts::update(conn, ctx, req.id, &req.body)).await
    }

    async fn delete(&self, p: &Principal<Scope>, req: DeleteContactRequest) -> Result<(), ApiError<DeleteContactError>> {
        self.run(p, move |conn, ctx| contacts::delete(conn, ctx, req.id)).await
    }

    async fn batch_create(
        &self,
        p: &Principal<Scope>,
        req: BatchCreateContactsRequest,
        rejected: Rejected,
    ) -> Result<BatchCreateResult, ApiError<BatchCreateContactsError>> {
        self.run(p, move |conn, ctx| contacts::batch_create(conn, ctx, req.body, rejected)).await
    }

    async fn batch_delete(
        &self,
        p: &Principal<Scope>,
        req: BatchDeleteContactsRequest,
    ) -> Result<BatchDeleteResult, ApiError<BatchDeleteContactsError>> {
        self.run(p, move |conn, ctx| contacts::batch_delete(conn, ctx, &req.body.ids)).await
    }
}

impl GroupsApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListGroupsRequest) -> Result<ListGroupsResponse, ApiError<ListGroupsError>> {
        let q = req.query;
        self.run(p, move |conn, ctx| named::list(conn, ctx, (q.page, q.per_page), &q.sort, q.search.as_deref())).await
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateGroupRequest) -> Result<Group, ApiError<CreateGroupError>> {
        self.run(p, move |conn, ctx| named::create(conn, ctx, &req.body.name, None)).await
    }

    async fn get(&self, p: &Principal<Scope>, req: GetGroupRequest) -> Result<Group, ApiError<GetGroupError>> {
        self.run(p, move |conn, ctx| named::get(conn, ctx, req.id)).await
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateGroupRequest) -> Result<Group, ApiError<UpdateGroupError>> {
        self.run(p, move |conn, ctx| named::update(conn, ctx, req.id, &req.body.name, None)).await
    }

    async fn delete(&self, p: &Principal<Scope>, req: DeleteGroupRequest) -> Result<(), ApiError<DeleteGroupError>> {
        self.run(p, move |conn, ctx| groups::delete(conn, ctx, req.id)).await
    }

    async fn add_contacts(
        &self,
        p: &Principal<Scope>,
        req: AddContactsToGroupRequest,
    ) -> Result<GroupMembershipAdded, ApiError<AddContactsToGroupError>> {
        self.run(p, move |conn, ctx| groups::add_contacts(conn, ctx, req.id, &req.body.contact_ids)).await
    }

    async fn remove_contacts(
        &self,
        p: &Principal<Scope>,
        req: RemoveContactsFromGroupRequest,
    ) -> Result<GroupMembershipRemoved, ApiError<RemoveContactsFromGroupError>> {
        self.run(p, move |conn, ctx| groups::remove_contacts(conn, ctx, req.id, &req.body.contact_ids)).await
    }
}
