//! The gkmlpt platform's detail pages (政府信息公开目录, `/gkmlpt/content/…`): the metadata
//! block they print above the document.
//!
//! A detail page shows a table of `label：value` cells — 索引号, 分类, 发布机构, 成文日期,
//! 名称, 文号, 发布日期, 主题词 ([`METADATA_FIELDS`]) — which [`crate::PageFacts::from_html`]
//! reads into `PageFacts::metadata` with the other templates' labelled fields
//! ([`crate::labels`]), for every page it analyses: crawled and mirrored pages as well as
//! the pages of rule tests. This is the only part of the platform the core knows. Which
//! catalogue pages a crawl asks for, and how the catalogue's JSON API answers become page
//! facts, is the crawl's side of the platform (`zwgk_crawl::quirks::gkmlpt`): the core
//! parses no JSON and fetches nothing.

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
