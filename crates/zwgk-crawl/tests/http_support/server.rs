//! A fixture HTTP server on 127.0.0.1 for the crawler's tests (standard library only).
//!
//! It serves a mirror folder laid out as `wget --mirror` saves a site (`/x/` is
//! `x/index.html`; a query string is part of the file name) with content types by
//! ending, rewriting the mirror's own host (`http://whly.gd.gov.cn`) to its address.
//! Routes registered with [`Server::route`] take precedence and inject faults
//! (delays, 503 flaps, redirect loops, big bodies, compression bombs, link traps, …).
//! It counts requests per path and the requests in flight at once. It answers
//! conditional requests: a 200 whose `ETag` matches `If-None-Match`, or whose
//! `Last-Modified` equals `If-Modified-Since`, becomes `304 Not Modified`; with
//! [`Server::with_validators`] mirror files carry both, derived from their content.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A response.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (the request counts as in flight meanwhile).
    pub delay: Duration,
    /// How the answer is sent.
    pub shape: Shape,
}

/// How an answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Headers with a `Content-Length`, then the body.
    Whole,
    /// Nothing: the connection is closed once the request is read, as when a middlebox
    /// resets it.
    HangUp,
    /// Headers without a length, then the body over and over until the client goes
    /// away (at most 256 MiB).
    Endless,
}

impl Resp {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Resp {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
            shape: Shape::Whole,
        }
    }

    /// No answer: the connection is closed.
    pub fn hang_up() -> Self {
        Resp {
            shape: Shape::HangUp,
            ..Resp::status(200)
        }
    }

    /// A 200 HTML page whose body never ends.
    pub fn endless() -> Self {
        Resp {
            shape: Shape::Endless,
            ..Resp::html("<p>无尽的页面</p>\n".repeat(512))
        }
    }

    pub fn html(body: impl Into<String>) -> Self {
        Resp::new(200, "text/html; charset=utf-8", body.into().into_bytes())
    }

    pub fn status(status: u16) -> Self {
        Resp::new(
            status,
            "text/html",
            format!("<title>{status}</title>").into_bytes(),
        )
    }

    pub fn redirect(to: &str) -> Self {
        Resp::status(302).header("Location", to)
    }

    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET`, `HEAD`, …
    pub method: String,
    pub target: String,
    pub user_agent: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
}

/// A route: the request target (path and query) and how many times it was asked for
/// before (0 the first time).
pub type Handler = Arc<dyn Fn(&str, usize) -> Resp + Send + Sync>;

#[derive(Default)]
struct State {
    hits: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Seen>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    routes: Mutex<Vec<(String, bool, Handler)>>,
    mirror: Mutex<Option<PathBuf>>,
    mirror_host: Mutex<Option<String>>,
    stop: AtomicBool,
    base: Mutex<String>,
    validators: AtomicBool,
    /// Every answer's target and status, in order.
    answers: Mutex<Vec<(String, u16)>>,
    /// Answers to `HEAD` requests by target, instead of the `GET` answer.
    head_routes: Mutex<HashMap<String, Resp>>,
    /// With `n` > 0, the first request of every `n`th distinct target is answered 503
    /// instead (transient noise).
    noise_every: AtomicUsize,
    /// Mirror files without an ending are served as `application/octet-stream`.
    generic_types: AtomicBool,
    /// Distinct targets asked for, for the noise.
    requests: AtomicUsize,
}

/// The server; it stops when dropped.
pub struct Server {
    addr: std::net::SocketAddr,
    state: Arc<State>,
}

fn content_type_of(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or("");
    let (name, query) = match name.split_once('?') {
        Some((n, _)) => (n, true),
        None => (name, false),
    };
    if path.contains("/gkmlpt/api/") {
        return "application/json; charset=utf-8";
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        Some("xml") => "application/xml",
        Some("js") => "application/javascript",
        Some("css") => "text/css",
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xls") => "application/vnd.ms-excel",
        None if !query => "text/html",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                b.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

impl Server {
    /// Start on 127.0.0.1 with a free port.
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(State::default());
        *state.base.lock().unwrap() = format!("http://{addr}");
        let st = state.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if st.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                thread::spawn(move || handle(conn, &st));
            }
        });
        Server { addr, state }
    }

    /// Serve a mirror folder (the folder holding the site's files), rewriting
    /// `http://<host>` in text bodies to this server's address.
    pub fn serve_mirror(self, dir: &Path, host: &str) -> Server {
        *self.state.mirror.lock().unwrap() = Some(dir.to_path_buf());
        *self.state.mirror_host.lock().unwrap() = Some(host.to_string());
        self
    }

    /// Serve mirror files without an ending (`/gkmlpt/guide`) as
    /// `application/octet-stream`, as nginx's default type and Python's `http.server` do.
    pub fn with_generic_types(self) -> Server {
        self.state.generic_types.store(true, Ordering::SeqCst);
        self
    }

    /// Give mirror files an `ETag` and a `Last-Modified` derived from their content.
    pub fn with_validators(self) -> Server {
        self.state.validators.store(true, Ordering::SeqCst);
        self
    }

    /// Answer the first request of every `n`th distinct target 503 (without
    /// `Retry-After`) instead of its answer: the transient errors a busy real site gives,
    /// which a retry gets past.
    pub fn with_noise(self, n: usize) -> Server {
        self.state.noise_every.store(n, Ordering::SeqCst);
        self
    }

    /// Every answer's target and status, in order.
    pub fn answers(&self) -> Vec<(String, u16)> {
        self.state.answers.lock().unwrap().clone()
    }

    /// Answers per target and status.
    pub fn status_counts(&self) -> HashMap<String, HashMap<u16, usize>> {
        let mut out: HashMap<String, HashMap<u16, usize>> = HashMap::new();
        for (t, s) in self.answers() {
            *out.entry(t).or_default().entry(s).or_default() += 1;
        }
        out
    }

    /// Answer requests whose target is `target` (exactly, or starting with it when
    /// `prefix`) with `handler`.
    pub fn route(
        &self,
        target: &str,
        prefix: bool,
        handler: impl Fn(&str, usize) -> Resp + Send + Sync + 'static,
    ) {
        self.state
            .routes
            .lock()
            .unwrap()
            .push((target.to_string(), prefix, Arc::new(handler)));
    }

    /// Answer `HEAD` requests for `target` with `resp` (e.g. 405) instead of the
    /// `GET` answer without its body.
    pub fn on_head(&self, target: &str, resp: Resp) {
        self.state
            .head_routes
            .lock()
            .unwrap()
            .insert(target.to_string(), resp);
    }

    /// Requests per (method, target).
    pub fn by_method(&self) -> HashMap<(String, String), usize> {
        let mut out = HashMap::new();
        for r in self.log() {
            *out.entry((r.method, r.target)).or_default() += 1;
        }
        out
    }

    /// Always the same response.
    pub fn fixed(&self, target: &str, resp: Resp) {
        self.route(target, false, move |_, _| resp.clone());
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT<path>`
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// Requests per target.
    pub fn hits(&self) -> HashMap<String, usize> {
        self.state.hits.lock().unwrap().clone()
    }

    /// Requests for one target.
    pub fn hits_of(&self, target: &str) -> usize {
        self.hits().get(target).copied().unwrap_or(0)
    }

    /// Every request, in order of arrival.
    pub fn log(&self) -> Vec<Seen> {
        self.state.log.lock().unwrap().clone()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// The request line's target and the headers the server looks at.
struct Request {
    method: String,
    target: String,
    user_agent: String,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
}

fn read_request(conn: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(conn.try_clone().ok()?.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut ua = String::new();
    let mut if_none_match = None;
    let mut if_modified_since = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("user-agent") {
                ua = v.trim().to_string();
            } else if k.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(v.trim().to_string());
            } else if k.eq_ignore_ascii_case("if-modified-since") {
                if_modified_since = Some(v.trim().to_string());
            }
        }
    }
    Some(Request {
        method,
        target,
        user_agent: ua,
        if_none_match,
        if_modified_since,
    })
}

fn mirror_response(st: &State, target: &str) -> Resp {
    let Some(root) = st.mirror.lock().unwrap().clone() else {
        return Resp::status(404);
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let mut rel = percent_decode(path.trim_start_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    if rel.split('/').any(|s| s == "..") {
        return Resp::status(404);
    }
    if let Some(q) = query {
        rel = format!("{rel}?{q}");
    }
    let file = root.join(&rel);
    let file = if file.is_dir() {
        file.join("index.html")
    } else {
        file
    };
    let Ok(mut body) = std::fs::read(&file) else {
        return Resp::status(404);
    };
    let mut ct = content_type_of(&format!("/{rel}"));
    if st.generic_types.load(Ordering::SeqCst) && query.is_none() && !rel.contains('.') {
        ct = "application/octet-stream";
    }
    if let Some(host) = st.mirror_host.lock().unwrap().clone() {
        if ct.starts_with("text/") || ct.contains("json") || ct.contains("xml") {
            let from = format!("http://{host}");
            if let Ok(text) = String::from_utf8(body.clone()) {
                let to = st.base.lock().unwrap().clone();
                body = text.replace(&from, &to).into_bytes();
            }
        }
    }
    let mut resp = Resp::new(200, ct, body);
    if st.validators.load(Ordering::SeqCst) {
        let h = fnv(&resp.body);
        let (hh, mm, ss) = ((h >> 8) % 24, (h >> 16) % 60, (h >> 24) % 60);
        resp = resp.header("ETag", &format!("\"{h:016x}\"")).header(
            "Last-Modified",
            &format!("Thu, 01 Jan 2015 {hh:02}:{mm:02}:{ss:02} GMT"),
        );
    }
    resp
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn header_of<'a>(resp: &'a Resp, name: &str) -> Option<&'a str> {
    resp.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A 200 the client already holds becomes 304 (no body, same validators).
fn conditional(resp: Resp, req: &Request) -> Resp {
    if resp.status != 200 {
        return resp;
    }
    let etag_matches = match (header_of(&resp, "ETag"), req.if_none_match.as_deref()) {
        (Some(e), Some(inm)) => inm == "*" || inm.split(',').any(|t| t.trim() == e),
        _ => false,
    };
    let date_matches = req.if_none_match.is_none()
        && matches!(
            (header_of(&resp, "Last-Modified"), req.if_modified_since.as_deref()),
            (Some(lm), Some(ims)) if lm == ims
        );
    if !(etag_matches || date_matches) {
        return resp;
    }
    Resp {
        status: 304,
        headers: resp
            .headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
            .cloned()
            .collect(),
        body: Vec::new(),
        delay: resp.delay,
        shape: resp.shape,
    }
}

fn handle(mut conn: TcpStream, st: &State) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(req) = read_request(&conn) else {
        return;
    };
    let target = req.target.clone();
    let now = st.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    st.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let count = {
        let mut hits = st.hits.lock().unwrap();
        let n = hits.entry(target.clone()).or_default();
        *n += 1;
        *n - 1
    };
    st.log.lock().unwrap().push(Seen {
        method: req.method.clone(),
        target: target.clone(),
        user_agent: req.user_agent.clone(),
        if_none_match: req.if_none_match.clone(),
        if_modified_since: req.if_modified_since.clone(),
    });
    let handler = st
        .routes
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|(t, prefix, _)| {
            if *prefix {
                target.starts_with(t.as_str())
            } else {
                *t == target
            }
        })
        .map(|(_, _, h)| h.clone());
    let head = req.method.eq_ignore_ascii_case("HEAD");
    let head_route = if head {
        st.head_routes.lock().unwrap().get(&target).cloned()
    } else {
        None
    };
    let resp = match (head_route, handler) {
        (Some(r), _) => r,
        (None, Some(h)) => h(&target, count),
        (None, None) => mirror_response(st, &target),
    };
    // Transient noise: the first request of every `n`th distinct target is answered 503;
    // asked again, the target answers as usual (a request-count rule could hit one page on
    // every retry when the crawl's rhythm matches it, which no real glitch does).
    let noise = st.noise_every.load(Ordering::SeqCst);
    let resp = if noise > 0
        && count == 0
        && st.requests.fetch_add(1, Ordering::SeqCst) % noise == noise - 1
    {
        Resp::status(503)
    } else {
        resp
    };
    let resp = conditional(resp, &req);
    st.answers
        .lock()
        .unwrap()
        .push((target.clone(), resp.status));
    if !resp.delay.is_zero() {
        thread::sleep(resp.delay);
    }
    // No longer in flight once the answer starts: the client may finish reading it
    // and send its next request before this thread runs again.
    st.in_flight.fetch_sub(1, Ordering::SeqCst);
    match resp.shape {
        Shape::Whole => {}
        Shape::HangUp => {
            let _ = conn.shutdown(Shutdown::Both);
            return;
        }
        Shape::Endless => {
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n{}",
                    "<html><head><title>无尽</title></head><body>"
                )
                .as_bytes(),
            );
            let mut sent = 0usize;
            while sent < 256 << 20 && !st.stop.load(Ordering::SeqCst) {
                if conn.write_all(&resp.body).is_err() {
                    break;
                }
                sent += resp.body.len();
            }
            let _ = conn.shutdown(Shutdown::Both);
            return;
        }
    }
    let mut head_text = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        resp.status,
        reason(resp.status),
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        head_text.push_str(&format!("{k}: {v}\r\n"));
    }
    head_text.push_str("\r\n");
    let _ = conn.write_all(head_text.as_bytes());
    // A HEAD answer has the headers of the GET answer, not its body.
    if !head {
        let _ = conn.write_all(&resp.body);
    }
    let _ = conn.flush();
    let _ = conn.shutdown(Shutdown::Both);
}
