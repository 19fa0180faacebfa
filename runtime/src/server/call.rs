//! One request through the glue: [`Shared`] (the service, config and conventions every route
//! shares) starts a [`Call`] after authentication, the scope check and the per-token rate
//! limit; the call parses path, query and body, applies operation limits, and writes the
//! success or error envelope.

// A finished response is the error of every step, as in axum handlers returning
// `Result<Response, Response>`; boxing it would only move the allocation.
#![allow(clippy::result_large_err)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::HeaderName;
use futures::FutureExt as _;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

mod respond;
mod trace;

use respond::{glue_error, single};
pub use trace::REQUEST_SPAN;
pub(super) use trace::TraceLayer;
use super::auth::{Authenticator, Principal, bearer_token};
use super::body::{self, BodyError};
use super::envelope::{Conventions, FieldErrors};
use super::query::{self, QuerySpec};
use super::config::Config;
use super::rate_limit::{RateLimiter, RateRule, Unavailable};
use super::validate::{Field, Rejected, validate_items};
use super::{Request, Response};
use crate::file::{File, MultipartBody};
use crate::operation::Operation;
use crate::query::QueryError;
use crate::scope::{ScopeEnum, ScopeSet};

/// The state of every generated route.
pub struct Shared<S> {
    inner: Arc<Inner<S>>,
}

struct Inner<S> {
    service: S,
    config: Config,
    conventions: &'static Conventions,
    names: Arc<HeaderNames>,
}

/// The header names of the conventions, parsed once (`None`: not a valid header name).
struct HeaderNames {
    auth: Option<HeaderName>,
    limit: Option<HeaderName>,
    remaining: Option<HeaderName>,
    retry_after: Option<HeaderName>,
}

impl<S> Clone for Shared<S> {
    fn clone(&self) -> Self {
        Shared { inner: Arc::clone(&self.inner) }
    }
}

impl<S: Send + Sync + 'static> Shared<S> {
    pub fn new(service: S, config: Config, conventions: &'static Conventions) -> Self {
        let name = |name: &str| HeaderName::from_bytes(name.as_bytes()).ok();
        let limits = &conventions.rate_limit;
        let names = HeaderNames {
            auth: name(conventions.auth_header),
            limit: name(limits.limit),
            remaining: name(limits.remaining),
            retry_after: name(limits.retry_after),
        };
        Shared { inner: Arc::new(Inner { service, config, conventions, names: Arc::new(names) }) }
    }

    /// The implementation of the API traits.
    pub fn service(&self) -> &S {
        &self.inner.service
    }

    pub fn conventions(&self) -> &'static Conventions {
        self.inner.conventions
    }

    /// Starts operation `R`: 401 without a known bearer token, 403 without `R::SCOPE`, 429
    /// when the token's per-minute limit is spent (503 when the limiter's store cannot decide
    /// and fails closed). `message` is the success message.
    ///
    /// The request goes into a boxed [`Call`] before the first `await`, so that the future keeps
    /// only the box: the handler's future holds this one, and axum moves that future into a box
    /// of its own at each layer, where a smaller future is fewer bytes to move.
    pub fn begin<R: Operation>(
        &self,
        request: Request,
        message: Option<&'static str>,
    ) -> impl Future<Output = Result<Box<Call<R::Scope>>, Response>> + Send + '_
    where
        S: Authenticator<R::Scope>,
    {
        let conventions = self.conventions();
        let config = &self.inner.config;
        let (parts, body) = request.into_parts();
        trace::record_operation::<R>(&parts.method);
        let mut call = Box::new(Call {
            conventions,
            // Replaced by the token's principal before the call is handed out.
            principal: Principal::new(0, String::new(), ScopeSet::new()),
            parts,
            pairs: Vec::new(),
            body: Some(body),
            status: R::SUCCESS_STATUS,
            message,
            error_messages: &[],
            names: Arc::clone(&self.inner.names),
            rate: None,
            json_limit: config.json_limit,
            upload_limit: config.upload_limit.unwrap_or(conventions.max_upload),
            max_field_errors: config.max_field_errors,
            limiter: config.rate_limiter.clone(),
            fields: Vec::new(),
            relations: &[],
            body_json: Map::new(),
            rejected: Rejected::default(),
        });
        async move {
            let codes = &conventions.codes;
            let unauthorized = || glue_error(conventions, &codes.unauthorized, None);
            let header = self.inner.names.auth.as_ref();
            let token = header.and_then(|name| bearer_token(&call.parts.headers, name)).ok_or_else(unauthorized)?;
            let principal = self.service().authenticate(token).await.ok_or_else(unauthorized)?;
            if let Some(scope) = R::SCOPE.filter(|s| !principal.scopes.contains(*s)) {
                let details = single(conventions.required_scope_key, scope.as_str().into());
                return Err(glue_error(conventions, &codes.insufficient_scope, Some(details)));
            }
            call.principal = principal;
            call.pairs = query::pairs(call.parts.uri.query());
            call.token_limit().await?;
            Ok(call)
        }
    }
}

/// `f` of `prefix` and `rest` joined, in a stack buffer when they fit (a per-request key
/// without an allocation).
fn joined<T>(prefix: &str, rest: &str, f: impl FnOnce(&str) -> T) -> T {
    let mut buffer = [0u8; 96];
    let len = prefix.len() + rest.len();
    let Some(key) = buffer.get_mut(..len) else { return f(&[prefix, rest].concat()) };
    let (head, tail) = key.split_at_mut(prefix.len());
    head.copy_from_slice(prefix.as_bytes());
    tail.copy_from_slice(rest.as_bytes());
    match std::str::from_utf8(key) {
        Ok(key) => f(key),
        Err(_) => unreachable!("two strings joined are UTF-8"),
    }
}

/// One request of one operation, after authentication.
pub struct Call<Sc> {
    conventions: &'static Conventions,
    principal: Principal<Sc>,
    parts: Parts,
    pairs: Vec<(String, String)>,
    body: Option<Body>,
    status: u16,
    message: Option<&'static str>,
    error_messages: &'static [(&'static str, &'static str)],
    names: Arc<HeaderNames>,
    /// The token's limit and what is left of it, sent with every response of the call.
    rate: Option<(u32, u32)>,
    json_limit: usize,
    /// The largest multipart body (`Config::upload_limit`).
    upload_limit: usize,
    max_field_errors: usize,
    limiter: Option<Arc<dyn RateLimiter>>,
    fields: Vec<String>,
    relations: &'static [&'static str],
    /// The validated body, for the keys of operation limits.
    body_json: Map<String, Value>,
    /// The items of `per_item` arrays the body's rules took out.
    rejected: Rejected,
}

impl<Sc: ScopeEnum> Call<Sc> {
    /// The caller.
    pub fn principal(&self) -> &Principal<Sc> {
        &self.principal
    }

    /// Messages of this operation that replace the catalogue's, by error code.
    #[must_use]
    pub fn with_error_messages(mut self, messages: &'static [(&'static str, &'static str)]) -> Self {
        self.error_messages = messages;
        self
    }

    /// A path parameter; a value that does not parse is 404 NOT_FOUND (no such resource).
    pub fn path<T: FromStr>(&mut self, name: &str) -> Result<T, Response> {
        // axum's extractor reads the router's match without waiting on anything: polled once,
        // it is ready, and the handler's future keeps no state for it.
        let params = RawPathParams::from_request_parts(&mut self.parts, &()).now_or_never();
        let value = params.and_then(Result::ok).and_then(|p| p.iter().find(|(k, _)| *k == name).and_then(|(_, v)| v.parse().ok()));
        value.ok_or_else(|| self.glue(&self.conventions.codes.not_found, None))
    }

    /// The query, parsed by the generated `from_pairs` and checked against `spec`; every
    /// problem is a 422 VALIDATION_ERROR field error.
    pub fn query<Q>(&mut self, spec: &'static QuerySpec, from_pairs: impl Fn(Vec<(&str, &str)>) -> Result<Q, QueryError>) -> Result<Q, Response> {
        match query::parse(self.conventions, spec, &self.pairs, self.max_field_errors, from_pairs) {
            Ok(parsed) => {
                self.fields = parsed.fields;
                self.relations = spec.relations;
                Ok(parsed.query)
            }
            Err(errors) => Err(self.invalid(&errors)),
        }
    }

    /// A JSON body: 415 for another content type, 413 over the limit, 422 when it is not a JSON
    /// object or breaks a rule of `rules`.
    pub async fn json<B: DeserializeOwned>(&mut self, rules: &[Field]) -> Result<B, Response> {
        let media = body::media_type(&self.parts.headers);
        if media.as_deref().is_some_and(|m| !body::is_json(m)) {
            return Err(self.body_error(BodyError::Unsupported));
        }
        let body = self.body.take().unwrap_or_default();
        let bytes = body::read_limited(&self.parts.headers, body, self.json_limit).await.map_err(|e| self.body_error(e))?;
        if media.is_none() && !bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(self.body_error(BodyError::Unsupported));
        }
        let object = body::json_object(&bytes).map_err(|e| self.body_error(e))?;
        self.typed(rules, object, Vec::new(), |_: &mut B, _: &str, file| Err(file))
    }

    /// A `multipart/form-data` body with files.
    pub async fn multipart<B: DeserializeOwned + MultipartBody>(&mut self, rules: &[Field]) -> Result<B, Response> {
        let media = body::media_type(&self.parts.headers);
        if !media.as_deref().is_some_and(body::is_multipart) {
            return Err(self.body_error(BodyError::Unsupported));
        }
        let mut request = Request::new(self.body.take().unwrap_or_default());
        *request.headers_mut() = self.parts.headers.clone();
        *request.extensions_mut() = self.parts.extensions.clone();
        let (mut object, files) = body::multipart(request, rules, self.upload_limit).await.map_err(|e| self.body_error(e))?;
        body::coerce(rules, &mut object);
        self.typed(rules, object, files, B::set_file)
    }

    /// A JSON body, or a `multipart/form-data` one when it carries files.
    pub async fn json_or_multipart<B: DeserializeOwned + MultipartBody>(&mut self, rules: &[Field]) -> Result<B, Response> {
        match body::media_type(&self.parts.headers) {
            Some(media) if body::is_multipart(&media) => self.multipart(rules).await,
            _ => self.json(rules).await,
        }
    }

    /// Validates, then builds the typed body and sets its files.
    fn typed<B: DeserializeOwned>(
        &mut self,
        rules: &[Field],
        mut object: Map<String, Value>,
        files: Vec<(String, File)>,
        set_file: impl Fn(&mut B, &str, File) -> Result<(), File>,
    ) -> Result<B, Response> {
        body::flatten_dotted(rules, &mut object);
        let mut errors = FieldErrors::with_cap(self.max_field_errors);
        let rejected = validate_items(rules, &mut object, &files, &mut errors);
        if !errors.is_empty() {
            rejected.items().iter().for_each(|item| errors.extend(item.request_errors()));
            return Err(self.invalid(&errors));
        }
        let mut typed: B = serde_json::from_value(Value::Object(object.clone())).map_err(|e| {
            let mut errors = FieldErrors::new();
            errors.add("body", format!("The request body does not match the operation: {e}."));
            self.invalid(&errors)
        })?;
        for (name, file) in files {
            // Parts of fields the body does not have are ignored, as unknown JSON keys are.
            let _ = set_file(&mut typed, &name, file);
        }
        self.body_json = object;
        self.rejected = rejected;
        Ok(typed)
    }

    /// The items the body's rules took out of its `per_item` arrays, for the implementation to
    /// report one by one.
    pub fn rejected(&mut self) -> Rejected {
        std::mem::take(&mut self.rejected)
    }

    /// The operation's own limits (`rate_limits:` of the spec), keyed by tenant and body fields.
    /// (`&mut self`: a shared borrow held across the store's await would need `Call: Sync`,
    /// which its body is not.)
    pub async fn rate_limits(&mut self, rules: &[RateRule]) -> Result<(), Response> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        for rule in rules {
            let Some(key) = rule.render(self.principal.tenant_id, &self.body_json) else { continue };
            match limiter.hit(&key, rule.limit, Duration::from_secs(rule.per_seconds)).await {
                Ok(decision) if !decision.allowed => return Err(self.too_many(decision.retry_after)),
                Ok(_) => {}
                Err(unavailable) => self.store_failed(&unavailable)?,
            }
        }
        Ok(())
    }

    /// The token's per-minute limit; its decision's limit and remaining count go on every
    /// response of the call (none when the store could not decide).
    async fn token_limit(&mut self) -> Result<(), Response> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        let limits = &self.conventions.rate_limit;
        let limit = self.principal.rate_limit.unwrap_or(limits.default_per_minute);
        let verdict = joined("token:", &self.principal.token_id, |key| limiter.hit(key, limit, Duration::from_secs(60))).await;
        match verdict {
            Ok(decision) => {
                self.rate = Some((decision.limit, decision.remaining));
                if decision.allowed { Ok(()) } else { Err(self.too_many(decision.retry_after)) }
            }
            Err(unavailable) => self.store_failed(&unavailable),
        }
    }

    /// A store that could not decide: the request goes on when it fails open, else 503.
    fn store_failed(&self, unavailable: &Unavailable) -> Result<(), Response> {
        match unavailable.fails_open() {
            true => Ok(()),
            false => Err(self.unavailable()),
        }
    }

}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, header};
    use serde_json::json;

    use super::*;
    use crate::scope::testing::Scope;
    use crate::server::envelope::{ApiError, CodeInfo};
    use crate::server::testing::CONVENTIONS;

    struct Create;

    impl Operation for Create {
        type Scope = Scope;
        const ID: &'static str = "create_thing";
        const METHOD: crate::Method = crate::Method::Post;
        const PATH: &'static str = "/things";
        const PATH_PARAMS: &'static [&'static str] = &[];
        const SCOPE: Option<Scope> = Some(Scope::ContactsWrite);
        const SUCCESS_STATUS: u16 = 201;
        fn render_path(&self) -> String {
            Self::PATH.to_owned()
        }
    }

    struct Auth;

    impl Authenticator<Scope> for Auth {
        async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
            match token {
                "rw" => Some(Principal::new(1, "rw", ScopeSet::all()).with_rate_limit(2)),
                "r" => Some(Principal::new(1, "r", ScopeSet::new().with(Scope::ContactsRead))),
                _ => None,
            }
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        name: String,
    }

    const RULES: &[Field] = &[super::super::validate::field("name", super::super::validate::Kind::String).required()];

    fn shared() -> Shared<Auth> {
        Shared::new(Auth, Config::default(), &CONVENTIONS)
    }

    fn request(token: Option<&str>, content_type: Option<&str>, body: &str) -> Request {
        let mut builder = axum::http::Request::builder().method("POST").uri("/things?page=2");
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder.body(Body::from(body.to_owned())).unwrap()
    }

    async fn read(response: Response) -> (u16, HeaderMap, Value) {
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (parts.status.as_u16(), parts.headers, serde_json::from_slice(&bytes).unwrap())
    }

    fn info(code: &'static str) -> CodeInfo {
        let status = if code == "VALIDATION_ERROR" { 422 } else { 404 };
        CodeInfo { code: code.to_owned(), status, message: Some("Catalogue message") }
    }

    #[test]
    fn joined_keys_fit_the_buffer_or_are_allocated() {
        assert_eq!(joined("token:", "abc", str::to_owned), "token:abc");
        assert_eq!(joined("token:", "", str::to_owned), "token:");
        assert_eq!(joined("token:", "é", str::len), 8);
        let long = "x".repeat(200);
        assert_eq!(joined("token:", &long, str::to_owned), format!("token:{long}"));
    }

    #[tokio::test]
    async fn begin_checks_token_scope_and_limit_in_that_order() {
        let s = shared();
        let (status, _, body) = read(s.begin::<Create>(request(None, None, ""), None).await.err().unwrap()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("UNAUTHORIZED")));
        let (status, _, body) = read(s.begin::<Create>(request(Some("x"), None, ""), None).await.err().unwrap()).await;
        assert_eq!((status, body["message"].as_str()), (401, Some("Unauthenticated")));
        let (status, _, body) = read(s.begin::<Create>(request(Some("r"), None, ""), None).await.err().unwrap()).await;
        assert_eq!((status, &body["error"]["details"]), (403, &json!({"required_scope": "contacts:write"})));
        assert!(s.begin::<Create>(request(Some("rw"), None, ""), None).await.is_ok());
        assert!(s.begin::<Create>(request(Some("rw"), None, ""), None).await.is_ok());
        let (status, headers, body) = read(s.begin::<Create>(request(Some("rw"), None, ""), None).await.err().unwrap()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (429, Some("RATE_LIMIT_EXCEEDED")));
        assert_eq!(headers["x-ratelimit-remaining"], "0");
        assert_eq!(headers["retry-after"].to_str().unwrap(), body["error"]["details"]["retry_after"].to_string());
    }

    /// A store that never answers (Redis down), failing as `on_error` says.
    struct Down(crate::server::OnError);

    impl RateLimiter for Down {
        fn hit(&self, _: &str, _: u32, _: Duration) -> crate::server::Pending<'_> {
            crate::server::Pending::boxed(async { Err(Unavailable::new(self.0, "down")) })
        }

        fn peek(&self, key: &str, limit: u32, window: Duration) -> crate::server::Pending<'_> {
            self.hit(key, limit, window)
        }

        fn clear(&self, _: &str) -> crate::server::Pending<'_, Result<(), Unavailable>> {
            crate::server::Pending::ready(Err(Unavailable::new(self.0, "down")))
        }
    }

    #[tokio::test]
    async fn a_store_that_cannot_decide_lets_through_or_answers_503() {
        let open = Shared::new(Auth, Config::default().with_rate_limiter(Down(crate::server::OnError::FailOpen)), &CONVENTIONS);
        let mut call = open.begin::<Create>(request(Some("rw"), None, ""), None).await.unwrap();
        assert!(call.rate_limits(&[RateRule::new("x:{tenant_id}", 1, 60)]).await.is_ok(), "operation limits fail open too");
        let (status, headers, _) = read(call.data(Ok::<_, ApiError<&'static str>>(json!({})), info)).await;
        assert_eq!(status, 201);
        assert!(headers.get("x-ratelimit-remaining").is_none(), "no count is known, none is stated");

        let closed = Shared::new(Auth, Config::default().with_rate_limiter(Down(crate::server::OnError::FailClosed)), &CONVENTIONS);
        let (status, headers, body) = read(closed.begin::<Create>(request(Some("rw"), None, ""), None).await.err().unwrap()).await;
        assert_eq!((status, body["success"].as_bool(), body["error"]["code"].as_str()), (503, Some(false), Some("SERVICE_UNAVAILABLE")));
        assert_eq!(headers["retry-after"], "1");
    }

    #[tokio::test]
    async fn json_bodies_and_the_success_envelope() {
        let s = Shared::new(Auth, Config::default().without_rate_limit(), &CONVENTIONS);
        let mut call = s.begin::<Create>(request(Some("rw"), Some("application/json"), r#"{"name": "a"}"#), Some("Created")).await.unwrap();
        let body: Thing = call.json(RULES).await.unwrap();
        assert_eq!(body.name, "a");
        let ok: Result<Value, ApiError<&'static str>> = Ok(json!({"id": 1}));
        let (status, headers, json) = read(call.data(ok, info)).await;
        assert_eq!((status, json), (201, json!({"success": true, "message": "Created", "data": {"id": 1}})));
        assert!(headers.get("x-ratelimit-limit").is_none(), "no limiter, no headers");

        let mut call = s.begin::<Create>(request(Some("rw"), Some("application/json"), "{}"), None).await.unwrap();
        let (status, _, json) = read(call.json::<Thing>(RULES).await.err().unwrap()).await;
        assert_eq!((status, &json["errors"]), (422, &json!({"name": ["The name field is required."]})));
    }

    #[tokio::test]
    async fn lists_get_links_and_errors_get_their_messages() {
        let s = shared();
        let call = s.begin::<Create>(request(Some("rw"), None, ""), Some("Listed")).await.unwrap();
        let page = crate::server::paginate(vec![json!(1)], 3, 2, 1);
        let (status, _, json) = read(call.list(Ok::<_, ApiError<&'static str>>(page), info)).await;
        assert_eq!(status, 201);
        assert_eq!(json["links"], json!({"first": "/things?page=1", "last": "/things?page=3", "prev": "/things?page=1", "next": "/things?page=3"}));
        assert_eq!(json["meta"]["total"], 3);

        let call = s.begin::<Create>(request(Some("rw"), None, ""), None).await.unwrap().with_error_messages(&[("NOT_FOUND", "Thing not found")]);
        let (status, _, json) = read(call.error(ApiError::new("NOT_FOUND"), info)).await;
        assert_eq!((status, json["message"].as_str()), (404, Some("Thing not found")));
        assert!(json.get("errors").is_none());
        let (_, headers, json) = read(call.error(ApiError::new("NOT_FOUND").with_message("Gone").with_retry_after(5), info)).await;
        assert_eq!((json["message"].as_str(), &json["error"]["details"]), (Some("Gone"), &json!({"retry_after": 5})));
        assert_eq!(headers["retry-after"], "5");
        let (status, _, json) = read(call.error(ApiError::new("VALIDATION_ERROR"), info)).await;
        assert_eq!((status, json["message"].as_str(), &json["errors"]), (422, Some("Catalogue message"), &json!({})));
    }
}
