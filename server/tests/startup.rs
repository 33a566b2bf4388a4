//! The real `laurel` binary, started as a user would: bad settings stop it
//! with one sentence; a good start serves health, readiness and hardened pages
//! over real HTTP, and SIGTERM stops it cleanly. Runs on SQLite and PostgreSQL.

mod common;

use std::net::TcpListener;
use std::process::Output;

use common::*;
use laurel_store::testing::TestDatabase;

/// Asserts the command failed with exactly one line on stderr that contains
/// `expected`, and no panic.
fn assert_one_sentence(output: Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "should fail; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("laurel: "))
        .collect();
    assert_eq!(lines.len(), 1, "one sentence expected, got: {stderr}");
    assert!(
        lines[0].contains(expected),
        "expected {expected:?} in {stderr}"
    );
}

fn header(res: &http::Response<ureq::Body>, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_owned()
}

#[test]
fn help_lists_every_setting() {
    let out = laurel(&temp_dir("help")).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "LEPTOS_SITE_ADDR",
        "LAUREL_PUBLIC_URL",
        "DATABASE_URL",
        "LAUREL_DATA_DIR",
        "serve",
        "migrate",
        "demo",
    ] {
        assert!(help.contains(setting), "--help lacks {setting}:\n{help}");
    }
}

/// The operator's billing commands: plans as typed, every bad value refused
/// with one sentence (and nothing stored), invoices named that do not exist.
#[test]
fn plans_and_billing_commands_check_their_input() {
    let dir = temp_dir("plans");
    let plans = |args: &[&str]| laurel(&dir).arg("plans").args(args).output().unwrap();
    // `plans add` with these flags over the defaults below.
    let add = |over: &[&str]| {
        let mut flags = vec![
            ("--name", "Starter"),
            ("--monthly-fee", "29"),
            ("--per-badge-fee", "0.50"),
        ];
        for pair in over.chunks(2) {
            flags.retain(|(f, _)| *f != pair[0]);
            flags.push((pair[0], pair[1]));
        }
        let mut args = vec!["add"];
        for (f, v) in flags {
            args.extend([f, v]);
        }
        plans(&args)
    };
    for (extra, sentence) in [
        (&["--monthly-fee", "29.999"][..], "is not an amount in EUR"),
        (&["--per-badge-fee", "1,5"][..], "is not an amount in EUR"),
        (&["--currency", "EURO"][..], "is not a currency code"),
        (&["--vat", "120"][..], "A VAT rate is between 0 and 100 %"),
        (&["--vat", "abc"][..], "is not a VAT rate"),
        (
            &["--trial-days", "400"][..],
            "--trial-days is between 0 and 366",
        ),
    ] {
        assert_one_sentence(add(extra), sentence);
    }
    let list = String::from_utf8(plans(&["list"]).stdout).unwrap();
    assert_eq!(list.lines().count(), 1, "only the header: {list}");
    let out = add(&["--vat", "21", "--trial-days", "30", "--trial-quota", "50"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_sentence(add(&[]), "A plan named “Starter” already exists.");
    let list = String::from_utf8(plans(&["list"]).stdout).unwrap();
    assert!(
        list.contains("Starter\tEUR\t€29.00\t€0.50\t21 %\t30 days, 50 badges\toffered"),
        "{list}"
    );
    assert!(plans(&["retire", "Starter"]).status.success());
    assert!(String::from_utf8(plans(&["list"]).stdout)
        .unwrap()
        .contains("\tretired"));
    assert_one_sentence(plans(&["retire", "Nope"]), "There is no plan named “Nope”.");
    let billing = |args: &[&str]| laurel(&dir).arg("billing").args(args).output().unwrap();
    assert_one_sentence(
        billing(&["mark-paid", "INV-000042"]),
        "There is no invoice INV-000042.",
    );
    assert_one_sentence(
        billing(&["mark-paid", "forty-two"]),
        "is not an invoice number",
    );
    assert_one_sentence(
        billing(&["credit", "42", "--reason", " "]),
        "Give the reason",
    );
    let run = billing(&["run"]);
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout).contains("billing run: 0 invoice(s) issued"));
    // Stripe takes all three settings or none.
    assert_one_sentence(
        laurel(&dir)
            .args(["plans", "list"])
            .env("LAUREL_STRIPE_SECRET_KEY", "sk_test_x")
            .output()
            .unwrap(),
        "Stripe needs all three of LAUREL_STRIPE_SECRET_KEY",
    );
}

#[test]
fn unsupported_database_url_is_one_sentence() {
    let out = laurel(&temp_dir("badurl"))
        .arg("migrate")
        .env("DATABASE_URL", "mysql://root:secret@localhost/laurel")
        .output()
        .unwrap();
    assert_one_sentence(
        out,
        "DATABASE_URL must start with sqlite:, postgres:// or postgresql://",
    );
}

#[test]
fn unreachable_postgres_is_one_sentence() {
    let out = laurel(&temp_dir("nopg"))
        .arg("serve")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
        .env(
            "DATABASE_URL",
            "postgres://postgres:secret@127.0.0.1:1/laurel",
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("secret"), "password leaked: {stderr}");
    assert_one_sentence(
        out,
        "Could not connect to the database at DATABASE_URL=postgres://postgres:***@127.0.0.1:1/laurel",
    );
}

#[test]
fn data_dir_that_is_a_file_is_one_sentence() {
    let dir = temp_dir("file");
    let file = dir.join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let out = laurel(&file).arg("migrate").output().unwrap();
    assert_one_sentence(out, "is not a directory");
}

#[test]
fn bad_master_key_is_one_sentence() {
    let out = laurel(&temp_dir("mk"))
        .arg("demo")
        .env("LAUREL_MASTER_KEY", "too-short")
        .output()
        .unwrap();
    assert_one_sentence(out, "LAUREL_MASTER_KEY: The master key");
}

#[test]
fn port_in_use_is_one_sentence() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let out = laurel(&temp_dir("port"))
        .env("LEPTOS_SITE_ADDR", addr.to_string())
        .output()
        .unwrap();
    assert_one_sentence(out, &format!("LEPTOS_SITE_ADDR={addr} cannot be used"));
}

#[test]
fn bad_public_url_and_bind_address_are_refused() {
    let out = laurel(&temp_dir("puburl"))
        .arg("migrate")
        .env("LAUREL_PUBLIC_URL", "ftp://badges.example.org")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("LAUREL_PUBLIC_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = laurel(&temp_dir("addr"))
        .env("LEPTOS_SITE_ADDR", "localhost")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("LEPTOS_SITE_ADDR must be an IP address and port"),
        "{stderr}"
    );
}

#[test]
fn a_base_domain_holding_the_main_host_is_refused() {
    let run = |public_url: &str, base: &str| {
        laurel(&temp_dir("basedomain"))
            .arg("migrate")
            .env("LAUREL_PUBLIC_URL", public_url)
            .env("LAUREL_BASE_DOMAIN", base)
            .output()
            .unwrap()
    };
    assert_one_sentence(
        run("https://www.example.org", "example.org"),
        "LAUREL_BASE_DOMAIN=example.org contains the main host www.example.org: the organisation “www”",
    );
    assert_one_sentence(
        run("https://a.b.example.org", "Example.org"),
        "contains the main host a.b.example.org",
    );
    // The main host as the base, or beside it: fine.
    for (url, base) in [
        ("https://badges.example.org", "badges.example.org"),
        ("https://laurel.example.org", "badges.example.org"),
        ("https://notexample.org", "example.org"),
    ] {
        let out = run(url, base);
        assert!(
            out.status.success(),
            "{url} {base}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_document_cache_poll_out_of_range_is_refused_naming_the_setting() {
    for bad in ["0", "49", "60001", "soon"] {
        let out = laurel(&temp_dir("poll"))
            .arg("migrate")
            .env("LAUREL_DOCUMENT_CACHE_POLL_MS", bad)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad}: {stderr}");
        assert!(stderr.contains("document-cache-poll-ms"), "{bad}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn demo_is_idempotent_and_prints_kind_url_lines() {
    let dir = temp_dir("demo");
    let run = || {
        let out = laurel(&dir)
            .arg("demo")
            .env("LAUREL_PUBLIC_URL", "https://badges.example.org/")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run();
    assert_eq!(first, run(), "a second run changes nothing");
    assert!(
        first.contains("organisation https://badges.example.org/o/demo\n"),
        "{first}"
    );
    assert!(
        first.contains("profile https://badges.example.org/u/demo-holder\n"),
        "{first}"
    );
    assert!(
        first.contains("verify https://badges.example.org/verify\n")
            && first.contains("collection https://badges.example.org/u/demo-holder/c/rust-path\n"),
        "{first}"
    );
    assert!(
        first.contains("remote-api https://badges.example.org/api/remote/v1/issue\n")
            && first.contains("domain-name demo\n")
            && first.contains("external-template-id DEMO-EXAM\n")
            && first.contains("openapi https://badges.example.org/api/v1/openapi.json\n"),
        "{first}"
    );
    // Billing: the demo organisation's plan and its first (paid) invoice.
    assert!(
        first.contains("subscription https://badges.example.org/portal/demo/subscription\n")
            && first.contains(
                "invoice https://badges.example.org/portal/demo/subscription/invoices/1\n"
            )
            && first.contains("metrics https://badges.example.org/metrics\n")
            && first.contains("analytics https://badges.example.org/portal/demo/analytics\n"),
        "{first}"
    );
    // The remote-issuing values are not URLs: a GUID, names, key files.
    let not_urls = [
        "integration-id",
        "domain-name",
        "external-template-id",
        "integration-key-xml",
        "integration-key-pem",
    ];
    let mut values = std::collections::HashMap::new();
    for line in first.lines() {
        let (kind, value) = line.split_once(' ').expect("<kind> <value>");
        assert!(
            !kind.is_empty()
                && (not_urls.contains(&kind) || value.starts_with("https://badges.example.org/")),
            "{line}"
        );
        values.insert(kind, value);
    }
    let id = values["integration-id"];
    assert!(
        id.len() == 36 && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{id}"
    );
    let xml = std::fs::read_to_string(values["integration-key-xml"]).unwrap();
    assert!(
        xml.starts_with("<RSAKeyValue><Modulus>") && xml.contains("<D>"),
        "{xml}"
    );
    let pem = std::fs::read_to_string(values["integration-key-pem"]).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(values["integration-key-pem"])
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the private key is the owner's only");
    }
    assert!(
        dir.join("laurel.db").exists(),
        "SQLite file created in the data dir"
    );
}

fn serves_health_pages_and_headers(database_url: Option<&str>) {
    let dir = temp_dir("serve");
    let server = {
        let mut cmd = laurel(&dir);
        if let Some(url) = database_url {
            cmd.env("DATABASE_URL", url);
        }
        cmd.env("LAUREL_METRICS_TOKEN", METRICS_TOKEN);
        Server::start_with(cmd, free_port())
    };
    let http = agent();

    let ready = http.get(format!("{}/readyz", server.base)).call().unwrap();
    assert_eq!(ready.status(), 200);
    let id = header(&ready, "x-request-id");
    assert_eq!(id.len(), 36, "a UUID request id: {id}");

    // A page: complete HTML, hardened headers, the CSP nonce on the script.
    let mut home = http.get(format!("{}/", server.base)).call().unwrap();
    assert_eq!(home.status(), 200);
    assert_eq!(header(&home, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&home, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert_eq!(header(&home, "x-frame-options"), "DENY");
    let csp = header(&home, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce in script-src");
    let html = home.body_mut().read_to_string().unwrap();
    assert!(
        html.contains("Digital badges people can prove."),
        "landing page rendered"
    );
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration script carries the nonce"
    );
    let second = http.get(format!("{}/", server.base)).call().unwrap();
    assert_ne!(
        header(&second, "content-security-policy"),
        csp,
        "a fresh nonce per response"
    );

    // Unknown pages are a real 404 with the app's page.
    let mut missing = http
        .get(format!("{}/no/such/page", server.base))
        .call()
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing
        .body_mut()
        .read_to_string()
        .unwrap()
        .contains("Page not found"));
    // Stripe is not configured: the CSP lets none of it in.
    assert!(!csp.contains("stripe"), "{csp}");

    // Someone's own pages, and those with tokens in their links, are never
    // cached; public pages may be.
    for path in [
        "/login",
        "/portal",
        "/wallet",
        "/password/reset?token=x",
        "/account/security",
    ] {
        let res = http.get(format!("{}{path}", server.base)).call().unwrap();
        assert_eq!(header(&res, "cache-control"), "no-store", "{path}");
    }
    assert!(home.headers().get("cache-control").is_none());

    // CSRF: a present Origin decides alone. `Origin: null` is refused even
    // with Laurel's own page as the Referer; without Origin, the Referer
    // decides; with neither, refused.
    let own_page = format!("{}/login", server.base);
    let logout = |origin: Option<&str>, referer: Option<&str>| {
        let mut req = http.post(format!("{}/api/account/logout", server.base));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(r) = referer {
            req = req.header("referer", r);
        }
        req.send_empty().unwrap().status().as_u16()
    };
    assert_eq!(logout(Some("null"), Some(&own_page)), 403);
    assert_eq!(logout(Some("https://evil.example"), Some(&own_page)), 403);
    assert_eq!(logout(None, Some("https://evil.example/x")), 403);
    assert_eq!(logout(None, None), 403);
    assert_ne!(logout(Some(&server.base), None), 403);
    assert_ne!(logout(None, Some(&own_page)), 403);

    // Compressed only for a client that accepts it.
    let mut gzipped = http
        .get(format!("{}/", server.base))
        .header("accept-encoding", "gzip")
        .call()
        .unwrap();
    assert_eq!(header(&gzipped, "content-encoding"), "gzip");
    let bytes = gzipped.body_mut().read_to_vec().unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        bytes.len() < html.len() / 2,
        "{} of {}",
        bytes.len(),
        html.len()
    );
    let plain = http.get(format!("{}/", server.base)).call().unwrap();
    assert!(plain.headers().get("content-encoding").is_none());

    scrapes_metrics(&http, &server.base);
    server.stop();
}

const METRICS_TOKEN: &str = "scrape-me-0123456789";

/// `/metrics` wants the token, and what it answers parses as Prometheus's
/// text format with the request counters and histograms by route pattern,
/// the queue and pool gauges.
fn scrapes_metrics(http: &ureq::Agent, base: &str) {
    let url = format!("{base}/metrics");
    assert_eq!(http.get(&url).call().unwrap().status(), 401);
    let wrong = http
        .get(&url)
        .header("Authorization", "Bearer scrape-me-0123456780")
        .call()
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let mut res = http
        .get(&url)
        .header("Authorization", format!("Bearer {METRICS_TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").starts_with("text/plain; version=0.0.4"));
    let text = res.body_mut().read_to_string().unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .unwrap_or_else(|e| panic!("not Prometheus text: {e}\n{text}"));
    let sample = |name: &str, labels: &[(&str, &str)]| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
    };
    match sample(
        "laurel_http_requests_total",
        &[("route", "/readyz"), ("status", "200"), ("method", "GET")],
    ) {
        Some(s) => assert!(
            matches!(s.value, prometheus_parse::Value::Counter(n) if n >= 1.0),
            "{s:?}"
        ),
        None => panic!("no request counter for /readyz:\n{text}"),
    }
    // Routes are patterns and unknown paths one label: no unbounded labels.
    assert!(
        sample("laurel_http_requests_total", &[("route", "/no/such/page")]).is_none(),
        "{text}"
    );
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "laurel_http_request_duration_seconds"
                && matches!(s.value, prometheus_parse::Value::Histogram(_))),
        "{text}"
    );
    for gauge in ["laurel_db_pool_connections", "laurel_db_pool_idle"] {
        assert!(sample(gauge, &[]).is_some(), "{gauge}:\n{text}");
    }
}

/// `laurel doctor` with a broken setting of each kind: one FAIL line naming
/// it with a fix, exit code 1; everything right: only ok lines, exit 0.
#[test]
fn doctor_names_each_broken_setting() {
    let dir = temp_dir("doctor");
    let doctor = |cmd: &mut std::process::Command| {
        let out = cmd.arg("doctor").output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let fails = |(code, text): (Option<i32>, String), check: &str, words: &str| {
        assert_eq!(code, Some(1), "{text}");
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("FAIL {check}:")))
            .unwrap_or_else(|| panic!("no FAIL {check}:\n{text}"));
        assert!(line.contains(words) && line.contains("Fix:"), "{line}");
    };
    // A new data directory: nothing migrated yet.
    fails(doctor(&mut laurel(&dir)), "migrations", "pending");
    // Migrated, with the demo's keys sealed under the generated master key.
    assert!(laurel(&dir).arg("demo").output().unwrap().status.success());
    let (code, text) = doctor(&mut laurel(&dir));
    assert_eq!(code, Some(0), "{text}");
    for check in [
        "configuration",
        "data directory",
        "disk space",
        "database",
        "migrations",
        "master key",
        "mail",
        "outbox",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("ok   {check}:"))),
            "{check}:\n{text}"
        );
    }
    assert!(!text.contains("FAIL"), "{text}");
    // Each broken setting.
    let other_key = "ab".repeat(32);
    fails(
        doctor(laurel(&dir).env("LAUREL_MASTER_KEY", &other_key)),
        "master key",
        "not the key they were sealed with",
    );
    fails(
        doctor(laurel(&dir).env("LAUREL_MASTER_KEY", "short")),
        "master key",
        "LAUREL_MASTER_KEY",
    );
    fails(
        doctor(laurel(&dir).env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nothing")),
        "database",
        "Could not connect",
    );
    let closed = free_port();
    fails(
        doctor(laurel(&dir).env(
            "LAUREL_SMTP_URL",
            format!("smtp://127.0.0.1:{closed}?tls=none"),
        )),
        "mail",
        "SMTP",
    );
    fails(
        doctor(laurel(&dir).env("LAUREL_SMTP_URL", "ftp://mail.example.org")),
        "mail",
        "LAUREL_SMTP_URL",
    );
    fails(
        doctor(laurel(&dir).env("LAUREL_STRIPE_SECRET_KEY", "sk_test_x")),
        "configuration",
        "Stripe needs all three",
    );
    let full = laurel(&dir)
        .args(["doctor", "--min-free-mb", "999999999"])
        .output()
        .unwrap();
    fails(
        (full.status.code(), String::from_utf8(full.stdout).unwrap()),
        "disk space",
        "MB free",
    );
    // The master key file gone, keys still sealed in the database.
    std::fs::remove_file(dir.join("master.key")).unwrap();
    fails(
        doctor(&mut laurel(&dir)),
        "master key",
        "no master key, but the database holds",
    );
}

/// Mail given up (after its 48 hours of retries) or failing for a while
/// makes `laurel doctor` fail naming the outbox; `laurel jobs failed` lists
/// it (exit 1) and `laurel jobs retry` queues it again.
#[test]
fn given_up_mail_is_reported_and_retried_from_the_command_line() {
    let dir = temp_dir("outbox");
    assert!(laurel(&dir).arg("demo").output().unwrap().status.success());
    let url = format!("sqlite://{}", dir.join("laurel.db").display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sql = |statement: String| {
        runtime.block_on(async {
            let store = laurel_store::Store::connect(&url).await.unwrap();
            laurel_store::testing::execute(&store, &statement).await;
            store.close().await;
        })
    };
    let run = |args: &[&str]| {
        let out = laurel(&dir).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let doctor_outbox = || {
        let (code, text, _) = run(&["doctor"]);
        let line = text
            .lines()
            .find(|l| l.contains(" outbox:"))
            .unwrap_or_else(|| panic!("no outbox line:\n{text}"))
            .to_owned();
        (code, line)
    };
    let (code, line) = doctor_outbox();
    assert!(line.starts_with("ok   outbox:"), "{line}");
    assert_eq!(code, Some(0));
    let now = chrono::Utc::now();
    let at = |minutes: i64| {
        (now - chrono::Duration::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
    };
    sql(format!(
        "INSERT INTO jobs (queue, payload, run_at, created_at, max_attempts, attempts, failed_at, last_error) \
         VALUES ('mail', '{{}}', '{0}', '{1}', 100000, 60, '{0}', 'SMTP: 554 relay refused')",
        at(0),
        at(60 * 49)
    ));
    let (code, line) = doctor_outbox();
    assert_eq!(code, Some(1));
    assert!(
        line.starts_with("FAIL outbox: 1 mail(s) were given up after 48 h of retries (last error: SMTP: 554 relay refused)")
            && line.contains("laurel jobs retry --queue mail"),
        "{line}"
    );
    let (code, out, err) = run(&["jobs", "failed"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "mail 1 SMTP: 554 relay refused\n");
    assert!(err.contains("1 job(s) were given up"), "{err}");
    let (code, out, _) = run(&["jobs", "retry", "--queue", "webhook"]);
    assert_eq!((code, out.as_str()), (Some(0), "0 job(s) queued again\n"));
    let (code, out, _) = run(&["jobs", "retry", "--queue", "mail"]);
    assert_eq!((code, out.as_str()), (Some(0), "1 job(s) queued again\n"));
    let (code, out, _) = run(&["jobs", "failed"]);
    assert_eq!((code, out.as_str()), (Some(0), "no failed jobs\n"));
    // Retried, it fails again: failing for 20 minutes is reported too.
    sql(format!(
        "UPDATE jobs SET last_error = 'SMTP: connection refused', created_at = '{}' \
         WHERE queue = 'mail' AND payload = '{{}}'",
        at(20)
    ));
    let (code, line) = doctor_outbox();
    assert_eq!(code, Some(1));
    assert!(
        line.starts_with(
            "FAIL outbox: 1 mail(s) failing for 20 min (last error: SMTP: connection refused)"
        ),
        "{line}"
    );
}

#[test]
fn serves_on_sqlite() {
    serves_health_pages_and_headers(None);
}

#[test]
fn serves_on_postgres() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = runtime.block_on(TestDatabase::postgres());
    serves_health_pages_and_headers(Some(&db.url));
    runtime.block_on(db.cleanup());
}
