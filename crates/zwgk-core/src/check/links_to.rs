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
                let links_back = t
                    .links
                    .iter()
                    .any(|b| cx.site.page(&b.url).is_some_and(|p| std::ptr::eq(p, page)));
                if !back || links_back {
                    return PageVerdict::Pass(format!("「{}」→ {}", l.text, l.url));
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
}
