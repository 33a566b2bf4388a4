//! What the load runs share: settings from the environment, the real
//! `laurel` binary started on a free port, and percentiles.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A number from the environment, or `default`.
pub fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The running server; killed when dropped.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `laurel serve` on `database_url` with `env` set too; returns it
/// once `/healthz` answers, with its base URL.
pub fn start(
    database_url: &str,
    data_dir: &std::path::Path,
    env: &[(&str, &str)],
) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_laurel"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LAUREL_DATA_DIR", data_dir)
        .env("LAUREL_PUBLIC_URL", &base)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while ureq::get(&format!("{base}/healthz")).call().is_err() {
        assert!(Instant::now() < deadline, "laurel did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, base)
}

/// The `p` quantile of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
