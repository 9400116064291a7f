//! Opens the HTML report in headless Chromium through ChromeDriver (W3C WebDriver
//! over HTTP to 127.0.0.1 only) and checks that it renders, that its filter and
//! sort work, that page text quoted into it cannot run script, and that its
//! Content-Security-Policy lets its own script and style run.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`). Without them the test prints a note and passes,
//! unless `ZWGK_REQUIRE_BROWSER=1` is set, when that is a failure.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::{json, Value};
use zwgk_core::report::{
    DivisionReport, OutcomeCounts, PackInfo, RuleReport, SiteInfo, Summary, TaskReport,
};
use zwgk_core::rule::{Mode, Provenance, Severity};
use zwgk_core::{Divisions, Evidence, Outcome, Report};
use zwgk_report::html::Html;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const HOSTILE: &str = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">";

// ---------------------------------------------------------------- the report

fn rule(id: &str, outcome: Outcome, evidence: Vec<Evidence>) -> RuleReport {
    RuleReport {
        id: id.into(),
        title: format!("规则 {HOSTILE}"),
        mode: Mode::Auto,
        severity: Severity::High,
        outcome,
        message: format!("要求：公开。结果：页面标题为 {HOSTILE}"),
        found: format!("页面标题为 {HOSTILE}"),
        check: "exists".into(),
        findings: usize::from(outcome == Outcome::Fail),
        evidence,
        source: Provenance {
            seed: "任务".into(),
            clause: None,
        },
        origin: format!("rules/{id}.toml:1"),
    }
}

fn task(n: u32, outcome: Outcome, lead: &str, rules: Vec<RuleReport>) -> TaskReport {
    TaskReport {
        task: n,
        title: format!("任务{n} {HOSTILE}"),
        heading: "工作任务".into(),
        requirement: format!("要求{n}：公开 {HOSTILE}"),
        divisions: Divisions {
            lead: vec![lead.into()],
            others: vec![],
        },
        outcome,
        reason: format!("t{n:02}: {HOSTILE}"),
        rules,
    }
}

/// The title of a page as a scan reads it: `<title>` holds raw text, so a page titled
/// with markup gives that markup, verbatim, as its title.
fn crawled_title() -> String {
    let page = zwgk_core::PageFacts::from_html(
        "http://127.0.0.1:9/a.html",
        200,
        &format!("<html><head><title>标题 {HOSTILE}</title></head><body><p>正文</p></body></html>"),
    );
    assert!(page.title.contains("<script>"), "{}", page.title);
    page.title
}

fn report() -> Report {
    let title = crawled_title();
    let evidence = || {
        vec![
            Evidence::new("http://127.0.0.1:9/a.html", title.clone()),
            Evidence::new("javascript:window.__pwned=3", "not a link"),
        ]
    };
    let tasks = vec![
        task(
            1,
            Outcome::Pass,
            "政策法规处",
            vec![rule("t01", Outcome::Pass, evidence())],
        ),
        task(
            2,
            Outcome::Fail,
            "市场管理处",
            vec![rule("t02", Outcome::Fail, evidence())],
        ),
        task(3, Outcome::NeedsEvidence, "办公室", vec![]),
        task(
            4,
            Outcome::Fail,
            "政策法规处",
            vec![
                rule("t04a", Outcome::Fail, evidence()),
                rule("t04b", Outcome::Pass, vec![]),
            ],
        ),
    ];
    let mut summary = Summary::default();
    for t in &tasks {
        summary.tasks.add(t.outcome);
        for r in &t.rules {
            summary.rules.add(r.outcome);
        }
    }
    let counts = |os: &[Outcome]| {
        let mut c = OutcomeCounts::default();
        for o in os {
            c.add(*o);
        }
        c
    };
    Report {
        schema_version: 1,
        target: format!("http://127.0.0.1:9/{HOSTILE}"),
        as_of: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap_or_default(),
        rules_pack: PackInfo {
            id: "gd-whly-2021".into(),
            title: format!("计划 {HOSTILE}"),
            year: 2021,
            rules: 4,
        },
        summary,
        site: SiteInfo {
            pages: 3,
            failed_pages: 0,
            unfetched: Vec::new(),
            trusted: Vec::new(),
        },
        tasks,
        by_division: vec![
            DivisionReport {
                division: "政策法规处".into(),
                lead: vec![1, 4],
                others: vec![],
                summary: counts(&[Outcome::Pass, Outcome::Fail]),
                failing: vec![4],
            },
            DivisionReport {
                division: "市场管理处".into(),
                lead: vec![2],
                others: vec![],
                summary: counts(&[Outcome::Fail]),
                failing: vec![2],
            },
            DivisionReport {
                division: "办公室".into(),
                lead: vec![3],
                others: vec![],
                summary: counts(&[Outcome::NeedsEvidence]),
                failing: vec![],
            },
        ],
        fetch: None,
        score: None,
        columns: Vec::new(),
    }
}

// ------------------------------------------------ a tiny HTTP client (loopback)

/// One HTTP/1.1 request to 127.0.0.1:`port`; the JSON body of the answer.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send {method} {path}: {e}"))?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let (head_end, length) = loop {
        let n = stream
            .read(&mut buf)
            .map_err(|e| format!("read {method} {path}: {e}"))?;
        if n == 0 {
            return Err(format!("{method} {path}: connection closed early"));
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
            if head.contains("transfer-encoding: chunked") {
                return Err(format!("{method} {path}: chunked answers are not handled"));
            }
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            break (i + 4, length);
        }
    };
    match length {
        Some(len) => {
            while raw.len() < head_end + len {
                let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
            }
            raw.truncate(head_end + len);
        }
        None => {
            stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        }
    }
    let status_line = String::from_utf8_lossy(&raw[..raw.len().min(32)]).to_string();
    let value: Value = serde_json::from_slice(&raw[head_end..])
        .map_err(|e| format!("{method} {path}: bad JSON ({e}) after `{status_line}`"))?;
    if !status_line.starts_with("HTTP/1.1 2") && !status_line.starts_with("HTTP/1.0 2") {
        return Err(format!("{method} {path}: {status_line}: {value}"));
    }
    Ok(value)
}

// ------------------------------------------------------------ the driver guard

/// ChromeDriver and its session; quits the session and kills the driver's process
/// group when dropped, on success and on failure alike.
struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
}

impl Driver {
    fn start(port: u16, log: &Path) -> Result<Driver, String> {
        let log_file = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
            .stderr(log_file)
            // Its own process group, so the browser it starts can be ended with it.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
        let mut driver = Driver {
            child,
            port,
            session: None,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(v) = http(port, "GET", "/status", None) {
                if v["value"]["ready"] == json!(true) {
                    return Ok(driver);
                }
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!("chromedriver exited: {status}"));
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not become ready".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn new_session(&mut self, profile: &Path) -> Result<(), String> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let v = http(self.port, "POST", "/session", Some(&caps))?;
        let id = v["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {v}"))?;
        self.session = Some(id.to_string());
        Ok(())
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let id = self.session.as_deref().ok_or("no session")?;
        let v = http(
            self.port,
            method,
            &format!("/session/{id}{path}"),
            body.as_ref(),
        )?;
        Ok(v["value"].clone())
    }

    fn script(&self, script: &str) -> Result<Value, String> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn click(&self, css: &str) -> Result<(), String> {
        let element = self.find(css)?;
        self.cmd(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )?;
        Ok(())
    }

    fn find(&self, css: &str) -> Result<String, String> {
        let found = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("no element {css}: {found}"))
    }

    fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        let element = self.find(css)?;
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        )?;
        Ok(())
    }

    /// The task numbers of the visible task rows, in page order.
    fn visible_tasks(&self) -> Result<Vec<String>, String> {
        let v = self.script(
            "return Array.from(document.querySelectorAll('tbody.task')).filter(function (t) { return t.getClientRects().length > 0; }).map(function (t) { return t.getAttribute('data-task'); });",
        )?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Poll until the visible rows are `want` (short polls, a few seconds at most).
    fn wait_for_tasks(&self, want: &[&str]) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got = self.visible_tasks()?;
            if got == want {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("visible tasks {got:?}, want {want:?}"));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = http(self.port, "DELETE", &format!("/session/{id}"), None);
        }
        // The group holds chromedriver and any browser process it left behind.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

// ------------------------------------------------------------------- the test

#[test]
fn report_works_in_headless_chromium() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let required = std::env::var("ZWGK_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "ZWGK_REQUIRE_BROWSER=1 but {missing:?} missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("note: skipping the browser test: {missing:?} missing (apt-get install chromium chromium-driver)");
        return;
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.html");
    let page = Html::new().to_html(&report());
    std::fs::write(&file, &page).expect("write report");
    let profile = dir.path().join("profile");
    std::fs::create_dir(&profile).expect("profile dir");
    let log = dir.path().join("chromedriver.log");

    // A free port can be taken between the probe and the start: try a few.
    let mut driver = None;
    let mut errors = Vec::new();
    for _ in 0..3 {
        match free_port().and_then(|port| Driver::start(port, &log)) {
            Ok(d) => {
                driver = Some(d);
                break;
            }
            Err(e) => errors.push(e),
        }
    }
    let Some(mut driver) = driver else {
        panic!(
            "chromedriver did not start: {errors:?}\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    };
    driver.new_session(&profile).expect("new session");

    let url = format!("file://{}", file.display());
    driver
        .cmd("POST", "/url", Some(json!({"url": url})))
        .expect("open the report");

    // It rendered.
    let title = driver.cmd("GET", "/title", None).expect("title");
    let title = title.as_str().unwrap_or_default().to_string();
    assert!(title.starts_with("政务公开检查报告：计划 "), "{title}");
    assert!(
        title.contains("<script>window.__pwned=1</script>"),
        "{title}"
    );
    driver
        .wait_for_tasks(&["1", "2", "3", "4"])
        .expect("all task rows visible");
    assert_no_csp_violation(&driver);

    // The quoted page text stayed text: no element was made of it.
    let probe = driver
        .script(
            "return {pwned: typeof window.__pwned, imgs: document.images.length, scripts: document.scripts.length, text: document.body.textContent.indexOf('<img src=x onerror=') >= 0, controls: !document.getElementById('zwgk-controls').hidden, badge: getComputedStyle(document.querySelector('.badge.o-fail')).backgroundColor};",
        )
        .expect("probe");
    assert_eq!(probe["pwned"], "undefined", "{probe}");
    assert_eq!(probe["imgs"], 0, "{probe}");
    assert_eq!(
        probe["scripts"], 2,
        "the page's script and data block only: {probe}"
    );
    assert_eq!(probe["text"], true, "{probe}");
    // The script ran (it shows the controls) and the style applied.
    assert_eq!(probe["controls"], true, "{probe}");
    assert_eq!(probe["badge"], "rgb(198, 40, 40)", "{probe}");

    // Filter by outcome through the UI, then clear it.
    driver
        .click("#zwgk-controls button[data-outcome=\"fail\"]")
        .expect("click 不通过");
    driver
        .wait_for_tasks(&["2", "4"])
        .expect("only failing rows");
    let pressed = driver
        .script("return document.querySelector('button[data-outcome=\"fail\"]').textContent;")
        .expect("chip text");
    assert!(
        pressed.as_str().unwrap_or_default().starts_with("不通过"),
        "{pressed}"
    );
    driver.click("#zwgk-reset").expect("clear");
    driver
        .wait_for_tasks(&["1", "2", "3", "4"])
        .expect("all rows again");

    // Free text: a rule id found in one task's details.
    driver.type_into("#zwgk-text", "t04a").expect("type");
    driver.wait_for_tasks(&["4"]).expect("text filter");
    driver.click("#zwgk-reset").expect("clear");
    driver
        .wait_for_tasks(&["1", "2", "3", "4"])
        .expect("all rows again");

    // Sort by outcome (worst first), then back by number.
    driver
        .click("#zwgk-sort option[value=\"outcome\"]")
        .expect("sort by outcome");
    driver
        .wait_for_tasks(&["2", "4", "3", "1"])
        .expect("sorted by outcome");
    driver
        .click("#zwgk-sort option[value=\"task\"]")
        .expect("sort by number");
    driver
        .wait_for_tasks(&["1", "2", "3", "4"])
        .expect("sorted by number");

    let pwned = driver
        .script("return typeof window.__pwned;")
        .expect("pwned");
    assert_eq!(pwned, "undefined");

    assert_no_csp_violation(&driver);
}

/// No Content-Security-Policy complaint in the browser log (the entries since the
/// last read): the hashes match the page's own script and style.
fn assert_no_csp_violation(driver: &Driver) {
    let logs = driver
        .cmd("POST", "/se/log", Some(json!({"type": "browser"})))
        .expect("browser log");
    for e in logs.as_array().map(Vec::as_slice).unwrap_or_default() {
        let message = e["message"].as_str().unwrap_or_default();
        assert!(
            !message.contains("Content Security Policy"),
            "CSP violation: {message}"
        );
    }
}
