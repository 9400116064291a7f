//! `attachment`: the page offers attachments.
//!
//! - **What**: at least `min` linked documents whose file ending is one of
//!   `extensions` (any document ending when empty) and whose link text matches `name`.
//! - **Why**: budgets, final accounts and reports are often published as PDF or
//!   DOCX attachments; the platform must offer download (条例第二十四条).
//! - **Example**: `{ kind = "attachment", extensions = ["pdf", "docx"] }` passes on a
//!   final-accounts page linking `/attachment/0/411/411234/3164000.pdf`.
//! - **Clause**: per rule.

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::rule::{Pattern, Quantifier};

pub(super) fn check(
    cx: &Context<'_>,
    extensions: &[String],
    name: Option<&Pattern>,
    min: usize,
    pages: Quantifier,
) -> CheckResult {
    per_page(cx, "attachment", pages, |page| {
        let found: Vec<_> = page
            .attachments
            .iter()
            .filter(|a| extensions.is_empty() || extensions.contains(&a.extension))
            .filter(|a| name.is_none_or(|p| p.is_match(&a.name) || p.is_match(&a.url)))
            .collect();
        let kinds = if extensions.is_empty() {
            "附件".to_string()
        } else {
            format!("{}附件", extensions.join("/"))
        };
        if found.len() >= min.max(1) || min == 0 {
            let names: Vec<String> = found
                .iter()
                .take(3)
                .map(|a| format!("{}（{}）", a.name, a.url))
                .collect();
            PageVerdict::Pass(format!("{}个{kinds}：{}", found.len(), names.join("；")))
        } else {
            PageVerdict::Fail(format!(
                "《{}》有{}个{kinds}，要求至少{}个",
                page.title,
                found.len(),
                min.max(1)
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    #[test]
    fn counts_matching_attachments() {
        let s = site(&[("/a.html", "<title>决算</title><a href=\"/att/1.pdf\">2020年部门决算.pdf</a><a href=\"/att/2.xls\">表</a>")]);
        let rule = |ext: &str| {
            format!("locate = {{ url = \"/a\" }}\n[[rule.checks]]\nkind = \"attachment\"\nextensions = [{ext}]")
        };
        assert_eq!(run(&s, &rule("\"pdf\", \"docx\"")).outcome, Outcome::Pass);
        let r = run(&s, &rule("\"docx\""));
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        let named = "locate = { url = \"/a\" }\n[[rule.checks]]\nkind = \"attachment\"\nname = \"决算\"\nmin = 2";
        assert_eq!(run(&s, named).outcome, Outcome::Fail);
    }
}
