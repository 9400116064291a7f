//! Locating pages: which pages of the site a rule looks at.

use chrono::NaiveDate;

use super::CheckResult;
use crate::outcome::{Evidence, Outcome};
use crate::page::PageFacts;
use crate::rule::{Criteria, DateSpec, Locator};
use crate::site::Site;

/// The pages a locator found.
#[derive(Debug, Default)]
pub struct Located<'a> {
    /// Fetched pages (2xx) meeting the criteria and published on or before the as-of date.
    pub pages: Vec<&'a PageFacts>,
    /// Pages that could not be fetched but might meet the criteria: their absence is unknown.
    pub unknown: Vec<&'a PageFacts>,
    /// Pages meeting the criteria but published after the as-of date (left out).
    pub later: usize,
    /// What was sought, in words, for messages: the rule's `describe`, else the criteria
    /// (`符合条件的页面（标题匹配…）`).
    pub description: String,
    /// What was searched (the site's target) and how many pages it held.
    pub searched: (String, usize),
    /// Pages that could not be fetched while the locator selects pages by the links
    /// to them: those pages may hold the links sought, so an absence is unknown.
    pub unknown_linkers: usize,
    /// An absence is `not_applicable` rather than a failure (`if_absent`).
    pub absent_not_applicable: bool,
}

/// Whether a criterion can be decided for a page, and how.
#[derive(PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Unknown,
}

fn matches(c: &Criteria, page: &PageFacts, site: &Site, plan_year: i32) -> Tri {
    if let Some(p) = &c.url {
        if !p.is_match(&page.url) {
            return Tri::No;
        }
    }
    // The links to a page are the costliest criterion to test: it comes last.
    let linked = || {
        c.link_text.as_ref().is_none_or(|p| {
            site.inbound_links(&page.url)
                .any(|(_, link)| link.is_labelled(p))
        })
    };
    if let Some(wanted) = c.role {
        // A page that could not be fetched is judged by its URL's shape alone.
        let role = if page.is_failed() {
            if crate::document::is_listing_url(&page.url) {
                Some(crate::document::Role::Listing)
            } else {
                None
            }
        } else {
            Some(crate::document::role(page))
        };
        if role.is_some_and(|r| r != wanted) {
            return Tri::No;
        }
    }
    let content_criteria = !c.titles.is_empty()
        || c.breadcrumb.is_some()
        || c.column.is_some()
        || c.selector.is_some()
        || c.published_after.is_some()
        || c.published_before.is_some();
    if page.is_failed() {
        if !linked() || !unfetched_could_match(c, page, site, plan_year) {
            return Tri::No;
        }
        return if content_criteria {
            Tri::Unknown
        } else {
            Tri::Yes
        };
    }
    if !c.titles.iter().all(|p| p.is_match(&page.title)) {
        return Tri::No;
    }
    if let Some(p) = &c.breadcrumb {
        if !p.is_match(&page.breadcrumb_text()) {
            return Tri::No;
        }
    }
    if let Some(p) = &c.column {
        if !p.is_match(column_of(page)) {
            return Tri::No;
        }
    }
    if let Some(s) = &c.selector {
        if page.selected.get(s).is_none_or(Vec::is_empty) {
            return Tri::No;
        }
    }
    let in_range =
        |spec: Option<DateSpec>, after: bool| match spec.and_then(|s| s.resolve(plan_year)) {
            None => true,
            Some(bound) => page
                .published
                .is_some_and(|d| if after { d >= bound } else { d <= bound }),
        };
    if !in_range(c.published_after, true) || !in_range(c.published_before, false) {
        return Tri::No;
    }
    if !linked() {
        return Tri::No;
    }
    Tri::Yes
}

/// A page's column: its `ColumnName` meta, else the last step of its breadcrumb.
fn column_of(page: &PageFacts) -> &str {
    page.meta_tags
        .get("ColumnName")
        .map(|c| &**c)
        .or_else(|| page.breadcrumb.last().map(String::as_str))
        .unwrap_or_default()
}

/// Whether a page that could not be fetched might meet the content criteria, judged by
/// what the site says of it: the texts of the links to it and the list entries naming it
/// (their titles and dates, and the column of the list page). A page named only by
/// labels that say nothing (`更多`, a cut title ending in `…`, an image) might be anything.
fn unfetched_could_match(c: &Criteria, page: &PageFacts, site: &Site, plan_year: i32) -> bool {
    let listed: Vec<(&str, &crate::page::ListItem)> = site.listings_of(&page.url).collect();
    if !c.titles.is_empty() {
        let names: Vec<&str> = site
            .inbound_links(&page.url)
            .map(|(_, link)| link.text.as_str())
            .chain(listed.iter().map(|(_, item)| item.title.as_str()))
            .collect();
        let could = names.is_empty()
            || names
                .iter()
                .any(|n| !is_telling_name(n) || c.titles.iter().all(|p| p.is_match(n)));
        if !could {
            return false;
        }
    }
    if c.breadcrumb.is_some() || c.column.is_some() {
        let listers: Vec<&PageFacts> = listed
            .iter()
            .filter_map(|(url, _)| site.page(url))
            .collect();
        let in_column = |l: &PageFacts| {
            c.breadcrumb
                .as_ref()
                .is_none_or(|p| p.is_match(&l.breadcrumb_text()))
                && c.column.as_ref().is_none_or(|p| p.is_match(column_of(l)))
        };
        if !listers.is_empty() && !listers.iter().any(|l| in_column(l)) {
            return false;
        }
    }
    let bound = |spec: Option<DateSpec>| spec.and_then(|s| s.resolve(plan_year));
    let (after, before) = (bound(c.published_after), bound(c.published_before));
    if (after.is_some() || before.is_some()) && !listed.is_empty() {
        let in_range = |d: NaiveDate| after.is_none_or(|a| d >= a) && before.is_none_or(|b| d <= b);
        if !listed.iter().any(|(_, item)| in_range(item.date)) {
            return false;
        }
    }
    true
}

/// Whether a link text or list title names a page well enough to rule it out: four or
/// more characters of words, not cut short (`…`, `...`), not a generic label.
fn is_telling_name(name: &str) -> bool {
    const GENERIC: [&str; 12] = [
        "更多",
        "详情",
        "详细",
        "查看",
        "点击",
        "进入",
        "阅读全文",
        "全文",
        "下载",
        "附件",
        "more",
        "MORE",
    ];
    let name = name.trim();
    if name.ends_with('…') || name.ends_with("...") || name.ends_with("..") {
        return false;
    }
    let words: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
    if words.chars().count() < 4 {
        return false;
    }
    !GENERIC
        .iter()
        .any(|g| words.starts_with(g) && words.chars().count() <= 6)
}

fn describe(c: &Criteria) -> String {
    let mut parts = Vec::new();
    if !c.titles.is_empty() {
        let all: Vec<String> = c
            .titles
            .iter()
            .map(|p| format!("「{}」", p.source))
            .collect();
        parts.push(format!("标题匹配{}", all.join("且")));
    }
    let mut add = |label: &str, p: &Option<crate::rule::Pattern>| {
        if let Some(p) = p {
            parts.push(format!("{label}匹配「{}」", p.source));
        }
    };
    add("网址", &c.url);
    add("栏目路径", &c.breadcrumb);
    add("栏目", &c.column);
    add("链接文字", &c.link_text);
    if let Some(s) = &c.selector {
        parts.push(format!("含元素「{s}」"));
    }
    let show = |spec: DateSpec| match spec {
        DateSpec::Fixed(d) => d.to_string(),
        DateSpec::PlanYear { offset, month, day } => {
            let year = if offset == 0 {
                String::new()
            } else {
                format!("{offset:+}年")
            };
            format!("计划年{year}{month:02}-{day:02}")
        }
    };
    if let Some(d) = c.published_after {
        parts.push(format!("发布于{}或之后", show(d)));
    }
    if let Some(d) = c.published_before {
        parts.push(format!("发布于{}或之前", show(d)));
    }
    match c.role {
        Some(crate::document::Role::Document) => parts.push("为文件页（非列表页）".to_string()),
        Some(crate::document::Role::Listing) => parts.push("为列表页".to_string()),
        None => {}
    }
    parts.join("，")
}

/// Find the pages a locator selects, as of a date.
pub fn locate<'a>(
    locator: &Locator,
    site: &'a Site,
    as_of: NaiveDate,
    plan_year: i32,
) -> Located<'a> {
    let mut located = Located {
        description: locator
            .describe
            .clone()
            .unwrap_or_else(|| format!("符合条件的页面（{}）", describe(&locator.include))),
        searched: (site.target().to_string(), site.pages().len()),
        absent_not_applicable: locator.absent_not_applicable,
        // The pages that could not be fetched may hold the links sought: when they are
        // most of the site, an absence says nothing.
        unknown_linkers: if locator.include.link_text.is_some()
            && site.failed_count() * 2 > site.pages().len()
        {
            site.failed_count()
        } else {
            0
        },
        ..Located::default()
    };
    for page in site.pages() {
        if !page.is_failed() && !page.is_ok() {
            continue; // 404 and other error statuses: the page is not there
        }
        let included = matches(&locator.include, page, site, plan_year);
        if included == Tri::No {
            continue;
        }
        if locator
            .exclude
            .iter()
            .any(|e| matches(e, page, site, plan_year) == Tri::Yes)
        {
            continue;
        }
        if page.is_failed() || included == Tri::Unknown {
            located.unknown.push(page);
        } else if page.published.is_some_and(|d| d > as_of)
            && crate::document::role(page) == crate::document::Role::Document
        {
            // A document published later did not exist on the as-of date; a listing (a
            // home page, a column) did, whatever the date of its newest entry.
            located.later += 1;
        } else {
            located.pages.push(page);
        }
    }
    if locator.follow_entries || locator.follow_links.is_some() {
        follow(locator, site, as_of, &mut located);
    }
    located
}

/// One hop on from the located pages, where the evidence is: a listing's entries in
/// place of the listing (a question list → its question pages), and the pages linked
/// with a label matching `follow_links` (a guide → its application form page). Pages that
/// could not be fetched among them are unknown.
fn follow<'a>(locator: &Locator, site: &'a Site, as_of: NaiveDate, located: &mut Located<'a>) {
    let mut out: Vec<&'a PageFacts> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut add = |p: &'a PageFacts, located: &mut Located<'a>| {
        if !seen.insert(p.url.as_str()) {
            return;
        }
        if p.is_failed() {
            located.unknown.push(p);
        } else if p.is_ok() && p.published.is_none_or(|d| d <= as_of) {
            out.push(p);
        }
    };
    let pages = std::mem::take(&mut located.pages);
    for page in &pages {
        let entries: Vec<&'a PageFacts> = if locator.follow_entries {
            page.list_items
                .iter()
                .filter_map(|i| site.page(&i.url))
                .collect()
        } else {
            Vec::new()
        };
        if entries.is_empty() {
            add(page, located);
        }
        for e in entries {
            add(e, located);
        }
        if let Some(label) = &locator.follow_links {
            for link in page.links.iter().filter(|l| l.is_labelled(label)) {
                if let Some(target) = site.page(&link.url) {
                    add(target, located);
                }
            }
        }
    }
    located.pages = out;
}

impl<'a> Located<'a> {
    /// The distinct dated list items of the located pages (once per URL), dated on or
    /// before `as_of` and, when given, on or after `since` and with a title matching
    /// `title`; the newest first.
    pub fn dated_items(
        &self,
        as_of: NaiveDate,
        title: Option<&crate::rule::Pattern>,
        since: Option<NaiveDate>,
    ) -> Vec<&'a crate::page::ListItem> {
        let mut seen: std::collections::BTreeMap<&str, &crate::page::ListItem> =
            std::collections::BTreeMap::new();
        for page in &self.pages {
            for item in &page.list_items {
                if item.date <= as_of
                    && since.is_none_or(|s| item.date >= s)
                    && title.is_none_or(|p| p.is_match(&item.title))
                {
                    seen.entry(item.url.as_str()).or_insert(item);
                }
            }
        }
        let mut v: Vec<&crate::page::ListItem> = seen.into_values().collect();
        v.sort_by(|a, b| b.date.cmp(&a.date).then(a.url.cmp(&b.url)));
        v
    }

    /// The message for pages that may be the ones sought but could not be fetched.
    pub fn unknown_message(&self) -> String {
        let first = self.unknown.first().map(|p| p.url.as_str()).unwrap_or("");
        format!(
            "{}个可能相关的页面无法获取（如 {first}），无法判定",
            self.unknown.len()
        )
    }

    /// The result when no page was located: `incomplete` if pages that might
    /// match could not be fetched, else `fail`.
    pub fn absent(&self, kind: &str) -> CheckResult {
        if self.unknown.is_empty() && self.unknown_linkers > 0 {
            return CheckResult::new(
                Outcome::Incomplete,
                kind,
                format!(
                    "未找到{}，但有{}个页面无法获取，其中可能有所需链接，无法判定",
                    self.description, self.unknown_linkers
                ),
                vec![Evidence::new(
                    self.searched.0.clone(),
                    format!("{}个页面无法获取", self.unknown_linkers),
                )],
            );
        }
        if !self.unknown.is_empty() {
            let evidence = self
                .unknown
                .iter()
                .take(super::MAX_EVIDENCE)
                .map(|p| {
                    let reason = match &p.fetch {
                        crate::page::FetchState::Failed { reason } => reason.clone(),
                        _ => String::new(),
                    };
                    Evidence::new(p.url.clone(), format!("无法获取：{reason}"))
                })
                .collect();
            return CheckResult::new(Outcome::Incomplete, kind, self.unknown_message(), evidence);
        }
        let later = if self.later > 0 {
            format!("（另有{}个页面发布于评估日期之后，不计入）", self.later)
        } else {
            String::new()
        };
        let (target, pages) = &self.searched;
        if self.absent_not_applicable {
            return CheckResult::new(
                Outcome::NotApplicable,
                kind,
                format!("本站未设{}，不适用{later}", self.description),
                vec![Evidence::new(
                    target.clone(),
                    format!("在{pages}个页面中未找到{}", self.description),
                )],
            );
        }
        CheckResult::new(
            Outcome::Fail,
            kind,
            format!("未找到{}{later}", self.description),
            vec![Evidence::new(
                target.clone(),
                format!("在{pages}个页面中未找到{}", self.description),
            )],
        )
    }
}
