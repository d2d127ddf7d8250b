//! Credentials for private remotes and the answer to libgit2's credential callback.
//!
//! libgit2 calls the callback again every time the server rejects what it was given, and
//! would do so forever with a fixed credential; the responder answers once and then
//! fails, so a wrong password costs one round trip and never locks an account.

use std::fmt;

use git2::{Cred, CredentialType, ErrorClass, ErrorCode};

use super::error::AuthOutcome;

/// How Packyard authenticates to a remote. Secrets are never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// HTTP basic authentication (also app passwords such as Bitbucket's).
    HttpBasic { username: String, password: String },
    /// An access token sent over HTTP basic authentication with the username the host
    /// expects for tokens; see [`token_username`].
    Token { token: String },
    /// A private key in OpenSSH or PEM format, for `ssh://` and `user@host:path` URLs.
    SshKey {
        private_key: String,
        passphrase: Option<String>,
    },
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::HttpBasic { username, .. } => f
                .debug_struct("HttpBasic")
                .field("username", username)
                .finish_non_exhaustive(),
            Credential::Token { .. } => f.debug_struct("Token").finish_non_exhaustive(),
            Credential::SshKey { passphrase, .. } => f
                .debug_struct("SshKey")
                .field("has_passphrase", &passphrase.is_some())
                .finish_non_exhaustive(),
        }
    }
}

/// The HTTP username that goes with a bare token. GitHub documents `x-access-token`
/// (personal and installation tokens), Bitbucket Cloud `x-token-auth` (repository,
/// project and workspace access tokens); GitLab takes `oauth2` for OAuth and personal
/// tokens, and Gitea, Forgejo and Azure DevOps ignore the username, so `oauth2` is the
/// default. A host that wants a real username takes [`Credential::HttpBasic`] instead.
pub fn token_username(url: &str) -> &'static str {
    let host = url_host(url);
    if host.contains("github") {
        "x-access-token"
    } else if host.contains("bitbucket") {
        "x-token-auth"
    } else {
        "oauth2"
    }
}

/// The lower-cased host of `scheme://[user@]host[:port]/path` or scp-like
/// `user@host:path`.
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host.to_ascii_lowercase()
}

/// Per-fetch state of the credential callback.
#[derive(Debug, Default)]
pub(crate) struct CredentialResponder {
    outcome: AuthOutcome,
    calls: u32,
}

/// Past this many calls something is looping (a username request repeated, say).
const MAX_CALLS: u32 = 4;

impl CredentialResponder {
    pub(crate) fn outcome(&self) -> &AuthOutcome {
        &self.outcome
    }

    pub(crate) fn respond(
        &mut self,
        credential: Option<&Credential>,
        url: &str,
        username_from_url: Option<&str>,
        allowed: CredentialType,
    ) -> Result<Cred, git2::Error> {
        self.calls += 1;
        if self.outcome == AuthOutcome::Offered || self.calls > MAX_CALLS {
            self.outcome = AuthOutcome::Rejected;
            return Err(auth_error("the server rejected the credential"));
        }
        let ssh_user = username_from_url.unwrap_or("git");
        match credential {
            Some(Credential::SshKey {
                private_key,
                passphrase,
            }) if allowed.contains(CredentialType::SSH_KEY) => {
                self.outcome = AuthOutcome::Offered;
                Cred::ssh_key_from_memory(ssh_user, None, private_key, passphrase.as_deref())
            }
            // An ssh URL without a user: libgit2 asks for the name before the key.
            _ if allowed.contains(CredentialType::USERNAME) => Cred::username(ssh_user),
            Some(Credential::HttpBasic { username, password })
                if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) =>
            {
                self.outcome = AuthOutcome::Offered;
                Cred::userpass_plaintext(username, password)
            }
            Some(Credential::Token { token })
                if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) =>
            {
                self.outcome = AuthOutcome::Offered;
                Cred::userpass_plaintext(token_username(url), token)
            }
            None => {
                self.outcome = AuthOutcome::Missing;
                Err(auth_error("no credential configured"))
            }
            Some(Credential::SshKey { .. }) => {
                let why = "an SSH key works only with ssh:// or user@host:path URLs";
                self.outcome = AuthOutcome::Unusable(why);
                Err(auth_error(why))
            }
            Some(Credential::HttpBasic { .. } | Credential::Token { .. }) => {
                let why = "a password or token works only with https:// URLs; use an SSH key";
                self.outcome = AuthOutcome::Unusable(why);
                Err(auth_error(why))
            }
        }
    }
}

fn auth_error(message: &str) -> git2::Error {
    git2::Error::new(ErrorCode::Auth, ErrorClass::Callback, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTTPS: &str = "https://git.example.test/acme/widgets.git";
    const USER_PASS: CredentialType = CredentialType::USER_PASS_PLAINTEXT;

    fn basic() -> Credential {
        Credential::HttpBasic {
            username: "ci".into(),
            password: "secret".into(),
        }
    }

    #[test]
    fn tokens_get_the_username_each_host_documents() {
        let cases = [
            ("https://github.com/acme/w.git", "x-access-token"),
            ("https://github.acme.example/acme/w.git", "x-access-token"),
            ("https://gitlab.com/acme/w.git", "oauth2"),
            ("https://user@bitbucket.org/acme/w.git", "x-token-auth"),
            ("https://git.acme.example:8443/acme/w.git", "oauth2"),
            ("https://gitea.example/github/w.git", "oauth2"),
        ];
        for (url, expected) in cases {
            assert_eq!(token_username(url), expected, "{url}");
        }
    }

    #[test]
    fn host_is_found_in_every_url_shape() {
        assert_eq!(url_host("https://u:p@Example.COM:443/x"), "example.com");
        assert_eq!(url_host("git@github.com:acme/w.git"), "github.com");
        assert_eq!(url_host("ssh://git@[::1]:22/x"), "[::1]");
        assert_eq!(url_host("file:///srv/git/x"), "");
    }

    #[test]
    fn a_credential_is_offered_once_and_a_second_request_fails() {
        let mut responder = CredentialResponder::default();
        let first = responder.respond(Some(&basic()), HTTPS, None, USER_PASS);
        assert!(first.is_ok());
        assert_eq!(responder.outcome(), &AuthOutcome::Offered);
        let second = responder.respond(Some(&basic()), HTTPS, None, USER_PASS);
        let err = second.err().expect("second request must fail");
        assert_eq!(err.code(), ErrorCode::Auth);
        assert_eq!(responder.outcome(), &AuthOutcome::Rejected);
    }

    #[test]
    fn no_credential_means_credentials_required() {
        let mut responder = CredentialResponder::default();
        assert!(responder.respond(None, HTTPS, None, USER_PASS).is_err());
        assert_eq!(responder.outcome(), &AuthOutcome::Missing);
    }

    #[test]
    fn a_credential_of_the_wrong_kind_is_refused_with_a_reason() {
        let key = Credential::SshKey {
            private_key: "-----BEGIN OPENSSH PRIVATE KEY-----".into(),
            passphrase: None,
        };
        let mut responder = CredentialResponder::default();
        assert!(
            responder
                .respond(Some(&key), HTTPS, None, USER_PASS)
                .is_err()
        );
        assert!(matches!(responder.outcome(), AuthOutcome::Unusable(_)));

        let mut responder = CredentialResponder::default();
        let ssh = CredentialType::SSH_KEY;
        assert!(
            responder
                .respond(Some(&basic()), "ssh://h/x", Some("git"), ssh)
                .is_err()
        );
        assert!(matches!(responder.outcome(), AuthOutcome::Unusable(_)));
    }

    #[test]
    fn an_ssh_username_request_does_not_count_as_an_attempt() {
        let key = Credential::SshKey {
            private_key: "not checked until the server sees it".into(),
            passphrase: Some("pw".into()),
        };
        let mut responder = CredentialResponder::default();
        let user = responder.respond(Some(&key), "ssh://h/x", None, CredentialType::USERNAME);
        assert!(user.is_ok());
        assert_eq!(responder.outcome(), &AuthOutcome::NotAsked);
        let ssh_key = responder.respond(Some(&key), "ssh://h/x", None, CredentialType::SSH_KEY);
        assert!(ssh_key.is_ok());
        assert_eq!(responder.outcome(), &AuthOutcome::Offered);
    }

    #[test]
    fn repeated_username_requests_stop() {
        let mut responder = CredentialResponder::default();
        let results: Vec<bool> = (0..6)
            .map(|_| {
                responder
                    .respond(None, "ssh://h/x", None, CredentialType::USERNAME)
                    .is_ok()
            })
            .collect();
        assert_eq!(results, [true, true, true, true, false, false]);
    }

    #[test]
    fn debug_output_hides_secrets() {
        let printed = format!(
            "{:?} {:?}",
            basic(),
            Credential::Token {
                token: "t0k".into()
            }
        );
        assert!(
            !printed.contains("secret") && !printed.contains("t0k"),
            "{printed}"
        );
    }
}
