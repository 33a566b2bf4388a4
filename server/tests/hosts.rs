//! Host-based organisations (`LAUREL_BASE_DOMAIN`): badge IDs carry the
//! organisation's subdomain as host, the real server answers documents on
//! that host, and sends browsers to the page on the main host.

mod common;
#[path = "common/demo.rs"]
mod demo;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::*;

/// A raw HTTP/1.1 GET with a chosen `Host` (the test has no DNS for it).
fn get(port: u16, host: &str, path: &str, accept: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

#[test]
fn organisations_live_on_their_own_host() {
    let dir = temp_dir("hosts");
    let port = free_port();
    let mut cmd = laurel(&dir);
    cmd.env("LAUREL_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("LAUREL_BASE_DOMAIN", "badges.test");
    let hosted = demo::demo(cmd)["assertion-hosted"].clone();
    let prefix = format!("http://demo.badges.test:{port}/assertions/");
    assert!(
        hosted.starts_with(&prefix),
        "badge IDs are host-based: {hosted}"
    );
    let slug = hosted.strip_prefix(&prefix).unwrap();

    let mut server_cmd = laurel(&dir);
    server_cmd.env("LAUREL_BASE_DOMAIN", "badges.test");
    let server = Server::start_with(server_cmd, port);
    let host = format!("demo.badges.test:{port}");

    // Machines get the document on the organisation's host.
    let (status, _, body) = get(
        port,
        &host,
        &format!("/assertions/{slug}"),
        "application/ld+json",
    );
    assert_eq!(status, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["id"], hosted);
    assert_eq!(
        doc["badge"],
        format!("http://demo.badges.test:{port}/badges/demo-rust-fundamentals")
    );
    let (status, _, body) = get(port, &host, "/issuer", "application/json");
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!(
            "\"id\": \"http://demo.badges.test:{port}/issuer\""
        )),
        "{body}"
    );

    // Browsers are sent to the page on the main host.
    let (status, head, _) = get(port, &host, &format!("/assertions/{slug}"), "text/html");
    assert_eq!(status, 303, "{head}");
    let location = format!("location: http://127.0.0.1:{port}/o/demo/assertions/{slug}");
    assert!(
        head.to_ascii_lowercase()
            .contains(&location.to_ascii_lowercase()),
        "{head}"
    );

    // Unknown or invalid organisations, and non-document paths, are 404.
    assert_eq!(
        get(
            port,
            &format!("nobody.badges.test:{port}"),
            "/issuer",
            "application/json"
        )
        .0,
        404
    );
    assert_eq!(
        get(
            port,
            &format!("Bad_Org.badges.test:{port}"),
            "/issuer",
            "application/json"
        )
        .0,
        404
    );
    assert_eq!(get(port, &host, "/healthz", "text/plain").0, 404);
    // The main host is unchanged.
    assert_eq!(
        get(port, &format!("127.0.0.1:{port}"), "/healthz", "text/plain").0,
        200
    );
    server.stop();
}

#[test]
fn a_bad_base_domain_is_refused() {
    let out = laurel(&temp_dir("badhost"))
        .arg("migrate")
        .env("LAUREL_BASE_DOMAIN", "not a domain!")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("LAUREL_BASE_DOMAIN must be a domain name"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
