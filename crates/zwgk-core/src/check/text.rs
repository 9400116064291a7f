//! `text`: page text matches a regex or key words.
//!
//! - **What**: the normalised body text (or the title, or the text of elements
//!   matched by a CSS `selector`) contains a match of `pattern`, or the
//!   `keywords` (`match = "all"` or `"any"`).
//! - **Why**: requirements name content that must be stated, e.g. the 公开指南
//!   must give the office's address, hours, phone and fax (条例第十二条).
//! - **Example**: `{ kind = "text", keywords = ["办公地址", "办公时间", "联系电话", "传真"] }`
//!   passes on a guide listing all four, fails on one without 传真.
//! - **Clause**: per rule. Matching is on normalised text: full-width punctuation is
//!   folded to ASCII, so write `(` and `:` in patterns, never `（` or `：`.

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::page::PageFacts;
use crate::rule::{Quantifier, TextMatcher, TextScope};

/// Characters of context shown on each side of a match.
const CONTEXT: usize = 30;

fn scoped(page: &PageFacts, scope: &TextScope) -> String {
    match scope {
        TextScope::Body => page.text.as_str().into_owned(),
        TextScope::Title => page.title.clone(),
        TextScope::Selector(s) => page
            .selected
            .get(s)
            .map(|v| v.join("\n"))
            .unwrap_or_default(),
    }
}

/// A short excerpt of `text` around the byte range `start..end`.
pub(crate) fn around(text: &str, start: usize, end: usize) -> String {
    let before: String = text[..start]
        .chars()
        .rev()
        .take(CONTEXT)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[end..].chars().take(CONTEXT).collect();
    format!("…{}{}{}…", before, &text[start..end], after).replace('\n', " ")
}

pub(super) fn check(
    cx: &Context<'_>,
    matcher: &TextMatcher,
    scope: &TextScope,
    pages: Quantifier,
) -> CheckResult {
    per_page(cx, "text", pages, |page| {
        let text = scoped(page, scope);
        match matcher {
            TextMatcher::Pattern(p) => match p.regex.find(&text) {
                Some(m) => PageVerdict::Pass(around(&text, m.start(), m.end())),
                None => PageVerdict::Fail(format!("页面未包含匹配「{}」的内容", p.source)),
            },
            TextMatcher::Keywords { words, all } => {
                let found: Vec<(&String, usize)> = words
                    .iter()
                    .filter_map(|w| text.find(w.as_str()).map(|i| (w, i)))
                    .collect();
                let missing: Vec<&str> = words
                    .iter()
                    .filter(|w| !found.iter().any(|(f, _)| f == w))
                    .map(String::as_str)
                    .collect();
                let ok = if *all {
                    missing.is_empty()
                } else {
                    !found.is_empty()
                };
                if ok {
                    let (w, i) = found[0];
                    PageVerdict::Pass(around(&text, i, i + w.len()))
                } else if *all {
                    PageVerdict::Fail(format!("页面缺少关键词：{}", missing.join("、")))
                } else {
                    PageVerdict::Fail(format!("页面未包含任一关键词：{}", words.join("、")))
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const GUIDE: &str = "<title>政府信息公开指南</title><p>办公地址：广州市</p><p>办公时间：工作日</p><p>联系电话：020-1</p>";

    #[test]
    fn keywords_all_and_any() {
        let site = site(&[("/guide.html", GUIDE)]);
        let all = run(
            &site,
            r#"locate = { title = "指南" }
[[rule.checks]]
kind = "text"
keywords = ["办公地址", "办公时间", "联系电话", "传真"]"#,
        );
        assert_eq!(all.outcome, Outcome::Fail);
        assert!(all.message.contains("传真"), "{}", all.message);
        let any = run(
            &site,
            r#"locate = { title = "指南" }
[[rule.checks]]
kind = "text"
keywords = ["传真", "联系电话"]
match = "any""#,
        );
        assert_eq!(any.outcome, Outcome::Pass, "{}", any.message);
    }

    #[test]
    fn pattern_on_normalised_text_and_title() {
        let site = site(&[(
            "/a.html",
            "<title>规划</title><p>依据《条例》（国务院令第711号）</p>",
        )]);
        let pass = run(
            &site,
            r#"locate = { url = "a\\.html" }
[[rule.checks]]
kind = "text"
pattern = "国务院令第711号\\)""#,
        );
        assert_eq!(pass.outcome, Outcome::Pass, "{}", pass.message);
        assert!(pass.evidence[0].excerpt.contains("711"));
        let title = run(
            &site,
            r#"locate = { url = "a\\.html" }
[[rule.checks]]
kind = "text"
in = "title"
pattern = "条例""#,
        );
        assert_eq!(title.outcome, Outcome::Fail);
    }
}
