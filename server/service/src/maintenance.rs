//! Housekeeping every instance runs once a minute ([`run_forever`]): each
//! step is one statement (or one transaction), so several instances running
//! it at once do no harm.
//!
//! - stopped CSV batches are marked (`batches::sweep`);
//! - what can no longer be used is deleted: expired sessions and sign-in
//!   challenges, long-expired emailed tokens, old rate-limit counters
//!   (`Store::purge_expired`).

use std::time::Duration;

use laurel_store::Store;

/// How often [`run_forever`] runs.
pub const EVERY: Duration = Duration::from_secs(60);

/// One round of housekeeping.
pub async fn run_once(store: &Store) {
    if let Err(e) = crate::batches::sweep(store).await {
        tracing::warn!(error = %e, "the batch sweep failed");
    }
    match store.purge_expired(chrono::Utc::now()).await {
        Ok(0) => {}
        Ok(rows) => tracing::debug!(rows, "expired sessions, tokens and counters deleted"),
        Err(e) => tracing::warn!(error = %e, "could not delete expired sessions and tokens"),
    }
}

/// [`run_once`] every `every`, for as long as the server runs.
pub async fn run_forever(store: Store, every: Duration) {
    loop {
        run_once(&store).await;
        tokio::time::sleep(every).await;
    }
}
