//! The acting identity. Built once per request (or by the CLI and the job worker) and
//! handed to every domain function, which decides what it may do.

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub enum Actor {
    Anonymous,
    User(AuthenticatedUser),
    /// An organization token: Composer clients, CI, webhooks.
    OrganizationToken(TokenHolder),
    /// Packyard itself: the command line run by the operator, and background jobs.
    System,
}

#[derive(Debug, Clone)]
pub struct AuthenticatedUser {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
    pub credential: Credential,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub token_id: i64,
    /// The organization or suborganization whose repository the token opens.
    pub organization_id: i64,
    pub access: TokenAccess,
    /// Set when the token sees one team's packages rather than all.
    pub team_id: Option<i64>,
}

/// What an organization token may do: READ installs; UPDATE may also trigger updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAccess {
    Read,
    Update,
}

impl TokenAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenAccess::Read => "read",
            TokenAccess::Update => "update",
        }
    }

    pub fn parse(stored: &str) -> Option<TokenAccess> {
        match stored {
            "read" => Some(TokenAccess::Read),
            "update" => Some(TokenAccess::Update),
            _ => None,
        }
    }
}

/// How the user proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session { session_id: i64 },
    ApiToken { token_id: i64 },
}

impl Actor {
    /// The signed-in user, or `UNAUTHENTICATED`.
    pub fn user(&self) -> Result<&AuthenticatedUser> {
        match self {
            Actor::User(user) => Ok(user),
            Actor::Anonymous | Actor::System | Actor::OrganizationToken(_) => {
                Err(Error::unauthenticated())
            }
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User(user) => Some(user.id),
            _ => None,
        }
    }

    /// Instance administration: the CLI, or a user with the admin flag.
    pub fn require_admin(&self) -> Result<()> {
        match self {
            Actor::System => Ok(()),
            Actor::User(user) if user.is_admin => Ok(()),
            Actor::User(_) | Actor::OrganizationToken(_) => Err(Error::forbidden()),
            Actor::Anonymous => Err(Error::unauthenticated()),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.require_admin().is_ok()
    }
}
