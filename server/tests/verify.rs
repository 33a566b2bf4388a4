//! `laurel verify` against a real Laurel serving its demo badges over real
//! HTTP: valid, revoked, expired, signed, baked and OB 3.0 badges; and the
//! bad inputs — a private address, a 50 MB answer, a truncated PNG, a JWS
//! with `alg: none`, garbage — each a clear failed check, never a panic.

mod common;
#[path = "common/demo.rs"]
mod demo;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;

use common::*;

/// A server with demo data whose URLs match its port; returns the URLs.
fn demo_server(tag: &str) -> (Server, HashMap<String, String>, std::path::PathBuf) {
    let dir = temp_dir(tag);
    let port = free_port();
    let mut cmd = laurel(&dir);
    cmd.env("LAUREL_PUBLIC_URL", format!("http://127.0.0.1:{port}"));
    let urls = demo::demo(cmd);
    (Server::start_with(laurel(&dir), port), urls, dir)
}

fn verify(input: &str, allow_private: bool) -> (Output, serde_json::Value) {
    let mut cmd = laurel(&temp_dir("verify"));
    cmd.args([
        "verify",
        input,
        "--recipient",
        "holder@example.com",
        "--json",
    ]);
    if allow_private {
        cmd.env("LAUREL_FETCH_ALLOW_PRIVATE", "true");
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "report is JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out, report)
}

/// The message of the first failed check, or "" when none failed.
fn failure(report: &serde_json::Value) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "failed")
        .map(|c| format!("{}: {}", c["name"], c["message"]))
        .unwrap_or_default()
}

fn assert_valid(input: &str, version: &str) {
    let (out, report) = verify(input, true);
    assert!(out.status.success(), "{input}: {}", failure(&report));
    assert_eq!(report["valid"], true);
    assert_eq!(report["version"], version);
    let matched = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "recipient_match" && c["outcome"] == "passed");
    assert!(matched, "recipient matched: {report}");
}

fn assert_invalid(input: &str, allow_private: bool, expected: &str) {
    let (out, report) = verify(input, allow_private);
    assert_eq!(out.status.code(), Some(1), "{input}: {report}");
    assert_eq!(report["valid"], false);
    let why = failure(&report);
    assert!(why.contains(expected), "expected {expected:?} in {why:?}");
}

fn download(url: &str, path: &std::path::Path) -> Vec<u8> {
    let mut res = agent().get(url).call().unwrap();
    assert_eq!(res.status(), 200, "{url}");
    let bytes = res.body_mut().read_to_vec().unwrap();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

#[test]
fn verifies_laurels_own_badges_over_http() {
    let (server, urls, dir) = demo_server("own");
    assert_valid(&urls["assertion-hosted"], "2.0");
    assert_valid(&urls["assertion-signed"], "2.0");
    assert_valid(&urls["credential-ob3"], "3.0");

    let png = dir.join("baked.png");
    let bytes = download(&urls["baked-png"], &png);
    assert_valid(png.to_str().unwrap(), "2.0");
    let svg = dir.join("baked.svg");
    download(&urls["baked-svg"], &svg);
    assert_valid(svg.to_str().unwrap(), "2.0");
    // An SVG keeps its own sandboxed policy, not the pages' one (which would
    // let an SVG opened directly run scripts of this origin); pages keep
    // theirs.
    let csp = |url: &str| {
        let res = agent().get(url).call().unwrap();
        assert_eq!(res.status(), 200, "{url}");
        res.headers()
            .get_all("content-security-policy")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        csp(&urls["baked-svg"]),
        ["default-src 'none'; style-src 'unsafe-inline'; sandbox"]
    );
    let page = csp(&urls["verify-page"]);
    assert!(
        page.len() == 1 && page[0].contains("script-src 'self' 'nonce-"),
        "{page:?}"
    );

    assert_invalid(&urls["assertion-revoked"], true, "Issued in error.");
    assert_invalid(&urls["assertion-revoked-signed"], true, "Issued in error.");
    assert_invalid(&urls["assertion-expired"], true, "expired");

    // A truncated copy of a good baked PNG.
    let truncated = dir.join("truncated.png");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert_invalid(truncated.to_str().unwrap(), true, "truncated");

    // The wrong recipient.
    let out = laurel(&dir)
        .args([
            "verify",
            &urls["assertion-hosted"],
            "--recipient",
            "someone@else.org",
            "--json",
        ])
        .env("LAUREL_FETCH_ALLOW_PRIVATE", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(failure(&report).contains("recipient_match"), "{report}");

    // By default a badge may not make Laurel fetch from its own network.
    assert_invalid(&urls["assertion-hosted"], false, "private or loopback");
    server.stop();
}

#[test]
fn hostile_inputs_are_failed_checks() {
    // alg: none, whatever the payload says.
    let none = "eyJhbGciOiJub25lIn0.eyJ0eXBlIjoiQXNzZXJ0aW9uIn0.";
    assert_invalid(none, true, "only RS256");
    // HS256 (key confusion).
    let hs = "eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoiQXNzZXJ0aW9uIn0.c2ln";
    assert_invalid(hs, true, "only RS256");
    // JSON missing required fields.
    assert_invalid(r#"{"type": "Assertion", "id": "urn:x"}"#, true, "recipient");
    // Not a badge at all.
    assert_invalid("hello, world", true, "input");
    // A URL to a private address, refused before any connection.
    assert_invalid("http://10.0.0.1/badge.json", false, "private or loopback");
    assert_invalid(
        "http://169.254.169.254/latest/meta-data",
        false,
        "private or loopback",
    );
}

/// A server that answers every request with a 50 MB body, with or without
/// announcing its length.
fn huge_server(announce_length: bool) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/assertion.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let size = 50 * 1024 * 1024;
            let head = if announce_length {
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
            } else {
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                    .to_owned()
            };
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..(size / chunk.len()) {
                if stream.write_all(&chunk).is_err() {
                    break; // the verifier hung up: what we want
                }
            }
        }
    });
    (url, handle)
}

#[test]
fn a_50_mb_answer_is_refused() {
    for announce in [true, false] {
        let (url, handle) = huge_server(announce);
        assert_invalid(&url, true, "larger than");
        handle.join().unwrap();
    }
}

/// Posts the public verifier's multipart form; returns the status, the
/// `Location` and the body.
fn post_verifier(base: &str, text: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{text}\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"recipient\"\r\n\r\n\r\n--XyZ--\r\n"
    );
    let mut res = agent
        .post(&format!("{base}/api/public/verify_badge"))
        .header("Content-Type", "multipart/form-data; boundary=XyZ")
        .header("Origin", base)
        .header("Referer", &format!("{base}/verify"))
        // What a browser's plain form post sends: Leptos answers it with a
        // redirect (a script's call gets the value instead).
        .header("Accept", "text/html,application/xhtml+xml")
        .send(body)
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let status = res.status().as_u16();
    (
        status,
        location,
        res.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// The web verifier (`/verify`) of a server without
/// `LAUREL_FETCH_ALLOW_PRIVATE`: a badge URL on loopback is refused by the
/// SSRF guard, and the report says so; the report lives at its own link;
/// each client address may verify 30 times an hour.
#[test]
fn the_web_verifier_refuses_loopback_and_is_rate_limited() {
    let (server, urls, _dir) = demo_server("web");
    let (status, location, _) = post_verifier(&server.base, &urls["assertion-hosted"]);
    assert_eq!(status, 302, "a plain form post is redirected to its report");
    assert!(location.starts_with("/verify/report/"), "{location}");
    let mut page = agent()
        .get(&format!("{}{location}", server.base))
        .call()
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.body_mut().read_to_string().unwrap();
    assert!(html.contains("data-valid=\"false\""), "{html}");
    assert!(html.contains("private or loopback address"), "{html}");
    assert!(html.contains("Not valid"), "{html}");
    // Another link: nothing there.
    let missing = agent()
        .get(&format!("{}/verify/report/nothing-here", server.base))
        .call()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);

    // The 31st verification within the hour from one address is refused.
    for n in 2..=30 {
        let (status, location, _) = post_verifier(&server.base, "http://10.0.0.1/badge.json");
        assert_eq!(status, 302, "verification {n} is allowed");
        assert!(location.starts_with("/verify/report/"), "{location}");
    }
    let (_, location, _) = post_verifier(&server.base, "http://10.0.0.1/badge.json");
    // Refused: back to the form, the sentence in the URL (no JavaScript;
    // Leptos carries the error as base64 JSON in `__err`).
    use base64::Engine as _;
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let said: String = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == "__err")
        .filter_map(|(_, v)| {
            base64::engine::general_purpose::STANDARD
                .decode(v.as_bytes())
                .ok()
        })
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(
        location.contains("/verify?") && said.contains("Too many attempts"),
        "{location}"
    );
    server.stop();
}
