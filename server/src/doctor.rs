//! `laurel doctor`: checks what Laurel needs, one line per check — `ok` or
//! `FAIL` with what to do about it — and exits 0 only when all pass. It
//! changes nothing (it never migrates and never makes a master key), except
//! for queueing a test mail when asked (and SQLite creating an empty
//! database file where there is none).

use std::path::Path;
use std::process::ExitCode;

use laurel::crypto::MasterKey;
use laurel_service::mail;
use laurel_store::Store;

use crate::config::Config;

struct Report {
    failed: bool,
}

impl Report {
    fn ok(&mut self, check: &str, detail: &str) {
        println!("ok   {check}: {detail}");
    }
    fn fail(&mut self, check: &str, problem: &str, fix: &str) {
        self.failed = true;
        println!("FAIL {check}: {problem} Fix: {fix}");
    }
}

/// The master key as `serve` would read it, without making one.
fn master_key(config: &Config) -> Result<Option<MasterKey>, String> {
    if let Some(text) = config
        .master_key
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        return MasterKey::parse(text)
            .map(Some)
            .map_err(|e| format!("LAUREL_MASTER_KEY: {e}"));
    }
    let path = config.data_dir.join("master.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => MasterKey::parse(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn writable(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let probe = dir.join(".laurel-doctor");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| e.to_string())
}

pub async fn run(config: &Config, send_test_mail: Option<&str>, min_free_mb: u64) -> ExitCode {
    let mut r = Report { failed: false };
    let data_dir = config.data_dir.display().to_string();

    // Settings that only show themselves when used.
    match crate::billing_config(config) {
        Ok(b) => r.ok(
            "configuration",
            &format!(
                "public URL {}; payments by {}",
                config.public_url.as_str(),
                if b.stripe.is_some() {
                    "Stripe and bank transfer"
                } else {
                    "bank transfer"
                }
            ),
        ),
        Err(e) => r.fail(
            "configuration",
            &e.to_string(),
            "set all three LAUREL_STRIPE_* settings, or none.",
        ),
    }
    match writable(&config.data_dir) {
        Ok(()) => r.ok("data directory", &format!("{data_dir} is writable")),
        Err(e) => r.fail(
            "data directory",
            &format!("{data_dir} cannot be written: {e}."),
            "point LAUREL_DATA_DIR at a directory the server's user owns.",
        ),
    }
    match fs4::available_space(&config.data_dir) {
        Ok(bytes) if bytes / 1_000_000 >= min_free_mb => {
            r.ok("disk space", &format!("{} MB free in {data_dir}", bytes / 1_000_000))
        }
        Ok(bytes) => r.fail(
            "disk space",
            &format!("only {} MB free in {data_dir} (at least {min_free_mb} MB wanted).", bytes / 1_000_000),
            "free space or move LAUREL_DATA_DIR to a larger disk (the SQLite database, uploads' temporary files and mail live there).",
        ),
        Err(e) => r.fail("disk space", &format!("cannot read the free space of {data_dir}: {e}."), "check LAUREL_DATA_DIR."),
    }

    // The database, its migrations and the keys sealed in it.
    let url = config.database_url();
    let store = match Store::connect(&url).await {
        Ok(s) => {
            match s.ping().await {
                Ok(()) => r.ok(
                    "database",
                    &format!(
                        "{:?} at {} answers",
                        s.backend(),
                        laurel_store::redact_url(&url)
                    ),
                ),
                Err(e) => r.fail(
                    "database",
                    &format!("{e}."),
                    "check DATABASE_URL and that the database server runs.",
                ),
            }
            Some(s)
        }
        Err(e) => {
            r.fail(
                "database",
                &e.to_string(),
                "check DATABASE_URL and that the database server runs and takes connections.",
            );
            None
        }
    };
    let key = master_key(config);
    if let Some(store) = &store {
        match store.migration_status().await {
            Ok(m) if m.pending.is_empty() && m.unknown_or_dirty.is_empty() => {
                r.ok("migrations", &format!("all {} applied", m.embedded))
            }
            Ok(m) if !m.unknown_or_dirty.is_empty() => r.fail(
                "migrations",
                &format!("the database has migrations this binary does not know or that failed: {}.", m.unknown_or_dirty.join(", ")),
                "run the Laurel version that applied them (or newer); restore a backup if a migration failed half-way.",
            ),
            Ok(m) => r.fail(
                "migrations",
                &format!("{} of {} pending: {}.", m.pending.len(), m.embedded, m.pending.join(", ")),
                "run `laurel migrate` (or start `laurel serve`, which migrates first).",
            ),
            Err(e) => r.fail("migrations", &format!("{e}."), "check the database user's rights."),
        }
        let sample = store.sample_issuer_keys(50).await.unwrap_or_default();
        match (&key, sample.is_empty()) {
            (Err(e), _) => r.fail("master key", &format!("{e}."), "give LAUREL_MASTER_KEY 64 hex digits (or base64 of 32 bytes), the key the stored keys were sealed with."),
            (Ok(None), true) => r.ok("master key", "none yet; `laurel serve` makes one on first start"),
            (Ok(None), false) => r.fail(
                "master key",
                &format!("no master key, but the database holds {} sealed issuer key(s).", sample.len()),
                "set LAUREL_MASTER_KEY (or restore master.key in the data directory) to the key every instance uses.",
            ),
            (Ok(Some(master)), _) => {
                let opened = sample.iter().filter(|k| laurel_service::issuing::master_opens(master, k)).count();
                if opened == sample.len() {
                    r.ok("master key", &format!("opens the {opened} stored issuer key(s) checked"));
                } else {
                    r.fail(
                        "master key",
                        &format!("opens {opened} of the {} stored issuer keys checked: it is not the key they were sealed with.", sample.len()),
                        "set LAUREL_MASTER_KEY to the key the other instances use (every instance on one database needs the same).",
                    );
                }
            }
        }
    } else {
        r.fail(
            "migrations",
            "not checked: no database.",
            "fix the database first.",
        );
        match key {
            Ok(_) => r.ok(
                "master key",
                "readable (not checked against stored keys: no database)",
            ),
            Err(e) => r.fail(
                "master key",
                &format!("{e}."),
                "give LAUREL_MASTER_KEY 64 hex digits.",
            ),
        }
    }

    // Mail.
    match (
        mail::MailTransport::from_settings(config.smtp_url.as_deref(), &config.data_dir),
        mail::parse_from(&config.mail_from),
    ) {
        (Err(e), _) | (_, Err(e)) => {
            r.fail("mail", &e, "correct LAUREL_SMTP_URL / LAUREL_MAIL_FROM.")
        }
        (Ok(transport), Ok(_)) => match transport.check().await {
            Ok(()) => r.ok("mail", &transport.describe(config.smtp_url.as_deref())),
            Err(e) => r.fail(
                "mail",
                &format!("{} — {e}.", transport.describe(config.smtp_url.as_deref())),
                "check LAUREL_SMTP_URL's host, port, TLS mode and credentials.",
            ),
        },
    }
    // The outbox: mail given up, or failing for a while, shows here before
    // anyone misses a message.
    if let Some(store) = &store {
        outbox(&mut r, store).await;
    }
    if let (Some(to), Some(store)) = (send_test_mail, &store) {
        match laurel::Email::parse(to) {
            Ok(to) => {
                // Queued mail is sealed under the master key `serve` uses.
                match master_key(config) {
                    Ok(Some(master)) => match mail::enqueue_mail(
                        store,
                        &master,
                        &mail::test_mail(&to, config.public_url.as_str()),
                    )
                    .await
                    {
                        Ok(id) => r.ok(
                            "test mail",
                            &format!(
                                "queued as job {id} to {to}; a running `laurel serve` sends it"
                            ),
                        ),
                        Err(e) => {
                            r.fail("test mail", &format!("{e}."), "apply the migrations first.")
                        }
                    },
                    _ => r.fail(
                        "test mail",
                        "not queued: there is no master key to seal it with.",
                        "set LAUREL_MASTER_KEY, or start `laurel serve` once to make the key file.",
                    ),
                }
            }
            Err(e) => r.fail("test mail", &e.to_string(), "give a valid address."),
        }
    }
    if let Some(store) = store {
        store.close().await;
    }
    if r.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The outbox check: fails when mail was given up (retried for
/// `MAIL_RETRY_FOR` in vain) or has been failing for over 15 minutes.
async fn outbox(r: &mut Report, store: &laurel_store::Store) {
    let (failed, failing) = match (store.failed_jobs().await, store.failing_mail().await) {
        (Ok(failed), Ok(failing)) => (failed, failing),
        (Err(e), _) | (_, Err(e)) => {
            r.fail(
                "outbox",
                &format!("cannot read the job queue: {e}."),
                "apply the migrations first.",
            );
            return;
        }
    };
    let given_up: Vec<_> = failed
        .iter()
        .filter(|(queue, ..)| {
            queue == laurel_store::MAIL_QUEUE || queue == laurel_store::HOLDER_MAIL_QUEUE
        })
        .collect();
    if !given_up.is_empty() {
        let count: i64 = given_up.iter().map(|(_, n, _)| n).sum();
        let error = given_up
            .iter()
            .find_map(|(_, _, e)| e.as_deref())
            .unwrap_or("no error recorded");
        r.fail(
            "outbox",
            &format!("{count} mail(s) were given up after {} h of retries (last error: {error}).", laurel_store::MAIL_RETRY_FOR.num_hours()),
            "fix the mail settings, then run `laurel jobs retry --queue mail` (and `--queue mail-holder`).",
        );
        return;
    }
    let (count, since, error) = failing;
    let waiting = since.map(|t| chrono::Utc::now() - t);
    match waiting {
        Some(w) if w > chrono::Duration::minutes(15) => r.fail(
            "outbox",
            &format!(
                "{count} mail(s) failing for {} min (last error: {}); they are retried for {} h.",
                w.num_minutes(),
                error.as_deref().unwrap_or("none recorded"),
                laurel_store::MAIL_RETRY_FOR.num_hours()
            ),
            "check LAUREL_SMTP_URL and that the SMTP server answers.",
        ),
        _ => r.ok(
            "outbox",
            &format!("no mail given up; {count} being retried"),
        ),
    }
}
