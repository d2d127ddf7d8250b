//! Signing in with code hosts: the providers offered on the login page, and the
//! accounts linked to a user.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::{actor, parse_id, state};
use crate::auth::oauth;
use crate::db::rows;
use crate::domain::identities;

/// A code host people may sign in with.
#[derive(SimpleObject)]
pub struct LoginProvider {
    /// The config entry's name, as in `/auth/oauth/{name}/start`.
    pub name: String,
    pub display_name: String,
    /// `github`, `gitlab`, `bitbucket` or `bitbucket_datacenter`.
    pub kind: String,
    /// Where the browser goes to sign in (or, signed in, to link an account).
    pub start_url: String,
}

pub struct IdentityView(pub rows::UserIdentity);

/// An account at a code host linked to a user. Its tokens are never shown.
#[Object(name = "Identity")]
impl IdentityView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The provider's name in the config (`LoginProvider.name`).
    async fn provider(&self) -> &str {
        &self.0.provider
    }

    /// The provider's label, or the stored name when it is no longer configured.
    async fn provider_display_name(&self, ctx: &Context<'_>) -> String {
        state(ctx)
            .oauth
            .get(&self.0.provider)
            .map(|p| p.display_name.clone())
            .unwrap_or_else(|| self.0.provider.clone())
    }

    /// The username at the provider, as of the last sign-in.
    async fn login(&self) -> &str {
        &self.0.login
    }

    /// The verified address the provider gave, if any.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn last_login_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_login_at.map(|t| t.and_utc())
    }
}

/// `User.identities`: for the user themself and administrators.
pub async fn identities_of(ctx: &Context<'_>, user_id: i64) -> Result<Vec<IdentityView>> {
    let mut conn = state(ctx).db.get().await?;
    let linked = identities::list(&mut conn, actor(ctx), user_id).await?;
    Ok(linked.into_iter().map(IdentityView).collect())
}

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The code hosts this instance offers for signing in. Public: the login page
    /// shows them before anyone is signed in.
    async fn login_providers(&self, ctx: &Context<'_>) -> Vec<LoginProvider> {
        state(ctx)
            .oauth
            .iter()
            .map(|provider| LoginProvider {
                name: provider.name.clone(),
                display_name: provider.display_name.clone(),
                kind: provider.kind.as_str().to_owned(),
                start_url: oauth::start_path(&provider.name),
            })
            .collect()
    }
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Unlinks one of the viewer's code-host accounts. Refused (CONFLICT) when it is
    /// their last way to sign in: no password and no other linked account.
    async fn unlink_identity(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = parse_id("id", &id)?;
        identities::unlink(&state(ctx).db, actor(ctx), id).await?;
        Ok(true)
    }
}
