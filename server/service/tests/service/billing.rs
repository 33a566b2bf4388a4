//! Billing against a real SQLite file and a real PostgreSQL database, on a
//! clock the test moves: a subscription through its trial (quota reached),
//! its first invoice, two cycles with different badge counts and a plan
//! change at the boundary, a declined card, retries, the grace period,
//! suspension, payment and resumption — every invoice total computed by
//! hand. Cards go through the real Stripe adapter against a local stub that
//! answers with Stripe's documented shapes and records each request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, TimeZone, Utc};
use laurel::billing::{Currency, VatRate};
use laurel::{InvoiceStatus, PaymentStatus};
use laurel_service::billing::{self, BillingDetails, Change, Standing};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::stripe::{sign_event, Stripe};
use laurel_service::{Clock, ServerContext, ServiceError};
use laurel_store::testing::count_rows;
use laurel_store::{on_both_backends, NewPlan, Organisation, Store};
use serde_json::{json, Value};

use crate::issuing::{award, ctx, design};

/// What the stub saw: method, path, Idempotency-Key, form body.
#[derive(Debug, Clone)]
struct Seen {
    method: &'static str,
    path: String,
    key: Option<String>,
    body: String,
}

#[derive(Default)]
struct StubState {
    seen: Vec<Seen>,
    /// Charges to decline before one succeeds.
    declines: usize,
    /// PaymentIntent id → status.
    intents: HashMap<String, (String, i64)>,
    /// Idempotency-Key → the first answer (Stripe replays it).
    replies: HashMap<String, (StatusCode, Value)>,
}

type Stub = Arc<Mutex<StubState>>;

fn record(
    stub: &Stub,
    method: &'static str,
    path: &str,
    headers: &HeaderMap,
    body: &str,
) -> Option<String> {
    assert_eq!(
        headers.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Bearer sk_test_stub"),
        "every call authenticates with the secret key"
    );
    if method == "POST" {
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/x-www-form-urlencoded"),
            "Stripe takes form-encoded bodies"
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    stub.lock().unwrap().seen.push(Seen {
        method,
        path: path.to_owned(),
        key: key.clone(),
        body: body.to_owned(),
    });
    key
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// A charge or a retry: declined while `declines` lasts, else succeeded.
fn charge(stub: &Stub, id: &str, amount: i64) -> (StatusCode, Value) {
    let mut s = stub.lock().unwrap();
    let declined = s.declines > 0;
    if declined {
        s.declines -= 1;
    }
    let status = if declined {
        "requires_payment_method"
    } else {
        "succeeded"
    };
    s.intents.insert(id.to_owned(), (status.to_owned(), amount));
    let intent = json!({
        "id": id, "object": "payment_intent", "status": status, "amount": amount, "currency": "eur",
        "last_payment_error": if declined { json!({"code": "card_declined", "message": "Your card was declined."}) } else { Value::Null },
    });
    if declined {
        (
            StatusCode::PAYMENT_REQUIRED,
            json!({"error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined.", "payment_intent": intent}}),
        )
    } else {
        (StatusCode::OK, intent)
    }
}

fn replay(
    stub: &Stub,
    key: Option<String>,
    make: impl FnOnce() -> (StatusCode, Value),
) -> (StatusCode, Json<Value>) {
    if let Some(k) = &key {
        if let Some((status, body)) = stub.lock().unwrap().replies.get(k).cloned() {
            return (status, Json(body));
        }
    }
    let (status, body) = make();
    if let Some(k) = key {
        stub.lock()
            .unwrap()
            .replies
            .insert(k, (status, body.clone()));
    }
    (status, Json(body))
}

async fn start_stub() -> (String, Stub) {
    let stub: Stub = Arc::default();
    let app = Router::new()
        .route(
            "/v1/customers",
            post(|State(s): State<Stub>, h: HeaderMap, body: String| async move {
                let key = record(&s, "POST", "/v1/customers", &h, &body);
                replay(&s, key, || (StatusCode::OK, json!({"id": "cus_test1", "object": "customer"})))
            }),
        )
        .route(
            "/v1/setup_intents",
            post(|State(s): State<Stub>, h: HeaderMap, body: String| async move {
                record(&s, "POST", "/v1/setup_intents", &h, &body);
                Json(json!({"id": "seti_test1", "object": "setup_intent", "status": "requires_payment_method",
                    "client_secret": "seti_test1_secret_abc", "payment_method": null, "customer": "cus_test1"}))
            }),
        )
        .route(
            "/v1/setup_intents/{id}",
            get(|State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>| async move {
                record(&s, "GET", &format!("/v1/setup_intents/{id}"), &h, "");
                Json(json!({"id": id, "object": "setup_intent", "status": "succeeded",
                    "client_secret": null, "payment_method": "pm_test1", "customer": "cus_test1"}))
            }),
        )
        .route(
            "/v1/payment_methods/{id}",
            get(|State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>| async move {
                record(&s, "GET", &format!("/v1/payment_methods/{id}"), &h, "");
                Json(json!({"id": id, "object": "payment_method", "type": "card",
                    "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}}))
            }),
        )
        .route(
            "/v1/payment_intents",
            post(|State(s): State<Stub>, h: HeaderMap, body: String| async move {
                let key = record(&s, "POST", "/v1/payment_intents", &h, &body);
                let amount: i64 = form(&body)["amount"].parse().unwrap();
                let id = format!("pi_{}", s.lock().unwrap().intents.len() + 1);
                let stub = s.clone();
                replay(&s, key, move || charge(&stub, &id, amount))
            }),
        )
        .route(
            "/v1/payment_intents/{id}",
            get(|State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>| async move {
                record(&s, "GET", &format!("/v1/payment_intents/{id}"), &h, "");
                let (status, amount) = s.lock().unwrap().intents[&id].clone();
                Json(json!({"id": id, "object": "payment_intent", "status": status, "amount": amount, "currency": "eur", "last_payment_error": null}))
            }),
        )
        .route(
            "/v1/payment_intents/{id}/confirm",
            post(|State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>, body: String| async move {
                let key = record(&s, "POST", &format!("/v1/payment_intents/{id}/confirm"), &h, &body);
                let amount = s.lock().unwrap().intents[&id].1;
                let stub = s.clone();
                replay(&s, key, move || charge(&stub, &id, amount))
            }),
        )
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), stub)
}

const WEBHOOK_SECRET: &str = "whsec_stub";

fn plan(name: &'static str, monthly_fee: i64, per_badge_fee: i64) -> NewPlan<'static> {
    NewPlan {
        name,
        currency: Currency::parse("EUR").unwrap(),
        monthly_fee,
        per_badge_fee,
        vat: Some(VatRate::parse("21").unwrap()),
        trial_days: 14,
        trial_quota: 3,
    }
}

async fn issue_n(
    ctx: &ServerContext,
    org: &Organisation,
    template: i64,
    n: usize,
    tag: &str,
) -> Result<(), ServiceError> {
    let (_, class) = ctx.store.template(org.id, template).await.unwrap().unwrap();
    let issuer = Issuer::of(ctx, org).await?;
    for i in 0..n {
        issuer
            .issue(
                Some(template),
                &class,
                &award(&format!("{tag}{i}@example.com"), "Holder", 1),
                Source::Hand,
            )
            .await?;
    }
    Ok(())
}

fn refused(result: Result<(), ServiceError>, words: &str) {
    match result {
        Err(ServiceError::PaymentRequired(m)) => assert!(m.contains(words), "{m}"),
        other => panic!("expected a refusal with “{words}”, got {other:?}"),
    }
}

on_both_backends!(billing_on_sqlite, billing_on_postgres, scenario);

async fn scenario(store: &Store) {
    let (api, stub) = start_stub().await;
    let t0 = Utc.with_ymd_and_hms(2027, 1, 31, 9, 0, 0).unwrap();
    let clock = Clock::fixed(t0);
    let ctx = ServerContext {
        clock: clock.clone(),
        billing: billing::BillingConfig {
            stripe: Some(Arc::new(
                Stripe::new(&api, "sk_test_stub", WEBHOOK_SECRET, "pk_test_stub").unwrap(),
            )),
            bank_details: Arc::from("IBAN NL00 TEST 0000 0000 00"),
        },
        ..ctx(store)
    };
    let org = store
        .ensure_organisation(&laurel::Subdomain::parse("billed").unwrap(), "Billed Ltd")
        .await
        .unwrap();
    let (template, _) = store
        .create_template(org.id, None, "billed-class", &design("Billed"))
        .await
        .unwrap();
    // The privileged member who acts (the audit log names them).
    let user = store
        .ensure_holder_account("boss@billed.example", "Boss", "x")
        .await
        .unwrap()
        .id;
    let basic = store.create_plan(&plan("Basic", 2900, 15)).await.unwrap();
    let plus = store.create_plan(&plan("Plus", 9900, 10)).await.unwrap();
    // A plan's name is unique.
    assert!(store
        .create_plan(&plan("Basic", 1, 1))
        .await
        .unwrap_err()
        .is_conflict());

    // No plan: nothing is issued.
    refused(
        issue_n(&ctx, &org, template.id, 1, "none").await,
        "needs a plan",
    );
    assert_eq!(count_rows(store, "assertions").await, 0);

    // Choosing a plan needs billing details, then a payment method.
    let choose = |p: i64| billing::choose_plan(&ctx, &org, p, user, "127.0.0.1", clock.now());
    assert!(
        matches!(choose(basic.id).await, Err(ServiceError::Invalid(m)) if m.contains("billing details"))
    );
    for (name, email, address, vat) in [
        ("", "a@example.org", "Street 1", ""),
        ("Billed Ltd", "not-an-address", "Street 1", ""),
        ("Billed Ltd", "a@example.org", "", ""),
        ("Billed Ltd", "a@example.org", "Street 1", "NL<script>"),
    ] {
        let d = BillingDetails {
            legal_name: name.into(),
            billing_email: email.into(),
            address: address.into(),
            vat_id: vat.into(),
        };
        assert!(
            matches!(
                billing::save_details(store, org.id, &d, t0).await,
                Err(ServiceError::Invalid(_))
            ),
            "{name}/{email}/{address}/{vat}"
        );
    }
    assert!(
        store.billing_account(org.id).await.unwrap().is_none(),
        "nothing half-saved"
    );
    let details = BillingDetails {
        legal_name: "Billed Ltd".into(),
        billing_email: "accounts@billed.example".into(),
        address: "1 Ledger Lane\n1000 AA Amsterdam".into(),
        vat_id: "NL123456789B01".into(),
    };
    billing::save_details(store, org.id, &details, t0)
        .await
        .unwrap();
    assert!(
        matches!(choose(basic.id).await, Err(ServiceError::Invalid(m)) if m.contains("payment method"))
    );

    // A card through Stripe's SetupIntent: customer, intent, confirmation.
    let secret = billing::start_card(&ctx, &org, t0).await.unwrap();
    assert_eq!(secret, "seti_test1_secret_abc");
    assert!(
        store
            .default_payment_method(org.id)
            .await
            .unwrap()
            .is_none(),
        "pending until confirmed"
    );
    // Another organisation cannot finish this organisation's card.
    let other = crate::issuing::org(store, "other-billed").await;
    assert!(matches!(
        billing::finish_card(&ctx, Some(other.id), "seti_test1", t0).await,
        Err(ServiceError::NotFound)
    ));
    billing::finish_card(&ctx, Some(org.id), "seti_test1", t0)
        .await
        .unwrap();
    let card = store.default_payment_method(org.id).await.unwrap().unwrap();
    assert_eq!(
        (card.brand.as_str(), card.last4.as_str(), card.exp_year),
        ("visa", "4242", Some(2030))
    );
    {
        let s = stub.lock().unwrap();
        let customer = s.seen.iter().find(|r| r.path == "/v1/customers").unwrap();
        assert_eq!(customer.method, "POST");
        assert!(s
            .seen
            .iter()
            .any(|r| r.method == "GET" && r.path == "/v1/setup_intents/seti_test1"));
        assert_eq!(
            customer.key.as_deref(),
            Some(&*format!("laurel-customer-{}", org.id))
        );
        assert_eq!(form(&customer.body)["email"], "accounts@billed.example");
        let setup = s
            .seen
            .iter()
            .find(|r| r.path == "/v1/setup_intents")
            .unwrap();
        assert_eq!(form(&setup.body)["usage"], "off_session");
        assert_eq!(form(&setup.body)["customer"], "cus_test1");
    }

    // The trial: three badges, then the quota refuses the fourth.
    let sub = choose(basic.id).await.unwrap();
    assert_eq!(sub.trial_ends_at, t0 + Duration::days(14));
    assert!(
        matches!(choose(plus.id).await, Err(ServiceError::Conflict(_))),
        "one plan at a time"
    );
    // One issuer, four awards: billing's yes is cached by the issuer, so the
    // fourth is refused by the count in its own transaction.
    refused(
        issue_n(&ctx, &org, template.id, 4, "trial").await,
        "badges are all issued",
    );
    assert_eq!(count_rows(store, "assertions").await, 3);
    refused(
        issue_n(&ctx, &org, template.id, 1, "over").await,
        "trial's 3 badges are all issued",
    );
    assert_eq!(count_rows(store, "assertions").await, 3);
    assert!(billing::standing(store, org.id, clock.now())
        .await
        .unwrap()
        .refusal(1)
        .is_some());
    // Nothing is billed during the trial.
    assert_eq!(
        billing::run(&ctx, clock.now()).await.unwrap(),
        billing::RunReport::default()
    );

    // Cycle 1 starts at the trial's end: its fee, no usage (trial badges are free).
    let anchor = t0 + Duration::days(14);
    clock.set(anchor);
    let r = billing::run(&ctx, clock.now()).await.unwrap();
    assert_eq!((r.invoices, r.charged, r.declined), (1, 1, 0));
    let inv = store.invoices(org.id).await.unwrap();
    assert_eq!(inv.len(), 1);
    let i1 = &inv[0];
    // €29.00 + 21 % = €6.09 → €35.09.
    assert_eq!((i1.net, i1.vat, i1.total), (2900, 609, 3509));
    assert_eq!(i1.lines.len(), 1);
    assert_eq!(i1.status, InvoiceStatus::Paid);
    assert_eq!(
        i1.bill_to,
        "Billed Ltd\n1 Ledger Lane\n1000 AA Amsterdam\nVAT ID: NL123456789B01"
    );
    {
        let s = stub.lock().unwrap();
        let charge = s
            .seen
            .iter()
            .find(|r| r.path == "/v1/payment_intents")
            .unwrap();
        let f = form(&charge.body);
        assert_eq!(
            (
                f["amount"].as_str(),
                f["currency"].as_str(),
                f["confirm"].as_str(),
                f["off_session"].as_str()
            ),
            ("3509", "eur", "true", "true")
        );
        assert_eq!(
            (f["customer"].as_str(), f["payment_method"].as_str()),
            ("cus_test1", "pm_test1")
        );
        assert_eq!(
            charge.key.as_deref(),
            Some(&*format!(
                "laurel-invoice-{}",
                billing::invoice_number(i1.number)
            ))
        );
    }
    // Running again (and at the same time, as two instances would) bills nothing more.
    let ctx2 = ctx.clone();
    let (a, b) = tokio::join!(
        billing::run(&ctx, clock.now()),
        billing::run(&ctx2, clock.now())
    );
    assert_eq!(a.unwrap().invoices + b.unwrap().invoices, 0);
    assert_eq!(store.invoices(org.id).await.unwrap().len(), 1);

    // Cycle 1: seven badges on Basic, then a change to Plus from cycle 2.
    clock.set(anchor + Duration::days(6));
    issue_n(&ctx, &org, template.id, 7, "c1-").await.unwrap();
    let when = billing::schedule_change(store, org.id, Change::Plan(plus.id), user, "127.0.0.1")
        .await
        .unwrap();
    let cycle2 = Utc.with_ymd_and_hms(2027, 3, 14, 9, 0, 0).unwrap();
    assert_eq!(when, cycle2);
    if let Standing::Active { subscription, plan } =
        billing::standing(store, org.id, clock.now()).await.unwrap()
    {
        assert_eq!(
            (plan.id, subscription.next_plan_id),
            (basic.id, Some(plus.id)),
            "the change waits for the cycle"
        );
    } else {
        panic!("active in cycle 1");
    }

    // Cycle 2: Plus's fee + 7 × Basic's €0.15 (the plan of the cycle they were issued in).
    clock.set(cycle2);
    let (a, b) = tokio::join!(
        billing::run(&ctx, clock.now()),
        billing::run(&ctx2, clock.now())
    );
    assert_eq!(
        a.unwrap().invoices + b.unwrap().invoices,
        1,
        "two runs at once bill the cycle once"
    );
    let i2 = store.invoices(org.id).await.unwrap().remove(0);
    // 99.00 (VAT 20.79) + 1.05 (VAT 0.2205 → 0.22) = net 100.05, VAT 21.01, total 121.06.
    assert_eq!((i2.net, i2.vat, i2.total), (10005, 2101, 12106));
    assert_eq!(i2.number, i1.number + 1, "numbers have no gaps");
    assert_eq!(i2.status, InvoiceStatus::Paid);
    assert!(i2.lines[1].description.contains("Basic"), "{:?}", i2.lines);

    // Cycle 2: five badges on Plus; then the card declines for a while.
    clock.set(cycle2 + Duration::days(3));
    issue_n(&ctx, &org, template.id, 5, "c2-").await.unwrap();
    stub.lock().unwrap().declines = 10;
    let cycle3 = Utc.with_ymd_and_hms(2027, 4, 14, 9, 0, 0).unwrap();
    clock.set(cycle3);
    let r = billing::run(&ctx, clock.now()).await.unwrap();
    assert_eq!((r.invoices, r.charged, r.declined), (1, 0, 1));
    let i3 = store.invoices(org.id).await.unwrap().remove(0);
    // 99.00 (20.79) + 5 × 0.10 = 0.50 (VAT 0.105 → 0.11): net 99.50, VAT 20.90, total 120.40.
    assert_eq!((i3.net, i3.vat, i3.total), (9950, 2090, 12040));
    assert_eq!(i3.status, InvoiceStatus::Open);
    assert_eq!(i3.next_attempt_at, Some(cycle3 + Duration::days(1)));
    // Within the grace period issuing goes on.
    issue_n(&ctx, &org, template.id, 1, "grace-").await.unwrap();

    // Retries after 1, 3 and 7 more days, each with its own idempotency key.
    for (day, next) in [(1, Some(4)), (4, Some(11)), (11, None)] {
        clock.set(cycle3 + Duration::days(day));
        let r = billing::run(&ctx, clock.now()).await.unwrap();
        assert_eq!(r.declined, 1, "day {day}");
        let i = store.invoice(org.id, i3.number).await.unwrap().unwrap();
        assert_eq!(
            i.next_attempt_at,
            next.map(|d| cycle3 + Duration::days(d)),
            "day {day}"
        );
    }
    let keys: Vec<String> = stub
        .lock()
        .unwrap()
        .seen
        .iter()
        .filter(|r| r.path.ends_with("/confirm"))
        .filter_map(|r| r.key.clone())
        .collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(
        keys.iter().collect::<std::collections::HashSet<_>>().len(),
        3,
        "one key per attempt: {keys:?}"
    );
    let failed = store
        .payments(org.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.status == PaymentStatus::Failed)
        .count();
    assert_eq!(failed, 4);

    // The grace period ends 14 days after the due date: issuing is suspended.
    clock.set(cycle3 + Duration::days(14));
    refused(
        issue_n(&ctx, &org, template.id, 1, "suspended-").await,
        &billing::invoice_number(i3.number),
    );
    // A new card works: paying now resumes issuing.
    stub.lock().unwrap().declines = 0;
    assert!(billing::pay_now(&ctx, org.id, i3.number, clock.now())
        .await
        .unwrap());
    assert_eq!(
        store
            .invoice(org.id, i3.number)
            .await
            .unwrap()
            .unwrap()
            .status,
        InvoiceStatus::Paid
    );
    issue_n(&ctx, &org, template.id, 1, "resumed-")
        .await
        .unwrap();
    // A webhook saying the same is taken once, and changes nothing more.
    let event = json!({"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": i3.provider_ref.clone().unwrap_or_default()}}}).to_string();
    let header = sign_event(WEBHOOK_SECRET, event.as_bytes(), Utc::now().timestamp());
    billing::stripe_event(&ctx, event.as_bytes(), &header, clock.now())
        .await
        .unwrap();
    billing::stripe_event(&ctx, event.as_bytes(), &header, clock.now())
        .await
        .unwrap();
    assert!(matches!(
        billing::stripe_event(&ctx, event.as_bytes(), "t=1,v1=00", clock.now()).await,
        Err(ServiceError::Invalid(_))
    ));
    let succeeded = store
        .payments(org.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.status == PaymentStatus::Succeeded)
        .count();
    assert_eq!(succeeded, 3, "three invoices paid, each once");

    // Invoices never change: a correction is a credit note with the next number.
    let note = billing::credit(&ctx, i3.number, "goodwill", clock.now())
        .await
        .unwrap();
    assert_eq!((note.total, note.number), (-12040, i3.number + 1));
    assert_eq!(
        store
            .invoice(org.id, i3.number)
            .await
            .unwrap()
            .unwrap()
            .status,
        InvoiceStatus::Void
    );
    assert!(matches!(
        billing::credit(&ctx, i3.number, "again", clock.now()).await,
        Err(ServiceError::Conflict(_))
    ));
    laurel_store::testing::execute_fails(
        store,
        &format!("UPDATE invoices SET total = 1 WHERE id = {}", i1.id),
    )
    .await;
    laurel_store::testing::execute_fails(
        store,
        &format!("DELETE FROM invoices WHERE id = {}", i1.id),
    )
    .await;

    // Mails: each invoice, each payment, each decline — to the billing address.
    let mails = laurel_store::testing::job_payloads(store, "mail")
        .await
        .into_iter()
        .map(|p| laurel_service::mail::queued_mail(&ctx.master_key, p).unwrap())
        .filter(|m| m.to.as_str() == "accounts@billed.example")
        .count();
    assert_eq!(
        mails,
        3 + 3 + 4,
        "3 invoices, 3 payments received, 4 declines"
    );

    // Ending takes effect at the next cycle start; then nothing is issued.
    billing::schedule_change(store, org.id, Change::End, user, "127.0.0.1")
        .await
        .unwrap();
    let cycle4 = Utc.with_ymd_and_hms(2027, 5, 14, 9, 0, 0).unwrap();
    clock.set(cycle4 - Duration::hours(1));
    issue_n(&ctx, &org, template.id, 1, "last-").await.unwrap();
    clock.set(cycle4 + Duration::days(40));
    refused(issue_n(&ctx, &org, template.id, 1, "after-").await, "ended");
    // Catching up after downtime: the last cycle's badges are invoiced once, no new fee.
    let r = billing::run(&ctx, clock.now()).await.unwrap();
    assert_eq!(r.invoices, 1);
    let last = store.invoices(org.id).await.unwrap().remove(0);
    assert_eq!(last.lines.len(), 1, "{:?}", last.lines);
    assert_eq!(last.lines[0].quantity, 3, "grace-, resumed- and last-");
    assert!(store.subscription(org.id).await.unwrap().is_none(), "ended");
    assert_eq!(billing::run(&ctx, clock.now()).await.unwrap().invoices, 0);
}

on_both_backends!(catch_up_on_sqlite, catch_up_on_postgres, catch_up);

/// A bank-transfer subscription whose server was down for three months:
/// one run writes the three missing invoices in order, due from the run;
/// unpaid past the grace period suspends; the operator's "mark paid"
/// resumes.
async fn catch_up(store: &Store) {
    let t0 = Utc.with_ymd_and_hms(2027, 1, 10, 12, 0, 0).unwrap();
    let clock = Clock::fixed(t0);
    let ctx = ServerContext {
        clock: clock.clone(),
        ..ctx(store)
    };
    let org = store
        .ensure_organisation(
            &laurel::Subdomain::parse("transfer").unwrap(),
            "Transfer BV",
        )
        .await
        .unwrap();
    let user = store
        .ensure_holder_account("boss@transfer.example", "Boss", "x")
        .await
        .unwrap()
        .id;
    let p = billing::ensure_plan(
        store,
        &NewPlan {
            vat: None,
            trial_days: 0,
            ..plan("No trial", 1000, 0)
        },
    )
    .await
    .unwrap();
    billing::save_details(
        store,
        org.id,
        &BillingDetails {
            legal_name: "Transfer BV".into(),
            billing_email: "pay@transfer.example".into(),
            address: "Kade 1".into(),
            vat_id: String::new(),
        },
        t0,
    )
    .await
    .unwrap();
    billing::add_invoice_method(store, org.id, user, "127.0.0.1", t0)
        .await
        .unwrap();
    // No trial: the first cycle is invoiced at once.
    billing::choose_plan(&ctx, &org, p.id, user, "127.0.0.1", t0)
        .await
        .unwrap();
    assert_eq!(store.invoices(org.id).await.unwrap().len(), 1);
    clock.set(t0 + Duration::days(95));
    let r = billing::run(&ctx, clock.now()).await.unwrap();
    assert_eq!(r.invoices, 3, "February, March, April");
    let all = store.invoices(org.id).await.unwrap();
    let cycles: Vec<i32> = all.iter().rev().map(|i| i.cycle.unwrap()).collect();
    assert_eq!(cycles, vec![1, 2, 3, 4]);
    assert!(all.iter().all(|i| i.total == 1000 && i.vat == 0));
    // The first invoice is long overdue: suspended until it is paid.
    let first = all.last().unwrap().number;
    let s = billing::standing(store, org.id, clock.now()).await.unwrap();
    assert!(
        matches!(s, Standing::Suspended { ref invoice, .. } if invoice.number == first),
        "{s:?}"
    );
    billing::mark_paid(&ctx, first, "TRANSFER-1", clock.now())
        .await
        .unwrap();
    assert!(matches!(
        billing::mark_paid(&ctx, first, "again", clock.now()).await,
        Err(ServiceError::Conflict(_))
    ));
    // The later ones are within their terms (issued by this run).
    assert!(billing::standing(store, org.id, clock.now())
        .await
        .unwrap()
        .refusal(1)
        .is_none());
}

/// The adapter against Stripe's real test mode, when a test key is given
/// (`LAUREL_TEST_STRIPE_SECRET_KEY=sk_test_…`); otherwise it says why it
/// does not run. It creates a customer and a SetupIntent and reads it back.
#[tokio::test]
async fn stripe_live() {
    let Some(key) = std::env::var("LAUREL_TEST_STRIPE_SECRET_KEY")
        .ok()
        .filter(|k| !k.is_empty())
    else {
        eprintln!(
            "stripe_live skipped: LAUREL_TEST_STRIPE_SECRET_KEY is not set (give it a Stripe test-mode key, sk_test_…, to run the adapter against Stripe)"
        );
        return;
    };
    assert!(
        key.starts_with("sk_test_"),
        "only a test-mode key may be used here"
    );
    let stripe = Stripe::new("https://api.stripe.com", &key, "whsec_unused", "pk_unused").unwrap();
    let run = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let customer = stripe
        .create_customer(run, "Laurel live test", "live-test@example.org")
        .await
        .unwrap();
    assert!(customer.starts_with("cus_"), "{customer}");
    let intent = stripe.create_setup_intent(&customer).await.unwrap();
    assert!(intent.id.starts_with("seti_") && intent.client_secret.is_some());
    let again = stripe.setup_intent(&intent.id).await.unwrap();
    assert_eq!((again.id, again.customer), (intent.id, Some(customer)));
}
