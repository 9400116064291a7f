//! `links_available`: the links of a page lead somewhere. Its documentation is
//! [`KIND`].

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;

use super::{
    pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Field, Kind,
    PageVerdict,
};
use crate::pack::CheckCompiler;
use crate::page::Link;
use crate::rule::Quantifier;

/// `links_available`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "links_available",
    summary: "the page's links reach pages",
    what: "Every link of each located page whose target the scan fetched (a same-site \
page) or checked (an off-site link, `zwgk scan URL --check-external`) must answer below 400; \
more than `max` broken links on a page fails it and names them (an off-site one is marked \
`站外`). A target the scan could not fetch or check (timeout, network error, refused \
connection) makes the result `incomplete` when it could change the verdict, never `fail`; \
targets neither fetched nor checked (off-site links without `--check-external` or beyond \
`--max-external`, same-site pages beyond the crawl's limits) are counted as unchecked. A \
failure counts each broken link of the failing pages as a finding.",
    why: "Unavailable links are deducted in the national website inspection \
(国办秘函〔2019〕19号: 首页不可用链接 and 其他页面不可用链接), off-site links included; a \
通知公告 entry on the home page that leads to an error page hides the notice.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "links_available"
max = 0"#,
        passes: "a home page whose links all reach pages",
        fails: "one linking `/open_newggl/content/post_3774181.html`, which answers 404, or \
`「省政府」→ http://www.gd.gov.cn/old.html`, which a check of off-site links found answering 404 \
(`（状态404，站外）`)",
    },
    clause: "per rule",
    fields: &[
        Field {
            name: "max",
            ty: "integer, 0–1000000",
            default: Some("0"),
            meaning: "broken links tolerated per page",
        },
        pages_field("`every`"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    max: Option<Spanned<i64>>,
    pages: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(LinksAvailable {
        max: c.count(&f.max, 0, "max")?,
        pages: c.pages(&f.pages, Quantifier::Every)?,
    }))
}

/// A compiled `links_available` check.
#[derive(Debug)]
pub(crate) struct LinksAvailable {
    max: usize,
    pages: Quantifier,
}

impl Evaluate for LinksAvailable {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        counted(cx, self.max, self.pages)
    }
}

/// The most broken links one page verdict names.
const NAMED: usize = 5;

/// The first [`NAMED`] items, joined.
fn named(items: impl Iterator<Item = String>) -> String {
    items.take(NAMED).collect::<Vec<_>>().join("；")
}

/// A link that answered 400 or above: the link, the status, whether off-site.
struct Broken<'a> {
    link: &'a Link,
    status: u16,
    off_site: bool,
}

/// A link whose target could not be had: the link, and for an off-site one the error.
struct Unreachable<'a> {
    link: &'a Link,
    off_site_error: Option<&'a str>,
}

fn check(cx: &Context<'_>, max: usize, pages: Quantifier) -> CheckResult {
    per_page(cx, KIND.name, pages, |page| {
        let mut seen = BTreeSet::new();
        let mut checked = 0usize;
        let mut checked_off_site = 0usize;
        let mut unchecked = 0usize;
        let mut broken = Vec::new();
        let mut unreachable = Vec::new();
        for link in &page.links {
            if link.url == page.url || !seen.insert(link.url.as_str()) {
                continue;
            }
            match cx.site.page(&link.url) {
                None => match cx.site.external(&link.url) {
                    None => unchecked += 1,
                    Some(x) => match (x.status, x.error.as_deref()) {
                        (Some(status), _) => {
                            checked_off_site += 1;
                            if status >= 400 {
                                broken.push(Broken {
                                    link,
                                    status,
                                    off_site: true,
                                });
                            }
                        }
                        (None, error) => unreachable.push(Unreachable {
                            link,
                            off_site_error: Some(error.unwrap_or("未获得应答")),
                        }),
                    },
                },
                Some(t) if t.is_failed() => unreachable.push(Unreachable {
                    link,
                    off_site_error: None,
                }),
                Some(t) => {
                    checked += 1;
                    if let Some(status) = t.status().filter(|s| *s >= 400) {
                        broken.push(Broken {
                            link,
                            status,
                            off_site: false,
                        });
                    }
                }
            }
        }
        if broken.len() > max {
            return PageVerdict::Fail(format!(
                "《{}》有{}个不可用链接（允许{max}个）：{}",
                page.title,
                broken.len(),
                named(broken.iter().map(|b| format!(
                    "「{}」→ {}（状态{}{}）",
                    b.link.text,
                    b.link.url,
                    b.status,
                    if b.off_site { "，站外" } else { "" }
                )))
            ));
        }
        if broken.len() + unreachable.len() > max {
            return PageVerdict::Unknown(format!(
                "《{}》有{}个链接的目标未能获取，无法判定是否可用：{}",
                page.title,
                unreachable.len(),
                named(unreachable.iter().map(|u| match u.off_site_error {
                    None => format!("「{}」→ {}", u.link.text, u.link.url),
                    Some(e) => format!("「{}」→ {}（站外：{e}）", u.link.text, u.link.url),
                }))
            ));
        }
        PageVerdict::Pass(format!(
            "《{}》{checked}个站内链接可用{}{}{}",
            page.title,
            if checked_off_site == 0 {
                String::new()
            } else {
                format!("，{checked_off_site}个站外链接已核对")
            },
            if broken.is_empty() {
                String::new()
            } else {
                format!("，{}个不可用（允许{max}个）", broken.len())
            },
            if unchecked == 0 {
                String::new()
            } else {
                format!("，{unchecked}个未抓取（站外或超出抓取范围）未核对")
            }
        ))
    })
}

/// [`check`], counting as findings the broken links of the pages that fail it
/// (an inspection deducts per unavailable link).
fn counted(cx: &Context<'_>, max: usize, pages: Quantifier) -> CheckResult {
    let result = check(cx, max, pages);
    if result.outcome != crate::outcome::Outcome::Fail {
        return result;
    }
    let broken: usize = cx
        .located
        .pages
        .iter()
        .map(|p| broken_links(cx, p))
        .filter(|&n| n > max)
        .sum();
    result.counting(broken)
}

/// The distinct links of `page` whose target (same-site or checked off-site)
/// answered 400 or above.
fn broken_links(cx: &Context<'_>, page: &crate::page::PageFacts) -> usize {
    let mut seen = BTreeSet::new();
    page.links
        .iter()
        .filter(|l| l.url != page.url && seen.insert(l.url.as_str()))
        .filter(|l| {
            let status = match cx.site.page(&l.url) {
                Some(t) => t.status(),
                None => cx.site.external(&l.url).and_then(|x| x.status),
            };
            status.is_some_and(|s| s >= 400)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::external::{CheckMethod, ExternalLink};
    use crate::outcome::Outcome;
    use crate::page::PageFacts;
    use crate::site::Site;

    const RULE: &str =
        "locate = { url = \"/index\\\\.html$\" }\n[[rule.checks]]\nkind = \"links_available\"";

    fn home(extra: Vec<PageFacts>) -> Site {
        let mut p = pages(&[
            ("/index.html", "<title>首页</title><a href=\"/a.html\">通知一</a><a href=\"/b.html\">通知二</a><a href=\"http://www.gov.cn/\">中国政府网</a>"),
            ("/a.html", "<title>通知一</title>"),
        ]);
        p.extend(extra);
        Site::new("t", p)
    }

    #[test]
    fn all_fetched_links_work() {
        let s = home(vec![PageFacts::from_html(
            "http://whly.gd.gov.cn/b.html",
            200,
            "<title>通知二</title>",
        )]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("2个站内链接可用"), "{}", r.message);
        assert!(r.message.contains("1个未抓取"), "{}", r.message);
    }

    #[test]
    fn a_404_fails_naming_the_link() {
        let s = home(vec![PageFacts::other(
            "http://whly.gd.gov.cn/b.html",
            404,
            "text/html",
        )]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message
                .contains("「通知二」→ http://whly.gd.gov.cn/b.html（状态404）"),
            "{}",
            r.message
        );
        // An inspection deducts per unavailable link: the failure counts one.
        assert_eq!(r.finding_count(), 1);
        let tolerant = format!("{RULE}\nmax = 1");
        assert_eq!(run(&s, &tolerant).outcome, Outcome::Pass);
    }

    #[test]
    fn a_network_error_is_incomplete_not_fail() {
        let s = home(vec![PageFacts::failed(
            "http://whly.gd.gov.cn/b.html",
            "timed out",
        )]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
    }

    /// The home page with every same-site target fetched and fine.
    fn fetched_home() -> Site {
        home(vec![PageFacts::from_html(
            "http://whly.gd.gov.cn/b.html",
            200,
            "<title>通知二</title>",
        )])
    }

    const GOV: &str = "http://www.gov.cn/";

    #[test]
    fn an_off_site_link_that_answers_passes_and_is_counted() {
        let s = fetched_home().with_external([ExternalLink::answered(GOV, 200, CheckMethod::Head)]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("1个站外链接已核对"), "{}", r.message);
        assert!(!r.message.contains("未抓取"), "{}", r.message);
    }

    #[test]
    fn every_broken_link_is_a_finding_on_site_or_off() {
        let s = home(vec![PageFacts::other(
            "http://whly.gd.gov.cn/b.html",
            404,
            "text/html",
        )])
        .with_external([ExternalLink::answered(GOV, 410, CheckMethod::Get)]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert_eq!(r.finding_count(), 2);
    }

    #[test]
    fn an_off_site_404_fails_naming_the_link_as_off_site() {
        let s = fetched_home().with_external([ExternalLink::answered(GOV, 404, CheckMethod::Get)]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message
                .contains("「中国政府网」→ http://www.gov.cn/（状态404，站外）"),
            "{}",
            r.message
        );
        let tolerant = format!("{RULE}\nmax = 1");
        assert_eq!(run(&s, &tolerant).outcome, Outcome::Pass);
    }

    #[test]
    fn an_off_site_network_error_is_incomplete_not_fail() {
        let s = fetched_home().with_external([ExternalLink::unreachable(
            GOV,
            "connection refused",
            CheckMethod::Head,
        )]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(
            r.message
                .contains("「中国政府网」→ http://www.gov.cn/（站外：connection refused）"),
            "{}",
            r.message
        );
        let tolerant = format!("{RULE}\nmax = 1");
        assert_eq!(run(&s, &tolerant).outcome, Outcome::Pass);
    }

    #[test]
    fn an_off_site_link_never_checked_stays_unchecked() {
        let other = ExternalLink::answered("http://www.gd.gov.cn/", 404, CheckMethod::Get);
        let s = fetched_home().with_external([other]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("1个未抓取"), "{}", r.message);
        assert!(!r.message.contains("站外链接已核对"), "{}", r.message);
    }
}
