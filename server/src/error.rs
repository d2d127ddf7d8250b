//! The one error type of the domain. Every failure a client can see is one of these
//! variants; each has a stable machine code, mapped once to an HTTP status (REST) and
//! once to `extensions.code` (GraphQL).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The object does not exist, or the actor may not know that it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// A request body that cannot be read at all (a malformed or unsupported webhook
    /// payload), as opposed to well-formed input that breaks a rule (`Invalid`).
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    #[error("too many attempts; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    /// Anything unexpected. Its detail is logged with a correlation id and never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Conflict {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn forbidden() -> Self {
        Error::Forbidden("you are not allowed to do this".into())
    }

    pub fn unauthenticated() -> Self {
        Error::Unauthenticated("sign in or send a valid token".into())
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Error::Internal(error.into())
    }

    /// The stable machine code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "NOT_FOUND",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Invalid { .. } | Error::BadRequest(_) => "BAD_USER_INPUT",
            Error::Conflict { .. } => "CONFLICT",
            Error::RateLimited { .. } => "RATE_LIMITED",
            Error::Internal(_) => "INTERNAL",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// Logs an internal error under a fresh correlation id and returns the id, which is
    /// the only detail the client sees.
    pub fn log_internal(&self) -> Option<String> {
        let Error::Internal(source) = self else {
            return None;
        };
        let correlation_id = uuid::Uuid::new_v4().to_string();
        tracing::error!(%correlation_id, error = ?source, "internal error");
        Some(correlation_id)
    }

    /// The message shown to clients; internal errors show only their correlation id.
    pub fn public_message(&self, correlation_id: Option<&str>) -> String {
        match (self, correlation_id) {
            (Error::Internal(_), Some(id)) => format!("internal error (reference {id})"),
            _ => self.to_string(),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        match error {
            Diesel::NotFound => Error::NotFound("record"),
            Diesel::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Error::Conflict {
                field: None,
                message: format!("already exists: {}", info.message()),
            },
            other => Error::Internal(other.into()),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for Error {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Error::Internal(anyhow::anyhow!("database pool: {error}"))
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Error::Internal(error.into())
    }
}

/// REST shape: `{"message": ..., "code": ..., "field"?: ...}` with the matching status.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let correlation_id = self.log_internal();
        let mut body = serde_json::json!({
            "message": self.public_message(correlation_id.as_deref()),
            "code": self.code(),
        });
        if let Some(field) = self.field() {
            body["field"] = field.into();
        }
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Error::RateLimited {
            retry_after_seconds,
        } = self
        {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                retry_after_seconds.to_string().parse().expect("digits"),
            );
        }
        response
    }
}

/// GraphQL shape: the message plus `extensions.code` (and `field`,
/// `retryAfterSeconds`). Resolvers return our errors through async-graphql's generic
/// conversion, which keeps them as the error's source; `graphql::errors` applies this.
impl Error {
    pub fn apply_to(&self, server_error: &mut async_graphql::ServerError) {
        let correlation_id = self.log_internal();
        server_error.message = self.public_message(correlation_id.as_deref());
        let extensions = server_error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", self.code());
        if let Some(field) = self.field() {
            extensions.set("field", field);
        }
        if let Error::RateLimited {
            retry_after_seconds,
        } = self
        {
            extensions.set("retryAfterSeconds", *retry_after_seconds);
        }
    }
}
