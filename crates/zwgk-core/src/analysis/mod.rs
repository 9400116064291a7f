//! Document analysers: structured readings of documents that several check kinds use.
//!
//! - [`annual_report`]: the statistics tables of the 政府信息公开工作年度报告.
//! - [`normative`]: number, validity dates and status of a 规范性文件.

pub mod annual_report;
pub mod normative;
