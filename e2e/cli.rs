use crate::support::{Server, cli};

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["worker", "--help"],
        vec!["migrate", "--help"],
        vec!["schema", "--help"],
        vec!["user", "--help"],
        vec!["user", "create", "--help"],
        vec!["user", "reset-password", "--help"],
    ] {
        let output = cli(dir.path(), &args, None);
        assert!(output.status.success(), "{args:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("Usage:"), "{args:?}: {text}");
    }
}

#[test]
fn schema_prints_the_checked_in_sdl() {
    let dir = tempfile::tempdir().unwrap();
    let output = cli(dir.path(), &["schema"], None);
    assert!(output.status.success());
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), checked_in);
}

#[test]
fn bad_configuration_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(crate::support::BINARY)
        .arg("migrate")
        .env("PACKYARD_DATA_DIR", dir.path())
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL must start with"));
}

/// The operator's path: first start prints a one-time admin password; the CLI creates
/// users and resets passwords, and those credentials work against the running server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_users_and_password_reset() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = cli(dir.path(), &["migrate"], None);
    assert!(migrated.status.success(), "{migrated:?}");
    assert!(
        dir.path().join("packyard.db").exists(),
        "SQLite database created in the data dir"
    );

    let server = Server::start(dir.path(), None, &[]).await;
    let lines = server.stdout_lines();
    assert!(
        lines[0].starts_with("Packyard is running at http://127.0.0.1:"),
        "{lines:?}"
    );
    let admin_password = server
        .first_admin_password()
        .expect("one-time admin password printed");
    server.admin_token(&admin_password).await;

    let created = cli(
        dir.path(),
        &[
            "user",
            "create",
            "carol",
            "--email",
            "carol@example.com",
            "--password-stdin",
        ],
        Some("carol's long password\n"),
    );
    assert!(created.status.success(), "{created:?}");
    assert_eq!(
        String::from_utf8(created.stdout).unwrap(),
        "created user `carol`\n"
    );
    let login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { username isAdmin } } }";
    let body = server
        .graphql(
            None,
            login,
            serde_json::json!({ "u": "carol", "p": "carol's long password" }),
        )
        .await;
    assert_eq!(
        body["data"]["login"]["user"],
        serde_json::json!({ "username": "carol", "isAdmin": false })
    );

    let duplicate = cli(dir.path(), &["user", "create", "carol"], None);
    assert!(!duplicate.status.success());
    assert!(
        String::from_utf8_lossy(&duplicate.stderr).contains("username: this username is taken")
    );

    let reset = cli(dir.path(), &["user", "reset-password", "admin"], None);
    assert!(reset.status.success(), "{reset:?}");
    let stdout = String::from_utf8(reset.stdout).unwrap();
    let new_password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap()
        .to_owned();
    let old = server
        .graphql(
            None,
            login,
            serde_json::json!({ "u": "admin", "p": admin_password }),
        )
        .await;
    assert_eq!(old["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let new = server
        .graphql(
            None,
            login,
            serde_json::json!({ "u": "admin", "p": new_password }),
        )
        .await;
    assert_eq!(new["data"]["login"]["user"]["isAdmin"], true);

    // A second start of the same installation creates no new admin.
    drop(server);
    let again = Server::start(dir.path(), None, &[]).await;
    assert!(
        again.first_admin_password().is_none(),
        "{:?}",
        again.stdout_lines()
    );
}

#[test]
fn json_logs_are_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(crate::support::BINARY)
        .arg("migrate")
        .env("PACKYARD_DATA_DIR", dir.path())
        .env("PACKYARD_LOG", "info")
        .env("PACKYARD_LOG_FORMAT", "json")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "applied migration"),
        "{stderr}"
    );
}
