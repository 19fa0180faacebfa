//! The service, part two: the groups, messages, sources, statuses and templates traits.

#[allow(unused_imports)]
use super::*;

impl GroupsApi for Crm {
    async fn list(&self, p: &Who, req: ListGroupsRequest) -> Result<Page<Group>, ApiError<ListGroupsError>> {
        let q = req.query;
        let db = self.db();
        let mut rows: Vec<Group> = db.groups.of(p.tenant_id).filter(|g| found(&q.search, &[Some(g.name.as_str())])).cloned().collect();
        order(&mut rows, &q.sort, |g, field| match field {
            ListGroupsSortField::Name => text(&g.name),
            ListGroupsSortField::CreatedAt => text(&g.created_at),
            ListGroupsSortField::UpdatedAt => text(&g.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn create(&self, p: &Who, req: CreateGroupRequest) -> Result<Group, ApiError<CreateGroupError>> {
        let mut db = self.db();
        if db.groups.of(p.tenant_id).any(|g| g.name == req.body.name) {
            let text = message(rules::CREATE_GROUP_BODY, "name", "unique");
            return Err(ApiError::new(CreateGroupError::ValidationError).with_field_error("name", text));
        }
        let (id, now) = (db.id(), db.tick());
        Ok(db.groups.put(p.tenant_id, Group { id, name: req.body.name, created_at: now.clone(), updated_at: now }))
    }

    async fn get(&self, p: &Who, req: GetGroupRequest) -> Result<Group, ApiError<GetGroupError>> {
        let group = self.db().groups.get(p.tenant_id, req.id).cloned();
        group.ok_or_else(|| ApiError::new(GetGroupError::NotFound).with_message("Group not found"))
    }

    async fn update(&self, p: &Who, req: UpdateGroupRequest) -> Result<Group, ApiError<UpdateGroupError>> {
        let mut db = self.db();
        if db.groups.of(p.tenant_id).any(|g| g.name == req.body.name && g.id != req.id) {
            let text = message(rules::UPDATE_GROUP_BODY, "name", "unique");
            return Err(ApiError::new(UpdateGroupError::ValidationError).with_field_error("name", text));
        }
        let now = db.tick();
        let group = db.groups.get_mut(p.tenant_id, req.id).ok_or_else(|| ApiError::new(UpdateGroupError::NotFound).with_message("Group not found"))?;
        (group.name, group.updated_at) = (req.body.name, now);
        Ok(group.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteGroupRequest) -> Result<(), ApiError<DeleteGroupError>> {
        let mut db = self.db();
        if !db.groups.remove(p.tenant_id, req.id) {
            return Err(ApiError::new(DeleteGroupError::NotFound).with_message("Group not found"));
        }
        db.contacts.of_mut(p.tenant_id).for_each(|c| c.group_id.retain(|g| *g != req.id));
        Ok(())
    }

    async fn add_contacts(&self, p: &Who, req: AddContactsToGroupRequest) -> Result<GroupMembershipAdded, ApiError<AddContactsToGroupError>> {
        use AddContactsToGroupError as E;
        let (t, group_id, ids) = (p.tenant_id, req.id, req.body.contact_ids);
        let mut db = self.db();
        if db.groups.get(t, group_id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Group not found"));
        }
        if ids.iter().any(|id| db.contacts.get(t, *id).is_none()) {
            let text = message(rules::ADD_CONTACTS_TO_GROUP_BODY, "contact_ids", "exists");
            return Err(ApiError::new(E::ValidationError).with_field_error("contact_ids", text));
        }
        let mut added = 0;
        for c in db.contacts.of_mut(t).filter(|c| ids.contains(&c.id) && !c.group_id.contains(&group_id)) {
            c.group_id.push(group_id);
            added += 1;
        }
        Ok(GroupMembershipAdded { group_id, contacts_added: added })
    }

    async fn remove_contacts(
        &self,
        p: &Who,
        req: RemoveContactsFromGroupRequest,
    ) -> Result<GroupMembershipRemoved, ApiError<RemoveContactsFromGroupError>> {
        let (t, group_id, ids) = (p.tenant_id, req.id, req.body.contact_ids);
        let mut db = self.db();
        if db.groups.get(t, group_id).is_none() {
            return Err(ApiError::new(RemoveContactsFromGroupError::NotFound).with_message("Group not found"));
        }
        let mut removed = 0;
        for c in db.contacts.of_mut(t).filter(|c| ids.contains(&c.id) && c.group_id.contains(&group_id)) {
            c.group_id.retain(|g| *g != group_id);
            removed += 1;
        }
        Ok(GroupMembershipRemoved { group_id, contacts_removed: removed })
    }
}

pub(super) fn summary(m: &MessageDetail) -> Message {
    Message {
        id: m.id,
        interaction_id: m.interaction_id,
        sender_id: m.sender_id.clone(),
        r#type: m.r#type.clone(),
        message: m.message.clone(),
        status: m.status.clone(),
        message_id: m.message_id.clone(),
        sent_at: m.sent_at.clone(),
        is_read: m.is_read,
        direction: m.direction.clone(),
        created_at: m.created_at.clone(),
        updated_at: m.updated_at.clone(),
        error: m.error.clone(),
    }
}

pub(super) const SENT: Open<MessageStatus> = Open::Known(MessageStatus::Sent);

impl MessagesApi for Crm {
    async fn send_text(&self, p: &Who, req: SendTextMessageRequest) -> Result<TextMessageSent, ApiError<SendTextMessageError>> {
        use SendTextMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let text = merge_fields(&b.message, &contact);
        let sent = db.record(t, contact.id, MessageType::Text, text.clone());
        Ok(TextMessageSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            message: text,
            status: SENT,
            sent_at: sent.sent_at,
            chat_id: contact.id,
            chat_message_id: sent.id,
        })
    }

    async fn send_template(&self, p: &Who, req: SendTemplateMessageRequest) -> Result<SendTemplateResult, ApiError<SendTemplateMessageError>> {
        use SendTemplateMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let template = db.template_named(t, &b.template_name, Some(&b.language)).filter(|x| x.status == TemplateStatus::Approved);
        let template = template.ok_or_else(|| ApiError::new(E::NotFound).with_message("Template not found"))?;
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let body = template.body_data.replace("{{1}}", &merge_fields(b.field_1.as_deref().unwrap_or(""), &contact));
        let sent = db.record(t, contact.id, MessageType::Template, body);
        Ok(SendTemplateResult {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            template_name: template.template_name,
            language: Some(template.language),
            status: Some(SENT),
            sent_at: Some(sent.sent_at),
            chat_id: Some(contact.id),
            chat_message_id: Some(sent.id),
        })
    }

    async fn send_media(&self, p: &Who, req: SendMediaMessageRequest) -> Result<MediaMessageSent, ApiError<SendMediaMessageError>> {
        use SendMediaMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        // The glue enforces media_url or media_file (required_without); a file is "stored" under its name.
        let media_url = match (&b.media_url, &b.media_file) {
            (Some(url), _) => url.clone(),
            (None, Some(file)) => format!("https://media.example.test/{}", file.name),
            (None, None) => {
                let text = "The media url field is required when media file is not present.";
                return Err(ApiError::new(E::ValidationError).with_field_error("media_url", text));
            }
        };
        let ty = match b.media_type {
            MediaType::Image => MessageType::Image,
            MediaType::Document => MessageType::Document,
            MediaType::Video => MessageType::Video,
            MediaType::Audio => MessageType::Audio,
        };
        let sent = db.record(t, contact.id, ty, b.caption.clone().unwrap_or_default());
        Ok(MediaMessageSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            media_type: Open::Known(b.media_type),
            media_url,
            caption: b.caption,
            filename: b.filename,
            status: SENT,
            sent_at: sent.sent_at,
            chat_id: contact.id,
            chat_message_id: sent.id,
        })
    }

    async fn send_interactive(
        &self,
        p: &Who,
        req: SendInteractiveMessageRequest,
    ) -> Result<InteractiveMessageSent, ApiError<SendInteractiveMessageError>> {
        use SendInteractiveMessageError as E;
        let (b, t) = (req.body, p.tenant_id);
        let mut db = self.db();
        if !db.whatsapp(t) {
            return Err(E::WhatsappNotConfigured.into());
        }
        let contact = db.recipient(t, b.contact_id, &b.phone).map_err(|r| refused(r, send_codes!(E)))?;
        let sent = db.record(t, contact.id, MessageType::Interactive, b.body_text);
        Ok(InteractiveMessageSent {
            message_id: sent.message_id.unwrap_or_default(),
            contact_id: contact.id,
            phone: b.phone,
            r#type: Open::Known(b.r#type),
            status: SENT,
            sent_at: sent.sent_at,
            chat_id: contact.id,
            chat_message_id: sent.id,
        })
    }

    async fn list(&self, p: &Who, req: ListMessagesRequest) -> Result<Page<Message>, ApiError<ListMessagesError>> {
        let q = req.query;
        self.seen().messages = Some(q.clone());
        let f = &q.filters;
        let db = self.db();
        let mut rows: Vec<Message> = db
            .messages
            .of(p.tenant_id)
            .filter(|m| hit(&f.r#type, known(&m.r#type).as_ref()) && hit(&f.status, known(&m.status).as_ref()))
            .filter(|m| hit(&f.direction, known(&m.direction).as_ref()) && hit(&f.interaction_id, m.interaction_id.as_ref()))
            .filter(|m| found(&q.search, &[m.message.as_deref()]))
            .map(summary)
            .collect();
        order(&mut rows, &q.sort, |m, field| match field {
            ListMessagesSortField::CreatedAt => text(m.created_at.as_deref().unwrap_or_default()),
            ListMessagesSortField::UpdatedAt => text(m.updated_at.as_deref().unwrap_or_default()),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn get(&self, p: &Who, req: GetMessageRequest) -> Result<MessageDetail, ApiError<GetMessageError>> {
        let message = self.db().messages.get(p.tenant_id, req.id).cloned();
        message.ok_or_else(|| ApiError::new(GetMessageError::NotFound).with_message("Message not found"))
    }
}

impl SourcesApi for Crm {
    async fn list(&self, p: &Who, req: ListSourcesRequest) -> Result<Page<Source>, ApiError<ListSourcesError>> {
        let q = req.query;
        let db = self.db();
        let mut rows: Vec<Source> = db.sources.of(p.tenant_id).filter(|s| found(&q.search, &[Some(s.name.as_str())])).cloned().collect();
        order(&mut rows, &q.sort, |s, field| match field {
            ListSourcesSortField::Name => text(&s.name),
            ListSourcesSortField::CreatedAt => text(&s.created_at),
            ListSourcesSortField::UpdatedAt => text(&s.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn create(&self, p: &Who, req: CreateSourceRequest) -> Result<Source, ApiError<CreateSourceError>> {
        let mut db = self.db();
        if db.sources.of(p.tenant_id).any(|s| s.name == req.body.name) {
            let text = message(rules::CREATE_SOURCE_BODY, "name", "unique");
            return Err(ApiError::new(CreateSourceError::ValidationError).with_field_error("name", text));
        }
        let (id, now) = (db.id(), db.tick());
        Ok(db.sources.put(p.tenant_id, Source { id, name: req.body.name, created_at: now.clone(), updated_at: now }))
    }

    async fn get(&self, p: &Who, req: GetSourceRequest) -> Result<Source, ApiError<GetSourceError>> {
        let source = self.db().sources.get(p.tenant_id, req.id).cloned();
        source.ok_or_else(|| ApiError::new(GetSourceError::NotFound).with_message("Source not found"))
    }

    async fn update(&self, p: &Who, req: UpdateSourceRequest) -> Result<Source, ApiError<UpdateSourceError>> {
        let mut db = self.db();
        if db.sources.of(p.tenant_id).any(|s| s.name == req.body.name && s.id != req.id) {
            let text = message(rules::UPDATE_SOURCE_BODY, "name", "unique");
            return Err(ApiError::new(UpdateSourceError::ValidationError).with_field_error("name", text));
        }
        let now = db.tick();
        let not_found = || ApiError::new(UpdateSourceError::NotFound).with_message("Source not found");
        let source = db.sources.get_mut(p.tenant_id, req.id).ok_or_else(not_found)?;
        (source.name, source.updated_at) = (req.body.name, now);
        Ok(source.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteSourceRequest) -> Result<(), ApiError<DeleteSourceError>> {
        use DeleteSourceError as E;
        let mut db = self.db();
        if db.sources.get(p.tenant_id, req.id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Source not found"));
        }
        if db.contacts.of(p.tenant_id).any(|c| c.source_id == req.id) {
            return Err(ApiError::new(E::ValidationError).with_message("The source is assigned to contacts and cannot be deleted"));
        }
        db.sources.remove(p.tenant_id, req.id);
        Ok(())
    }
}

impl StatusesApi for Crm {
    async fn list(&self, p: &Who, req: ListStatusesRequest) -> Result<Page<Status>, ApiError<ListStatusesError>> {
        let q = req.query;
        let db = self.db();
        let mut rows: Vec<Status> = db.statuses.of(p.tenant_id).filter(|s| found(&q.search, &[Some(s.name.as_str())])).cloned().collect();
        order(&mut rows, &q.sort, |s, field| match field {
            ListStatusesSortField::Name => text(&s.name),
            ListStatusesSortField::CreatedAt => text(&s.created_at),
            ListStatusesSortField::UpdatedAt => text(&s.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    async fn create(&self, p: &Who, req: CreateStatusRequest) -> Result<Status, ApiError<CreateStatusError>> {
        let mut db = self.db();
        if db.statuses.of(p.tenant_id).any(|s| s.name == req.body.name) {
            let text = message(rules::CREATE_STATUS_BODY, "name", "unique");
            return Err(ApiError::new(CreateStatusError::ValidationError).with_field_error("name", text));
        }
        let (id, now) = (db.id(), db.tick());
        let status = Status { id, name: req.body.name, color: req.body.color, created_at: now.clone(), updated_at: now };
        Ok(db.statuses.put(p.tenant_id, status))
    }

    async fn get(&self, p: &Who, req: GetStatusRequest) -> Result<Status, ApiError<GetStatusError>> {
        let status = self.db().statuses.get(p.tenant_id, req.id).cloned();
        status.ok_or_else(|| ApiError::new(GetStatusError::NotFound).with_message("Status not found"))
    }

    async fn update(&self, p: &Who, req: UpdateStatusRequest) -> Result<Status, ApiError<UpdateStatusError>> {
        let mut db = self.db();
        if db.statuses.of(p.tenant_id).any(|s| s.name == req.body.name && s.id != req.id) {
            let text = message(rules::UPDATE_STATUS_BODY, "name", "unique");
            return Err(ApiError::new(UpdateStatusError::ValidationError).with_field_error("name", text));
        }
        let now = db.tick();
        let not_found = || ApiError::new(UpdateStatusError::NotFound).with_message("Status not found");
        let status = db.statuses.get_mut(p.tenant_id, req.id).ok_or_else(not_found)?;
        status.name = req.body.name;
        if req.body.color.is_some() {
            status.color = req.body.color;
        }
        status.updated_at = now;
        Ok(status.clone())
    }

    async fn delete(&self, p: &Who, req: DeleteStatusRequest) -> Result<(), ApiError<DeleteStatusError>> {
        use DeleteStatusError as E;
        let mut db = self.db();
        if db.statuses.get(p.tenant_id, req.id).is_none() {
            return Err(ApiError::new(E::NotFound).with_message("Status not found"));
        }
        if db.contacts.of(p.tenant_id).any(|c| c.status_id == req.id) {
            return Err(ApiError::new(E::ValidationError).with_message("The status is assigned to contacts and cannot be deleted"));
        }
        db.statuses.remove(p.tenant_id, req.id);
        Ok(())
    }
}

impl TemplatesApi for Crm {
    async fn list(&self, p: &Who, req: ListTemplatesRequest) -> Result<Page<Template>, ApiError<ListTemplatesError>> {
        let q = req.query;
        let db = self.db();
        let searched = |t: &&Template| found(&q.search, &[Some(t.template_name.as_str()), Some(t.name.as_str())]);
        let mut rows: Vec<Template> = db.templates.of(p.tenant_id).filter(searched).cloned().collect();
        order(&mut rows, &q.sort, |t, field| match field {
            ListTemplatesSortField::TemplateName => text(&t.template_name),
            ListTemplatesSortField::CreatedAt => text(&t.created_at),
            ListTemplatesSortField::UpdatedAt => text(&t.updated_at),
        });
        Ok(page_of(rows, q.page, q.per_page))
    }

    /// The in-memory store is the WhatsApp Business Account: a sync finds nothing new.
    async fn sync(&self, p: &Who, _: SyncTemplatesRequest) -> Result<TemplateSyncResult, ApiError<SyncTemplatesError>> {
        let db = self.db();
        if !db.whatsapp(p.tenant_id) {
            return Err(SyncTemplatesError::WhatsappNotConfigured.into());
        }
        Ok(TemplateSyncResult { synced: db.templates.count(p.tenant_id), created: 0, updated: 0, deleted: 0 })
    }

    async fn get(&self, p: &Who, req: GetTemplateRequest) -> Result<Template, ApiError<GetTemplateError>> {
        let template = self.db().templates.of(p.tenant_id).find(|t| t.template_id == req.id).cloned();
        template.ok_or_else(|| ApiError::new(GetTemplateError::NotFound).with_message("Template not found"))
    }
}
