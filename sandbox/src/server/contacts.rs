//! Contacts and groups: `ContactsApi` and `GroupsApi` over the store.

use wacr_server::models::*;
use wacr_server::{ApiError, ContactsApi, GroupsApi, Principal};

use super::Sandbox;
use super::convert::{filters, list_params, model, page, page_of};
use crate::store::contacts::{self, BatchOptions, ContactPatch, ContactView, Includes, NewContact};
use crate::store::{groups, sources, statuses};

/// The model of a contact, field by field: a page of 100 contacts through `model`'s JSON round
/// trip cost about 3 million instructions (callgrind, most of a list request's own CPU time).
fn contact(view: ContactView) -> Contact {
    let ContactView { contact: c, groups, source, status } = view;
    Contact {
        id: c.id,
        firstname: c.firstname,
        lastname: c.lastname,
        company: c.company,
        r#type: Open::from_wire(&c.contact_type),
        email: c.email,
        phone: c.phone,
        status_id: c.status_id,
        source_id: c.source_id,
        description: c.description,
        city: c.city,
        state: c.state,
        zip: c.zip,
        address: c.address,
        country_id: c.country_id,
        assigned_id: c.assigned_id,
        group_id: c.group_id,
        is_opted_out: c.is_opted_out,
        created_at: c.created_at.iso(),
        updated_at: c.updated_at.iso(),
        groups: groups.map(|groups| groups.into_iter().map(group).collect()),
        source: source.map(|s: sources::Source| Source { id: s.id, name: s.name, created_at: s.created_at.iso(), updated_at: s.updated_at.iso() }),
        status: status.map(|s: statuses::Status| Status {
            id: s.id,
            name: s.name,
            color: s.color,
            created_at: s.created_at.iso(),
            updated_at: s.updated_at.iso(),
        }),
    }
}

fn group(g: groups::Group) -> Group {
    Group { id: g.id, name: g.name, created_at: g.created_at.iso(), updated_at: g.updated_at.iso() }
}

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
        Ok(page_of(self.run(p, move |conn, ctx| contacts::list(conn, ctx, &params, include)).await?, contact))
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateContactRequest) -> Result<Contact, ApiError<CreateContactError>> {
        let new = new_contact(req.body);
        Ok(contact(self.run(p, move |conn, ctx| contacts::create(conn, ctx, &new)).await?))
    }

    async fn get(&self, p: &Principal<Scope>, req: GetContactRequest) -> Result<Contact, ApiError<GetContactError>> {
        let include = includes(&req.query.include);
        Ok(contact(self.run(p, move |conn, ctx| contacts::get(conn, ctx, req.id, include)).await?))
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateContactRequest) -> Result<Contact, ApiError<UpdateContactError>> {
        let (id, patch) = (req.id, patch(req.body));
        Ok(contact(self.run(p, move |conn, ctx| contacts::update(conn, ctx, id, &patch)).await?))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Fixture;

    /// The direct conversion gives what the JSON round trip of `model` gives.
    #[test]
    fn contact_matches_the_json_round_trip() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let group = groups::create(&f.conn, &ctx, "VIP").unwrap();
        let mut new = f.new_contact("+15550019001");
        (new.email, new.company, new.city, new.assigned_id, new.groups) =
            (Some("a@b.io".into()), Some("Acme".into()), Some("Porto".into()), Some(3), Some(vec![group.id]));
        let id = contacts::create(&mut f.conn, &ctx, &new).unwrap().contact.id;
        for includes in [Includes::ALL, Includes::default()] {
            let view = contacts::get(&f.conn, &ctx, id, includes).unwrap();
            let through_json: Contact = model::<_, _, GetContactError>(view.clone()).unwrap();
            assert_eq!(contact(view), through_json);
        }
    }
}
