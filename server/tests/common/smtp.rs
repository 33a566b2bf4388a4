//! `end2end/smtp/server.py` (Python's aiosmtpd) as a test's SMTP server:
//! each message it accepts becomes a JSON line. Included by the tests that
//! count mail (`#[path]`).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The Python of the SMTP test server's venv, made (once per test run, and
/// only when missing) by `end2end/smtp/setup.sh`.
pub fn smtp_python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/smtp/setup.sh");
        let out = Command::new(&script)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(out.status.success(), "{} failed", script.display());
        let stdout = String::from_utf8(out.stdout).unwrap();
        let venv = stdout.lines().last().expect("setup.sh prints the venv");
        PathBuf::from(venv).join("bin/python")
    })
}

/// `end2end/smtp/server.py` on a port of this machine: each message it
/// accepts becomes a JSON line in `out`.
pub struct SmtpServer {
    child: Child,
    out: PathBuf,
}

impl SmtpServer {
    pub fn start(port: u16, out: &Path) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/smtp/server.py");
        let child = Command::new(smtp_python())
            .arg(script)
            .args(["--port", &port.to_string(), "--out"])
            .arg(out)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut server = SmtpServer {
            child,
            out: out.to_owned(),
        };
        // It prints "ready HOST:PORT" once it accepts connections.
        let stdout = server.child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("ready"),
            "SMTP server did not start: {line:?}"
        );
        server
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.out).unwrap_or_default();
        // Only whole lines: the server may be half-way through appending one.
        let complete = text.rfind('\n').map_or(0, |i| i + 1);
        text[..complete]
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits until at least `count` messages arrived.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{count} message(s) expected within {timeout:?}, got {}",
                messages.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
