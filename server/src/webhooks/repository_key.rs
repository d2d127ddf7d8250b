//! The key a package's repository URL is stored and looked up under, so that a webhook
//! naming the repository in any of its forms finds the package through an index.
//!
//! The key is the lower-cased host (without user info or port) and the lower-cased path
//! without `.git` or slashes at either end, after mapping the forms a host gives one
//! repository onto one: API URLs onto the web URL, Bitbucket Server's `scm/` clone and
//! `projects/…/repos/…` browse paths onto its SSH path, Azure DevOps' old and SSH hosts
//! onto `dev.azure.com`, CodeCommit ARNs onto the clone URL. Keys are stored in the
//! database: changing these rules means recomputing the stored keys.
//!
//! Lower-casing follows Packagist's comparison. Hosts whose paths are case-sensitive
//! (CodeCommit, Bitbucket Server slugs are not) could see two repositories differing
//! only in case share a key; a webhook would then update both, which is harmless.
//! Likewise the Bitbucket Server rules apply to every host not known by name, so a
//! GitLab group path shaped like `…/scm/a/b` or `…/projects/a/repos/b` is shortened.

/// The normalized key of a repository URL, or `None` for what is no remote repository
/// URL (a local path, an unknown scheme, no path).
pub fn repository_key(url: &str) -> Option<String> {
    let url = url.trim();
    if let Some((region, name, china)) = codecommit_arn(url) {
        return Some(codecommit_key(region, name, china));
    }
    // git-remote-codecommit: codecommit::<region>://[<profile>@]<name>
    if let Some(rest) = url.strip_prefix("codecommit::") {
        let (region, name) = rest.split_once("://")?;
        let name = name.rsplit('@').next().filter(|name| !name.is_empty())?;
        return Some(codecommit_key(region, name, region.starts_with("cn-")));
    }
    let (host, path) = split(url)?;
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(str::to_lowercase)
        .collect();
    if let Some(last) = segments.last_mut()
        && let Some(stripped) = last.strip_suffix(".git")
    {
        *last = stripped.to_owned();
    }
    segments.retain(|segment| !segment.is_empty());
    if segments.is_empty() {
        return None;
    }
    let (host, segments) = canonical(host.to_ascii_lowercase(), segments);
    Some(format!("{host}/{}", segments.join("/")))
}

/// Region, repository name and whether it is the China partition, from
/// `arn:<partition>:codecommit:<region>:<account>:<name>`.
pub(super) fn codecommit_arn(arn: &str) -> Option<(&str, &str, bool)> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    if parts.next()? != "codecommit" {
        return None;
    }
    let region = parts.next()?;
    let _account = parts.next()?;
    let name = parts.next()?;
    if region.is_empty() || name.is_empty() || name.contains([':', '/']) {
        return None;
    }
    Some((region, name, partition == "aws-cn"))
}

fn codecommit_key(region: &str, name: &str, china: bool) -> String {
    let suffix = if china { ".cn" } else { "" };
    format!("git-codecommit.{region}.amazonaws.com{suffix}/v1/repos/{name}").to_lowercase()
}

/// Host and path of `scheme://[user@]host[:port]/path` (http, https, ssh, git), of
/// git's scp-like `[user@]host:path`, and of a bare `host.tld/path` (which Packagist
/// accepts). As in git, `host:2222/path` in scp-like form is a path, not a port.
fn split(url: &str) -> Option<(&str, &str)> {
    let url = url.split(['?', '#']).next()?;
    if url.contains('\\') {
        return None;
    }
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(
            scheme.as_str(),
            "http" | "https" | "ssh" | "git" | "git+ssh" | "ssh+git"
        ) {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let host = match host_port.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next()?,
            None => host_port.split(':').next()?,
        };
        (host, path)
    } else if let Some((before, path)) = url.split_once(':') {
        let (user, host) = match before.rsplit_once('@') {
            Some((user, host)) => (Some(user), host),
            None => (None, before),
        };
        // Without a user, `arn:…`, `c:/…` and the like would pass for hosts.
        let plausible = user.is_some() || host.contains('.') || host == "localhost";
        if before.contains('/') || !plausible {
            return None;
        }
        (host, path)
    } else {
        let (host, path) = url.split_once('/')?;
        if !host.contains('.') {
            return None;
        }
        (host, path)
    };
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    valid_host.then_some((host, path))
}

fn canonical(host: String, segments: Vec<String>) -> (String, Vec<String>) {
    let first_two = |segments: &[String]| segments.iter().take(2).cloned().collect::<Vec<_>>();
    match host.as_str() {
        "api.github.com" if segments.len() >= 3 && segments[0] == "repos" => {
            ("github.com".into(), segments[1..3].to_vec())
        }
        // GitHub has no nested namespaces: anything past owner/repo is a page in it.
        "github.com" | "www.github.com" => ("github.com".into(), first_two(&segments)),
        "api.bitbucket.org" if segments.len() >= 4 && segments[1] == "repositories" => {
            ("bitbucket.org".into(), segments[2..4].to_vec())
        }
        "bitbucket.org" | "www.bitbucket.org" => ("bitbucket.org".into(), first_two(&segments)),
        _ => {
            if let Some(azure) = azure_devops(&host, &segments) {
                return azure;
            }
            if let Some(region_host) = host.strip_prefix("git-codecommit-fips.") {
                return (format!("git-codecommit.{region_host}"), segments);
            }
            (host, self_hosted(segments))
        }
    }
}

/// `dev.azure.com/{org}/{project}/_git/{repo}` (`{org}/_git/{repo}` when the repository
/// is named like its project), `{org}.visualstudio.com/[DefaultCollection/]{project}/_git/{repo}`
/// and SSH `ssh.dev.azure.com:v3/{org}/{project}/{repo}` (or `vs-ssh.visualstudio.com`)
/// become `dev.azure.com/{org}/{project}/_git/{repo}`.
fn azure_devops(host: &str, segments: &[String]) -> Option<(String, Vec<String>)> {
    let (org, project, repo) = if host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com" {
        match segments {
            [version, org, project, repo, ..] if version == "v3" => {
                (org.as_str(), project.as_str(), repo.as_str())
            }
            _ => return None,
        }
    } else {
        let org = if host == "dev.azure.com" {
            None
        } else {
            Some(host.strip_suffix(".visualstudio.com")?)
        };
        let git = segments.iter().position(|segment| segment == "_git")?;
        let repo = segments.get(git + 1)?.as_str();
        let before = &segments[..git];
        match org {
            None => {
                let org = before.first()?.as_str();
                (org, before.get(1).map_or(repo, String::as_str), repo)
            }
            Some(org) => {
                let before = match before {
                    [collection, rest @ ..] if collection == "defaultcollection" => rest,
                    _ => before,
                };
                (org, before.first().map_or(repo, String::as_str), repo)
            }
        }
    };
    let segments = [org, project, "_git", repo].map(str::to_owned).to_vec();
    Some(("dev.azure.com".into(), segments))
}

/// Rules for hosts we cannot recognise by name (GitHub Enterprise, Gitea, Forgejo,
/// Gogs, Gitee, GitLab and Bitbucket Server instances).
fn self_hosted(mut segments: Vec<String>) -> Vec<String> {
    // API URLs: GHES /api/v3/repos/o/r, Gitea/Gogs /api/v1/…, Gitee /api/v5/….
    if let Some(api) = (0..segments.len().saturating_sub(4)).find(|&i| {
        segments[i] == "api" && is_api_version(&segments[i + 1]) && segments[i + 2] == "repos"
    }) {
        let mut web = segments[..api].to_vec();
        web.extend_from_slice(&segments[api + 3..api + 5]);
        return web;
    }
    // GitLab pages inside a project: group/project/-/tree/main.
    if let Some(dash) = segments.iter().position(|segment| segment == "-") {
        segments.truncate(dash);
        return segments;
    }
    // Bitbucket Server: [context/]scm/{project}/{repo} over HTTP; SSH has no `scm/`.
    if segments.len() >= 3 && segments[segments.len() - 3] == "scm" {
        return segments.split_off(segments.len() - 2);
    }
    // Bitbucket Server browse and REST URLs: [context/]projects/{P}/repos/{repo}[/…],
    // and personal repositories users/{u}/repos/{repo}, whose SSH path is ~{u}/{repo}.
    if let Some(at) = (0..segments.len().saturating_sub(3)).find(|&i| {
        matches!(segments[i].as_str(), "projects" | "users") && segments[i + 2] == "repos"
    }) {
        let owner = if segments[at] == "users" {
            format!("~{}", segments[at + 1])
        } else {
            segments[at + 1].clone()
        };
        return vec![owner, segments[at + 3].clone()];
    }
    segments
}

fn is_api_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}
