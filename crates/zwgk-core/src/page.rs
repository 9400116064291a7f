//! Page facts: what zwgk keeps of a fetched page (never the HTML itself).
//!
//! [`PageFacts::from_html`] turns a decoded HTML document into facts: title,
//! breadcrumb, headings, normalised text, links, the gkmlpt metadata block (read by
//! [`crate::quirks::gkmlpt`]), the publication date, dated list items and attachments.

use chrono::{NaiveDate, NaiveDateTime};
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use url::Url;

use crate::date;
pub use crate::selectors::Selectors;
use crate::text;

pub use crate::quirks::gkmlpt::METADATA_FIELDS;

/// File endings treated as attachments (documents offered for download).
pub const ATTACHMENT_EXTENSIONS: [&str; 12] = [
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "ppt", "pptx",
];

/// How a page was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FetchState {
    /// Fetched; the HTTP status (200 for a file read from a mirror folder).
    Fetched {
        /// HTTP status code.
        status: u16,
    },
    /// Could not be fetched or read: network error, timeout, unreadable file.
    Failed {
        /// What went wrong, for the report.
        reason: String,
    },
}

/// A link found on a page.
///
/// Pages hold their links behind [`Arc`]s so that a site's repeated links (its
/// navigation and footer on every page) can be kept once: see [`FactsInterner`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// Absolute URL, without fragment.
    pub url: String,
    /// Normalised anchor text (or, when the anchor has no text, its `title` attribute, else
    /// the `alt` text of the image it holds).
    pub text: String,
    /// The text just before the link (at most [`LINK_CONTEXT_CHARS`] characters, across
    /// element boundaries), which often labels it: `原文链接:`, `相关文件:`, `附件:`.
    #[serde(default)]
    pub context: String,
}

/// A page's normalised body text.
///
/// Pages of one portal share their header and footer text (site name,
/// navigation, 主办单位, 网站标识码 …). A [`FactsInterner`] keeps that shared
/// head and tail once for all the pages that carry them; [`PageText::as_str`]
/// gives the whole text back.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    head: Option<Arc<str>>,
    own: OwnText,
    tail: Option<Arc<str>>,
}

/// The part of a page's text no other page shares, as a [`PageText`] keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwnText {
    /// As is.
    Plain(Box<str>),
    /// An LZ4 block with the original length before it (little-endian `u32`), as
    /// packed from UTF-8 by a [`FactsInterner`]; bytes that do not unpack to UTF-8
    /// read as an empty text.
    Packed(#[serde(with = "byte_block")] Box<[u8]>),
}

/// An [`OwnText::Packed`] block as bytes, not as a sequence of numbers, for the
/// binary formats that tell the two apart in speed (the same in JSON and postcard).
mod byte_block {
    use serde::{de, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[u8]>, D::Error> {
        struct Block;
        impl<'de> de::Visitor<'de> for Block {
            type Value = Box<[u8]>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(v.into())
            }

            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(v.into_boxed_slice())
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    v.push(b);
                }
                Ok(v.into_boxed_slice())
            }
        }
        d.deserialize_byte_buf(Block)
    }
}

impl Default for OwnText {
    fn default() -> Self {
        OwnText::Plain(Box::default())
    }
}

/// Own text shorter than this is kept as is (bytes).
const PACK_FROM: usize = 256;

impl OwnText {
    fn pack(s: String) -> OwnText {
        if s.len() >= PACK_FROM {
            let packed = lz4_flex::block::compress_prepend_size(s.as_bytes());
            if packed.len() * 5 < s.len() * 4 {
                return OwnText::Packed(packed.into_boxed_slice());
            }
        }
        OwnText::Plain(s.into_boxed_str())
    }

    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            OwnText::Plain(s) => std::borrow::Cow::Borrowed(s),
            // Packed from a `str` by `pack`: decompresses to the same UTF-8.
            OwnText::Packed(b) => std::borrow::Cow::Owned(
                lz4_flex::block::decompress_size_prepended(b)
                    .ok()
                    .and_then(|v| String::from_utf8(v).ok())
                    .unwrap_or_default(),
            ),
        }
    }

    fn len(&self) -> usize {
        match self {
            OwnText::Plain(s) => s.len(),
            OwnText::Packed(b) => b
                .get(..4)
                .map_or(0, |n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize),
        }
    }
}

impl PageText {
    /// The whole text (borrowed when nothing is shared).
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        let own = self.own.text();
        match (&self.head, &self.tail) {
            (None, None) => own,
            (head, tail) => {
                let mut s = String::with_capacity(self.len());
                s.push_str(head.as_deref().unwrap_or(""));
                s.push_str(&own);
                s.push_str(tail.as_deref().unwrap_or(""));
                std::borrow::Cow::Owned(s)
            }
        }
    }

    /// The text that is this page's own: the whole text but the head and tail it shares
    /// with other pages of its template (navigation, footer).
    pub fn own_str(&self) -> std::borrow::Cow<'_, str> {
        self.own.text()
    }

    /// Length of the whole text, in bytes.
    pub fn len(&self) -> usize {
        self.head.as_deref().map_or(0, str::len)
            + self.own.len()
            + self.tail.as_deref().map_or(0, str::len)
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of the text kept once for several pages (its shared head and tail).
    pub fn shared_len(&self) -> usize {
        self.len() - self.own.len()
    }

    /// The head this page shares with others of its template, if any.
    pub fn shared_head(&self) -> Option<&Arc<str>> {
        self.head.as_ref()
    }

    /// The tail this page shares with others of its template, if any.
    pub fn shared_tail(&self) -> Option<&Arc<str>> {
        self.tail.as_ref()
    }

    /// The part of the text that is the page's own, as kept.
    pub fn own(&self) -> &OwnText {
        &self.own
    }

    /// A text from the parts [`PageText::shared_head`], [`PageText::own`] and
    /// [`PageText::shared_tail`] gave (to read back texts kept elsewhere with what
    /// they share).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use zwgk_core::page::{OwnText, PageText};
    ///
    /// let head: Arc<str> = Arc::from("网站首页\n");
    /// let text = PageText::from_parts(Some(head), OwnText::Plain("正文".into()), None);
    /// assert_eq!(text.as_str(), "网站首页\n正文");
    /// ```
    pub fn from_parts(head: Option<Arc<str>>, own: OwnText, tail: Option<Arc<str>>) -> Self {
        PageText { head, own, tail }
    }
}

impl From<String> for PageText {
    fn from(s: String) -> Self {
        PageText {
            head: None,
            own: OwnText::Plain(s.into_boxed_str()),
            tail: None,
        }
    }
}

impl std::fmt::Display for PageText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.head.as_deref().unwrap_or(""))?;
        f.write_str(&self.own.text())?;
        f.write_str(self.tail.as_deref().unwrap_or(""))
    }
}

impl PartialEq for PageText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for PageText {}

impl Serialize for PageText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for PageText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(PageText::from)
    }
}

/// Shortest shared head or tail worth keeping once (bytes).
const MIN_SHARED_TEXT: usize = 64;
/// Distinct heads and tails remembered (one per page template, roughly).
const SHARED_TEXTS: usize = 32;

/// Keeps one copy of what the pages of a scan repeat: each distinct [`Link`]
/// and the header and footer text of each page template.
///
/// Most links of a portal page are its navigation, footer and column links,
/// and much of its text is the same header and footer; interning them as pages
/// arrive keeps a large scan's memory to what differs between pages plus a few
/// pointers per page.
///
/// ```
/// use zwgk_core::page::{FactsInterner, PageFacts};
///
/// let page = |body: &str| format!(r#"<p>广东省文化和旅游厅 欢迎访问 长者助手 手机版 设为首页 加入收藏 首页 政务公开 新闻中心 互动交流</p><a href="/zwgk/">政务公开</a><p>{body}</p><p>主办单位：广东省文化和旅游厅 网站标识码：4400000128 粤ICP备13022375号</p>"#);
/// let mut a = PageFacts::from_html("http://x.gov.cn/a.html", 200, &page("第一篇"));
/// let mut b = PageFacts::from_html("http://x.gov.cn/b.html", 200, &page("第二篇"));
/// let before = b.text.clone();
/// let mut interner = FactsInterner::default();
/// interner.intern(&mut a);
/// interner.intern(&mut b);
/// assert!(std::sync::Arc::ptr_eq(&a.links[0], &b.links[0]));
/// assert_eq!(b.text, before, "the text reads the same");
/// assert!(b.text.as_str().contains("第二篇"));
/// assert!(interner.shared_text_bytes() > 0);
/// ```
#[derive(Debug, Default)]
pub struct FactsInterner {
    links: foldhash::HashSet<Arc<Link>>,
    strings: foldhash::HashSet<Arc<str>>,
    heads: Vec<Arc<str>>,
    tails: Vec<Arc<str>>,
    previous: Option<String>,
}

impl FactsInterner {
    /// Replace the page's links by the kept copies (keeping the new ones) and
    /// share its text's head and tail with earlier pages of the same template.
    pub fn intern(&mut self, page: &mut PageFacts) {
        for link in &mut page.links {
            *link = kept(&mut self.links, Arc::clone(link));
        }
        self.intern_meta_tags(page);
        if let (None, None, OwnText::Plain(own)) =
            (&page.text.head, &page.text.tail, &mut page.text.own)
        {
            if !own.is_empty() {
                let whole = std::mem::take(own).into_string();
                page.text = self.share_text(whole);
            }
        }
    }

    fn share_text(&mut self, whole: String) -> PageText {
        let head = match self
            .heads
            .iter()
            .filter(|h| whole.starts_with(&***h))
            .max_by_key(|h| h.len())
        {
            Some(h) => Some(Arc::clone(h)),
            None => self.previous.as_deref().and_then(|prev| {
                let n = common_lines_prefix(prev, &whole);
                (n >= MIN_SHARED_TEXT).then(|| remember(&mut self.heads, &whole[..n]))
            }),
        };
        let start = head.as_deref().map_or(0, str::len);
        let rest = &whole[start..];
        let tail = match self
            .tails
            .iter()
            .filter(|t| rest.ends_with(&***t))
            .max_by_key(|t| t.len())
        {
            Some(t) => Some(Arc::clone(t)),
            None => self.previous.as_deref().and_then(|prev| {
                let n = common_lines_suffix(prev, rest);
                (n >= MIN_SHARED_TEXT).then(|| remember(&mut self.tails, &rest[rest.len() - n..]))
            }),
        };
        let end = whole.len() - tail.as_deref().map_or(0, str::len);
        let own = OwnText::pack(whole[start..end].to_string());
        self.previous = Some(whole);
        PageText { head, own, tail }
    }

    /// Keep `links` as the copies later pages share, for links of pages that were
    /// read back already shared (see [`FactsInterner::intern_meta_tags`]).
    pub fn adopt_links(&mut self, links: impl IntoIterator<Item = Arc<Link>>) {
        self.links.extend(links);
    }

    /// Share the meta tags of a page whose links and text are shared already (read
    /// back from where the pages of an earlier interner were kept, with their
    /// links adopted by [`FactsInterner::adopt_links`]); [`FactsInterner::intern`]
    /// does this and more for other pages.
    pub fn intern_meta_tags(&mut self, page: &mut PageFacts) {
        if !page.meta_tags.is_empty() {
            page.meta_tags = std::mem::take(&mut page.meta_tags)
                .into_iter()
                .map(|(k, v)| (kept(&mut self.strings, k), kept(&mut self.strings, v)))
                .collect();
        }
    }

    /// The distinct links kept (the copies the interned pages hold), in no order.
    pub fn kept_links(&self) -> impl Iterator<Item = &Arc<Link>> {
        self.links.iter()
    }

    /// Number of distinct links kept.
    pub fn links(&self) -> usize {
        self.links.len()
    }

    /// Bytes of header and footer text kept once for many pages.
    pub fn shared_text_bytes(&self) -> usize {
        self.heads.iter().chain(&self.tails).map(|s| s.len()).sum()
    }
}

/// The copy of `value` kept in `set`, keeping `value` when it is the first.
fn kept<T: std::hash::Hash + Eq + ?Sized>(
    set: &mut foldhash::HashSet<Arc<T>>,
    value: Arc<T>,
) -> Arc<T> {
    match set.get(&value) {
        Some(kept) => Arc::clone(kept),
        None => {
            set.insert(Arc::clone(&value));
            value
        }
    }
}

/// Keep a new shared head or tail, forgetting the oldest beyond [`SHARED_TEXTS`].
fn remember(list: &mut Vec<Arc<str>>, s: &str) -> Arc<str> {
    let shared: Arc<str> = Arc::from(s);
    if list.len() == SHARED_TEXTS {
        list.remove(0);
    }
    list.push(Arc::clone(&shared));
    shared
}

/// Bytes of the longest common prefix of `a` and `b` that ends with a line break.
fn common_lines_prefix(a: &str, b: &str) -> usize {
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    b.as_bytes()[..same]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

/// Bytes of the longest common suffix of `a` and `b` that starts after a line
/// break (or is the whole of `b`).
fn common_lines_suffix(a: &str, b: &str) -> usize {
    let same = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    if same == b.len() {
        return same;
    }
    let from = b.len() - same;
    match b.as_bytes()[from..].iter().position(|&c| c == b'\n') {
        Some(i) => same - i - 1,
        None => 0,
    }
}

/// Characters of preceding text kept as a link's context.
pub const LINK_CONTEXT_CHARS: usize = 16;

/// Bytes between a link and the one before it that are normalised on their own to make
/// the link's context; beyond this, the context (its last [`LINK_CONTEXT_CHARS`]
/// characters) lies wholly after the previous link anyway.
const SHORT_BETWEEN: usize = 256;

impl Link {
    /// Whether a pattern matches the anchor text or the label just before the link.
    pub fn is_labelled(&self, pattern: &crate::rule::Pattern) -> bool {
        pattern.is_match(&self.text) || pattern.is_match(&self.context)
    }
}

/// A dated entry of a list page (column list, catalogue API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// Absolute URL of the item.
    pub url: String,
    /// Item title.
    pub title: String,
    /// The date printed beside the item (in a table with a header row, its publication-date
    /// column).
    pub date: NaiveDate,
    /// What else the entry states, by label: the other columns of a table list under their
    /// headers (文号, 实施日期, 失效日期, 有效性, …), the catalogue's fields of an API entry.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A list entry whose date gives the month and day but no year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthDayItem {
    /// Absolute URL of the item.
    pub url: String,
    /// Item title.
    pub title: String,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

/// A downloadable document linked from a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Absolute URL.
    pub url: String,
    /// Link text (file name as shown).
    pub name: String,
    /// Lower-case file ending without the dot (`pdf`, `docx`, …).
    pub extension: String,
}

/// The facts of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFacts {
    /// Absolute URL of the page.
    pub url: String,
    /// Whether and how the page was fetched.
    pub fetch: FetchState,
    /// Media type, e.g. `text/html`.
    pub content_type: String,
    /// Page title: `ArticleTitle` meta, else the first `h1` that is not the site's name,
    /// else `<title>` without the site's name after its last separator; normalised.
    pub title: String,
    /// Breadcrumb entries, e.g. `["首页", "政务公开", "规范性文件"]`.
    pub breadcrumb: Vec<String>,
    /// Texts of `h1`–`h6`, normalised.
    pub headings: Vec<String>,
    /// Body text, normalised (see [`crate::text::normalize`]), one block per line.
    pub text: PageText,
    /// Links, in document order.
    pub links: Vec<Arc<Link>>,
    /// The metadata block (索引号, 分类, 发布机构, 成文日期, 名称, 文号, 发布日期, 主题词) as found;
    /// a field present with an empty value maps to "".
    pub metadata: BTreeMap<String, String>,
    /// `<meta name=… content=…>` tags (SiteName, ColumnName, PubDate, …).
    pub meta_tags: BTreeMap<Arc<str>, Arc<str>>,
    /// Publication date, from the metadata block, the article header or the PubDate meta.
    pub published: Option<NaiveDate>,
    /// Dated list entries on this page.
    pub list_items: Vec<ListItem>,
    /// List entries dated by month and day only (`01-28`, as home pages print them): the
    /// site dates them by the page they link to ([`crate::site::Site::new`]), which then
    /// lists them among [`PageFacts::list_items`].
    #[serde(default)]
    pub month_day_items: Vec<MonthDayItem>,
    /// Linked documents.
    pub attachments: Vec<Attachment>,
    /// Data tables (innermost `<table>`s with at least two rows), merged cells expanded.
    #[serde(default)]
    pub tables: Vec<Table>,
    /// For each CSS selector of the rule pack, the texts of the matching elements
    /// (normalised, at most [`MAX_SELECTOR_MATCHES`] per selector); selectors with no match are absent.
    pub selected: BTreeMap<String, Vec<String>>,
    /// When the site last vouched for these facts, for a page crawled over HTTP (`None`
    /// for a page read from a folder, or one that could not be fetched).
    #[serde(default)]
    pub confirmed: Option<Confirmed>,
}

/// When the site last vouched for a page's facts, and whether this scan asked it.
///
/// A crawl confirms a page when it receives its body or a `304 Not Modified` to the
/// validators of the copy it keeps. An incremental re-scan (`--cache`) may instead
/// *trust* the kept copy of a page that shows no sign of change (a detail page or
/// attachment whose list entries are as they were, confirmed within `--revalidate-after`):
/// its facts are then as old as `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    /// When the site last confirmed the facts (UTC).
    pub at: NaiveDateTime,
    /// Whether this scan took the facts from its cache without asking the site.
    pub trusted: bool,
}

/// A table as a grid of normalised cell texts. A cell spanning several rows or
/// columns appears in each position it covers; `spanned` marks those copies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Per cell, whether it is a copy of a spanning cell (not the cell's first position).
    pub spanned: Vec<Vec<bool>>,
}

/// Limits on what is kept of tables (hostile pages).
pub const MAX_TABLES: usize = 50;
/// Rows kept per table.
pub const MAX_TABLE_ROWS: usize = 1_000;
/// Columns kept per table.
pub const MAX_TABLE_COLS: usize = 64;

/// The most element texts kept per selector and page.
pub const MAX_SELECTOR_MATCHES: usize = 20;

/// Attribute lookup by name without building an interned name (scraper's `attr` interns
/// the name it is given on every call; an element has only a few attributes to compare).
pub(crate) trait AttrOf<'a> {
    fn attr_of(self, name: &str) -> Option<&'a str>;
}

impl<'a> AttrOf<'a> for &'a scraper::node::Element {
    #[inline]
    fn attr_of(self, name: &str) -> Option<&'a str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.ns.is_empty() && &*n.local == name)
            .map(|(_, v)| &**v)
    }
}

/// A link's name: its text, else its `title`, else the `alt` text of the image it holds
/// (a banner or a QR code), normalised.
fn anchor_text(a: ElementRef<'_>) -> String {
    let own = text::normalize_line(&a.text().collect::<String>());
    if !own.is_empty() {
        return own;
    }
    let title = a
        .attr_of("title")
        .map(text::normalize_line)
        .unwrap_or_default();
    if !title.is_empty() {
        return title;
    }
    a.descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "img")
        .and_then(|img| img.attr_of("alt"))
        .map(text::normalize_line)
        .unwrap_or_default()
}

impl<'a> AttrOf<'a> for ElementRef<'a> {
    #[inline]
    fn attr_of(self, name: &str) -> Option<&'a str> {
        self.value().attr_of(name)
    }
}

/// The elements page analysis reads, found in one pass over the document rather than
/// one pass per selector, in the order `Html::select` gives them (the tree's node
/// order, elements that have a parent). Each test is the built-in selector's:
/// `base[href]`, `meta[name][content]`, `h1`, `title`, `h1, …, h6`, `body`, `a[href]`,
/// `[class*=position], [class*=crumb], [class*=location], [class*=dqwz], [id*=position],
/// [id*=crumb], [id*=location]` (the breadcrumb), `li, tr, dd, dl` and `table`.
#[derive(Default)]
struct Found<'a> {
    base: Option<ElementRef<'a>>,
    meta: Vec<ElementRef<'a>>,
    h1: Vec<ElementRef<'a>>,
    title: Vec<ElementRef<'a>>,
    headings: Vec<ElementRef<'a>>,
    body: Option<ElementRef<'a>>,
    anchors: Vec<ElementRef<'a>>,
    crumbs: Vec<ElementRef<'a>>,
    rows: Vec<ElementRef<'a>>,
    tables: Vec<ElementRef<'a>>,
}

impl<'a> Found<'a> {
    fn of(doc: &'a Html) -> Found<'a> {
        let mut f = Found::default();
        for node in doc.tree.nodes() {
            let Some(e) = ElementRef::wrap(node) else {
                continue;
            };
            if e.parent().is_none() {
                continue;
            }
            let v = e.value();
            match v.name() {
                "base" if f.base.is_none() && v.attr_of("href").is_some() => f.base = Some(e),
                "meta" if v.attr_of("name").is_some() && v.attr_of("content").is_some() => {
                    f.meta.push(e);
                }
                "h1" => {
                    f.h1.push(e);
                    f.headings.push(e);
                }
                "h2" | "h3" | "h4" | "h5" | "h6" => f.headings.push(e),
                "title" => f.title.push(e),
                "body" if f.body.is_none() => f.body = Some(e),
                "a" if v.attr_of("href").is_some() => f.anchors.push(e),
                "li" | "tr" | "dd" | "dl" => f.rows.push(e),
                "table" => f.tables.push(e),
                _ => {}
            }
            let class_has = |words: &[&str]| {
                v.attr_of("class")
                    .is_some_and(|c| words.iter().any(|w| c.contains(w)))
            };
            let id_has = |words: &[&str]| {
                v.attr_of("id")
                    .is_some_and(|c| words.iter().any(|w| c.contains(w)))
            };
            if class_has(&["position", "crumb", "location", "dqwz"])
                || id_has(&["position", "crumb", "location"])
            {
                f.crumbs.push(e);
            }
        }
        f
    }
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("built-in selector is valid")
}

/// Elements whose text never reaches the reader.
const HIDDEN: [&str; 5] = ["script", "style", "noscript", "template", "head"];
/// Elements that start a new line of text.
const BLOCKS: [&str; 30] = [
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "section",
    "article",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "header",
    "footer",
    "nav",
    "form",
    "hr",
    "blockquote",
    "pre",
    "main",
    "aside",
];

impl PageFacts {
    /// A page that could not be fetched or read.
    pub fn failed(url: impl Into<String>, reason: impl Into<String>) -> Self {
        PageFacts {
            url: url.into(),
            fetch: FetchState::Failed {
                reason: reason.into(),
            },
            ..PageFacts::empty()
        }
    }

    /// A fetched page that is not HTML (a PDF, an image, …): only its URL and type are kept.
    pub fn other(url: impl Into<String>, status: u16, content_type: impl Into<String>) -> Self {
        PageFacts {
            url: url.into(),
            fetch: FetchState::Fetched { status },
            content_type: content_type.into(),
            ..PageFacts::empty()
        }
    }

    fn empty() -> Self {
        PageFacts {
            url: String::new(),
            fetch: FetchState::Fetched { status: 200 },
            content_type: String::new(),
            title: String::new(),
            breadcrumb: Vec::new(),
            headings: Vec::new(),
            text: PageText::default(),
            links: Vec::new(),
            metadata: BTreeMap::new(),
            meta_tags: BTreeMap::new(),
            published: None,
            list_items: Vec::new(),
            month_day_items: Vec::new(),
            attachments: Vec::new(),
            tables: Vec::new(),
            selected: BTreeMap::new(),
            confirmed: None,
        }
    }

    /// Extract the facts of a decoded HTML document fetched from `url` with `status`.
    ///
    /// Never fails: malformed HTML yields whatever facts can be read.
    pub fn from_html(url: &str, status: u16, html: &str) -> Self {
        Self::from_html_with_selectors(url, status, html, &Selectors::none())
    }

    /// Like [`PageFacts::from_html`], also recording the matches of the pack's CSS selectors.
    pub fn from_html_with_selectors(
        url: &str,
        status: u16,
        html: &str,
        selectors: &Selectors,
    ) -> Self {
        let doc = crate::html::parse_document(html);
        let selected = selected_texts(&doc, selectors);
        let found = Found::of(&doc);
        let base = found
            .base
            .and_then(|b| b.attr_of("href"))
            .and_then(|h| Url::parse(url).ok().and_then(|u| u.join(h).ok()))
            .or_else(|| Url::parse(url).ok());

        let mut meta_tags: BTreeMap<Arc<str>, Arc<str>> = BTreeMap::new();
        for m in &found.meta {
            if let (Some(name), Some(content)) = (m.attr_of("name"), m.attr_of("content")) {
                meta_tags
                    .entry(Arc::from(name))
                    .or_insert_with(|| Arc::from(text::normalize_line(content)));
            }
        }

        let title = page_title(
            meta_tags.get("ArticleTitle").map(|t| &**t),
            meta_tags.get("SiteName").map(|t| &**t),
            &found.h1,
            first_text(&found.title),
        );

        let headings = found
            .headings
            .iter()
            .map(|h| text::normalize_line(&h.text().collect::<String>()))
            .filter(|h| !h.is_empty())
            .collect();

        let root = found.body.unwrap_or(doc.root_element());
        let mut raw = String::new();
        let mut anchor_at = foldhash::HashMap::default();
        let mut anchor_ends = Vec::new();
        block_text(root, &mut raw, &mut anchor_at, &mut anchor_ends);
        anchor_ends.sort_unstable();
        // The body's text and the text before each anchor, in one pass.
        let mut marks: Vec<usize> = anchor_at.values().copied().collect();
        marks.sort_unstable();
        marks.dedup();
        let (body_text, contexts) =
            text::normalize_with_line_tails(&raw, &marks, LINK_CONTEXT_CHARS);
        let tail_at = |pos: usize| match &contexts {
            Some(tails) => marks
                .binary_search(&pos)
                .ok()
                .and_then(|i| tails.get(i).cloned())
                .unwrap_or_else(|| link_context(&raw, pos)),
            None => link_context(&raw, pos),
        };
        let context_at = |pos: usize| label_before(&raw, pos, &anchor_ends, &tail_at);

        let breadcrumb = breadcrumb_of(&found.crumbs, &body_text);

        let mut links = Vec::new();
        let mut attachments = Vec::new();
        for &a in &found.anchors {
            let Some(abs) = a.attr_of("href").and_then(|h| resolve(base.as_ref(), h)) else {
                continue;
            };
            let anchor = anchor_text(a);
            let context = anchor_at
                .get(&a.id())
                .map(|&pos| context_at(pos))
                .unwrap_or_default();
            if let Some(ext) = attachment_extension(&abs) {
                attachments.push(Attachment {
                    url: abs.clone(),
                    name: anchor.clone(),
                    extension: ext,
                });
            }
            links.push(Arc::new(Link {
                url: abs,
                text: anchor,
                context,
            }));
        }

        let (list_items, month_day_items) =
            crate::listing::list_items(&doc, &found.rows, base.as_ref());
        let tables = tables_of(&found.tables);
        let metadata = crate::labels::labelled_fields(&body_text, &tables);
        let published = publication_date(&metadata, &body_text, &meta_tags);

        PageFacts {
            url: url.to_string(),
            fetch: FetchState::Fetched { status },
            content_type: "text/html".to_string(),
            title,
            breadcrumb,
            headings,
            text: PageText::from(body_text),
            links,
            metadata,
            meta_tags,
            published,
            list_items,
            month_day_items,
            attachments,
            tables,
            selected,
            confirmed: None,
        }
    }

    /// Whether the page was fetched with a 2xx status.
    pub fn is_ok(&self) -> bool {
        matches!(self.fetch, FetchState::Fetched { status } if (200..300).contains(&status))
    }

    /// Whether fetching the page failed (network, timeout, unreadable): its facts are unknown.
    pub fn is_failed(&self) -> bool {
        matches!(self.fetch, FetchState::Failed { .. })
    }

    /// The HTTP status, when fetched.
    pub fn status(&self) -> Option<u16> {
        match self.fetch {
            FetchState::Fetched { status } => Some(status),
            FetchState::Failed { .. } => None,
        }
    }

    /// The breadcrumb joined with ` > `.
    pub fn breadcrumb_text(&self) -> String {
        self.breadcrumb.join(" > ")
    }

    /// A metadata field that says something (neither empty nor a placeholder such as `—`).
    pub fn metadata_value(&self, field: &str) -> Option<&str> {
        self.metadata
            .get(field)
            .map(String::as_str)
            .filter(|v| !text::is_blank_value(v))
    }
}

/// The texts of the elements each of the pack's selectors matches (at most
/// [`MAX_SELECTOR_MATCHES`] each); selectors with no match are left out.
fn selected_texts(doc: &Html, selectors: &Selectors) -> BTreeMap<String, Vec<String>> {
    let mut selected = BTreeMap::new();
    for (name, selector) in selectors.iter() {
        let texts: Vec<String> = doc
            .select(selector)
            .take(MAX_SELECTOR_MATCHES)
            .map(|e| text::normalize_line(&e.text().collect::<String>()))
            .collect();
        if !texts.is_empty() {
            selected.insert(name.to_string(), texts);
        }
    }
    selected
}

static SEL_TABLE: LazyLock<Selector> = LazyLock::new(|| sel("table"));
static SEL_ROW: LazyLock<Selector> = LazyLock::new(|| sel("tr"));

/// The nearest `table` ancestor of an element.
fn owning_table<'a>(el: ElementRef<'a>) -> Option<ElementRef<'a>> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "table")
}

fn span_attr(cell: ElementRef<'_>, name: &str) -> usize {
    cell.attr_of(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_TABLE_ROWS)
}

/// Innermost data tables, with rowspan and colspan laid out on a grid.
fn tables_of(tables: &[ElementRef<'_>]) -> Vec<Table> {
    let mut out = Vec::new();
    for &table in tables {
        if out.len() >= MAX_TABLES {
            break;
        }
        if table.select(&SEL_TABLE).next().is_some() {
            continue; // a layout table holding other tables
        }
        let mut grid: Vec<Vec<Option<(String, bool)>>> = Vec::new();
        let rows = table
            .select(&SEL_ROW)
            .filter(|r| owning_table(*r).map(|t| t.id()) == Some(table.id()))
            .take(MAX_TABLE_ROWS);
        for (ri, row) in rows.enumerate() {
            if grid.len() <= ri {
                grid.resize_with(ri + 1, Vec::new);
            }
            let mut col = 0;
            for cell in row.children().filter_map(ElementRef::wrap) {
                if !matches!(cell.value().name(), "td" | "th") {
                    continue;
                }
                while grid[ri].get(col).is_some_and(Option::is_some) {
                    col += 1;
                }
                if col >= MAX_TABLE_COLS {
                    break;
                }
                let text = text::normalize_line(&cell.text().collect::<String>());
                let rowspan = span_attr(cell, "rowspan");
                let colspan = span_attr(cell, "colspan").min(MAX_TABLE_COLS - col);
                for dr in 0..rowspan.min(MAX_TABLE_ROWS - ri) {
                    let r = ri + dr;
                    if grid.len() <= r {
                        grid.resize_with(r + 1, Vec::new);
                    }
                    if grid[r].len() < col + colspan {
                        grid[r].resize(col + colspan, None);
                    }
                    for dc in 0..colspan {
                        if grid[r][col + dc].is_none() {
                            grid[r][col + dc] = Some((text.clone(), dr > 0 || dc > 0));
                        }
                    }
                }
                col += colspan;
            }
        }
        let mut t = Table::default();
        for row in grid {
            let (cells, spanned): (Vec<String>, Vec<bool>) =
                row.into_iter().map(|c| c.unwrap_or_default()).unzip();
            if !cells.is_empty() {
                t.rows.push(cells);
                t.spanned.push(spanned);
            }
        }
        if t.rows.len() >= 2 {
            out.push(t);
        }
    }
    out
}

/// The page's title: the `ArticleTitle` meta; else the first `h1` that is not the
/// site's name (a logo set in an `h1`); else `<title>` without the site's name after its
/// last separator (`关于…的通知-广东省文化和旅游厅` → `关于…的通知`).
fn page_title(
    article_title: Option<&str>,
    site_name: Option<&str>,
    h1: &[ElementRef<'_>],
    title: Option<String>,
) -> String {
    if let Some(t) = article_title.filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    let (title_stem, title_site) = match &title {
        Some(t) => split_site_suffix(t, site_name),
        None => (String::new(), None),
    };
    let is_site_name = |t: &str| site_name == Some(t) || title_site.as_deref() == Some(t);
    let heading = h1
        .iter()
        .map(|e| text::normalize_line(&e.text().collect::<String>()))
        .find(|t| !t.is_empty() && !is_site_name(t));
    heading
        .or_else(|| (!title_stem.is_empty()).then_some(title_stem))
        .or(title)
        .unwrap_or_default()
}

/// `<title>` split at its last separator when what follows names the site: the
/// `SiteName` meta, or a name ending as those of government bodies and their sites do
/// (厅, 局, 委员会, 人民政府, 门户网站, …). The stem and the site's name.
fn split_site_suffix(title: &str, site_name: Option<&str>) -> (String, Option<String>) {
    const SEPARATORS: [char; 7] = ['-', '_', '|', '｜', '—', '–', '－'];
    const SITE_ENDINGS: [&str; 12] = [
        "厅",
        "局",
        "委",
        "委员会",
        "政府",
        "办公室",
        "办",
        "院",
        "中心",
        "网",
        "网站",
        "平台",
    ];
    let Some(at) = title.rfind(SEPARATORS) else {
        return (title.to_string(), None);
    };
    let stem = title[..at].trim().trim_end_matches(SEPARATORS).trim();
    let suffix = title[at..].trim_start_matches(SEPARATORS).trim();
    let names_site = site_name == Some(suffix)
        || (suffix.chars().count() <= 24
            && suffix.chars().count() >= 3
            && SITE_ENDINGS.iter().any(|e| suffix.ends_with(e)));
    if names_site && stem.chars().count() >= 2 {
        (stem.to_string(), Some(suffix.to_string()))
    } else {
        (title.to_string(), None)
    }
}

fn first_text(elements: &[ElementRef<'_>]) -> Option<String> {
    elements
        .iter()
        .map(|e| text::normalize_line(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// Collect the visible text of `el`, putting block elements on lines of their own,
/// and note where in the text each anchor starts.
///
/// Iterative, so a hostile page nested thousands of levels deep cannot exhaust the stack.
fn block_text(
    el: ElementRef<'_>,
    out: &mut String,
    anchor_at: &mut foldhash::HashMap<NodeId, usize>,
    anchor_ends: &mut Vec<usize>,
) {
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave(&'static str),
        LeaveAnchor,
    }
    let mut stack: Vec<Step<'_>> = el.children().rev().map(Step::Enter).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(sep) => out.push_str(sep),
            Step::LeaveAnchor => anchor_ends.push(out.len()),
            Step::Enter(node) => match node.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if HIDDEN.contains(&name) {
                        continue;
                    }
                    let sep = if BLOCKS.contains(&name) {
                        "\n"
                    } else if name == "td" || name == "th" {
                        " "
                    } else {
                        if name == "a" {
                            anchor_at.insert(node.id(), out.len());
                        }
                        ""
                    };
                    out.push_str(sep);
                    stack.push(if name == "a" {
                        Step::LeaveAnchor
                    } else {
                        Step::Leave(sep)
                    });
                    stack.extend(node.children().rev().map(Step::Enter));
                }
                _ => {}
            },
        }
    }
}

/// The context of the link starting at `pos` of `raw`: the text before it back to the
/// previous link at most (`anchor_ends`: where links end, ascending), so that the text of
/// one link never labels the next (`原文链接：A` then the footer's `网站地图`). `tail` gives
/// the last [`LINK_CONTEXT_CHARS`] characters of the whole text before `pos`, used when the
/// previous link is far.
fn label_before(
    raw: &str,
    pos: usize,
    anchor_ends: &[usize],
    tail: &dyn Fn(usize) -> String,
) -> String {
    let before = anchor_ends.partition_point(|&e| e <= pos);
    match before.checked_sub(1).map(|i| anchor_ends[i]) {
        Some(prev) if pos - prev <= SHORT_BETWEEN => {
            let between = text::normalize_line(&raw[prev..pos]);
            text::last_chars(between.trim(), LINK_CONTEXT_CHARS).to_string()
        }
        _ => tail(pos),
    }
}

/// The last [`LINK_CONTEXT_CHARS`] characters of `normalize_line(&raw[..pos])`, computed
/// from a window of text just before `pos` rather than the whole prefix (a page's
/// every link would otherwise normalise the page's text up to it again).
///
/// The window starts at an ASCII character or a CJK ideograph: NFKC never composes such
/// a character with what comes before it, so the window's normalised form is the tail
/// of the prefix's, save a space before it and the Traditional→Simplified folding of its
/// first character (which looks at its neighbour). The window grows until its normalised
/// form has more characters than are kept, or reaches the start of the text.
fn link_context(raw: &str, pos: usize) -> String {
    let prefix = &raw[..pos];
    let mut want = 4 * LINK_CONTEXT_CHARS;
    loop {
        let mut start = prefix
            .char_indices()
            .rev()
            .nth(want - 1)
            .map_or(0, |(i, _)| i);
        while start > 0 {
            let c = prefix[start..].chars().next().unwrap_or(' ');
            if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                break;
            }
            start = prefix[..start]
                .char_indices()
                .next_back()
                .map_or(0, |(i, _)| i);
        }
        let before = text::normalize_line(&prefix[start..]);
        if start == 0 || before.chars().count() > LINK_CONTEXT_CHARS {
            return text::last_chars(&before, LINK_CONTEXT_CHARS).to_string();
        }
        want *= 4;
    }
}

pub(crate) fn resolve(base: Option<&Url>, href: &str) -> Option<String> {
    let href = href.trim();
    let starts_with = |prefix: &str| {
        href.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    if href.is_empty()
        || href.starts_with('#')
        || starts_with("javascript:")
        || starts_with("mailto:")
        || starts_with("tel:")
        || starts_with("data:")
    {
        return None;
    }
    match base {
        Some(base) if repeats_by_directory(href) => {
            RESOLVED.with(|memo| memo.borrow_mut().resolve(base, href))
        }
        _ => join(base, href),
    }
}

/// `href` against `base`: an http(s) URL without its fragment.
fn join(base: Option<&Url>, href: &str) -> Option<String> {
    let mut url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    if url.fragment().is_some() {
        url.set_fragment(None);
    }
    Some(url.into())
}

/// Whether what `href` resolves to depends only on the base's scheme, authority and
/// directory (the path up to its last `/`; for a reference starting with `/`, the
/// scheme and authority alone), not on its last segment, query or fragment: it starts
/// with a letter, a digit, `/` or `.` (never `?` or `#`, even after the URL parser
/// drops leading controls, tabs and line breaks, which it may not hold).
fn repeats_by_directory(href: &str) -> bool {
    href.as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.'))
        && !href.bytes().any(|b| b.is_ascii_control())
}

/// Entries a thread keeps in [`RESOLVED`] before it starts over (a few hundred
/// kilobytes: a crawl may run its analyses on many threads).
const RESOLVED_MAX: usize = 2_048;

thread_local! {
    /// Links resolved on this thread: a site's navigation and footer repeat on every
    /// page, and each resolution is a URL parse and a serialisation. It holds exactly
    /// what [`join`] gave, so it changes no result.
    static RESOLVED: std::cell::RefCell<ResolvedLinks> =
        std::cell::RefCell::new(ResolvedLinks::default());
}

/// Resolved links by the base's directory (or origin) and the reference (see
/// [`repeats_by_directory`]).
#[derive(Default)]
struct ResolvedLinks {
    key: String,
    links: foldhash::HashMap<Box<str>, Option<Box<str>>>,
}

impl ResolvedLinks {
    /// [`join`] of `href` against `base`, remembered.
    fn resolve(&mut self, base: &Url, href: &str) -> Option<String> {
        // A path from the root depends on the scheme and authority alone, so the
        // navigation's links are one entry whatever page they are on.
        let scope = if href.starts_with('/') {
            &base[..url::Position::BeforePath]
        } else {
            let upto_path = &base[..url::Position::AfterPath];
            upto_path.rfind('/').map_or(upto_path, |i| &upto_path[..=i])
        };
        self.key.clear();
        self.key.push_str(scope);
        self.key.push('\n');
        self.key.push_str(href);
        if let Some(known) = self.links.get(self.key.as_str()) {
            return known.as_deref().map(str::to_string);
        }
        let resolved = join(Some(base), href);
        if self.links.len() >= RESOLVED_MAX {
            self.links.clear();
        }
        self.links
            .insert(self.key.as_str().into(), resolved.as_deref().map(Box::from));
        resolved
    }
}

/// The attachment file ending of a URL, when it names a document.
pub fn attachment_extension(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    ATTACHMENT_EXTENSIONS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(ext))
        .map(|known| known.to_string())
}

fn breadcrumb_of(crumbs: &[ElementRef<'_>], body_text: &str) -> Vec<String> {
    let from_element = crumbs
        .iter()
        .map(|e| text::normalize_line(&e.text().collect::<String>()))
        .find(|t| t.contains('>') || t.contains('›') || t.contains('»') || t.contains("首页"));
    let line = from_element.or_else(|| {
        body_text
            .lines()
            .find(|l| {
                (l.starts_with("首页") || l.starts_with("当前位置"))
                    && (l.contains('>') || l.contains('›'))
            })
            .map(str::to_string)
    });
    let Some(line) = line else {
        return Vec::new();
    };
    let line = line
        .trim_start_matches("当前位置")
        .trim_start_matches([':', ' ']);
    line.split(['>', '›', '»'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn publication_date(
    metadata: &BTreeMap<String, String>,
    body_text: &str,
    meta_tags: &BTreeMap<Arc<str>, Arc<str>>,
) -> Option<NaiveDate> {
    if let Some(d) = metadata.get("发布日期").and_then(|v| date::parse_date(v)) {
        return Some(d);
    }
    // The article header sits near the top: look at the first lines only, so a
    // date quoted in the body is not taken for the publication date.
    let head = match body_text.match_indices('\n').nth(39) {
        Some((end, _)) => &body_text[..end],
        None => body_text,
    };
    // `时间`/`日期` alone, not as the end of another label (`许可决定日期`, `咨询时间`).
    if let Some(found) = date::date_after_own_label(
        head,
        &[
            "发布日期",
            "发布时间",
            "更新日期",
            "更新时间",
            "时间",
            "日期",
        ],
    ) {
        return Some(found.date);
    }
    if let Some(d) = meta_tags.get("PubDate").and_then(|v| date::first_date(v)) {
        return Some(d.date);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    static SEL_ANCHOR: LazyLock<Selector> = LazyLock::new(|| sel("a[href]"));
    static SEL_LIST_ROWS: LazyLock<Selector> = LazyLock::new(|| sel("li, tr, dd, dl"));

    #[test]
    fn the_title_leaves_out_the_site_name() {
        let title = |html: &str| PageFacts::from_html("http://x.gov.cn/a.html", 200, html).title;
        // `<title>` alone: the site's name after the last separator goes.
        assert_eq!(
            title("<title>《办法》政策解读-广东省文化和旅游厅</title>"),
            "《办法》政策解读"
        );
        assert_eq!(
            title("<title>关于印发规划的通知_广州市人民政府门户网站</title>"),
            "关于印发规划的通知"
        );
        assert_eq!(
            title(
                "<meta name=\"SiteName\" content=\"文旅之窗\"><title>年度报告 | 文旅之窗</title>"
            ),
            "年度报告"
        );
        // A separator inside the title is kept.
        assert_eq!(
            title("<title>2021-2025年发展规划</title>"),
            "2021-2025年发展规划"
        );
        // A logo set in an h1 is not the title; the article's h1 is.
        assert_eq!(
            title("<title>通知公告-广东省文化和旅游厅</title><h1>广东省文化和旅游厅</h1><p>x</p>"),
            "通知公告"
        );
        // The ArticleTitle meta comes first.
        assert_eq!(
            title("<meta name=\"ArticleTitle\" content=\"甲\"><title>乙-某某厅</title><h1>丙</h1>"),
            "甲"
        );
    }

    #[test]
    fn own_text_parts_round_trip_as_bytes() {
        let whole = "正文内容，较长的一段。".repeat(60);
        let mut interner = FactsInterner::default();
        let mut page =
            PageFacts::from_html("http://x.gov.cn/a.html", 200, &format!("<p>{whole}</p>"));
        interner.intern(&mut page);
        let own = page.text.own().clone();
        assert!(
            matches!(own, OwnText::Packed(_)),
            "long repetitive text is packed"
        );
        let json = serde_json::to_string(&own).unwrap();
        assert!(
            json.starts_with(r#"{"Packed":["#),
            "bytes read as numbers in JSON: {json}"
        );
        let back: OwnText = serde_json::from_str(&json).unwrap();
        assert_eq!(back, own);
        let text = PageText::from_parts(None, back, None);
        assert_eq!(text.as_str(), page.text.as_str());
    }

    const ARTICLE: &str = r##"<!DOCTYPE html><html><head><meta charset="utf-8">
<title>广东省文化和旅游厅2021年政府信息公开工作年度报告-广东省文化和旅游厅</title>
<meta name="SiteName" content="广东省文化和旅游厅">
<meta name="ArticleTitle" content="广东省文化和旅游厅2021年政府信息公开工作年度报告">
<meta name="PubDate" content="2022-01-13 09:49">
<script>var x = "时间 : 1999-01-01";</script></head>
<body><div class="top">长者助手 / 手机版 / 设为首页|加入收藏</div>
<div class="position"><a href="/">首页</a> &gt; <a href="/tonglan/">中部通栏</a></div>
<h1>广东省文化和旅游厅2021年政府信息公开工作年度报告</h1>
<div class="info">时间 : 2022-01-13 09:49 来源 : 本网 作者 : 厅办公室 【字体: 【打印】</div>
<div class="content"><p>一、总体情况</p><p>统计期限为2021年1月1日至12月31日。</p>
<p>附件：<a href="/attachment/0/411/411234/3164000.pdf">年报.pdf</a></p>
<a href="javascript:void(0)">打印</a><a href="#top">顶部</a>
<a href="../index.html#x">返回</a></div></body></html>"##;

    #[test]
    fn interned_text_reads_back_whole_shared_and_packed() {
        let page = |n: u32| {
            let body: String = (0..40)
                .map(|i| format!("<p>第{n}篇第{i}段：全省文化和旅游系统认真贯彻落实各项部署。</p>"))
                .collect();
            format!("<p>欢迎访问广东省文化和旅游厅网站 长者助手 手机版 设为首页 加入收藏 首页 政务公开 新闻中心</p>{body}<p>主办单位：广东省文化和旅游厅 网站标识码：4400000128 粤ICP备13022375号 粤公网安备 44010402000000号</p>")
        };
        let mut interner = FactsInterner::default();
        let mut pages: Vec<PageFacts> = (0..3)
            .map(|n| PageFacts::from_html(&format!("http://x.gov.cn/{n}.html"), 200, &page(n)))
            .collect();
        let before: Vec<String> = pages.iter().map(|p| p.text.as_str().into_owned()).collect();
        for p in &mut pages {
            interner.intern(p);
        }
        for (p, b) in pages.iter().zip(&before) {
            assert_eq!(&*p.text.as_str(), b.as_str());
            assert_eq!(p.text.len(), b.len());
            assert_eq!(p.text.to_string(), *b);
        }
        assert!(
            matches!(pages[2].text.own, OwnText::Packed(_)),
            "long own text is packed"
        );
        assert!(pages[2].text.shared_len() > 100, "header and footer shared");
        // Facts are serialised (reports, the cache): the text goes out and comes back whole.
        let json = serde_json::to_string(&pages[2]).unwrap();
        let back: PageFacts = serde_json::from_str(&json).unwrap();
        assert_eq!(back.text, pages[2].text);
    }

    #[test]
    fn article_facts() {
        let p = PageFacts::from_html(
            "http://whly.gd.gov.cn/tonglan/content/post_3764082.html",
            200,
            ARTICLE,
        );
        assert_eq!(p.title, "广东省文化和旅游厅2021年政府信息公开工作年度报告");
        assert_eq!(p.breadcrumb, vec!["首页", "中部通栏"]);
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2022, 1, 13));
        assert!(
            !p.text.as_str().contains("1999"),
            "script text must be skipped"
        );
        assert!(p.text.as_str().lines().any(|l| l == "一、总体情况"));
        assert_eq!(p.attachments.len(), 1);
        assert_eq!(p.attachments[0].extension, "pdf");
        assert_eq!(
            p.attachments[0].url,
            "http://whly.gd.gov.cn/attachment/0/411/411234/3164000.pdf"
        );
        let urls: Vec<&str> = p.links.iter().map(|l| l.url.as_str()).collect();
        assert!(urls.contains(&"http://whly.gd.gov.cn/tonglan/index.html"));
        assert!(!urls.iter().any(|u| u.starts_with("javascript")));
        assert_eq!(
            &**p.meta_tags.get("SiteName").unwrap(),
            "广东省文化和旅游厅"
        );
        assert_eq!(p.attachments[0].name, "年报.pdf");
        let pdf_link = p.links.iter().find(|l| l.url.ends_with(".pdf")).unwrap();
        assert!(
            pdf_link.context.ends_with("附件:"),
            "{:?}",
            pdf_link.context
        );
    }

    #[test]
    fn metadata_block_from_table() {
        let html = r#"<html><body><table class="classify">
<tr><td>索引号：</td><td>006939748/2021-00123</td><td>分类：</td><td>规范性文件</td></tr>
<tr><td>发布机构：</td><td>广东省文化和旅游厅</td><td>成文日期：</td><td>2021-09-20</td></tr>
<tr><td>名称：</td><td colspan="3">广东省文化和旅游厅关于印发某办法的通知</td></tr>
<tr><td>文号：</td><td>粤文旅规〔2021〕2号</td><td>发布日期：</td><td>2021-09-26</td></tr>
<tr><td>主题词：</td><td></td></tr></table></body></html>"#;
        let p = PageFacts::from_html(
            "http://whly.gd.gov.cn/gkmlpt/content/3/3712/post_3712345.html",
            200,
            html,
        );
        assert_eq!(p.metadata_value("索引号"), Some("006939748/2021-00123"));
        assert_eq!(p.metadata_value("文号"), Some("粤文旅规[2021]2号"));
        assert_eq!(p.metadata_value("成文日期"), Some("2021-09-20"));
        assert_eq!(p.metadata.get("主题词").map(String::as_str), Some(""));
        assert_eq!(p.metadata_value("主题词"), None);
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2021, 9, 26));
    }

    #[test]
    fn tables_expand_merged_cells() {
        let html = r#"<table><tr><td rowspan="2">三、办理结果</td><td colspan="2">（一）予以公开</td><td>15</td></tr>
<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>0</td></tr>
<tr><td>三、办理结果x</td><td>2.其他</td><td>1</td></tr></table>
<table><tr><td><table><tr><td>a</td></tr><tr><td>b</td></tr></table></td></tr></table>"#;
        let p = PageFacts::from_html("http://x.gov.cn/r.html", 200, html);
        assert_eq!(
            p.tables.len(),
            2,
            "the layout table holding a table is skipped"
        );
        let t = &p.tables[0];
        assert_eq!(
            t.rows[0],
            vec!["三、办理结果", "(一)予以公开", "(一)予以公开", "15"]
        );
        assert_eq!(
            t.rows[1],
            vec!["三、办理结果", "(三)不予公开", "1.属于国家秘密", "0"]
        );
        assert_eq!(
            t.rows[2],
            vec!["三、办理结果x", "(三)不予公开", "2.其他", "1"]
        );
        assert!(t.spanned[1][0] && !t.spanned[0][0] && t.spanned[0][2]);
        assert_eq!(p.tables[1].rows, vec![vec!["a"], vec!["b"]]);
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let html = r#"<table><tr><td rowspan="999999" colspan="999999">x</td></tr><tr><td>y</td></tr></table>"#;
        let p = PageFacts::from_html("http://x.gov.cn/r.html", 200, html);
        let t = &p.tables[0];
        assert!(t.rows.len() <= MAX_TABLE_ROWS && t.rows[0].len() <= MAX_TABLE_COLS);
    }

    #[test]
    fn list_items_with_dates() {
        let html = r#"<html><body><ul class="list">
<li><a href="content/post_3764082.html" title="标题甲">标题甲…</a><span class="list_time">2022-01-13</span></li>
<li><a href="content/post_3700001.html">标题乙</a><span>2021年11月5日</span></li>
<li><a href="content/post_3700002.html">没有日期</a></li>
</ul><div class="page"><a href="index_2.html">下一页</a></div></body></html>"#;
        let p = PageFacts::from_html("http://whly.gd.gov.cn/tonglan/index.html", 200, html);
        assert_eq!(p.list_items.len(), 2);
        assert_eq!(p.list_items[0].title, "标题甲");
        assert_eq!(
            p.list_items[0].url,
            "http://whly.gd.gov.cn/tonglan/content/post_3764082.html"
        );
        assert_eq!(
            p.list_items[1].date,
            NaiveDate::from_ymd_opt(2021, 11, 5).unwrap()
        );
    }

    #[test]
    fn deeply_nested_page_does_not_exhaust_the_stack() {
        let depth = 5_000;
        let html = format!(
            "{}<p>深处</p>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || PageFacts::from_html("http://x.gov.cn/deep.html", 200, &html))
            .unwrap();
        let p = handle.join().expect("no stack overflow");
        assert!(p.text.as_str().contains("深处"));
    }

    #[test]
    fn malformed_html_does_not_panic() {
        for html in [
            "",
            "<",
            "<html><body><a href='http://[::1'>x</a>",
            "\u{0}\u{feff}<p>",
        ] {
            let p = PageFacts::from_html("http://example.gov.cn/", 200, html);
            assert!(p.is_ok());
        }
    }

    #[test]
    fn attachment_extension_reads_path_only() {
        assert_eq!(
            attachment_extension("http://a/b/c.PDF?x=1").as_deref(),
            Some("pdf")
        );
        assert_eq!(attachment_extension("http://a/b/c.html"), None);
        assert_eq!(attachment_extension("http://a/b/"), None);
    }

    #[test]
    fn link_context_equals_the_tail_of_the_normalised_prefix() {
        let pieces = [
            "首页",
            " > ",
            "\n",
            "  ",
            "\u{3000}",
            "\u{a0}",
            "\u{200B}",
            "相关文件：",
            "（一）",
            "廣東省文化和旅遊廳",
            "藉口",
            "看著",
            "e\u{301}",
            "\u{1100}\u{1161}",
            "㈠",
            "ＡＢＣ１２３",
            "“引号”",
            "——",
            "x",
            "。",
        ];
        // Deterministic mixes of the pieces, cut at every character boundary.
        let mut seed = 7u64;
        for _ in 0..60 {
            let mut raw = String::new();
            for _ in 0..40 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                raw.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            for (pos, _) in raw.char_indices().chain([(raw.len(), ' ')]) {
                let before = text::normalize_line(&raw[..pos]);
                let n = before.chars().count();
                let naive: String = before
                    .chars()
                    .skip(n.saturating_sub(LINK_CONTEXT_CHARS))
                    .collect();
                assert_eq!(link_context(&raw, pos), naive, "{:?}", &raw[..pos]);
            }
        }
    }

    // The selectors whose matches `Found` collects in one pass.
    static SEL_TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
    static SEL_H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
    static SEL_HEADINGS: LazyLock<Selector> = LazyLock::new(|| sel("h1, h2, h3, h4, h5, h6"));
    static SEL_META: LazyLock<Selector> = LazyLock::new(|| sel("meta[name][content]"));
    static SEL_BASE: LazyLock<Selector> = LazyLock::new(|| sel("base[href]"));
    static SEL_BODY: LazyLock<Selector> = LazyLock::new(|| sel("body"));
    static SEL_BREADCRUMB: LazyLock<Selector> = LazyLock::new(|| {
        sel("[class*=position], [class*=crumb], [class*=location], [class*=dqwz], [id*=position], [id*=crumb], [id*=location]")
    });

    fn by_select(doc: &Html, selector: &Selector) -> Vec<NodeId> {
        doc.select(selector).map(|e| e.id()).collect()
    }

    fn ids(elements: &[ElementRef<'_>]) -> Vec<NodeId> {
        elements.iter().map(|e| e.id()).collect()
    }

    /// The UTF-8 HTML pages of the fixture portals.
    fn fixture_pages() -> Vec<String> {
        let mut pages = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/portals");
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "html" || e == "htm") {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        pages.push(text);
                    }
                }
            }
        }
        pages
    }

    #[test]
    fn link_contexts_read_with_the_body_text_are_the_windowed_ones() {
        // The contexts come from the pass that normalises the body text; pages it
        // cannot read exactly (Traditional characters, combining marks) fall back to
        // `link_context`. Either way they must be what `link_context` gives.
        let mut pages = fixture_pages();
        assert!(pages.len() > 20, "fixture pages found");
        pages.push(format!(
            "<p>廣東省文化和旅遊廳 <a href=/a>公開</a> 藉口<a href=/b>看著</a></p>{}",
            "<p>cafe\u{301} <a href=/c>e\u{301}</a></p>"
        ));
        pages.push(
            "<p>  首页 > <a href=/x>通知</a>\n\n<b>附件：</b><a href=/y.pdf>表</a></p>".into(),
        );
        let url = "http://whly.gd.gov.cn/col/page.html";
        let mut links = 0;
        for html in &pages {
            let facts = PageFacts::from_html(url, 200, html);
            let doc = Html::parse_document(html);
            let found = Found::of(&doc);
            let base = found
                .base
                .and_then(|b| b.attr_of("href"))
                .and_then(|h| Url::parse(url).ok().and_then(|u| u.join(h).ok()))
                .or_else(|| Url::parse(url).ok());
            let mut raw = String::new();
            let mut anchor_at = foldhash::HashMap::default();
            let mut anchor_ends = Vec::new();
            block_text(
                found.body.unwrap_or(doc.root_element()),
                &mut raw,
                &mut anchor_at,
                &mut anchor_ends,
            );
            anchor_ends.sort_unstable();
            let want: Vec<String> = found
                .anchors
                .iter()
                .filter(|a| {
                    a.attr_of("href")
                        .and_then(|h| resolve(base.as_ref(), h))
                        .is_some()
                })
                .map(|a| {
                    anchor_at
                        .get(&a.id())
                        .map(|&pos| {
                            label_before(&raw, pos, &anchor_ends, &|p| link_context(&raw, p))
                        })
                        .unwrap_or_default()
                })
                .collect();
            let got: Vec<String> = facts.links.iter().map(|l| l.context.clone()).collect();
            assert_eq!(got, want, "{}", &html[..html.len().min(200)]);
            links += got.len();
        }
        assert!(links > 1_000, "{links} links compared");
    }

    #[test]
    fn remembered_links_resolve_as_joined() {
        let bases = [
            "http://whly.gd.gov.cn/zwgk/index.html",
            "http://whly.gd.gov.cn/zwgk/list_2.html?page=2#top",
            "http://whly.gd.gov.cn/zwgk/",
            "http://whly.gd.gov.cn/zwgk",
            "https://whly.gd.gov.cn/zwgk/index.html",
            "http://whly.gd.gov.cn:8080/zwgk/index.html",
            "http://user:pw@whly.gd.gov.cn/zwgk/index.html",
            "http://www.gd.gov.cn/a/b/c.html",
            "http://whly.gd.gov.cn/",
        ];
        let hrefs = [
            "index_2.html",
            "./content/post_1.html?x=1#y",
            "../open_newgfxwj/",
            "/zwgk/",
            "//www.gd.gov.cn/x",
            "http:relative.html",
            "https:other.html",
            "http://gkmlpt.gd.gov.cn/gkmlpt/index",
            "HTTP://WHLY.GD.GOV.CN/A/../B",
            "a\tb.html",
            "a\u{1}?x",
            "?page=3",
            "#frag",
            ".",
            "..",
            "0",
            "政务公开.html",
            "a%20b c.html",
            "/\\evil.example/x",
        ];
        for _ in 0..2 {
            for b in bases {
                let base = Url::parse(b).unwrap();
                for h in hrefs {
                    // Fragment-only references are not links (left out before joining).
                    let want = (!h.starts_with('#'))
                        .then(|| join(Some(&base), h.trim()))
                        .flatten();
                    assert_eq!(resolve(Some(&base), h), want, "{h:?} against {b}");
                }
            }
        }
    }

    #[test]
    fn found_elements_are_the_selectors_matches() {
        let mut pages: Vec<String> = vec![
            ARTICLE.to_string(),
            "<base href=/a/><base href=/b/><p class='xpositiony' id=crumbs>x<h1></h1><h2>y</h2>".into(),
            "<table><tr><td><title>t</title><a href=#>a</a><a>n</a><meta name=a><meta name=b content=c>".into(),
            "<svg><a href=x>s</a><title>svg title</title><h1>h</h1></svg><math><mi class=location>m</mi></math>".into(),
            "<b><p><i>misnested</b></i><table><li>fostered<a href=/f>f</a></table><body><body class=dqwz>".into(),
        ];
        pages.extend(fixture_pages());
        assert!(pages.len() > 20, "fixture pages found");
        for html in &pages {
            let doc = Html::parse_document(html);
            let f = Found::of(&doc);
            let first = |s: &Selector| by_select(&doc, s).into_iter().next();
            assert_eq!(f.base.map(|e| e.id()), first(&SEL_BASE));
            assert_eq!(f.body.map(|e| e.id()), first(&SEL_BODY));
            assert_eq!(ids(&f.meta), by_select(&doc, &SEL_META));
            assert_eq!(ids(&f.h1), by_select(&doc, &SEL_H1));
            assert_eq!(ids(&f.title), by_select(&doc, &SEL_TITLE));
            assert_eq!(ids(&f.headings), by_select(&doc, &SEL_HEADINGS));
            assert_eq!(ids(&f.anchors), by_select(&doc, &SEL_ANCHOR));
            assert_eq!(ids(&f.crumbs), by_select(&doc, &SEL_BREADCRUMB));
            assert_eq!(ids(&f.rows), by_select(&doc, &SEL_LIST_ROWS));
            assert_eq!(ids(&f.tables), by_select(&doc, &SEL_TABLE));
        }
    }
}
