//! The translation of the store's statements to PostgreSQL and the values' round trip.

use super::pg::translate;

#[test]
fn placeholders_become_dollar_numbers() {
    assert_eq!(translate("SELECT a FROM t WHERE x = ?1 AND y = ?2 OR z = ?1"), "SELECT a FROM t WHERE x = $1 AND y = $2 OR z = $1");
    assert_eq!(translate("INSERT INTO t VALUES (?, ?, ?)"), "INSERT INTO t VALUES ($1, $2, $3)");
    assert_eq!(translate("SELECT '?1', \"a?\" FROM t WHERE x = ?3"), "SELECT '?1', \"a?\" FROM t WHERE x = $3");
}

#[test]
fn like_ignores_case_as_on_sqlite() {
    assert_eq!(translate("WHERE c.firstname LIKE ? ESCAPE '\\'"), "WHERE c.firstname ILIKE $1 ESCAPE '\\'");
    assert_eq!(translate("WHERE (a like ?1)"), "WHERE (a ILIKE $1)");
    // a word that holds LIKE, or LIKE in quotes, stays
    assert_eq!(translate("SELECT likely, 'LIKE' FROM unlike"), "SELECT likely, 'LIKE' FROM unlike");
}

#[test]
fn a_postgres_url_is_shown_without_its_password() {
    use super::PgConfig;
    let shown = |url: &str| PgConfig { url: url.to_owned() }.to_string();
    assert_eq!(shown("postgres://wacr:secret@127.0.0.1:5432/db"), "postgres://wacr@127.0.0.1:5432/db");
    assert_eq!(shown("postgres://wacr:secret@h/db?options=-c%20x&password=secret2"), "postgres://wacr@h/db?options=-c%20x&password=…");
    assert_eq!(shown("postgresql://h/db"), "postgresql://h/db");
}
