//! Document analysers: structured readings of documents that several check kinds use.
//!
//! - [`annual_report`]: the statistics tables of the 政府信息公开工作年度报告.

pub mod annual_report;
