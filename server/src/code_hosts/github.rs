//! GitHub and GitHub Enterprise Server (REST v3): `GET /orgs/{org}/repos`, the contents
//! API for `composer.json`, repository hooks.

use serde_json::{Value, json};

use super::{Api, ApiError, HookInstall, MAX_PAGES, RemoteRepository, next_link, shape, text};

pub(super) async fn repositories(
    api: &Api<'_>,
    organization: &str,
) -> Result<Vec<RemoteRepository>, ApiError> {
    let mut url = Some(api.url(&format!("/orgs/{organization}/repos?type=all&per_page=100")));
    let mut found = Vec::new();
    for _ in 0..MAX_PAGES {
        let Some(page_url) = url.take() else { break };
        let (body, headers) = api.get_json(&page_url).await?;
        let items = body
            .as_array()
            .ok_or_else(|| shape(&page_url, "expected a list of repositories"))?;
        for item in items {
            if item.get("archived").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let (Some(full_name), Some(clone_url)) =
                (text(item, "/full_name"), text(item, "/clone_url"))
            else {
                return Err(shape(
                    &page_url,
                    "a repository without full_name or clone_url",
                ));
            };
            found.push(RemoteRepository {
                api_id: full_name.clone(),
                full_name,
                clone_url,
                default_branch: text(item, "/default_branch"),
            });
        }
        url = next_link(&headers);
    }
    Ok(found)
}

pub(super) fn composer_json_url(
    api: &Api<'_>,
    repository: &RemoteRepository,
    branch: &str,
) -> String {
    api.url(&format!(
        "/repos/{}/contents/composer.json?ref={}",
        repository.api_id,
        urlencoding(branch)
    ))
}

pub(super) async fn install_hook(
    api: &Api<'_>,
    repository: &RemoteRepository,
    hook_url: &str,
    secret: &str,
) -> Result<HookInstall, ApiError> {
    let url = api.url(&format!("/repos/{}/hooks?per_page=100", repository.api_id));
    let (hooks, _) = api.get_json(&url).await?;
    let present = hooks.as_array().is_some_and(|hooks| {
        hooks
            .iter()
            .any(|hook| hook.pointer("/config/url").and_then(Value::as_str) == Some(hook_url))
    });
    if present {
        return Ok(HookInstall::Present);
    }
    let body = json!({
        "name": "web",
        "active": true,
        "events": ["push"],
        "config": { "url": hook_url, "content_type": "json", "secret": secret, "insecure_ssl": "0" }
    });
    api.post_json(
        &api.url(&format!("/repos/{}/hooks", repository.api_id)),
        &body,
    )
    .await?;
    Ok(HookInstall::Created)
}

fn urlencoding(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
