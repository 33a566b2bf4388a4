//! A signed-in owner for tests that act in the portal of the real binary:
//! an organisation made by a real sign-up activation, with a session whose
//! cookie the test holds. Included by the tests that need it (`#[path]`).

use chrono::Utc;
use laurel_store::{Activation, Organisation, Store, TokenPurpose};

/// Makes `subdomain` with a privileged owner (`owner@{subdomain}.example`)
/// on a free trial; returns it and the owner's `Cookie` header value.
pub async fn signed_in_owner(store: &Store, subdomain: &str) -> (Organisation, String) {
    let (_, token_hash) = laurel_service::accounts::new_token();
    let (session, session_hash) = laurel_service::accounts::new_token();
    let expires = Utc::now() + chrono::Duration::hours(1);
    let email = format!("owner@{subdomain}.example");
    store
        .create_email_token(
            TokenPurpose::Signup,
            &email,
            &token_hash,
            expires,
            None,
            None,
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    let (org, _owner) = store
        .activate_signup(&Activation {
            token_hash: &token_hash,
            organisation_name: &format!("Org {subdomain}"),
            subdomain,
            contact_name: "Owner",
            contact_phone: "",
            password_hash: "$argon2id$not-a-login",
            session_hash: &session_hash,
            session_expires: expires,
            ip: "127.0.0.1",
            user_agent: "test",
        })
        .await
        .unwrap()
        .unwrap();
    // The sign-up mail (an empty payload) is not the test's business.
    laurel_store::testing::execute(
        store,
        "DELETE FROM jobs WHERE queue = 'mail' AND payload = '{}'",
    )
    .await;
    laurel_service::billing::grant_free_trial(store, &org)
        .await
        .unwrap();
    (org, format!("laurel_session={session}"))
}
