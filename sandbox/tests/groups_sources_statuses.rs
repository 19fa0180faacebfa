//! End to end, groups, sources and statuses: CRUD with the documented uniqueness messages,
//! membership with its counts, deletes refused while a contact holds a source or status, and
//! tenant isolation.

mod support;

use serde_json::json;
use support::{expect_error, start};
use wacr_client::models::*;

#[tokio::test]
async fn groups_and_membership() {
    let sb = start().await;
    let vip = sb.client.groups().create(CreateGroupBody { name: "VIP Customers".into() }).await.unwrap();
    let reply = sb.raw("POST", "/groups", Some(json!({"name": "vip customers"}))).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["errors"]["name"][0], "A group with this name already exists");
    sb.raw("POST", "/groups", Some(json!({}))).await.assert_error(422, "VALIDATION_ERROR");
    let renamed = sb.client.groups().update(vip.id, UpdateGroupBody { name: "Premium VIP".into() }).await.unwrap();
    assert_eq!(renamed.name, "Premium VIP");
    assert_eq!(sb.client.groups().get(vip.id).await.unwrap().name, "Premium VIP");
    expect_error(sb.other.groups().get(vip.id).await, 404, "NOT_FOUND");

    let a = sb.contact("+15550300001").await["id"].as_i64().unwrap();
    let b = sb.contact("+15550300002").await["id"].as_i64().unwrap();
    let added = sb.client.groups().add_contacts(vip.id, AddContactsToGroupBody { contact_ids: vec![a, b, a] }).await.unwrap();
    assert_eq!((added.group_id, added.contacts_added), (vip.id, 2));
    let again = sb.client.groups().add_contacts(vip.id, AddContactsToGroupBody { contact_ids: vec![a] }).await.unwrap();
    assert_eq!(again.contacts_added, 0);
    let error = expect_error(sb.client.groups().add_contacts(vip.id, AddContactsToGroupBody { contact_ids: vec![a, 999_999] }).await, 422, "VALIDATION_ERROR");
    assert_eq!(error.field_errors["contact_ids.1"], ["One or more contact IDs do not exist"]);
    sb.raw("POST", &format!("/groups/{}/contacts", vip.id), Some(json!({"contact_ids": []}))).await.assert_error(422, "VALIDATION_ERROR");
    expect_error(sb.client.groups().add_contacts(999_999, AddContactsToGroupBody { contact_ids: vec![a] }).await, 404, "NOT_FOUND");
    // another tenant cannot add my contacts to its groups
    let theirs = sb.other.groups().create(CreateGroupBody { name: "Theirs".into() }).await.unwrap();
    expect_error(sb.other.groups().add_contacts(theirs.id, AddContactsToGroupBody { contact_ids: vec![a] }).await, 422, "VALIDATION_ERROR");

    let removed = sb.client.groups().remove_contacts(vip.id, RemoveContactsFromGroupBody { contact_ids: vec![a, 999_999] }).await.unwrap();
    assert_eq!((removed.group_id, removed.contacts_removed), (vip.id, 1));
    let filtered = sb.raw("GET", &format!("/contacts?filter[group_id]={}", vip.id), None).await;
    assert_eq!(filtered.json["meta"]["total"], 1);

    let list = sb.client.groups().list(ListGroupsQuery { search: Some("prem".into()), ..Default::default() }).await.unwrap();
    assert_eq!(list.items.iter().map(|g| g.id).collect::<Vec<_>>(), [vip.id]);
    sb.client.groups().delete(vip.id).await.unwrap();
    let contact = sb.client.contacts().get(b, Default::default()).await.unwrap();
    assert!(contact.group_id.is_empty(), "deleting a group keeps its contacts and drops the membership");
    expect_error(sb.client.groups().delete(vip.id).await, 404, "NOT_FOUND");
}

#[tokio::test]
async fn sources() {
    let sb = start().await;
    let web = sb.client.sources().create(CreateSourceBody { name: "Web Form".into() }).await.unwrap();
    let reply = sb.raw("POST", "/sources", Some(json!({"name": "WEB FORM"}))).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["errors"]["name"][0], "A source with this name already exists");
    let reply = sb.raw("PATCH", &format!("/sources/{}", web.id), Some(json!({}))).await;
    assert_eq!(reply.json["errors"]["name"][0], "Source name is required", "PATCH requires name");
    let renamed = sb.client.sources().update(web.id, UpdateSourceBody { name: "Landing Page".into() }).await.unwrap();
    assert_eq!(renamed.name, "Landing Page");
    let page = sb.client.sources().list(Default::default()).await.unwrap();
    let names: Vec<_> = page.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Facebook Ads", "Landing Page", "Referral", "Website", "WhatsApp"], "sorted by name");
    expect_error(sb.other.sources().get(web.id).await, 404, "NOT_FOUND");
    expect_error(sb.other.sources().delete(web.id).await, 404, "NOT_FOUND");
    sb.client.sources().delete(web.id).await.unwrap();
    expect_error(sb.client.sources().get(web.id).await, 404, "NOT_FOUND");

    let contact = sb.contact("+15550300010").await;
    let source = contact["source_id"].as_i64().unwrap();
    let refused = expect_error(sb.client.sources().delete(source).await, 422, "VALIDATION_ERROR");
    assert!(refused.field_errors["id"][0].contains("assigned"));
    sb.client.contacts().delete(contact["id"].as_i64().unwrap()).await.unwrap();
    sb.client.sources().delete(source).await.unwrap();
}

#[tokio::test]
async fn statuses() {
    let sb = start().await;
    let hot = sb.client.statuses().create(CreateStatusBody { name: "Warm".into(), color: Some("#FF5733".into()) }).await.unwrap();
    assert_eq!(hot.color.as_deref(), Some("#FF5733"));
    let bad = sb.raw("POST", "/statuses", Some(json!({"name": "Cold", "color": "blue"}))).await;
    bad.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(bad.json["errors"]["color"][0], "Color must be a valid hex color code (e.g., #FF5733)");
    let dup = sb.raw("POST", "/statuses", Some(json!({"name": "warm"}))).await;
    assert_eq!(dup.json["errors"]["name"][0], "A status with this name already exists");
    let kept = sb.client.statuses().update(hot.id, UpdateStatusBody { name: "Warmer".into(), color: None }).await.unwrap();
    assert_eq!((kept.name.as_str(), kept.color.as_deref()), ("Warmer", Some("#FF5733")), "an absent colour is left as it is");
    let got = sb.client.statuses().get(hot.id).await.unwrap();
    assert_eq!(got.name, "Warmer");
    expect_error(sb.other.statuses().get(hot.id).await, 404, "NOT_FOUND");

    let contact = sb.contact("+15550300020").await;
    let status = contact["status_id"].as_i64().unwrap();
    expect_error(sb.client.statuses().delete(status).await, 422, "VALIDATION_ERROR");
    sb.client.statuses().delete(hot.id).await.unwrap();
    expect_error(sb.client.statuses().delete(hot.id).await, 404, "NOT_FOUND");
    let list = sb.client.statuses().list(ListStatusesQuery { search: Some("lead".into()), ..Default::default() }).await.unwrap();
    assert_eq!(list.items.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Hot Lead"]);
}
