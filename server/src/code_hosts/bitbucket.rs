//! Bitbucket Cloud (API 2.0): a workspace's repositories (`/repositories/{workspace}`;
//! the cross-workspace listings answer 410 since 2026), the src API for
//! `composer.json`, repository hooks, the workspace's members as a team.

use serde_json::{Value, json};

use super::{
    Api, ApiError, HookInstall, RemoteMember, RemoteRepository, RemoteTeam, clone_link, shape, text,
};

pub(super) async fn repositories(
    api: &Api<'_>,
    workspace: &str,
) -> Result<Vec<RemoteRepository>, ApiError> {
    let url = api.url(&format!(
        "/repositories/{workspace}?role=member&pagelen=100"
    ));
    let mut found = Vec::new();
    for item in api.list_values(url.clone()).await? {
        let (Some(full_name), Some(clone_url)) =
            (text(&item, "/full_name"), clone_link(&item, "https"))
        else {
            return Err(shape(
                &url,
                "a repository without full_name or an https clone link",
            ));
        };
        found.push(RemoteRepository {
            api_id: full_name.clone(),
            full_name,
            clone_url,
            default_branch: text(&item, "/mainbranch/name"),
        });
    }
    Ok(found)
}

/// Bitbucket Cloud has no member-visible groups since 2020: the workspace's members are
/// one team with every repository, and its owners (listed to workspace admins only) the
/// "(maintain)" team.
pub(super) async fn teams(
    api: &Api<'_>,
    workspace: &str,
    repositories: &[RemoteRepository],
) -> Result<Vec<RemoteTeam>, ApiError> {
    let members_url = api.url(&format!("/workspaces/{workspace}/members?pagelen=100"));
    let mut members = Vec::new();
    for membership in api.list_values(members_url.clone()).await? {
        let Some(uuid) = text(&membership, "/user/uuid") else {
            return Err(shape(&members_url, "a member without user.uuid"));
        };
        let login = text(&membership, "/user/nickname")
            .or_else(|| text(&membership, "/user/display_name"))
            .unwrap_or_else(|| uuid.clone());
        members.push(RemoteMember { id: uuid, login });
    }
    let owners_query: String = form_urlencoded::byte_serialize(b"permission=\"owner\"").collect();
    let owners_url = api.url(&format!(
        "/workspaces/{workspace}/permissions?q={owners_query}&pagelen=100"
    ));
    // Only workspace admins may list permissions; others get the members' team alone.
    let owners: Vec<String> = match api.list_values(owners_url).await {
        Ok(permissions) => permissions
            .iter()
            .filter_map(|permission| text(permission, "/user/uuid"))
            .collect(),
        Err(error) if error.is_forbidden() => Vec::new(),
        Err(error) => return Err(error),
    };
    let maintainers: Vec<RemoteMember> = members
        .iter()
        .filter(|member| owners.contains(&member.id))
        .cloned()
        .collect();
    let repositories: Vec<String> = repositories
        .iter()
        .map(|repository| repository.clone_url.clone())
        .collect();
    let mut teams = vec![RemoteTeam {
        key: format!("workspace:{workspace}"),
        name: workspace.to_owned(),
        maintain: false,
        members,
        repositories: repositories.clone(),
    }];
    if !maintainers.is_empty() {
        teams.push(RemoteTeam {
            key: format!("workspace:{workspace}:maintain"),
            name: format!("{workspace} (maintain)"),
            maintain: true,
            members: maintainers,
            repositories,
        });
    }
    Ok(teams)
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
