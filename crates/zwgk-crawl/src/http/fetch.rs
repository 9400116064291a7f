//! Fetching one URL: the HTTP client, tries with backoff, `Retry-After`, a byte cap on
//! (decompressed) bodies.

use std::error::Error as _;
use std::time::{Duration, SystemTime};

use url::Url;

use super::cache::{forbids_store, Validators};
use super::politeness::HostGate;
use super::record::{FetchRecord, SkipReason, StatusClass};

/// Redirects followed per request before giving up (a redirect loop ends here).
pub const MAX_REDIRECTS: usize = 10;

/// How a client is set up.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Per-request time limit (connect, headers and body).
    pub timeout: Duration,
    /// Accept invalid TLS certificates.
    pub insecure: bool,
}

/// Build the HTTP client. Proxies from the environment are not used: the crawler
/// talks to the portal directly.
///
/// # Errors
/// The TLS backend cannot be set up.
pub fn client(cfg: &ClientConfig) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(cfg.user_agent.clone())
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout.min(Duration::from_secs(15)))
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .danger_accept_invalid_certs(cfg.insecure)
        .gzip(true)
        .brotli(true)
        .deflate(true)
        .no_proxy()
        .build()
}

/// How a URL is fetched.
#[derive(Debug, Clone, Copy)]
pub struct FetchConfig {
    /// Do not read the body when the `Content-Type` says it is neither HTML, JSON,
    /// plain text nor a document (an image, an archive): only its status and type are
    /// kept of such pages.
    pub skip_non_text: bool,
    /// Bodies are cut at this many bytes (after decompression).
    pub max_body: usize,
    /// Requests per URL at most (1 = no retry).
    pub tries: u32,
    /// The wait before the second try; doubled before each further one.
    pub backoff: Duration,
    /// The longest wait honoured from `Retry-After`.
    pub max_retry_wait: Duration,
}

/// A response that was read.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// The body, decompressed, at most `max_body` bytes.
    pub body: Vec<u8>,
    /// Whether the body was cut.
    pub truncated: bool,
    /// The URL after redirects.
    pub final_url: Url,
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
    /// Whether `Cache-Control` says `no-store`.
    pub no_store: bool,
    /// Whether the body was left unread: a media type that is not read
    /// ([`zwgk_extract::worth_reading`], with `skip_non_text`).
    pub body_not_read: bool,
}

/// Why a request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    /// Worth another try (timeout, reset, refused).
    Transient(String),
    /// Not worth another try (DNS, TLS, redirect loop, invalid URL).
    Permanent(String),
}

/// The wait asked for by a `Retry-After` value: seconds or an HTTP date.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn chain_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        text.push_str(": ");
        text.push_str(&s.to_string());
        src = s.source();
    }
    text
}

pub(super) fn classify(e: &reqwest::Error) -> Failure {
    let text = chain_text(e);
    let lower = text.to_ascii_lowercase();
    if e.is_redirect() {
        return Failure::Permanent(format!("too many redirects (more than {MAX_REDIRECTS})"));
    }
    if e.is_timeout() {
        return Failure::Transient("timed out".to_string());
    }
    if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
        || lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || e.is_builder()
    {
        return Failure::Permanent(text);
    }
    Failure::Transient(text)
}

/// Cut a body that was truncated inside a UTF-8 sequence back to the last whole
/// character, so a cut UTF-8 page still reads as UTF-8.
fn trim_partial_utf8(body: &mut Vec<u8>) {
    if let Err(e) = std::str::from_utf8(body) {
        if e.error_len().is_none() && body.len() - e.valid_up_to() < 4 {
            body.truncate(e.valid_up_to());
        }
    }
}

/// The request, made conditional when validators of a kept response are given (a
/// value that is not a valid header is left out).
fn request(
    client: &reqwest::Client,
    url: &Url,
    validators: Option<&Validators>,
) -> reqwest::RequestBuilder {
    let mut req = client.get(url.clone());
    let Some(v) = validators else { return req };
    let headers = [
        (reqwest::header::IF_NONE_MATCH, &v.etag),
        (reqwest::header::IF_MODIFIED_SINCE, &v.last_modified),
    ];
    for (name, value) in headers {
        if let Some(value) = value
            .as_deref()
            .and_then(|s| reqwest::header::HeaderValue::from_str(s).ok())
        {
            req = req.header(name, value);
        }
    }
    req
}

/// At most this much room is set aside for a body before it arrives.
const BODY_RESERVE_MAX: usize = 1 << 20;

async fn attempt(
    client: &reqwest::Client,
    gate: &HostGate,
    url: &Url,
    cfg: &FetchConfig,
    validators: Option<&Validators>,
) -> AttemptResult {
    let max_body = cfg.max_body;
    let sent = tokio::time::Instant::now();
    let mut resp = match request(client, url, validators).send().await {
        Ok(r) => r,
        Err(e) => {
            let failure = classify(&e);
            // A timeout, a refused or reset connection: the host may be overwhelmed.
            if matches!(failure, Failure::Transient(_)) {
                gate.strained();
            }
            return AttemptResult::Failed(failure);
        }
    };
    let status = resp.status().as_u16();
    if matches!(status, 429 | 503 | 504) {
        gate.strained();
    } else {
        gate.answered(sent.elapsed());
    }
    let final_url = resp.url().clone();
    let header = |name: reqwest::header::HeaderName| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let etag = header(reqwest::header::ETAG);
    let last_modified = header(reqwest::header::LAST_MODIFIED);
    let no_store = resp
        .headers()
        .get_all(reqwest::header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(forbids_store);
    if status == 429 || status >= 500 {
        let wait =
            header(reqwest::header::RETRY_AFTER).and_then(|v| retry_after(&v, SystemTime::now()));
        return AttemptResult::Busy { status, wait };
    }
    if cfg.skip_non_text && !zwgk_extract::worth_reading(url.as_str(), content_type.as_deref()) {
        tracing::debug!(
            url = %url,
            reason = SkipReason::BodyType.explanation(),
            content_type = content_type.as_deref().unwrap_or(""),
            "skipped"
        );
        return AttemptResult::Done(Response {
            status,
            content_type,
            body: Vec::new(),
            truncated: false,
            final_url,
            etag,
            last_modified,
            no_store,
            body_not_read: true,
        });
    }
    // Room for the announced length (within the limit, and not more than a
    // megabyte ahead of what arrives: a server may announce what it never sends).
    let announced = resp
        .content_length()
        .unwrap_or(0)
        .min(BODY_RESERVE_MAX as u64) as usize;
    let mut body = Vec::with_capacity(announced.min(max_body));
    let mut truncated = false;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = max_body.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                if body.is_empty() {
                    return AttemptResult::Failed(classify(&e));
                }
                // Keep what arrived; it is marked as cut.
                truncated = true;
                break;
            }
        }
    }
    if truncated {
        trim_partial_utf8(&mut body);
    }
    AttemptResult::Done(Response {
        status,
        content_type,
        body,
        truncated,
        final_url,
        etag,
        last_modified,
        no_store,
        body_not_read: false,
    })
}

enum AttemptResult {
    Done(Response),
    Busy { status: u16, wait: Option<Duration> },
    Failed(Failure),
}

/// Fetch `url` through the host's gate, retrying transient failures, 5xx and 429.
///
/// Returns the response (any status below 500 but 429) or why it could not be had,
/// and the fetch record.
pub async fn fetch(
    client: &reqwest::Client,
    gate: &HostGate,
    url: &Url,
    cfg: &FetchConfig,
) -> (Result<Response, String>, FetchRecord) {
    fetch_conditional(client, gate, url, cfg, None).await
}

/// [`fetch`], sending the validators of a kept response (`If-None-Match`,
/// `If-Modified-Since`) when given: a `304 Not Modified` is then a response like any
/// other (see [`super::cache::revalidated`]).
pub async fn fetch_conditional(
    client: &reqwest::Client,
    gate: &HostGate,
    url: &Url,
    cfg: &FetchConfig,
    validators: Option<&Validators>,
) -> (Result<Response, String>, FetchRecord) {
    // Timed from the first request's start (not the wait for the host's turn).
    let mut started: Option<tokio::time::Instant> = None;
    let tries = cfg.tries.max(1);
    let mut record = FetchRecord {
        url: url.to_string(),
        class: StatusClass::Error,
        status: None,
        millis: 0,
        bytes: 0,
        tries: 0,
        truncated: false,
        not_modified: false,
        body_not_read: false,
    };
    let mut backoff = cfg.backoff;
    let result = loop {
        record.tries += 1;
        let outcome = {
            let Some(_permit) = gate.acquire().await else {
                break Err("no request slot for the host".to_string());
            };
            started.get_or_insert_with(tokio::time::Instant::now);
            attempt(client, gate, url, cfg, validators).await
        };
        let last = record.tries >= tries;
        match outcome {
            AttemptResult::Done(resp) => {
                record.status = Some(resp.status);
                record.class = StatusClass::of(resp.status);
                record.body_not_read = resp.body_not_read;
                record.bytes = resp.body.len() as u64;
                record.truncated = resp.truncated;
                break Ok(resp);
            }
            AttemptResult::Busy { status, wait } => {
                record.status = Some(status);
                record.class = StatusClass::of(status);
                if last {
                    break Err(format!("HTTP {status} after {} tries", record.tries));
                }
                let wait = match wait {
                    Some(w) if status == 429 || status == 503 => w.min(cfg.max_retry_wait),
                    _ => backoff,
                };
                tokio::time::sleep(wait).await;
            }
            AttemptResult::Failed(Failure::Permanent(why)) => {
                record.status = None;
                record.class = StatusClass::Error;
                break Err(why);
            }
            AttemptResult::Failed(Failure::Transient(why)) => {
                record.status = None;
                record.class = StatusClass::Error;
                if last {
                    break Err(format!("{why} (after {} tries)", record.tries));
                }
                tokio::time::sleep(backoff).await;
            }
        }
        backoff = backoff.saturating_mul(2);
    };
    record.millis = started.map_or(0, |s| {
        u64::try_from(s.elapsed().as_millis()).unwrap_or(u64::MAX)
    });
    (result, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_values() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-1", now), None);
    }

    #[test]
    fn partial_utf8_is_trimmed() {
        let mut b = "政务".as_bytes().to_vec();
        b.pop();
        trim_partial_utf8(&mut b);
        assert_eq!(b, "政".as_bytes());
        let mut gbk = vec![0xd5, 0xfe, 0xce, 0xf1];
        trim_partial_utf8(&mut gbk);
        assert_eq!(gbk.len(), 4, "not UTF-8: left alone");
    }
}
