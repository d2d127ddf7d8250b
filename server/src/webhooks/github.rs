//! GitHub, GitHub Enterprise Server, and the hosts that copy GitHub's payload format:
//! Gitea, Forgejo and Gogs. They differ in the event header's name and in a few
//! fields (Gitea's `create` has `sha`; current Gitea's `repository.url` is its API URL).

use axum::http::HeaderMap;
use serde_json::Value;

use super::body::{self, header, required, text};
use super::{Change, Event, EventKind, Provider, RefChange, RefKind, WebhookError};

pub(super) fn parse(
    provider: Provider,
    headers: &HeaderMap,
    value: &Value,
) -> Result<Event, WebhookError> {
    let event_header = match provider {
        Provider::Forgejo => "x-forgejo-event",
        Provider::Gitea => "x-gitea-event",
        Provider::Gogs => "x-gogs-event",
        _ => "x-github-event",
    };
    let name = header(headers, event_header)
        .or_else(|| match provider {
            Provider::Forgejo => header(headers, "x-gitea-event"),
            _ => None,
        })
        .ok_or_else(|| {
            WebhookError::Unsupported(format!(
                "missing {event_header} header for a {provider} webhook"
            ))
        })?;

    let mut event = match name {
        "ping" => Event::new(provider, EventKind::Ping),
        "push" => push(provider, value)?,
        "create" | "delete" => create_or_delete(provider, name, value)?,
        "release" => release(provider, value)?,
        "repository" => repository(provider, value)?,
        other => {
            return Ok(Event::ignored(
                provider,
                format!("{provider} event `{other}` changes no branch or tag"),
            ));
        }
    };
    if !matches!(event.kind, EventKind::Ignored(_)) {
        add_urls(&mut event, value);
    }
    Ok(event)
}

/// `mirror_url` and Gitea's `original_url` name the upstream a repository copies, not
/// the repository itself, so they are left out.
fn add_urls(event: &mut Event, value: &Value) {
    for field in ["html_url", "clone_url", "ssh_url", "git_url", "url"] {
        event.add_url(text(value, &format!("/repository/{field}")));
    }
    if let Some(svn) = text(value, "/repository/svn_url")
        && svn.starts_with("http")
    {
        event.add_url(Some(svn));
    }
}

fn push(provider: Provider, value: &Value) -> Result<Event, WebhookError> {
    let full_ref = required(value, "/ref")?;
    let change = body::ref_change(
        full_ref,
        text(value, "/before"),
        text(value, "/after"),
        body::flag(value, "/created"),
        body::flag(value, "/deleted"),
    );
    Ok(match change {
        Some(change) => {
            let mut event = Event::new(provider, EventKind::Push);
            event.refs.push(change);
            event
        }
        None => Event::ignored(
            provider,
            format!("push to {full_ref}, which is neither a branch nor a tag"),
        ),
    })
}

/// `create`/`delete` name the short ref and its type; GitHub sends no ids, Gitea's
/// `create` sends the new `sha`.
fn create_or_delete(provider: Provider, name: &str, value: &Value) -> Result<Event, WebhookError> {
    let ref_name = required(value, "/ref")?;
    let kind = match required(value, "/ref_type")? {
        "branch" => RefKind::Branch,
        "tag" => RefKind::Tag,
        other => {
            return Ok(Event::ignored(
                provider,
                format!("{name} of a {other}, which is neither a branch nor a tag"),
            ));
        }
    };
    let deleted = name == "delete";
    let mut event = Event::new(provider, EventKind::Push);
    event.refs.push(RefChange {
        kind,
        name: ref_name
            .trim_start_matches("refs/heads/")
            .trim_start_matches("refs/tags/")
            .to_owned(),
        change: if deleted {
            Change::Deleted
        } else {
            Change::Created
        },
        after: if deleted {
            None
        } else {
            text(value, "/sha").map(str::to_owned)
        },
    });
    Ok(event)
}

/// A published release makes sure its tag is there; the tag itself also arrives as a
/// `push`/`create`, and updates of one package are deduplicated, so this is cheap
/// insurance for hooks subscribed to releases only. Whether the tag is new is unknown.
fn release(provider: Provider, value: &Value) -> Result<Event, WebhookError> {
    let action = text(value, "/action").unwrap_or_default();
    if !matches!(action, "published" | "created" | "released" | "prereleased") {
        return Ok(Event::ignored(
            provider,
            format!("release {action}: the tag does not change"),
        ));
    }
    let tag = required(value, "/release/tag_name")?;
    let mut event = Event::new(provider, EventKind::Push);
    event.refs.push(RefChange {
        kind: RefKind::Tag,
        name: tag.to_owned(),
        change: Change::Updated,
        after: None,
    });
    Ok(event)
}

/// `renamed` and `transferred` move the repository; its payload has the new URLs and
/// the old name or owner, from which the previous web URL follows.
fn repository(provider: Provider, value: &Value) -> Result<Event, WebhookError> {
    let action = text(value, "/action").unwrap_or_default();
    let full_name = required(value, "/repository/full_name")?;
    let (owner, name) = full_name.split_once('/').ok_or_else(|| {
        WebhookError::Malformed(format!(
            "repository.full_name {full_name:?} is not owner/name"
        ))
    })?;
    let previous_full_name = match action {
        "renamed" => {
            text(value, "/changes/repository/name/from").map(|from| format!("{owner}/{from}"))
        }
        "transferred" => text(value, "/changes/owner/from/user/login")
            .or_else(|| text(value, "/changes/owner/from/organization/login"))
            .map(|from| format!("{from}/{name}")),
        _ => {
            return Ok(Event::ignored(
                provider,
                format!("repository {action}: no branch or tag changes"),
            ));
        }
    };
    let previous_full_name = previous_full_name.ok_or_else(|| {
        WebhookError::Malformed(format!(
            "repository {action} without the previous name in `changes`"
        ))
    })?;
    let html_url = required(value, "/repository/html_url")?;
    let base = html_url.strip_suffix(full_name).ok_or_else(|| {
        WebhookError::Malformed(format!(
            "repository.html_url {html_url:?} does not end with its full_name {full_name:?}"
        ))
    })?;
    Ok(Event::new(
        provider,
        EventKind::Moved {
            previous_urls: vec![format!("{base}{previous_full_name}")],
        },
    ))
}
