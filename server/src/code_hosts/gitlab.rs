//! GitLab (API v4), gitlab.com and self-managed: a group's projects including its
//! subgroups', the repository files API for `composer.json`, project hooks (group hooks
//! exist only on paid tiers, so every project gets its own), groups as teams.

use serde_json::{Value, json};

use super::{
    Api, ApiError, HookInstall, MAX_PAGES, RemoteMember, RemoteRepository, RemoteTeam, shape, text,
};

fn encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub(super) async fn repositories(
    api: &Api<'_>,
    group: &str,
) -> Result<Vec<RemoteRepository>, ApiError> {
    let url = api.url(&format!(
        "/groups/{}/projects?include_subgroups=true&archived=false&per_page=100",
        encoded(group)
    ));
    let mut found = Vec::new();
    for item in pages(api, &url, "projects").await? {
        if item.get("archived").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let (Some(id), Some(full_name), Some(clone_url)) = (
            item.get("id").and_then(Value::as_i64),
            text(&item, "/path_with_namespace"),
            text(&item, "/http_url_to_repo"),
        ) else {
            return Err(shape(
                &url,
                "a project without id, path_with_namespace or http_url_to_repo",
            ));
        };
        found.push(RemoteRepository {
            api_id: id.to_string(),
            full_name,
            clone_url,
            default_branch: text(&item, "/default_branch"),
        });
    }
    Ok(found)
}

/// Reporters and up can read a private project's code; Maintainers and Owners administer it.
const READ_LEVEL: i64 = 20;
const MAINTAIN_LEVEL: i64 = 40;

/// The group and each subgroup is a team of its members (inherited ones included, as
/// GitLab lets them in) with the group's own projects; Maintainers and Owners also form
/// its "(maintain)" team.
pub(super) async fn teams(api: &Api<'_>, group: &str) -> Result<Vec<RemoteTeam>, ApiError> {
    let root_url = api.url(&format!("/groups/{}", encoded(group)));
    let (root, _) = api.get_json(&root_url).await?;
    let root_id = root
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| shape(&root_url, "a group without id"))?;
    let mut groups = vec![root];
    let descendants_url = api.url(&format!("/groups/{root_id}/descendant_groups?per_page=100"));
    groups.extend(pages(api, &descendants_url, "groups").await?);

    let mut found = Vec::new();
    for group in groups {
        let (Some(id), Some(full_path)) = (
            group.get("id").and_then(Value::as_i64),
            text(&group, "/full_path"),
        ) else {
            return Err(shape(&descendants_url, "a group without id or full_path"));
        };
        let members_url = api.url(&format!("/groups/{id}/members/all?per_page=100"));
        let mut readers = Vec::new();
        let mut maintainers = Vec::new();
        for member in pages(api, &members_url, "members").await? {
            let (Some(user_id), Some(login), Some(level)) = (
                member.get("id").and_then(Value::as_i64),
                text(&member, "/username"),
                member.get("access_level").and_then(Value::as_i64),
            ) else {
                return Err(shape(
                    &members_url,
                    "a member without id, username or access_level",
                ));
            };
            let member = RemoteMember {
                id: user_id.to_string(),
                login,
            };
            if level >= MAINTAIN_LEVEL {
                maintainers.push(member.clone());
            }
            if level >= READ_LEVEL {
                readers.push(member);
            }
        }
        let projects_url = api.url(&format!(
            "/groups/{id}/projects?archived=false&per_page=100"
        ));
        let mut repositories = Vec::new();
        for project in pages(api, &projects_url, "projects").await? {
            let Some(clone_url) = text(&project, "/http_url_to_repo") else {
                return Err(shape(&projects_url, "a project without http_url_to_repo"));
            };
            repositories.push(clone_url);
        }
        if !maintainers.is_empty() {
            found.push(RemoteTeam {
                key: format!("group:{id}:maintain"),
                name: format!("{full_path} (maintain)"),
                maintain: true,
                members: maintainers,
                repositories: repositories.clone(),
            });
        }
        found.push(RemoteTeam {
            key: format!("group:{id}"),
            name: full_path,
            maintain: false,
            members: readers,
            repositories,
        });
    }
    Ok(found)
}

/// Every item of a list GitLab pages with `page` and `x-next-page` (empty on the last).
async fn pages(api: &Api<'_>, url: &str, what: &str) -> Result<Vec<Value>, ApiError> {
    let mut page = Some("1".to_owned());
    let mut found = Vec::new();
    for _ in 0..MAX_PAGES {
        let Some(number) = page.take() else { break };
        let page_url = format!("{url}&page={number}");
        let (body, headers) = api.get_json(&page_url).await?;
        let Value::Array(items) = body else {
            return Err(shape(&page_url, &format!("expected a list of {what}")));
        };
        found.extend(items);
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
