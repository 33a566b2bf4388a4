//! Templates, issuing, CSV batches and the register against a real SQLite
//! file and a real PostgreSQL database (fresh for each test).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use laurel::award::{Award, Holder};
use laurel::crypto::MasterKey;
use laurel::{BadgeStatus, RegisterSort};
use laurel::{Email, Subdomain};
use laurel_service::batches::{create_batch, run_batch};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::ServerContext;
use laurel_store::on_both_backends;
use laurel_store::{
    IssueOutcome, Organisation, RegisterQuery, Store, TemplateDesign, TemplateRow,
    HOLDER_MAIL_QUEUE,
};

on_both_backends!(templates_on_sqlite, templates_on_postgres, templates);
on_both_backends!(
    idempotent_issue_on_sqlite,
    idempotent_issue_on_postgres,
    idempotent_issue
);
on_both_backends!(batches_on_sqlite, batches_on_postgres, batches);
on_both_backends!(
    quota_within_a_chunk_on_sqlite,
    quota_within_a_chunk_on_postgres,
    quota_within_a_chunk
);
on_both_backends!(register_on_sqlite, register_on_postgres, register);
on_both_backends!(
    stopped_batch_resumes_on_sqlite,
    stopped_batch_resumes_on_postgres,
    stopped_batch_resumes
);
on_both_backends!(
    one_active_key_on_sqlite,
    one_active_key_on_postgres,
    one_active_key
);

const PNG: &[u8] = b"\x89PNG fake bytes: the store does not look inside";

pub fn design(name: &str) -> TemplateDesign<'_> {
    TemplateDesign {
        name,
        description: "A test badge.",
        criteria_narrative: Some("Pass."),
        criteria_url: None,
        image_type: "image/png",
        image: PNG,
        tags: "[]",
        alignment: "[]",
        validity_years: 2,
    }
}

pub fn ctx(store: &Store) -> ServerContext {
    ServerContext::new(
        store.clone(),
        "https://badges.example.org",
        Arc::new(MasterKey::generate()),
    )
}

/// An organisation on a free trial (billing never refuses it).
pub async fn org(store: &Store, sub: &str) -> Organisation {
    let org = store
        .ensure_organisation(&Subdomain::parse(sub).unwrap(), &format!("Org {sub}"))
        .await
        .unwrap();
    laurel_service::billing::grant_free_trial(store, &org)
        .await
        .unwrap();
    org
}

pub fn award(email: &str, last: &str, day: u32) -> Award {
    Award {
        holder: Holder {
            email: Email::parse(email).unwrap(),
            first_name: "First".into(),
            last_name: last.into(),
            last_name_prefix: String::new(),
            is_individual: true,
        },
        achieved_on: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
        evidence_url: None,
        evidence_narrative: None,
        template: None,
    }
}

async fn mail_jobs(store: &Store) -> i64 {
    store.count_pending(HOLDER_MAIL_QUEUE).await.unwrap()
}

async fn templates(store: &Store) {
    let a = org(store, "tpl-a").await;
    let b = org(store, "tpl-b").await;
    let (t, v1) = store
        .create_template(a.id, Some("ext-1"), "class-v1", &design("First"))
        .await
        .unwrap();
    assert_eq!((t.current_version, v1.version), (1, 1));
    assert_eq!(v1.template_id, Some(t.id));
    // Editing makes a new version; the first stays as it was.
    let (t2, v2) = store
        .update_template(a.id, t.id, Some("ext-1"), "class-v2", &design("Second"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((t2.current_version, v2.version), (2, 2));
    let old = store.badge_class_by_id(v1.id).await.unwrap().unwrap();
    assert_eq!(old.name, "First");
    let (_, current) = store.template(a.id, t.id).await.unwrap().unwrap();
    assert_eq!(current.name, "Second");
    assert_eq!(store.template_versions(a.id, t.id).await.unwrap().len(), 2);
    // External IDs are unique per organisation, not across them.
    let taken = store
        .create_template(a.id, Some("ext-1"), "class-x", &design("Other"))
        .await
        .unwrap_err();
    assert!(taken.is_conflict(), "{taken}");
    store
        .create_template(b.id, Some("ext-1"), "class-b", &design("B's"))
        .await
        .unwrap();
    assert!(store
        .template_by_external_id(a.id, "ext-1")
        .await
        .unwrap()
        .is_some());
    assert!(store
        .template_by_external_id(a.id, "nope")
        .await
        .unwrap()
        .is_none());
    // Another organisation sees nothing of A's template.
    assert!(store.template(b.id, t.id).await.unwrap().is_none());
    assert!(store
        .update_template(b.id, t.id, None, "class-evil", &design("Evil"))
        .await
        .unwrap()
        .is_none());
    assert!(!store.set_template_archived(b.id, t.id, true).await.unwrap());
    // Archive hides it from the default list.
    assert!(store.set_template_archived(a.id, t.id, true).await.unwrap());
    assert!(store.templates(a.id, false).await.unwrap().is_empty());
    let all = store.templates(a.id, true).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Second");
    assert!(all[0].archived_at.is_some());
    assert!(store
        .template_choices(a.id, false)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.template_choices(a.id, true).await.unwrap(),
        vec![(t.id, "Second".to_owned())]
    );
}

async fn idempotent_issue(store: &Store) {
    let ctx = ctx(store);
    let o = org(store, "issue-a").await;
    let (t, class) = store
        .create_template(o.id, None, "issue-class", &design("Issued"))
        .await
        .unwrap();
    let issuer = Issuer::load(
        store,
        &ctx.master_key,
        &ctx.public_url,
        ctx.urls(&o.subdomain),
        &o,
    )
    .await
    .unwrap();
    let first = issuer
        .issue(
            Some(t.id),
            &class,
            &award("ada@example.com", "Lovelace", 1),
            Source::Hand,
        )
        .await
        .unwrap();
    let IssueOutcome::Issued(a) = &first else {
        panic!("expected a new badge: {first:?}")
    };
    assert_eq!(a.recipient_name, "First Lovelace");
    assert_eq!(a.issued_on.to_rfc3339(), "2026-03-01T00:00:00+00:00");
    assert_eq!(
        a.expires_at.unwrap().to_rfc3339(),
        "2028-03-01T00:00:00+00:00"
    );
    assert!(a.signed_jws.split('.').count() == 3 && a.credential_jwt.split('.').count() == 3);
    // The same holder (any case), template and date: the same badge.
    let again = issuer
        .issue(
            Some(t.id),
            &class,
            &award("ADA@example.com", "Lovelace", 1),
            Source::Hand,
        )
        .await
        .unwrap();
    assert_eq!(again, IssueOutcome::AlreadyIssued(a.clone()));
    // Another date is another badge.
    issuer
        .issue(
            Some(t.id),
            &class,
            &award("ada@example.com", "Lovelace", 2),
            Source::Hand,
        )
        .await
        .unwrap();
    assert_eq!(mail_jobs(store).await, 2, "one mail per badge issued");
    let month = laurel_store::month_key(chrono::Utc::now());
    assert_eq!(store.usage_of_month(o.id, &month).await.unwrap(), 2);
    let counts = store.dashboard_counts(o.id).await.unwrap();
    assert_eq!(
        (
            counts.issued_this_month,
            counts.issued_all_time,
            counts.pending_claims,
            counts.templates
        ),
        (2, 2, 2, 1)
    );
    // A class of another organisation is refused.
    let other = org(store, "issue-b").await;
    let (_, foreign) = store
        .create_template(other.id, None, "foreign-class", &design("Foreign"))
        .await
        .unwrap();
    assert!(issuer
        .issue(
            None,
            &foreign,
            &award("x@example.com", "X", 1),
            Source::Hand
        )
        .await
        .is_err());
}

const FILE: &str = "email,first_name,last_name,achievement_date,template\n\
    a@example.com,Ann,Alpha,2026-01-01,\n\
    b@example.com,Bob,Beta,2026-01-02,\n\
    not-an-email,Cid,Gamma,2026-01-03,\n\
    d@example.com,Dee,,2026-01-04,\n\
    e@example.com,Eve,Eps,2999-01-01,\n\
    a@example.com,Ann,Alpha,2026-01-01,\n\
    f@example.com,Fay,Phi,2026-01-05,no-such-template\n\
    g@example.com,Gus,Gee,2026-01-06,other-ext\n";

/// An organisation for [`FILE`]: its batch template, and the template of
/// the rows that name `other-ext`.
async fn batch_org(store: &Store, sub: &str) -> (Organisation, TemplateRow, TemplateRow) {
    let o = org(store, sub).await;
    let (t, _) = store
        .create_template(o.id, None, &format!("{sub}-class"), &design("Batch"))
        .await
        .unwrap();
    let (other, _) = store
        .create_template(
            o.id,
            Some("other-ext"),
            &format!("{sub}-other"),
            &design("Other"),
        )
        .await
        .unwrap();
    (o, t, other)
}

async fn batches(store: &Store) {
    let ctx = ctx(store);
    let (o, t, other) = batch_org(store, "batch-a").await;
    let id = create_batch(store, o.id, &t, None, "people.csv", FILE.as_bytes())
        .await
        .unwrap();
    let c = store.batch_counts(id).await.unwrap();
    assert_eq!(
        (c.pending, c.invalid, c.issued, c.skipped),
        (3, 5, 0, 0),
        "{c:?}"
    );
    let problems = store
        .batch_results(id, Some(&[laurel::RowStatus::Invalid]), 100)
        .await
        .unwrap();
    let why: Vec<(i32, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert!(why[0].1.contains("not a valid email"), "{why:?}");
    assert!(why[1].1.contains("last name is missing"), "{why:?}");
    assert!(why[2].1.contains("in the future"), "{why:?}");
    assert_eq!(why[3].0, 7);
    assert!(why[3].1.contains("Duplicate of line 2"), "{why:?}");
    assert!(
        why[4].1.contains("Unknown template “no-such-template”"),
        "{why:?}"
    );
    // Nothing is issued before confirmation; a batch runs only once confirmed.
    assert!(run_batch(&ctx, id, Duration::from_secs(5)).await.unwrap());
    assert_eq!(store.batch_counts(id).await.unwrap().issued, 0);
    assert!(store.confirm_batch(o.id, id).await.unwrap());
    assert!(
        !store.confirm_batch(o.id, id).await.unwrap(),
        "confirmed twice"
    );
    // A zero budget does one chunk per job and queues the next.
    while !run_batch(&ctx, id, Duration::ZERO).await.unwrap() {}
    let c = store.batch_counts(id).await.unwrap();
    assert_eq!((c.pending, c.issued), (0, 3), "{c:?}");
    assert_eq!(
        store.batch(o.id, id).await.unwrap().unwrap().status,
        laurel::BatchStatus::Done
    );
    let g = store
        .register(
            o.id,
            &RegisterQuery {
                template_id: Some(other.id),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        g.1, 1,
        "the row naming another template's external ID used it"
    );
    // The same file again: every valid row is found issued, none twice.
    let again = create_batch(store, o.id, &t, None, "people.csv", FILE.as_bytes())
        .await
        .unwrap();
    let c = store.batch_counts(again).await.unwrap();
    assert_eq!((c.pending, c.skipped), (0, 3), "{c:?}");
    let (_, total) = store
        .register(
            o.id,
            &RegisterQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 3);
    // Another organisation cannot read or confirm the batch.
    let b = org(store, "batch-b").await;
    assert!(store.batch(b.id, id).await.unwrap().is_none());
    assert!(!store.confirm_batch(b.id, again).await.unwrap());
    // A file that cannot be read stores nothing.
    let before = store.batches(o.id, 100).await.unwrap().len();
    assert!(
        create_batch(store, o.id, &t, None, "bad.csv", b"email,colour\n")
            .await
            .is_err()
    );
    assert_eq!(store.batches(o.id, 100).await.unwrap().len(), before);
}

async fn register(store: &Store) {
    let ctx = ctx(store);
    let o = org(store, "reg-a").await;
    let (t, class) = store
        // Never expiring: with a validity the "active" counts below would
        // turn into "expired" once the fixed 2026 dates plus it had passed.
        .create_template(
            o.id,
            None,
            "reg-class",
            &TemplateDesign {
                validity_years: 0,
                ..design("Register")
            },
        )
        .await
        .unwrap();
    let issuer = Issuer::load(
        store,
        &ctx.master_key,
        &ctx.public_url,
        ctx.urls(&o.subdomain),
        &o,
    )
    .await
    .unwrap();
    for (i, (email, last)) in [
        ("zed@example.com", "Zulu"),
        ("amy@example.com", "Able"),
        ("bo_b@example.com", "Baker"),
        ("percent%@example.com", "Charlie"),
    ]
    .iter()
    .enumerate()
    {
        issuer
            .issue(
                Some(t.id),
                &class,
                &award(email, last, i as u32 + 1),
                Source::Hand,
            )
            .await
            .unwrap();
    }
    let q = |f: fn(&mut RegisterQuery)| {
        let mut q = RegisterQuery {
            limit: 10,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let names = |rows: Vec<laurel_store::RegisterEntry>| -> Vec<String> {
        rows.into_iter().map(|r| r.recipient_email).collect()
    };
    let (rows, total) = store.register(o.id, &q(|_| {})).await.unwrap();
    assert_eq!(total, 4);
    assert_eq!(
        rows[0].recipient_email, "percent%@example.com",
        "newest achievement first"
    );
    let (rows, _) = store
        .register(o.id, &q(|q| q.sort = RegisterSort::Email))
        .await
        .unwrap();
    assert_eq!(names(rows)[0], "amy@example.com");
    let (rows, _) = store
        .register(o.id, &q(|q| q.search = Some("BAKER".into())))
        .await
        .unwrap();
    assert_eq!(names(rows), vec!["bo_b@example.com"]);
    // LIKE wildcards in the search are literal.
    let (rows, _) = store
        .register(o.id, &q(|q| q.search = Some("_".into())))
        .await
        .unwrap();
    assert_eq!(names(rows), vec!["bo_b@example.com"]);
    let (rows, _) = store
        .register(o.id, &q(|q| q.search = Some("%".into())))
        .await
        .unwrap();
    assert_eq!(names(rows), vec!["percent%@example.com"]);
    // Pages.
    let (rows, total) = store
        .register(
            o.id,
            &RegisterQuery {
                limit: 3,
                offset: 3,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (1, 4));
    // Status and dates.
    let zed = store
        .register(o.id, &q(|q| q.search = Some("zed".into())))
        .await
        .unwrap()
        .0
        .remove(0);
    assert!(store
        .revoke_assertion(o.id, &zed.slug, "Wrong person")
        .await
        .unwrap());
    let (rows, _) = store
        .register(o.id, &q(|q| q.status = Some(BadgeStatus::Revoked)))
        .await
        .unwrap();
    assert_eq!(names(rows), vec!["zed@example.com"]);
    let (_, active) = store
        .register(o.id, &q(|q| q.status = Some(BadgeStatus::Active)))
        .await
        .unwrap();
    assert_eq!(active, 3);
    let (_, expired) = store
        .register(o.id, &q(|q| q.status = Some(BadgeStatus::Expired)))
        .await
        .unwrap();
    assert_eq!(expired, 0);
    let day = |d: u32| {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
    };
    let (_, in_range) = store
        .register(
            o.id,
            &RegisterQuery {
                from: Some(day(2)),
                until: Some(day(4)),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(in_range, 2);
    // Another organisation's register is empty.
    let other = org(store, "reg-b").await;
    assert_eq!(store.register(other.id, &q(|_| {})).await.unwrap().1, 0);
}

/// A CSV batch issues its rows a chunk per transaction; when the trial's
/// quota runs out within a chunk, the rows within it are issued and the
/// rest are refused one by one with billing's reason — nothing half-written
/// (a mail, a usage count and an `issued` event for each badge, none for
/// the others).
async fn quota_within_a_chunk(store: &Store) {
    let ctx = ctx(store);
    let o = store
        .ensure_organisation(&Subdomain::parse("quota").unwrap(), "Quota Ltd")
        .await
        .unwrap();
    let plan = laurel_service::billing::ensure_plan(
        store,
        &laurel_store::NewPlan {
            name: "Trial of three",
            currency: laurel::billing::Currency::parse("EUR").unwrap(),
            monthly_fee: 1000,
            per_badge_fee: 10,
            vat: None,
            trial_days: 30,
            trial_quota: 3,
        },
    )
    .await
    .unwrap();
    laurel_service::billing::grant(
        store,
        &o,
        &plan,
        &Email::parse("billing@quota.example").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let (t, _) = store
        .create_template(o.id, None, "quota-class", &design("Quota"))
        .await
        .unwrap();
    let mut file = String::from("email,first_name,last_name,achievement_date\n");
    for i in 0..7 {
        file.push_str(&format!(
            "q{i}@example.com,Q,Number {i},2026-01-0{}\n",
            i + 1
        ));
    }
    let id = create_batch(store, o.id, &t, None, "quota.csv", file.as_bytes())
        .await
        .unwrap();
    assert!(store.confirm_batch(o.id, id).await.unwrap());
    let mails_before = mail_jobs(store).await;
    while !run_batch(&ctx, id, Duration::from_secs(5)).await.unwrap() {}
    let c = store.batch_counts(id).await.unwrap();
    assert_eq!((c.pending, c.issued, c.failed), (0, 3, 4), "{c:?}");
    let refused = store
        .batch_results(id, Some(&[laurel::RowStatus::Failed]), 100)
        .await
        .unwrap();
    assert_eq!(refused.len(), 4);
    assert!(
        refused.iter().all(|r| r.message.contains("trial")),
        "{refused:?}"
    );
    assert_eq!(mail_jobs(store).await - mails_before, 3);
    let (_, issued) = store
        .register(
            o.id,
            &RegisterQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(issued, 3);
    assert_eq!(
        store
            .usage_of_month(o.id, &laurel_store::month_key(chrono::Utc::now()))
            .await
            .unwrap(),
        3
    );
}

/// Eight first requests at once leave the organisation one active signing
/// key, and every key any of them signed with is published; the unique
/// index refuses a second active key outright.
async fn one_active_key(store: &Store) {
    let master = Arc::new(MasterKey::generate());
    let org = org(store, "keys").await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (store, master) = (store.clone(), master.clone());
            tokio::spawn(async move {
                laurel_service::issuing::active_key(&store, &master, org.id)
                    .await
                    .map(|(row, _)| row.kid)
            })
        })
        .collect();
    let mut used = Vec::new();
    for task in tasks {
        used.push(task.await.unwrap().unwrap());
    }
    let keys = store.issuer_keys(org.id).await.unwrap();
    let active: Vec<_> = keys.iter().filter(|k| k.retired_at.is_none()).collect();
    assert_eq!(active.len(), 1, "{keys:?}");
    for kid in &used {
        assert!(keys.iter().any(|k| &k.kid == kid), "{kid} is published");
    }
    let insert = |kid: &str, retired: &str| {
        format!(
            "INSERT INTO issuer_keys (organisation_id, kid, public_pem, sealed_private, created_at, retired_at) \
             VALUES ({}, '{kid}', 'pem', '\\x00', CURRENT_TIMESTAMP, {retired})",
            org.id
        )
    };
    laurel_store::testing::execute(store, &insert("retired-extra", "CURRENT_TIMESTAMP")).await;
    laurel_store::testing::execute_fails(store, &insert("second-active", "NULL")).await;
}

/// A running batch whose job gave up is marked stopped with the job's last
/// error (not left "running" forever); a batch with a live job is not;
/// resuming queues a job that finishes it, and only a stopped batch
/// resumes.
async fn stopped_batch_resumes(store: &Store) {
    let ctx = ctx(store);
    let (o, t, _) = batch_org(store, "batch-stop").await;
    let stopped = create_batch(store, o.id, &t, None, "a.csv", FILE.as_bytes())
        .await
        .unwrap();
    let live = create_batch(
        store,
        o.id,
        &t,
        None,
        "b.csv",
        b"email,first_name,last_name,achievement_date\nz@example.com,Zed,Zeta,2026-02-01\n",
    )
    .await
    .unwrap();
    assert!(store.confirm_batch(o.id, stopped).await.unwrap());
    assert!(store.confirm_batch(o.id, live).await.unwrap());
    assert_eq!(
        laurel_service::batches::sweep(store).await.unwrap(),
        0,
        "both have a job"
    );
    // The first batch's job spends its attempts.
    laurel_store::testing::execute(
        store,
        &format!(
            "UPDATE jobs SET failed_at = created_at, attempts = max_attempts, \
             last_error = 'batch {stopped}: the database went away' \
             WHERE queue = 'batch' AND payload = '{}'",
            laurel_store::batch_job_payload(stopped)
        ),
    )
    .await;
    assert_eq!(laurel_service::batches::sweep(store).await.unwrap(), 1);
    assert_eq!(
        laurel_service::batches::sweep(store).await.unwrap(),
        0,
        "marked once"
    );
    let b = store.batch(o.id, stopped).await.unwrap().unwrap();
    assert_eq!(b.status, laurel::BatchStatus::Running);
    assert_eq!(
        b.stalled_reason.as_deref(),
        Some(format!("batch {stopped}: the database went away").as_str())
    );
    assert_eq!(
        store
            .batch(o.id, live)
            .await
            .unwrap()
            .unwrap()
            .stalled_reason,
        None
    );
    // Only a stopped batch resumes, and only in its organisation.
    let other = org(store, "batch-stop-other").await;
    assert!(matches!(
        laurel_service::batches::resume(store, other.id, stopped).await,
        Err(laurel_service::ServiceError::Conflict(_))
    ));
    assert!(matches!(
        laurel_service::batches::resume(store, o.id, live).await,
        Err(laurel_service::ServiceError::Conflict(_))
    ));
    laurel_service::batches::resume(store, o.id, stopped)
        .await
        .unwrap();
    assert!(store
        .batch(o.id, stopped)
        .await
        .unwrap()
        .unwrap()
        .stalled_reason
        .is_none());
    assert!(
        laurel_service::batches::resume(store, o.id, stopped)
            .await
            .is_err(),
        "resumed once"
    );
    while !run_batch(&ctx, stopped, Duration::ZERO).await.unwrap() {}
    let c = store.batch_counts(stopped).await.unwrap();
    assert_eq!((c.pending, c.issued), (0, 3), "{c:?}");
    assert_eq!(
        store.batch(o.id, stopped).await.unwrap().unwrap().status,
        laurel::BatchStatus::Done
    );
}
