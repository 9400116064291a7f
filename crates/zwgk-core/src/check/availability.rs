//! `availability`: the located pages could be opened, quickly, whenever they were
//! probed. Its documentation is [`KIND`].

use std::collections::BTreeSet;

use chrono::Duration;
use serde::Deserialize;
use toml::Spanned;

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;
use crate::probe::{url_key, Probe};

/// `availability`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "availability",
    summary: "the site could be opened, quickly, whenever it was probed",
    what: "Reads the availability probes of the located pages (usually the home page): \
timed loads recorded by `zwgk probe URL --history FILE` and by every \
`zwgk scan URL --history FILE` (its own fetch of the start URL); the scan passes those of its \
start URL to the evaluation. Probes are matched to pages by URL (`http://x.gov.cn`, \
`http://x.gov.cn/` and `http://x.gov.cn/index.html` are one page). Only the probes of the \
`days` days ending on the as-of date count (dates in China Standard Time). A probe is bad \
when it got no answer, answered 400 or above, or took `slow_seconds` or longer (the whole \
page, body included). The check fails when the bad probes reach `max_share` of \
`max(probes, min_probes)` — enough bad probes that no number of good ones still to come \
could save it; passes with at least `min_probes` probes and a bad share below `max_share`; \
otherwise it is `incomplete`, saying how many probes there are and how many are needed (a \
mirror-folder scan has none). The evidence is the worst probes (time in Beijing time, status \
or error, seconds).",
    why: "The national website inspection vetoes a site that is unavailable: it is probed \
at least 20 times a day for a week, and loads taking 15 seconds or longer (or failing) must \
stay below 5 % of the probes (国办秘函〔2019〕19号, 单项否决: 站点无法访问).",
    example: Example {
        rule: r#"locate = { url = "^https?://[^/]+/(index\\.html)?$" }
[[rule.checks]]
kind = "availability"
slow_seconds = 15
max_share = 0.05
days = 7
min_probes = 140"#,
        passes: "140 probes of the home page in the last week, 6 of which timed out",
        fails: "7 failed probes, even among only 100 (100 good probes alone are `incomplete`)",
    },
    clause: "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》",
    fields: &[
        Field {
            name: "slow_seconds",
            ty: "number, above 0 and at most 3600",
            default: Some("15"),
            meaning: "a probe taking this long or longer counts as bad",
        },
        Field {
            name: "max_share",
            ty: "number, 0–1",
            default: Some("0.05"),
            meaning: "the share of bad probes that fails the check (inclusive; 0.05 = 5 %)",
        },
        Field {
            name: "days",
            ty: "integer, 1–366",
            default: Some("7"),
            meaning: "the window: this many days ending on the as-of date",
        },
        Field {
            name: "min_probes",
            ty: "integer, 0–1000000",
            default: Some("140"),
            meaning: "probes the window needs before the check can pass (20 a day for 7 days)",
        },
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    slow_seconds: Option<Spanned<f64>>,
    max_share: Option<Spanned<f64>>,
    days: Option<Spanned<i64>>,
    min_probes: Option<Spanned<i64>>,
}

/// A number field within bounds, `default` when left out.
fn number(
    c: &mut CheckCompiler<'_, '_, '_>,
    f: &Option<Spanned<f64>>,
    default: f64,
    name: &str,
    ok: impl Fn(f64) -> bool,
    range: &str,
) -> Option<f64> {
    match f {
        None => Some(default),
        Some(v) if v.get_ref().is_finite() && ok(*v.get_ref()) => Some(*v.get_ref()),
        Some(v) => {
            c.invalid(
                v.span(),
                format!("`{name}` must be {range}, not {}", v.get_ref()),
            );
            None
        }
    }
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let slow = number(
        c,
        &f.slow_seconds,
        15.0,
        "slow_seconds",
        |x| x > 0.0 && x <= 3600.0,
        "above 0 and at most 3600",
    );
    let share = number(
        c,
        &f.max_share,
        0.05,
        "max_share",
        |x| (0.0..=1.0).contains(&x),
        "a share between 0 and 1 (0.05 = 5 %)",
    );
    let days = match &f.days {
        None => Some(7),
        Some(d) if (1..=366).contains(d.get_ref()) => Some(*d.get_ref() as u32),
        Some(d) => {
            c.invalid(d.span(), "`days` must be between 1 and 366");
            None
        }
    };
    let min_probes = c.count(&f.min_probes, 140, "min_probes");
    Some(Check::new(Availability {
        slow_millis: (slow? * 1000.0).round() as u64,
        max_share: share?,
        days: days?,
        min_probes: min_probes?,
    }))
}

/// A compiled `availability` check.
#[derive(Debug)]
pub(crate) struct Availability {
    /// A probe taking this long or longer counts as a failure, in milliseconds.
    pub slow_millis: u64,
    /// The share of bad probes (failed or slow) that fails the check (0–1).
    pub max_share: f64,
    /// The window: this many days ending on the as-of date (China Standard Time).
    pub days: u32,
    /// Probes the window needs before the check can pass.
    pub min_probes: usize,
}

impl Evaluate for Availability {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(
            cx,
            self.slow_millis,
            self.max_share,
            self.days,
            self.min_probes,
        )
    }
}

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

fn check(
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
        return located.absent(KIND.name);
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
            KIND.name,
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
            KIND.name,
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
        KIND.name,
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
