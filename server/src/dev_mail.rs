//! Development only: `GET /dev/mail` lists the mail Laurel wrote as `.eml`
//! files (no `LAUREL_SMTP_URL`), newest first; `GET /dev/mail/{file}` shows
//! one as plain text. Merged into the router only when `LEPTOS_ENV=DEV`
//! (`cargo leptos serve`, `make run`): mail holds sign-in links.
//!
//! File names are checked against what the file transport writes (letters,
//! digits, `-`, `_`, `.`, ending in `.eml`, no leading dot), so a request can
//! name nothing outside the mail directory.

// Until routes.rs merges `dev_mail_routes`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

#[derive(Clone)]
struct MailDir(Arc<PathBuf>);

/// The routes of the development mail viewer, reading `data_dir/mail/`.
pub fn dev_mail_routes<S: Clone + Send + Sync + 'static>(data_dir: &Path) -> Router<S> {
    Router::new()
        .route("/dev/mail", get(list))
        .route("/dev/mail/{file}", get(show))
        .with_state(MailDir(Arc::new(data_dir.join("mail"))))
}

/// True for the names the file transport writes, and nothing that could
/// leave the directory or name a hidden or temporary file.
fn valid_name(name: &str) -> bool {
    name.len() <= 200
        && name.len() > ".eml".len()
        && name.ends_with(".eml")
        && !name.starts_with('.')
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The first value of a header in a raw message (unfolded enough for a list).
fn header_value<'a>(message: &'a str, name: &str) -> &'a str {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
        .unwrap_or_default()
}

async fn list(State(MailDir(dir)): State<MailDir>) -> Response {
    let mut names = Vec::new();
    if let Ok(mut entries) = tokio::fs::read_dir(dir.as_path()).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            if let Ok(name) = entry.file_name().into_string() {
                if valid_name(&name) {
                    names.push(name);
                }
            }
        }
    }
    // Names start with the UTC time they were written.
    names.sort_unstable_by(|a, b| b.cmp(a));
    let mut items = String::new();
    for name in names.iter().take(500) {
        let message = tokio::fs::read_to_string(dir.join(name))
            .await
            .unwrap_or_default();
        items.push_str(&format!(
            "<li><a href=\"/dev/mail/{href}\">{name}</a><br>To: {to}<br>Subject: {subject}</li>\n",
            href = escape(name),
            name = escape(name),
            to = escape(header_value(&message, "To")),
            subject = escape(header_value(&message, "Subject")),
        ));
    }
    let body = if names.is_empty() {
        format!(
            "<p>No mail yet. Mail appears here as Laurel writes it to {}.</p>",
            escape(&dir.display().to_string())
        )
    } else {
        format!("<ol>\n{items}</ol>")
    };
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Mail · Laurel (development)</title></head><body>\
         <h1>Mail written by Laurel</h1>\
         <p>Development only: with no LAUREL_SMTP_URL, Laurel writes each mail as an .eml file \
         in the data directory instead of sending it.</p>{body}</body></html>"
    ))
    .into_response()
}

async fn show(State(MailDir(dir)): State<MailDir>, UrlPath(file): UrlPath<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "No such mail.\n").into_response();
    if !valid_name(&file) {
        return not_found();
    }
    let path = dir.join(&file);
    // Only a regular file in the directory itself (no symbolic links).
    match tokio::fs::symlink_metadata(&path).await {
        Ok(meta) if meta.is_file() => {}
        _ => return not_found(),
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], bytes).into_response(),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use http::Request;
    use tower::ServiceExt;

    #[test]
    fn names() {
        for good in ["20261123T193000.123Z-0123abcd.eml", "a.eml", "x_y-z.1.eml"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in [
            "../master.key",
            "..%2Flaurel.db",
            "../x.eml",
            "..eml",
            "a/../../x.eml",
            "/etc/passwd.eml",
            ".hidden.eml",
            ".20261123-x.eml.tmp",
            "x.eml.tmp",
            "laurel.db",
            ".eml",
            "a b.eml",
            "a\\b.eml",
            "a\0.eml",
            "é.eml",
            "",
        ] {
            assert!(!valid_name(bad), "{bad:?}");
        }
        assert!(!valid_name(&format!("{}.eml", "a".repeat(300))));
    }

    async fn get(router: &Router, uri: &str) -> (StatusCode, String, String) {
        let response = router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            content_type,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    #[tokio::test]
    async fn lists_and_shows_mail_and_nothing_else() {
        let data = std::env::temp_dir().join(format!("laurel-dev-mail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let router: Router = dev_mail_routes(&data);

        // No directory yet: an empty list, not an error.
        let (status, _, body) = get(&router, "/dev/mail").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("No mail yet"), "{body}");

        let mail = data.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        std::fs::write(data.join("master.key"), "SECRET-KEY").unwrap();
        std::fs::write(
            mail.join("20261123T100000.000Z-aa.eml"),
            "To: old@example.org\r\nSubject: Older\r\n\r\nbody one",
        )
        .unwrap();
        std::fs::write(
            mail.join("20261123T110000.000Z-bb.eml"),
            "To: <script>@example.org\r\nSubject: Newer\r\n\r\nbody two",
        )
        .unwrap();
        std::fs::write(mail.join(".20261123T120000.000Z-cc.eml.tmp"), "partial").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(data.join("master.key"), mail.join("link.eml")).unwrap();

        let (status, content_type, body) = get(&router, "/dev/mail").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let newer = body.find("20261123T110000.000Z-bb.eml").expect("listed");
        let older = body.find("20261123T100000.000Z-aa.eml").expect("listed");
        assert!(newer < older, "newest first: {body}");
        assert!(body.contains("Subject: Newer") && body.contains("To: old@example.org"));
        assert!(body.contains("&lt;script&gt;"), "escaped: {body}");
        assert!(!body.contains("<script>"), "{body}");
        assert!(!body.contains(".tmp"), "temporary files are hidden: {body}");

        let (status, content_type, body) =
            get(&router, "/dev/mail/20261123T100000.000Z-aa.eml").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "text/plain; charset=utf-8");
        assert!(body.ends_with("body one"), "{body}");

        for attack in [
            "/dev/mail/..%2Fmaster.key",
            "/dev/mail/..%2F..%2Fetc%2Fpasswd",
            "/dev/mail/%2E%2E%2Fmaster.key",
            "/dev/mail/..",
            "/dev/mail/../master.key",
            "/dev/mail/%2Fetc%2Fpasswd",
            "/dev/mail/.20261123T120000.000Z-cc.eml.tmp",
            "/dev/mail/link.eml",
            "/dev/mail/missing.eml",
        ] {
            let (status, _, body) = get(&router, attack).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{attack}");
            assert!(!body.contains("SECRET"), "{attack} leaked {body}");
            assert!(!body.contains("root:"), "{attack} leaked {body}");
        }
        std::fs::remove_dir_all(&data).ok();
    }
}
