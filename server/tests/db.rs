use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::db::rows::{NewArtifact, NewOrganization, NewPackage};
use packyard::db::schema::{artifacts, organizations, packages};
use packyard::db_run;
use packyard::error::Error;

use crate::both_backends;
use crate::support::TestApp;

both_backends!(
    a_failed_transaction_leaves_nothing_behind,
    duplicate_artifacts_collapse_onto_the_used_or_oldest_one,
);

async fn a_failed_transaction_leaves_nothing_behind(app: TestApp) {
    let now = packyard::db::now();
    let result: Result<(), Error> = app
        .state
        .db
        .transaction(async |conn| {
            db_run!(conn: {
                diesel::insert_into(organizations::table)
                    .values(&NewOrganization { name: "Half", url_name: "half", created_at: now, parent_id: None })
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
                    .values(&NewOrganization { name: "Whole", url_name: "whole", created_at: now, parent_id: None })
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

/// The migration that makes artifacts unique per content keeps, of earlier duplicates,
/// the one a package uses, else the oldest; other organizations are not touched.
async fn duplicate_artifacts_collapse_onto_the_used_or_oldest_one(app: TestApp) {
    let mut conn = app.state.db.get().await.unwrap();
    // Back to the schema before that migration.
    db_run!(conn: {
        diesel::sql_query("DROP INDEX artifacts_content").execute(conn).await.unwrap();
        diesel::sql_query("DELETE FROM __diesel_schema_migrations WHERE version = '20261123000004'")
            .execute(conn)
            .await
            .unwrap();
    });
    let now = packyard::db::now();
    let organization = |url_name: &'static str| NewOrganization {
        name: url_name,
        url_name,
        created_at: now,
        parent_id: None,
    };
    let (acme, other): (i64, i64) = db_run!(conn: {
        let acme = diesel::insert_into(organizations::table).values(&organization("acme")).returning(organizations::id).get_result(conn).await.unwrap();
        let other = diesel::insert_into(organizations::table).values(&organization("other")).returning(organizations::id).get_result(conn).await.unwrap();
        (acme, other)
    });
    let package = NewPackage {
        organization_id: acme,
        name: Some("acme/tool"),
        kind: "artifact",
        repository_url: None,
        repository_key: None,
        credential_id: None,
        definition: None,
        created_at: now,
        updated_at: now,
        synchronization_id: None,
    };
    let package_id: i64 = db_run!(conn: {
        diesel::insert_into(packages::table).values(&package).returning(packages::id).get_result(conn).await.unwrap()
    });
    let (x, y) = ("a".repeat(40), "b".repeat(40));
    // (organization, sha1, used by the package)
    let rows = [
        (acme, &x, false),
        (acme, &x, true),
        (acme, &x, false),
        (acme, &y, false),
        (acme, &y, false),
        (other, &x, false),
    ];
    let mut ids = Vec::new();
    for (organization_id, sha1, used) in rows {
        let row = NewArtifact {
            organization_id,
            file_name: "tool.zip",
            sha1,
            size: 1,
            package_name: "acme/tool",
            version: "1.0.0",
            manifest: "{}",
            created_by: None,
            created_at: now,
        };
        let id: i64 = db_run!(conn: {
            diesel::insert_into(artifacts::table).values(&row).returning(artifacts::id).get_result(conn).await.unwrap()
        });
        if used {
            db_run!(conn: {
                diesel::update(artifacts::table.find(id)).set(artifacts::package_id.eq(package_id)).execute(conn).await.unwrap();
            });
        }
        ids.push(id);
    }

    let applied = packyard::db::migrate::run(&app.state.config.database().unwrap())
        .await
        .unwrap();
    assert_eq!(applied, ["20261123000004"]);
    let left: Vec<i64> = db_run!(conn: {
        artifacts::table.order(artifacts::id).select(artifacts::id).load(conn).await.unwrap()
    });
    assert_eq!(left, [ids[1], ids[3], ids[5]]);
    let again = NewArtifact {
        organization_id: acme,
        file_name: "again.zip",
        sha1: &y,
        size: 1,
        package_name: "acme/tool",
        version: "1.0.0",
        manifest: "{}",
        created_by: None,
        created_at: now,
    };
    let duplicate = db_run!(conn: {
        diesel::insert_into(artifacts::table).values(&again).execute(conn).await
    });
    assert!(duplicate.is_err(), "the unique index is in place");
}
