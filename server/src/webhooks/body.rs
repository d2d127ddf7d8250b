//! Reading a payload: JSON or a form field `payload` holding JSON (GitHub, Gitea and
//! old Gitee hooks can be set to form encoding; Packagist accepts both), and the small
//! accessors and ref rules every provider shares.

use axum::http::HeaderMap;
use serde_json::Value;

use super::{Change, RefChange, RefKind, WebhookError};

pub(super) fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Value, WebhookError> {
    let content_type = header(headers, "content-type").unwrap_or_default();
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    let looks_like_json = matches!(first, Some(b'{' | b'['));
    if first.is_none() {
        return Err(WebhookError::Malformed("the body is empty".into()));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") || !looks_like_json {
        let field = form_urlencoded::parse(body)
            .find(|(name, _)| name == "payload")
            .map(|(_, value)| value.into_owned());
        return match field {
            Some(json) => serde_json::from_str(&json).map_err(|error| {
                WebhookError::Malformed(format!("the `payload` form field is not JSON: {error}"))
            }),
            None if looks_like_json => json(body),
            None => Err(WebhookError::Malformed(
                "the body is neither JSON nor a form with a `payload` field".into(),
            )),
        };
    }
    json(body)
}

fn json(body: &[u8]) -> Result<Value, WebhookError> {
    serde_json::from_slice(body)
        .map_err(|error| WebhookError::Malformed(format!("the body is not valid JSON: {error}")))
}

/// A header's value as text; absent, empty and non-ASCII values are all `None`.
pub(super) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// A non-empty string at a JSON pointer (`/repository/html_url`).
pub(super) fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// Like [`text`], for fields a payload of its kind cannot lack.
pub(super) fn required<'a>(value: &'a Value, pointer: &str) -> Result<&'a str, WebhookError> {
    text(value, pointer).ok_or_else(|| {
        WebhookError::Malformed(format!(
            "missing `{}`",
            pointer.trim_start_matches('/').replace('/', ".")
        ))
    })
}

pub(super) fn flag(value: &Value, pointer: &str) -> Option<bool> {
    value.pointer(pointer).and_then(Value::as_bool)
}

pub(super) fn array<'a>(value: &'a Value, pointer: &str) -> &'a [Value] {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Hosts write a missing side of a created or deleted ref as an all-zero id (40 digits
/// for SHA-1 repositories, 64 for SHA-256 ones).
pub(super) fn is_zero_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|byte| byte == b'0')
}

/// `refs/heads/x` and `refs/tags/x`; other refs (pull requests, notes) are no versions.
pub(super) fn split_ref(full: &str) -> Option<(RefKind, &str)> {
    if let Some(name) = full.strip_prefix("refs/heads/") {
        return Some((RefKind::Branch, name));
    }
    full.strip_prefix("refs/tags/")
        .map(|name| (RefKind::Tag, name))
}

/// A change to a full ref from the ids before and after, with the host's explicit
/// created/deleted flags taking precedence where it sends them.
pub(super) fn ref_change(
    full_ref: &str,
    before: Option<&str>,
    after: Option<&str>,
    created: Option<bool>,
    deleted: Option<bool>,
) -> Option<RefChange> {
    let (kind, name) = split_ref(full_ref)?;
    let change = if deleted == Some(true) || after.is_some_and(is_zero_id) {
        Change::Deleted
    } else if created == Some(true) || before.is_some_and(is_zero_id) {
        Change::Created
    } else {
        Change::Updated
    };
    Some(RefChange {
        kind,
        name: name.to_owned(),
        change,
        after: after
            .filter(|id| change != Change::Deleted && !is_zero_id(id))
            .map(str::to_owned),
    })
}
