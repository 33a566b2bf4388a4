//! Several instances behind a load balancer, one killed mid-run: two
//! `laurel serve` processes on one PostgreSQL database behind nginx
//! (Debian's, on loopback), as production runs them. While a CSV batch of
//! [`BATCH_ROWS`] rows runs, four clients issue [`API_BADGES`] badges
//! through the REST API via nginx (a request the dead instance could not
//! answer is sent again, as any client would: the same holder, template
//! and date find the badge already issued). One instance is killed with
//! SIGKILL mid-run, then started again. Afterwards:
//!
//! - every badge exists exactly once (no holder has two);
//! - every holder's mail arrived at the SMTP server, and none as two
//!   different mails: a mail sent again by the surviving instance (the
//!   dead one was killed between sending and recording it) carries the
//!   same `Message-ID`, by which mail systems drop the copy;
//! - every badge's `badge.issued` webhook event arrived at the receiver,
//!   each badge under one event id (a redelivery repeats it, as the
//!   webhook documentation tells receivers to expect).

mod common;
#[path = "common/fixture.rs"]
mod fixture;
#[path = "common/owner.rs"]
mod owner;
#[path = "common/smtp.rs"]
mod smtp;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use laurel::{ApiScopes, WebhookEvent};
use laurel_service::api::TokenRequest;
use laurel_service::ServerContext;
use laurel_store::testing::TestDatabase;
use smtp::SmtpServer;

const API_BADGES: usize = 150;
const BATCH_ROWS: usize = 600;

/// The webhook deliveries received: each body's event id and the badge it
/// is about, in arrival order.
type Deliveries = Arc<Mutex<Vec<(String, String)>>>;

/// An HTTP receiver of webhook deliveries, on a port of its own.
fn webhook_receiver() -> (u16, Deliveries) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Deliveries = Arc::default();
    let into = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let into = into.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(event) = serde_json::from_slice::<serde_json::Value>(&body) {
                    let id = event["id"].as_str().unwrap_or_default().to_owned();
                    let badge = event["data"]["badge"]["id"]
                        .as_str()
                        .or(event["data"]["badge"]["url"].as_str())
                        .unwrap_or_default()
                        .to_owned();
                    into.lock().unwrap().push((id, badge));
                }
                let mut stream = stream;
                let _ = stream.write_all(
                    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    (port, seen)
}

/// Debian's nginx balancing `upstreams` on `port`, killed on drop.
struct Nginx(Child);

impl Nginx {
    fn start(dir: &Path, port: u16, upstreams: &[u16]) -> Self {
        let servers: String = upstreams
            .iter()
            .map(|p| format!("server 127.0.0.1:{p} max_fails=1 fail_timeout=2s; "))
            .collect();
        let d = dir.display();
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        let conf = format!(
            "worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log;\n\
             events {{ worker_connections 512; }}\n\
             http {{ access_log off;\n\
               client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;\n\
               uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n\
               upstream laurel {{ {servers} }}\n\
               server {{ listen 127.0.0.1:{port};\n\
                 location / {{ proxy_pass http://laurel; proxy_set_header Host $http_host;\n\
                   proxy_set_header X-Forwarded-For $remote_addr; proxy_connect_timeout 1s;\n\
                   proxy_next_upstream error timeout; }} }} }}\n"
        );
        let path = dir.join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let child = Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(&path)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .spawn()
            .expect("nginx (Debian's nginx-light, installed by scripts/setup.sh)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while agent()
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .call()
            .map_or(true, |r| r.status() != 200)
        {
            assert!(Instant::now() < deadline, "nginx did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx(child)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `laurel serve` on `port` with the cluster's settings; its public URL is
/// the load balancer's.
fn instance(dir: &Path, port: u16, settings: &[(&str, String)]) -> Server {
    let mut cmd = laurel(dir);
    for (k, v) in settings {
        cmd.env(k, v);
    }
    Server::start_with(cmd, port)
}

#[test]
fn two_instances_behind_nginx_one_killed_lose_and_double_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = runtime.block_on(TestDatabase::postgres());
    let dir = temp_dir("cluster");
    let smtp_port = free_port();
    let smtp = SmtpServer::start(smtp_port, &dir.join("mail.jsonl"));
    let (hook_port, hooks) = webhook_receiver();
    let lb_port = free_port();
    let public = format!("http://127.0.0.1:{lb_port}");
    let master = laurel::crypto::MasterKey::generate();
    let settings: Vec<(&str, String)> = vec![
        ("DATABASE_URL", db.url.clone()),
        ("LAUREL_PUBLIC_URL", public.clone()),
        ("LAUREL_MASTER_KEY", master.to_hex()),
        (
            "LAUREL_SMTP_URL",
            format!("smtp://127.0.0.1:{smtp_port}?tls=none"),
        ),
        ("LAUREL_MAIL_FROM", "Laurel <badges@cluster.example>".into()),
        ("LAUREL_FETCH_ALLOW_PRIVATE", "true".into()),
        ("LAUREL_TRUST_FORWARDED_FOR", "true".into()),
        ("LAUREL_JOB_BACKOFF_BASE_MS", "200".into()),
        // A mail or webhook job the killed instance held is taken over
        // after this (5 minutes in production).
        ("LAUREL_JOB_LEASE_SECS", "10".into()),
    ];

    // The organisation, its template, an API token, a webhook endpoint and
    // a confirmed batch, before any instance runs.
    let (token, template, batch) = runtime.block_on(async {
        let store = laurel_store::testing::open(&db).await;
        let mut ctx = ServerContext::new(store.clone(), &public, Arc::new(master.clone()));
        ctx.fetcher = laurel_service::fetch::HttpFetcher::new(true);
        let (org, _) = owner::signed_in_owner(&store, "cluster").await;
        let owner = store
            .user_by_email("owner@cluster.example")
            .await
            .unwrap()
            .unwrap();
        let (template, _) = fixture::template(&store, org.id, "cluster-class").await;
        let (token, _) = laurel_service::api::create_token(
            &ctx,
            org.id,
            owner.id,
            "127.0.0.1",
            TokenRequest {
                name: "cluster test",
                scopes: &"badges:issue".parse::<ApiScopes>().unwrap(),
                expires_at: None,
            },
        )
        .await
        .unwrap();
        laurel_service::webhooks::create(
            &ctx,
            org.id,
            &format!("http://127.0.0.1:{hook_port}/hook"),
            &[WebhookEvent::BadgeIssued],
        )
        .await
        .unwrap();
        let mut csv = String::from("email,first_name,last_name,achievement_date\n");
        for i in 0..BATCH_ROWS {
            csv.push_str(&format!(
                "batch{i}@cluster.example,Batch,Holder {i},2026-01-01\n"
            ));
        }
        let batch = laurel_service::batches::create_batch(
            &store,
            org.id,
            &template,
            None,
            "cluster.csv",
            csv.as_bytes(),
        )
        .await
        .unwrap();
        assert!(store.confirm_batch(org.id, batch).await.unwrap());
        store.close().await;
        (token, template.id, batch)
    });

    let (port_a, port_b) = (free_port(), free_port());
    let mut a = instance(&dir.join("a"), port_a, &settings);
    let b = instance(&dir.join("b"), port_b, &settings);
    let _nginx = Nginx::start(&dir.join("nginx"), lb_port, &[port_a, port_b]);

    // Four clients, each its share of the API badges, retrying what fails.
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let retries = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (next, done, retries) = (next.clone(), done.clone(), retries.clone());
            let (public, token) = (public.clone(), token.clone());
            std::thread::spawn(move || {
                let http = agent();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= API_BADGES {
                        return;
                    }
                    let body = serde_json::json!({
                        "templateId": template,
                        "email": format!("api{i}@cluster.example"),
                        "firstName": "Api",
                        "lastName": format!("Holder {i}"),
                        "achievedOn": "2026-01-01",
                    })
                    .to_string();
                    let deadline = Instant::now() + Duration::from_secs(60);
                    loop {
                        let status = http
                            .post(format!("{public}/api/v1/badges"))
                            .header("Authorization", format!("Bearer {token}"))
                            .header("Content-Type", "application/json")
                            .send(&body)
                            .map_or(0, |r| r.status().as_u16());
                        if status == 201 || status == 200 {
                            break;
                        }
                        assert!(
                            status == 0 || status >= 500,
                            "api{i}: {status} is not a failure to retry"
                        );
                        assert!(Instant::now() < deadline, "api{i}: never issued");
                        retries.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    // Mid-run: instance A dies without a word, and comes back.
    let deadline = Instant::now() + Duration::from_secs(60);
    while done.load(Ordering::Relaxed) < API_BADGES / 3 {
        assert!(Instant::now() < deadline, "the clients made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    std::thread::sleep(Duration::from_secs(1));
    a = instance(&dir.join("a"), port_a, &settings);
    for c in clients {
        c.join().unwrap();
    }

    // The batch finishes (its job, if the dead instance held it, is taken
    // over once its lease runs out), and every mail and event arrives.
    let db_url = db.url.clone();
    let counts = move || {
        let out = Command::new("psql")
            .arg(&db_url)
            .args([
                "-Atc",
                &format!(
                    "SELECT (SELECT count(*) FROM assertions), \
                            (SELECT count(DISTINCT recipient_email) FROM assertions), \
                            (SELECT status FROM issue_batches WHERE id = {batch})"
                ),
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let total = API_BADGES + BATCH_ROWS;
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let now = counts();
        if now == format!("{total}|{total}|done") {
            break;
        }
        assert!(Instant::now() < deadline, "not all issued: {now}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let messages = smtp.wait_for(total, Duration::from_secs(180));
    let deadline = Instant::now() + Duration::from_secs(120);
    while hooks.lock().unwrap().len() < total {
        assert!(
            Instant::now() < deadline,
            "{} of {total} webhook events",
            hooks.lock().unwrap().len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A little longer: a copy in flight would show now.
    std::thread::sleep(Duration::from_secs(2));
    let messages = if smtp.messages().len() > messages.len() {
        smtp.messages()
    } else {
        messages
    };

    // Mail: one Message-ID per holder, each holder mailed.
    let mut ids_by_holder: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &messages {
        let to = m["to"].as_str().unwrap_or_default();
        if !(to.starts_with("api") || to.starts_with("batch")) {
            continue; // not a holder's mail
        }
        let raw = m["raw"].as_str().unwrap_or_default();
        let id = raw
            .lines()
            .find_map(|l| {
                l.strip_prefix("Message-ID: ")
                    .or(l.strip_prefix("Message-Id: "))
            })
            .unwrap_or("(none)")
            .trim()
            .to_owned();
        ids_by_holder.entry(to.to_owned()).or_default().insert(id);
    }
    assert_eq!(ids_by_holder.len(), total, "every holder mailed");
    let doubled: Vec<_> = ids_by_holder
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .collect();
    assert!(doubled.is_empty(), "two different mails: {doubled:?}");
    // Webhooks: one event id per badge, each badge told.
    let mut ids_by_badge: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, badge) in hooks.lock().unwrap().iter() {
        ids_by_badge
            .entry(badge.clone())
            .or_default()
            .insert(id.clone());
    }
    assert_eq!(ids_by_badge.len(), total, "every badge's event delivered");
    assert!(
        ids_by_badge.values().all(|ids| ids.len() == 1),
        "a badge under two event ids"
    );
    println!(
        "{total} badges; {} mails for {} holders; {} webhook deliveries; {} API retries",
        messages.len(),
        ids_by_holder.len(),
        hooks.lock().unwrap().len(),
        retries.load(Ordering::Relaxed)
    );
    a.stop();
    b.stop();
    runtime.block_on(db.cleanup());
}
