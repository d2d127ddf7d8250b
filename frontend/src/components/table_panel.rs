//! A titled list of things the organization has (tokens, credentials), and the inline
//! "are you sure?" row that removing one of them opens.

use leptos::prelude::*;

/// `section.panel` with a heading and its count, a sentence about the list, then the
/// rows in `table.<class>` (or `empty` when there are none). The last column is the
/// rows' actions, with a heading only screen readers get.
#[component]
pub fn TablePanel(
    title: &'static str,
    count: usize,
    /// What the list is for, under the heading.
    intro: &'static str,
    /// Shown instead of the table when `count` is 0.
    empty: &'static str,
    /// The table's class, the browser tests' hook (`tokens`, `credentials`).
    class: &'static str,
    /// Column headings, without the actions column.
    columns: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let body = if count == 0 {
        view! { <p class="empty-note">{empty}</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class=format!("table {class}")>
                    <thead>
                        <tr>
                            {columns
                                .iter()
                                .map(|column| view! { <th scope="col">{*column}</th> })
                                .collect_view()}
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{children()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel">
            <h2>{title} " " <span class="count">{count}</span></h2>
            <p class="muted">{intro}</p>
            {body}
        </section>
    }
}

/// The question before a removal ("Remove **CI**? Projects using it …"), with the
/// button that does it and "Cancel"; the removal's error, if it failed, below them.
#[component]
pub fn ConfirmRow(
    /// What the question starts with.
    #[prop(default = "Remove")]
    verb: &'static str,
    /// What is removed, in bold.
    #[prop(into)]
    subject: String,
    /// What removing it means, after the question mark.
    consequence: &'static str,
    /// The action's button, e.g. "Remove token".
    action_label: &'static str,
    /// The button while `pending`.
    pending_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="confirm-row">
            <span>{verb} " " <strong>{subject}</strong> "? " {consequence}</span>
            <button
                type="button"
                class="button button-danger confirm-action"
                disabled=move || pending.get()
                on:click=move |_| on_confirm.run(())
            >
                {move || if pending.get() { pending_label } else { action_label }}
            </button>
            <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>
                "Cancel"
            </button>
        </div>
        {move || error.get().map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
    }
}
