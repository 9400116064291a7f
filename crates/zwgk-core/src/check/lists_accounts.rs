//! `lists_accounts`: the newest located list of 政务新媒体 names every platform on which
//! the site itself links an account of the department. Its documentation is [`KIND`].

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{describe_field, Check, CheckResult, Context, Evaluate, Example, Field, Kind};
use crate::document::{role, Document, Role};
use crate::outcome::{Evidence, Outcome};
use crate::page::{Link, PageFacts};
use crate::pack::CheckCompiler;
use crate::rule::Pattern;

/// `lists_accounts`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "lists_accounts",
    summary: "a new-media list names every account the site links",
    what: "Reads the links of the pages matching `advertised_on` (by default the home page) \
that go to a new-media platform (`platforms`: 微博 on weibo.com, 抖音 on douyin.com, …) and \
are labelled as an account of that platform (the link text names the platform, as in \
「抖音：广东文旅」; share buttons and links to single posts labelled otherwise do not count). \
The newest located document (by publication date; the located pages themselves when none is \
a document) must name each such platform in its text or in the text of an attachment it \
links. A platform it does not name fails the check, with the list and the linking page as \
evidence; an attachment of the list that could not be read makes it incomplete instead. A \
site that links no account passes.",
    why: "Departments keep a published list of their 政务新媒体 (name, platform, account), \
updated as accounts open and close, with no account left out (国办发〔2018〕123号; task 24 \
of the 2021 plan: 清单管理，杜绝瞒报漏报). An account the home page promotes but the list \
omits is an account left out.",
    example: Example {
        rule: r#"locate = { title = "政务新媒体", describe = "政务新媒体清单" }

[[rule.checks]]
kind = "lists_accounts"
describe = "政务新媒体清单""#,
        passes: "the home page links 「抖音：广东文旅」 and the newest 名录 lists the 抖音 account",
        fails: "the newest 名录 lists 微信 and 微博 accounts only, while the home page links 「抖音：广东文旅」",
    },
    clause: "国办发〔2018〕123号",
    fields: &[
        Field {
            name: "advertised_on",
            ty: "regex (page URL)",
            default: Some("the home page"),
            meaning: "the pages whose account links the list must cover",
        },
        Field {
            name: "platforms",
            ty: "table: platform names (`|` between names) → host names",
            default: Some(
                "微博, 抖音, 头条, 快手, 哔哩哔哩|B站|bilibili, 西瓜视频, 小红书, 视频号 and \
微信 on their own hosts",
            ),
            meaning: "the platforms whose accounts count: a link to one of the hosts (or a \
sub-domain) labelled with one of the names is an account of that platform, and the list \
names the platform by any of the names",
        },
        describe_field("the list, in words"),
    ],
    compile,
    manual_default: None,
};

/// The built-in platforms: names (the first is the one messages use) and hosts.
const DEFAULT_PLATFORMS: &[(&str, &[&str])] = &[
    ("微博", &["weibo.com", "weibo.cn"]),
    ("抖音", &["douyin.com", "iesdouyin.com"]),
    ("头条", &["toutiao.com"]),
    ("快手", &["kuaishou.com", "gifshow.com"]),
    ("哔哩哔哩|B站|bilibili", &["bilibili.com", "b23.tv"]),
    ("西瓜视频", &["ixigua.com"]),
    ("小红书", &["xiaohongshu.com", "xhslink.com"]),
    ("视频号", &["channels.weixin.qq.com"]),
    ("微信", &["mp.weixin.qq.com"]),
];

/// The home page of a site: its root, or `index.html` at its root.
const HOME_PAGE: &str = r"^https?://[^/]+/(index\.s?html?)?$";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    advertised_on: Option<Spanned<String>>,
    platforms: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    describe: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let advertised_on = match &f.advertised_on {
        Some(p) => c.pattern(p)?,
        None => c.default_pattern(HOME_PAGE)?,
    };
    let platforms = match &f.platforms {
        Some(table) => {
            let span = table.span();
            let mut out = Vec::new();
            for (names, hosts) in table.get_ref() {
                let names: Vec<String> = names
                    .split('|')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect();
                let hosts: Vec<String> = hosts
                    .iter()
                    .map(|h| h.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect();
                if names.is_empty() || hosts.is_empty() {
                    c.invalid(
                        span.clone(),
                        "each platform needs a name and at least one host",
                    );
                    return None;
                }
                out.push(Platform { names, hosts });
            }
            if out.is_empty() {
                c.invalid(span, "`platforms` names no platform");
                return None;
            }
            out
        }
        None => DEFAULT_PLATFORMS
            .iter()
            .map(|(names, hosts)| Platform {
                names: names.split('|').map(String::from).collect(),
                hosts: hosts.iter().map(|h| h.to_string()).collect(),
            })
            .collect(),
    };
    Some(Check::new(ListsAccounts {
        advertised_on,
        platforms,
        describe: c.describe(&f.describe),
    }))
}

/// A platform whose accounts count.
#[derive(Debug)]
struct Platform {
    /// Its names; the first is the one messages use.
    names: Vec<String>,
    /// Its host names (sub-domains match too).
    hosts: Vec<String>,
}

impl Platform {
    fn named_in(&self, text: &str) -> bool {
        self.names.iter().any(|n| text.contains(n.as_str()))
    }

    /// Whether `host` (lower case) is one of the platform's hosts or a sub-domain of one.
    fn hosts(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| {
            host == *h
                || host
                    .strip_suffix(h.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

/// A compiled `lists_accounts` check.
#[derive(Debug)]
pub(crate) struct ListsAccounts {
    advertised_on: Pattern,
    platforms: Vec<Platform>,
    describe: Option<String>,
}

impl Evaluate for ListsAccounts {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }
}

/// Share buttons (分享到微博) link to the platforms too, but are no account.
static SHARE: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"(?i)share|分享").expect("valid pattern"));

/// An account link: to one of the platform's hosts, labelled with the platform's name.
fn account_of<'p>(platforms: &'p [Platform], link: &Link) -> Option<&'p Platform> {
    if SHARE.is_match(&link.url) || SHARE.is_match(&link.text) {
        return None;
    }
    let host = url::Url::parse(&link.url)
        .ok()?
        .host_str()?
        .to_ascii_lowercase();
    platforms
        .iter()
        .find(|p| p.hosts(&host) && p.named_in(&link.text))
}

/// The located page that is the current list: the newest document, else every located page.
fn current_lists<'a>(cx: &Context<'a>) -> Vec<&'a PageFacts> {
    let newest = cx
        .located
        .pages
        .iter()
        .copied()
        .filter(|p| p.is_ok() && role(p) == Role::Document)
        .filter_map(|p| {
            Document::of(cx.site, p)
                .published()
                .map(|(d, _)| (d, p))
                .filter(|(d, _)| *d <= cx.as_of)
        })
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.url.cmp(&a.1.url)));
    match newest {
        Some((_, page)) => vec![page],
        None => cx.located.pages.clone(),
    }
}

fn check(cx: &Context<'_>, rule: &ListsAccounts) -> CheckResult {
    let located = cx.located;
    if located.pages.is_empty() {
        return located.absent(KIND.name);
    }
    let what = rule.describe.as_deref().unwrap_or("政务新媒体清单");
    // Each platform the site links an account on, with the first such link.
    let mut advertised: Vec<(&Platform, &PageFacts, &Link)> = Vec::new();
    let mut home_unread = false;
    for page in cx.site.pages() {
        if !rule.advertised_on.is_match(&page.url) {
            continue;
        }
        if !page.is_ok() {
            home_unread = true;
            continue;
        }
        for link in &page.links {
            if let Some(p) = account_of(&rule.platforms, link) {
                if !advertised.iter().any(|(q, _, _)| std::ptr::eq(*q, p)) {
                    advertised.push((p, page, link));
                }
            }
        }
    }
    let lists = current_lists(cx);
    let list_url = lists[0].url.clone();
    if advertised.is_empty() {
        if home_unread {
            return CheckResult::new(
                Outcome::Incomplete,
                KIND.name,
                format!("链接政务新媒体账号的页面无法获取，无法与{what}比对"),
                vec![Evidence::new(list_url, "无法比对")],
            );
        }
        return CheckResult::new(
            Outcome::Pass,
            KIND.name,
            format!("网站首页未链接政务新媒体平台账号，{what}无须比对"),
            vec![Evidence::new(list_url, "无须比对")],
        );
    }
    // The list's own text and that of the attachments it links.
    let mut texts: Vec<String> = Vec::new();
    let mut unread_attachments: Vec<&str> = Vec::new();
    for list in &lists {
        texts.push(list.text.as_str().into_owned());
        for a in &list.attachments {
            match cx.site.page(&a.url) {
                Some(p) if p.is_ok() => texts.push(p.text.as_str().into_owned()),
                _ => unread_attachments.push(&a.url),
            }
        }
    }
    let missing: Vec<&(&Platform, &PageFacts, &Link)> = advertised
        .iter()
        .filter(|(p, _, _)| !texts.iter().any(|t| p.named_in(t)))
        .collect();
    let list_title = if lists.len() == 1 {
        format!("《{}》", lists[0].title)
    } else {
        what.to_string()
    };
    if missing.is_empty() {
        let names: Vec<&str> = advertised
            .iter()
            .map(|(p, _, _)| p.names[0].as_str())
            .collect();
        return CheckResult::new(
            Outcome::Pass,
            KIND.name,
            format!(
                "网站链接的{}个平台的账号（{}）均列入{list_title}",
                names.len(),
                names.join("、")
            ),
            vec![Evidence::new(list_url, format!("列入{}", names.join("、")))],
        );
    }
    if let Some(first) = unread_attachments.first() {
        return CheckResult::new(
            Outcome::Incomplete,
            KIND.name,
            format!(
                "{list_title}的附件无法读取（如 {first}），无法判定是否列入{}账号",
                missing[0].0.names[0]
            ),
            vec![Evidence::new(first.to_string(), "附件无法读取")],
        );
    }
    let accounts: Vec<String> = missing
        .iter()
        .map(|(p, _, link)| format!("{}账号「{}」", p.names[0], link.text))
        .collect();
    let mut evidence = vec![Evidence::new(
        list_url,
        format!("{list_title}未列入{}", accounts.join("、")),
    )];
    for (_, page, link) in &missing {
        evidence.push(Evidence::new(
            page.url.clone(),
            format!("链接「{}」→ {}", link.text, link.url),
        ));
    }
    evidence.truncate(super::MAX_EVIDENCE);
    CheckResult::new(
        Outcome::Fail,
        KIND.name,
        format!(
            "网站首页链接了{}，但{list_title}未列入：请将该账号补入{what}并更新",
            accounts.join("、")
        ),
        evidence,
    )
    .counting(missing.len())
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const HOME: &str = "<title>广东省文化和旅游厅</title><div class=\"xmt\"><h3>政务新媒体</h3><ul>\
        <li><a href=\"https://weibo.com/gdwhly\">新浪微博：广东文旅</a></li>\
        <li><a href=\"https://www.douyin.com/user/MS4wLjABAAAA\">抖音：广东文旅</a></li></ul></div>\
        <div class=\"share\"><a href=\"https://service.weibo.com/share/share.php?url=x\">微博</a></div>\
        <a href=\"https://www.toutiao.com/article/7000\">我厅召开新闻发布会</a>";
    const OLD_LIST: &str = "<title>政务新媒体名录（2020年12月）</title><div>发布时间：2020-12-03</div>\
        <table><tr><th>账号名称</th><th>平台</th></tr><tr><td>广东文旅</td><td>微信公众号</td></tr>\
        <tr><td>广东文旅</td><td>新浪微博</td></tr></table>";
    const RULE: &str = "locate = { title = \"政务新媒体\" }\n[[rule.checks]]\nkind = \"lists_accounts\"";

    fn new_list(rows: &str) -> String {
        format!(
            "<title>政务新媒体名录（2021年12月更新）</title><div>发布时间：2021-12-01</div>\
             <table><tr><th>账号名称</th><th>平台</th></tr>{rows}</table>"
        )
    }

    #[test]
    fn an_account_the_home_page_links_must_be_in_the_newest_list() {
        let rows = "<tr><td>广东文旅</td><td>微信公众号</td></tr><tr><td>广东文旅</td><td>新浪微博</td></tr>";
        let s = site(&[
            ("/index.html", HOME),
            ("/xmt/content/post_1.html", OLD_LIST),
            ("/xmt/content/post_2.html", &new_list(rows)),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("抖音账号「抖音:广东文旅」"), "{}", r.message);
        assert!(!r.message.contains("微博账号"), "{}", r.message);
        assert!(r.evidence[0].url.ends_with("/xmt/content/post_2.html"));
        assert!(r.evidence[1].url.ends_with("/index.html"));
    }

    #[test]
    fn the_newest_list_naming_every_platform_passes_though_an_older_one_did_not() {
        let rows = "<tr><td>广东文旅</td><td>新浪微博</td></tr><tr><td>广东文旅</td><td>抖音</td></tr>";
        let s = site(&[
            ("/index.html", HOME),
            ("/xmt/content/post_1.html", OLD_LIST),
            ("/xmt/content/post_2.html", &new_list(rows)),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("微博、抖音"), "{}", r.message);
    }

    #[test]
    fn share_buttons_and_post_links_are_no_accounts() {
        let home = "<title>首页</title><a href=\"https://service.weibo.com/share/share.php?url=x\">分享到微博</a>\
            <a href=\"https://www.douyin.com/video/7000\">我厅举办非遗周活动</a>";
        let s = site(&[
            ("/index.html", home),
            ("/xmt/content/post_1.html", OLD_LIST),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("未链接"), "{}", r.message);
    }

    #[test]
    fn a_list_in_an_attachment_is_read_and_an_unread_one_is_no_failure() {
        let page = "<title>政务新媒体名录（2021年12月更新）</title><div>发布时间：2021-12-01</div>\
            <p>附件：<a href=\"/xmt/files/mingdan.pdf\">政务新媒体名录.pdf</a></p>";
        let mut with_pdf = pages(&[
            ("/index.html", HOME),
            ("/xmt/content/post_2.html", page),
        ]);
        let mut pdf = crate::page::PageFacts::from_html(
            &format!("{HOST}/xmt/files/mingdan.pdf"),
            200,
            "<p>广东文旅 新浪微博</p><p>广东文旅 抖音</p>",
        );
        pdf.content_type = "application/pdf".into();
        with_pdf.push(pdf);
        let r = run(&crate::site::Site::new(HOST, with_pdf), RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);

        let without = site(&[("/index.html", HOME), ("/xmt/content/post_2.html", page)]);
        let r = run(&without, RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
    }

    #[test]
    fn platforms_may_be_given_and_are_checked() {
        let rule = "locate = { title = \"政务新媒体\" }\n[[rule.checks]]\nkind = \"lists_accounts\"\nplatforms = { \"南方号|南方+\" = [\"nfapp.southcn.com\"] }";
        let home = "<title>首页</title><a href=\"https://static.nfapp.southcn.com/x\">南方号：广东文旅</a>";
        let s = site(&[("/index.html", home), ("/xmt/content/post_1.html", OLD_LIST)]);
        let r = run(&s, rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("南方号账号"), "{}", r.message);
    }
}
