//! `zwgk scan`: scan a portal against rule packs ([`zwgk::scan`]) and write the reports.

use chrono::{Duration, NaiveDate, Utc};
use zwgk::{load_evidence, load_pack, CrawlOptions, ProgressMode};
use zwgk_core::{EvidenceSet, Outcome};

use crate::cli::{CrawlArgs, ScanArgs};
use crate::exit::Code;

/// Crawl options from the command line.
fn crawl_options(c: &CrawlArgs, quiet: bool) -> CrawlOptions {
    CrawlOptions {
        seeds: c.seeds.clone(),
        include: c.include.clone(),
        exclude: c.exclude.clone(),
        concurrency: usize::from(c.concurrency),
        delay: if c.no_delay {
            std::time::Duration::ZERO
        } else {
            std::time::Duration::from_millis(c.delay)
        },
        max_pages: c.max_pages,
        max_depth: c.max_depth,
        timeout: std::time::Duration::from_secs(c.timeout),
        max_body: c.max_body,
        deadline: c.deadline,
        insecure: c.insecure,
        contact: c.contact.clone(),
        progress: if quiet {
            ProgressMode::Off
        } else {
            ProgressMode::Auto
        },
        stop_on_ctrl_c: true,
        cache: c.cache.clone(),
        revalidate_after: c.revalidate_after,
        revalidate_all: c.full,
        clock: c.clock,
        snapshot: c.snapshot.clone(),
        check_external: c.check_external,
        max_external: c.max_external,
        ..CrawlOptions::default()
    }
}

/// Say what the snapshot and cache came to: problems always, counts unless quiet.
fn report_snapshot(crawled: &zwgk::Crawled, quiet: bool) {
    if let Some(s) = &crawled.snapshot {
        let dir = s.dir.display();
        if s.files == 0 {
            if let Some(why) = &s.first_error {
                eprintln!("zwgk: snapshot {dir}: {why}");
            }
        } else {
            if !quiet {
                eprintln!("zwgk: snapshot: {} files in {dir}", s.files);
            }
            if s.failed > 0 {
                eprintln!(
                    "zwgk: snapshot {dir}: {} pages not saved (first: {})",
                    s.failed,
                    s.first_error.as_deref().unwrap_or("unknown")
                );
            }
        }
    }
    if let Some(c) = &crawled.cache {
        if c.write_errors > 0 {
            eprintln!(
                "zwgk: cache: {} entries could not be written (fetched in full next time)",
                c.write_errors
            );
        }
    }
}

/// Today in China Standard Time (UTC+8), the default as-of date.
fn today_cst() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

pub fn run(args: ScanArgs) -> Code {
    crate::logging::init(args.verbose);
    let outputs = match super::output::plan(&args) {
        Ok(o) => o,
        Err(e) => return bad(&e),
    };
    let as_of = match &args.as_of {
        None => today_cst(),
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                return bad(&format!(
                    "--as-of must be a date like 2022-02-01, not `{s}`"
                ))
            }
        },
    };
    let mut packs: Vec<zwgk_core::RulePack> = Vec::new();
    for path in &args.rules {
        let pack = match load_pack(path) {
            Ok(p) => p,
            Err(e) => return bad(&e.to_string()),
        };
        if let Some(twin) = packs.iter().find(|p| p.plan.id == pack.plan.id) {
            return bad(&format!(
                "two --rules packs have the id `{}` (the second is {}); each report is named by its pack id",
                twin.plan.id,
                path.display()
            ));
        }
        packs.push(pack);
    }
    if packs.len() > 1 && args.baseline.is_some() {
        return bad(
            "--baseline compares the report of one pack: with several --rules, use --history",
        );
    }
    let evidence = match &args.evidence {
        None => EvidenceSet::empty(),
        Some(p) => match load_evidence(p) {
            Ok(e) => e,
            Err(e) => return bad(&e.to_string()),
        },
    };
    let mut before = match super::history::prepare(&args) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let request = zwgk::ScanRequest {
        target: zwgk::Target::parse(&args.target, args.base_url.clone()),
        packs,
        evidence,
        as_of,
        crawl: crawl_options(&args.crawl, args.quiet),
    };
    let scanned = match zwgk::scan(&request, Some(&mut before)) {
        Ok(s) => s,
        Err(e) => return failed(&e, &args),
    };
    if let Some(crawled) = &scanned.crawl {
        if !args.quiet {
            if let Some(summary) = &crawled.summary {
                eprintln!("zwgk: crawl: {summary}");
            }
        }
        report_snapshot(crawled, args.quiet);
    }
    let mut worst = Code::Ok;
    for report in &scanned.reports {
        let outputs = if scanned.reports.len() == 1 {
            outputs.clone()
        } else {
            super::output::for_pack(&outputs, &args, &report.rules_pack.id)
        };
        if let Err(code) = super::output::write(&outputs, report, &before.trend(report)) {
            return code;
        }
        if !args.quiet {
            eprintln!("zwgk: {}", summary_line(report));
        }
        let code = super::history::finish(&args, &mut before, report);
        if code as i32 > worst as i32 {
            worst = code;
        }
    }
    worst
}

/// Say why a scan gave no report, and give its exit code.
fn failed(e: &zwgk::ScanError, args: &ScanArgs) -> Code {
    eprintln!("zwgk: {e}");
    match e {
        zwgk::ScanError::BadTarget(_) | zwgk::ScanError::ProbeLog(_) => Code::BadInput,
        zwgk::ScanError::Unscannable { reason, .. } => {
            if !args.crawl.insecure && reason.contains("invalid peer certificate") {
                eprintln!(
                    "zwgk: the site's TLS certificate was refused; --insecure accepts it \
                     (the pages are then read without knowing who sent them)"
                );
            }
            Code::Unscannable
        }
    }
}

/// The one-line summary of a report printed after a scan: pages, pack, task counts,
/// and the inspection score when the pack has one.
fn summary_line(report: &zwgk_core::Report) -> String {
    let s = &report.summary;
    let counts: Vec<String> = Outcome::ALL
        .iter()
        .map(|o| format!("{} {}", s.tasks.get(*o), o.as_str()))
        .collect();
    let mut line = format!(
        "{} pages, pack {} ({} rules), as of {}: tasks {}",
        report.site.pages,
        report.rules_pack.id,
        report.rules_pack.rules,
        report.as_of,
        counts.join(", ")
    );
    if let Some(score) = &report.score {
        line.push_str(&format!(
            "; score {} of {}: {} ({})",
            zwgk_core::score::show(score.score),
            zwgk_core::score::show(score.full_marks),
            score.verdict_label,
            score.reason
        ));
    }
    line
}

fn bad(msg: &str) -> Code {
    eprintln!("zwgk: {msg}");
    Code::BadInput
}

#[cfg(test)]
#[path = "../../../zwgk-crawl/tests/http_support/server.rs"]
mod fixture_server;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use clap::Parser;

    use super::fixture_server::{Resp, Server};
    use super::run;
    use crate::cli::{Cli, Command};
    use crate::exit::Code;

    fn repo() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
    }

    /// `zwgk scan TARGET --rules rules/gd-whly-2021 --as-of 2022-02-01 --format json -o OUT -q EXTRA…`
    fn scan(target: &str, out: &std::path::Path, extra: &[&str]) -> Code {
        scan_with("rules/gd-whly-2021", target, out, extra)
    }

    /// [`scan`] with another rule pack.
    fn scan_with(pack: &str, target: &str, out: &std::path::Path, extra: &[&str]) -> Code {
        let rules = repo().join(pack);
        let mut argv = vec![
            "zwgk".to_string(),
            "scan".into(),
            target.into(),
            "--rules".into(),
            rules.display().to_string(),
            "--as-of".into(),
            "2022-02-01".into(),
            "--format".into(),
            "json".into(),
            "-o".into(),
            out.display().to_string(),
            "-q".into(),
        ];
        argv.extend(extra.iter().map(|s| s.to_string()));
        let Command::Scan(args) = Cli::try_parse_from(argv).expect("arguments").command else {
            panic!("not a scan");
        };
        run(args)
    }

    /// Task outcomes and rule outcomes of a JSON report.
    fn outcomes(path: &std::path::Path) -> (BTreeMap<u64, String>, BTreeMap<String, String>) {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).expect("report")).expect("json");
        let mut tasks = BTreeMap::new();
        let mut rules = BTreeMap::new();
        for t in v["tasks"].as_array().expect("tasks") {
            tasks.insert(
                t["task"].as_u64().expect("task number"),
                t["outcome"].as_str().expect("outcome").to_string(),
            );
            for r in t["rules"].as_array().expect("rules") {
                rules.insert(
                    r["id"].as_str().expect("id").to_string(),
                    r["outcome"].as_str().expect("outcome").to_string(),
                );
            }
        }
        (tasks, rules)
    }

    #[test]
    fn scan_url_gives_the_verdicts_of_scan_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = repo().join("fixtures/portals/mini-2021");
        let server = Server::start().serve_mirror(&dir.join("whly.gd.gov.cn"), "whly.gd.gov.cn");
        let by_url = tmp.path().join("url.json");
        let by_dir = tmp.path().join("dir.json");
        let url_code = scan(
            &server.url("/"),
            &by_url,
            &[
                "--no-delay",
                "--concurrency",
                "4",
                "--contact",
                "ci@example.invalid",
            ],
        );
        let dir_code = scan(&dir.display().to_string(), &by_dir, &[]);
        assert_eq!(url_code, dir_code);
        let (ut, ur) = outcomes(&by_url);
        let (dt, dr) = outcomes(&by_dir);
        assert!(!dt.is_empty() && !dr.is_empty());
        assert_eq!(ut, dt, "task outcomes");
        assert_eq!(ur, dr, "rule outcomes");
        assert!(server.hits().values().all(|&n| n == 1));
        let json = |p: &std::path::Path| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
        };
        let fetch = &json(&by_url)["fetch"];
        assert!(fetch["fetches"].as_u64().unwrap() > 50, "{fetch}");
        assert_eq!(fetch["by_class"]["5xx"], serde_json::Value::Null);
        assert!(
            json(&by_dir).get("fetch").is_none(),
            "a folder scan has no fetch record"
        );
        assert!(server
            .log()
            .iter()
            .all(|r| r.user_agent.ends_with("(+ci@example.invalid)")));
    }

    #[test]
    fn a_snapshot_scans_like_the_crawl_that_wrote_it() {
        for portal in ["mini-2021", "mini-2021-faulty"] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = repo().join("fixtures/portals").join(portal);
            let server = Server::start()
                .serve_mirror(&dir.join("whly.gd.gov.cn"), "whly.gd.gov.cn")
                .with_validators();
            let snap = tmp.path().join("snap");
            let cache = tmp.path().join("cache");
            let flags = [
                "--no-delay",
                "--cache",
                cache.to_str().unwrap(),
                "--snapshot",
                snap.to_str().unwrap(),
            ];
            let by_url = tmp.path().join("url.json");
            let by_snap = tmp.path().join("snap.json");
            let url_code = scan(&server.url("/"), &by_url, &flags);
            let snap_code = scan(snap.to_str().unwrap(), &by_snap, &[]);
            assert_eq!(url_code, snap_code, "{portal}");
            let (ut, ur) = outcomes(&by_url);
            assert!(!ut.is_empty() && !ur.is_empty());
            assert_eq!(
                (&ut, &ur),
                (&outcomes(&by_snap).0, &outcomes(&by_snap).1),
                "{portal}"
            );
            // A re-scan from the cache: the same verdicts, a snapshot replaced whole.
            let again = tmp.path().join("again.json");
            assert_eq!(scan(&server.url("/"), &again, &flags), url_code);
            assert_eq!(outcomes(&again), (ut, ur), "{portal}");
            assert!(server.answers().iter().any(|(_, s)| *s == 304));
            let snap_again = tmp.path().join("snap-again.json");
            scan(snap.to_str().unwrap(), &snap_again, &[]);
            assert_eq!(outcomes(&snap_again), outcomes(&by_snap), "{portal}");
        }
    }

    #[test]
    fn a_snapshot_never_replaces_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let out = tmp.path().join("x.json");
        let code = scan(
            "http://127.0.0.1:9/",
            &out,
            &["--snapshot", tmp.path().to_str().unwrap()],
        );
        assert_eq!(code, Code::BadInput);
        assert_eq!(
            std::fs::read(tmp.path().join("notes.txt")).unwrap(),
            b"mine"
        );
    }

    #[test]
    fn unreachable_url_exits_3_and_deadline_still_reports() {
        let tmp = tempfile::tempdir().unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let out = tmp.path().join("none.json");
        let code = scan(
            &format!("http://127.0.0.1:{port}/"),
            &out,
            &["--no-delay", "--timeout", "1"],
        );
        assert_eq!(code, Code::Unscannable);
        assert!(!out.exists());

        // A deadline that passes mid-crawl: a report is still written, nothing fails
        // for want of pages (they are incomplete).
        let server = Server::start();
        let links: String = (0..30)
            .map(|i| format!("<a href=\"/p{i}.html\">p</a>"))
            .collect();
        server.fixed("/", Resp::html(format!("<title>首页</title>{links}")));
        for i in 0..30 {
            server.fixed(
                &format!("/p{i}.html"),
                Resp::html("<title>p</title>").delayed(std::time::Duration::from_millis(300)),
            );
        }
        let out = tmp.path().join("deadline.json");
        let code = scan(
            &server.url("/"),
            &out,
            &["--no-delay", "--concurrency", "1", "--deadline", "500ms"],
        );
        assert!(matches!(code, Code::Ok | Code::Failures));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert!(v["site"]["failed_pages"].as_u64().unwrap() > 0);
    }

    #[test]
    fn bad_crawl_arguments_exit_2() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("x.json");
        assert_eq!(
            scan("http://127.0.0.1:9/", &out, &["--include", "("]),
            Code::BadInput
        );
        let rules = repo().join("rules/gd-whly-2021").display().to_string();
        for bad in [
            vec!["--concurrency", "0"],
            vec!["--max-body", "lots"],
            vec!["--deadline", "soon"],
            vec!["--delay", "5", "--no-delay"],
        ] {
            let mut argv = vec!["zwgk", "scan", "http://127.0.0.1:9/", "--rules", &rules];
            argv.extend(bad.iter().copied());
            assert!(Cli::try_parse_from(argv).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn check_external_makes_an_off_site_404_fail_the_home_page_links_rule() {
        let tmp = tempfile::tempdir().unwrap();
        let off = Server::start();
        off.fixed("/gone.html", Resp::status(404));
        let site = Server::start();
        site.fixed(
            "/",
            Resp::html(format!(
                "<title>首页</title><a href=\"/a.html\">通知</a><a href=\"{}\">省政府</a>",
                off.url("/gone.html")
            )),
        );
        site.fixed("/a.html", Resp::html("<title>通知</title>"));
        let rule = |path: &std::path::Path| -> (String, String) {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            let r = v["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|t| t["rules"].as_array().unwrap())
                .find(|r| r["id"] == "w03-home-page-links-available")
                .expect("the home-page links rule")
                .clone();
            (
                r["outcome"].as_str().unwrap().to_string(),
                r["message"].as_str().unwrap().to_string(),
            )
        };
        let pack = "rules/gov-website-2019";
        let plain = tmp.path().join("plain.json");
        scan_with(pack, &site.url("/"), &plain, &["--no-delay"]);
        let (outcome, message) = rule(&plain);
        assert_eq!(outcome, "pass", "{message}");
        assert!(message.contains("1个未抓取"), "{message}");
        assert!(
            off.log().is_empty(),
            "nothing off-site without --check-external"
        );

        let checked = tmp.path().join("checked.json");
        let code = scan_with(
            pack,
            &site.url("/"),
            &checked,
            &["--no-delay", "--check-external", "--max-external", "10"],
        );
        assert_eq!(code, Code::Failures);
        let (outcome, message) = rule(&checked);
        assert_eq!(outcome, "fail", "{message}");
        let named = format!("「省政府」→ {}（状态404，站外）", off.url("/gone.html"));
        assert!(message.contains(&named), "{message}");
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&checked).unwrap()).unwrap();
        let fetch = &v["fetch"];
        assert_eq!(fetch["external_checked"], 1, "{fetch}");
        assert_eq!(fetch["external_broken"], 1, "{fetch}");
        assert_eq!(fetch["external_unreachable"], 0, "{fetch}");
        assert_eq!(fetch["external_unchecked"], 0, "{fetch}");
        assert_eq!(off.hits_of("/gone.html"), 2, "a HEAD and a confirming GET");
    }
}
