//! A fresh PostgreSQL database per test on the cluster of `TEST_DATABASE_URL`. Shared
//! with the end-to-end tests.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

static DATABASE_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A new, empty database on the test cluster, so tests never see each other's rows.
pub async fn fresh_database(admin_url: &str) -> String {
    let name = format!(
        "packyard_test_{}_{}",
        std::process::id(),
        DATABASE_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = AsyncPgConnection::establish(admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL ends with /<database>");
    format!("{base}/{name}")
}
