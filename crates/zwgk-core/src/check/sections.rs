//! `sections`: required sections present, in order.
//!
//! - **What**: each listed section is found on a heading-like line (short line)
//!   after the previous one. A section is given as alternatives; an alternative
//!   is key words separated by spaces that must appear in order on one line,
//!   compared without punctuation, spaces and list markers (一、 （二） 1.).
//! - **Why**: the annual report has six parts in a fixed order (国办公开办函〔2021〕30号).
//! - **Example**: `sections = ["总体情况", ["主动公开政府信息情况", "主动公开"], …]`
//!   passes on `一、总体情况` … `二、主动公开政府信息情况`; fails when 五 is missing.
//! - **Clause**: 《政府信息公开条例》第五十条 and the template of the year.

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::rule::Quantifier;
use crate::text::compact_key;

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

pub(super) fn check(
    cx: &Context<'_>,
    names: &[String],
    keys: &[Vec<Vec<String>>],
    pages: Quantifier,
) -> CheckResult {
    per_page(cx, "sections", pages, |page| {
        let text = page.text.as_str();
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
    })
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
