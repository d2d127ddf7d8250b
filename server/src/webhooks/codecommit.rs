//! AWS CodeCommit repository triggers. Over Amazon SNS the body is the SNS envelope
//! with the trigger's `{"Records":[…]}` as a JSON *string* in `Message`; with SNS raw
//! message delivery it is the Records object itself. Records name the repository only
//! by ARN and carry no before-ids.

use serde_json::Value;

use super::body::{array, required, text};
use super::{Change, Event, EventKind, Provider, RefChange, WebhookError, body};

const PROVIDER: Provider = Provider::CodeCommit;

pub(super) fn parse(value: &Value) -> Result<Event, WebhookError> {
    match text(value, "/Type") {
        Some("SubscriptionConfirmation") => Ok(Event::new(
            PROVIDER,
            EventKind::SubscriptionConfirmation {
                subscribe_url: required(value, "/SubscribeURL")?.to_owned(),
            },
        )),
        Some("UnsubscribeConfirmation") => Ok(Event::ignored(
            PROVIDER,
            "SNS unsubscribe confirmation: nothing to do",
        )),
        Some("Notification") => {
            let message = required(value, "/Message")?;
            match serde_json::from_str::<Value>(message) {
                Ok(records) if records.get("Records").is_some() => parse_records(&records),
                // SNS retries deliveries answered with an error; a topic that also
                // carries other messages must not be retried for ever.
                _ => Ok(Event::ignored(
                    PROVIDER,
                    "the SNS notification is not a CodeCommit trigger",
                )),
            }
        }
        Some(other) => Err(WebhookError::Unsupported(format!(
            "unknown SNS message Type `{other}`"
        ))),
        None => parse_records(value),
    }
}

fn parse_records(value: &Value) -> Result<Event, WebhookError> {
    let records = value
        .get("Records")
        .and_then(Value::as_array)
        .ok_or_else(|| WebhookError::Malformed("a CodeCommit trigger without Records".into()))?;
    let records: Vec<&Value> = records
        .iter()
        .filter(|record| text(record, "/eventSource") == Some("aws:codecommit"))
        .collect();
    if records.is_empty() {
        return Ok(Event::ignored(PROVIDER, "no CodeCommit record in Records"));
    }
    let is_test = records
        .iter()
        .all(|record| text(record, "/eventName") == Some("TriggerEventTest"));
    let mut event = Event::new(
        PROVIDER,
        if is_test {
            EventKind::Ping
        } else {
            EventKind::Push
        },
    );
    for record in records {
        let arn = required(record, "/eventSourceARN")?;
        event.add_url(Some(arn));
        event.add_url(clone_url(arn).as_deref());
        if is_test || text(record, "/eventName") != Some("ReferenceChanges") {
            continue;
        }
        for reference in array(record, "/codecommit/references") {
            event.refs.extend(reference_change(reference));
        }
    }
    Ok(event)
}

/// Each reference says `created`/`deleted` when it was; otherwise it was updated.
fn reference_change(reference: &Value) -> Option<RefChange> {
    let full_ref = text(reference, "/ref")?;
    let (kind, name) = body::split_ref(full_ref)?;
    let change = if body::flag(reference, "/deleted") == Some(true) {
        Change::Deleted
    } else if body::flag(reference, "/created") == Some(true) {
        Change::Created
    } else {
        Change::Updated
    };
    Some(RefChange {
        kind,
        name: name.to_owned(),
        change,
        after: text(reference, "/commit")
            .filter(|_| change != Change::Deleted)
            .map(str::to_owned),
    })
}

/// The HTTPS clone URL of the repository an ARN names, which is how packages store it.
fn clone_url(arn: &str) -> Option<String> {
    let (region, name, china) = super::repository_key::codecommit_arn(arn)?;
    let suffix = if china { ".cn" } else { "" };
    Some(format!(
        "https://git-codecommit.{region}.amazonaws.com{suffix}/v1/repos/{name}"
    ))
}
