//! Errors as the pages see them: the server's `extensions.code` (and `extensions.field`)
//! turned into a type, so a page can decide what to show without parsing strings.

use std::collections::HashMap;

use serde_json::Value;

/// The machine-readable reason of a failed request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    Internal,
    /// No GraphQL answer came back at all: offline, server down, or a proxy's error page.
    Transport,
    /// A code this build of the dashboard does not know yet; kept so it can still be shown.
    Other(String),
}

impl ErrorCode {
    fn from_extension(code: &str) -> Self {
        match code {
            "UNAUTHENTICATED" => Self::Unauthenticated,
            "FORBIDDEN" => Self::Forbidden,
            "NOT_FOUND" => Self::NotFound,
            "BAD_USER_INPUT" => Self::BadUserInput,
            "CONFLICT" => Self::Conflict,
            "RATE_LIMITED" => Self::RateLimited,
            "INTERNAL" => Self::Internal,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One failed API call: what to tell the user, why it failed, and which input was at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The argument the server blamed (`extensions.field`), named as in the schema
    /// (`username`, `urlName`, ...), so forms can show the message beside that input.
    pub field: Option<String>,
}

impl ApiError {
    pub(super) fn from_graphql(error: graphql_client::Error) -> Self {
        let extensions = error.extensions.unwrap_or_default();
        let code = string_extension(&extensions, "code")
            // A GraphQL error without a code is a validation or parse error of the request
            // itself: a bug on our side rather than something the user can fix.
            .map_or(ErrorCode::Internal, ErrorCode::from_extension);
        Self {
            code,
            message: error.message,
            field: string_extension(&extensions, "field").map(str::to_owned),
        }
    }

    pub(super) fn transport(detail: impl std::fmt::Display) -> Self {
        Self {
            code: ErrorCode::Transport,
            message: format!("Could not reach the Packyard server ({detail})."),
            field: None,
        }
    }

    /// A query that answers `viewer: null`: the cookie is gone or expired. Treated like
    /// UNAUTHENTICATED so the session guard reacts the same way.
    pub fn signed_out() -> Self {
        Self {
            code: ErrorCode::Unauthenticated,
            message: "You are signed out.".to_owned(),
            field: None,
        }
    }

    /// A mistake found before sending: shown beside `field` like the server's own.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::BadUserInput,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// The message to show beside `field`, if the server blamed that input.
    pub fn message_for_field(&self, field: &str) -> Option<String> {
        (self.field.as_deref() == Some(field)).then(|| self.message.clone())
    }

    pub fn is_unauthenticated(&self) -> bool {
        self.code == ErrorCode::Unauthenticated
    }
}

fn string_extension<'a>(extensions: &'a HashMap<String, Value>, key: &str) -> Option<&'a str> {
    extensions.get(key).and_then(Value::as_str)
}
