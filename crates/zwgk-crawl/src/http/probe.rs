//! Availability probes: one timed `GET` of a URL, whole body included, and the same
//! repeated on a schedule (`zwgk probe`).
//!
//! A probe is one request: no retries, no robots.txt (a site's home page is what any
//! visitor opens), a fresh connection each time, the crawler's client setup
//! ([`super::fetch::client`]: User-Agent, time limit, redirects, decompression) and a
//! body limit. Its time runs from sending the request to the end of the body.

use std::time::{Duration, SystemTime};

use url::Url;
use zwgk_core::Probe;

use super::fetch::{client, ClientConfig};
use super::{frontier, CrawlError, CrawlOptions};

/// How probes are made. [`ProbeOptions::default`]: 30 s time limit, 20 MB bodies.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Time limit per probe (connect, answer and body); a probe that takes longer
    /// fails with `timed out`.
    pub timeout: Duration,
    /// Bodies are read up to this many bytes (after decompression), then cut.
    pub max_body: usize,
    /// Accept invalid TLS certificates.
    pub insecure: bool,
    /// Who to contact about the probes, put in the `User-Agent`.
    pub contact: Option<String>,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: Duration::from_secs(30),
            max_body: 20 * 1024 * 1024,
            insecure: false,
            contact: None,
        }
    }
}

/// The time now, in UTC, as a probe records when it started.
fn now() -> chrono::NaiveDateTime {
    chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).naive_utc()
}

/// How a schedule of probes ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleEnd {
    /// Probes made (each one passed to the callback).
    pub probes: usize,
    /// Whether Ctrl-C stopped the schedule early (a probe in flight then is dropped).
    pub interrupted: bool,
}

/// Probes one URL.
#[derive(Debug)]
pub struct Prober {
    url: Url,
    config: ClientConfig,
    max_body: usize,
}

impl Prober {
    /// Set up probes of `url`.
    ///
    /// # Errors
    /// [`CrawlError::Url`] for a URL that is not http(s); [`CrawlError::Client`] when
    /// the HTTP client cannot be set up.
    pub fn new(url: &str, options: &ProbeOptions) -> Result<Self, CrawlError> {
        let url = frontier::normalize(url).ok_or_else(|| CrawlError::Url(url.into()))?;
        let config = ClientConfig {
            user_agent: CrawlOptions {
                contact: options.contact.clone(),
                ..CrawlOptions::default()
            }
            .user_agent(),
            timeout: options.timeout,
            insecure: options.insecure,
        };
        // Fail now, not at the first probe, when TLS cannot be set up.
        client(&config)?;
        Ok(Prober {
            url,
            config,
            max_body: options.max_body,
        })
    }

    /// The URL probed (normalised, as recorded).
    pub fn url(&self) -> &Url {
        &self.url
    }

    fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }

    /// Make one probe.
    pub fn probe(&self) -> Probe {
        match Self::runtime() {
            Ok(rt) => rt.block_on(self.measure()),
            Err(e) => self.unmeasured(format!("cannot start the probe: {e}")),
        }
    }

    fn unmeasured(&self, error: String) -> Probe {
        Probe::failed(self.url.as_str(), now(), 0, error)
    }

    /// Probe at `start`, `start + every`, `start + 2 × every`, … while before
    /// `start + duration` (once when `duration` is zero), never two at once: after a
    /// probe that outlasts `every`, the next starts at the next tick. `each` is given
    /// every measurement as it is made. With `stop_on_ctrl_c`, Ctrl-C ends the schedule
    /// at once; what was measured before has been given to `each`.
    pub fn run(
        &self,
        every: Duration,
        duration: Duration,
        stop_on_ctrl_c: bool,
        mut each: impl FnMut(&Probe),
    ) -> ScheduleEnd {
        let every = every.max(Duration::from_millis(1));
        let rt = match Self::runtime() {
            Ok(rt) => rt,
            Err(e) => {
                each(&self.unmeasured(format!("cannot start the probes: {e}")));
                return ScheduleEnd {
                    probes: 1,
                    interrupted: false,
                };
            }
        };
        rt.block_on(async {
            let ctrl_c = async move {
                if stop_on_ctrl_c && tokio::signal::ctrl_c().await.is_ok() {
                    return;
                }
                std::future::pending::<()>().await;
            };
            tokio::pin!(ctrl_c);
            let start = tokio::time::Instant::now();
            let end = start + duration;
            let mut probes = 0usize;
            let mut tick: u32 = 0;
            loop {
                let m = tokio::select! {
                    m = self.measure() => m,
                    () = &mut ctrl_c => return ScheduleEnd { probes, interrupted: true },
                };
                probes += 1;
                each(&m);
                // The next tick after this probe ended: max(tick + 1, ⌈done / every⌉).
                let (done, step) = (start.elapsed().as_nanos(), every.as_nanos());
                let due = u32::try_from(done.div_ceil(step)).unwrap_or(u32::MAX);
                let next = tick.saturating_add(1).max(due);
                let Some(at) = start.checked_add(every.saturating_mul(next)) else {
                    break;
                };
                if at >= end || next == u32::MAX {
                    break;
                }
                tick = next;
                tokio::select! {
                    () = tokio::time::sleep_until(at) => {}
                    () = &mut ctrl_c => return ScheduleEnd { probes, interrupted: true },
                }
            }
            ScheduleEnd {
                probes,
                interrupted: false,
            }
        })
    }

    async fn measure(&self) -> Probe {
        let clock = tokio::time::Instant::now();
        let mut m = Probe {
            url: self.url.to_string(),
            at: now(),
            millis: 0,
            status: None,
            error: None,
            bytes: 0,
        };
        // A client per probe: a fresh connection, as a new visitor makes.
        let result = match client(&self.config) {
            Ok(c) => c.get(self.url.clone()).send().await,
            Err(e) => {
                m.error = Some(error_text(&e));
                return m;
            }
        };
        match result {
            Err(e) => m.error = Some(error_text(&e)),
            Ok(mut resp) => {
                m.status = Some(resp.status().as_u16());
                loop {
                    match resp.chunk().await {
                        Ok(Some(chunk)) => {
                            m.bytes += chunk.len() as u64;
                            if m.bytes >= self.max_body as u64 {
                                m.bytes = self.max_body as u64;
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            // The page did not arrive whole: not a usable answer.
                            m.status = None;
                            m.error = Some(format!("body broke off: {}", error_text(&e)));
                            break;
                        }
                    }
                }
            }
        }
        m.millis = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
        m
    }
}

/// A request error in a few words: `timed out`, else the error and its causes.
fn error_text(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    if e.is_timeout() {
        return "timed out".to_string();
    }
    let mut text = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        text.push_str(": ");
        text.push_str(&s.to_string());
        src = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls() {
        assert!(matches!(
            Prober::new("ftp://x.gov.cn/", &ProbeOptions::default()),
            Err(CrawlError::Url(_))
        ));
        let p = Prober::new("http://X.gov.cn", &ProbeOptions::default()).unwrap();
        assert_eq!(p.url().as_str(), "http://x.gov.cn/");
    }

    #[test]
    fn a_refused_connection_is_an_error_not_a_status() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let p = Prober::new(
            &format!("http://127.0.0.1:{port}/"),
            &ProbeOptions {
                timeout: Duration::from_secs(5),
                ..ProbeOptions::default()
            },
        )
        .unwrap();
        let mut seen = Vec::new();
        let end = p.run(
            Duration::from_millis(50),
            Duration::from_millis(120),
            false,
            |m| seen.push(m.clone()),
        );
        assert!(!end.interrupted);
        assert_eq!(end.probes, seen.len());
        assert!((1..=3).contains(&seen.len()), "{seen:?}");
        assert!(seen.iter().all(|m| m.status.is_none() && m.error.is_some()));
    }
}
