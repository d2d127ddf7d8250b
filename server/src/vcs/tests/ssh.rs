//! Fetching over SSH with an in-memory key, against an OpenSSH server started on a
//! loopback port for the test. Skipped, saying so, where `sshd` is not installed
//! (Debian package `openssh-server`).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{FILE, Upstream, mirror_dir};
use crate::vcs::{Credential, Mirror, VcsError, list_refs};

const SSHD: &str = "/usr/sbin/sshd";

struct Sshd {
    child: Child,
    port: u16,
    host_key_fingerprint: String,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(path: &Path, passphrase: &str) {
    let status = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-C",
            "packyard-test",
            "-N",
            passphrase,
            "-f",
        ])
        .arg(path)
        .status()
        .expect("ssh-keygen");
    assert!(status.success());
}

fn fingerprint(public_key: &Path) -> String {
    let output = Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f"])
        .arg(public_key)
        .output()
        .expect("ssh-keygen -l");
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

fn start_sshd(dir: &Path, authorized: &[&Path]) -> Sshd {
    let host_key = dir.join("host_key");
    keygen(&host_key, "");
    let keys: Vec<String> = authorized
        .iter()
        .map(|key| std::fs::read_to_string(key.with_extension("pub")).expect("public key"))
        .collect();
    let authorized_keys = dir.join("authorized_keys");
    std::fs::write(&authorized_keys, keys.concat()).expect("authorized_keys");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let config = dir.join("sshd_config");
    let settings = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
         AuthorizedKeysFile {}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n",
        host_key.display(),
        dir.join("sshd.pid").display(),
        authorized_keys.display(),
    );
    std::fs::write(&config, settings).expect("sshd_config");
    // sshd insists on its privilege separation directory, even for a test instance.
    let _ = std::fs::create_dir_all("/run/sshd");
    let log = std::fs::File::create(dir.join("sshd.log")).expect("log");
    let child = Command::new(SSHD)
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start sshd");
    let sshd = Sshd {
        child,
        port,
        host_key_fingerprint: fingerprint(&host_key.with_extension("pub")),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "sshd did not start: {log}");
        std::thread::sleep(Duration::from_millis(50));
    }
    sshd
}

fn key(path: &Path, passphrase: Option<&str>) -> Credential {
    Credential::SshKey {
        private_key: std::fs::read_to_string(path).expect("private key"),
        passphrase: passphrase.map(str::to_owned),
    }
}

fn current_user() -> String {
    let output = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn ssh_fetch_with_keys_and_pinned_host_keys() {
    if !Path::new(SSHD).exists() {
        eprintln!("skipped: {SSHD} is missing (install openssh-server)");
        return;
    }
    let up = Upstream::new();
    up.commit("main", &[("composer.json", b"{}", FILE)], 1_700_000_000);
    let keys = tempfile::tempdir().expect("tempdir");
    let plain: PathBuf = keys.path().join("id_plain");
    let protected = keys.path().join("id_protected");
    let stranger = keys.path().join("id_stranger");
    keygen(&plain, "");
    keygen(&protected, "open sesame");
    keygen(&stranger, "");
    let sshd = start_sshd(keys.path(), &[&plain, &protected]);
    let url = format!(
        "ssh://{}@127.0.0.1:{}{}",
        current_user(),
        sshd.port,
        up.path().display()
    );
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &url).expect("init");

    let err = mirror.fetch(None, |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::CredentialsRequired { .. })),
        "{err:?}"
    );
    let err = mirror.fetch(Some(&key(&stranger, None)), |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::AuthenticationFailed { .. })),
        "{err:?}"
    );
    let token = Credential::Token {
        token: "t0ken".into(),
    };
    let err = mirror.fetch(Some(&token), |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::AuthenticationFailed { .. })),
        "{err:?}"
    );
    assert_eq!(
        mirror.ssh_host_key().expect("config"),
        None,
        "pinned only on success"
    );

    let outcome = mirror
        .fetch(Some(&key(&plain, None)), |_| {})
        .expect("fetch");
    assert_eq!(outcome.default_branch.as_deref(), Some("main"));
    let seen = outcome.ssh_host_key.expect("host key");
    assert_eq!(
        seen, sshd.host_key_fingerprint,
        "as ssh-keygen -l prints it"
    );
    assert_eq!(mirror.ssh_host_key().expect("config"), Some(seen));
    assert_eq!(list_refs(mirror.repo()).expect("refs").branches.len(), 1);

    let with_passphrase = key(&protected, Some("open sesame"));
    mirror
        .fetch(Some(&with_passphrase), |_| {})
        .expect("fetch with passphrase");
    let wrong_passphrase = key(&protected, Some("guess"));
    let err = mirror.fetch(Some(&wrong_passphrase), |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::AuthenticationFailed { .. })),
        "{err:?}"
    );

    // Another server answering on the same address: refused until the pin is reset.
    let first_port = sshd.port;
    drop(sshd);
    let other_keys = tempfile::tempdir().expect("tempdir");
    let other = start_sshd(other_keys.path(), &[&plain]);
    let moved = url.replace(&format!(":{first_port}/"), &format!(":{}/", other.port));
    let mirror = Mirror::open(mirror.path()).expect("open");
    mirror
        .repo()
        .remote_set_url("origin", &moved)
        .expect("same host, new port");
    let err = mirror.fetch(Some(&key(&plain, None)), |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::HostKeyMismatch { .. })),
        "{err:?}"
    );
    mirror.forget_ssh_host_key().expect("forget");
    let outcome = mirror
        .fetch(Some(&key(&plain, None)), |_| {})
        .expect("fetch");
    assert_eq!(
        outcome.ssh_host_key,
        Some(other.host_key_fingerprint.clone())
    );
}
