//! Outgoing mail through the outbox: a mail is a job on the `mail` queue,
//! written in the same transaction as whatever it announces, and delivered by
//! the job worker ([`crate::jobs`]) over SMTP — or, with no SMTP server
//! configured, written as `.eml` files under `$LAUREL_DATA_DIR/mail/`.
//!
//! A mail server that is down loses nothing: the delivery fails, the job is
//! retried with backoff (for `MAIL_RETRY_FOR`), and the mail goes out once
//! the server is back.
//!
//! A queued mail is **sealed under the master key** ([`mail_job_payload`]):
//! the one-time links mails carry (sign-up, reset, invitation, claim) are not
//! readable in the job table or its backups, and the payload is blanked once
//! delivered (`Store::complete`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use laurel::crypto::MasterKey;
use laurel::Email;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::jobs::Handlers;
use laurel_store::{redact_url, Store, StoreError, HOLDER_MAIL_QUEUE, MAIL_QUEUE};

/// The default sender (`LAUREL_MAIL_FROM`).
pub const DEFAULT_FROM: &str = "Laurel <no-reply@localhost>";

/// A mail to one person, with a plain-text and an HTML version of one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a `mail` job carries: the mail and its `Message-ID`, fixed when the
/// mail is queued so that a retried delivery is recognisably the same mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MailPayload {
    #[serde(flatten)]
    mail: OutgoingMail,
    /// Random hex; the `Message-ID` is `<id@sender's domain>`.
    message_id: String,
}

/// The associated data mail payloads are sealed with.
const SEAL_CONTEXT: &str = "laurel mail job";

/// The payload of the `mail` job that sends `mail` (for store methods that
/// queue a mail in their own transaction): `{"sealed": …}`, the mail and its
/// `Message-ID` sealed under `master` (AES-256-GCM). Every mail Laurel
/// queues is made here.
pub fn mail_job_payload(master: &MasterKey, mail: &OutgoingMail) -> serde_json::Value {
    let mut random = [0u8; 16];
    let _ = aws_lc_rs::rand::fill(&mut random);
    let payload = MailPayload {
        mail: mail.clone(),
        message_id: random.iter().map(|b| format!("{b:02x}")).collect(),
    };
    let plain = serde_json::to_vec(&payload).unwrap_or_default();
    let sealed = master.seal(&plain, SEAL_CONTEXT);
    serde_json::json!({ "sealed": base64::engine::general_purpose::STANDARD.encode(sealed) })
}

/// The mail a queued job carries (tests, and an operator's tools): its
/// payload opened with `master`.
pub fn queued_mail(master: &MasterKey, payload: serde_json::Value) -> Result<OutgoingMail, String> {
    open_payload(master, payload).map(|p| p.mail)
}

/// The mail of a job payload: opened with `master`, or — for a mail queued
/// before payloads were sealed — read as it is.
fn open_payload(master: &MasterKey, payload: serde_json::Value) -> Result<MailPayload, String> {
    let bad = |e: String| format!("not a mail job payload: {e}");
    match payload.get("sealed").and_then(serde_json::Value::as_str) {
        Some(sealed) => {
            let sealed = base64::engine::general_purpose::STANDARD
                .decode(sealed)
                .map_err(|e| bad(e.to_string()))?;
            let plain = master.open(&sealed, SEAL_CONTEXT).map_err(|_| {
                "the mail cannot be opened: it was sealed under another master key".to_owned()
            })?;
            serde_json::from_slice(&plain).map_err(|e| bad(e.to_string()))
        }
        None => serde_json::from_value(payload).map_err(|e| bad(e.to_string())),
    }
}

/// Queues `mail` for delivery; returns the job's id.
pub async fn enqueue_mail(
    store: &Store,
    master: &MasterKey,
    mail: &OutgoingMail,
) -> Result<i64, StoreError> {
    store
        .enqueue(MAIL_QUEUE, &mail_job_payload(master, mail), Utc::now())
        .await
}

/// The mail a `laurel send-test-mail` queues: proves the settings work.
pub fn test_mail(to: &Email, public_url: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.clone(),
        subject: "Laurel test mail".to_owned(),
        text: format!(
            "This is a test mail from the Laurel at {public_url}.\n\n\
             If you can read it, Laurel's mail settings work.\n"
        ),
        html: format!(
            "<p>This is a test mail from the Laurel at <a href=\"{url}\">{url}</a>.</p>\
             <p>If you can read it, Laurel's mail settings work.</p>",
            url = html_escape(public_url)
        ),
    }
}

/// Escapes text for HTML mail bodies.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How mail leaves Laurel.
#[derive(Clone)]
pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this directory (development, tests, no mail server).
    Files(PathBuf),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(_) => f.write_str("MailTransport::Smtp"),
            MailTransport::Files(dir) => write!(f, "MailTransport::Files({})", dir.display()),
        }
    }
}

/// The SMTP connection timeout and the timeout of each command.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl MailTransport {
    /// From `LAUREL_SMTP_URL`, or — when it is unset — `.eml` files under
    /// `data_dir/mail/`. An unusable URL is a sentence naming the setting.
    ///
    /// * `smtp://user:password@host:587` — STARTTLS, required (default port 587)
    /// * `smtps://user:password@host:465` — TLS from the start (default port 465)
    /// * `smtp://host:25?tls=none` — no encryption (local test servers only)
    /// * `smtp://host:587?tls=opportunistic` — STARTTLS when offered
    ///
    /// The user name and password are percent-decoded. Call it inside the
    /// Tokio runtime (the SMTP connection pool starts a task).
    pub fn from_settings(smtp_url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(MailTransport::Files(data_dir.join("mail"))),
            Some(url) => smtp_transport(url).map(MailTransport::Smtp),
        }
    }

    /// Checks mail can leave: the SMTP server answers (and takes the
    /// credentials), or the mail directory can be written.
    pub async fn check(&self) -> Result<(), String> {
        match self {
            MailTransport::Smtp(t) => match t.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("the SMTP server did not accept the connection".into()),
                Err(e) => Err(format!("the SMTP server cannot be used: {e}")),
            },
            MailTransport::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let probe = dir.join(".laurel-write-test");
                std::fs::write(&probe, b"ok")
                    .and_then(|()| std::fs::remove_file(&probe))
                    .map_err(|e| format!("{} is not writable: {e}", dir.display()))
            }
        }
    }

    /// Where mail goes, for the log.
    pub fn describe(&self, smtp_url: Option<&str>) -> String {
        match self {
            MailTransport::Smtp(_) => format!("SMTP {}", redact_url(smtp_url.unwrap_or("?"))),
            MailTransport::Files(dir) => format!(".eml files in {}", dir.display()),
        }
    }
}

fn smtp_transport(text: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let bad = |why: &str| {
        format!(
            "LAUREL_SMTP_URL={} cannot be used: {why}. Use smtp://user:password@host:587 \
             (STARTTLS), smtps://user:password@host:465 (TLS) or smtp://host:port?tls=none \
             (no encryption, local servers only).",
            redact_url(text)
        )
    };
    let url = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    let host = match url.host() {
        Some(url::Host::Domain(d)) if !d.is_empty() => d.to_owned(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        _ => return Err(bad("it names no host")),
    };
    let mut tls_mode = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "tls" => tls_mode = Some(value.into_owned()),
            other => return Err(bad(&format!("unknown parameter “{other}”"))),
        }
    }
    let parameters = || TlsParameters::new(host.clone()).map_err(|e| bad(&e.to_string()));
    let (tls, default_port) = match (url.scheme(), tls_mode.as_deref()) {
        ("smtp", None | Some("required") | Some("starttls")) => (Tls::Required(parameters()?), 587),
        ("smtp", Some("opportunistic")) => (Tls::Opportunistic(parameters()?), 587),
        ("smtp", Some("none")) => (Tls::None, 25),
        ("smtps", None | Some("implicit") | Some("wrapper")) => (Tls::Wrapper(parameters()?), 465),
        ("smtp" | "smtps", Some(other)) => {
            return Err(bad(&format!("unknown tls mode “{other}”")));
        }
        (other, _) => return Err(bad(&format!("the scheme “{other}” is not smtp or smtps"))),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(url.port().unwrap_or(default_port))
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT));
    if !url.username().is_empty() {
        let user = percent_decode(url.username()).ok_or_else(|| bad("bad %-escape"))?;
        let password = percent_decode(url.password().unwrap_or_default())
            .ok_or_else(|| bad("bad %-escape"))?;
        builder = builder.credentials(Credentials::new(user, password));
    }
    Ok(builder.build())
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parses `LAUREL_MAIL_FROM` (`Name <address>` or a bare address).
pub fn parse_from(text: &str) -> Result<Mailbox, String> {
    text.trim().parse::<Mailbox>().map_err(|e| {
        format!(
            "LAUREL_MAIL_FROM={text} is not a mail address such as \
             “Laurel <no-reply@badges.example.org>”: {e}."
        )
    })
}

/// Sends `mail` from `from` (a multipart/alternative message: plain text,
/// then HTML). `Err` is a sentence for the job's `last_error`.
pub async fn deliver(
    transport: &MailTransport,
    from: &Mailbox,
    mail: &OutgoingMail,
) -> Result<(), String> {
    let mut random = [0u8; 16];
    let _ = aws_lc_rs::rand::fill(&mut random);
    let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
    deliver_with_id(transport, from, mail, &id).await
}

async fn deliver_with_id(
    transport: &MailTransport,
    from: &Mailbox,
    mail: &OutgoingMail,
    message_id: &str,
) -> Result<(), String> {
    let message = build_message(from, mail, message_id)?;
    match transport {
        MailTransport::Smtp(smtp) => smtp
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}")),
        MailTransport::Files(dir) => write_eml(dir, &message, message_id).await,
    }
}

fn build_message(from: &Mailbox, mail: &OutgoingMail, message_id: &str) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .as_str()
        .parse()
        .map_err(|e| format!("the address {} cannot be used: {e}", mail.to))?;
    let domain = from.email.domain();
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .date_now()
        .message_id(Some(format!("<{message_id}@{domain}>")))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(|e| format!("the message cannot be built: {e}"))
}

/// Writes the message as `<UTC timestamp>-<message id>.eml` (through a
/// temporary file and a rename, so a reader never sees half a message).
async fn write_eml(dir: &Path, message: &Message, message_id: &str) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("cannot write mail into {}: {e}", dir.display());
    tokio::fs::create_dir_all(dir).await.map_err(failed)?;
    let name = format!(
        "{}-{message_id}.eml",
        Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
    );
    let temporary = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&temporary, message.formatted())
        .await
        .map_err(failed)?;
    tokio::fs::rename(&temporary, dir.join(&name))
        .await
        .map_err(failed)?;
    tracing::info!(file = %dir.join(&name).display(), "mail written (no SMTP server configured)");
    Ok(())
}

/// Delivers mail jobs: the handler of [`MAIL_QUEUE`] and [`HOLDER_MAIL_QUEUE`].
pub struct Mailer {
    pub transport: MailTransport,
    pub from: Mailbox,
    /// Opens the sealed payloads.
    pub master_key: Arc<MasterKey>,
}

impl Mailer {
    /// Registers this mailer as the handler of both mail queues.
    pub fn register(self: Arc<Self>, handlers: Handlers) -> Handlers {
        [MAIL_QUEUE, HOLDER_MAIL_QUEUE]
            .into_iter()
            .fold(handlers, |handlers, queue| {
                let mailer = Arc::clone(&self);
                handlers.on(queue, move |payload| {
                    let mailer = Arc::clone(&mailer);
                    async move { mailer.handle(payload).await }
                })
            })
    }

    /// Delivers the mail of one job payload.
    pub async fn handle(&self, payload: serde_json::Value) -> Result<(), String> {
        let job = open_payload(&self.master_key, payload)?;
        deliver_with_id(&self.transport, &self.from, &job.mail, &job.message_id).await?;
        tracing::info!(to = %job.mail.to, subject = %job.mail.subject, "mail sent");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> OutgoingMail {
        OutgoingMail {
            to: Email::parse("Ada@Example.org").unwrap(),
            subject: "Your badge — “Rust”".to_owned(),
            text: "Hello Ada,\nhere is your badge.\n".to_owned(),
            html: "<p>Hello Ada,</p><p>here is <b>your badge</b>.</p>".to_owned(),
        }
    }

    #[test]
    fn payload_is_sealed_and_round_trips_with_a_message_id() {
        let master = MasterKey::generate();
        let mut secret = mail();
        secret.text =
            "Reset: https://badges.example.org/password/reset?token=SECRET-TOKEN-1234".into();
        let payload = mail_job_payload(&master, &secret);
        // Nothing of the mail is readable in the queue: not the link's
        // token, not even the address.
        let stored = payload.to_string();
        for clear in ["SECRET-TOKEN", "ada@example.org", "Your badge", "reset"] {
            assert!(!stored.contains(clear), "{clear} in {stored}");
        }
        let job = open_payload(&master, payload.clone()).unwrap();
        assert_eq!(job.mail, secret);
        assert_eq!(job.message_id.len(), 32);
        let other = open_payload(&master, mail_job_payload(&master, &secret)).unwrap();
        assert_ne!(job.message_id, other.message_id, "each mail has its own id");
        // Another master key cannot open it, and says so.
        let err = open_payload(&MasterKey::generate(), payload).unwrap_err();
        assert!(err.contains("another master key"), "{err}");
        // A mail queued before sealing is still delivered; a payload with a
        // bad address is refused, not sent somewhere odd.
        let mut old = serde_json::to_value(&job).unwrap();
        assert_eq!(open_payload(&master, old.clone()).unwrap().mail, secret);
        old["to"] = "not an address".into();
        assert!(open_payload(&master, old).is_err());
    }

    // The SMTP connection pool needs a Tokio runtime, even to be built.
    #[tokio::test]
    async fn smtp_urls() {
        let dir = Path::new("/srv/laurel");
        assert!(matches!(
            MailTransport::from_settings(None, dir),
            Ok(MailTransport::Files(d)) if d == dir.join("mail")
        ));
        assert!(matches!(
            MailTransport::from_settings(Some("  "), dir),
            Ok(MailTransport::Files(_))
        ));
        for good in [
            "smtp://user:p%40ss@mail.example.org:587",
            "smtp://mail.example.org",
            "smtps://user:pw@mail.example.org",
            "smtp://127.0.0.1:2525?tls=none",
            "smtp://mail.example.org?tls=opportunistic",
            "smtp://[::1]:25?tls=none",
        ] {
            assert!(
                matches!(
                    MailTransport::from_settings(Some(good), dir),
                    Ok(MailTransport::Smtp(_))
                ),
                "{good}"
            );
        }
        for (bad, why) in [
            ("http://mail.example.org", "scheme"),
            ("smtp://mail.example.org?tls=maybe", "tls mode"),
            ("smtp://mail.example.org?tsl=none", "unknown parameter"),
            ("smtp:///nohost", "host"),
            ("smtp://user:p%zzss@mail.example.org", "%-escape"),
            ("not a url", "LAUREL_SMTP_URL"),
        ] {
            let err = MailTransport::from_settings(Some(bad), dir).unwrap_err();
            assert!(err.starts_with("LAUREL_SMTP_URL="), "{err}");
            assert!(err.contains(why), "{bad}: {err}");
        }
        let err = MailTransport::from_settings(Some("ftp://u:secret@h"), dir).unwrap_err();
        assert!(!err.contains("secret"), "password leaked: {err}");
        assert_eq!(percent_decode("p%40ss%2F"), Some("p@ss/".to_owned()));
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn from_addresses() {
        let from = parse_from(DEFAULT_FROM).unwrap();
        assert_eq!(from.name.as_deref(), Some("Laurel"));
        assert_eq!(from.email.to_string(), "no-reply@localhost");
        assert!(parse_from("badges@example.org").is_ok());
        let err = parse_from("Laurel <nope>").unwrap_err();
        assert!(err.starts_with("LAUREL_MAIL_FROM="), "{err}");
    }

    #[tokio::test]
    async fn the_file_transport_writes_a_multipart_eml() {
        let dir = std::env::temp_dir().join(format!(
            "laurel-mail-test-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let transport = MailTransport::from_settings(None, &dir).unwrap();
        let from = parse_from("Laurel <badges@example.org>").unwrap();
        let master_key = Arc::new(MasterKey::generate());
        let payload = mail_job_payload(&master_key, &mail());
        let id = open_payload(&master_key, payload.clone())
            .unwrap()
            .message_id;
        let mailer = Mailer {
            transport,
            from,
            master_key,
        };
        mailer.handle(payload).await.unwrap();

        let files: Vec<_> = std::fs::read_dir(dir.join("mail"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = &files[0];
        assert!(name.ends_with(&format!("-{id}.eml")), "{name}");
        assert!(name.starts_with("20"), "timestamp first: {name}");
        let eml = std::fs::read_to_string(dir.join("mail").join(name)).unwrap();
        assert!(eml.contains("To: ada@example.org\r\n"), "{eml}");
        assert!(
            eml.contains("From: Laurel <badges@example.org>\r\n"),
            "{eml}"
        );
        assert!(
            eml.contains(&format!("Message-ID: <{id}@example.org>\r\n")),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: multipart/alternative;"),
            "{eml}"
        );
        let plain = eml.find("Content-Type: text/plain; charset=utf-8").unwrap();
        let html = eml.find("Content-Type: text/html; charset=utf-8").unwrap();
        assert!(plain < html, "plain text first, HTML last (preferred)");
        assert!(eml.contains("Hello Ada,"), "{eml}");
        assert!(eml.contains("<b>your badge</b>"), "{eml}");
        // The non-ASCII subject is encoded, not sent raw.
        assert!(eml.contains("Subject: Your badge =?utf-8?"), "{eml}");
        assert!(eml.is_ascii(), "{eml}");

        // A bad payload is an error for the job, not a panic.
        let err = mailer
            .handle(serde_json::json!({"to": "x@example.org"}))
            .await
            .unwrap_err();
        assert!(err.contains("not a mail job payload"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
