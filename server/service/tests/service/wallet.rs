//! The holder's wallet, badge visibility and public profiles against a real
//! SQLite file and a real PostgreSQL database (fresh for each test).

use chrono::{Duration, Utc};
use laurel_service::issuing::{Issuer, Source};
use laurel_store::on_both_backends;
use laurel_store::{
    Activation, IssueOutcome, ProfileUpdate, Store, StoreError, TokenPurpose, User,
};

use super::issuing::{award, ctx, design, org};

static NO_LINKS: laurel::SocialLinks = laurel::SocialLinks::NONE;

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
        links: &NO_LINKS,
        default_public: false,
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
    // Ada renames herself: the new handle shows, the old one redirects to
    // it and stays hers for 90 days (Bob cannot take it meanwhile).
    store
        .save_holder_profile(ada.id, profile("ada-l", true))
        .await
        .unwrap();
    assert_eq!(store.public_profile("ada").await.unwrap(), None);
    assert!(store.public_profile("ada-l").await.unwrap().is_some());
    assert_eq!(
        store.handle_redirect("ada").await.unwrap().as_deref(),
        Some("ada-l")
    );
    let held = store
        .save_holder_profile(bob.id, profile("ada", true))
        .await;
    assert!(matches!(held, Err(StoreError::Conflict(_))), "{held:?}");
    assert_eq!(store.holder_profile(bob.id).await.unwrap(), None);
    // She takes it back: "ada" is no redirect any more, "ada-l" is.
    store
        .save_holder_profile(ada.id, profile("ada", true))
        .await
        .unwrap();
    assert_eq!(store.handle_redirect("ada").await.unwrap(), None);
    assert_eq!(
        store.handle_redirect("ada-l").await.unwrap().as_deref(),
        Some("ada")
    );
    // A profile switched off redirects nowhere.
    store
        .save_holder_profile(ada.id, profile("ada", false))
        .await
        .unwrap();
    assert_eq!(store.handle_redirect("ada-l").await.unwrap(), None);
    // After 90 days the old handle is anyone's.
    laurel_store::testing::execute(
        store,
        "UPDATE handle_redirects SET created_at = '2020-01-01T00:00:00+00:00'",
    )
    .await;
    store
        .save_holder_profile(bob.id, profile("ada-l", true))
        .await
        .unwrap();
    assert_eq!(
        laurel_store::testing::count_rows(store, "handle_redirects").await,
        0,
        "the expired redirect went with the handle"
    );
}

on_both_backends!(profiles_on_sqlite, profiles_on_postgres, profiles);

/// Photo, social links, "new badges start public", one badge's page and
/// the sitemap.
async fn profiles(store: &Store) {
    let ctx = ctx(store);
    let issuing = org(store, "profile-issuer").await;
    let (t, class) = store
        .create_template(issuing.id, None, "profile-class", &design("Profiled"))
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
    let issue = |email: &'static str, day: u32| {
        let issuer = &issuer;
        let class = &class;
        async move {
            issuer
                .issue(
                    Some(t.id),
                    class,
                    &award(email, "Holder", day),
                    Source::Hand,
                )
                .await
                .unwrap()
                .assertion()
                .slug
                .clone()
        }
    };
    let first = issue("cy@example.com", 1).await;
    let cy = account(store, "profile-cy", "cy@example.com").await;
    let dee = account(store, "profile-dee", "dee@example.com").await;

    // A photo needs a profile first.
    assert!(!store
        .set_holder_image(cy.id, Some(("image/png", b"png")))
        .await
        .unwrap());
    let links = laurel::SocialLinks {
        linkedin_url: "https://www.linkedin.com/in/cy".into(),
        linkedin_visible: true,
        wechat_id: "cy_wechat".into(),
        ..laurel::SocialLinks::default()
    };
    store
        .save_holder_profile(
            cy.id,
            ProfileUpdate {
                handle: "cy",
                display_name: "Cy",
                summary: "",
                public: false,
                links: &links,
                default_public: true,
            },
        )
        .await
        .unwrap();
    let saved = store.holder_profile(cy.id).await.unwrap().unwrap();
    assert_eq!(saved.links, links);
    assert!(saved.default_public);
    assert!(store
        .set_holder_image(cy.id, Some(("image/png", b"png")))
        .await
        .unwrap());
    assert_eq!(
        store.holder_image_by_handle("cy").await.unwrap(),
        Some((cy.id, false, "image/png".into(), b"png".to_vec()))
    );
    assert_eq!(
        store.holder_image(cy.id).await.unwrap().unwrap().1,
        b"png".to_vec()
    );

    // "New badges start public": the badge issued before the choice stays
    // private, the ones after are public at once; Dee (no such choice)
    // gets hers private.
    let second = issue("cy@example.com", 2).await;
    let dees = issue("dee@example.com", 3).await;
    let public: Vec<(String, bool)> = store
        .wallet(cy.id)
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.slug, b.public))
        .collect();
    assert_eq!(public, [(second.clone(), true), (first.clone(), false)]);
    assert!(!store.wallet(dee.id).await.unwrap()[0].public);

    // One badge by its slug: the holder's own only.
    let mine = store.wallet_badge(cy.id, &second).await.unwrap().unwrap();
    assert_eq!((mine.badge_name.as_str(), mine.public), ("Profiled", true));
    assert_eq!(mine.tags, "[]");
    assert_eq!(store.wallet_badge(dee.id, &second).await.unwrap(), None);
    assert_eq!(store.wallet_badge(cy.id, &dees).await.unwrap(), None);

    // The sitemap: nothing of Cy's while the profile is off.
    let map = store.sitemap().await.unwrap();
    assert!(map.organisations.contains(&"profile-issuer".to_owned()));
    assert!(map.profiles.is_empty() && map.badges.is_empty(), "{map:?}");
    store
        .save_holder_profile(
            cy.id,
            ProfileUpdate {
                handle: "cy",
                display_name: "Cy",
                summary: "",
                public: true,
                links: &links,
                default_public: true,
            },
        )
        .await
        .unwrap();
    let map = store.sitemap().await.unwrap();
    assert_eq!(map.profiles, ["cy"]);
    // The public badge is listed, the private one and Dee's are not.
    assert_eq!(map.badges, [("profile-issuer".to_owned(), second.clone())]);
    // The photo is public with the profile.
    assert!(store.holder_image_by_handle("cy").await.unwrap().unwrap().1);
    store.set_holder_image(cy.id, None).await.unwrap();
    assert_eq!(store.holder_image_by_handle("cy").await.unwrap(), None);
}
