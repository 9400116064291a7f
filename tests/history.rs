//! End-to-end tests of the scan history (`--history`, `--fail-on`, `--baseline`,
//! `zwgk history`, `zwgk diff`) and of several report formats in one run.

use std::collections::BTreeSet;
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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A copy of the faulty mini portal that the test edits between scans, and a history.
struct Site {
    dir: tempfile::TempDir,
}

const HOST: &str = "whly.gd.gov.cn";

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &root().join("fixtures/portals/mini-2021-faulty").join(HOST),
            &dir.path().join("portal").join(HOST),
        );
        Site { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }

    fn page(&self, url_path: &str) -> PathBuf {
        self.dir.path().join("portal").join(HOST).join(url_path)
    }

    /// `zwgk scan PORTAL --rules … --as-of 2022-02-01 -o OUT EXTRA…`
    fn scan(&self, out: &str, extra: &[&str]) -> Output {
        let portal = self.path("portal");
        let out = self.path(out);
        let mut args = vec![
            "scan",
            &portal,
            "--rules",
            "rules/gd-whly-2021",
            "--as-of",
            "2022-02-01",
            "--format",
            "json",
            "--output",
            &out,
        ];
        args.extend_from_slice(extra);
        zwgk(&args)
    }

    fn report(&self, out: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.path(out)).unwrap()).unwrap()
    }
}

/// Rule ids of a JSON report with the outcome `fail`.
fn failing(report: &Value) -> BTreeSet<String> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rules"].as_array().unwrap())
        .filter(|r| r["outcome"] == "fail")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// Rule ids of a JSON diff in one class.
fn rules_in(diff: &Value, change: &str) -> BTreeSet<String> {
    diff["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change"] == change)
        .map(|r| r["rule_id"].as_str().unwrap().to_string())
        .collect()
}

/// The listed new failures of `--fail-on new` (the indented lines of standard error).
fn listed(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(str::to_string)
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Fix: the 行政许可结果公告 page of the compliant portal (decision within 7 working days).
const FIXED_RULE: &str = "t04-licensing-decisions-within-7-working-days";
const FIXED_PAGE: &str = "audit_newspjggg/content/post_3738774.html";
/// Break: the 市场准入负面清单 page no longer says so in its title.
const BROKEN_RULE: &str = "t02-negative-list-published";
const BROKEN_PAGE: &str = "open_new_newzfwj/content/post_3174796.html";

#[test]
fn three_scans_history_diff_and_fail_on_new() {
    let site = Site::new();
    let db = site.path("history.sqlite");

    // Scan 1: no earlier scan, so every failure is new.
    let s1 = site.scan("r1.json", &["--history", &db, "--fail-on", "new"]);
    assert_eq!(code(&s1), 1, "{}", stderr(&s1));
    assert!(
        stderr(&s1).contains("recorded as scan #1"),
        "{}",
        stderr(&s1)
    );
    let fail1 = failing(&site.report("r1.json"));
    assert!(fail1.contains(FIXED_RULE) && !fail1.contains(BROKEN_RULE));

    // Fingerprints do not depend on where a mirror lies: the bundled fixture, scanned in
    // place against the copy's report, has no new failure.
    let here = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021-faulty",
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-02-01",
        "--output",
        &site.path("in-place.json"),
        "--baseline",
        &site.path("r1.json"),
        "--fail-on",
        "new",
    ]);
    assert_eq!(code(&here), 0, "{}", stderr(&here));
    assert!(
        stderr(&here).contains("no new failures"),
        "{}",
        stderr(&here)
    );

    // Between scans 1 and 2: one failure fixed, one passing rule broken.
    std::fs::copy(
        root()
            .join("fixtures/portals/mini-2021")
            .join(HOST)
            .join(FIXED_PAGE),
        site.page(FIXED_PAGE),
    )
    .unwrap();
    let page = std::fs::read_to_string(site.page(BROKEN_PAGE)).unwrap();
    assert!(page.contains("市场准入负面清单"));
    std::fs::write(
        site.page(BROKEN_PAGE),
        page.replace("市场准入负面清单", "市场准入清单"),
    )
    .unwrap();

    // Scan 2 against the history: exit 1 for the new failure, and only it is listed.
    let s2 = site.scan("r2.json", &["--history", &db, "--fail-on", "new"]);
    assert_eq!(code(&s2), 1, "{}", stderr(&s2));
    let fail2 = failing(&site.report("r2.json"));
    let mut want2 = fail1.clone();
    want2.remove(FIXED_RULE);
    want2.insert(BROKEN_RULE.to_string());
    assert_eq!(fail2, want2, "scan 2 fails exactly as edited");
    let new2 = listed(&s2);
    assert!(!new2.is_empty(), "{}", stderr(&s2));
    assert!(
        new2.iter().all(|l| l.contains(BROKEN_RULE)),
        "only the broken rule is new: {new2:#?}"
    );
    assert!(stderr(&s2).contains("since scan #1"), "{}", stderr(&s2));

    // The same verdict from scan 1's JSON report as the baseline, without a database.
    let b2 = site.scan(
        "r2b.json",
        &["--baseline", &site.path("r1.json"), "--fail-on", "new"],
    );
    assert_eq!(code(&b2), 1, "{}", stderr(&b2));
    assert_eq!(listed(&b2), new2, "baseline and history agree");

    // Scan 3, nothing changed: no new failure, exit 0 although rules still fail.
    let s3 = site.scan("r3.json", &["--history", &db, "--fail-on", "new"]);
    assert_eq!(code(&s3), 0, "{}", stderr(&s3));
    assert!(listed(&s3).is_empty());
    assert!(stderr(&s3).contains("no new failures since scan #2"));
    assert_eq!(failing(&site.report("r3.json")), fail2);
    // Plain `--fail-on any` (the default) still exits 1; `none` exits 0.
    assert_eq!(code(&site.scan("r4.json", &[])), 1);
    assert_eq!(code(&site.scan("r4.json", &["--fail-on", "none"])), 0);

    // `zwgk history`: three scans.
    let h = zwgk(&["history", "--history", &db]);
    assert_eq!(code(&h), 0, "{}", stderr(&h));
    let lines: Vec<String> = stdout(&h).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "a header and 3 scans: {lines:#?}");
    assert!(lines[0].starts_with("id") && lines[0].contains("recorded_at"));
    for (i, line) in lines[1..].iter().enumerate() {
        assert!(line.starts_with(&format!("{} ", i + 1)), "{line}");
        assert!(
            line.contains("gd-whly-2021") && line.contains("2022-02-01"),
            "{line}"
        );
    }
    let hj = zwgk(&["history", "--history", &db, "--format", "json"]);
    let scans: Value = serde_json::from_slice(&hj.stdout).unwrap();
    assert_eq!(scans.as_array().unwrap().len(), 3);
    assert_eq!(
        scans[0]["summary"]["rules"]["fail"].as_u64().unwrap() as usize,
        fail1.len()
    );

    // `zwgk diff 1 2`: exactly the new failure, the fixed one and the unchanged ones.
    let d = zwgk(&["diff", "1", "2", "--history", &db, "--format", "json"]);
    assert_eq!(code(&d), 0, "{}", stderr(&d));
    let d: Value = serde_json::from_slice(&d.stdout).unwrap();
    assert_eq!(rules_in(&d, "newly_failing"), set(&[BROKEN_RULE]));
    assert_eq!(rules_in(&d, "fixed"), set(&[FIXED_RULE]));
    assert_eq!(rules_in(&d, "changed"), BTreeSet::new());
    let mut still = fail1.clone();
    still.remove(FIXED_RULE);
    assert_eq!(rules_in(&d, "unchanged_failing"), still);
    let all_rules = d["rules"].as_array().unwrap().len();
    assert_eq!(
        rules_in(&d, "unchanged").len(),
        all_rules - still.len() - 2,
        "every other rule is unchanged"
    );

    // `zwgk diff` with no ids: the latest scan (3) against the one before (2): nothing moved.
    let d = zwgk(&["diff", "--history", &db, "--format", "json"]);
    assert_eq!(code(&d), 0, "{}", stderr(&d));
    let d: Value = serde_json::from_slice(&d.stdout).unwrap();
    assert!(d["old"].as_str().unwrap().starts_with("scan #2"));
    assert!(d["new"].as_str().unwrap().starts_with("scan #3"));
    for class in ["newly_failing", "fixed", "changed"] {
        assert!(rules_in(&d, class).is_empty(), "{class}");
    }
    assert_eq!(rules_in(&d, "unchanged_failing"), fail2);

    // The text form names the classes and the rules.
    let t = zwgk(&["diff", "1", "--history", &db]);
    assert_eq!(code(&t), 0, "{}", stderr(&t));
    let text = stdout(&t);
    assert!(text.contains("newly failing (1):"), "{text}");
    assert!(text.contains("fixed (1):"), "{text}");
    assert!(text.contains("changed (0):"), "{text}");
    assert!(
        text.contains(BROKEN_RULE) && text.contains(FIXED_RULE),
        "{text}"
    );

    // The HTML report of a scan recorded into the history draws the trend of the
    // recorded scans of the target and pack, and this one.
    let portal = site.path("portal");
    let html_of = |extra: &[&str]| {
        let out = site.path("trend");
        let mut args = vec![
            "scan",
            &portal,
            "--rules",
            "rules/gd-whly-2021",
            "--as-of",
            "2022-02-01",
            "--format",
            "html,json",
            "--output-dir",
            &out,
            "--fail-on",
            "none",
        ];
        args.extend_from_slice(extra);
        let o = zwgk(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        std::fs::read_to_string(site.dir.path().join("trend/report.html")).unwrap()
    };
    let plain = html_of(&[]);
    assert!(!plain.contains("历次检查趋势"), "no history, no trend");
    let with_trend = html_of(&["--history", &db]);
    assert!(with_trend.contains("历次检查趋势"));
    for label in ["#1 ", "#2 ", "#3 ", "本次 "] {
        assert!(with_trend.contains(label), "trend point {label}");
    }
}

#[test]
fn bad_history_inputs_exit_2() {
    let site = Site::new();
    let db = site.path("history.sqlite");

    // A file that is not a database: refused before scanning, left as it was, no report.
    std::fs::write(&db, "not a database\n".repeat(100)).unwrap();
    let o = site.scan("r.json", &["--history", &db]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("not a zwgk history"), "{}", stderr(&o));
    assert!(!Path::new(&site.path("r.json")).exists());
    assert!(std::fs::read_to_string(&db)
        .unwrap()
        .starts_with("not a database"));
    let o = zwgk(&["history", "--history", &db]);
    assert_eq!(code(&o), 2);
    let o = zwgk(&["diff", "--history", &db]);
    assert_eq!(code(&o), 2);

    // Missing files and unknown ids.
    let missing = site.path("missing.sqlite");
    for args in [
        vec!["history", "--history", &missing],
        vec!["diff", "--history", &missing],
    ] {
        let o = zwgk(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains("no history database"), "{}", stderr(&o));
    }
    assert!(
        !Path::new(&missing).exists(),
        "reading never creates a history"
    );
    let good = site.path("good.sqlite");
    assert_eq!(code(&site.scan("r.json", &["--history", &good])), 1);
    let o = zwgk(&["diff", "--history", &good]);
    assert_eq!(code(&o), 2, "one scan: nothing to compare");
    let o = zwgk(&["diff", "1", "9", "--history", &good]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no scan #9"), "{}", stderr(&o));
    let o = zwgk(&["diff", "one", "--history", &good]);
    assert_eq!(code(&o), 2);

    // Baselines.
    let o = site.scan(
        "r.json",
        &["--baseline", &site.path("none.json"), "--fail-on", "new"],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read baseline"),
        "{}",
        stderr(&o)
    );
    let o = site.scan("r2.json", &["--baseline", &db, "--fail-on", "new"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("not a zwgk JSON report"),
        "{}",
        stderr(&o)
    );
    let o = site.scan("r2.json", &["--baseline", &site.path("r.json")]);
    assert_eq!(code(&o), 2, "--baseline without --fail-on new");
    let o = site.scan("r2.json", &["--fail-on", "new"]);
    assert_eq!(code(&o), 2, "--fail-on new with nothing to compare with");
    let o = site.scan("r2.json", &["--fail-on", "sometimes"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn several_formats_in_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let base = [
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--as-of",
        "2022-02-01",
        "-q",
    ];
    let names = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };

    let out = tmp.path().join("listed");
    let out_s = out.to_str().unwrap();
    let mut args = base.to_vec();
    args.extend(["--format", "json,markdown", "--output-dir", out_s]);
    let o = zwgk(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(names(&out), set(&["report.json", "report.md"]));
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["rules_pack"]["id"], "gd-whly-2021");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.starts_with('#'), "{md}");

    // Without --format: json and markdown; the same reports.
    let dflt = tmp.path().join("default");
    let mut args = base.to_vec();
    args.extend(["--output-dir", dflt.to_str().unwrap()]);
    assert_eq!(code(&zwgk(&args)), 0);
    assert_eq!(names(&dflt), set(&["report.json", "report.md"]));
    assert_eq!(
        std::fs::read(dflt.join("report.md")).unwrap(),
        md.as_bytes()
    );

    // One format into a folder.
    let one = tmp.path().join("one");
    let mut args = base.to_vec();
    args.extend(["--format", "md", "--output-dir", one.to_str().unwrap()]);
    assert_eq!(code(&zwgk(&args)), 0);
    assert_eq!(names(&one), set(&["report.md"]));

    // Usage errors: several formats into one file or to standard output; both outputs.
    let file = tmp.path().join("r.json");
    let file_s = file.to_str().unwrap();
    for extra in [
        vec!["--format", "json,markdown", "--output", file_s],
        vec!["--format", "json,markdown"],
        vec!["--format", "json,pdf", "--output-dir", out_s],
        vec!["--output", file_s, "--output-dir", out_s],
    ] {
        let mut args = base.to_vec();
        args.extend(extra.iter().copied());
        let o = zwgk(&args);
        assert_eq!(code(&o), 2, "{extra:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{extra:?}");
    }
    assert!(!file.exists());
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--format",
        "json,markdown",
        "--output",
        file_s,
    ]);
    assert!(stderr(&o).contains("--output-dir"), "{}", stderr(&o));
}
