//! List queries as SQL: the paging, sort keys, search and typed filter conditions of a generated
//! `*Query` become one parameterised statement. The glue has already checked the query against
//! the spec (page bounds, sort fields, filter fields and their operators, value types), so what
//! arrives here is typed and allowed. Column names only ever come from the store's own code;
//! user input only ever travels as a bound parameter.

use rusqlite::types::Value;
use wacr_server::models::{Filter, FilterCond, Page, Sort, WireEnum};

use super::counts::{self, Versions};
use crate::sql::Engine;
use super::{Ctx, Error, Result};
use crate::clock::DateBound;

/// The key of a filter condition in a 422 (`filter[created_at][gte]`).
const FILTER: &str = "filter";

/// One list call's statement, built up from its query.
pub(crate) struct ListSql {
    from: String,
    conditions: String,
    params: Vec<Value>,
    order_by: String,
    page: u32,
    per_page: u32,
}

impl ListSql {
    /// The tenant's rows of `from` (`contacts c`, whose tenant column is `c.tenant_id`), on the
    /// requested page (the spec's defaults when absent).
    pub fn new(from: impl Into<String>, tenant_column: &str, ctx: &Ctx, page: Option<u32>, per_page: Option<u32>) -> ListSql {
        let defaults = &wacr_server::CONVENTIONS.pagination;
        ListSql {
            from: from.into(),
            conditions: format!("{tenant_column} = ?"),
            params: vec![Value::Integer(ctx.tenant_id)],
            order_by: String::new(),
            page: page.unwrap_or(defaults.page_default),
            per_page: per_page.unwrap_or(defaults.per_page_default),
        }
    }

    /// A fixed condition of the operation (no parameters).
    pub fn condition(mut self, sql: &str) -> ListSql {
        self.conditions.push_str(" AND ");
        self.conditions.push_str(sql);
        self
    }

    /// `search`: a partial match on any of `columns`.
    pub fn search(mut self, columns: &[&str], term: Option<&str>) -> ListSql {
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let like = format!("%{}%", escape_like(term));
            let parts: Vec<String> = columns.iter().map(|col| format!("{col} LIKE ? ESCAPE '\\'")).collect();
            self.conditions.push_str(&format!(" AND ({})", parts.join(" OR ")));
            self.params.extend(columns.iter().map(|_| Value::Text(like.clone())));
        }
        self
    }

    /// The order: the sort keys, each key's column from `column` (or the `default` column and
    /// direction when there are none), then `id_column` to break ties in the first key's
    /// direction, so pages never overlap.
    pub fn order<F: Copy>(
        mut self,
        sort: &[Sort<F>],
        column: impl Fn(F) -> &'static str,
        default: Option<(&'static str, bool)>,
        id_column: &str,
    ) -> ListSql {
        let keys: Vec<(&str, bool)> =
            if sort.is_empty() { default.into_iter().collect() } else { sort.iter().map(|key| (column(key.field), key.descending)).collect() };
        let direction = |descending: bool| if descending { "DESC" } else { "ASC" };
        let mut parts: Vec<String> = keys.iter().map(|(col, descending)| format!("{col} {}", direction(*descending))).collect();
        parts.push(format!("{id_column} {}", direction(keys.first().is_some_and(|(_, descending)| *descending))));
        self.order_by = parts.join(", ");
        self
    }

    /// The conditions on a plain column, each value bound as `value` makes it. `in` with nothing matches nothing and `not_in` with
    /// nothing excludes nothing; `ne` keeps rows whose column is null, as SQL's `!=` alone would
    /// not.
    pub fn filter<T: Clone, O>(mut self, column: &str, conds: &[Filter<T, O>], value: impl Fn(T) -> Value) -> ListSql {
        let value = |v: &T| value(v.clone());
        for cond in conds.iter().map(Filter::cond) {
            let one = |op: &str, v: &T| (format!("{column} {op} ?"), vec![value(v)]);
            let (sql, values): (String, Vec<Value>) = match cond {
                FilterCond::Eq(v) => one("=", v),
                FilterCond::Ne(v) => (format!("({column} IS NULL OR {column} != ?)"), vec![value(v)]),
                FilterCond::Gt(v) => one(">", v),
                FilterCond::Gte(v) => one(">=", v),
                FilterCond::Lt(v) => one("<", v),
                FilterCond::Lte(v) => one("<=", v),
                FilterCond::Like(text) => (format!("{column} LIKE ? ESCAPE '\\'"), vec![Value::Text(format!("%{}%", escape_like(text)))]),
                FilterCond::Between(low, high) => (format!("{column} BETWEEN ? AND ?"), vec![value(low), value(high)]),
                FilterCond::Null(is_null) => (format!("{column} IS {}NULL", if *is_null { "" } else { "NOT " }), Vec::new()),
                FilterCond::In(vs) if vs.is_empty() => ("1 = 0".to_owned(), Vec::new()),
                FilterCond::NotIn(vs) if vs.is_empty() => continue,
                FilterCond::In(vs) | FilterCond::NotIn(vs) => {
                    let not = if matches!(cond, FilterCond::NotIn(_)) { "NOT " } else { "" };
                    let marks = vec!["?"; vs.len()].join(", ");
                    (format!("{column} {not}IN ({marks})"), vs.iter().map(value).collect())
                }
            };
            self.conditions.push_str(&format!(" AND {sql}"));
            self.params.extend(values);
        }
        self
    }

    /// The conditions on a microsecond time column compared with ISO 8601 text. A bare date
    /// compares at day granularity (`lte 2025-12-31` keeps the whole of that day, `gt
    /// 2025-01-01` starts the day after); a date-time compares at its instant. `field` names the
    /// filter in a 422 for text that is no date.
    pub fn dates<O>(mut self, column: &str, field: &str, conds: &[Filter<String, O>]) -> Result<ListSql> {
        for cond in conds.iter().map(Filter::cond) {
            let key = cond.query_key(FILTER, field);
            let bound = |text: &str| DateBound::parse(text).ok_or_else(|| Error::field(&key, "the value must be an ISO 8601 date or date-time"));
            let (sql, values) = match cond {
                FilterCond::Gt(v) => (">= ?", vec![bound(v)?.end_exclusive()]),
                FilterCond::Gte(v) => (">= ?", vec![bound(v)?.start]),
                FilterCond::Lt(v) => ("< ?", vec![bound(v)?.start]),
                FilterCond::Lte(v) => ("< ?", vec![bound(v)?.end_exclusive()]),
                FilterCond::Eq(v) => {
                    let b = bound(v)?;
                    (">= ? AND {col} < ?", vec![b.start, b.end_exclusive()])
                }
                FilterCond::Between(low, high) => (">= ? AND {col} < ?", vec![bound(low)?.start, bound(high)?.end_exclusive()]),
                _ => return Err(Error::field(&key, "operator not supported on a date")),
            };
            self.conditions.push_str(&format!(" AND {column} {}", sql.replace("{col}", column)));
            self.params.extend(values.into_iter().map(|ts| Value::Integer(ts.0)));
        }
        Ok(self)
    }

    /// The conditions on a JSON array of integers: `eq` means "contains".
    pub fn contains<O>(mut self, column: &str, field: &str, conds: &[Filter<i64, O>]) -> Result<ListSql> {
        for cond in conds.iter().map(Filter::cond) {
            let FilterCond::Eq(value) = cond else {
                return Err(Error::field(cond.query_key(FILTER, field), "operator not supported on this field"));
            };
            self.conditions.push_str(&format!(" AND EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = ?)"));
            self.params.push(Value::Integer(*value));
        }
        Ok(self)
    }

    /// Runs the list: the page of `select` columns read by `map`, and the exact total.
    pub fn fetch<T>(self, conn: &crate::sql::Connection, select: &str, map: impl FnMut(&crate::sql::Row<'_>) -> rusqlite::Result<T>) -> Result<Page<T>> {
        self.fetch_with(conn, select, map, None)
    }

    /// [`ListSql::fetch`] whose exact total is cached while the tenant's version in `versions`
    /// stays the same (`counts`); run it inside a transaction, so the version and the count agree.
    pub fn fetch_counted<T>(
        self,
        conn: &crate::sql::Connection,
        select: &str,
        map: impl FnMut(&crate::sql::Row<'_>) -> rusqlite::Result<T>,
        versions: (Versions, i64),
    ) -> Result<Page<T>> {
        self.fetch_with(conn, select, map, Some(versions))
    }

    fn fetch_with<T>(
        self,
        conn: &crate::sql::Connection,
        select: &str,
        mut map: impl FnMut(&crate::sql::Row<'_>) -> rusqlite::Result<T>,
        versions: Option<(Versions, i64)>,
    ) -> Result<Page<T>> {
        let ListSql { from, conditions, params, order_by, page, per_page } = self;
        let count_sql = format!("SELECT COUNT(*) FROM {from} WHERE {conditions}");
        let count = || -> Result<i64> { Ok(conn.query_row(&count_sql, crate::sql::params_from_iter(params.iter()), |r| r.get(0))?) };
        let total = match versions {
            // the key is the query itself: the statement and every bound value
            Some((versions, tenant_id)) if conn.engine() == Engine::Sqlite => counts::total(conn, versions, tenant_id, &format!("{count_sql}\n{params:?}"), count)?,
            _ => count()?,
        };
        let offset = (u64::from(page.max(1)) - 1) * u64::from(per_page);
        let sql = format!("SELECT {select} FROM {from} WHERE {conditions} ORDER BY {order_by} LIMIT {per_page} OFFSET {offset}");
        let mut stmt = conn.prepare(&sql)?;
        let items = stmt.query_map(crate::sql::params_from_iter(params.iter()), |row| map(row))?.collect::<rusqlite::Result<Vec<T>>>()?;
        Ok(wacr_server::paginate(items, u64::try_from(total).unwrap_or_default(), page, per_page))
    }
}

/// A wire enum as the text stored for it.
pub(crate) fn wire<E: WireEnum>(value: E) -> Value {
    Value::Text(value.as_str().to_owned())
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use wacr_server::models::{EqNeInNotInOps, GtGteLtLteBetweenOps};

    use super::*;

    #[derive(Clone, Copy)]
    enum Field {
        CreatedAt,
    }

    fn column(field: Field) -> &'static str {
        match field {
            Field::CreatedAt => "t.created_at",
        }
    }

    fn ctx() -> Ctx {
        Ctx { tenant_id: 7, now: crate::clock::Ts(0) }
    }

    #[test]
    fn builds_parameterised_sql() {
        let sql = ListSql::new("t t", "t.tenant_id", &ctx(), None, None)
            .search(&["t.name"], Some("50%_off"))
            .order::<Field>(&[], column, Some(("t.name COLLATE NOCASE", false)), "t.id")
            .filter("t.status_id", &[Filter::<i64, EqNeInNotInOps>::is_in([1, 2])], Value::from)
            .dates("t.created_at", "created_at", &[Filter::<String, GtGteLtLteBetweenOps>::between("2025-01-01", "2025-12-31")])
            .unwrap();
        assert_eq!(
            sql.conditions,
            "t.tenant_id = ? AND (t.name LIKE ? ESCAPE '\\') AND t.status_id IN (?, ?) AND t.created_at >= ? AND t.created_at < ?"
        );
        assert_eq!(sql.params[1], Value::Text("%50\\%\\_off%".into()));
        assert_eq!(sql.order_by, "t.name COLLATE NOCASE ASC, t.id ASC");
        assert_eq!((sql.page, sql.per_page), (1, 15), "the spec's defaults");
        let desc = ListSql::new("t t", "t.tenant_id", &ctx(), Some(2), Some(5)).order(&[Sort::desc(Field::CreatedAt)], column, None, "t.id");
        assert_eq!(desc.order_by, "t.created_at DESC, t.id DESC");
    }

    #[test]
    fn empty_lists_and_bad_dates() {
        let empty_in = ListSql::new("t t", "t.tenant_id", &ctx(), None, None).filter("t.status_id", &[Filter::<i64, EqNeInNotInOps>::is_in([0; 0])], Value::from);
        assert_eq!(empty_in.conditions, "t.tenant_id = ? AND 1 = 0");
        let empty_not_in = ListSql::new("t t", "t.tenant_id", &ctx(), None, None).filter("t.status_id", &[Filter::<i64, EqNeInNotInOps>::not_in([0; 0])], Value::from);
        assert_eq!(empty_not_in.conditions, "t.tenant_id = ?");
        let bad = ListSql::new("t t", "t.tenant_id", &ctx(), None, None).dates("t.created_at", "created_at", &[Filter::<String, GtGteLtLteBetweenOps>::gte("yesterday")]);
        assert!(matches!(bad, Err(Error::Validation(e)) if e.contains_key("filter[created_at][gte]")));
    }

    #[test]
    fn laravel_meta() {
        let page = wacr_server::paginate(vec![1, 2], 5, 2, 2);
        assert_eq!((page.meta.last_page, page.meta.from, page.meta.to), (3, Some(3), Some(4)));
        let empty: Page<i32> = wacr_server::paginate(vec![], 0, 1, 15);
        assert_eq!((empty.meta.last_page, empty.meta.from), (1, None));
    }
}
