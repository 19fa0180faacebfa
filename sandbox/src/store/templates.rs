//! WhatsApp message templates (`templates.yaml`, and `auth.yaml`'s List Authentication
//! Templates): the local copies, listed and fetched by Meta's template id, and synchronised from
//! a fixture file that stands in for the WhatsApp Business Account (Meta's
//! `GET /{waba-id}/message_templates` response shape).

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};
use crate::sql::{Connection, Row};
use serde::Deserialize;
use serde_json::Value;

use rusqlite::types::Value as SqlValue;
use wacr_server::models::{
    AuthTemplate, ListAuthTemplatesQuery, ListAuthTemplatesSortField, ListTemplatesQuery, ListTemplatesSortField, Open, Page, Template,
    TemplateSyncResult,
};

use super::query::ListSql;
use super::{Ctx, Error, Result, json_text};
use crate::clock::Ts;

/// The fixture shipped with the sandbox (`fixtures/whatsapp_templates.json`).
pub const BUILTIN_FIXTURE: &str = include_str!("../../fixtures/whatsapp_templates.json");

/// What the WhatsApp Business Account returns: `{"data": [template, ...]}`.
#[derive(Clone, Debug, Deserialize)]
pub struct Fixture {
    pub data: Vec<MetaTemplate>,
}

impl Fixture {
    /// Parses fixture JSON.
    pub fn parse(json: &str) -> serde_json::Result<Fixture> {
        serde_json::from_str(json)
    }

    /// The built-in fixture.
    pub fn builtin() -> Fixture {
        Fixture::parse(BUILTIN_FIXTURE).expect("the built-in templates fixture parses")
    }
}

/// One template as Meta describes it.
#[derive(Clone, Debug, Deserialize)]
pub struct MetaTemplate {
    pub id: String,
    pub name: String,
    pub language: String,
    pub status: String,
    pub category: String,
    #[serde(default)]
    pub message_send_ttl_seconds: Option<i64>,
    #[serde(default)]
    pub components: Vec<Value>,
}

fn sort_column(field: ListTemplatesSortField) -> &'static str {
    match field {
        ListTemplatesSortField::TemplateName => "t.template_name",
        ListTemplatesSortField::CreatedAt => "t.created_at",
        ListTemplatesSortField::UpdatedAt => "t.updated_at",
    }
}

fn auth_sort_column(field: ListAuthTemplatesSortField) -> &'static str {
    match field {
        ListAuthTemplatesSortField::TemplateName => "t.template_name",
        ListAuthTemplatesSortField::CreatedAt => "t.created_at",
        ListAuthTemplatesSortField::Language => "t.language",
    }
}

const COLUMNS: &str = "t.id, t.template_id, t.template_name, t.language, t.category, t.status, t.header_format, \
    t.header_text, t.header_params_count, t.header_file_url, t.header_variable_value, t.body_data, t.body_params_count, \
    t.body_variable_value, t.footer_data, t.footer_params_count, t.buttons_data, t.message_send_ttl_seconds, \
    t.add_security_recommendation, t.code_expiration_minutes, t.otp_button_config, t.components, t.created_at, t.updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Template> {
    let name: String = row.get(2)?;
    let otp: Option<String> = row.get(20)?;
    let components: String = row.get(21)?;
    Ok(Template {
        id: row.get(0)?,
        template_id: row.get(1)?,
        template_name: name.clone(),
        name,
        language: row.get(3)?,
        category: Open::from_wire(&row.get::<_, String>(4)?),
        status: Open::from_wire(&row.get::<_, String>(5)?),
        header_data_format: Open::from_wire(&row.get::<_, String>(6)?),
        header_data_text: row.get(7)?,
        header_params_count: row.get(8)?,
        header_file_url: row.get(9)?,
        header_variable_value: row.get(10)?,
        body_data: row.get(11)?,
        body_params_count: row.get(12)?,
        body_variable_value: row.get(13)?,
        footer_data: row.get(14)?,
        footer_params_count: row.get(15)?,
        buttons_data: row.get(16)?,
        message_send_ttl_seconds: row.get(17)?,
        add_security_recommendation: row.get(18)?,
        code_expiration_minutes: row.get(19)?,
        otp_button_config: otp.map(|text| json_text(20, &text)).transpose()?,
        components: json_text(21, &components)?,
        created_at: Ts(row.get(22)?).iso(),
        updated_at: Ts(row.get(23)?).iso(),
    })
}

fn auth_from_row(row: &Row<'_>) -> rusqlite::Result<AuthTemplate> {
    let header_text: String = row.get(5)?;
    Ok(AuthTemplate {
        id: row.get(0)?,
        template_name: row.get(1)?,
        language: row.get(2)?,
        body_text: row.get(3)?,
        body_params_count: row.get(4)?,
        header_text: (!header_text.is_empty()).then_some(header_text),
        header_format: Open::from_wire(&row.get::<_, String>(6)?),
        footer_text: row.get(7)?,
        status: Open::from_wire(&row.get::<_, String>(8)?),
        created_at: Ts(row.get(9)?).iso(),
    })
}

/// List Templates.
pub fn list(conn: &Connection, ctx: &Ctx, q: &ListTemplatesQuery) -> Result<Page<Template>> {
    ListSql::new("templates t", "t.tenant_id", ctx, q.page, q.per_page)
        .search(&["t.template_name", "t.category"], q.search.as_deref())
        .order(&q.sort, sort_column, None, "t.id")
        .fetch(conn, COLUMNS, from_row)
}

/// List Authentication Templates: APPROVED templates of category AUTHENTICATION only.
pub fn list_auth(conn: &Connection, ctx: &Ctx, q: &ListAuthTemplatesQuery) -> Result<Page<AuthTemplate>> {
    let select = "t.id, t.template_name, t.language, t.body_data, t.body_params_count, t.header_text, t.header_format, \
        t.footer_data, t.status, t.created_at";
    ListSql::new("templates t", "t.tenant_id", ctx, q.page, q.per_page)
        .condition("t.status = 'APPROVED' AND t.category = 'AUTHENTICATION'")
        .search(&["t.template_name", "t.body_data"], q.search.as_deref())
        .filter("t.language", &q.filters.language, SqlValue::from)
        .filter("t.template_name", &q.filters.template_name, SqlValue::from)
        .order(&q.sort, auth_sort_column, None, "t.id")
        .fetch(conn, select, auth_from_row)
}

/// Get Template, by Meta's template id.
pub fn get(conn: &Connection, ctx: &Ctx, template_id: &str) -> Result<Template> {
    let sql = format!("SELECT {COLUMNS} FROM templates t WHERE t.tenant_id = ?1 AND t.template_id = ?2");
    conn.query_row(&sql, params![ctx.tenant_id, template_id], from_row).optional()?.ok_or(Error::not_found("template"))
}

/// The templates of a name in a language, approved ones first.
pub(crate) fn by_name(conn: &Connection, ctx: &Ctx, name: &str, language: &str) -> Result<Vec<Template>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM templates t WHERE t.tenant_id = ?1 AND t.template_name = ?2 AND t.language = ?3 \
         ORDER BY t.status = 'APPROVED' DESC, t.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![ctx.tenant_id, name, language], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Sync Templates from WhatsApp: needs the account's WhatsApp setup (business account id and
/// access), then creates, updates and removes local templates to match the fixture.
pub fn sync(conn: &mut Connection, ctx: &Ctx, fixture: &Fixture) -> Result<TemplateSyncResult> {
    let (configured, waba): (bool, Option<String>) = conn.query_row(
        "SELECT whatsapp_configured, wm_business_account_id FROM tenants WHERE id = ?1",
        [ctx.tenant_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if !configured || waba.is_none_or(|w| w.is_empty()) {
        return Err(Error::WhatsappNotConfigured);
    }
    let tx = conn.transaction()?;
    let result = apply(&tx, ctx, fixture)?;
    tx.commit()?;
    Ok(result)
}

/// Makes the tenant's templates match the fixture (no configuration check: seeding uses it).
pub(crate) fn apply(conn: &Connection, ctx: &Ctx, fixture: &Fixture) -> Result<TemplateSyncResult> {
    let mut result = TemplateSyncResult { synced: fixture.data.len() as i64, created: 0, updated: 0, deleted: 0 };
    let mut seen = BTreeSet::new();
    for meta in &fixture.data {
        seen.insert(meta.id.clone());
        let row = Derived::from_meta(meta);
        let existing: Option<(i64, String)> = conn
            .query_row(
                "SELECT id, fingerprint FROM (SELECT id, template_name || '|' || language || '|' || category || '|' || \
                 status || '|' || components || '|' || COALESCE(CAST(message_send_ttl_seconds AS TEXT), '') AS fingerprint \
                 FROM templates WHERE tenant_id = ?1 AND template_id = ?2) AS t",
                params![ctx.tenant_id, meta.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            None => {
                insert(conn, ctx, meta, &row)?;
                result.created += 1;
            }
            Some((id, fingerprint)) if fingerprint != row.fingerprint(meta) => {
                update(conn, ctx, id, meta, &row)?;
                result.updated += 1;
            }
            Some(_) => {}
        }
    }
    let mut stmt = conn.prepare("SELECT id, template_id FROM templates WHERE tenant_id = ?1")?;
    let local = stmt.query_map([ctx.tenant_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    for (id, template_id) in local {
        if !seen.contains(&template_id) {
            conn.execute("DELETE FROM templates WHERE id = ?1", [id])?;
            result.deleted += 1;
        }
    }
    Ok(result)
}

/// The columns derived from Meta's components.
struct Derived {
    header_format: String,
    header_text: String,
    header_params_count: i64,
    header_file_url: Option<String>,
    header_variable_value: Option<String>,
    body: String,
    body_params_count: i64,
    body_variable_value: Option<String>,
    footer: Option<String>,
    footer_params_count: i64,
    buttons: Option<String>,
    add_security_recommendation: bool,
    code_expiration_minutes: Option<i64>,
    otp_button_config: Option<String>,
    components: String,
}

impl Derived {
    fn from_meta(meta: &MetaTemplate) -> Derived {
        let find = |kind: &str| {
            meta.components.iter().find(|c| c.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case(kind)))
        };
        let text = |c: Option<&Value>| c.and_then(|c| c.get("text")).and_then(Value::as_str).map(str::to_owned);
        let header = find("HEADER");
        let body = find("BODY");
        let footer = find("FOOTER");
        let buttons = find("BUTTONS").and_then(|c| c.get("buttons")).and_then(Value::as_array);
        let header_text = text(header).unwrap_or_default();
        let body_text = text(body).unwrap_or_default();
        let footer_text = text(footer);
        let otp_button = buttons.and_then(|list| {
            list.iter().find(|b| {
                let kind = b.get("type").and_then(Value::as_str).unwrap_or_default();
                let url = b.get("url").and_then(Value::as_str).unwrap_or_default();
                kind.eq_ignore_ascii_case("OTP") || url.contains("otp{{1}}")
            })
        });
        Derived {
            header_format: header
                .and_then(|c| c.get("format"))
                .and_then(Value::as_str)
                .map(str::to_ascii_uppercase)
                .unwrap_or_else(|| "NONE".into()),
            header_params_count: placeholder_count(&header_text),
            header_file_url: header.and_then(|c| example(c, "header_handle")),
            header_variable_value: header.and_then(|c| example(c, "header_text")),
            header_text,
            body_params_count: placeholder_count(&body_text),
            body_variable_value: body.and_then(|c| example(c, "body_text")),
            body: body_text,
            footer_params_count: footer_text.as_deref().map_or(0, placeholder_count),
            footer: footer_text,
            buttons: buttons.map(|b| Value::Array(b.clone()).to_string()),
            add_security_recommendation: body
                .and_then(|c| c.get("add_security_recommendation"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            code_expiration_minutes: footer.and_then(|c| c.get("code_expiration_minutes")).and_then(Value::as_i64),
            otp_button_config: otp_button.map(Value::to_string),
            components: Value::Array(meta.components.clone()).to_string(),
        }
    }

    fn fingerprint(&self, meta: &MetaTemplate) -> String {
        let ttl = meta.message_send_ttl_seconds.map(|t| t.to_string()).unwrap_or_default();
        format!("{}|{}|{}|{}|{}|{ttl}", meta.name, meta.language, meta.category, meta.status, self.components)
    }
}

/// The sample values of a component (`example.body_text[0]`, `example.header_handle`), joined
/// with commas.
fn example(component: &Value, key: &str) -> Option<String> {
    let value = component.get("example")?.get(key)?;
    let items: Vec<&Value> = match value {
        Value::Array(outer) if outer.first().is_some_and(Value::is_array) => outer[0].as_array()?.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let texts: Vec<String> = items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
    (!texts.is_empty()).then(|| texts.join(","))
}

/// The number of distinct `{{n}}` placeholders of a text.
pub(crate) fn placeholder_count(text: &str) -> i64 {
    placeholders(text).len() as i64
}

fn placeholders(text: &str) -> BTreeSet<u32> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        if let Some(end) = rest.find("}}")
            && let Ok(n) = rest[..end].trim().parse::<u32>()
        {
            found.insert(n);
        }
    }
    found
}

/// Replaces `{{n}}` with `values[n - 1]`; a placeholder without a value stays as it is.
pub(crate) fn fill(text: &str, values: &[String]) -> String {
    let mut out = text.to_owned();
    for (i, value) in values.iter().enumerate() {
        out = out.replace(&format!("{{{{{}}}}}", i + 1), value);
    }
    out
}

fn insert(conn: &Connection, ctx: &Ctx, meta: &MetaTemplate, d: &Derived) -> Result<()> {
    conn.execute(
        "INSERT INTO templates (tenant_id, template_id, template_name, language, category, status, header_format, \
         header_text, header_params_count, header_file_url, header_variable_value, body_data, body_params_count, \
         body_variable_value, footer_data, footer_params_count, buttons_data, message_send_ttl_seconds, \
         add_security_recommendation, code_expiration_minutes, otp_button_config, components, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?23)",
        params![
            ctx.tenant_id, meta.id, meta.name, meta.language, meta.category, meta.status, d.header_format, d.header_text,
            d.header_params_count, d.header_file_url, d.header_variable_value, d.body, d.body_params_count,
            d.body_variable_value, d.footer, d.footer_params_count, d.buttons, meta.message_send_ttl_seconds,
            d.add_security_recommendation, d.code_expiration_minutes, d.otp_button_config, d.components, ctx.now.0
        ],
    )?;
    Ok(())
}

fn update(conn: &Connection, ctx: &Ctx, id: i64, meta: &MetaTemplate, d: &Derived) -> Result<()> {
    conn.execute(
        "UPDATE templates SET template_name = ?2, language = ?3, category = ?4, status = ?5, header_format = ?6, \
         header_text = ?7, header_params_count = ?8, header_file_url = ?9, header_variable_value = ?10, body_data = ?11, \
         body_params_count = ?12, body_variable_value = ?13, footer_data = ?14, footer_params_count = ?15, \
         buttons_data = ?16, message_send_ttl_seconds = ?17, add_security_recommendation = ?18, \
         code_expiration_minutes = ?19, otp_button_config = ?20, components = ?21, updated_at = ?22 WHERE id = ?1",
        params![
            id, meta.name, meta.language, meta.category, meta.status, d.header_format, d.header_text,
            d.header_params_count, d.header_file_url, d.header_variable_value, d.body, d.body_params_count,
            d.body_variable_value, d.footer, d.footer_params_count, d.buttons, meta.message_send_ttl_seconds,
            d.add_security_recommendation, d.code_expiration_minutes, d.otp_button_config, d.components, ctx.now.0
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use wacr_server::models::{Filter, ListAuthTemplatesFilters, TemplateCategory, TemplateStatus};

    use super::*;
    use crate::store::testing::Fixture as TestDb;

    fn all() -> ListTemplatesQuery {
        ListTemplatesQuery { per_page: Some(100), ..ListTemplatesQuery::default() }
    }

    #[test]
    fn builtin_fixture_is_seeded() {
        let f = TestDb::new();
        let page = list(&f.conn, &f.ctx(), &all()).unwrap();
        assert_eq!(page.meta.total as usize, super::Fixture::builtin().data.len());
        let otp = page.items.iter().find(|t| t.template_name == "otp_verification").unwrap();
        assert_eq!((otp.category.known(), otp.status.known(), otp.body_params_count), (Some(TemplateCategory::Authentication), Some(TemplateStatus::Approved), 2));
        assert!(otp.otp_button_config.is_some());
        assert_eq!(get(&f.conn, &f.ctx(), &otp.template_id).unwrap().id, otp.id);
        assert_eq!(get(&f.conn, &f.other_ctx(), &otp.template_id).map(|_| ()), Err(Error::not_found("template")));
    }

    #[test]
    fn auth_list_only_has_approved_authentication_templates() {
        let f = TestDb::new();
        let auth = |filters| ListAuthTemplatesQuery { per_page: Some(100), filters, ..ListAuthTemplatesQuery::default() };
        let page = list_auth(&f.conn, &f.ctx(), &auth(ListAuthTemplatesFilters::default())).unwrap();
        assert!(!page.items.is_empty());
        assert!(page.items.iter().all(|t| t.status.known() == Some(TemplateStatus::Approved)));
        let all = list(&f.conn, &f.ctx(), &all()).unwrap();
        let approved_auth = |t: &&Template| t.status.known() == Some(TemplateStatus::Approved) && t.category.known() == Some(TemplateCategory::Authentication);
        let expected = all.items.iter().filter(approved_auth).count();
        assert_eq!(page.items.len(), expected);
        let spanish = ListAuthTemplatesFilters { language: vec![Filter::eq("es")], ..ListAuthTemplatesFilters::default() };
        assert!(list_auth(&f.conn, &f.ctx(), &auth(spanish)).unwrap().items.iter().all(|t| t.language == "es"));
    }

    #[test]
    fn sync_creates_updates_and_deletes() {
        let mut f = TestDb::new();
        let ctx = f.ctx();
        let unchanged = sync(&mut f.conn, &ctx, &super::Fixture::builtin()).unwrap();
        assert_eq!((unchanged.created, unchanged.updated, unchanged.deleted), (0, 0, 0));
        let mut fixture = super::Fixture::builtin();
        let removed = fixture.data.pop().unwrap();
        fixture.data[0].status = "REJECTED".into();
        fixture.data.push(MetaTemplate { id: "999".into(), name: "brand_new".into(), ..removed.clone() });
        let result = sync(&mut f.conn, &ctx, &fixture).unwrap();
        assert_eq!(result, TemplateSyncResult { synced: fixture.data.len() as i64, created: 1, updated: 1, deleted: 1 });
        assert_eq!(get(&f.conn, &ctx, &removed.id).map(|_| ()), Err(Error::not_found("template")));
    }

    #[test]
    fn sync_needs_whatsapp() {
        let mut f = TestDb::new();
        f.conn.execute("UPDATE tenants SET whatsapp_configured = 0 WHERE id = ?1", [f.tenant]).unwrap();
        let ctx = f.ctx();
        assert_eq!(sync(&mut f.conn, &ctx, &super::Fixture::builtin()), Err(Error::WhatsappNotConfigured));
    }

    #[test]
    fn placeholders_and_fill() {
        assert_eq!(placeholder_count("Hi {{1}}, your order {{2}} ships {{2}}"), 2);
        assert_eq!(fill("Hi {{1}}, {{2}}", &["Ann".into()]), "Hi Ann, {{2}}");
    }
}
