//! The lists of a page: which of its elements are the entries of a list, and what each
//! entry says — the item it links to, its title, its date and, in a table with a header
//! row, the other columns by their headers (文号, 实施日期, 失效日期, 有效性, …).
//!
//! Real portals write lists three ways, and all three are read:
//! - rows of `ul/li`, `dl/dd` and tables (`tr`), the innermost ones;
//! - tables with a header row (`序号 | 文件名称 | 文号 | 发布日期 | 实施日期 | 失效日期 | 有效性`): the
//!   entry's date is the column the header names as the publication date, not whichever date
//!   comes last in the row, and every other column is kept under its header;
//! - repeating blocks: three or more sibling elements of the same tag and class that each
//!   link somewhere (`div.pic-item`, `div.item`, `p`), as picture and consultation lists
//!   are written.
//!
//! An entry needs a link to a page (not an attachment) and a date; dates may be written
//! `2021-03-15`, `2021年03月15日`, `[2021-03-15]`, `2021/03/15` or `2021.03.15`, with or
//! without a time.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::date;
use crate::page::{attachment_extension, resolve, AttrOf, ListItem, MonthDayItem};
use crate::text;

static SEL_ANCHOR: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("built-in selector is valid"));
static SEL_ROWS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("li, tr, dd, dl").expect("built-in selector is valid"));
static SEL_ROW: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("tr").expect("built-in selector is valid"));

/// Sibling elements of one tag and class that make a list of blocks.
const MIN_BLOCKS: usize = 3;
/// Tags whose repeating siblings are read as list entries (rows are read anyway).
const BLOCK_TAGS: [&str; 6] = ["div", "p", "section", "article", "span", "h3"];

/// Header cells naming the column of the entry's title.
const TITLE_HEADERS: [&str; 7] = ["标题", "名称", "题目", "主题", "事项", "文件", "内容"];
/// Header cells naming the entry's publication date, most telling first.
const DATE_HEADERS: [&str; 9] = [
    "发布日期",
    "发布时间",
    "公开日期",
    "公开时间",
    "发文日期",
    "印发日期",
    "成文日期",
    "日期",
    "时间",
];
/// Header cells that name a date other than the publication date.
const OTHER_DATE_HEADERS: [&str; 8] = [
    "实施",
    "施行",
    "生效",
    "失效",
    "废止",
    "截止",
    "有效期",
    "答复",
];
/// Words of header cells (a row of them, without links, is a table's header).
const HEADER_WORDS: [&str; 14] = [
    "序号",
    "标题",
    "名称",
    "文号",
    "日期",
    "时间",
    "有效性",
    "状态",
    "索引号",
    "发布机构",
    "分类",
    "题目",
    "主题",
    "文件",
];

/// The column labels of a table's header row, by column.
type Header = Vec<String>;

/// A month and day without a year beside an entry (`01-28`, `[01-28]`, `01/28`,
/// `1月28日`), outside its link's text.
static MONTH_DAY: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?:^|[^\d/.\-年])(0?[1-9]|1[0-2])(?:[-/.]|月)(0?[1-9]|[12]\d|3[01])日?(?:$|[^\d/.\-月])",
    )
    .expect("valid regex")
});

/// What a row or block makes: an entry with its date, or one dated by month and day only.
enum Entry {
    Dated(ListItem),
    MonthDay(MonthDayItem),
}

/// Read the entries of a page's lists: those with a full date, and those dated by month
/// and day only. `rows` are the page's `li`, `tr`, `dd` and `dl` elements in document
/// order.
pub(crate) fn list_items(
    doc: &Html,
    rows: &[ElementRef<'_>],
    base: Option<&Url>,
) -> (Vec<ListItem>, Vec<MonthDayItem>) {
    let mut items: Vec<ListItem> = Vec::new();
    let mut month_day: Vec<MonthDayItem> = Vec::new();
    let mut add = |entry: Entry| match entry {
        Entry::Dated(item) => push(&mut items, item),
        Entry::MonthDay(item) => {
            if !month_day.iter().any(|i| i.url == item.url) {
                month_day.push(item);
            }
        }
    };
    let mut headers: HashMap<NodeId, Option<Header>> = HashMap::new();
    for &row in rows {
        // Only innermost rows: a row containing other rows is a container.
        if row.select(&SEL_ROWS).nth(1).is_some() && row.value().name() != "dl" {
            continue;
        }
        let header = if row.value().name() == "tr" {
            owning_table(row).and_then(|t| {
                headers
                    .entry(t.id())
                    .or_insert_with(|| table_header(t))
                    .clone()
            })
        } else {
            None
        };
        if let Some(e) = entry(row, header.as_ref(), base) {
            add(e);
        }
    }
    for block in repeating_blocks(doc) {
        if let Some(e) = entry(block, None, base) {
            add(e);
        }
    }
    // An entry dated in full elsewhere on the page needs no month-day date.
    month_day.retain(|m| !items.iter().any(|i| i.url == m.url));
    (items, month_day)
}

/// Add an entry unless its URL is listed already (the first one stands).
fn push(items: &mut Vec<ListItem>, item: ListItem) {
    if !items.iter().any(|i| i.url == item.url) {
        items.push(item);
    }
}

/// The entry a row or block makes: its first link to a page, its title, its date.
fn entry(row: ElementRef<'_>, header: Option<&Header>, base: Option<&Url>) -> Option<Entry> {
    let anchors: Vec<ElementRef<'_>> = row.select(&SEL_ANCHOR).collect();
    let a = anchors
        .iter()
        .find(|a| attachment_extension(a.attr_of("href").unwrap_or("")).is_none())?;
    let url = a.attr_of("href").and_then(|h| resolve(base, h))?;
    let row_text = text::normalize_line(&row.text().collect::<String>());
    let mut title = a
        .attr_of("title")
        .map(text::normalize_line)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| text::normalize_line(&a.text().collect::<String>()));
    if title.is_empty() {
        title = row_text.clone();
    }
    let (date, fields) = match header.map(|h| (h, cells(row))) {
        Some((h, cells)) if cells.len() == h.len() => by_header(h, &cells)?,
        _ => match date::find_dates(&row_text).into_iter().last() {
            Some(found) => (found.date, BTreeMap::new()),
            None => {
                // A month and day only, outside the link's own text.
                let link_text = text::normalize_line(&a.text().collect::<String>());
                let rest = row_text.replacen(&link_text, " ", 1);
                let c = MONTH_DAY.captures(&rest)?;
                return Some(Entry::MonthDay(MonthDayItem {
                    url,
                    title,
                    month: c[1].parse().ok()?,
                    day: c[2].parse().ok()?,
                }));
            }
        },
    };
    Some(Entry::Dated(ListItem {
        url,
        title,
        date,
        fields,
    }))
}

/// The date of a table row from the column its header names the publication date, and
/// its other columns under their headers (the title and 序号 aside); `None` when the row
/// has no such date.
fn by_header(
    header: &Header,
    cells: &[String],
) -> Option<(chrono::NaiveDate, BTreeMap<String, String>)> {
    let date = DATE_HEADERS.iter().find_map(|wanted| {
        header.iter().zip(cells).find_map(|(label, cell)| {
            (label.contains(wanted) && !OTHER_DATE_HEADERS.iter().any(|o| label.contains(o)))
                .then(|| date::first_date(cell).map(|d| d.date))
                .flatten()
        })
    });
    // A header without a publication-date column: the first date of the row.
    let date = date.or_else(|| {
        cells
            .iter()
            .find_map(|c| date::first_date(c).map(|d| d.date))
    })?;
    let fields = header
        .iter()
        .zip(cells)
        .filter(|(label, cell)| {
            !label.is_empty()
                && !cell.is_empty()
                && *label != "序号"
                && !TITLE_HEADERS
                    .iter()
                    .any(|t| label.contains(t) && !label.contains('号'))
        })
        .map(|(label, cell)| (label.clone(), cell.clone()))
        .collect();
    Some((date, fields))
}

/// The nearest `table` ancestor of an element.
fn owning_table<'a>(el: ElementRef<'a>) -> Option<ElementRef<'a>> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "table")
}

/// The cell texts of a row, a spanning cell repeated over the columns it spans.
fn cells(row: ElementRef<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for cell in row.children().filter_map(ElementRef::wrap) {
        if !matches!(cell.value().name(), "td" | "th") {
            continue;
        }
        let text = text::normalize_line(&cell.text().collect::<String>());
        let span = cell
            .attr_of("colspan")
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 16);
        for _ in 0..span {
            out.push(text.clone());
        }
    }
    out
}

/// The header of a table: among its first three rows, one of `th` cells only, or one
/// without links whose cells name at least two columns (`序号`, `标题`, `发布日期`, …).
fn table_header(table: ElementRef<'_>) -> Option<Header> {
    let rows = table
        .select(&SEL_ROW)
        .filter(|r| owning_table(*r).map(|t| t.id()) == Some(table.id()))
        .take(3);
    for row in rows {
        let cell_tags: Vec<&str> = row
            .children()
            .filter_map(ElementRef::wrap)
            .map(|c| c.value().name())
            .filter(|n| matches!(*n, "td" | "th"))
            .collect();
        if cell_tags.len() < 2 {
            continue;
        }
        let labels: Vec<String> = cells(row)
            .iter()
            .map(|c| c.trim_end_matches([':', '：']).trim().to_string())
            .collect();
        let all_th = cell_tags.iter().all(|n| *n == "th");
        let words = labels
            .iter()
            .filter(|l| l.chars().count() <= 8 && HEADER_WORDS.iter().any(|w| l.contains(w)))
            .count();
        let linked = row.select(&SEL_ANCHOR).next().is_some();
        let dated = labels.iter().any(|l| date::first_date(l).is_some());
        if (all_th || (words >= 2 && !linked)) && !dated {
            return Some(labels);
        }
    }
    None
}

/// Sibling blocks sharing a tag and class, keyed by both.
type BlockGroup<'a> = ((&'a str, Option<&'a str>), Vec<ElementRef<'a>>);

/// Elements that repeat as siblings (three or more of one tag and class, each with a
/// link) and hold no list rows of their own: the entries of lists written as blocks.
fn repeating_blocks(doc: &Html) -> Vec<ElementRef<'_>> {
    let mut out = Vec::new();
    // Reused across parents: most elements have fewer than three block children, and are
    // passed over by a count that allocates nothing.
    let mut groups: Vec<BlockGroup<'_>> = Vec::new();
    for node in doc.tree.nodes() {
        let blocks = node
            .children()
            .filter(|c| {
                c.value()
                    .as_element()
                    .is_some_and(|e| BLOCK_TAGS.contains(&e.name()))
            })
            .count();
        if blocks < MIN_BLOCKS {
            continue;
        }
        groups.clear();
        for c in node.children().filter_map(ElementRef::wrap) {
            if !BLOCK_TAGS.contains(&c.value().name()) {
                continue;
            }
            let key = (c.value().name(), c.attr_of("class"));
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(c),
                None => groups.push((key, vec![c])),
            }
        }
        // Runs in document order: groups are keyed in the order of their first member.
        for (_, run) in groups.iter_mut().filter(|(_, g)| g.len() >= MIN_BLOCKS) {
            let linked = run
                .iter()
                .filter(|b| b.select(&SEL_ANCHOR).next().is_some())
                .count();
            if linked * 2 < run.len() {
                continue;
            }
            out.extend(
                run.drain(..)
                    .filter(|b| b.select(&SEL_ROWS).next().is_none()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::page::PageFacts;

    fn items(html: &str) -> Vec<(String, String, String)> {
        PageFacts::from_html("http://x.gov.cn/col/index.html", 200, html)
            .list_items
            .into_iter()
            .map(|i| {
                (
                    i.url.rsplit('/').next().unwrap().to_string(),
                    i.title,
                    i.date.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_table_list_dates_its_entries_by_the_header() {
        let html = "<table><thead><tr><th>序号</th><th>文件名称</th><th>文号</th><th>发布日期</th><th>实施日期</th><th>失效日期</th><th>有效性</th></tr></thead><tbody>\
            <tr><td>1</td><td><a href=\"/c/1.html\">办法一</a></td><td>粤文旅规〔2021〕4号</td><td>2021-12-10</td><td>2022-01-10</td><td>2026-12-09</td><td>有效</td></tr>\
            <tr><td>2</td><td><a href=\"/c/2.html\">办法二</a></td><td>粤文规〔2017〕2号</td><td>2017-05-15</td><td></td><td></td><td>有效</td></tr></tbody></table>";
        let p = PageFacts::from_html("http://x.gov.cn/col/index.html", 200, html);
        assert_eq!(p.list_items.len(), 2);
        assert_eq!(
            p.list_items[0].date.to_string(),
            "2021-12-10",
            "the 发布日期 column, not the last date"
        );
        assert_eq!(
            p.list_items[0].fields.get("文号").map(String::as_str),
            Some("粤文旅规[2021]4号")
        );
        assert_eq!(
            p.list_items[0].fields.get("有效性").map(String::as_str),
            Some("有效")
        );
        assert_eq!(
            p.list_items[0].fields.get("失效日期").map(String::as_str),
            Some("2026-12-09")
        );
        assert!(!p.list_items[0].fields.contains_key("文件名称"));
        assert!(
            !p.list_items[1].fields.contains_key("实施日期"),
            "empty cells are left out"
        );
    }

    #[test]
    fn a_header_row_of_td_cells_counts_and_a_table_without_one_takes_the_last_date() {
        let with = "<table><tr><td>标题</td><td>发布时间</td><td>答复时间</td></tr>\
            <tr><td><a href=\"/q/1.html\">问题一</a></td><td>2021/06/01 09:00</td><td>2021.06.05</td></tr></table>";
        assert_eq!(
            items(with),
            vec![("1.html".into(), "问题一".into(), "2021-06-01".into())]
        );
        let without = "<table><tr><td><a href=\"/q/2.html\">问题二</a></td><td>2021年06月01日</td><td>2021.06.05</td></tr></table>";
        assert_eq!(
            items(without),
            vec![("2.html".into(), "问题二".into(), "2021-06-05".into())]
        );
    }

    #[test]
    fn repeating_blocks_are_entries() {
        let html = "<div class=\"pic-list\">\
            <div class=\"pic-item\"><a href=\"/n/1.html\"><img alt=\"一\"></a><p><a href=\"/n/1.html\">组图一</a></p><span class=\"date\">[2022-01-27]</span></div>\
            <div class=\"pic-item\"><a href=\"/n/2.html\"><img alt=\"二\"></a><p><a href=\"/n/2.html\">组图二</a></p><span class=\"date\">[2022-01-25]</span></div>\
            <div class=\"pic-item\"><a href=\"/n/3.html\"><img alt=\"三\"></a><p><a href=\"/n/3.html\">组图三</a></p><span class=\"date\">[2022-01-21]</span></div>\
            </div>";
        let got = items(html);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "1.html");
        assert_eq!(got[0].2, "2022-01-27");
        assert_eq!(got[2].2, "2022-01-21");
        // Two blocks are no list; a lone dated paragraph is no entry.
        let two = "<div><div class=\"x\"><a href=\"/n/1.html\">一</a> 2022-01-27</div><div class=\"x\"><a href=\"/n/2.html\">二</a> 2022-01-25</div></div>";
        assert!(items(two).is_empty());
    }

    #[test]
    fn rows_keep_working_as_before() {
        let html = "<ul><li><a href=\"/a/1.html\" title=\"全称一\">简称</a><span>2021-03-15</span></li>\
            <li><a href=\"/a/2.html\">二</a> 2021年3月16日</li><li><a href=\"/a/3.pdf\">附件</a> 2021-03-17</li></ul>";
        assert_eq!(
            items(html),
            vec![
                ("1.html".into(), "全称一".into(), "2021-03-15".into()),
                ("2.html".into(), "二".into(), "2021-03-16".into()),
            ]
        );
    }
}
