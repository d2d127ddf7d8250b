//! Form inputs and how an API error is split between them.
//!
//! A BAD_USER_INPUT (or CONFLICT) error that names a field is shown beside that input;
//! anything else is shown once above the form. Both use the `form-error` class.

use std::future::Future;
use std::rc::Rc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::session::Session;

/// A form's request: `send` makes it from the input; its answer goes to `on_ok`, a
/// failure to `error` (and to the session, which notices a sign-out).
pub fn form_action<Input, Output, Fut>(
    error: RwSignal<Option<ApiError>>,
    send: impl Fn(&Input) -> Fut + 'static,
    on_ok: impl Fn(Output) + 'static,
) -> Action<Input, ()>
where
    Input: 'static,
    Output: 'static,
    Fut: Future<Output = Result<Output, ApiError>> + 'static,
{
    let session = Session::expect();
    let on_ok = Rc::new(on_ok);
    Action::new_local(move |input: &Input| {
        let (sent, on_ok) = (send(input), on_ok.clone());
        async move {
            match sent.await {
                Ok(output) => on_ok(output),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    })
}

/// A form's submit handler: clears the last error, then dispatches what `read` makes of
/// the inputs, or shows its complaint.
pub fn submit_with<Input: Send + Sync + 'static>(
    error: RwSignal<Option<ApiError>>,
    action: Action<Input, ()>,
    read: impl Fn() -> Result<Input, ApiError> + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        match read() {
            Ok(input) => {
                action.dispatch(input);
            }
            Err(invalid) => error.set(Some(invalid)),
        }
    }
}

/// A form's submit button, saying `pending_label` (and disabled) while `pending`.
#[component]
pub fn SubmitButton(
    label: &'static str,
    pending_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// Extra classes, a hook for the browser tests.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=format!("button button-primary {class}")
            disabled=move || pending.get()
        >
            {move || if pending.get() { pending_label } else { label }}
        </button>
    }
}

/// The message for `field` out of the form's current error, if the server blamed it.
pub fn field_error(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|error| error.as_ref()?.message_for_field(field)))
}

/// The message for the form as a whole: every error that is not about one of `fields`
/// (the ones this form shows an input for).
pub fn form_error(
    error: RwSignal<Option<ApiError>>,
    fields: &'static [&'static str],
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|error| {
            let error = error.as_ref()?;
            let shown_by_field = error
                .field
                .as_deref()
                .is_some_and(|field| fields.contains(&field));
            (!shown_by_field).then(|| error.message.clone())
        })
    })
}

/// An error for the whole form, or nothing.
#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! { <p class="form-error form-error-banner" role="alert">{message}</p> }
        })
    }
}

/// A labelled text input bound to `value`, with an optional hint and its own error line.
#[component]
pub fn TextField(
    /// The visible label.
    label: &'static str,
    /// The input's `name`, also its `id`; browser tests and password managers key on it.
    name: &'static str,
    /// The `id` when two forms on one page have an input of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                placeholder=placeholder
                autocomplete=autocomplete
                required=required
                autofocus=autofocus
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                bind:value=value
            />
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="form-error" id=error_id.clone() role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A labelled multi-line input (e.g. a private key), with its own error line.
#[component]
pub fn TextAreaField(
    label: &'static str,
    /// The textarea's `name`, also its `id`.
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(default = 6)] rows: u32,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=name>{label}</label>
            <textarea
                id=name
                name=name
                rows=rows
                placeholder=placeholder
                required=required
                spellcheck="false"
                autocomplete="off"
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="form-error" id=error_id.clone() role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A labelled `<select>` of `(value, label)` options bound to `value`.
#[component]
pub fn SelectField(
    label: &'static str,
    /// The select's `name`, also its `id`.
    name: &'static str,
    /// The `id` when two forms on one page have a select of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                on:change=move |event| value.set(event_target_value(&event))
                prop:value=move || value.get()
            >
                <For
                    each=move || options.get()
                    key=|(option, label)| (option.clone(), label.clone())
                    children=move |(option, label)| {
                        let selected = {
                            let option = option.clone();
                            move || value.with(|value| *value == option)
                        };
                        view! {
                            <option value=option selected=selected>
                                {label}
                            </option>
                        }
                    }
                />
            </select>
            {hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="form-error" id=error_id.clone() role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A labelled checkbox bound to `checked`, with what ticking it means below.
#[component]
pub fn CheckboxField(
    label: &'static str,
    /// The checkbox's `name`, also its `id`.
    name: &'static str,
    /// The `id` when two forms on one page have a checkbox of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
    checked: RwSignal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    view! {
        <label class="choice" for=id>
            <input
                type="checkbox"
                id=id
                name=name
                prop:checked=move || checked.get()
                on:change=move |event| checked.set(event_target_checked(&event))
            />
            <span>
                <strong>{label}</strong>
                {hint.map(|hint| view! { <span class="muted">" — " {hint}</span> })}
            </span>
        </label>
    }
}

/// A destructive action guarded by typing a phrase (a package name, a token's
/// description): the button is enabled only once the input matches exactly, or matches
/// `alternative` (e.g. the word "regenerate") when one is offered. `on_confirm` gets
/// `true`: it runs only for a confirmed action, and passes that on to flags such as
/// `iConfirmOldTokenWillStopWorkingImmediately`.
#[component]
pub fn TypedConfirmation(
    /// What must be typed.
    #[prop(into)]
    phrase: String,
    /// Another word that confirms too.
    #[prop(optional)]
    alternative: Option<&'static str>,
    /// The input's `name` and `id` (unique on the page).
    #[prop(default = "confirmation")]
    name: &'static str,
    /// The button's label, e.g. "Remove package".
    action_label: &'static str,
    /// The button's label while `pending`.
    pending_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// Runs when the confirmed button is pressed.
    on_confirm: impl Fn(bool) + 'static,
    /// Offers a "Cancel" button when given.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let matches = {
        let phrase = phrase.clone();
        move || {
            typed.with(|typed| {
                let typed = typed.trim();
                typed == phrase || alternative.is_some_and(|word| typed == word)
            })
        }
    };
    let confirmed = matches.clone();
    view! {
        <form
            class="typed-confirmation"
            novalidate
            on:submit=move |event| {
                event.prevent_default();
                if confirmed() && !pending.get_untracked() {
                    on_confirm(true);
                }
            }
        >
            <label for=name>
                "Type " <code class="confirm-phrase">{phrase.clone()}</code>
                {alternative
                    .map(|word| {
                        view! {
                            " or the word " <code class="confirm-phrase">{word}</code>
                        }
                    })} " to confirm."
            </label>
            <div class="confirm-row">
                <input
                    id=name
                    name=name
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=typed
                />
                <button
                    type="submit"
                    class="button button-danger confirm-typed"
                    disabled=move || !matches() || pending.get()
                >
                    {move || if pending.get() { pending_label } else { action_label }}
                </button>
                {on_cancel
                    .map(|cancel| {
                        view! {
                            <button
                                type="button"
                                class="button button-quiet"
                                on:click=move |_| cancel.run(())
                            >
                                "Cancel"
                            </button>
                        }
                    })}
            </div>
        </form>
    }
}
