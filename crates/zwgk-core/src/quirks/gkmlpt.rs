//! The gkmlpt platform's detail pages (政府信息公开目录, `/gkmlpt/content/…`): the metadata
//! block they print above the document.
//!
//! A detail page shows a table of `label：value` cells — 索引号, 分类, 发布机构, 成文日期,
//! 名称, 文号, 发布日期, 主题词 — which [`crate::PageFacts::from_html`] reads into
//! `PageFacts::metadata` with [`metadata_block`], for every page it analyses: crawled and
//! mirrored pages as well as the pages of rule tests. This is the only part of the platform
//! the core knows, and it reads text only (no I/O). Which catalogue pages a crawl asks for,
//! and how the catalogue's JSON API answers become page facts, is the crawl's side of the
//! platform (`zwgk_crawl::quirks::gkmlpt`): the core parses no JSON and fetches nothing.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The fields of the metadata block of a catalogue detail page, in the order the platform prints them.
pub const METADATA_FIELDS: [&str; 8] = [
    "索引号",
    "分类",
    "发布机构",
    "成文日期",
    "名称",
    "文号",
    "发布日期",
    "主题词",
];

/// Read the metadata block from a page's normalised text: `label: value` pairs whose
/// labels are [`METADATA_FIELDS`], several to a line as the block's table prints them;
/// the first value of a label counts. Fewer than two labels found is no block (empty).
pub fn metadata_block(body_text: &str) -> BTreeMap<String, String> {
    static LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(索引号|分类|发布机构|成文日期|名称|文号|发布日期|主题词) ?:")
            .expect("valid regex")
    });
    let mut found = BTreeMap::new();
    for line in body_text.lines() {
        let labels: Vec<regex::Match<'_>> = LABEL.find_iter(line).collect();
        // A metadata line carries at least one label; a lone 名称/分类 in prose is unlikely
        // but harmless. Require two labels in the whole block (checked below).
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
    if found.len() < 2 {
        found.clear();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_on_one_line_and_a_lone_label() {
        let text =
            "正文\n索引号：006939748/2021-00123 分类：规范性文件\n文号： 发布日期：2021-09-28";
        let text = crate::text::normalize(text);
        let block = metadata_block(&text);
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
            metadata_block("名称:一个名称").is_empty(),
            "one label is no block"
        );
    }
}
