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

/// An index as both backends can describe it: table, columns in order, unique, partial.
type IndexShape = (String, String, bool, bool);
/// A foreign key: table, column, referenced table, referenced column, on delete.
type ForeignKey = (String, String, String, String, String);

#[derive(diesel::QueryableByName, Debug)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    cols: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_unique: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_partial: bool,
}

#[derive(diesel::QueryableByName, Debug)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    col: String,
    #[diesel(sql_type = Text)]
    ref_table: String,
    #[diesel(sql_type = Text)]
    ref_col: String,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

const SQLITE_INDEXES: &str = "SELECT m.name AS table_name, \
     (SELECT group_concat(name, ',') FROM (SELECT ii.name FROM pragma_index_info(il.name) ii ORDER BY ii.seqno)) AS cols, \
     il.\"unique\" = 1 AS is_unique, il.partial = 1 AS is_partial \
     FROM sqlite_master m JOIN pragma_index_list(m.name) il \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
     AND il.origin <> 'pk'";

const PG_INDEXES: &str = "SELECT t.relname::text AS table_name, \
     string_agg(a.attname::text, ',' ORDER BY k.ord) AS cols, ix.indisunique AS is_unique, \
     ix.indpred IS NOT NULL AS is_partial \
     FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
     WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> '__diesel_schema_migrations' \
     GROUP BY t.relname, i.relname, ix.indisunique, ix.indpred IS NOT NULL";

const SQLITE_FOREIGN_KEYS: &str = "SELECT m.name AS table_name, f.\"from\" AS col, f.\"table\" AS ref_table, \
     COALESCE(f.\"to\", 'id') AS ref_col, f.on_delete AS on_delete \
     FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'";

const PG_FOREIGN_KEYS: &str = "SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS col, \
     c.confrelid::regclass::text AS ref_table, af.attname::text AS ref_col, \
     CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' \
     WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete \
     FROM pg_constraint c \
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
     JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] \
     WHERE c.contype = 'f'";

/// Indexes and foreign keys of a migrated database, as sorted sets.
fn constraints(
    conn: &mut guildhall::db::DbConn,
    postgres: bool,
) -> (std::collections::BTreeSet<IndexShape>, std::collections::BTreeSet<ForeignKey>) {
    use diesel::RunQueryDsl as _;
    let (ix_sql, fk_sql) = if postgres {
        (PG_INDEXES, PG_FOREIGN_KEYS)
    } else {
        (SQLITE_INDEXES, SQLITE_FOREIGN_KEYS)
    };
    let indexes: Vec<IndexRow> =
        guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(ix_sql).load(c)).unwrap();
    let keys: Vec<ForeignKeyRow> =
        guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(fk_sql).load(c)).unwrap();
    (
        indexes.into_iter().map(|i| (i.table_name, i.cols, i.is_unique, i.is_partial)).collect(),
        keys.into_iter()
            .map(|k| (k.table_name, k.col, k.ref_table, k.ref_col, k.on_delete.to_uppercase()))
            .collect(),
    )
}

/// The "exactly once" rules live in unique indexes: both migration trees must declare the
/// same indexes (columns, uniqueness, partial or not) and the same foreign keys. Runs
/// where PostgreSQL is available (CI's second pass), against a fresh SQLite beside it.
#[tokio::test]
async fn both_trees_have_the_same_indexes_and_foreign_keys() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let url = guildhall::db::DbUrl::parse(&dir.path().join("x.db").to_string_lossy()).unwrap();
    let sqlite = guildhall::db::Db::connect(&url, 1).unwrap();
    sqlite.migrate().unwrap();
    let (lite_ix, lite_fk) = constraints(&mut sqlite.get().unwrap(), false);
    assert!(lite_ix.iter().any(|i| i.2), "SQLite declares unique indexes");
    assert!(!lite_fk.is_empty(), "SQLite declares foreign keys");
    if !app.on_postgres() {
        return;
    }
    let (pg_ix, pg_fk) = constraints(&mut app.state.db.get().unwrap(), true);
    assert_eq!(only(&lite_ix, &pg_ix), Vec::<IndexShape>::new(), "indexes only on SQLite");
    assert_eq!(only(&pg_ix, &lite_ix), Vec::<IndexShape>::new(), "indexes only on PostgreSQL");
    assert_eq!(only(&lite_fk, &pg_fk), Vec::<ForeignKey>::new(), "foreign keys only on SQLite");
    assert_eq!(only(&pg_fk, &lite_fk), Vec::<ForeignKey>::new(), "foreign keys only on PostgreSQL");
}

fn only<T: Ord + Clone>(
    a: &std::collections::BTreeSet<T>,
    b: &std::collections::BTreeSet<T>,
) -> Vec<T> {
    a.difference(b).cloned().collect()
}

/// SQLite never reuses an id after a delete (AUTOINCREMENT), so audit rows never point at
/// a new thing: every table with an integer `id` key declares it.
#[tokio::test]
async fn sqlite_ids_are_never_reused() {
    use diesel::RunQueryDsl as _;
    let dir = tempfile::tempdir().unwrap();
    let url = guildhall::db::DbUrl::parse(&dir.path().join("x.db").to_string_lossy()).unwrap();
    let db = guildhall::db::Db::connect(&url, 1).unwrap();
    db.migrate().unwrap();
    #[derive(diesel::QueryableByName)]
    struct Table {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        sql: String,
    }
    let tables: Vec<Table> = guildhall::per_backend!(&mut *db.get().unwrap(), |c| {
        diesel::sql_query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
             AND sql LIKE '%id INTEGER PRIMARY KEY%'",
        )
        .load(c)
    })
    .unwrap();
    assert!(tables.len() > 10, "tables with integer ids: {}", tables.len());
    for t in tables {
        assert!(t.sql.contains("AUTOINCREMENT"), "{} reuses ids: {}", t.name, t.sql);
    }
    // And behaviourally: delete the newest audit row, insert again, get a new id.
    let mut conn = db.get().unwrap();
    let insert = "INSERT INTO audit_log (actor_kind, action, subject_type, details, created_at) \
                  VALUES ('system', 'x.y', 'x', '{}', '2026-01-01 00:00:00')";
    let max = "SELECT COALESCE(MAX(id), 0) AS id FROM audit_log";
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(insert).execute(c)).unwrap();
    let first = guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(max).get_result::<Id>(c))
        .unwrap()
        .id;
    let delete = format!("DELETE FROM audit_log WHERE id = {first}");
    guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(&delete).execute(c)).unwrap();
    guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(insert).execute(c)).unwrap();
    let second = guildhall::per_backend!(&mut *conn, |c| diesel::sql_query(max)
        .get_result::<Id>(c))
    .unwrap()
    .id;
    assert!(second > first, "id {first} was reused");
}

/// Seeded timestamps are UTC on PostgreSQL too, even when the server's (or the
/// database's) time zone is not: every connection sets UTC.
#[tokio::test]
async fn seeded_timestamps_are_utc_on_postgres() {
    use diesel::RunQueryDsl as _;
    let Some(admin_url) = crate::support::test_database_url() else { return };
    let name = format!("gh_tz_{}", rand_suffix());
    let mut admin = guildhall::db::establish_pg(&admin_url).unwrap();
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).unwrap();
    diesel::sql_query(format!("ALTER DATABASE \"{name}\" SET timezone = 'Asia/Shanghai'"))
        .execute(&mut admin)
        .unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    let db =
        guildhall::db::Db::connect(&guildhall::db::DbUrl::parse(url.as_str()).unwrap(), 1).unwrap();
    db.migrate().unwrap();
    #[derive(diesel::QueryableByName)]
    struct Seeded {
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        created_at: chrono::NaiveDateTime,
    }
    let seeded: Seeded = guildhall::per_backend!(&mut *db.get().unwrap(), |c| {
        diesel::sql_query("SELECT created_at FROM member_types ORDER BY id LIMIT 1").get_result(c)
    })
    .unwrap();
    drop(db);
    let off = (chrono::Utc::now().naive_utc() - seeded.created_at).num_minutes().abs();
    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();
    assert!(off < 10, "seeded {} is {off} minutes from UTC now", seeded.created_at);
}

fn rand_suffix() -> String {
    guildhall::kernel::tokens::random_token(9).to_lowercase().replace(['-', '_'], "x")
}
