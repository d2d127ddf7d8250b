//! Credentials for reading package sources (code host tokens, passwords, SSH keys).
//! Stored encrypted; never returned: the API shows description, type and domain only.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::Actor;
use crate::auth::sealing::Sealer;
use crate::db::rows::{Credential, NewCredential, UserIdentity};
use crate::db::schema::credentials;
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access, Permission};
use crate::domain::identities;
use crate::error::{Error, Result};
use crate::vcs;

/// The credential types of the management API (`Credentials::TYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    HttpBasic,
    GithubOauth,
    GitlabToken,
    BitbucketAppPassword,
    SshKey,
    HttpHeader,
    Magento,
    /// A user's sign-in at a code host, made by a synchronization: its token is the
    /// account's current one, refreshed when the host issues refresh tokens.
    CodeHostSignIn,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::HttpBasic => "http-basic",
            CredentialKind::GithubOauth => "github-oauth",
            CredentialKind::GitlabToken => "gitlab-token",
            CredentialKind::BitbucketAppPassword => "bitbucket-app-pw",
            CredentialKind::SshKey => "ssh-key",
            CredentialKind::HttpHeader => "http-header",
            CredentialKind::Magento => "magento",
            CredentialKind::CodeHostSignIn => "code-host-sign-in",
        }
    }

    pub fn parse(stored: &str) -> Option<CredentialKind> {
        [
            CredentialKind::HttpBasic,
            CredentialKind::GithubOauth,
            CredentialKind::GitlabToken,
            CredentialKind::BitbucketAppPassword,
            CredentialKind::SshKey,
            CredentialKind::HttpHeader,
            CredentialKind::Magento,
            CredentialKind::CodeHostSignIn,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == stored)
    }
}

/// What the caller gives; which fields are required depends on the kind.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Secret {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<String>,
}

impl Secret {
    fn validated(mut self, kind: CredentialKind) -> Result<Secret> {
        let given = |value: &mut Option<String>| {
            value
                .take()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let username = given(&mut self.username);
        let password = given(&mut self.password);
        let token = given(&mut self.token);
        let private_key = self.private_key.take().filter(|key| !key.trim().is_empty());
        let passphrase = self.passphrase.take().filter(|p| !p.is_empty());
        let require = |value: Option<String>, field: &str| {
            value.ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("a {} credential needs a {field}", kind.as_str()),
                )
            })
        };
        Ok(match kind {
            CredentialKind::HttpBasic
            | CredentialKind::BitbucketAppPassword
            | CredentialKind::Magento => Secret {
                username: Some(require(username, "username")?),
                password: Some(require(password, "password")?),
                ..Secret::default()
            },
            CredentialKind::GithubOauth
            | CredentialKind::GitlabToken
            | CredentialKind::HttpHeader => Secret {
                username,
                token: Some(require(token, "token")?),
                ..Secret::default()
            },
            CredentialKind::CodeHostSignIn => {
                return Err(Error::invalid(
                    "type",
                    "sign-in credentials come from a synchronization created with a login provider",
                ));
            }
            CredentialKind::SshKey => {
                let key = require(private_key, "privateKey")?;
                if !key.trim_start().starts_with("-----BEGIN") {
                    return Err(Error::invalid(
                        "privateKey",
                        "paste the private key in PEM/OpenSSH format (-----BEGIN …)",
                    ));
                }
                Secret {
                    private_key: Some(key),
                    passphrase,
                    ..Secret::default()
                }
            }
        })
    }
}

pub struct NewCredentialInput<'a> {
    pub description: &'a str,
    pub kind: CredentialKind,
    pub domain: &'a str,
    pub secret: Secret,
}

fn validate_domain(domain: &str) -> Result<String> {
    let domain = domain.trim().to_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if valid {
        Ok(domain)
    } else {
        Err(Error::invalid(
            "domain",
            "the host the credential is for, e.g. github.com or git.example.com:8443",
        ))
    }
}

pub async fn create(
    db: &Db,
    sealer: &Sealer,
    actor: &Actor,
    organization_url_name: &str,
    input: NewCredentialInput<'_>,
) -> Result<Credential> {
    let description = input.description.trim();
    if description.is_empty() || description.chars().count() > 200 {
        return Err(Error::invalid(
            "description",
            "describe the credential in 1 to 200 characters",
        ));
    }
    let domain = validate_domain(input.domain)?;
    let secret = input.secret.validated(input.kind)?;
    let sealed = sealer.seal(&serde_json::to_vec(&secret).map_err(Error::internal)?);
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization_url_name, None).await?;
        scope.require_user()?;
        scope.require(Permission::AddPackages)?;
        let now = db::now();
        let row = NewCredential {
            organization_id: scope.root.id,
            description,
            kind: input.kind.as_str(),
            domain: &domain,
            sealed_secret: &sealed,
            created_at: now,
            updated_at: now,
            identity_id: None,
        };
        Ok(db_run!(conn: {
            diesel::insert_into(credentials::table)
                .values(&row)
                .returning(Credential::as_returning())
                .get_result(conn)
                .await?
        }))
    })
    .await
}

/// Replaces the type and the secret (description and domain stay, as in the API).
pub async fn edit(
    db: &Db,
    sealer: &Sealer,
    actor: &Actor,
    credential_id: i64,
    kind: CredentialKind,
    secret: Secret,
) -> Result<Credential> {
    let secret = secret.validated(kind)?;
    let sealed = sealer.seal(&serde_json::to_vec(&secret).map_err(Error::internal)?);
    db.transaction(async |conn| {
        let credential = find_owned(conn, actor, credential_id).await?;
        if credential.identity_id.is_some() {
            return Err(Error::invalid(
                "id",
                "a sign-in credential follows its account: sign in again to renew it",
            ));
        }
        let now = db::now();
        Ok(db_run!(conn: {
            diesel::update(credentials::table.find(credential.id))
                .set((
                    credentials::kind.eq(kind.as_str()),
                    credentials::sealed_secret.eq(&sealed),
                    credentials::updated_at.eq(now),
                ))
                .returning(Credential::as_returning())
                .get_result(conn)
                .await?
        }))
    })
    .await
}

pub async fn remove(db: &Db, actor: &Actor, credential_id: i64) -> Result<()> {
    db.transaction(async |conn| {
        let credential = find_owned(conn, actor, credential_id).await?;
        db_run!(conn: {
            diesel::delete(credentials::table.find(credential.id)).execute(conn).await?;
        });
        Ok(())
    })
    .await
}

/// Credentials belong to the top-level organization; those who may add packages manage
/// them.
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<Credential>> {
    scope.require_user()?;
    scope.require(Permission::AddPackages)?;
    let organization_id = scope.root.id;
    Ok(db_run!(conn: {
        credentials::table
            .filter(credentials::organization_id.eq(organization_id))
            .order(credentials::id.asc())
            .select(Credential::as_select())
            .load(conn)
            .await?
    }))
}

/// A credential of this organization (for attaching it to a package).
pub async fn find_in(
    conn: &mut DbConn,
    organization_id: i64,
    credential_id: i64,
) -> Result<Credential> {
    db_run!(conn: {
        credentials::table
            .find(credential_id)
            .filter(credentials::organization_id.eq(organization_id))
            .select(Credential::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or_else(|| Error::invalid("credentialId", "no such credential in this organization"))
}

async fn find_owned(conn: &mut DbConn, actor: &Actor, credential_id: i64) -> Result<Credential> {
    let credential: Credential = db_run!(conn: {
        credentials::table
            .find(credential_id)
            .select(Credential::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("credential"))?;
    let scope =
        access::resolve_owner_of(conn, actor, credential.organization_id, "credential").await?;
    scope.require_user()?;
    scope.require(Permission::AddPackages)?;
    Ok(credential)
}

/// The organization's credential for a user's sign-in at a code host, made on first use.
/// The secret is the account's token, read (and refreshed) when used, so nothing is
/// copied here.
pub async fn for_sign_in(
    conn: &mut DbConn,
    sealer: &Sealer,
    organization_id: i64,
    identity: &UserIdentity,
    provider_display_name: &str,
    domain: &str,
) -> Result<Credential> {
    let identity_id = identity.id;
    let existing: Option<Credential> = db_run!(conn: {
        credentials::table
            .filter(credentials::organization_id.eq(organization_id))
            .filter(credentials::identity_id.eq(identity_id))
            .select(Credential::as_select())
            .first(conn)
            .await
            .optional()?
    });
    if let Some(existing) = existing {
        return Ok(existing);
    }
    let now = db::now();
    let description = format!("{provider_display_name} sign-in of {}", identity.login);
    let sealed = sealer.seal(&serde_json::to_vec(&Secret::default()).map_err(Error::internal)?);
    let row = NewCredential {
        organization_id,
        description: &description,
        kind: CredentialKind::CodeHostSignIn.as_str(),
        domain,
        sealed_secret: &sealed,
        created_at: now,
        updated_at: now,
        identity_id: Some(identity_id),
    };
    Ok(db_run!(conn: {
        diesel::insert_into(credentials::table)
            .values(&row)
            .returning(Credential::as_returning())
            .get_result(conn)
            .await?
    }))
}

/// The credential in the form git and the hosts' APIs need: a sign-in's current token
/// (refreshed first when it expired), or the stored secret decrypted.
pub async fn resolve(state: &AppState, credential: &Credential) -> Result<vcs::Credential> {
    if credential.kind != CredentialKind::CodeHostSignIn.as_str() {
        return for_git(&state.sealer, credential);
    }
    let identity_id = credential.identity_id.ok_or_else(|| {
        Error::invalid(
            "credentialId",
            format!(
                "\"{}\": its account was unlinked; sign in with the code host again and recreate the synchronization",
                credential.description
            ),
        )
    })?;
    let token = identities::access_token(state, identity_id).await?;
    Ok(vcs::Credential::Token { token })
}

/// The stored credential in the form git needs, decrypted.
pub fn for_git(sealer: &Sealer, credential: &Credential) -> Result<vcs::Credential> {
    let secret: Secret = serde_json::from_slice(&sealer.open(&credential.sealed_secret)?)
        .map_err(Error::internal)?;
    let kind = CredentialKind::parse(&credential.kind).ok_or_else(|| {
        Error::internal(anyhow::anyhow!(
            "unknown credential type {:?}",
            credential.kind
        ))
    })?;
    match (kind, secret) {
        (
            CredentialKind::HttpBasic | CredentialKind::BitbucketAppPassword,
            Secret {
                username: Some(username),
                password: Some(password),
                ..
            },
        ) => Ok(vcs::Credential::HttpBasic { username, password }),
        (
            CredentialKind::GithubOauth | CredentialKind::GitlabToken,
            Secret {
                token: Some(token), ..
            },
        ) => Ok(vcs::Credential::Token { token }),
        (
            CredentialKind::SshKey,
            Secret {
                private_key: Some(private_key),
                passphrase,
                ..
            },
        ) => Ok(vcs::Credential::SshKey {
            private_key,
            passphrase,
        }),
        (kind, _) => Err(Error::invalid(
            "credentialId",
            format!(
                "a {} credential cannot be used to read a git repository",
                kind.as_str()
            ),
        )),
    }
}
