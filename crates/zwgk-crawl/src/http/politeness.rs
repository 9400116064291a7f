//! Per-host politeness: at most `concurrency` requests in flight per host, and a
//! minimum interval between the starts of two requests to the same host, which grows
//! while the host shows strain and returns to the configured one when it recovers
//! ([`AdaptiveInterval`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Longest interval the adaptation reaches: a host that keeps failing is asked once
/// every this long.
pub const MAX_ADAPTIVE_INTERVAL: Duration = Duration::from_secs(30);

/// The smallest step of the adaptation: a configured interval shorter than this grows to
/// it at the first sign of strain.
const MIN_ADAPTIVE_STEP: Duration = Duration::from_millis(250);

/// The interval between two request starts to one host, adapted to how the host answers.
///
/// It never goes below the floor (the configured interval, or a longer `Crawl-delay`), so
/// the crawl is never faster than the user allows. It doubles (at least to 250 ms, at most
/// to [`MAX_ADAPTIVE_INTERVAL`]) when the host answers `429` or `503`, or a request times
/// out or is refused; it grows by half when the host's answers (time to the response
/// headers, smoothed) take over three times its quickest smoothed time and 50 ms more; and
/// it halves back towards the floor with each answer near the quickest again. A floor of
/// zero (`--no-delay`) turns the adaptation off: the user asked for no delay at all.
///
/// A pure state machine: times are given to it, it reads no clock.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveInterval {
    floor: Duration,
    current: Duration,
    /// Smoothed answer time in seconds (exponential moving average).
    smoothed: Option<f64>,
    /// The quickest smoothed answer time seen, once a few answers are in.
    quickest: Option<f64>,
    answers: u32,
    /// The longest interval reached.
    longest: Duration,
}

impl AdaptiveInterval {
    /// Weight of the newest answer time in the smoothed one.
    const SMOOTHING: f64 = 0.3;
    /// Answers before the quickest time is trusted as the host's normal.
    const WARM_UP: u32 = 4;

    /// An interval of `floor`, adapted from there.
    pub fn new(floor: Duration) -> Self {
        AdaptiveInterval {
            floor,
            current: floor,
            smoothed: None,
            quickest: None,
            answers: 0,
            longest: floor,
        }
    }

    /// The interval in force.
    pub fn current(&self) -> Duration {
        self.current
    }

    /// The longest interval in force so far.
    pub fn longest(&self) -> Duration {
        self.longest
    }

    /// Raise the floor to at least `floor` (robots.txt `Crawl-delay`).
    pub fn raise_floor(&mut self, floor: Duration) {
        if floor > self.floor {
            self.floor = floor;
            self.set(self.current.max(floor));
        }
    }

    /// The host showed strain: `429`, `503`, a timeout, a refused or reset connection.
    pub fn strained(&mut self) {
        if self.floor.is_zero() {
            return;
        }
        self.set(
            (self.current * 2)
                .max(MIN_ADAPTIVE_STEP)
                .min(MAX_ADAPTIVE_INTERVAL),
        );
    }

    /// The host answered (headers received) after `took`.
    pub fn answered(&mut self, took: Duration) {
        if self.floor.is_zero() {
            return;
        }
        let took = took.as_secs_f64();
        let smoothed = match self.smoothed {
            Some(s) => s + Self::SMOOTHING * (took - s),
            None => took,
        };
        self.smoothed = Some(smoothed);
        self.answers = self.answers.saturating_add(1);
        if self.answers < Self::WARM_UP {
            return;
        }
        let quickest = self.quickest.map_or(smoothed, |q| q.min(smoothed));
        self.quickest = Some(quickest);
        if smoothed > 3.0 * quickest && smoothed > quickest + 0.05 {
            self.set(
                self.current
                    .mul_f64(1.5)
                    .max(MIN_ADAPTIVE_STEP)
                    .min(MAX_ADAPTIVE_INTERVAL),
            );
        } else if smoothed < 1.5 * quickest + 0.01 {
            self.set(self.current / 2);
        }
    }

    fn set(&mut self, interval: Duration) {
        // Within a millisecond of the floor is the floor.
        self.current = if interval < self.floor + Duration::from_millis(1) {
            self.floor
        } else {
            interval.max(self.floor)
        };
        self.longest = self.longest.max(self.current);
    }
}

/// The limiter of one host.
#[derive(Debug)]
pub struct HostGate {
    permits: Arc<Semaphore>,
    /// (earliest start of the next request, the interval between starts)
    timing: Mutex<(Instant, AdaptiveInterval)>,
}

impl HostGate {
    fn new(concurrency: usize, interval: Duration) -> Self {
        HostGate {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            timing: Mutex::new((Instant::now(), AdaptiveInterval::new(interval))),
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
            t.0 = start + t.1.current();
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
        self.adapt(|a| a.raise_floor(interval));
    }

    /// The host showed strain (see [`AdaptiveInterval::strained`]).
    pub fn strained(&self) {
        self.adapt(AdaptiveInterval::strained);
    }

    /// The host answered after `took` (see [`AdaptiveInterval::answered`]).
    pub fn answered(&self, took: Duration) {
        self.adapt(|a| a.answered(took));
    }

    fn adapt(&self, change: impl FnOnce(&mut AdaptiveInterval)) {
        let mut t = self.timing.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut t.1);
    }

    /// The interval in force.
    pub fn interval(&self) -> Duration {
        self.timing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .current()
    }

    /// The longest interval in force so far.
    pub fn longest_interval(&self) -> Duration {
        self.timing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .longest()
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

    /// The longest interval any host's requests were spaced by so far.
    pub fn longest_interval(&self) -> Duration {
        let gates = self.gates.lock().unwrap_or_else(PoisonError::into_inner);
        gates
            .values()
            .map(|g| g.longest_interval())
            .max()
            .unwrap_or(self.interval)
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

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn strain_doubles_the_interval_and_recovery_halves_it_back_to_the_floor() {
        let mut a = AdaptiveInterval::new(MS(250));
        for _ in 0..5 {
            a.answered(MS(20));
        }
        assert_eq!(a.current(), MS(250));
        a.strained();
        assert_eq!(a.current(), MS(500));
        a.strained();
        a.strained();
        assert_eq!(a.current(), MS(2000));
        for _ in 0..20 {
            a.strained();
        }
        assert_eq!(a.current(), MAX_ADAPTIVE_INTERVAL, "capped");
        // Answers as quick as before: halved back, never below the floor.
        for _ in 0..20 {
            a.answered(MS(20));
        }
        assert_eq!(a.current(), MS(250));
        assert_eq!(a.longest(), MAX_ADAPTIVE_INTERVAL);
    }

    #[test]
    fn slower_answers_grow_the_interval_until_they_quicken() {
        let mut a = AdaptiveInterval::new(MS(100));
        for _ in 0..6 {
            a.answered(MS(20));
        }
        assert_eq!(a.current(), MS(100));
        // A little slower (jitter): nothing changes.
        a.answered(MS(35));
        assert_eq!(a.current(), MS(100));
        // Ten times slower for a while: the interval grows.
        for _ in 0..6 {
            a.answered(MS(400));
        }
        assert!(a.current() > MS(500), "{:?}", a.current());
        for _ in 0..30 {
            a.answered(MS(20));
        }
        assert_eq!(a.current(), MS(100));
    }

    #[test]
    fn the_floor_holds_and_zero_turns_the_adaptation_off() {
        let mut a = AdaptiveInterval::new(MS(250));
        a.raise_floor(MS(1000));
        assert_eq!(a.current(), MS(1000));
        for _ in 0..10 {
            a.answered(Duration::from_micros(50));
        }
        assert_eq!(a.current(), MS(1000), "never below the floor");
        let mut off = AdaptiveInterval::new(Duration::ZERO);
        off.strained();
        off.answered(Duration::from_secs(5));
        assert_eq!(off.current(), Duration::ZERO);
        assert_eq!(off.longest(), Duration::ZERO);
    }

    #[test]
    fn the_gate_adapts_per_host() {
        let p = Politeness::new(1, MS(250));
        p.gate("a.cn").strained();
        assert_eq!(p.gate("a.cn").interval(), MS(500));
        assert_eq!(p.gate("b.cn").interval(), MS(250));
        assert_eq!(p.longest_interval(), MS(500));
    }
}
