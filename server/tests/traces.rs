//! OpenTelemetry export: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the real
//! binary sends its request spans, request id included, over OTLP/HTTP to a
//! collector; here a minimal HTTP listener that decodes the protobuf as a
//! collector would.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{agent, free_port, laurel, temp_dir, Server};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use prost::Message;

/// One request the collector received: path, content type, body.
struct Received {
    path: String,
    content_type: String,
    body: Vec<u8>,
}

/// Accepts HTTP/1.1 POSTs on `listener`, answers each 200 and hands it on.
fn collector(listener: TcpListener, out: mpsc::Sender<Received>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { return };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            continue;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let (mut length, mut content_type) = (0usize, String::new());
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "content-type" => content_type = value.trim().to_string(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        if out
            .send(Received {
                path,
                content_type,
                body,
            })
            .is_err()
        {
            return;
        }
    }
}

fn text(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        .and_then(|v| match v {
            any_value::Value::StringValue(s) => Some(s.clone()),
            _ => None,
        })
}

#[test]
fn request_spans_are_exported_over_otlp_with_their_request_id() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || collector(listener, tx));

    let dir = temp_dir("otlp");
    let mut cmd = laurel(&dir);
    cmd.env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        // Traces keep their own level: a quiet log does not silence them.
        .env("RUST_LOG", "error");
    let server = Server::start_with(cmd, free_port());

    let request_id = "otlp-test-request-7f3a";
    let res = agent()
        .get(format!("{}/readyz", server.base))
        .header("x-request-id", request_id)
        .call()
        .unwrap();
    assert_eq!(res.status(), 200);

    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    let span = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let got = rx.recv_timeout(left).unwrap_or_else(|_| {
            panic!("no span with request_id {request_id} reached the collector; saw {seen:?}")
        });
        assert_eq!(got.path, "/v1/traces", "the OTLP/HTTP traces path");
        assert_eq!(got.content_type, "application/x-protobuf");
        let export = ExportTraceServiceRequest::decode(got.body.as_slice())
            .expect("a protobuf ExportTraceServiceRequest");
        let found = export.resource_spans.iter().find_map(|rs| {
            let resource = rs.resource.as_ref()?;
            rs.scope_spans
                .iter()
                .flat_map(|ss| &ss.spans)
                .find(|span| {
                    seen.push(span.name.clone());
                    text(&span.attributes, "request_id").as_deref() == Some(request_id)
                })
                .map(|span| (resource.attributes.clone(), span.clone()))
        });
        if let Some(found) = found {
            break found;
        }
    };
    let (resource, span) = span;
    assert_eq!(text(&resource, "service.name").as_deref(), Some("laurel"));
    assert_eq!(span.name, "request");
    assert_eq!(text(&span.attributes, "path").as_deref(), Some("/readyz"));
    assert_eq!(text(&span.attributes, "method").as_deref(), Some("GET"));
    assert!(span.end_time_unix_nano >= span.start_time_unix_nano);
    assert_eq!(span.trace_id.len(), 16);
    server.stop();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_malformed_endpoint_is_reported_and_the_server_runs_without_traces() {
    let dir = temp_dir("otlp-bad");
    let mut cmd = laurel(&dir);
    cmd.env("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url")
        .env("RUST_LOG", "warn")
        .arg("migrate")
        .stderr(std::process::Stdio::piped());
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("traces are not exported: OTEL_EXPORTER_OTLP_ENDPOINT=not a url"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
