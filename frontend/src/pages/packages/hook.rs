//! The "Webhook" panel of a VCS package's page: the organization's hook URL and secret,
//! how to set them up at each code host, and the deliveries that reached the package.

use leptos::prelude::*;

use crate::api::operations::{PackageHook, PackageHookSecret, package_hook, package_hook_secret};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, Loading, Snippet, Timestamp};
use crate::session::Session;

type Delivery = package_hook::PackageHookOrganizationPackageWebhookDeliveries;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Host {
    GitHub,
    GitLab,
    BitbucketCloud,
    BitbucketServer,
    Gitea,
    Gitee,
    CodeCommit,
    AzureDevOps,
    Manual,
}

const HOSTS: [(Host, &str, &str); 9] = [
    (Host::GitHub, "github", "GitHub / GitHub Enterprise"),
    (Host::GitLab, "gitlab", "GitLab"),
    (Host::BitbucketCloud, "bitbucket-cloud", "Bitbucket Cloud"),
    (
        Host::BitbucketServer,
        "bitbucket-server",
        "Bitbucket Data Center / Server",
    ),
    (Host::Gitea, "gitea", "Gitea / Forgejo / Gogs"),
    (Host::Gitee, "gitee", "Gitee"),
    (Host::CodeCommit, "codecommit", "AWS CodeCommit"),
    (Host::AzureDevOps, "azure-devops", "Azure DevOps"),
    (Host::Manual, "manual", "Anything else (curl)"),
];

fn host_of(value: &str) -> Host {
    HOSTS
        .iter()
        .find(|(_, id, _)| *id == value)
        .map_or(Host::GitHub, |(host, _, _)| *host)
}

/// The steps at `host`, as (instruction, value to paste) pairs.
fn steps(host: Host, url: &str, secret: &str, repository: &str) -> Vec<(String, Option<String>)> {
    let step = |text: &str, value: Option<String>| (text.to_owned(), value);
    match host {
        Host::GitHub => vec![
            step(
                "Repository (or organization) → Settings → Webhooks → Add webhook. Payload URL:",
                Some(url.into()),
            ),
            step(
                "Content type: application/json. Secret:",
                Some(secret.into()),
            ),
            step(
                "Events: “Just the push event” (it covers tags too). Save; GitHub sends a ping that the delivery list shows.",
                None,
            ),
        ],
        Host::GitLab => vec![
            step(
                "Project (or group) → Settings → Webhooks → Add new webhook. URL:",
                Some(url.into()),
            ),
            step("Secret token:", Some(secret.into())),
            step(
                "Trigger: Push events and Tag push events. Add webhook.",
                None,
            ),
        ],
        Host::BitbucketCloud => vec![
            step(
                "Repository settings → Webhooks → Add webhook. URL:",
                Some(url.into()),
            ),
            step("Secret:", Some(secret.into())),
            step("Triggers: Repository push. Save.", None),
        ],
        Host::BitbucketServer => vec![
            step(
                "Repository settings → Webhooks → Create webhook. URL:",
                Some(url.into()),
            ),
            step("Secret:", Some(secret.into())),
            step(
                "Events: Repository → Push. “Test connection” sends an unsigned ping, which is answered without work.",
                None,
            ),
        ],
        Host::Gitea => vec![
            step(
                "Repository (or organization) → Settings → Webhooks → Add webhook → Gitea (Forgejo, Gogs). Target URL:",
                Some(url.into()),
            ),
            step(
                "HTTP method POST, content type application/json. Secret:",
                Some(secret.into()),
            ),
            step(
                "Trigger on: Push events, plus Create and Delete for tags and branches.",
                None,
            ),
        ],
        Host::Gitee => vec![
            step(
                "Repository → Manage → WebHooks → Add. URL:",
                Some(url.into()),
            ),
            step(
                "Password, or signature key (both work):",
                Some(secret.into()),
            ),
            step("Events: Push and Tag Push.", None),
        ],
        Host::CodeCommit => vec![
            step(
                "Amazon SNS → create a topic, then a subscription with protocol HTTPS and this endpoint (raw message delivery off):",
                Some(format!("{url}?secret={secret}")),
            ),
            step(
                "Packyard confirms the subscription itself once AWS's signature checks out.",
                None,
            ),
            step(
                "CodeCommit → repository → Settings → Triggers → Create trigger: events “Push to existing branch”, “Create branch or tag”, “Delete branch or tag”; service Amazon SNS, the topic above.",
                None,
            ),
        ],
        Host::AzureDevOps => vec![
            step(
                "Project settings → Service hooks → Create subscription → Web Hooks, trigger “Code pushed” on this repository. URL:",
                Some(url.into()),
            ),
            step(
                "Basic authentication: any user name, and as password:",
                Some(secret.into()),
            ),
            step("Resource details to send: All. Finish.", None),
        ],
        Host::Manual => vec![step(
            "From a CI job or a git hook, sign the body with the secret:",
            Some(format!(
                "body='{{\"repository\":{{\"url\":\"{repository}\"}}}}'\n\
                 signature=$(printf '%s' \"$body\" | openssl dgst -sha256 -hmac '{secret}' -r | cut -d' ' -f1)\n\
                 curl -X POST -H 'Content-Type: application/json' \\\n  \
                 -H \"X-Hub-Signature-256: sha256=$signature\" --data \"$body\" '{url}'"
            )),
        )],
    }
}

async fn load(
    session: Session,
    url_name: String,
    key: String,
) -> Result<(String, Vec<Delivery>), ApiError> {
    let data = execute::<PackageHook>(package_hook::Variables {
        url_name,
        name: key,
    })
    .await
    .inspect_err(|error| session.observe(error))?;
    let package = data.organization.package;
    Ok((package.webhook_url, package.webhook_deliveries))
}

async fn load_secret(session: Session, url_name: String, key: String) -> Result<String, ApiError> {
    let data = execute::<PackageHookSecret>(package_hook_secret::Variables {
        url_name,
        name: key,
    })
    .await
    .inspect_err(|error| session.observe(error))?;
    Ok(data.organization.package.webhook_secret)
}

#[component]
pub fn HookPanel(
    url_name: String,
    key: String,
    repository_url: Option<String>,
    /// Whether the viewer may edit the package, and so see the secret.
    can_manage: bool,
) -> impl IntoView {
    let session = Session::expect();
    let hook = {
        let (url_name, key) = (url_name.clone(), key.clone());
        LocalResource::new(move || load(session, url_name.clone(), key.clone()))
    };
    let secret = LocalResource::new(move || {
        let (url_name, key) = (url_name.clone(), key.clone());
        async move {
            if can_manage {
                load_secret(session, url_name, key).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    let repository = repository_url.unwrap_or_default();
    view! {
        <section class="panel hook-panel">
            <h2>"Webhook"</h2>
            <p class="muted">
                "Code hosts notify Packyard of pushes and tags at this URL, signed with the "
                "organization's secret; the package is then updated within seconds."
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let repository = repository.clone();
                    Suspend::new(async move {
                        match (hook.await, secret.await) {
                            (Ok((url, deliveries)), Ok(secret)) => {
                                view! { <HookSetup url secret repository deliveries /> }.into_any()
                            }
                            (Err(error), _) | (_, Err(error)) => {
                                view! { <ErrorPanel error /> }.into_any()
                            }
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn HookSetup(
    url: String,
    secret: Option<String>,
    repository: String,
    deliveries: Vec<Delivery>,
) -> impl IntoView {
    let host = RwSignal::new(Host::GitHub);
    let url_text = url.clone();
    view! {
        <Snippet text=url_text caption="Hook URL" copy_label="Copy hook URL" />
        {match secret {
            Some(secret) => {
                let shown = secret.clone();
                let steps_view = move || {
                    steps(host.get(), &url, &secret, &repository)
                        .into_iter()
                        .map(|(text, value)| {
                            view! {
                                <li>
                                    <p>{text}</p>
                                    {value.map(|value| view! { <Snippet text=value /> })}
                                </li>
                            }
                        })
                        .collect_view()
                };
                view! {
                    <Snippet text=shown caption="Secret" copy_label="Copy secret" class="secret" />
                    <label class="field">
                        <span class="field-label">"Set it up at"</span>
                        <select
                            class="hook-host"
                            on:change=move |event| host.set(host_of(&event_target_value(&event)))
                        >
                            {HOSTS
                                .iter()
                                .map(|(_, id, label)| view! { <option value=*id>{*label}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <ol class="hook-steps">{steps_view}</ol>
                }
                    .into_any()
            }
            None => {
                view! {
                    <p class="muted">
                        "Only those who may edit this package see the secret the hook is signed with."
                    </p>
                }
                    .into_any()
            }
        }}
        <h3>"Recent deliveries"</h3>
        <DeliveryList deliveries />
    }
}

#[component]
fn DeliveryList(deliveries: Vec<Delivery>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="muted">"None yet."</p> }.into_any();
    }
    view! {
        <table class="table hook-deliveries">
            <thead>
                <tr>
                    <th>"When"</th>
                    <th>"From"</th>
                    <th>"Event"</th>
                    <th>"Outcome"</th>
                </tr>
            </thead>
            <tbody>
                {deliveries
                    .into_iter()
                    .map(|delivery| {
                        let class = if delivery.status_code < 300 {
                            "badge badge-success"
                        } else {
                            "badge badge-danger"
                        };
                        view! {
                            <tr class="hook-delivery" data-outcome=delivery.outcome.clone()>
                                <td><Timestamp value=delivery.created_at /></td>
                                <td>{delivery.provider}</td>
                                <td>{delivery.event}</td>
                                <td>
                                    <span class=class>
                                        {format!("{} · HTTP {}", delivery.outcome, delivery.status_code)}
                                    </span>
                                    {delivery.message.map(|message| view! { <span class="muted">" " {message}</span> })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
