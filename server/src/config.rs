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

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve Laurel over HTTP (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Fill the database with a demonstration organisation and its badges,
    /// printing one `<kind> <public URL>` line per thing (idempotent).
    Demo,
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
