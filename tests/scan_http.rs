//! `zwgk scan URL` as a user runs it, against a server on 127.0.0.1: Ctrl-C mid-crawl
//! still writes the report, progress goes to standard error unless `-q`, a refused
//! TLS certificate says how to accept it, a few dead pages and transient errors neither
//! mask violations nor invent them, and a start page refused gives no verdicts.

#[path = "support/manifests.rs"]
mod manifests;
#[path = "../crates/zwgk-crawl/tests/http_support/server.rs"]
mod server;
#[path = "../crates/zwgk-crawl/tests/http_support/tls.rs"]
mod tls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use server::{Resp, Server};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `zwgk scan URL --rules rules/gd-whly-2021 --as-of 2022-02-01 --format json --output OUT`
/// and `extra`.
fn scan_command(url: &str, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zwgk"));
    c.args([
        "scan",
        url,
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-02-01",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ])
    .args(extra)
    .current_dir(root());
    c
}

/// A home page linking to `n` pages, each answered after `delay`.
fn slow_site(n: usize, delay: Duration) -> Server {
    let server = Server::start();
    let links: String = (0..n)
        .map(|i| format!("<a href=\"/p{i}.html\">第{i}页</a>"))
        .collect();
    server.fixed("/", Resp::html(format!("<title>首页</title>{links}")));
    for i in 0..n {
        server.fixed(
            &format!("/p{i}.html"),
            Resp::html(format!("<title>第{i}页</title>")).delayed(delay),
        );
    }
    server
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn ctrl_c_mid_crawl_writes_the_report_with_the_rest_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let server = slow_site(40, Duration::from_millis(200));
    let child = scan_command(
        &server.url("/"),
        &out,
        &["--no-delay", "--concurrency", "1", "-q"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Interrupted once a few pages are in (a page takes 200 ms: the crawl has long been
    // waiting for Ctrl-C by then).
    let waited = Instant::now();
    while server.answers().len() < 4 {
        assert!(waited.elapsed() < Duration::from_secs(30), "no requests");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    // Pages not fetched are incomplete, never failures of their own: the exit code is
    // that of the verdicts (0 or 1), not an error's.
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let fetch = &report["fetch"];
    assert_eq!(fetch["stopped_early"], true, "{fetch}");
    assert!(fetch["not_fetched"].as_u64().unwrap() > 0, "{fetch}");
    let fetched = fetch["fetches"].as_u64().unwrap();
    assert!((3..40).contains(&fetched), "{fetch}");
    // Nothing was fetched after the interruption but what was in flight.
    assert!(server.answers().len() < 41);
}

#[test]
fn progress_goes_to_standard_error_unless_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let server = slow_site(5, Duration::ZERO);
    // Standard error is not a terminal here: plain log lines, the last with the counts.
    let o = scan_command(&server.url("/"), &out, &["--no-delay"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
    let last_progress = err
        .lines()
        .rfind(|l| l.starts_with("zwgk: fetched "))
        .unwrap_or_else(|| panic!("no progress line in {err:?}"));
    // robots.txt, the home page and its five pages.
    assert!(
        last_progress.starts_with("zwgk: fetched 7 · queued 0 · errors 0 · "),
        "{last_progress}"
    );
    assert!(last_progress.ends_with(" pages/s"), "{last_progress}");
    assert!(err.contains("zwgk: crawl: "), "{err}");
    assert!(
        !err.contains('\r'),
        "no terminal line updates in a log: {err:?}"
    );

    let o = scan_command(&server.url("/"), &out, &["--no-delay", "-q"])
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)));
    assert_eq!(stderr(&o), "", "-q prints nothing on standard error");
}

#[test]
fn on_a_terminal_progress_is_one_updating_line() {
    // util-linux's `script` runs the scan with a terminal as its standard error.
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var("ZWGK_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "script (util-linux) is required (ZWGK_REQUIRE_TOOLS=1) but not installed"
        );
        eprintln!("skipped: no `script` to give the scan a terminal");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    // Slow enough for the line to be drawn a few times.
    let server = slow_site(3, Duration::from_millis(400));
    let scan = scan_command(
        &server.url("/"),
        &out,
        &["--no-delay", "--concurrency", "1"],
    );
    let line: Vec<String> = std::iter::once(scan.get_program())
        .chain(scan.get_args())
        .map(|a| a.to_str().unwrap().to_string())
        .collect();
    let o = Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let tty = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{tty}");
    // Redrawn in place (carriage return, erase line), counts and rate on it, and no
    // log lines.
    assert!(tty.contains("\r\u{1b}[2K"), "{tty:?}");
    assert!(
        tty.contains(" fetched ") && tty.contains(" pages/s"),
        "{tty:?}"
    );
    assert!(!tty.contains("zwgk: fetched "), "{tty:?}");
    assert!(out.exists());
}

#[test]
fn a_refused_certificate_says_how_to_accept_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let server = tls::TlsServer::start();
    let o = scan_command(&server.url(), &out, &["--no-delay", "-q"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("invalid peer certificate"), "{err}");
    assert!(err.contains("--insecure accepts it"), "{err}");
    assert!(!out.exists());

    let o = scan_command(&server.url(), &out, &["--no-delay", "-q", "--insecure"])
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    // The home page (200) and robots.txt (404), both over the refused certificate.
    let by_class = &report["fetch"]["by_class"];
    assert_eq!(
        (&by_class["2xx"], &by_class["4xx"]),
        (&1.into(), &1.into()),
        "{by_class}"
    );
}

/// The tasks a blind fixture's manifest marks violated.
fn violated_tasks(portal: &str) -> Vec<u64> {
    manifests::task_outcomes(&root(), portal)
        .into_iter()
        .filter(|(_, v)| v == "violated")
        .map(|(k, _)| k)
        .collect()
}

/// Tasks by outcome in a JSON report.
fn tasks_with(report: &Value, outcome: &str) -> Vec<u64> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["outcome"] == outcome)
        .map(|t| t["task"].as_u64().unwrap())
        .collect::<std::collections::BTreeSet<u64>>()
        .into_iter()
        .collect()
}

/// A blind fixture portal served with what every real site has: three dead links from
/// its home page (a redirect loop, a connection closed unanswered, a body that never
/// ends) and a 503 for the first request of one page in twenty (a retry gets past it).
/// Its JSON report, after the scan's exit code is checked to be `want_exit`.
fn scan_noisy(portal: &str, want_exit: i32) -> Value {
    let mirror = root().join(format!("fixtures/portals/{portal}/whly.gd.gov.cn"));
    let server = Server::start()
        .serve_mirror(&mirror, "whly.gd.gov.cn")
        .with_noise(20);
    let home = std::fs::read_to_string(mirror.join("index.html"))
        .unwrap()
        .replace("http://whly.gd.gov.cn", &server.base())
        .replace(
            "</body>",
            "<div class=\"links\"><a href=\"/hdjl/loop.html\">互动交流</a>\
             <a href=\"/sjfb/reset.html\">数据发布</a>\
             <a href=\"/bsfw/endless.html\">办事服务</a></div></body>",
        );
    server.fixed("/", Resp::html(home.clone()));
    server.fixed("/index.html", Resp::html(home));
    server.fixed("/hdjl/loop.html", Resp::redirect("/hdjl/loop-2.html"));
    server.fixed("/hdjl/loop-2.html", Resp::redirect("/hdjl/loop.html"));
    server.fixed("/sjfb/reset.html", Resp::hang_up());
    server.fixed("/bsfw/endless.html", Resp::endless());

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let o = scan_command(
        &server.url("/"),
        &out,
        &[
            "--no-delay",
            "--concurrency",
            "8",
            "--max-body",
            "1MB",
            "-q",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(want_exit), "{portal}: {}", stderr(&o));
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let statuses: Vec<u16> = server.answers().iter().map(|(_, s)| *s).collect();
    assert!(statuses.contains(&503), "the noise was served");
    let twice: Vec<(String, usize)> = server
        .status_counts()
        .into_iter()
        .filter_map(|(target, by_status)| {
            let ok = by_status.get(&200).copied().unwrap_or(0);
            // The reset and the endless body are logged 200 before they fail, then retried.
            let broken = ["/sjfb/reset.html", "/bsfw/endless.html"].contains(&target.as_str());
            (ok > 1 && !broken).then_some((target, ok))
        })
        .collect();
    assert!(
        twice.is_empty(),
        "{portal}: answered 200 more than once: {twice:?}"
    );
    let unfetched: Vec<&str> = report["site"]["unfetched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap())
        .collect();
    for dead in ["/hdjl/loop", "/sjfb/reset.html"] {
        assert!(
            unfetched.iter().any(|u| u.contains(dead)),
            "{portal}: {dead} listed: {unfetched:?}"
        );
    }
    report
}

/// On the faulty portal the violations still fail: a page that could not be read makes a
/// rule `incomplete` only when what is known of it could make it the page sought, and the
/// report lists the pages it could not read.
#[test]
fn a_few_dead_pages_do_not_mask_violations() {
    let report = scan_noisy("jyh-2021-faulty", 1);
    assert_eq!(
        tasks_with(&report, "fail"),
        violated_tasks("jyh-2021-faulty"),
        "incomplete: {:?}",
        tasks_with(&report, "incomplete")
    );
}

/// On the compliant portal the same noise fails nothing.
#[test]
fn a_few_dead_pages_fail_nothing_on_a_compliant_portal() {
    let report = scan_noisy("jyh-2021", 0);
    assert_eq!(tasks_with(&report, "fail"), Vec::<u64>::new());
}

/// The provincial platform's portals served over HTTP the way a plain web server serves a
/// mirror, under another host: the extensionless catalogue pages (`/gkmlpt/guide`,
/// `/gkmlpt/policy`) come as `application/octet-stream`, and the catalogue API names its
/// items at `https://whly.gd.gov.cn/…`. The pages are read as pages (tasks 25, 27 and 28
/// failed on the compliant portal when they were dropped as binary bodies) and the
/// catalogue's items are taken on the host that serves it (the faulty portal's task 22
/// fault is shown only by its catalogue copy, and task 28's 工作规程 is reached only
/// through the catalogue): the verdicts are those of the folder scans.
#[test]
fn a_copy_served_elsewhere_by_a_plain_server_gets_the_folder_verdicts() {
    for (portal, want_exit) in [("szpt-2021", 0), ("szpt-2021-faulty", 1)] {
        let mirror = root().join(format!("fixtures/portals/{portal}/whly.gd.gov.cn"));
        let server = Server::start()
            .serve_mirror(&mirror, "whly.gd.gov.cn")
            .with_generic_types();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("report.json");
        let o = scan_command(
            &server.url("/"),
            &out,
            &["--no-delay", "--concurrency", "8", "-q"],
        )
        .output()
        .unwrap();
        assert_eq!(o.status.code(), Some(want_exit), "{portal}: {}", stderr(&o));
        let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let guide = server
            .answers()
            .iter()
            .any(|(target, status)| target == "/gkmlpt/guide" && *status == 200);
        assert!(guide, "{portal}: the guide was served");
        let want = if want_exit == 0 {
            Vec::new()
        } else {
            violated_tasks(portal)
        };
        assert_eq!(tasks_with(&report, "fail"), want, "{portal}");
    }
}

/// A start page answering 403, as a web application firewall does to a crawler it does
/// not know: no verdict on the site, exit 3, the reason and the User-Agent to allow.
#[test]
fn a_start_page_refused_gives_no_verdicts() {
    let server = Server::start();
    server.fixed("/", Resp::status(403));
    server.fixed("/robots.txt", Resp::status(404));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let o = scan_command(&server.url("/"), &out, &["--no-delay", "-q"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!out.exists(), "no report: no task is said to fail");
    let err = stderr(&o);
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(err.contains("User-Agent") && err.contains("zwgk/"), "{err}");
}

/// `-v` says, one line each on standard error, why URLs were skipped: here a page that
/// robots.txt disallows and an archive sent as a download. Without `-v` (and RUST_LOG)
/// nothing of the kind is printed.
#[test]
fn verbose_scans_say_why_urls_were_skipped() {
    let server = Server::start();
    server.fixed(
        "/robots.txt",
        Resp::new(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /private/\n".to_string(),
        ),
    );
    server.fixed(
        "/",
        Resp::html(
            "<title>首页</title><a href=\"/private/a.html\">内部</a>\
             <a href=\"/files/all.zip\">打包下载</a>"
                .to_string(),
        ),
    );
    server.fixed(
        "/files/all.zip",
        Resp::new(200, "application/octet-stream", "PK\u{3}\u{4}".to_string()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let o = scan_command(&server.url("/"), &out, &["--no-delay", "-q", "-v"])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let err = stderr(&o);
    let private = err
        .lines()
        .find(|l| l.contains("/private/a.html"))
        .unwrap_or_else(|| panic!("no line for the disallowed page: {err}"));
    assert!(private.contains("disallowed by robots.txt"), "{private}");
    assert!(private.contains("DEBUG"), "{private}");
    let zip = err
        .lines()
        .find(|l| l.contains("/files/all.zip"))
        .unwrap_or_else(|| panic!("no line for the archive: {err}"));
    assert!(zip.contains("not downloaded"), "{zip}");
    // The report's fetch counts each reason.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let skipped = &report["fetch"]["skipped"];
    assert_eq!(skipped["robots"], 1, "{skipped}");
    assert_eq!(skipped["body_type"], 1, "{skipped}");
    assert_eq!(report["fetch"]["disallowed"], 1);
    let o = scan_command(&server.url("/"), &out, &["--no-delay", "-q"])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("skipped"), "{}", stderr(&o));
}

#[test]
fn a_strained_host_is_asked_less_often_and_the_report_says_so() {
    let site = |busy_answers: usize| {
        let server = Server::start();
        server.fixed(
            "/",
            Resp::html(
                "<title>首页</title><a href=\"/a.html\">甲</a><a href=\"/b.html\">乙</a>"
                    .to_string(),
            ),
        );
        server.route("/a.html", false, move |_, n| {
            if n < busy_answers {
                Resp::status(503)
            } else {
                Resp::html("<title>甲</title>".to_string())
            }
        });
        server.fixed("/b.html", Resp::html("<title>乙</title>".to_string()));
        server
    };
    let longest = |server: &Server| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("report.json");
        let o = scan_command(&server.url("/"), &out, &["--delay", "20", "-q"])
            .output()
            .unwrap();
        assert!(o.status.code().is_some(), "{}", stderr(&o));
        let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        report["fetch"]["longest_interval_millis"].as_u64().unwrap()
    };
    // A calm host is asked at the configured pace, no slower.
    assert_eq!(longest(&site(0)), 20);
    // Two 503s: the interval doubled at least to the adaptation's smallest step.
    let strained = site(2);
    assert!(longest(&strained) >= 250);
    assert_eq!(strained.status_counts()["/a.html"][&200], 1);
}
