//! Rows of `user_identities` and `oauth_states`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{oauth_states, user_identities};

/// An account at a code host linked to a user. The tokens are sealed.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = user_identities)]
pub struct UserIdentity {
    pub id: i64,
    pub user_id: i64,
    pub provider: String,
    pub provider_user_id: String,
    pub login: String,
    pub email: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub token_expires_at: Option<NaiveDateTime>,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = user_identities)]
pub struct NewUserIdentity<'a> {
    pub user_id: i64,
    pub provider: &'a str,
    pub provider_user_id: &'a str,
    pub login: &'a str,
    pub email: Option<&'a str>,
    pub access_token: &'a str,
    pub refresh_token: Option<&'a str>,
    pub token_expires_at: Option<NaiveDateTime>,
    pub scopes: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_states)]
pub struct OAuthState {
    pub id: i64,
    pub state_hash: String,
    pub provider: String,
    pub pkce_verifier: String,
    pub link_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = oauth_states)]
pub struct NewOAuthState<'a> {
    pub state_hash: &'a str,
    pub provider: &'a str,
    pub pkce_verifier: &'a str,
    pub link_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}
