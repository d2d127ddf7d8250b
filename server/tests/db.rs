use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::db::rows::NewOrganization;
use packyard::db::schema::organizations;
use packyard::db_run;
use packyard::error::Error;

use crate::both_backends;
use crate::support::TestApp;

both_backends!(a_failed_transaction_leaves_nothing_behind);

async fn a_failed_transaction_leaves_nothing_behind(app: TestApp) {
    let now = packyard::db::now();
    let result: Result<(), Error> = app
        .state
        .db
        .transaction(async |conn| {
            db_run!(conn: {
                diesel::insert_into(organizations::table)
                    .values(&NewOrganization { name: "Half", url_name: "half", created_at: now })
                    .execute(conn)
                    .await?;
            });
            Err(Error::invalid("name", "changed my mind"))
        })
        .await;
    assert!(matches!(result, Err(Error::Invalid { .. })));

    let committed: Result<(), Error> = app
        .state
        .db
        .transaction(async |conn| {
            db_run!(conn: {
                diesel::insert_into(organizations::table)
                    .values(&NewOrganization { name: "Whole", url_name: "whole", created_at: now })
                    .execute(conn)
                    .await?;
            });
            Ok(())
        })
        .await;
    committed.unwrap();

    let mut conn = app.state.db.get().await.unwrap();
    let names: Vec<String> = db_run!(conn: {
        organizations::table.select(organizations::url_name).load(conn).await.unwrap()
    });
    assert_eq!(names, vec!["whole".to_owned()]);
    // The connection that rolled back went back to the pool usable.
    for _ in 0..10 {
        app.state.db.get().await.unwrap();
    }
}
