//! Typed configuration: defaults, then an optional TOML file, then the environment.
//! The environment names are a contract with deployments: `PACKYARD_LISTEN`,
//! `PACKYARD_PUBLIC_URL`, `PACKYARD_DATA_DIR`, `DATABASE_URL`, `PACKYARD_LOG`,
//! `PACKYARD_LOG_FORMAT`, and `PACKYARD_<FIELD>` for every other field below.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::db::DatabaseUrl;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server binds.
    pub listen: SocketAddr,
    /// Base of every absolute URL Packyard emits (Composer metadata, links in mails).
    /// Defaults to `http://<listen>`.
    pub public_url: Option<String>,
    /// Where the SQLite database and stored files live.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://<path>`; defaults to SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub database_max_connections: usize,
    /// A tracing filter: `info`, `packyard=debug,tower_http=info`, …
    pub log: String,
    pub log_format: LogFormat,
    /// How long a browser session lives without being used.
    pub session_ttl_hours: u64,
    /// A running job whose worker has not reported for this long is given to another
    /// worker: its process is presumed dead.
    pub job_lease_seconds: u64,
    /// Whether `serve` also runs the job worker. Turn off on API-only replicas that
    /// leave jobs to `packyard worker` processes.
    pub worker_enabled: bool,
    /// Jobs one process runs at the same time.
    pub worker_concurrency: usize,
    /// Failed logins per username (and per client address) within the throttle window
    /// before further attempts are refused.
    pub login_max_failures: i32,
    pub login_throttle_minutes: i64,
    /// Key (base64 of 32 bytes) that encrypts stored credentials. Defaults to a key file
    /// created in `data_dir`; replicas sharing a database must share this key.
    pub secret_key: Option<String>,
    /// Whether packages may be read from `file://` URLs and local paths. Off by default:
    /// on a shared registry it would let users read any repository on the server.
    pub allow_local_repositories: bool,
    /// Largest accepted upload (artifact archives), in MiB.
    pub max_upload_mib: u64,
    /// Whether outgoing webhooks may target loopback and private addresses. Off by
    /// default: a webhook URL must not become a way to reach the server's own network.
    pub allow_local_webhooks: bool,
    /// Wait before a failed job's first retry, in milliseconds; each further retry waits
    /// four times longer (at most an hour).
    pub job_retry_base_ms: u64,
    /// A host (or domain suffix) trusted for Amazon SNS certificate and subscription URLs
    /// in place of AWS's `sns.<region>.amazonaws.com`: for SNS-compatible private
    /// endpoints and tests. Plain `http` is then accepted on loopback addresses only.
    pub sns_host_suffix: Option<String>,
    /// How often synchronizations with code hosts run by themselves, in minutes; 0 turns
    /// the schedule off (they then run when created and on `syncOrganization`).
    pub sync_interval_minutes: u64,
    /// Sign-in with code hosts, one entry per provider (`[oauth.github]`, or
    /// `PACKYARD_OAUTH__GITHUB__CLIENT_ID`…). A provider is offered only when configured.
    pub oauth: BTreeMap<String, OAuthProviderConfig>,
}

/// One OAuth application registered with a code host.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OAuthProviderConfig {
    /// `github` (also GitHub Enterprise Server), `gitlab` (gitlab.com or self-managed),
    /// `bitbucket` (Cloud) or `bitbucket_datacenter`. Defaults to the entry's name.
    pub kind: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    /// The instance for self-hosted editions (`https://github.example.com`); defaults
    /// to the public service. Required for Bitbucket Data Center.
    pub base_url: Option<String>,
    /// The REST API, when it is not where the kind puts it below `base_url`.
    pub api_url: Option<String>,
    /// Endpoint overrides, for instances behind unusual paths.
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    /// Scopes to ask for; defaults to what login needs on that host.
    pub scopes: Option<Vec<String>>,
    /// The button label; defaults to the host's name.
    pub display_name: Option<String>,
    /// Whether a first sign-in creates a user (default: yes). Turn off for public hosts
    /// (github.com, gitlab.com), where anybody has an account: then only users that
    /// exist (created by an administrator, matched by a verified email address, or who
    /// linked the account) sign in.
    pub allow_signup: Option<bool>,
}

const FIELDS: &[&str] = &[
    "listen",
    "public_url",
    "data_dir",
    "database_max_connections",
    "log",
    "log_format",
    "session_ttl_hours",
    "job_lease_seconds",
    "worker_enabled",
    "worker_concurrency",
    "login_max_failures",
    "login_throttle_minutes",
    "secret_key",
    "allow_local_repositories",
    "max_upload_mib",
    "allow_local_webhooks",
    "job_retry_base_ms",
    "sns_host_suffix",
    "sync_interval_minutes",
];

/// Names of OAuth providers: they appear in URLs and in stored identities.
fn valid_provider_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 16,
            log: "info".into(),
            log_format: LogFormat::Text,
            session_ttl_hours: 24 * 14,
            job_lease_seconds: 60,
            worker_enabled: true,
            worker_concurrency: 2,
            login_max_failures: 5,
            login_throttle_minutes: 15,
            secret_key: None,
            allow_local_repositories: false,
            max_upload_mib: 64,
            allow_local_webhooks: false,
            job_retry_base_ms: 5000,
            sns_host_suffix: None,
            sync_interval_minutes: 60,
            oauth: BTreeMap::new(),
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            anyhow::ensure!(
                file.exists(),
                "config file {} does not exist",
                file.display()
            );
            figment = figment.merge(Toml::file(file));
        }
        figment = figment
            // Only known names: other PACKYARD_* variables (test harness settings, say)
            // must not trip the unknown-field check meant for typos in the file.
            .merge(Env::prefixed("PACKYARD_").only(FIELDS))
            // `PACKYARD_OAUTH__<NAME>__<FIELD>`: nested keys need a separator that
            // cannot occur in field names.
            .merge(
                Env::prefixed("PACKYARD_OAUTH__")
                    .map(|key| format!("oauth.{}", key.as_str().replace("__", ".")).into()),
            )
            .merge(Env::raw().only(&["DATABASE_URL"]));
        let config: Config = figment.extract()?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if let Some(url) = &self.public_url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "PACKYARD_PUBLIC_URL must start with http:// or https:// (got {url:?})"
            );
        }
        anyhow::ensure!(
            self.worker_concurrency > 0,
            "worker_concurrency must be at least 1"
        );
        anyhow::ensure!(
            self.database_max_connections > 1,
            "database_max_connections must be at least 2"
        );
        self.database()?;
        for (name, provider) in &self.oauth {
            anyhow::ensure!(
                valid_provider_name(name),
                "OAuth provider names use a-z, 0-9, `_` and `-` (got {name:?})"
            );
            crate::auth::oauth::ProviderKind::of(name, provider)?;
            anyhow::ensure!(
                !provider.client_id.is_empty() && !provider.client_secret.is_empty(),
                "OAuth provider {name}: client_id and client_secret are required"
            );
        }
        Ok(())
    }

    pub fn database(&self) -> anyhow::Result<DatabaseUrl> {
        match &self.database_url {
            Some(url) if !url.is_empty() => DatabaseUrl::parse(url),
            _ => Ok(DatabaseUrl::sqlite_in(&self.data_dir)),
        }
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = if self.listen.ip().is_unspecified() {
                    "localhost".to_owned()
                } else {
                    self.listen.ip().to_string()
                };
                let host = if self.listen.is_ipv6() && host != "localhost" {
                    format!("[{host}]")
                } else {
                    host
                };
                format!("http://{host}:{}", self.listen.port())
            }
        }
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mib.saturating_mul(1024 * 1024)
    }

    /// Session cookies get `Secure` when Packyard is reached over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_defaults_to_the_listen_address() {
        let mut config = Config::default();
        assert_eq!(config.public_url(), "http://127.0.0.1:8080");
        config.listen = "0.0.0.0:9000".parse().unwrap();
        assert_eq!(config.public_url(), "http://localhost:9000");
        config.listen = "[::1]:9000".parse().unwrap();
        assert_eq!(config.public_url(), "http://[::1]:9000");
        config.public_url = Some("https://packages.example.com/".into());
        assert_eq!(config.public_url(), "https://packages.example.com");
        assert!(config.secure_cookies());
    }

    #[test]
    fn database_defaults_to_sqlite_in_the_data_dir() {
        let config = Config {
            data_dir: "/var/lib/packyard".into(),
            ..Config::default()
        };
        assert_eq!(
            config.database().unwrap(),
            DatabaseUrl::Sqlite("/var/lib/packyard/packyard.db".into())
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API, not ours
    fn file_then_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "packyard.toml",
                "listen = \"127.0.0.1:9999\"\nlog = \"debug\"\n",
            )?;
            jail.set_env("PACKYARD_LOG", "warn");
            jail.set_env("DATABASE_URL", "postgres://db/packyard");
            let config = Config::load(Some(Path::new("packyard.toml"))).unwrap();
            assert_eq!(config.listen.port(), 9999);
            assert_eq!(config.log, "warn");
            assert_eq!(
                config.database().unwrap(),
                DatabaseUrl::Postgres("postgres://db/packyard".into())
            );
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API, not ours
    fn oauth_providers_come_from_the_file_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "packyard.toml",
                "[oauth.corp_gitlab]\nkind = \"gitlab\"\nclient_id = \"from-file\"\nclient_secret = \"s\"\nbase_url = \"https://git.example.com\"\n",
            )?;
            jail.set_env("PACKYARD_OAUTH__GITHUB__CLIENT_ID", "gh-id");
            jail.set_env("PACKYARD_OAUTH__GITHUB__CLIENT_SECRET", "gh-secret");
            jail.set_env("PACKYARD_OAUTH__CORP_GITLAB__CLIENT_ID", "from-env");
            let config = Config::load(Some(Path::new("packyard.toml"))).unwrap();
            assert_eq!(config.oauth.len(), 2);
            assert_eq!(config.oauth["github"].client_id, "gh-id");
            assert_eq!(config.oauth["github"].client_secret, "gh-secret");
            let gitlab = &config.oauth["corp_gitlab"];
            assert_eq!(gitlab.client_id, "from-env");
            assert_eq!(gitlab.base_url.as_deref(), Some("https://git.example.com"));

            // A name that is no kind needs `kind`; a kind must be known.
            jail.create_file(
                "bad.toml",
                "[oauth.corp]\nclient_id = \"x\"\nclient_secret = \"s\"\n",
            )?;
            assert!(Config::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API, not ours
    fn unknown_keys_and_bad_urls_are_rejected() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "listen_address = \"x\"\n")?;
            assert!(Config::load(Some(Path::new("bad.toml"))).is_err());
            jail.set_env("DATABASE_URL", "mysql://nope");
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }
}
