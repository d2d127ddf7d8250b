//! Outgoing webhooks: `/orgs/:url_name/webhooks` (owners). Each webhook with its events
//! and its latest deliveries (status, HTTP code, time, error), a "Send test" button, and
//! the form that adds one.

use leptos::prelude::*;

use crate::api::operations::{
    CreateWebhook, OrganizationWebhooks, RemoveWebhook, TestWebhook, create_webhook,
    organization_webhooks, remove_webhook, test_webhook,
};
use crate::api::{ApiError, execute};
use crate::components::{
    CheckboxField, ErrorPanel, FormError, Loading, RemovableRow, SubmitButton, TablePanel,
    TextField, Timestamp, field_error, form_action, form_error, submit_with,
};
use crate::pages::organizations::CurrentOrganization;
use crate::session::Session;

type Webhook = organization_webhooks::OrganizationWebhooksOrganizationWebhooks;
type Delivery = organization_webhooks::OrganizationWebhooksOrganizationWebhooksDeliveriesNodes;
type EventInput = create_webhook::WebhookEvent;

/// The inputs, named as `createWebhook`'s arguments.
const FIELDS: &[&str] = &["url", "secret", "events"];

/// The events one can subscribe to: input, label, and the schema's name.
const EVENTS: [(&str, &str); 6] = [
    ("PACKAGE_CREATED", "Package created"),
    ("PACKAGE_UPDATED", "Package updated"),
    ("PACKAGE_REMOVED", "Package removed"),
    ("VERSION_ADDED", "Version added"),
    ("VERSION_REMOVED", "Version removed"),
    ("JOB_FAILED", "Job failed"),
];

fn event_input(name: &str) -> EventInput {
    match name {
        "PACKAGE_CREATED" => EventInput::PACKAGE_CREATED,
        "PACKAGE_UPDATED" => EventInput::PACKAGE_UPDATED,
        "PACKAGE_REMOVED" => EventInput::PACKAGE_REMOVED,
        "VERSION_ADDED" => EventInput::VERSION_ADDED,
        "VERSION_REMOVED" => EventInput::VERSION_REMOVED,
        _ => EventInput::JOB_FAILED,
    }
}

/// `SCREAMING_CASE` as words: `VERSION_ADDED` → "version added".
fn words(name: &str) -> String {
    name.to_lowercase().replace('_', " ")
}

async fn load(session: Session, url_name: String) -> Result<Vec<Webhook>, ApiError> {
    let data = execute::<OrganizationWebhooks>(organization_webhooks::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data.organization.webhooks)
}

/// `/orgs/:url_name/webhooks`.
#[component]
pub fn WebhooksTab() -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let webhooks = {
        let url_name = url_name.clone();
        LocalResource::new(move || load(session, url_name.clone()))
    };
    let reload = Callback::new(move |()| webhooks.refetch());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match webhooks.await {
                    Ok(rows) => view! { <WebhookTable rows reload /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
        <CreateWebhookForm url_name reload />
    }
}

#[component]
fn WebhookTable(rows: Vec<Webhook>, reload: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    view! {
        <TablePanel
            title="Webhooks"
            count=rows.len()
            intro="Events of this organization are POSTed as JSON to these URLs, signed with \
                   Packagist-Signature when a secret is set, and retried when they fail."
            empty="No webhooks yet."
            class="webhooks"
            columns=&["URL", "Events", "Signed", "Deliveries"]
        >
            {rows
                .into_iter()
                .map(|webhook| {
                    let id = webhook.id.clone();
                    let test_id = webhook.id.clone();
                    let url = webhook.url.clone();
                    let events = webhook
                        .events
                        .iter()
                        .map(|event| words(&format!("{event:?}")))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! {
                        <RemovableRow
                            key=id.clone()
                            open
                            cells=4
                            name=url.clone()
                            subject=url.clone()
                            consequence="Its events stop and its delivery log goes."
                            action_label="Remove webhook"
                            remove=move || {
                                let variables = remove_webhook::Variables { id: id.clone() };
                                async move { execute::<RemoveWebhook>(variables).await.map(drop) }
                            }
                            on_removed=reload
                            actions=Box::new(move || view! { <SendTestButton id=test_id.clone() reload /> }.into_any())
                        >
                            <td class="webhook-url"><code>{url}</code></td>
                            <td>{events}</td>
                            <td>{if webhook.has_secret { "Yes" } else { "No" }}</td>
                            <td><DeliveryLog total=webhook.deliveries.total_count deliveries=webhook.deliveries.nodes /></td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// Queues a `test` event, then shows the log again (the delivery appears as pending,
/// then as sent once the worker has delivered it and the page is reloaded).
#[component]
fn SendTestButton(id: String, reload: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<String>);
    let send = Action::new_local(move |id: &String| {
        let variables = test_webhook::Variables { id: id.clone() };
        async move {
            match execute::<TestWebhook>(variables).await {
                Ok(_) => {
                    error.set(None);
                    reload.run(());
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure.message.clone()));
                }
            }
        }
    });
    view! {
        <button
            type="button"
            class="button button-small send-test"
            disabled=move || send.pending().get()
            on:click=move |_| {
                send.dispatch(id.clone());
            }
        >
            {move || if send.pending().get() { "Sending…" } else { "Send test" }}
        </button>
        {move || error.get().map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
    }
}

#[component]
fn DeliveryLog(total: i64, deliveries: Vec<Delivery>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <span class="muted">"None yet"</span> }.into_any();
    }
    view! {
        <details class="delivery-log">
            <summary>{format!("{total} sent, latest first")}</summary>
            <ul>
                {deliveries
                    .into_iter()
                    .map(|delivery| {
                        let status = format!("{:?}", delivery.status);
                        let class = match status.as_str() {
                            "SUCCESS" => "badge badge-success",
                            "FAILED" => "badge badge-danger",
                            _ => "badge badge-info",
                        };
                        let event = delivery
                            .event
                            .map(|event| words(&format!("{event:?}")))
                            .unwrap_or_default();
                        view! {
                            <li class="delivery" data-status=status.clone()>
                                <span class=class>{words(&status)}</span>
                                " " {event} " "
                                {delivery.response_code.map(|code| format!("HTTP {code} "))}
                                {delivery.duration_ms.map(|ms| format!("{ms} ms "))}
                                {format!("{} attempt(s) ", delivery.attempts)}
                                <Timestamp value=delivery.created_at />
                                {delivery.error.map(|error| view! { <span class="form-error">" " {error}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

#[derive(Clone)]
struct WebhookDraft {
    url: String,
    secret: Option<String>,
    events: Vec<EventInput>,
}

#[component]
fn CreateWebhookForm(url_name: String, reload: Callback<()>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let chosen: Vec<(&'static str, &'static str, RwSignal<bool>)> = EVENTS
        .iter()
        .map(|(name, label)| (*name, *label, RwSignal::new(false)))
        .collect();
    let error = RwSignal::new(None::<ApiError>);
    let create = form_action(
        error,
        move |draft: &WebhookDraft| {
            let variables = create_webhook::Variables {
                organization: url_name.clone(),
                url: draft.url.clone(),
                secret: draft.secret.clone(),
                events: draft.events.clone(),
            };
            execute::<CreateWebhook>(variables)
        },
        move |_: create_webhook::ResponseData| {
            url.set(String::new());
            secret.set(String::new());
            reload.run(());
        },
    );
    let read = {
        let chosen = chosen.clone();
        move || {
            let events: Vec<EventInput> = chosen
                .iter()
                .filter(|(_, _, on)| on.get_untracked())
                .map(|(name, _, _)| event_input(name))
                .collect();
            if events.is_empty() {
                return Err(ApiError::invalid("events", "Choose at least one event."));
            }
            let secret = secret.get_untracked();
            Ok(WebhookDraft {
                url: url.get_untracked().trim().to_owned(),
                secret: (!secret.is_empty()).then_some(secret),
                events,
            })
        }
    };
    view! {
        <form class="panel form-panel create-webhook-form" on:submit=submit_with(error, create, read) novalidate>
            <h2>"Add a webhook"</h2>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="URL"
                name="url"
                value=url
                error=field_error(error, "url")
                placeholder="https://ci.example.com/hooks/packyard"
                required=true
            />
            <TextField
                label="Secret (optional)"
                name="secret"
                value=secret
                error=field_error(error, "secret")
                input_type="password"
                hint="Signs each body: Packagist-Signature: sha1=<hex HMAC-SHA1 of the body>."
            />
            <fieldset class="choices webhook-events">
                <legend>"Events"</legend>
                {chosen
                    .into_iter()
                    .map(|(name, label, checked)| view! { <CheckboxField label name checked /> })
                    .collect_view()}
                {move || field_error(error, "events").get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            </fieldset>
            <div class="form-actions">
                <SubmitButton label="Add webhook" pending_label="Adding…" pending=create.pending() />
            </div>
        </form>
    }
}
