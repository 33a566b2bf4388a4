//! Billing's invariants in the database, on a real SQLite file and a real
//! PostgreSQL database: one live subscription per organisation, one default
//! payment method, each cycle billed once however often (and however
//! concurrently) it is asked, gapless invoice numbers, invoices that never
//! change, and payments recorded once.

use chrono::{Duration, TimeZone, Utc};
use laurel::billing::{Currency, Line, VatRate};
use laurel::{InvoiceStatus, PaymentProvider, Subdomain};
use laurel_store::testing::{count_rows, execute_fails};
use laurel_store::{
    on_both_backends, BillingAccount, CycleStep, DraftInvoice, NewPlan, Store, Subscription,
};

on_both_backends!(billing_on_sqlite, billing_on_postgres, billing);

fn draft(fee: i64, start: chrono::DateTime<Utc>) -> DraftInvoice {
    DraftInvoice {
        currency: Currency::parse("EUR").unwrap(),
        lines: vec![Line::new("fee", 1, fee, Some(VatRate::parse("21").unwrap())).unwrap()],
        period_start: start,
        period_end: start + Duration::days(30),
        bill_to: "Org\nStreet 1".into(),
        provider: PaymentProvider::Invoice,
        due_at: start + Duration::days(14),
        grace_until: start + Duration::days(28),
        first_attempt_at: None,
        mail: Box::new(|i| serde_json::json!({"to": "billing@example.org", "number": i.number})),
    }
}

async fn billing(store: &Store) {
    let t0 = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let org = store
        .ensure_organisation(&Subdomain::parse("ledger").unwrap(), "Ledger")
        .await
        .unwrap();
    let plan = store
        .create_plan(&NewPlan {
            name: "Std",
            currency: Currency::parse("EUR").unwrap(),
            monthly_fee: 1000,
            per_badge_fee: 10,
            vat: None,
            trial_days: 0,
            trial_quota: 0,
        })
        .await
        .unwrap();
    assert!(store.plan_by_name("Std").await.unwrap().is_some());
    assert!(store.retire_plan(plan.id, t0).await.unwrap());
    assert!(
        !store.retire_plan(plan.id, t0).await.unwrap(),
        "retired once"
    );

    // Payment methods: the first is the default; one default at most.
    store
        .save_billing_account(
            &BillingAccount {
                organisation_id: org.id,
                legal_name: "Ledger BV".into(),
                billing_email: "b@example.org".into(),
                address: "Street 1".into(),
                vat_id: String::new(),
                stripe_customer: None,
            },
            t0,
        )
        .await
        .unwrap();
    let m1 = store
        .add_invoice_method(org.id, None, "", t0)
        .await
        .unwrap();
    assert!(m1.is_default);
    let again = store
        .add_invoice_method(org.id, None, "", t0)
        .await
        .unwrap();
    assert_eq!(again.id, m1.id, "bank transfer is on file once");
    store.add_pending_card(org.id, "seti_1", t0).await.unwrap();
    let card = store
        .confirm_card(
            "seti_1",
            &laurel_store::CardDetails {
                method_ref: "pm_1",
                brand: "visa",
                last4: "4242",
                exp_month: 1,
                exp_year: 2031,
            },
            t0,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!card.is_default, "a default exists already");
    assert!(
        store
            .confirm_card(
                "seti_1",
                &laurel_store::CardDetails {
                    method_ref: "pm_2",
                    brand: "x",
                    last4: "0000",
                    exp_month: 1,
                    exp_year: 2031
                },
                t0
            )
            .await
            .unwrap()
            .is_none(),
        "confirmed once"
    );
    let user = store
        .ensure_holder_account("boss@ledger.example", "Boss", "x")
        .await
        .unwrap()
        .id;
    assert!(store
        .set_default_payment_method(org.id, card.id, user, "")
        .await
        .unwrap());
    let defaults: Vec<i64> = store
        .payment_methods(org.id)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.is_default)
        .map(|m| m.id)
        .collect();
    assert_eq!(defaults, vec![card.id], "one default");
    // Removing the default makes the other one the default.
    store
        .remove_payment_method(org.id, card.id, user, "")
        .await
        .unwrap()
        .unwrap();
    let methods = store.payment_methods(org.id).await.unwrap();
    assert_eq!(
        methods
            .iter()
            .map(|m| (m.id, m.is_default))
            .collect::<Vec<_>>(),
        vec![(m1.id, true)]
    );
    assert!(
        store
            .remove_payment_method(org.id, card.id, user, "")
            .await
            .unwrap()
            .is_none(),
        "removed once"
    );

    // One live subscription per organisation.
    let sub = store
        .start_subscription(org.id, &plan, t0, t0, None, "")
        .await
        .unwrap();
    assert!(store
        .start_subscription(org.id, &plan, t0, t0, None, "")
        .await
        .unwrap_err()
        .is_conflict());

    // A cycle is billed once: the same step again (or at once) does nothing.
    let step = |cycle: i32, at: chrono::DateTime<Utc>| CycleStep {
        cycle,
        next_cycle_at: at + Duration::days(31),
        plan_id: plan.id,
        ends: false,
    };
    let d1 = draft(1000, t0);
    let (a, b) = tokio::join!(
        store.bill_cycle(&sub, step(1, t0), Some(&d1), t0),
        store.bill_cycle(&sub, step(1, t0), Some(&d1), t0)
    );
    let written: Vec<_> = [a.unwrap(), b.unwrap()]
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    assert_eq!(written.len(), 1, "one invoice for cycle 1");
    let i1 = &written[0];
    assert_eq!(
        (i1.net, i1.vat, i1.total, i1.status),
        (1000, 210, 1210, InvoiceStatus::Open)
    );
    let sub: Subscription = store.subscription(org.id).await.unwrap().unwrap();
    assert_eq!(sub.next_cycle, 2);
    // A cycle with nothing to bill moves on without an invoice (and without a number).
    assert_eq!(
        store.bill_cycle(&sub, step(2, t0), None, t0).await.unwrap(),
        Some(None)
    );
    let sub = store.subscription(org.id).await.unwrap().unwrap();
    let i3 = store
        .bill_cycle(&sub, step(3, t0), Some(&draft(0, t0)), t0)
        .await
        .unwrap()
        .flatten()
        .unwrap();
    assert_eq!(i3.number, i1.number + 1, "no gap");
    assert_eq!(
        i3.status,
        InvoiceStatus::Paid,
        "a zero invoice is paid on issue"
    );
    assert_eq!(
        count_rows(store, "jobs WHERE queue = 'mail'").await,
        2,
        "one mail per invoice"
    );

    // Payments: once.
    assert!(store
        .record_payment(i1.id, PaymentProvider::Invoice, "REF", t0, None)
        .await
        .unwrap());
    assert!(!store
        .record_payment(i1.id, PaymentProvider::Invoice, "REF", t0, None)
        .await
        .unwrap());
    assert_eq!(store.payments(org.id).await.unwrap().len(), 1);
    assert!(store
        .overdue_invoice(org.id, t0 + Duration::days(100))
        .await
        .unwrap()
        .is_none());

    // Invoices never change and are kept; a credit note takes the next number.
    execute_fails(
        store,
        &format!("UPDATE invoices SET total = 0 WHERE id = {}", i1.id),
    )
    .await;
    execute_fails(
        store,
        &format!("UPDATE invoices SET lines = '[]' WHERE id = {}", i1.id),
    )
    .await;
    execute_fails(store, &format!("DELETE FROM invoices WHERE id = {}", i1.id)).await;
    let i1 = store.invoice(org.id, i1.number).await.unwrap().unwrap();
    let note = store
        .credit_invoice(&i1, "test", t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (note.number, note.total, note.credits_id),
        (i3.number + 1, -1210, Some(i1.id))
    );
    assert!(
        store
            .credit_invoice(&i1, "test", t0)
            .await
            .unwrap()
            .is_none(),
        "void once"
    );
    // Another organisation sees none of it.
    let other = store
        .ensure_organisation(&Subdomain::parse("ledger-other").unwrap(), "Other")
        .await
        .unwrap();
    assert!(store.invoices(other.id).await.unwrap().is_empty());
    assert!(store.invoice(other.id, i1.number).await.unwrap().is_none());
    assert!(store.payment_methods(other.id).await.unwrap().is_empty());
}
