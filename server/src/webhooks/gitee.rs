//! Gitee: a GitHub-like push payload (`created`/`deleted` flags) that also carries
//! GitLab-style URL keys, in `repository` and again in `project`.

use axum::http::HeaderMap;
use serde_json::Value;

use super::body::{self, header, required, text};
use super::{Event, EventKind, Provider, WebhookError};

const PROVIDER: Provider = Provider::Gitee;

pub(super) fn parse(headers: &HeaderMap, value: &Value) -> Result<Event, WebhookError> {
    // Old form-encoded hooks may lack the header; the body repeats the hook's kind.
    let is_push = match header(headers, "x-gitee-event") {
        Some(name) => matches!(name, "Push Hook" | "Tag Push Hook"),
        None => matches!(
            text(value, "/hook_name"),
            Some("push_hooks" | "tag_push_hooks")
        ),
    };
    if !is_push {
        let name = header(headers, "x-gitee-event")
            .or_else(|| text(value, "/hook_name"))
            .unwrap_or("unknown");
        return Ok(Event::ignored(
            PROVIDER,
            format!("Gitee event `{name}` changes no branch or tag"),
        ));
    }
    let full_ref = required(value, "/ref")?;
    let Some(change) = body::ref_change(
        full_ref,
        text(value, "/before"),
        text(value, "/after"),
        body::flag(value, "/created"),
        body::flag(value, "/deleted"),
    ) else {
        return Ok(Event::ignored(
            PROVIDER,
            format!("push to {full_ref}, which is neither a branch nor a tag"),
        ));
    };
    let mut event = Event::new(PROVIDER, EventKind::Push);
    event.refs.push(change);
    for object in ["repository", "project"] {
        for field in [
            "html_url",
            "url",
            "clone_url",
            "git_http_url",
            "ssh_url",
            "git_ssh_url",
            "git_url",
        ] {
            event.add_url(text(value, &format!("/{object}/{field}")));
        }
    }
    Ok(event)
}
