//! A CSV batch survives a crash: the real `laurel` binary is killed with
//! SIGKILL in the middle of a 5,000-row batch and started again; the batch
//! then completes with exactly 5,000 badges — none lost, none twice — on
//! SQLite and on PostgreSQL.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use laurel::crypto::MasterKey;
use laurel::{BatchStatus, Subdomain};
use laurel_service::batches::create_batch;
use laurel_store::{
    month_key, testing::TestDatabase, BatchCounts, RegisterQuery, Store, TemplateDesign,
};

const ROWS: usize = 5_000;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// An organisation with a template and a confirmed batch of [`ROWS`] rows.
fn prepare(url: &str) -> (i64, i64) {
    block_on(async {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        let org = store
            .ensure_organisation(&Subdomain::parse("crash-test").unwrap(), "Crash Test Ltd")
            .await
            .unwrap();
        laurel_service::billing::grant_free_trial(&store, &org)
            .await
            .unwrap();
        let (template, _) = store
            .create_template(
                org.id,
                Some("crash"),
                "crash-class",
                &TemplateDesign {
                    name: "Survivor",
                    description: "Issued through a crash.",
                    criteria_narrative: Some("Be in the file."),
                    criteria_url: None,
                    image_type: "image/png",
                    image: include_bytes!("../assets/demo-badge.png"),
                    tags: "[]",
                    alignment: "[]",
                    validity_years: 1,
                },
            )
            .await
            .unwrap();
        let mut csv = String::from("email,first_name,last_name,achievement_date\n");
        for n in 0..ROWS {
            csv.push_str(&format!(
                "holder{n}@example.com,Holder,Number {n},2026-01-01\n"
            ));
        }
        let batch = create_batch(&store, org.id, &template, None, "crash.csv", csv.as_bytes())
            .await
            .unwrap();
        assert!(store.confirm_batch(org.id, batch).await.unwrap());
        store.close().await;
        (org.id, batch)
    })
}

fn counts(url: &str, batch: i64) -> (BatchCounts, BatchStatus) {
    block_on(async {
        let store = Store::connect(url).await.unwrap();
        let c = store.batch_counts(batch).await.unwrap();
        let status = store.batch_by_id(batch).await.unwrap().unwrap().status;
        store.close().await;
        (c, status)
    })
}

fn serve(dir: &Path, url: &str, key: &str) -> Server {
    let mut cmd = laurel(dir);
    cmd.env("DATABASE_URL", url).env("LAUREL_MASTER_KEY", key);
    Server::start_with(cmd, free_port())
}

fn survives_a_crash(url: &str, tag: &str) {
    let dir = temp_dir(tag);
    let key = MasterKey::generate().to_hex();
    let (org, batch) = prepare(url);
    let server = serve(&dir, url, &key);
    // Wait until the batch is well under way, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (c, _) = counts(url, batch);
        if c.issued >= 1_000 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the batch does not progress: {c:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no cleanup
    server.child.wait().unwrap();
    let (at_crash, status) = counts(url, batch);
    assert_eq!(status, BatchStatus::Running);
    assert!(
        at_crash.issued < ROWS as i64,
        "the crash came too late to prove anything: {at_crash:?}"
    );
    // Started again, it resumes (after the dead worker's lease runs out).
    let server = serve(&dir, url, &key);
    // Fails only when the batch stops moving (no row issued for 90 s, well
    // past the 30 s lease), not on a fixed deadline a busy machine could miss.
    let mut progress = (Instant::now(), -1);
    let done = loop {
        let (c, status) = counts(url, batch);
        if status == BatchStatus::Done {
            break c;
        }
        if c.issued > progress.1 {
            progress = (Instant::now(), c.issued);
        }
        assert!(
            progress.0.elapsed() < Duration::from_secs(90),
            "the batch stalled after the restart: {c:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    server.stop();
    assert_eq!(
        (done.issued, done.pending, done.failed, done.skipped),
        (ROWS as i64, 0, 0, 0),
        "crashed at {at_crash:?}"
    );
    block_on(async {
        let store = Store::connect(url).await.unwrap();
        let (_, badges) = store
            .register(
                org,
                &RegisterQuery {
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(badges, ROWS as i64, "exactly one badge per row");
        let month = month_key(chrono::Utc::now());
        assert_eq!(
            store.usage_of_month(org, &month).await.unwrap(),
            ROWS as i64
        );
        store.close().await;
    });
}

#[test]
fn a_batch_survives_kill_9_on_sqlite() {
    let dir = temp_dir("batch-sqlite-db");
    let url = format!("sqlite://{}", dir.join("laurel.db").display());
    survives_a_crash(&url, "batch-sqlite");
}

#[test]
fn a_batch_survives_kill_9_on_postgres() {
    let db = block_on(TestDatabase::postgres());
    survives_a_crash(&db.url, "batch-postgres");
    block_on(db.cleanup());
}

#[test]
fn oversized_request_bodies_are_refused_unread() {
    use std::io::{Read, Write};
    let dir = temp_dir("body-limit");
    let port = free_port();
    let server = Server::start_with(laurel(&dir), port);
    // Only the headers are sent: the answer comes before any of the body.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /api/issuing/upload_batch HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Origin: {base}\r\nContent-Type: multipart/form-data; boundary=x\r\n\
         Content-Length: {}\r\n\r\n",
        34 * 1024 * 1024,
        base = server.base
    )
    .unwrap();
    let mut answer = [0u8; 64];
    let n = stream.read(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    drop(stream);
    server.stop();
}
