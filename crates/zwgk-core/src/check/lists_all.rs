//! `lists_all`: the located list holds every document of a kind the site publishes
//! elsewhere. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{describe_field, Check, CheckResult, Context, Evaluate, Example, Field, Kind};
use crate::analysis::normative::{own_number, read, Status};
use crate::document::{role, Document, Role};
use crate::outcome::{Evidence, Outcome};
use crate::page::PageFacts;
use crate::pack::CheckCompiler;
use crate::rule::{DateSpec, Pattern};

/// `lists_all`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "lists_all",
    summary: "a list holds every document of its kind",
    what: "Finds every document page of the site whose own 文号 (its labelled 文号 or \
发文字号, a number in its title, or a line under the title that is only the number; not a \
number quoted in the text) matches `number`, that is in force on the as-of date (from its \
实施日期, 失效日期, 有效期 or stated status; a document whose validity cannot be told is \
left out), and that was published on or before `published_before`. Each must be named by \
the located list pages: an entry linking to it, or an entry with its title or its 文号. \
Pages of the located column itself (by breadcrumb) count as listed. A document that is not \
listed fails the check, with its page as evidence.",
    why: "All valid normative documents are published together in the 政府信息公开 专栏 and \
kept current (task 22 of the 2021 plan): one published only as a notice elsewhere is missing \
from the list.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "lists_all"
number = "^粤文旅规"
published_before = "{year}-12-31"
describe = "现行有效的本部门规范性文件""#,
        passes: "the 规范性文件 table lists every 粤文旅规 document the site publishes",
        fails: "粤文旅规〔2021〕4号 (in force) is published only under 通知公告",
    },
    clause: "《政府信息公开条例》第二十条第（一）项",
    fields: &[
        Field {
            name: "number",
            ty: "regex",
            default: None,
            meaning: "the 文号 of the documents the list must hold (`{number_prefixes}` \
names the department's prefixes)",
        },
        Field {
            name: "published_before",
            ty: "date (`YYYY-MM-DD` or `{year}-MM-DD`)",
            default: Some("the as-of date"),
            meaning: "only documents published on or before this date must be listed",
        },
        describe_field("the documents the list must hold, in words"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    number: Option<Spanned<String>>,
    published_before: Option<Spanned<String>>,
    describe: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(number) = &f.number else {
        c.required("number");
        return None;
    };
    let number = c.pattern(number)?;
    let published_before = match &f.published_before {
        Some(d) => Some(c.date_spec(d)?),
        None => None,
    };
    Some(Check::new(ListsAll {
        number,
        published_before,
        describe: c.describe(&f.describe),
    }))
}

/// A compiled `lists_all` check.
#[derive(Debug)]
pub(crate) struct ListsAll {
    number: Pattern,
    published_before: Option<DateSpec>,
    describe: Option<String>,
}

impl Evaluate for ListsAll {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }
}

/// Whether the located list pages name `page` (by link, title or 文号), or `page` sits
/// in their column.
fn is_listed(cx: &Context<'_>, page: &PageFacts, number: &str) -> bool {
    let lists = &cx.located.pages;
    let same_number = |v: &str| v.split_whitespace().collect::<String>() == number;
    // The same document under a longer or shorter title (with or without the issuer).
    let same_title = |t: &str| {
        let (short, long) = if t.len() <= page.title.len() {
            (t, page.title.as_str())
        } else {
            (page.title.as_str(), t)
        };
        short.chars().count() >= 8 && long.contains(short)
    };
    lists.iter().any(|list| {
        list.list_items.iter().any(|item| {
            crate::site::same_page(&item.url, &page.url)
                || same_title(&item.title)
                || item.title.contains(number)
                || ["文号", "发文字号"]
                    .iter()
                    .any(|l| item.fields.get(*l).is_some_and(|v| same_number(v)))
        }) || (!list.breadcrumb.is_empty()
            && page.breadcrumb.len() > list.breadcrumb.len()
            && page.breadcrumb[..list.breadcrumb.len()] == list.breadcrumb[..]
            && list.breadcrumb.last() != Some(&"首页".to_string()))
    })
}

fn check(cx: &Context<'_>, rule: &ListsAll) -> CheckResult {
    let located = cx.located;
    if located.pages.is_empty() {
        return located.absent(KIND.name);
    }
    let what = rule
        .describe
        .clone()
        .unwrap_or_else(|| format!("文号匹配「{}」的现行有效文件", rule.number.source));
    let until = rule
        .published_before
        .and_then(|d| d.resolve(cx.plan_year))
        .map_or(cx.as_of, |d| d.min(cx.as_of));
    let mut held = 0usize;
    let mut missing: Vec<Evidence> = Vec::new();
    for page in cx.site.pages() {
        if !page.is_ok() || role(page) != Role::Document {
            continue;
        }
        let Some(number) = own_number(page).filter(|n| rule.number.is_match(n)) else {
            continue;
        };
        let doc = Document::of(cx.site, page);
        if doc.published().is_none_or(|(d, _)| d > until) {
            continue;
        }
        if read(&doc).status_on(cx.as_of) != Some(Status::Valid) {
            continue;
        }
        if is_listed(cx, page, &number) {
            held += 1;
        } else {
            missing.push(Evidence::new(
                page.url.clone(),
                format!("《{}》（{number}）未列入", page.title),
            ));
        }
    }
    let list = &located.pages[0].url;
    if missing.is_empty() {
        return CheckResult::new(
            Outcome::Pass,
            KIND.name,
            format!("网站上的{what}{held}件均已列入"),
            vec![Evidence::new(list.clone(), format!("列入{held}件"))],
        );
    }
    let n = missing.len();
    let first = missing[0].excerpt.clone();
    let message = if n == 1 {
        format!("{what}{first}（见于{}）", missing[0].url)
    } else {
        format!("{what}有{n}件未列入，如{first}")
    };
    missing.truncate(super::MAX_EVIDENCE);
    CheckResult::new(Outcome::Fail, KIND.name, message, missing).counting(n)
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const LIST: &str = "<title>规范性文件</title><div class=\"crumb\">当前位置：首页 &gt; 政府信息公开 &gt; 规范性文件</div>\
        <table><tr><th>文件名称</th><th>文号</th><th>发布日期</th></tr>\
        <tr><td><a href=\"/gfxwj/content/post_1.html\">关于印发甲办法的通知</a></td><td>粤文旅规〔2021〕1号</td><td>2021-03-15</td></tr></table>";
    const LISTED: &str = "<title>关于印发甲办法的通知</title><div class=\"crumb\">当前位置：首页 &gt; 政府信息公开 &gt; 规范性文件 &gt; 正文</div>\
        <div>发布时间：2021-03-15</div><p>文号：粤文旅规〔2021〕1号</p><p>实施日期：2021-04-15</p><p>失效日期：2026-04-14</p>";
    const ELSEWHERE: &str = "<title>关于印发乙办法的通知</title><div class=\"crumb\">当前位置：首页 &gt; 政务动态 &gt; 通知公告 &gt; 正文</div>\
        <div>发布时间：2021-12-10</div><p>文号：粤文旅规〔2021〕4号</p><p>实施日期：2021-12-10</p><p>失效日期：2026-12-09</p>";
    const INTERPRETATION: &str = "<title>《乙办法》解读</title><div class=\"crumb\">当前位置：首页 &gt; 政策解读 &gt; 正文</div>\
        <div>发布时间：2021-12-11</div><p>近日，我厅印发《乙办法》（粤文旅规〔2021〕4号），现解读如下。</p>";
    const RULE: &str = "locate = { url = \"/gfxwj/index\" }\n[[rule.checks]]\nkind = \"lists_all\"\nnumber = \"^粤文旅规\"\npublished_before = \"2021-12-31\"";

    #[test]
    fn a_valid_document_published_only_elsewhere_fails() {
        let s = site(&[
            ("/gfxwj/index.html", LIST),
            ("/gfxwj/content/post_1.html", LISTED),
            ("/tzgg/content/post_4.html", ELSEWHERE),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.evidence[0].url.ends_with("/tzgg/content/post_4.html"));
        assert!(r.message.contains("粤文旅规[2021]4号"), "{}", r.message);
    }

    #[test]
    fn a_quoted_number_or_a_listed_title_is_not_a_missing_document() {
        let listed_by_title = LIST.replace(
            "</table>",
            "<tr><td><a href=\"/gkmlpt/content/post_4.html\">关于印发乙办法的通知</a></td><td></td><td>2021-12-10</td></tr></table>",
        );
        let s = site(&[
            ("/gfxwj/index.html", &listed_by_title),
            ("/gfxwj/content/post_1.html", LISTED),
            ("/tzgg/content/post_4.html", ELSEWHERE),
            ("/zcjd/content/post_5.html", INTERPRETATION),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("2件均已列入"), "{}", r.message);
    }

    #[test]
    fn expired_and_later_documents_need_not_be_listed() {
        let expired = ELSEWHERE.replace("2026-12-09", "2021-12-31");
        let later = ELSEWHERE.replace("发布时间：2021-12-10", "发布时间：2022-01-20");
        for other in [expired, later] {
            let s = site(&[
                ("/gfxwj/index.html", LIST),
                ("/gfxwj/content/post_1.html", LISTED),
                ("/tzgg/content/post_4.html", &other),
            ]);
            let r = run_as_of(&s, RULE, "2022-02-01");
            assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        }
    }
}
