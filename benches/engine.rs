//! Benchmarks of the badge engine's hot paths: signing (the cost of issuing),
//! verifying, baking and unbaking. Run: `cargo bench -p laurel --bench engine`.
//!
//! After criterion's figures it prints the RS256 signing rate against
//! OpenSSL's (`openssl speed rsa2048`, one core) measured in the same run,
//! the goal being a ratio of at least 0.7.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use laurel::bake::{self, BakedPayload};
use laurel::crypto::{jws, SigningKey};

/// A realistic OB 2.0 assertion payload (≈ 700 bytes).
fn assertion() -> serde_json::Value {
    serde_json::json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/o/acme/assertions/kK1Fs8sgxA7GZmD6iw3X4Q",
        "recipient": {"type": "email", "hashed": true, "salt": "7a7b66d00bbd318424c881afe7175b80",
            "identity": "sha256$44e8ff5217440b482299da64d80c771db8bc9ce9d16fe62c6790af9159ede5fa"},
        "badge": "https://badges.example.org/o/acme/badges/rust-fundamentals",
        "verification": {"type": "SignedBadge", "creator": "https://badges.example.org/o/acme/keys/x"},
        "issuedOn": "2026-11-22T19:25:08Z",
        "expires": "2029-11-22T19:25:08Z",
        "evidence": [{"type": "Evidence", "narrative": "Assessed by the Acme Academy."}]
    })
}

/// A 200×200 PNG badge image (the demo badge).
const PNG: &[u8] = include_bytes!("../server/assets/demo-badge.png");
const SVG: &str = include_str!("../server/assets/demo-badge.svg");

fn engine(c: &mut Criterion) {
    let key = SigningKey::generate().expect("key");
    let public = key.public_key();
    let payload = assertion();
    let compact = jws::sign(&payload, &key, None, None);
    let message = compact.rsplit_once('.').unwrap().0.as_bytes().to_vec();

    let mut g = c.benchmark_group("sign");
    g.throughput(Throughput::Elements(1));
    g.bench_function("rs256_aws_lc", |b| {
        b.iter(|| key.sign_rs256(black_box(&message)))
    });
    g.bench_function("ob2_jws_assertion", |b| {
        b.iter(|| jws::sign(black_box(&payload), &key, None, None))
    });
    g.finish();

    let mut g = c.benchmark_group("verify");
    g.bench_function("rs256_jws", |b| {
        b.iter(|| {
            jws::parse(black_box(&compact))
                .unwrap()
                .verify(&public)
                .unwrap()
        })
    });
    g.finish();

    let ob2 = BakedPayload::Ob2(compact.clone());
    let baked_png = bake::bake_png(PNG, &ob2).unwrap();
    let baked_svg = bake::bake_svg(SVG, &ob2, None).unwrap();
    let mut g = c.benchmark_group("bake");
    g.bench_function("png", |b| {
        b.iter(|| bake::bake_png(black_box(PNG), &ob2).unwrap())
    });
    g.bench_function("svg", |b| {
        b.iter(|| bake::bake_svg(black_box(SVG), &ob2, None).unwrap())
    });
    g.finish();
    let mut g = c.benchmark_group("unbake");
    g.bench_function("png", |b| {
        b.iter(|| bake::unbake_png(black_box(&baked_png)).unwrap())
    });
    g.bench_function("svg", |b| {
        b.iter(|| bake::unbake_svg(black_box(&baked_svg)).unwrap())
    });
    g.finish();
}

/// RS256 signatures per second on this thread, over about `secs` seconds.
fn our_sign_rate(secs: f64) -> f64 {
    let key = SigningKey::generate().expect("key");
    let msg = [7u8; 700];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs_f64(secs) {
        black_box(key.sign_rs256(black_box(&msg)));
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// OpenSSL's RSA-2048 sign rate on one core, from `openssl speed -mr`.
fn openssl_sign_rate() -> Option<f64> {
    let out = std::process::Command::new("openssl")
        .args(["speed", "-mr", "-seconds", "3", "rsa2048"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // Machine-readable line (OpenSSL 3): +F2:<n>:<bits>:<signs/s>:<verifies/s>
    text.lines()
        .filter(|l| l.starts_with("+F2:"))
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2) == Some(&"2048"))
                .then(|| f.get(3)?.parse::<f64>().ok())
                .flatten()
        })
}

criterion_group!(benches, engine);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let ours = our_sign_rate(3.0);
    match openssl_sign_rate() {
        Some(theirs) => println!(
            "\nRS256 signing, one core: Laurel (aws-lc-rs) {ours:.0}/s, OpenSSL {theirs:.0}/s, ratio {:.2} (goal ≥ 0.70)",
            ours / theirs
        ),
        None => println!("\nRS256 signing, one core: Laurel (aws-lc-rs) {ours:.0}/s; `openssl speed` unavailable"),
    }
}
