//! Outgoing webhooks: an organization's subscriptions to its own events (packages
//! created, updated, removed, versions added and removed, jobs failed). Each event is
//! stored as a delivery and sent by a `deliver_webhook` job enqueued in the same
//! transaction as the change, so an event is never lost and never sent for a change
//! that was rolled back. Owners manage webhooks.

use std::net::IpAddr;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::auth::Actor;
use crate::auth::sealing::Sealer;
use crate::db::rows::{
    Job, NewWebhook, NewWebhookDelivery, Organization, Webhook, WebhookDelivery,
};
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::{Error, Result};
use crate::jobs::queue::{self, Enqueue};
use crate::jobs::{JobPayload, Jobs};

/// Attempts per delivery (the first and four retries), as Private Packagist does.
pub const MAX_ATTEMPTS: i32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    PackageCreated,
    PackageUpdated,
    PackageRemoved,
    VersionAdded,
    VersionRemoved,
    JobFailed,
    /// Sent by `testWebhook` only; nobody subscribes to it.
    Test,
}

impl Event {
    pub const SUBSCRIBABLE: [Event; 6] = [
        Event::PackageCreated,
        Event::PackageUpdated,
        Event::PackageRemoved,
        Event::VersionAdded,
        Event::VersionRemoved,
        Event::JobFailed,
    ];

    /// The name in payloads and in the `Packagist-Event` header.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::PackageCreated => "package.created",
            Event::PackageUpdated => "package.updated",
            Event::PackageRemoved => "package.removed",
            Event::VersionAdded => "version.added",
            Event::VersionRemoved => "version.removed",
            Event::JobFailed => "job.failed",
            Event::Test => "test",
        }
    }

    pub fn parse(name: &str) -> Option<Event> {
        Self::SUBSCRIBABLE
            .into_iter()
            .chain([Event::Test])
            .find(|event| event.as_str() == name)
    }
}

pub fn events_of(webhook: &Webhook) -> Vec<Event> {
    webhook.events.split(',').filter_map(Event::parse).collect()
}

fn store_events(events: &[Event]) -> Result<String> {
    if events.is_empty() {
        return Err(Error::invalid("events", "subscribe to at least one event"));
    }
    let mut names: Vec<&str> = events.iter().map(|event| event.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Ok(names.join(","))
}

/// Whether deliveries may go to loopback and private networks (tests, closed networks).
#[derive(Debug, Clone, Copy)]
pub struct TargetPolicy {
    pub allow_local: bool,
}

impl TargetPolicy {
    pub fn new(config: &crate::config::Config) -> Self {
        TargetPolicy {
            allow_local: config.allow_local_webhooks,
        }
    }
}

/// Addresses a webhook must not reach unless the instance allows local targets: the
/// server's own machine and private networks.
pub fn is_local_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                // 100.64.0.0/10, carrier-grade NAT, often internal.
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_local_address(IpAddr::V4(v4)))
        }
    }
}

/// An absolute http(s) URL whose host is not obviously local. (Names are resolved again
/// before each delivery; see `jobs::deliver_webhook`.)
pub fn validate_url(url: &str, policy: TargetPolicy) -> Result<String> {
    let url = url.trim();
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| Error::invalid("url", "use an absolute http:// or https:// URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "url",
            "use an absolute http:// or https:// URL",
        ));
    }
    let Some(host) = parsed.host() else {
        return Err(Error::invalid("url", "the URL has no host"));
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::invalid(
            "url",
            "put no credentials in the URL: use the secret, which signs each delivery",
        ));
    }
    let local = match host {
        url::Host::Ipv4(v4) => is_local_address(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => is_local_address(IpAddr::V6(v6)),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if local && !policy.allow_local {
        return Err(Error::invalid(
            "url",
            "this instance does not send webhooks to local or private addresses",
        ));
    }
    Ok(parsed.to_string())
}

fn validate_secret(secret: Option<&str>) -> Result<Option<&str>> {
    match secret {
        None | Some("") => Ok(None),
        Some(secret) if secret.len() > 200 => {
            Err(Error::invalid("secret", "use at most 200 characters"))
        }
        Some(secret) => Ok(Some(secret)),
    }
}

async fn owned_webhook(
    conn: &mut DbConn,
    actor: &Actor,
    webhook_id: i64,
) -> Result<(Webhook, Access)> {
    let webhook: Webhook = db_run!(conn: {
        webhooks::table
            .find(webhook_id)
            .select(Webhook::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("webhook"))?;
    let scope = access::resolve_owner_of(conn, actor, webhook.organization_id, "webhook").await?;
    scope.require_user()?;
    scope.require_owner()?;
    Ok((webhook, scope))
}

pub struct WebhookInput<'a> {
    pub url: &'a str,
    pub secret: Option<&'a str>,
    pub events: &'a [Event],
}

pub async fn create(
    db: &Db,
    sealer: &Sealer,
    policy: TargetPolicy,
    actor: &Actor,
    organization: &str,
    input: WebhookInput<'_>,
) -> Result<Webhook> {
    let url = validate_url(input.url, policy)?;
    let events = store_events(input.events)?;
    let sealed = validate_secret(input.secret)?.map(|secret| sealer.seal(secret.as_bytes()));
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization, None).await?;
        scope.require_user()?;
        scope.require_owner()?;
        let row = NewWebhook {
            organization_id: scope.root.id,
            url: &url,
            sealed_secret: sealed.as_deref(),
            events: &events,
            created_at: db::now(),
        };
        Ok(db_run!(conn: {
            diesel::insert_into(webhooks::table)
                .values(&row)
                .returning(Webhook::as_returning())
                .get_result(conn)
                .await?
        }))
    })
    .await
}

/// A change; `None` keeps the current value, `secret: Some(None)` removes the secret.
#[derive(Default)]
pub struct WebhookChanges<'a> {
    pub url: Option<&'a str>,
    pub secret: Option<Option<&'a str>>,
    pub events: Option<&'a [Event]>,
}

pub async fn edit(
    db: &Db,
    sealer: &Sealer,
    policy: TargetPolicy,
    actor: &Actor,
    webhook_id: i64,
    changes: WebhookChanges<'_>,
) -> Result<Webhook> {
    let url = changes
        .url
        .map(|url| validate_url(url, policy))
        .transpose()?;
    let events = changes.events.map(store_events).transpose()?;
    let sealed = changes
        .secret
        .map(|secret| validate_secret(secret).map(|s| s.map(|s| sealer.seal(s.as_bytes()))))
        .transpose()?;
    db.transaction(async |conn| {
        let (webhook, _) = owned_webhook(conn, actor, webhook_id).await?;
        let url = url.unwrap_or(webhook.url);
        let events = events.unwrap_or(webhook.events);
        let sealed = sealed.unwrap_or(webhook.sealed_secret);
        Ok(db_run!(conn: {
            diesel::update(webhooks::table.find(webhook.id))
                .set((
                    webhooks::url.eq(&url),
                    webhooks::events.eq(&events),
                    webhooks::sealed_secret.eq(&sealed),
                ))
                .returning(Webhook::as_returning())
                .get_result(conn)
                .await?
        }))
    })
    .await
}

/// Removes the webhook and its delivery log; deliveries still queued are dropped.
pub async fn remove(db: &Db, actor: &Actor, webhook_id: i64) -> Result<()> {
    db.transaction(async |conn| {
        let (webhook, _) = owned_webhook(conn, actor, webhook_id).await?;
        db_run!(conn: {
            diesel::delete(webhooks::table.find(webhook.id)).execute(conn).await?;
        });
        Ok(())
    })
    .await
}

/// The organization's webhooks, oldest first. Owners only.
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<Webhook>> {
    scope.require_user()?;
    scope.require_owner()?;
    let organization_id = scope.root.id;
    Ok(db_run!(conn: {
        webhooks::table
            .filter(webhooks::organization_id.eq(organization_id))
            .order(webhooks::id.asc())
            .select(Webhook::as_select())
            .load(conn)
            .await?
    }))
}

/// The webhook's deliveries, newest first.
pub async fn deliveries(
    conn: &mut DbConn,
    webhook: &Webhook,
    page: PageRequest,
) -> Result<Page<WebhookDelivery>> {
    let webhook_id = webhook.id;
    let before = page.after_id.unwrap_or(i64::MAX);
    let (rows, total) = db_run!(conn: {
        let rows = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .filter(webhook_deliveries::id.lt(before))
            .order(webhook_deliveries::id.desc())
            .limit(page.limit())
            .select(WebhookDelivery::as_select())
            .load(conn)
            .await?;
        let total: i64 = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    Ok(Page::from_rows(page, rows, total, |delivery| delivery.id))
}

/// Sends a `test` event to this webhook now (through the queue, like every delivery).
pub async fn test(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    webhook_id: i64,
) -> Result<WebhookDelivery> {
    let (delivery, job) = db
        .transaction(async |conn| {
            let (webhook, scope) = owned_webhook(conn, actor, webhook_id).await?;
            let payload = json!({
                "event": Event::Test.as_str(),
                "organization": { "urlName": scope.root.url_name },
                "webhook": { "id": webhook.id.to_string() },
                "sentAt": chrono::Utc::now().to_rfc3339(),
            });
            queue_delivery(conn, &webhook, Event::Test, &payload).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(delivery)
}

async fn queue_delivery(
    conn: &mut DbConn,
    webhook: &Webhook,
    event: Event,
    payload: &Value,
) -> Result<(WebhookDelivery, Job)> {
    let body = serde_json::to_string(payload).map_err(Error::internal)?;
    let row = NewWebhookDelivery {
        webhook_id: webhook.id,
        event: event.as_str(),
        payload: &body,
        status: "pending",
        created_at: db::now(),
    };
    let delivery = db_run!(conn: {
        diesel::insert_into(webhook_deliveries::table)
            .values(&row)
            .returning(WebhookDelivery::as_returning())
            .get_result(conn)
            .await?
    });
    let mut request = Enqueue::new(JobPayload::DeliverWebhook {
        delivery_id: delivery.id,
    });
    request.organization_id = Some(webhook.organization_id);
    request.max_attempts = MAX_ATTEMPTS;
    let job = queue::enqueue(conn, request).await?;
    Ok((delivery, job))
}

/// Queues `event` for every webhook of the organization (or of the suborganization's
/// parent) subscribed to it, in the caller's transaction. Returns the delivery jobs, to
/// announce after the commit (the worker also finds them by polling).
pub async fn emit(
    conn: &mut DbConn,
    organization: &Organization,
    event: Event,
    details: Value,
) -> Result<Vec<Job>> {
    let root_id = organization.parent_id.unwrap_or(organization.id);
    let subscribed: Vec<Webhook> = db_run!(conn: {
        webhooks::table
            .filter(webhooks::organization_id.eq(root_id))
            .order(webhooks::id.asc())
            .select(Webhook::as_select())
            .load(conn)
            .await?
    });
    let mut jobs = Vec::new();
    for webhook in subscribed.iter().filter(|w| events_of(w).contains(&event)) {
        let mut payload = json!({
            "event": event.as_str(),
            "organization": { "urlName": organization.url_name },
            "sentAt": chrono::Utc::now().to_rfc3339(),
        });
        if let (Value::Object(payload), Value::Object(details)) = (&mut payload, &details) {
            payload.extend(details.clone());
        }
        let (_, job) = queue_delivery(conn, webhook, event, &payload).await?;
        jobs.push(job);
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_targets_are_refused_unless_allowed() {
        let strict = TargetPolicy { allow_local: false };
        let open = TargetPolicy { allow_local: true };
        for local in [
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://api.localhost/hook",
            "http://10.1.2.3/hook",
            "http://192.168.0.10/hook",
            "http://172.16.5.4/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook",
            "http://[fd00::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://0.0.0.0/hook",
        ] {
            assert!(validate_url(local, strict).is_err(), "{local}");
            assert!(validate_url(local, open).is_ok(), "{local}");
        }
        for public in [
            "https://hooks.example.com/packyard",
            "http://93.184.216.34/x",
        ] {
            assert!(validate_url(public, strict).is_ok(), "{public}");
        }
        for bad in [
            "ftp://example.com/x",
            "hooks.example.com",
            "https://user:pw@example.com/",
        ] {
            assert!(validate_url(bad, open).is_err(), "{bad}");
        }
    }

    #[test]
    fn events_are_stored_sorted_and_once() {
        let stored =
            store_events(&[Event::VersionAdded, Event::JobFailed, Event::VersionAdded]).unwrap();
        assert_eq!(stored, "job.failed,version.added");
        assert!(store_events(&[]).is_err());
        for event in Event::SUBSCRIBABLE {
            assert_eq!(Event::parse(event.as_str()), Some(event));
        }
    }
}
