//! The Redis limiter's cost: `GET /contacts/{id}` through the generated router in process, one
//! request at a time, with the per-token limit counted in Redis (a redis-server this row
//! starts on loopback, one script call per request) against counted in memory (the default).
//! Skipped with a line saying so when redis-server is not installed.

use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use wacr_server::{Config, RateLimitStore, RedisSettings};

use crate::contacts::{self, Store};
use crate::table::Row;
use crate::{Settings, glue, stats};

#[path = "../../runtime/tests/support/redis_server.rs"]
mod redis_server;

const WHAT: &str = "Redis limiter cost per request vs in-memory: GET /contacts/{id} through the generated router, in process, one at a time";

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    if std::process::Command::new("redis-server").arg("--version").output().is_err() {
        return Ok(vec![Row::new(WHAT, "skipped: redis-server is not installed (apt-get install redis-server)")]);
    }
    let Some(server) = redis_server::RedisServer::start("limits") else {
        return Ok(vec![Row::new(WHAT, "skipped: redis-server did not start")]);
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| anyhow!("{e}"))?;
    let store = Store::new();
    // The limiter connects on first use, on the runtime it is created in.
    let redis = RateLimitStore::Redis(RedisSettings::new(server.url()).with_timeout(Duration::from_secs(1)));
    let in_redis = rt.block_on(async { Config::default().with_rate_limit_store(&redis) })?;
    let mut routers = [contacts::generated_router_with(Arc::clone(&store), in_redis), contacts::generated_router(Arc::clone(&store))];
    rt.block_on(glue::call(&mut routers[0], 0)).map_err(|e| anyhow!("through Redis: {e}"))?;
    let [redis_time, memory_time] = glue::per_request(settings, &rt, &mut routers, if settings.quick { 500 } else { 5_000 })?;
    let added = redis_time.saturating_sub(memory_time);
    Ok(vec![
        Row::new(WHAT, format!("{} (+{} for the Redis round trip)", stats::duration(redis_time), stats::duration(added)))
            .compared(format!("in-memory {}", stats::duration(memory_time)))
            .ratio(redis_time.as_secs_f64() / memory_time.as_secs_f64().max(1e-12)),
    ])
}
