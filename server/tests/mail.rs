//! The mail outbox end to end: the real `laurel` binary delivering to a real
//! SMTP server (Python's aiosmtpd, `end2end/smtp/`), a mail server that is
//! down when the mail is due, two instances sharing one PostgreSQL database,
//! and the `.eml` file transport used when no SMTP server is configured.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use laurel_store::{testing::TestDatabase, Job, Store};
use serde_json::Value;
use smtp::SmtpServer;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// `laurel serve` with extra settings (the mail ones), like `Server::start_with`.
fn serve_with(dir: &Path, database_url: Option<&str>, port: u16, env: &[(&str, &str)]) -> Server {
    let mut cmd = laurel(dir);
    cmd.arg("serve")
        .env("LAUREL_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env_remove("LAUREL_SMTP_URL")
        .env_remove("LAUREL_MAIL_FROM")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut server = Server {
        child: cmd.spawn().unwrap(),
        base: format!("http://127.0.0.1:{port}"),
    };
    server.wait_until_healthy();
    server
}

/// `laurel send-test-mail TO`; returns the id of the queued job.
fn send_test_mail(dir: &Path, database_url: Option<&str>, to: &str) -> i64 {
    send_test_mail_with(dir, database_url, to, &[])
}

/// [`send_test_mail`] with more settings.
fn send_test_mail_with(
    dir: &Path,
    database_url: Option<&str>,
    to: &str,
    settings: &[(&str, &str)],
) -> i64 {
    let mut cmd = laurel(dir);
    cmd.args(["send-test-mail", to])
        .envs(settings.iter().copied())
        .env_remove("LAUREL_SMTP_URL");
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "send-test-mail failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "queued mail job {id} to {to}; …"
    assert!(stdout.starts_with("queued mail job "), "{stdout}");
    stdout.split_whitespace().nth(3).unwrap().parse().unwrap()
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("laurel.db").display())
}

fn job(database_url: &str, id: i64) -> Job {
    block_on(async {
        let store = Store::connect(database_url).await.unwrap();
        let job = store.job(id).await.unwrap().expect("the job exists");
        store.close().await;
        job
    })
}

/// The job once it is done. The SMTP server has the message before Laurel
/// has its answer and records the job as done, so this waits a little.
fn done_job(database_url: &str, id: i64) -> Job {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let job = job(database_url, id);
        if job.done_at.is_some() {
            return job;
        }
        assert!(Instant::now() < deadline, "the job is not done: {job:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Checks a received test mail: one recipient, multipart/alternative with
/// the plain text first and the HTML last.
fn assert_test_mail(message: &Value, to: &str) {
    assert_eq!(message["rcpt_tos"], serde_json::json!([to]), "{message}");
    assert_eq!(message["to"], to);
    assert_eq!(message["subject"], "Laurel test mail");
    assert_eq!(message["mail_from"], "badges@example.org");
    assert_eq!(message["from"], "Laurel Test <badges@example.org>");
    assert_eq!(message["content_type"], "multipart/alternative");
    let parts = message["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{message}");
    assert_eq!(parts[0]["content_type"], "text/plain");
    let text = parts[0]["body"].as_str().unwrap();
    assert!(
        text.contains("This is a test mail from the Laurel at http://127.0.0.1:"),
        "{text}"
    );
    assert!(!text.contains('<'), "the plain part is not HTML: {text}");
    assert_eq!(parts[1]["content_type"], "text/html");
    let html = parts[1]["body"].as_str().unwrap();
    assert!(html.contains("<p>This is a test mail"), "{html}");
    assert!(message["message_id"]
        .as_str()
        .unwrap()
        .ends_with("@example.org>"));
}

const FROM: (&str, &str) = ("LAUREL_MAIL_FROM", "Laurel Test <badges@example.org>");

#[test]
fn delivers_over_smtp() {
    let dir = temp_dir("mail-smtp");
    let smtp_port = free_port();
    let smtp = SmtpServer::start(smtp_port, &dir.join("received.jsonl"));
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}?tls=none");
    let server = serve_with(
        &dir,
        None,
        free_port(),
        &[("LAUREL_SMTP_URL", &smtp_url), FROM],
    );
    // Queued by another process, delivered by the running server's worker.
    let id = send_test_mail(&dir, None, "Someone@Example.org");
    let messages = smtp.wait_for(1, Duration::from_secs(10));
    assert_test_mail(&messages[0], "someone@example.org");
    let done = done_job(&sqlite_url(&dir), id);
    assert_eq!(done.attempts, 1);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(smtp.messages().len(), 1, "sent once");
    server.stop();
}

#[test]
fn a_down_smtp_server_loses_nothing() {
    // The SMTP server's venv first: set up later, on a cold machine, it could
    // take longer than the retries the job has left.
    let _ = smtp::smtp_python();
    let dir = temp_dir("mail-down");
    let smtp_port = free_port(); // nothing listens there yet
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}?tls=none");
    // Queued while no Laurel runs at all: the queue is the database.
    let id = send_test_mail(&dir, None, "patient@example.org");
    let server = serve_with(
        &dir,
        None,
        free_port(),
        &[
            ("LAUREL_SMTP_URL", &smtp_url),
            FROM,
            ("LAUREL_JOB_BACKOFF_BASE_MS", "200"),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let failed = loop {
        let job = job(&sqlite_url(&dir), id);
        if job.attempts >= 1 && job.last_error.is_some() && job.locked_by.is_none() {
            break job;
        }
        assert!(Instant::now() < deadline, "no failed attempt: {job:?}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(failed.is_pending(), "{failed:?}");
    let error = failed.last_error.unwrap();
    assert!(error.starts_with("SMTP"), "{error}");

    // The server comes up: the retry delivers the mail, once.
    let smtp = SmtpServer::start(smtp_port, &dir.join("received.jsonl"));
    let messages = smtp.wait_for(1, Duration::from_secs(30));
    assert_test_mail(&messages[0], "patient@example.org");
    let done = done_job(&sqlite_url(&dir), id);
    assert!(done.attempts >= 2, "{done:?}");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(smtp.messages().len(), 1, "sent once");
    server.stop();
}

#[test]
fn two_instances_on_one_postgres_send_each_mail_once() {
    let db = block_on(TestDatabase::postgres());
    let smtp_port = free_port();
    let smtp_dir = temp_dir("mail-pg");
    let smtp = SmtpServer::start(smtp_port, &smtp_dir.join("received.jsonl"));
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}?tls=none");
    // Instances sharing a database share the master key (queued mail is
    // sealed under it).
    let master_key = "5a".repeat(32);
    let settings = [
        ("LAUREL_SMTP_URL", smtp_url.as_str()),
        FROM,
        ("LAUREL_MASTER_KEY", master_key.as_str()),
    ];
    let (dir_a, dir_b) = (temp_dir("mail-pg-a"), temp_dir("mail-pg-b"));
    // Queued before either instance runs, so both race for the same jobs.
    let recipients: Vec<String> = (0..12).map(|n| format!("r{n}@example.org")).collect();
    let ids: Vec<i64> = recipients
        .iter()
        .map(|to| send_test_mail_with(&dir_a, Some(&db.url), to, &settings))
        .collect();
    let a = serve_with(&dir_a, Some(&db.url), free_port(), &settings);
    let b = serve_with(&dir_b, Some(&db.url), free_port(), &settings);
    smtp.wait_for(recipients.len(), Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(2500));
    let messages = smtp.messages();
    let mut received: Vec<String> = messages
        .iter()
        .map(|m| m["to"].as_str().unwrap().to_owned())
        .collect();
    received.sort();
    let mut expected = recipients.clone();
    expected.sort();
    assert_eq!(received, expected, "each mail exactly once");
    for message in &messages {
        assert_test_mail(message, message["to"].as_str().unwrap());
    }
    for id in ids {
        let job = done_job(&db.url, id);
        assert_eq!(job.attempts, 1, "{job:?}");
    }
    a.stop();
    b.stop();
    block_on(db.cleanup());
}

#[test]
fn without_smtp_mail_is_written_to_the_data_dir() {
    let dir = temp_dir("mail-files");
    let server = Server::start_with(laurel(&dir), free_port());
    send_test_mail(&dir, None, "files@example.org");
    let mail_dir = dir.join("mail");
    let deadline = Instant::now() + Duration::from_secs(10);
    let eml = loop {
        let found: Vec<PathBuf> = std::fs::read_dir(&mail_dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        if let [one] = found.as_slice() {
            break one.clone();
        }
        assert!(found.len() <= 1, "{found:?}");
        assert!(
            Instant::now() < deadline,
            "no .eml in {}",
            mail_dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let name = eml.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("20") && name.contains("Z-"),
        "<timestamp>-<id>.eml: {name}"
    );
    let text = std::fs::read_to_string(&eml).unwrap();
    assert!(text.contains("\r\nTo: files@example.org\r\n"), "{text}");
    assert!(
        text.contains("From: Laurel <no-reply@localhost>\r\n"),
        "{text}"
    );
    assert!(text.contains("Subject: Laurel test mail\r\n"), "{text}");
    assert!(
        text.contains("Content-Type: multipart/alternative;"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: text/plain; charset=utf-8"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: text/html; charset=utf-8"),
        "{text}"
    );
    server.stop();
}

#[test]
fn bad_mail_settings_are_one_sentence() {
    let dir = temp_dir("mail-bad");
    let out = laurel(&dir)
        .arg("serve")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("LAUREL_SMTP_URL", "http://user:secret@mail.example.org")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let line = stderr
        .lines()
        .find(|l| l.starts_with("laurel: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        line.contains("LAUREL_SMTP_URL=http://user:***@mail.example.org"),
        "{line}"
    );
    assert!(!stderr.contains("secret"), "password leaked: {stderr}");

    let out = laurel(&dir)
        .args(["send-test-mail", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("laurel: ")),
        "{stderr}"
    );

    let out = laurel(&dir)
        .args(["send-test-mail", "x@example.org"])
        .env("LAUREL_MAIL_FROM", "not an address")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("laurel: LAUREL_MAIL_FROM="), "{stderr}");
}
