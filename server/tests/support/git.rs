//! Real git repositories for tests, made with the git command line. Shared with the
//! end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct GitRepo {
    pub path: PathBuf,
    /// Commits get increasing, fixed dates so versions have predictable times.
    clock: std::cell::Cell<i64>,
}

impl GitRepo {
    /// A new repository whose first branch is `default_branch`.
    pub fn init(path: &Path, default_branch: &str) -> GitRepo {
        std::fs::create_dir_all(path).unwrap();
        let repo = GitRepo {
            path: path.to_owned(),
            clock: std::cell::Cell::new(1_700_000_000),
        };
        repo.git(&["init", "--quiet", "--initial-branch", default_branch]);
        repo
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.path.display())
    }

    pub fn git(&self, args: &[&str]) -> String {
        let date = format!("@{} +0000", self.clock.get());
        let output = Command::new("git")
            .args(args)
            .current_dir(&self.path)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.path)
            .output()
            .expect("git on PATH");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// Writes the files and commits them; returns the commit id.
    pub fn commit(&self, files: &[(&str, &str)], message: &str) -> String {
        for (name, content) in files {
            let file = self.path.join(name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, content).unwrap();
        }
        self.clock.set(self.clock.get() + 3600);
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn tag(&self, name: &str) {
        self.git(&["tag", name]);
    }

    pub fn branch(&self, name: &str) {
        self.git(&["branch", name]);
    }

    pub fn checkout(&self, name: &str) {
        self.git(&["checkout", "--quiet", name]);
    }
}

/// A composer.json for a library with a PSR-4 autoloader under `src/`.
pub fn library_manifest(name: &str, namespace: &str, requires: &[(&str, &str)]) -> String {
    let require: serde_json::Map<String, serde_json::Value> = requires
        .iter()
        .map(|(package, constraint)| ((*package).to_owned(), (*constraint).into()))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "name": name,
        "description": format!("The {name} library"),
        "type": "library",
        "license": "MIT",
        "require": require,
        "autoload": { "psr-4": { format!("{namespace}\\"): "src/" } },
    }))
    .unwrap()
}
