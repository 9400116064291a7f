//! Markdown: a table of every task (number, short title, divisions, outcome,
//! one-line reason), then the failing rules with evidence, then divisions.
//!
//! The whole stays under [`MAX_BYTES`] (CI job summaries, e.g. GitHub's, take at most
//! 1 MiB): quoted messages and excerpts are shortened, and failing rules beyond the
//! budget are counted rather than listed (the JSON and HTML reports carry them all).

use std::fmt::Write as _;
use std::io::Write;

use zwgk_core::report::{ColumnReport, ColumnState, ScoreReport, ScoreVerdict};
use zwgk_core::{Outcome, Report};

use crate::escape::{code, markdown as esc, url};
use crate::{Renderer, ReportError};

/// The Markdown renderer.
pub struct Markdown;

/// The most bytes a Markdown report takes (1 MiB, the limit of CI job summaries).
pub const MAX_BYTES: usize = 1 << 20;

/// Bytes kept for the division table and the closing note after the failing rules.
const TAIL_RESERVE: usize = 64 * 1024;

/// The most characters quoted from one message or excerpt.
const MAX_QUOTE_CHARS: usize = 1000;

/// `s` cut to `max` characters, marked with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A symbol per outcome, so the table reads at a glance.
fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✅",
        Outcome::Fail => "❌",
        Outcome::NeedsEvidence => "📝",
        Outcome::Incomplete => "⚠️",
        Outcome::NotApplicable => "➖",
    }
}

fn outcome_cell(o: Outcome) -> String {
    format!("{} {} ({})", mark(o), o.label_zh(), code(o.as_str()))
}

/// The reason cell: one line, shortened.
fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = s.chars().take(120).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The most columns the column table lists (the JSON and HTML reports list all).
const MAX_COLUMN_ROWS: usize = 300;

/// A point value as people write it.
fn pts(x: f64) -> String {
    zwgk_core::score::show(x)
}

/// The inspection score: verdict, totals, veto hits, and what each scored rule cost.
fn score_section(s: &mut String, score: &ScoreReport) {
    let _ = writeln!(s, "## 检查评分\n");
    let verdict = match score.verdict {
        ScoreVerdict::Qualified => "✅",
        ScoreVerdict::Unqualified => "❌",
        ScoreVerdict::Undetermined => "⚠️",
    };
    let _ = writeln!(
        s,
        "**{verdict} {}**：{}\n",
        esc(&score.verdict_label),
        esc(&score.reason)
    );
    let _ = writeln!(
        s,
        "- 得分：{}（满分{}，扣{}，合格线{}）{}",
        pts(score.score),
        pts(score.full_marks),
        pts(score.deducted),
        pts(score.pass_mark),
        if score.bonus > 0.0 {
            format!("；加分{}，合计{}", pts(score.bonus), pts(score.total))
        } else {
            String::new()
        }
    );
    if !score.vetoes.is_empty() {
        let ids: Vec<String> = score.vetoes.iter().map(|v| code(v)).collect();
        let _ = writeln!(s, "- 单项否决：{}", ids.join("、"));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "| 指标 | 规则 | 类别 | 结果 | 问题数 | 分值 |");
    let _ = writeln!(s, "| ---: | --- | --- | --- | ---: | ---: |");
    for i in &score.items {
        let points = i.points_label();
        let _ = writeln!(
            s,
            "| {} | {} {} | {} | {} | {} | {} |",
            i.task,
            code(&i.rule),
            esc(&i.title),
            i.layer.label(),
            outcome_cell(i.outcome),
            i.findings,
            points
        );
    }
    let capped: Vec<String> = score
        .indicators
        .iter()
        .filter(|i| i.capped)
        .map(|i| {
            format!(
                "指标{}（{}）扣分达上限{}",
                i.task,
                esc(&i.heading),
                pts(i.cap.unwrap_or_default())
            )
        })
        .collect();
    if !capped.is_empty() {
        let _ = writeln!(s, "\n{}", capped.join("；"));
    }
    let _ = writeln!(s);
}

/// Every column found: name, URL, entries, newest entry, kind and state.
fn columns_section(s: &mut String, columns: &[ColumnReport]) {
    let flagged = columns
        .iter()
        .filter(|c| c.state != ColumnState::Current)
        .count();
    let _ = writeln!(s, "## 栏目\n");
    let _ = writeln!(
        s,
        "共{}个栏目，其中{}个未及时更新、空白或未能读取。\n",
        columns.len(),
        flagged
    );
    let _ = writeln!(s, "| 栏目 | 地址 | 条目 | 最新 | 类别 | 状态 |");
    let _ = writeln!(s, "| --- | --- | ---: | --- | --- | --- |");
    // Columns in trouble first, then the rest, each in URL order.
    let mut ordered: Vec<&ColumnReport> = columns.iter().collect();
    ordered.sort_by_key(|c| c.state == ColumnState::Current);
    for c in ordered.iter().take(MAX_COLUMN_ROWS) {
        let newest = c.newest_label();
        let kind = match (&c.kind, c.max_age_days) {
            (Some(k), Some(days)) => format!("{}（限{days}天）", esc(k)),
            _ => "—".to_string(),
        };
        let state = match c.state {
            ColumnState::Current => format!("✅ {}", c.state.label()),
            ColumnState::Unknown => format!("⚠️ {}", c.state.label()),
            _ => format!("❌ {}", c.state.label()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            esc(&shorten(&c.name, 40)),
            url(&shorten(&c.url, MAX_QUOTE_CHARS)),
            c.items,
            newest,
            kind,
            state
        );
    }
    if columns.len() > MAX_COLUMN_ROWS {
        let _ = writeln!(
            s,
            "\n（另有{}个栏目从略；完整列表见 JSON 或 HTML 报告。）",
            columns.len() - MAX_COLUMN_ROWS
        );
    }
    let _ = writeln!(s);
}

/// The title and the facts of the scan: target, date, pack, pages, fetch, counts.
fn header_section(s: &mut String, report: &Report) {
    let _ = writeln!(s, "# 政务公开检查报告：{}\n", esc(&report.rules_pack.title));
    let _ = writeln!(s, "- 检查对象：{}", esc(&report.target));
    let _ = writeln!(s, "- 评估日期：{}", report.as_of);
    let _ = writeln!(
        s,
        "- 规则包：{}（{}年，{}条规则）",
        esc(&report.rules_pack.id),
        report.rules_pack.year,
        report.rules_pack.rules
    );
    let _ = writeln!(
        s,
        "- 页面：{}个（无法获取{}个）",
        report.site.pages, report.site.failed_pages
    );
    if let Some(f) = &report.fetch {
        let _ = write!(
            s,
            "- 抓取：{}个地址，{}次请求，{}字节",
            f.fetches, f.requests, f.total_bytes
        );
        if f.external_checked + f.external_unchecked > 0 {
            let _ = write!(
                s,
                "；站外链接核对{}个（不可用{}个，无法访问{}个），未核对{}个",
                f.external_checked, f.external_broken, f.external_unreachable, f.external_unchecked
            );
        }
        if f.trusted > 0 {
            let _ = write!(
                s,
                "；增量复查：{}个页面沿用缓存未再请求（最早确认于{}天前），{}个经网站确认未变",
                f.trusted,
                f.oldest_trusted_age_secs / 86_400,
                f.revalidated
            );
        }
        if f.stopped_early {
            s.push_str("；抓取提前停止，结果可能不完整");
        }
        s.push('\n');
    }
    let counts = |c: &zwgk_core::report::OutcomeCounts| {
        Outcome::ALL
            .iter()
            .map(|o| format!("{} {}", o.label_zh(), c.get(*o)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let _ = writeln!(s, "- 任务：{}", counts(&report.summary.tasks));
    let _ = writeln!(s, "- 规则：{}\n", counts(&report.summary.rules));
}

/// One row per task.
fn tasks_section(s: &mut String, report: &Report) {
    let _ = writeln!(s, "## 任务结果\n");
    let _ = writeln!(s, "| 序号 | 任务 | 责任部门 | 结果 | 原因 |");
    let _ = writeln!(s, "| ---: | --- | --- | --- | --- |");
    for t in &report.tasks {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            t.task,
            esc(&t.title),
            esc(&t.divisions.display_zh()),
            outcome_cell(t.outcome),
            esc(&one_line(&t.reason))
        );
    }
}

/// One rule's block among the failing and undecided ones.
fn flagged_block(t: &zwgk_core::report::TaskReport, r: &zwgk_core::report::RuleReport) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "### 任务{} · {} · {}\n",
        t.task,
        code(&r.id),
        outcome_cell(r.outcome)
    );
    let _ = writeln!(b, "{}\n", esc(&shorten(&r.message, MAX_QUOTE_CHARS)));
    let clause = r
        .source
        .clause
        .as_deref()
        .map(|c| format!("；{}", esc(c)))
        .unwrap_or_default();
    let _ = writeln!(
        b,
        "- 依据：{}{clause}（检查：{}，规则文件 {}）",
        esc(&r.source.seed),
        code(&r.check),
        code(&r.origin)
    );
    for e in &r.evidence {
        let _ = write!(
            b,
            "- 证据：{} — {}",
            url(&shorten(&e.url, MAX_QUOTE_CHARS)),
            esc(&shorten(&e.excerpt, MAX_QUOTE_CHARS))
        );
        if let Some(at) = e.last_confirmed {
            let _ = write!(
                b,
                "（缓存副本，网站最后确认于 {} UTC）",
                at.format("%Y-%m-%d %H:%M")
            );
        }
        b.push('\n');
    }
    let _ = writeln!(b);
    b
}

/// The failing and undecided rules with their evidence, as many as the size budget allows.
fn flagged_section(s: &mut String, report: &Report) {
    let flagged: Vec<_> = report
        .rules()
        .filter(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Incomplete))
        .collect();
    if flagged.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n## 不通过与无法判定的规则\n");
    let total = flagged.len();
    let mut shown = 0;
    for (t, r) in flagged {
        let block = flagged_block(t, r);
        if s.len() + block.len() + TAIL_RESERVE > MAX_BYTES {
            break;
        }
        s.push_str(&block);
        shown += 1;
    }
    if shown < total {
        let _ = writeln!(
            s,
            "（另有{}条不通过或无法判定的规则从略，以免超过1 MiB；完整内容见 JSON 或 HTML 报告。）\n",
            total - shown
        );
    }
}

/// One row per responsible division.
fn divisions_section(s: &mut String, report: &Report) {
    let _ = writeln!(s, "\n## 按责任部门\n");
    let _ = writeln!(
        s,
        "| 责任部门 | 牵头任务 | 配合任务 | 不通过 | 通过 | 待补充佐证 | 无法判定 |"
    );
    let _ = writeln!(s, "| --- | --- | --- | ---: | ---: | ---: | ---: |");
    let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
    for d in &report.by_division {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            esc(&d.division),
            list(&d.lead),
            list(&d.others),
            d.summary.fail,
            d.summary.pass,
            d.summary.needs_evidence,
            d.summary.incomplete
        );
    }
}

/// The most unfetched pages listed (the JSON report lists them all).
const MAX_UNFETCHED_LISTED: usize = 20;

fn unfetched_section(s: &mut String, report: &Report) {
    let pages = &report.site.unfetched;
    if pages.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n## 无法获取的页面\n");
    let _ = writeln!(
        s,
        "共{}个。可能是所查页面的，相关规则判为“无法判定”；其余判定不依赖这些页面。\n",
        pages.len()
    );
    for p in pages.iter().take(MAX_UNFETCHED_LISTED) {
        let _ = writeln!(
            s,
            "- {} — {}",
            url(&p.url),
            esc(&shorten(&p.reason, MAX_QUOTE_CHARS))
        );
    }
    if pages.len() > MAX_UNFETCHED_LISTED {
        let _ = writeln!(
            s,
            "- ……另有{}个（JSON 报告的 `site.unfetched` 列出全部）",
            pages.len() - MAX_UNFETCHED_LISTED
        );
    }
}

/// Render to a string.
pub fn to_string(report: &Report) -> String {
    let mut s = String::new();
    header_section(&mut s, report);
    if let Some(score) = &report.score {
        score_section(&mut s, score);
    }
    tasks_section(&mut s, report);
    if !report.columns.is_empty() {
        s.push('\n');
        columns_section(&mut s, &report.columns);
    }
    flagged_section(&mut s, report);
    divisions_section(&mut s, report);
    unfetched_section(&mut s, report);
    s
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        out.write_all(to_string(report).as_bytes())
            .map_err(|source| ReportError::Io {
                path: "<output>".into(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample;

    #[test]
    fn evidence_from_a_trusted_page_says_when_it_was_confirmed() {
        let mut report = sample();
        let confirmed = chrono::NaiveDate::from_ymd_opt(2022, 1, 28)
            .unwrap()
            .and_hms_opt(2, 5, 0);
        report.tasks[0].rules[0].evidence[0].last_confirmed = confirmed;
        report.fetch = Some(zwgk_core::report::FetchStats {
            fetches: 40,
            requests: 40,
            not_modified: 30,
            revalidated: 30,
            fetched: 10,
            trusted: 60,
            oldest_trusted_age_secs: 4 * 86_400 + 3_600,
            ..Default::default()
        });
        let md = to_string(&report);
        assert!(
            md.contains("（缓存副本，网站最后确认于 2022-01-28 02:05 UTC）\n"),
            "{md}"
        );
        assert!(
            md.contains(
                "；增量复查：60个页面沿用缓存未再请求（最早确认于4天前），30个经网站确认未变"
            ),
            "{md}"
        );
        let html = crate::html::Html::new().to_html(&report);
        assert!(html.contains("（缓存副本，网站最后确认于 2022-01-28 02:05 UTC）"));
        let json = serde_json::to_value(&report).unwrap();
        let e = &json["tasks"][0]["rules"][0]["evidence"][0];
        assert_eq!(e["last_confirmed"], "2022-01-28T02:05:00");
        // Absent from evidence of pages the scan fetched.
        let plain = serde_json::to_string(&sample()).unwrap();
        assert!(!plain.contains("last_confirmed"));
    }

    #[test]
    fn unfetched_pages_are_listed_escaped() {
        let md = to_string(&sample());
        let section = md.split("## 无法获取的页面").nth(1).expect(&md);
        assert!(section.contains("共1个"), "{section}");
        assert!(section.contains("HTTP 503 after 3 tries"), "{section}");
        assert!(
            !section.contains("<script>") && !section.contains("<b>"),
            "{section}"
        );
        let mut none = sample();
        none.site.unfetched.clear();
        assert!(!to_string(&none).contains("## 无法获取的页面"));
    }

    #[test]
    fn table_lists_every_task_and_escapes_page_text() {
        let md = to_string(&sample());
        assert!(
            md.contains("| 1 | 主动公开十四五规划 | 政策法规处 | ❌ 不通过 (`fail`) |"),
            "{md}"
        );
        assert!(md.contains("| 2 |"));
        assert!(!md.contains("<script>"), "page text must be escaped: {md}");
        assert!(md.contains("&lt;script&gt;"));
        assert!(md.contains("### 任务1 · `t01`"));
        assert!(
            md.contains("- 证据：<http://whly.gd.gov.cn/a.html>"),
            "{md}"
        );
        assert!(md.contains("| 政策法规处 | 1 |  | 1 | 0 | 0 | 0 |"), "{md}");
    }

    #[test]
    fn score_and_columns_are_shown_escaped() {
        let md = to_string(&crate::sample::sample_scored());
        assert!(md.contains("## 检查评分"), "{md}");
        assert!(
            md.contains("**❌ 不合格**：单项否决：w09-stale-columns"),
            "{md}"
        );
        assert!(
            md.contains("- 得分：97.5（满分100，扣2.5，合格线60）"),
            "{md}"
        );
        assert!(md.contains("| 3 | `w03-home-page-links-available` 首页无不可用链接 \\| &lt;b&gt; | 扣分 | ❌ 不通过 (`fail`) | 5 | −2.5 |"), "{md}");
        assert!(md.contains("指标3（扣分：可用性）扣分达上限2.5"), "{md}");
        assert!(
            md.contains("共3个栏目，其中2个未及时更新、空白或未能读取。"),
            "{md}"
        );
        // Columns in trouble first; page text escaped.
        let stale = md.find("&lt;script&gt;").expect("escaped column name");
        let current = md.find("| 工作动态 |").expect("current column listed");
        assert!(stale < current, "{md}");
        assert!(!md.contains("<script>"), "{md}");
        assert!(
            md.contains("2021-11-02（91天前） | 动态要闻类（限14天） | ❌ 未及时更新"),
            "{md}"
        );
        // The crawl's record, off-site links included.
        let mut crawled = crate::sample::sample_scored();
        crawled.fetch = Some(zwgk_core::report::FetchStats {
            fetches: 120,
            requests: 125,
            total_bytes: 9_000_000,
            external_checked: 7,
            external_broken: 2,
            external_unreachable: 1,
            external_unchecked: 3,
            ..Default::default()
        });
        let md2 = to_string(&crawled);
        assert!(
            md2.contains("- 抓取：120个地址，125次请求，9000000字节；站外链接核对7个（不可用2个，无法访问1个），未核对3个\n"),
            "{md2}"
        );
        // A report without them has neither section.
        let plain = to_string(&sample());
        assert!(!plain.contains("## 检查评分") && !plain.contains("## 栏目"));
    }

    #[test]
    fn stays_under_one_mib_with_thousands_of_failures() {
        let mut report = sample();
        let rule = report.tasks[0].rules[0].clone();
        let mut long = rule.clone();
        long.message = "很长的说明".repeat(2000);
        long.evidence = (0..10)
            .map(|i| {
                zwgk_core::Evidence::new(format!("http://x.gov.cn/{i}.html"), "摘录".repeat(900))
            })
            .collect();
        report.tasks[0].rules = (0..3000)
            .map(|i| {
                let mut r = long.clone();
                r.id = format!("r{i}");
                r
            })
            .collect();
        let md = to_string(&report);
        assert!(md.len() <= MAX_BYTES, "{} bytes", md.len());
        assert!(md.contains("条不通过或无法判定的规则从略"));
        assert!(md.contains("## 按责任部门"), "the division table is kept");
        // A small report is whole.
        assert!(!to_string(&sample()).contains("从略"));
    }
}
