//! `normative_documents`: normative documents show their number and validity. Its
//! documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Field, Kind,
    PageVerdict,
};
use crate::analysis::annual_report::{analyse, report_year};
use crate::analysis::normative::{read, NormativeDoc, Status};
use crate::document::Document;
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;
use crate::rule::{Pattern, Quantifier};

/// `normative_documents`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "normative_documents",
    summary: "normative documents show number and validity",
    what: "Every located page shows a 文号 (metadata, title or text) and its validity: \
实施日期 / 失效日期 / 有效期N年 / 文件状态 (the status may be filled in by script, so it is \
derived from the dates too). A stated 有效 whose 失效日期 has passed on the as-of date fails. \
The documents in force on the as-of date are counted and compared with 现行有效件数 in table \
二 of the annual report whose title matches `report_title`: a difference is a note in the \
message and evidence, never a failure.",
    why: "All valid normative documents are published together and kept current (task 22 \
of the 2021 plan); each shows its number and validity.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "normative_documents"
report_title = "2021年度?政府信息公开工作(年度)?报告""#,
        passes: "document pages each showing `粤文旅规〔2021〕1号` and `实施日期 2021-06-01 失效日期 2026-05-31`",
        fails: "a document page whose 文号 is empty",
    },
    clause: "《政府信息公开条例》第二十条第（一）项; 国办发〔2018〕37号 (规范性文件管理)",
    fields: &[
        Field {
            name: "report_title",
            ty: "regex",
            default: Some("none: no comparison"),
            meaning: "the title of the annual report whose 现行有效件数 the count is compared with",
        },
        pages_field("`every`"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    report_title: Option<Spanned<String>>,
    pages: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(NormativeDocuments {
        report_title: c.opt_pattern(&f.report_title)?,
        pages: c.pages(&f.pages, Quantifier::Every)?,
    }))
}

/// A compiled `normative_documents` check.
#[derive(Debug)]
pub(crate) struct NormativeDocuments {
    report_title: Option<Pattern>,
    pages: Quantifier,
}

impl Evaluate for NormativeDocuments {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self.report_title.as_ref(), self.pages)
    }
}

fn check(
    cx: &Context<'_>,
    report_title: Option<&Pattern>,
    pages: Quantifier,
) -> CheckResult {
    // Each document is read once, for its own verdict and for the count in force.
    let docs: std::collections::HashMap<&str, NormativeDoc> = cx
        .located
        .pages
        .iter()
        .map(|p| (p.url.as_str(), read(&Document::of(cx.site, p))))
        .collect();
    let mut result = per_page(cx, KIND.name, pages, |page| {
        let Some(doc) = docs.get(page.url.as_str()) else {
            return PageVerdict::Fail(format!("《{}》未能读取", page.title));
        };
        let Some(number) = &doc.number else {
            return PageVerdict::Fail(format!("《{}》未标注文号", page.title));
        };
        if !doc.has_validity() {
            return PageVerdict::Fail(format!(
                "《{}》（{number}）未标明有效性（实施日期、失效日期或文件状态）",
                page.title
            ));
        }
        let derived = doc.status_on(cx.as_of);
        if let (Some(Status::Valid), Some(Status::Expired), Some(until)) =
            (doc.stated, derived, doc.expires)
        {
            return PageVerdict::Fail(format!(
                "《{}》（{number}）标注“有效”，但失效日期{until}已过",
                page.title
            ));
        }
        let dates = match (doc.effective, doc.expires) {
            (Some(a), Some(b)) => format!("{a}施行，{b}失效"),
            (Some(a), None) => format!("{a}施行"),
            (None, Some(b)) => format!("{b}失效"),
            (None, None) => String::new(),
        };
        let status = derived
            .or(doc.stated)
            .map(|s| s.to_string())
            .unwrap_or_default();
        PageVerdict::Pass(format!("{number} {dates} {status}").trim().to_string())
    });
    if result.outcome != Outcome::Pass && result.outcome != Outcome::Fail {
        return result;
    }
    let in_force = cx
        .located
        .pages
        .iter()
        .filter(|p| {
            docs.get(p.url.as_str()).and_then(|d| d.status_on(cx.as_of)) == Some(Status::Valid)
        })
        .count();
    let report = report_title.and_then(|pattern| {
        cx.site
            .pages()
            .iter()
            .filter(|p| {
                p.is_ok() && pattern.is_match(&p.title) && p.published.is_none_or(|d| d <= cx.as_of)
            })
            .find_map(|p| {
                analyse(&p.tables, report_year(p, cx.plan_year))
                    .valid_normative_documents
                    .map(|n| (p, n))
            })
    });
    let note = match report {
        Some((page, n)) if n as usize != in_force => {
            result.evidence.push(Evidence::new(
                page.url.clone(),
                format!("年报表二现行有效件数{n}"),
            ));
            format!("；注意：网站列出现行有效规范性文件{in_force}件，与年报表二现行有效件数{n}不一致（提示，不计为不通过）")
        }
        Some((_, n)) => format!("；现行有效{in_force}件，与年报表二一致（{n}件）"),
        None => format!("；现行有效{in_force}件"),
    };
    result.message.push_str(&note);
    result
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const DOC_OK: &str = "<title>关于印发办法的通知</title><p>文号：粤文旅规〔2021〕2号</p><p>实施日期：2021-12-01 失效日期：2026-11-30 文件状态：有效</p>";
    const DOC_STALE: &str = "<title>旧办法</title><p>文号：粤文规〔2016〕2号</p><p>实施日期：2016-06-01 失效日期：2021-05-31 文件状态：有效</p>";
    const DOC_BARE: &str = "<title>某通知</title><p>文号：粤文旅规〔2020〕1号</p>";
    const REPORT: &str = "<title>广东省文化和旅游厅2021年政府信息公开工作年度报告</title><table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr><tr><td>行政规范性文件</td><td>2</td><td>0</td><td>3</td></tr></table>";
    const RULE: &str = "locate = { url = \"/gfxwj/\" }\n[[rule.checks]]\nkind = \"normative_documents\"\nreport_title = \"2021年度?政府信息公开工作(年度)?报告\"";

    #[test]
    fn valid_documents_pass_with_a_count_note() {
        let s = site(&[("/gfxwj/1.html", DOC_OK), ("/r.html", REPORT)]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(
            r.message
                .contains("现行有效规范性文件1件，与年报表二现行有效件数3不一致"),
            "{}",
            r.message
        );
        assert!(r.evidence.iter().any(|e| e.url.ends_with("/r.html")));
    }

    #[test]
    fn stale_status_and_missing_validity_fail() {
        let r = run(
            &site(&[("/gfxwj/1.html", DOC_OK), ("/gfxwj/2.html", DOC_STALE)]),
            RULE,
        );
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(
            r.message.contains("标注“有效”，但失效日期2021-05-31已过"),
            "{}",
            r.message
        );
        let r = run(&site(&[("/gfxwj/3.html", DOC_BARE)]), RULE);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.contains("未标明有效性"), "{}", r.message);
    }
}
