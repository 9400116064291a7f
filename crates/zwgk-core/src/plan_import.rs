//! Reading a yearly 政务公开 task-division table (工作重点任务分工方案) into
//! numbered tasks.
//!
//! The input is the plain text of the table as exported from the office
//! document:
//!
//! * a title line, possibly preceded by an attachment label such as `附件1`;
//! * rows separated by blank lines;
//! * every cell of a row starts with a TAB at the start of a line, and an
//!   empty cell is a lone TAB;
//! * a cell continues on following lines that do not start with a TAB;
//! * the first row is the header (工作任务 / 具体要求 / 责任部门), which also
//!   tells which column is which.
//!
//! A 具体要求 cell holds one or more tasks, each starting at the start of a
//! line with its number (`1.`, `2．`, `3、`, or a bare `25` directly followed
//! by a CJK character). Task numbers run 1, 2, 3, … through the whole table;
//! a number at the start of a line that does not continue that sequence is
//! ordinary text (a year such as `2021年底前`, a hot-line number such as
//! `12345`), unless it plainly skips ahead, which is reported as a gap.
//!
//! An empty 工作任务 cell continues the heading of the row above, and an empty
//! 责任部门 cell continues the division of the row above. Every task of a row
//! gets the row's division, split into lead and other divisions by
//! [`parse_divisions`].
//!
//! The parser is pure: it takes text and returns values, and never panics.

use thiserror::Error;

/// A plan read from a task-division table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPlan {
    /// The title line of the table, trimmed (empty when the text has none).
    pub title: String,
    /// The plan year: the first `20xx` year written in the title.
    pub year: Option<i32>,
    /// The numbered tasks, in table order, numbered 1, 2, 3, ….
    pub tasks: Vec<ImportedTask>,
}

/// One numbered task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTask {
    /// The task number as written in the table.
    pub number: u32,
    /// The 工作任务 heading of the task's row, continued from the rows above
    /// when the row leaves it empty (empty when no row above has one).
    pub heading: String,
    /// The 具体要求 text of the task without its number prefix, trimmed;
    /// lines of a task spanning several lines are joined with `\n`.
    pub requirement: String,
    /// The 责任部门 text that applies to the task, as written (continued from
    /// the rows above when the task's row leaves it empty).
    pub division_text: String,
    /// The lead divisions named in [`Self::division_text`].
    pub lead: Vec<String>,
    /// The other (supporting) divisions named in [`Self::division_text`].
    pub others: Vec<String>,
    /// 1-based line of the task in the input
    pub line: usize,
}

/// Why a table could not be read. Every variant except [`ImportError::NoTasks`]
/// names the 1-based input line at fault.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImportError {
    /// The text holds no numbered task at all (empty input, a header only, or
    /// no table).
    #[error("no numbered task found in the table")]
    NoTasks,
    /// The first row does not name the 具体要求 and 责任部门 columns.
    #[error("line {line}: the first row is not a header naming the 具体要求 and 责任部门 columns")]
    MissingHeader {
        /// Line of the first row.
        line: usize,
    },
    /// A row does not have as many cells as the header.
    #[error("line {line}: the row has {found} cells but the header has {expected}")]
    CellCount {
        /// Line of the row's first cell.
        line: usize,
        /// Number of cells in the header.
        expected: usize,
        /// Number of cells in the row.
        found: usize,
    },
    /// A 具体要求 cell does not start with a task number.
    #[error("line {line}: the requirement cell does not start with task number {expected}")]
    MissingNumber {
        /// Line of the cell's first text.
        line: usize,
        /// The task number that was expected there.
        expected: u32,
    },
    /// A task number does not follow the previous one by exactly 1.
    #[error("line {line}: expected task number {expected}, found {found}")]
    NumberGap {
        /// Line of the offending number.
        line: usize,
        /// The task number that was expected.
        expected: u32,
        /// The task number written.
        found: u32,
    },
    /// A task has no 责任部门, neither in its row nor continued from a row above.
    #[error("line {line}: task {number} has no responsible division")]
    MissingDivision {
        /// The task number.
        number: u32,
        /// Line of the task.
        line: usize,
    },
}

impl ImportError {
    /// The 1-based input line the error is about, if it is about one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::NoTasks => None,
            ImportError::MissingHeader { line }
            | ImportError::CellCount { line, .. }
            | ImportError::MissingNumber { line, .. }
            | ImportError::NumberGap { line, .. }
            | ImportError::MissingDivision { line, .. } => Some(*line),
        }
    }
}

/// Parse the table text.
///
/// Accepts `\n` and `\r\n` line endings and a leading byte-order mark.
/// Returns an error when the table is malformed (see [`ImportError`]) or
/// holds no task.
pub fn parse_plan_table(text: &str) -> Result<ImportedPlan, ImportError> {
    let layout = split_rows(text);
    let title = layout.title.unwrap_or_default();
    let year = year_in(&title);

    let Some((header, body)) = layout.rows.split_first() else {
        return Err(ImportError::NoTasks);
    };
    let columns = Columns::from_header(header)?;

    let mut tasks: Vec<ImportedTask> = Vec::new();
    let mut expected: u32 = 1;
    let mut carried_heading = String::new();
    let mut carried_division: Option<String> = None;

    for row in body {
        if row.cells.len() != columns.count {
            return Err(ImportError::CellCount {
                line: row.line,
                expected: columns.count,
                found: row.cells.len(),
            });
        }
        if let Some(heading) = columns.heading.and_then(|i| row.cells.get(i)) {
            let text = heading.joined("");
            if !text.is_empty() {
                carried_heading = text;
            }
        }
        if let Some(division) = row.cells.get(columns.division) {
            let text = division.joined("\n");
            if !text.is_empty() {
                carried_division = Some(text);
            }
        }
        let Some(requirement) = row.cells.get(columns.requirement) else {
            continue;
        };
        let found = split_tasks(requirement, expected)?;
        for raw in found {
            let Some(division_text) = carried_division.clone() else {
                return Err(ImportError::MissingDivision {
                    number: raw.number,
                    line: raw.line,
                });
            };
            let (lead, others) = parse_divisions(&division_text);
            expected = raw.number.saturating_add(1);
            tasks.push(ImportedTask {
                number: raw.number,
                heading: carried_heading.clone(),
                requirement: raw.lines.join("\n").trim().to_string(),
                division_text,
                lead,
                others,
                line: raw.line,
            });
        }
    }

    if tasks.is_empty() {
        return Err(ImportError::NoTasks);
    }
    Ok(ImportedPlan { title, year, tasks })
}

/// Split a 责任部门 cell into (lead, others) by the forms above.
///
/// * `X牵头，其他处（室）按职责分工落实` → lead `[X]`, others `[其他处（室）]`;
/// * `A、B牵头，业务处（室）按职责分工落实` → lead `[A, B]`, others `[业务处（室）]`;
/// * `A、B、C按职责分工落实` (no 牵头) → lead `[A, B, C]`, others `[]`;
/// * `办公室` → lead `[办公室]`;
/// * `厅机关各处（室）按职责分工落实` → lead `[厅机关各处（室）]`.
///
/// Names are kept exactly as written (full-width brackets stay). Lists are
/// split on `、`, `，`, `,`, `；`, `;` and line breaks. An empty cell gives two
/// empty lists.
pub fn parse_divisions(cell: &str) -> (Vec<String>, Vec<String>) {
    const LEAD_MARK: &str = "牵头";
    let text = cell.trim();
    match text.find(LEAD_MARK) {
        Some(pos) => {
            let lead = split_names(strip_duty(&text[..pos]));
            let others = split_names(strip_duty(&text[pos + LEAD_MARK.len()..]));
            (lead, others)
        }
        None => (split_names(strip_duty(text)), Vec::new()),
    }
}

/// Duty phrases that close a 责任部门 cell and are not part of any name.
const DUTY_SUFFIXES: [&str; 12] = [
    "按职责分工落实",
    "按职责分工负责",
    "按职责分工配合",
    "按职责分工",
    "按职责落实",
    "按职责负责",
    "分工落实",
    "负责落实",
    "配合落实",
    "落实",
    "负责",
    "配合",
];

fn is_list_separator(c: char) -> bool {
    matches!(c, '、' | '，' | ',' | '；' | ';' | '\n' | '\r')
}

fn is_name_trim(c: char) -> bool {
    c.is_whitespace() || is_list_separator(c) || matches!(c, '。' | '.' | '：' | ':')
}

/// Remove the trailing duty phrase (按职责分工落实 and the like).
fn strip_duty(text: &str) -> &str {
    let mut rest = text.trim_matches(is_name_trim);
    loop {
        let before = rest;
        for suffix in DUTY_SUFFIXES {
            if let Some(stripped) = rest.strip_suffix(suffix) {
                rest = stripped.trim_matches(is_name_trim);
                break;
            }
        }
        if rest == before {
            return rest;
        }
    }
}

fn split_names(text: &str) -> Vec<String> {
    text.split(is_list_separator)
        .map(|name| name.trim_matches(is_name_trim))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text split into title and rows of cells.
#[derive(Debug, Default)]
struct Layout<'a> {
    title: Option<String>,
    rows: Vec<Row<'a>>,
}

#[derive(Debug)]
struct Row<'a> {
    /// Line of the row's first cell.
    line: usize,
    cells: Vec<Cell<'a>>,
}

#[derive(Debug)]
struct Cell<'a> {
    /// The cell's lines with their 1-based line numbers; the first is the
    /// text after the TAB, the others are continuation lines.
    lines: Vec<(usize, &'a str)>,
}

impl Cell<'_> {
    /// Trimmed non-empty lines joined by `sep`.
    fn joined(&self, sep: &str) -> String {
        self.lines
            .iter()
            .map(|(_, text)| text.trim())
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// Labels such as `附件1` or `附表` that may precede the title.
fn is_attachment_label(line: &str) -> bool {
    (line.starts_with("附件") || line.starts_with("附表")) && line.chars().count() <= 6
}

fn split_rows(text: &str) -> Layout<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut layout = Layout::default();
    let mut in_table = false;
    let mut row_open = false;

    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(content) = line.strip_prefix('\t') {
            in_table = true;
            let cell = Cell {
                lines: vec![(line_no, content)],
            };
            match layout.rows.last_mut() {
                Some(row) if row_open => row.cells.push(cell),
                _ => layout.rows.push(Row {
                    line: line_no,
                    cells: vec![cell],
                }),
            }
            row_open = true;
        } else if line.trim().is_empty() {
            row_open = false;
        } else if !in_table {
            let trimmed = line.trim();
            if layout.title.is_none() && !is_attachment_label(trimmed) {
                layout.title = Some(trimmed.to_string());
            }
        } else if let Some(cell) = layout.rows.last_mut().and_then(|r| r.cells.last_mut()) {
            // A line without a leading TAB continues the last cell, even after
            // a blank line (a paragraph break inside the cell).
            cell.lines.push((line_no, line));
        }
    }
    layout
}

/// Which cell of a row holds what, from the header row.
#[derive(Debug)]
struct Columns {
    count: usize,
    heading: Option<usize>,
    requirement: usize,
    division: usize,
}

impl Columns {
    fn from_header(header: &Row<'_>) -> Result<Self, ImportError> {
        let mut heading = None;
        let mut requirement = None;
        let mut division = None;
        for (index, cell) in header.cells.iter().enumerate() {
            let name = cell.joined("");
            let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
            if division.is_none() && has(&["责任", "部门", "单位", "处室"]) {
                division = Some(index);
            } else if requirement.is_none() && has(&["要求", "内容", "措施"]) {
                requirement = Some(index);
            } else if heading.is_none() && has(&["任务", "事项", "项目"]) {
                heading = Some(index);
            }
        }
        match (requirement, division) {
            (Some(requirement), Some(division)) => Ok(Columns {
                count: header.cells.len(),
                heading,
                requirement,
                division,
            }),
            _ => Err(ImportError::MissingHeader { line: header.line }),
        }
    }
}

/// A task found in a requirement cell, before the row's other cells are
/// applied.
#[derive(Debug)]
struct RawTask<'a> {
    number: u32,
    line: usize,
    lines: Vec<&'a str>,
}

/// Split a requirement cell into tasks; the first is numbered `expected`.
fn split_tasks<'a>(cell: &Cell<'a>, mut expected: u32) -> Result<Vec<RawTask<'a>>, ImportError> {
    let mut tasks: Vec<RawTask<'a>> = Vec::new();
    for &(line_no, raw) in &cell.lines {
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        let prefix = task_prefix(text);
        match (tasks.last_mut(), prefix) {
            (_, Some(p)) if p.number == expected => {
                tasks.push(RawTask {
                    number: p.number,
                    line: line_no,
                    lines: vec![p.rest],
                });
                expected = expected.saturating_add(1);
            }
            (None, Some(p)) => {
                return Err(ImportError::NumberGap {
                    line: line_no,
                    expected,
                    found: p.number,
                })
            }
            (None, None) => {
                return Err(ImportError::MissingNumber {
                    line: line_no,
                    expected,
                })
            }
            (Some(_), Some(p)) if p.explicit && p.number > expected => {
                return Err(ImportError::NumberGap {
                    line: line_no,
                    expected,
                    found: p.number,
                })
            }
            (Some(task), _) => task.lines.push(text),
        }
    }
    Ok(tasks)
}

/// A number at the start of a line that may open a task.
#[derive(Debug, Clone, Copy)]
struct Prefix<'a> {
    number: u32,
    /// Whether the number is followed by `.`, `．` or `、` (not bare).
    explicit: bool,
    /// The text after the number and its separator, trimmed at the start.
    rest: &'a str,
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_cjk_ideograph(c: char) -> bool {
    matches!(
        c,
        '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}'
    )
}

/// Read a task-number prefix: digits followed by `.`, `．`, `、`, or directly
/// by a CJK ideograph. A `.` followed by a digit is a decimal, not a prefix.
fn task_prefix(text: &str) -> Option<Prefix<'_>> {
    let mut number: u32 = 0;
    let mut end = 0;
    for (index, c) in text.char_indices() {
        let Some(value) = digit_value(c) else { break };
        number = number.checked_mul(10)?.checked_add(value)?;
        end = index + c.len_utf8();
    }
    if end == 0 {
        return None;
    }
    let rest = &text[end..];
    let mut chars = rest.chars();
    match chars.next() {
        Some('.' | '．' | '、') => {
            let after = chars.as_str();
            if after.chars().next().and_then(digit_value).is_some() {
                return None;
            }
            Some(Prefix {
                number,
                explicit: true,
                rest: after.trim_start(),
            })
        }
        Some(c) if is_cjk_ideograph(c) => Some(Prefix {
            number,
            explicit: false,
            rest,
        }),
        _ => None,
    }
}

/// The first `20xx` year in the text that is not part of a longer number.
fn year_in(text: &str) -> Option<i32> {
    let digits: Vec<Option<u32>> = text.chars().map(digit_value).collect();
    (0..digits.len()).find_map(|start| {
        let window = digits.get(start..start + 4)?;
        let before = start.checked_sub(1).and_then(|i| digits.get(i)).copied();
        let after = digits.get(start + 4).copied();
        if before.flatten().is_some() || after.flatten().is_some() {
            return None;
        }
        match window {
            [Some(2), Some(0), Some(c), Some(d)] => i32::try_from(2000 + c * 10 + d).ok(),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../seeds/gd-whly-2021-zwgk-tasks.txt");

    fn seed() -> ImportedPlan {
        parse_plan_table(SEED).expect("seed table parses")
    }

    fn task(plan: &ImportedPlan, number: u32) -> &ImportedTask {
        plan.tasks
            .iter()
            .find(|t| t.number == number)
            .unwrap_or_else(|| panic!("task {number} missing"))
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const HEADER: &str = "\t工作任务\n\t具体要求\n\t责任部门\n";

    #[test]
    fn seed_has_32_tasks_in_order() {
        let plan = seed();
        let numbers: Vec<u32> = plan.tasks.iter().map(|t| t.number).collect();
        assert_eq!(numbers, (1..=32).collect::<Vec<u32>>());
        for t in &plan.tasks {
            assert!(!t.requirement.is_empty(), "task {} empty", t.number);
            assert!(!t.lead.is_empty(), "task {} has no lead", t.number);
            assert_eq!(t.requirement, t.requirement.trim());
        }
    }

    #[test]
    fn seed_title_and_year() {
        let plan = seed();
        assert_eq!(
            plan.title,
            "广东省文化和旅游厅贯彻落实国家和省2021年政务公开工作重点任务分工方案"
        );
        assert_eq!(plan.year, Some(2021));
    }

    #[test]
    fn seed_task_1() {
        let plan = seed();
        let t = task(&plan, 1);
        assert_eq!(t.heading, "做好各类规划主动公开");
        assert_eq!(t.division_text, "政策法规处");
        assert_eq!(t.lead, names(&["政策法规处"]));
        assert!(t.others.is_empty());
        assert_eq!(t.line, 8);
        assert!(t.requirement.starts_with("主动公开“十四五”时期"));
    }

    #[test]
    fn seed_task_3_shares_task_2_row() {
        let plan = seed();
        let (t2, t3) = (task(&plan, 2), task(&plan, 3));
        assert_eq!(t3.heading, t2.heading);
        assert_eq!(t3.heading, "做好市场规则标准和监管执法信息公开");
        assert_eq!(t3.lead, names(&["市场管理处"]));
        assert_eq!(t2.lead, names(&["市场管理处"]));
        assert!(t2.requirement.starts_with("主动公开全国统一"));
        assert!(t3.requirement.starts_with("及时公开建设高标准"));
        assert_eq!(t3.line, t2.line + 1);
    }

    #[test]
    fn seed_task_4_continues_heading() {
        let plan = seed();
        let t = task(&plan, 4);
        assert_eq!(t.heading, "做好市场规则标准和监管执法信息公开");
        assert_eq!(t.lead, names(&["文化市场综合执法监督处"]));
        assert_eq!(t.others, names(&["其他处（室）"]));
    }

    #[test]
    fn seed_task_7_continues_division() {
        let plan = seed();
        let t = task(&plan, 7);
        assert_eq!(t.heading, "做好财政信息公开");
        assert_eq!(t.division_text, "财务处牵头，业务处（室）按职责分工落实");
        assert_eq!(t.lead, names(&["财务处"]));
        assert_eq!(t.others, names(&["业务处（室）"]));
    }

    #[test]
    fn seed_tasks_8_and_9() {
        let plan = seed();
        for n in [8, 9] {
            let t = task(&plan, n);
            assert_eq!(t.heading, "做好常态化疫情防控信息公开");
            assert_eq!(t.lead, names(&["办公室", "市场管理处"]));
            assert_eq!(t.others, names(&["业务处（室）"]));
        }
    }

    #[test]
    fn seed_task_25_without_dot() {
        let plan = seed();
        let t = task(&plan, 25);
        assert!(
            t.requirement.starts_with("对厅门户网站"),
            "{}",
            t.requirement
        );
        assert_eq!(t.heading, "完善政务公开平台建设");
        assert_eq!(t.lead, names(&["办公室"]));
    }

    #[test]
    fn seed_task_26_seven_leads() {
        let plan = seed();
        let t = task(&plan, 26);
        assert_eq!(
            t.lead,
            names(&[
                "艺术处",
                "公共服务处",
                "非物质文化遗产处",
                "市场管理处",
                "文物保护与考古处",
                "博物馆与社会文物处",
                "文化市场综合执法监督处",
            ])
        );
        assert!(t.others.is_empty());
    }

    #[test]
    fn seed_task_28_two_leads() {
        let plan = seed();
        let t = task(&plan, 28);
        assert_eq!(t.lead, names(&["办公室", "省旅游发展研究中心"]));
        assert_eq!(t.others, names(&["其他处（室）"]));
        assert_eq!(t.heading, "落实《政府信息公开条例》");
    }

    #[test]
    fn seed_task_32_heading() {
        let plan = seed();
        let t = task(&plan, 32);
        assert_eq!(t.heading, "加强政务公开工作指导监督");
        assert_eq!(t.lead, names(&["办公室"]));
        assert_eq!(t.others, names(&["其他处（室）"]));
    }

    #[test]
    fn seed_numbers_inside_text_are_not_tasks() {
        let plan = seed();
        assert!(task(&plan, 16)
            .requirement
            .contains("12345政务服务便民热线"));
        assert!(task(&plan, 22).requirement.contains("2021年底前"));
        assert_eq!(
            task(&plan, 11).lead,
            names(&["厅机关各处（室）"]),
            "厅机关各处（室）按职责分工落实"
        );
    }

    #[test]
    fn divisions_forms() {
        assert_eq!(
            parse_divisions("办公室牵头，其他处（室）按职责分工落实"),
            (names(&["办公室"]), names(&["其他处（室）"]))
        );
        assert_eq!(
            parse_divisions("办公室、市场管理处牵头，业务处（室）按职责分工落实"),
            (names(&["办公室", "市场管理处"]), names(&["业务处（室）"]))
        );
        assert_eq!(
            parse_divisions("艺术处、公共服务处、市场管理处按职责分工落实"),
            (names(&["艺术处", "公共服务处", "市场管理处"]), vec![])
        );
        assert_eq!(parse_divisions(" 办公室 "), (names(&["办公室"]), vec![]));
        assert_eq!(
            parse_divisions("厅机关各处（室）按职责分工落实"),
            (names(&["厅机关各处（室）"]), vec![])
        );
        assert_eq!(
            parse_divisions("办公室,财务处；人事处;科技处牵头"),
            (names(&["办公室", "财务处", "人事处", "科技处"]), vec![])
        );
        assert_eq!(
            parse_divisions("办公室\n财务处"),
            (names(&["办公室", "财务处"]), vec![])
        );
        assert_eq!(parse_divisions(""), (vec![], vec![]));
        assert_eq!(parse_divisions("牵头，、"), (vec![], vec![]));
    }

    #[test]
    fn empty_heading_and_division_continue_the_row_above() {
        let text = format!(
            "某厅2022年任务分工\n\n{HEADER}\n\t标题甲\n\t1.任务一\n\t甲处牵头，乙处按职责分工落实\n\n\t\n\t2．任务二\n\t\n\n\t标题乙\n\t3、任务三\n\t丙处\n\n\t\n\t4任务四\n\t\n"
        );
        let plan = parse_plan_table(&text).unwrap();
        assert_eq!(plan.title, "某厅2022年任务分工");
        assert_eq!(plan.year, Some(2022));
        let summary: Vec<_> = plan
            .tasks
            .iter()
            .map(|t| {
                (
                    t.number,
                    t.heading.as_str(),
                    t.requirement.as_str(),
                    t.lead.clone(),
                    t.others.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, "标题甲", "任务一", names(&["甲处"]), names(&["乙处"])),
                (2, "标题甲", "任务二", names(&["甲处"]), names(&["乙处"])),
                (3, "标题乙", "任务三", names(&["丙处"]), vec![]),
                (4, "标题乙", "任务四", names(&["丙处"]), vec![]),
            ]
        );
        assert_eq!(plan.tasks[1].division_text, "甲处牵头，乙处按职责分工落实");
        assert_eq!(
            plan.tasks.iter().map(|t| t.line).collect::<Vec<_>>(),
            vec![8, 12, 16, 20]
        );
    }

    #[test]
    fn requirement_continues_over_lines_and_false_starts() {
        let text = format!(
            "题目\n\n{HEADER}\n\t标题\n\t1. 第一项\n2021年底前完成。\n12345热线\n1.子项\n2.第二项\n\t办公室\n"
        );
        let plan = parse_plan_table(&text).unwrap();
        assert_eq!(plan.tasks.len(), 2);
        assert_eq!(
            plan.tasks[0].requirement,
            "第一项\n2021年底前完成。\n12345热线\n1.子项"
        );
        assert_eq!(plan.tasks[1].requirement, "第二项");
        assert_eq!(plan.tasks[1].line, 12);
        assert_eq!(plan.year, None);
    }

    #[test]
    fn crlf_and_bom() {
        let lf = format!("\u{feff}附件1\n 某厅2021年重点任务 \n\n{HEADER}\n\t标题\n\t1.任务一\n2.任务二\n\t办公室\n");
        let crlf = lf.replace('\n', "\r\n");
        let a = parse_plan_table(&lf).unwrap();
        let b = parse_plan_table(&crlf).unwrap();
        assert_eq!(a, b);
        assert_eq!(b.title, "某厅2021年重点任务");
        assert_eq!(b.year, Some(2021));
        assert_eq!(b.tasks.len(), 2);
        assert_eq!(b.tasks[1].requirement, "任务二");
        assert_eq!(b.tasks[1].lead, names(&["办公室"]));
    }

    #[test]
    fn number_gap_at_cell_start() {
        let text =
            format!("题目\n\n{HEADER}\n\t标题\n\t1.任务一\n\t办公室\n\n\t\n\t3.任务三\n\t\n");
        assert_eq!(
            parse_plan_table(&text),
            Err(ImportError::NumberGap {
                line: 12,
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn number_gap_inside_cell() {
        let text = format!("题目\n\n{HEADER}\n\t标题\n\t1.任务一\n3、任务三\n\t办公室\n");
        let err = parse_plan_table(&text).unwrap_err();
        assert_eq!(
            err,
            ImportError::NumberGap {
                line: 9,
                expected: 2,
                found: 3
            }
        );
        assert_eq!(err.line(), Some(9));
        assert_eq!(err.to_string(), "line 9: expected task number 2, found 3");
    }

    #[test]
    fn first_task_must_be_number_1() {
        let text = format!("题目\n\n{HEADER}\n\t标题\n\t2.任务二\n\t办公室\n");
        assert_eq!(
            parse_plan_table(&text),
            Err(ImportError::NumberGap {
                line: 8,
                expected: 1,
                found: 2
            })
        );
    }

    #[test]
    fn unnumbered_requirement_is_an_error() {
        let text = format!("题目\n\n{HEADER}\n\t标题\n\t没有编号的要求\n\t办公室\n");
        assert_eq!(
            parse_plan_table(&text),
            Err(ImportError::MissingNumber {
                line: 8,
                expected: 1
            })
        );
    }

    #[test]
    fn missing_division_is_an_error() {
        let text = format!("题目\n\n{HEADER}\n\t标题\n\t1.任务一\n\t\n");
        assert_eq!(
            parse_plan_table(&text),
            Err(ImportError::MissingDivision { number: 1, line: 8 })
        );
    }

    #[test]
    fn wrong_cell_count_is_an_error() {
        let text = format!("题目\n\n{HEADER}\n\t标题\n\t1.任务一\n\n\t办公室\n");
        assert_eq!(
            parse_plan_table(&text),
            Err(ImportError::CellCount {
                line: 7,
                expected: 3,
                found: 2
            })
        );
    }

    #[test]
    fn missing_header_is_an_error() {
        let text = "题目\n\n\t甲\n\t乙\n\t丙\n";
        assert_eq!(
            parse_plan_table(text),
            Err(ImportError::MissingHeader { line: 3 })
        );
    }

    #[test]
    fn empty_header_only_and_garbage_give_errors() {
        assert_eq!(parse_plan_table(""), Err(ImportError::NoTasks));
        assert_eq!(parse_plan_table("\n\r\n \t"), Err(ImportError::NoTasks));
        assert_eq!(parse_plan_table(HEADER), Err(ImportError::NoTasks));
        assert_eq!(
            parse_plan_table(&format!("题目\n\n{HEADER}\n\n\n")),
            Err(ImportError::NoTasks)
        );
        let bytes: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let garbage = String::from_utf8_lossy(&bytes);
        assert!(parse_plan_table(&garbage).is_err());
        assert!(parse_plan_table("\u{0}\u{1}\u{fffd}\t\u{7f}\n\t9999999999999.\n\t1").is_err());
    }

    #[test]
    fn no_panic_on_pseudo_random_tables() {
        const PIECES: [&str; 16] = [
            "\t",
            "\n",
            "\r\n",
            "1",
            "2",
            "9",
            ".",
            "、",
            "．",
            "牵头",
            "，",
            "办公室",
            "按职责分工落实",
            "工作任务",
            "具体要求",
            "责任部门",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..64 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            if let Ok(plan) = parse_plan_table(&text) {
                for (i, t) in plan.tasks.iter().enumerate() {
                    assert_eq!(t.number as usize, i + 1);
                }
            }
            let _ = parse_divisions(&text);
        }
    }

    #[test]
    fn no_panic_on_truncated_or_mangled_seed() {
        let cuts: Vec<usize> = SEED.char_indices().map(|(i, _)| i).step_by(3).collect();
        for &cut in &cuts {
            if let Ok(plan) = parse_plan_table(&SEED[..cut]) {
                assert!(plan.tasks.len() <= 32);
            }
        }
        let chars: Vec<char> = SEED.chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..300 {
            let mut mangled = chars.clone();
            for _ in 0..4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state % mangled.len() as u64) as usize;
                match state % 3 {
                    0 => {
                        mangled.remove(at);
                    }
                    1 => mangled.insert(at, '\t'),
                    _ => mangled.insert(at, '\n'),
                }
            }
            let text: String = mangled.into_iter().collect();
            if let Ok(plan) = parse_plan_table(&text) {
                for (i, t) in plan.tasks.iter().enumerate() {
                    assert_eq!(t.number as usize, i + 1);
                }
            }
        }
    }

    #[test]
    fn task_prefix_forms() {
        let p = |s: &'static str| task_prefix(s).map(|p| (p.number, p.explicit, p.rest));
        assert_eq!(p("1.主动"), Some((1, true, "主动")));
        assert_eq!(p("2. 主动"), Some((2, true, "主动")));
        assert_eq!(p("3．主动"), Some((3, true, "主动")));
        assert_eq!(p("4、主动"), Some((4, true, "主动")));
        assert_eq!(p("25对厅"), Some((25, false, "对厅")));
        assert_eq!(p("１２.全角"), Some((12, true, "全角")));
        assert_eq!(p("2021.5月"), None);
        assert_eq!(p("5 空格"), None);
        assert_eq!(p("5a"), None);
        assert_eq!(p("对厅"), None);
        assert_eq!(p("99999999999.溢出"), None);
    }

    #[test]
    fn year_forms() {
        assert_eq!(year_in("国家和省2021年政务公开"), Some(2021));
        assert_eq!(year_in("１２０２２年"), None);
        assert_eq!(year_in("２０２３年"), Some(2023));
        assert_eq!(year_in("1999年和2005年"), Some(2005));
        assert_eq!(year_in("无年份"), None);
        assert_eq!(year_in(""), None);
    }
}
