//! wacr-sandbox under load on a database of 100,000 contacts: get-contact with every include,
//! list-contacts (100 per page, a filter and a sort) and create-contact, each with its rate
//! and p50/p99, and the server's memory at the end.
//!
//! The database is prepared in this process (the sandbox's own `startup::prepare`, then the
//! contacts in one transaction of prepared inserts) and served by a child process
//! (`wacr-bench serve-sandbox DB`), so the memory row is the sandbox's alone, read from
//! `/proc/<child>/status`. The child stops when its stdin closes.
//!
//! When `wrk` is on PATH, the same three loads run again under wrk against the same child
//! (get and list right after ours, on the same database; create after ours), in rows beside
//! ours (`wrk`, which also says how to run them by hand).

use anyhow::anyhow;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use wacr_sandbox::seed::TenantSeed;
use wacr_sandbox::{Config, DbPath, startup};

use crate::load::{self, Outcome, Plan};
use crate::table::Row;
use crate::{Settings, runtime, stats};

pub mod wrk;

/// Requests per minute for the bench's token: never reached.
const UNLIMITED: i64 = 1_000_000_000;
/// Connections of the sandbox rows (one SQLite connection serves them all).
pub const CONNECTIONS: usize = 8;

const FIRST: [&str; 20] = [
    "Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gina", "Hugo", "Ines", "Joao", "Karin", "Luis", "Marta", "Nuno", "Olga", "Pedro",
    "Quinn", "Rita", "Sara", "Tomas",
];
const LAST: [&str; 10] = ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa"];
const TYPES: [&str; 3] = ["lead", "customer", "guest"];

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let contacts = if settings.quick { 10_000 } else { 100_000 };
    let dir = tempfile::Builder::new().prefix("wacr-bench-sandbox").tempdir().map_err(|e| anyhow!("{e}"))?;
    let db = dir.path().join("sandbox.db");
    let prepared = prepare(&db, contacts)?;
    let child = Server::start(&db)?;
    let addr = child.addr;
    let driver = runtime(1);
    let plan = Plan { connections: CONNECTIONS, duration: settings.round() * 2, max_requests: settings.max_requests(), rate: None };
    let token: Arc<str> = prepared.token.as_str().into();

    let get_path = {
        let (first, count) = (prepared.first_id, contacts as u64);
        move |n: u64| format!("/contacts/{}?include=groups,source,status", first + ((n * 7919) % count) as i64)
    };
    let t = Arc::clone(&token);
    let warm = Plan { duration: settings.round() / 2, ..plan };
    driver.block_on(load::run(addr, warm, Arc::new(move |n| load::get(addr, &get_path(n), &t))))?;
    let t = Arc::clone(&token);
    let mut get = checked(driver.block_on(load::run(addr, plan, Arc::new(move |n| load::get(addr, &get_path(n), &t)))))?;

    let t = Arc::clone(&token);
    let list_path = |n: u64| format!("/contacts?per_page=100&page={}&filter[type]=lead&sort=firstname", n % 10 + 1);
    let mut list = checked(driver.block_on(load::run(addr, plan, Arc::new(move |n| load::get(addr, &list_path(n), &t)))))?;

    // wrk's get and list on the same database as ours (before any create adds contacts)
    let wrk_runs = wrk::available().then(|| WrkRuns::new(dir.path(), addr, plan.duration, &prepared, contacts));
    let wrk_reads = wrk_runs.as_ref().map(|w| [w.run(0), w.run(1)]);

    let create = creates(addr, Arc::clone(&token), (prepared.source_id, prepared.status_id), "+1666");
    let mut created = checked(driver.block_on(load::run(addr, plan, create)))?;
    let wrk_create = wrk_runs.as_ref().map(|w| w.run(2));

    let memory = child.memory();
    child.stop();
    let count = thousands(contacts);
    let get_rps = get.per_second();
    let mut rows = vec![Row::new(format!("sandbox: seed {count} contacts in one transaction"), stats::duration(prepared.seeding))];
    rows.push(row(format!("sandbox get-contact, include=groups,source,status ({count} contacts, {CONNECTIONS} connections)"), &mut get, None));
    rows.push(row("sandbox list-contacts, per_page=100, filter[type]=lead, sort=firstname".into(), &mut list, Some(get_rps)));
    rows.push(row("sandbox create-contact".into(), &mut created, Some(get_rps)));
    match (wrk_runs, wrk_reads, wrk_create) {
        (Some(w), Some([wrk_get, wrk_list]), Some(wrk_create)) => {
            let wrk_get_rps = wrk_get.as_ref().ok().map(|r| r.per_second);
            let what = |load: &str| format!("wrk {} (the same server and database): {load}", w.flags);
            rows.push(wrk_row(what("get-contact"), wrk_get, &mut get, None));
            rows.push(wrk_row(what("list-contacts"), wrk_list, &mut list, wrk_get_rps));
            rows.push(wrk_row(what("create-contact"), wrk_create, &mut created, wrk_get_rps));
        }
        _ => rows.push(Row::new("sandbox loads under wrk", wrk::MISSING)),
    }
    rows.push(Row::new("sandbox memory at the end (VmRSS, peak VmHWM)", memory));
    Ok(rows)
}

/// wrk's three runs: the scripts written next to the database, and each run's arguments.
struct WrkRuns {
    addr: SocketAddr,
    /// The flags every run shares, for the rows' names.
    flags: String,
    /// get, list and create; or why the wrk scripts could not be written.
    args: Result<[Vec<String>; 3], String>,
}

impl WrkRuns {
    fn new(dir: &Path, addr: SocketAddr, duration: Duration, prepared: &Prepared, contacts: usize) -> WrkRuns {
        let scripts = wrk::write_scripts(dir);
        let script_args = prepared.wrk_script_args(contacts);
        let args = scripts
            .map(|paths| std::array::from_fn(|i| wrk::args(addr, CONNECTIONS, duration, &prepared.token, &paths[i], &script_args[i])))
            .map_err(|e| e.to_string());
        let flags = wrk::args(addr, CONNECTIONS, duration, "", Path::new(""), &[])[..4].join(" ");
        WrkRuns { addr, flags, args }
    }

    fn run(&self, load: usize) -> anyhow::Result<wrk::Report> {
        eprintln!("wacr-bench: sandbox: wrk {}", wrk::SCRIPTS[load].0);
        let args = self.args.as_ref().map_err(|e| anyhow!("{e}"))?;
        wrk::run(self.addr, &args[load])
    }
}

/// A wrk row beside the same load from the bench's generator (ratio wrk / ours); list and
/// create also against wrk's own get.
fn wrk_row(what: String, report: anyhow::Result<wrk::Report>, ours: &mut Outcome, wrk_get_rps: Option<f64>) -> Row {
    let r = match report {
        Ok(r) => r,
        Err(e) => return Row::new(what, format!("failed: {e}")),
    };
    let (p50, p99) = ours.p50_p99();
    let mut value = format!("{} (p50 {}, p99 {})", stats::rate(r.per_second), stats::duration(r.p50), stats::duration(r.p99));
    if r.failed > 0 {
        value.push_str(&format!("; {} of {} requests failed", r.failed, r.requests));
    }
    let compared = format!("our load generator {} (p50 {}, p99 {})", stats::rate(ours.per_second()), stats::duration(p50), stats::duration(p99));
    let row = Row::new(what, value).compared(compared).ratio(r.per_second / ours.per_second().max(1e-9));
    match wrk_get_rps {
        Some(get) => {
            let slower = get / r.per_second.max(1e-9);
            row.target(format!("≤ 5x slower than get: {slower:.2}x under wrk"), slower <= 5.0 && r.failed == 0)
        }
        None => row,
    }
}

fn row(what: String, outcome: &mut Outcome, get_rps: Option<f64>) -> Row {
    let (p50, p99) = outcome.p50_p99();
    let value = format!("{} (p50 {}, p99 {})", stats::rate(outcome.per_second()), stats::duration(p50), stats::duration(p99));
    match get_rps {
        None => Row::new(what, value),
        Some(get) => {
            let slower = get / outcome.per_second().max(1e-9);
            Row::new(what, value).compared("get-contact").ratio(slower).target("≤ 5x slower than get", slower <= 5.0)
        }
    }
}

/// Create Contact requests, each with a new phone (`prefix` and 7 digits), of this source and status.
pub fn creates(addr: SocketAddr, token: Arc<str>, (source_id, status_id): (i64, i64), prefix: &'static str) -> load::MakeRequest {
    let serial = AtomicU64::new(0);
    Arc::new(move |_| {
        let k = serial.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::json!({
            "firstname": "Bench", "lastname": format!("Created {k}"), "phone": format!("{prefix}{k:07}"),
            "type": "lead", "source_id": source_id, "status_id": status_id,
        });
        load::post_json(addr, "/contacts", &token, body.to_string().into_bytes())
    })
}

fn checked(outcome: anyhow::Result<Outcome>) -> anyhow::Result<Outcome> {
    let outcome = outcome?;
    if outcome.failed > 0 {
        return Err(anyhow!("{} failed requests, the first: {}", outcome.failed, outcome.first_failure.unwrap_or_default()));
    }
    Ok(outcome)
}

pub(crate) fn thousands(n: usize) -> String {
    if n >= 1000 && n.is_multiple_of(1000) { format!("{},000", n / 1000) } else { n.to_string() }
}

/// The config the parent prepares with and the child serves with.
pub fn config(db: &Path) -> Config {
    let mut primary = TenantSeed::primary(UNLIMITED);
    primary.plan.contacts = Some(-1);
    Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        db: DbPath::File(db.to_path_buf()),
        rate_limit_per_minute: UNLIMITED,
        primary,
        ..Config::default()
    }
}

/// A seeded database: the token, the tenant, the first contact id and a source and status to
/// create with.
pub struct Prepared {
    pub token: String,
    pub tenant: i64,
    pub first_id: i64,
    pub source_id: i64,
    pub status_id: i64,
    pub seeding: Duration,
}

impl Prepared {
    /// The arguments of the wrk scripts (`wrk::SCRIPTS`: get, list, create) on this database of
    /// `contacts` contacts.
    pub fn wrk_script_args(&self, contacts: usize) -> [Vec<String>; 3] {
        [
            vec![self.first_id.to_string(), contacts.to_string()],
            Vec::new(),
            vec![self.source_id.to_string(), self.status_id.to_string()],
        ]
    }
}

/// Prepares the database at `db` as the sandbox's first start does, then seeds `contacts`.
pub fn prepare(db: &Path, contacts: usize) -> anyhow::Result<Prepared> {
    let started = startup::prepare(&config(db))?;
    let token = started.issued.first().map(|t| t.token.clone()).ok_or_else(|| anyhow!("the first start issued no token"))?;
    let tenant = started.primary_tenant;
    let began = Instant::now();
    let (first_id, source_id, status_id) = started.db.with(|conn| seed(conn, tenant, contacts)).map_err(|e| anyhow!("seeding: {e}"))?;
    Ok(Prepared { token, tenant, first_id, source_id, status_id, seeding: began.elapsed() })
}

/// Inserts `n` contacts spread over the tenant's sources, statuses, types and a few groups,
/// in one transaction: (first contact id, a source id, a status id).
fn seed(conn: &mut Connection, tenant: i64, n: usize) -> rusqlite::Result<(i64, i64, i64)> {
    let tx = conn.transaction()?;
    let now: i64 = tx.query_row("SELECT created_at FROM tenants WHERE id = ?1", [tenant], |r| r.get(0))?;
    for name in ["VIP", "Newsletter", "Events", "Partners", "Churned"] {
        tx.execute("INSERT OR IGNORE INTO groups (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)", params![tenant, name, now])?;
    }
    let ids = |sql: &str| -> rusqlite::Result<Vec<i64>> { tx.prepare(sql)?.query_map([tenant], |r| r.get(0))?.collect() };
    let sources = ids("SELECT id FROM sources WHERE tenant_id = ?1 ORDER BY id")?;
    let statuses = ids("SELECT id FROM statuses WHERE tenant_id = ?1 ORDER BY id")?;
    let groups = ids("SELECT id FROM groups WHERE tenant_id = ?1 ORDER BY id")?;
    let first_id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM contacts", [], |r| r.get(0))?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO contacts (id, tenant_id, firstname, lastname, company, type, email, phone, phone_key, status_id, source_id, \
             city, group_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        )?;
        for i in 0..n {
            let group_id = if i % 4 == 0 { "[]".to_owned() } else { format!("[{}]", groups[i % groups.len()]) };
            let created = now - ((n - i) as i64) * 1_000_000;
            insert.execute(params![
                first_id + i as i64,
                tenant,
                FIRST[i % FIRST.len()],
                LAST[(i / FIRST.len()) % LAST.len()],
                (i % 5 == 0).then_some("Acme Ltd"),
                TYPES[i % TYPES.len()],
                format!("contact{i}@bench.test"),
                format!("+1555{i:07}"),
                format!("1555{i:07}"),
                statuses[i % statuses.len()],
                sources[i % sources.len()],
                (i % 3 == 0).then_some("Lisbon"),
                group_id,
                created,
            ])?;
        }
    }
    tx.commit()?;
    Ok((first_id, sources[0], statuses[0]))
}

/// The sandbox in a child process.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(db: &Path) -> anyhow::Result<Server> {
        let exe = std::env::current_exe().map_err(|e| anyhow!("{e}"))?;
        let mut child = Command::new(exe)
            .arg("serve-sandbox")
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| anyhow!("cannot start the sandbox child: {e}"))?;
        let mut lines = BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no child stdout"))?).lines();
        let addr = lines
            .find_map(|line| line.ok()?.strip_prefix("listening on ")?.parse().ok())
            .ok_or_else(|| anyhow!("the sandbox child exited before listening"))?;
        Ok(Server { child, addr })
    }

    /// VmRSS and VmHWM of the child.
    fn memory(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        };
        match (field("VmRSS:"), field("VmHWM:")) {
            (Some(rss), Some(hwm)) => format!("{} MiB (peak {} MiB)", rss / 1024, hwm / 1024),
            _ => "unknown (no /proc)".into(),
        }
    }

    /// Closes the child's stdin (its signal to stop) and waits, killing it after 10 s.
    fn stop(mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The child's side: serves the prepared database on 127.0.0.1:0, prints
/// `listening on ADDR`, and stops when stdin closes.
pub fn serve_child(db: &Path) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    rt.block_on(async {
        let running = wacr_sandbox::spawn(config(db)).await?;
        println!("listening on {}", running.addr);
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .map_err(|e| anyhow!("{e}"))?;
        running.stop().await.map_err(|e| anyhow!("{e}"))
    })
}
