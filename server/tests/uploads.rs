//! Uploads check who is asking before they read the upload: against the
//! real binary, a multipart request that sends its headers and the start of
//! its body, then stalls, is answered at once — 401 for no session, 404 for
//! a member of another organisation — rather than after its megabytes.
//! Text fields are cut off while they stream.

mod common;
#[path = "common/owner.rs"]
mod owner;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use laurel_store::testing::TestDatabase;

const BOUNDARY: &str = "laurel-upload-test";

/// A multipart part's head and its value (no closing boundary).
fn part(name: &str, value: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

/// Sends the request head announcing `announced` body bytes, then `body`
/// (less than that), and reads what the server answers without the rest:
/// the status line, or `None` when it waits for more.
fn answer_before_the_rest(
    base: &str,
    path: &str,
    cookie: Option<&str>,
    body: &str,
    announced: usize,
) -> Option<String> {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {base}\r\n{cookie}\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {announced}\r\n\r\n{body}"
    )
    .unwrap();
    stream.flush().unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(_) => break, // timed out: the server is still reading
        }
    }
    let text = String::from_utf8_lossy(&got).to_string();
    text.lines()
        .next()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

#[test]
fn access_is_checked_before_the_upload_is_read() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = TestDatabase::sqlite();
    let (stranger, own) = runtime.block_on(async {
        let store = laurel_store::testing::open(&db).await;
        let (_, stranger) = owner::signed_in_owner(&store, "elsewhere").await;
        let (_, own) = owner::signed_in_owner(&store, "uploads").await;
        store.close().await;
        (stranger, own)
    });
    let dir = temp_dir("uploads");
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", &db.url);
    let server = Server::start_with(cmd, free_port());
    let base = server.base.clone();
    let ten_mb = 10 * 1024 * 1024;
    let file_start = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nemail,first_name,last_name,achievement_date\r\n"
    );

    for path in [
        "/api/issuing/upload_batch",
        "/api/templates/save_template",
        "/api/settings/upload_org_image",
        "/api/wallet/upload_photo",
        "/api/wallet/import_badge",
    ] {
        // No session: refused before the body.
        let body = format!("{}{file_start}", part("subdomain", "uploads"));
        let status = answer_before_the_rest(&base, path, None, &body, ten_mb);
        assert!(
            status.as_deref().is_some_and(|s| s.contains(" 401 ")),
            "{path}: {status:?}"
        );
    }
    for path in [
        "/api/issuing/upload_batch",
        "/api/templates/save_template",
        "/api/settings/upload_org_image",
    ] {
        // A member of another organisation: refused once the subdomain is
        // read, before the file.
        let body = format!("{}{file_start}", part("subdomain", "uploads"));
        let status = answer_before_the_rest(&base, path, Some(&stranger), &body, ten_mb);
        assert!(
            status.as_deref().is_some_and(|s| s.contains(" 404 ")),
            "{path}: {status:?}"
        );
        // The organisation must come first: a file before it is refused
        // without being read.
        let body = file_start.clone();
        let status = answer_before_the_rest(&base, path, Some(&own), &body, ten_mb);
        assert!(
            status.as_deref().is_some_and(|s| s.contains(" 400 ")),
            "{path}: {status:?}"
        );
    }
    // The owner gets past the check, so the server goes on reading (and
    // waits for the rest): the stall above was the refusal, not a timeout.
    let body = format!("{}{file_start}", part("subdomain", "uploads"));
    assert_eq!(
        answer_before_the_rest(
            &base,
            "/api/issuing/upload_batch",
            Some(&own),
            &body,
            ten_mb
        ),
        None
    );
    // A text field is cut off while it streams: 100 KB of template id.
    let body = format!(
        "{}{}",
        part("subdomain", "uploads"),
        part("template_id", &"9".repeat(100 * 1024))
    );
    let status = answer_before_the_rest(
        &base,
        "/api/issuing/upload_batch",
        Some(&own),
        &body,
        ten_mb,
    );
    assert!(
        status.as_deref().is_some_and(|s| s.contains(" 400 ")),
        "{status:?}"
    );
    server.stop();
    runtime.block_on(db.cleanup());
}
