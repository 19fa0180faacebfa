//! Where a sandbox list-contacts request spends its time, on the bench's database: the query
//! plans, the exact `COUNT(*)` and the page query alone, the store's `contacts::list`, and a
//! whole list and get request through the sandbox's router in process (no sockets), one at a
//! time. A profiling aid, not part of the table:
//!
//! ```text
//! cargo run --release -p wacr-bench --example sandbox_list_profile [CONTACTS]
//! LIST_ONLY=1 valgrind --tool=callgrind --toggle-collect='*list_requests*' \
//!     target/release/examples/sandbox_list_profile 10000
//! ```

use anyhow::anyhow;
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use tower_service::Service;
use wacr_bench::sandbox;
use wacr_sandbox::store::Ctx;
use wacr_sandbox::store::contacts;
use wacr_server::models::{ContactType, Filter, IncludeSet, ListContactsFilters, ListContactsQuery, ListContactsSortField, Sort};
use wacr_sandbox::{Db, DbPath, Sandbox, db};

const REPEAT: u32 = 20;

fn main() -> anyhow::Result<()> {
    let contacts: usize = std::env::args().nth(1).map_or(Ok(100_000), |a| a.parse()).map_err(|e| anyhow!("CONTACTS: {e}"))?;
    let dir = tempfile::tempdir().map_err(|e| anyhow!("{e}"))?;
    let path = dir.path().join("sandbox.db");
    let prepared = sandbox::prepare(&DbPath::File(path.clone()), contacts)?;
    println!("seeded {contacts} contacts in {:?}", prepared.seeding);
    let conn = db::open(&DbPath::File(path.clone())).map_err(|e| anyhow!("{e}"))?;
    let ctx = Ctx { tenant_id: prepared.tenant, now: wacr_sandbox::clock::Clock::default().sync(&conn).map_err(|e| anyhow!("{e}"))? };

    let filter = "c.tenant_id = ?1 AND c.type = 'lead'";
    let count_sql = format!("SELECT COUNT(*) FROM contacts c WHERE {filter}");
    let page_sql = |page: i64| {
        format!("SELECT * FROM contacts c WHERE {filter} ORDER BY c.firstname COLLATE NOCASE ASC, c.id ASC LIMIT 100 OFFSET {}", (page - 1) * 100)
    };
    for (what, sql) in [("count", count_sql.clone()), ("page 10", page_sql(10))] {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).map_err(|e| anyhow!("{e}"))?;
        let plan: Vec<String> = stmt
            .query_map([prepared.tenant], |r| r.get::<_, String>(3))
            .map_err(|e| anyhow!("{e}"))?
            .collect::<Result<_, _>>()
            .map_err(|e| anyhow!("{e}"))?;
        println!("plan of {what}: {}", plan.join(" / "));
    }

    let time = |what: &str, mut f: Box<dyn FnMut(i64) + '_>| {
        let started = Instant::now();
        for r in 0..REPEAT {
            for page in 1..=10 {
                f(i64::from(r) * 10 + page);
            }
        }
        let per = started.elapsed() / (REPEAT * 10);
        println!("{what:<52} {per:>10.2?} per call");
        per
    };
    time(
        "COUNT(*) of the filter",
        Box::new(|_| {
            let _: i64 = conn.query_row(&count_sql, [prepared.tenant], |r| r.get(0)).unwrap();
        }),
    );
    time(
        "page query alone (pages 1..10)",
        Box::new(|n| {
            let mut stmt = conn.prepare(&page_sql((n - 1) % 10 + 1)).unwrap();
            let rows = stmt.query_map([prepared.tenant], |r| r.get::<_, i64>(0)).unwrap().count();
            assert!(rows > 0);
        }),
    );
    let params = |n: i64| ListContactsQuery {
        page: Some(((n - 1) % 10 + 1) as u32),
        per_page: Some(100),
        sort: vec![Sort::asc(ListContactsSortField::Firstname)],
        filters: ListContactsFilters { r#type: vec![Filter::eq(ContactType::Lead)], ..ListContactsFilters::default() },
        ..ListContactsQuery::default()
    };
    time(
        "store contacts::list (count + page + rows)",
        Box::new(|n| {
            contacts::list(&conn, &ctx, &params(n)).unwrap();
        }),
    );
    time(
        "store contacts::list + serde_json::to_vec of the items",
        Box::new(|n| {
            let page = contacts::list(&conn, &ctx, &params(n)).unwrap();
            serde_json::to_vec(&page.items).unwrap();
        }),
    );
    time(
        "store contacts::get, every include",
        Box::new(|n| {
            contacts::get(&conn, &ctx, prepared.first_id + (n * 7919) % contacts as i64, IncludeSet::all()).unwrap();
        }),
    );
    drop(conn);

    // The whole request through the router, in process.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    let db = Db::open(&DbPath::File(path.clone())).map_err(|e| anyhow!("{e}"))?;
    let mut router = wacr_sandbox::server::router(Sandbox::new(db, sandbox::config(&DbPath::File(path.clone()))));
    let token = prepared.token.clone();
    let mut request = |uri: String| -> usize {
        let req = axum::http::Request::get(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        rt.block_on(async {
            std::future::poll_fn(|cx| Service::<axum::http::Request<axum::body::Body>>::poll_ready(&mut router, cx)).await.unwrap();
            let response = router.call(req).await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.into_body().collect().await.unwrap().to_bytes().len()
        })
    };
    if std::env::var_os("LIST_ONLY").is_some() {
        list_requests(&mut request, 200);
        return Ok(());
    }
    let mut bytes = 0;
    let list = time(
        "router: GET /contacts?per_page=100&..&sort=firstname",
        Box::new(|n| bytes = request(format!("/contacts?per_page=100&page={}&filter[type]=lead&sort=firstname", (n - 1) % 10 + 1))),
    );
    println!("  (a list body is {bytes} bytes)");
    let first = prepared.first_id;
    let get = time(
        "router: GET /contacts/{id}?include=groups,source,status",
        Box::new(|n| bytes = request(format!("/contacts/{}?include=groups,source,status", first + (n * 7919) % contacts as i64))),
    );
    println!("  (a get body is {bytes} bytes)");
    println!("list / get in process: {:.2}", ratio(list, get));
    Ok(())
}

/// Only list requests (`LIST_ONLY=1`), for a profiler:
/// `valgrind --tool=callgrind --toggle-collect='*list_requests*' ...`.
#[inline(never)]
fn list_requests(request: &mut impl FnMut(String) -> usize, n: u32) {
    for i in 0..n {
        request(format!("/contacts?per_page=100&page={}&filter[type]=lead&sort=firstname", i % 10 + 1));
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}
