//! Timestamps from the API (`DateTime`, RFC 3339).

use leptos::prelude::*;

/// The calendar date of an RFC 3339 timestamp (with `with_time`, also the UTC hour and
/// minute), in a `<time>` element carrying the full value. ISO dates read the same in
/// every locale and need no date library in the wasm.
#[component]
pub fn Timestamp(
    value: String,
    /// For things that happen several times a day, such as job runs.
    #[prop(optional)]
    with_time: bool,
) -> impl IntoView {
    let shown = if with_time {
        date_and_time(&value)
    } else {
        calendar_date(&value).to_owned()
    };
    view! {
        <time datetime=value.clone() title=value>
            {shown}
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

/// `2024-05-01T12:34:56.789Z` → `2024-05-01 12:34 UTC`. The server sends UTC; another
/// offset, or anything unexpected, is shown as it came rather than converted wrongly.
fn date_and_time(rfc3339: &str) -> String {
    let in_utc = rfc3339.ends_with(['Z', 'z']) || rfc3339.ends_with("+00:00");
    match (calendar_date(rfc3339), rfc3339.get(11..16)) {
        (date, Some(time)) if in_utc && date.len() == 10 && time.as_bytes()[2] == b':' => {
            format!("{date} {time} UTC")
        }
        _ => rfc3339.to_owned(),
    }
}
