//! The annual report's statistics tables (政府信息公开工作年度报告).
//!
//! Reports on 2019 and 2020 follow 国办公开办函〔2019〕60号; reports on 2021 onward follow
//! 国办公开办函〔2021〕30号. Both have table 二 (主动公开), 三 (依申请) and 四 (复议/诉讼).
//! This module finds them among a page's tables (merged cells already laid out) and checks
//! the template's labels and all the arithmetic of table 三 and 四, naming the exact cell.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::page::Table;
use crate::text::compact_key;

/// The report template a year's report must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Reports before 2019 (2008 regulations, 第三十二条): satisfy neither current template.
    Old,
    /// 国办公开办函〔2019〕60号, reports on 2019 and 2020.
    Gb60,
    /// 国办公开办函〔2021〕30号, reports on 2021 onward.
    Gb30,
}

impl Template {
    /// The template for a report on `year`.
    pub fn for_year(year: i32) -> Template {
        match year {
            ..=2018 => Template::Old,
            2019 | 2020 => Template::Gb60,
            _ => Template::Gb30,
        }
    }

    /// The template's document number.
    pub fn name(self) -> &'static str {
        match self {
            Template::Old => "2008年条例格式",
            Template::Gb60 => "国办公开办函〔2019〕60号",
            Template::Gb30 => "国办公开办函〔2021〕30号",
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the analysis found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TablesReading {
    /// Problems, each naming the table, row and column.
    pub findings: Vec<String>,
    /// What was verified, for the evidence.
    pub verified: Vec<String>,
    /// 现行有效件数 of 行政规范性文件 in table 二 (30号 layout), when readable.
    pub valid_normative_documents: Option<u64>,
}

/// Labels of table 二 that identify each template.
const LABELS_30: [&str; 7] = [
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
];
const LABELS_60: [&str; 3] = ["本年新制作数量", "本年新公开数量", "对外公开总数量"];

/// Applicant columns of table 三, in template order.
const APPLICANTS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

fn table_text(t: &Table) -> String {
    t.rows
        .iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parse a statistics cell: a non-negative integer; blank counts as zero (the templates allow it).
fn cell_value(s: &str) -> Result<u64, ()> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    if t.is_empty() || t == "-" || t == "/" {
        return Ok(0);
    }
    t.parse::<u64>().map_err(|_| ())
}

static YEAR_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d{2}|19\d{2})年度?(政府信息公开|政务公开)").expect("valid regex")
});

/// The year a report is about: the year in its title, else the start of its statistics
/// period, else the plan year.
pub fn report_year(page: &crate::page::PageFacts, plan_year: i32) -> i32 {
    if let Some(y) = YEAR_IN_TITLE
        .captures(&page.title)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
    {
        return y;
    }
    if let Some((start, _)) = crate::date::find_period(&page.text.as_str()) {
        use chrono::Datelike;
        return start.year();
    }
    plan_year
}

/// Analyse the tables of a report on `year`.
pub fn analyse(tables: &[Table], year: i32) -> TablesReading {
    let mut r = TablesReading::default();
    let template = Template::for_year(year);
    if template == Template::Old {
        r.findings.push(format!(
            "{year}年度报告早于2019年修订的条例，不适用现行模板"
        ));
        return r;
    }
    table_two(tables, template, &mut r);
    table_three(tables, &mut r);
    table_four(tables, &mut r);
    r
}

/// Table 二: the first table of its rows, with the tables right after it that continue
/// it (sites often set each 第二十条 item as a table of its own).
fn table_two_parts(tables: &[Table]) -> Option<&[Table]> {
    let first = tables.iter().position(|t| {
        let s = table_text(t);
        s.contains("信息内容")
            && (s.contains("规章") || s.contains("规范性文件") || s.contains("行政许可"))
    })?;
    let continues = |t: &Table| {
        let s = table_text(t);
        (s.contains("信息内容") || s.contains("第二十条"))
            && !s.contains("申请人")
            && !s.contains("行政复议")
    };
    let len = 1 + tables[first + 1..]
        .iter()
        .take_while(|t| continues(t))
        .count();
    Some(&tables[first..first + len])
}

fn table_two(tables: &[Table], template: Template, r: &mut TablesReading) {
    let Some(parts) = table_two_parts(tables) else {
        r.findings
            .push("未找到表二（主动公开政府信息情况）".to_string());
        return;
    };
    let text = parts.iter().map(table_text).collect::<Vec<_>>().join(" ");
    let has30 = LABELS_30.iter().filter(|l| text.contains(*l)).count();
    let has60 = LABELS_60.iter().filter(|l| text.contains(*l)).count();
    match template {
        Template::Gb30 if has60 > 0 && has30 < LABELS_30.len() => r.findings.push(format!(
            "表二使用了60号模板的栏目（{}），{}年起应使用{}",
            LABELS_60
                .iter()
                .filter(|l| text.contains(*l))
                .copied()
                .collect::<Vec<_>>()
                .join("、"),
            2021,
            Template::Gb30
        )),
        Template::Gb30 => {
            let missing: Vec<&str> = LABELS_30
                .iter()
                .filter(|l| !text.contains(*l))
                .copied()
                .collect();
            if missing.is_empty() {
                r.verified.push(format!("表二栏目符合{}", Template::Gb30));
            } else {
                r.findings.push(format!(
                    "表二缺少{}的栏目：{}",
                    Template::Gb30,
                    missing.join("、")
                ));
            }
        }
        Template::Gb60 if has60 == 0 && has30 > 0 => r.findings.push(format!(
            "表二使用了30号模板的栏目，2019–2020年度报告应使用{}",
            Template::Gb60
        )),
        _ => r.verified.push("表二已找到".to_string()),
    }
    // 现行有效件数 of 行政规范性文件: the header column named 现行有效件数, on the row of 规范性文件.
    r.valid_normative_documents = parts.iter().find_map(|t| {
        let header = t
            .rows
            .iter()
            .find(|row| row.iter().any(|c| c.contains("现行有效件数")))?;
        let col = header.iter().position(|c| c.contains("现行有效件数"))?;
        t.rows
            .iter()
            .find(|row| row.first().is_some_and(|c| c.contains("规范性文件")))
            .and_then(|row| row.get(col))
            .and_then(|c| cell_value(c).ok())
    });
}

/// A data row of table 三.
struct Row {
    label: String,
    key: String,
    values: Vec<Result<u64, ()>>,
    raw: Vec<String>,
}

static SUB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|\s)\d{1,2}\.").expect("valid regex"));

/// The data rows of table 三 (header rows and notes aside), from the column of 自然人 on.
fn table_three_rows(t: &Table, first: usize) -> Vec<Row> {
    let width = APPLICANTS.len();
    let mut rows: Vec<Row> = Vec::new();
    for row in &t.rows {
        if row.len() < first + width {
            continue;
        }
        let mut label_parts: Vec<&str> = Vec::new();
        for c in &row[..first] {
            if !c.is_empty() && !label_parts.contains(&c.as_str()) {
                label_parts.push(c);
            }
        }
        let label = label_parts.join(" ");
        if label.is_empty() || label.contains("申请人情况") || label.contains("勾稽") {
            continue;
        }
        let raw: Vec<String> = row[first..first + width].to_vec();
        if raw
            .iter()
            .any(|c| APPLICANTS.contains(&c.as_str()) || c.contains("法人或其他组织"))
        {
            continue; // a header row
        }
        rows.push(Row {
            key: compact_key(&label),
            values: raw.iter().map(|c| cell_value(c)).collect(),
            label,
            raw,
        });
    }
    rows
}

/// A cell of a row whose every value was read as a number (zero otherwise).
fn val(row: &Row, i: usize) -> u64 {
    row.values[i].unwrap_or(0)
}

/// Per column, the sum of the outcome groups (一)…(六) (a group with numbered sub-rows
/// counts the sub-rows, which must add up to the group's own row).
fn outcome_group_sums(rows: &[Row], r: &mut TablesReading) -> Vec<u64> {
    let width = APPLICANTS.len();
    let mut group_sums = vec![0u64; width];
    for g in ["一", "二", "三", "四", "五", "六"] {
        let marker = format!("({g})");
        let members: Vec<&Row> = rows
            .iter()
            .filter(|row| row.label.contains(&marker) && !row.label.contains("(七)"))
            .collect();
        let subs: Vec<&&Row> = members
            .iter()
            .filter(|row| SUB.is_match(&row.label))
            .collect();
        let own: Vec<&&Row> = members
            .iter()
            .filter(|row| !SUB.is_match(&row.label))
            .collect();
        for (i, slot) in group_sums.iter_mut().enumerate() {
            let sub_sum: u64 = subs.iter().map(|row| val(row, i)).sum();
            let value = if subs.is_empty() {
                own.iter().map(|row| val(row, i)).sum()
            } else {
                sub_sum
            };
            *slot += value;
            if let (Some(own_row), false) = (own.first(), subs.is_empty()) {
                if val(own_row, i) != sub_sum {
                    r.findings.push(format!(
                        "表三「{}」行「{}」列：{}不等于其细项之和{sub_sum}",
                        own_row.label,
                        APPLICANTS[i],
                        val(own_row, i)
                    ));
                }
            }
        }
    }
    group_sums
}

fn table_three(tables: &[Table], r: &mut TablesReading) {
    let Some(t) = tables.iter().find(|t| {
        let s = table_text(t);
        s.contains("自然人") && s.contains("本年新收")
    }) else {
        r.findings
            .push("未找到表三（收到和处理政府信息公开申请情况）".to_string());
        return;
    };
    let Some(first) = t
        .rows
        .iter()
        .find_map(|row| row.iter().position(|c| c == "自然人"))
    else {
        r.findings.push("表三缺少“自然人”列".to_string());
        return;
    };
    let width = APPLICANTS.len();
    let rows = table_three_rows(t, first);
    let mut ok = true;
    for row in &rows {
        for (i, v) in row.values.iter().enumerate() {
            if v.is_err() {
                ok = false;
                r.findings.push(format!(
                    "表三「{}」行「{}」列的值「{}」不是非负整数",
                    row.label, APPLICANTS[i], row.raw[i]
                ));
            }
        }
    }
    if !ok {
        return;
    }
    // Each row: 总计 = 自然人 + the five 法人或其他组织 columns.
    for row in &rows {
        let sum: u64 = (0..width - 1).map(|i| val(row, i)).sum();
        let total = val(row, width - 1);
        if sum != total {
            r.findings.push(format!(
                "表三「{}」行：总计{total}不等于自然人与法人或其他组织各列之和{sum}",
                row.label
            ));
        }
    }
    let find = |needle: &str| rows.iter().find(|row| row.key.contains(needle));
    let (Some(new), Some(carried_in), Some(carried_out)) =
        (find("本年新收"), find("上年结转"), find("结转下年"))
    else {
        r.findings
            .push("表三缺少“本年新收”“上年结转”或“结转下年度继续办理”行".to_string());
        return;
    };
    let total = rows
        .iter()
        .find(|row| row.label.contains("(七)") || row.key.ends_with("七总计"));
    let Some(total) = total else {
        r.findings.push("表三缺少“（七）总计”行".to_string());
        return;
    };
    let group_sums = outcome_group_sums(&rows, r);
    for i in 0..width {
        let col = APPLICANTS[i];
        let (a, b, t7, c) = (
            val(new, i),
            val(carried_in, i),
            val(total, i),
            val(carried_out, i),
        );
        if a + b != t7 + c {
            r.findings.push(format!(
                "表三「{col}」列：本年新收{a} + 上年结转{b} = {}，不等于（七）总计{t7} + 结转下年度{c} = {}",
                a + b,
                t7 + c
            ));
        }
        if group_sums[i] != t7 {
            r.findings.push(format!(
                "表三「{}」行「{col}」列：{t7}不等于（一）至（六）之和{}",
                total.label, group_sums[i]
            ));
        }
    }
    if !r.findings.iter().any(|f| f.starts_with("表三")) {
        r.verified
            .push(format!("表三{}行数据勾稽关系正确", rows.len()));
    }
}

fn table_four(tables: &[Table], r: &mut TablesReading) {
    let Some(t) = tables.iter().find(|t| {
        let s = table_text(t);
        s.contains("行政复议") && s.contains("行政诉讼")
    }) else {
        r.findings
            .push("未找到表四（政府信息公开行政复议、行政诉讼情况）".to_string());
        return;
    };
    let data = t.rows.iter().rev().find(|row| {
        let nums = row
            .iter()
            .filter(|c| cell_value(c).is_ok() && !c.trim().is_empty())
            .count();
        nums >= 15
    });
    let Some(data) = data else {
        r.findings.push("表四未找到15项数据".to_string());
        return;
    };
    let values: Vec<Result<u64, ()>> = data
        .iter()
        .rev()
        .take(15)
        .rev()
        .map(|c| cell_value(c))
        .collect();
    const GROUPS: [&str; 3] = [
        "行政复议",
        "行政诉讼（未经复议直接起诉）",
        "行政诉讼（复议后起诉）",
    ];
    const COLS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut bad = false;
    for (g, name) in GROUPS.iter().enumerate() {
        let v: Vec<u64> = (0..5).map(|i| values[g * 5 + i].unwrap_or(0)).collect();
        if let Some(i) = (0..5).find(|i| values[g * 5 + i].is_err()) {
            r.findings
                .push(format!("表四「{name}」「{}」的值不是非负整数", COLS[i]));
            bad = true;
            continue;
        }
        let sum: u64 = v[..4].iter().sum();
        if sum != v[4] {
            bad = true;
            r.findings
                .push(format!("表四「{name}」：总计{}不等于前四项之和{sum}", v[4]));
        }
    }
    if !bad {
        r.verified.push("表四15项数据勾稽关系正确".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageFacts;

    fn tables(html: &str) -> Vec<Table> {
        PageFacts::from_html("http://x.gov.cn/r.html", 200, html).tables
    }

    const TWO_30: &str = r#"<table><tr><td colspan="4">第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>2</td><td>0</td><td>3</td></tr><tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr><tr><td>行政许可</td><td colspan="3">598</td></tr><tr><td>行政处罚</td><td colspan="3">12</td></tr><tr><td>行政强制</td><td colspan="3">0</td></tr><tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr><tr><td>行政事业性收费</td><td colspan="3">0</td></tr></table>"#;

    fn three(new_natural: u64) -> String {
        let row = |label: &str, v: [u64; 6]| {
            let total: u64 = v.iter().sum();
            format!(
                "<tr>{label}{}<td>{total}</td></tr>",
                v.iter()
                    .map(|x| format!("<td>{x}</td>"))
                    .collect::<String>()
            )
        };
        let mut s = String::from(
            r#"<table><tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr><tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr><tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"#,
        );
        s += &row(
            r#"<td colspan="3">一、本年新收政府信息公开申请数量</td>"#,
            [new_natural, 6, 0, 1, 2, 1],
        );
        s += &row(
            r#"<td colspan="3">二、上年结转政府信息公开申请数量</td>"#,
            [2, 0, 0, 0, 0, 0],
        );
        s += &row(
            r#"<td rowspan="6">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>"#,
            [20, 3, 0, 1, 1, 0],
        );
        s += &row(r#"<td colspan="2">（二）部分公开</td>"#, [3, 1, 0, 0, 0, 0]);
        s += &row(
            r#"<td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td>"#,
            [1, 0, 0, 0, 0, 0],
        );
        s += &row(r#"<td>2.其他法律行政法规禁止公开</td>"#, [2, 1, 0, 0, 1, 0]);
        s += &row(
            r#"<td colspan="2">（四）无法提供</td>"#,
            [10, 1, 0, 0, 0, 1],
        );
        s += &row(r#"<td colspan="2">（七）总计</td>"#, [36, 6, 0, 1, 2, 1]);
        s += &row(
            r#"<td colspan="3">四、结转下年度继续办理</td>"#,
            [2, 0, 0, 0, 0, 0],
        );
        s + "</table>"
    }

    const FOUR: &str = r#"<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr><tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr><tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>"#;

    #[test]
    fn consistent_report_passes() {
        let r = analyse(&tables(&format!("{TWO_30}{}{FOUR}", three(36))), 2021);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_eq!(r.valid_normative_documents, Some(3));
        assert_eq!(r.verified.len(), 3);
    }

    #[test]
    fn broken_column_is_named() {
        let r = analyse(&tables(&format!("{TWO_30}{}{FOUR}", three(38))), 2021);
        assert!(
            r.findings.iter().any(|f| f.contains("表三「自然人」列：本年新收38 + 上年结转2 = 40，不等于（七）总计36 + 结转下年度2 = 38")),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn broken_row_total_and_table_four() {
        let bad_three = three(36).replace("<td>46</td>", "<td>49</td>");
        let bad_four = FOUR.replace(
            "<td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td>",
            "<td>1</td><td>0</td><td>0</td><td>0</td><td>2</td><td>0</td>",
        );
        let r = analyse(&tables(&format!("{TWO_30}{bad_three}{bad_four}")), 2021);
        assert!(
            r.findings
                .iter()
                .any(|f| f.contains("一、本年新收政府信息公开申请数量」行：总计49")),
            "{:?}",
            r.findings
        );
        assert!(
            r.findings
                .iter()
                .any(|f| f.starts_with("表四「行政复议」：总计2不等于前四项之和1")),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn table_two_set_as_one_table_per_item() {
        let split = r#"<table><tr><th>第二十条第（一）项</th></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>2</td><td>1</td><td>5</td></tr></table>
<table><tr><th>第二十条第（五）项</th></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>60</td></tr></table>
<table><tr><th>第二十条第（六）项</th></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政处罚</td><td>6</td></tr><tr><td>行政强制</td><td>0</td></tr></table>
<table><tr><th>第二十条第（八）项</th></tr><tr><td>信息内容</td><td>本年收费金额（单位：万元）</td></tr><tr><td>行政事业性收费</td><td>0</td></tr></table>"#;
        let r = analyse(&tables(split), 2021);
        assert!(
            r.verified.iter().any(|v| v.contains("表二栏目符合")),
            "{:?}",
            r.findings
        );
        assert_eq!(r.valid_normative_documents, Some(5));
        // The first part alone lacks the other items.
        let first = split.split("</table>").next().unwrap().to_string() + "</table>";
        let r = analyse(&tables(&first), 2021);
        assert!(
            r.findings.iter().any(|f| f.contains("表二缺少")),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn template_by_year() {
        assert_eq!(Template::for_year(2018), Template::Old);
        assert_eq!(Template::for_year(2020), Template::Gb60);
        assert_eq!(Template::for_year(2021), Template::Gb30);
        let sixty = r#"<table><tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr></table>"#;
        let r = analyse(&tables(&format!("{sixty}{}{FOUR}", three(36))), 2021);
        assert!(
            r.findings.iter().any(|f| f.contains("表二使用了60号模板")),
            "{:?}",
            r.findings
        );
        let r = analyse(&tables(&format!("{sixty}{}{FOUR}", three(36))), 2020);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert!(!analyse(&[], 2017).findings.is_empty());
        let r = analyse(&[], 2021);
        assert_eq!(r.findings.len(), 3, "{:?}", r.findings);
    }

    #[test]
    fn non_numbers_are_named() {
        let html = three(36).replace("<td>20</td>", "<td>二十</td>");
        let r = analyse(&tables(&format!("{TWO_30}{html}{FOUR}")), 2021);
        assert!(
            r.findings.iter().any(|f| f.contains("「(一)予以公开」")
                || f.contains("予以公开") && f.contains("不是非负整数")),
            "{:?}",
            r.findings
        );
    }
}
