//! Rule packs: a plan (`pack.toml`) and rule files, loaded strictly.
//!
//! The core does no I/O: callers read the files and hand their names and
//! texts to [`RulePack::load`]. Every problem found is reported, not just the
//! first, each with file, line, column and rule id ([`PackError`]).

mod compile;
mod error;
mod raw;

use std::collections::HashMap;
use std::ops::Range;

use serde::de::{Deserialize, IntoDeserializer};

pub use error::{line_col, PackError, PackErrorKind, PackErrors, SourceError};

use crate::plan::{Divisions, Plan, Task};
use crate::rule::Rule;

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
    /// CSS selectors the rules use; page analysis records their matches.
    pub selector_probes: Vec<String>,
}

impl RulePack {
    /// Load a pack from its `pack.toml` and its rule files.
    ///
    /// # Errors
    /// Every syntax, schema and validation error of every file, as [`PackErrors`].
    pub fn load(pack_file: &SourceFile, rule_files: &[SourceFile]) -> Result<RulePack, PackErrors> {
        let mut errors = Vec::new();
        let plan = match load_plan(pack_file) {
            Ok(plan) => Some(plan),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };
        let mut rules = Vec::new();
        let mut first_seen: HashMap<String, String> = HashMap::new();
        let mut compiler = compile::Compiler::new(plan.as_ref());
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
        let selector_probes = compiler.into_probes();
        match (plan, errors.is_empty()) {
            (Some(plan), true) => Ok(RulePack {
                plan,
                rules,
                selector_probes,
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

fn load_plan(file: &SourceFile) -> Result<Plan, Vec<PackError>> {
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
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Plan {
        id: raw.pack.id,
        title: raw.pack.title,
        year: raw.pack.year,
        department: raw.pack.department,
        seed: raw.pack.seed,
        tasks,
    })
}

/// A rule as deserialized, with the byte span of its table.
pub(crate) struct SpannedRule {
    pub rule: raw::RawRule,
}

/// Parse one rule file into raw rules; each rule is deserialized on its own so
/// that an error in one does not hide errors in the others.
fn read_rule_file(file: &SourceFile, errors: &mut Vec<PackError>) -> Vec<SpannedRule> {
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
            match raw::RawRule::deserialize(item.clone().into_deserializer()) {
                Ok(rule) => out.push(SpannedRule { rule }),
                Err(e) => errors.push(error_at(
                    file,
                    e.span().or(Some(item.span())),
                    id.as_deref(),
                    PackErrorKind::Schema(e.message().to_string()),
                )),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
