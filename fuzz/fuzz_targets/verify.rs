//! The verifier, as the import of a badge and the public verifier call it:
//! any text (JSON assertion or credential, JWS, VC-JWT) or image, offline
//! (every fetch answers 404). Never panics; a report that says valid has
//! every check passed.
#![no_main]

use std::future::Future;
use std::task::{Context, Poll, Waker};

use laurel::verify::{verify, FetchError, Fetched, Fetcher, Input, Options, Outcome};
use libfuzzer_sys::fuzz_target;

struct Offline;

impl Fetcher for Offline {
    fn fetch(
        &self,
        url: &str,
        _accept: &str,
    ) -> impl Future<Output = Result<Fetched, FetchError>> + Send {
        std::future::ready(Ok(Fetched {
            status: 404,
            content_type: None,
            body: Vec::new(),
            final_url: url.to_owned(),
        }))
    }
}

/// Runs a future that never waits (the fetcher answers at once).
fn run<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let options = Options {
        recipients: vec!["holder@example.com".into()],
        now: chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("a time"),
    };
    let input = match std::str::from_utf8(data) {
        Ok(text) => Input::Text(text.to_owned()),
        Err(_) => Input::Image(data.to_vec()),
    };
    let report = run(verify(input, &Offline, &options));
    assert!(
        !report.valid || report.checks.iter().all(|c| c.outcome != Outcome::Failed),
        "a valid report with a failed check"
    );
    let _ = serde_json::to_string(&report);
});
