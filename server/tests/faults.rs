//! The real binary under faults of what it stands on:
//!
//! - SQLite's directory runs out of space (a 16 MB tmpfs): issuing answers
//!   503 with a sentence, every badge is whole or absent, the database
//!   stays sound, and once space is back the same request completes —
//!   without a restart, and without a badge twice.
//! - PostgreSQL is stopped and started again under load: requests fail
//!   cleanly (503, never a 500, no panic), `/readyz` says not ready, and
//!   everything answers again once the database is back — without
//!   restarting Laurel.
//!
//! Both need root (to mount a tmpfs, and to run a private PostgreSQL as
//! the `postgres` user); the test command runs as root, and these fail,
//! saying so, without it.

mod common;
#[path = "common/demo.rs"]
mod demo;
#[path = "common/fixture.rs"]
mod fixture;
#[path = "common/owner.rs"]
mod owner;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tmpfs of `size` at `dir`, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs to fill, which needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` up to `leave` bytes, with `dir/filler`.
fn fill(dir: &Path, leave: u64) {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    loop {
        if file.write_all(&chunk).is_err() || file.flush().is_err() {
            break;
        }
    }
    drop(file);
    let len = std::fs::metadata(&path).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len.saturating_sub(leave)).unwrap();
}

fn count(db: &str, sql: &str) -> i64 {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\n\
             db = sqlite3.connect(sys.argv[1], timeout=10)\n\
             print(db.execute(sys.argv[2]).fetchone()[0])",
            db,
            sql,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_full_disk_under_sqlite_is_a_clear_error_and_nothing_is_half_written() {
    let dir = temp_dir("full-disk");
    let data = dir.join("data");
    let _tmpfs = Tmpfs::mount(&data, "16m");
    let db_file = data.join("laurel.db");
    let url = format!("sqlite://{}", db_file.display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (cookie, template) = runtime.block_on(async {
        let store = laurel_store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let (org, cookie) = owner::signed_in_owner(&store, "full-disk").await;
        let (template, _) = fixture::template(&store, org.id, "full-disk-class").await;
        store.close().await;
        (cookie, template.id)
    });
    let mut cmd = laurel(&data);
    cmd.env("DATABASE_URL", &url);
    let server = Server::start_with(cmd, free_port());
    let recipients: String = (0..100)
        .map(|i| format!("p{i}@full-disk.example, Person, Number {i}\n"))
        .collect();
    let issue = || {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("subdomain", "full-disk")
            .append_pair("template_id", &template.to_string())
            .append_pair("recipients", &recipients)
            .append_pair("is_individual", "on")
            .append_pair("achieved_on", "2026-01-01")
            .append_pair("evidence_url", "")
            .append_pair("evidence_narrative", "")
            .finish();
        let mut res = agent()
            .post(format!("{}/api/issuing/issue_by_hand", server.base))
            .header("Origin", &server.base)
            .header("Accept", "application/json")
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form)
            .unwrap();
        let status = res.status().as_u16();
        (status, res.body_mut().read_to_string().unwrap())
    };

    // Almost no room left: the hundred badges do not fit.
    fill(&data, 48 * 1024);
    let (status, body) = issue();
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("The server's storage is full, so this could not be saved."),
        "{body}"
    );
    let db = db_file.to_str().unwrap();
    // Each badge whole or absent: its mail and its event with it.
    let issued = count(db, "SELECT count(*) FROM assertions");
    assert!(issued < 100, "{issued} issued on a full disk");
    assert_eq!(
        count(db, "SELECT count(*) FROM jobs WHERE queue = 'mail-holder'"),
        issued
    );
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM analytics_events WHERE kind = 'issued'"
        ),
        issued
    );
    // The server is still up and reads fine.
    let health = agent()
        .get(format!("{}/readyz", server.base))
        .call()
        .unwrap();
    assert_eq!(health.status(), 200);

    // Space again: the same request completes, nothing twice.
    std::fs::remove_file(data.join("filler")).unwrap();
    let (status, body) = issue();
    assert!(status < 400, "{status}: {body}");
    assert_eq!(count(db, "SELECT count(*) FROM assertions"), 100);
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM (SELECT recipient_email FROM assertions GROUP BY recipient_email HAVING count(*) > 1)"
        ),
        0
    );
    assert_eq!(
        count(db, "SELECT count(*) FROM jobs WHERE queue = 'mail-holder'"),
        100
    );
    server.stop();
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
            db,
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}

/// A PostgreSQL server of the test's own (the machine's is shared with
/// every other test), run as the `postgres` user; stopped on drop.
struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
}

impl Postgres {
    fn init(dir: &Path) -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server binaries (Debian's postgresql package)")
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .find(|p| p.join("pg_ctl").exists())
            .expect("pg_ctl");
        let data = dir.join("pg");
        std::fs::create_dir_all(&data).unwrap();
        run(Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir));
        run(Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(&data));
        let pg = Postgres {
            bin,
            data,
            port: free_port(),
        };
        pg.ctl("start");
        pg
    }

    fn ctl(&self, action: &str) {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-w", "-m", "fast", "-l"])
            .arg(self.data.join("server.log"))
            .args([
                "-o",
                &format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1",
                    self.port,
                    self.data.display()
                ),
                action,
            ]);
        run(&mut cmd);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// One answer a client saw: when, of what (`page` or `readyz`), its status
/// (0: no answer).
type Answer = (Instant, &'static str, u16);

#[test]
fn a_postgres_restart_under_load_fails_cleanly_and_recovers() {
    let dir = temp_dir("pg-restart");
    let pg = Postgres::init(&dir);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    // A demonstration organisation with badges to look at.
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", pg.url())
        .env("LAUREL_PUBLIC_URL", &base);
    let page = demo::demo(cmd)["assertion-hosted"]
        .trim_start_matches(&base)
        .to_owned();
    let log = dir.join("server.log");
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", pg.url())
        .stderr(std::fs::File::create(&log).unwrap());
    let server = Server::start_with(cmd, port);

    // Four clients read the verification page and /readyz until told to
    // stop, noting each answer's status and when it came.
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<Answer>>> = Arc::default();
    let clients: Vec<_> = (0..4)
        .map(|n| {
            let (stop, seen, base, page) = (stop.clone(), seen.clone(), base.clone(), page.clone());
            std::thread::spawn(move || {
                let http = agent();
                while !stop.load(Ordering::Relaxed) {
                    let (what, path) = if n == 0 {
                        ("readyz", "/readyz".to_owned())
                    } else {
                        ("page", page.clone())
                    };
                    let status = match http
                        .get(format!("{base}{path}"))
                        .header("Accept", "text/html")
                        .call()
                    {
                        Ok(res) => res.status().as_u16(),
                        Err(_) => 0,
                    };
                    seen.lock().unwrap().push((Instant::now(), what, status));
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let down_at = Instant::now();
    pg.ctl("stop");
    // Longer than the pool waits for a connection (5 s), so requests are
    // answered while it is down.
    std::thread::sleep(Duration::from_secs(8));
    pg.ctl("start");
    let up_at = Instant::now();
    // Back within moments, by itself.
    let deadline = up_at + Duration::from_secs(20);
    let recovered = loop {
        let ready = agent()
            .get(format!("{base}/readyz"))
            .call()
            .unwrap()
            .status();
        let shown = agent()
            .get(format!("{base}{page}"))
            .header("Accept", "text/html")
            .call()
            .unwrap()
            .status();
        if ready == 200 && shown == 200 {
            break Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "not recovered 20 s after the database came back"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let seen = seen.lock().unwrap();
    let during: Vec<_> = seen
        .iter()
        .filter(|(at, _, _)| *at > down_at + Duration::from_millis(500) && *at < up_at)
        .collect();
    assert!(
        during
            .iter()
            .any(|(_, what, s)| *what == "readyz" && *s == 503),
        "/readyz said not ready while the database was down"
    );
    assert!(
        during
            .iter()
            .any(|(_, what, s)| *what == "page" && *s == 503),
        "pages answered 503 while the database was down"
    );
    let bad: Vec<_> = seen
        .iter()
        .filter(|(_, _, s)| ![200, 503].contains(s))
        .map(|(at, what, s)| {
            format!(
                "{what} {s} at {:?} after the stop",
                at.saturating_duration_since(down_at)
            )
        })
        .collect();
    assert!(bad.is_empty(), "only 200 and 503: {bad:?}");
    assert!(
        seen.iter().any(|(at, _, s)| *at > recovered && *s == 200),
        "answers after recovery"
    );
    server.stop();
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(!log.contains("panicked"), "{log}");
}
