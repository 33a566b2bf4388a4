//! API tokens and the REST API's authentication against a real SQLite file
//! and a real PostgreSQL database: bad requests for a token, the token
//! kept as a hash only, expired, revoked and wrong tokens refused alike,
//! scopes, and one organisation's tokens out of another's reach.

use chrono::{Duration, Utc};
use laurel::{ApiScope, ApiScopes, AuditEvent, Subdomain};
use laurel_service::api::{self, create_token, ApiError, TokenRequest};
use laurel_service::ServiceError;
use laurel_store::on_both_backends;
use laurel_store::{NewApiToken, Store};

use crate::issuing::ctx;
use crate::mfa::user;

on_both_backends!(tokens_on_sqlite, tokens_on_postgres, tokens);

async fn tokens(store: &Store) {
    let ctx = ctx(store);
    let ada = user(store, "apiorg", "session-api").await;
    let org = store
        .organisation_by_subdomain(&Subdomain::parse("apiorg").unwrap())
        .await
        .unwrap()
        .unwrap();
    let bob = user(store, "apiother", "session-other").await;
    let other = store
        .organisation_by_subdomain(&Subdomain::parse("apiother").unwrap())
        .await
        .unwrap()
        .unwrap();
    let scopes: ApiScopes = "badges:read badges:issue".parse().unwrap();
    let request = |name, scopes, expires_at| TokenRequest {
        name,
        scopes,
        expires_at,
    };

    // Bad requests: a sentence each, nothing stored.
    let none = ApiScopes::default();
    for (r, why) in [
        (request("  ", &scopes, None), "a name"),
        (request("CI", &none, None), "at least one scope"),
        (
            request("CI", &scopes, Some(Utc::now() - Duration::days(1))),
            "in the future",
        ),
    ] {
        match create_token(&ctx, org.id, ada, "192.0.2.1", r).await {
            Err(ServiceError::Invalid(m)) => assert!(m.contains(why), "{m}"),
            other => panic!("{why}: {other:?}"),
        }
    }
    assert!(store.api_tokens(org.id).await.unwrap().is_empty());

    let (token, row) = create_token(
        &ctx,
        org.id,
        ada,
        "192.0.2.1",
        request("LMS", &scopes, None),
    )
    .await
    .unwrap();
    assert!(
        token.starts_with(api::TOKEN_PREFIX) && token.len() == 50,
        "{token}"
    );
    assert_eq!(row.prefix, token[..13]);
    assert_eq!(row.scopes, scopes);
    assert_eq!(store.api_tokens(org.id).await.unwrap(), vec![row.clone()]);
    assert!(store.api_tokens(other.id).await.unwrap().is_empty());

    let caller = api::authenticate(&ctx, Some(&format!("Bearer {token}")))
        .await
        .unwrap();
    assert_eq!(caller.organisation.id, org.id);
    assert!(caller.require(ApiScope::BadgesIssue).is_ok());
    assert_eq!(
        caller.require(ApiScope::BadgesRevoke),
        Err(ApiError::MissingScope(ApiScope::BadgesRevoke))
    );
    assert!(
        store.api_tokens(org.id).await.unwrap()[0]
            .last_used_at
            .is_some(),
        "use is recorded"
    );
    // "bearer" in any case; anything else is one 401.
    assert!(api::authenticate(&ctx, Some(&format!("bearer  {token}")))
        .await
        .is_ok());
    let wrong = format!("{}x", &token[..token.len() - 1]);
    for header in [
        None,
        Some(token.clone()),
        Some(format!("Basic {token}")),
        Some(format!("Bearer {wrong}")),
        Some("Bearer ".to_owned()),
    ] {
        assert_eq!(
            api::authenticate(&ctx, header.as_deref())
                .await
                .unwrap_err(),
            ApiError::Unauthorized,
            "{header:?}"
        );
    }

    // Expired (stored directly: the service refuses a past expiry).
    let expired = format!("laurel_{}", laurel_service::accounts::new_token().0);
    store
        .create_api_token(NewApiToken {
            organisation_id: org.id,
            name: "Old",
            token_hash: &laurel_service::accounts::token_hash(&expired),
            prefix: &expired[..13],
            scopes: &scopes,
            expires_at: Some(Utc::now() - Duration::minutes(1)),
            created_by: ada,
            ip: "192.0.2.1",
        })
        .await
        .unwrap();
    assert_eq!(
        api::authenticate(&ctx, Some(&format!("Bearer {expired}")))
            .await
            .unwrap_err(),
        ApiError::Unauthorized
    );

    // Revoked: another organisation cannot; its own can, once.
    assert!(!store
        .revoke_api_token(other.id, row.id, bob, "192.0.2.2")
        .await
        .unwrap());
    assert!(api::authenticate(&ctx, Some(&format!("Bearer {token}")))
        .await
        .is_ok());
    assert!(store
        .revoke_api_token(org.id, row.id, ada, "192.0.2.1")
        .await
        .unwrap());
    assert!(!store
        .revoke_api_token(org.id, row.id, ada, "192.0.2.1")
        .await
        .unwrap());
    assert_eq!(
        api::authenticate(&ctx, Some(&format!("Bearer {token}")))
            .await
            .unwrap_err(),
        ApiError::Unauthorized
    );

    // Both written to the audit log, with the token's start, never all of it.
    let audit = store.organisation_audit(org.id, None, 50).await.unwrap();
    for event in [AuditEvent::ApiTokenCreated, AuditEvent::ApiTokenRevoked] {
        assert!(
            audit.iter().any(|e| e.event == event.as_str()),
            "{event:?} in {audit:?}"
        );
    }
    assert!(audit.iter().all(|e| !e.detail.contains(&token)));
    assert!(store
        .organisation_audit(other.id, None, 50)
        .await
        .unwrap()
        .iter()
        .all(|e| !e.event.starts_with("api_token")));
}
