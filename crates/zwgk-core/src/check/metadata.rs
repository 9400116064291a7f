//! `metadata`: metadata-block fields present and non-empty. Its documentation is
//! [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Field, Kind,
    PageVerdict,
};
use crate::document::{Document, Place};
use crate::pack::CheckCompiler;
use crate::rule::Quantifier;

/// `metadata`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "metadata",
    summary: "metadata-block fields present",
    what: "Each of `fields` has a value where the site states the document's fields: the \
page's labelled fields (the catalogue's block 索引号, 分类, 发布机构, 成文日期, 名称, 文号, 发布日期, \
主题词; the 集约化 基本信息 block 统一编号, 文号, 实施日期, 失效日期, 发布机关, 文件状态; a label/value \
table), else the columns of a list entry naming the page (a 规范性文件 table's 文号 column). \
The evidence says where each value was read.",
    why: "The catalogue gives every item its index number, name, summary and date \
(《政府信息公开条例》第十二条); a normative document shows its 文号.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "metadata"
fields = ["索引号", "发布机构", "文号"]"#,
        passes: "a detail page whose block gives all three",
        fails: "a detail page whose 文号 cell is empty",
    },
    clause: "《政府信息公开条例》第十二条",
    fields: &[
        Field {
            name: "fields",
            ty: "list of strings",
            default: None,
            meaning: "the labels that must carry a value",
        },
        pages_field("`every`"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    fields: Option<Spanned<Vec<String>>>,
    pages: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(fields) = &f.fields else {
        c.required("fields");
        return None;
    };
    if fields.get_ref().is_empty() {
        c.invalid(fields.span(), "`fields` must name at least one field");
        return None;
    }
    Some(Check::new(Metadata {
        fields: fields.get_ref().clone(),
        pages: c.pages(&f.pages, Quantifier::Every)?,
    }))
}

/// A compiled `metadata` check.
#[derive(Debug)]
pub(crate) struct Metadata {
    fields: Vec<String>,
    pages: Quantifier,
}

impl Evaluate for Metadata {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, &self.fields, self.pages)
    }
}

fn check(cx: &Context<'_>, fields: &[String], pages: Quantifier) -> CheckResult {
    per_page(cx, KIND.name, pages, |page| {
        let doc = Document::of(cx.site, page);
        let missing: Vec<&str> = fields
            .iter()
            .filter(|f| doc.field(f).is_none())
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            let shown: Vec<String> = fields
                .iter()
                .filter_map(|f| doc.field(f).map(|s| (f, s)))
                .map(|(f, s)| match s.from {
                    Place::Page => format!("{f}:{}", s.value),
                    Place::List(_) => format!("{f}:{}（{}）", s.value, s.from),
                })
                .collect();
            PageVerdict::Pass(shown.join(" "))
        } else if page.metadata.is_empty() && doc.listed.iter().all(|(_, i)| i.fields.is_empty()) {
            PageVerdict::Fail(format!(
                "《{}》未标注{}（页面无元数据信息块，列表中也未列明）",
                page.title,
                missing.join("、")
            ))
        } else {
            PageVerdict::Fail(format!(
                "《{}》未标注：{}",
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
