//! Check kinds: one module per kind, each deciding a [`CheckResult`] from the
//! located pages, the site, the evidence records and the as-of date.
//!
//! Each module's documentation says what is checked, why it matters (the
//! regulation), an example, and the clause it comes from.

mod annual_report;
mod attachment;
mod availability;
mod columns;
mod current_version;
mod deadline;
mod evidence;
mod exists;
mod fresh;
mod links_available;
mod links_to;
mod list_items;
mod locate;
mod metadata;
mod normative;
mod replies;
mod sections;
mod text;
mod working_days;

use chrono::NaiveDate;

pub use locate::{locate, Located};
pub use replies::{DEFAULT_ASKED, DEFAULT_REPLIED};

use crate::calendar::WorkCalendar;
use crate::evidence::EvidenceSet;
use crate::outcome::{Evidence, Outcome};
use crate::page::PageFacts;
use crate::rule::{Check, Quantifier};
use crate::site::Site;

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
    fn new(
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
    match check {
        Check::Exists { min } => exists::check(cx, *min),
        Check::Text {
            matcher,
            scope,
            pages,
        } => text::check(cx, matcher, scope, *pages),
        Check::Sections { names, keys, pages } => sections::check(cx, names, keys, *pages),
        Check::ListItems { min, title, since } => {
            list_items::check(cx, *min, title.as_ref(), *since)
        }
        Check::Fresh {
            max_age_days,
            source,
        } => fresh::check(cx, *max_age_days, *source),
        Check::Deadline { by } => deadline::check(cx, *by),
        Check::WithinWorkingDays {
            days,
            working,
            from,
            pages,
        } => working_days::check(cx, *days, *working, from, *pages),
        Check::Metadata { fields, pages } => metadata::check(cx, fields, *pages),
        Check::LinksTo {
            url,
            text,
            resolves,
            pages,
        } => links_to::check(cx, url.as_ref(), text.as_ref(), *resolves, *pages),
        Check::LinksAvailable { max, pages } => links_available::counted(cx, *max, *pages),
        Check::Columns { kinds, states, max } => columns::check(cx, kinds, states, *max),
        Check::Availability {
            slow_millis,
            max_share,
            days,
            min_probes,
        } => availability::check(cx, *slow_millis, *max_share, *days, *min_probes),
        Check::Replies {
            asked,
            replied,
            max_delay_days,
            since_days,
            latest_reply_within_days,
        } => replies::check(
            cx,
            asked,
            replied,
            replies::Limits {
                max_delay_days: *max_delay_days,
                since_days: *since_days,
                latest_reply_within_days: *latest_reply_within_days,
            },
        ),
        Check::Attachment {
            extensions,
            name,
            min,
            pages,
        } => attachment::check(cx, extensions, name.as_ref(), *min, *pages),
        Check::Evidence { min, summary } => evidence::check(cx, *min, summary.as_ref()),
        Check::AnnualReportTables { pages } => annual_report::check(cx, *pages),
        Check::NormativeDocuments {
            report_title,
            pages,
        } => normative::check(cx, report_title.as_ref(), *pages),
        Check::CurrentVersion { versions, pages } => current_version::check(cx, versions, *pages),
        Check::All(children) => all(children, cx),
        Check::Any(children) => any(children, cx),
        Check::Not(child) => not(child, cx),
    }
}

/// Messages without repeats, in order.
fn distinct<'a>(messages: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for m in messages {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// Every check holds: the worst outcome decides.
pub fn all(children: &[Check], cx: &Context<'_>) -> CheckResult {
    let results: Vec<CheckResult> = children.iter().map(|c| evaluate(c, cx)).collect();
    combine_all(results)
}

/// Combine results of checks that must all hold.
pub fn combine_all(results: Vec<CheckResult>) -> CheckResult {
    let Some(worst) = Outcome::worst_of(results.iter().map(|r| r.outcome)) else {
        return CheckResult::new(Outcome::Pass, "all", "无检查项", Vec::new());
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

fn any(children: &[Check], cx: &Context<'_>) -> CheckResult {
    let results: Vec<CheckResult> = children.iter().map(|c| evaluate(c, cx)).collect();
    // Preference when nothing passes: a person may still decide, or the tool could not
    // see; not applicable only when no alternative applies at all.
    let all_not_applicable = results.iter().all(|r| r.outcome == Outcome::NotApplicable);
    let preferred = [Outcome::Pass, Outcome::NeedsEvidence, Outcome::Incomplete]
        .into_iter()
        .find_map(|wanted| results.iter().find(|r| r.outcome == wanted))
        .or_else(|| results.first().filter(|_| all_not_applicable));
    if let Some(r) = preferred {
        let mut r = r.clone();
        r.check = format!("any>{}", r.check);
        return r;
    }
    let message = distinct(results.iter().map(|r| r.message.as_str())).join("；且");
    let mut evidence: Vec<Evidence> = Vec::new();
    for e in results.iter().flat_map(|r| r.evidence.iter()) {
        if !evidence.contains(e) && evidence.len() < MAX_EVIDENCE {
            evidence.push(e.clone());
        }
    }
    CheckResult::new(
        Outcome::Fail,
        "any",
        format!("各备选条件均不满足：{message}"),
        evidence,
    )
}

fn not(child: &Check, cx: &Context<'_>) -> CheckResult {
    let r = evaluate(child, cx);
    let outcome = match r.outcome {
        Outcome::Pass => Outcome::Fail,
        Outcome::Fail => Outcome::Pass,
        other => other,
    };
    let message = match outcome {
        Outcome::Fail => format!("出现了不应出现的情形：{}", r.message),
        Outcome::Pass => format!("未出现不应出现的情形（{}）", r.message),
        _ => r.message,
    };
    CheckResult {
        outcome,
        message,
        evidence: r.evidence,
        check: format!("not>{}", r.check),
        findings: None,
    }
}

/// What a page-level check concluded about one page.
pub(crate) enum PageVerdict {
    /// The page passes; the excerpt that shows it.
    Pass(String),
    /// The page fails; what is wrong.
    Fail(String),
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
            } else if !unknowns.is_empty() || !located.unknown.is_empty() {
                let msg = if unknowns.is_empty() {
                    located.unknown_message()
                } else {
                    first_with_more(&unknowns)
                };
                CheckResult::new(Outcome::Incomplete, kind, msg, take(unknowns))
            } else {
                CheckResult::new(Outcome::Fail, kind, first_with_more(&fails), take(fails))
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
    fn link_located_absence_is_unknown_when_pages_failed() {
        let mut p = pages(&PAGES[1..]);
        p.push(crate::page::PageFacts::failed(
            format!("{HOST}/zwgk/gfxwj/index.html"),
            "timeout",
        ));
        let s = crate::site::Site::new(HOST, p);
        let r = run(
            &s,
            "locate = { link_text = \"印发\" }\n[[rule.checks]]\nkind = \"exists\"",
        );
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
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
