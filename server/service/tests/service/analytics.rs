//! Issuer analytics against a real SQLite file and a real PostgreSQL
//! database: a seeded set of badges and events, rolled up, and every figure
//! of the report checked against values computed by hand.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use laurel::analytics::{Bar, DateRange, EventDetail, Export};
use laurel::award::Award;
use laurel::{BadgeEventKind as K, IssueDelay, Referrer, ShareChannel, VerifyFormat};
use laurel_service::analytics::{self, Visit};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::Clock;
use laurel_store::on_both_backends;
use laurel_store::{AssertionRow, BadgeClassRow, IssueOutcome, NewEvent, Store, TemplateDesign};

use super::issuing::{award, ctx, design, org};

on_both_backends!(
    analytics_on_sqlite,
    analytics_on_postgres,
    analytics_figures
);

fn on(
    a: &AssertionRow,
    kind: K,
    detail: EventDetail,
    at: chrono::DateTime<Utc>,
    visitor: Option<&str>,
) -> NewEvent {
    NewEvent {
        visitor: visitor.map(str::to_owned),
        ..analytics::event(a, kind, detail, at)
    }
}

fn achieved(mut a: Award, on: NaiveDate) -> Award {
    a.achieved_on = on;
    a
}

/// The organisation's issuer, on a clock standing at `at`.
async fn issuer_at<'a>(
    ctx: &'a laurel_service::ServerContext,
    org: &'a laurel_store::Organisation,
    at: chrono::DateTime<Utc>,
) -> Issuer<'a> {
    Issuer::of(ctx, org)
        .await
        .unwrap()
        .with_clock(Clock::fixed(at))
}

async fn issue(
    issuer: &Issuer<'_>,
    template: i64,
    class: &BadgeClassRow,
    award: Award,
) -> AssertionRow {
    match issuer
        .issue(Some(template), class, &award, Source::Hand)
        .await
        .unwrap()
    {
        IssueOutcome::Issued(a) => a,
        other => panic!("expected a new badge, got {other:?}"),
    }
}

fn bars(pairs: &[(&str, i64)]) -> Vec<Bar> {
    pairs
        .iter()
        .map(|(label, value)| Bar {
            label: (*label).to_owned(),
            value: *value,
        })
        .collect()
}

async fn analytics_figures(store: &Store) {
    let ctx = ctx(store);
    let now = Utc::now();
    let today = now.date_naive();
    // Two days in the range, relative to today so the test holds any day.
    let d1 = Utc.from_utc_datetime(&(today - Duration::days(20)).and_hms_opt(12, 0, 0).unwrap());
    let d2 = d1 + Duration::days(2) - Duration::hours(3);

    let o = org(store, "stats").await;
    let full = TemplateDesign {
        description: "Awarded for leading a team through a whole release cycle.",
        tags: r#"["leadership","release"]"#,
        alignment: r#"[{"targetName":"ESCO","targetUrl":"https://esco.example/1"}]"#,
        validity_years: 3,
        ..design("Release lead")
    };
    let bare = TemplateDesign {
        validity_years: 1,
        ..design("Attendance")
    };
    let (t1, c1) = store
        .create_template(o.id, None, "stats-t1", &full)
        .await
        .unwrap();
    let (t2, c2) = store
        .create_template(o.id, None, "stats-t2", &bare)
        .await
        .unwrap();
    let at_d1 = issuer_at(&ctx, &o, d1).await;
    let day1 = d1.date_naive();
    // Delays from achievement to issue: 0, 3 and 20 days.
    let a1 = issue(
        &at_d1,
        t1.id,
        &c1,
        achieved(award("a1@example.com", "One", 1), day1),
    )
    .await;
    let a2 = issue(
        &at_d1,
        t1.id,
        &c1,
        achieved(award("a2@example.com", "Two", 1), day1 - Duration::days(3)),
    )
    .await;
    let a3 = issue(
        &at_d1,
        t1.id,
        &c1,
        achieved(
            award("a3@example.com", "Three", 1),
            day1 - Duration::days(20),
        ),
    )
    .await;
    // Achieved long ago, valid one year: issued late, and already expired.
    let long_ago = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let at_d2 = at_d1.with_clock(Clock::fixed(d2));
    let a4 = issue(
        &at_d2,
        t2.id,
        &c2,
        achieved(award("a4@example.com", "Four", 1), long_ago),
    )
    .await;
    let late = (d2.date_naive() - long_ago).num_days();

    // Another organisation's badge and view: never in the first one's figures.
    let other = org(store, "stats-other").await;
    let (tb, cb) = store
        .create_template(other.id, None, "stats-tb", &design("Other"))
        .await
        .unwrap();
    let at_other = issuer_at(&ctx, &other, d1).await;
    let b1 = issue(
        &at_other,
        tb.id,
        &cb,
        achieved(award("b1@example.com", "B", 1), day1),
    )
    .await;

    // Visits as the sink writes them, on the two days (three visitors).
    let v = |r| EventDetail::Referrer(r);
    store
        .record_events(&[
            on(&a1, K::View, v(Referrer::Direct), d1, Some("v1")),
            on(
                &a1,
                K::View,
                v(Referrer::Search),
                d1 + Duration::hours(1),
                Some("v1"),
            ),
            on(
                &a1,
                K::View,
                v(Referrer::Social),
                d1 + Duration::hours(2),
                Some("v2"),
            ),
            on(
                &a1,
                K::Share,
                EventDetail::Channel(ShareChannel::Linkedin),
                d1,
                None,
            ),
            on(
                &a1,
                K::Share,
                EventDetail::Channel(ShareChannel::Linkedin),
                d1,
                None,
            ),
            on(
                &a2,
                K::Verified,
                EventDetail::Format(VerifyFormat::Ob2Json),
                d1,
                None,
            ),
            on(&a1, K::Embed, EventDetail::None, d1, None),
            on(&a1, K::View, v(Referrer::Embed), d2, Some("v3")),
            // The same visitor on a badge of the other template: once a day.
            on(&a4, K::View, v(Referrer::Direct), d2, Some("v3")),
            on(
                &a3,
                K::Share,
                EventDetail::Channel(ShareChannel::X),
                d2,
                None,
            ),
            on(
                &a1,
                K::Verified,
                EventDetail::Format(VerifyFormat::Jws),
                d2,
                None,
            ),
            on(&b1, K::View, v(Referrer::Direct), d1, Some("v9")),
        ])
        .await
        .unwrap();
    // Today: a claim and a revocation (in their own transactions), two
    // views by one visitor and an import through the sink.
    let mail = serde_json::json!({});
    assert!(store
        .renew_claim_token(o.id, &a1.slug, "stats-claim", &mail)
        .await
        .unwrap());
    assert!(store.claim_assertion("stats-claim").await.unwrap());
    assert!(
        !store.claim_assertion("stats-claim").await.unwrap(),
        "a second claim is no event"
    );
    assert!(store
        .revoke_assertion(o.id, &a2.slug, "Mistake")
        .await
        .unwrap());
    let visit = Visit {
        ip: "192.0.2.7".into(),
        user_agent: "Browser/1.0".into(),
        referer: Some("https://www.google.com/search?q=badge".into()),
        via_embed: false,
    };
    ctx.events.record_view(&a3, &visit, "badges.example.org");
    ctx.events.record_view(&a3, &visit, "badges.example.org");
    analytics::record_import(&ctx, &ctx.urls("stats").assertion(&a1.slug)).await;
    analytics::record_import(
        &ctx,
        &format!("https://elsewhere.example/o/stats/assertions/{}", a1.slug),
    )
    .await;
    analytics::record_import(&ctx, "not a url").await;
    ctx.events.flush().await;

    let first = store.roll_up(now, 90).await.unwrap();
    assert_eq!(first.from, None, "the first run computes every day");
    assert_eq!(first.expired, 1, "a4 expired on 2021-01-01");
    assert_eq!(
        first.pruned, 1,
        "the expiry's raw row is past 90 days; its day stays rolled up"
    );

    let range = DateRange {
        from: day1,
        to: today,
    };
    let r = analytics::report(&ctx, o.id, None, range, false)
        .await
        .unwrap();
    let t = r.totals;
    assert_eq!(
        (t.issued, t.claimed, t.views, t.visitors, t.shares, t.verified),
        (4, 1, 7, 4, 3, 2)
    );
    assert_eq!((t.embeds, t.imported, t.revoked, t.expired), (1, 1, 1, 0));
    assert_eq!(t.delay_days, 3 + 20 + late);
    assert_eq!(t.claim_rate(), Some(25));
    assert_eq!(t.share_rate(), Some(300));
    assert_eq!(
        r.funnel,
        bars(&[("Issued", 4), ("Claimed", 1), ("Shared", 3), ("Viewed", 7)])
    );
    assert_eq!(
        r.shares,
        bars(&[("LinkedIn", 2), ("X", 1), ("Facebook", 0), ("Email", 0)])
    );
    assert_eq!(
        r.referrers,
        bars(&[
            ("Direct", 2),
            ("Search engines", 3),
            ("Social networks", 1),
            ("Embedded badges", 1),
            ("Other sites", 0)
        ])
    );
    assert_eq!(
        r.verifications,
        bars(&[
            ("OB 2.0 JSON", 1),
            ("OB 2.0 JWS", 1),
            ("OB 3.0 VC-JWT", 0),
            ("OB 3.0 JSON", 0)
        ])
    );
    assert_eq!(
        r.delays,
        bars(&[
            ("Same day", 1),
            ("1–7 days", 1),
            ("8–31 days", 1),
            ("Later", 1)
        ])
    );
    assert_eq!(IssueDelay::of_days(late), IssueDelay::Later);
    // Per day: d1, d2 and today.
    assert_eq!(r.days.len(), 21);
    let d = r.days[0];
    assert_eq!(
        (d.day, d.issued, d.claimed, d.views, d.visitors, d.shares, d.verified),
        (day1, 3, 0, 3, 2, 2, 1)
    );
    let d = r.days[2];
    assert_eq!(
        (d.issued, d.views, d.visitors, d.shares, d.verified),
        (1, 2, 1, 1, 1)
    );
    assert_eq!(d.day, d2.date_naive());
    let d = r.days[20];
    assert_eq!((d.day, d.claimed, d.views, d.visitors), (today, 1, 2, 1));
    assert_eq!(r.days.iter().map(|d| d.issued).sum::<i64>(), 4);
    // Templates, most issued first, with their completeness.
    let lines: Vec<_> = r
        .templates
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.issued,
                l.claimed,
                l.shares,
                l.views,
                l.verified,
                l.completeness.score,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("Release lead", 3, 1, 3, 6, 2, 100),
            ("Attendance", 1, 0, 0, 1, 0, 50)
        ]
    );
    assert_eq!(r.templates[1].completeness.missing.len(), 3);
    assert!(r.templates[1].completeness.missing[0].starts_with("Write a description"));
    // The CSV export is the table.
    assert_eq!(
        analytics::csv(&r, Export::Shares),
        "network,count\nLinkedIn,2\nX,1\nFacebook,0\nEmail,0\n"
    );
    let activity = analytics::csv(&r, Export::Activity);
    assert!(activity.starts_with("day,issued,claimed,views,unique visitors,shares,verifications\n"));
    assert!(
        activity.contains(&format!("\n{day1},3,0,3,2,2,1\n")),
        "{activity}"
    );

    // One template.
    let only = analytics::report(&ctx, o.id, Some(t2.id), range, false)
        .await
        .unwrap();
    let o2 = only.totals;
    assert_eq!(
        (o2.issued, o2.views, o2.visitors, o2.delay_days),
        (1, 1, 1, late)
    );
    // The other organisation sees only its own.
    let theirs = analytics::report(&ctx, other.id, None, range, false)
        .await
        .unwrap();
    assert_eq!((theirs.totals.issued, theirs.totals.views), (1, 1));
    assert_eq!(theirs.templates.len(), 1);
    assert_eq!(theirs.templates[0].name, "Other");
    // The expiry's day is kept after its raw row was pruned.
    let then = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let old = analytics::report(
        &ctx,
        o.id,
        None,
        DateRange {
            from: then,
            to: then,
        },
        false,
    )
    .await
    .unwrap();
    assert_eq!(old.totals.expired, 1);

    // Rolling up again changes nothing: no second expiry, same figures
    // (yesterday and today recomputed, the visitors of older days kept
    // although their hashes are now blank).
    let again = store.roll_up(Utc::now(), 90).await.unwrap();
    assert_eq!(
        (again.from, again.expired, again.pruned),
        (Some(today - Duration::days(1)), 0, 0)
    );
    let same = analytics::report(&ctx, o.id, None, range, false)
        .await
        .unwrap();
    assert_eq!(same, r);
    // The day's salt is shared: a second instance gets the first one's.
    let salt = store.daily_salt(today, "candidate-2").await.unwrap();
    assert_ne!(salt, "candidate-2");
    assert_eq!(store.daily_salt(today, "candidate-3").await.unwrap(), salt);

    // Charts: one SVG per chart, with the figures in hover titles.
    let drawn = analytics::report(&ctx, o.id, None, range, true)
        .await
        .unwrap();
    assert!(drawn
        .charts
        .activity
        .contains(&format!("<title>{day1}: Issued 3, Claimed 0, Views 3")));
    assert!(drawn.charts.shares.contains("LinkedIn"));
}
