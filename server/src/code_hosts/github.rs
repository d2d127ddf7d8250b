//! GitHub and GitHub Enterprise Server (REST v3): `GET /orgs/{org}/repos`, the contents
//! API for `composer.json`, repository hooks, the organization's teams.

use serde_json::{Value, json};

use super::{
    Api, ApiError, HookInstall, RemoteMember, RemoteRepository, RemoteTeam, RepositoryListing,
    shape, text,
};

pub(super) async fn repositories(
    api: &Api<'_>,
    organization: &str,
) -> Result<RepositoryListing, ApiError> {
    let url = api.url(&format!("/orgs/{organization}/repos?type=all&per_page=100"));
    let mut found = Vec::new();
    let (items, headers) = api
        .list_linked_with_headers(url.clone(), "repositories")
        .await?;
    for item in items {
        if item.get("archived").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let (Some(full_name), Some(clone_url)) =
            (text(&item, "/full_name"), text(&item, "/clone_url"))
        else {
            return Err(shape(&url, "a repository without full_name or clone_url"));
        };
        found.push(RemoteRepository {
            api_id: full_name.clone(),
            full_name,
            clone_url,
            default_branch: text(&item, "/default_branch"),
        });
    }
    let granted = headers
        .get("x-oauth-scopes")
        .and_then(|value| value.to_str().ok());
    Ok(RepositoryListing {
        repositories: found,
        caveat: granted.and_then(private_repositories_caveat),
    })
}

/// GitHub lists only public repositories to an OAuth token without the `repo` scope, with
/// no error; it names the token's scopes in `X-OAuth-Scopes` (absent for GitHub App and
/// fine-grained tokens, whose access is per repository).
fn private_repositories_caveat(granted: &str) -> Option<String> {
    let scopes: Vec<&str> = granted
        .split(',')
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .collect();
    (!scopes.contains(&"repo")).then(|| {
        format!(
            "the token's scopes ({}) do not include `repo`: GitHub lists only public repositories to it",
            if scopes.is_empty() { "none".to_owned() } else { scopes.join(", ") }
        )
    })
}

/// Each team with its members and repositories; a team's `maintain` or `admin` on a
/// repository makes its "(maintain)" twin (the permission applies to every member).
pub(super) async fn teams(api: &Api<'_>, organization: &str) -> Result<Vec<RemoteTeam>, ApiError> {
    let url = api.url(&format!("/orgs/{organization}/teams?per_page=100"));
    let mut found = Vec::new();
    for team in api.list_linked(url.clone(), "teams").await? {
        let (Some(id), Some(slug)) = (team.get("id").and_then(Value::as_i64), text(&team, "/slug"))
        else {
            return Err(shape(&url, "a team without id or slug"));
        };
        let name = text(&team, "/name").unwrap_or_else(|| slug.clone());
        let members_url = api.url(&format!(
            "/orgs/{organization}/teams/{slug}/members?per_page=100"
        ));
        let mut members = Vec::new();
        for member in api.list_linked(members_url.clone(), "members").await? {
            let (Some(id), Some(login)) = (
                member.get("id").and_then(Value::as_i64),
                text(&member, "/login"),
            ) else {
                return Err(shape(&members_url, "a member without id or login"));
            };
            members.push(RemoteMember {
                id: id.to_string(),
                login,
            });
        }
        let repos_url = api.url(&format!(
            "/orgs/{organization}/teams/{slug}/repos?per_page=100"
        ));
        let mut repositories = Vec::new();
        for repository in api.list_linked(repos_url.clone(), "repositories").await? {
            let Some(clone_url) = text(&repository, "/clone_url") else {
                return Err(shape(&repos_url, "a repository without clone_url"));
            };
            let may = |permission: &str| {
                repository
                    .pointer(&format!("/permissions/{permission}"))
                    .and_then(Value::as_bool)
                    == Some(true)
            };
            repositories.push((clone_url, may("admin") || may("maintain")));
        }
        found.extend(RemoteTeam::with_maintainers(
            format!("team:{id}"),
            name,
            members,
            repositories,
        ));
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

#[cfg(test)]
mod tests {
    use super::private_repositories_caveat;

    #[test]
    fn a_token_without_repo_sees_only_public_repositories() {
        assert_eq!(private_repositories_caveat("repo, read:org"), None);
        assert_eq!(private_repositories_caveat("read:org,repo"), None);
        let caveat = private_repositories_caveat("read:user, user:email").unwrap();
        assert!(caveat.contains("(read:user, user:email)"), "{caveat}");
        assert!(private_repositories_caveat("").unwrap().contains("(none)"));
        // `public_repo` is not `repo`.
        assert!(private_repositories_caveat("public_repo, read:org").is_some());
    }
}
