//! Text people paste elsewhere: code snippets and secrets, each with a copy button.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// How long "Copied" stays on the button.
const FEEDBACK: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

/// Copies `text` to the clipboard. The Clipboard API exists on secure origins only
/// (https, localhost); elsewhere the button says so and the text stays selectable.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    /// What is copied, for screen readers ("Copy install command").
    #[prop(default = "Copy")]
    label: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let copy = move |_| {
        let value = text.get_untracked();
        spawn_local(async move {
            let clipboard = window().navigator().clipboard();
            let next = match JsFuture::from(clipboard.write_text(&value)).await {
                Ok(_) => CopyState::Copied,
                Err(_) => CopyState::Failed,
            };
            state.try_set(next);
            set_timeout(
                move || {
                    state.try_set(CopyState::Idle);
                },
                FEEDBACK,
            );
        });
    };
    view! {
        <button
            type="button"
            class="button button-small copy-button"
            class:copy-done=move || state.get() == CopyState::Copied
            aria-label=label
            title=label
            on:click=copy
        >
            {move || match state.get() {
                CopyState::Idle => "Copy",
                CopyState::Copied => "Copied",
                CopyState::Failed => "Copy failed",
            }}
        </button>
    }
}

/// A block of text to paste elsewhere (a command, a JSON file), with a copy button.
#[component]
pub fn Snippet(
    #[prop(into)] text: Signal<String>,
    /// A caption above the block, e.g. "auth.json".
    #[prop(optional)]
    caption: Option<&'static str>,
    #[prop(default = "Copy")] copy_label: &'static str,
    /// Extra classes, e.g. `secret` for a one-time secret.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <figure class=format!("snippet {class}")>
            {caption.map(|caption| view! { <figcaption>{caption}</figcaption> })}
            <div class="snippet-body">
                <pre>
                    <code>{move || text.get()}</code>
                </pre>
                <CopyButton text label=copy_label />
            </div>
        </figure>
    }
}
