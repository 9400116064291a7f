//! `links_to`: the page links to a target, and the target resolves.
//!
//! - **What**: a link whose URL matches `url` and/or whose anchor text matches
//!   `text`; with `resolves = true` (default) its target was fetched with a 2xx
//!   status. A target that could not be fetched, or was not fetched at all
//!   (off-site), makes the result `incomplete`, never `fail`.
//! - **Why**: an interpretation and its policy link to each other (国办发〔2016〕19号);
//!   the portal links to the 12345 hotline and the 省长留言信箱; broken links are
//!   deducted in inspections (国办秘函〔2019〕19号).
//! - **Example**: `{ kind = "links_to", text = "解读" }` passes on a policy page with
//!   a 「相关解读」 link to a page that exists, fails when the link is missing or 404.
//! - **Clause**: per rule.

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::rule::{Pattern, Quantifier};

pub(super) fn check(
    cx: &Context<'_>,
    url: Option<&Pattern>,
    text: Option<&Pattern>,
    resolves: bool,
    pages: Quantifier,
) -> CheckResult {
    let wanted = [
        url.map(|p| format!("网址匹配「{}」", p.source)),
        text.map(|p| format!("文字匹配「{}」", p.source)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("、");
    per_page(cx, "links_to", pages, |page| {
        let candidates: Vec<_> = page
            .links
            .iter()
            .filter(|l| {
                url.is_none_or(|p| p.is_match(&l.url)) && text.is_none_or(|p| l.is_labelled(p))
            })
            .collect();
        if candidates.is_empty() {
            return PageVerdict::Fail(format!("《{}》无{wanted}的链接", page.title));
        }
        if !resolves {
            let l = candidates[0];
            return PageVerdict::Pass(format!("「{}」→ {}", l.text, l.url));
        }
        let mut broken = None;
        let mut unknown = None;
        for l in &candidates {
            match cx.site.page(&l.url) {
                Some(t) if t.is_ok() => {
                    return PageVerdict::Pass(format!("「{}」→ {}", l.text, l.url))
                }
                Some(t) if t.is_failed() => {
                    unknown = Some(format!("链接「{}」的目标 {} 无法获取", l.text, l.url))
                }
                Some(t) => {
                    broken = Some(format!(
                        "链接「{}」的目标 {} 返回状态{}",
                        l.text,
                        l.url,
                        t.status().unwrap_or(0)
                    ))
                }
                None => unknown = Some(format!("链接「{}」的目标 {} 未抓取", l.text, l.url)),
            }
        }
        match (unknown, broken) {
            (Some(u), _) => PageVerdict::Unknown(u),
            (None, Some(b)) => PageVerdict::Fail(b),
            (None, None) => PageVerdict::Fail(format!("《{}》无有效的{wanted}链接", page.title)),
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;
    use crate::page::PageFacts;
    use crate::site::Site;

    const RULE: &str =
        "locate = { url = \"/p\\\\.html\" }\n[[rule.checks]]\nkind = \"links_to\"\ntext = \"解读\"";

    #[test]
    fn resolves_broken_and_unreachable() {
        let p = (
            "/p.html",
            "<title>政策</title><a href=\"/r.html\">相关解读</a>",
        );
        let ok = site(&[p, ("/r.html", "<title>解读</title>")]);
        assert_eq!(run(&ok, RULE).outcome, Outcome::Pass);
        let mut broken = pages(&[p]);
        broken.push(PageFacts::other(
            "http://whly.gd.gov.cn/r.html",
            404,
            "text/html",
        ));
        let r = run(&Site::new("t", broken), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("404"), "{}", r.message);
        let mut down = pages(&[p]);
        down.push(PageFacts::failed(
            "http://whly.gd.gov.cn/r.html",
            "connection reset",
        ));
        assert_eq!(
            run(&Site::new("t", down), RULE).outcome,
            Outcome::Incomplete
        );
        let none = site(&[("/p.html", "<title>政策</title>")]);
        assert_eq!(run(&none, RULE).outcome, Outcome::Fail);
    }
}
