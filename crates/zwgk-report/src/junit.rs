//! JUnit XML, for CI systems that show test results (GitLab, Jenkins, GitHub actions
//! that read JUnit files).
//!
//! One `<testsuite>` per plan task (named `任务<n> <title>`), one `<testcase>` per rule
//! (class name `<pack id>.task-NN`, name the rule id). Outcomes map to:
//!
//! | outcome | element |
//! | --- | --- |
//! | `pass` | a plain `<testcase/>` |
//! | `fail` | `<failure>`: the message, then the source, the rule file and the evidence |
//! | `incomplete` | `<error>`: the tool could not decide |
//! | `needs_evidence`, `not_applicable` | `<skipped>` |
//!
//! A task without rules gets one skipped test case named `no rule yet`. Every string is
//! escaped with [`crate::escape::xml_text`] or [`crate::escape::xml_attr`], so page text
//! with markup or characters XML 1.0 forbids cannot break the document. The output is
//! valid against the Jenkins xUnit plugin's `junit-10.xsd` (checked in the tests).

use std::fmt::Write as _;
use std::io::Write;

use zwgk_core::report::{RuleReport, TaskReport, NO_RULE_YET};
use zwgk_core::{Outcome, Report};

use crate::escape::{xml_attr as attr, xml_text as text};
use crate::{Renderer, ReportError};

/// The JUnit XML renderer.
pub struct Junit;

/// Test counts of one suite, or of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add_outcome(&mut self, o: Outcome) {
        self.tests += 1;
        match o {
            Outcome::Pass => {}
            Outcome::Fail => self.failures += 1,
            Outcome::Incomplete => self.errors += 1,
            Outcome::NeedsEvidence | Outcome::NotApplicable => self.skipped += 1,
        }
    }

    fn of_task(t: &TaskReport) -> Counts {
        let mut c = Counts::default();
        if t.rules.is_empty() {
            c.tests = 1;
            c.skipped = 1;
        }
        for r in &t.rules {
            c.add_outcome(r.outcome);
        }
        c
    }

    fn plus(self, o: Counts) -> Counts {
        Counts {
            tests: self.tests + o.tests,
            failures: self.failures + o.failures,
            errors: self.errors + o.errors,
            skipped: self.skipped + o.skipped,
        }
    }
}

/// The name of a task's suite: `任务<n> <short title>`.
pub fn suite_name(t: &TaskReport) -> String {
    format!("任务{} {}", t.task, t.title)
}

/// The class name of a task's test cases: `<pack id>.task-NN`.
pub fn class_name(pack: &str, task: u32) -> String {
    format!("{pack}.task-{task:02}")
}

/// The body of a failure, error or skip: message, source, rule file, evidence.
fn details(r: &RuleReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", r.message);
    let clause = r
        .source
        .clause
        .as_deref()
        .map(|c| format!("；{c}"))
        .unwrap_or_default();
    let _ = writeln!(s, "依据：{}{clause}", r.source.seed);
    let _ = writeln!(
        s,
        "规则：{}（{}，严重程度 {}，检查 {}）",
        r.title,
        r.origin,
        crate::severity_str(r.severity),
        r.check
    );
    for e in &r.evidence {
        let _ = writeln!(s, "证据：{} — {}", e.url, e.excerpt);
    }
    s
}

fn testcase(s: &mut String, class: &str, r: &RuleReport) {
    let open = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        attr(class),
        attr(&r.id)
    );
    let element = match r.outcome {
        Outcome::Pass => {
            let _ = writeln!(s, "{open}/>");
            return;
        }
        Outcome::Fail => "failure",
        Outcome::Incomplete => "error",
        Outcome::NeedsEvidence | Outcome::NotApplicable => "skipped",
    };
    let _ = writeln!(s, "{open}>");
    let _ = writeln!(
        s,
        "      <{element} type=\"{}\" message=\"{}\">{}</{element}>",
        r.outcome.as_str(),
        attr(&r.message),
        text(&details(r))
    );
    let _ = writeln!(s, "    </testcase>");
}

/// Render to a string.
pub fn to_string(report: &Report) -> String {
    let total = report
        .tasks
        .iter()
        .map(Counts::of_task)
        .fold(Counts::default(), Counts::plus);
    let mut s = String::new();
    let _ = writeln!(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        s,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        attr(&format!("zwgk {} {}", report.rules_pack.id, report.target)),
        total.tests,
        total.failures,
        total.errors
    );
    for t in &report.tasks {
        let c = Counts::of_task(t);
        let class = class_name(&report.rules_pack.id, t.task);
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" package=\"{}\">",
            attr(&suite_name(t)),
            c.tests,
            c.failures,
            c.errors,
            c.skipped,
            attr(&report.rules_pack.id)
        );
        let _ = writeln!(s, "    <properties>");
        for (name, value) in [
            ("task", t.task.to_string()),
            ("outcome", t.outcome.as_str().to_string()),
            ("heading", t.heading.clone()),
            ("divisions", t.divisions.display_zh()),
            ("as_of", report.as_of.to_string()),
        ] {
            let _ = writeln!(
                s,
                "      <property name=\"{name}\" value=\"{}\"/>",
                attr(&value)
            );
        }
        let _ = writeln!(s, "    </properties>");
        if t.rules.is_empty() {
            let _ = writeln!(
                s,
                "    <testcase classname=\"{}\" name=\"{NO_RULE_YET}\">",
                attr(&class)
            );
            let _ = writeln!(
                s,
                "      <skipped type=\"{}\" message=\"{NO_RULE_YET}\">{}</skipped>",
                t.outcome.as_str(),
                text(&t.requirement)
            );
            let _ = writeln!(s, "    </testcase>");
        }
        for r in &t.rules {
            testcase(&mut s, &class, r);
        }
        let _ = writeln!(s, "  </testsuite>");
    }
    let _ = writeln!(s, "</testsuites>");
    s
}

impl Renderer for Junit {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        out.write_all(to_string(report).as_bytes())
            .map_err(|source| ReportError::Io {
                path: "<output>".into(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{sample, sample_full};
    use crate::schemas::xmllint;

    fn attr_of<'a>(n: roxmltree::Node<'a, 'a>, a: &str) -> &'a str {
        n.attribute(a).unwrap_or_else(|| panic!("no {a} on {n:?}"))
    }

    #[test]
    fn counts_and_elements_match_outcomes() {
        let report = sample_full();
        let xml = to_string(&report);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        assert_eq!(suites.len(), report.tasks.len());
        let (mut tests, mut failures, mut errors) = (0, 0, 0);
        for (suite, task) in suites.iter().zip(&report.tasks) {
            assert_eq!(attr_of(*suite, "name"), suite_name(task));
            let cases: Vec<_> = suite
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .collect();
            let count = |tag: &str| {
                cases
                    .iter()
                    .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                    .count()
            };
            assert_eq!(attr_of(*suite, "tests"), cases.len().to_string());
            assert_eq!(attr_of(*suite, "failures"), count("failure").to_string());
            assert_eq!(attr_of(*suite, "errors"), count("error").to_string());
            assert_eq!(attr_of(*suite, "skipped"), count("skipped").to_string());
            tests += cases.len();
            failures += count("failure");
            errors += count("error");
            let expected = task.rules.len().max(1);
            assert_eq!(cases.len(), expected, "task {}", task.task);
            for c in &cases {
                assert_eq!(
                    attr_of(*c, "classname"),
                    format!("{}.task-{:02}", report.rules_pack.id, task.task)
                );
            }
            for (c, r) in cases.iter().zip(&task.rules) {
                assert_eq!(attr_of(*c, "name"), r.id);
                let child = c
                    .children()
                    .find(|n| n.is_element())
                    .map(|n| n.tag_name().name());
                let want = match r.outcome {
                    Outcome::Pass => None,
                    Outcome::Fail => Some("failure"),
                    Outcome::Incomplete => Some("error"),
                    Outcome::NeedsEvidence | Outcome::NotApplicable => Some("skipped"),
                };
                assert_eq!(child, want, "rule {}", r.id);
                if let Some(tag) = want {
                    let el = c.children().find(|n| n.has_tag_name(tag)).unwrap();
                    assert_eq!(
                        attr_of(el, "message"),
                        r.message.replace(['\u{1}', '\u{FFFF}'], "\u{FFFD}")
                    );
                }
            }
        }
        assert_eq!(attr_of(root, "tests"), tests.to_string());
        assert_eq!(attr_of(root, "failures"), failures.to_string());
        assert_eq!(attr_of(root, "errors"), errors.to_string());
        assert!(failures > 0 && errors > 0);
    }

    #[test]
    fn failure_body_carries_evidence_and_task_without_rules_is_skipped() {
        let xml = to_string(&sample());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        let body = failure.text().unwrap();
        assert!(
            body.contains("http://whly.gd.gov.cn/a.html — 标题 | <b>粗</b>"),
            "{body}"
        );
        assert!(body.contains("rules/t01.toml:2"), "{body}");
        assert!(!xml.contains("<script>"), "{xml}");
        let no_rule = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("no rule yet"))
            .unwrap();
        assert_eq!(no_rule.attribute("classname"), Some("gd-whly-2021.task-02"));
        assert!(no_rule.children().any(|n| n.has_tag_name("skipped")));
        let suite = no_rule.parent().unwrap();
        assert_eq!(suite.attribute("name"), Some("任务2 市场准入负面清单"));
        assert_eq!(suite.attribute("skipped"), Some("1"));
        assert_eq!(suite.attribute("tests"), Some("1"));
    }

    #[test]
    fn hostile_page_text_stays_well_formed() {
        let xml = to_string(&sample_full());
        let doc = roxmltree::Document::parse(&xml).expect("well-formed");
        let all: String = doc
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("");
        assert!(all.contains("]]>"), "the CDATA end marker survives as text");
        assert!(all.contains("<evil & \"quotes\">"));
        assert!(!xml.contains('\u{1}') && !xml.contains('\u{FFFF}'));
    }

    #[test]
    fn valid_against_junit_xsd() {
        for report in [sample(), sample_full()] {
            if let Some(ok) = xmllint(&to_string(&report)) {
                assert!(ok, "xmllint rejected the JUnit output");
            }
        }
    }

    #[test]
    fn xmllint_rejects_an_invalid_document() {
        // A test case without its required name, and a suite without its counts.
        let bad = "<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"x\"><testcase classname=\"c\"/></testsuite></testsuites>\n";
        if let Some(ok) = xmllint(bad) {
            assert!(!ok, "xmllint accepted an invalid JUnit document");
        }
        let wrong_root = to_string(&sample()).replace("testsuites", "suites");
        if let Some(ok) = xmllint(&wrong_root) {
            assert!(!ok, "xmllint accepted an unknown root element");
        }
    }
}
