//! Helpers for check tests: build a site from HTML snippets and run one rule.

use chrono::NaiveDate;

use super::{combine_all, evaluate, locate, CheckResult, Context, Located};
use crate::calendar::WorkCalendar;
use crate::evidence::EvidenceSet;
use crate::pack::{RulePack, SourceFile};
use crate::page::PageFacts;
use crate::site::Site;

pub const HOST: &str = "http://whly.gd.gov.cn";

/// A minimal plan of one task (number 1), plan year 2021.
pub const PACK: &str = "[pack]\nid = \"test\"\ntitle = \"测试\"\nyear = 2021\n\n[[task]]\nnumber = 1\nheading = \"h\"\nrequirement = \"r\"\nlead = [\"办公室\"]\n";

pub fn pages(specs: &[(&str, &str)]) -> Vec<PageFacts> {
    specs
        .iter()
        .map(|(path, html)| PageFacts::from_html(&format!("{HOST}{path}"), 200, html))
        .collect()
}

pub fn site(specs: &[(&str, &str)]) -> Site {
    Site::new(HOST, pages(specs))
}

/// Run a rule body (everything after the `[[rule]]` header fields) as of 2022-02-01.
pub fn run(site: &Site, body: &str) -> CheckResult {
    run_with(site, body, "2022-02-01", &EvidenceSet::empty())
}

pub fn run_as_of(site: &Site, body: &str, as_of: &str) -> CheckResult {
    run_with(site, body, as_of, &EvidenceSet::empty())
}

pub fn run_with(site: &Site, body: &str, as_of: &str, evidence: &EvidenceSet) -> CheckResult {
    let rule_text = format!(
        "[[rule]]\nid = \"t\"\ntask = 1\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = {{ seed = \"任务1\" }}\n{body}\n"
    );
    let pack = RulePack::load(
        &SourceFile::new("pack.toml", PACK),
        &[SourceFile::new("t.toml", rule_text)],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rule = &pack.rules[0];
    let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap();
    let located = match &rule.locate {
        Some(l) => locate(l, site, as_of, 2021),
        None => Located::default(),
    };
    let cx = Context {
        site,
        located: &located,
        as_of,
        plan_year: 2021,
        calendar: WorkCalendar::china(),
        evidence,
        task: 1,
        rule_id: "t",
        columns: &[],
        negated: false,
    };
    combine_all(rule.checks.iter().map(|c| evaluate(c, &cx)).collect())
}
