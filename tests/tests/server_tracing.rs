//! The generated router's request span: one per request, with OpenTelemetry's HTTP field names,
//! the operation id, route, status and latency; an `error` event with the implementation's cause
//! on a 5xx; the token in none of it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use wacr_server::models::*;
use wacr_server::{ApiError, Authenticator, Principal};

const TOKEN: &str = "wacr-server-tracing-token-5be0";

/// Fields as text, by name.
type Fields = BTreeMap<String, String>;

/// An event: its level, the name of the span it is in, its fields.
type Event = (tracing::Level, Option<String>, Fields);

struct Text<'a>(&'a mut Fields);

impl Visit for Text<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

/// Every span (its name and fields, as recorded until it closes) and every event (its level,
/// the span it is in, its fields).
#[derive(Clone, Default)]
struct Captured {
    spans: Arc<Mutex<Vec<(String, Fields)>>>,
    events: Arc<Mutex<Vec<Event>>>,
}

/// A span's index in `Captured::spans`.
struct Index(usize);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Captured {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Text(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push((attrs.metadata().name().to_owned(), fields));
        ctx.span(id).unwrap().extensions_mut().insert(Index(spans.len() - 1));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let index = span.extensions().get::<Index>().unwrap().0;
        values.record(&mut Text(&mut self.spans.lock().unwrap()[index].1));
    }
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Text(&mut fields));
        let parent = ctx.event_span(event).map(|span| span.name().to_owned());
        self.events.lock().unwrap().push((*event.metadata().level(), parent, fields));
    }
}

struct Statuses;

impl Authenticator<Scope> for Statuses {
    async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
        (token == TOKEN).then(|| Principal::new(1, "token-1", ScopeSet::all()))
    }
}

impl wacr_server::StatusesApi for Statuses {
    async fn list(&self, _: &Principal<Scope>, _: ListStatusesRequest) -> Result<ListStatusesResponse, ApiError<ListStatusesError>> {
        let cause = std::io::Error::other("database is locked");
        Err(ApiError::new(ListStatusesError::InternalError).with_cause(cause))
    }
    async fn create(&self, _: &Principal<Scope>, _: CreateStatusRequest) -> Result<CreateStatusResponse, ApiError<CreateStatusError>> {
        Err(CreateStatusError::InternalError.into())
    }
    async fn get(&self, _: &Principal<Scope>, req: GetStatusRequest) -> Result<GetStatusResponse, ApiError<GetStatusError>> {
        let now = "2026-01-01T00:00:00Z".to_owned();
        Ok(Status { id: req.id, name: "New".into(), color: None, created_at: now.clone(), updated_at: now })
    }
    async fn update(&self, _: &Principal<Scope>, _: UpdateStatusRequest) -> Result<UpdateStatusResponse, ApiError<UpdateStatusError>> {
        Err(UpdateStatusError::NotFound.into())
    }
    async fn delete(&self, _: &Principal<Scope>, _: DeleteStatusRequest) -> Result<DeleteStatusResponse, ApiError<DeleteStatusError>> {
        Err(DeleteStatusError::NotFound.into())
    }
}

/// The status line of a `GET path` with the token.
async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {TOKEN}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_request_has_a_span_and_a_5xx_logs_its_cause() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(captured.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = wacr_server::statuses_router(Statuses, wacr_server::Config::default());
    tokio::spawn(async move { wacr_server::axum::serve(listener, app).await });

    assert_eq!(get(addr, "/statuses/7").await, "HTTP/1.1 200 OK");
    assert_eq!(get(addr, "/statuses").await, "HTTP/1.1 500 Internal Server Error");
    assert_eq!(get(addr, "/nowhere").await, "HTTP/1.1 404 Not Found");

    let spans = captured.spans.lock().unwrap().clone();
    let requests: Vec<&Fields> = spans.iter().filter(|(name, _)| name == wacr_runtime::server::REQUEST_SPAN).map(|(_, f)| f).collect();
    assert_eq!(requests.len(), 3, "one span per request: {spans:#?}");
    let field = |span: &Fields, name: &str| span.get(name).cloned().unwrap_or_default();
    let (ok, failed, unknown) = (requests[0], requests[1], requests[2]);
    assert_eq!(field(ok, "http.request.method"), "GET");
    assert_eq!(field(ok, "http.route"), "/statuses/{id}");
    assert_eq!(field(ok, "wacr.operation"), "get_status");
    assert_eq!(field(ok, "otel.name"), "GET /statuses/{id}");
    assert_eq!(field(ok, "otel.kind"), "server");
    assert_eq!(field(ok, "http.response.status_code"), "200");
    assert!(field(ok, "latency_ms").parse::<f64>().is_ok_and(|ms| ms >= 0.0), "{ok:?}");
    assert_eq!(field(failed, "wacr.operation"), "list_statuses");
    assert_eq!(field(failed, "http.response.status_code"), "500");
    assert_eq!(field(failed, "otel.status_code"), "ERROR");
    assert_eq!(field(unknown, "http.response.status_code"), "404");
    assert!(!unknown.contains_key("wacr.operation") && !unknown.contains_key("http.route"), "{unknown:?}");

    let events = captured.events.lock().unwrap().clone();
    let errors: Vec<_> = events.iter().filter(|(level, _, _)| *level == tracing::Level::ERROR).collect();
    assert_eq!(errors.len(), 1, "one error event, for the 500: {events:#?}");
    let (_, parent, fields) = errors[0];
    assert_eq!(parent.as_deref(), Some(wacr_runtime::server::REQUEST_SPAN), "the error event is in the request span");
    assert_eq!(field(fields, "cause"), "database is locked");
    assert_eq!(field(fields, "error.type"), "INTERNAL_ERROR");
    assert_eq!(field(fields, "status"), "500");

    let everything = format!("{spans:?}{events:?}");
    assert!(!everything.contains(TOKEN), "the token appears in the trace: {everything}");
}
