//! Holder accounts (own sign-up link, claim link) and the public verifier's
//! stored reports, against a real SQLite file and a real PostgreSQL
//! database (fresh for each test).

use chrono::{Duration, Utc};
use laurel::ImportKind;
use laurel_service::issuing::{Issuer, Source};
use laurel_store::on_both_backends;
use laurel_store::{
    AddressProblem, CollectionFields, HolderSignup, IssueOutcome, NewImport, NewSession,
    ProfileUpdate, Store, StoreError, TokenProblem, TokenPurpose,
};

use super::issuing::{award, ctx, design, org};

static NO_LINKS: laurel::SocialLinks = laurel::SocialLinks::NONE;

on_both_backends!(holders_on_sqlite, holders_on_postgres, holders);
on_both_backends!(reports_on_sqlite, reports_on_postgres, reports);
on_both_backends!(imports_on_sqlite, imports_on_postgres, imports);
on_both_backends!(collections_on_sqlite, collections_on_postgres, collections);
on_both_backends!(addresses_on_sqlite, addresses_on_postgres, addresses);
on_both_backends!(
    export_and_delete_on_sqlite,
    export_and_delete_on_postgres,
    export_and_delete
);

/// An organisation `sub` that awarded a badge of one new template
/// (`design`) to each of `emails`, a day apart; the badges' slugs, in order.
async fn awarded(
    store: &Store,
    sub: &str,
    design: laurel_store::TemplateDesign<'_>,
    emails: &[&str],
) -> (laurel_store::Organisation, Vec<String>) {
    let ctx = ctx(store);
    let o = org(store, sub).await;
    let (t, class) = store
        .create_template(o.id, None, &format!("{sub}-class"), &design)
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
    let mut slugs = Vec::new();
    for (day, email) in emails.iter().enumerate() {
        let IssueOutcome::Issued(a) = issuer
            .issue(
                Some(t.id),
                &class,
                &award(email, "Holder", day as u32 + 1),
                Source::Hand,
            )
            .await
            .unwrap()
        else {
            panic!("expected a new badge")
        };
        slugs.push(a.slug);
    }
    (o, slugs)
}

fn signup<'a>(session: &'a str) -> HolderSignup<'a> {
    HolderSignup {
        display_name: "Grace",
        password_hash: "$argon2id$fake",
        session: NewSession {
            session_hash: session,
            expires_at: Utc::now() + Duration::days(1),
            ip: "10.0.0.9",
            user_agent: "test",
        },
    }
}

/// A holder's account for `email`, made through the sign-up link
/// (`t-{name}`), signed in with the session `s-{name}`.
async fn holder(store: &Store, email: &str, name: &str) -> laurel_store::User {
    let token = format!("t-{name}");
    holder_token(store, email, &token, Duration::hours(1)).await;
    store
        .activate_holder(&token, &signup(&format!("s-{name}")))
        .await
        .unwrap()
        .unwrap()
}

async fn holder_token(store: &Store, email: &str, token: &str, ttl: Duration) {
    store
        .create_email_token(
            TokenPurpose::Holder,
            email,
            token,
            Utc::now() + ttl,
            None,
            None,
            &serde_json::json!({"to": email}),
        )
        .await
        .unwrap();
}

async fn holders(store: &Store) {
    // Own sign-up: the token makes the account and its session, once.
    holder_token(store, "grace@example.com", "holder-1", Duration::hours(1)).await;
    let grace = store
        .activate_holder("holder-1", &signup("s-grace"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grace.email, "grace@example.com");
    assert_eq!(grace.display_name, "Grace");
    assert!(
        store.memberships(grace.id).await.unwrap().is_empty(),
        "a holder belongs to no organisation"
    );
    assert_eq!(
        store
            .session_user("s-grace")
            .await
            .unwrap()
            .map(|s| s.user_id),
        Some(grace.id)
    );
    assert_eq!(
        store
            .activate_holder("holder-1", &signup("s-again"))
            .await
            .unwrap(),
        Err(TokenProblem::Used)
    );
    // Another purpose's token, an unknown one and an expired one: refused,
    // and no session is made.
    store
        .create_email_token(
            TokenPurpose::Signup,
            "issuer@example.com",
            "issuer-1",
            Utc::now() + Duration::hours(1),
            None,
            None,
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .activate_holder("issuer-1", &signup("s-x"))
            .await
            .unwrap(),
        Err(TokenProblem::Unknown)
    );
    assert_eq!(
        store.activate_holder("nope", &signup("s-x")).await.unwrap(),
        Err(TokenProblem::Unknown)
    );
    holder_token(
        store,
        "late@example.com",
        "holder-late",
        Duration::seconds(-1),
    )
    .await;
    assert_eq!(
        store
            .activate_holder("holder-late", &signup("s-x"))
            .await
            .unwrap(),
        Err(TokenProblem::Expired)
    );
    assert_eq!(store.session_user("s-x").await.unwrap(), None);
    assert_eq!(store.user_by_email("late@example.com").await.unwrap(), None);
    // A second link for a taken address: a conflict, the token stays usable.
    holder_token(store, "grace@example.com", "holder-2", Duration::hours(1)).await;
    assert!(matches!(
        store.activate_holder("holder-2", &signup("s-dup")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store
        .usable_token(TokenPurpose::Holder, "holder-2")
        .await
        .unwrap()
        .is_ok());
    assert_eq!(store.session_user("s-dup").await.unwrap(), None);

    // From a claim link: the account of the badge's recipient, the badge
    // accepted, a session; the badge is in the new wallet.
    let (o, slugs) = awarded(
        store,
        "holders-issuer",
        design("Claimed"),
        &["lin@example.com", "max@example.com"],
    )
    .await;
    let mail = serde_json::json!({});
    assert!(store
        .renew_claim_token(o.id, &slugs[0], "claim-lin", &mail)
        .await
        .unwrap());
    assert!(store
        .renew_claim_token(o.id, &slugs[1], "claim-max", &mail)
        .await
        .unwrap());
    let lin = store
        .account_from_claim("claim-lin", &signup("s-lin"))
        .await
        .unwrap()
        .expect("an account");
    assert_eq!(lin.email, "lin@example.com");
    let a = store
        .assertion_by_claim_token("claim-lin")
        .await
        .unwrap()
        .unwrap();
    assert!(
        a.claimed_at.is_some(),
        "creating the wallet accepts the badge"
    );
    assert_eq!(
        store
            .wallet(lin.id)
            .await
            .unwrap()
            .iter()
            .map(|b| b.slug.clone())
            .collect::<Vec<_>>(),
        [slugs[0].clone()]
    );
    // Twice: the address has an account now.
    assert!(matches!(
        store
            .account_from_claim("claim-lin", &signup("s-lin-2"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // An unknown claim token and a revoked badge make nothing.
    assert_eq!(
        store
            .account_from_claim("claim-nope", &signup("s-n"))
            .await
            .unwrap(),
        None
    );
    assert!(store
        .revoke_assertion(o.id, &slugs[1], "mistake")
        .await
        .unwrap());
    assert_eq!(
        store
            .account_from_claim("claim-max", &signup("s-max"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.user_by_email("max@example.com").await.unwrap(), None);
    assert_eq!(store.session_user("s-max").await.unwrap(), None);
}

async fn reports(store: &Store) {
    let later = Utc::now() + Duration::hours(24);
    store
        .save_report("r-1", true, r#"{"valid":true}"#, later)
        .await
        .unwrap();
    store
        .save_report(
            "r-old",
            false,
            r#"{"valid":false}"#,
            Utc::now() - Duration::seconds(1),
        )
        .await
        .unwrap();
    let r = store.report("r-1").await.unwrap().unwrap();
    assert!(r.valid);
    assert_eq!(r.report, r#"{"valid":true}"#);
    assert_eq!(
        store.report("r-old").await.unwrap(),
        None,
        "an expired report is gone"
    );
    assert_eq!(store.report("r-none").await.unwrap(), None);
    // Saving another report deletes the expired ones.
    store.save_report("r-2", false, "{}", later).await.unwrap();
    assert_eq!(
        laurel_store::testing::count_rows(store, "verification_reports").await,
        2
    );
}

fn new_import<'a>(public_id: &'a str, user_id: i64, fingerprint: &'a str) -> NewImport<'a> {
    NewImport {
        public_id,
        user_id,
        fingerprint,
        kind: ImportKind::Png,
        original: b"\x89PNG original bytes",
        version: Some("2.0"),
        badge_name: "Rust",
        issuer_name: "Elsewhere Academy",
        issued_on: Some("2026-03-01"),
        valid: true,
        report: r#"{"valid":true}"#,
    }
}

async fn imports(store: &Store) {
    let ann = holder(store, "ann@example.com", "ann").await;
    let ben = holder(store, "ben@example.com", "ben").await;

    let row = store
        .insert_import(&new_import("imp-a1", ann.id, "fp-1"))
        .await
        .unwrap();
    assert_eq!(row.kind, ImportKind::Png);
    assert_eq!(row.badge_name, "Rust");
    assert!(row.valid);
    // The same badge again for Ann: refused, with the sentence; for Ben
    // (his own copy), fine.
    let again = store
        .insert_import(&new_import("imp-a2", ann.id, "fp-1"))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(c)) if c.to_string() == "This badge is already in your wallet."),
        "{again:?}"
    );
    store
        .insert_import(&new_import("imp-b1", ben.id, "fp-1"))
        .await
        .unwrap();
    assert_eq!(
        store
            .imports(ann.id)
            .await
            .unwrap()
            .iter()
            .map(|i| i.public_id.as_str())
            .collect::<Vec<_>>(),
        ["imp-a1"]
    );

    // Ben reaches none of Ann's: not its original, not a new report, not
    // its deletion.
    assert_eq!(store.import_original(ben.id, "imp-a1").await.unwrap(), None);
    assert!(!store
        .update_import_report(ben.id, "imp-a1", false, "{}")
        .await
        .unwrap());
    assert!(!store.delete_import(ben.id, "imp-a1").await.unwrap());
    let (kind, original) = store
        .import_original(ann.id, "imp-a1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kind, ImportKind::Png);
    assert_eq!(original, b"\x89PNG original bytes");
    assert!(store
        .update_import_report(ann.id, "imp-a1", false, r#"{"valid":false}"#)
        .await
        .unwrap());
    let checked = &store.imports(ann.id).await.unwrap()[0];
    assert!(!checked.valid);
    assert_eq!(checked.report, r#"{"valid":false}"#);
    assert!(checked.verified_at >= row.verified_at);
    assert!(store.delete_import(ann.id, "imp-a1").await.unwrap());
    assert!(store.imports(ann.id).await.unwrap().is_empty());
    assert_eq!(store.imports(ben.id).await.unwrap().len(), 1);
}

fn fields(public: bool) -> CollectionFields<'static> {
    CollectionFields {
        name: "Rust path",
        description: "On the way.",
        public,
    }
}

async fn collections(store: &Store) {
    let (_, slugs) = awarded(
        store,
        "coll-issuer",
        design("Collected"),
        &["cat@example.com", "cat@example.com", "dan@example.com"],
    )
    .await;
    let cat = holder(store, "cat@example.com", "cat").await;
    let dan = holder(store, "dan@example.com", "dan").await;
    store
        .create_collection(cat.id, "c-cat", fields(false))
        .await
        .unwrap();

    // Cat's own badges go in, once, in order; Dan's badge does not, and Dan
    // cannot add to Cat's collection.
    assert!(store
        .add_to_collection(cat.id, "c-cat", &slugs[0])
        .await
        .unwrap());
    assert!(store
        .add_to_collection(cat.id, "c-cat", &slugs[1])
        .await
        .unwrap());
    assert!(
        !store
            .add_to_collection(cat.id, "c-cat", &slugs[1])
            .await
            .unwrap(),
        "once"
    );
    assert!(
        !store
            .add_to_collection(cat.id, "c-cat", &slugs[2])
            .await
            .unwrap(),
        "not hers"
    );
    assert!(
        !store
            .add_to_collection(dan.id, "c-cat", &slugs[2])
            .await
            .unwrap(),
        "not his"
    );
    let order = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .collection_badges(cat.id, "c-cat")
                .await
                .unwrap()
                .into_iter()
                .map(|b| b.slug)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(order(store).await, [slugs[0].clone(), slugs[1].clone()]);
    assert!(store
        .move_in_collection(cat.id, "c-cat", &slugs[0], false)
        .await
        .unwrap());
    assert_eq!(order(store).await, [slugs[1].clone(), slugs[0].clone()]);
    assert!(
        !store
            .move_in_collection(cat.id, "c-cat", &slugs[1], true)
            .await
            .unwrap(),
        "first already"
    );
    assert!(!store
        .move_in_collection(dan.id, "c-cat", &slugs[0], true)
        .await
        .unwrap());
    assert!(store
        .collection_badges(dan.id, "c-cat")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.collections(cat.id).await.unwrap()[0].badge_count, 2);

    // Public only when profile and collection are public, and then with
    // only the public badges, counted as such.
    assert_eq!(
        store.public_collection("cat-h", "c-cat").await.unwrap(),
        None
    );
    store
        .save_holder_profile(
            cat.id,
            ProfileUpdate {
                handle: "cat-h",
                display_name: "Cat",
                summary: "",
                public: true,
                links: &NO_LINKS,
                default_public: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.public_collection("cat-h", "c-cat").await.unwrap(),
        None,
        "collection private"
    );
    assert!(store
        .update_collection(cat.id, "c-cat", fields(true))
        .await
        .unwrap());
    assert!(!store
        .update_collection(dan.id, "c-cat", fields(false))
        .await
        .unwrap());
    let shown = store
        .public_collection("cat-h", "c-cat")
        .await
        .unwrap()
        .unwrap();
    assert!(shown.badges.is_empty(), "both badges are private");
    assert_eq!(
        shown.collection.badge_count, 0,
        "private badges are not even counted"
    );
    assert!(store
        .set_wallet_visibility(cat.id, &slugs[0], true)
        .await
        .unwrap());
    let shown = store
        .public_collection("cat-h", "c-cat")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shown
            .badges
            .iter()
            .map(|b| b.slug.clone())
            .collect::<Vec<_>>(),
        [slugs[0].clone()]
    );
    assert_eq!(shown.collection.badge_count, 1);
    assert_eq!(
        store.public_collections(cat.id).await.unwrap()[0].badge_count,
        1
    );
    // The profile switched off: gone.
    store
        .save_holder_profile(
            cat.id,
            ProfileUpdate {
                handle: "cat-h",
                display_name: "Cat",
                summary: "",
                public: false,
                links: &NO_LINKS,
                default_public: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.public_collection("cat-h", "c-cat").await.unwrap(),
        None
    );

    // Taking out and deleting: only Cat.
    assert!(!store
        .remove_from_collection(dan.id, "c-cat", &slugs[0])
        .await
        .unwrap());
    assert!(store
        .remove_from_collection(cat.id, "c-cat", &slugs[0])
        .await
        .unwrap());
    assert_eq!(order(store).await, [slugs[1].clone()]);
    assert!(!store.delete_collection(dan.id, "c-cat").await.unwrap());
    assert!(store.delete_collection(cat.id, "c-cat").await.unwrap());
    assert!(store.collections(cat.id).await.unwrap().is_empty());
    assert_eq!(
        store.wallet(cat.id).await.unwrap().len(),
        2,
        "the badges stay in the wallet"
    );
}

async fn addresses(store: &Store) {
    let (o, slugs) = awarded(
        store,
        "addr-issuer",
        design("Addressed"),
        &["eva@example.com", "eva@work.example", "eva@work.example"],
    )
    .await;
    let eva = holder(store, "eva@example.com", "eva").await;
    let fox = holder(store, "fox@example.com", "fox").await;
    let token = |email: &str, hash: &str| {
        let (store, email, hash) = (store.clone(), email.to_owned(), hash.to_owned());
        async move {
            store
                .create_email_token(
                    TokenPurpose::Address,
                    &email,
                    &hash,
                    Utc::now() + Duration::hours(1),
                    None,
                    None,
                    &serde_json::json!({}),
                )
                .await
                .unwrap()
        }
    };

    // Her own address is hers already; a new one is pending and changes
    // nothing until confirmed.
    assert!(matches!(
        store.add_address(eva.id, "eva@example.com").await,
        Err(StoreError::Conflict(_))
    ));
    store.add_address(eva.id, "eva@work.example").await.unwrap();
    store.add_address(eva.id, "eva@work.example").await.unwrap(); // a new link for it
    assert_eq!(store.wallet(eva.id).await.unwrap().len(), 1);
    assert_eq!(
        store.holder_addresses(eva.id).await.unwrap(),
        ["eva@example.com"]
    );
    token("eva@work.example", "a-eva").await;

    // Fox cannot use Eva's link (and does not use it up).
    assert_eq!(
        store.verify_address(fox.id, "a-eva").await.unwrap(),
        Err(AddressProblem::OtherAccount)
    );
    assert_eq!(
        store.verify_address(eva.id, "a-eva").await.unwrap(),
        Ok("eva@work.example".to_owned())
    );
    assert_eq!(
        store.verify_address(eva.id, "a-eva").await.unwrap(),
        Err(AddressProblem::Token(TokenProblem::Used))
    );
    assert_eq!(
        store.holder_addresses(eva.id).await.unwrap(),
        ["eva@example.com", "eva@work.example"]
    );
    assert_eq!(
        store.wallet(eva.id).await.unwrap().len(),
        3,
        "past badges to the new address"
    );
    assert_eq!(
        store.address_holder("eva@work.example").await.unwrap(),
        Some(eva.id)
    );
    assert!(matches!(
        store.add_address(eva.id, "eva@work.example").await,
        Err(StoreError::Conflict(_))
    ));

    // Fox adding her confirmed address gets nowhere; nor does an account
    // made for it from a claim link.
    store.add_address(fox.id, "eva@work.example").await.unwrap();
    token("eva@work.example", "a-fox").await;
    assert!(matches!(
        store.verify_address(fox.id, "a-fox").await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.wallet(fox.id).await.unwrap().len(), 0);
    assert!(store
        .renew_claim_token(o.id, &slugs[1], "claim-work", &serde_json::json!({}))
        .await
        .unwrap());
    assert!(matches!(
        store
            .account_from_claim("claim-work", &signup("s-work"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Nor an issuer's sign-up: the address is Eva's (one INSERT_USER_SQL
    // guards every way in); nothing is made and the link stays usable.
    store
        .create_email_token(
            TokenPurpose::Signup,
            "eva@work.example",
            "signup-work",
            Utc::now() + Duration::hours(1),
            None,
            None,
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    let activation = laurel_store::Activation {
        token_hash: "signup-work",
        organisation_name: "Work Org",
        subdomain: "work-org",
        contact_name: "Someone",
        contact_phone: "",
        password_hash: "$argon2id$fake",
        session_hash: "session-work",
        session_expires: Utc::now() + Duration::days(1),
        ip: "10.0.0.1",
        user_agent: "test",
    };
    assert!(matches!(
        store.activate_signup(&activation).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .organisation_by_subdomain(&laurel::Subdomain::parse("work-org").unwrap())
            .await
            .unwrap(),
        None
    );

    // Removing it takes its badges out, with her choices about them.
    assert!(store
        .set_wallet_visibility(eva.id, &slugs[1], true)
        .await
        .unwrap());
    store
        .create_collection(
            eva.id,
            "c-eva",
            CollectionFields {
                name: "Work",
                description: "",
                public: false,
            },
        )
        .await
        .unwrap();
    assert!(store
        .add_to_collection(eva.id, "c-eva", &slugs[1])
        .await
        .unwrap());
    assert!(
        !store
            .remove_address(fox.id, "eva@example.com")
            .await
            .unwrap(),
        "not his"
    );
    assert!(
        !store
            .remove_address(eva.id, "eva@example.com")
            .await
            .unwrap(),
        "the account's own stays"
    );
    assert!(store
        .remove_address(eva.id, "eva@work.example")
        .await
        .unwrap());
    assert_eq!(store.wallet(eva.id).await.unwrap().len(), 1);
    assert!(store
        .collection_badges(eva.id, "c-eva")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.address_holder("eva@work.example").await.unwrap(),
        None
    );
    // Confirmed again later: the badge is back, private.
    store.add_address(eva.id, "eva@work.example").await.unwrap();
    token("eva@work.example", "a-eva-2").await;
    store
        .verify_address(eva.id, "a-eva-2")
        .await
        .unwrap()
        .unwrap();
    let back = store.wallet(eva.id).await.unwrap();
    assert_eq!(back.len(), 3);
    assert!(
        back.iter().all(|b| !b.public),
        "choices went with the address"
    );
}

async fn export_and_delete(store: &Store) {
    use std::io::Read;
    let ctx = ctx(store);
    // A real PNG this time: the export bakes it.
    let png = resvg::tiny_skia::Pixmap::new(4, 4)
        .unwrap()
        .encode_png()
        .unwrap();
    let design = laurel_store::TemplateDesign {
        image: &png,
        ..design("Exported")
    };
    let (o, slugs) = awarded(store, "export-issuer", design, &["gil@example.com"]).await;
    let a = store
        .assertion_by_slug(o.id, &slugs[0])
        .await
        .unwrap()
        .unwrap();
    let gil = holder(store, "gil@example.com", "gil").await;
    store
        .save_holder_profile(
            gil.id,
            ProfileUpdate {
                handle: "gil-h",
                display_name: "Gil",
                summary: "",
                public: true,
                links: &NO_LINKS,
                default_public: false,
            },
        )
        .await
        .unwrap();
    assert!(store
        .set_wallet_visibility(gil.id, &a.slug, true)
        .await
        .unwrap());
    store
        .create_collection(gil.id, "c-gil", fields(true))
        .await
        .unwrap();
    assert!(store
        .add_to_collection(gil.id, "c-gil", &a.slug)
        .await
        .unwrap());
    store
        .insert_import(&new_import("imp-gil", gil.id, "fp-gil"))
        .await
        .unwrap();
    store.add_address(gil.id, "gil@work.example").await.unwrap();

    // The export: the account document and every file.
    let zip = laurel_service::export::export_zip(&ctx, gil.id, "gil@example.com")
        .await
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    names.sort();
    let base = format!("laurel-export/badges/{}", a.slug);
    let mut expected = vec![
        "laurel-export/account.json".to_owned(),
        format!("{base}.ob2.jws"),
        format!("{base}.ob2.json"),
        format!("{base}.ob3.jwt"),
        format!("{base}.png"),
        "laurel-export/imports/imp-gil.png".to_owned(),
    ];
    expected.sort();
    assert_eq!(names, expected);
    let mut text = String::new();
    archive
        .by_name("laurel-export/account.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["account"]["email"], "gil@example.com");
    assert_eq!(doc["profile"]["handle"], "gil-h");
    assert_eq!(doc["badges"][0]["slug"], a.slug.as_str());
    assert_eq!(doc["badges"][0]["public"], true);
    assert_eq!(doc["collections"][0]["badges"][0], a.slug.as_str());
    assert_eq!(doc["imports"][0]["id"], "imp-gil");
    assert_eq!(doc["addresses"][0]["email"], "gil@work.example");
    let mut png = Vec::new();
    archive
        .by_name(&format!("{base}.png"))
        .unwrap()
        .read_to_end(&mut png)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a baked PNG");

    // Deleting: refused for the last privileged member of an organisation.
    let boss = holder(store, "boss@example.com", "boss").await;
    sqlx_add_privileged(store, o.id, boss.id).await;
    assert_eq!(
        store.delete_account(boss.id).await.unwrap(),
        Err(vec!["Org export-issuer".to_owned()])
    );
    // The holder: gone at once, with everything only theirs; the badge
    // stays with its issuer.
    assert_eq!(store.delete_account(gil.id).await.unwrap(), Ok(()));
    assert_eq!(store.user_by_email("gil@example.com").await.unwrap(), None);
    assert_eq!(store.session_user("s-gil").await.unwrap(), None);
    assert_eq!(store.public_profile("gil-h").await.unwrap(), None);
    assert_eq!(
        store.public_collection("gil-h", "c-gil").await.unwrap(),
        None
    );
    assert!(store.imports(gil.id).await.unwrap().is_empty());
    assert!(store.user_emails(gil.id).await.unwrap().is_empty());
    assert!(store
        .assertion_by_slug(o.id, &a.slug)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        laurel_store::testing::count_rows(store, "wallet_badges").await,
        0
    );
    assert_eq!(
        laurel_store::testing::count_rows(store, "collection_badges").await,
        0
    );
}

/// Makes `user_id` a privileged member of `organisation_id`.
async fn sqlx_add_privileged(store: &Store, organisation_id: i64, user_id: i64) {
    laurel_store::testing::execute(
        store,
        &format!(
            "INSERT INTO memberships (organisation_id, user_id, role, created_at) \
             VALUES ({organisation_id}, {user_id}, 'privileged', '2026-01-01T00:00:00Z')"
        ),
    )
    .await;
}
