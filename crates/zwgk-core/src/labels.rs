//! The labelled fields of a page (`PageFacts::metadata`): what a detail page states as
//! `label: value` about the document it carries, however the template lays it out.
//!
//! Real templates print these fields three ways, all read here:
//! - the gkmlpt catalogue's block (索引号 · 分类 · 发布机构 · 成文日期 · 名称 · 文号 · 发布日期 ·
//!   主题词, see [`crate::quirks::gkmlpt`]) and the 集约化 platform's 基本信息 block (统一编号 · 文号 ·
//!   实施日期 · 失效日期 · 发布机关 · 文件状态): `label：value` cells, several to a line;
//! - label/value tables without colons, as the 双公示 notices of licensing and penalty
//!   decisions print them (`许可决定日期 | 2021-01-18`, `处罚决定日期 | 2021-01-19`);
//! - the same labels written as lines of the body.
//!
//! In text, only the labels of [`TEXT_LABELS`] are read (prose is full of other `X：Y`);
//! in small tables laid out as label/value pairs, every pair is kept (what a rule needs,
//! such as a decision date under a label a pack names, is then there to be found). Fewer
//! than two fields in all is no block (a lone `名称：` in prose), unless the one field is
//! a date under a label ending in 日期.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::date;
use crate::page::Table;

/// Labels read from lines of text (`label: value`), longest first where one ends another:
/// the gkmlpt block's ([`crate::quirks::gkmlpt::METADATA_FIELDS`]), the 集约化 block's, and
/// those of validity and of enforcement decisions.
pub const TEXT_LABELS: [&str; 27] = [
    "行政许可决定书文号",
    "行政处罚决定书文号",
    "许可决定日期",
    "处罚决定日期",
    "作出决定日期",
    "决定书文号",
    "决定日期",
    "索引号",
    "分类",
    "发布机构",
    "发布机关",
    "发文机关",
    "成文日期",
    "名称",
    "发文字号",
    "文号",
    "发布日期",
    "主题词",
    "统一编号",
    "实施日期",
    "施行日期",
    "生效日期",
    "失效日期",
    "废止日期",
    "文件状态",
    "有效性",
    "时效性",
];

/// Tables with more rows than this are data, not a block of fields.
const MAX_BLOCK_ROWS: usize = 20;
/// A label cell: a short text with a Han character, not a number or a date.
const MAX_LABEL_CHARS: usize = 14;
/// The most fields kept of one page (hostile pages).
const MAX_FIELDS: usize = 60;

static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("({}) ?:", TEXT_LABELS.join("|"))).expect("valid regex"));

/// The labelled fields of a page from its normalised text and its tables; the first value
/// of a label counts, a label present with an empty value maps to "".
pub fn labelled_fields(body_text: &str, tables: &[Table]) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    // Every label is followed by a colon: a line without one is passed over cheaply.
    for line in body_text.lines().filter(|l| l.contains(':')) {
        let labels: Vec<regex::Match<'_>> = LABEL.find_iter(line).collect();
        for (i, m) in labels.iter().enumerate() {
            let end = labels.get(i + 1).map(|n| n.start()).unwrap_or(line.len());
            let name = line[m.start()..m.end()]
                .trim_end_matches(':')
                .trim()
                .to_string();
            let value = line[m.end()..end].trim().to_string();
            found.entry(name).or_insert(value);
        }
    }
    for table in tables.iter().filter(|t| t.rows.len() <= MAX_BLOCK_ROWS) {
        let pairs = label_value_pairs(table);
        if pairs.len() >= 2 {
            for (label, value) in pairs {
                if found.len() >= MAX_FIELDS {
                    break;
                }
                found.entry(label).or_insert(value);
            }
        }
    }
    // A lone labelled date (`许可决定日期：2021-03-10`) says what it is; a lone other
    // field is likelier prose.
    let lone_date = found.len() == 1
        && found
            .iter()
            .all(|(label, value)| label.ends_with("日期") && date::first_date(value).is_some());
    if found.len() < 2 && !lone_date {
        found.clear();
    }
    found
}

/// Whether a cell reads as a label: short, with a Han character, no digit, no date.
fn is_label(cell: &str) -> bool {
    let cell = cell.trim_end_matches(':').trim();
    let n = cell.chars().count();
    (2..=MAX_LABEL_CHARS).contains(&n)
        && cell.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        && !cell.chars().any(|c| c.is_ascii_digit())
        && date::first_date(cell).is_none()
}

/// The `label | value` pairs of a table's rows (a row of 2, 4 or 6 cells whose odd cells
/// are labels), spanning copies left out; none unless two rows or more give pairs.
fn label_value_pairs(table: &Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rows = 0;
    for (r, row) in table.rows.iter().enumerate() {
        let cells: Vec<&str> = row
            .iter()
            .enumerate()
            .filter(|(c, _)| !table.spanned[r].get(*c).copied().unwrap_or(false))
            .map(|(_, s)| s.as_str())
            .collect();
        if cells.is_empty() || !cells.len().is_multiple_of(2) {
            continue;
        }
        if !cells.chunks(2).all(|pair| is_label(pair[0])) {
            continue;
        }
        rows += 1;
        for pair in cells.chunks(2) {
            let label = pair[0].trim_end_matches(':').trim().to_string();
            out.push((label, pair[1].trim().to_string()));
        }
    }
    // One row of labels is a data table's header, not a block of fields.
    if rows < 2 {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageFacts;

    #[test]
    fn labels_on_one_line_and_a_lone_label() {
        let text =
            "正文\n索引号：006939748/2021-00123 分类：规范性文件\n文号： 发布日期：2021-09-28";
        let text = crate::text::normalize(text);
        let block = labelled_fields(&text, &[]);
        assert_eq!(
            block.get("索引号").map(String::as_str),
            Some("006939748/2021-00123")
        );
        assert_eq!(block.get("分类").map(String::as_str), Some("规范性文件"));
        assert_eq!(block.get("文号").map(String::as_str), Some(""));
        assert_eq!(
            block.get("发布日期").map(String::as_str),
            Some("2021-09-28")
        );
        assert!(
            labelled_fields("名称:一个名称", &[]).is_empty(),
            "one label is no block"
        );
    }

    #[test]
    fn a_label_value_table_without_colons() {
        let html = "<table><tr><td>行政许可决定书文号</td><td>粤文旅许〔2021〕1号</td></tr>\
            <tr><td>项目名称</td><td>涉外营业性演出审批</td></tr>\
            <tr><td>许可决定日期</td><td>2021-01-18</td></tr>\
            <tr><td>有效期自</td><td>2021-01-18</td><td>有效期至</td><td>2021-03-19</td></tr></table>";
        let p = PageFacts::from_html("http://x.gov.cn/a.html", 200, html);
        assert_eq!(p.metadata_value("许可决定日期"), Some("2021-01-18"));
        assert_eq!(
            p.metadata_value("行政许可决定书文号"),
            Some("粤文旅许[2021]1号")
        );
        assert_eq!(p.metadata_value("有效期至"), Some("2021-03-19"));
    }

    #[test]
    fn the_jiyuehua_basic_information_block() {
        let html = "<div class=\"jbxx\"><div>基本信息</div><table><tr><td>统一编号：</td><td>GDWL-2021-004</td><td>文号：</td><td>粤文旅规〔2021〕4号</td></tr>\
            <tr><td>实施日期：</td><td>2021-12-10</td><td>失效日期：</td><td>2026-12-09</td></tr>\
            <tr><td>发布机关：</td><td>广东省文化和旅游厅</td><td>文件状态：</td><td></td></tr></table></div>";
        let p = PageFacts::from_html("http://x.gov.cn/a.html", 200, html);
        assert_eq!(p.metadata_value("文号"), Some("粤文旅规[2021]4号"));
        assert_eq!(p.metadata_value("失效日期"), Some("2026-12-09"));
        assert_eq!(p.metadata.get("文件状态").map(String::as_str), Some(""));
        assert_eq!(p.metadata_value("发布机关"), Some("广东省文化和旅游厅"));
    }

    #[test]
    fn data_tables_are_not_fields() {
        let html = "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>\
            <tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>4</td><td>1</td><td>10</td></tr></table>";
        let p = PageFacts::from_html("http://x.gov.cn/a.html", 200, html);
        assert!(!p.metadata.contains_key("规章"), "{:?}", p.metadata);
        assert!(
            !p.metadata.contains_key("行政规范性文件"),
            "{:?}",
            p.metadata
        );
    }
}
