//! End-to-end tests of the `zwgk` binary on the bundled fixture portals.

#[path = "support/manifests.rs"]
mod manifests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Scan a fixture portal (its name, or an absolute path) as of 2022-02-01 and return the
/// JSON report and the exit code.
fn scan(portal: &str, evidence: bool) -> (Value, i32) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let portal = if portal.starts_with('/') {
        portal.to_string()
    } else {
        format!("fixtures/portals/{portal}")
    };
    let out_s = out.to_str().unwrap();
    let mut args = vec![
        "scan",
        &portal,
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-02-01",
        "--output",
        out_s,
        "-q",
    ];
    if evidence {
        args.extend(["--evidence", "fixtures/evidence/whly-2021.toml"]);
    }
    let o = zwgk(&args);
    assert!(matches!(code(&o), 0 | 1), "scan failed: {}", stderr(&o));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the report is left in the folder: {leftovers:?}"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    (report, code(&o))
}

fn outcomes(report: &Value) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut tasks = BTreeMap::new();
    let mut rules = BTreeMap::new();
    for t in report["tasks"].as_array().unwrap() {
        tasks.insert(
            t["task"].to_string(),
            t["outcome"].as_str().unwrap().to_string(),
        );
        for r in t["rules"].as_array().unwrap() {
            rules.insert(
                r["id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            );
        }
    }
    (tasks, rules)
}

fn manifest(portal: &str, section: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let text =
        std::fs::read_to_string(root().join(format!("fixtures/portals/{portal}/manifest.toml")))
            .unwrap();
    let m: toml::Table = text.parse().unwrap();
    let get = |k: &str| -> BTreeMap<String, String> {
        m[section][k]
            .as_table()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect()
    };
    (get("tasks"), get("rules"))
}

fn assert_manifest(portal: &str, evidence: bool) {
    let section = if evidence {
        "with_evidence"
    } else {
        "without_evidence"
    };
    let (report, exit) = scan(portal, evidence);
    let (tasks, rules) = outcomes(&report);
    let (want_tasks, want_rules) = manifest(portal, section);
    assert_eq!(tasks.len(), 32, "every task of the plan is reported");
    assert_eq!(tasks, want_tasks, "{portal} {section}: task outcomes");
    assert_eq!(rules, want_rules, "{portal} {section}: rule outcomes");
    let any_fail = rules.values().any(|o| o == "fail");
    assert_eq!(
        exit,
        i32::from(any_fail),
        "exit code 1 exactly when a rule failed"
    );
}

#[test]
fn compliant_portals_match_their_manifests() {
    for portal in ["mini-2021", "whly-2021"] {
        assert_manifest(portal, false);
        assert_manifest(portal, true);
    }
}

#[test]
fn faulty_portals_match_their_manifests() {
    for portal in ["mini-2021-faulty", "whly-2021-faulty"] {
        assert_manifest(portal, false);
        assert_manifest(portal, true);
    }
}

#[test]
fn no_fail_on_the_compliant_portal_and_every_failure_names_a_page() {
    for (good, bad) in [
        ("mini-2021", "mini-2021-faulty"),
        ("whly-2021", "whly-2021-faulty"),
    ] {
        no_fail_and_failures_name_pages(good, bad);
    }
}

fn no_fail_and_failures_name_pages(good: &str, bad: &str) {
    let (good, _) = scan(good, false);
    assert!(outcomes(&good).1.values().all(|o| o != "fail"));
    let (bad, exit) = scan(bad, true);
    assert_eq!(exit, 1);
    let mut failing = 0;
    for t in bad["tasks"].as_array().unwrap() {
        for r in t["rules"].as_array().unwrap() {
            let msg = r["message"].as_str().unwrap();
            assert!(
                msg.starts_with("要求：") && msg.contains("。结果："),
                "message says expected and found: {msg}"
            );
            assert!(!r["check"].as_str().unwrap().is_empty());
            if r["outcome"] == "fail" {
                failing += 1;
                let ev = r["evidence"].as_array().unwrap();
                let names_page = ev.iter().any(|e| {
                    e["url"]
                        .as_str()
                        .unwrap()
                        .starts_with("http://whly.gd.gov.cn/")
                });
                // A missing page has no URL to name; its message says what was sought.
                assert!(names_page || msg.contains("未找到"), "{}: {msg}", r["id"]);
            }
        }
    }
    assert!(
        failing >= 10,
        "the faulty portal's violations are found: {failing}"
    );
}

/// Faults that remove content: the evidence names the site searched, not the page.
const ABSENCE_FAULTS: [&str; 9] = [
    "gfxwj_missing_doc",
    "xmt_missing",
    "zdzj_missing",
    "fbh_2020",
    "history-plans-missing",
    "enforcement-stats-missing",
    "own-final-missing",
    "enforcement-stats-2021-missing",
    "direct-funds-stale",
];

/// The deliberate faults a fixture list documents: (slug, page path, tasks it breaks).
fn documented_faults(list: &str) -> Vec<(String, String, Vec<u64>)> {
    let text = std::fs::read_to_string(root().join("fixtures/portals").join(list)).unwrap();
    let mut faults = Vec::new();
    for line in text.lines() {
        let Some((number, rest)) = line.split_once(". **`") else {
            continue;
        };
        if number.parse::<u32>().is_err() {
            continue;
        }
        let page = rest.split('`').next().unwrap().to_string();
        if line.contains("Breaks no task") || line.contains("Breaks indicator") {
            continue;
        }
        let breaks = line
            .split_once("Breaks task")
            .unwrap_or_else(|| panic!("{list}: fault {number} names its tasks"))
            .1;
        let breaks = breaks.split(';').next().unwrap();
        let tasks = breaks
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|d| d.parse().ok())
            .collect();
        let slug = line.rsplit("(`").next().unwrap().trim_end_matches("`)");
        faults.push((slug.to_string(), page, tasks));
    }
    faults
}

/// The failing tasks of a JSON report, each with its reason.
fn failing_tasks(report: &Value) -> Vec<String> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["outcome"] == "fail")
        .map(|t| format!("{}: {}", t["task"], t["reason"]))
        .collect()
}

/// A temporary folder holding the variant portals that `fixtures/portals/SCRIPT` builds.
fn built_variants(script: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let built = Command::new("python3")
        .arg(root().join("fixtures/portals").join(script))
        .arg(out.path())
        .output()
        .expect("run python3");
    assert!(
        built.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    out
}

/// Every fault a fixture list documents fails its tasks, and a failing rule's evidence names
/// the fault's page; also on the blind families' faulty portals rewritten in other real
/// shapes, each fault restated (`fixtures/portals/gen_faulty_variants.py`, FAULTY_VARIANTS.md).
#[test]
fn every_documented_fault_fails_its_tasks_naming_its_page() {
    let variants = built_variants("gen_faulty_variants.py");
    let variant = |name: &str| variants.path().join(name).to_str().unwrap().to_string();
    for (list, portal, count) in [
        ("MINI.md", "mini-2021-faulty".to_string(), 19),
        ("FULL.md", "whly-2021-faulty".to_string(), 21),
        ("JYH.md", "jyh-2021-faulty".to_string(), 24),
        ("SZPT.md", "szpt-2021-faulty".to_string(), 22),
        ("JYH.md", variant("jyh-2021-faulty-variant"), 24),
        ("SZPT.md", variant("szpt-2021-faulty-variant"), 22),
    ] {
        let faults = documented_faults(list);
        assert_eq!(faults.len(), count, "{list}: fault list read");
        // With the evidence file, so that only what the site shows can fail.
        let (report, _) = scan(&portal, true);
        let tasks = report["tasks"].as_array().unwrap();
        let list = format!("{list} on {portal}");
        for (slug, page, breaks) in &faults {
            assert!(!breaks.is_empty(), "{list} {slug}: tasks named");
            for task in breaks {
                let t = tasks.iter().find(|t| t["task"] == *task).unwrap();
                assert_eq!(t["outcome"], "fail", "{list} {slug}: task {task} fails");
            }
            if slug == "gfxwj_missing_doc" {
                // A count against 现行有效件数 is a note by design, never a failure.
                let noted = tasks[21]["rules"].as_array().unwrap().iter().any(|r| {
                    r["message"]
                        .as_str()
                        .unwrap()
                        .contains("与年报表二现行有效件数3不一致")
                });
                assert!(noted, "{list} {slug}: the count is flagged");
            }
            if ABSENCE_FAULTS.contains(&slug.as_str()) {
                continue;
            }
            let named = tasks
                .iter()
                .filter(|t| breaks.iter().any(|b| t["task"] == *b))
                .flat_map(|t| t["rules"].as_array().unwrap())
                .filter(|r| r["outcome"] == "fail")
                .flat_map(|r| r["evidence"].as_array().unwrap())
                .any(|e| {
                    let url = e["url"].as_str().unwrap();
                    let path = url.trim_start_matches("http://whly.gd.gov.cn");
                    // A column's fault may be shown by one of its items, and an article's
                    // by its other copy (the catalogue's `…/post_N.html` beside the column's).
                    let column = page.strip_suffix("index.html");
                    let article = page.rsplit('/').next().filter(|f| f.starts_with("post_"));
                    path == page
                        || path.split('?').next() == Some(page.as_str())
                        || column.is_some_and(|c| path.starts_with(c))
                        || article.is_some_and(|a| path.ends_with(&format!("/{a}")))
                });
            assert!(named, "{list} {slug}: a failing rule names {page}");
        }
    }
}

/// Scan a fixture portal with the website-inspection pack (or a copy of it) as of 2022-02-01.
fn inspect(portal: &str, pack: &str) -> (Value, i32) {
    let dir = root().join(format!("fixtures/portals/{portal}"));
    let o = zwgk(&[
        "scan",
        dir.to_str().unwrap(),
        "--rules",
        pack,
        "--as-of",
        "2022-02-01",
        "--format",
        "json",
        "-q",
    ]);
    let report = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{portal}: {e}: {}", stderr(&o)));
    (report, code(&o))
}

/// The website-inspection pack runs on the same portals with no plan-specific code.
/// The compliant portals pass every indicator rule and keep full marks; the faulty
/// mini portal (extended with stale and blank columns, a page without its 公网安备
/// line, a broken link on an article, a date in Chinese: MINI.md, last section)
/// fails exactly those veto and deduction items, with the score the pack's point
/// values give; the faulty full portal fails only its broken home-page link.
/// Availability (a veto item) is `incomplete` on every folder scan, since a mirror
/// folder has no probes: the verdict of a portal without a veto hit is then 待定
/// (undetermined), whatever its score.
#[test]
fn website_inspection_pack_on_the_fixture_portals() {
    for (portal, failing, score, verdict, vetoes) in [
        ("whly-2021", vec![], 100.0, "undetermined", vec![]),
        (
            "whly-2021-faulty",
            vec!["w03-home-page-links-available"],
            99.0,
            "undetermined",
            vec![],
        ),
        ("mini-2021", vec![], 100.0, "undetermined", vec![]),
        (
            "mini-2021-faulty",
            vec![
                "w03-home-page-links-available",
                "w05-site-identifiers-on-every-page",
                "w09-stale-columns",
                "w11-blank-columns",
                "w13-other-pages-links-available",
                "w14-date-format",
                "w15-consultations-answered",
            ],
            // 100 - 1 (home link) - 0.1 (article link) - 0.5 (one page without 公网安备) - 1 (date);
            // the vetoes take no points.
            97.4,
            "unqualified",
            // In task order: w15 is task 2, the column vetoes task 8.
            vec![
                "w15-consultations-answered",
                "w09-stale-columns",
                "w11-blank-columns",
            ],
        ),
    ] {
        let (report, code) = inspect(portal, "rules/gov-website-2019");
        let (_, rules) = outcomes(&report);
        assert_eq!(rules.len(), 16, "{portal}");
        assert_eq!(
            rules.get("w08-site-available").map(String::as_str),
            Some("incomplete"),
            "{portal}: no probes in a folder scan"
        );
        let got: Vec<&str> = rules
            .iter()
            .filter(|(id, o)| o.as_str() != "pass" && id.as_str() != "w08-site-available")
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(got, failing, "{portal}: rules not passing");
        assert_eq!(code, i32::from(!failing.is_empty()), "{portal}");
        let s = &report["score"];
        assert_eq!(s["score"], score, "{portal}: {s}");
        assert_eq!(s["verdict"], verdict, "{portal}: {s}");
        let label = match verdict {
            "qualified" => "合格",
            "unqualified" => "不合格",
            _ => "待定",
        };
        assert_eq!(s["verdict_label"], label, "{portal}");
        if verdict == "undetermined" {
            assert!(
                s["reason"].as_str().unwrap().contains("w08-site-available"),
                "{portal}: {s}"
            );
        }
        assert_eq!(s["vetoes"], serde_json::json!(vetoes), "{portal}");
        let text = report.to_string();
        if failing.contains(&"w03-home-page-links-available") {
            assert!(
                text.contains("post_3770412.html（状态404）"),
                "{portal}: the broken link is named"
            );
        }
    }
}

/// The column model lists every column with its entries, newest date and state.
#[test]
fn the_report_lists_the_columns_with_their_state() {
    let (report, _) = inspect("mini-2021-faulty", "rules/gov-website-2019");
    let columns = report["columns"].as_array().unwrap();
    let state = |name: &str| {
        let c = columns
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("column {name} listed"));
        (c["state"].as_str().unwrap().to_string(), c.clone())
    };
    let (st, c) = state("通知公告");
    assert_eq!(st, "stale");
    assert_eq!(c["url"], "http://whly.gd.gov.cn/open_newtzgg/index.html");
    assert_eq!(c["newest"], "2021-06-30");
    assert_eq!(c["kind"], "通知公告类");
    assert_eq!(
        (c["age_days"].as_i64(), c["max_age_days"].as_i64()),
        (Some(216), Some(183))
    );
    let (st, c) = state("图片新闻");
    assert_eq!(
        (st.as_str(), c["newest"].as_str()),
        ("stale", Some("2021-10-08"))
    );
    assert!(c["items"].as_u64().unwrap() >= 9, "{c}");
    let (st, c) = state("人事信息");
    assert_eq!((st.as_str(), c["items"].as_u64()), ("blank", Some(0)));
    // Section pages and single-page columns are neither blank nor stale.
    for name in ["政务公开", "互动交流", "政策咨询", "依申请公开"] {
        assert_eq!(state(name).0, "current", "{name}");
    }
    let count = |st: &str| columns.iter().filter(|c| c["state"] == st).count();
    assert_eq!((count("stale"), count("blank")), (5, 5));
    let (report, _) = inspect("mini-2021", "rules/gov-website-2019");
    let columns = report["columns"].as_array().unwrap();
    assert_eq!(columns.len(), 26);
    assert!(
        columns.iter().all(|c| c["state"] == "current"),
        "compliant portal: every column current"
    );
}

/// Point values are plain numbers in the pack: changing one changes the score, and
/// turning the two column vetoes into deductions turns the verdict into a score
/// below the pass mark, with no code change.
#[test]
fn a_changed_point_value_changes_the_score() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("gov-website-2019");
    std::fs::create_dir_all(pack.join("tests")).unwrap();
    for f in [
        "pack.toml",
        "indicators.toml",
        "columns.toml",
        "interaction.toml",
    ] {
        std::fs::copy(root().join("rules/gov-website-2019").join(f), pack.join(f)).unwrap();
    }
    let edit = |file: &str, from: &str, to: &str| {
        let path = pack.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{file}: `{from}` once");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    let pack_s = pack.to_str().unwrap();
    // w14 (date format) from 1 point to 3.
    edit(
        "columns.toml",
        "score = { points = 1 }  # 未确认",
        "score = { points = 3 }",
    );
    let (r, _) = inspect("mini-2021-faulty", pack_s);
    assert_eq!(r["score"]["score"], 95.4, "{}", r["score"]);
    assert_eq!(r["score"]["verdict"], "unqualified");
    // The column vetoes as 20-point deductions, the unanswered consultation as a
    // 3-point one, and availability (no probes in a folder scan) not scored: no veto,
    // 100 - 2 × 20 - 3 - 4.6 < 60.
    for (file, id, to) in [
        (
            "columns.toml",
            "w09-stale-columns",
            "score = { points = 20 }",
        ),
        (
            "columns.toml",
            "w11-blank-columns",
            "score = { points = 20 }",
        ),
        (
            "interaction.toml",
            "w15-consultations-answered",
            "score = { points = 3 }",
        ),
        ("indicators.toml", "w08-site-available", ""),
    ] {
        let path = pack.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.find(&format!("id = \"{id}\"")).unwrap();
        let veto = at + text[at..].find("score = { veto = true }").unwrap();
        let mut text = text;
        text.replace_range(veto..veto + "score = { veto = true }".len(), to);
        std::fs::write(&path, text).unwrap();
    }
    let (r, _) = inspect("mini-2021-faulty", pack_s);
    let s = &r["score"];
    assert_eq!(s["vetoes"], serde_json::json!([]), "{s}");
    assert_eq!(s["score"], 52.4, "{s}");
    assert_eq!(s["verdict"], "unqualified");
    assert!(
        s["reason"].as_str().unwrap().contains("低于合格线60"),
        "{s}"
    );
    // And the pass mark is a number in pack.toml too.
    edit("pack.toml", "pass_mark = 60", "pass_mark = 50");
    let (r, _) = inspect("mini-2021-faulty", pack_s);
    assert_eq!(r["score"]["verdict"], "qualified", "{}", r["score"]);
    assert_eq!(r["score"]["verdict_label"], "合格");
}

#[test]
fn report_fields() {
    let (r, _) = scan("mini-2021", false);
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["as_of"], "2022-02-01");
    assert_eq!(r["rules_pack"]["id"], "gd-whly-2021");
    assert!(r["target"].as_str().unwrap().ends_with("whly.gd.gov.cn"));
    let t2 = &r["tasks"][1];
    assert_eq!(t2["task"], 2);
    assert_eq!(t2["outcome"], "pass");
    assert!(t2["reason"]
        .as_str()
        .unwrap()
        .starts_with("t02-negative-list-published："));
    let t7 = &r["tasks"][6];
    assert_eq!(t7["divisions"]["lead"][0], "财务处");
    let divisions: Vec<&str> = r["by_division"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["division"].as_str().unwrap())
        .collect();
    assert!(divisions.contains(&"办公室") && divisions.contains(&"政策法规处"));
    let summary = &r["summary"]["tasks"];
    let total: u64 = [
        "pass",
        "fail",
        "needs_evidence",
        "incomplete",
        "not_applicable",
    ]
    .iter()
    .map(|k| summary[k].as_u64().unwrap())
    .sum();
    assert_eq!(total, 32);
}

#[test]
fn markdown_report_lists_every_task() {
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021-faulty",
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-02-01",
        "--format",
        "markdown",
        "-q",
    ]);
    assert_eq!(code(&o), 1);
    let md = String::from_utf8(o.stdout).unwrap();
    for n in 1..=32 {
        assert!(md.contains(&format!("\n| {n} | ")), "task {n} row");
    }
    assert!(md.contains("❌ 不通过 (`fail`)"));
}

#[test]
fn exit_codes() {
    let o = zwgk(&[
        "scan",
        "fixtures/portals/does-not-exist",
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-02-01",
    ]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/does-not-exist",
    ]);
    assert_eq!(code(&o), 2);
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-13-01",
    ]);
    assert_eq!(code(&o), 2);
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--format",
        "pdf",
    ]);
    assert_eq!(code(&o), 2);
    let o = zwgk(&["scan", "--bogus"]);
    assert_eq!(code(&o), 2);
    let o = zwgk(&["--help"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Exit codes:"));
    let o = zwgk(&["scan", "--help"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("3  the target could not be scanned at all")
    );
}

#[test]
fn default_as_of_is_today() {
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--format",
        "json",
        "-q",
    ]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r["as_of"].as_str().unwrap() >= "2024-01-01");
}

#[test]
fn malformed_evidence_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev.toml");
    std::fs::write(
        &ev,
        "[[evidence]]\ntask = 30\ndate = \"last june\"\nby = \"办公室\"\nsummary = \"x\"\n",
    )
    .unwrap();
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--evidence",
        ev.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("ev.toml:3:"), "{err}");
}

#[test]
fn lint_clean_pack_and_broken_pack() {
    let o = zwgk(&["rules", "lint", "rules/gd-whly-2021"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("rules/gd-whly-2021")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let bad = "[[rule]]\nid = \"t29-annual-report-2021-on-time\"\ntask = 29\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = { seed = \"任务29\" }\nlocate = { title = \"(年报\" }\n[[rule.checks]]\nkind = \"exists\"\n\n[[rule]]\nid = \"x-unknown-task\"\ntask = 40\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = { seed = \"任务40\" }\nlocate = { title = \"x\" }\ncolour = \"red\"\n";
    std::fs::write(dir.path().join("zz-bad.toml"), bad).unwrap();
    let o = zwgk(&["rules", "lint", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(
            "zz-bad.toml:9:20: rule `t29-annual-report-2021-on-time`: invalid regex `(年报`"
        ),
        "{err}"
    );
    assert!(
        err.contains("zz-bad.toml:22:1: rule `x-unknown-task`:") && err.contains("colour"),
        "{err}"
    );
    assert!(err.contains("2 error(s)"), "{err}");
}

#[test]
fn import_writes_the_plan_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gd-whly-2021");
    let out_s = out.to_str().unwrap();
    let o = zwgk(&[
        "rules",
        "import",
        "seeds/gd-whly-2021-zwgk-tasks.txt",
        "--out",
        out_s,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let pack: toml::Table = std::fs::read_to_string(out.join("pack.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let tasks = pack["task"].as_array().unwrap();
    assert_eq!(tasks.len(), 32);
    assert_eq!(pack["pack"]["year"].as_integer(), Some(2021));
    assert_eq!(
        tasks[6]["lead"].as_array().unwrap()[0].as_str(),
        Some("财务处")
    );
    assert_eq!(tasks[25]["lead"].as_array().unwrap().len(), 7);
    assert!(tasks[24]["requirement"]
        .as_str()
        .unwrap()
        .starts_with("对厅门户网站"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 33);
    // The imported pack lints clean, and a scan with it lists every task as having no rule yet.
    assert_eq!(code(&zwgk(&["rules", "lint", out_s])), 0);
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        out_s,
        "--as-of",
        "2022-02-01",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let tasks = r["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 32);
    assert!(tasks
        .iter()
        .all(|t| t["outcome"] == "needs_evidence" && t["reason"] == "no rule yet"));
    std::fs::write(out.join("task-07.toml"), "# my own rules\n").unwrap();
    let o = zwgk(&[
        "rules",
        "import",
        "seeds/gd-whly-2021-zwgk-tasks.txt",
        "--out",
        out_s,
    ]);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("kept existing"));
    assert_eq!(
        std::fs::read_to_string(out.join("task-07.toml")).unwrap(),
        "# my own rules\n"
    );
}

#[test]
fn rule_tests_of_the_pack_pass_and_a_mismatch_is_reported() {
    let o = zwgk(&["rules", "test", "rules/gd-whly-2021"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("rule tests: ") && out.contains(" passed, 0 failed"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("rules/gd-whly-2021")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let case = "[[case]]\nrule = \"t30-leadership-heard-report\"\nname = \"wrong expectation\"\nexpect = \"pass\"\nas_of = 2022-02-01\n";
    std::fs::write(dir.path().join("tests/x.toml"), case).unwrap();
    let o = zwgk(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("FAIL wrong expectation") && out.contains("needs_evidence"),
        "{out}"
    );
    std::fs::write(
        dir.path().join("tests/x.toml"),
        "[[case]]\nrule = \"nope\"\n",
    )
    .unwrap();
    assert_eq!(
        code(&zwgk(&["rules", "test", dir.path().to_str().unwrap()])),
        2
    );
}

/// `rules/README.md`'s reference section is what `zwgk rules docs` prints: `--check`
/// passes on the committed file (CI runs it) and fails once the section is edited by
/// hand; `--write` puts it back.
#[test]
fn the_rules_reference_is_generated_and_checked() {
    let readme = root().join("rules/README.md");
    let o = zwgk(&["rules", "docs", "--check", readme.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "rules/README.md is current: {}", stderr(&o));
    let printed = zwgk(&["rules", "docs"]);
    assert_eq!(code(&printed), 0);
    let reference = String::from_utf8(printed.stdout).unwrap();
    let text = std::fs::read_to_string(&readme).unwrap();
    assert!(
        text.contains(&reference),
        "the README holds the printed reference"
    );
    assert!(reference.contains("### `replies` —"));

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("README.md");
    let edited = text.replacen(
        "| `since_days` | integer, 1–3660 | 365 |",
        "| `since_days` | integer, 1–3660 | 366 |",
        1,
    );
    assert_ne!(edited, text, "the edit applies");
    std::fs::write(&copy, &edited).unwrap();
    let o = zwgk(&["rules", "docs", "--check", copy.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "a hand-edited reference is stale");
    assert!(stderr(&o).contains("stale"), "{}", stderr(&o));
    let o = zwgk(&["rules", "docs", "--write", copy.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    std::fs::write(&copy, "# no generated section\n").unwrap();
    let o = zwgk(&["rules", "docs", "--check", copy.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "a file without the section is an error");

    let json = zwgk(&["rules", "docs", "--format", "json"]);
    let kinds: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let names: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"within_working_days") && names.contains(&"not"));
}

/// The tasks of a blind manifest (`fixtures/portals/jyh-2021*/manifest.toml`, written from
/// the regulations and the plan without the rules): `met` or `violated`.
fn blind_manifest(portal: &str) -> BTreeMap<u64, String> {
    manifests::task_outcomes(&root(), portal)
}

/// The fixture families written from the regulations independently of the rules, on the
/// 集约化 platform (jyh) and on the provincial departments' platform (szpt): each
/// compliant portal fails no task, with and without the evidence file; on each faulty one
/// every task its manifest marks violated fails and every task it marks met does not.
#[test]
fn blind_family_verdicts_follow_their_manifests() {
    for family in ["jyh-2021", "szpt-2021"] {
        let faulty = format!("{family}-faulty");
        for evidence in [false, true] {
            let (good, exit) = scan(family, evidence);
            let failing = failing_tasks(&good);
            assert!(
                failing.is_empty(),
                "{family} (evidence {evidence}): {failing:#?}"
            );
            assert_eq!(exit, 0);
            let (bad, _) = scan(&faulty, evidence);
            for (task, want) in blind_manifest(&faulty) {
                let t = bad["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["task"] == task)
                    .unwrap();
                let failed = t["outcome"] == "fail";
                assert_eq!(
                    failed,
                    want == "violated",
                    "{faulty} task {task} (manifest: {want}, evidence {evidence}): {}",
                    t["reason"]
                );
            }
        }
        assert!(blind_manifest(family).values().all(|v| v == "met"));
    }
}

/// The compliant blind portals rewritten in 40 other shapes real sites use (dates as
/// 2021年03月15日 or 2021/03/15, titles in other orders, lists as tables or blocks, other
/// breadcrumbs and labels, GBK pages, attachment-only bodies, image links: VARIANTS.md),
/// built by `fixtures/portals/gen_variants.py`: still no failing task, with and without the
/// evidence file.
#[test]
fn compliant_variants_fail_no_task() {
    let out = built_variants("gen_variants.py");
    for variant in ["szpt-2021-variant", "jyh-2021-variant"] {
        let path = out.path().join(variant);
        for evidence in [false, true] {
            let (report, exit) = scan(path.to_str().unwrap(), evidence);
            let failing = failing_tasks(&report);
            assert!(
                failing.is_empty(),
                "{variant} (evidence {evidence}): {failing:#?}"
            );
            assert_eq!(exit, 0, "{variant}");
        }
    }
}

/// The blind families' faulty portals rewritten in other real shapes, each fault restated
/// (`fixtures/portals/gen_faulty_variants.py`, FAULTY_VARIANTS.md): with and without the
/// evidence file, exactly the tasks their manifests mark violated fail.
#[test]
fn faulty_variants_follow_their_manifests() {
    let out = built_variants("gen_faulty_variants.py");
    for family in ["jyh-2021-faulty", "szpt-2021-faulty"] {
        let path = out.path().join(format!("{family}-variant"));
        for evidence in [false, true] {
            let (report, _) = scan(path.to_str().unwrap(), evidence);
            let tasks = report["tasks"].as_array().unwrap();
            for (task, want) in blind_manifest(family) {
                let t = tasks.iter().find(|t| t["task"] == task).unwrap();
                assert_eq!(
                    t["outcome"] == "fail",
                    want == "violated",
                    "{family} variant task {task} (manifest: {want}, evidence {evidence}): {}",
                    t["reason"]
                );
            }
        }
    }
}

/// A scan in the last days of the plan year, before the annual report is due (31 January):
/// the blind families' compliant portals fail no task; the report's rules are not
/// applicable yet, and a home page or column whose newest entry is later still counts.
#[test]
fn a_scan_before_the_annual_report_is_due_fails_nothing() {
    for portal in ["jyh-2021", "szpt-2021"] {
        let dir = root().join(format!("fixtures/portals/{portal}"));
        let o = zwgk(&[
            "scan",
            dir.to_str().unwrap(),
            "--rules",
            "rules/gd-whly-2021",
            "--as-of",
            "2021-12-31",
            "--format",
            "json",
            "-q",
        ]);
        assert_eq!(code(&o), 0, "{portal}: {}", stderr(&o));
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let task29 = report["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task"] == 29)
            .unwrap();
        assert_eq!(task29["outcome"], "not_applicable", "{portal}: {task29}");
    }
}

/// The website-inspection pack on the blind family: the compliant portal fails no
/// indicator; the faulty one fails those its four indicator faults break.
#[test]
fn blind_family_under_the_website_inspection_pack() {
    let (good, _) = inspect("jyh-2021", "rules/gov-website-2019");
    let (_, good_rules) = outcomes(&good);
    let failing: Vec<&String> = good_rules
        .iter()
        .filter(|(_, o)| *o == "fail")
        .map(|(id, _)| id)
        .collect();
    assert!(failing.is_empty(), "jyh-2021: {failing:?}");
    let (bad, _) = inspect("jyh-2021-faulty", "rules/gov-website-2019");
    let (_, bad_rules) = outcomes(&bad);
    for id in [
        "w12-policy-documents-updated",
        "w05-site-identifiers-on-every-page",
        "w06-party-government-site-mark",
        "w13-other-pages-links-available",
        "w15-consultations-answered",
    ] {
        assert_eq!(bad_rules[id], "fail", "jyh-2021-faulty: {id}");
    }
}

/// The office reads the reports, not regexes: no message in the Markdown, HTML or CSV
/// ledger of the faulty portals (both packs, with and without evidence) quotes a pattern
/// (`匹配「…」`, `.*`, `.+`, `\d`, `\s`, `(?`, `[^`, or an alternation `a|b` inside 「」).
#[test]
fn no_message_shows_a_pattern() {
    let marker =
        // An alternation inside 「」 has no space around its `|` (a Markdown table's cell
        // separator does, after a quote the table cut short).
        regex::Regex::new(r"匹配「|\.\*|\.\+|\\[dsSwb]|\(\?|\[\^|「[^」\n]*[^ \n]\|[^ \n][^」\n]*」")
            .unwrap();
    for portal in [
        "mini-2021-faulty",
        "whly-2021-faulty",
        "jyh-2021-faulty",
        "szpt-2021-faulty",
    ] {
        for pack in ["rules/gd-whly-2021", "rules/gov-website-2019"] {
            for evidence in [false, true] {
                let dir = tempfile::tempdir().unwrap();
                let target = format!("fixtures/portals/{portal}");
                let mut args = vec![
                    "scan",
                    &target,
                    "--rules",
                    pack,
                    "--as-of",
                    "2022-02-01",
                    "--format",
                    "json,markdown,html,csv",
                    "--output-dir",
                    dir.path().to_str().unwrap(),
                    "-q",
                ];
                if evidence {
                    args.extend(["--evidence", "fixtures/evidence/whly-2021.toml"]);
                }
                let o = zwgk(&args);
                assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
                let report: Value =
                    serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                        .unwrap();
                let messages: Vec<String> = report["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|t| t["rules"].as_array().unwrap())
                    .map(|r| r["message"].as_str().unwrap().to_string())
                    .collect();
                assert!(messages.len() > 10);
                let shown: Vec<&String> = messages.iter().filter(|m| marker.is_match(m)).collect();
                assert!(shown.is_empty(), "{portal} {pack}: {shown:#?}");
                // Every message is in the reports people read, and none of them quotes a pattern.
                for file in ["report.md", "report.html", "report.csv"] {
                    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
                    let hits: Vec<&str> = marker.find_iter(&text).map(|m| m.as_str()).collect();
                    assert!(hits.is_empty(), "{portal} {pack} {file}: {hits:?}");
                }
            }
        }
    }
}
