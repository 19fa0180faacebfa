//! Contacts and groups: `ContactsApi` and `GroupsApi` over the store.

use wacr_server::models::*;
use wacr_server::{ApiError, ContactsApi, GroupsApi, Principal};

use super::Sandbox;
use super::convert::{filters, list_params, model, page};
use crate::store::contacts::{self, BatchOptions, ContactPatch, Includes, NewContact};
use crate::store::groups;

fn includes(set: &IncludeSet<ContactInclude>) -> Includes {
    let mut out = Includes::default();
    for include in set.iter() {
        match include.as_str() {
            "groups" => out.groups = true,
            "source" => out.source = true,
            "status" => out.status = true,
            _ => {}
        }
    }
    out
}

fn new_contact(body: CreateContactBody) -> NewContact {
    NewContact {
        firstname: body.firstname,
        lastname: body.lastname,
        phone: body.phone,
        contact_type: body.r#type.as_str().to_owned(),
        source_id: body.source_id,
        status_id: body.status_id,
        email: body.email,
        company: body.company,
        description: body.description,
        city: body.city,
        state: body.state,
        zip: body.zip,
        address: body.address,
        country_id: body.country_id,
        assigned_id: body.assigned_id,
        groups: body.groups,
    }
}

fn patch(body: UpdateContactBody) -> ContactPatch {
    ContactPatch {
        firstname: body.firstname,
        lastname: body.lastname,
        phone: body.phone,
        contact_type: body.r#type.map(|t| t.as_str().to_owned()),
        source_id: body.source_id,
        status_id: body.status_id,
        email: body.email.into_option(),
        company: body.company.into_option(),
        description: body.description.into_option(),
        city: body.city.into_option(),
        state: body.state.into_option(),
        zip: body.zip.into_option(),
        address: body.address.into_option(),
        country_id: body.country_id.into_option(),
        assigned_id: body.assigned_id.into_option(),
        groups: body.groups,
    }
}

impl ContactsApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListContactsRequest) -> Result<ListContactsResponse, ApiError<ListContactsError>> {
        let q = req.query;
        let f = &q.filters;
        let mut conditions = filters("type", &f.r#type);
        conditions.extend(filters("status_id", &f.status_id));
        conditions.extend(filters("source_id", &f.source_id));
        conditions.extend(filters("assigned_id", &f.assigned_id));
        conditions.extend(filters("created_at", &f.created_at));
        conditions.extend(filters("group_id", &f.group_id));
        let params = list_params(q.page, q.per_page, &q.sort, &q.search, conditions);
        let include = includes(&q.include);
        page(self.run(p, move |conn, ctx| contacts::list(conn, ctx, &params, include)).await?)
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateContactRequest) -> Result<Contact, ApiError<CreateContactError>> {
        let new = new_contact(req.body);
        model(self.run(p, move |conn, ctx| contacts::create(conn, ctx, &new)).await?)
    }

    async fn get(&self, p: &Principal<Scope>, req: GetContactRequest) -> Result<Contact, ApiError<GetContactError>> {
        let include = includes(&req.query.include);
        model(self.run(p, move |conn, ctx| contacts::get(conn, ctx, req.id, include)).await?)
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateContactRequest) -> Result<Contact, ApiError<UpdateContactError>> {
        let (id, patch) = (req.id, patch(req.body));
        model(self.run(p, move |conn, ctx| contacts::update(conn, ctx, id, &patch)).await?)
    }

    async fn delete(&self, p: &Principal<Scope>, req: DeleteContactRequest) -> Result<(), ApiError<DeleteContactError>> {
        self.run(p, move |conn, ctx| contacts::delete(conn, ctx, req.id)).await
    }

    async fn batch_create(
        &self,
        p: &Principal<Scope>,
        req: BatchCreateContactsRequest,
    ) -> Result<BatchCreateResult, ApiError<BatchCreateContactsError>> {
        let items: Vec<serde_json::Value> = req.body.contacts.iter().map(|c| serde_json::to_value(c).unwrap_or_default()).collect();
        let defaults = BatchOptions::default();
        let options = req.body.options.map_or(defaults, |o| BatchOptions {
            continue_on_error: o.continue_on_error.unwrap_or(defaults.continue_on_error),
            skip_duplicates: o.skip_duplicates.unwrap_or(defaults.skip_duplicates),
        });
        model(self.run(p, move |conn, ctx| contacts::batch_create(conn, ctx, &items, options)).await?)
    }

    async fn batch_delete(
        &self,
        p: &Principal<Scope>,
        req: BatchDeleteContactsRequest,
    ) -> Result<BatchDeleteResult, ApiError<BatchDeleteContactsError>> {
        let ids = req.body.ids;
        let summary = self.run(p, move |conn, ctx| contacts::batch_delete(conn, ctx, &ids)).await?;
        model(serde_json::json!({ "summary": summary }))
    }
}

impl GroupsApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListGroupsRequest) -> Result<ListGroupsResponse, ApiError<ListGroupsError>> {
        let q = req.query;
        let params = list_params(q.page, q.per_page, &q.sort, &q.search, Vec::new());
        page(self.run(p, move |conn, ctx| groups::list(conn, ctx, &params)).await?)
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateGroupRequest) -> Result<Group, ApiError<CreateGroupError>> {
        model(self.run(p, move |conn, ctx| groups::create(conn, ctx, &req.body.name)).await?)
    }

    async fn get(&self, p: &Principal<Scope>, req: GetGroupRequest) -> Result<Group, ApiError<GetGroupError>> {
        model(self.run(p, move |conn, ctx| groups::get(conn, ctx, req.id)).await?)
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateGroupRequest) -> Result<Group, ApiError<UpdateGroupError>> {
        let (id, name) = (req.id, req.body.name);
        model(self.run(p, move |conn, ctx| groups::update(conn, ctx, id, &name)).await?)
    }

    async fn delete(&self, p: &Principal<Scope>, req: DeleteGroupRequest) -> Result<(), ApiError<DeleteGroupError>> {
        self.run(p, move |conn, ctx| groups::delete(conn, ctx, req.id)).await
    }

    async fn add_contacts(
        &self,
        p: &Principal<Scope>,
        req: AddContactsToGroupRequest,
    ) -> Result<GroupMembershipAdded, ApiError<AddContactsToGroupError>> {
        let (id, ids) = (req.id, req.body.contact_ids);
        model(self.run(p, move |conn, ctx| groups::add_contacts(conn, ctx, id, &ids)).await?)
    }

    async fn remove_contacts(
        &self,
        p: &Principal<Scope>,
        req: RemoveContactsFromGroupRequest,
    ) -> Result<GroupMembershipRemoved, ApiError<RemoveContactsFromGroupError>> {
        let (id, ids) = (req.id, req.body.contact_ids);
        model(self.run(p, move |conn, ctx| groups::remove_contacts(conn, ctx, id, &ids)).await?)
    }
}
