use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Any path no route matches.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let path = use_location().pathname;
    view! {
        <div class="center-page">
            <section class="panel">
                <p class="eyebrow">"404"</p>
                <h1>"Page not found"</h1>
                <p class="muted">
                    "Nothing lives at " <code>{move || path.get()}</code> "."
                </p>
                <A href="/" attr:class="button button-primary">
                    "Go to your organizations"
                </A>
            </section>
        </div>
    }
}
