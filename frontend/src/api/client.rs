//! Sends one operation to `POST /graphql` on the page's own origin.

use gloo_net::http::{Request, Response as HttpResponse};
use graphql_client::{GraphQLQuery, Response};
use web_sys::RequestCredentials;

use super::ApiError;

/// Same origin as the dashboard: the server binary serves both.
pub(super) const ENDPOINT: &str = "/graphql";

/// Runs `Q` with `variables` and returns its data, or the first error the server reported.
///
/// The session is an HttpOnly cookie set by `login`, so the request carries the
/// page's cookies; nothing here ever sees or stores a credential.
pub async fn execute<Q: GraphQLQuery>(
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError> {
    let body = Q::build_query(variables);
    let response = Request::post(ENDPOINT)
        .credentials(RequestCredentials::SameOrigin)
        .json(&body)
        .map_err(ApiError::transport)?
        .send()
        .await
        .map_err(ApiError::transport)?;
    read_response::<Q>(response).await
}

/// The data of a GraphQL answer to `Q`, or its first error.
pub(super) async fn read_response<Q: GraphQLQuery>(
    response: HttpResponse,
) -> Result<Q::ResponseData, ApiError> {
    let status = response.status();
    // GraphQL errors arrive as JSON whatever the status; anything that is not a GraphQL
    // response (a gateway's HTML error page, an empty body) is a transport failure.
    let answer: Response<Q::ResponseData> = response
        .json()
        .await
        .map_err(|_| ApiError::transport(format_args!("HTTP {status}")))?;
    if let Some(first) = answer.errors.and_then(|errors| errors.into_iter().next()) {
        return Err(ApiError::from_graphql(first));
    }
    answer
        .data
        .ok_or_else(|| ApiError::transport(format_args!("HTTP {status} without data")))
}
