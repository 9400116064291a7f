//! `attachment`: the page offers attachments. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Field, Kind,
    PageVerdict,
};
use crate::pack::CheckCompiler;
use crate::rule::{Pattern, Quantifier};

/// `attachment`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "attachment",
    summary: "documents offered for download",
    what: "At least `min` linked documents whose file ending is one of `extensions` (any \
document ending when empty) and whose link text or URL matches `name`.",
    why: "Budgets, final accounts and reports are often published as PDF or DOCX \
attachments; the platform must offer download (《政府信息公开条例》第二十四条).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "attachment"
extensions = ["pdf", "docx"]
name = "决算"
min = 1"#,
        passes: "a final-accounts page linking `/attachment/0/411/411234/3164000.pdf` as 「2020年部门决算.pdf」",
        fails: "the same page without the attachment",
    },
    clause: "per rule",
    fields: &[
        Field {
            name: "extensions",
            ty: "list of file endings",
            default: Some("any document ending"),
            meaning: "accepted endings, e.g. `pdf`, `docx`",
        },
        Field {
            name: "name",
            ty: "regex",
            default: Some("none: any name"),
            meaning: "a regex on the link text or URL",
        },
        Field {
            name: "min",
            ty: "integer, 0–1000000",
            default: Some("1"),
            meaning: "how many matching attachments a page needs",
        },
        pages_field("`any`"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    extensions: Option<Spanned<Vec<String>>>,
    name: Option<Spanned<String>>,
    min: Option<Spanned<i64>>,
    pages: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(Attachment {
        extensions: f
            .extensions
            .as_ref()
            .map(|e| {
                e.get_ref()
                    .iter()
                    .map(|x| x.trim_start_matches('.').to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default(),
        name: c.opt_pattern(&f.name)?,
        min: c.count(&f.min, 1, "min")?,
        pages: c.pages(&f.pages, Quantifier::Any)?,
    }))
}

/// A compiled `attachment` check.
#[derive(Debug)]
pub(crate) struct Attachment {
    extensions: Vec<String>,
    name: Option<Pattern>,
    min: usize,
    pages: Quantifier,
}

impl Evaluate for Attachment {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(
            cx,
            &self.extensions,
            self.name.as_ref(),
            self.min,
            self.pages,
        )
    }
}

fn check(
    cx: &Context<'_>,
    extensions: &[String],
    name: Option<&Pattern>,
    min: usize,
    pages: Quantifier,
) -> CheckResult {
    per_page(cx, KIND.name, pages, |page| {
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
