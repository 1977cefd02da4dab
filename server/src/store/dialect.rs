//! The two SQL dialects. Statements are written once, in SQLite's dialect with `?` or `?N`
//! placeholders; on PostgreSQL [`Backend::sql`] rewrites the few spellings that differ. The rest of
//! the SQL is kept to what both understand (upserts with `ON CONFLICT`, `RETURNING`, `IS DISTINCT
//! FROM`, `substr`, `coalesce`), and date arithmetic is done in Rust.

use std::borrow::Cow;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The current time as stored everywhere: ISO 8601 in UTC with milliseconds, so text order is time
/// order on both backends. Statements interpolate it; on PostgreSQL [`Backend::sql`] swaps in
/// `POSTGRES_NOW`.
pub const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const POSTGRES_NOW: &str =
    r#"to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#;

impl Backend {
    /// The backend a database URL names, or `None` for an unsupported scheme.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// What ends a `SELECT` that locks the rows it reads until the transaction ends: `FOR UPDATE`
    /// on PostgreSQL; nothing on SQLite, whose write transaction already holds the whole database.
    pub fn lock_rows(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// What ends a `SELECT` that keeps the rows it reads from being changed or deleted until the
    /// transaction ends, while others may still add rows that refer to them: `FOR SHARE` on
    /// PostgreSQL; nothing on SQLite (see [`Backend::lock_rows`]).
    pub fn share_rows(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR SHARE",
        }
    }

    /// Like [`Backend::lock_rows`], but passing over rows another transaction holds instead of
    /// waiting for them: work that any server may do (and another is doing) never waits in a
    /// circle with it.
    pub fn lock_free_rows(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// A statement for this backend: on PostgreSQL, `?` becomes `$1`, `$2`, … in order, `?N`
    /// becomes `$N` (outside quoted text) and [`NOW`] becomes `POSTGRES_NOW`.
    pub fn sql(self, sql: &str) -> Cow<'_, str> {
        match self {
            Backend::Sqlite => Cow::Borrowed(sql),
            Backend::Postgres => Cow::Owned(numbered_placeholders(&sql.replace(NOW, POSTGRES_NOW))),
        }
    }

    /// A parenthesised list for `IN` from one parameter holding a JSON array of strings, so one
    /// statement text (and one prepared statement) serves lists of any length.
    pub fn json_list(self, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("(SELECT value FROM json_each({param}))"),
            Backend::Postgres => format!("(SELECT json_array_elements_text({param}::json))"),
        }
    }

    /// The text value of a top-level key of a JSON text column (NULL when absent).
    pub fn json_text(self, column: &str, key: &str) -> String {
        match self {
            Backend::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Backend::Postgres => format!("(({column})::jsonb ->> '{key}')"),
        }
    }

    /// Whether the array under a top-level key of a JSON text column holds the string of one `?`
    /// parameter. `key` must be a plain identifier.
    pub fn json_list_has(self, column: &str, key: &str) -> String {
        match self {
            Backend::Sqlite => {
                format!("EXISTS (SELECT 1 FROM json_each({column}, '$.{key}') WHERE value = ?)")
            }
            Backend::Postgres => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text((({column})::jsonb) -> '{key}') \
                 AS v (value) WHERE v.value = ?)"
            ),
        }
    }

    /// A JSON text column without the given top-level keys. `keys` must be plain identifiers.
    pub fn json_without(self, column: &str, keys: &[&str]) -> String {
        match self {
            Backend::Sqlite => {
                let paths: Vec<String> = keys.iter().map(|k| format!("'$.{k}'")).collect();
                format!("json_remove({column}, {})", paths.join(", "))
            }
            Backend::Postgres => {
                let minus: String = keys.iter().map(|k| format!(" - '{k}'")).collect();
                format!("((({column})::jsonb{minus})::text)")
            }
        }
    }
}

/// The placeholders for `n` float columns that may be missing together (a position): `?`s to bind
/// when there are values, `NULL`s written into the statement when there are none.
///
/// A missing float is never bound: sqlx 0.8.6's Any driver sends it to PostgreSQL as a 4-byte float
/// (transact-rs/sqlx#4284), the connection's cached statement keeps that parameter type, and the
/// next real 8-byte value through the same statement is refused. With `NULL` in the text, a
/// statement with and one without a position are two statements.
pub fn float_slots(present: bool, n: usize) -> String {
    vec![if present { "?" } else { "NULL" }; n].join(", ")
}

fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut next = 0;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    next += 1;
                    out.push_str(&next.to_string());
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_floats_are_written_as_null_and_present_ones_bound() {
        assert_eq!(float_slots(true, 2), "?, ?");
        assert_eq!(float_slots(false, 4), "NULL, NULL, NULL, NULL");
    }

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let q = "SELECT 1 FROM t WHERE a = ? AND b = 'what?' AND c = ?";
        assert_eq!(Backend::Sqlite.sql(q), q);
        assert_eq!(
            Backend::Postgres.sql(q),
            "SELECT 1 FROM t WHERE a = $1 AND b = 'what?' AND c = $2"
        );
        assert_eq!(
            Backend::Postgres.sql("x = ?1 OR y = ?1 OR z = ?12"),
            "x = $1 OR y = $1 OR z = $12"
        );
        // A doubled quote inside text keeps the text quoted.
        assert_eq!(Backend::Postgres.sql("'it''s?' = ?"), "'it''s?' = $1");
        let insert = format!("INSERT INTO t (a, at) VALUES (?, {NOW})");
        assert_eq!(Backend::Sqlite.sql(&insert), insert);
        assert_eq!(
            Backend::Postgres.sql(&insert),
            format!("INSERT INTO t (a, at) VALUES ($1, {POSTGRES_NOW})")
        );
    }

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(Backend::of_url("sqlite://data/t.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }

    #[test]
    fn json_helpers_speak_each_dialect() {
        assert_eq!(
            Backend::Sqlite.json_list("?"),
            "(SELECT value FROM json_each(?))"
        );
        assert_eq!(
            Backend::Postgres.sql(&format!("id IN {}", Backend::Postgres.json_list("?"))),
            "id IN (SELECT json_array_elements_text($1::json))"
        );
        assert_eq!(
            Backend::Sqlite.json_text("details", "talent"),
            "json_extract(details, '$.talent')"
        );
        assert_eq!(
            Backend::Postgres.json_text("details", "talent"),
            "((details)::jsonb ->> 'talent')"
        );
        assert_eq!(
            Backend::Sqlite.json_without("details", &["who", "talent"]),
            "json_remove(details, '$.who', '$.talent')"
        );
        assert_eq!(
            Backend::Postgres.json_without("details", &["who", "talent"]),
            "(((details)::jsonb - 'who' - 'talent')::text)"
        );
    }
}
