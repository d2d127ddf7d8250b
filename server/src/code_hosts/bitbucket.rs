//! Bitbucket Cloud (API 2.0): a workspace's repositories (`/repositories/{workspace}`;
//! the cross-workspace listings answer 410 since 2026), the src API for
//! `composer.json`, repository hooks.

use serde_json::{Value, json};

use super::{Api, ApiError, HookInstall, MAX_PAGES, RemoteRepository, shape, text};

pub(super) async fn repositories(
    api: &Api<'_>,
    workspace: &str,
) -> Result<Vec<RemoteRepository>, ApiError> {
    let mut url = Some(api.url(&format!(
        "/repositories/{workspace}?role=member&pagelen=100"
    )));
    let mut found = Vec::new();
    for _ in 0..MAX_PAGES {
        let Some(page_url) = url.take() else { break };
        let (body, _) = api.get_json(&page_url).await?;
        let items = body
            .get("values")
            .and_then(Value::as_array)
            .ok_or_else(|| shape(&page_url, "expected `values`"))?;
        for item in items {
            let clone_url = item
                .pointer("/links/clone")
                .and_then(Value::as_array)
                .and_then(|links| {
                    links
                        .iter()
                        .find(|link| link.get("name").and_then(Value::as_str) == Some("https"))
                })
                .and_then(|link| text(link, "/href"))
                // The listing's clone links carry the caller's user name; the package URL
                // must not.
                .map(|href| without_user(&href));
            let (Some(full_name), Some(clone_url)) = (text(item, "/full_name"), clone_url) else {
                return Err(shape(
                    &page_url,
                    "a repository without full_name or an https clone link",
                ));
            };
            found.push(RemoteRepository {
                api_id: full_name.clone(),
                full_name,
                clone_url,
                default_branch: text(item, "/mainbranch/name"),
            });
        }
        url = text(&body, "/next");
    }
    Ok(found)
}

fn without_user(href: &str) -> String {
    match url::Url::parse(href) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => href.to_owned(),
    }
}

pub(super) fn composer_json_url(
    api: &Api<'_>,
    repository: &RemoteRepository,
    branch: &str,
) -> String {
    let branch: String = form_urlencoded::byte_serialize(branch.as_bytes()).collect();
    api.url(&format!(
        "/repositories/{}/src/{branch}/composer.json",
        repository.api_id
    ))
}

pub(super) async fn install_hook(
    api: &Api<'_>,
    repository: &RemoteRepository,
    hook_url: &str,
    secret: &str,
) -> Result<HookInstall, ApiError> {
    let hooks_url = api.url(&format!("/repositories/{}/hooks", repository.api_id));
    let (hooks, _) = api.get_json(&format!("{hooks_url}?pagelen=100")).await?;
    let present = hooks
        .get("values")
        .and_then(Value::as_array)
        .is_some_and(|hooks| {
            hooks
                .iter()
                .any(|hook| hook.get("url").and_then(Value::as_str) == Some(hook_url))
        });
    if present {
        return Ok(HookInstall::Present);
    }
    let body = json!({
        "description": "Packyard",
        "url": hook_url,
        "active": true,
        "events": ["repo:push"],
        "secret": secret,
    });
    api.post_json(&hooks_url, &body).await?;
    Ok(HookInstall::Created)
}
