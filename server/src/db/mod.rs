//! Two database backends behind one code path.
//!
//! diesel has no async multi-backend connection, so a connection is an enum over the two
//! native async connections and [`db_run!`] expands a query body once per backend: the
//! query is written once and type-checked against both. See docs/ARCHITECTURE.md.

pub mod migrate;
pub mod rows;
pub mod schema;

use std::path::Path;
use std::time::Duration;

use diesel::SqliteConnection;
use diesel::connection::AnsiTransactionManager as SyncAnsiTransactionManager;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection, TransactionManager};
use futures_util::FutureExt;

use crate::error::Result;

pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// Runs `$body` with `$conn` rebound to the backend's native connection. The body is
/// compiled once per backend, so it must be valid diesel for both.
#[macro_export]
macro_rules! db_run {
    ($conn:ident: $body:block) => {
        $crate::db_run!($conn { postgres => $body, sqlite => $body })
    };
    ($conn:ident { postgres => $pg:block, sqlite => $sqlite:block }) => {
        match $conn.as_db_conn() {
            $crate::db::DbConn::Postgres($conn) => {
                let $conn: &mut diesel_async::AsyncPgConnection = &mut **$conn;
                $pg
            }
            $crate::db::DbConn::Sqlite($conn) => {
                let $conn: &mut $crate::db::SqliteConn = &mut **$conn;
                $sqlite
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Where the database lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(std::path::PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got {url:?})"
                )
            })?;
        anyhow::ensure!(!path.is_empty(), "DATABASE_URL names no SQLite file");
        Ok(DatabaseUrl::Sqlite(path.into()))
    }

    pub fn sqlite_in(data_dir: &Path) -> Self {
        DatabaseUrl::Sqlite(data_dir.join("packyard.db"))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Postgres(_) => Backend::Postgres,
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// A pool of connections to one of the two backends. Cheap to clone.
#[derive(Clone)]
pub enum Db {
    Postgres {
        pool: Pool<AsyncPgConnection>,
        url: String,
    },
    Sqlite(Pool<SqliteConn>),
}

/// One pooled connection. Not boxed: it is checked out once per request and stays put.
#[allow(clippy::large_enum_variant)]
pub enum DbConn {
    Postgres(Object<AsyncPgConnection>),
    Sqlite(Object<SqliteConn>),
}

const SQLITE_SETUP: &str = "PRAGMA journal_mode = WAL;
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;";

impl Db {
    /// Opens the pool and brings the schema up to date. A missing SQLite file (and its
    /// directory) is created.
    pub async fn connect(url: &DatabaseUrl, max_connections: usize) -> anyhow::Result<Db> {
        migrate::run(url).await?;
        let db = match url {
            DatabaseUrl::Postgres(url) => {
                // A PostgreSQL connection is driven by a task on the runtime that opens it.
                // Requests run on the HTTP threads' own runtimes (`http_server`), which end
                // before the pool does: connections are opened on the pool's runtime.
                let runtime = tokio::runtime::Handle::current();
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                config.custom_setup = Box::new(move |url| {
                    let url = url.to_owned();
                    let opened =
                        runtime.spawn(async move { AsyncPgConnection::establish(&url).await });
                    async move {
                        opened.await.map_err(|error| {
                            diesel::ConnectionError::BadConnection(error.to_string())
                        })?
                    }
                    .boxed()
                });
                let manager =
                    AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
                let pool = Pool::builder(manager)
                    .max_size(max_connections)
                    .wait_timeout(Some(Duration::from_secs(30)))
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()?;
                Db::Postgres {
                    pool,
                    url: url.clone(),
                }
            }
            DatabaseUrl::Sqlite(path) => {
                let mut config = ManagerConfig::<SqliteConn>::default();
                // A pooled SQLite connection is an open file: nothing to verify with a
                // `SELECT 1` on every checkout.
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|path| {
                    let path = path.to_owned();
                    async move {
                        let mut conn = SqliteConn::establish(&path).await?;
                        conn.batch_execute(SQLITE_SETUP)
                            .await
                            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    }
                    .boxed()
                });
                let manager = AsyncDieselConnectionManager::<SqliteConn>::new_with_config(
                    path.to_string_lossy(),
                    config,
                );
                let pool = Pool::builder(manager)
                    .max_size(max_connections)
                    .wait_timeout(Some(Duration::from_secs(30)))
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()?;
                Db::Sqlite(pool)
            }
        };
        // Fail at start, not at the first request, when the database is unreachable.
        db.get().await.map_err(|e| anyhow::anyhow!("{e}: {e:?}"))?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Postgres { .. } => Backend::Postgres,
            Db::Sqlite(_) => Backend::Sqlite,
        }
    }

    pub async fn get(&self) -> Result<DbConn> {
        Ok(match self {
            Db::Postgres { pool, .. } => DbConn::Postgres(pool.get().await?),
            Db::Sqlite(pool) => DbConn::Sqlite(pool.get().await?),
        })
    }

    /// Runs `body` in one transaction on a fresh connection: committed when it returns
    /// `Ok`, rolled back otherwise (and when the future is dropped, because the pool
    /// discards a connection that comes back with a transaction open).
    pub async fn transaction<'a, R, F>(&self, body: F) -> Result<R>
    where
        for<'r> F: AsyncFnOnce(&'r mut DbConn) -> Result<R>
            + TransactionBody<&'r mut DbConn, Result<R>, Fut: Send>
            + Send
            + 'a,
        R: Send + 'a,
    {
        let mut conn = self.get().await?;
        conn.transaction(body).await
    }
}

/// Names the future an async closure returns so that callers can require it to be
/// `Send` (the same device diesel-async uses for its own transactions).
pub trait TransactionBody<T, R>:
    AsyncFnOnce(T) -> R + FnOnce(T) -> <Self as TransactionBody<T, R>>::Fut
{
    type Fut: Future<Output = R>;
}

impl<F, T, Fut, R> TransactionBody<T, R> for F
where
    F: AsyncFnOnce(T) -> R + FnOnce(T) -> Fut,
    Fut: Future<Output = R>,
{
    type Fut = Fut;
}

impl DbConn {
    /// Lets [`db_run!`] take an owned connection and a `&mut` one alike.
    #[doc(hidden)]
    pub fn as_db_conn(&mut self) -> &mut DbConn {
        self
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgres(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// See [`Db::transaction`]. SQLite transactions begin `IMMEDIATE`, so that
    /// concurrent writers queue on the busy timeout instead of failing when a read
    /// turns into a write.
    pub async fn transaction<'a, R, F>(&mut self, body: F) -> Result<R>
    where
        for<'r> F: AsyncFnOnce(&'r mut DbConn) -> Result<R>
            + TransactionBody<&'r mut DbConn, Result<R>, Fut: Send>
            + Send
            + 'a,
        R: Send + 'a,
    {
        match self {
            DbConn::Postgres(conn) => {
                <AsyncPgConnection as AsyncConnection>::TransactionManager::begin_transaction(
                    &mut **conn,
                )
                .await?
            }
            DbConn::Sqlite(conn) => {
                conn.spawn_blocking(|inner| {
                    SyncAnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")
                })
                .await?
            }
        }
        match body(self).await {
            Ok(value) => {
                self.finish_transaction(true).await?;
                Ok(value)
            }
            Err(error) => {
                if let Err(rollback_error) = self.finish_transaction(false).await {
                    tracing::error!(error = %rollback_error, "rollback failed");
                }
                Err(error)
            }
        }
    }

    async fn finish_transaction(&mut self, commit: bool) -> Result<()> {
        match self {
            DbConn::Postgres(conn) => {
                type Manager = <AsyncPgConnection as AsyncConnection>::TransactionManager;
                if commit {
                    Manager::commit_transaction(&mut **conn).await?
                } else {
                    Manager::rollback_transaction(&mut **conn).await?
                }
            }
            DbConn::Sqlite(conn) => {
                type Manager = <SqliteConn as AsyncConnection>::TransactionManager;
                if commit {
                    Manager::commit_transaction(&mut **conn).await?
                } else {
                    Manager::rollback_transaction(&mut **conn).await?
                }
            }
        }
        Ok(())
    }
}

/// The current time, as stored: UTC without zone, with microsecond precision (what
/// PostgreSQL keeps), so that a value read back compares equal to the one written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}
