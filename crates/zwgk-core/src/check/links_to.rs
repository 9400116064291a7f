//! `links_to`: the page links to a target, and the target resolves. Its
//! documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    describe_field, pages_field, per_page, Check, CheckResult, Context, Evaluate, Example,
    Field, Kind, PageVerdict,
};
use crate::pack::CheckCompiler;
use crate::page::{Link, PageFacts};
use crate::rule::{Pattern, Quantifier};

/// `links_to`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "links_to",
    summary: "the page links to a target that resolves",
    what: "A link whose URL matches `url` and/or whose anchor text (or the label just \
before it) matches `text`; with `resolves = true` its target was fetched with a 2xx status. \
A target that could not be fetched, or was not fetched at all (off-site), makes the check \
`incomplete`, never `fail`; a target answering 404 (or missing from a mirror) fails.",
    why: "An interpretation and its policy link to each other (国办发〔2016〕19号); the \
portal links to the 12345 hotline and the 省长留言信箱; broken links are deducted in \
inspections (国办秘函〔2019〕19号).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "links_to"
text = "解读|图解"
resolves = true"#,
        passes: "a policy page with a 「相关解读」 link to a page that exists",
        fails: "a policy page without such a link, or whose link answers 404",
    },
    clause: "per rule",
    fields: &[
        Field {
            name: "url",
            ty: "regex",
            default: Some("none: give `url` and/or `text`"),
            meaning: "a regex on the target URL",
        },
        Field {
            name: "text",
            ty: "regex",
            default: Some("none: give `url` and/or `text`"),
            meaning: "a regex on the anchor text or the label before the link",
        },
        Field {
            name: "resolves",
            ty: "boolean",
            default: Some("`true`"),
            meaning: "whether the target must have been fetched with a 2xx status",
        },
        Field {
            name: "back",
            ty: "boolean",
            default: Some("`false`"),
            meaning: "whether the target must also link back to the page (an interpretation and its policy link to each other); a target outside the site is not checked",
        },
        Field {
            name: "linked_from",
            ty: "regex",
            default: Some("none"),
            meaning: "a page also passes when a page whose title matches links to it (a policy without a 相关解读 link whose interpretation links to it is still interpreted)",
        },
        pages_field("`any`"),
        describe_field("the link sought, in words (`指向解读材料的链接`)"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    url: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    resolves: Option<Spanned<bool>>,
    back: Option<Spanned<bool>>,
    linked_from: Option<Spanned<String>>,
    pages: Option<Spanned<String>>,
    describe: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    if f.url.is_none() && f.text.is_none() {
        c.required("url` or `text");
        return None;
    }
    Some(Check::new(LinksTo {
        url: c.opt_pattern(&f.url)?,
        text: c.opt_pattern(&f.text)?,
        resolves: f.resolves.as_ref().map(|r| *r.get_ref()).unwrap_or(true),
        back: f.back.as_ref().is_some_and(|b| *b.get_ref()),
        linked_from: c.opt_pattern(&f.linked_from)?,
        pages: c.pages(&f.pages, Quantifier::Any)?,
        describe: c.describe(&f.describe),
    }))
}

/// A compiled `links_to` check.
#[derive(Debug)]
pub(crate) struct LinksTo {
    url: Option<Pattern>,
    text: Option<Pattern>,
    resolves: bool,
    back: bool,
    linked_from: Option<Pattern>,
    pages: Quantifier,
    describe: Option<String>,
}

impl Evaluate for LinksTo {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }
}

fn check(cx: &Context<'_>, check: &LinksTo) -> CheckResult {
    let (url, text) = (check.url.as_ref(), check.text.as_ref());
    let wanted = match &check.describe {
        Some(d) => d.clone(),
        None => [
            url.map(|p| format!("网址匹配「{}」", p.source)),
            text.map(|p| format!("文字匹配「{}」", p.source)),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("、")
            + "的链接",
    };
    per_page(cx, KIND.name, check.pages, |page| {
        let candidates: Vec<&Link> = page
            .links
            .iter()
            .map(|l| &**l)
            .filter(|l| {
                url.is_none_or(|p| p.is_match(&l.url)) && text.is_none_or(|p| l.is_labelled(p))
            })
            .collect();
        if let Some(from) = check.linked_from.as_ref().and_then(|p| linking_page(cx, page, p)) {
            return PageVerdict::Pass(format!("《{}》链接到《{}》", from.title, page.title));
        }
        if candidates.is_empty() {
            return PageVerdict::Fail(format!("《{}》无{wanted}", page.title));
        }
        if !check.resolves {
            let l = candidates[0];
            return PageVerdict::Pass(format!("「{}」→ {}", l.text, l.url));
        }
        targets(cx, page, &candidates, check.back, &wanted)
    })
}

/// Whether link `b` leads to `page`, or to another copy of it: sites publish one article
/// under two addresses (a column's and the catalogue's), and a link to either is a link to
/// it. A copy has the same title; a link to a page not read is judged by its text.
fn names_page(cx: &Context<'_>, b: &Link, page: &PageFacts) -> bool {
    let same_title = |t: &str| {
        let (a, b) = (crate::text::compact_key(t), crate::text::compact_key(&page.title));
        a.chars().count() >= 6 && a == b
    };
    match cx.site.page(&b.url) {
        Some(p) => std::ptr::eq(p, page) || (p.is_ok() && same_title(&p.title)),
        None => same_title(&b.text),
    }
}

/// A fetched page whose title matches `title` and that links to `page` or to another
/// copy of it (the same title under another address: the catalogue's and a column's).
fn linking_page<'a>(cx: &Context<'a>, page: &PageFacts, title: &Pattern) -> Option<&'a PageFacts> {
    let linking_to = |target: &PageFacts| {
        cx.site
            .inbound_links(&target.url)
            .filter_map(|(from, _)| cx.site.page(from))
            .find(|p| p.is_ok() && !std::ptr::eq(*p, page) && title.is_match(&p.title))
    };
    linking_to(page).or_else(|| {
        let key = crate::text::compact_key(&page.title);
        if key.chars().count() < 6 {
            return None;
        }
        cx.site
            .pages()
            .iter()
            .filter(|p| p.is_ok() && !std::ptr::eq(*p, page))
            .filter(|p| crate::text::compact_key(&p.title) == key)
            .find_map(linking_to)
    })
}

/// Another located page that `target` links to and that links to `target` in turn: the
/// two are linked both ways through it (a policy links to its text interpretation, not to
/// the video made later of it).
fn linked_sibling<'a>(
    cx: &Context<'a>,
    target: &PageFacts,
    page: &PageFacts,
) -> Option<&'a PageFacts> {
    target.links.iter().find_map(|b| {
        let sibling = *cx
            .located
            .pages
            .iter()
            .find(|p| p.url == b.url && !std::ptr::eq(**p, page))?;
        sibling
            .links
            .iter()
            .any(|back| cx.site.page(&back.url).is_some_and(|t| std::ptr::eq(t, target)))
            .then_some(sibling)
    })
}

/// The verdict on a page from the targets of its matching links: one that was fetched
/// (and, with `back`, links back to the page) passes it.
fn targets(
    cx: &Context<'_>,
    page: &PageFacts,
    candidates: &[&Link],
    back: bool,
    wanted: &str,
) -> PageVerdict {
    let mut broken = None;
    let mut unknown = None;
    let mut one_way = None;
    let mut elsewhere = None;
    for l in candidates {
        match cx.site.page(&l.url) {
            Some(t) if t.is_ok() => {
                let links_back = t.links.iter().any(|b| names_page(cx, b, page));
                if !back || links_back {
                    return PageVerdict::Pass(format!("「{}」→ {}", l.text, l.url));
                }
                if let Some(sibling) = linked_sibling(cx, t, page) {
                    return PageVerdict::Pass(format!(
                        "「{}」→ {}；该页链接回同一文件的另一材料《{}》",
                        l.text, l.url, sibling.title
                    ));
                }
                one_way = Some((
                    t.url.clone(),
                    format!(
                        "《{}》链接到《{}》，但后者没有链接回本页（单向关联）",
                        page.title, t.title
                    ),
                ));
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
            None if back && !crate::site::same_host(&l.url, &page.url) => {
                elsewhere = Some(format!(
                    "「{}」→ {} 在站外（非本站发布），未核对回链",
                    l.text, l.url
                ))
            }
            None => unknown = Some(format!("链接「{}」的目标 {} 未抓取", l.text, l.url)),
        }
    }
    match (unknown, broken, one_way, elsewhere) {
        (_, _, Some((url, w)), _) => PageVerdict::FailAt(url, w),
        (Some(u), ..) => PageVerdict::Unknown(u),
        (None, Some(b), ..) => PageVerdict::Fail(b),
        (None, None, None, Some(e)) => PageVerdict::Pass(e),
        (None, None, None, None) => PageVerdict::Fail(format!("《{}》无有效的{wanted}", page.title)),
    }
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

    #[test]
    fn a_link_back_to_another_copy_of_the_page_counts() {
        // The interpretation in the catalogue links to the policy; the policy links back to
        // the column's copy of the same interpretation.
        const BACK: &str = "locate = { url = \"/gkmlpt/\" }\n[[rule.checks]]\nkind = \"links_to\"\ntext = \"原文\"\nback = true";
        let reading = "<title>《传承人认定办法》政策问答</title><a href=\"/gfxwj/p.html\">原文链接</a>";
        let policy = |to: &str| {
            format!("<title>关于印发《传承人认定办法》的通知</title><p>相关解读：<a href=\"{to}\">《传承人认定办法》政策问答</a></p>")
        };
        let copy = site(&[
            ("/gkmlpt/content/r.html", reading),
            ("/zcjd/content/r.html", reading),
            ("/gfxwj/p.html", &policy("/zcjd/content/r.html")),
        ]);
        let r = run(&copy, BACK);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        // A copy not read is known by the link's text.
        let unread = site(&[
            ("/gkmlpt/content/r.html", reading),
            ("/gfxwj/p.html", &policy("/zcjd/content/r.html")),
        ]);
        assert_eq!(run(&unread, BACK).outcome, Outcome::Pass);
        // A link back to another interpretation does not.
        let other = site(&[
            ("/gkmlpt/content/r.html", reading),
            ("/zcjd/content/x.html", "<title>《另一办法》政策问答</title>"),
            ("/gfxwj/p.html", &policy("/zcjd/content/x.html")),
        ]);
        assert_eq!(run(&other, BACK).outcome, Outcome::Fail);
        // The policy links back to its text interpretation, not to the later video: the
        // video is linked both ways through it.
        let video = "<title>视频解读：《传承人认定办法》</title><a href=\"/gfxwj/p.html\">原文链接</a>";
        let both = site(&[
            ("/gkmlpt/content/r.html", reading),
            ("/gkmlpt/content/v.html", video),
            ("/gfxwj/p.html", &policy("/gkmlpt/content/r.html")),
        ]);
        let r = run(&both, BACK);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }
}
