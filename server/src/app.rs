//! Application state and the URL tree: this file is the table of contents of every
//! route Packyard answers.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::api::{hooks, oauth, update_package};
use crate::auth::sealing::Sealer;
use crate::composer::{customer_repository, repository};
use crate::config::Config;
use crate::db::Db;
use crate::graphql::{self, PackyardSchema};
use crate::http_server;
use crate::jobs::{Jobs, worker};
use crate::storage::BlobStore;
use crate::web;

/// Everything a request handler or a job needs. One reference count to clone: axum
/// clones the state for every request.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

pub struct Services {
    pub db: Db,
    pub config: Arc<Config>,
    pub jobs: Jobs,
    pub schema: PackyardSchema,
    pub sealer: Sealer,
    pub blobs: BlobStore,
    /// For outgoing requests (webhook deliveries): no redirects, since a redirect could
    /// lead a delivery to an address its URL was checked not to be.
    pub http: reqwest::Client,
    /// The code hosts people may sign in with (`[oauth.*]` in the config).
    pub oauth: crate::auth::oauth::Providers,
}

impl AppState {
    /// Connects to (and migrates) the database.
    pub async fn new(config: Config) -> anyhow::Result<AppState> {
        let database = config.database()?;
        let db = Db::connect(&database, config.database_max_connections).await?;
        let filled = crate::domain::hooks::backfill_repository_keys(&db).await?;
        if filled > 0 {
            tracing::info!(filled, "computed repository keys of existing packages");
        }
        let jobs = Jobs::new();
        jobs.spawn_replica_listener(&db);
        let sealer = Sealer::load(&config)?;
        let oauth = crate::auth::oauth::Providers::from_config(&config)?;
        let blobs = BlobStore::new(config.data_dir.join("storage"));
        let http = reqwest::Client::builder()
            .user_agent(concat!("Packyard/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(20))
            .build()?;
        Ok(AppState(Arc::new(Services {
            db,
            config: Arc::new(config),
            jobs,
            schema: graphql::schema(),
            sealer,
            blobs,
            http,
            oauth,
        })))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

pub fn router(state: AppState) -> Router {
    // Uploads come through GraphQL: its body may be as large as the largest archive.
    let graphql_body_limit = usize::try_from(state.config.max_upload_bytes())
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    let routes = Router::new()
        .route(
            "/graphql",
            get(web::graphiql)
                .post(graphql::http)
                .layer(RequestBodyLimitLayer::new(graphql_body_limit)),
        )
        .route("/graphql/ws", get(graphql::websocket))
        .route("/health", get(health))
        // Signing in with a code host (and linking one to a signed-in user).
        .route("/auth/oauth/{provider}/start", get(oauth::start))
        .route("/auth/oauth/{provider}/callback", get(oauth::callback))
        // Packagist-compatible inbound webhooks.
        .route(
            "/api/update-package",
            get(update_package::by_query).post(update_package::by_payload),
        )
        .route(
            "/api/update-package/{vendor}/{name}",
            post(update_package::by_name),
        )
        .route("/api/github", post(update_package::by_payload))
        .route("/api/bitbucket", post(update_package::by_payload))
        // An organization's own hook URL, verified by each code host's signature.
        .route("/api/hooks/{organization}", post(hooks::organization))
        .route(
            "/api/hooks/{organization}/{suborganization}",
            post(hooks::suborganization),
        )
        .route("/{organization}/packages.json", get(repository::root))
        .route(
            "/{organization}/p2/{vendor}/{file}",
            get(repository::package_file),
        )
        .route(
            "/{organization}/dists/{vendor}/{name}/{file}",
            get(repository::dist),
        )
        .route("/{organization}/downloads/", post(repository::notify_batch))
        // A vendor customer's repository. `customers` is a reserved urlName, so no
        // suborganization below takes these paths.
        .route(
            "/{organization}/customers/{customer}/packages.json",
            get(customer_repository::root),
        )
        .route(
            "/{organization}/customers/{customer}/p2/{vendor}/{file}",
            get(customer_repository::package_file),
        )
        .route(
            "/{organization}/customers/{customer}/dists/{vendor}/{name}/{file}",
            get(customer_repository::dist),
        )
        .route(
            "/{organization}/customers/{customer}/downloads/",
            post(customer_repository::notify_batch),
        )
        // A suborganization's repository, one level down.
        .route(
            "/{organization}/{suborganization}/packages.json",
            get(repository::root),
        )
        .route(
            "/{organization}/{suborganization}/p2/{vendor}/{file}",
            get(repository::package_file),
        )
        .route(
            "/{organization}/{suborganization}/dists/{vendor}/{name}/{file}",
            get(repository::dist),
        )
        .route(
            "/{organization}/{suborganization}/downloads/",
            post(repository::notify_batch),
        )
        .fallback(web::spa);
    // TraceLayer's request spans and lines are debug-level. Filtered out (the default
    // `PACKYARD_LOG=info`), the layer would still read the clock and wrap every response
    // body, a measurable share of a cached Composer response (docs/PERFORMANCE.md), so it
    // is only added when its output is wanted. Failures do not depend on it: internal
    // errors log themselves (`error.rs`).
    let routes = if tracing::enabled!(target: "tower_http::trace", tracing::Level::DEBUG) {
        routes.layer(TraceLayer::new_for_http())
    } else {
        routes
    };
    routes.with_state(state)
}

/// For load balancers: 200 when the database answers.
async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.get().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Serves HTTP on `listener` (and runs the worker when enabled) until `shutdown`.
///
/// HTTP runs on threads of its own (`http_server`); the worker stays on the caller's
/// runtime.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = state.config.worker_enabled.then(|| {
        let mut stop = stop_rx.clone();
        tokio::spawn(worker::run(state.clone(), async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        }))
    });
    http_server::serve(router(state), listener, async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    })
    .await?;
    if let Some(worker) = worker {
        worker.await?;
    }
    Ok(())
}
