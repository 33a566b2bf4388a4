//! The hosted documents' fast path: every instance keeps the bytes of the
//! Open Badges documents it served (the OB 2.0 assertion JSON, its `.jws`,
//! the OB 3.0 `.jwt` and credential JSON), with their ETag, in a small
//! bounded in-memory cache, so a verifier's repeated fetch costs neither a
//! database round trip nor a serialisation nor a hash.
//!
//! Staying right across instances: each entry is tagged with the
//! *document generation* it was built under (a counter in the database,
//! migration 17). Every change to a hosted document — today only a
//! revocation, awards being otherwise immutable — bumps that counter in the
//! change's own transaction. Each instance reads it every
//! [`DEFAULT_POLL`] (`LAUREL_DOCUMENT_CACHE_POLL_MS`), and the instance that
//! made the change reads it at once ([`DocumentCache::refresh`]); an entry
//! whose tag is not the generation the instance last read is a miss. So a
//! revocation is served by every instance within one poll interval. The tag
//! is taken *before* a miss reads the database, so a document built from a
//! state older than the newest generation seen can never be taken for
//! current.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use laurel_store::Store;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use sha2::{Digest, Sha256};

use crate::analytics::Subject;

/// How often an instance reads the document generation, by default.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);
/// Bytes of documents kept per instance, at most (≈ 8,000 signed badges).
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;
/// Entries, for the cache's sizing of its shards (a guess at the mean).
const ESTIMATED_ENTRIES: usize = 8_000;

/// Which document of an assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The OB 2.0 assertion (JSON-LD), or its 410 when revoked.
    Ob2Json,
    /// The OB 2.0 signed assertion (`.jws`).
    Jws,
    /// The OB 3.0 credential as a VC-JWT (`.jwt`).
    VcJwt,
    /// The OB 3.0 credential (JSON-LD).
    Ob3Json,
}

/// A cache key: the organisation's subdomain, the assertion's slug, the
/// document.
pub type Key = (Box<str>, Box<str>, Format);

pub fn key(subdomain: &str, slug: &str, format: Format) -> Key {
    (subdomain.into(), slug.into(), format)
}

/// One document as it is answered.
#[derive(Debug)]
pub struct Hosted {
    /// 200, or 410 for a revoked assertion's JSON.
    pub status: u16,
    pub body: Bytes,
    /// The strong ETag, quoted.
    pub etag: String,
    /// The assertion the document is of (for its "verified" event).
    pub subject: Subject,
    generation: i64,
}

impl Hosted {
    /// `body` as answered with `status`, built under `generation` (read with
    /// [`DocumentCache::generation`] before the database was).
    pub fn new(status: u16, body: Vec<u8>, subject: Subject, generation: i64) -> Self {
        Self {
            status,
            etag: etag(&body),
            body: Bytes::from(body),
            subject,
            generation,
        }
    }
}

/// The strong ETag of a body: the first 128 bits of its SHA-256, quoted.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

#[derive(Clone)]
struct ByLength;

impl Weighter<Key, Arc<Hosted>> for ByLength {
    fn weight(&self, key: &Key, value: &Arc<Hosted>) -> u64 {
        (key.0.len() + key.1.len() + value.body.len() + value.etag.len() + 128) as u64
    }
}

/// The cache, shared by the handlers of one instance (cheap to clone).
#[derive(Clone)]
pub struct DocumentCache {
    inner: Arc<Inner>,
}

struct Inner {
    cache: Cache<Key, Arc<Hosted>, ByLength>,
    /// The generation last read from the database (-1: not yet read, and
    /// nothing is cached until it is).
    generation: AtomicI64,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self::new()
    }
}

impl DocumentCache {
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                cache: Cache::with_weighter(ESTIMATED_ENTRIES, CAPACITY_BYTES, ByLength),
                generation: AtomicI64::new(-1),
            }),
        }
    }

    /// The generation to tag a document with; read it before the database.
    pub fn generation(&self) -> i64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// The cached document, if it was built under the current generation.
    pub fn get(&self, key: &Key) -> Option<Arc<Hosted>> {
        let hit = self.inner.cache.get(key)?;
        (hit.generation >= 0 && hit.generation == self.generation()).then_some(hit)
    }

    /// Keeps `doc` (unless the generation moved on while it was built).
    pub fn insert(&self, key: Key, doc: Arc<Hosted>) {
        if doc.generation >= 0 && doc.generation == self.generation() {
            self.inner.cache.insert(key, doc);
        }
    }

    /// Reads the generation from the database now (at start, by the poll,
    /// and right after this instance changed a hosted document).
    pub async fn refresh(&self, store: &Store) -> Result<(), laurel_store::StoreError> {
        let generation = store.document_generation().await?;
        let before = self.inner.generation.swap(generation, Ordering::AcqRel);
        if before != generation && before >= 0 {
            // Stale entries are misses already; free their memory too.
            self.inner.cache.clear();
        }
        Ok(())
    }

    /// Reads the generation every `every`, for good. A failed read (the
    /// database away) forgets what is cached rather than risk serving a
    /// document revoked meanwhile.
    pub async fn run_forever(self, store: Store, every: Duration) {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = self.refresh(&store).await {
                tracing::warn!(error = %e, "the document generation could not be read");
                self.inner.generation.store(-1, Ordering::Release);
                self.inner.cache.clear();
            }
        }
    }

    /// Documents cached now (tests, metrics).
    pub fn len(&self) -> usize {
        self.inner.cache.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.cache.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(generation: i64) -> Arc<Hosted> {
        let subject = Subject {
            organisation_id: 1,
            template_id: 0,
            assertion_id: 7,
        };
        Arc::new(Hosted::new(200, b"{}".to_vec(), subject, generation))
    }

    #[test]
    fn nothing_is_cached_before_the_generation_is_known_and_a_new_one_hides_old_entries() {
        let cache = DocumentCache::new();
        let k = key("acme", "abc", Format::Jws);
        cache.insert(k.clone(), doc(cache.generation()));
        assert!(cache.get(&k).is_none(), "generation unknown: no caching");

        cache.inner.generation.store(3, Ordering::Release);
        cache.insert(k.clone(), doc(3));
        assert_eq!(cache.get(&k).unwrap().etag, etag(b"{}"));
        assert!(cache.get(&key("acme", "abc", Format::VcJwt)).is_none());

        // A revocation elsewhere: the entry built under 3 is a miss now, and
        // a document a slow request built under 3 is not kept.
        cache.inner.generation.store(4, Ordering::Release);
        assert!(cache.get(&k).is_none());
        cache.insert(k.clone(), doc(3));
        assert!(cache.get(&k).is_none());
    }

    #[test]
    fn the_etag_is_a_quoted_128_bit_digest() {
        let tag = etag(b"hello");
        assert_eq!(tag.len(), 34);
        assert!(tag.starts_with('"') && tag.ends_with('"'));
        assert_ne!(tag, etag(b"hello!"));
    }
}
