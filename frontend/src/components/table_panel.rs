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
    /// Below the table (or the empty note): e.g. the form that adds a row.
    #[prop(optional)]
    footer: Option<Children>,
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
            {footer.map(|footer| footer())}
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

/// A table row of something that can be taken away (a team's member, a granted package,
/// an invitation): its cells, then "Remove" in `td.row-actions`, which opens a
/// `tr.row-confirmation` with a [`ConfirmRow`] below it. `remove` does it; on success
/// `on_removed` runs (usually a reload). At most one row per `open` asks at a time.
#[component]
pub fn RemovableRow<F, Fut>(
    /// Which row this is, for `open`.
    #[prop(into)]
    key: String,
    open: RwSignal<Option<String>>,
    /// How many cells `children` has (the confirmation spans them and the actions).
    cells: usize,
    /// Named in the question, in bold.
    #[prop(into)]
    subject: String,
    /// What removing it means.
    consequence: &'static str,
    /// The row's button.
    #[prop(default = "Remove")]
    button_label: &'static str,
    /// The question's first word.
    #[prop(default = "Remove")]
    verb: &'static str,
    /// The confirming button, e.g. "Remove member".
    action_label: &'static str,
    #[prop(default = "Removing…")] pending_label: &'static str,
    /// Without it the row has no button (the viewer may not remove it).
    #[prop(default = true)]
    can_remove: bool,
    remove: F,
    on_removed: Callback<()>,
    /// `data-name` of the row, a hook for the browser tests.
    #[prop(optional, into)]
    name: Option<String>,
    /// Other buttons of the row (e.g. "Edit"), before "Remove".
    #[prop(optional)]
    actions: Option<Children>,
    children: Children,
) -> impl IntoView
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<(), crate::api::ApiError>> + 'static,
{
    let session = crate::session::Session::expect();
    let error = RwSignal::new(None::<String>);
    let action = Action::new_local(move |(): &()| {
        let removal = remove();
        async move {
            match removal.await {
                Ok(()) => {
                    open.set(None);
                    on_removed.run(());
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure.message));
                }
            }
        }
    });
    let is_open = {
        let key = key.clone();
        move || open.with(|open| open.as_deref() == Some(key.as_str()))
    };
    let toggle = {
        let key = key.clone();
        Callback::new(move |()| {
            error.set(None);
            open.update(|open| {
                *open = if open.as_deref() == Some(key.as_str()) {
                    None
                } else {
                    Some(key.clone())
                };
            });
        })
    };
    let expanded = is_open.clone();
    view! {
        <tr data-name=name>
            {children()}
            <td class="row-actions">
                {actions.map(|actions| actions())}
                {can_remove
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button-small button-danger-outline"
                                aria-expanded=move || expanded().to_string()
                                on:click=move |_| toggle.run(())
                            >
                                {button_label}
                            </button>
                        }
                    })}
            </td>
        </tr>
        <Show when=is_open>
            <tr class="row-confirmation">
                <td colspan=cells + 1>
                    <ConfirmRow
                        verb
                        subject=subject.clone()
                        consequence
                        action_label
                        pending_label
                        pending=action.pending()
                        error
                        on_confirm=Callback::new(move |()| {
                            error.set(None);
                            action.dispatch(());
                        })
                        on_cancel=toggle
                    />
                </td>
            </tr>
        </Show>
    }
}
