//! Platform-specific readers, fenced off from the generic analysis.
//!
//! - [`gkmlpt`]: the Guangdong 政府信息公开目录 platform (`/gkmlpt/…`), whose
//!   lists come from a JSON API that no `<a href>` reaches.

pub mod gkmlpt;
