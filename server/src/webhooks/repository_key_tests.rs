//! Repository keys: every URL form in the fixtures, and the cases Packagist and
//! Packeton get wrong (see the fixtures README § 11).

use super::repository_key;

/// Each group: the key, and URLs of that one repository in every form seen.
const SAME_REPOSITORY: &[(&str, &[&str])] = &[
    (
        "github.com/codertocat/hello-world",
        &[
            "https://github.com/Codertocat/Hello-World",
            "https://github.com/Codertocat/Hello-World.git",
            "https://github.com/Codertocat/Hello-World/",
            "git@github.com:Codertocat/Hello-World.git",
            "git://github.com/Codertocat/Hello-World.git",
            "ssh://git@github.com/Codertocat/Hello-World.git",
            "ssh://git@github.com:22/Codertocat/Hello-World.git",
            "https://api.github.com/repos/Codertocat/Hello-World",
            "https://x-access-token:ghs_abc@github.com/Codertocat/Hello-World.git",
            "HTTPS://GitHub.com/Codertocat/Hello-World.GIT",
            "https://github.com/Codertocat/Hello-World/tree/main",
            "github.com/Codertocat/Hello-World",
            "  https://github.com/Codertocat/Hello-World  ",
        ],
    ),
    // GitHub Enterprise: API URLs are /api/v3/repos/… on the instance (Packagist only
    // rewrites api.github.com).
    (
        "octocoders.github.io/codertocat/hello-world",
        &[
            "https://octocoders.github.io/Codertocat/Hello-World",
            "https://octocoders.github.io/Codertocat/Hello-World.git",
            "git@octocoders.github.io:Codertocat/Hello-World.git",
            "git://octocoders.github.io/Codertocat/Hello-World.git",
            "https://octocoders.github.io/api/v3/repos/Codertocat/Hello-World",
        ],
    ),
    // GitLab: custom SSH port, ssh:// with and without port, mixed case.
    (
        "gitlab.example.com/flightjs/flight",
        &[
            "ssh://git@gitlab.example.com:2222/flightjs/Flight.git",
            "https://gitlab.example.com/flightjs/Flight.git",
            "https://gitlab.example.com/flightjs/Flight",
            "https://gitlab.example.com/flightjs/Flight/-/tree/master",
        ],
    ),
    (
        "example.com/jsmith/example",
        &[
            "ssh://git@example.com/jsmith/example.git",
            "git@example.com:jsmith/example.git",
            "http://example.com/jsmith/example.git",
            "http://example.com/jsmith/example",
        ],
    ),
    (
        "gitlab.com/group1/group2/group3/grp2repo",
        &[
            "https://gitlab.com/group1/group2/group3/grp2repo.git",
            "git@gitlab.com:group1/group2/group3/grp2repo.git",
            "https://gitlab.com/group1/group2/group3/grp2repo",
        ],
    ),
    // Bitbucket Cloud: web, API, SSH, a user name in the HTTPS clone URL.
    (
        "bitbucket.org/amuniz/test-repos",
        &[
            "https://bitbucket.org/amuniz/test-repos",
            "https://api.bitbucket.org/2.0/repositories/amuniz/test-repos",
            "git@bitbucket.org:amuniz/test-repos.git",
            "https://amuniz@bitbucket.org/amuniz/test-repos.git",
            "https://bitbucket.org/amuniz/test-repos/src/master/",
        ],
    ),
    // Bitbucket Server: the HTTP clone path has `scm/` and the context path, the SSH
    // one neither; Packagist and Packeton can never match one with the other.
    (
        "localhost/amuniz/test-repos",
        &[
            "http://localhost:7990/bitbucket/scm/amuniz/test-repos.git",
            "http://localhost:7990/scm/amuniz/test-repos.git",
            "ssh://git@localhost:7999/amuniz/test-repos.git",
            "http://localhost:7990/bitbucket/projects/AMUNIZ/repos/test-repos/browse",
            "http://localhost:7990/projects/AMUNIZ/repos/test-repos/browse",
            "http://admin@localhost:7990/bitbucket/scm/AMUNIZ/test-repos.git",
            "http://localhost:7990/rest/api/1.0/projects/AMUNIZ/repos/test-repos",
        ],
    ),
    (
        "bitbucket.example.com/~jdoe/tools",
        &[
            "https://bitbucket.example.com/scm/~jdoe/tools.git",
            "ssh://git@bitbucket.example.com:7999/~jdoe/tools.git",
            "https://bitbucket.example.com/users/jdoe/repos/tools/browse",
        ],
    ),
    // Gitea: `ssh://gitea@…:2222/` (a user other than git), and current payloads'
    // `repository.url`, the API URL, which Packeton takes as the repository.
    (
        "localhost/gitea/webhooks",
        &[
            "ssh://gitea@localhost:2222/gitea/webhooks.git",
            "http://localhost:3000/gitea/webhooks.git",
            "http://localhost:3000/gitea/webhooks",
            "http://localhost:3000/api/v1/repos/gitea/webhooks",
        ],
    ),
    (
        "code.example.com/git/team/app",
        &[
            "https://code.example.com/git/team/app.git",
            "https://code.example.com/git/api/v1/repos/team/app",
        ],
    ),
    (
        "try.gogs.io/gogits/hello-world",
        &[
            "http://try.gogs.io/gogits/hello-world",
            "http://try.gogs.io/gogits/hello-world.git",
        ],
    ),
    (
        "gitee.com/kit101/drone-yml-test",
        &[
            "https://gitee.com/kit101/drone-yml-test",
            "https://gitee.com/kit101/drone-yml-test.git",
            "git@gitee.com:kit101/drone-yml-test.git",
            "git://gitee.com/kit101/drone-yml-test.git",
            "https://gitee.com/api/v5/repos/kit101/drone-yml-test",
        ],
    ),
    // Azure DevOps: dev.azure.com with and without the organization as user name, the
    // old visualstudio.com host with and without DefaultCollection, and SSH.
    (
        "dev.azure.com/fabrikam/fiber/_git/web",
        &[
            "https://dev.azure.com/fabrikam/Fiber/_git/Web",
            "https://fabrikam@dev.azure.com/fabrikam/Fiber/_git/Web",
            "https://fabrikam.visualstudio.com/Fiber/_git/Web",
            "https://fabrikam.visualstudio.com/DefaultCollection/Fiber/_git/Web",
            "git@ssh.dev.azure.com:v3/fabrikam/Fiber/Web",
            "ssh://git@ssh.dev.azure.com/v3/fabrikam/Fiber/Web",
            "fabrikam@vs-ssh.visualstudio.com:v3/fabrikam/Fiber/Web",
        ],
    ),
    // A repository named like its project may leave the project out.
    (
        "dev.azure.com/fabrikam/fiber/_git/fiber",
        &[
            "https://dev.azure.com/fabrikam/_git/Fiber",
            "https://fabrikam.visualstudio.com/_git/Fiber",
            "https://fabrikam.visualstudio.com/DefaultCollection/_git/Fiber",
            "git@ssh.dev.azure.com:v3/fabrikam/Fiber/Fiber",
        ],
    ),
    (
        "dev.azure.com/fabrikam-fiber-inc/defaultcollection/_git/fabrikam-fiber-git",
        &["https://dev.azure.com/fabrikam-fiber-inc/DefaultCollection/_git/Fabrikam-Fiber-Git"],
    ),
    // CodeCommit: HTTPS, SSH (with an SSH key id as user), FIPS, git-remote-codecommit,
    // and the ARN that triggers name the repository by.
    (
        "git-codecommit.us-east-1.amazonaws.com/v1/repos/my-repo",
        &[
            "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/my-repo",
            "ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/my-repo",
            "ssh://APKAEIBAERJR2EXAMPLE@git-codecommit.us-east-1.amazonaws.com/v1/repos/my-repo",
            "https://git-codecommit-fips.us-east-1.amazonaws.com/v1/repos/my-repo",
            "codecommit::us-east-1://my-repo",
            "codecommit::us-east-1://deploy-profile@my-repo",
            "arn:aws:codecommit:us-east-1:123456789012:my-repo",
        ],
    ),
    (
        "git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/my-repo",
        &[
            "https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/my-repo",
            "arn:aws-cn:codecommit:cn-north-1:123456789012:my-repo",
        ],
    ),
    ("::1/o/r", &["ssh://git@[::1]:2222/o/r.git"]),
];

#[test]
fn every_form_of_a_repository_has_its_key() {
    for (key, urls) in SAME_REPOSITORY {
        for url in *urls {
            assert_eq!(repository_key(url).as_deref(), Some(*key), "{url}");
        }
    }
}

#[test]
fn different_repositories_have_different_keys() {
    let pairs = [
        ("https://github.com/o/a", "https://github.com/o/b"),
        ("https://github.com/o/r", "https://gitlab.com/o/r"),
        ("https://gitlab.com/g/sub/r", "https://gitlab.com/g/r"),
        // Bitbucket Server: same slug in two projects, and a personal repository.
        (
            "ssh://git@bb.example.com:7999/one/r.git",
            "https://bb.example.com/scm/two/r.git",
        ),
        (
            "ssh://git@bb.example.com:7999/~jdoe/r.git",
            "https://bb.example.com/projects/JDOE/repos/r/browse",
        ),
        (
            "https://dev.azure.com/fabrikam/Fiber/_git/Web",
            "https://dev.azure.com/contoso/Fiber/_git/Web",
        ),
        (
            "arn:aws:codecommit:us-east-1:123456789012:my-repo",
            "arn:aws:codecommit:eu-west-1:123456789012:my-repo",
        ),
    ];
    for (a, b) in pairs {
        let (key_a, key_b) = (repository_key(a), repository_key(b));
        assert!(key_a.is_some() && key_a != key_b, "{a} and {b}: {key_a:?}");
    }
}

#[test]
fn what_is_no_remote_repository_has_no_key() {
    for url in [
        "",
        "   ",
        "/srv/git/repo.git",
        "file:///srv/git/repo.git",
        "svn://gitee.com/kit101/drone-yml-test",
        "https://github.com",
        "https://github.com/",
        "git@github.com:",
        "C:\\repos\\app",
        "c:/repos/app",
        "not a url",
        "arn:aws:sns:us-east-1:123456789012:topic",
        "arn:aws:codecommit:us-east-1:123456789012:",
        "codecommit://my-repo",
        "https://exa mple.com/o/r",
    ] {
        assert_eq!(repository_key(url), None, "{url:?}");
    }
}
