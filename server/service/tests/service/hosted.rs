//! The hosted documents' cache across instances, on a real SQLite file and
//! a real PostgreSQL database: two instances (two caches) on one database,
//! a revocation made through one, and what each serves before and after the
//! other reads the document generation.

use std::sync::Arc;

use laurel_service::hosted::{self, DocumentCache, Format, Hosted};
use laurel_service::issuing::{self, Issuer, Source};
use laurel_store::on_both_backends;
use laurel_store::{IssueOutcome, Store};

use super::issuing::{award, ctx, design, org};

on_both_backends!(
    hosted_cache_on_sqlite,
    hosted_cache_on_postgres,
    a_revocation_reaches_every_instance
);

async fn a_revocation_reaches_every_instance(store: &Store) {
    let here = ctx(store);
    let there = DocumentCache::new();
    let o = org(store, "cached").await;
    let (template, class) = store
        .create_template(o.id, None, "cached-class", &design("Cached"))
        .await
        .unwrap();
    let issuer = Issuer::of(&here, &o).await.unwrap();
    let a = match issuer
        .issue(
            Some(template.id),
            &class,
            &award("c@example.com", "C", 3),
            Source::Hand,
        )
        .await
        .unwrap()
    {
        IssueOutcome::Issued(a) => a,
        other => panic!("{other:?}"),
    };
    assert_eq!(store.document_generation().await.unwrap(), 0);
    // Nothing is cached until an instance has read the generation.
    let k = hosted::key("cached", &a.slug, Format::Ob2Json);
    let build = |cache: &DocumentCache| {
        Arc::new(Hosted::new(
            200,
            b"valid".to_vec(),
            (&a).into(),
            cache.generation(),
        ))
    };
    there.insert(k.clone(), build(&there));
    assert!(there.get(&k).is_none());
    here.documents.refresh(store).await.unwrap();
    there.refresh(store).await.unwrap();
    here.documents.insert(k.clone(), build(&here.documents));
    there.insert(k.clone(), build(&there));
    assert!(here.documents.get(&k).is_some() && there.get(&k).is_some());

    issuing::revoke(&here, o.id, &a.slug, "Issued in error", None, "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(store.document_generation().await.unwrap(), 1);
    // The revoking instance serves the revocation at once...
    assert!(here.documents.get(&k).is_none());
    assert!(here.documents.is_empty(), "its stale entries are freed");
    // ...the other until its next read of the generation (the poll), and
    // not after.
    assert!(there.get(&k).is_some());
    there.refresh(store).await.unwrap();
    assert!(there.get(&k).is_none());

    // A refused second revocation changes nothing, so bumps nothing.
    assert!(
        issuing::revoke(&here, o.id, &a.slug, "Again", None, "127.0.0.1")
            .await
            .is_err()
    );
    assert_eq!(store.document_generation().await.unwrap(), 1);
}
