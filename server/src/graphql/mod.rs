//! The GraphQL API: schema assembly, the HTTP and WebSocket endpoints, and the mapping
//! of our errors. One module per resource holds its thin resolvers over `domain/`.

mod api_tokens;
mod artifacts;
mod connection;
mod credentials;
mod customers;
mod errors;
mod identities;
mod jobs;
mod members;
mod organization_tokens;
mod organizations;
mod packages;
mod sessions;
mod suborganizations;
mod synchronizations;
mod teams;
mod users;
mod vendor_bundles;
mod webhooks;

use std::net::SocketAddr;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Context, Data, ID, MergedObject, MergedSubscription, Schema};
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::Actor;
use crate::auth::request::{RequestContext, actor_from_headers};
use crate::error::Error;

pub use connection::PageInfo;

#[derive(MergedObject, Default)]
pub struct Query(
    users::UserQuery,
    organizations::OrganizationQuery,
    jobs::JobQuery,
    identities::IdentityQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    sessions::SessionMutation,
    users::UserMutation,
    organizations::OrganizationMutation,
    api_tokens::ApiTokenMutation,
    jobs::JobMutation,
    packages::PackageMutation,
    organization_tokens::OrganizationTokenMutation,
    credentials::CredentialMutation,
    artifacts::ArtifactMutation,
    teams::TeamMutation,
    members::MemberMutation,
    suborganizations::SuborganizationMutation,
    customers::CustomerMutation,
    vendor_bundles::VendorBundleMutation,
    webhooks::WebhookMutation,
    synchronizations::SynchronizationMutation,
    identities::IdentityMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(jobs::JobSubscription, jobs::OrganizationSubscription);

pub type PackyardSchema = Schema<Query, Mutation, Subscription>;

/// Deep enough for every real screen (organization → package → version → …), shallow
/// enough that a hostile query cannot fan out without bound.
const MAX_DEPTH: usize = 12;
const MAX_COMPLEXITY: usize = 2000;

/// The schema holds no application state: each request brings the [`AppState`] and its
/// [`RequestContext`] as request data, so the state can own the schema.
pub fn schema() -> PackyardSchema {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .extension(errors::ErrorCodes)
    .finish()
}

/// The SDL checked in as `schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

pub(crate) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub(crate) fn request<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    ctx.data_unchecked::<RequestContext>()
}

pub(crate) fn actor<'a>(ctx: &Context<'a>) -> &'a Actor {
    &request(ctx).actor
}

/// An optional argument of an edit: left out keeps the value (`None`), `null` clears it
/// (`Some(None)`), a value sets it.
pub(crate) fn change_of(value: &async_graphql::MaybeUndefined<String>) -> Option<Option<&str>> {
    match value {
        async_graphql::MaybeUndefined::Undefined => None,
        async_graphql::MaybeUndefined::Null => Some(None),
        async_graphql::MaybeUndefined::Value(value) => Some(Some(value.as_str())),
    }
}

pub(crate) fn parse_id(field: &str, id: &ID) -> Result<i64, Error> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::invalid(field, "not an id of this API"))
}

/// `POST /graphql`.
pub async fn http(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let actor = match actor_from_headers(&state.db, &headers).await {
        Ok(actor) => actor,
        Err(error) => return rejected(error),
    };
    let context = RequestContext {
        actor,
        client_ip: Some(client.ip()),
        secure_cookies: state.config.secure_cookies(),
    };
    let request = request.into_inner().data(state.clone()).data(context);
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

/// A request whose credentials are wrong is answered as GraphQL, with status 401.
fn rejected(error: Error) -> Response {
    let mut server_error = async_graphql::ServerError::new(String::new(), None);
    error.apply_to(&mut server_error);
    let response = async_graphql::Response::from_errors(vec![server_error]);
    (error.status(), GraphQLResponse::from(response)).into_response()
}

/// `GET /graphql/ws`: subscriptions over `graphql-transport-ws` (and legacy
/// `graphql-ws`). Credentials come from the upgrade request's cookie, or from
/// `connection_init` as `{"authorization": "Bearer …"}`.
pub async fn websocket(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let header_actor = match actor_from_headers(&state.db, &headers).await {
        Ok(actor) => actor,
        Err(error) => return error.into_response(),
    };
    let secure_cookies = state.config.secure_cookies();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let actor = match init_authorization(&payload) {
                        Some(authorization) => {
                            let mut headers = HeaderMap::new();
                            headers.insert(
                                axum::http::header::AUTHORIZATION,
                                authorization.parse().map_err(|_| {
                                    async_graphql::Error::new("malformed authorization")
                                })?,
                            );
                            actor_from_headers(&state.db, &headers).await?
                        }
                        None => header_actor,
                    };
                    let mut data = Data::default();
                    data.insert(state.clone());
                    data.insert(RequestContext {
                        actor,
                        client_ip: Some(client.ip()),
                        secure_cookies,
                    });
                    Ok(data)
                })
                .serve()
        })
}

fn init_authorization(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
        .map(str::to_owned)
}
