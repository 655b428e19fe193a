//! Table schemas: the columns and their types of every table a pipeline may target, from
//! Microsoft's documentation (`data/tables.json`, written by `tools/schema/extract.py`).

use std::sync::LazyLock;

use indexmap::IndexMap;

/// A column's type as Kusto knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `string`: never null; a missing value is the empty string.
    String,
    /// `long` or `int`.
    Integer,
    /// `real` / `double` / `decimal`.
    Real,
    /// `bool`.
    Bool,
    /// `datetime`.
    DateTime,
    /// `dynamic` (JSON).
    Dynamic,
    /// Anything else (`guid`, `timespan` …).
    Other,
}

impl ColumnType {
    fn parse(s: &str) -> ColumnType {
        match s {
            "string" => ColumnType::String,
            "long" | "int" => ColumnType::Integer,
            "real" | "double" | "decimal" => ColumnType::Real,
            "bool" | "boolean" => ColumnType::Bool,
            "datetime" => ColumnType::DateTime,
            "dynamic" => ColumnType::Dynamic,
            _ => ColumnType::Other,
        }
    }

    /// Whether values of this type can be null in Kusto (every type but `string`).
    pub fn nullable(self) -> bool {
        self != ColumnType::String
    }

    /// Whether the type is a number.
    pub fn numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Real)
    }
}

/// One table: its columns in documented order.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's name.
    pub name: String,
    columns: IndexMap<String, ColumnType>,
}

impl Table {
    /// The type of `column`, if the table has it.
    pub fn column(&self, column: &str) -> Option<ColumnType> {
        self.columns.get(column).copied()
    }

    /// The column names, in documented order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.keys().map(String::as_str)
    }
}

/// The tables of one schema flavour (`defender` or `sentinel`).
#[derive(Debug, Clone)]
pub struct Schema {
    tables: IndexMap<String, Table>,
}

impl Schema {
    /// A table by name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The table names.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }
}

/// The raw data: `{flavour: {table: {column: type}}}`.
const TABLES_JSON: &str = include_str!("data/tables.json");

static SCHEMAS: LazyLock<IndexMap<String, Schema>> = LazyLock::new(|| {
    let raw: serde_json::Value = serde_json::from_str(TABLES_JSON).unwrap_or_default();
    let mut out = IndexMap::new();
    let Some(flavours) = raw.as_object() else {
        return out;
    };
    for (flavour, tables) in flavours {
        let Some(tables) = tables.as_object() else {
            continue;
        };
        let mut schema = Schema {
            tables: IndexMap::new(),
        };
        for (name, cols) in tables {
            let columns = cols
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| (k.clone(), ColumnType::parse(v.as_str().unwrap_or(""))))
                        .collect()
                })
                .unwrap_or_default();
            schema.tables.insert(
                name.clone(),
                Table {
                    name: name.clone(),
                    columns,
                },
            );
        }
        out.insert(flavour.clone(), schema);
    }
    out
});

/// The schema of a flavour (`defender`, `sentinel`), if the project has it.
pub fn schema(flavour: &str) -> Option<&'static Schema> {
    SCHEMAS.get(flavour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schemas_load() {
        let d = schema("defender").expect("defender schema");
        let t = d.table("DeviceProcessEvents").expect("table");
        assert_eq!(t.column("FolderPath"), Some(ColumnType::String));
        assert_eq!(t.column("ProcessId"), Some(ColumnType::Integer));
        assert_eq!(t.column("Timestamp"), Some(ColumnType::DateTime));
        assert_eq!(t.column("Nope"), None);
        assert!(d.table_names().count() >= 38);
        let s = schema("sentinel").expect("sentinel schema");
        assert!(s.table("DeviceProcessEvents").is_some());
    }
}
