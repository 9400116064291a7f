//! Rule packs: a plan (`pack.toml`) and rule files, loaded strictly.
//!
//! The core does no I/O: callers read the files and hand their names and
//! texts to [`RulePack::load`]. Every problem found is reported, not just the
//! first, each with file, line, column and rule id ([`PackError`]).

mod compile;
mod error;
#[cfg(test)]
mod field_names;
pub mod names;
mod raw;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::de::{Deserialize, IntoDeserializer};

pub(crate) use compile::{parse_date_spec, CheckCompiler};
pub use error::{line_col, PackError, PackErrorKind, PackErrors, SourceError};

use crate::columns::{ColumnKind, ColumnSpec};
use crate::page::Selectors;
use crate::plan::{Divisions, Plan, Task};
use crate::rule::Rule;
use crate::score::Scoring;

/// The name of the file that holds a pack's plan and metadata.
pub const PACK_FILE: &str = "pack.toml";

/// A file handed to the loader: its name (used in errors) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Name or path, as it should appear in error messages.
    pub name: String,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// A source file from a name and a text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// A loaded, validated rule pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    /// The plan the rules trace to.
    pub plan: Plan,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// The CSS selectors the rules use, parsed once when the pack loads; page
    /// analysis (crawler, folder scan, rule tests) records their matches.
    pub selectors: Selectors,
    /// The scoring scheme (`[scoring]`), for a pack scored like an inspection.
    pub scoring: Option<Scoring>,
    /// How to survey the site's columns (`[columns]`), if the pack does.
    pub columns: Option<ColumnSpec>,
    /// The department the rules speak of (`[department]`), if the pack names one.
    pub department: Option<crate::plan::Department>,
    /// The vocabularies the rules read: the built-in ones with `[vocabulary]` applied.
    pub vocabulary: BTreeMap<String, Vec<String>>,
}

impl RulePack {
    /// Load a pack from its `pack.toml` and its rule files.
    ///
    /// # Errors
    /// Every syntax, schema and validation error of every file, as [`PackErrors`].
    pub fn load(pack_file: &SourceFile, rule_files: &[SourceFile]) -> Result<RulePack, PackErrors> {
        let mut errors = Vec::new();
        let meta = match load_plan(pack_file) {
            Ok(meta) => Some(meta),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };
        let (plan, scoring, columns, department, vocabulary) = match meta {
            Some(m) => (
                Some(m.plan),
                m.scoring,
                m.columns,
                m.department,
                m.vocabulary,
            ),
            None => (None, None, None, None, BTreeMap::new()),
        };
        let lists = names::lists(&vocabulary, department.as_ref());
        let vocabulary: BTreeMap<String, Vec<String>> = lists
            .iter()
            .filter(|(k, _)| {
                names::DEFAULT_VOCABULARY.iter().any(|v| v.name == *k)
                    || vocabulary.contains_key(*k)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let year = plan.as_ref().map_or(0, |p| p.year);
        let mut rules = Vec::new();
        let mut first_seen: HashMap<String, String> = HashMap::new();
        let mut compiler = compile::Compiler::new(
            plan.as_ref(),
            scoring.is_some(),
            columns.as_ref(),
            names::Names::new(year, lists),
        );
        for file in rule_files {
            for raw in read_rule_file(file, &mut errors) {
                let id = raw.rule.id.get_ref().clone();
                if let Some(rule) = compiler.compile(file, raw, &mut errors) {
                    let here = format!("{}:{}", file.name, rule.origin.line);
                    if let Some(first) = first_seen.get(&id) {
                        let (line, column) = line_col(&file.text, rule_id_offset(file, &rule));
                        errors.push(PackError {
                            file: file.name.clone(),
                            line,
                            column,
                            rule_id: Some(id),
                            kind: PackErrorKind::DuplicateId {
                                id: rule.id.clone(),
                                first: first.clone(),
                            },
                        });
                        continue;
                    }
                    first_seen.insert(id, here);
                    rules.push(rule);
                }
            }
        }
        let selectors = compiler.into_selectors();
        match (plan, errors.is_empty()) {
            (Some(plan), true) => Ok(RulePack {
                plan,
                rules,
                selectors,
                scoring,
                columns,
                department,
                vocabulary,
            }),
            _ => {
                errors
                    .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
                Err(PackErrors(errors))
            }
        }
    }

    /// The rules of a task.
    pub fn rules_for_task(&self, task: u32) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.task == task)
    }
}

fn rule_id_offset(file: &SourceFile, rule: &Rule) -> usize {
    // The origin line is the line of the id; point at its first character.
    file.text
        .split_inclusive('\n')
        .take(rule.origin.line.saturating_sub(1))
        .map(str::len)
        .sum()
}

pub(crate) fn error_at(
    file: &SourceFile,
    span: Option<Range<usize>>,
    rule_id: Option<&str>,
    kind: PackErrorKind,
) -> PackError {
    let (line, column) = span
        .map(|s| line_col(&file.text, s.start))
        .unwrap_or((0, 0));
    PackError {
        file: file.name.clone(),
        line,
        column,
        rule_id: rule_id.map(str::to_string),
        kind,
    }
}

/// What `pack.toml` declares: the plan, its scoring, its column survey, the department
/// and the vocabularies the rules name.
struct PackMeta {
    plan: Plan,
    scoring: Option<Scoring>,
    columns: Option<ColumnSpec>,
    department: Option<crate::plan::Department>,
    vocabulary: BTreeMap<String, Vec<String>>,
}

fn load_plan(file: &SourceFile) -> Result<PackMeta, Vec<PackError>> {
    let raw: raw::RawPackFile = toml::from_str(&file.text).map_err(|e| {
        vec![error_at(
            file,
            e.span(),
            None,
            PackErrorKind::Schema(e.message().to_string()),
        )]
    })?;
    let mut errors = Vec::new();
    let mut tasks: Vec<Task> = Vec::new();
    for t in raw.task {
        let number = *t.number.get_ref();
        if tasks.iter().any(|x| x.number == number) {
            errors.push(error_at(
                file,
                Some(t.number.span()),
                None,
                PackErrorKind::Invalid(format!("task {number} is defined twice")),
            ));
            continue;
        }
        tasks.push(Task {
            number,
            heading: t.heading,
            requirement: t.requirement,
            divisions: Divisions {
                lead: t.lead,
                others: t.others,
            },
        });
    }
    if tasks.is_empty() {
        errors.push(error_at(
            file,
            Some(0..0),
            None,
            PackErrorKind::Invalid("the plan has no [[task]]".to_string()),
        ));
    }
    if !(1990..=2100).contains(&raw.pack.year) {
        errors.push(error_at(
            file,
            Some(0..0),
            None,
            PackErrorKind::Invalid(format!("implausible plan year {}", raw.pack.year)),
        ));
    }
    let scoring = raw
        .scoring
        .map(|s| load_scoring(file, s, &tasks, &mut errors));
    let columns = raw.columns.and_then(|c| load_columns(file, c, &mut errors));
    if !errors.is_empty() {
        return Err(errors);
    }
    let plan = Plan {
        id: raw.pack.id,
        title: raw.pack.title,
        year: raw.pack.year,
        department: raw
            .pack
            .department
            .or_else(|| raw.department.as_ref().map(|d| d.name.clone())),
        seed: raw.pack.seed,
        tasks,
    };
    Ok(PackMeta {
        plan,
        scoring,
        columns,
        department: raw.department,
        vocabulary: raw.vocabulary,
    })
}

/// `[scoring]`: marks within sense, caps on tasks that exist.
fn load_scoring(
    file: &SourceFile,
    raw: raw::RawScoring,
    tasks: &[Task],
    errors: &mut Vec<PackError>,
) -> Scoring {
    let mut invalid = |span: Range<usize>, msg: String| {
        errors.push(error_at(
            file,
            Some(span),
            None,
            PackErrorKind::Invalid(msg),
        ));
    };
    let mut scoring = Scoring::default();
    let mut points = |v: &Option<toml::Spanned<f64>>, name: &str, default: f64| match v {
        None => default,
        Some(v) if v.get_ref().is_finite() && *v.get_ref() >= 0.0 => *v.get_ref(),
        Some(v) => {
            invalid(
                v.span(),
                format!("`{name}` must be a number of points, 0 or more"),
            );
            default
        }
    };
    scoring.full_marks = points(&raw.full_marks, "full_marks", 100.0);
    scoring.pass_mark = points(&raw.pass_mark, "pass_mark", 60.0);
    if raw.bonus_cap.is_some() {
        scoring.bonus_cap = Some(points(&raw.bonus_cap, "bonus_cap", 0.0));
    }
    if scoring.pass_mark > scoring.full_marks {
        if let Some(p) = &raw.pass_mark {
            invalid(
                p.span(),
                format!(
                    "`pass_mark` ({}) is above `full_marks` ({})",
                    p.get_ref(),
                    scoring.full_marks
                ),
            );
        }
    }
    for ind in raw.indicator {
        let task = *ind.task.get_ref();
        if !tasks.iter().any(|t| t.number == task) {
            invalid(
                ind.task.span(),
                format!("`[[scoring.indicator]]` names task {task}, which the plan does not have"),
            );
        } else if scoring.caps.contains_key(&task) {
            invalid(
                ind.task.span(),
                format!("task {task} has two `[[scoring.indicator]]` caps"),
            );
        }
        let cap = *ind.cap.get_ref();
        if !(cap.is_finite() && cap >= 0.0) {
            invalid(
                ind.cap.span(),
                "`cap` must be a number of points, 0 or more".into(),
            );
            continue;
        }
        scoring.caps.insert(task, cap);
    }
    scoring
}

/// `[columns]`: list-page pattern and column kinds.
fn load_columns(
    file: &SourceFile,
    raw: raw::RawColumns,
    errors: &mut Vec<PackError>,
) -> Option<ColumnSpec> {
    let start = errors.len();
    let pattern = |s: &toml::Spanned<String>, errors: &mut Vec<PackError>| match regex::Regex::new(
        s.get_ref(),
    ) {
        Ok(regex) => Some(crate::rule::Pattern {
            source: s.get_ref().clone(),
            regex,
        }),
        Err(e) => {
            errors.push(error_at(
                file,
                Some(s.span()),
                None,
                PackErrorKind::InvalidRegex {
                    pattern: s.get_ref().clone(),
                    reason: error::regex_reason(&e),
                },
            ));
            None
        }
    };
    // The provincial platform's list pages: `/<column>/index.html`, `index_2.html` ….
    let list_url = match &raw.list_url {
        Some(s) => pattern(s, errors),
        None => Some(crate::rule::Pattern {
            source: DEFAULT_LIST_URL.to_string(),
            regex: regex::Regex::new(DEFAULT_LIST_URL).expect("valid default"),
        }),
    };
    let exclude_url = raw.exclude_url.as_ref().map(|s| pattern(s, errors));
    let mut kinds: Vec<ColumnKind> = Vec::new();
    for k in &raw.kind {
        let name = k.name.get_ref().trim().to_string();
        if name.is_empty() || kinds.iter().any(|x| x.name == name) {
            errors.push(error_at(
                file,
                Some(k.name.span()),
                None,
                PackErrorKind::Invalid(format!(
                    "a column kind needs a name of its own, not `{name}`"
                )),
            ));
        }
        let days = *k.max_age_days.get_ref();
        if !(1..=36_500).contains(&days) {
            errors.push(error_at(
                file,
                Some(k.max_age_days.span()),
                None,
                PackErrorKind::Invalid(format!(
                    "`max_age_days` must be between 1 and 36500, not {days}"
                )),
            ));
        }
        if let Some(column) = pattern(&k.column, errors) {
            kinds.push(ColumnKind {
                name,
                column,
                max_age_days: days,
            });
        }
    }
    if errors.len() > start {
        return None;
    }
    Some(ColumnSpec {
        list_url: list_url?,
        exclude_url: exclude_url.flatten(),
        kinds,
    })
}

/// The list pages of the provincial site platform, when `[columns]` names none.
pub const DEFAULT_LIST_URL: &str = r"/index(_\d+)?\.s?html?$";

/// A rule as deserialized, with its check tables as written (each is read by its kind).
pub(crate) struct SpannedRule<'i> {
    pub rule: raw::RawRule,
    /// The `checks` list, when the rule has one.
    pub checks: Option<Vec<toml::Spanned<toml::de::DeValue<'i>>>>,
}

/// Parse one rule file into raw rules; each rule is deserialized on its own so
/// that an error in one does not hide errors in the others.
fn read_rule_file<'i>(file: &'i SourceFile, errors: &mut Vec<PackError>) -> Vec<SpannedRule<'i>> {
    let table = match toml::de::DeTable::parse(&file.text) {
        Ok(t) => t,
        Err(e) => {
            errors.push(error_at(
                file,
                e.span(),
                None,
                PackErrorKind::Syntax(e.message().to_string()),
            ));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (key, value) in table.get_ref().iter() {
        if key.get_ref().as_ref() != "rule" {
            errors.push(error_at(
                file,
                Some(key.span()),
                None,
                PackErrorKind::Schema(format!(
                    "unknown top-level key `{}`, expected `rule`",
                    key.get_ref()
                )),
            ));
            continue;
        }
        let Some(items) = value.get_ref().as_array() else {
            errors.push(error_at(
                file,
                Some(value.span()),
                None,
                PackErrorKind::Schema("`rule` must be an array of tables ([[rule]])".to_string()),
            ));
            continue;
        };
        for item in items.iter() {
            let id = item
                .get_ref()
                .as_table()
                .and_then(|t| t.get("id"))
                .and_then(|v| v.get_ref().as_str())
                .map(str::to_string);
            let item_span = item.span();
            let mut item = item.clone();
            let checks = match take_checks(&mut item) {
                Ok(checks) => checks,
                Err(e) => {
                    errors.push(error_at(
                        file,
                        Some(e.0),
                        id.as_deref(),
                        PackErrorKind::Schema(e.1),
                    ));
                    continue;
                }
            };
            match raw::RawRule::deserialize(item.into_deserializer()) {
                Ok(rule) => out.push(SpannedRule { rule, checks }),
                Err(e) => errors.push(error_at(
                    file,
                    e.span().or(Some(item_span.clone())),
                    id.as_deref(),
                    PackErrorKind::Schema(e.message().to_string()),
                )),
            }
        }
    }
    out
}

/// Take a rule's `checks` list out of its table, each check owned.
fn take_checks<'i>(item: &mut toml::Spanned<toml::de::DeValue<'i>>) -> CheckList<'i> {
    let toml::de::DeValue::Table(table) = item.get_mut() else {
        return Ok(None);
    };
    let Some(key) = table.keys().find(|k| k.get_ref() == "checks").cloned() else {
        return Ok(None);
    };
    let Some(list) = table.remove(&key) else {
        return Ok(None);
    };
    let span = list.span();
    let toml::de::DeValue::Array(items) = list.into_inner() else {
        return Err((
            span,
            "`checks` must be a list of check tables ([[rule.checks]])".to_string(),
        ));
    };
    Ok(Some(items.into_iter().collect()))
}

/// A rule's check tables, or where and why its `checks` is not a list.
type CheckList<'i> =
    Result<Option<Vec<toml::Spanned<toml::de::DeValue<'i>>>>, (Range<usize>, String)>;

#[cfg(test)]
mod tests;
