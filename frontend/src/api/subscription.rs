//! GraphQL subscriptions over `/graphql/ws` on the page's own origin, speaking
//! `graphql-transport-ws` through `graphql-ws-client` on a browser WebSocket.
//!
//! The browser sends the HttpOnly session cookie with the websocket upgrade (same origin),
//! so `connection_init` carries no payload and nothing here sees a credential.
//!
//! Each [`subscribe`] opens its own socket, closed again when the returned stream is
//! dropped: pages follow one job at a time, so sharing a socket would buy nothing yet.

use futures::{Stream, StreamExt, stream};
use graphql_client::GraphQLQuery;
use graphql_ws_client::Client;
use graphql_ws_client::graphql::StreamingOperation;
use graphql_ws_client::ws_stream_wasm::Connection;
use ws_stream_wasm::WsMeta;

use super::ApiError;
use super::operations::{
    JobStatus, JobUpdated, job, job_updated, organization_synchronizations, package_page,
};

/// The websocket route of the server.
const PATH: &str = "/graphql/ws";
/// The one subprotocol spoken (async-graphql also offers legacy `graphql-ws`).
const PROTOCOL: &str = "graphql-transport-ws";

/// `ws://host/graphql/ws` (or `wss://` on an https page) for the page's own origin.
fn endpoint() -> Result<String, ApiError> {
    let location = leptos::prelude::window().location();
    let protocol = location
        .protocol()
        .map_err(|_| ApiError::transport("no location"))?;
    let host = location
        .host()
        .map_err(|_| ApiError::transport("no location"))?;
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    Ok(format!("{scheme}://{host}{PATH}"))
}

/// Starts `Q` (a `subscription` operation) and returns its results as they come.
///
/// Fails if the socket cannot be opened or the server refuses the handshake. Each item is
/// the operation's data, or the first GraphQL error of that result (as [`ApiError`], with
/// `extensions.code` and `.field`). The stream ends when the server completes the
/// subscription, or — without an error item — when the connection drops: callers that
/// need a final state check for it (see [`subscribe_job`]'s users).
pub async fn subscribe<Q>(
    variables: Q::Variables,
) -> Result<impl Stream<Item = Result<Q::ResponseData, ApiError>>, ApiError>
where
    Q: GraphQLQuery + Unpin + Send + 'static,
    Q::Variables: Unpin + Send,
{
    let (meta, messages) = WsMeta::connect(endpoint()?, Some(vec![PROTOCOL]))
        .await
        .map_err(ApiError::transport)?;
    let connection = Connection::new((meta, messages)).await;
    let subscription = Client::build(connection)
        .subscribe(StreamingOperation::<Q>::new(variables))
        .await
        .map_err(ApiError::transport)?;
    Ok(subscription.map(|result| {
        let response = result.map_err(ApiError::transport)?;
        if let Some(first) = response.errors.and_then(|errors| errors.into_iter().next()) {
            return Err(ApiError::from_graphql(first));
        }
        response
            .data
            .ok_or_else(|| ApiError::transport("a subscription result without data"))
    }))
}

/// A background job as the dashboard shows it, from the subscription or a query.
#[derive(Clone, Debug, PartialEq)]
pub struct JobUpdate {
    pub id: String,
    pub status: JobStatus,
    /// 0–100.
    pub progress: i64,
    /// What the job is doing now, or did last.
    pub step: Option<String>,
    pub attempts: i64,
    /// Why the last attempt failed (also set while a retry waits, status QUEUED).
    pub error: Option<String>,
    pub log: String,
    pub finished_at: Option<String>,
    /// The package the job reads (null for other jobs, or once the package was removed):
    /// where the add-package page goes when the job is done.
    pub package: Option<JobPackage>,
}

/// `Job.package`: enough to link to the package's page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobPackage {
    pub id: String,
    /// `vendor/name`; `None` until the package's source was read once.
    pub name: Option<String>,
}

/// Every operation that selects a job for [`JobUpdate`] asks for the same fields, so each
/// generated type converts the same way.
macro_rules! job_update_from {
    ($($job:ty),* $(,)?) => {
        $(
            impl From<$job> for JobUpdate {
                fn from(job: $job) -> Self {
                    Self {
                        id: job.id,
                        status: job.status,
                        progress: job.progress,
                        step: job.step,
                        attempts: job.attempts,
                        error: job.error,
                        log: job.log,
                        finished_at: job.finished_at,
                        package: job.package.map(|package| JobPackage {
                            id: package.id,
                            name: package.name,
                        }),
                    }
                }
            }
        )*
    };
}

job_update_from!(
    job_updated::JobUpdatedJobUpdated,
    job::JobJob,
    package_page::PackagePageOrganizationPackageLastJob,
    organization_synchronizations::OrganizationSynchronizationsOrganizationSynchronizationsLastJob,
);

/// `jobUpdated(id)`: the job's state at once, then every change, ending after it
/// succeeds or fails for good. A socket that cannot be opened is one `Err` item; a
/// dropped connection ends the stream early (the last item is then not final).
pub fn subscribe_job(id: String) -> impl Stream<Item = Result<JobUpdate, ApiError>> {
    stream::once(subscribe::<JobUpdated>(job_updated::Variables { id })).flat_map(|opened| {
        match opened {
            Ok(updates) => updates
                .map(|update| update.map(|data| JobUpdate::from(data.job_updated)))
                .left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        }
    })
}
