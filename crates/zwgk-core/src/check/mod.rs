//! Check kinds: one module per kind, each owning its typed fields, their
//! validation when a pack loads, its evaluation and its documentation (the
//! [`Kind`] it registers). The kinds are listed once, in the `kinds!` list below; the
//! rule-pack compiler, the generated reference (`zwgk rules docs`) and the
//! evaluation all go through that list.
//!
//! Adding a kind: write `check/<kind>.rs` with a `pub(crate) const KIND: Kind`,
//! its fields struct, its compiler and its [`Evaluate`] type, and add its name to
//! the list.

mod attached;
mod interval;
mod kind;
mod locate;
pub mod reference;

use chrono::NaiveDate;

pub(crate) use kind::{describe_field, pages_field};
pub use kind::{Check, Evaluate, Example, Field, Kind};
pub use locate::{locate, Located};

use crate::calendar::WorkCalendar;
use crate::evidence::EvidenceSet;
use crate::outcome::{Evidence, Outcome};
use crate::page::PageFacts;
use crate::rule::Quantifier;
use crate::site::Site;

/// Declares the check kinds: one module each, registered in the order the
/// reference lists them.
macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        $(pub(crate) mod $kind;)*

        /// Every check kind, in the order the reference lists them.
        static KINDS: &[&Kind] = &[$(&$kind::KIND),*];
    };
}

kinds![
    exists,
    text,
    sections,
    list_items,
    fresh,
    deadline,
    within_working_days,
    within_days,
    metadata,
    links_to,
    links_available,
    columns,
    availability,
    replies,
    attachment,
    annual_report_tables,
    normative_documents,
    lists_all,
    lists_accounts,
    current_version,
    evidence,
    all,
    any,
    not,
];

/// Every check kind a rule file may name, with its documentation.
pub fn kinds() -> &'static [&'static Kind] {
    KINDS
}

/// Everything a check may read.
pub struct Context<'a> {
    /// The whole site.
    pub site: &'a Site,
    /// The pages the rule located (empty when the rule locates nothing).
    pub located: &'a Located<'a>,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The plan year.
    pub plan_year: i32,
    /// Official working days.
    pub calendar: &'a WorkCalendar,
    /// Evidence records.
    pub evidence: &'a EvidenceSet,
    /// The rule's task.
    pub task: u32,
    /// The rule's id.
    pub rule_id: &'a str,
    /// The site's columns, surveyed once per evaluation (empty without `[columns]`).
    pub columns: &'a [crate::report::ColumnReport],
    /// Whether the check is evaluated under `not`, where its failure is the outcome wanted:
    /// a check then reads what it can, but does not turn a failure into `incomplete` for
    /// want of what it could not read (an attachment without text).
    pub negated: bool,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The verdict.
    pub outcome: Outcome,
    /// What was found, in Chinese.
    pub message: String,
    /// Evidence behind the verdict.
    pub evidence: Vec<Evidence>,
    /// Which check decided (its kind, with its position in nested checks).
    pub check: String,
    /// For a failure, how many findings it counts (broken links, failing pages,
    /// stale columns); `None` for a failure counted once.
    pub findings: Option<usize>,
}

impl CheckResult {
    pub(crate) fn new(
        outcome: Outcome,
        kind: &str,
        message: impl Into<String>,
        evidence: Vec<Evidence>,
    ) -> Self {
        CheckResult {
            outcome,
            message: message.into(),
            evidence,
            check: kind.to_string(),
            findings: None,
        }
    }

    /// The same result, counting `n` findings.
    pub(crate) fn counting(mut self, n: usize) -> Self {
        self.findings = Some(n);
        self
    }

    /// Findings this result counts: its own count, else 1 for a failure, else 0.
    pub fn finding_count(&self) -> usize {
        match (self.outcome, self.findings) {
            (Outcome::Fail, Some(n)) => n.max(1),
            (Outcome::Fail, None) => 1,
            _ => 0,
        }
    }
}

/// The most evidence items one verdict lists.
pub const MAX_EVIDENCE: usize = 10;

/// Evaluate one check.
pub fn evaluate(check: &Check, cx: &Context<'_>) -> CheckResult {
    check.evaluate(cx)
}

/// Messages without repeats, in order.
pub(crate) fn distinct<'a>(messages: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for m in messages {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// Combine results of checks that must all hold.
pub fn combine_all(results: Vec<CheckResult>) -> CheckResult {
    let Some(worst) = Outcome::worst_of(results.iter().map(|r| r.outcome)) else {
        return CheckResult::new(Outcome::Pass, "none", "无检查项", Vec::new());
    };
    // Pass and not-applicable report every check; a failure reports every failing check.
    {
        let relevant: Vec<&CheckResult> = results.iter().filter(|r| r.outcome == worst).collect();
        let message = distinct(relevant.iter().map(|r| r.message.as_str())).join("；");
        let mut evidence: Vec<Evidence> = Vec::new();
        for r in &relevant {
            for e in &r.evidence {
                if !evidence.contains(e) && evidence.len() < MAX_EVIDENCE {
                    evidence.push(e.clone());
                }
            }
        }
        let check = relevant
            .iter()
            .map(|r| r.check.as_str())
            .collect::<Vec<_>>()
            .join("+");
        let findings =
            (worst == Outcome::Fail).then(|| relevant.iter().map(|r| r.finding_count()).sum());
        CheckResult {
            outcome: worst,
            message,
            evidence,
            check,
            findings,
        }
    }
}

/// What a page-level check concluded about one page.
pub(crate) enum PageVerdict {
    /// The page passes; the excerpt that shows it.
    Pass(String),
    /// The page fails; what is wrong.
    Fail(String),
    /// The page fails because of another page (the one that lacks a link back); the
    /// evidence names that page.
    FailAt(String, String),
    /// The tool cannot tell (an unreachable linked page, an uncovered calendar year).
    Unknown(String),
}

/// Apply a page-level test to the located pages under a quantifier.
pub(crate) fn per_page(
    cx: &Context<'_>,
    kind: &str,
    quantifier: Quantifier,
    test: impl Fn(&PageFacts) -> PageVerdict,
) -> CheckResult {
    let located = cx.located;
    if located.pages.is_empty() {
        return located.absent(kind);
    }
    let verdicts: Vec<(&PageFacts, PageVerdict)> =
        located.pages.iter().map(|p| (*p, test(p))).collect();
    let ev = |p: &PageFacts, s: &str| Evidence::new(p.url.clone(), s);
    let passes: Vec<Evidence> = verdicts
        .iter()
        .filter_map(|(p, v)| match v {
            PageVerdict::Pass(s) => Some(ev(p, s)),
            _ => None,
        })
        .collect();
    let fails: Vec<(Evidence, &str)> = verdicts
        .iter()
        .filter_map(|(p, v)| match v {
            PageVerdict::Fail(s) => Some((ev(p, s), s.as_str())),
            PageVerdict::FailAt(url, s) => Some((Evidence::new(url.clone(), s), s.as_str())),
            _ => None,
        })
        .collect();
    let unknowns: Vec<(Evidence, &str)> = verdicts
        .iter()
        .filter_map(|(p, v)| match v {
            PageVerdict::Unknown(s) => Some((ev(p, s), s.as_str())),
            _ => None,
        })
        .collect();
    let n = verdicts.len();
    let first_with_more = |list: &[(Evidence, &str)]| -> String {
        match list.len() {
            0 => String::new(),
            1 => list[0].1.to_string(),
            k => format!("{}（共{}个页面如此）", list[0].1, k),
        }
    };
    let take = |list: Vec<(Evidence, &str)>| {
        list.into_iter()
            .map(|(e, _)| e)
            .take(MAX_EVIDENCE)
            .collect()
    };
    match quantifier {
        Quantifier::Any => {
            if let Some(first) = passes.first() {
                CheckResult::new(
                    Outcome::Pass,
                    kind,
                    first.excerpt.clone(),
                    vec![first.clone()],
                )
            } else if !unknowns.is_empty() || (fails.is_empty() && !located.unknown.is_empty()) {
                let msg = if unknowns.is_empty() {
                    located.unknown_message()
                } else {
                    first_with_more(&unknowns)
                };
                CheckResult::new(Outcome::Incomplete, kind, msg, take(unknowns))
            } else {
                // A located page that fails fails, whatever else could not be fetched.
                let mut msg = first_with_more(&fails);
                if !located.unknown.is_empty() {
                    msg.push_str(&format!(
                        "（另有{}个可能相关的页面无法获取）",
                        located.unknown.len()
                    ));
                }
                CheckResult::new(Outcome::Fail, kind, msg, take(fails))
            }
        }
        Quantifier::Every => {
            if !fails.is_empty() {
                let msg = format!(
                    "{}/{}个页面不符合：{}",
                    fails.len(),
                    n,
                    first_with_more(&fails)
                );
                let failing = fails.len();
                CheckResult::new(Outcome::Fail, kind, msg, take(fails)).counting(failing)
            } else if !unknowns.is_empty() || !located.unknown.is_empty() {
                let msg = if unknowns.is_empty() {
                    located.unknown_message()
                } else {
                    first_with_more(&unknowns)
                };
                CheckResult::new(Outcome::Incomplete, kind, msg, take(unknowns))
            } else {
                let msg = if n == 1 {
                    passes[0].excerpt.clone()
                } else {
                    format!("全部{n}个页面符合；如：{}", passes[0].excerpt)
                };
                CheckResult::new(
                    Outcome::Pass,
                    kind,
                    msg,
                    passes.into_iter().take(MAX_EVIDENCE).collect(),
                )
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use crate::outcome::Outcome;

    const PAGES: [(&str, &str); 3] = [
        ("/zwgk/gfxwj/index.html", "<div class=\"position\">首页 &gt; 政务公开 &gt; 规范性文件</div><title>规范性文件</title><a href=\"/zwgk/gfxwj/post_1.html\">关于印发办法的通知</a>"),
        ("/zwgk/gfxwj/post_1.html", "<div class=\"position\">首页 &gt; 政务公开 &gt; 规范性文件</div><title>关于印发办法的通知</title><p>自2021年10月1日起施行</p>"),
        ("/news/post_2.html", "<div class=\"position\">首页 &gt; 新闻</div><title>工作动态</title><p>其他</p>"),
    ];

    #[test]
    fn locate_by_breadcrumb_link_text_and_exclude() {
        let s = site(&PAGES);
        let r = run(&s, "locate = { breadcrumb = \"规范性文件\", exclude = [{ url = \"index\\\\.html$\" }] }\n[[rule.checks]]\nkind = \"exists\"\nmin = 1");
        assert_eq!(r.outcome, Outcome::Pass);
        assert_eq!(r.evidence.len(), 1);
        assert!(r.evidence[0].url.ends_with("post_1.html"));
        let r = run(
            &s,
            "locate = { link_text = \"印发\" }\n[[rule.checks]]\nkind = \"exists\"",
        );
        assert_eq!(r.evidence[0].url, format!("{HOST}/zwgk/gfxwj/post_1.html"));
        let r = run(
            &s,
            "locate = { column = \"新闻\" }\n[[rule.checks]]\nkind = \"exists\"",
        );
        assert!(
            r.evidence[0].url.ends_with("post_2.html"),
            "{:?}",
            r.evidence
        );
    }

    #[test]
    fn link_located_absence_is_unknown_only_when_most_pages_failed() {
        let rule = "locate = { link_text = \"印发\" }\n[[rule.checks]]\nkind = \"exists\"";
        let failed =
            |path: &str| crate::page::PageFacts::failed(format!("{HOST}{path}"), "timeout");
        // Most of the site unread: the link may be on any of those pages.
        let mut p = pages(&PAGES[2..]);
        p.push(failed("/zwgk/gfxwj/index.html"));
        p.push(failed("/zwgk/other.html"));
        let r = run(&crate::site::Site::new(HOST, p), rule);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        // One dead page among pages read: the absence is a finding.
        let mut p = pages(&PAGES[1..]);
        p.push(failed("/zwgk/gfxwj/index.html"));
        let r = run(&crate::site::Site::new(HOST, p), rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }

    /// A home page linking to one page that could not be fetched, labelled `label`.
    fn site_with_dead_link(label: &str, more: &[(&str, &str)]) -> crate::site::Site {
        let home = format!("<title>首页</title><a href=\"/dead.html\">{label}</a>");
        let mut specs = vec![("/index.html", home.as_str())];
        specs.extend_from_slice(more);
        let mut p = pages(&specs);
        p.push(crate::page::PageFacts::failed(
            format!("{HOST}/dead.html"),
            "connection reset",
        ));
        crate::site::Site::new(HOST, p)
    }

    #[test]
    fn an_unfetched_page_matters_only_if_what_is_known_of_it_could_match() {
        let rule = "locate = { title = \"十四五.*规划\" }\n[[rule.checks]]\nkind = \"exists\"";
        // Its link says it is something else: the absence is a finding.
        let r = run(&site_with_dead_link("互动交流", &[]), rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        // Its link names what is sought, is cut short, or says nothing: unknown.
        for label in [
            "“十四五”文化和旅游发展规划",
            "广东省“十四五”文化和…",
            "更多>>",
            "",
        ] {
            let r = run(&site_with_dead_link(label, &[]), rule);
            assert_eq!(r.outcome, Outcome::Incomplete, "{label}: {}", r.message);
            assert!(r.evidence[0].url.ends_with("/dead.html"));
        }
        // A list entry naming it, dated before the window sought, rules it out.
        let list = "<title>通知公告</title><ul><li><a href=\"/dead.html\">“十四五”规划</a><span>2019-01-02</span></li>\
                    <li><a href=\"/x1.html\">其他通知一</a><span>2021-01-02</span></li>\
                    <li><a href=\"/x2.html\">其他通知二</a><span>2021-01-03</span></li></ul>";
        let dated = "locate = { title = \"十四五.*规划\", published_after = \"2021-01-01\" }\n[[rule.checks]]\nkind = \"exists\"";
        let r = run(&site_with_dead_link("更多", &[("/list.html", list)]), dated);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }

    #[test]
    fn a_located_page_that_fails_fails_whatever_else_was_not_fetched() {
        let report = "<title>2021年政府信息公开工作年度报告</title><p>一、总体情况</p>";
        let rule = "locate = { title = \"年度报告\" }\n[[rule.checks]]\nkind = \"text\"\nkeywords = [\"总体情况\", \"存在的主要问题\"]\npages = \"any\"";
        let s = site_with_dead_link("年度报告", &[("/report.html", report)]);
        let r = run(&s, rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message.contains("1个可能相关的页面无法获取"),
            "{}",
            r.message
        );
    }

    #[test]
    fn locate_by_publication_date() {
        let s = site(&[
            (
                "/a.html",
                "<title>新闻发布会</title><div>时间 : 2021-06-01 10:00</div>",
            ),
            (
                "/b.html",
                "<title>新闻发布会</title><div>时间 : 2020-06-01 10:00</div>",
            ),
            ("/c.html", "<title>新闻发布会</title>"),
        ]);
        let r = run(&s, "locate = { title = \"发布会\", published_after = \"{year}-01-01\", published_before = \"{year}-12-31\" }\n[[rule.checks]]\nkind = \"exists\"\nmin = 1");
        assert_eq!(r.outcome, Outcome::Pass);
        assert_eq!(
            r.evidence.len(),
            1,
            "undated and 2020 pages left out: {:?}",
            r.evidence
        );
        let r = run(&s, "locate = { title = \"发布会\", published_after = \"{year+1}-01-01\" }\n[[rule.checks]]\nkind = \"exists\"");
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(
            r.message.contains("发布于计划年+1年01-01或之后"),
            "{}",
            r.message
        );
    }

    #[test]
    fn all_any_not() {
        let s = site(&PAGES);
        let base = "locate = { url = \"post_1\" }\n[[rule.checks]]\n";
        let pass = "kind = \"text\"\npattern = \"施行\"";
        let fail = "kind = \"text\"\npattern = \"废止\"";
        let all_fail = run(&s, &format!("{base}kind = \"all\"\n[[rule.checks.checks]]\n{pass}\n[[rule.checks.checks]]\n{fail}"));
        assert_eq!(all_fail.outcome, Outcome::Fail);
        assert!(all_fail.message.contains("废止"), "{}", all_fail.message);
        let any_pass = run(&s, &format!("{base}kind = \"any\"\n[[rule.checks.checks]]\n{fail}\n[[rule.checks.checks]]\n{pass}"));
        assert_eq!(any_pass.outcome, Outcome::Pass);
        assert!(any_pass.check.starts_with("any>"));
        let any_fail = run(&s, &format!("{base}kind = \"any\"\n[[rule.checks.checks]]\n{fail}\n[[rule.checks.checks]]\n{fail}"));
        assert_eq!(any_fail.outcome, Outcome::Fail);
        let not_fail = run(
            &s,
            &format!("{base}kind = \"not\"\n[[rule.checks.checks]]\n{pass}"),
        );
        assert_eq!(not_fail.outcome, Outcome::Fail);
        let not_pass = run(
            &s,
            &format!("{base}kind = \"not\"\n[[rule.checks.checks]]\n{fail}"),
        );
        assert_eq!(not_pass.outcome, Outcome::Pass);
    }

    #[test]
    fn any_prefers_a_person_or_unknown_over_fail() {
        let s = site(&PAGES);
        let r = run(&s, "locate = { url = \"post_1\" }\n[[rule.checks]]\nkind = \"any\"\n[[rule.checks.checks]]\nkind = \"text\"\npattern = \"废止\"\n[[rule.checks.checks]]\nkind = \"evidence\"");
        assert_eq!(r.outcome, Outcome::NeedsEvidence, "{}", r.message);
    }
}
