//! Command line and configuration. Every setting is an environment variable
//! (listed by `laurel --help`) with a default that runs Laurel on one machine.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use laurel::PublicUrl;

#[derive(Debug, Parser)]
#[command(
    name = "laurel",
    version,
    about = "Laurel: issue, host and verify Open Badges.",
    after_help = "Every option can also be set by the environment variable shown beside it.\n\
                  Logging detail is set with RUST_LOG (default: info)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

/// `laurel jobs …`.
#[derive(Debug, Clone, Subcommand)]
pub enum JobsCommand {
    /// One line per queue with jobs given up for good: the queue, how many,
    /// and the newest one's last error. Exits 1 when there are any.
    Failed,
    /// Queue the given-up jobs again (of one queue, or all), with their
    /// attempts and age counted afresh.
    Retry {
        /// Only this queue (`mail`, `mail-holder`, `batch`, `webhook`).
        #[arg(long)]
        queue: Option<String>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum OrgsCommand {
    /// One line per organisation: its subdomain, whether it is verified,
    /// what it sent today while a new organisation's daily limits apply
    /// (badges, mails), and the reports of abuse of the last 30 days.
    List,
    /// Verify an organisation: it then sends without a new organisation's
    /// daily limits (laurel_service::sending).
    Verify {
        /// The organisation's subdomain.
        subdomain: String,
    },
    /// Take a verification back (the daily limits apply again unless its
    /// paid plan runs).
    Unverify {
        /// The organisation's subdomain.
        subdomain: String,
    },
    /// The reports of abuse made from holder mails' links, newest first:
    /// of one organisation, or of all.
    Reports {
        /// Only this organisation's.
        subdomain: Option<String>,
        /// Of the last DAYS days.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve Laurel over HTTP (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Fill the database with a demonstration organisation and its badges,
    /// printing one `<kind> <public URL>` line per thing (idempotent).
    Demo,
    /// The plans organisations can choose (operator data).
    Plans {
        #[command(subcommand)]
        action: crate::billing::PlansCommand,
    },
    /// Check the configuration, the database and its migrations, the master
    /// key against the stored keys, the mail settings and the data
    /// directory's free space; one line per check, exit 0 only when all pass.
    Doctor {
        /// Also queue a test mail to this address (a running `serve` sends it).
        #[arg(long)]
        send_test_mail: Option<String>,
        /// The least free space of the data directory that passes, in MB.
        #[arg(long, default_value_t = 500)]
        min_free_mb: u64,
    },
    /// The background job queue: list the jobs given up for good, or
    /// queue them again once what made them fail is fixed.
    Jobs {
        #[command(subcommand)]
        action: JobsCommand,
    },
    /// Organisations, for the operator: list them, verify one (lifting a
    /// new organisation's daily sending limits) or take it back.
    Orgs {
        #[command(subcommand)]
        action: OrgsCommand,
    },
    /// Every server function this build answers, one `METHOD /api/…` line
    /// each (the access test checks each against its table).
    #[command(hide = true)]
    ServerFns,
    /// Billing by hand: run it now, record a bank transfer, credit an invoice.
    Billing {
        #[command(subcommand)]
        action: crate::billing::BillingCommand,
    },
    /// Queue a test mail to TO through the outbox, then exit; a running
    /// `laurel serve` delivers it (checks the mail settings).
    #[command(hide = true)]
    SendTestMail {
        /// Where to send it.
        to: String,
    },
    /// Verify an Open Badge from anywhere: a baked PNG/SVG file, a JSON or
    /// JWS file, a URL, or the JSON/JWS text itself. Prints every check;
    /// exits 0 when the badge is valid, 1 when it is not.
    Verify {
        /// File path, http(s) URL, JSON, or compact JWS / VC-JWT.
        input: String,
        /// The recipient's email (or URL, telephone) to match against.
        #[arg(long)]
        recipient: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        value_parser = parse_site_addr,
        global = true
    )]
    pub site_addr: SocketAddr,

    /// Public base URL of this installation; badge IDs are URLs built from it.
    #[arg(
        long,
        env = "LAUREL_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        value_parser = parse_public_url,
        global = true
    )]
    pub public_url: PublicUrl,

    /// Database URL: `sqlite://FILE` or `postgres://…`
    /// [default: a SQLite file laurel.db in the data directory].
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,

    /// Master key sealing issuers' private keys: 64 hex digits or base64 of
    /// 32 bytes. Every instance sharing a database needs the same one
    /// [default: generated once into LAUREL_DATA_DIR/master.key, mode 0600].
    #[arg(long, env = "LAUREL_MASTER_KEY", hide_env_values = true, global = true)]
    pub master_key: Option<String>,

    /// Directory for Laurel's own files (the SQLite database, keys, mail).
    #[arg(long, env = "LAUREL_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Outgoing mail server: `smtp://user:password@host:587` (STARTTLS),
    /// `smtps://user:password@host:465` (TLS) or `smtp://host:port?tls=none`
    /// (no encryption; local servers only) [default: none, mail is written as
    /// .eml files under LAUREL_DATA_DIR/mail/].
    #[arg(long, env = "LAUREL_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Sender of Laurel's mail.
    #[arg(
        long,
        env = "LAUREL_MAIL_FROM",
        default_value = "Laurel <no-reply@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// First retry of a failed background job after about this many
    /// milliseconds (doubling on each failure, at most an hour).
    #[arg(
        long,
        env = "LAUREL_JOB_BACKOFF_BASE_MS",
        default_value_t = 10_000,
        hide = true,
        global = true
    )]
    pub job_backoff_base_ms: u64,

    /// How long a claimed mail or webhook job is its worker's before
    /// another instance may take it over (after a crash), in seconds.
    #[arg(
        long,
        env = "LAUREL_JOB_LEASE_SECS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(5..),
        hide = true,
        global = true
    )]
    pub job_lease_secs: u64,

    /// Directory holding the built site (WASM, JS, CSS, public assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,

    /// Sub-directory of the site root holding the WASM/JS/CSS bundle.
    #[arg(
        long,
        env = "LEPTOS_SITE_PKG_DIR",
        default_value = "pkg",
        global = true
    )]
    pub site_pkg_dir: String,

    /// Let the verifier fetch from loopback and private addresses (tests,
    /// intranets). Off by default: badges from elsewhere must not make Laurel
    /// probe its own network.
    #[arg(long, env = "LAUREL_FETCH_ALLOW_PRIVATE", global = true)]
    pub fetch_allow_private: bool,

    /// Requests a minute the machines' APIs take per organisation (remote
    /// issuing) and per token (REST API); over it they answer 429.
    #[arg(long, env = "LAUREL_API_PER_MINUTE", default_value_t = 600, value_parser = clap::value_parser!(i64).range(1..), global = true)]
    pub api_per_minute: i64,

    /// Wildcard base domain: each organisation's badges and documents live at
    /// `{subdomain}.{this domain}` (needs a wildcard DNS record and
    /// certificate) [default: none, path-based `/o/{subdomain}/`].
    #[arg(long, env = "LAUREL_BASE_DOMAIN", value_parser = parse_base_domain, global = true)]
    pub base_domain: Option<String>,

    /// Take the client's address from the last `X-Forwarded-For` hop (set
    /// this only behind a proxy or load balancer that writes that header).
    #[arg(long, env = "LAUREL_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,

    /// Stripe's secret API key (`sk_…`): cards can be added and invoices
    /// are charged. Needs the webhook secret and publishable key too.
    /// [default: none, invoices are paid by bank transfer]
    #[arg(
        long,
        env = "LAUREL_STRIPE_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub stripe_secret_key: Option<String>,

    /// The signing secret (`whsec_…`) of Stripe's webhook to
    /// `{public URL}/webhooks/stripe`.
    #[arg(
        long,
        env = "LAUREL_STRIPE_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub stripe_webhook_secret: Option<String>,

    /// Stripe's publishable key (`pk_…`), for its card form in the browser.
    #[arg(long, env = "LAUREL_STRIPE_PUBLISHABLE_KEY", global = true)]
    pub stripe_publishable_key: Option<String>,

    /// Stripe's API address (tests point it at a local stub).
    #[arg(
        long,
        env = "LAUREL_STRIPE_API_BASE",
        default_value = "https://api.stripe.com",
        global = true,
        hide = true
    )]
    pub stripe_api_base: String,

    /// What invoices paid by bank transfer say about paying: account
    /// holder, IBAN, BIC (one line each, `\n` between lines).
    #[arg(long, env = "LAUREL_BANK_DETAILS", default_value = "", global = true)]
    pub bank_details: String,

    /// Seconds between billing runs (invoices at each cycle start, card
    /// charges and retries).
    #[arg(long, env = "LAUREL_BILLING_INTERVAL_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub billing_interval_seconds: u64,

    /// Seconds between analytics rollups (the charts are this fresh).
    #[arg(long, env = "LAUREL_ANALYTICS_INTERVAL_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub analytics_interval_seconds: u64,

    /// Milliseconds between reads of the hosted documents' generation: a
    /// revocation made on another instance is served by this one at most
    /// this much later (see `laurel_service::hosted`).
    #[arg(long, env = "LAUREL_DOCUMENT_CACHE_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(50..=60_000), global = true)]
    pub document_cache_poll_ms: u64,

    /// Days the raw analytics events are kept (at least 2); the daily
    /// figures the charts read are kept for good.
    #[arg(long, env = "LAUREL_ANALYTICS_RETENTION_DAYS", default_value_t = laurel_service::DEFAULT_ANALYTICS_KEEP_DAYS, value_parser = clap::value_parser!(i64).range(2..), global = true)]
    pub analytics_keep_days: i64,

    /// The bearer token Prometheus scrapes `/metrics` with [default: none,
    /// `/metrics` answers 404].
    #[arg(
        long,
        env = "LAUREL_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "LAUREL_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// `DATABASE_URL`, or the embedded default in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("laurel.db").display()),
        }
    }
}

fn parse_site_addr(s: &str) -> Result<SocketAddr, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "LEPTOS_SITE_ADDR must be an IP address and port such as 127.0.0.1:3000 (got “{s}”)"
        )
    })
}

fn parse_base_domain(s: &str) -> Result<String, String> {
    let d = s.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if d.len() > 200 || !d.split('.').all(label_ok) {
        return Err(format!(
            "LAUREL_BASE_DOMAIN must be a domain name such as badges.example.org (got “{s}”)"
        ));
    }
    Ok(d)
}

fn parse_public_url(s: &str) -> Result<PublicUrl, String> {
    PublicUrl::parse(s).map_err(|e| format!("LAUREL_PUBLIC_URL: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let cli = Cli::try_parse_from(["laurel", "--data-dir", "/srv/laurel"]).unwrap();
        assert_eq!(cli.config.database_url(), "sqlite:///srv/laurel/laurel.db");
    }
}
