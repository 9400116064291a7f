//! Several rule packs in one scan (`zwgk scan TARGET --rules A --rules B`): one crawl,
//! one report per pack, named by pack id, with the verdicts each pack gives alone.

#[path = "../crates/zwgk-crawl/tests/http_support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use server::Server;

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

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Rule outcomes by id.
fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rules"].as_array().unwrap())
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const PACKS: [&str; 2] = ["gd-whly-2021", "gov-website-2019"];

#[test]
fn two_packs_on_one_crawl_give_each_pack_its_own_report() {
    let dir = root().join("fixtures/portals/mini-2021-faulty");
    let server = Server::start().serve_mirror(&dir.join("whly.gd.gov.cn"), "whly.gd.gov.cn");
    let out = tempfile::tempdir().unwrap();
    let o = zwgk(&[
        "scan",
        &server.url("/"),
        "--rules",
        "rules/gd-whly-2021",
        "--rules",
        "rules/gov-website-2019",
        "--as-of",
        "2022-02-01",
        "--no-delay",
        "--format",
        "json,markdown",
        "--output-dir",
        out.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "failures in both packs: {stderr}");
    // One crawl: no URL was asked twice.
    let twice: Vec<_> = server.hits().into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "fetched twice: {twice:?}");
    // One summary line per pack; the website pack's carries its score.
    assert!(stderr.contains("pack gd-whly-2021 (54 rules)"), "{stderr}");
    assert!(stderr.contains("pack gov-website-2019"), "{stderr}");
    assert!(stderr.contains("score 97.4 of 100: 不合格"), "{stderr}");

    for pack in PACKS {
        let both = read(&out.path().join(pack).join("report.json"));
        assert!(out.path().join(pack).join("report.md").is_file(), "{pack}");
        assert_eq!(both["rules_pack"]["id"], pack);
        // The same verdicts as the pack alone on the mirror folder.
        let alone = zwgk(&[
            "scan",
            dir.to_str().unwrap(),
            "--rules",
            &format!("rules/{pack}"),
            "--as-of",
            "2022-02-01",
            "--format",
            "json",
            "-q",
        ]);
        let alone: Value = serde_json::from_slice(&alone.stdout).unwrap();
        let (b, a) = (verdicts(&both), verdicts(&alone));
        let differing: Vec<_> = b
            .iter()
            .zip(&a)
            // Availability too: the crawl's own fetch of the home page is one probe,
            // a folder has none; too few either way, so incomplete in both.
            .filter(|(x, y)| x != y)
            .collect();
        assert!(differing.is_empty(), "{pack}: {differing:?}");
        assert_eq!(b.len(), a.len(), "{pack}");
    }
}

#[test]
fn several_packs_name_their_files_by_pack_id() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("r.json");
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--rules",
        "rules/gov-website-2019",
        "--as-of",
        "2022-02-01",
        "--output",
        file.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!file.exists(), "no unnamed report");
    for pack in PACKS {
        let r = read(&out.path().join(format!("r.{pack}.json")));
        assert_eq!(r["rules_pack"]["id"], pack);
    }
    // To standard output: the reports one after another.
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--rules",
        "rules/gov-website-2019",
        "--as-of",
        "2022-02-01",
        "--format",
        "json",
        "-q",
    ]);
    let ids: Vec<String> = serde_json::Deserializer::from_slice(&o.stdout)
        .into_iter::<Value>()
        .map(|r| r.unwrap()["rules_pack"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, PACKS);
    // The same pack twice is refused before any scan.
    let o = zwgk(&[
        "scan",
        "fixtures/portals/mini-2021",
        "--rules",
        "rules/gd-whly-2021",
        "--rules",
        "rules/gd-whly-2021",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("two --rules packs have the id `gd-whly-2021`")
    );
}

/// The 2021 pack names its department and plan year once, in `pack.toml`: no rule file
/// spells the department (its name or aliases) or a year of the plan (the plan year and
/// the years beside it), outside comments, document numbers (`〔2021〕30号`) and the
/// official version dates of regulations (`2020-11-29`). Rules write `{department}`,
/// `{year}`, `{year+1}`, `{year-1}`; a plan of another year or department is a new
/// `pack.toml`.
#[test]
fn the_2021_pack_spells_no_department_and_no_plan_year() {
    let dir = root().join("rules/gd-whly-2021");
    let pack: toml::Value =
        toml::from_str(&std::fs::read_to_string(dir.join("pack.toml")).unwrap()).unwrap();
    let year = pack["pack"]["year"].as_integer().unwrap();
    let department = &pack["department"];
    let mut names: Vec<String> = vec![department["name"].as_str().unwrap().to_string()];
    for a in department["aliases"].as_array().unwrap() {
        names.push(a.as_str().unwrap().to_string());
    }
    let years: Vec<String> = (year - 1..=year + 1).map(|y| y.to_string()).collect();
    let citation = regex::Regex::new(r"[〔\[]\s?\d{4}\s?[〕\]]|\d{4}-\d{2}-\d{2}").unwrap();
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") || path.ends_with("pack.toml") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let code = citation.replace_all(line.split(" #").next().unwrap(), "");
            let hit = names
                .iter()
                .find(|n| code.contains(n.as_str()))
                .or_else(|| years.iter().find(|y| code.contains(y.as_str())));
            if let Some(hit) = hit {
                found.push(format!(
                    "{}:{}: `{hit}` in {}",
                    path.display(),
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(files >= 32, "the rule files are read: {files}");
    assert!(
        found.is_empty(),
        "rule files spelling the department or the plan year: {found:#?}"
    );
}
