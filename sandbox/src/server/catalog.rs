//! The account and the tenant's reference data: `AccountApi`, `SourcesApi`, `StatusesApi` and
//! `TemplatesApi` over the store.

use wacr_server::models::*;
use wacr_server::{AccountApi, ApiError, Principal, SourcesApi, StatusesApi, TemplatesApi};

use super::Sandbox;
use super::convert::api_error;
use crate::store::{self, account, named, templates};

impl AccountApi for Sandbox {
    async fn get(&self, p: &Principal<Scope>, _: GetAccountInfoRequest) -> Result<Account, ApiError<GetAccountInfoError>> {
        self.run(p, |conn, ctx| account::get(conn, ctx)).await
    }

    async fn usage(&self, p: &Principal<Scope>, _: GetUsageStatisticsRequest) -> Result<Usage, ApiError<GetUsageStatisticsError>> {
        self.run(p, |conn, ctx| account::usage(conn, ctx)).await
    }

    async fn limits(&self, p: &Principal<Scope>, _: GetPlanLimitsRequest) -> Result<PlanLimits, ApiError<GetPlanLimitsError>> {
        let per_minute = i64::from(p.rate_limit.unwrap_or(60));
        self.run(p, move |conn, ctx| account::limits(conn, ctx, per_minute)).await
    }
}

impl SourcesApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListSourcesRequest) -> Result<ListSourcesResponse, ApiError<ListSourcesError>> {
        let q = req.query;
        self.run(p, move |conn, ctx| named::list(conn, ctx, (q.page, q.per_page), &q.sort, q.search.as_deref())).await
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateSourceRequest) -> Result<Source, ApiError<CreateSourceError>> {
        self.run(p, move |conn, ctx| named::create(conn, ctx, &req.body.name, None)).await
    }

    async fn get(&self, p: &Principal<Scope>, req: GetSourceRequest) -> Result<Source, ApiError<GetSourceError>> {
        self.run(p, move |conn, ctx| named::get(conn, ctx, req.id)).await
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateSourceRequest) -> Result<Source, ApiError<UpdateSourceError>> {
        self.run(p, move |conn, ctx| named::update(conn, ctx, req.id, &req.body.name, None)).await
    }

    async fn delete(&self, p: &Principal<Scope>, req: DeleteSourceRequest) -> Result<(), ApiError<DeleteSourceError>> {
        self.run(p, move |conn, ctx| named::delete::<Source>(conn, ctx, req.id)).await
    }
}

impl StatusesApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListStatusesRequest) -> Result<ListStatusesResponse, ApiError<ListStatusesError>> {
        let q = req.query;
        self.run(p, move |conn, ctx| named::list(conn, ctx, (q.page, q.per_page), &q.sort, q.search.as_deref())).await
    }

    async fn create(&self, p: &Principal<Scope>, req: CreateStatusRequest) -> Result<Status, ApiError<CreateStatusError>> {
        let body = req.body;
        self.run(p, move |conn, ctx| named::create(conn, ctx, &body.name, body.color.as_deref())).await
    }

    async fn get(&self, p: &Principal<Scope>, req: GetStatusRequest) -> Result<Status, ApiError<GetStatusError>> {
        self.run(p, move |conn, ctx| named::get(conn, ctx, req.id)).await
    }

    async fn update(&self, p: &Principal<Scope>, req: UpdateStatusRequest) -> Result<Status, ApiError<UpdateStatusError>> {
        let (id, body) = (req.id, req.body);
        self.run(p, move |conn, ctx| named::update(conn, ctx, id, &body.name, body.color.as_deref())).await
    }

    async fn delete(&self, p: &Principal<Scope>, req: DeleteStatusRequest) -> Result<(), ApiError<DeleteStatusError>> {
        self.run(p, move |conn, ctx| named::delete::<Status>(conn, ctx, req.id)).await
    }
}

impl TemplatesApi for Sandbox {
    async fn list(&self, p: &Principal<Scope>, req: ListTemplatesRequest) -> Result<ListTemplatesResponse, ApiError<ListTemplatesError>> {
        self.run(p, move |conn, ctx| templates::list(conn, ctx, &req.query)).await
    }

    async fn sync(&self, p: &Principal<Scope>, _: SyncTemplatesRequest) -> Result<TemplateSyncResult, ApiError<SyncTemplatesError>> {
        let fixture = self.inner.config.load_fixture().map_err(|e| api_error(store::Error::Internal(e.to_string())))?;
        self.run(p, move |conn, ctx| templates::sync(conn, ctx, &fixture)).await
    }

    async fn get(&self, p: &Principal<Scope>, req: GetTemplateRequest) -> Result<Template, ApiError<GetTemplateError>> {
        self.run(p, move |conn, ctx| templates::get(conn, ctx, &req.id)).await
    }
}
