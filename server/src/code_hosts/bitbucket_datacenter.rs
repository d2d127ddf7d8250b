//! Bitbucket Data Center / Server (REST 1.0, `{base}/rest/api/latest`): a project's
//! repositories, their default branch and raw `composer.json`, repository webhooks, and
//! the project's user and group permissions as teams.

use serde_json::{Value, json};

use super::{
    Api, ApiError, HookInstall, RemoteMember, RemoteRepository, RemoteTeam, clone_link, shape, text,
};

fn encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `api_id` is `PROJECT/slug`.
fn repository_path(repository: &RemoteRepository) -> String {
    let (project, slug) = repository
        .api_id
        .split_once('/')
        .unwrap_or(("", &repository.api_id));
    format!("/projects/{project}/repos/{slug}")
}

pub(super) async fn repositories(
    api: &Api<'_>,
    project: &str,
) -> Result<Vec<RemoteRepository>, ApiError> {
    let url = api.url(&format!("/projects/{project}/repos?limit=100"));
    let mut found = Vec::new();
    for item in api.list_values(url.clone()).await? {
        if item.get("archived").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let (Some(slug), Some(clone_url)) = (text(&item, "/slug"), clone_link(&item, "http"))
        else {
            return Err(shape(
                &url,
                "a repository without slug or an http clone link",
            ));
        };
        let key = text(&item, "/project/key").unwrap_or_else(|| project.to_owned());
        let mut repository = RemoteRepository {
            api_id: format!("{key}/{slug}"),
            full_name: format!("{key}/{slug}"),
            clone_url,
            default_branch: None,
        };
        repository.default_branch = default_branch(api, &repository).await?;
        found.push(repository);
    }
    Ok(found)
}

/// The listing does not say; an empty repository has none (404).
async fn default_branch(
    api: &Api<'_>,
    repository: &RemoteRepository,
) -> Result<Option<String>, ApiError> {
    let url = api.url(&format!("{}/default-branch", repository_path(repository)));
    match api.get_json(&url).await {
        Ok((branch, _)) => Ok(text(&branch, "/displayId")),
        Err(ApiError::Status { status, .. }) if status == reqwest::StatusCode::NOT_FOUND => {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

pub(super) fn composer_json_url(
    api: &Api<'_>,
    repository: &RemoteRepository,
    branch: &str,
) -> String {
    api.url(&format!(
        "{}/raw/composer.json?at={}",
        repository_path(repository),
        encoded(&format!("refs/heads/{branch}"))
    ))
}

pub(super) async fn install_hook(
    api: &Api<'_>,
    repository: &RemoteRepository,
    hook_url: &str,
    secret: &str,
) -> Result<HookInstall, ApiError> {
    let hooks_url = api.url(&format!("{}/webhooks", repository_path(repository)));
    let present = api
        .list_values(format!("{hooks_url}?limit=100"))
        .await?
        .iter()
        .any(|hook| hook.get("url").and_then(Value::as_str) == Some(hook_url));
    if present {
        return Ok(HookInstall::Present);
    }
    let body = json!({
        "name": "Packyard",
        "url": hook_url,
        "active": true,
        "events": ["repo:refs_changed"],
        "configuration": { "secret": secret },
    });
    api.post_json(&hooks_url, &body).await?;
    Ok(HookInstall::Created)
}

/// Users given the project directly are one team ("PROJECT"), project admins its
/// "(maintain)" team; each group given the project is a team of the group's members
/// (group membership is listed to administrators only: without that right the group
/// team stays empty). Repository-level permissions are not read.
pub(super) async fn teams(
    api: &Api<'_>,
    project: &str,
    repositories: &[RemoteRepository],
) -> Result<Vec<RemoteTeam>, ApiError> {
    let repositories: Vec<String> = repositories
        .iter()
        .map(|repository| repository.clone_url.clone())
        .collect();
    let users_url = api.url(&format!("/projects/{project}/permissions/users?limit=100"));
    let mut users = Vec::new();
    let mut admins = Vec::new();
    for grant in api.list_values(users_url.clone()).await? {
        let member = member_of(&grant["user"])
            .ok_or_else(|| shape(&users_url, "a permission without user.id and user.name"))?;
        if text(&grant, "/permission").as_deref() == Some("PROJECT_ADMIN") {
            admins.push(member.clone());
        }
        users.push(member);
    }
    let mut teams = vec![RemoteTeam {
        key: format!("project:{project}"),
        name: project.to_owned(),
        maintain: false,
        members: users,
        repositories: repositories.clone(),
    }];
    if !admins.is_empty() {
        teams.push(RemoteTeam {
            key: format!("project:{project}:maintain"),
            name: format!("{project} (maintain)"),
            maintain: true,
            members: admins,
            repositories: repositories.clone(),
        });
    }

    let groups_url = api.url(&format!("/projects/{project}/permissions/groups?limit=100"));
    for grant in api.list_values(groups_url.clone()).await? {
        let Some(group) = text(&grant, "/group/name") else {
            return Err(shape(&groups_url, "a permission without group.name"));
        };
        let members_url = api.url(&format!(
            "/admin/groups/more-members?context={}&limit=100",
            encoded(&group)
        ));
        let members = match api.list_values(members_url.clone()).await {
            Ok(users) => users
                .iter()
                .map(|user| {
                    member_of(user).ok_or_else(|| shape(&members_url, "a user without id and name"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            Err(error) if error.is_forbidden() => Vec::new(),
            Err(error) => return Err(error),
        };
        let administers = text(&grant, "/permission").as_deref() == Some("PROJECT_ADMIN");
        teams.extend(RemoteTeam::with_maintainers(
            format!("group:{group}"),
            group,
            members,
            repositories
                .iter()
                .map(|url| (url.clone(), administers))
                .collect(),
        ));
    }
    Ok(teams)
}

fn member_of(user: &Value) -> Option<RemoteMember> {
    Some(RemoteMember {
        id: user.get("id").and_then(Value::as_i64)?.to_string(),
        login: text(user, "/slug").or_else(|| text(user, "/name"))?,
    })
}
