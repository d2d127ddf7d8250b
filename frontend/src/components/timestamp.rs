//! Timestamps from the API (`DateTime`, RFC 3339).

use leptos::prelude::*;

/// The calendar date of an RFC 3339 timestamp, in a `<time>` element carrying the full
/// value. ISO dates read the same in every locale and need no date library in the wasm.
#[component]
pub fn Timestamp(value: String) -> impl IntoView {
    let date = calendar_date(&value).to_owned();
    view! {
        <time datetime=value.clone() title=value>
            {date}
        </time>
    }
}

/// `2024-05-01T12:00:00Z` → `2024-05-01`; anything unexpected is shown as it came.
fn calendar_date(rfc3339: &str) -> &str {
    match rfc3339.get(..10) {
        Some(date) if matches!(rfc3339.as_bytes().get(10), Some(b'T' | b't' | b' ')) => date,
        _ => rfc3339,
    }
}
