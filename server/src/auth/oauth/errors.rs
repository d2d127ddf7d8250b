//! What went wrong with a provider, worded for the person at the login page. Provider
//! failures are never 500s: the browser is sent back with this message.

use oauth2::basic::BasicErrorResponse;
use oauth2::{HttpClientError, RequestTokenError};

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider said no (an `error` in a callback or a token response).
    #[error("{provider} refused the sign-in: {message}")]
    Refused { provider: String, message: String },
    #[error("{provider} could not be reached: {detail}")]
    Unreachable { provider: String, detail: String },
    /// An answer we cannot use (not JSON, missing fields).
    #[error("{provider} sent an unexpected answer: {detail}")]
    Unexpected { provider: String, detail: String },
    /// Our side (a bad URL in the config): logged, shown without detail.
    #[error("the sign-in could not be started: check the server's OAuth configuration")]
    Internal(#[source] anyhow::Error),
}

impl ProviderError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ProviderError::Internal(error.into())
    }

    /// An `error` (+ `error_description`) pair, from a callback's query or a body.
    pub fn refused(provider: &str, error: &str, description: Option<&str>) -> Self {
        let message = match (error, description) {
            ("access_denied", None) => "access was denied".to_owned(),
            (error, None) => error.to_owned(),
            (error, Some(description)) => format!("{description} ({error})"),
        };
        ProviderError::Refused {
            provider: provider.to_owned(),
            message,
        }
    }

    pub fn from_token_error(
        provider: &str,
        error: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
    ) -> Self {
        match error {
            RequestTokenError::ServerResponse(response) => Self::refused(
                provider,
                response.error().as_ref(),
                response.error_description().map(String::as_str),
            ),
            RequestTokenError::Request(error) => ProviderError::Unreachable {
                provider: provider.to_owned(),
                detail: error.to_string(),
            },
            // GitHub reports failed exchanges with HTTP 200 and an `error` body, which
            // the crate sees as a token response without `access_token`.
            RequestTokenError::Parse(parse_error, body) => match error_in_body(&body) {
                Some((error, description)) => {
                    Self::refused(provider, &error, description.as_deref())
                }
                None => ProviderError::Unexpected {
                    provider: provider.to_owned(),
                    detail: parse_error.to_string(),
                },
            },
            RequestTokenError::Other(detail) => ProviderError::Unexpected {
                provider: provider.to_owned(),
                detail,
            },
        }
    }
}

/// `{"error": "...", "error_description": "..."}` in a JSON body, or the same as a
/// form-encoded body (GitHub's default when `Accept` is not JSON).
pub(super) fn error_in_body(body: &[u8]) -> Option<(String, Option<String>)> {
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) {
        let error = object.get("error")?.as_str()?.to_owned();
        let description = object
            .get("error_description")
            .and_then(|d| d.as_str())
            .map(str::to_owned);
        return Some((error, description));
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let find = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    Some((find("error")?, find("error_description")))
}

/// A failed sign-in is the person's to retry: UNAUTHENTICATED with the provider's
/// words. Only our own configuration mistakes are internal.
impl From<ProviderError> for crate::error::Error {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::Internal(source) => crate::error::Error::Internal(source),
            other => crate::error::Error::Unauthenticated(other.to_string()),
        }
    }
}
