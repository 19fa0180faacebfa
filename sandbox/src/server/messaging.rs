//! Messages, OTPs and chat notes: `MessagesApi`, `AuthApi` and `CommentsApi` over the store.

use wacr_server::models::*;
use wacr_server::{ApiError, AuthApi, CommentsApi, MessagesApi, Principal};

use super::Sandbox;
use crate::store::{auth, comments, messages, templates};

impl MessagesApi for Sandbox {
    async fn send_text(&self, p: &Principal<Scope>, req: SendTextMessageRequest) -> Result<TextMessageSent, ApiError<SendTextMessageError>> {
        self.run(p, move |conn, ctx| messages::send_text(conn, ctx, &req.body)).await
    }

    async fn send_template(
        &self,
        p: &Principal<Scope>,
        req: SendTemplateMessageRequest,
    ) -> Result<SendTemplateResult, ApiError<SendTemplateMessageError>> {
        self.run(p, move |conn, ctx| messages::send_template(conn, ctx, &req.body)).await
    }

    async fn send_media(&self, p: &Principal<Scope>, req: SendMediaMessageRequest) -> Result<MediaMessageSent, ApiError<SendMediaMessageError>> {
        self.run(p, move |conn, ctx| messages::send_media(conn, ctx, &req.body)).await
    }

    async fn send_interactive(
        &self,
        p: &Principal<Scope>,
        req: SendInteractiveMessageRequest,
    ) -> Result<InteractiveMessageSent, ApiError<SendInteractiveMessageError>> {
        self.run(p, move |conn, ctx| messages::send_interactive(conn, ctx, &req.body)).await
    }

    async fn list(&self, p: &Principal<Scope>, req: ListMessagesRequest) -> Result<ListMessagesResponse, ApiError<ListMessagesError>> {
        let sim = self.inner.delivery;
        self.run(p, move |conn, ctx| messages::list(conn, ctx, &req.query, &sim)).await
    }

    async fn get(&self, p: &Principal<Scope>, req: GetMessageRequest) -> Result<MessageDetail, ApiError<GetMessageError>> {
        let sim = self.inner.delivery;
        self.run(p, move |conn, ctx| messages::get(conn, ctx, req.id, &sim)).await
    }
}

impl AuthApi for Sandbox {
    async fn send_otp(&self, p: &Principal<Scope>, req: SendOtpRequest) -> Result<OtpSent, ApiError<SendOtpError>> {
        self.run(p, move |conn, ctx| auth::send_otp(conn, ctx, &req.body)).await
    }

    async fn resend_otp(&self, p: &Principal<Scope>, req: ResendOtpRequest) -> Result<OtpSent, ApiError<ResendOtpError>> {
        self.run(p, move |conn, ctx| auth::resend_otp(conn, ctx, &req.body)).await
    }

    async fn verify_otp(&self, p: &Principal<Scope>, req: VerifyOtpRequest) -> Result<OtpVerified, ApiError<VerifyOtpError>> {
        self.run(p, move |conn, ctx| auth::verify_otp(conn, ctx, &req.body)).await
    }

    async fn otp_status(&self, p: &Principal<Scope>, req: CheckOtpStatusRequest) -> Result<OtpStatus, ApiError<CheckOtpStatusError>> {
        self.run(p, move |conn, ctx| auth::otp_status(conn, ctx, &req.body)).await
    }

    async fn list_templates(
        &self,
        p: &Principal<Scope>,
        req: ListAuthTemplatesRequest,
    ) -> Result<ListAuthTemplatesResponse, ApiError<ListAuthTemplatesError>> {
        self.run(p, move |conn, ctx| templates::list_auth(conn, ctx, &req.query)).await
    }
}

impl CommentsApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: GetCommentsRequest) -> Result<Vec<Comment>, ApiError<GetCommentsError>> {
        self.run(p, move |conn, ctx| comments::list(conn, ctx, &req.mobile)).await
    }

    async fn add(&self, p: &Principal<Scope>, req: AddCommentRequest) -> Result<CommentAdded, ApiError<AddCommentError>> {
        self.run(p, move |conn, ctx| comments::add(conn, ctx, &req.mobile, &req.body)).await
    }
}
