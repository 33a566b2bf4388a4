//! The holder's wallet, badge visibility and public profiles against a real
//! SQLite file and a real PostgreSQL database (fresh for each test).

use chrono::{Duration, Utc};
use laurel_service::issuing::{Issuer, Source};
use laurel_store::on_both_backends;
use laurel_store::{
    Activation, IssueOutcome, ProfileUpdate, Store, StoreError, TokenPurpose, User,
};

use super::issuing::{award, ctx, design, org};

on_both_backends!(wallet_on_sqlite, wallet_on_postgres, wallet);

/// An account (with its own organisation, as activation makes one).
async fn account(store: &Store, subdomain: &str, email: &str) -> User {
    let token = format!("signup-{subdomain}");
    store
        .create_email_token(
            TokenPurpose::Signup,
            email,
            &token,
            Utc::now() + Duration::hours(1),
            None,
            None,
            &serde_json::json!({"to": email}),
        )
        .await
        .unwrap();
    let (_, user) = store
        .activate_signup(&Activation {
            token_hash: &token,
            organisation_name: &format!("Org {subdomain}"),
            subdomain,
            contact_name: "Contact",
            contact_phone: "",
            password_hash: "$argon2id$fake",
            session_hash: &format!("session-{subdomain}"),
            session_expires: Utc::now() + Duration::days(1),
            ip: "10.0.0.1",
            user_agent: "test",
        })
        .await
        .unwrap()
        .unwrap();
    user
}

fn profile(handle: &str, public: bool) -> ProfileUpdate<'_> {
    ProfileUpdate {
        handle,
        display_name: "Ada Lovelace",
        summary: "Analyst.",
        public,
    }
}

async fn wallet(store: &Store) {
    let ctx = ctx(store);
    let issuing = org(store, "wallet-issuer").await;
    let (t, class) = store
        .create_template(issuing.id, None, "wallet-class", &design("Walleted"))
        .await
        .unwrap();
    let issuer = Issuer::load(
        store,
        &ctx.master_key,
        &ctx.public_url,
        ctx.urls(&issuing.subdomain),
        &issuing,
    )
    .await
    .unwrap();
    let mut slugs = Vec::new();
    // Two badges for Ada (the second address spelled in capitals: one
    // mailbox), one for Bob.
    for (email, day) in [
        ("ada@example.com", 1),
        ("ADA@example.com", 2),
        ("bob@example.com", 3),
    ] {
        let IssueOutcome::Issued(a) = issuer
            .issue(
                Some(t.id),
                &class,
                &award(email, "Holder", day),
                Source::Hand,
            )
            .await
            .unwrap()
        else {
            panic!("expected a new badge")
        };
        slugs.push(a.slug);
    }
    let ada = account(store, "wallet-ada", "ada@example.com").await;
    let bob = account(store, "wallet-bob", "bob@example.com").await;

    // Ada's wallet: her two badges, newest first, both private.
    let mine = store.wallet(ada.id).await.unwrap();
    assert_eq!(
        mine.iter().map(|b| b.slug.as_str()).collect::<Vec<_>>(),
        [slugs[1].as_str(), slugs[0].as_str()]
    );
    assert!(mine.iter().all(|b| !b.public), "new badges are private");
    assert_eq!(mine[0].badge_name, "Walleted");
    assert_eq!(mine[0].subdomain, "wallet-issuer");
    assert_eq!(store.wallet(bob.id).await.unwrap().len(), 1);

    // Bob cannot change Ada's badge; nothing is written.
    assert!(!store
        .set_wallet_visibility(bob.id, &slugs[0], true)
        .await
        .unwrap());
    assert!(!store
        .set_wallet_visibility(ada.id, "no-such-badge", true)
        .await
        .unwrap());
    assert!(store
        .wallet(ada.id)
        .await
        .unwrap()
        .iter()
        .all(|b| !b.public));

    // No profile yet, then a profile that is off: nothing public.
    assert_eq!(store.holder_profile(ada.id).await.unwrap(), None);
    assert_eq!(store.public_profile("ada").await.unwrap(), None);
    store
        .save_holder_profile(ada.id, profile("ada", false))
        .await
        .unwrap();
    assert_eq!(store.public_profile("ada").await.unwrap(), None);

    // Switched on: the profile shows, with no badge until one is public.
    store
        .save_holder_profile(ada.id, profile("ada", true))
        .await
        .unwrap();
    let (p, badges) = store.public_profile("ada").await.unwrap().unwrap();
    assert_eq!(
        (p.handle.as_str(), p.display_name.as_str()),
        ("ada", "Ada Lovelace")
    );
    assert!(badges.is_empty());

    // One badge public: exactly that one is on the profile.
    assert!(store
        .set_wallet_visibility(ada.id, &slugs[0], true)
        .await
        .unwrap());
    let (_, badges) = store.public_profile("ada").await.unwrap().unwrap();
    assert_eq!(
        badges.iter().map(|b| b.slug.as_str()).collect::<Vec<_>>(),
        [slugs[0].as_str()]
    );
    // Private again: gone from the profile, still in the wallet.
    assert!(store
        .set_wallet_visibility(ada.id, &slugs[0], false)
        .await
        .unwrap());
    assert!(store
        .public_profile("ada")
        .await
        .unwrap()
        .unwrap()
        .1
        .is_empty());
    assert_eq!(store.wallet(ada.id).await.unwrap().len(), 2);

    // Bob cannot take Ada's handle; his profile is not written.
    let taken = store
        .save_holder_profile(bob.id, profile("ada", true))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(store.holder_profile(bob.id).await.unwrap(), None);
    // Ada renames herself: the old handle is free, the new one shows.
    store
        .save_holder_profile(ada.id, profile("ada-l", true))
        .await
        .unwrap();
    assert_eq!(store.public_profile("ada").await.unwrap(), None);
    assert!(store.public_profile("ada-l").await.unwrap().is_some());
    store
        .save_holder_profile(bob.id, profile("ada", true))
        .await
        .unwrap();
}
