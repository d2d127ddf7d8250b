//! Who sees what, through the real Composer client: a team-scoped organization token,
//! a member's personal token (and its end when they are removed), and a suborganization
//! with its own repository and tokens. The rules are those of `domain/access.rs`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::composer::{
    Composer, graphql_ok, http_basic_auth, installed_packages, installed_version, php_says,
    wait_for_job, write_project,
};
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Server, database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_token_installs_only_the_team_packages_sqlite() {
    team_token_installs_only_the_team_packages(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_token_installs_only_the_team_packages_postgres() {
    team_token_installs_only_the_team_packages(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_member_loses_the_repository_at_once_sqlite() {
    removed_member_loses_the_repository_at_once(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_member_loses_the_repository_at_once_postgres() {
    removed_member_loses_the_repository_at_once(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suborganization_repository_is_its_own_sqlite() {
    suborganization_repository_is_its_own(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suborganization_repository_is_its_own_postgres() {
    suborganization_repository_is_its_own(true).await;
}

/// A running Packyard with organization `acme`, driven by its first admin (an owner).
struct Registry {
    server: Server,
    admin: String,
    work: tempfile::TempDir,
    _data_dir: tempfile::TempDir,
}

impl Registry {
    /// `None` when the PostgreSQL variant is skipped.
    async fn start(postgres: bool) -> Option<Registry> {
        let database_url = database(postgres).await?;
        let data_dir = tempfile::tempdir().unwrap();
        let server = Server::start(
            data_dir.path(),
            database_url.as_deref(),
            &[("PACKYARD_ALLOW_LOCAL_REPOSITORIES", "true")],
        )
        .await;
        let admin = server
            .admin_token(&server.first_admin_password().unwrap())
            .await;
        let registry = Registry {
            server,
            admin,
            work: tempfile::tempdir().unwrap(),
            _data_dir: data_dir,
        };
        registry
            .admin(
                "mutation { createOrganization(name: \"Acme\") { id } }",
                json!({}),
            )
            .await;
        Some(registry)
    }

    /// A GraphQL request of the admin, which must succeed; returns `data`.
    async fn admin(&self, query: &str, variables: Value) -> Value {
        graphql_ok(&self.server, &self.admin, query, variables).await
    }

    /// A git repository of library `name` with one class, `{namespace}\Hello`, whose
    /// `name()` says the package name; tagged `v1.0.0`.
    fn library(&self, name: &str, namespace: &str) -> GitRepo {
        let repo = GitRepo::init(&self.work.path().join("git").join(name), "main");
        let class = format!(
            "<?php\nnamespace {namespace};\nfinal class Hello {{ public static function name(): string {{ return '{name}'; }} }}\n"
        );
        repo.commit(
            &[
                (
                    "composer.json",
                    &library_manifest(name, namespace, &[("php", ">=8.1")]),
                ),
                ("src/Hello.php", &class),
            ],
            "first",
        );
        repo.tag("v1.0.0");
        repo
    }

    /// Adds the repository as a package of `acme` (or of its suborganization) and waits
    /// for the job that reads it.
    async fn add_package(&self, suborganization: Option<&str>, repo: &GitRepo) {
        let job = self
            .admin(
                "mutation($s: String, $u: String!) { createVcsPackage(organization: \"acme\", suborganization: $s, url: $u) { id } }",
                json!({ "s": suborganization, "u": repo.url() }),
            )
            .await;
        wait_for_job(
            &self.server,
            &self.admin,
            job["createVcsPackage"]["id"].as_str().unwrap(),
        )
        .await;
    }

    async fn create_team(&self, name: &str) -> String {
        let created = self
            .admin(
                "mutation($n: String!) { createTeam(organization: \"acme\", name: $n) { id permissionBits accessToAllPackages } }",
                json!({ "n": name }),
            )
            .await;
        let team = &created["createTeam"];
        assert_eq!(team["permissionBits"], 0, "{team}");
        assert_eq!(team["accessToAllPackages"], false, "{team}");
        team["id"].as_str().unwrap().to_owned()
    }

    async fn grant(&self, team_id: &str, packages: &[&str]) {
        let granted = self
            .admin(
                "mutation($t: ID!, $p: [String!]!) { addTeamPackages(teamId: $t, packages: $p) { name } }",
                json!({ "t": team_id, "p": packages }),
            )
            .await;
        let names: Vec<&str> = granted["addTeamPackages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|package| package["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, packages);
    }

    /// A read token of `acme`, for all its packages or for one team's.
    async fn organization_token(&self, team_id: Option<&str>) -> String {
        let created = self
            .admin(
                "mutation($t: ID) { createToken(organization: \"acme\", description: \"ci\", access: READ, teamId: $t) { secret token { teamId accessToAllPackages } } }",
                json!({ "t": team_id }),
            )
            .await;
        let token = &created["createToken"]["token"];
        assert_eq!(token["teamId"].as_str(), team_id, "{token}");
        assert_eq!(token["accessToAllPackages"], team_id.is_none(), "{token}");
        created["createToken"]["secret"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A new project using only the repository at `/{repository}` of this server.
    fn project(&self, name: &str, repository: &str) -> PathBuf {
        let project = self.work.path().join("projects").join(name);
        write_project(&project, &format!("{}/{repository}", self.server.base_url));
        project
    }

    fn composer<'a>(&self, project: &'a std::path::Path, secret: &str) -> Composer<'a> {
        Composer::new(project, Some(http_basic_auth(&self.server, secret)))
    }

    /// GET of a repository URL with `secret` as the Basic password.
    async fn get(&self, url: &str, secret: &str) -> reqwest::Response {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.server.base_url)
        };
        reqwest::Client::new()
            .get(url)
            .basic_auth("token", Some(secret))
            .send()
            .await
            .expect("request to packyard")
    }

    async fn status(&self, url: &str, secret: &str) -> u16 {
        self.get(url, secret).await.status().as_u16()
    }

    /// `available-packages` of a repository's `packages.json`, as `secret` sees it.
    async fn available(&self, repository: &str, secret: &str) -> Vec<String> {
        let response = self
            .get(&format!("/{repository}/packages.json"), secret)
            .await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "/{repository}/packages.json"
        );
        let root: Value = response.json().await.unwrap();
        let mut names: Vec<String> = root["available-packages"]
            .as_array()
            .unwrap_or_else(|| panic!("no available-packages in {root}"))
            .iter()
            .map(|name| name.as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    }

    /// The dist URL of the package's `v1.0.0`, as `secret` reads it from the p2 file.
    async fn dist_url(&self, repository: &str, package: &str, secret: &str) -> String {
        let response = self
            .get(&format!("/{repository}/p2/{package}.json"), secret)
            .await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "{package} in /{repository}"
        );
        let document: Value = response.json().await.unwrap();
        let versions = document["packages"][package].as_array().unwrap();
        let version = versions
            .iter()
            .find(|version| version["version"] == "v1.0.0")
            .unwrap_or_else(|| panic!("no v1.0.0 in {document}"));
        let url = version["dist"]["url"].as_str().unwrap().to_owned();
        assert!(
            url.starts_with(&format!("{}/{repository}/dists/", self.server.base_url)),
            "{url}"
        );
        url
    }
}

/// The client's output without whitespace: it boxes and wraps error messages to the
/// terminal width, breaking lines inside words.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What the client prints when a repository does not have the package.
#[track_caller]
fn assert_not_found(output: &str, package: &str) {
    assert!(
        squeezed(output).contains(&squeezed(&format!(
            "Root composer.json requires {package}, it could not be found in any version"
        ))),
        "expected {package} to be unknown to the repository:\n{output}"
    );
}

/// What the client prints, without a prompt, when the repository answers 401.
#[track_caller]
fn assert_unauthorized(output: &str, url: &str) {
    assert!(
        squeezed(output).contains(&squeezed(&format!(
            "The '{url}' URL required authentication (HTTP 401)"
        ))),
        "expected a 401 from {url}:\n{output}"
    );
}

/// A team-scoped READ token installs its team's package and does not see another one,
/// in `packages.json`, the p2 files, the dists or the solver; once the team is granted the
/// other package, the same token (and the same client cache) installs it. Given access to
/// all packages, the team's token sees packages added afterwards too.
async fn team_token_installs_only_the_team_packages(postgres: bool) {
    let Some(registry) = Registry::start(postgres).await else {
        return;
    };
    let lib = registry.library("acme/lib", "Acme\\Lib");
    let other = registry.library("acme/other", "Acme\\Other");
    registry.add_package(None, &lib).await;
    registry.add_package(None, &other).await;
    let team = registry.create_team("Developers").await;
    registry.grant(&team, &["acme/lib"]).await;
    let team_token = registry.organization_token(Some(&team)).await;
    let everything = registry.organization_token(None).await;

    assert_eq!(
        registry.available("acme", &everything).await,
        ["acme/lib", "acme/other"]
    );
    assert_eq!(registry.available("acme", &team_token).await, ["acme/lib"]);
    let other_dist = registry.dist_url("acme", "acme/other", &everything).await;
    for url in [
        "/acme/p2/acme/other.json",
        "/acme/p2/acme/other~dev.json",
        other_dist.as_str(),
    ] {
        assert_eq!(registry.status(url, &team_token).await, 404, "{url}");
    }
    assert_eq!(registry.status(&other_dist, &everything).await, 200);

    let project = registry.project("team", "acme");
    let composer = registry.composer(&project, &team_token);
    composer.succeed(&["require", "acme/lib"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.0.0");
    assert_eq!(
        php_says(&project, "echo Acme\\Lib\\Hello::name();"),
        "acme/lib"
    );
    let refused = composer.fail(&["require", "acme/other:^1.0"]);
    assert_not_found(&refused, "acme/other");
    let installed: Vec<String> = installed_packages(&project)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(installed, ["acme/lib"]);

    // Granting the package reaches the token at once: no stale view of the team.
    registry.grant(&team, &["acme/other"]).await;
    assert_eq!(
        registry.available("acme", &team_token).await,
        ["acme/lib", "acme/other"]
    );
    composer.succeed(&["require", "acme/other"]);
    assert_eq!(installed_version(&project, "acme/other"), "v1.0.0");
    assert_eq!(
        php_says(&project, "echo Acme\\Other\\Hello::name();"),
        "acme/other"
    );

    // A team with access to all packages: its token sees every package, new ones too.
    let granted = registry
        .admin(
            "mutation($t: ID!) { grantTeamAccessToAllPackages(teamId: $t) { accessToAllPackages } }",
            json!({ "t": team }),
        )
        .await;
    assert_eq!(
        granted["grantTeamAccessToAllPackages"]["accessToAllPackages"],
        true
    );
    let extra = registry.library("acme/extra", "Acme\\Extra");
    registry.add_package(None, &extra).await;
    assert_eq!(
        registry.available("acme", &team_token).await,
        ["acme/extra", "acme/lib", "acme/other"]
    );
    composer.succeed(&["require", "acme/extra"]);
    assert_eq!(installed_version(&project, "acme/extra"), "v1.0.0");
}

/// A member who is not an owner installs their team's package with their personal token
/// as the Basic password; removed from the organization, the same token gets 401 on the
/// very next request, and the client says so at once.
async fn removed_member_loses_the_repository_at_once(postgres: bool) {
    let Some(registry) = Registry::start(postgres).await else {
        return;
    };
    let lib = registry.library("acme/lib", "Acme\\Lib");
    let other = registry.library("acme/other", "Acme\\Other");
    registry.add_package(None, &lib).await;
    registry.add_package(None, &other).await;
    let team = registry.create_team("Developers").await;
    registry.grant(&team, &["acme/lib"]).await;

    let password = "dana's long e2e password";
    let user = registry
        .admin(
            "mutation($p: String!) { createUser(username: \"dana\", password: $p, email: \"dana@example.com\") { id isAdmin } }",
            json!({ "p": password }),
        )
        .await;
    assert_eq!(user["createUser"]["isAdmin"], false);
    let user_id = user["createUser"]["id"].as_str().unwrap().to_owned();
    let invitation = registry
        .admin(
            "mutation { inviteMember(organization: \"acme\", usernameOrEmail: \"dana\") { id userId } }",
            json!({}),
        )
        .await;
    assert_eq!(invitation["inviteMember"]["userId"], user_id.as_str());
    let dana = registry.server.login_token("dana", password).await;
    let accepted = graphql_ok(
        &registry.server,
        &dana,
        "mutation($i: ID!) { acceptInvitation(id: $i) }",
        json!({ "i": invitation["inviteMember"]["id"] }),
    )
    .await;
    assert_eq!(accepted["acceptInvitation"], "acme");
    registry
        .admin(
            "mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }",
            json!({ "t": team, "u": user_id }),
        )
        .await;
    let viewer = graphql_ok(
        &registry.server,
        &dana,
        "{ organization(urlName: \"acme\") { viewerRole } }",
        json!({}),
    )
    .await;
    assert_eq!(viewer["organization"]["viewerRole"], "MEMBER");

    // The member sees what their team has, nothing more.
    assert_eq!(registry.available("acme", &dana).await, ["acme/lib"]);
    assert_eq!(
        registry.status("/acme/p2/acme/other.json", &dana).await,
        404
    );
    let project = registry.project("member", "acme");
    let composer = registry.composer(&project, &dana);
    composer.succeed(&["require", "acme/lib"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.0.0");
    let lib_dist = registry.dist_url("acme", "acme/lib", &dana).await;

    registry
        .admin(
            "mutation($u: ID!) { removeMember(organization: \"acme\", userId: $u) }",
            json!({ "u": user_id }),
        )
        .await;
    // The client's very next request, for packages.json, gets 401. Composer 2.5.5 then
    // carries on from its local cache ("could not be fully loaded (...), package
    // information was loaded from the local cache"), so this run's status says nothing.
    let packages_json = format!("{}/acme/packages.json", registry.server.base_url);
    let output = composer.run(&["update", "acme/lib"]);
    assert_unauthorized(
        &format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        &packages_json,
    );
    // Without that cache (a fresh CI runner), the same token fails at once: the
    // non-interactive client neither prompts nor retries.
    composer.clear_cache();
    let started = Instant::now();
    let refused = composer.fail(&["update", "acme/lib"]);
    assert_unauthorized(&refused, &packages_json);
    assert!(started.elapsed() < Duration::from_secs(60));
    for url in [
        "/acme/packages.json",
        "/acme/p2/acme/lib.json",
        lib_dist.as_str(),
    ] {
        assert_eq!(registry.status(url, &dana).await, 401, "{url}");
    }
    // The token itself still works for what is the user's own: only the organization is
    // gone.
    let viewer = graphql_ok(
        &registry.server,
        &dana,
        "{ viewer { username organizations { totalCount } } }",
        json!({}),
    )
    .await;
    assert_eq!(viewer["viewer"]["username"], "dana");
    assert_eq!(viewer["viewer"]["organizations"]["totalCount"], 0);
}

/// A suborganization serves its own packages at `/acme/{sub}/` to its own tokens; the
/// parent's packages are not in it, and neither organization's tokens open the other's
/// repository.
async fn suborganization_repository_is_its_own(postgres: bool) {
    let Some(registry) = Registry::start(postgres).await else {
        return;
    };
    let lib = registry.library("acme/lib", "Acme\\Lib");
    registry.add_package(None, &lib).await;
    let created = registry
        .admin(
            "mutation { createSuborganization(organization: \"acme\", name: \"Partners\") { urlName composerRepository { url } } }",
            json!({}),
        )
        .await;
    let sub = created["createSuborganization"]["urlName"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sub, "partners");
    let sub_repository = format!("acme/{sub}");
    assert_eq!(
        created["createSuborganization"]["composerRepository"]["url"],
        format!("{}/{sub_repository}", registry.server.base_url)
    );
    let kit = registry.library("acme/partner-kit", "Acme\\PartnerKit");
    registry.add_package(Some(&sub), &kit).await;
    let sub_token = registry
        .admin(
            "mutation($s: String!) { createSuborganizationToken(organization: \"acme\", suborganization: $s, description: \"partner ci\", access: READ) { secret } }",
            json!({ "s": sub }),
        )
        .await["createSuborganizationToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let parent_token = registry.organization_token(None).await;

    // Each repository lists its own packages only.
    assert_eq!(
        registry.available(&sub_repository, &sub_token).await,
        ["acme/partner-kit"]
    );
    assert_eq!(
        registry.available("acme", &parent_token).await,
        ["acme/lib"]
    );
    let kit_dist = registry
        .dist_url(&sub_repository, "acme/partner-kit", &sub_token)
        .await;
    let lib_dist = registry.dist_url("acme", "acme/lib", &parent_token).await;
    let lib_dist_in_sub =
        lib_dist.replacen("/acme/dists/", &format!("/{sub_repository}/dists/"), 1);
    for url in [
        format!("/{sub_repository}/p2/acme/lib.json"),
        format!("/{sub_repository}/p2/acme/lib~dev.json"),
        lib_dist_in_sub,
    ] {
        assert_eq!(registry.status(&url, &sub_token).await, 404, "{url}");
    }
    for url in [
        "/acme/p2/acme/partner-kit.json".to_owned(),
        kit_dist.replacen(&format!("/{sub_repository}/"), "/acme/", 1),
    ] {
        assert_eq!(registry.status(&url, &parent_token).await, 404, "{url}");
    }

    // The suborganization's token installs its package, and not the parent's.
    let project = registry.project("partner", &sub_repository);
    let composer = registry.composer(&project, &sub_token);
    composer.succeed(&["require", "acme/partner-kit"]);
    assert_eq!(installed_version(&project, "acme/partner-kit"), "v1.0.0");
    assert_eq!(
        php_says(&project, "echo Acme\\PartnerKit\\Hello::name();"),
        "acme/partner-kit"
    );
    let refused = composer.fail(&["require", "acme/lib:^1.0"]);
    assert_not_found(&refused, "acme/lib");

    // The parent's token does not open the suborganization's repository...
    for url in [
        format!("/{sub_repository}/packages.json"),
        format!("/{sub_repository}/p2/acme/partner-kit.json"),
        kit_dist.clone(),
    ] {
        assert_eq!(registry.status(&url, &parent_token).await, 401, "{url}");
    }
    let with_parent_token = registry.composer(&project, &parent_token);
    let refused = with_parent_token.fail(&["update"]);
    assert_unauthorized(
        &refused,
        &format!(
            "{}/{sub_repository}/packages.json",
            registry.server.base_url
        ),
    );

    // ... nor the suborganization's token the parent's.
    for url in [
        "/acme/packages.json",
        "/acme/p2/acme/lib.json",
        lib_dist.as_str(),
    ] {
        assert_eq!(registry.status(url, &sub_token).await, 401, "{url}");
    }
    let parent_project = registry.project("parent", "acme");
    let refused = registry
        .composer(&parent_project, &sub_token)
        .fail(&["require", "acme/lib"]);
    assert_unauthorized(
        &refused,
        &format!("{}/acme/packages.json", registry.server.base_url),
    );
    // The parent's token installs from the parent's repository.
    let parent = registry.composer(&parent_project, &parent_token);
    parent.succeed(&["require", "acme/lib"]);
    assert_eq!(installed_version(&parent_project, "acme/lib"), "v1.0.0");
}
