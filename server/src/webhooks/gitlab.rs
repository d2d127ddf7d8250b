//! GitLab project hooks and system hooks. The body says what happened (`object_kind`,
//! or `event_name` on system hooks, whose header is always `System Hook`).

use axum::http::HeaderMap;
use serde_json::Value;

use super::body::{self, array, header, required, text};
use super::{Event, EventKind, Provider, WebhookError};

const PROVIDER: Provider = Provider::GitLab;

pub(super) fn parse(headers: &HeaderMap, value: &Value) -> Result<Event, WebhookError> {
    let kind = text(value, "/object_kind")
        .or_else(|| text(value, "/event_name"))
        .ok_or_else(|| WebhookError::Malformed("a GitLab payload without object_kind".into()))?;
    match kind {
        "push" | "tag_push" => push(value),
        "repository_update" => repository_update(value),
        "project_rename" | "project_transfer" => moved(headers, kind, value),
        other => Ok(Event::ignored(
            PROVIDER,
            format!("GitLab event `{other}` changes no branch or tag"),
        )),
    }
}

fn add_urls(event: &mut Event, value: &Value) {
    for field in [
        "project/web_url",
        "project/git_http_url",
        "project/git_ssh_url",
        "project/http_url",
        "project/ssh_url",
        "project/url",
        "project/homepage",
        "repository/homepage",
        "repository/git_http_url",
        "repository/git_ssh_url",
        "repository/url",
    ] {
        event.add_url(text(value, &format!("/{field}")));
    }
}

fn push(value: &Value) -> Result<Event, WebhookError> {
    let full_ref = required(value, "/ref")?;
    let Some(change) = body::ref_change(
        full_ref,
        text(value, "/before"),
        text(value, "/after"),
        None,
        None,
    ) else {
        return Ok(Event::ignored(
            PROVIDER,
            format!("push to {full_ref}, which is neither a branch nor a tag"),
        ));
    };
    let mut event = Event::new(PROVIDER, EventKind::Push);
    event.refs.push(change);
    add_urls(&mut event, value);
    Ok(event)
}

/// The system hook sent after any push to a repository, with every changed ref.
fn repository_update(value: &Value) -> Result<Event, WebhookError> {
    let mut event = Event::new(PROVIDER, EventKind::Push);
    for change in array(value, "/changes") {
        let full_ref = required(change, "/ref")?;
        event.refs.extend(body::ref_change(
            full_ref,
            text(change, "/before"),
            text(change, "/after"),
            None,
            None,
        ));
    }
    if event.refs.is_empty() {
        return Ok(Event::ignored(
            PROVIDER,
            "repository_update changed no branch or tag",
        ));
    }
    add_urls(&mut event, value);
    Ok(event)
}

/// System hooks for a moved project carry paths but no host; the host is the
/// instance's, which GitLab sends as `X-Gitlab-Instance`.
fn moved(headers: &HeaderMap, kind: &str, value: &Value) -> Result<Event, WebhookError> {
    let path = required(value, "/path_with_namespace")?;
    let previous = required(value, "/old_path_with_namespace")?;
    let Some(instance) = header(headers, "x-gitlab-instance") else {
        return Ok(Event::ignored(
            PROVIDER,
            format!("{kind} without an X-Gitlab-Instance header names no host"),
        ));
    };
    let instance = instance.trim_end_matches('/');
    let mut event = Event::new(
        PROVIDER,
        EventKind::Moved {
            previous_urls: vec![format!("{instance}/{previous}")],
        },
    );
    event.add_url(Some(&format!("{instance}/{path}")));
    Ok(event)
}
