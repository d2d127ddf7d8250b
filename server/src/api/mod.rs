//! REST endpoints: inbound webhooks under `/api/`, compatible with Packagist's URLs
//! (`update_package`) and on each organization's own hook URL (`hooks`), and the
//! browser's OAuth sign-in under `/auth/oauth/` (`oauth`).

pub mod hooks;
pub mod oauth;
pub mod update_package;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::domain::hooks::{Caller, Receipt, Target, record, update_packages};
use crate::error::{Error, Result};
use crate::webhooks::{Event, EventKind};

/// What a delivery led to; both endpoints answer alike.
enum Outcome {
    Queued(Receipt),
    /// A delivery that needs no work (a ping, an event that changes no ref): a short
    /// status word and why.
    NoWork(&'static str, String),
}

/// What an authenticated delivery's event does, whichever endpoint took it. Deliveries
/// without work are logged under `organization_id` when the endpoint names one.
async fn act_on(
    state: &AppState,
    caller: Caller<'_>,
    organization_id: Option<i64>,
    event: &Event,
) -> Result<Outcome> {
    let provider = event.provider.as_str();
    match &event.kind {
        EventKind::Push | EventKind::Moved { .. } => {
            let receipt = update_packages(
                &state.db,
                &state.jobs,
                caller,
                provider,
                Target::Payload(event),
            )
            .await?;
            Ok(Outcome::Queued(receipt))
        }
        EventKind::Ping => {
            record(
                &state.db,
                organization_id,
                None,
                provider,
                "ping",
                "ignored",
                200,
                None,
            )
            .await?;
            Ok(Outcome::NoWork("pong", "the hook works".into()))
        }
        EventKind::Ignored(reason) => {
            record(
                &state.db,
                organization_id,
                None,
                provider,
                "ignored",
                "ignored",
                200,
                Some(reason),
            )
            .await?;
            Ok(Outcome::NoWork("ignored", reason.clone()))
        }
        EventKind::SubscriptionConfirmation { .. } => Err(Error::BadRequest(
            "Amazon SNS subscriptions need the organization's hook URL, which verifies them".into(),
        )),
    }
}

/// 202 `{"status":"success","jobs":[…]}`, 200 for no work, the error's status otherwise.
fn respond(outcome: Result<Outcome>) -> Response {
    match outcome {
        Ok(Outcome::Queued(receipt)) => {
            let jobs: Vec<serde_json::Value> = receipt
                .jobs
                .iter()
                .map(|(package, job)| {
                    serde_json::json!({
                        "id": job.id.to_string(),
                        "package": package.name.clone().unwrap_or_else(|| format!("#{}", package.id)),
                        "status": job.status,
                    })
                })
                .collect();
            (
                StatusCode::ACCEPTED,
                axum::Json(serde_json::json!({ "status": "success", "jobs": jobs })),
            )
                .into_response()
        }
        Ok(Outcome::NoWork(status, message)) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "status": status, "message": message })),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}
