//! Azure DevOps service hooks ("Web Hooks" consumer). No event header: the body's
//! `eventType` says what happened, and only `git.push` changes refs.

use serde_json::Value;

use super::body::{self, array, required, text};
use super::{Event, EventKind, Provider, WebhookError};

const PROVIDER: Provider = Provider::AzureDevOps;

pub(super) fn parse(value: &Value) -> Result<Event, WebhookError> {
    let event_type = required(value, "/eventType")?;
    if event_type != "git.push" {
        return Ok(Event::ignored(
            PROVIDER,
            format!("Azure DevOps event `{event_type}` changes no branch or tag"),
        ));
    }
    let mut event = Event::new(PROVIDER, EventKind::Push);
    for update in array(value, "/resource/refUpdates") {
        let full_ref = required(update, "/name")?;
        event.refs.extend(body::ref_change(
            full_ref,
            text(update, "/oldObjectId"),
            text(update, "/newObjectId"),
            None,
            None,
        ));
    }
    if event.refs.is_empty() {
        return Ok(Event::ignored(
            PROVIDER,
            "the push changed no branch or tag",
        ));
    }
    // `resource.repository.url` is the REST URL by repository GUID, which no package
    // is stored under; `sshUrl` and `webUrl` appear in newer payloads.
    for field in ["remoteUrl", "webUrl", "sshUrl"] {
        event.add_url(text(value, &format!("/resource/repository/{field}")));
    }
    Ok(event)
}
