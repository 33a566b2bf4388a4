//! `laurel`: the server binary. Start-up is a short list of checks, each of
//! which stops with one sentence naming the setting at fault.

mod api;
mod badges;
mod billing;
mod config;
mod demo;
mod dev_mail;
mod doctor;
mod metrics;
mod queries;
mod remote;
mod routes;
mod security;
mod state;
mod telemetry;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use laurel::crypto::MasterKey;
use laurel_service::{batches, jobs, mail, ServerContext};
use laurel_store::{Store, StoreError};
use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;

use crate::config::{Cli, Command, Config};

use crate::security::SecurityConfig;
use crate::state::AppState;

/// Why Laurel could not start or finish a command. Each is one sentence.
#[derive(Debug, thiserror::Error)]
enum StartupError {
    #[error("LAUREL_BASE_DOMAIN={base} contains the main host {host}: the organisation “{label}” would be served at Laurel's own address. Use the main host itself as the base domain, or a domain the main host is not under.")]
    BaseDomainHoldsMainHost {
        base: String,
        host: String,
        label: String,
    },
    #[error("LAUREL_DATA_DIR={path} is not a directory.")]
    DataDirNotDirectory { path: String },
    #[error("LAUREL_DATA_DIR={path} is not writable: {reason}.")]
    DataDirNotWritable {
        path: String,
        reason: std::io::Error,
    },
    #[error("LEPTOS_SITE_ADDR={addr} cannot be used: {reason}. Is another server already listening there?")]
    Bind {
        addr: String,
        reason: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("LAUREL_MASTER_KEY: {0}")]
    MasterKey(laurel::crypto::SealError),
    #[error("The master key file {path} cannot be used: {reason}.")]
    MasterKeyFile {
        path: String,
        reason: std::io::Error,
    },
    #[error("The demonstration data could not be created: {0}")]
    Demo(laurel_service::ServiceError),
    /// A mail setting (LAUREL_SMTP_URL, LAUREL_MAIL_FROM) or address; the
    /// text names it.
    #[error("{0}")]
    Mail(String),
    #[error("The HTTP server stopped with an error: {0}.")]
    Serve(std::io::Error),
    /// A billing setting (LAUREL_STRIPE_*); the text names it.
    #[error("{0}")]
    Billing(String),
    /// An operator command (`laurel plans`, `laurel billing`) was refused.
    #[error("{0}")]
    Command(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let telemetry = telemetry::init(cli.config.log_format);
    let code = run_command(cli);
    telemetry.shutdown();
    code
}

fn run_command(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("laurel: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Verify {
        input,
        recipient,
        json,
    } = command
    {
        let fetcher = laurel_service::fetch::HttpFetcher::new(cli.config.fetch_allow_private);
        return runtime.block_on(verify(&fetcher, &input, recipient, json));
    }
    if let Command::ServerFns = command {
        let mut fns: Vec<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| format!("{method} {path}"))
            .collect();
        fns.sort();
        for line in fns {
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    if let Command::Doctor {
        send_test_mail,
        min_free_mb,
    } = &command
    {
        return runtime.block_on(doctor::run(
            &cli.config,
            send_test_mail.as_deref(),
            *min_free_mb,
        ));
    }
    match runtime.block_on(run(command, cli.config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "laurel stopped");
            eprintln!("laurel: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), StartupError> {
    check_base_domain(&config)?;
    ensure_data_dir(&config.data_dir)?;
    match command {
        Command::Migrate => {
            let store = open_store(&config).await?;
            println!("migrations applied ({:?})", store.backend());
            store.close().await;
            Ok(())
        }
        Command::Demo => {
            let store = open_store(&config).await?;
            let ctx = server_context(&config, store.clone())?;
            for (kind, url) in demo::run(&ctx, &config.data_dir)
                .await
                .map_err(StartupError::Demo)?
            {
                println!("{kind} {url}");
            }
            store.close().await;
            Ok(())
        }
        Command::Plans { action } => {
            let store = open_store(&config).await?;
            let ctx = server_context(&config, store.clone())?;
            let result = billing::plans(&ctx, action).await;
            store.close().await;
            result.map_err(StartupError::Command)
        }
        Command::Jobs { action } => {
            let store = open_store(&config).await?;
            let result = jobs_command(&store, action).await;
            store.close().await;
            result
        }
        Command::Orgs { action } => {
            let store = open_store(&config).await?;
            let result = orgs_command(&store, action).await;
            store.close().await;
            result
        }
        Command::Billing { action } => {
            let store = open_store(&config).await?;
            let ctx = server_context(&config, store.clone())?;
            let result = billing::billing(&ctx, action).await;
            store.close().await;
            result.map_err(StartupError::Command)
        }
        Command::Serve => serve(config).await,
        Command::SendTestMail { to } => send_test_mail(&config, &to).await,
        Command::Verify { .. } | Command::ServerFns => {
            unreachable!("handled before start-up: it needs no database")
        }
        Command::Doctor { .. } => unreachable!("handled before start-up: it reports, not stops"),
    }
}

/// `laurel verify`: reads the input (a file when the path exists), runs the
/// verifier and prints its report.
async fn verify(
    fetcher: &laurel_service::fetch::HttpFetcher,
    input: &str,
    recipient: Option<String>,
    json: bool,
) -> ExitCode {
    use laurel::verify::{Input, Options, Outcome};
    let path = Path::new(input);
    let input = if path.is_file() {
        match std::fs::metadata(path) {
            Ok(m) if m.len() > laurel::bake::MAX_IMAGE_BYTES as u64 => {
                eprintln!(
                    "laurel: {input} is larger than {} bytes.",
                    laurel::bake::MAX_IMAGE_BYTES
                );
                return ExitCode::FAILURE;
            }
            _ => {}
        }
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                // Text files (JSON, JWS) and SVG go in as text; the verifier
                // tells SVG from JSON by its content.
                Ok(text) if !text.trim_start().starts_with('<') => Input::Text(text),
                Ok(text) => Input::Image(text.into_bytes()),
                Err(e) => Input::Image(e.into_bytes()),
            },
            Err(e) => {
                eprintln!("laurel: cannot read {input}: {e}.");
                return ExitCode::FAILURE;
            }
        }
    } else {
        Input::Text(input.to_owned())
    };
    let report = laurel::verify::verify(
        input,
        fetcher,
        &Options {
            recipients: recipient.into_iter().collect(),
            now: chrono::Utc::now(),
        },
    )
    .await;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for check in &report.checks {
            let mark = match check.outcome {
                Outcome::Passed => "✓",
                Outcome::Failed => "✗",
                Outcome::Warning => "!",
                Outcome::Skipped => "-",
            };
            println!("{mark} {:?}: {}", check.name, check.message);
        }
        println!("{}", if report.valid { "VALID" } else { "NOT VALID" });
    }
    if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Creates the data directory if needed and proves it is writable, so a bad
/// `LAUREL_DATA_DIR` fails now and not at the first upload.
fn ensure_data_dir(dir: &Path) -> Result<(), StartupError> {
    let path = dir.display().to_string();
    if dir.exists() && !dir.is_dir() {
        return Err(StartupError::DataDirNotDirectory { path });
    }
    let not_writable = |reason| StartupError::DataDirNotWritable {
        path: path.clone(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(not_writable)?;
    let probe = dir.join(".laurel-write-test");
    std::fs::write(&probe, b"ok").map_err(not_writable)?;
    std::fs::remove_file(&probe).map_err(not_writable)?;
    Ok(())
}

/// `laurel jobs failed` / `laurel jobs retry`.
async fn jobs_command(
    store: &Store,
    action: crate::config::JobsCommand,
) -> Result<(), StartupError> {
    match action {
        crate::config::JobsCommand::Failed => {
            let failed = store.failed_jobs().await?;
            for (queue, count, error) in &failed {
                println!("{queue} {count} {}", error.as_deref().unwrap_or("-"));
            }
            if failed.is_empty() {
                println!("no failed jobs");
                Ok(())
            } else {
                Err(StartupError::Command(format!(
                    "{} job(s) were given up; `laurel jobs retry` queues them again.",
                    failed.iter().map(|(_, n, _)| n).sum::<i64>()
                )))
            }
        }
        crate::config::JobsCommand::Retry { queue } => {
            let n = store.retry_failed_jobs(queue.as_deref()).await?;
            println!("{n} job(s) queued again");
            Ok(())
        }
    }
}

/// `laurel orgs …`: the operator's view of organisations, and their
/// verification (which lifts a new organisation's daily sending limits).
async fn orgs_command(
    store: &Store,
    action: crate::config::OrgsCommand,
) -> Result<(), StartupError> {
    use crate::config::OrgsCommand;
    let now = chrono::Utc::now();
    let find = |subdomain: String| async move {
        let parsed = laurel::Subdomain::parse(&subdomain)
            .map_err(|e| StartupError::Command(e.to_string()))?;
        store
            .organisation_by_subdomain(&parsed)
            .await?
            .ok_or_else(|| {
                StartupError::Command(format!("There is no organisation “{subdomain}”."))
            })
    };
    let (org, at, event) = match action {
        OrgsCommand::List => {
            let day = laurel_store::day_key(now);
            let reports = store
                .abuse_reports(now - chrono::Duration::days(30), None)
                .await?;
            for org in store.organisations().await? {
                let (badges, mails) = store.sent_on(org.id, &day).await?;
                let verified = org.verified_at.map_or("unverified".to_owned(), |at| {
                    format!("verified {}", at.format("%Y-%m-%d"))
                });
                let reported = reports
                    .iter()
                    .filter(|r| r.subdomain.as_deref() == Some(org.subdomain.as_str()))
                    .count();
                println!(
                    "{} {verified} today: {badges} badges, {mails} mails; {reported} abuse report(s) in 30 days",
                    org.subdomain
                );
            }
            return Ok(());
        }
        OrgsCommand::Reports { subdomain, days } => {
            let organisation = match subdomain {
                Some(s) => Some(find(s).await?.id),
                None => None,
            };
            let reports = store
                .abuse_reports(now - chrono::Duration::days(days.max(0)), organisation)
                .await?;
            for r in &reports {
                println!(
                    "#{} {} {} badge {} reason {} reply-to {} — {}",
                    r.id,
                    r.created_at.format("%Y-%m-%d %H:%M"),
                    r.subdomain.as_deref().unwrap_or("(unknown organisation)"),
                    if r.badge_slug.is_empty() {
                        "-"
                    } else {
                        &r.badge_slug
                    },
                    r.reason,
                    if r.reply_to.is_empty() {
                        "-"
                    } else {
                        &r.reply_to
                    },
                    // Typed by anyone: no control character (a terminal
                    // escape) reaches the operator's terminal.
                    r.details
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect::<String>()
                );
            }
            if reports.is_empty() {
                println!("no reports");
            }
            return Ok(());
        }
        OrgsCommand::Verify { subdomain } => (
            find(subdomain).await?,
            Some(now),
            laurel::AuditEvent::OrganisationVerified,
        ),
        OrgsCommand::Unverify { subdomain } => (
            find(subdomain).await?,
            None,
            laurel::AuditEvent::OrganisationUnverified,
        ),
    };
    store.set_verified(org.id, at).await?;
    store
        .audit(laurel_store::Audit {
            organisation_id: Some(org.id),
            user_id: None,
            event,
            detail: "by the operator (laurel orgs)".into(),
            ip: "",
        })
        .await?;
    println!(
        "{} {}",
        org.subdomain,
        if at.is_some() {
            "verified"
        } else {
            "unverified"
        }
    );
    Ok(())
}

/// Organisations live at `{subdomain}.{LAUREL_BASE_DOMAIN}`: the main host
/// must not be one of those names, or an organisation could take it.
fn check_base_domain(config: &Config) -> Result<(), StartupError> {
    let Some(base) = config.base_domain.as_deref() else {
        return Ok(());
    };
    let host = url::Url::parse(config.public_url.as_str())
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    match host.strip_suffix(base).and_then(|l| l.strip_suffix('.')) {
        Some(label) if !label.is_empty() => Err(StartupError::BaseDomainHoldsMainHost {
            base: base.to_owned(),
            host: host.clone(),
            label: label.to_owned(),
        }),
        _ => Ok(()),
    }
}

async fn open_store(config: &Config) -> Result<Store, StartupError> {
    let store = Store::connect(&config.database_url()).await?;
    store.migrate().await?;
    Ok(store)
}

fn server_context(config: &Config, store: Store) -> Result<ServerContext, StartupError> {
    let events = laurel_service::analytics::EventSink::new(store.clone());
    Ok(ServerContext {
        store,
        public_url: Arc::from(config.public_url.as_str()),
        master_key: Arc::new(master_key(config)?),
        trust_forwarded_for: config.trust_forwarded_for,
        base_domain: config.base_domain.as_deref().map(Arc::from),
        fetcher: laurel_service::fetch::HttpFetcher::new(config.fetch_allow_private),
        api_per_minute: config.api_per_minute,
        billing: billing_config(config)?,
        clock: laurel_service::Clock::system(),
        events,
        analytics_keep_days: config.analytics_keep_days,
        documents: laurel_service::hosted::DocumentCache::new(),
    })
}

/// Stripe when its three settings are given (all or none), and the bank
/// details for invoices paid by transfer.
fn billing_config(config: &Config) -> Result<laurel_service::billing::BillingConfig, StartupError> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let stripe = match (
        given(&config.stripe_secret_key),
        given(&config.stripe_webhook_secret),
        given(&config.stripe_publishable_key),
    ) {
        (None, None, None) => None,
        (Some(secret), Some(webhook), Some(publishable)) => Some(Arc::new(
            laurel_service::stripe::Stripe::new(&config.stripe_api_base, &secret, &webhook, &publishable)
                .map_err(StartupError::Billing)?,
        )),
        _ => {
            return Err(StartupError::Billing(
                "Stripe needs all three of LAUREL_STRIPE_SECRET_KEY, LAUREL_STRIPE_WEBHOOK_SECRET and LAUREL_STRIPE_PUBLISHABLE_KEY (or none of them: invoices are then paid by bank transfer).".into(),
            ))
        }
    };
    Ok(laurel_service::billing::BillingConfig {
        stripe,
        bank_details: Arc::from(config.bank_details.replace("\\n", "\n").as_str()),
    })
}

/// `LAUREL_MASTER_KEY`, or the key file in the data directory (created with
/// mode 0600 on first start).
fn master_key(config: &Config) -> Result<MasterKey, StartupError> {
    if let Some(text) = config
        .master_key
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        return MasterKey::parse(text).map_err(StartupError::MasterKey);
    }
    let path = config.data_dir.join("master.key");
    let file_error = |reason| StartupError::MasterKeyFile {
        path: path.display().to_string(),
        reason,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => MasterKey::parse(&text).map_err(StartupError::MasterKey),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write as _;
            #[cfg(unix)]
            use std::os::unix::fs::OpenOptionsExt as _;
            let key = MasterKey::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            options.mode(0o600);
            let mut file = options.open(&path).map_err(file_error)?;
            file.write_all(key.to_hex().as_bytes())
                .map_err(file_error)?;
            file.sync_all().map_err(file_error)?;
            tracing::info!(path = %path.display(), "generated a new master key");
            Ok(key)
        }
        Err(e) => Err(file_error(e)),
    }
}

async fn serve(config: Config) -> Result<(), StartupError> {
    // Bind first: a port in use is the commonest mistake and the quickest check.
    let listener = TcpListener::bind(config.site_addr)
        .await
        .map_err(|reason| StartupError::Bind {
            addr: config.site_addr.to_string(),
            reason,
        })?;
    let store = open_store(&config).await?;
    let ctx = server_context(&config, store.clone())?;
    let (handlers, job_worker_config) = job_handlers(&config, ctx.master_key.clone())?;
    // Webhook deliveries too: a slow receiver (10 s at most a try) must not
    // hold up the mail.
    let webhook_handlers = laurel_service::webhooks::register(ctx.clone(), jobs::Handlers::new());
    let webhook_worker_config = jobs::WorkerConfig {
        worker_id: format!("{}:webhook", job_worker_config.worker_id),
        ..job_worker_config.clone()
    };
    // Batches run in a worker of their own, so a 100,000-row batch never
    // holds up the mail (and the holders' mails go out while it runs).
    let batch_handlers = batches::register(ctx.clone(), jobs::Handlers::new());
    let batch_worker_config = jobs::WorkerConfig {
        worker_id: format!("{}:batch", job_worker_config.worker_id),
        ..job_worker_config.clone()
    };
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
        _ => Env::PROD,
    };
    let leptos_options = LeptosOptions::builder()
        .output_name("laurel")
        .site_root(config.site_root.as_str())
        .site_pkg_dir(config.site_pkg_dir.as_str())
        .site_addr(config.site_addr)
        .env(env)
        .build();
    let state_ctx = ctx.clone();
    let state = AppState {
        leptos_options,
        ctx,
        data_dir: config.data_dir.clone(),
        metrics: metrics::Metrics {
            token: config
                .metrics_token
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Arc::from),
            handle: metrics::install(),
        },
    };
    let security = SecurityConfig {
        hsts: config.public_url.is_https(),
        stripe: state.ctx.billing.stripe.is_some(),
    };
    let app = routes::router(state, security);
    tracing::info!(
        addr = %config.site_addr,
        public_url = %config.public_url,
        backend = ?store.backend(),
        "Laurel is listening on http://{}",
        config.site_addr
    );
    // The job workers (mail outbox, batches, webhooks) stop with the HTTP server.
    let (stop_jobs, jobs_stopped) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let worker = tokio::spawn(jobs::run_worker(
        store.clone(),
        handlers,
        job_worker_config,
        stopped(jobs_stopped.clone()),
    ));
    let batch_worker = tokio::spawn(jobs::run_worker(
        store.clone(),
        batch_handlers,
        batch_worker_config,
        stopped(jobs_stopped.clone()),
    ));
    let events = state_ctx.events.clone();
    // The hosted documents are cached once the generation is known.
    if let Err(e) = state_ctx.documents.refresh(&store).await {
        tracing::warn!(error = %e, "the document generation could not be read");
    }
    let documents_loop = tokio::spawn(state_ctx.documents.clone().run_forever(
        store.clone(),
        std::time::Duration::from_millis(config.document_cache_poll_ms),
    ));
    let analytics_loop = tokio::spawn(laurel_service::analytics::run_forever(
        state_ctx.clone(),
        std::time::Duration::from_secs(config.analytics_interval_seconds),
    ));
    let maintenance = tokio::spawn(laurel_service::maintenance::run_forever(
        store.clone(),
        laurel_service::maintenance::EVERY,
    ));
    let billing_loop = tokio::spawn(laurel_service::billing::run_forever(
        state_ctx,
        std::time::Duration::from_secs(config.billing_interval_seconds),
    ));
    let webhook_worker = tokio::spawn(jobs::run_worker(
        store.clone(),
        webhook_handlers,
        webhook_worker_config,
        stopped(jobs_stopped),
    ));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stop_jobs.send(true);
    })
    .await
    .map_err(StartupError::Serve)?;
    let _ = worker.await;
    let _ = batch_worker.await;
    let _ = webhook_worker.await;
    billing_loop.abort();
    maintenance.abort();
    analytics_loop.abort();
    documents_loop.abort();
    // The last visit events, written before the pool closes.
    events.flush().await;
    store.close().await;
    tracing::info!("Laurel stopped cleanly");
    Ok(())
}

/// The background job handlers (the mail outbox) and how the worker runs,
/// from the mail and job settings.
fn job_handlers(
    config: &Config,
    master_key: Arc<MasterKey>,
) -> Result<(jobs::Handlers, jobs::WorkerConfig), StartupError> {
    let transport =
        mail::MailTransport::from_settings(config.smtp_url.as_deref(), &config.data_dir)
            .map_err(StartupError::Mail)?;
    let from = mail::parse_from(&config.mail_from).map_err(StartupError::Mail)?;
    tracing::info!(
        transport = %transport.describe(config.smtp_url.as_deref()),
        from = %from,
        "outgoing mail"
    );
    let handlers = Arc::new(mail::Mailer {
        transport,
        from,
        master_key,
    })
    .register(jobs::Handlers::new());
    let worker = jobs::WorkerConfig {
        backoff_base: std::time::Duration::from_millis(config.job_backoff_base_ms.max(1)),
        lease: std::time::Duration::from_secs(config.job_lease_secs),
        ..jobs::WorkerConfig::default()
    };
    Ok((handlers, worker))
}

/// `laurel send-test-mail TO`: checks the mail settings, queues a test mail
/// through the outbox and prints its job id; `laurel serve` delivers it.
async fn send_test_mail(config: &Config, to: &str) -> Result<(), StartupError> {
    let to = laurel::Email::parse(to).map_err(|e| StartupError::Mail(e.to_string()))?;
    let transport =
        mail::MailTransport::from_settings(config.smtp_url.as_deref(), &config.data_dir)
            .map_err(StartupError::Mail)?;
    mail::parse_from(&config.mail_from).map_err(StartupError::Mail)?;
    let store = open_store(config).await?;
    let master = master_key(config)?;
    let id = mail::enqueue_mail(
        &store,
        &master,
        &mail::test_mail(&to, config.public_url.as_str()),
    )
    .await?;
    println!(
        "queued mail job {id} to {to}; a running `laurel serve` sends it by {}",
        transport.describe(config.smtp_url.as_deref())
    );
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests are then finished.
async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
