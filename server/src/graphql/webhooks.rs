use async_graphql::{Context, Enum, ID, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::connection::Connection;
use super::{actor, change_of, parse_id, state};
use crate::db::rows;
use crate::domain::hook_secrets;
use crate::domain::pagination::PageRequest;
use crate::domain::webhooks::{self, Event, TargetPolicy, WebhookChanges, WebhookInput};

/// What an outgoing webhook can be sent.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    PackageCreated,
    PackageUpdated,
    PackageRemoved,
    VersionAdded,
    VersionRemoved,
    JobFailed,
    /// Sent by `testWebhook`; not subscribable.
    Test,
}

impl From<WebhookEvent> for Event {
    fn from(event: WebhookEvent) -> Self {
        match event {
            WebhookEvent::PackageCreated => Event::PackageCreated,
            WebhookEvent::PackageUpdated => Event::PackageUpdated,
            WebhookEvent::PackageRemoved => Event::PackageRemoved,
            WebhookEvent::VersionAdded => Event::VersionAdded,
            WebhookEvent::VersionRemoved => Event::VersionRemoved,
            WebhookEvent::JobFailed => Event::JobFailed,
            WebhookEvent::Test => Event::Test,
        }
    }
}

impl From<Event> for WebhookEvent {
    fn from(event: Event) -> Self {
        match event {
            Event::PackageCreated => WebhookEvent::PackageCreated,
            Event::PackageUpdated => WebhookEvent::PackageUpdated,
            Event::PackageRemoved => WebhookEvent::PackageRemoved,
            Event::VersionAdded => WebhookEvent::VersionAdded,
            Event::VersionRemoved => WebhookEvent::VersionRemoved,
            Event::JobFailed => WebhookEvent::JobFailed,
            Event::Test => WebhookEvent::Test,
        }
    }
}

fn subscribable(events: &[WebhookEvent]) -> Result<Vec<Event>> {
    if events.contains(&WebhookEvent::Test) {
        return Err(crate::error::Error::invalid(
            "events",
            "TEST events are sent by testWebhook only",
        )
        .into());
    }
    Ok(events.iter().map(|event| Event::from(*event)).collect())
}

pub struct WebhookView(pub rows::Webhook);

#[Object(name = "Webhook")]
impl WebhookView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn url(&self) -> &str {
        &self.0.url
    }

    async fn events(&self) -> Vec<WebhookEvent> {
        webhooks::events_of(&self.0)
            .into_iter()
            .map(WebhookEvent::from)
            .collect()
    }

    /// Whether deliveries carry `Packagist-Signature` (the secret itself is never shown).
    async fn has_secret(&self) -> bool {
        self.0.sealed_secret.is_some()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    /// The delivery log, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<WebhookDeliveryView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = webhooks::deliveries(&mut conn, &self.0, page).await?;
        Ok(Connection::from_page(page, WebhookDeliveryView))
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliveryStatus {
    /// Not delivered yet; retried with backoff.
    Pending,
    Success,
    /// Given up after the last attempt.
    Failed,
}

pub struct WebhookDeliveryView(pub rows::WebhookDelivery);

#[Object(name = "WebhookDelivery")]
impl WebhookDeliveryView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn event(&self) -> Option<WebhookEvent> {
        Event::parse(&self.0.event).map(WebhookEvent::from)
    }

    async fn status(&self) -> WebhookDeliveryStatus {
        match self.0.status.as_str() {
            "success" => WebhookDeliveryStatus::Success,
            "failed" => WebhookDeliveryStatus::Failed,
            _ => WebhookDeliveryStatus::Pending,
        }
    }

    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// The receiver's HTTP status on the last attempt.
    async fn response_code(&self) -> Option<i32> {
        self.0.response_code
    }

    async fn duration_ms(&self) -> Option<i64> {
        self.0.duration_ms
    }

    /// Why the last attempt failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// The JSON body sent (and signed).
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at.map(|at| at.and_utc())
    }
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// A new secret for the organization's (or suborganization's) inbound hook URL;
    /// code hosts still signing with the old one are refused from now on. Owners only.
    async fn regenerate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        i_confirm_hooks_with_the_old_secret_will_be_refused: bool,
    ) -> Result<String> {
        let state = state(ctx);
        Ok(hook_secrets::regenerate(
            &state.db,
            &state.sealer,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            i_confirm_hooks_with_the_old_secret_will_be_refused,
        )
        .await?)
    }

    /// Sends the organization's events to `url`; with a secret, each body is signed with
    /// `Packagist-Signature: sha1=<hex HMAC-SHA1>`. Owners only.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        organization: String,
        url: String,
        secret: Option<String>,
        events: Vec<WebhookEvent>,
    ) -> Result<WebhookView> {
        let state = state(ctx);
        let events = subscribable(&events)?;
        let input = WebhookInput {
            url: &url,
            secret: secret.as_deref(),
            events: &events,
        };
        let webhook = webhooks::create(
            &state.db,
            &state.sealer,
            TargetPolicy::new(&state.config),
            actor(ctx),
            &organization,
            input,
        )
        .await?;
        Ok(WebhookView(webhook))
    }

    /// Changes what is given; `secret: null` stops signing.
    async fn edit_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        url: Option<String>,
        secret: MaybeUndefined<String>,
        events: Option<Vec<WebhookEvent>>,
    ) -> Result<WebhookView> {
        let state = state(ctx);
        let events = events.as_deref().map(subscribable).transpose()?;
        let changes = WebhookChanges {
            url: url.as_deref(),
            secret: change_of(&secret),
            events: events.as_deref(),
        };
        let webhook = webhooks::edit(
            &state.db,
            &state.sealer,
            TargetPolicy::new(&state.config),
            actor(ctx),
            parse_id("id", &id)?,
            changes,
        )
        .await?;
        Ok(WebhookView(webhook))
    }

    /// Removes the webhook and its delivery log. Returns its id.
    async fn remove_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        webhooks::remove(&state(ctx).db, actor(ctx), parse_id("id", &id)?).await?;
        Ok(id)
    }

    /// Queues a `test` event for the webhook; follow it in `deliveries`.
    async fn test_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookDeliveryView> {
        let state = state(ctx);
        let delivery =
            webhooks::test(&state.db, &state.jobs, actor(ctx), parse_id("id", &id)?).await?;
        Ok(WebhookDeliveryView(delivery))
    }
}
