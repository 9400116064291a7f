//! What a check kind is: a compiled check ([`Check`], evaluated through [`Evaluate`])
//! and a registry entry ([`Kind`]) that holds the kind's documentation, its fields and
//! its compiler.
//!
//! Each kind lives in one module of [`crate::check`] that owns all four: its typed
//! fields, their validation when a pack loads, its evaluation and its documentation.
//! The reference of `rules/README.md` is generated from the registry
//! (`zwgk rules docs`), never written by hand.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::{CheckResult, Context};
use crate::pack::CheckCompiler;

/// What a compiled check of some kind does.
pub trait Evaluate: fmt::Debug + Send + Sync + Any {
    /// The kind's name, as written in rule files.
    fn kind(&self) -> &'static str;

    /// Decide the check on the located pages, the site, the records and the as-of date.
    fn evaluate(&self, cx: &Context<'_>) -> CheckResult;

    /// Whether the check reads located pages (a rule with such a check needs `locate`).
    fn reads_pages(&self) -> bool {
        true
    }

    /// Whether the check (or one of its sub-checks) reads evidence records.
    fn uses_evidence(&self) -> bool {
        false
    }

    /// Whether the check reads evidence records only (the checks a `manual` rule may have).
    fn reads_only_evidence(&self) -> bool {
        false
    }
}

/// A compiled check of any kind.
#[derive(Clone)]
pub struct Check(Arc<dyn Evaluate>);

impl Check {
    /// Wrap a compiled check of some kind.
    pub fn new(check: impl Evaluate) -> Self {
        Check(Arc::new(check))
    }

    /// The kind's name, as written in rule files.
    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }

    /// Evaluate the check.
    pub fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        self.0.evaluate(cx)
    }

    /// Whether the check reads located pages.
    pub fn reads_pages(&self) -> bool {
        self.0.reads_pages()
    }

    /// Whether the check (or a sub-check) reads evidence records.
    pub fn uses_evidence(&self) -> bool {
        self.0.uses_evidence()
    }

    /// Whether the check reads evidence records only.
    pub fn reads_only_evidence(&self) -> bool {
        self.0.reads_only_evidence()
    }

    /// The compiled check as its kind's own type, when it is of that kind.
    pub fn downcast_ref<T: Evaluate>(&self) -> Option<&T> {
        let any: &dyn Any = &*self.0;
        any.downcast_ref()
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A check kind as registered: its name, its documentation and its compiler.
#[derive(Serialize)]
pub struct Kind {
    /// The name written as `kind = "…"` in rule files.
    pub name: &'static str,
    /// What the kind checks, in a few words (the heading of its reference entry).
    pub summary: &'static str,
    /// What is checked, precisely: what a page must show, how it is read, what
    /// passes, fails or stays undecided.
    pub what: &'static str,
    /// Why it matters: the duty and the regulation behind it.
    pub why: &'static str,
    /// An example rule and the pages it passes and fails on.
    pub example: Example,
    /// The clause or document the kind's rules usually cite.
    pub clause: &'static str,
    /// The fields the kind takes besides `kind`.
    pub fields: &'static [Field],
    /// Turn a check table of this kind into a compiled check (errors go to the compiler).
    #[serde(skip)]
    pub(crate) compile: fn(&mut CheckCompiler<'_, '_, '_>) -> Option<Check>,
    /// For the kind that decides `manual` rules: the check such a rule gets when it
    /// lists none.
    #[serde(skip)]
    pub(crate) manual_default: Option<fn() -> Check>,
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kind").field("name", &self.name).finish()
    }
}

/// An example of a kind: a rule (TOML) and what it decides.
#[derive(Debug, Serialize)]
pub struct Example {
    /// The check table(s) as written in a rule file, with the rule's `locate` when it matters.
    pub rule: &'static str,
    /// A page (or site) on which it passes.
    pub passes: &'static str,
    /// A page (or site) on which it fails.
    pub fails: &'static str,
}

/// One field a kind takes.
#[derive(Debug, Serialize)]
pub struct Field {
    /// The key written in the check table.
    pub name: &'static str,
    /// Its TOML type and accepted values, e.g. `integer ≥ 0`, `"any" | "every"`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Its default when left out; `None` when the field is required.
    pub default: Option<&'static str>,
    /// What it means.
    pub meaning: &'static str,
}

impl Field {
    /// Whether a check of the kind must give the field.
    pub fn is_required(&self) -> bool {
        self.default.is_none()
    }
}

/// The `pages` field of the kinds that judge each located page: its documentation.
pub(crate) const fn pages_field(default: &'static str) -> Field {
    Field {
        name: "pages",
        ty: "\"any\" | \"every\"",
        default: Some(default),
        meaning: "whether one located page passing is enough (`any`) or every located page must pass (`every`)",
    }
}

/// The `describe` field of the kinds whose messages would otherwise quote a pattern.
pub(crate) const fn describe_field(what: &'static str) -> Field {
    Field {
        name: "describe",
        ty: "string (names in braces expanded)",
        default: Some("none: the message quotes the pattern"),
        meaning: what,
    }
}
