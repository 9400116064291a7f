//! The column survey: every column (栏目) of the site, its entries, its newest
//! entry and whether it is stale or blank.
//!
//! Inspectors reason in columns: 国办秘函〔2019〕19号 vetoes a site with five or more
//! stale columns (动态要闻类 not updated in two weeks, 通知公告/政策文件类 in six
//! months), ten or more columns that should be updated and are not, or five or
//! more blank columns. A pack's `[columns]` says which pages are a column's list
//! pages (on the provincial platform `/<section>_new<column>/index.html`, then
//! `index_2.html` …) and which kinds of column must be updated how often; the
//! survey applies that to the pages of a scan.
//!
//! A column is the set of list pages in one folder. Its entries are the dated
//! list items of those pages plus the links into the column's own folder that
//! carry no date (an entry without a publication date counts as not updated).
//! Its name is the list page's `ColumnName` meta, else the last breadcrumb
//! entry, else the page title.
//!
//! A folder's `index.html` is not always a list: section pages link to their
//! sub-columns, and some columns are a single page of content (a list of
//! accounts, questions and answers). So a column without entries is **blank**
//! only when its page says so (`暂无信息`, `暂无数据` …) or carries almost no text
//! of its own once the lines every list page repeats (header, navigation,
//! footer) are set aside; otherwise it is dated by the page's own publication
//! date, if any.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::page::PageFacts;
use crate::report::{ColumnReport, ColumnState};
use crate::rule::Pattern;
use crate::site::Site;

/// A kind of column with an update duty (`[[columns.kind]]`).
#[derive(Debug, Clone)]
pub struct ColumnKind {
    /// The kind's name, e.g. `动态要闻类`; `columns` checks refer to it.
    pub name: String,
    /// Matches the names of the columns of this kind.
    pub column: Pattern,
    /// The most days a column of this kind may go without a new entry.
    pub max_age_days: i64,
}

/// How to find a site's columns and what kind each is (`[columns]` of `pack.toml`).
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    /// Matches the URLs of list pages.
    pub list_url: Pattern,
    /// List pages that are not columns (the home page, a search page).
    pub exclude_url: Option<Pattern>,
    /// Column kinds, first match wins.
    pub kinds: Vec<ColumnKind>,
}

impl ColumnSpec {
    /// The kind of a column named `name`, if any.
    pub fn kind_of(&self, name: &str) -> Option<&ColumnKind> {
        self.kinds.iter().find(|k| k.column.is_match(name))
    }
}

/// The folder of a URL: everything up to its last `/`.
fn folder(url: &str) -> &str {
    let path_start = url.find("://").map_or(0, |i| i + 3);
    match url[path_start..].rfind('/') {
        Some(i) => &url[..path_start + i + 1],
        None => url,
    }
}

/// The column's name as its first list page gives it.
fn column_name(page: &PageFacts) -> String {
    if let Some(n) = page
        .meta_tags
        .get("ColumnName")
        .filter(|n| !n.trim().is_empty())
    {
        return n.trim().to_string();
    }
    if let Some(last) = page.breadcrumb.last().filter(|b| !b.is_empty()) {
        return last.clone();
    }
    page.title.clone()
}

/// The column's level: how far below the home page its breadcrumb puts it
/// (`首页 > 通知公告` is 1), else how deep its folder is.
fn column_level(page: &PageFacts, folder: &str) -> usize {
    if page.breadcrumb.len() >= 2 {
        return page.breadcrumb.len() - 1;
    }
    let path_start = folder.find("://").map_or(0, |i| i + 3);
    folder[path_start..]
        .matches('/')
        .count()
        .saturating_sub(1)
        .max(1)
}

/// The page number of a list page (`index.html` 1, `index_3.html` 3), for ordering.
fn page_number(url: &str) -> u32 {
    let file = &url[folder(url).len()..];
    file.split(['_', '.'])
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// A column page with no entries is blank when it says so…
const BLANK_MARKERS: [&str; 5] = [
    "暂无信息",
    "暂无数据",
    "暂无内容",
    "暂无记录",
    "暂无相关信息",
];

/// …or when it carries at most this many characters of its own.
const BLANK_OWN_CHARS: usize = 40;

/// List pages read to find the template lines: the site's chrome shows on any few
/// hundred of them, and a 100,000-page site may have tens of thousands.
const TEMPLATE_SAMPLE: usize = 400;

/// Lines most list pages repeat (header, navigation, footer): those on at least
/// three pages and on at least half of them (of an even sample of at most
/// [`TEMPLATE_SAMPLE`] pages).
fn template_lines(pages: &[&PageFacts]) -> BTreeSet<String> {
    let step = pages.len().div_ceil(TEMPLATE_SAMPLE).max(1);
    let pages: Vec<&PageFacts> = pages.iter().step_by(step).copied().collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for page in &pages {
        let text = page.text.as_str();
        let lines: BTreeSet<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for line in lines {
            *count.entry(line.to_string()).or_default() += 1;
        }
    }
    count
        .into_iter()
        .filter(|(_, n)| *n >= 3 && *n * 2 >= pages.len())
        .map(|(line, _)| line)
        .collect()
}

/// Characters of a page's own text: not template, not its title, name or breadcrumb.
fn own_chars(page: &PageFacts, name: &str, template: &BTreeSet<String>) -> usize {
    let crumbs = page.breadcrumb.join("");
    page.text
        .as_str()
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !template.contains(*l)
                && *l != name
                && *l != page.title
                && !l.contains("当前位置")
                && l.replace([' ', '>'], "") != crumbs
        })
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

/// Survey the columns of `site` as of `as_of`.
///
/// Columns are returned in URL order. Entries dated after `as_of` are ignored.
pub fn survey(site: &Site, spec: &ColumnSpec, as_of: NaiveDate) -> Vec<ColumnReport> {
    let mut by_folder: BTreeMap<&str, Vec<&PageFacts>> = BTreeMap::new();
    for page in site.pages() {
        if spec.list_url.is_match(&page.url)
            && !spec
                .exclude_url
                .as_ref()
                .is_some_and(|x| x.is_match(&page.url))
        {
            by_folder.entry(folder(&page.url)).or_default().push(page);
        }
    }
    let all: Vec<&PageFacts> = by_folder.values().flatten().copied().collect();
    let template = template_lines(&all);
    let mut out = Vec::with_capacity(by_folder.len());
    for (dir, mut pages) in by_folder {
        pages.sort_by_key(|p| (page_number(&p.url), p.url.clone()));
        let first = pages[0];
        let name = column_name(first);
        let kind = spec.kind_of(&name);
        let mut dated: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        let mut undated: BTreeSet<&str> = BTreeSet::new();
        let mut read = 0usize;
        for page in &pages {
            if page.is_failed() {
                continue;
            }
            read += 1;
            for item in &page.list_items {
                if item.date <= as_of {
                    let d = dated.entry(item.url.as_str()).or_insert(item.date);
                    *d = (*d).max(item.date);
                }
            }
            for link in &page.links {
                let url = link.url.as_str();
                if url.len() > dir.len()
                    && url.starts_with(dir)
                    && !spec.list_url.is_match(url)
                    && !url.contains('#')
                {
                    undated.insert(url);
                }
            }
        }
        undated.retain(|u| !dated.contains_key(u));
        let items = dated.len() + undated.len();
        let says_blank = || {
            let text = first.text.as_str();
            BLANK_MARKERS.iter().any(|m| text.contains(m))
                || own_chars(first, &name, &template) <= BLANK_OWN_CHARS
        };
        let blank = items == 0 && !first.is_failed() && says_blank();
        // A single page of content is dated by its own publication date.
        let newest = match dated.values().max().copied() {
            None if items == 0 && !blank => first.published.filter(|d| *d <= as_of),
            newest => newest,
        };
        let age_days = newest.map(|d| (as_of - d).num_days());
        let state = if first.is_failed() && read == 0 {
            ColumnState::Unknown
        } else if blank {
            ColumnState::Blank
        } else {
            match kind {
                Some(k) if age_days.is_none_or(|a| a > k.max_age_days) => ColumnState::Stale,
                _ => ColumnState::Current,
            }
        };
        out.push(ColumnReport {
            name,
            url: first.url.clone(),
            level: column_level(first, dir),
            pages: pages.len(),
            items,
            undated: undated.len(),
            newest,
            kind: kind.map(|k| k.name.clone()),
            max_age_days: kind.map(|k| k.max_age_days),
            age_days,
            state,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{Link, ListItem};
    use std::sync::Arc;

    fn pattern(s: &str) -> Pattern {
        Pattern {
            source: s.into(),
            regex: regex::Regex::new(s).unwrap(),
        }
    }

    fn spec() -> ColumnSpec {
        ColumnSpec {
            list_url: pattern(r"/index(_\d+)?\.html$"),
            exclude_url: Some(pattern(r"^https?://[^/]+/index\.html$")),
            kinds: vec![
                ColumnKind {
                    name: "动态要闻类".into(),
                    column: pattern("动态|要闻"),
                    max_age_days: 14,
                },
                ColumnKind {
                    name: "通知公告类".into(),
                    column: pattern("通知公告|公告栏"),
                    max_age_days: 183,
                },
            ],
        }
    }

    fn list(url: &str, name: &str, items: &[(&str, &str)]) -> PageFacts {
        let mut p = PageFacts::other(url, 200, "text/html");
        p.meta_tags.insert("ColumnName".into(), name.into());
        p.breadcrumb = vec!["首页".into(), name.into()];
        for (u, d) in items {
            p.list_items.push(ListItem {
                url: (*u).into(),
                title: "条目".into(),
                date: d.parse().unwrap(),
                fields: Default::default(),
            });
            p.links.push(Arc::new(Link {
                url: (*u).into(),
                text: "条目".into(),
                context: String::new(),
            }));
        }
        p
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn columns_are_found_named_dated_and_judged_by_kind() {
        let news = list(
            "http://x/news_newgzdt/index.html",
            "工作动态",
            &[
                ("http://x/news_newgzdt/content/post_2.html", "2022-01-20"),
                ("http://x/news_newgzdt/content/post_1.html", "2021-12-01"),
            ],
        );
        let news2 = list(
            "http://x/news_newgzdt/index_2.html",
            "工作动态",
            &[("http://x/news_newgzdt/content/post_0.html", "2021-06-01")],
        );
        let notices = list(
            "http://x/open_newggl/index.html",
            "公告栏",
            &[("http://x/open_newggl/content/post_9.html", "2021-10-01")],
        );
        let blank = list("http://x/open_newrsxx/index.html", "人事信息", &[]);
        let home = list(
            "http://x/index.html",
            "首页",
            &[("http://x/news_newgzdt/content/post_2.html", "2022-01-20")],
        );
        let site = Site::new("http://x/", vec![news, news2, notices, blank, home]);
        let cols = survey(&site, &spec(), date("2022-02-01"));
        let names: Vec<(&str, ColumnState)> =
            cols.iter().map(|c| (c.name.as_str(), c.state)).collect();
        assert_eq!(
            names,
            vec![
                ("工作动态", ColumnState::Current),
                ("公告栏", ColumnState::Current),
                ("人事信息", ColumnState::Blank),
            ]
        );
        let news = &cols[0];
        assert_eq!(news.url, "http://x/news_newgzdt/index.html");
        assert_eq!((news.pages, news.items), (2, 3));
        assert_eq!(news.newest, Some(date("2022-01-20")));
        assert_eq!(news.age_days, Some(12));
        assert_eq!(news.kind.as_deref(), Some("动态要闻类"));
        assert_eq!(news.level, 1);
        // Three weeks later the news column is stale; the notices are not yet.
        let cols = survey(&site, &spec(), date("2022-02-10"));
        assert_eq!(cols[0].state, ColumnState::Stale);
        assert_eq!(cols[1].state, ColumnState::Current);
        // Entries dated after the as-of date do not count.
        let cols = survey(&site, &spec(), date("2021-12-31"));
        assert_eq!(cols[0].newest, Some(date("2021-12-01")));
    }

    #[test]
    fn entries_without_dates_count_as_entries_but_not_as_updates() {
        let mut p = list("http://x/news_newyw/index.html", "要闻", &[]);
        p.links.push(Arc::new(Link {
            url: "http://x/news_newyw/content/post_5.html".into(),
            text: "无日期的要闻".into(),
            context: String::new(),
        }));
        let site = Site::new("http://x/", vec![p]);
        let cols = survey(&site, &spec(), date("2022-02-01"));
        assert_eq!((cols[0].items, cols[0].undated), (1, 1));
        assert_eq!(cols[0].newest, None);
        assert_eq!(cols[0].state, ColumnState::Stale);
    }

    #[test]
    fn a_list_page_not_fetched_is_unknown_not_blank() {
        let p = PageFacts::failed("http://x/news_newyw/index.html", "timeout");
        let site = Site::new("http://x/", vec![p]);
        let cols = survey(&site, &spec(), date("2022-02-01"));
        assert_eq!(cols[0].state, ColumnState::Unknown);
    }
}
