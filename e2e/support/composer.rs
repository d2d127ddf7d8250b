//! The real Composer client (Debian's `composer`, PHP 8.2) and what tests driving it
//! share: a project pointing at one repository, credentials, and packages added through
//! GraphQL with their jobs waited for.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;

use super::Server;
use super::websocket::{next_payload, subscribe};

/// One run environment of the client: its own home and cache (see the spec, §9.3).
pub struct Composer<'a> {
    pub project: &'a Path,
    pub home: tempfile::TempDir,
    /// `COMPOSER_AUTH`, when the client has credentials.
    pub auth: Option<String>,
}

impl<'a> Composer<'a> {
    pub fn new(project: &'a Path, auth: Option<String>) -> Composer<'a> {
        Composer {
            project,
            home: tempfile::tempdir().unwrap(),
            auth,
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new("composer");
        command
            .args(args)
            .arg("--no-interaction")
            .arg("--no-progress")
            .current_dir(self.project)
            .env("COMPOSER_HOME", self.home.path().join("home"))
            .env("COMPOSER_CACHE_DIR", self.home.path().join("cache"))
            .env("COMPOSER_ALLOW_SUPERUSER", "1")
            .env("COMPOSER_NO_INTERACTION", "1")
            .env("COMPOSER_NO_AUDIT", "1")
            .env_remove("COMPOSER_AUTH");
        if let Some(auth) = &self.auth {
            command.env("COMPOSER_AUTH", auth);
        }
        command
            .output()
            .expect("composer (Debian package composer) on PATH")
    }

    /// Runs the client and insists it succeeds; returns what it printed.
    #[track_caller]
    pub fn succeed(&self, args: &[&str]) -> String {
        let output = self.run(args);
        let text = output_text(&output);
        assert!(output.status.success(), "composer {args:?} failed:\n{text}");
        text
    }

    /// Runs the client and insists it fails; returns what it printed.
    #[track_caller]
    pub fn fail(&self, args: &[&str]) -> String {
        let output = self.run(args);
        let text = output_text(&output);
        assert!(
            !output.status.success(),
            "composer {args:?} should have failed:\n{text}"
        );
        text
    }

    pub fn clear_cache(&self) {
        let _ = std::fs::remove_dir_all(self.home.path().join("cache"));
    }
}

fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A `composer.json` using only the repository at `repository_url` (no packagist.org).
pub fn write_project(project: &Path, repository_url: &str) {
    std::fs::create_dir_all(project).unwrap();
    std::fs::write(
        project.join("composer.json"),
        serde_json::to_string_pretty(&json!({
            "name": "acme/app",
            "repositories": [{ "type": "composer", "url": repository_url }, { "packagist.org": false }],
            "require": {},
            "config": { "secure-http": false },
        }))
        .unwrap(),
    )
    .unwrap();
}

/// `COMPOSER_AUTH` with `secret` as the HTTP Basic password for the server's host.
pub fn http_basic_auth(server: &Server, secret: &str) -> String {
    let host = server.base_url.trim_start_matches("http://").to_owned();
    json!({ "http-basic": { host: { "username": "token", "password": secret } } }).to_string()
}

/// The installed version of `name`, which must be installed.
pub fn installed_version(project: &Path, name: &str) -> String {
    installed_packages(project)
        .into_iter()
        .find(|(installed, _)| installed == name)
        .map(|(_, version)| version)
        .unwrap_or_else(|| panic!("{name} not installed in {}", project.display()))
}

/// Names and versions in `vendor/composer/installed.json` (empty before any install).
pub fn installed_packages(project: &Path) -> Vec<(String, String)> {
    let Ok(bytes) = std::fs::read(project.join("vendor/composer/installed.json")) else {
        return Vec::new();
    };
    let installed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    installed["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// What PHP prints running `code` after the project's autoloader.
pub fn php_says(project: &Path, code: &str) -> String {
    let output = Command::new("php")
        .arg("-r")
        .arg(format!("require 'vendor/autoload.php'; {code}"))
        .current_dir(project)
        .output()
        .expect("php-cli on PATH");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Follows the job until it ends; it must succeed.
pub async fn wait_for_job(server: &Server, token: &str, job_id: &str) {
    let mut socket = subscribe(
        &server.base_url,
        token,
        &format!("subscription {{ jobUpdated(id: \"{job_id}\") {{ status error }} }}"),
    )
    .await;
    let mut last = None;
    while let Some(payload) = next_payload(&mut socket).await {
        last = Some(payload["jobUpdated"].clone());
    }
    let last = last.unwrap();
    assert_eq!(last["status"], "SUCCESS", "{last}");
}

/// A GraphQL request that must succeed; returns `data`.
pub async fn graphql_ok(
    server: &Server,
    token: &str,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let body = server.graphql(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}
