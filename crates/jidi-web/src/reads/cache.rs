//! Reads kept until the data under them changes.
//!
//! The monitoring's aggregates and the warnings board are the same for every viewer of a scope
//! and change only when a refresh, an acknowledgement, the roll or the rules change; every such
//! write advances the store's data generation (migration 17). A read is kept with the generation
//! seen *before* it was made and served while the generation is unchanged, so an entry is never
//! newer than its tag and never outlives a committed change by more than the request that notices
//! it. Entries are the store's rows, not pages: access checks, language and rendering still run
//! per request.
//!
//! Hand-written rather than a caching crate: validity is a generation, not a time, and the
//! bound only has to keep hostile keys (any period, page or filter) from growing memory.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::AppError;
use crate::state::AppState;

/// Entries kept at most.
const CAPACITY: usize = 512;

/// Longest page kept ([`ReadCache::read_page`]): a page of 100 warnings, each with its history,
/// reasons and an annotation of up to 2,000 characters, is at most about 1 MB, so a hostile
/// client varying pages and filters can make the cache hold at most about half a gigabyte only in
/// that extreme, and ranked lists (about 30 KB per 100 bases) far less. Longer pages (up to 500
/// rows, for exports and scripts) are read afresh. A run's rows, one entry per run, are about
/// 5 MB at ten times the roll.
pub const MAX_KEPT_ROWS: u32 = 100;

/// The data generation one request reads at: fetched once per request and passed to every read
/// it makes, so that a page's parts agree with each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(i64);

impl Generation {
    /// The store's current generation.
    pub async fn now(state: &AppState) -> Result<Generation, AppError> {
        Ok(Generation(state.store.data_generation().await?))
    }
}

struct Entry {
    generation: i64,
    value: Arc<dyn Any + Send + Sync>,
}

/// Reads by key, each valid for one generation.
#[derive(Default)]
pub struct ReadCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl ReadCache {
    fn get<T: Any + Send + Sync>(&self, at: Generation, key: &str) -> Option<Arc<T>> {
        let entries = self.entries.lock().expect("read cache lock");
        let entry = entries.get(key).filter(|e| e.generation == at.0)?;
        entry.value.clone().downcast::<T>().ok()
    }

    fn put<T: Any + Send + Sync>(&self, at: Generation, key: String, value: Arc<T>) {
        let mut entries = self.entries.lock().expect("read cache lock");
        if let Some(kept) = entries.get(&key)
            && kept.generation > at.0
        {
            // A slower request made under an older generation must not replace a newer read.
            return;
        }
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.retain(|_, e| e.generation >= at.0);
            if entries.len() >= CAPACITY {
                // Every entry is current: drop every other one (the map's order is arbitrary)
                // rather than all, so that a walk over many bases' series leaves about half of
                // the aggregates that every page needs (a hot one is read again at once if not).
                let mut keep = false;
                entries.retain(|_, _| {
                    keep = !keep;
                    keep
                });
            }
        }
        entries.insert(
            key,
            Entry {
                generation: at.0,
                value,
            },
        );
    }

    /// The read under `key` made at generation `at`, made by `load` when none is kept.
    pub async fn read<T, F, Fut>(
        &self,
        at: Generation,
        key: String,
        load: F,
    ) -> Result<Arc<T>, AppError>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        if let Some(hit) = self.get::<T>(at, &key) {
            return Ok(hit);
        }
        let value = Arc::new(load().await?);
        self.put(at, key, value.clone());
        Ok(value)
    }

    /// A page of `rows` rows: kept like [`ReadCache::read`] when it has at most
    /// [`MAX_KEPT_ROWS`] rows, read afresh otherwise.
    pub async fn read_page<T, F, Fut>(
        &self,
        at: Generation,
        key: String,
        rows: u32,
        load: F,
    ) -> Result<Arc<T>, AppError>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        if rows > MAX_KEPT_ROWS {
            return Ok(Arc::new(load().await?));
        }
        self.read(at, key, load).await
    }

    /// Entries kept (for tests).
    pub fn len(&self) -> usize {
        self.entries.lock().expect("read cache lock").len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read(cache: &ReadCache, at: i64, key: &str, value: i32) -> i32 {
        *cache
            .read(Generation(at), key.into(), || async move { Ok(value) })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_read_is_kept_for_its_generation_only() {
        let cache = ReadCache::default();
        assert_eq!(read(&cache, 1, "a", 10).await, 10);
        // Same generation: the kept read, not a new one.
        assert_eq!(read(&cache, 1, "a", 11).await, 10);
        // A new generation reads again.
        assert_eq!(read(&cache, 2, "a", 12).await, 12);
        assert_eq!(read(&cache, 2, "a", 13).await, 12);
        // A request still at generation 1 reads afresh but does not replace the newer read.
        assert_eq!(read(&cache, 1, "a", 14).await, 14);
        assert_eq!(read(&cache, 2, "a", 15).await, 12);
        // Another key is another read.
        assert_eq!(read(&cache, 2, "b", 16).await, 16);
    }

    #[tokio::test]
    async fn long_pages_are_read_afresh() {
        let cache = ReadCache::default();
        let page = |rows: u32, value: i32| {
            let cache = &cache;
            async move {
                *cache
                    .read_page(
                        Generation(1),
                        format!("page of {rows}"),
                        rows,
                        || async move { Ok(value) },
                    )
                    .await
                    .unwrap()
            }
        };
        assert_eq!(page(MAX_KEPT_ROWS, 1).await, 1);
        assert_eq!(page(MAX_KEPT_ROWS, 2).await, 1);
        assert_eq!(page(MAX_KEPT_ROWS + 1, 3).await, 3);
        assert_eq!(page(MAX_KEPT_ROWS + 1, 4).await, 4);
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test]
    async fn failed_reads_are_not_kept() {
        let cache = ReadCache::default();
        let failed = cache
            .read::<i32, _, _>(Generation(1), "a".into(), || async {
                Err(AppError::Forbidden)
            })
            .await;
        assert!(failed.is_err());
        assert!(cache.is_empty());
        assert_eq!(read(&cache, 1, "a", 1).await, 1);
    }

    #[tokio::test]
    async fn hostile_keys_cannot_grow_it_beyond_its_capacity() {
        let cache = ReadCache::default();
        for k in 0..(3 * CAPACITY) {
            read(&cache, 1, &format!("page {k}"), 0).await;
            assert!(cache.len() <= CAPACITY);
        }
        // When every entry is current, half of them stay.
        while cache.len() < CAPACITY {
            read(&cache, 1, &format!("more {}", cache.len()), 0).await;
        }
        read(&cache, 1, "one more", 0).await;
        assert_eq!(cache.len(), CAPACITY / 2 + 1);
        // Entries of an older generation go first.
        while cache.len() < CAPACITY {
            read(&cache, 1, &format!("old {}", cache.len()), 0).await;
        }
        read(&cache, 2, "new", 7).await;
        assert_eq!(cache.len(), 1);
        assert_eq!(read(&cache, 2, "new", 8).await, 7);
    }
}
