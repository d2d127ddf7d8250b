use async_graphql::{Context, Object, Result, SimpleObject};

use super::users::UserView;
use super::{actor, request, state};
use crate::auth::request::{expired_session_cookie, session_cookie};
use crate::domain::sessions::{self, SessionPolicy};

#[derive(SimpleObject)]
pub struct LoginPayload {
    pub user: UserView,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Signs in with a password and sets the session cookie (HttpOnly, SameSite=Lax).
    /// Wrong credentials are UNAUTHENTICATED; repeated failures are RATE_LIMITED.
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> Result<LoginPayload> {
        let state = state(ctx);
        let request = request(ctx);
        let policy = SessionPolicy::from_config(&state.config);
        let signed_in =
            sessions::login(&state.db, &policy, &username, &password, request.client_ip).await?;
        ctx.append_http_header(
            "Set-Cookie",
            session_cookie(&signed_in.secret, policy.ttl, request.secure_cookies),
        );
        Ok(LoginPayload {
            user: UserView(signed_in.user),
        })
    }

    /// Ends the current session and clears its cookie.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        sessions::logout(&state(ctx).db, actor(ctx)).await?;
        ctx.append_http_header(
            "Set-Cookie",
            expired_session_cookie(request(ctx).secure_cookies),
        );
        Ok(true)
    }
}
