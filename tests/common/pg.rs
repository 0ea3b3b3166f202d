//! A throwaway PostgreSQL for the tests, started by `scripts/pg-server.sh` on a free loopback port
//! in its own temporary directory and stopped (by its PID file) when dropped.
//!
//! Where no server can be started the test says so and is skipped, except under CI (`CI` set),
//! where that is a failure: CI on this machine must run them.
//! Used with `#[path = "common/pg.rs"] mod pg;` by the tests that need a server.

use std::path::Path;
use std::process::Command;

pub struct PgServer {
    /// `postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres`
    pub url: String,
    pub password: String,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl PgServer {
    /// A fresh server, or `None` (with a note on stderr) where none can be started outside CI.
    pub fn start() -> Option<PgServer> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-server.sh");
        // Several test binaries start servers at once: retry on a port someone took meanwhile.
        let mut why = String::new();
        for _ in 0..5 {
            let port = free_port();
            let out = Command::new(&script)
                .arg("start")
                .arg(dir.path().join("pg"))
                .arg(port.to_string())
                .output()
                .expect("run scripts/pg-server.sh");
            if out.status.success() {
                let url = String::from_utf8(out.stdout).unwrap().trim().to_string();
                return Some(PgServer {
                    url,
                    password: "pgml-test-secret".into(),
                    port,
                    dir,
                });
            }
            why = String::from_utf8_lossy(&out.stderr).into_owned();
            let _ = Command::new(&script)
                .arg("stop")
                .arg(dir.path().join("pg"))
                .status();
        }
        if std::env::var_os("CI").is_some() {
            panic!("no PostgreSQL server could be started under CI: {why}");
        }
        eprintln!("SKIPPED: no PostgreSQL server could be started here: {why}");
        None
    }

    /// The URL without the password (for what pgml-cli should fill in from elsewhere).
    pub fn url_without_password(&self) -> String {
        self.url.replace(&format!(":{}@", self.password), "@")
    }

    /// Runs SQL through psql on the server's socket (trusted, no password).
    pub fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql")
            .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres"])
            .arg("-h")
            .arg(self.dir.path().join("pg"))
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-c")
            .arg(sql)
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql failed on {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-server.sh");
        let _ = Command::new(script)
            .arg("stop")
            .arg(self.dir.path().join("pg"))
            .status();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
