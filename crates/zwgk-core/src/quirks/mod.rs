//! Platform quirks: what the core knows of particular publishing platforms, fenced off
//! from the generic page analysis.
//!
//! - [`gkmlpt`]: the Guangdong 政府信息公开目录 platform's detail-page metadata block.

pub mod gkmlpt;
