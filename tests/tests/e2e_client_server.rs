//! End-to-end proof of the emitters: the generated router (`wacr_server::router_with`) serves a
//! small in-memory CRM that implements every API trait, and the generated client drives it over
//! real HTTP on 127.0.0.1. Every resource group is exercised at least once, plus the errors the
//! glue answers itself (401, 403, 404, 422, 429). Each test starts its own server on a fresh
//! store, so the tests run in parallel.
//!
//! The store is deliberately simple but honest: rows belong to a tenant and every read and
//! write is scoped to the caller's `tenant_id`; the rules only an implementation can check
//! (existence in the tenant, uniqueness) answer with the spec's messages through
//! `wacr_server::message`; everything else (required fields, formats, patterns, scopes, rate
//! limits, `include`) is left to the generated glue.
//!
//! The store and the service are in `e2e_client_server/` (`store`, `crm`, `crm_more`), with the
//! harness and the tests by resource group.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{Debug, Display};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wacr_client::{BuildError, Client, Error, RetryPolicy};
use wacr_models::*;
use wacr_server::{
    AccountApi, ApiError, AuthApi, Authenticator, CommentsApi, Config, ContactsApi, FieldErrors, GroupsApi, MessagesApi,
    Principal, Rejected, SourcesApi, StatusesApi, TemplatesApi, message, rules,
};

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// Tenant 1, every scope.
const ADMIN: &str = "tok-tenant-1-admin";
/// Tenant 2, every scope (tenant isolation).
const OTHER: &str = "tok-tenant-2-admin";
/// Tenant 1, `contacts:read` only (403).
const READER: &str = "tok-tenant-1-reader";
/// Tenant 1, every scope, two requests per minute (429).
const SLOW: &str = "tok-tenant-1-two-per-minute";

type Who = Principal<Scope>;

#[path = "e2e_client_server/store.rs"]
#[macro_use]
mod store;
#[path = "e2e_client_server/crm.rs"]
mod crm;
#[path = "e2e_client_server/crm_more.rs"]
mod crm_more;
#[path = "e2e_client_server/harness.rs"]
mod harness;
#[path = "e2e_client_server/account_contacts.rs"]
mod account_contacts;
#[path = "e2e_client_server/groups_messages_more.rs"]
mod groups_messages_more;

use crm::*;
use harness::*;
use store::*;
