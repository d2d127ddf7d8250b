//! Sends one stored webhook delivery. Failures (no answer, or an answer other than 2xx)
//! are retried by the queue with backoff; every attempt is written to the delivery log.
//! The body is the stored one, so every attempt sends (and signs) the same bytes.

use std::time::Instant;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::PermanentFailure;
use super::worker::JobContext;
use crate::db::rows::{Webhook, WebhookDelivery};
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db_run;
use crate::domain::webhooks::is_local_address;

/// `sha1=<hex HMAC-SHA1(secret, body)>`, the `Packagist-Signature` of the Private
/// Packagist API (spec §8), so that receivers written for it verify ours.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

struct Attempt {
    response_code: Option<i32>,
    error: Option<String>,
    duration_ms: i64,
}

pub async fn run(context: &JobContext, delivery_id: i64) -> anyhow::Result<()> {
    let state = &context.state;
    let found: Option<(WebhookDelivery, Webhook)> = {
        let mut conn = state.db.get().await?;
        db_run!(conn: {
            webhook_deliveries::table
                .inner_join(webhooks::table)
                .filter(webhook_deliveries::id.eq(delivery_id))
                .select((WebhookDelivery::as_select(), Webhook::as_select()))
                .first(conn)
                .await
                .optional()?
        })
    };
    let Some((delivery, webhook)) = found else {
        context
            .log("the webhook was removed: nothing to deliver")
            .await?;
        return Ok(());
    };
    if delivery.status == "success" {
        // A retry of an attempt whose outcome was recorded but whose job was not.
        return Ok(());
    }
    if !state.config.allow_local_webhooks
        && let Err(refused) = refuse_local_target(&webhook.url).await
    {
        let mut conn = state.db.get().await?;
        let message = refused.to_string();
        db_run!(conn: {
            diesel::update(webhook_deliveries::table.find(delivery.id))
                .set((
                    webhook_deliveries::status.eq("failed"),
                    webhook_deliveries::error.eq(&message),
                ))
                .execute(conn)
                .await?;
        });
        return Err(refused);
    }
    let secret = webhook
        .sealed_secret
        .as_deref()
        .map(|sealed| state.sealer.open(sealed))
        .transpose()?;
    let attempt_number = context.job.attempts;
    let mut request = state
        .http
        .post(&webhook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Packagist-Event", &delivery.event)
        .header("Packagist-Notification", delivery.id.to_string())
        .header(
            "Packagist-Delivery",
            format!("{}-{attempt_number}", delivery.id),
        );
    if let Some(secret) = &secret {
        request = request.header(
            "Packagist-Signature",
            signature(secret, delivery.payload.as_bytes()),
        );
    }
    let started = Instant::now();
    let outcome = request.body(delivery.payload.clone()).send().await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let attempt = match &outcome {
        Ok(response) if response.status().is_success() => Attempt {
            response_code: Some(i32::from(response.status().as_u16())),
            error: None,
            duration_ms,
        },
        Ok(response) => Attempt {
            response_code: Some(i32::from(response.status().as_u16())),
            error: Some(format!("the receiver answered {}", response.status())),
            duration_ms,
        },
        Err(error) => Attempt {
            response_code: None,
            error: Some(describe(error)),
            duration_ms,
        },
    };
    let last_attempt = attempt_number >= context.job.max_attempts;
    let status = match (&attempt.error, last_attempt) {
        (None, _) => "success",
        (Some(_), true) => "failed",
        (Some(_), false) => "pending",
    };
    {
        let mut conn = state.db.get().await?;
        let now = crate::db::now();
        db_run!(conn: {
            diesel::update(webhook_deliveries::table.find(delivery.id))
                .set((
                    webhook_deliveries::status.eq(status),
                    webhook_deliveries::attempts.eq(attempt_number),
                    webhook_deliveries::response_code.eq(attempt.response_code),
                    webhook_deliveries::duration_ms.eq(attempt.duration_ms),
                    webhook_deliveries::error.eq(&attempt.error),
                    webhook_deliveries::delivered_at.eq((status == "success").then_some(now)),
                ))
                .execute(conn)
                .await?;
        });
    }
    match attempt.error {
        None => {
            context
                .log(&format!(
                    "delivered {} to {} ({} ms)",
                    delivery.event, webhook.url, attempt.duration_ms
                ))
                .await?;
            Ok(())
        }
        Some(error) => {
            context.log(&error).await?;
            Err(anyhow::anyhow!(error))
        }
    }
}

/// The URL was checked when it was saved, but a name may resolve elsewhere now.
async fn refuse_local_target(url: &str) -> anyhow::Result<()> {
    let parsed = reqwest::Url::parse(url)?;
    let host = parsed.host_str().unwrap_or_default().to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses = match tokio::net::lookup_host((host, port)).await {
        Ok(addresses) => addresses.collect::<Vec<_>>(),
        // Not resolvable now: the request fails the same way and is retried.
        Err(_) => return Ok(()),
    };
    if addresses
        .iter()
        .any(|address| is_local_address(address.ip()))
    {
        return Err(PermanentFailure(format!(
            "{host} resolves to a local or private address; this instance does not send webhooks there"
        ))
        .into());
    }
    Ok(())
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the receiver did not answer in time".to_owned()
    } else if error.is_connect() {
        "could not connect to the receiver".to_owned()
    } else {
        format!("the request failed: {error}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_private_packagist_test_vectors() {
        assert_eq!(
            signature(b"test", b"payload"),
            "sha1=b92a2ae52a340f2246a0ec24d45bb4ecfdf7b8ac"
        );
        assert_eq!(
            signature(b"test", b""),
            "sha1=fc85087452696e5bcbe3b7a71fde00e320af2cca"
        );
    }
}
