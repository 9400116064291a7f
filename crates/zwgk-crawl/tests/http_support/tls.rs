//! A TLS server on 127.0.0.1 with a certificate no authority signed, for the tests of
//! `insecure` (crawler) and `--insecure` (command line).
//!
//! `tls/cert.der` is a self-signed server certificate for 127.0.0.1, made once with
//! `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
//! -addext subjectAltName=IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE -addext
//! keyUsage=critical,digitalSignature -addext extendedKeyUsage=serverAuth`; its key
//! `tls/key.der` (PKCS#8) serves these tests only. Included by path (`#[path]`), not by
//! `http_support/mod.rs`: only the tests that use it need rustls.

#![allow(dead_code)] // each test that includes this file uses only part of it

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A TLS server on 127.0.0.1 answering every request with a small page (robots.txt with
/// 404), one request a connection.
pub struct TlsServer {
    pub addr: SocketAddr,
    /// Connections accepted (TLS handshakes begun).
    pub connections: Arc<AtomicUsize>,
    /// Requests read after a completed handshake.
    pub requests: Arc<AtomicUsize>,
}

impl TlsServer {
    /// Start on a free port.
    pub fn start() -> TlsServer {
        // Relative to this file, whichever test includes it.
        let cert = CertificateDer::from(include_bytes!("../tls/cert.der").to_vec());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            include_bytes!("../tls/key.der").to_vec(),
        ));
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (c, r) = (connections.clone(), requests.clone());
        thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                c.fetch_add(1, Ordering::SeqCst);
                let (config, r) = (config.clone(), r.clone());
                thread::spawn(move || serve(config, tcp, &r));
            }
        });
        TlsServer {
            addr,
            connections,
            requests,
        }
    }

    /// The URL of its home page.
    pub fn url(&self) -> String {
        format!("https://{}/", self.addr)
    }
}

fn serve(config: Arc<rustls::ServerConfig>, tcp: std::net::TcpStream, requests: &AtomicUsize) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(conn) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // The handshake happens in the first read; a client that refuses the
    // certificate ends it there.
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let target = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let (status, body) = if target == "/" {
        (
            "200 OK",
            "<html><head><title>安全页面</title></head><body>政务公开</body></html>",
        )
    } else {
        ("404 Not Found", "")
    };
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tls.write_all(answer.as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}
