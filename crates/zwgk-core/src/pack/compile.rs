//! Validation and compilation of raw rules into [`crate::rule::Rule`].
//!
//! The rule's own fields (id, task, divisions, `locate`, `score`, mode) are compiled
//! here; each check table is handed to its kind's compiler, found in the registry
//! [`crate::check::kinds`], through a [`CheckCompiler`] that holds the table and the
//! helpers every kind shares (patterns, dates, selectors, counts, `pages`).

use std::ops::Range;

use chrono::NaiveDate;
use regex::Regex;
use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::de::DeValue;
use toml::Spanned;

use super::error::{line_col, regex_reason, PackError, PackErrorKind};
use super::names::{Names, UnknownName};
use super::raw::{RawCriteria, RawRule, RawRuleScore};
use super::{error_at, SourceFile, SpannedRule};
use crate::check::{kinds, Check, Kind};
use crate::columns::ColumnSpec;
use crate::page::Selectors;
use crate::plan::{Divisions, Plan};
use crate::rule::{Criteria, DateSpec, Locator, Mode, Origin, Pattern, Quantifier, Rule};
use crate::score::{Per, RuleScore};
use crate::text;

/// Nesting limit of checks within checks.
const MAX_DEPTH: usize = 8;

pub(crate) struct Compiler<'p> {
    plan: Option<&'p Plan>,
    /// Whether `pack.toml` declares `[scoring]` (rules may then carry `score`).
    scored: bool,
    /// The pack's column survey, which column checks count in.
    columns: Option<&'p ColumnSpec>,
    /// Every CSS selector the rules use, parsed once.
    selectors: Selectors,
    /// The names rules write in braces.
    names: Names,
}

/// The state of compiling one rule: where errors go and what they name.
struct Ctx<'a> {
    file: &'a SourceFile,
    rule_id: String,
    errors: &'a mut Vec<PackError>,
    failed: bool,
    /// The names rules write in braces.
    names: &'a Names,
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
        self.pattern_at(s.get_ref(), s.span())
    }

    /// A text (a title, an `expect`) with its names expanded.
    fn text(&mut self, s: &str, span: Range<usize>) -> String {
        match self.names.text(s) {
            Ok(t) => t,
            Err(UnknownName(name)) => {
                let known = self.names.known();
                self.invalid(span, format!("unknown name `{name}` (names: {known})"));
                s.to_string()
            }
        }
    }

    /// A regex written at `span`, with its names expanded, checked to be able to match
    /// normalised text.
    fn pattern_at(&mut self, written: &str, span: Range<usize>) -> Option<Pattern> {
        let source = match self.names.pattern(written) {
            Ok(p) => p,
            Err(UnknownName(name)) => {
                let known = self.names.known();
                self.invalid(span, format!("unknown name `{name}` (names: {known})"));
                return None;
            }
        };
        let source = &source;
        let s = Spanned::new(span, written.to_string());
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
    pub fn new(
        plan: Option<&'p Plan>,
        scored: bool,
        columns: Option<&'p ColumnSpec>,
        names: Names,
    ) -> Self {
        Compiler {
            plan,
            scored,
            columns,
            selectors: Selectors::none(),
            names,
        }
    }

    /// The selectors the compiled rules use.
    pub fn into_selectors(self) -> Selectors {
        self.selectors
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

    pub fn compile(
        &mut self,
        file: &SourceFile,
        raw: SpannedRule<'_>,
        errors: &mut Vec<PackError>,
    ) -> Option<Rule> {
        let SpannedRule { rule: r, checks } = raw;
        let id = r.id.get_ref().clone();
        let names = self.names.clone();
        let mut cx = Ctx {
            file,
            rule_id: id.clone(),
            errors,
            failed: false,
            names: &names,
        };
        if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
            cx.invalid(r.id.span(), "rule id must be non-empty and without spaces");
        }
        let divisions = self.divisions(&mut cx, &r);
        if r.expect.trim().is_empty() {
            cx.invalid(
                r.id.span(),
                "`expect` must say what the requirement expects",
            );
        }
        let locate = self.locator(&mut cx, &r);
        let mut compiled = Vec::new();
        if let Some(list) = &checks {
            for c in list {
                if let Some(check) = self.check(&mut cx, c, 0) {
                    compiled.push(check);
                }
            }
        }
        let score = match &r.score {
            Some(raw) => self.score(&mut cx, raw),
            None => None,
        };
        if compiled.iter().any(Check::reads_pages) && r.locate.is_none() {
            cx.invalid(
                r.id.span(),
                "the checks read pages but the rule has no `locate`",
            );
        }
        let written = checks.as_ref().map_or(0, Vec::len);
        mode_checks(&mut cx, &r, written, &mut compiled);
        if cx.failed {
            return None;
        }
        let title = cx.text(&r.title, r.id.span());
        let expect = cx.text(&r.expect, r.id.span());
        if cx.failed {
            return None;
        }
        let (line, _) = line_col(&file.text, r.id.span().start);
        Some(Rule {
            id,
            task: *r.task.get_ref(),
            title,
            severity: r.severity,
            mode: r.mode,
            divisions,
            expect,
            source: r.source,
            locate,
            checks: compiled,
            score,
            origin: Origin {
                file: file.name.clone(),
                line,
            },
        })
    }

    /// The rule's task, checked against the plan, and its divisions (the task's
    /// unless the rule names its own).
    fn divisions(&self, cx: &mut Ctx<'_>, r: &RawRule) -> Divisions {
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
        match &r.divisions {
            Some(d) => Divisions {
                lead: d.lead.clone(),
                others: d.others.clone(),
            },
            None => task.map(|t| t.divisions.clone()).unwrap_or_default(),
        }
    }

    fn locator(&mut self, cx: &mut Ctx<'_>, r: &RawRule) -> Option<Locator> {
        let l = r.locate.as_ref()?;
        let include = self.criteria(cx, &l.include(), r.id.span());
        let mut exclude = Vec::new();
        for e in &l.exclude {
            if let Some(c) = self.criteria(cx, e.get_ref(), e.span()) {
                exclude.push(c);
            }
        }
        let describe = l.describe.as_ref().map(|d| cx.text(d.get_ref(), d.span()));
        let follow_entries = match &l.follow {
            None => false,
            Some(f) if f.get_ref() == "entries" => true,
            Some(f) => {
                cx.invalid(
                    f.span(),
                    format!("`follow` is `entries`, not `{}`", f.get_ref()),
                );
                false
            }
        };
        let follow_links = cx.opt_pattern(&l.follow_links).flatten();
        let absent_not_applicable = match &l.if_absent {
            None => false,
            Some(a) if a.get_ref() == "not_applicable" => true,
            Some(a) if a.get_ref() == "fail" => false,
            Some(a) => {
                cx.invalid(
                    a.span(),
                    format!(
                        "`if_absent` is `fail` or `not_applicable`, not `{}`",
                        a.get_ref()
                    ),
                );
                false
            }
        };
        include.map(|include| Locator {
            include,
            exclude,
            describe,
            follow_entries,
            follow_links,
            absent_not_applicable,
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
        let titles = raw.title.as_ref().map_or_else(Vec::new, |t| {
            t.get_ref()
                .all()
                .into_iter()
                .filter_map(|p| cx.pattern_at(p, t.span()))
                .collect()
        });
        let mut c = Criteria {
            url: cx.opt_pattern(&raw.url).flatten(),
            titles,
            breadcrumb: cx.opt_pattern(&raw.breadcrumb).flatten(),
            column: cx.opt_pattern(&raw.column).flatten(),
            link_text: cx.opt_pattern(&raw.link_text).flatten(),
            selector: None,
            published_after: cx.opt_date_spec(&raw.published_after).flatten(),
            published_before: cx.opt_date_spec(&raw.published_before).flatten(),
            role: None,
        };
        if let Some(r) = &raw.role {
            c.role = match r.get_ref().as_str() {
                "document" => Some(crate::document::Role::Document),
                "listing" => Some(crate::document::Role::Listing),
                other => {
                    cx.invalid(
                        r.span(),
                        format!("`role` is `document` or `listing`, not `{other}`"),
                    );
                    None
                }
            };
        }
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
                "a locate block needs at least one of url, title, breadcrumb, column, link_text, selector, published_after, published_before, role",
            );
            return None;
        }
        ok.then_some(c)
    }

    /// Parse a CSS selector once and keep it for page analysis; false when it does not parse.
    fn selector(&mut self, cx: &mut Ctx<'_>, s: &Spanned<String>) -> bool {
        match scraper::Selector::parse(s.get_ref()) {
            Ok(parsed) => {
                self.selectors.insert(s.get_ref(), parsed);
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

    /// Compile one check table: find its kind, refuse fields the kind does not take,
    /// and hand the table to the kind's compiler.
    fn check<'x>(
        &mut self,
        cx: &mut Ctx<'x>,
        raw: &Spanned<DeValue<'x>>,
        depth: usize,
    ) -> Option<Check> {
        let span = raw.span();
        let names = || {
            kinds()
                .iter()
                .map(|k| k.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(table) = raw.get_ref().as_table() else {
            cx.err(
                span,
                PackErrorKind::Schema(format!(
                    "invalid type: {}, expected a check table",
                    raw.get_ref().type_str()
                )),
            );
            return None;
        };
        let Some(kind_value) = table.get("kind") else {
            cx.invalid(span, format!("a check needs `kind` (one of {})", names()));
            return None;
        };
        let Some(name) = kind_value.get_ref().as_str() else {
            cx.err(
                kind_value.span(),
                PackErrorKind::Schema(format!(
                    "invalid type: {}, expected a string",
                    kind_value.get_ref().type_str()
                )),
            );
            return None;
        };
        let Some(kind) = kinds().iter().copied().find(|k| k.name == name) else {
            cx.invalid(
                kind_value.span(),
                format!("unknown check kind `{name}` (one of {})", names()),
            );
            return None;
        };
        let mut bad = false;
        for (key, _) in table.iter() {
            let field = key.get_ref().as_ref();
            if field != "kind" && !kind.fields.iter().any(|f| f.name == field) {
                let takes: Vec<&str> = kind.fields.iter().map(|f| f.name).collect();
                cx.invalid(
                    key.span(),
                    format!(
                        "`{field}` does not apply to a `{name}` check (it takes: {})",
                        if takes.is_empty() {
                            "nothing".to_string()
                        } else {
                            takes.join(", ")
                        }
                    ),
                );
                bad = true;
            }
        }
        if bad {
            return None;
        }
        let mut kc = CheckCompiler {
            compiler: self,
            cx,
            raw,
            kind,
            depth,
        };
        (kind.compile)(&mut kc)
    }
}

/// A `manual` rule is decided by records only; an `auto` or `assisted` one needs a check.
fn mode_checks(cx: &mut Ctx<'_>, r: &RawRule, written: usize, checks: &mut Vec<Check>) {
    match r.mode {
        Mode::Manual => {
            let records = kinds()
                .iter()
                .find_map(|k| k.manual_default.map(|f| (k, f)));
            let Some((kind, default)) = records else {
                return;
            };
            if checks.iter().any(|c| !c.reads_only_evidence()) {
                cx.invalid(
                    r.id.span(),
                    format!(
                        "a manual rule is decided by evidence records only: use `{}` checks (or none)",
                        kind.name
                    ),
                );
            }
            if checks.is_empty() {
                checks.push(default());
            }
        }
        Mode::Auto | Mode::Assisted => {
            if written == 0 {
                cx.invalid(
                    r.id.span(),
                    "an auto or assisted rule needs at least one check",
                );
            }
        }
    }
}

/// What a check kind's compiler works with: the check table, the shared helpers
/// (patterns, dates, selectors, counts, `pages`) and where errors go. Every helper
/// reports its own error at the field's place and returns `None`.
pub(crate) struct CheckCompiler<'c, 'p, 'x> {
    compiler: &'c mut Compiler<'p>,
    cx: &'c mut Ctx<'x>,
    raw: &'c Spanned<DeValue<'x>>,
    kind: &'static Kind,
    depth: usize,
}

impl CheckCompiler<'_, '_, '_> {
    /// The byte span of the whole check table.
    pub fn span(&self) -> Range<usize> {
        self.raw.span()
    }

    /// The check's fields as the kind's typed struct (the `kind` key aside).
    pub fn fields<T: DeserializeOwned>(&mut self) -> Option<T> {
        let mut value = self.raw.clone();
        if let DeValue::Table(t) = value.get_mut() {
            let kind_key = t.keys().find(|k| k.get_ref() == "kind").cloned();
            if let Some(k) = kind_key {
                t.remove(&k);
            }
        }
        #[cfg(test)]
        super::field_names::assert_documented::<T>(self.kind);
        match T::deserialize(value.into_deserializer()) {
            Ok(fields) => Some(fields),
            Err(e) => {
                self.cx.err(
                    e.span().unwrap_or(self.raw.span()),
                    PackErrorKind::Schema(e.message().to_string()),
                );
                None
            }
        }
    }

    /// Report a value that is well-typed but not allowed.
    pub fn invalid(&mut self, span: Range<usize>, msg: impl Into<String>) {
        self.cx.invalid(span, msg);
    }

    /// Report a missing required field (`name` may list alternatives: "pattern` or `keywords").
    pub fn required(&mut self, name: &str) {
        let msg = format!("a `{}` check needs `{name}`", self.kind.name);
        self.cx.invalid(self.raw.span(), msg);
    }

    /// A regex, checked to be able to match normalised text.
    pub fn pattern(&mut self, s: &Spanned<String>) -> Option<Pattern> {
        self.cx.pattern(s)
    }

    /// An optional regex: `Some(None)` when not given, `None` when invalid.
    pub fn opt_pattern(&mut self, s: &Option<Spanned<String>>) -> Option<Option<Pattern>> {
        self.cx.opt_pattern(s)
    }

    /// A built-in regex used when a pattern field is left out.
    pub fn default_pattern(&mut self, source: &str) -> Option<Pattern> {
        Regex::new(source).ok().map(|regex| Pattern {
            source: source.to_string(),
            regex,
        })
    }

    /// A date, fixed or relative to the plan year.
    pub fn date_spec(&mut self, s: &Spanned<String>) -> Option<DateSpec> {
        self.cx.date_spec(s)
    }

    /// A CSS selector, parsed once and kept for page analysis; false when invalid.
    pub fn selector(&mut self, s: &Spanned<String>) -> bool {
        self.compiler.selector(self.cx, s)
    }

    /// A count between 0 and 1,000,000, `default` when not given.
    pub fn count(&mut self, f: &Option<Spanned<i64>>, default: usize, name: &str) -> Option<usize> {
        match f {
            None => Some(default),
            Some(v) if *v.get_ref() >= 0 && *v.get_ref() <= 1_000_000 => {
                Some(*v.get_ref() as usize)
            }
            Some(v) => {
                self.cx
                    .invalid(v.span(), format!("`{name}` must be between 0 and 1000000"));
                None
            }
        }
    }

    /// The `pages` quantifier, `default` when not given.
    pub fn pages(
        &mut self,
        p: &Option<Spanned<String>>,
        default: Quantifier,
    ) -> Option<Quantifier> {
        match p {
            None => Some(default),
            Some(p) => match p.get_ref().as_str() {
                "any" => Some(Quantifier::Any),
                "every" => Some(Quantifier::Every),
                other => {
                    self.cx.invalid(
                        p.span(),
                        format!("`pages` is `any` or `every`, not `{other}`"),
                    );
                    None
                }
            },
        }
    }

    /// A `describe` text, its names expanded.
    pub fn describe(&mut self, d: &Option<Spanned<String>>) -> Option<String> {
        d.as_ref().map(|d| self.cx.text(d.get_ref(), d.span()))
    }

    /// The words of a vocabulary (`[vocabulary]` of `pack.toml`, else the built-in ones).
    pub fn vocabulary(&self, name: &str) -> Vec<String> {
        self.cx
            .names
            .words(name)
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    }

    /// The pack's column survey, when `pack.toml` declares `[columns]`.
    pub fn column_spec(&self) -> Option<&ColumnSpec> {
        self.compiler.columns
    }

    /// The sub-checks listed under `key` (`checks = [...]` or `[[…checks]]`), each compiled
    /// by its own kind, at least one; `None` when the field is missing, not a list, empty,
    /// nested too deep, or a sub-check is invalid (each error reported).
    pub fn sub_checks(&mut self, key: &str) -> Option<(Range<usize>, Vec<Check>)> {
        let Some(list) = self
            .raw
            .get_ref()
            .as_table()
            .and_then(|t| t.get(key))
            .cloned()
        else {
            self.required(key);
            return None;
        };
        let Some(items) = list.get_ref().as_array() else {
            self.cx.err(
                list.span(),
                PackErrorKind::Schema(format!(
                    "invalid type: {}, expected a list of check tables",
                    list.get_ref().type_str()
                )),
            );
            return None;
        };
        if self.depth >= MAX_DEPTH {
            self.cx.invalid(
                self.raw.span(),
                format!("checks nested deeper than {MAX_DEPTH} levels"),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for item in items.iter() {
            match self.compiler.check(self.cx, item, self.depth + 1) {
                Some(c) => out.push(c),
                None => ok = false,
            }
        }
        if ok && out.is_empty() {
            let msg = format!("`{}` needs at least one check", self.kind.name);
            self.cx.invalid(list.span(), msg);
            return None;
        }
        ok.then_some((list.span(), out))
    }
}

/// `2022-01-31`, `{year}-12-31`, `{year+1}-01-31`, `{year-1}-06-30`.
pub(crate) fn parse_date_spec(s: &str) -> Option<DateSpec> {
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
