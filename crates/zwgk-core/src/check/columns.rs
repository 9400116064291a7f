//! `columns`: at most `max` of the site's columns are stale or blank. Its
//! documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;
use crate::report::{ColumnReport, ColumnState};
use crate::rule::Pattern;

/// `columns`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "columns",
    summary: "few enough stale or blank columns",
    what: "Site-wide, from the column survey of the pack's `[columns]` (no `locate` \
needed): counts the columns of the given `kinds` (every column when none are given) that are \
in one of the given `states` — `stale`: no new entry within the kind's `max_age_days`, an \
undated newest entry counting as no update; `blank`: no entry at all. More than `max` fails, \
naming each column (`工作动态（最新2021-11-02，已91天，限14天）`) and counting each as a \
finding. Columns whose list page could not be fetched make the result `incomplete` when \
they could tip the count, never `fail`.",
    why: "国办秘函〔2019〕19号 vetoes a site with ≥ 5 stale columns (动态要闻类 older than 2 \
weeks, 通知公告/政策文件类 older than 6 months), ≥ 10 columns that should be updated and are \
not, or ≥ 5 blank columns; it deducts points for a 政策文件 column not updated in 6 months.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "columns"
kinds = ["动态要闻类", "通知公告类", "政策文件类"]
states = ["stale"]
max = 4"#,
        passes: "a site with four stale news columns",
        fails: "a site with five, naming them",
    },
    clause: "国办秘函〔2019〕19号 单项否决 “栏目不更新”, “空白栏目”",
    fields: &[
        Field {
            name: "kinds",
            ty: "list of column-kind names from `[[columns.kind]]`",
            default: Some("every column"),
            meaning: "which columns are counted",
        },
        Field {
            name: "states",
            ty: "list of \"stale\" | \"blank\"",
            default: None,
            meaning: "which states count",
        },
        Field {
            name: "max",
            ty: "integer, 0–1000000",
            default: Some("0"),
            meaning: "columns tolerated in those states",
        },
        Field {
            name: "within",
            ty: "regex",
            default: Some("every column"),
            meaning: "only the columns whose list page's breadcrumb matches: the sub-columns of a section (`政府信息公开` for the 专栏)",
        },
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    kinds: Option<Spanned<Vec<String>>>,
    states: Option<Spanned<Vec<String>>>,
    max: Option<Spanned<i64>>,
    within: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(spec) = c.column_spec() else {
        let span = c.span();
        c.invalid(span, "a `columns` check needs `[columns]` in pack.toml");
        return None;
    };
    let known: Vec<String> = spec.kinds.iter().map(|k| k.name.clone()).collect();
    let kinds = f
        .kinds
        .as_ref()
        .map(|k| k.get_ref().clone())
        .unwrap_or_default();
    if let Some(unknown) = kinds.iter().find(|k| !known.contains(k)) {
        let span = f.kinds.as_ref().map(|k| k.span()).unwrap_or(c.span());
        c.invalid(
            span,
            format!(
                "no column kind `{unknown}` in `[columns]` (kinds: {})",
                known.join(", ")
            ),
        );
        return None;
    }
    let Some(states_raw) = &f.states else {
        c.required("states");
        return None;
    };
    let mut states = Vec::new();
    for st in states_raw.get_ref() {
        states.push(match st.as_str() {
            "stale" => ColumnState::Stale,
            "blank" => ColumnState::Blank,
            other => {
                c.invalid(
                    states_raw.span(),
                    format!("`states` holds `stale` and/or `blank`, not `{other}`"),
                );
                return None;
            }
        });
    }
    if states.is_empty() {
        c.invalid(
            states_raw.span(),
            "`states` must name `stale` and/or `blank`",
        );
        return None;
    }
    Some(Check::new(Columns {
        kinds,
        states,
        max: c.count(&f.max, 0, "max")?,
        within: c.opt_pattern(&f.within)?,
    }))
}

/// A compiled `columns` check.
#[derive(Debug)]
pub(crate) struct Columns {
    kinds: Vec<String>,
    states: Vec<ColumnState>,
    max: usize,
    within: Option<Pattern>,
}

impl Evaluate for Columns {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }

    fn reads_pages(&self) -> bool {
        false
    }
}

/// The most columns one message names.
const NAMED: usize = 10;

/// How a column is described in a message.
fn describe(c: &ColumnReport) -> String {
    let detail = match (c.state, c.newest, c.age_days, c.max_age_days) {
        (ColumnState::Blank, ..) => "无任何信息".to_string(),
        (_, Some(d), Some(age), Some(max)) => format!("最新{d}，已{age}天，限{max}天"),
        (_, None, _, Some(max)) => format!("{}条均无发布日期，限{max}天", c.undated),
        (_, Some(d), ..) => format!("最新{d}"),
        _ => String::new(),
    };
    format!("{}（{detail}）", c.name)
}

fn check(cx: &Context<'_>, check: &Columns) -> CheckResult {
    let (kinds, states, max) = (&check.kinds, &check.states, check.max);
    let within = |c: &ColumnReport| {
        check.within.as_ref().is_none_or(|p| {
            cx.site
                .page(&c.url)
                .is_some_and(|page| p.is_match(&page.breadcrumb_text()))
        })
    };
    let considered: Vec<&ColumnReport> = cx
        .columns
        .iter()
        .filter(|c| kinds.is_empty() || c.kind.as_ref().is_some_and(|k| kinds.contains(k)))
        .filter(|c| within(c))
        .collect();
    let hits: Vec<&ColumnReport> = considered
        .iter()
        .copied()
        .filter(|c| states.contains(&c.state))
        .collect();
    let unknown: Vec<&ColumnReport> = considered
        .iter()
        .copied()
        .filter(|c| c.state == ColumnState::Unknown)
        .collect();
    let what = states
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join("或");
    let scope = if kinds.is_empty() {
        "栏目".to_string()
    } else {
        format!("{}栏目", kinds.join("、"))
    };
    let names = hits
        .iter()
        .take(NAMED)
        .map(|c| describe(c))
        .collect::<Vec<_>>()
        .join("；");
    let evidence: Vec<Evidence> = hits
        .iter()
        .take(MAX_EVIDENCE)
        .map(|c| Evidence::new(c.url.clone(), describe(c)))
        .collect();
    if considered.is_empty() {
        return CheckResult::new(
            Outcome::Pass,
            KIND.name,
            format!("未发现{scope}"),
            Vec::new(),
        );
    }
    let base = format!(
        "{}个{scope}中{}个{what}（允许{max}个）",
        considered.len(),
        hits.len()
    );
    if hits.len() > max {
        CheckResult::new(
            Outcome::Fail,
            KIND.name,
            format!("{base}：{names}"),
            evidence,
        )
        .counting(hits.len())
    } else if hits.len() + unknown.len() > max {
        let unread = unknown
            .iter()
            .take(NAMED)
            .map(|c| format!("{} {}", c.name, c.url))
            .collect::<Vec<_>>()
            .join("；");
        CheckResult::new(
            Outcome::Incomplete,
            KIND.name,
            format!("{base}；另有{}个栏目未能读取：{unread}", unknown.len()),
            unknown
                .iter()
                .take(MAX_EVIDENCE)
                .map(|c| Evidence::new(c.url.clone(), "栏目页未能获取"))
                .collect(),
        )
    } else if hits.is_empty() {
        CheckResult::new(Outcome::Pass, KIND.name, base, Vec::new())
    } else {
        CheckResult::new(
            Outcome::Pass,
            KIND.name,
            format!("{base}：{names}"),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;
    use crate::check::Located;
    use crate::evidence::EvidenceSet;
    use crate::site::Site;
    use chrono::NaiveDate;

    fn column(name: &str, kind: &str, state: ColumnState) -> ColumnReport {
        ColumnReport {
            name: name.into(),
            url: format!("http://x/{name}/index.html"),
            level: 1,
            pages: 1,
            items: if state == ColumnState::Blank { 0 } else { 3 },
            undated: 0,
            newest: (state != ColumnState::Blank).then(|| "2021-12-01".parse().unwrap()),
            kind: Some(kind.into()),
            max_age_days: Some(14),
            age_days: Some(62),
            state,
        }
    }

    fn run(
        columns: &[ColumnReport],
        kinds: &[&str],
        states: &[ColumnState],
        max: usize,
    ) -> CheckResult {
        let site = Site::new("http://x/", Vec::new());
        let located = Located::default();
        let evidence = EvidenceSet::empty();
        let cx = Context {
            site: &site,
            located: &located,
            as_of: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
            plan_year: 2021,
            calendar: WorkCalendar::china(),
            evidence: &evidence,
            task: 1,
            rule_id: "t",
            columns,
            negated: false,
        };
        let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
        check(
            &cx,
            &super::Columns {
                kinds,
                states: states.to_vec(),
                max,
                within: None,
            },
        )
    }

    fn stale(n: usize) -> Vec<ColumnReport> {
        (0..n)
            .map(|i| column(&format!("动态{i}"), "动态要闻类", ColumnState::Stale))
            .collect()
    }

    #[test]
    fn four_stale_columns_pass_five_fail_naming_them() {
        let r = run(&stale(4), &["动态要闻类"], &[ColumnState::Stale], 4);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        let r = run(&stale(5), &["动态要闻类"], &[ColumnState::Stale], 4);
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(r.finding_count(), 5);
        assert!(
            r.message.starts_with("5个动态要闻类栏目中5个未及时更新（允许4个）：动态0（最新2021-12-01，已62天，限14天）"),
            "{}",
            r.message
        );
        assert_eq!(r.evidence.len(), 5);
    }

    #[test]
    fn kinds_and_states_filter_what_is_counted() {
        let mut cols = stale(5);
        cols.push(column("公告栏", "通知公告类", ColumnState::Blank));
        let r = run(&cols, &["通知公告类"], &[ColumnState::Stale], 0);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        let r = run(&cols, &[], &[ColumnState::Blank], 0);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.contains("公告栏（无任何信息）"), "{}", r.message);
    }

    #[test]
    fn unread_columns_that_could_tip_the_count_are_incomplete() {
        let mut cols = stale(4);
        cols.push(column("要闻", "动态要闻类", ColumnState::Unknown));
        let r = run(&cols, &["动态要闻类"], &[ColumnState::Stale], 4);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(r.message.contains("未能读取"), "{}", r.message);
        let r = run(&cols, &["动态要闻类"], &[ColumnState::Stale], 5);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }

    #[test]
    fn a_rule_with_columns_compiles_only_with_a_survey() {
        let err = crate::pack::RulePack::load(
            &crate::pack::SourceFile::new("pack.toml", crate::check::testkit::PACK),
            &[crate::pack::SourceFile::new(
                "r.toml",
                "[[rule]]\nid = \"c\"\ntask = 1\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = { seed = \"s\" }\n[[rule.checks]]\nkind = \"columns\"\nstates = [\"stale\"]\n",
            )],
        )
        .unwrap_err();
        let e = &err.0[0];
        assert_eq!((e.file.as_str(), e.line), ("r.toml", 9), "{err}");
        assert!(err.to_string().contains("needs `[columns]`"), "{err}");
    }
}
