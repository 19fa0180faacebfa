//! API tokens: issued with a name, scopes and a per-minute rate limit, stored only as a SHA-256
//! hash, and resolved to the principal (tenant, scopes, limit) of a request.

use rusqlite::{OptionalExtension, params};
use crate::sql::Connection;
use wacr_server::models::{Scope, ScopeSet};

use super::{Error, Result, random_hex, sha256_hex};
use crate::clock::Ts;

/// What a valid token stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub token_id: i64,
    pub tenant_id: i64,
    pub token_name: String,
    pub scopes: ScopeSet<Scope>,
    pub rate_limit_per_minute: i64,
}

/// A token just issued: the only moment its text is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedToken {
    pub tenant_id: i64,
    pub name: String,
    pub token: String,
    pub scopes: ScopeSet<Scope>,
    pub rate_limit_per_minute: i64,
}

/// A `--token NAME:scope1,scope2` request: `NAME:*` is every scope, `NAME:` none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSpec {
    pub name: String,
    pub scopes: ScopeSet<Scope>,
}

/// Why a `--token` value does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenSpecError {
    #[error("expected NAME:scope1,scope2, got `{0}`")]
    Shape(String),
    #[error("the token name is empty")]
    EmptyName,
    #[error("unknown scope `{0}` (known: {known})", known = ScopeSet::<Scope>::all().to_string().replace(' ', ", "))]
    UnknownScope(String),
}

impl std::str::FromStr for TokenSpec {
    type Err = TokenSpecError;

    fn from_str(text: &str) -> Result<Self, TokenSpecError> {
        let (name, scopes) = text.split_once(':').ok_or_else(|| TokenSpecError::Shape(text.to_owned()))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(TokenSpecError::EmptyName);
        }
        let scopes = if scopes.trim() == "*" {
            ScopeSet::all()
        } else {
            ScopeSet::parse(scopes).map_err(|e| TokenSpecError::UnknownScope(e.scope))?
        };
        Ok(TokenSpec { name: name.to_owned(), scopes })
    }
}

/// Issues a token for a tenant, replacing any earlier token of the same name there.
pub fn issue(conn: &Connection, tenant_id: i64, name: &str, scopes: ScopeSet<Scope>, rate_limit_per_minute: i64, now: Ts) -> Result<IssuedToken> {
    let token = format!("wacr_sandbox_{}", random_hex(24));
    conn.execute("DELETE FROM tokens WHERE tenant_id = ?1 AND name = ?2", params![tenant_id, name])?;
    conn.execute(
        "INSERT INTO tokens (tenant_id, name, token_hash, scopes, rate_limit_per_minute, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![tenant_id, name, sha256_hex(&token), scopes.to_string(), rate_limit_per_minute, now.0],
    )?;
    Ok(IssuedToken { tenant_id, name: name.to_owned(), token, scopes, rate_limit_per_minute })
}

/// Issues an admin token (the admin API's, `/_sandbox/`), kept as a hash beside the earlier ones.
pub fn issue_admin(conn: &Connection, now: Ts) -> Result<String> {
    let token = format!("wacr_admin_{}", random_hex(24));
    conn.execute("INSERT INTO admin_tokens (token_hash, created_at) VALUES (?1, ?2)", params![sha256_hex(&token), now.0])?;
    Ok(token)
}

/// Whether `token` is an admin token.
pub fn is_admin(conn: &Connection, token: &str) -> Result<bool> {
    let sql = "SELECT EXISTS (SELECT 1 FROM admin_tokens WHERE token_hash = ?1)";
    Ok(conn.prepare_cached(sql)?.query_row([sha256_hex(token)], |r| r.get(0))?)
}

/// The principal of a bearer token; `None` when it is unknown, revoked or its tenant inactive.
pub fn authenticate(conn: &Connection, token: &str) -> Result<Option<Principal>> {
    let row = conn
        .query_row(
            "SELECT k.id, k.tenant_id, k.name, k.scopes, k.rate_limit_per_minute FROM tokens k \
             JOIN tenants t ON t.id = k.tenant_id \
             WHERE k.token_hash = ?1 AND k.revoked_at IS NULL AND t.status = 'active'",
            [sha256_hex(token)],
            |r| {
                let scopes: String = r.get(3)?;
                Ok(Principal {
                    token_id: r.get(0)?,
                    tenant_id: r.get(1)?,
                    token_name: r.get(2)?,
                    scopes: ScopeSet::parse(&scopes).map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
                    rate_limit_per_minute: r.get(4)?,
                })
            },
        )
        .optional()?;
    Ok(row)
}

/// A live token whose stored per-minute limit [`set_rate_limits`] replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relimited {
    pub tenant_id: i64,
    pub name: String,
    /// The limit it had.
    pub was: i64,
}

/// Gives every live token the per-minute limit `per_minute` (the `--rate-limit` of this start);
/// returns the tokens that had another.
pub fn set_rate_limits(conn: &Connection, per_minute: i64) -> Result<Vec<Relimited>> {
    let mut changed = conn.prepare(
        "SELECT tenant_id, name, rate_limit_per_minute FROM tokens \
         WHERE revoked_at IS NULL AND rate_limit_per_minute <> ?1 ORDER BY id",
    )?;
    let changed = changed
        .query_map([per_minute], |r| Ok(Relimited { tenant_id: r.get(0)?, name: r.get(1)?, was: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    conn.execute("UPDATE tokens SET rate_limit_per_minute = ?1 WHERE revoked_at IS NULL", [per_minute])?;
    Ok(changed)
}

/// Revokes the tenant's token of this name.
pub fn revoke(conn: &Connection, tenant_id: i64, name: &str, now: Ts) -> Result<()> {
    let n = conn.execute(
        "UPDATE tokens SET revoked_at = ?3 WHERE tenant_id = ?1 AND name = ?2 AND revoked_at IS NULL",
        params![tenant_id, name, now.0],
    )?;
    if n == 0 { Err(Error::not_found("token")) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Fixture;

    #[test]
    fn issue_authenticate_revoke() {
        let f = Fixture::new();
        let seeded = authenticate(&f.conn, &f.token).unwrap().unwrap();
        assert_eq!((seeded.token_name.as_str(), seeded.scopes), ("default", ScopeSet::all()));
        let scopes = ScopeSet::new().with(Scope::ContactsRead);
        let issued = issue(&f.conn, f.tenant, "reader", scopes, 5, f.now).unwrap();
        let stored: String = f.conn.query_row("SELECT token_hash FROM tokens WHERE name = 'reader'", [], |r| r.get(0)).unwrap();
        assert_ne!(stored, issued.token, "only the hash is stored");
        let principal = authenticate(&f.conn, &issued.token).unwrap().unwrap();
        assert_eq!((principal.tenant_id, principal.rate_limit_per_minute), (f.tenant, 5));
        assert!(principal.scopes.contains(Scope::ContactsRead) && !principal.scopes.contains(Scope::ContactsWrite));
        assert_eq!(authenticate(&f.conn, "wacr_sandbox_nope").unwrap(), None);
        // re-issuing a name replaces the old token
        let again = issue(&f.conn, f.tenant, "reader", scopes, 5, f.now).unwrap();
        assert_eq!(authenticate(&f.conn, &issued.token).unwrap(), None);
        revoke(&f.conn, f.tenant, "reader", f.now).unwrap();
        assert_eq!(authenticate(&f.conn, &again.token).unwrap(), None);
    }

    #[test]
    fn inactive_tenants_tokens_are_refused() {
        let f = Fixture::new();
        let issued = issue(&f.conn, f.tenant, "t", ScopeSet::new(), 60, f.now).unwrap();
        f.conn.execute("UPDATE tenants SET status = 'suspended' WHERE id = ?1", [f.tenant]).unwrap();
        assert_eq!(authenticate(&f.conn, &issued.token).unwrap(), None);
    }

    #[test]
    fn rate_limits_follow_the_latest_setting() {
        let f = Fixture::new();
        let reader = issue(&f.conn, f.tenant, "reader", ScopeSet::new(), 600, f.now).unwrap();
        let changed = set_rate_limits(&f.conn, 600).unwrap();
        assert!(changed.contains(&Relimited { tenant_id: f.tenant, name: "default".into(), was: 60 }), "{changed:?}");
        assert!(!changed.iter().any(|r| r.name == "reader"), "reader had 600 already: {changed:?}");
        assert_eq!(authenticate(&f.conn, &f.token).unwrap().unwrap().rate_limit_per_minute, 600);
        assert_eq!(authenticate(&f.conn, &reader.token).unwrap().unwrap().rate_limit_per_minute, 600);
        assert_eq!(set_rate_limits(&f.conn, 600).unwrap(), [], "nothing differs the second time");
    }

    #[test]
    fn token_specs() {
        let spec: TokenSpec = "ci:contacts:read,contacts:write".parse().unwrap();
        assert_eq!(spec, TokenSpec { name: "ci".into(), scopes: ScopeSet::new().with(Scope::ContactsRead).with(Scope::ContactsWrite) });
        assert_eq!("all:*".parse::<TokenSpec>().unwrap().scopes, ScopeSet::all());
        assert!("none:".parse::<TokenSpec>().unwrap().scopes.is_empty());
        assert!("x:contacts:reed".parse::<TokenSpec>().unwrap_err().to_string().contains("contacts:reed"));
        assert!("noscopes".parse::<TokenSpec>().is_err());
    }
}
