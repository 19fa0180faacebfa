//! Messages, OTPs and chat notes: `MessagesApi`, `AuthApi` and `CommentsApi` over the store.

use wacr_server::models::*;
use wacr_server::{ApiError, AuthApi, CommentsApi, MessagesApi, Principal};

use super::Sandbox;
use crate::store::auth::OtpLimits;
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

impl Sandbox {
    /// The OTP limits are counted in a shared rate-limit store when there is one, else in the
    /// database.
    fn otp_limits(&self) -> OtpLimits {
        match self.inner.limits.shared() {
            true => OtpLimits::Caller,
            false => OtpLimits::Database,
        }
    }
}

impl AuthApi for Sandbox {
    async fn send_otp(&self, p: &Principal<Scope>, req: SendOtpRequest) -> Result<OtpSent, ApiError<SendOtpError>> {
        self.run(p, move |conn, ctx| auth::send_otp(conn, ctx, &req.body)).await
    }

    async fn resend_otp(&self, p: &Principal<Scope>, req: ResendOtpRequest) -> Result<OtpSent, ApiError<ResendOtpError>> {
        let limits = self.otp_limits();
        if limits == OtpLimits::Caller {
            let key = auth::resend_key(p.tenant_id, &req.body.phone);
            self.inner.limits.otp_hit(&key, auth::RESEND_LIMIT, auth::RESEND_WINDOW_SECS, self.inner.limits.now()).await?;
        }
        self.run(p, move |conn, ctx| auth::resend_otp_with(conn, ctx, &req.body, limits)).await
    }

    async fn verify_otp(&self, p: &Principal<Scope>, req: VerifyOtpRequest) -> Result<OtpVerified, ApiError<VerifyOtpError>> {
        let limits = self.otp_limits();
        if limits == OtpLimits::Database {
            return self.run(p, move |conn, ctx| auth::verify_otp(conn, ctx, &req.body)).await;
        }
        let key = auth::verify_key(p.tenant_id, &req.body.phone);
        self.inner.limits.otp_hit(&key, auth::VERIFY_LIMIT, auth::VERIFY_WINDOW_SECS, self.inner.limits.now()).await?;
        let verified = self.run(p, move |conn, ctx| auth::verify_otp_with(conn, ctx, &req.body, limits)).await?;
        // A store that does not answer has warned; the window then runs out by itself.
        let _ = self.inner.limits.clear(&key).await;
        Ok(verified)
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
