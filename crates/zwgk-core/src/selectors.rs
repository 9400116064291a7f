//! The CSS selectors a rule pack asks page analysis to record: parsed once when the
//! pack loads ([`crate::RulePack::selectors`]), handed to every page source (crawler,
//! mirror folder, rule tests), matched once per page. Page facts keep the matching
//! elements' texts, never the document.
//!
//! Not to be confused with [`crate::probe::Probe`], a timed request of a page.

use scraper::Selector;

/// CSS selectors a rule pack asks page analysis to evaluate (facts are kept, not the DOM).
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    list: Vec<(String, Selector)>,
}

impl Selectors {
    /// No probes.
    pub fn none() -> Self {
        Selectors::default()
    }

    /// Each selector's source text with its parsed form.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Selector)> {
        self.list.iter().map(|(s, sel)| (s.as_str(), sel))
    }

    /// The selectors, as given.
    pub fn selectors(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|(s, _)| s.as_str())
    }

    /// Add a parsed selector under its source text, unless the set holds it already.
    pub fn insert(&mut self, source: &str, selector: Selector) {
        if !self.list.iter().any(|(s, _)| s == source) {
            self.list.push((source.to_string(), selector));
        }
    }

    /// Add every selector of another set that this one does not hold.
    pub fn merge(&mut self, other: &Selectors) {
        for (s, sel) in &other.list {
            self.insert(s, sel.clone());
        }
    }

    /// Compile selectors; an invalid one is returned as the error.
    pub fn new<'a>(selectors: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut list = Vec::new();
        for s in selectors {
            let sel = Selector::parse(s).map_err(|e| format!("invalid selector `{s}`: {e}"))?;
            list.push((s.to_string(), sel));
        }
        Ok(Selectors { list })
    }
}
