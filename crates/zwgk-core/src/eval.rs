//! Evaluation: a rule pack against a site, as of a date.

use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::check::{self, combine_all, locate, Context, Located};
use crate::evidence::EvidenceSet;
use crate::outcome::{Evidence, Outcome};
use crate::pack::RulePack;
use crate::report::{
    ColumnReport, DivisionReport, PackInfo, Report, RuleReport, SiteInfo, Summary, TaskReport,
    TrustedPage, UnfetchedPage, NO_RULE_YET, SCHEMA_VERSION,
};
use crate::rule::{Mode, Rule};
use crate::site::Site;

/// Evaluate every rule of `pack` against `site` as of `as_of`, with the
/// built-in working-day calendar.
pub fn evaluate(pack: &RulePack, site: &Site, evidence: &EvidenceSet, as_of: NaiveDate) -> Report {
    evaluate_with_calendar(pack, site, evidence, as_of, WorkCalendar::china())
}

/// Like [`evaluate`], with a given working-day calendar.
pub fn evaluate_with_calendar(
    pack: &RulePack,
    site: &Site,
    evidence: &EvidenceSet,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Report {
    let mut summary = Summary::default();
    let mut tasks = Vec::new();
    let columns = pack
        .columns
        .as_ref()
        .map(|spec| crate::columns::survey(site, spec, as_of))
        .unwrap_or_default();
    // The rules are independent of each other: they are evaluated on as many threads
    // as there are cores (a large site makes some rules read every page), and their
    // reports put back in the pack's order.
    let all: Vec<&Rule> = pack
        .plan
        .tasks
        .iter()
        .flat_map(|task| pack.rules_for_task(task.number))
        .collect();
    let mut reports = evaluate_rules(&all, |rule| {
        evaluate_rule(
            rule,
            pack.plan.year,
            site,
            evidence,
            as_of,
            calendar,
            &columns,
        )
    })
    .into_iter();
    for task in &pack.plan.tasks {
        let rules: Vec<RuleReport> = pack
            .rules_for_task(task.number)
            .map(|_| reports.next().expect("one report per rule"))
            .collect();
        for r in &rules {
            summary.rules.add(r.outcome);
        }
        let (outcome, reason) = match Outcome::worst_of(rules.iter().map(|r| r.outcome)) {
            None => (Outcome::NeedsEvidence, NO_RULE_YET.to_string()),
            Some(worst) => {
                let decider = rules
                    .iter()
                    .find(|r| r.outcome == worst)
                    .expect("worst comes from a rule");
                (worst, format!("{}：{}", decider.id, decider.found))
            }
        };
        summary.tasks.add(outcome);
        tasks.push(TaskReport {
            task: task.number,
            title: task.short_title(),
            heading: task.heading.clone(),
            requirement: task.requirement.clone(),
            divisions: task.divisions.clone(),
            outcome,
            reason,
            rules,
        });
    }
    let by_division = by_division(&tasks);
    let score = pack
        .scoring
        .as_ref()
        .map(|scoring| crate::score::score(scoring, &pack.rules, &tasks));
    Report {
        schema_version: SCHEMA_VERSION,
        target: site.target().to_string(),
        as_of,
        rules_pack: PackInfo {
            id: pack.plan.id.clone(),
            title: pack.plan.title.clone(),
            year: pack.plan.year,
            rules: pack.rules.len(),
        },
        summary,
        site: SiteInfo {
            pages: site.pages().len(),
            failed_pages: site.failed_count(),
            unfetched: site
                .pages()
                .iter()
                .filter_map(|p| match &p.fetch {
                    crate::page::FetchState::Failed { reason } => Some(UnfetchedPage {
                        url: p.url.clone(),
                        reason: reason.clone(),
                    }),
                    crate::page::FetchState::Fetched { .. } => None,
                })
                .collect(),
            trusted: trusted_pages(site),
        },
        tasks,
        by_division,
        fetch: None,
        score,
        columns,
    }
}

/// `evaluate` applied to each rule, on up to as many scoped threads as there are
/// cores, each taking the next rule not yet taken (rules differ a lot in cost), the
/// results in the rules' order.
fn evaluate_rules<F>(rules: &[&Rule], evaluate: F) -> Vec<RuleReport>
where
    F: Fn(&Rule) -> RuleReport + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(rules.len());
    if threads <= 1 {
        return rules.iter().map(|r| evaluate(r)).collect();
    }
    let evaluate = &evaluate;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let next = &next;
    let mut done: Vec<(usize, RuleReport)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(rule) = rules.get(i) else {
                            return mine;
                        };
                        mine.push((i, evaluate(rule)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, report)| report).collect()
}

/// Evaluate one rule; `columns` is the site's column survey (empty when the
/// pack has no `[columns]`).
pub fn evaluate_rule(
    rule: &Rule,
    plan_year: i32,
    site: &Site,
    evidence: &EvidenceSet,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
    columns: &[ColumnReport],
) -> RuleReport {
    let located = match &rule.locate {
        Some(l) => locate(l, site, as_of, plan_year),
        None => Located::default(),
    };
    let cx = Context {
        site,
        located: &located,
        as_of,
        plan_year,
        calendar,
        evidence,
        task: rule.task,
        rule_id: &rule.id,
        columns,
        negated: false,
    };
    let mut result = combine_all(
        rule.checks
            .iter()
            .map(|c| check::evaluate(c, &cx))
            .collect(),
    );
    if rule.mode == Mode::Assisted
        && result.outcome == Outcome::Pass
        && !rule.checks.iter().any(|c| c.uses_evidence())
    {
        let records: Vec<_> = evidence
            .for_rule(rule.task, &rule.id, plan_year, as_of)
            .collect();
        match records.first() {
            Some(r) => {
                result.message = format!(
                    "{}；经人工确认（{} {}：{}）",
                    result.message, r.date, r.by, r.summary
                );
                let reference = r.reference.clone().unwrap_or_else(|| r.by.clone());
                result.evidence.push(Evidence::new(
                    format!("evidence:{reference}"),
                    format!("{} {}", r.date, r.summary),
                ));
                result.check = format!("{}+evidence", result.check);
            }
            None => {
                result.outcome = Outcome::NeedsEvidence;
                result.message = format!("网站证据已找到，待人工确认：{}", result.message);
            }
        }
    }
    let findings = result.finding_count();
    RuleReport {
        id: rule.id.clone(),
        title: rule.title.clone(),
        mode: rule.mode,
        severity: rule.severity,
        outcome: result.outcome,
        message: format!(
            "要求：{}。结果：{}",
            rule.expect.trim_end_matches('。'),
            result.message
        ),
        found: result.message,
        findings,
        check: result.check,
        evidence: marked_trusted(result.evidence, site),
        source: rule.source.clone(),
        origin: format!("{}:{}", rule.origin.file, rule.origin.line),
    }
}

/// Evidence from a page the scan trusted from its cache says when the site last
/// confirmed it.
fn marked_trusted(mut evidence: Vec<Evidence>, site: &Site) -> Vec<Evidence> {
    for e in &mut evidence {
        if let Some(c) = site.page(&e.url).and_then(|p| p.confirmed) {
            e.last_confirmed = c.trusted.then_some(c.at);
        }
    }
    evidence
}

/// The pages the scan trusted from its cache, ordered by URL.
fn trusted_pages(site: &Site) -> Vec<TrustedPage> {
    let mut trusted: Vec<TrustedPage> = site
        .pages()
        .iter()
        .filter_map(|p| {
            let c = p.confirmed.filter(|c| c.trusted)?;
            Some(TrustedPage {
                url: p.url.clone(),
                last_confirmed: c.at,
            })
        })
        .collect();
    trusted.sort_unstable_by(|a, b| a.url.cmp(&b.url));
    trusted
}

fn by_division(tasks: &[TaskReport]) -> Vec<DivisionReport> {
    let mut out: Vec<DivisionReport> = Vec::new();
    for t in tasks {
        for (name, lead) in t
            .divisions
            .lead
            .iter()
            .map(|d| (d, true))
            .chain(t.divisions.others.iter().map(|d| (d, false)))
        {
            let idx = match out.iter().position(|d| &d.division == name) {
                Some(i) => i,
                None => {
                    out.push(DivisionReport {
                        division: name.clone(),
                        lead: Vec::new(),
                        others: Vec::new(),
                        summary: Default::default(),
                        failing: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let d = &mut out[idx];
            let list = if lead { &mut d.lead } else { &mut d.others };
            if list.contains(&t.task) {
                continue;
            }
            list.push(t.task);
            if !d.lead.contains(&t.task) || lead {
                d.summary.add(t.outcome);
                if t.outcome == Outcome::Fail {
                    d.failing.push(t.task);
                }
            }
        }
    }
    out
}
