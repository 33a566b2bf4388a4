//! A new organisation's daily limits (`laurel_service::sending`), resends
//! per badge, and reports of abuse, against a real SQLite file and a real
//! PostgreSQL database.

use std::time::Duration;

use laurel::{AbuseReason, Email, Subdomain};
use laurel_service::batches::{create_batch, run_batch};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::sending::{self, NEW_ORGANISATION, RESENDS_PER_BADGE};
use laurel_service::ServiceError;
use laurel_store::{day_key, on_both_backends, IssueOutcome, NewAbuseReport, Store};

use crate::issuing::{award, ctx, design};

on_both_backends!(
    daily_limits_on_sqlite,
    daily_limits_on_postgres,
    daily_limits
);
on_both_backends!(
    abuse_reports_on_sqlite,
    abuse_reports_on_postgres,
    abuse_reports
);

/// A new organisation as a sign-up leaves it: on a trial (of a thousand
/// badges, so only the daily limit can refuse), not verified.
async fn new_org(store: &Store, sub: &str) -> laurel_store::Organisation {
    let org = store
        .ensure_organisation(&Subdomain::parse(sub).unwrap(), &format!("Org {sub}"))
        .await
        .unwrap();
    let plan = laurel_service::billing::ensure_plan(
        store,
        &laurel_store::NewPlan {
            name: "Trial of a thousand",
            currency: laurel::billing::Currency::parse("EUR").unwrap(),
            monthly_fee: 1000,
            per_badge_fee: 10,
            vat: None,
            trial_days: 30,
            trial_quota: 1000,
        },
    )
    .await
    .unwrap();
    laurel_service::billing::grant(
        store,
        &org,
        &plan,
        &Email::parse("billing@limits.example").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(org.verified_at, None);
    org
}

async fn daily_limits(store: &Store) {
    let ctx = ctx(store);
    let org = new_org(store, "new-org").await;
    let today = day_key(chrono::Utc::now());
    let (t, class) = store
        .create_template(org.id, None, "limits-class", &design("Limits"))
        .await
        .unwrap();
    // A batch of more than a day's badges: the day's 100 are issued, the
    // rest refused with the sentence, none half-done.
    let rows = NEW_ORGANISATION.badges + 5;
    let mut file = String::from("email,first_name,last_name,achievement_date\n");
    for i in 0..rows {
        file.push_str(&format!("n{i}@example.com,N,Number {i},2026-01-01\n"));
    }
    let id = create_batch(store, org.id, &t, None, "limits.csv", file.as_bytes())
        .await
        .unwrap();
    assert!(store.confirm_batch(org.id, id).await.unwrap());
    while !run_batch(&ctx, id, Duration::from_secs(5)).await.unwrap() {}
    let c = store.batch_counts(id).await.unwrap();
    assert_eq!(
        (c.pending, c.issued, c.failed),
        (0, NEW_ORGANISATION.badges, 5),
        "{c:?}"
    );
    let refused = store
        .batch_results(id, Some(&[laurel::RowStatus::Failed]), 100)
        .await
        .unwrap();
    assert!(
        refused.iter().all(|r| r
            .message
            .contains("Until Laurel verifies your organisation")),
        "{refused:?}"
    );
    assert_eq!(
        store.sent_on(org.id, &today).await.unwrap(),
        (NEW_ORGANISATION.badges, NEW_ORGANISATION.badges),
        "each badge and its mail counted once"
    );
    // Pages say so before anyone tries; one by hand is refused too.
    let now = ctx.clock.now();
    let sentence = laurel_service::billing::refusal(store, org.id, now, 1)
        .await
        .unwrap()
        .expect("the day's badges are used up");
    assert!(sentence.contains("today's are used up"), "{sentence}");
    let issuer = Issuer::of(&ctx, &org).await.unwrap();
    let refused = issuer
        .issue(
            Some(t.id),
            &class,
            &award("late@example.com", "Late", 2),
            Source::Hand,
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::TooMany(_)), "{refused:?}");
    // Mails outside issuing count against the mail limit, which still
    // has room; past it they are refused and not counted.
    let left = NEW_ORGANISATION.mails - NEW_ORGANISATION.badges;
    for _ in 0..left {
        sending::count_mail(store, org.id, now).await.unwrap();
    }
    let refused = sending::count_mail(store, org.id, now).await.unwrap_err();
    assert!(matches!(refused, ServiceError::TooMany(_)), "{refused:?}");
    assert_eq!(
        store.sent_on(org.id, &today).await.unwrap(),
        (NEW_ORGANISATION.badges, NEW_ORGANISATION.mails)
    );

    // Verified by the operator: no limit, nothing counted.
    assert!(store.set_verified(org.id, Some(now)).await.unwrap());
    let verified = store.organisation_by_id(org.id).await.unwrap().unwrap();
    assert!(verified.verified_at.is_some());
    // (500: within the trial's 900 left, past any day's limit.)
    assert_eq!(
        laurel_service::billing::refusal(store, org.id, now, 500)
            .await
            .unwrap(),
        None
    );
    // An issuer made with the copy loaded before the verification: the
    // database decides, not the copy.
    let issuer = Issuer::of(&ctx, &org).await.unwrap();
    let outcome = issuer
        .issue(
            Some(t.id),
            &class,
            &award("late@example.com", "Late", 2),
            Source::Hand,
        )
        .await
        .unwrap();
    assert!(matches!(outcome, IssueOutcome::Issued(_)));
    sending::count_mail(store, verified.id, now).await.unwrap();
    assert_eq!(
        store.sent_on(org.id, &today).await.unwrap(),
        (NEW_ORGANISATION.badges, NEW_ORGANISATION.mails)
    );
    // Taken back: limited again.
    assert!(store.set_verified(org.id, None).await.unwrap());
    assert!(laurel_service::billing::refusal(store, org.id, now, 1)
        .await
        .unwrap()
        .is_some());
    assert!(!store.set_verified(org.id + 1000, None).await.unwrap());

    // A badge's mail is sent again a few times a day, whoever asks.
    let slug = outcome.assertion().slug.clone();
    for _ in 0..RESENDS_PER_BADGE {
        sending::count_resend(store, &verified, &slug)
            .await
            .unwrap();
    }
    let refused = sending::count_resend(store, &verified, &slug)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, ServiceError::TooMany(s) if s.contains("3 times today")),
        "{refused:?}"
    );
    // Another badge has its own count.
    sending::count_resend(store, &verified, "another-slug")
        .await
        .unwrap();
}

async fn abuse_reports(store: &Store) {
    let org = new_org(store, "reported-org").await;
    let other = new_org(store, "other-org").await;
    let since = chrono::Utc::now() - chrono::Duration::minutes(1);
    store
        .add_abuse_report(&NewAbuseReport {
            organisation_id: Some(org.id),
            badge_slug: "abc123",
            reason: AbuseReason::Unexpected,
            details: "I never took a course there. <script>alert(1)</script>",
            reply_to: "me@example.net",
        })
        .await
        .unwrap();
    store
        .add_abuse_report(&NewAbuseReport {
            organisation_id: None,
            badge_slug: "",
            reason: AbuseReason::Fraud,
            details: "",
            reply_to: "",
        })
        .await
        .unwrap();
    let all = store.abuse_reports(since, None).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].reason, AbuseReason::Fraud, "newest first");
    assert_eq!(all[0].subdomain, None);
    let mine = store.abuse_reports(since, Some(org.id)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].subdomain.as_deref(), Some("reported-org"));
    assert_eq!(mine[0].badge_slug, "abc123");
    assert_eq!(mine[0].reply_to, "me@example.net");
    assert!(store
        .abuse_reports(since, Some(other.id))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .abuse_reports(chrono::Utc::now() + chrono::Duration::minutes(1), None)
        .await
        .unwrap()
        .is_empty());
    // Too long details are refused by the database itself.
    let long = "x".repeat(2001);
    assert!(store
        .add_abuse_report(&NewAbuseReport {
            organisation_id: None,
            badge_slug: "",
            reason: AbuseReason::Other,
            details: &long,
            reply_to: "",
        })
        .await
        .is_err());
}
