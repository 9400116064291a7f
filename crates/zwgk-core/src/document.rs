//! Documents: what the site states of one published item, wherever it states it.
//!
//! A portal says things about a document in several places: the detail page's labelled
//! fields (the catalogue's 索引号/文号/成文日期 block, the 集约化 基本信息 block, a
//! label/value table), its body text (a 文号 under the title, `自2018年3月1日起施行，有效期5年`),
//! the rows of the lists that link to it (a 规范性文件 table's 文号, 实施日期, 失效日期 and
//! 有效性 columns) and the catalogue's JSON entry. A [`Document`] is the detail page with
//! the list entries naming it; its [`Document::field`] looks in each place in turn and
//! says where the value was read ([`Place`]), for the evidence.
//!
//! [`role`] tells a listing (a column's index and its pagination, the catalogue's home
//! and API pages, search and sitemap pages) from a document: a listing is never judged
//! as one document.

use std::fmt;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::page::{ListItem, PageFacts};
use crate::site::Site;

/// What kind of page a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A list of items: a column's index and its pages, a catalogue's home or API
    /// answer, a search or sitemap page, a home page.
    Listing,
    /// One published item.
    Document,
}

/// URLs of listings: a folder, a column's `index.html` and its `index_2.html` … (and the
/// mobile `mindex`), the gkmlpt catalogue's home, API and category pages, search pages.
static LISTING_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^https?://[^/]+(?:/[^?#]*)?/(?:m?index(?:_\d+)?\.s?html?)?(?:[?#].*)?$",
        r"|/gkmlpt/(?:index|mindex|policy|annualreport)(?:[?#].*)?$",
        r"|/gkmlpt/api/",
        r"|/(?:search|so)(?:/|\.|\?)",
    ))
    .expect("valid regex")
});

/// Dated entries that make a page a list, when its URL does not say so.
const MANY_ITEMS: usize = 10;

/// Whether a URL is a listing's by its shape alone (a folder, `index.html`, a catalogue
/// listing, a search page).
pub fn is_listing_url(url: &str) -> bool {
    LISTING_URL.is_match(url)
}

/// Whether a page is a listing or a document: a listing by its URL (unless it carries a
/// document's labelled fields), or by holding many dated entries and no such fields.
pub fn role(page: &PageFacts) -> Role {
    let has_fields = page.metadata.len() >= 3;
    if is_listing_url(&page.url) && !has_fields {
        return Role::Listing;
    }
    if page.list_items.len() >= MANY_ITEMS && !has_fields && page.published.is_none() {
        return Role::Listing;
    }
    Role::Document
}

/// Where the site states a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// The document's own page (its labelled fields).
    Page,
    /// A list entry naming the document, on the list page with this URL.
    List(&'a str),
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Page => f.write_str("本页"),
            Place::List(url) => write!(f, "列表页 {url}"),
        }
    }
}

/// A value the site states, with where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated<'a> {
    /// The value as written (normalised).
    pub value: &'a str,
    /// Where it was read.
    pub from: Place<'a>,
}

/// One published item: its page and the list entries that name it.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The document's page.
    pub page: &'a PageFacts,
    /// The list entries naming it, with their list page's URL.
    pub listed: Vec<(&'a str, &'a ListItem)>,
}

impl<'a> Document<'a> {
    /// The document a page carries, with the list entries of the site that name it.
    pub fn of(site: &'a Site, page: &'a PageFacts) -> Self {
        Document {
            page,
            listed: site.listings_of(&page.url).collect(),
        }
    }

    /// The non-empty value of a label: the page's own labelled fields first, then the
    /// list entries naming the document.
    pub fn field(&self, label: &str) -> Option<Stated<'a>> {
        if let Some(v) = self.page.metadata_value(label) {
            return Some(Stated {
                value: v,
                from: Place::Page,
            });
        }
        self.listed.iter().find_map(|(list, item)| {
            item.fields
                .get(label)
                .map(String::as_str)
                .filter(|v| !crate::text::is_blank_value(v))
                .map(|value| Stated {
                    value,
                    from: Place::List(list),
                })
        })
    }

    /// The first of `labels` the site states a value for, with that label.
    pub fn first_field(&self, labels: &[&'a str]) -> Option<(&'a str, Stated<'a>)> {
        labels.iter().find_map(|l| self.field(l).map(|s| (*l, s)))
    }

    /// The publication date: the page's own, else the date of a list entry naming it.
    pub fn published(&self) -> Option<(NaiveDate, Place<'a>)> {
        if let Some(d) = self.page.published {
            return Some((d, Place::Page));
        }
        self.listed
            .iter()
            .map(|(list, item)| (item.date, Place::List(list)))
            .next()
    }

    /// Whether the page is a listing rather than a document ([`role`]).
    pub fn is_listing(&self) -> bool {
        role(self.page) == Role::Listing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, html: &str) -> PageFacts {
        PageFacts::from_html(url, 200, html)
    }

    #[test]
    fn listings_and_documents() {
        for url in [
            "http://x.gov.cn/",
            "http://x.gov.cn/zwgk/gfxwj/",
            "http://x.gov.cn/zwgk/gfxwj/index.html",
            "http://x.gov.cn/zwgk/gfxwj/index_3.html",
            "http://x.gov.cn/zwgk/gfxwj/mindex_2.html",
            "http://x.gov.cn/gkmlpt/index",
            "http://x.gov.cn/gkmlpt/policy",
            "http://x.gov.cn/gkmlpt/api/all/2629?page=1&sid=175",
        ] {
            assert_eq!(
                role(&page(url, "<title>列表</title>")),
                Role::Listing,
                "{url}"
            );
        }
        for url in [
            "http://x.gov.cn/zwgk/gfxwj/content/post_1.html",
            "http://x.gov.cn/gkmlpt/content/3/3763/post_3763656.html",
            "http://x.gov.cn/art/2021/3/15/art_1_2.html",
        ] {
            assert_eq!(
                role(&page(url, "<title>文件</title>")),
                Role::Document,
                "{url}"
            );
        }
        // Many dated entries and no fields of its own: a list, whatever its URL.
        let rows: String = (1..=12)
            .map(|i| format!("<li><a href=\"/c/{i}.html\">条目{i}</a> 2021-03-{i:02}</li>"))
            .collect();
        let list = page(
            "http://x.gov.cn/list.jsp?col=3",
            &format!("<ul>{rows}</ul>"),
        );
        assert_eq!(role(&list), Role::Listing);
        // A document page with a sidebar of a few dated links stays a document.
        let few: String = (1..=4)
            .map(|i| format!("<li><a href=\"/c/{i}.html\">相关{i}</a> 2021-03-{i:02}</li>"))
            .collect();
        let doc = page(
            "http://x.gov.cn/c/9.html",
            &format!("<h1>通知</h1><div>发布时间：2021-03-20</div><ul>{few}</ul>"),
        );
        assert_eq!(role(&doc), Role::Document);
    }

    #[test]
    fn fields_from_the_page_then_the_lists() {
        let list = page(
            "http://x.gov.cn/gfxwj/index.html",
            "<table><tr><th>文件名称</th><th>文号</th><th>发布日期</th><th>有效性</th></tr>\
             <tr><td><a href=\"/gfxwj/content/post_1.html\">办法</a></td><td>粤文规〔2017〕2号</td><td>2017-05-15</td><td>有效</td></tr></table>",
        );
        let detail = page(
            "http://x.gov.cn/gfxwj/content/post_1.html",
            "<h1>办法</h1><p>正文</p>",
        );
        let site = Site::new("x", [list, detail]);
        let doc = Document::of(
            &site,
            site.page("http://x.gov.cn/gfxwj/content/post_1.html")
                .unwrap(),
        );
        let number = doc.field("文号").unwrap();
        assert_eq!(number.value, "粤文规[2017]2号");
        assert_eq!(number.from, Place::List("http://x.gov.cn/gfxwj/index.html"));
        assert_eq!(doc.field("有效性").unwrap().value, "有效");
        assert_eq!(
            doc.published(),
            Some((
                NaiveDate::from_ymd_opt(2017, 5, 15).unwrap(),
                Place::List("http://x.gov.cn/gfxwj/index.html")
            ))
        );
        assert!(doc.field("失效日期").is_none());
    }
}
