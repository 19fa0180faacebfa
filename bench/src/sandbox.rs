//! wacr-sandbox under load on a database of 100,000 contacts: get-contact with every include,
//! list-contacts (100 per page, a filter and a sort) and create-contact, each with its rate
//! and p50/p99, and the server's memory at the end; then the same loads on PostgreSQL with one
//! and two replicas (`postgres`), beside these.
//!
//! The database is prepared in this process (the sandbox's own `startup::prepare`, then the
//! contacts, `seed`) and served by a child process (`server`).
//!
//! When `wrk` is on PATH, the same three loads run again under wrk against the same child
//! (get and list right after ours, on the same database; create after ours), in rows beside
//! ours (`wrk`, which also says how to run them by hand).

use anyhow::anyhow;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use wacr_sandbox::seed::TenantSeed;
use wacr_sandbox::{Config, DbPath, startup};

use crate::load::{self, Outcome, Plan};
use crate::table::Row;
use crate::{Settings, runtime, stats};

pub mod postgres;
mod seed;
mod server;
pub mod wrk;

pub use server::serve_child;
use server::Server;

/// Requests per minute for the bench's token: never reached.
const UNLIMITED: i64 = 1_000_000_000;
/// Connections of the sandbox rows (one database connection per server serves them all).
pub const CONNECTIONS: usize = 8;

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let contacts = if settings.quick { 10_000 } else { 100_000 };
    let dir = tempfile::Builder::new().prefix("wacr-bench-sandbox").tempdir().map_err(|e| anyhow!("{e}"))?;
    let db = DbPath::File(dir.path().join("sandbox.db"));
    let prepared = prepare(&db, contacts)?;
    let child = Server::start(&db)?;
    let addr = child.addr;
    let duration = settings.round() * 2;

    // wrk's get and list on the same database as ours (before any create adds contacts)
    let wrk_runs = wrk::available().then(|| WrkRuns::new(dir.path(), addr, duration, &prepared, contacts));
    let mut wrk_reads = None;
    let mut loads = Loads::run(settings, &[addr], &prepared, contacts, "+1666", || wrk_reads = wrk_runs.as_ref().map(|w| [w.run(0), w.run(1)]))?;
    let wrk_create = wrk_runs.as_ref().map(|w| w.run(2));

    let memory = child.memory();
    child.stop();
    let count = thousands(contacts);
    let get_rps = loads.get.per_second();
    let mut rows = vec![Row::new(format!("sandbox: seed {count} contacts in one transaction"), stats::duration(prepared.seeding))];
    rows.push(row(format!("sandbox get-contact, include=groups,source,status ({count} contacts, {CONNECTIONS} connections)"), &mut loads.get, None));
    rows.push(row("sandbox list-contacts, per_page=100, filter[type]=lead, sort=firstname".into(), &mut loads.list, Some(get_rps)));
    rows.push(row("sandbox create-contact".into(), &mut loads.create, Some(get_rps)));
    match (wrk_runs, wrk_reads, wrk_create) {
        (Some(w), Some([wrk_get, wrk_list]), Some(wrk_create)) => {
            let wrk_get_rps = wrk_get.as_ref().ok().map(|r| r.per_second);
            let what = |load: &str| format!("wrk {} (the same server and database): {load}", w.flags);
            rows.push(wrk_row(what("get-contact"), wrk_get, &mut loads.get, None));
            rows.push(wrk_row(what("list-contacts"), wrk_list, &mut loads.list, wrk_get_rps));
            rows.push(wrk_row(what("create-contact"), wrk_create, &mut loads.create, wrk_get_rps));
        }
        _ => rows.push(Row::new("sandbox loads under wrk", wrk::MISSING)),
    }
    rows.push(Row::new("sandbox memory at the end (VmRSS, peak VmHWM)", memory));
    rows.extend(postgres::rows(settings, contacts, &prepared, &mut loads));
    Ok(rows)
}

/// The three loads of the sandbox rows, each over [`CONNECTIONS`] connections for two rounds.
pub struct Loads {
    pub get: Outcome,
    pub list: Outcome,
    pub create: Outcome,
}

impl Loads {
    /// Against the servers at `addrs` (the connections spread over them), on a database
    /// prepared with `contacts` contacts: get-contact after a warm-up, list-contacts, then
    /// `before_create`, then create-contact with new phones starting `phone_prefix`.
    pub fn run(
        settings: &Settings,
        addrs: &[SocketAddr],
        prepared: &Prepared,
        contacts: usize,
        phone_prefix: &'static str,
        before_create: impl FnOnce(),
    ) -> anyhow::Result<Loads> {
        let driver = runtime(1);
        let plan = Plan { connections: CONNECTIONS, duration: settings.round() * 2, max_requests: settings.max_requests(), rate: None };
        let run = |plan: Plan, make: load::MakeRequest| driver.block_on(load::run_on(addrs, plan, make));
        let addr = addrs.first().copied().ok_or_else(|| anyhow!("no server"))?;
        let token: Arc<str> = prepared.token.as_str().into();
        let gets = {
            let (first, count, token) = (prepared.first_id, contacts as u64, Arc::clone(&token));
            let path = move |n: u64| format!("/contacts/{}?include=groups,source,status", first + ((n * 7919) % count) as i64);
            let make: load::MakeRequest = Arc::new(move |n| load::get(addr, &path(n), &token));
            make
        };
        run(Plan { duration: settings.round() / 2, ..plan }, Arc::clone(&gets))?;
        let get = checked(run(plan, gets))?;
        let t = Arc::clone(&token);
        let list_path = |n: u64| format!("/contacts?per_page=100&page={}&filter[type]=lead&sort=firstname", n % 10 + 1);
        let list = checked(run(plan, Arc::new(move |n| load::get(addr, &list_path(n), &t))))?;
        before_create();
        let create = checked(run(plan, creates(addr, token, (prepared.source_id, prepared.status_id), phone_prefix)))?;
        Ok(Loads { get, list, create })
    }
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
    let mut value = format!("{} (p50 {}, p99 {})", stats::rate(r.per_second), stats::duration(r.p50), stats::duration(r.p99));
    if r.failed > 0 {
        value.push_str(&format!("; {} of {} requests failed", r.failed, r.requests));
    }
    let compared = format!("our load generator {}", rate(ours));
    let row = Row::new(what, value).compared(compared).ratio(r.per_second / ours.per_second().max(1e-9));
    match wrk_get_rps {
        Some(get) => {
            let slower = get / r.per_second.max(1e-9);
            row.target(format!("≤ 5x slower than get: {slower:.2}x under wrk"), slower <= 5.0 && r.failed == 0)
        }
        None => row,
    }
}

/// `1,600/s (p50 4.72 ms, p99 11.8 ms)`.
fn rate(outcome: &mut Outcome) -> String {
    let (p50, p99) = outcome.p50_p99();
    format!("{} (p50 {}, p99 {})", stats::rate(outcome.per_second()), stats::duration(p50), stats::duration(p99))
}

fn row(what: String, outcome: &mut Outcome, get_rps: Option<f64>) -> Row {
    let value = rate(outcome);
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
pub fn config(db: &DbPath) -> Config {
    let mut primary = TenantSeed::primary(UNLIMITED);
    primary.plan.contacts = Some(-1);
    Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        db: db.clone(),
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

/// Prepares the database `db` as the sandbox's first start does, then seeds `contacts`.
pub fn prepare(db: &DbPath, contacts: usize) -> anyhow::Result<Prepared> {
    let started = startup::prepare(&config(db))?;
    let token = started.issued.first().map(|t| t.token.clone()).ok_or_else(|| anyhow!("the first start issued no token"))?;
    let tenant = started.primary_tenant;
    let began = Instant::now();
    let (first_id, source_id, status_id) = started.db.with(|conn| seed::contacts(conn, tenant, contacts)).map_err(|e| anyhow!("seeding: {e}"))?;
    Ok(Prepared { token, tenant, first_id, source_id, status_id, seeding: began.elapsed() })
}
