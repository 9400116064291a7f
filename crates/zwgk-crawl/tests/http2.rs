//! HTTP/2 where the server offers it: against a TLS server on 127.0.0.1 that speaks only
//! HTTP/2 (ALPN `h2`), a crawl opens one connection and keeps its requests in flight on
//! it as streams, never more than the in-flight limit.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
#[path = "http_support/numbered_site.rs"]
mod numbered_site;

use zwgk_core::Selectors;
use zwgk_crawl::http::{CrawlOptions, HttpSource, ProgressMode};
use zwgk_crawl::PageSource;

/// Pages of the site: the home page links to `/p0.html` … `/p29.html`.
const PAGES: usize = 30;

#[derive(Default)]
struct Counts {
    connections: AtomicUsize,
    streams: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

/// Start the server on its own runtime; returns its address.
fn start(counts: Arc<Counts>) -> SocketAddr {
    let cert = CertificateDer::from(include_bytes!("tls/cert.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        include_bytes!("tls/key.der").to_vec(),
    ));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    // HTTP/2 only: a client that cannot speak it fails the handshake.
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                counts.connections.fetch_add(1, Ordering::SeqCst);
                let (acceptor, counts) = (acceptor.clone(), counts.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut conn) = h2::server::handshake(tls).await else {
                        return;
                    };
                    while let Some(Ok((request, respond))) = conn.accept().await {
                        tokio::spawn(answer(request, respond, counts.clone()));
                    }
                });
            }
        });
    });
    addr
}

async fn answer(
    request: http::Request<h2::RecvStream>,
    mut respond: h2::server::SendResponse<Bytes>,
    counts: Arc<Counts>,
) {
    counts.streams.fetch_add(1, Ordering::SeqCst);
    let now = counts.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counts.most_in_flight.fetch_max(now, Ordering::SeqCst);
    // Long enough for the crawl's next requests to overlap this one.
    tokio::time::sleep(Duration::from_millis(20)).await;
    counts.in_flight.fetch_sub(1, Ordering::SeqCst);
    let (status, body) = match numbered_site::body_for(request.uri().path(), PAGES) {
        Some(b) => (200, b),
        None => (404, String::new()),
    };
    let response = http::Response::builder()
        .status(status)
        .header("content-type", "text/html; charset=utf-8")
        .body(())
        .unwrap();
    if let Ok(mut send) = respond.send_response(response, false) {
        let _ = send.send_data(Bytes::from(body), true);
    }
}

#[test]
fn one_connection_carries_the_requests_in_flight_as_streams() {
    let counts = Arc::new(Counts::default());
    let addr = start(counts.clone());
    let concurrency = 3;
    let opts = CrawlOptions {
        delay: Duration::ZERO,
        concurrency,
        insecure: true,
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        contact: Some("ops@example.invalid".into()),
        ..CrawlOptions::default()
    };
    let src = HttpSource::new(&format!("https://{addr}/"), opts).expect("source");
    let pages = src.pages(&Selectors::none()).expect("crawl");
    assert!(numbered_site::all_fetched(&pages, PAGES));
    let streams = counts.streams.load(Ordering::SeqCst);
    assert!(streams > PAGES, "{streams} streams");
    assert_eq!(counts.connections.load(Ordering::SeqCst), 1);
    let most = counts.most_in_flight.load(Ordering::SeqCst);
    assert!(
        (2..=concurrency).contains(&most),
        "{most} requests in flight at once (limit {concurrency})"
    );
}
