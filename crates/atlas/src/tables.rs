//! The atlas as plain tables, for SQL engines: each table is a fixed query over
//! the store, read whole (the atlas is small) into typed columns.

use rusqlite::types::ValueRef;

use crate::error::Result;
use crate::store::Atlas;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// 64-bit integer.
    Int,
    /// 64-bit float.
    Real,
    /// Text.
    Text,
    /// A day, `YYYY-MM-DD`, held as text.
    Day,
    /// 0 or 1.
    Bool,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// An integer (also days' absence of one and booleans).
    Int(i64),
    /// A float.
    Real(f64),
    /// Text (also days).
    Text(String),
}

/// A table read from the atlas.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its SQL name.
    pub name: &'static str,
    /// What each row is.
    pub description: &'static str,
    /// Column names and types.
    pub columns: Vec<(&'static str, ColumnType)>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

use ColumnType::{Bool, Day, Int, Real, Text};

struct Spec {
    name: &'static str,
    description: &'static str,
    columns: &'static [(&'static str, ColumnType)],
    query: &'static str,
}

const FACT_COLUMNS: &[(&str, ColumnType)] = &[
    ("id", Int),
    ("source", Text),
    ("type", Text),
    ("key", Text),
    ("subject", Text),
    ("object", Text),
    ("kind", Text),
    ("status", Text),
    ("treaty", Text),
    ("about", Text),
    ("name", Text),
    ("text", Text),
    ("value", Real),
    ("unit", Text),
    ("approx", Bool),
    ("valid_from", Text),
    ("from_day", Day),
    ("from_precision", Text),
    ("valid_to", Text),
    ("to_day", Day),
    ("to_precision", Text),
    ("directed", Bool),
    ("confidence", Text),
    ("paragraph", Int),
    ("quote", Text),
    ("note", Text),
];

const SPECS: &[Spec] = &[
    Spec {
        name: "actors",
        description: "states, blocs, organisations and people, with their codes",
        columns: &[
            ("id", Text),
            ("kind", Text),
            ("name", Text),
            ("iso3", Text),
            ("iso2", Text),
            ("cow_code", Int),
            ("cow_abbrev", Text),
            ("gw_code", Int),
            ("un_m49", Int),
            ("un_status", Text),
            ("successor", Text),
            ("description", Text),
            ("source", Text),
        ],
        query: "SELECT id, kind, name, iso3, iso2, cow_code, cow_abbrev, gw_code, un_m49,
                       un_status, successor, description, source FROM actors ORDER BY id",
    },
    Spec {
        name: "actor_names",
        description: "every name an actor is known by",
        columns: &[("actor_id", Text), ("name", Text)],
        query: "SELECT actor_id, name FROM actor_names ORDER BY actor_id, name",
    },
    Spec {
        name: "sources",
        description: "where facts come from",
        columns: &[
            ("id", Text),
            ("title", Text),
            ("kind", Text),
            ("asserted", Text),
            ("asserted_day", Day),
            ("sha256", Text),
            ("note", Text),
            ("origin", Text),
        ],
        query: "SELECT id, title, kind, asserted, asserted_day, sha256, note, origin
                FROM sources ORDER BY id",
    },
    Spec {
        name: "facts",
        description: "every cited fact, of every type",
        columns: FACT_COLUMNS,
        query: "SELECT id, source, type, key, subject, object, kind, status, treaty, about, name,
                       text, value, unit, approx, valid_from, from_day, from_precision, valid_to,
                       to_day, to_precision, directed, confidence, paragraph, quote, note
                FROM facts ORDER BY id",
    },
    Spec {
        name: "relations",
        description: "relations between two actors with their validity interval",
        columns: &[
            ("id", Int),
            ("subject", Text),
            ("object", Text),
            ("kind", Text),
            ("status", Text),
            ("directed", Bool),
            ("valid_from", Text),
            ("from_day", Day),
            ("valid_to", Text),
            ("to_day", Day),
            ("confidence", Text),
            ("source", Text),
            ("paragraph", Int),
            ("quote", Text),
        ],
        query: "SELECT id, subject, object, kind, status, directed, valid_from, from_day,
                       valid_to, to_day, confidence, source, paragraph, quote
                FROM facts WHERE type = 'relation' ORDER BY id",
    },
    Spec {
        name: "treaties",
        description: "treaties and agreements",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("text", Text),
            ("source", Text),
            ("paragraph", Int),
            ("quote", Text),
        ],
        query: "SELECT key, name, text, source, paragraph, quote
                FROM facts WHERE type = 'treaty' ORDER BY key",
    },
    Spec {
        name: "treaty_steps",
        description: "signature, entry into force, extension, suspension, withdrawal",
        columns: &[
            ("treaty", Text),
            ("step", Text),
            ("by_actor", Text),
            ("date", Text),
            ("day", Day),
            ("source", Text),
            ("paragraph", Int),
            ("quote", Text),
        ],
        query: "SELECT treaty, kind, subject, valid_from, from_day, source, paragraph, quote
                FROM facts WHERE type = 'treaty_step' ORDER BY treaty, from_day, id",
    },
    Spec {
        name: "treaty_terms",
        description: "numeric terms of treaties (New START: 1,550 deployed warheads)",
        columns: &[
            ("treaty", Text),
            ("name", Text),
            ("value", Real),
            ("unit", Text),
            ("text", Text),
            ("source", Text),
            ("paragraph", Int),
            ("quote", Text),
        ],
        query: "SELECT treaty, name, value, unit, text, source, paragraph, quote
                FROM facts WHERE type = 'term' ORDER BY treaty, id",
    },
    Spec {
        name: "fact_actors",
        description: "actors of each fact and their role",
        columns: &[("fact_id", Int), ("actor_id", Text), ("role", Text)],
        query: "SELECT fact_id, actor_id, role FROM fact_actors ORDER BY fact_id, actor_id, role",
    },
];

impl Atlas {
    /// Every atlas table, read whole: `actors`, `actor_names`, `sources`,
    /// `facts`, `relations`, `treaties`, `treaty_steps`, `treaty_terms`,
    /// `fact_actors`.
    pub fn tables(&self) -> Result<Vec<Table>> {
        SPECS.iter().map(|s| self.read_table(s)).collect()
    }

    fn read_table(&self, spec: &Spec) -> Result<Table> {
        let mut stmt = self.conn.prepare(spec.query)?;
        let n = spec.columns.len();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(v) => Cell::Int(v),
                            ValueRef::Real(v) => Cell::Real(v),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                Cell::Text(String::from_utf8_lossy(t).into_owned())
                            }
                        })
                    })
                    .collect::<rusqlite::Result<Vec<Cell>>>()
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Table {
            name: spec.name,
            description: spec.description,
            columns: spec.columns.to_vec(),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_query_returns_its_declared_columns() {
        let atlas = Atlas::in_memory().expect("atlas");
        for t in atlas.tables().expect("tables") {
            assert!(!t.rows.is_empty(), "{} is empty", t.name);
            for r in &t.rows {
                assert_eq!(r.len(), t.columns.len(), "{}", t.name);
            }
        }
    }
}
