//! Per-host politeness: at most `concurrency` requests in flight per host, and a
//! minimum interval between the starts of two requests to the same host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The limiter of one host.
#[derive(Debug)]
pub struct HostGate {
    permits: Arc<Semaphore>,
    /// (earliest start of the next request, minimum interval)
    timing: Mutex<(Instant, Duration)>,
}

impl HostGate {
    fn new(concurrency: usize, interval: Duration) -> Self {
        HostGate {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            timing: Mutex::new((Instant::now(), interval)),
        }
    }

    /// Wait for a slot: a permit (held until dropped, i.e. until the request and its
    /// body are done) and this request's turn under the minimum interval.
    pub async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        let permit = self.permits.clone().acquire_owned().await.ok()?;
        let start = {
            let mut t = self.timing.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let start = if t.0 > now { t.0 } else { now };
            t.0 = start + t.1;
            start
        };
        // A start already due is not handed to the timer: tokio rounds a deadline up
        // to its next millisecond tick, which without an interval (`--no-delay`) would
        // hold every request back by up to a millisecond.
        if start > Instant::now() {
            tokio::time::sleep_until(start).await;
        }
        Some(permit)
    }

    /// Raise the minimum interval to at least `interval` (robots.txt `Crawl-delay`).
    pub fn raise_interval(&self, interval: Duration) {
        let mut t = self.timing.lock().unwrap_or_else(PoisonError::into_inner);
        if interval > t.1 {
            t.1 = interval;
        }
    }

    /// The minimum interval in force.
    pub fn interval(&self) -> Duration {
        self.timing.lock().unwrap_or_else(PoisonError::into_inner).1
    }
}

/// The limiters of every host.
#[derive(Debug)]
pub struct Politeness {
    concurrency: usize,
    interval: Duration,
    gates: Mutex<HashMap<String, Arc<HostGate>>>,
}

impl Politeness {
    /// Limits for every host: `concurrency` requests in flight, `interval` between starts.
    pub fn new(concurrency: usize, interval: Duration) -> Self {
        Politeness {
            concurrency: concurrency.max(1),
            interval,
            gates: Mutex::new(HashMap::new()),
        }
    }

    /// The limiter of a host (see [`super::frontier::host_key`]).
    pub fn gate(&self, host: &str) -> Arc<HostGate> {
        let mut gates = self.gates.lock().unwrap_or_else(PoisonError::into_inner);
        gates
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(HostGate::new(self.concurrency, self.interval)))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn permits_bound_in_flight() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let p = Arc::new(Politeness::new(2, Duration::ZERO));
            let now = Arc::new(AtomicUsize::new(0));
            let max = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            for _ in 0..20 {
                let (p, now, max) = (p.clone(), now.clone(), max.clone());
                tasks.push(tokio::spawn(async move {
                    let gate = p.gate("a.cn");
                    let _permit = gate.acquire().await.unwrap();
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(n, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
            assert!(max.load(Ordering::SeqCst) <= 2);
            assert!(max.load(Ordering::SeqCst) >= 1);
        });
    }

    #[test]
    fn interval_only_rises() {
        let p = Politeness::new(1, Duration::from_millis(250));
        let g = p.gate("a.cn");
        g.raise_interval(Duration::from_millis(100));
        assert_eq!(g.interval(), Duration::from_millis(250));
        g.raise_interval(Duration::from_secs(2));
        assert_eq!(p.gate("a.cn").interval(), Duration::from_secs(2));
        assert_eq!(p.gate("b.cn").interval(), Duration::from_millis(250));
    }
}
