//! `replies`: published consultations are answered in time, and replies keep coming.
//! Its documentation is [`KIND`].

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE};
use crate::date;
use crate::document::{role, Role};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;
use crate::page::{PageFacts, Table};
use crate::rule::Pattern;
use crate::text;

/// `replies`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "replies",
    summary: "consultations answered in time, replies kept up to date",
    what: "Reads question/answer entries from the located pages (a 政策咨询 or 留言 column). \
In the text, an entry starts at a label of the asking date (the `asked` pattern) followed by a \
date (`咨询日期:2021-11-15`) and takes the first dated reply label (the `replied` pattern) \
after it, before the next entry (`答复日期:2021-11-18`); a reply label without a date \
(`答复日期:`, `答复日期:未答复`) leaves the entry unanswered. A table whose header row names \
both columns (`留言标题 | 留言时间 | 回复时间`) gives one entry per dated row. With \
`max_delay_days = N`, an entry asked within the `since_days` days before the as-of date is \
late when its reply came more than N days after it, or when it has no reply (a reply dated \
after the as-of date counts as none) and more than N days have passed; the check fails \
naming each late entry (asked date, reply date or 未答复, the start of the question) and \
counts each as a finding. With `latest_reply_within_days = N`, the newest reply dated on or \
before the as-of date must be at most N days old. Give one limit or both. No dated entry (or \
no page) found fails the freshness limit — replies have not been updated — but leaves \
lateness alone `incomplete`: a site whose consultations are answered on another platform \
(the provincial 省长信箱) publishes none, and nothing can be said of their delays. Pages that \
might hold entries but could not be fetched make either `incomplete`.",
    why: "The website inspection vetoes a site where a valid message went unanswered for \
more than 3 months in the last year, and deducts points when message replies have not been \
updated for 2 months.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "replies"
max_delay_days = 90
since_days = 365
latest_reply_within_days = 60"#,
        passes: "as of 2022-02-01, `咨询日期:2021-11-15 答复日期:2021-12-18` as the newest entry",
        fails: "`咨询日期:2021-09-06 答复日期:` (unanswered for 148 days), or a newest reply \
dated 2021-11-18 (75 days old)",
    },
    clause: "国办秘函〔2019〕19号 单项否决 “互动回应” (留言超过3个月未回复) and 扣分 \
“互动回应” (留言回复超过2个月未更新)",
    fields: &[
        Field {
            name: "max_delay_days",
            ty: "integer, 0–3660",
            default: Some("none: give this and/or `latest_reply_within_days`"),
            meaning: "an entry is late when answered, or left unanswered, more than this many days",
        },
        Field {
            name: "since_days",
            ty: "integer, 1–3660",
            default: Some("365"),
            meaning: "with `max_delay_days`: only entries asked within this many days before the as-of date are judged",
        },
        Field {
            name: "latest_reply_within_days",
            ty: "integer, 0–3660",
            default: Some("none: give this and/or `max_delay_days`"),
            meaning: "the newest reply must be at most this many days old",
        },
        Field {
            name: "asked",
            ty: "regex",
            default: Some("the `asked_labels` vocabulary"),
            meaning: "the label of the asking date",
        },
        Field {
            name: "replied",
            ty: "regex",
            default: Some("the `answer_labels` vocabulary"),
            meaning: "the label of the reply date",
        },
    ],
    compile,
    manual_default: None,
};

/// The label of the asking date when the check names none: the pack's `asked_labels`.
const DEFAULT_ASKED: &str = "{asked_labels}";
/// The label of the reply date when the check names none: the pack's `answer_labels`.
const DEFAULT_REPLIED: &str = "{answer_labels}";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    asked: Option<Spanned<String>>,
    replied: Option<Spanned<String>>,
    max_delay_days: Option<Spanned<i64>>,
    since_days: Option<Spanned<i64>>,
    latest_reply_within_days: Option<Spanned<i64>>,
}

/// A number of days within `min..=3660`; `Err` when out of range (reported).
fn days(
    c: &mut CheckCompiler<'_, '_, '_>,
    f: &Option<Spanned<i64>>,
    name: &str,
    min: i64,
) -> Result<Option<i64>, ()> {
    match f {
        None => Ok(None),
        Some(v) if (min..=3660).contains(v.get_ref()) => Ok(Some(*v.get_ref())),
        Some(v) => {
            c.invalid(
                v.span(),
                format!(
                    "`{name}` must be a number of days between {min} and 3660, not {}",
                    v.get_ref()
                ),
            );
            Err(())
        }
    }
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let max_delay = days(c, &f.max_delay_days, "max_delay_days", 0);
    let since = days(c, &f.since_days, "since_days", 1);
    let latest = days(c, &f.latest_reply_within_days, "latest_reply_within_days", 0);
    let (Ok(max_delay_days), Ok(since), Ok(latest_reply_within_days)) = (max_delay, since, latest)
    else {
        return None;
    };
    if max_delay_days.is_none() && latest_reply_within_days.is_none() {
        c.required("max_delay_days` and/or `latest_reply_within_days");
        return None;
    }
    if let (Some(s), None) = (&f.since_days, max_delay_days) {
        c.invalid(s.span(), "`since_days` applies to `max_delay_days`");
        return None;
    }
    let span = c.span();
    let asked = match &f.asked {
        Some(p) => c.pattern(p),
        None => c.pattern(&Spanned::new(span.clone(), DEFAULT_ASKED.to_string())),
    };
    let replied = match &f.replied {
        Some(p) => c.pattern(p),
        None => c.pattern(&Spanned::new(span, DEFAULT_REPLIED.to_string())),
    };
    Some(Check::new(Replies {
        asked: asked?,
        replied: replied?,
        limits: ReplyLimits {
            max_delay_days,
            since_days: since.unwrap_or(365),
            latest_reply_within_days,
        },
    }))
}

/// A compiled `replies` check.
#[derive(Debug)]
pub(crate) struct Replies {
    /// The label of the asking date.
    pub asked: Pattern,
    /// The label of the reply date.
    pub replied: Pattern,
    /// The limits applied.
    pub limits: ReplyLimits,
}

impl Evaluate for Replies {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, &self.asked, &self.replied, self.limits)
    }
}

/// The most entries read from one page (hostile pages).
const MAX_ENTRIES_PER_PAGE: usize = 5_000;
/// The most late entries one message names.
const NAMED: usize = 5;
/// Characters of a question kept in messages.
const QUESTION_CHARS: usize = 24;
/// Bytes after a label searched for its date.
const DATE_WINDOW: usize = 64;

/// Header cells naming the question column of a table.
static QUESTION_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("标题|问题|内容|主题|事项").expect("valid regex"));

/// The limits a `replies` check applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplyLimits {
    /// An entry is late when answered (or left unanswered) more than this many days.
    pub max_delay_days: Option<i64>,
    /// Only entries asked within this many days before the as-of date count for lateness.
    pub since_days: i64,
    /// The newest reply must be at most this many days old.
    pub latest_reply_within_days: Option<i64>,
}

/// One consultation found on a page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Entry {
    asked: NaiveDate,
    replied: Option<NaiveDate>,
    question: String,
}

/// The date right after a label (after optional spaces and a colon), if any.
fn date_after(s: &str, end: usize) -> Option<NaiveDate> {
    let rest = s.get(end..)?.trim_start();
    let rest = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix('：'))
        .unwrap_or(rest)
        .trim_start();
    let mut cut = rest.len().min(DATE_WINDOW);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &rest[..cut];
    date::first_date(window)
        .filter(|d| d.span.start == 0)
        .map(|d| d.date)
}

/// A label found in a line: its byte range and whether it labels the asking date.
struct Label {
    start: usize,
    end: usize,
    asked: bool,
}

/// The labels of a line, in order, without overlaps.
fn labels(line: &str, asked: &Pattern, replied: &Pattern) -> Vec<Label> {
    let mut found: Vec<Label> = asked
        .regex
        .find_iter(line)
        .map(|m| Label {
            start: m.start(),
            end: m.end(),
            asked: true,
        })
        .chain(replied.regex.find_iter(line).map(|m| Label {
            start: m.start(),
            end: m.end(),
            asked: false,
        }))
        .filter(|l| l.end > l.start)
        .collect();
    found.sort_by_key(|l| (l.start, l.end));
    let mut out: Vec<Label> = Vec::with_capacity(found.len());
    for l in found {
        if out.last().is_none_or(|p| l.start >= p.end) {
            out.push(l);
        }
    }
    out
}

/// A short excerpt of a question line: its text without a leading `问1:` marker.
fn question_text(s: &str) -> String {
    let s = s.trim().trim_end_matches([':', '：', ' ']);
    let s = s
        .strip_prefix('问')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .and_then(|r| r.strip_prefix(':').or_else(|| r.strip_prefix('：')))
        .unwrap_or(s)
        .trim();
    text::excerpt(s, QUESTION_CHARS)
}

/// Entries written as labelled dates in the page text.
fn text_entries(page_text: &str, asked: &Pattern, replied: &Pattern) -> Vec<Entry> {
    let lines: Vec<&str> = page_text.lines().collect();
    let has_label = |l: &str| asked.is_match(l) || replied.is_match(l);
    let mut out: Vec<Entry> = Vec::new();
    // The entry being read, and whether its reply is taken.
    let mut current: Option<(Entry, bool)> = None;
    for (i, line) in lines.iter().enumerate() {
        for label in labels(line, asked, replied) {
            let date = date_after(line, label.end);
            if label.asked {
                let Some(asked_on) = date else { continue };
                if let Some((e, _)) = current.take() {
                    out.push(e);
                }
                if out.len() >= MAX_ENTRIES_PER_PAGE {
                    return out;
                }
                let before = line[..label.start].trim();
                let question = if before.chars().count() >= 2 {
                    question_text(before)
                } else if let Some(prev) = i
                    .checked_sub(1)
                    .and_then(|j| lines.get(j))
                    .filter(|l| !has_label(l))
                {
                    question_text(prev)
                } else {
                    lines
                        .get(i + 1)
                        .filter(|l| !has_label(l))
                        .map(|l| question_text(l))
                        .unwrap_or_default()
                };
                current = Some((
                    Entry {
                        asked: asked_on,
                        replied: None,
                        question,
                    },
                    false,
                ));
            } else if let (Some((entry, taken)), Some(d)) = (current.as_mut(), date) {
                if !*taken {
                    entry.replied = Some(d);
                    *taken = true;
                }
            }
        }
    }
    if let Some((e, _)) = current {
        out.push(e);
    }
    out
}

/// Entries of a table whose header row names the asking and reply columns.
fn table_entries(table: &Table, asked: &Pattern, replied: &Pattern) -> Vec<Entry> {
    let header_cell = |c: &str, p: &Pattern| p.is_match(c) && date::first_date(c).is_none();
    let Some((h, header)) = table.rows.iter().enumerate().take(3).find(|(_, row)| {
        row.iter().any(|c| header_cell(c, asked)) && row.iter().any(|c| header_cell(c, replied))
    }) else {
        return Vec::new();
    };
    let Some(ask_col) = header.iter().position(|c| header_cell(c, asked)) else {
        return Vec::new();
    };
    let Some(reply_col) = header
        .iter()
        .enumerate()
        .position(|(j, c)| j != ask_col && header_cell(c, replied))
    else {
        return Vec::new();
    };
    let question_col = header
        .iter()
        .enumerate()
        .position(|(j, c)| j != ask_col && j != reply_col && QUESTION_HEADER.is_match(c));
    let mut out = Vec::new();
    for row in table.rows.iter().skip(h + 1).take(MAX_ENTRIES_PER_PAGE) {
        let Some(asked_on) = row
            .get(ask_col)
            .and_then(|c| date::first_date(c))
            .map(|d| d.date)
        else {
            continue;
        };
        let replied_on = row
            .get(reply_col)
            .and_then(|c| date::first_date(c))
            .map(|d| d.date);
        let question = question_col
            .and_then(|j| row.get(j))
            .or_else(|| {
                row.iter().enumerate().find_map(|(j, c)| {
                    (j != ask_col
                        && j != reply_col
                        && !c.trim().is_empty()
                        && date::first_date(c).is_none())
                    .then_some(c)
                })
            })
            .map(|c| question_text(c))
            .unwrap_or_default();
        out.push(Entry {
            asked: asked_on,
            replied: replied_on,
            question,
        });
    }
    out
}

/// Every entry of a page, text and tables, without repeats.
fn page_entries(page: &PageFacts, asked: &Pattern, replied: &Pattern) -> Vec<Entry> {
    let mut out = text_entries(&page.text.as_str(), asked, replied);
    let mut seen: HashSet<Entry> = out.iter().cloned().collect();
    for table in &page.tables {
        for e in table_entries(table, asked, replied) {
            if out.len() >= MAX_ENTRIES_PER_PAGE {
                return out;
            }
            if seen.insert(e.clone()) {
                out.push(e);
            }
        }
    }
    out
}

/// The entries of the located pages, asked on or before `as_of`. A list of questions
/// whose entries link to question pages that hold entries themselves is left out: the
/// question page is the record (the list shows a status, not the reply's date).
fn entries_of<'a>(
    pages: &[&'a PageFacts],
    asked: &Pattern,
    replied: &Pattern,
    as_of: NaiveDate,
) -> Vec<(&'a PageFacts, Entry)> {
    let per_page: Vec<Vec<Entry>> = pages
        .iter()
        .map(|p| page_entries(p, asked, replied))
        .collect();
    let holding: HashSet<&str> = pages
        .iter()
        .zip(&per_page)
        .filter(|(_, e)| !e.is_empty())
        .map(|(p, _)| p.url.as_str())
        .collect();
    pages
        .iter()
        .zip(per_page)
        .filter(|(p, _)| {
            !(role(p) == Role::Listing
                && p.list_items.iter().any(|i| holding.contains(i.url.as_str())))
        })
        .flat_map(|(p, es)| es.into_iter().map(move |e| (*p, e)))
        .filter(|(_, e)| e.asked <= as_of)
        .collect()
}

/// How an entry reads in messages and evidence.
fn describe(e: &Entry, as_of: NaiveDate) -> String {
    let reply = match e.replied.filter(|r| *r <= as_of) {
        Some(r) => format!("{r}答复（{}天）", (r - e.asked).num_days()),
        None => format!("未答复（已{}天）", (as_of - e.asked).num_days()),
    };
    let q = if e.question.is_empty() {
        String::new()
    } else {
        format!("「{}」", e.question)
    };
    format!("{}咨询，{reply}{q}", e.asked)
}

/// What the limits of a `replies` check found, before the verdict.
#[derive(Default)]
struct Judged {
    /// Violations, each a sentence.
    problems: Vec<String>,
    /// What holds, each a sentence.
    notes: Vec<String>,
    evidence: Vec<Evidence>,
    /// Late entries, and a stale newest reply, each a finding.
    findings: usize,
    /// Pages that might hold entries could not be fetched, and they could change the verdict.
    undecided: bool,
}

impl Judged {
    /// `max_delay_days`: entries asked in the window and answered (or not) too late.
    fn lateness(
        &mut self,
        entries: &[(&PageFacts, Entry)],
        as_of: NaiveDate,
        max: i64,
        since_days: i64,
        unknown: bool,
    ) {
        let from = as_of
            .checked_sub_signed(chrono::Duration::days(since_days))
            .unwrap_or(NaiveDate::MIN);
        let recent: Vec<&(&PageFacts, Entry)> =
            entries.iter().filter(|(_, e)| e.asked >= from).collect();
        let late: Vec<&(&PageFacts, Entry)> = recent
            .iter()
            .copied()
            .filter(|(_, e)| match e.replied.filter(|r| *r <= as_of) {
                Some(r) => (r - e.asked).num_days() > max,
                None => (as_of - e.asked).num_days() > max,
            })
            .collect();
        if late.is_empty() {
            self.notes.push(format!(
                "近{since_days}天内{}条咨询均在{max}天内答复",
                recent.len()
            ));
            if unknown {
                self.undecided = true;
            }
            return;
        }
        let named: Vec<String> = late
            .iter()
            .take(NAMED)
            .map(|(_, e)| describe(e, as_of))
            .collect();
        let more = if late.len() > NAMED {
            format!("等{}条", late.len())
        } else {
            String::new()
        };
        self.problems.push(format!(
            "{}条咨询超过{max}天未答复：{}{more}",
            late.len(),
            named.join("；")
        ));
        self.findings += late.len();
        for (p, e) in late.iter().take(MAX_EVIDENCE) {
            self.evidence
                .push(Evidence::new(p.url.clone(), describe(e, as_of)));
        }
    }

    /// `latest_reply_within_days`: the newest reply is recent enough.
    fn freshness(
        &mut self,
        entries: &[(&PageFacts, Entry)],
        as_of: NaiveDate,
        max: i64,
        unknown: bool,
    ) {
        let newest = entries
            .iter()
            .filter_map(|(p, e)| e.replied.filter(|r| *r <= as_of).map(|r| (r, *p, e)))
            .max_by_key(|(r, ..)| *r);
        let Some((r, p, e)) = newest else {
            if unknown {
                self.undecided = true;
                self.notes.push("未找到答复日期".to_string());
            } else {
                self.problems.push(format!(
                    "{}条咨询均无{as_of}或之前的答复日期",
                    entries.len()
                ));
                self.findings += 1;
            }
            return;
        };
        let age = (as_of - r).num_days();
        let msg = format!("最新答复日期{r}，距{as_of}已{age}天（要求不超过{max}天）");
        if age <= max {
            self.notes.push(msg);
            return;
        }
        if unknown {
            self.undecided = true;
            self.notes.push(msg);
        } else {
            self.problems.push(msg);
            self.findings += 1;
        }
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence
                .push(Evidence::new(p.url.clone(), describe(e, as_of)));
        }
    }
}

fn check(
    cx: &Context<'_>,
    asked: &Pattern,
    replied: &Pattern,
    limits: ReplyLimits,
) -> CheckResult {
    let located = cx.located;
    // Lateness alone is measured on what is published: a site whose consultations
    // are handled and answered elsewhere (the provincial 省长信箱) publishes none, and
    // then nothing can be said either way. Freshness of replies needs replies.
    let lateness_only = limits.latest_reply_within_days.is_none();
    let nothing_published = |found: CheckResult| {
        if lateness_only && found.outcome == Outcome::Fail {
            CheckResult::new(
                Outcome::Incomplete,
                KIND.name,
                format!(
                    "{}：本站未公开可核对的咨询答复记录，答复时限无法判定（留言可能在其他平台办理，如省长信箱）",
                    found.message
                ),
                found.evidence,
            )
        } else {
            found
        }
    };
    if located.pages.is_empty() {
        return nothing_published(located.absent(KIND.name));
    }
    let as_of = cx.as_of;
    let entries = entries_of(&located.pages, asked, replied, as_of);
    if entries.is_empty() {
        let outcome = if located.unknown.is_empty() {
            Outcome::Fail
        } else {
            Outcome::Incomplete
        };
        let message = if located.unknown.is_empty() {
            format!(
                "未找到带日期的咨询答复记录（已查{}个页面）",
                located.pages.len()
            )
        } else {
            format!("未找到带日期的咨询答复记录；{}", located.unknown_message())
        };
        return nothing_published(CheckResult::new(
            outcome,
            KIND.name,
            message,
            vec![Evidence::new(
                located.pages[0].url.clone(),
                "无带日期的咨询答复记录",
            )],
        ));
    }

    let mut judged = Judged::default();
    let unknown = !located.unknown.is_empty();
    if let Some(max) = limits.max_delay_days {
        judged.lateness(&entries, as_of, max, limits.since_days, unknown);
    }
    if let Some(max) = limits.latest_reply_within_days {
        judged.freshness(&entries, as_of, max, unknown);
    }
    let Judged {
        problems,
        notes,
        mut evidence,
        findings,
        undecided,
    } = judged;

    if !problems.is_empty() {
        if evidence.is_empty() {
            evidence.push(Evidence::new(
                entries[0].0.url.clone(),
                describe(&entries[0].1, as_of),
            ));
        }
        return CheckResult::new(Outcome::Fail, KIND.name, problems.join("；"), evidence)
            .counting(findings);
    }
    if undecided {
        return CheckResult::new(
            Outcome::Incomplete,
            KIND.name,
            format!("{}；{}", notes.join("；"), located.unknown_message()),
            Vec::new(),
        );
    }
    let newest = entries
        .iter()
        .max_by_key(|(_, e)| e.asked)
        .map(|(p, e)| Evidence::new(p.url.clone(), describe(e, as_of)));
    CheckResult::new(
        Outcome::Pass,
        KIND.name,
        notes.join("；"),
        newest.into_iter().collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const LOCATE: &str = "locate = { url = \"/zczx/\" }\n[[rule.checks]]\nkind = \"replies\"\n";

    fn page(items: &[(&str, &str, &str)]) -> String {
        items
            .iter()
            .map(|(q, asked, answered)| {
                format!("<li><p>问：{q}</p><p>咨询日期：{asked}　答复单位：办公室　答复日期：<span>{answered}</span></p><p>答：已答复。</p></li>")
            })
            .collect()
    }

    fn delay(html: &str) -> crate::check::CheckResult {
        let s = site(&[("/zczx/index.html", html)]);
        run(
            &s,
            &format!("{LOCATE}max_delay_days = 90\nsince_days = 365"),
        )
    }

    #[test]
    fn answered_in_time_passes() {
        let r = delay(&page(&[
            ("民宿如何申请评定？", "2021-11-15", "2021-11-18"),
            ("旅行社向哪个部门申请？", "2021-03-15", "2021-03-17"),
        ]));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("2条咨询均在90天内答复"), "{}", r.message);
    }

    #[test]
    fn a_late_reply_fails() {
        let r = delay(&page(&[
            ("民宿如何申请评定？", "2021-11-15", "2021-11-18"),
            ("专项资金申报条件？", "2021-05-06", "2021-08-20"),
        ]));
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("1条咨询超过90天未答复"), "{}", r.message);
        assert!(
            r.message
                .contains("2021-05-06咨询，2021-08-20答复（106天）「专项资金申报条件?」"),
            "{}",
            r.message
        );
        assert_eq!(r.finding_count(), 1);
    }

    #[test]
    fn an_old_unanswered_message_fails_a_young_one_passes() {
        let r = delay(&page(&[
            ("民宿如何申请评定？", "2021-11-15", "2021-11-18"),
            ("上网服务场所人数有无限制？", "2021-09-06", ""),
            ("演出审批需要多久？", "2021-10-08", "未答复"),
        ]));
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message.contains("2021-09-06咨询，未答复（已148天）"),
            "{}",
            r.message
        );
        assert!(
            r.message.contains("2021-10-08咨询，未答复（已116天）"),
            "{}",
            r.message
        );
        assert_eq!(r.finding_count(), 2);
        assert_eq!(r.evidence.len(), 2);
        // Unanswered for 55 days: not yet three months.
        let r = delay(&page(&[
            ("民宿如何申请评定？", "2021-11-15", "2021-11-18"),
            ("演出审批需要多久？", "2021-12-08", ""),
        ]));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }

    #[test]
    fn entries_before_the_window_are_ignored() {
        let r = delay(&page(&[
            ("民宿如何申请评定？", "2021-11-15", "2021-11-18"),
            ("旧问题？", "2020-12-01", ""),
            ("更旧的问题？", "2020-01-06", "2020-09-01"),
        ]));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("近365天内1条咨询"), "{}", r.message);
    }

    #[test]
    fn newest_reply_freshness() {
        let s = site(&[(
            "/zczx/index.html",
            &page(&[
                ("民宿如何申请评定？", "2021-11-15", "2021-11-18"),
                ("晚于检查日的答复？", "2021-12-20", "2022-03-01"),
            ]),
        )]);
        let rule = format!("{LOCATE}latest_reply_within_days = 60");
        let r = run(&s, &rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message
                .contains("最新答复日期2021-11-18，距2022-02-01已75天"),
            "{}",
            r.message
        );
        let r = run_as_of(&s, &rule, "2022-01-10");
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        // Both limits in one check: the freshness failure and the late entry both count.
        let r = run(
            &s,
            &format!("{LOCATE}latest_reply_within_days = 60\nmax_delay_days = 30"),
        );
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert_eq!(r.finding_count(), 2, "{}", r.message);
    }

    #[test]
    fn table_form() {
        let html =
            "<table><tr><th>序号</th><th>留言标题</th><th>留言时间</th><th>回复时间</th></tr>\
            <tr><td>1</td><td>关于景区门票的咨询</td><td>2022-01-05</td><td>2022-01-07</td></tr>\
            <tr><td>2</td><td>关于导游证的咨询</td><td>2021-08-02 10:31</td><td></td></tr></table>";
        let r = delay(html);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message
                .contains("2021-08-02咨询，未答复（已183天）「关于导游证的咨询」"),
            "{}",
            r.message
        );
        assert_eq!(r.finding_count(), 1);
        let s = site(&[("/zczx/index.html", html)]);
        let r = run(&s, &format!("{LOCATE}latest_reply_within_days = 60"));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("2022-01-07"), "{}", r.message);
    }

    #[test]
    fn custom_labels() {
        let s = site(&[(
            "/zczx/index.html",
            "<p>诉求时间：2021-06-01 反馈时间：2021-06-03</p>",
        )]);
        let r = run(
            &s,
            &format!("{LOCATE}asked = \"诉求时间\"\nreplied = \"反馈时间\"\nmax_delay_days = 90"),
        );
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }

    #[test]
    fn hostile_text_is_bounded() {
        // Labels glued to each other, labels at the end of the text, multi-byte text
        // right after a label, and more entries than a page is read for.
        let mut html = String::from(
            "<p>咨询日期答复日期咨询日期：</p><p>答复日期：２０２１年１０月３日咨询日期</p><p>",
        );
        html.push_str(&"咨询日期:2021-12-01 答复日期:2021-12-02 ".repeat(6_000));
        html.push_str("</p><p>咨询日期：");
        html.push_str(&"汉".repeat(40));
        html.push_str("</p>");
        let r = delay(&html);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        let entries = super::text_entries(
            &crate::page::PageFacts::from_html("http://x.gov.cn/", 200, &html)
                .text
                .as_str(),
            &label("咨询日期|咨询时间|留言日期|留言时间|提问时间|来信时间|来信日期"),
            &label("答复日期|答复时间|回复日期|回复时间|办理时间|办结时间|处理时间"),
        );
        assert_eq!(entries.len(), super::MAX_ENTRIES_PER_PAGE);
    }

    fn label(p: &str) -> crate::rule::Pattern {
        crate::rule::Pattern {
            source: p.to_string(),
            regex: regex::Regex::new(p).unwrap(),
        }
    }

    #[test]
    fn nothing_published_fails_freshness_but_leaves_lateness_undecided() {
        // Replies not updated: none published at all fails the freshness limit.
        let s = site(&[(
            "/zczx/index.html",
            "<p>咨询日期 答复日期</p><p>暂无信息</p>",
        )]);
        let r = run(&s, &format!("{LOCATE}latest_reply_within_days = 60"));
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message.contains("未找到带日期的咨询答复记录"),
            "{}",
            r.message
        );
        // Lateness cannot be measured on nothing: incomplete, with why.
        let r = delay("<p>咨询日期 答复日期</p><p>暂无信息</p>");
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(r.message.contains("答复时限无法判定"), "{}", r.message);
        // No consultation page at all: the same.
        let s = site(&[("/other/index.html", "<p>其他</p>")]);
        let r = run(&s, &format!("{LOCATE}max_delay_days = 90"));
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        let r = run(&s, &format!("{LOCATE}latest_reply_within_days = 60"));
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        // Pages that could not be fetched leave both undecided.
        let mut p = pages(&[("/zczx/index.html", "<p>暂无信息</p>")]);
        p.push(crate::page::PageFacts::failed(
            format!("{HOST}/zczx/index_2.html"),
            "timeout",
        ));
        let s = crate::site::Site::new(HOST, p);
        let r = run(&s, &format!("{LOCATE}latest_reply_within_days = 60"));
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
    }
}
