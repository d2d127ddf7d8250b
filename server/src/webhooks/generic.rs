//! Bodies Packagist's update-package endpoint accepts, so that anything already set up
//! to call Packagist can call us: `{"repository":{"url":…}}` (its documented manual
//! body, and what Gitea's "Packagist" hook type sends), `{"repository":"…"}`, GitLab's
//! `project.git_http_url`, Bitbucket Cloud's `repository.links.html.href`, Bitbucket
//! Server's `repository.links.clone[]` (which Packagist lacks) and the old Bitbucket
//! POST hook's `canon_url` + `repository.absolute_url`. They name no refs.

use serde_json::Value;

use super::body::{array, text};
use super::{Event, EventKind, Provider, WebhookError};

pub(super) fn urls(value: &Value) -> Vec<String> {
    let mut urls: Vec<String> = [
        value.get("repository").and_then(Value::as_str),
        text(value, "/repository/url"),
        text(value, "/repository/html_url"),
        text(value, "/repository/clone_url"),
        text(value, "/repository/ssh_url"),
        text(value, "/project/git_http_url"),
        text(value, "/project/git_ssh_url"),
        text(value, "/project/web_url"),
        text(value, "/repository/links/html/href"),
    ]
    .into_iter()
    .flatten()
    .map(str::to_owned)
    .collect();
    urls.extend(
        array(value, "/repository/links/clone")
            .iter()
            .filter_map(|link| text(link, "/href"))
            .map(str::to_owned),
    );
    if let (Some(base), Some(path)) = (
        text(value, "/canon_url"),
        text(value, "/repository/absolute_url"),
    ) {
        urls.push(format!("{}{path}", base.trim_end_matches('/')));
    }
    urls.retain(|url| !url.trim().is_empty());
    urls
}

pub(super) fn parse(value: &Value) -> Result<Event, WebhookError> {
    let urls = urls(value);
    if urls.is_empty() {
        return Err(WebhookError::Unsupported(
            "the body names no repository; send {\"repository\":{\"url\":\"<repository URL>\"}}"
                .into(),
        ));
    }
    let mut event = Event::new(Provider::Generic, EventKind::Push);
    for url in &urls {
        event.add_url(Some(url));
    }
    Ok(event)
}
