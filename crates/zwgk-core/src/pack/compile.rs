//! Validation and compilation of raw rules into [`crate::rule::Rule`].

use std::ops::Range;

use chrono::NaiveDate;
use regex::Regex;
use toml::Spanned;

use super::error::{line_col, regex_reason, PackError, PackErrorKind};
use super::raw::{OneOrMany, RawCheck, RawCriteria, RawRule, RawRuleScore};
use super::{error_at, SourceFile, SpannedRule};
use crate::columns::ColumnSpec;
use crate::plan::{Divisions, Plan};
use crate::report::ColumnState;
use crate::rule::OfficialVersion;
use crate::rule::{
    Check, Criteria, DateSource, DateSpec, FromDate, Locator, Origin, Pattern, Quantifier, Rule,
    TextMatcher, TextScope, CHECK_KINDS,
};
use crate::score::{Per, RuleScore};
use crate::text;

/// Nesting limit of `all` / `any` / `not`.
const MAX_DEPTH: usize = 8;

/// Which optional fields each check kind accepts (besides `kind`).
fn allowed_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "exists" => &["min"],
        "text" => &["pattern", "keywords", "match", "in", "selector", "pages"],
        "sections" => &["sections", "pages"],
        "list_items" => &["min", "title", "since"],
        "fresh" => &["max_age_days", "source"],
        "deadline" => &["by"],
        "within_working_days" | "within_days" => {
            &["days", "from", "link_text", "date_pattern", "pages"]
        }
        "metadata" => &["fields", "pages"],
        "links_to" => &["url", "text", "resolves", "pages"],
        "attachment" => &["extensions", "name", "min", "pages"],
        "links_available" => &["max", "pages"],
        "columns" => &["kinds", "states", "max"],
        "availability" => &["slow_seconds", "max_share", "days", "min_probes"],
        "replies" => &[
            "asked",
            "replied",
            "max_delay_days",
            "since_days",
            "latest_reply_within_days",
        ],
        "evidence" => &["min", "summary"],
        "annual_report_tables" => &["pages"],
        "normative_documents" => &["report_title", "pages"],
        "current_version" => &["versions", "pages"],
        "all" | "any" | "not" => &["checks"],
        _ => &[],
    }
}

/// The fields set in a raw check, with their spans.
fn present_fields(c: &RawCheck) -> Vec<(&'static str, Range<usize>)> {
    let mut v = Vec::new();
    macro_rules! field {
        ($name:literal, $f:expr) => {
            if let Some(x) = &$f {
                v.push(($name, x.span()));
            }
        };
    }
    field!("min", c.min);
    field!("max", c.max);
    field!("kinds", c.kinds);
    field!("states", c.states);
    field!("pattern", c.pattern);
    field!("keywords", c.keywords);
    field!("match", c.match_);
    field!("in", c.in_);
    field!("selector", c.selector);
    field!("pages", c.pages);
    field!("sections", c.sections);
    field!("title", c.title);
    field!("max_age_days", c.max_age_days);
    field!("source", c.source);
    field!("by", c.by);
    field!("days", c.days);
    field!("from", c.from);
    field!("link_text", c.link_text);
    field!("date_pattern", c.date_pattern);
    field!("fields", c.fields);
    field!("url", c.url);
    field!("text", c.text);
    field!("resolves", c.resolves);
    field!("extensions", c.extensions);
    field!("name", c.name);
    field!("summary", c.summary);
    field!("since", c.since);
    field!("report_title", c.report_title);
    field!("versions", c.versions);
    field!("slow_seconds", c.slow_seconds);
    field!("max_share", c.max_share);
    field!("min_probes", c.min_probes);
    field!("asked", c.asked);
    field!("replied", c.replied);
    field!("max_delay_days", c.max_delay_days);
    field!("since_days", c.since_days);
    field!("latest_reply_within_days", c.latest_reply_within_days);
    field!("checks", c.checks);
    v
}

pub(crate) struct Compiler<'p> {
    plan: Option<&'p Plan>,
    /// Whether `pack.toml` declares `[scoring]` (rules may then carry `score`).
    scored: bool,
    /// The pack's column survey, which `columns` checks count in.
    columns: Option<&'p ColumnSpec>,
    probes: Vec<String>,
}

/// The state of compiling one rule: where errors go and what they name.
struct Ctx<'a> {
    file: &'a SourceFile,
    rule_id: String,
    errors: &'a mut Vec<PackError>,
    failed: bool,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, kind: PackErrorKind) {
        self.failed = true;
        self.errors
            .push(error_at(self.file, Some(span), Some(&self.rule_id), kind));
    }

    fn invalid(&mut self, span: Range<usize>, msg: impl Into<String>) {
        self.err(span, PackErrorKind::Invalid(msg.into()));
    }

    fn pattern(&mut self, s: &Spanned<String>) -> Option<Pattern> {
        let source = s.get_ref();
        if let Some(c) = text::first_unnormalized_char(source) {
            self.err(
                s.span(),
                PackErrorKind::InvalidRegex {
                    pattern: source.clone(),
                    reason: format!(
                        "contains `{c}`, which never occurs in normalised page text (write it in half-width/ASCII form; full-width punctuation is folded before matching)"
                    ),
                },
            );
            return None;
        }
        match Regex::new(source) {
            Ok(regex) => Some(Pattern {
                source: source.clone(),
                regex,
            }),
            Err(e) => {
                let reason = regex_reason(&e);
                self.err(
                    s.span(),
                    PackErrorKind::InvalidRegex {
                        pattern: source.clone(),
                        reason,
                    },
                );
                None
            }
        }
    }

    fn date_spec(&mut self, s: &Spanned<String>) -> Option<DateSpec> {
        let spec = parse_date_spec(s.get_ref());
        if spec.is_none() {
            self.invalid(
                s.span(),
                format!(
                    "a date must be YYYY-MM-DD or {{year}}-MM-DD / {{year+N}}-MM-DD, not `{}`",
                    s.get_ref()
                ),
            );
        }
        spec
    }

    fn opt_date_spec(&mut self, s: &Option<Spanned<String>>) -> Option<Option<DateSpec>> {
        match s {
            None => Some(None),
            Some(s) => self.date_spec(s).map(Some),
        }
    }

    fn opt_pattern(&mut self, s: &Option<Spanned<String>>) -> Option<Option<Pattern>> {
        match s {
            None => Some(None),
            Some(s) => self.pattern(s).map(Some),
        }
    }
}

impl<'p> Compiler<'p> {
    pub fn new(plan: Option<&'p Plan>, scored: bool, columns: Option<&'p ColumnSpec>) -> Self {
        Compiler {
            plan,
            scored,
            columns,
            probes: Vec::new(),
        }
    }

    /// A rule's `score = { … }`: exactly one of veto, points (with `per`), bonus.
    fn score(&self, cx: &mut Ctx<'_>, raw: &Spanned<RawRuleScore>) -> Option<RuleScore> {
        let span = raw.span();
        if !self.scored {
            cx.invalid(
                span,
                "the rule has a `score` but pack.toml declares no `[scoring]`",
            );
            return None;
        }
        let r = raw.get_ref();
        let valid = |x: f64| x.is_finite() && x > 0.0;
        let score = match (r.veto, r.points, r.bonus) {
            (Some(true), None, None) => RuleScore::Veto,
            (None, Some(points), None) if valid(points) => RuleScore::Deduction {
                points,
                per: match r.per.as_deref() {
                    None | Some("rule") => Per::Rule,
                    Some("finding") => Per::Finding,
                    Some(other) => {
                        cx.invalid(span, format!("`per` is `rule` or `finding`, not `{other}`"));
                        return None;
                    }
                },
            },
            (None, None, Some(points)) if valid(points) => RuleScore::Bonus { points },
            (None, Some(_), None) | (None, None, Some(_)) => {
                cx.invalid(span, "points must be a number above 0");
                return None;
            }
            _ => {
                cx.invalid(
                    span,
                    "`score` is one of `{ veto = true }`, `{ points = N }` (with `per = \"finding\"` to count each finding) or `{ bonus = N }`",
                );
                return None;
            }
        };
        if r.per.is_some() && !matches!(score, RuleScore::Deduction { .. }) {
            cx.invalid(span, "`per` applies to `points` only");
            return None;
        }
        Some(score)
    }

    pub fn into_probes(self) -> Vec<String> {
        self.probes
    }

    pub fn compile(
        &mut self,
        file: &SourceFile,
        raw: SpannedRule,
        errors: &mut Vec<PackError>,
    ) -> Option<Rule> {
        let r: RawRule = raw.rule;
        let id = r.id.get_ref().clone();
        let mut cx = Ctx {
            file,
            rule_id: id.clone(),
            errors,
            failed: false,
        };
        if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
            cx.invalid(r.id.span(), "rule id must be non-empty and without spaces");
        }
        let task_no = *r.task.get_ref();
        let task = self.plan.and_then(|p| p.task(task_no));
        if let Some(plan) = self.plan {
            if task.is_none() {
                let range = match (plan.tasks.first(), plan.tasks.last()) {
                    (Some(a), Some(b)) => format!("{}–{}", a.number, b.number),
                    _ => "none".to_string(),
                };
                cx.err(
                    r.task.span(),
                    PackErrorKind::UnknownTask {
                        task: task_no,
                        range,
                    },
                );
            }
        }
        let divisions = match r.divisions {
            Some(d) => Divisions {
                lead: d.lead,
                others: d.others,
            },
            None => task.map(|t| t.divisions.clone()).unwrap_or_default(),
        };
        if r.expect.trim().is_empty() {
            cx.invalid(
                r.id.span(),
                "`expect` must say what the requirement expects",
            );
        }

        let locate = match &r.locate {
            None => None,
            Some(l) => {
                let include = self.criteria(&mut cx, &l.include(), r.id.span());
                let mut exclude = Vec::new();
                for e in &l.exclude {
                    if let Some(c) = self.criteria(&mut cx, e.get_ref(), e.span()) {
                        exclude.push(c);
                    }
                }
                include.map(|include| Locator { include, exclude })
            }
        };

        let mut checks = Vec::new();
        for c in &r.checks {
            if let Some(check) = self.check(&mut cx, c, 0) {
                checks.push(check);
            }
        }
        let score = match &r.score {
            Some(raw) => self.score(&mut cx, raw),
            None => None,
        };
        let needs_pages = checks.iter().any(needs_pages);
        if needs_pages && r.locate.is_none() {
            cx.invalid(
                r.id.span(),
                "the checks read pages but the rule has no `locate`",
            );
        }
        match r.mode {
            crate::rule::Mode::Manual => {
                if checks.iter().any(|c| !matches!(c, Check::Evidence { .. })) {
                    cx.invalid(
                        r.id.span(),
                        "a manual rule is decided by evidence records only: use `evidence` checks (or none)",
                    );
                }
                if checks.is_empty() {
                    checks.push(Check::Evidence {
                        min: 1,
                        summary: None,
                    });
                }
            }
            _ => {
                if r.checks.is_empty() {
                    cx.invalid(
                        r.id.span(),
                        "an auto or assisted rule needs at least one check",
                    );
                }
            }
        }
        if cx.failed {
            return None;
        }
        let (line, _) = line_col(&file.text, r.id.span().start);
        Some(Rule {
            id,
            task: task_no,
            title: r.title,
            severity: r.severity,
            mode: r.mode,
            divisions,
            expect: r.expect,
            source: r.source,
            locate,
            checks,
            score,
            origin: Origin {
                file: file.name.clone(),
                line,
            },
        })
    }

    fn criteria(
        &mut self,
        cx: &mut Ctx<'_>,
        raw: &RawCriteria,
        span: Range<usize>,
    ) -> Option<Criteria> {
        let before = cx.failed;
        cx.failed = false;
        let mut c = Criteria {
            url: cx.opt_pattern(&raw.url).flatten(),
            title: cx.opt_pattern(&raw.title).flatten(),
            breadcrumb: cx.opt_pattern(&raw.breadcrumb).flatten(),
            column: cx.opt_pattern(&raw.column).flatten(),
            link_text: cx.opt_pattern(&raw.link_text).flatten(),
            selector: None,
            published_after: cx.opt_date_spec(&raw.published_after).flatten(),
            published_before: cx.opt_date_spec(&raw.published_before).flatten(),
        };
        if let Some(s) = &raw.selector {
            if self.selector(cx, s) {
                c.selector = Some(s.get_ref().clone());
            }
        }
        let ok = !cx.failed;
        cx.failed |= before;
        if ok && c.is_empty() {
            cx.invalid(
                span,
                "a locate block needs at least one of url, title, breadcrumb, column, link_text, selector, published_after, published_before",
            );
            return None;
        }
        ok.then_some(c)
    }

    /// Validate a CSS selector and register it as a probe.
    fn selector(&mut self, cx: &mut Ctx<'_>, s: &Spanned<String>) -> bool {
        match scraper::Selector::parse(s.get_ref()) {
            Ok(_) => {
                if !self.probes.contains(s.get_ref()) {
                    self.probes.push(s.get_ref().clone());
                }
                true
            }
            Err(e) => {
                cx.err(
                    s.span(),
                    PackErrorKind::InvalidSelector {
                        selector: s.get_ref().clone(),
                        reason: e.to_string(),
                    },
                );
                false
            }
        }
    }

    fn check(&mut self, cx: &mut Ctx<'_>, raw: &Spanned<RawCheck>, depth: usize) -> Option<Check> {
        let span = raw.span();
        let c = raw.get_ref();
        let Some(kind) = &c.kind else {
            cx.invalid(
                span,
                format!("a check needs `kind` (one of {})", CHECK_KINDS.join(", ")),
            );
            return None;
        };
        let k = kind.get_ref().as_str();
        if !CHECK_KINDS.contains(&k) {
            cx.invalid(
                kind.span(),
                format!(
                    "unknown check kind `{k}` (one of {})",
                    CHECK_KINDS.join(", ")
                ),
            );
            return None;
        }
        let allowed = allowed_fields(k);
        let mut bad = false;
        for (field, fspan) in present_fields(c) {
            if !allowed.contains(&field) {
                cx.invalid(
                    fspan,
                    format!(
                        "`{field}` does not apply to a `{k}` check (it takes: {})",
                        if allowed.is_empty() {
                            "nothing".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                );
                bad = true;
            }
        }
        if bad {
            return None;
        }
        let pages = |cx: &mut Ctx<'_>, default: Quantifier| -> Option<Quantifier> {
            match &c.pages {
                None => Some(default),
                Some(p) => match p.get_ref().as_str() {
                    "any" => Some(Quantifier::Any),
                    "every" => Some(Quantifier::Every),
                    other => {
                        cx.invalid(
                            p.span(),
                            format!("`pages` is `any` or `every`, not `{other}`"),
                        );
                        None
                    }
                },
            }
        };
        let count = |cx: &mut Ctx<'_>,
                     f: &Option<Spanned<i64>>,
                     default: usize,
                     name: &str|
         -> Option<usize> {
            match f {
                None => Some(default),
                Some(v) if *v.get_ref() >= 0 && *v.get_ref() <= 1_000_000 => {
                    Some(*v.get_ref() as usize)
                }
                Some(v) => {
                    cx.invalid(v.span(), format!("`{name}` must be between 0 and 1000000"));
                    None
                }
            }
        };
        let required = |cx: &mut Ctx<'_>, name: &str| {
            cx.invalid(span.clone(), format!("a `{k}` check needs `{name}`"));
        };

        match k {
            "exists" => Some(Check::Exists {
                min: count(cx, &c.min, 1, "min")?,
            }),
            "text" => {
                let matcher = match (&c.pattern, &c.keywords) {
                    (Some(p), None) => {
                        if let Some(m) = &c.match_ {
                            cx.invalid(m.span(), "`match` applies to `keywords`, not `pattern`");
                            return None;
                        }
                        TextMatcher::Pattern(cx.pattern(p)?)
                    }
                    (None, Some(kw)) => {
                        let words: Vec<String> = kw
                            .get_ref()
                            .iter()
                            .map(|w| text::normalize_line(w))
                            .filter(|w| !w.is_empty())
                            .collect();
                        if words.is_empty() {
                            cx.invalid(kw.span(), "`keywords` must hold at least one word");
                            return None;
                        }
                        let all = match c.match_.as_ref().map(|m| (m.get_ref().as_str(), m.span()))
                        {
                            None | Some(("all", _)) => true,
                            Some(("any", _)) => false,
                            Some((other, s)) => {
                                cx.invalid(s, format!("`match` is `all` or `any`, not `{other}`"));
                                return None;
                            }
                        };
                        TextMatcher::Keywords { words, all }
                    }
                    (Some(_), Some(kw)) => {
                        cx.invalid(kw.span(), "give `pattern` or `keywords`, not both");
                        return None;
                    }
                    (None, None) => {
                        required(cx, "pattern` or `keywords");
                        return None;
                    }
                };
                let scope = match (&c.in_, &c.selector) {
                    (Some(_), Some(s)) => {
                        cx.invalid(s.span(), "give `in` or `selector`, not both");
                        return None;
                    }
                    (None, Some(s)) => {
                        if !self.selector(cx, s) {
                            return None;
                        }
                        TextScope::Selector(s.get_ref().clone())
                    }
                    (Some(i), None) => match i.get_ref().as_str() {
                        "text" | "body" => TextScope::Body,
                        "title" => TextScope::Title,
                        other => {
                            cx.invalid(
                                i.span(),
                                format!("`in` is `text` or `title`, not `{other}`"),
                            );
                            return None;
                        }
                    },
                    (None, None) => TextScope::Body,
                };
                Some(Check::Text {
                    matcher,
                    scope,
                    pages: pages(cx, Quantifier::Any)?,
                })
            }
            "sections" => {
                let Some(secs) = &c.sections else {
                    required(cx, "sections");
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
                                .map(text::compact_key)
                                .filter(|w| !w.is_empty())
                                .collect::<Vec<_>>()
                        })
                        .filter(|w| !w.is_empty())
                        .collect();
                    if compiled.is_empty() {
                        cx.invalid(secs.span(), "every section needs at least one key word");
                        return None;
                    }
                    names.push(alts[0].clone());
                    keys.push(compiled);
                }
                if keys.is_empty() {
                    cx.invalid(secs.span(), "`sections` must list at least one section");
                    return None;
                }
                Some(Check::Sections {
                    names,
                    keys,
                    pages: pages(cx, Quantifier::Any)?,
                })
            }
            "list_items" => Some(Check::ListItems {
                min: count(cx, &c.min, 1, "min")?,
                title: cx.opt_pattern(&c.title)?,
                since: match &c.since {
                    None => None,
                    Some(s) => Some(cx.date_spec(s)?),
                },
            }),
            "fresh" => {
                let Some(age) = &c.max_age_days else {
                    required(cx, "max_age_days");
                    return None;
                };
                if *age.get_ref() < 0 {
                    cx.invalid(age.span(), "`max_age_days` must not be negative");
                    return None;
                }
                let source = match c.source.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
                    None | Some(("items", _)) => DateSource::Items,
                    Some(("published", _)) => DateSource::Published,
                    Some((other, s)) => {
                        cx.invalid(
                            s,
                            format!("`source` is `items` or `published`, not `{other}`"),
                        );
                        return None;
                    }
                };
                Some(Check::Fresh {
                    max_age_days: *age.get_ref(),
                    source,
                })
            }
            "deadline" => {
                let Some(by) = &c.by else {
                    required(cx, "by");
                    return None;
                };
                match parse_date_spec(by.get_ref()) {
                    Some(spec) => Some(Check::Deadline { by: spec }),
                    None => {
                        cx.invalid(
                            by.span(),
                            format!("`by` must be YYYY-MM-DD or {{year}}-MM-DD / {{year+N}}-MM-DD, not `{}`", by.get_ref()),
                        );
                        None
                    }
                }
            }
            "within_working_days" | "within_days" => {
                let Some(days) = &c.days else {
                    required(cx, "days");
                    return None;
                };
                if !(0..=366).contains(days.get_ref()) {
                    cx.invalid(days.span(), "`days` must be between 0 and 366");
                    return None;
                }
                let from_kind = c.from.as_ref().map(|f| f.get_ref().as_str());
                if let (Some(lt), false) = (&c.link_text, from_kind == Some("linked")) {
                    cx.invalid(lt.span(), "`link_text` applies to `from = \"linked\"`");
                    return None;
                }
                if let (Some(dp), false) = (&c.date_pattern, from_kind == Some("text")) {
                    cx.invalid(dp.span(), "`date_pattern` applies to `from = \"text\"`");
                    return None;
                }
                let from = match c.from.as_ref().map(|f| (f.get_ref().as_str(), f.span())) {
                    None | Some(("written_date", _)) => FromDate::WrittenDate,
                    Some(("text", s)) => match &c.date_pattern {
                        Some(dp) => FromDate::Text(cx.pattern(dp)?),
                        None => {
                            cx.invalid(s, "`from = \"text\"` needs `date_pattern`");
                            return None;
                        }
                    },
                    Some(("linked", s)) => match &c.link_text {
                        Some(lt) => FromDate::Linked(cx.pattern(lt)?),
                        None => {
                            cx.invalid(s, "`from = \"linked\"` needs `link_text`");
                            return None;
                        }
                    },
                    Some((other, s)) => {
                        cx.invalid(
                            s,
                            format!("`from` is `written_date`, `linked` or `text`, not `{other}`"),
                        );
                        return None;
                    }
                };
                Some(Check::WithinWorkingDays {
                    working: k == "within_working_days",
                    days: *days.get_ref() as u32,
                    from,
                    pages: pages(cx, Quantifier::Every)?,
                })
            }
            "metadata" => {
                let Some(fields) = &c.fields else {
                    required(cx, "fields");
                    return None;
                };
                if fields.get_ref().is_empty() {
                    cx.invalid(fields.span(), "`fields` must name at least one field");
                    return None;
                }
                Some(Check::Metadata {
                    fields: fields.get_ref().clone(),
                    pages: pages(cx, Quantifier::Every)?,
                })
            }
            "links_to" => {
                if c.url.is_none() && c.text.is_none() {
                    required(cx, "url` or `text");
                    return None;
                }
                Some(Check::LinksTo {
                    url: cx.opt_pattern(&c.url)?,
                    text: cx.opt_pattern(&c.text)?,
                    resolves: c.resolves.as_ref().map(|r| *r.get_ref()).unwrap_or(true),
                    pages: pages(cx, Quantifier::Any)?,
                })
            }
            "links_available" => Some(Check::LinksAvailable {
                max: count(cx, &c.max, 0, "max")?,
                pages: pages(cx, Quantifier::Every)?,
            }),
            "columns" => {
                let Some(spec) = self.columns else {
                    cx.invalid(
                        span.clone(),
                        "a `columns` check needs `[columns]` in pack.toml",
                    );
                    return None;
                };
                let kinds = c
                    .kinds
                    .as_ref()
                    .map(|k| k.get_ref().clone())
                    .unwrap_or_default();
                if let Some(unknown) = kinds
                    .iter()
                    .find(|k| !spec.kinds.iter().any(|x| &x.name == *k))
                {
                    let known: Vec<&str> = spec.kinds.iter().map(|k| k.name.as_str()).collect();
                    cx.invalid(
                        c.kinds.as_ref().map(|k| k.span()).unwrap_or(span.clone()),
                        format!(
                            "no column kind `{unknown}` in `[columns]` (kinds: {})",
                            known.join(", ")
                        ),
                    );
                    return None;
                }
                let Some(states_raw) = &c.states else {
                    required(cx, "states");
                    return None;
                };
                let mut states = Vec::new();
                for st in states_raw.get_ref() {
                    states.push(match st.as_str() {
                        "stale" => ColumnState::Stale,
                        "blank" => ColumnState::Blank,
                        other => {
                            cx.invalid(
                                states_raw.span(),
                                format!("`states` holds `stale` and/or `blank`, not `{other}`"),
                            );
                            return None;
                        }
                    });
                }
                if states.is_empty() {
                    cx.invalid(
                        states_raw.span(),
                        "`states` must name `stale` and/or `blank`",
                    );
                    return None;
                }
                Some(Check::Columns {
                    kinds,
                    states,
                    max: count(cx, &c.max, 0, "max")?,
                })
            }
            "availability" => {
                let number = |cx: &mut Ctx<'_>,
                              f: &Option<Spanned<f64>>,
                              default: f64,
                              name: &str,
                              ok: &dyn Fn(f64) -> bool,
                              range: &str|
                 -> Option<f64> {
                    match f {
                        None => Some(default),
                        Some(v) if v.get_ref().is_finite() && ok(*v.get_ref()) => {
                            Some(*v.get_ref())
                        }
                        Some(v) => {
                            cx.invalid(
                                v.span(),
                                format!("`{name}` must be {range}, not {}", v.get_ref()),
                            );
                            None
                        }
                    }
                };
                let slow = number(
                    cx,
                    &c.slow_seconds,
                    15.0,
                    "slow_seconds",
                    &|x| x > 0.0 && x <= 3600.0,
                    "above 0 and at most 3600",
                );
                let share = number(
                    cx,
                    &c.max_share,
                    0.05,
                    "max_share",
                    &|x| (0.0..=1.0).contains(&x),
                    "a share between 0 and 1 (0.05 = 5 %)",
                );
                let days = match &c.days {
                    None => Some(7),
                    Some(d) if (1..=366).contains(d.get_ref()) => Some(*d.get_ref() as u32),
                    Some(d) => {
                        cx.invalid(d.span(), "`days` must be between 1 and 366");
                        None
                    }
                };
                let min_probes = count(cx, &c.min_probes, 140, "min_probes");
                Some(Check::Availability {
                    slow_millis: (slow? * 1000.0).round() as u64,
                    max_share: share?,
                    days: days?,
                    min_probes: min_probes?,
                })
            }
            "replies" => {
                let days = |cx: &mut Ctx<'_>,
                            f: &Option<Spanned<i64>>,
                            name: &str,
                            min: i64|
                 -> Result<Option<i64>, ()> {
                    match f {
                        None => Ok(None),
                        Some(v) if (min..=3660).contains(v.get_ref()) => Ok(Some(*v.get_ref())),
                        Some(v) => {
                            cx.invalid(
                                v.span(),
                                format!(
                                    "`{name}` must be a number of days between {min} and 3660, not {}",
                                    v.get_ref()
                                ),
                            );
                            Err(())
                        }
                    }
                };
                let max_delay = days(cx, &c.max_delay_days, "max_delay_days", 0);
                let since = days(cx, &c.since_days, "since_days", 1);
                let latest = days(
                    cx,
                    &c.latest_reply_within_days,
                    "latest_reply_within_days",
                    0,
                );
                let (Ok(max_delay_days), Ok(since), Ok(latest_reply_within_days)) =
                    (max_delay, since, latest)
                else {
                    return None;
                };
                if max_delay_days.is_none() && latest_reply_within_days.is_none() {
                    required(cx, "max_delay_days` and/or `latest_reply_within_days");
                    return None;
                }
                if let (Some(s), None) = (&c.since_days, max_delay_days) {
                    cx.invalid(s.span(), "`since_days` applies to `max_delay_days`");
                    return None;
                }
                let label = |cx: &mut Ctx<'_>, f: &Option<Spanned<String>>, default: &str| match f {
                    Some(p) => cx.pattern(p),
                    None => Regex::new(default).ok().map(|regex| Pattern {
                        source: default.to_string(),
                        regex,
                    }),
                };
                let asked = label(cx, &c.asked, crate::check::DEFAULT_ASKED);
                let replied = label(cx, &c.replied, crate::check::DEFAULT_REPLIED);
                Some(Check::Replies {
                    asked: asked?,
                    replied: replied?,
                    max_delay_days,
                    since_days: since.unwrap_or(365),
                    latest_reply_within_days,
                })
            }
            "attachment" => Some(Check::Attachment {
                extensions: c
                    .extensions
                    .as_ref()
                    .map(|e| {
                        e.get_ref()
                            .iter()
                            .map(|x| x.trim_start_matches('.').to_ascii_lowercase())
                            .collect()
                    })
                    .unwrap_or_default(),
                name: cx.opt_pattern(&c.name)?,
                min: count(cx, &c.min, 1, "min")?,
                pages: pages(cx, Quantifier::Any)?,
            }),
            "normative_documents" => Some(Check::NormativeDocuments {
                report_title: cx.opt_pattern(&c.report_title)?,
                pages: pages(cx, Quantifier::Every)?,
            }),
            "current_version" => {
                let Some(versions) = &c.versions else {
                    required(cx, "versions");
                    return None;
                };
                if versions.get_ref().is_empty() {
                    cx.invalid(
                        versions.span(),
                        "`versions` must list at least one document",
                    );
                    return None;
                }
                let mut out = Vec::new();
                for v in versions.get_ref() {
                    let raw = v.get_ref();
                    let key = text::compact_key(&raw.title);
                    if key.chars().count() < 2 {
                        cx.invalid(v.span(), "a version's `title` must name the document");
                        return None;
                    }
                    let mut dates = Vec::new();
                    for d in &raw.dates {
                        match crate::date::parse_date(d) {
                            Some(d) => dates.push(d),
                            None => {
                                cx.invalid(
                                    v.span(),
                                    format!("`dates` holds YYYY-MM-DD dates, not `{d}`"),
                                );
                                return None;
                            }
                        }
                    }
                    if dates.is_empty() {
                        cx.invalid(v.span(), "`dates` must give at least the first publication");
                        return None;
                    }
                    dates.sort();
                    out.push(OfficialVersion {
                        name: raw.title.clone(),
                        key,
                        dates,
                    });
                }
                Some(Check::CurrentVersion {
                    versions: out,
                    pages: pages(cx, Quantifier::Every)?,
                })
            }
            "annual_report_tables" => Some(Check::AnnualReportTables {
                pages: pages(cx, Quantifier::Any)?,
            }),
            "evidence" => Some(Check::Evidence {
                min: count(cx, &c.min, 1, "min")?,
                summary: cx.opt_pattern(&c.summary)?,
            }),
            "all" | "any" | "not" => {
                let Some(children) = &c.checks else {
                    required(cx, "checks");
                    return None;
                };
                if depth >= MAX_DEPTH {
                    cx.invalid(
                        span,
                        format!("checks nested deeper than {MAX_DEPTH} levels"),
                    );
                    return None;
                }
                let n = children.get_ref().len();
                if n == 0 || (k == "not" && n != 1) {
                    cx.invalid(
                        children.span(),
                        if k == "not" {
                            "`not` takes exactly one check".to_string()
                        } else {
                            format!("`{k}` needs at least one check")
                        },
                    );
                    return None;
                }
                let mut out = Vec::new();
                for child in children.get_ref() {
                    out.push(self.check(cx, child, depth + 1));
                }
                let out: Option<Vec<Check>> = out.into_iter().collect();
                let mut out = out?;
                Some(match k {
                    "all" => Check::All(out),
                    "any" => Check::Any(out),
                    _ => Check::Not(Box::new(out.remove(0))),
                })
            }
            _ => None,
        }
    }
}

/// Whether a check reads located pages.
fn needs_pages(c: &Check) -> bool {
    match c {
        Check::Evidence { .. } | Check::Columns { .. } => false,
        Check::All(v) | Check::Any(v) => v.iter().any(needs_pages),
        Check::Not(c) => needs_pages(c),
        _ => true,
    }
}

/// `2022-01-31`, `{year}-12-31`, `{year+1}-01-31`, `{year-1}-06-30`.
fn parse_date_spec(s: &str) -> Option<DateSpec> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(DateSpec::Fixed(d));
    }
    let rest = s.strip_prefix("{year")?;
    let (offset_str, md) = rest.split_once('}')?;
    let offset: i32 = match offset_str {
        "" => 0,
        o => o.strip_prefix('+').unwrap_or(o).parse().ok()?,
    };
    let md = md.strip_prefix('-')?;
    let (m, d) = md.split_once('-')?;
    let (month, day): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    // Validate against a leap year so 02-29 is accepted.
    NaiveDate::from_ymd_opt(2024, month, day)?;
    Some(DateSpec::PlanYear { offset, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_specs() {
        assert_eq!(
            parse_date_spec("2022-01-31"),
            Some(DateSpec::Fixed(
                NaiveDate::from_ymd_opt(2022, 1, 31).unwrap()
            ))
        );
        assert_eq!(
            parse_date_spec("{year+1}-01-31"),
            Some(DateSpec::PlanYear {
                offset: 1,
                month: 1,
                day: 31
            })
        );
        assert_eq!(
            parse_date_spec("{year}-12-31"),
            Some(DateSpec::PlanYear {
                offset: 0,
                month: 12,
                day: 31
            })
        );
        assert_eq!(
            parse_date_spec("{year-1}-06-30"),
            Some(DateSpec::PlanYear {
                offset: -1,
                month: 6,
                day: 30
            })
        );
        assert_eq!(parse_date_spec("{year+1}-02-30"), None);
        assert_eq!(parse_date_spec("next year"), None);
    }
}
