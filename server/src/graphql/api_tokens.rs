use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::{actor, parse_id, state};
use crate::db::rows;
use crate::domain::api_tokens;

pub struct ApiTokenView(pub rows::ApiToken);

/// A personal API token, sent as `Authorization: Bearer <secret>`.
#[Object(name = "ApiToken")]
impl ApiTokenView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The first characters of the secret, to tell tokens apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at.map(|at| at.and_utc())
    }

    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at.map(|at| at.and_utc())
    }
}

#[derive(SimpleObject)]
pub struct CreatedApiToken {
    pub token: ApiTokenView,
    /// The secret. Shown this once: only its hash is kept.
    pub secret: String,
}

#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        description: String,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<CreatedApiToken> {
        let created =
            api_tokens::create(&state(ctx).db, actor(ctx), &description, expires_at).await?;
        Ok(CreatedApiToken {
            token: ApiTokenView(created.token),
            secret: created.secret,
        })
    }

    /// Removes one of your tokens; it stops working at once. Returns its id.
    async fn remove_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let token_id = parse_id("id", &id)?;
        api_tokens::remove(&state(ctx).db, actor(ctx), token_id).await?;
        Ok(id)
    }
}
