//! `sections`: required sections present, in order. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    attached, pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Field, Kind,
    PageVerdict,
};
use crate::pack::CheckCompiler;
use crate::rule::Quantifier;
use crate::text::compact_key;

/// `sections`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "sections",
    summary: "required sections present, in order",
    what: "Each listed section is found on a heading-like (short) line after the previous \
one. A section is one name or a list of alternatives; an alternative is key words \
(separated by spaces) that must appear in that order on one line, compared without \
punctuation, spaces and list markers (`一、`, `（二）`, `1.`). The first alternative names the \
section in messages. A section found before the one it must follow is reported as out of \
order. A page that fails on its own text is read again with the text of its document \
attachments (PDF, DOC, XLS, …); a short cover page whose attachment gave no text (not \
fetched, or a scan) is `incomplete`, never `fail`.",
    why: "The annual report has six parts in a fixed order (国办公开办函〔2021〕30号); \
final accounts and budgets have their parts too (概况, 决算表, 情况说明, 名词解释).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "sections"
sections = ["总体情况", ["主动公开政府信息情况", "主动公开 情况"], ["存在的主要问题及改进情况", "主要问题 改进"]]"#,
        passes: "a report with `一、总体情况` … `二、主动公开政府信息情况` … `五、存在的主要问题及改进情况`",
        fails: "a report without its part 五 (the message names the missing part)",
    },
    clause: "《政府信息公开条例》第五十条 and the template of the report's year",
    fields: &[
        Field {
            name: "sections",
            ty: "list of (string | list of strings)",
            default: None,
            meaning: "the sections in order; each a name or alternatives of space-separated key words",
        },
        pages_field("`any`"),
    ],
    compile,
    manual_default: None,
};

/// A section of a `sections` check: one name or several alternatives.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    sections: Option<Spanned<Vec<OneOrMany>>>,
    pages: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(secs) = &f.sections else {
        c.required("sections");
        return None;
    };
    let mut names = Vec::new();
    let mut keys = Vec::new();
    for s in secs.get_ref() {
        let alts: Vec<String> = match s {
            OneOrMany::One(x) => vec![x.clone()],
            OneOrMany::Many(v) => v.clone(),
        };
        let compiled: Vec<Vec<String>> = alts
            .iter()
            .map(|a| {
                a.split_whitespace()
                    .map(compact_key)
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        if compiled.is_empty() {
            c.invalid(secs.span(), "every section needs at least one key word");
            return None;
        }
        names.push(alts[0].clone());
        keys.push(compiled);
    }
    if keys.is_empty() {
        c.invalid(secs.span(), "`sections` must list at least one section");
        return None;
    }
    Some(Check::new(Sections {
        names,
        keys,
        pages: c.pages(&f.pages, Quantifier::Any)?,
    }))
}

/// A compiled `sections` check.
#[derive(Debug)]
pub(crate) struct Sections {
    /// Section display names (the first alternative), for messages.
    names: Vec<String>,
    /// Per section, its alternatives; per alternative, compacted key words in order.
    keys: Vec<Vec<Vec<String>>>,
    pages: Quantifier,
}

impl Evaluate for Sections {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, &self.names, &self.keys, self.pages)
    }
}

/// Lines longer than this (in characters, compacted) are prose, not headings.
const MAX_HEADING_CHARS: usize = 60;

fn alt_matches(line: &str, words: &[String]) -> bool {
    let mut rest = line;
    for w in words {
        match rest.find(w.as_str()) {
            Some(i) => rest = &rest[i + w.len()..],
            None => return false,
        }
    }
    true
}

fn check(
    cx: &Context<'_>,
    names: &[String],
    keys: &[Vec<Vec<String>>],
    pages: Quantifier,
) -> CheckResult {
    per_page(cx, KIND.name, pages, |page| {
        let verdict = in_text(&page.text.as_str(), names, keys);
        attached::reconsider(cx, page, verdict, |text| in_text(text, names, keys))
    })
}

/// Whether `text` has the named parts, in order.
fn in_text(text: &str, names: &[String], keys: &[Vec<Vec<String>>]) -> PageVerdict {
    let lines: Vec<String> = text
        .lines()
        .map(compact_key)
        .filter(|l| !l.is_empty() && l.chars().count() <= MAX_HEADING_CHARS)
        .collect();
    let find_from = |start: usize, alts: &Vec<Vec<String>>| {
        (start..lines.len()).find(|&i| alts.iter().any(|a| alt_matches(&lines[i], a)))
    };
    let mut pos = 0;
    let mut missing = Vec::new();
    let mut misplaced = Vec::new();
    for (name, alts) in names.iter().zip(keys) {
        match find_from(pos, alts) {
            Some(i) => pos = i + 1,
            None => {
                if find_from(0, alts).is_some() {
                    misplaced.push(name.as_str());
                } else {
                    missing.push(name.as_str());
                }
            }
        }
    }
    if missing.is_empty() && misplaced.is_empty() {
        PageVerdict::Pass(format!("{}个部分齐全且顺序正确", names.len()))
    } else {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("缺少：{}", missing.join("、")));
        }
        if !misplaced.is_empty() {
            parts.push(format!("顺序不符：{}", misplaced.join("、")));
        }
        PageVerdict::Fail(parts.join("；"))
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const RULE: &str = r#"locate = { title = "年度报告" }
[[rule.checks]]
kind = "sections"
sections = ["总体情况", ["主动公开政府信息情况"], "收到 处理 申请", ["行政复议 行政诉讼"], ["主要问题 改进"], ["其他需要报告"]]"#;

    fn report(parts: &[&str]) -> String {
        let body: String = parts.iter().map(|p| format!("<p><strong>{p}</strong></p><p>正文内容较长，这里叙述情况，统计数据如下所示。</p>")).collect();
        format!("<title>2021年政府信息公开工作年度报告</title>{body}")
    }

    #[test]
    fn in_order_with_variant_wording() {
        let html = report(&[
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "五、主要问题及改进措施",
            "六、其他需要报告事项",
        ]);
        let r = run(&site(&[("/r.html", &html)]), RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }

    #[test]
    fn missing_and_out_of_order() {
        let html = report(&[
            "一、总体情况",
            "二、主动公开政府信息情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "三、收到和处理政府信息公开申请情况",
            "六、其他需要报告的事项",
        ]);
        let r = run(&site(&[("/r.html", &html)]), RULE);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.contains("缺少：主要问题 改进"), "{}", r.message);
        assert!(r.message.contains("顺序不符"), "{}", r.message);
    }
}
