//! # zwgk-core
//!
//! The model and the engine of `zwgk`, a checker of Chinese government portals
//! against a department's yearly 政务公开 (government-affairs disclosure) plan.
//!
//! - a [`Plan`] of numbered [`plan::Task`]s and a [`RulePack`] of declarative
//!   [`rule::Rule`]s, loaded strictly from TOML ([`pack`]);
//! - a [`Site`] of [`PageFacts`] (what a scan keeps of each page), with the results
//!   of checking its off-site links ([`ExternalLink`]) and the availability
//!   [`Probe`]s of its pages when a monitor recorded some;
//! - [`evaluate`]: every rule against the site **as of a date**, giving a typed
//!   [`Report`] whose every verdict carries its evidence.
//!
//! The crate is pure: it does no I/O and reads no clock. Callers read files and
//! fetch pages (see the `zwgk-crawl` crate) and pass the as-of date.
//!
//! ```
//! use zwgk_core::{evaluate, EvidenceSet, Outcome, PageFacts, RulePack, Site, SourceFile};
//!
//! let pack_toml = r#"
//! [pack]
//! id = "demo"
//! title = "示例计划"
//! year = 2021
//! [[task]]
//! number = 1
//! heading = "做好各类规划主动公开"
//! requirement = "主动公开“十四五”规划。"
//! lead = ["政策法规处"]
//! "#;
//! let rules = r#"
//! [[rule]]
//! id = "t01-plan-published"
//! task = 1
//! title = "十四五规划已公开"
//! severity = "high"
//! mode = "auto"
//! expect = "公开“十四五”规划"
//! source = { seed = "任务1" }
//! locate = { title = "十四五.*规划" }
//! [[rule.checks]]
//! kind = "exists"
//! "#;
//! let pack = RulePack::load(
//!     &SourceFile::new("pack.toml", pack_toml),
//!     &[SourceFile::new("t01.toml", rules)],
//! )?;
//! let page = PageFacts::from_html(
//!     "http://whly.gd.gov.cn/open_newjhgh/content/post_3500000.html",
//!     200,
//!     "<title>广东省文化和旅游发展“十四五”规划</title><p>时间 : 2021-09-29 10:00</p>",
//! );
//! let site = Site::new("http://whly.gd.gov.cn/", [page]);
//! let as_of = chrono::NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
//! let report = evaluate(&pack, &site, &EvidenceSet::empty(), as_of);
//! assert_eq!(report.tasks[0].outcome, Outcome::Pass);
//! assert_eq!(report.tasks[0].rules[0].evidence[0].url,
//!            "http://whly.gd.gov.cn/open_newjhgh/content/post_3500000.html");
//! # Ok::<(), zwgk_core::PackErrors>(())
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod calendar;
pub mod check;
pub mod columns;
pub mod date;
pub mod document;
pub mod eval;
pub mod evidence;
pub mod external;
pub mod html;
pub mod labels;
mod listing;
pub mod outcome;
pub mod pack;
pub mod page;
pub mod plan;
pub mod plan_import;
pub mod probe;
pub mod quirks;
pub mod report;
pub mod rule;
pub mod ruletest;
pub mod score;
pub mod selectors;
pub mod site;
pub mod t2s;
pub mod text;

pub use eval::{evaluate, evaluate_with_calendar};
pub use evidence::{EvidenceError, EvidenceRecord, EvidenceSet};
pub use external::{CheckMethod, ExternalLink};
pub use outcome::{Evidence, Outcome};
pub use pack::{PackError, PackErrors, RulePack, SourceFile};
pub use page::{PageFacts, Selectors};
pub use plan::{Divisions, Plan, Task};
pub use probe::Probe;
pub use report::Report;
pub use site::Site;
