//! An HTTPS portal with a certificate no authority signed (see `http_support/tls.rs`):
//! refused once, without retries, unless `insecure`.

#[path = "http_support/tls.rs"]
mod tls;

use std::sync::atomic::Ordering;
use std::time::Duration;

use tls::TlsServer;
use zwgk_core::Selectors;
use zwgk_crawl::http::{CrawlOptions, HttpSource, ProgressMode};
use zwgk_crawl::PageSource;

fn options(insecure: bool) -> CrawlOptions {
    CrawlOptions {
        delay: Duration::ZERO,
        backoff: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        insecure,
        ..CrawlOptions::default()
    }
}

#[test]
fn an_invalid_certificate_is_refused_once_unless_insecure() {
    let server = TlsServer::start();

    // Refused: the start page cannot be fetched, so nothing can be scanned; the reason
    // names the certificate, and the permanent failure was not retried.
    let src = HttpSource::new(&server.url(), options(false)).unwrap();
    let err = src.pages(&Selectors::none()).unwrap_err().to_string();
    assert!(err.to_ascii_lowercase().contains("certificate"), "{err}");
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    // robots.txt and the start page: one handshake each, none repeated.
    let refused = server.connections.load(Ordering::SeqCst);
    assert!((1..=2).contains(&refused), "{refused} handshakes");

    // Accepted with `insecure`: the page is read.
    let src = HttpSource::new(&server.url(), options(true)).unwrap();
    let pages = src.pages(&Selectors::none()).unwrap();
    let home = pages.iter().find(|p| p.url == server.url()).unwrap();
    assert_eq!(home.title, "安全页面");
    assert!(server.requests.load(Ordering::SeqCst) >= 1);
}
