//! Helpers shared by the server's integration tests: the real `laurel`
//! binary, started and stopped as a user would.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "laurel-server-test-{tag}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `laurel` with a clean environment of Laurel settings.
pub fn laurel(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_laurel"));
    for var in [
        "DATABASE_URL",
        "LAUREL_PUBLIC_URL",
        "LEPTOS_SITE_ADDR",
        "LEPTOS_SITE_ROOT",
        "LAUREL_LOG_FORMAT",
        "LAUREL_MASTER_KEY",
        "LAUREL_SMTP_URL",
        "LAUREL_BASE_DOMAIN",
        "LAUREL_MAIL_FROM",
        "LAUREL_JOB_BACKOFF_BASE_MS",
        "LAUREL_JOB_LEASE_SECS",
        "LAUREL_FETCH_ALLOW_PRIVATE",
        "LAUREL_TRUST_FORWARDED_FOR",
        "LAUREL_STRIPE_SECRET_KEY",
        "LAUREL_STRIPE_WEBHOOK_SECRET",
        "LAUREL_STRIPE_PUBLISHABLE_KEY",
        "LAUREL_BANK_DETAILS",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("LAUREL_DATA_DIR", data_dir).env("RUST_LOG", "warn");
    cmd
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server, killed if a test fails before it is stopped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts `cmd` (a [`laurel`] command with settings) serving on `port`,
    /// with `LAUREL_PUBLIC_URL` = `http://127.0.0.1:{port}` unless `cmd`
    /// sets another. Its log (stderr) goes where `cmd`'s does: the test's
    /// own, unless the test set another.
    pub fn start_with(mut cmd: Command, port: u16) -> Self {
        let public_url_set = cmd
            .get_envs()
            .any(|(k, v)| k == "LAUREL_PUBLIC_URL" && v.is_some());
        if !public_url_set {
            cmd.env("LAUREL_PUBLIC_URL", format!("http://127.0.0.1:{port}"));
        }
        cmd.arg("serve")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null());
        let mut server = Server {
            child: cmd.spawn().unwrap(),
            base: format!("http://127.0.0.1:{port}"),
        };
        server.wait_until_healthy();
        server
    }

    /// Waits for `/healthz`; fails at once, saying so, when the process
    /// exited (e.g. another test took the port between [`free_port`] and the
    /// bind), rather than waiting out the deadline or being answered by
    /// another test's server.
    pub fn wait_until_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("laurel exited before it was healthy ({status}); see its error above");
            }
            if let Ok(res) = agent().get(format!("{}/healthz", self.base)).call() {
                assert_eq!(res.status(), 200);
                // Still ours: a server of another test on a reused port would
                // have made this one exit on the bind.
                std::thread::sleep(Duration::from_millis(50));
                if let Some(status) = self.child.try_wait().unwrap() {
                    panic!("laurel exited at start ({status}): its port was taken");
                }
                return;
            }
            assert!(Instant::now() < deadline, "server did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "graceful shutdown exits 0, got {status}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no graceful shutdown after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}
