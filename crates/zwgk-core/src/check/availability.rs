//! `availability`: the located pages could be opened, quickly, whenever they were probed.
//!
//! - **What**: among the availability probes of the located pages (timed requests made
//!   by `zwgk probe` and by scans, see [`crate::probe`]) in the `days` days ending on
//!   the as-of date (dates in China Standard Time), a probe is bad when it got no
//!   answer, answered 400 or above, or took `slow_seconds` or longer. The check fails
//!   once the bad probes reach `max_share` of `max(probes, min_probes)` (so more good
//!   probes could not save it), passes with at least `min_probes` probes and a bad share
//!   below `max_share`, and is otherwise `incomplete`, saying how many probes there are
//!   and how many are needed. Probes are matched to pages by URL: a folder URL, the same
//!   without its `/` and its `index.html` are one page. The evidence is the worst probes.
//! - **Why**: the national website inspection vetoes a site that is unavailable: it is
//!   probed at least 20 times a day for a week, and loads taking 15 seconds or longer
//!   (or failing) must stay below 5 % of the probes (国办秘函〔2019〕19号, 单项否决:
//!   站点无法访问).
//! - **Example**: `{ kind = "availability", slow_seconds = 15, max_share = 0.05, days = 7,
//!   min_probes = 140 }` on the home page passes with 140 probes of the last week of
//!   which 6 timed out; fails with 7 failures, even among only 100 probes; is
//!   `incomplete` with 100 good probes.
//! - **Clause**: 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》.

use std::collections::BTreeSet;

use chrono::Duration;

use super::{CheckResult, Context, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::probe::{url_key, Probe};

const KIND: &str = "availability";

/// `0.05` as `5%`, `0.125` as `12.5%`.
fn percent(share: f64) -> String {
    let s = format!("{:.1}", share * 100.0);
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// Milliseconds as seconds: `15秒`, `1.2秒`.
fn seconds(millis: u64) -> String {
    let s = format!("{:.1}", millis as f64 / 1000.0);
    format!("{}秒", s.strip_suffix(".0").unwrap_or(&s))
}

/// The time of a probe in China Standard Time.
fn cst(p: &Probe) -> chrono::NaiveDateTime {
    p.at + Duration::hours(8)
}

fn evidence(p: &Probe) -> Evidence {
    Evidence::new(
        p.url.clone(),
        format!(
            "{}（北京时间） {} 耗时{}",
            cst(p).format("%Y-%m-%d %H:%M:%S"),
            p.outcome_text(),
            seconds(p.millis)
        ),
    )
}

pub(super) fn check(
    cx: &Context<'_>,
    slow_millis: u64,
    max_share: f64,
    days: u32,
    min_probes: usize,
) -> CheckResult {
    let located = cx.located;
    let urls: Vec<&str> = located
        .pages
        .iter()
        .chain(&located.unknown)
        .map(|p| p.url.as_str())
        .collect();
    if urls.is_empty() {
        return located.absent(KIND);
    }
    let keys: BTreeSet<String> = urls.iter().map(|u| url_key(u)).collect();
    let last = cx.as_of;
    let first = last - Duration::days(i64::from(days.max(1)) - 1);
    let probes: Vec<&Probe> = cx
        .site
        .probes()
        .iter()
        .filter(|p| keys.contains(&url_key(&p.url)))
        .filter(|p| (first..=last).contains(&cst(p).date()))
        .collect();
    let n = probes.len();
    let mut bad: Vec<&Probe> = probes
        .iter()
        .copied()
        .filter(|p| p.is_bad(slow_millis))
        .collect();
    // The worst first: no page at all, then the slowest.
    bad.sort_by_key(|p| (!p.is_failed(), std::cmp::Reverse(p.millis)));
    let failed = bad.iter().filter(|p| p.is_failed()).count();
    let slow = bad.len() - failed;
    let b = bad.len();
    let counts = format!(
        "{first}至{last}（{days}天）共{n}次探测，{b}次异常（{failed}次无法访问或返回错误状态，{slow}次耗时≥{}）",
        seconds(slow_millis)
    );
    let worst: Vec<Evidence> = bad.iter().take(MAX_EVIDENCE).map(|p| evidence(p)).collect();
    let base = n.max(min_probes);
    if b > 0 && b as f64 / base as f64 >= max_share {
        let measure = if n >= min_probes {
            format!("异常占比{}", percent(b as f64 / n as f64))
        } else {
            format!(
                "即使按指标要求的{min_probes}次探测计算，异常占比也达{}",
                percent(b as f64 / base as f64)
            )
        };
        return CheckResult::new(
            Outcome::Fail,
            KIND,
            format!("{counts}，{measure}，不低于{}", percent(max_share)),
            worst,
        );
    }
    if n > 0 && n >= min_probes {
        let shown = if worst.is_empty() {
            probes
                .iter()
                .max_by_key(|p| p.millis)
                .map(|p| vec![evidence(p)])
                .unwrap_or_default()
        } else {
            worst
        };
        return CheckResult::new(
            Outcome::Pass,
            KIND,
            format!(
                "{counts}，异常占比{}，低于{}",
                percent(b as f64 / n as f64),
                percent(max_share)
            ),
            shown,
        );
    }
    let shown = if worst.is_empty() {
        urls.iter()
            .take(MAX_EVIDENCE)
            .map(|u| Evidence::new(*u, format!("{n}次探测（需要至少{min_probes}次）")))
            .collect()
    } else {
        worst
    };
    CheckResult::new(
        Outcome::Incomplete,
        KIND,
        format!(
            "可用性探测记录不足：{first}至{last}仅有{n}次探测（其中{b}次异常），该指标需要至少{min_probes}次探测才能判定（用 zwgk probe 定时探测并记入历史库）"
        ),
        shown,
    )
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime};

    use crate::check::testkit::*;
    use crate::outcome::Outcome;
    use crate::probe::Probe;
    use crate::site::Site;

    const RULE: &str = "locate = { url = \"^https?://[^/]+/(index\\\\.s?html?)?$\" }\n[[rule.checks]]\nkind = \"availability\"\nslow_seconds = 15\nmax_share = 0.05\ndays = 7\nmin_probes = 140";

    /// 2022-01-26 00:00 China Standard Time (the first day of the window ending
    /// 2022-02-01), plus `minutes`.
    fn at(minutes: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2022, 1, 25)
            .unwrap()
            .and_hms_opt(16, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(minutes)
    }

    /// `n` probes of `url`, 72 minutes apart (20 a day), the first `bad` of which time out.
    fn probes(url: &str, n: usize, bad: usize) -> Vec<Probe> {
        (0..n)
            .map(|i| {
                let t = at(72 * i as i64);
                if i < bad {
                    Probe::failed(url, t, 30_000, "timed out")
                } else {
                    Probe::answered(url, t, 900, 200)
                }
            })
            .collect()
    }

    fn home(probes: Vec<Probe>) -> Site {
        Site::new(
            HOST,
            pages(&[
                ("/", "<title>首页</title>"),
                ("/a.html", "<title>a</title>"),
            ]),
        )
        .with_probes(probes)
    }

    #[test]
    fn passes_with_enough_probes_and_few_bad_ones() {
        // The probes name the home page as index.html: the same page.
        let r = run(&home(probes(&format!("{HOST}/index.html"), 140, 6)), RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("共140次探测，6次异常"), "{}", r.message);
        assert!(r.message.contains("低于5%"), "{}", r.message);
        assert_eq!(r.evidence.len(), 6);
        assert!(
            r.evidence[0].excerpt.contains("timed out"),
            "{:?}",
            r.evidence
        );
    }

    #[test]
    fn fails_once_bad_probes_reach_the_share() {
        let r = run(&home(probes(HOST, 140, 7)), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("异常占比5%"), "{}", r.message);
        // Slow answers count too, and 7 bad of only 100 cannot be saved by more probes.
        let mut p = probes(HOST, 100, 0);
        for probe in p.iter_mut().take(7) {
            probe.millis = 15_000;
        }
        let r = run(&home(p), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("7次耗时≥15秒"), "{}", r.message);
        assert!(r.message.contains("按指标要求的140次"), "{}", r.message);
        // A 503 answer is a failure.
        let mut p = probes(HOST, 140, 0);
        for probe in p.iter_mut().take(7) {
            probe.status = Some(503);
        }
        assert_eq!(run(&home(p), RULE).outcome, Outcome::Fail);
    }

    #[test]
    fn too_few_probes_are_incomplete() {
        let r = run(&home(probes(HOST, 100, 2)), RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(r.message.contains("仅有100次探测"), "{}", r.message);
        assert!(r.message.contains("至少140次"), "{}", r.message);
        let r = run(&home(Vec::new()), RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(r.message.contains("仅有0次探测"), "{}", r.message);
        assert_eq!(r.evidence[0].url, format!("{HOST}/"));
    }

    #[test]
    fn probes_outside_the_window_are_ignored() {
        // Bad probes the day before the window and the day after the as-of date.
        let mut p = probes(HOST, 140, 0);
        p.extend((0..20).map(|i| Probe::failed(HOST, at(-60 - i), 30_000, "refused")));
        p.extend((0..20).map(|i| Probe::failed(HOST, at(7 * 1440 + i), 30_000, "refused")));
        let r = run(&home(p), RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("共140次探测，0次异常"), "{}", r.message);
        // A shorter window holds fewer probes.
        let r = run(
            &home(probes(HOST, 140, 0)),
            &RULE.replace("days = 7", "days = 3"),
        );
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(r.message.contains("仅有60次探测"), "{}", r.message);
    }

    #[test]
    fn probes_of_another_url_are_ignored() {
        let mut p = probes(HOST, 140, 0);
        p.extend(probes(&format!("{HOST}/a.html"), 140, 140));
        p.extend(probes("http://other.gov.cn/", 140, 140));
        let r = run(&home(p), RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        let r = run(&home(probes("http://other.gov.cn/", 140, 0)), RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
    }

    #[test]
    fn defaults_and_an_unreachable_home_page() {
        // Defaults: 15 s, 5 %, 7 days, 140 probes.
        let defaults =
            "locate = { url = \"^https?://[^/]+/$\" }\n[[rule.checks]]\nkind = \"availability\"";
        let r = run(&home(probes(HOST, 140, 6)), defaults);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        // The scan could not fetch the home page: its probes still decide.
        let s = Site::new(
            HOST,
            [crate::page::PageFacts::failed(
                format!("{HOST}/"),
                "timed out",
            )],
        )
        .with_probes(probes(HOST, 140, 140));
        let r = run(&s, defaults);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert_eq!(r.evidence.len(), crate::check::MAX_EVIDENCE);
    }
}
