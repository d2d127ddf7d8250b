//! Embedded migrations, one folder per backend, applied at start.

use diesel::{Connection, RunQueryDsl, SqliteConnection};
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DatabaseUrl;

const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Replicas that start together must not apply the same migration twice; this
/// session-level advisory lock makes them take turns.
const MIGRATION_LOCK_KEY: i64 = 0x7061_636b_7961_7264; // "packyard"

/// Applies every pending migration and returns the names of those applied now.
/// Runs on a blocking thread: diesel's migration harness is synchronous.
pub async fn run(url: &DatabaseUrl) -> anyhow::Result<Vec<String>> {
    let url = url.clone();
    tokio::task::spawn_blocking(move || match url {
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
            diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
            diesel::sql_query("PRAGMA foreign_keys = ON").execute(&mut conn)?;
            apply(&mut conn, SQLITE)
        }
        DatabaseUrl::Postgres(url) => {
            let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(&mut conn)?;
            let applied = apply(&mut conn, POSTGRES);
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(&mut conn)?;
            applied
        }
    })
    .await?
}

fn apply<B: diesel::backend::Backend>(
    harness: &mut impl MigrationHarness<B>,
    migrations: EmbeddedMigrations,
) -> anyhow::Result<Vec<String>> {
    let applied = harness
        .run_pending_migrations(migrations)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    for version in &applied {
        tracing::info!(%version, "applied migration");
    }
    Ok(applied.iter().map(ToString::to_string).collect())
}
