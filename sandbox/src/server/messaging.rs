//! Messages, OTPs and chat notes: `MessagesApi`, `AuthApi` and `CommentsApi` over the store.

use wacr_server::models::*;
use wacr_server::{ApiError, AuthApi, CommentsApi, MessagesApi, Principal};

use super::Sandbox;
use super::convert::{filters, list_params, model, page};
use crate::store::delivery::AutoContact;
use crate::store::messages::{self, Button, InteractiveSend, ListRow, MediaSend, Section, TemplateSend, TextSend, Upload};
use crate::store::{auth, comments, templates};

fn upload(file: Option<File>) -> Option<Upload> {
    file.map(|f| Upload { size: f.size() as u64, file_name: f.name })
}

fn template_send(b: SendTemplateMessageBody) -> TemplateSend {
    TemplateSend {
        phone: b.phone,
        template_name: b.template_name,
        language: b.language,
        contact_id: b.contact_id,
        header_image_url: b.header_image_url,
        header_image_file: upload(b.header_image_file),
        header_video_url: b.header_video_url,
        header_video_file: upload(b.header_video_file),
        header_document_url: b.header_document_url,
        header_document_file: upload(b.header_document_file),
        header_document_name: b.header_document_name,
        header_field_1: b.header_field_1,
        fields: [b.field_1, b.field_2, b.field_3, b.field_4, b.field_5, b.field_6, b.field_7, b.field_8, b.field_9, b.field_10],
        buttons: [b.button_0, b.button_1, b.button_2],
        auto_generate_otp: b.auto_generate_otp.unwrap_or(false),
        otp_field_number: b.otp_field_number,
    }
}

fn media_send(b: SendMediaMessageBody) -> MediaSend {
    let groups = b.contact_groups.as_deref().unwrap_or_default().split(',').filter_map(|g| g.trim().parse().ok()).collect();
    MediaSend {
        phone: b.phone,
        media_type: b.media_type.as_str().to_owned(),
        media_url: b.media_url,
        media_file: upload(b.media_file),
        caption: b.caption,
        filename: b.filename,
        contact_id: b.contact_id,
        contact: AutoContact {
            firstname: b.contact_firstname,
            lastname: b.contact_lastname,
            email: b.contact_email,
            // the API's contact has a numeric country_id; a country given as text is dropped
            country_id: b.contact_country.and_then(|c| c.trim().parse().ok()),
            assigned_id: b.contact_assigned_id,
            groups,
        },
    }
}

fn interactive_send(b: SendInteractiveMessageBody) -> InteractiveSend {
    InteractiveSend {
        phone: b.phone,
        kind: b.r#type.as_str().to_owned(),
        body_text: b.body_text,
        header_text: b.header_text,
        footer_text: b.footer_text,
        contact_id: b.contact_id,
        buttons: b.buttons.unwrap_or_default().into_iter().map(|x| Button { id: x.id, title: x.title }).collect(),
        list_button_text: b.list_button_text,
        sections: b
            .sections
            .unwrap_or_default()
            .into_iter()
            .map(|s| Section {
                title: s.title,
                rows: s.rows.into_iter().map(|r| ListRow { id: r.id, title: r.title, description: r.description }).collect(),
            })
            .collect(),
    }
}

impl MessagesApi for Sandbox {
    async fn send_text(&self, p: &Principal<Scope>, req: SendTextMessageRequest) -> Result<TextMessageSent, ApiError<SendTextMessageError>> {
        let b = req.body;
        let send = TextSend { phone: b.phone, message: b.message, contact_id: b.contact_id };
        model(self.run(p, move |conn, ctx| messages::send_text(conn, ctx, &send)).await?)
    }

    async fn send_template(
        &self,
        p: &Principal<Scope>,
        req: SendTemplateMessageRequest,
    ) -> Result<SendTemplateResult, ApiError<SendTemplateMessageError>> {
        let send = template_send(req.body);
        model(self.run(p, move |conn, ctx| messages::send_template(conn, ctx, &send)).await?)
    }

    async fn send_media(&self, p: &Principal<Scope>, req: SendMediaMessageRequest) -> Result<MediaMessageSent, ApiError<SendMediaMessageError>> {
        let send = media_send(req.body);
        model(self.run(p, move |conn, ctx| messages::send_media(conn, ctx, &send)).await?)
    }

    async fn send_interactive(
        &self,
        p: &Principal<Scope>,
        req: SendInteractiveMessageRequest,
    ) -> Result<InteractiveMessageSent, ApiError<SendInteractiveMessageError>> {
        let send = interactive_send(req.body);
        model(self.run(p, move |conn, ctx| messages::send_interactive(conn, ctx, &send)).await?)
    }

    async fn list(&self, p: &Principal<Scope>, req: ListMessagesRequest) -> Result<ListMessagesResponse, ApiError<ListMessagesError>> {
        let q = req.query;
        let f = &q.filters;
        let mut conditions = filters("type", &f.r#type);
        conditions.extend(filters("status", &f.status));
        conditions.extend(filters("interaction_id", &f.interaction_id));
        conditions.extend(filters("direction", &f.direction));
        let params = list_params(q.page, q.per_page, &q.sort, &q.search, conditions);
        let sim = self.inner.delivery;
        page(self.run(p, move |conn, ctx| messages::list(conn, ctx, &params, &sim)).await?)
    }

    async fn get(&self, p: &Principal<Scope>, req: GetMessageRequest) -> Result<MessageDetail, ApiError<GetMessageError>> {
        let sim = self.inner.delivery;
        model(self.run(p, move |conn, ctx| messages::get(conn, ctx, req.id, &sim)).await?)
    }
}

impl AuthApi for Sandbox {
    async fn send_otp(&self, p: &Principal<Scope>, req: SendOtpRequest) -> Result<OtpSent, ApiError<SendOtpError>> {
        let b = req.body;
        let send = auth::SendOtp {
            phone: b.phone,
            template_name: b.template_name,
            code: b.code,
            language: b.language,
            expiry_minutes: b.expiry_minutes,
            contact_id: b.contact_id,
            purpose: b.purpose,
            additional_params: b.additional_params.unwrap_or_default(),
        };
        model(self.run(p, move |conn, ctx| auth::send_otp(conn, ctx, &send)).await?)
    }

    async fn resend_otp(&self, p: &Principal<Scope>, req: ResendOtpRequest) -> Result<OtpSent, ApiError<ResendOtpError>> {
        let b = req.body;
        let resend = auth::ResendOtp {
            phone: b.phone,
            template_name: b.template_name,
            language: b.language,
            expiry_minutes: b.expiry_minutes,
            purpose: b.purpose,
        };
        model(self.run(p, move |conn, ctx| auth::resend_otp(conn, ctx, &resend)).await?)
    }

    async fn verify_otp(&self, p: &Principal<Scope>, req: VerifyOtpRequest) -> Result<OtpVerified, ApiError<VerifyOtpError>> {
        let b = req.body;
        model(self.run(p, move |conn, ctx| auth::verify_otp(conn, ctx, &b.phone, &b.code, b.purpose.as_deref())).await?)
    }

    async fn otp_status(&self, p: &Principal<Scope>, req: CheckOtpStatusRequest) -> Result<OtpStatus, ApiError<CheckOtpStatusError>> {
        let b = req.body;
        model(self.run(p, move |conn, ctx| auth::otp_status(conn, ctx, &b.phone, b.purpose.as_deref())).await?)
    }

    async fn list_templates(
        &self,
        p: &Principal<Scope>,
        req: ListAuthTemplatesRequest,
    ) -> Result<ListAuthTemplatesResponse, ApiError<ListAuthTemplatesError>> {
        let q = req.query;
        let mut conditions = filters("language", &q.filters.language);
        conditions.extend(filters("template_name", &q.filters.template_name));
        let params = list_params(q.page, q.per_page, &q.sort, &q.search, conditions);
        page(self.run(p, move |conn, ctx| templates::list_auth(conn, ctx, &params)).await?)
    }
}

impl CommentsApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: GetCommentsRequest) -> Result<Vec<Comment>, ApiError<GetCommentsError>> {
        model(self.run(p, move |conn, ctx| comments::list(conn, ctx, &req.mobile)).await?)
    }

    async fn add(&self, p: &Principal<Scope>, req: AddCommentRequest) -> Result<CommentAdded, ApiError<AddCommentError>> {
        let (mobile, b) = (req.mobile, req.body);
        let new = comments::NewComment {
            comment: b.comment,
            status_message: b.status_message,
            media_url: b.media_url,
            message_id: b.message_id,
            ref_message_id: b.ref_message_id,
        };
        model(self.run(p, move |conn, ctx| comments::add(conn, ctx, &mobile, &new)).await?)
    }
}
