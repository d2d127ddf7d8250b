//! Form inputs and how an API error is split between them.
//!
//! A BAD_USER_INPUT (or CONFLICT) error that names a field is shown beside that input;
//! anything else is shown once above the form. Both use the `form-error` class.

use leptos::prelude::*;

use crate::api::ApiError;

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
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
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
            <input
                id=name
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
