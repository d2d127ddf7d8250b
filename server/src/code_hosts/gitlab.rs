//! GitLab (API v4), gitlab.com and self-managed: a group's projects including its
//! subgroups', the repository files API for `composer.json`, project hooks (group hooks
//! exist only on paid tiers, so every project gets its own).

use serde_json::{Value, json};

use super::{Api, ApiError, HookInstall, MAX_PAGES, RemoteRepository, shape, text};

fn encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub(super) async fn repositories(
    api: &Api<'_>,
    group: &str,
) -> Result<Vec<RemoteRepository>, ApiError> {
    let base = api.url(&format!(
        "/groups/{}/projects?include_subgroups=true&archived=false&per_page=100",
        encoded(group)
    ));
    let mut page = Some("1".to_owned());
    let mut found = Vec::new();
    for _ in 0..MAX_PAGES {
        let Some(number) = page.take() else { break };
        let page_url = format!("{base}&page={number}");
        let (body, headers) = api.get_json(&page_url).await?;
        let items = body
            .as_array()
            .ok_or_else(|| shape(&page_url, "expected a list of projects"))?;
        for item in items {
            if item.get("archived").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let id = item.get("id").and_then(Value::as_i64);
            let (Some(id), Some(full_name), Some(clone_url)) = (
                id,
                text(item, "/path_with_namespace"),
                text(item, "/http_url_to_repo"),
            ) else {
                return Err(shape(
                    &page_url,
                    "a project without id, path_with_namespace or http_url_to_repo",
                ));
            };
            found.push(RemoteRepository {
                api_id: id.to_string(),
                full_name,
                clone_url,
                default_branch: text(item, "/default_branch"),
            });
        }
        // Empty on the last page.
        page = headers
            .get("x-next-page")
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned);
    }
    Ok(found)
}

pub(super) fn composer_json_url(
    api: &Api<'_>,
    repository: &RemoteRepository,
    branch: &str,
) -> String {
    api.url(&format!(
        "/projects/{}/repository/files/composer.json/raw?ref={}",
        repository.api_id,
        encoded(branch)
    ))
}

pub(super) async fn install_hook(
    api: &Api<'_>,
    repository: &RemoteRepository,
    hook_url: &str,
    secret: &str,
) -> Result<HookInstall, ApiError> {
    let hooks_url = api.url(&format!("/projects/{}/hooks", repository.api_id));
    let (hooks, _) = api.get_json(&format!("{hooks_url}?per_page=100")).await?;
    let present = hooks.as_array().is_some_and(|hooks| {
        hooks
            .iter()
            .any(|hook| hook.get("url").and_then(Value::as_str) == Some(hook_url))
    });
    if present {
        return Ok(HookInstall::Present);
    }
    let body = json!({
        "url": hook_url,
        "push_events": true,
        "tag_push_events": true,
        "token": secret,
        "enable_ssl_verification": true,
    });
    api.post_json(&hooks_url, &body).await?;
    Ok(HookInstall::Created)
}
