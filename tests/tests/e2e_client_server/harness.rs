//! Starting a test server on 127.0.0.1 and reading the client's answers.

#[allow(unused_imports)]
use super::*;

/// A running server with a freshly seeded store.
pub(super) struct Server {
    pub(super) addr: SocketAddr,
    pub(super) seen: Arc<Mutex<Seen>>,
}

pub(super) async fn start() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let crm = Crm::seeded();
    let seen = Arc::clone(&crm.seen);
    let app = wacr_server::router_with(crm, Config::default());
    tokio::spawn(async move { wacr_server::axum::serve(listener, app).await.expect("serve") });
    Server { addr, seen }
}

impl Server {
    pub(super) fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The generated client with its default settings (retries included) and `token`.
    pub(super) fn client(&self, token: &str) -> Client {
        let builder = Client::builder().base_url(self.base()).token(token).timeout(Some(Duration::from_secs(10)));
        builder.build().expect("client")
    }

    /// A GET without the client, to see the JSON exactly as sent: `(status, body)`.
    pub(super) async fn raw_get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n{auth}Connection: close\r\n\r\n", self.addr);
        let mut stream = TcpStream::connect(self.addr).await.expect("connect");
        stream.write_all(head.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        let raw = String::from_utf8(raw).expect("UTF-8 response");
        let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
        assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "the envelope has a length: {head}");
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        (status, serde_json::from_str(body).expect("a JSON body"))
    }
}

/// The typed API error of a call that must fail.
pub(super) fn api_error<T: Debug, E: Debug>(result: Result<T, Error<E>>) -> wacr_client::ApiError<E> {
    match result {
        Err(Error::Api(error)) => *error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

pub(super) fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    pairs.iter().map(|(f, m)| ((*f).to_owned(), vec![(*m).to_owned()])).collect()
}

pub(super) fn names(contacts: &[Contact]) -> Vec<&str> {
    contacts.iter().map(|c| c.firstname.as_str()).collect()
}

pub(super) const ANN_PHONE: &str = "+919999990001";
pub(super) const EVE_PHONE: &str = "+919999990005";
