//! Bitbucket Cloud (`repo:push`) and Bitbucket Server / Data Center
//! (`repo:refs_changed`, `mirror:repo_synchronized`, `diagnostics:ping`). Both name the
//! event in `X-Event-Key`; their payloads have nothing else in common.

use axum::http::HeaderMap;
use serde_json::Value;

use super::body::{self, array, header, text};
use super::{Change, Event, EventKind, Provider, RefChange, RefKind, WebhookError};

pub(super) fn parse_cloud(headers: &HeaderMap, value: &Value) -> Result<Event, WebhookError> {
    const PROVIDER: Provider = Provider::BitbucketCloud;
    let key = header(headers, "x-event-key")
        .or_else(|| value.get("push").map(|_| "repo:push"))
        .unwrap_or("unknown");
    if key != "repo:push" {
        return Ok(Event::ignored(
            PROVIDER,
            format!("Bitbucket Cloud event `{key}` changes no branch or tag"),
        ));
    }
    let changes = value
        .pointer("/push/changes")
        .and_then(Value::as_array)
        .ok_or_else(|| WebhookError::Malformed("repo:push without push.changes".into()))?;
    let mut event = Event::new(PROVIDER, EventKind::Push);
    for change in changes {
        event.refs.extend(cloud_change(change));
    }
    if event.refs.is_empty() {
        return Ok(Event::ignored(
            PROVIDER,
            "the push changed no branch or tag",
        ));
    }
    event.add_url(text(value, "/repository/links/html/href"));
    event.add_url(text(value, "/repository/links/self/href"));
    Ok(event)
}

/// `new` is null when the ref was deleted, `old` when it was created; names are short.
/// Mercurial's `named_branch` and `bookmark` are no Git refs.
fn cloud_change(change: &Value) -> Option<RefChange> {
    let new = change.get("new").filter(|side| side.is_object());
    let old = change.get("old").filter(|side| side.is_object());
    let side = new.or(old)?;
    let kind = match text(side, "/type")? {
        "branch" => RefKind::Branch,
        "tag" => RefKind::Tag,
        _ => return None,
    };
    let change = match (old, new) {
        (_, None) => Change::Deleted,
        (None, Some(_)) => Change::Created,
        (Some(_), Some(_)) => Change::Updated,
    };
    Some(RefChange {
        kind,
        name: text(side, "/name")?.to_owned(),
        change,
        after: new
            .and_then(|new| text(new, "/target/hash"))
            .map(str::to_owned),
    })
}

pub(super) fn parse_server(headers: &HeaderMap, value: &Value) -> Result<Event, WebhookError> {
    const PROVIDER: Provider = Provider::BitbucketServer;
    let key = header(headers, "x-event-key")
        .or_else(|| text(value, "/eventKey"))
        .or_else(|| body::flag(value, "/test").map(|_| "diagnostics:ping"))
        .unwrap_or("unknown");
    match key {
        "diagnostics:ping" => return Ok(Event::new(PROVIDER, EventKind::Ping)),
        // A smart mirror finished fetching these refs; clones from the mirror see them
        // only now. The primary's repo:refs_changed came first; updates are deduplicated.
        "repo:refs_changed" | "mirror:repo_synchronized" => {}
        other => {
            return Ok(Event::ignored(
                PROVIDER,
                format!("Bitbucket Server event `{other}` changes no branch or tag"),
            ));
        }
    }
    let changes = value
        .get("changes")
        .and_then(Value::as_array)
        .ok_or_else(|| WebhookError::Malformed(format!("{key} without changes")))?;
    let mut event = Event::new(PROVIDER, EventKind::Push);
    for change in changes {
        event.refs.extend(server_change(change));
    }
    if event.refs.is_empty() {
        return Ok(Event::ignored(
            PROVIDER,
            "the push changed no branch or tag",
        ));
    }
    // Bitbucket Server 5.x sends no links at all; the event then has no URL.
    for link in array(value, "/repository/links/clone") {
        event.add_url(text(link, "/href"));
    }
    for link in array(value, "/repository/links/self") {
        event.add_url(text(link, "/href"));
    }
    Ok(event)
}

fn server_change(change: &Value) -> Option<RefChange> {
    let full_ref = text(change, "/ref/id").or_else(|| text(change, "/refId"))?;
    let (kind, name) = body::split_ref(full_ref)?;
    let change_kind = match text(change, "/type")? {
        "ADD" => Change::Created,
        "UPDATE" => Change::Updated,
        "DELETE" => Change::Deleted,
        _ => return None,
    };
    Some(RefChange {
        kind,
        name: name.to_owned(),
        change: change_kind,
        after: text(change, "/toHash")
            .filter(|id| change_kind != Change::Deleted && !body::is_zero_id(id))
            .map(str::to_owned),
    })
}
