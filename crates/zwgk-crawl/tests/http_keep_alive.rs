//! Connections are kept alive: a crawl of many pages from one host opens no more
//! connections than requests it keeps in flight, against a server on 127.0.0.1 that
//! keeps each connection open (HTTP/1.1) and counts them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[path = "http_support/numbered_site.rs"]
mod numbered_site;

use zwgk_core::Selectors;
use zwgk_crawl::http::{CrawlOptions, HttpSource, ProgressMode};
use zwgk_crawl::PageSource;

/// Pages of the site: the home page links to `/p0.html` … `/p39.html`.
const PAGES: usize = 40;

struct Counts {
    connections: AtomicUsize,
    requests: AtomicUsize,
}

/// Answer requests on one connection until the client closes it.
fn serve(stream: TcpStream, counts: &Counts) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut skip = vec![0; length];
        let _ = reader.read_exact(&mut skip);
        counts.requests.fetch_add(1, Ordering::SeqCst);
        let (status, body) = match numbered_site::body_for(&target, PAGES) {
            Some(b) => ("200 OK", b),
            None => ("404 Not Found", String::new()),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

#[test]
fn one_connection_serves_many_requests() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let counts = Arc::new(Counts {
        connections: AtomicUsize::new(0),
        requests: AtomicUsize::new(0),
    });
    let accepting = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            accepting.connections.fetch_add(1, Ordering::SeqCst);
            let c = accepting.clone();
            std::thread::spawn(move || serve(stream, &c));
        }
    });
    let concurrency = 2;
    let opts = CrawlOptions {
        delay: Duration::ZERO,
        concurrency,
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        contact: Some("ops@example.invalid".into()),
        ..CrawlOptions::default()
    };
    let src = HttpSource::new(&format!("http://127.0.0.1:{port}/"), opts).expect("source");
    let pages = src.pages(&Selectors::none()).expect("crawl");
    assert!(numbered_site::all_fetched(&pages, PAGES));
    let requests = counts.requests.load(Ordering::SeqCst);
    let connections = counts.connections.load(Ordering::SeqCst);
    // The home page, its 40 links, robots.txt (and whatever else the crawl asks for).
    assert!(requests > PAGES + 1, "{requests} requests");
    // At most one connection per request in flight (and one for robots.txt, asked before
    // the pages): every connection served many requests.
    assert!(
        connections <= concurrency + 1,
        "{connections} connections for {requests} requests"
    );
}
