//! Cache entries written on a thread of their own while the crawl goes on.
//!
//! A page analysed on the runtime's thread has its cache entry encoded there
//! ([`Cache::prepare`]) and handed to one writer thread, which creates, writes and renames
//! the files ([`Cache::commit`]). Handing each page to the blocking pool instead cost a
//! wake-up of a pool thread and another of the fetch task a page (a 10,000-page cold
//! crawl: 2.7–3.1 s against 1.6–1.8 s on tmpfs); writing on the runtime's thread was
//! about as fast, but would hold up the connections that thread serves whenever the file
//! system stalls.
//!
//! The entries waiting are bounded in bytes ([`QUEUED_BYTES`]): when the disk falls
//! behind, the fetches wait for room rather than the memory growing. If the thread cannot
//! be started, or has stopped, an entry is written by whoever hands it over.

use std::sync::Arc;
use std::thread;

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::cache::{Cache, PreparedEntry};

/// At most this many bytes of entries wait for the writer.
pub const QUEUED_BYTES: usize = 8 * 1024 * 1024;

/// An entry on its way to the writer, with the room it takes in the queue.
type Queued = (PreparedEntry, OwnedSemaphorePermit);

/// The writer thread of a crawl's cache entries; [`EntryWriter::finish`] waits until
/// every entry handed over is written.
#[derive(Debug)]
pub struct EntryWriter {
    queue: EntryQueue,
    thread: Option<thread::JoinHandle<()>>,
}

/// Where entries are handed to an [`EntryWriter`]; cheap to clone into each fetch.
#[derive(Debug, Clone)]
pub struct EntryQueue {
    cache: Arc<Cache>,
    room: Arc<Semaphore>,
    sender: Option<mpsc::UnboundedSender<Queued>>,
}

impl EntryWriter {
    /// Start the writer thread of `cache`.
    pub fn start(cache: Arc<Cache>) -> EntryWriter {
        let (sender, mut receiver) = mpsc::unbounded_channel::<Queued>();
        let writing = Arc::clone(&cache);
        let thread = thread::Builder::new()
            .name("zwgk-cache-writer".into())
            .spawn(move || {
                while let Some((entry, room)) = receiver.blocking_recv() {
                    writing.commit(entry);
                    drop(room);
                }
            })
            .ok();
        EntryWriter {
            queue: EntryQueue {
                cache,
                room: Arc::new(Semaphore::new(QUEUED_BYTES)),
                // Without a thread, nothing is queued: each entry is written at once.
                sender: thread.as_ref().map(|_| sender),
            },
            thread,
        }
    }

    /// Where entries are handed over.
    pub fn queue(&self) -> EntryQueue {
        self.queue.clone()
    }

    /// Wait (blocking) until every entry handed over, by this writer's queue and every
    /// clone of it since dropped, is written, and stop the thread.
    pub fn finish(mut self) {
        self.queue.sender = None;
        if let Some(thread) = self.thread.take() {
            // A writer that panicked wrote what it could; its entries are only missing.
            let _ = thread.join();
        }
    }
}

impl EntryQueue {
    /// Hand `entry` to the writer, waiting while the queue is full; written here when
    /// there is no writer.
    pub async fn keep(&self, entry: PreparedEntry) {
        let Some(sender) = &self.sender else {
            self.cache.commit(entry);
            return;
        };
        // An entry larger than the whole queue waits for an empty one.
        let want = u32::try_from(entry.size().clamp(1, QUEUED_BYTES)).unwrap_or(u32::MAX);
        let Ok(room) = Arc::clone(&self.room).acquire_many_owned(want).await else {
            self.cache.commit(entry);
            return;
        };
        if let Err(mpsc::error::SendError((entry, _room))) = sender.send((entry, room)) {
            // The writer stopped: write it here.
            self.cache.commit(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::fetch::Response;
    use url::Url;

    fn page(url: &Url) -> Response {
        Response {
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            body: b"<html><body>kept</body></html>".to_vec(),
            truncated: false,
            final_url: url.clone(),
            etag: Some("\"e1\"".into()),
            last_modified: None,
            no_store: false,
            body_not_read: false,
        }
    }

    #[test]
    fn every_entry_handed_over_is_written_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Arc::new(Cache::open(dir.path()).unwrap());
        let writer = EntryWriter::start(Arc::clone(&cache));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let urls: Vec<Url> = (0..200)
            .map(|i| Url::parse(&format!("http://127.0.0.1/p{i}.html")).unwrap())
            .collect();
        rt.block_on(async {
            let queue = writer.queue();
            for url in &urls {
                queue
                    .keep(cache.prepare(url, &page(url), false, None))
                    .await;
            }
        });
        writer.finish();
        assert_eq!(cache.stats().written, 200);
        assert_eq!(cache.stats().write_errors, 0);
        for url in &urls {
            assert!(cache.load(url, 1 << 20).is_some(), "{url} not kept");
        }
    }

    #[test]
    fn without_a_writer_entries_are_written_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Arc::new(Cache::open(dir.path()).unwrap());
        let queue = EntryQueue {
            cache: Arc::clone(&cache),
            room: Arc::new(Semaphore::new(QUEUED_BYTES)),
            sender: None,
        };
        let url = Url::parse("http://127.0.0.1/a.html").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(queue.keep(cache.prepare(&url, &page(&url), false, None)));
        assert!(cache.load(&url, 1 << 20).is_some());
    }
}
