//! The OAuth test peers from npm (package.json: oauth2-mock-server, oidc-provider),
//! each a Node process running a script from `e2e/peers/`. Killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct NodePeer {
    child: Child,
    /// The JSON line the script printed once it listened.
    pub info: serde_json::Value,
}

impl NodePeer {
    pub fn start(script: &str, args: &[&str]) -> NodePeer {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        assert!(
            root.join("node_modules/oauth2-mock-server").exists()
                && root.join("node_modules/oidc-provider").exists(),
            "the OAuth peers are not installed: run `npm ci` at the repository root"
        );
        let mut child = Command::new("node")
            .arg(root.join("e2e/peers").join(script))
            .args(args)
            .current_dir(&root)
            // Its stdin stays open while the test runs; the script exits when it closes.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (Debian package nodejs) on PATH");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut lines = stdout.lines();
        let info = loop {
            let line = lines
                .next()
                .expect("the peer printed where it listens")
                .expect("peer output");
            if let Ok(info) = serde_json::from_str::<serde_json::Value>(&line) {
                break info;
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        NodePeer { child, info }
    }

    pub fn url(&self, key: &str) -> String {
        self.info[key].as_str().expect("a URL").to_owned()
    }
}

impl Drop for NodePeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
