//! `src/db/schema.rs` matches the migrated database of the backend under test (CI runs
//! the suite on SQLite and on PostgreSQL, so both trees are checked).

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Text};

use crate::support::TestApp;

/// table → [(column, diesel type, nullable)] as declared in schema.rs.
fn declared() -> BTreeMap<String, Vec<(String, String, bool)>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    let mut tables = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(head) = line.strip_suffix('{').map(str::trim)
            && let Some((name, _)) = head.split_once(" (")
        {
            current = Some(name.trim().to_owned());
            tables.insert(name.trim().to_owned(), Vec::new());
        } else if let (Some(table), Some((col, ty))) = (&current, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            tables.get_mut(table).unwrap().push((col.to_owned(), ty.to_owned(), nullable));
        } else if line == "}" {
            current = None;
        }
    }
    tables
}

#[derive(diesel::QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = BigInt)]
    nullable: i64,
}

const SQLITE_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
     CASE WHEN p.\"notnull\" = 1 THEN 0 ELSE 1 END AS nullable \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
     ORDER BY m.name, p.cid";

const PG_COLUMNS: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name, \
     data_type::text AS data_type, CASE WHEN is_nullable = 'YES' THEN 1::bigint ELSE 0::bigint END AS nullable \
     FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
     ORDER BY table_name, ordinal_position";

/// The database type each diesel type may be stored as, per backend.
fn accepts(diesel_type: &str, db_type: &str, column: &str) -> bool {
    let db_type = db_type.to_lowercase();
    match diesel_type {
        "BigInt" => db_type == "bigint" || (column == "id" && db_type == "integer"),
        "Integer" => db_type == "integer",
        "Text" => db_type == "text",
        "Bool" => db_type == "boolean",
        "Date" => db_type == "date",
        "Timestamp" => db_type == "timestamp" || db_type == "timestamp without time zone",
        _ => false,
    }
}

#[tokio::test]
async fn schema_rs_matches_the_migrated_database() {
    let app = TestApp::spawn().await;
    let postgres = app.on_postgres();
    let columns: Vec<Column> = app
        .state
        .db
        .run(move |conn| {
            let sql = if postgres { PG_COLUMNS } else { SQLITE_COLUMNS };
            Ok(guildhall::per_backend!(conn, |c| diesel::RunQueryDsl::load(
                diesel::sql_query(sql),
                c
            ))?)
        })
        .await
        .unwrap();
    let mut actual: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    for c in columns {
        actual.entry(c.table_name).or_default().push((c.column_name, c.data_type, c.nullable == 1));
    }
    let declared = declared();
    assert_eq!(declared.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>(), "tables");
    for (table, columns) in &declared {
        let db = &actual[table];
        let names = |cols: &Vec<(String, String, bool)>| {
            cols.iter().map(|c| c.0.clone()).collect::<Vec<_>>()
        };
        assert_eq!(names(columns), names(db), "columns of {table}");
        for ((name, ty, nullable), (_, db_ty, db_nullable)) in columns.iter().zip(db) {
            assert!(
                accepts(ty, db_ty, name),
                "{table}.{name}: schema.rs says {ty}, database has {db_ty}"
            );
            assert_eq!(nullable, db_nullable, "{table}.{name}: nullability");
        }
    }
}

#[test]
fn both_migration_trees_have_the_same_names() {
    let list = |backend: &str| {
        let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("postgres"));
}
