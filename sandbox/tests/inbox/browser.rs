//! A real headless Chromium for the inbox tests: Debian's `chromedriver` started as a child on
//! a free port of 127.0.0.1 (killed when the `Browser` drops, a failed test included) and a
//! fantoccini WebDriver session on it, with a fresh profile and Chromium's background
//! networking off (this machine's network is closed; lookups of Google's hosts would stall).

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Where Debian's packages put them.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A WebDriver session in a headless Chromium, and its driver process.
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// The chromedriver process, in a process group of its own with the Chromium it starts; the
/// group is killed on drop, so a failed test leaves no browser behind.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `None` (after printing why) when chromedriver is not installed and this is not CI; CI (the
/// `CI` variable set) fails instead, so that the tests really run there.
pub async fn start() -> Option<Browser> {
    if !Path::new(CHROMEDRIVER).exists() {
        let why = format!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
        if std::env::var_os("CI").is_some() {
            panic!("CI runs the inbox's browser tests: {why}");
        }
        // straight to stderr: the test harness captures `println!` of passing tests
        let _ = writeln!(std::io::stderr(), "skipping the inbox's browser test: {why}");
        return None;
    }
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(driver);
    let profile = tempfile::tempdir().expect("a profile dir");
    let client = connect(port, profile.path()).await;
    client.set_window_size(1280, 900).await.expect("window size");
    Some(Browser { client, _driver: driver, _profile: profile })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// A session, once the driver listens (it takes a moment to start).
async fn connect(port: u16, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ];
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let capabilities = json!({ "browserName": "chrome", "goog:chromeOptions": { "binary": CHROMIUM, "args": args } });
    let Value::Object(capabilities) = capabilities else { unreachable!() };
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        match ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await {
            Ok(client) => return client,
            Err(_) if started.elapsed() < Duration::from_secs(20) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => panic!("no WebDriver session at {url}: {e}"),
        }
    }
}

impl Browser {
    /// Ends the session (Chromium quits); the driver is killed on drop.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// The value of a script (`return …`).
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, Vec::new()).await.unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Waits up to 15 s for the JavaScript expression `condition` to hold; panics with `what`
    /// and the page's text.
    pub async fn wait_until(&self, what: &str, condition: &str) {
        let script = format!("return Boolean({condition})");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if self.js(&script).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let text = self.js("return document.body.innerText").await;
        panic!("timed out waiting for {what}; the page reads:\n{}", text.as_str().unwrap_or_default());
    }

    /// Types `text` into the field labelled by the element with id `id`.
    pub async fn type_into(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("#{id}: {e}"));
        field.send_keys(text).await.expect("typing");
    }

    /// Clicks the element `css` matches.
    pub async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("click");
    }

    /// Saves a screenshot of the page as `target/inbox-screenshots/{name}.png`; returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("the screenshots dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }
}

/// `$CARGO_TARGET_DIR/inbox-screenshots`, else the workspace's `target/inbox-screenshots`.
pub fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("inbox-screenshots")
}
