//! End-to-end tests of `zwgk probe` and of the probes a scan reads from the history
//! (`zwgk scan URL --history FILE`), against a local server on 127.0.0.1. No timing is
//! asserted: only what was recorded and counted.

#[path = "../crates/zwgk-crawl/tests/http_support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;
use server::{Resp, Server};
use zwgk_core::Probe;
use zwgk_history::History;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn zwgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run zwgk")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `zwgk probe URL --every 200ms --for 1s --history DB`
fn probe(url: &str, db: &Path) -> Output {
    zwgk(&[
        "probe",
        url,
        "--every",
        "200ms",
        "--for",
        "1s",
        "--history",
        db.to_str().unwrap(),
        "--timeout",
        "5",
    ])
}

/// Every probe of `url` in the history.
fn recorded(db: &Path, url: &str) -> Vec<Probe> {
    let h = History::open_existing(db).unwrap();
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    h.probes(url, at("2000-01-01T00:00:00Z"), at("2200-01-01T00:00:00Z"))
        .unwrap()
}

/// `zwgk scan URL --rules rules/gov-website-2019 --history DB` (as of today): the
/// outcome and message of `w08-site-available`.
fn scan_availability(url: &str, db: &Path) -> (String, String) {
    let o = zwgk(&[
        "scan",
        url,
        "--rules",
        "rules/gov-website-2019",
        "--history",
        db.to_str().unwrap(),
        "--format",
        "json",
        "--no-delay",
        "--timeout",
        "5",
        "-q",
    ]);
    let code = o.status.code().unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {}", text(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rule = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rules"].as_array().unwrap())
        .find(|r| r["id"] == "w08-site-available")
        .expect("w08-site-available in the report")
        .clone();
    (
        rule["outcome"].as_str().unwrap().to_string(),
        rule["message"].as_str().unwrap().to_string(),
    )
}

fn home() -> Resp {
    Resp::html("<title>首页</title><p>欢迎</p>".repeat(20))
}

#[test]
fn probes_are_recorded_and_a_scan_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tmp.db");
    let server = Server::start();
    server.fixed("/", home());
    let url = server.url("/");

    let o = probe(&url, &db);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("  200  ")).collect();
    let n = lines.len();
    // Ticks at 0, 200, 400, 600 and 800 ms: at most 5 probes; at least 2 on a busy machine.
    assert!((2..=5).contains(&n), "{out}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" ms  ") && l.ends_with(" bytes")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{n} probes, 0 failed, 0 slower than 15 s")),
        "{out}"
    );
    assert_eq!(server.hits_of("/"), n);
    assert!(server
        .log()
        .iter()
        .all(|r| r.user_agent.starts_with("zwgk/")));
    let probes = recorded(&db, &url);
    assert_eq!(probes.len(), n);
    assert!(probes
        .iter()
        .all(|p| p.status == Some(200) && p.error.is_none() && p.bytes > 100));

    // The scan reads them, adds its own fetch of the home page, and records it too.
    let (outcome, message) = scan_availability(&url, &db);
    assert_eq!(outcome, "incomplete", "{message}");
    assert!(
        message.contains(&format!("仅有{}次探测（其中0次异常）", n + 1)),
        "{message}"
    );
    assert!(message.contains("至少140次"), "{message}");
    assert_eq!(recorded(&db, &url).len(), n + 1);
}

#[test]
fn a_503_answer_is_recorded_as_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tmp.db");
    let server = Server::start();
    let down = Arc::new(AtomicBool::new(true));
    let flag = down.clone();
    server.route("/", false, move |_, _| {
        if flag.load(Ordering::SeqCst) {
            Resp::status(503)
        } else {
            home()
        }
    });
    let url = server.url("/");

    let o = probe(&url, &db);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let n = out.lines().filter(|l| l.contains("  503  ")).count();
    assert!((2..=5).contains(&n), "{out}");
    assert!(out.contains(&format!("{n} probes, {n} failed")), "{out}");
    let probes = recorded(&db, &url);
    assert_eq!(probes.len(), n);
    assert!(probes.iter().all(|p| p.status == Some(503)));

    // A scan while the site is down cannot report (exit 3) but records its fetch of
    // the home page (503 after its retries) as a probe.
    let o = zwgk(&[
        "scan",
        &url,
        "--rules",
        "rules/gov-website-2019",
        "--history",
        db.to_str().unwrap(),
        "--no-delay",
        "--timeout",
        "5",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let probes = recorded(&db, &url);
    assert_eq!(probes.len(), n + 1);
    assert_eq!(probes[n].status, Some(503));

    // The site is back: the scan counts the failed probes and its own good one.
    down.store(false, Ordering::SeqCst);
    let (outcome, message) = scan_availability(&url, &db);
    assert_eq!(outcome, "incomplete", "{message}");
    assert!(
        message.contains(&format!("仅有{}次探测（其中{}次异常）", n + 2, n + 1)),
        "{message}"
    );
}

#[test]
fn a_refused_connection_is_recorded_with_its_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tmp.db");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    let o = zwgk(&["probe", &url, "--history", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("  error: "), "{}", text(&o.stdout));
    let probes = recorded(&db, &url);
    assert_eq!(probes.len(), 1, "without --for: one probe");
    assert!(probes[0].status.is_none() && probes[0].error.is_some());
}

/// Ctrl-C (SIGINT) ends a long schedule at once; what was measured is recorded and
/// summed up.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_after_recording_what_was_measured() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tmp.db");
    let server = Server::start();
    server.fixed("/", home());
    let url = server.url("/");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args([
            "probe",
            &url,
            "--every",
            "100ms",
            "--for",
            "1h",
            "--history",
            db.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Two probes: the Ctrl-C handler is in place from the first one on.
    for _ in 0..2 {
        let line = lines.next().unwrap().unwrap();
        assert!(line.contains("  200  "), "{line}");
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{rest:?}");
    let summary = rest.last().expect("a summary line");
    let n = recorded(&db, &url).len();
    assert!(n >= 2, "{n}");
    assert!(
        summary.contains(&format!("{n} probes, 0 failed")),
        "{summary}"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("stopped by Ctrl-C"), "{err}");
}

#[test]
fn bad_probe_arguments_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let not_a_db = tmp.path().join("notes.txt");
    std::fs::write(&not_a_db, "not a database\n".repeat(100)).unwrap();
    for args in [
        vec!["probe", "ftp://127.0.0.1/"],
        vec!["probe", "http://127.0.0.1:9/", "--every", "0"],
        vec!["probe", "http://127.0.0.1:9/", "--every", "soon"],
        vec![
            "probe",
            "http://127.0.0.1:9/",
            "--history",
            not_a_db.to_str().unwrap(),
        ],
    ] {
        let o = zwgk(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
    }
}

/// A week of probes makes the inspection verdict decidable: the compliant mini portal,
/// served on 127.0.0.1 and scanned as of 2022-02-01 with 20 good probes a day for the
/// week before, is 合格 with full marks; the faulty one with the same probes is still
/// 不合格 by its column and consultation vetoes; and with 7 of those probes failing (5 %) the compliant
/// one is 不合格 by the availability veto.
#[test]
fn a_week_of_probes_decides_the_inspection_verdict() {
    for (portal, bad_probes, verdict, vetoes) in [
        ("mini-2021", 0, "qualified", vec![]),
        (
            "mini-2021-faulty",
            0,
            "unqualified",
            vec![
                "w15-consultations-answered",
                "w09-stale-columns",
                "w11-blank-columns",
            ],
        ),
        ("mini-2021", 7, "unqualified", vec!["w08-site-available"]),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("h.db");
        let dir = root().join("fixtures/portals").join(portal);
        let server = Server::start().serve_mirror(&dir.join("whly.gd.gov.cn"), "whly.gd.gov.cn");
        let url = server.url("/");
        {
            let mut h = History::open(&db).unwrap();
            // 2022-01-26 00:00 to 2022-02-01 23:00 China Standard Time, every 30 minutes
            // from 08:00 to 17:30: 20 a day.
            let start = chrono::DateTime::parse_from_rfc3339("2022-01-26T08:00:00+08:00")
                .unwrap()
                .with_timezone(&chrono::Utc);
            let mut n = 0;
            for day in 0..7 {
                for slot in 0..20 {
                    let at =
                        start + chrono::Duration::days(day) + chrono::Duration::minutes(30 * slot);
                    let bad = n < bad_probes;
                    n += 1;
                    h.record_probe(&Probe {
                        url: url.clone(),
                        at: at.naive_utc(),
                        millis: if bad { 16_000 } else { 420 },
                        status: Some(200),
                        error: None,
                        bytes: 9_000,
                    })
                    .unwrap();
                }
            }
        }
        let o = zwgk(&[
            "scan",
            &url,
            "--rules",
            "rules/gov-website-2019",
            "--history",
            db.to_str().unwrap(),
            "--as-of",
            "2022-02-01",
            "--format",
            "json",
            "--no-delay",
            "-q",
        ]);
        let report: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{portal}: {e}: {}", text(&o.stderr)));
        let score = &report["score"];
        assert_eq!(
            score["verdict"], verdict,
            "{portal}, {bad_probes} bad: {score}"
        );
        assert_eq!(score["vetoes"], serde_json::json!(vetoes), "{portal}");
        if portal == "mini-2021" && bad_probes == 0 {
            assert_eq!(score["score"], 100.0, "{score}");
            assert_eq!(score["verdict_label"], "合格");
            assert_eq!(
                o.status.code(),
                Some(0),
                "no rule fails: {}",
                text(&o.stderr)
            );
        }
    }
}
