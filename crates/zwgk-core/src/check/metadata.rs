//! `metadata`: metadata-block fields present and non-empty.
//!
//! - **What**: each of `fields` (索引号, 分类, 发布机构, 成文日期, 名称, 文号, 发布日期, 主题词)
//!   is in the page's metadata block with a value. Default `pages = "every"`.
//! - **Why**: the catalogue gives every item its index number, name, summary and
//!   date (条例第十二条); a normative document shows its 文号.
//! - **Example**: `{ kind = "metadata", fields = ["索引号", "发布机构", "文号"] }` fails on a
//!   detail page whose 文号 cell is empty.
//! - **Clause**: 《政府信息公开条例》第十二条.

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::rule::Quantifier;

pub(super) fn check(cx: &Context<'_>, fields: &[String], pages: Quantifier) -> CheckResult {
    per_page(cx, "metadata", pages, |page| {
        let missing: Vec<&str> = fields
            .iter()
            .filter(|f| page.metadata_value(f).is_none())
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            let shown: Vec<String> = fields
                .iter()
                .map(|f| format!("{f}:{}", page.metadata_value(f).unwrap_or_default()))
                .collect();
            PageVerdict::Pass(shown.join(" "))
        } else if page.metadata.is_empty() {
            PageVerdict::Fail(format!("《{}》无元数据信息块", page.title))
        } else {
            PageVerdict::Fail(format!(
                "《{}》元数据缺少：{}",
                page.title,
                missing.join("、")
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const FULL: &str = "<title>办法</title><table><tr><td>索引号：</td><td>006939748/2021-00123</td><td>发布机构：</td><td>广东省文化和旅游厅</td></tr><tr><td>文号：</td><td>粤文旅规〔2021〕2号</td></tr></table>";
    const NO_NUMBER: &str = "<title>通知</title><table><tr><td>索引号：</td><td>006939748/2021-00124</td><td>发布机构：</td><td>广东省文化和旅游厅</td></tr><tr><td>文号：</td><td></td></tr></table>";

    #[test]
    fn every_page_needs_its_fields() {
        let rule = "locate = { url = \"/g/\" }\n[[rule.checks]]\nkind = \"metadata\"\nfields = [\"索引号\", \"发布机构\", \"文号\"]";
        let ok = site(&[("/g/1.html", FULL)]);
        assert_eq!(run(&ok, rule).outcome, Outcome::Pass);
        let bad = site(&[("/g/1.html", FULL), ("/g/2.html", NO_NUMBER)]);
        let r = run(&bad, rule);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.contains("文号"), "{}", r.message);
        assert_eq!(r.evidence[0].url, "http://whly.gd.gov.cn/g/2.html");
    }
}
