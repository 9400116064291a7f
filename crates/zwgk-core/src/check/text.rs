//! `text`: page text matches a regex or key words. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    attached, describe_field, pages_field, per_page, Check, CheckResult, Context, Evaluate,
    Example, Field, Kind, PageVerdict,
};
use crate::pack::CheckCompiler;
use crate::page::PageFacts;
use crate::rule::{Pattern, Quantifier};
use crate::text;

/// `text`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "text",
    summary: "page text matches",
    what: "The normalised body text (or the title, or the text of the elements a CSS \
`selector` matches) contains a match of `pattern`, or the `keywords` (all of them, or any \
one with `match = \"any\"`). Matching is on normalised text: full-width punctuation is \
folded to ASCII, so write `(` and `:` in patterns, never `（` or `：`. A page whose body \
text fails is read again with the text of its document attachments (PDF, DOC, XLS, …); a \
short cover page whose attachment gave no text (not fetched, or a scan) is `incomplete`, \
never `fail`.",
    why: "Requirements name content that must be stated, e.g. the 公开指南 must give the \
office's address, hours, phone and fax (《政府信息公开条例》第十二条).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "text"
keywords = ["办公地址", "办公时间", "联系电话", "传真"]
match = "all""#,
        passes: "a guide listing all four",
        fails: "a guide without 传真 (the message names the missing key word)",
    },
    clause: "per rule",
    fields: &[
        Field {
            name: "pattern",
            ty: "regex",
            default: Some("none: give `pattern` or `keywords`"),
            meaning: "a regex on the normalised text, e.g. `国务院令第711号`",
        },
        Field {
            name: "keywords",
            ty: "list of strings",
            default: Some("none: give `pattern` or `keywords`"),
            meaning: "literal key words (normalised for you)",
        },
        Field {
            name: "match",
            ty: "\"all\" | \"any\"",
            default: Some("`all`"),
            meaning: "with `keywords`: every word is needed, or one suffices",
        },
        Field {
            name: "in",
            ty: "\"text\" | \"title\"",
            default: Some("`text`"),
            meaning: "read the body text or the title",
        },
        Field {
            name: "selector",
            ty: "CSS selector",
            default: Some("none: the whole text"),
            meaning: "read only the text of these elements, e.g. `div.article-content`",
        },
        pages_field("`any`"),
        describe_field("what the pattern looks for, in words (`12345热线入口`): a failing page is said to lack it"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    pattern: Option<Spanned<String>>,
    keywords: Option<Spanned<Vec<String>>>,
    #[serde(rename = "match")]
    match_: Option<Spanned<String>>,
    #[serde(rename = "in")]
    in_: Option<Spanned<String>>,
    selector: Option<Spanned<String>>,
    pages: Option<Spanned<String>>,
    describe: Option<Spanned<String>>,
}

/// Which text a text check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// The whole normalised body text.
    Body,
    /// The page title.
    Title,
    /// The text of elements matched by a selector (its source text).
    Selector(String),
}

/// What a text check looks for.
#[derive(Debug, Clone)]
enum Matcher {
    /// A regex on normalised text.
    Pattern(Pattern),
    /// Literal key words (normalised at load time); `all` = every word, else any.
    Keywords { words: Vec<String>, all: bool },
}

fn matcher(c: &mut CheckCompiler<'_, '_, '_>, f: &Fields) -> Option<Matcher> {
    match (&f.pattern, &f.keywords) {
        (Some(p), None) => {
            if let Some(m) = &f.match_ {
                c.invalid(m.span(), "`match` applies to `keywords`, not `pattern`");
                return None;
            }
            Some(Matcher::Pattern(c.pattern(p)?))
        }
        (None, Some(kw)) => {
            let words: Vec<String> = kw
                .get_ref()
                .iter()
                .map(|w| text::normalize_line(w))
                .filter(|w| !w.is_empty())
                .collect();
            if words.is_empty() {
                c.invalid(kw.span(), "`keywords` must hold at least one word");
                return None;
            }
            let all = match f.match_.as_ref().map(|m| (m.get_ref().as_str(), m.span())) {
                None | Some(("all", _)) => true,
                Some(("any", _)) => false,
                Some((other, s)) => {
                    c.invalid(s, format!("`match` is `all` or `any`, not `{other}`"));
                    return None;
                }
            };
            Some(Matcher::Keywords { words, all })
        }
        (Some(_), Some(kw)) => {
            c.invalid(kw.span(), "give `pattern` or `keywords`, not both");
            None
        }
        (None, None) => {
            c.required("pattern` or `keywords");
            None
        }
    }
}

fn scope(c: &mut CheckCompiler<'_, '_, '_>, f: &Fields) -> Option<Scope> {
    match (&f.in_, &f.selector) {
        (Some(_), Some(s)) => {
            c.invalid(s.span(), "give `in` or `selector`, not both");
            None
        }
        (None, Some(s)) => c
            .selector(s)
            .then(|| Scope::Selector(s.get_ref().clone())),
        (Some(i), None) => match i.get_ref().as_str() {
            "text" | "body" => Some(Scope::Body),
            "title" => Some(Scope::Title),
            other => {
                c.invalid(
                    i.span(),
                    format!("`in` is `text` or `title`, not `{other}`"),
                );
                None
            }
        },
        (None, None) => Some(Scope::Body),
    }
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let matcher = matcher(c, &f)?;
    let scope = scope(c, &f)?;
    Some(Check::new(Text {
        matcher,
        scope,
        pages: c.pages(&f.pages, Quantifier::Any)?,
        describe: c.describe(&f.describe),
    }))
}

/// A compiled `text` check.
#[derive(Debug)]
pub(crate) struct Text {
    matcher: Matcher,
    scope: Scope,
    pages: Quantifier,
    describe: Option<String>,
}

/// Characters of context shown on each side of a match.
const CONTEXT: usize = 30;

fn scoped(page: &PageFacts, scope: &Scope) -> String {
    match scope {
        Scope::Body => page.text.as_str().into_owned(),
        Scope::Title => page.title.clone(),
        Scope::Selector(s) => page
            .selected
            .get(s)
            .map(|v| v.join("\n"))
            .unwrap_or_default(),
    }
}

/// A short excerpt of `text` around the byte range `start..end`.
fn around(text: &str, start: usize, end: usize) -> String {
    let before: String = text[..start]
        .chars()
        .rev()
        .take(CONTEXT)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[end..].chars().take(CONTEXT).collect();
    format!("…{}{}{}…", before, &text[start..end], after).replace('\n', " ")
}

impl Evaluate for Text {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        per_page(cx, KIND.name, self.pages, |page| {
            let verdict = self.test(&scoped(page, &self.scope));
            if self.scope == Scope::Body {
                attached::reconsider(cx, page, verdict, |text| self.test(text))
            } else {
                verdict
            }
        })
    }
}

impl Text {
    fn test(&self, text: &str) -> PageVerdict {
        match &self.matcher {
            Matcher::Pattern(p) => match p.regex.find(text) {
                Some(m) => PageVerdict::Pass(around(text, m.start(), m.end())),
                None => PageVerdict::Fail(match &self.describe {
                    Some(d) => format!("页面未包含{d}"),
                    None => format!("页面未包含匹配「{}」的内容", p.source),
                }),
            },
            Matcher::Keywords { words, all } => keywords(text, words, *all),
        }
    }
}

fn keywords(text: &str, words: &[String], all: bool) -> PageVerdict {
    let found: Vec<(&String, usize)> = words
        .iter()
        .filter_map(|w| text.find(w.as_str()).map(|i| (w, i)))
        .collect();
    let missing: Vec<&str> = words
        .iter()
        .filter(|w| !found.iter().any(|(f, _)| f == w))
        .map(String::as_str)
        .collect();
    let ok = if all {
        missing.is_empty()
    } else {
        !found.is_empty()
    };
    if ok {
        let (w, i) = found[0];
        PageVerdict::Pass(around(text, i, i + w.len()))
    } else if all {
        PageVerdict::Fail(format!("页面缺少关键词：{}", missing.join("、")))
    } else {
        PageVerdict::Fail(format!("页面未包含任一关键词：{}", words.join("、")))
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const GUIDE: &str = "<title>政府信息公开指南</title><p>办公地址：广州市</p><p>办公时间：工作日</p><p>联系电话：020-1</p>";

    #[test]
    fn keywords_all_and_any() {
        let site = site(&[("/guide.html", GUIDE)]);
        let all = run(
            &site,
            r#"locate = { title = "指南" }
[[rule.checks]]
kind = "text"
keywords = ["办公地址", "办公时间", "联系电话", "传真"]"#,
        );
        assert_eq!(all.outcome, Outcome::Fail);
        assert!(all.message.contains("传真"), "{}", all.message);
        let any = run(
            &site,
            r#"locate = { title = "指南" }
[[rule.checks]]
kind = "text"
keywords = ["传真", "联系电话"]
match = "any""#,
        );
        assert_eq!(any.outcome, Outcome::Pass, "{}", any.message);
    }

    #[test]
    fn pattern_on_normalised_text_and_title() {
        let site = site(&[(
            "/a.html",
            "<title>规划</title><p>依据《条例》（国务院令第711号）</p>",
        )]);
        let pass = run(
            &site,
            r#"locate = { url = "a\\.html" }
[[rule.checks]]
kind = "text"
pattern = "国务院令第711号\\)""#,
        );
        assert_eq!(pass.outcome, Outcome::Pass, "{}", pass.message);
        assert!(pass.evidence[0].excerpt.contains("711"));
        let title = run(
            &site,
            r#"locate = { url = "a\\.html" }
[[rule.checks]]
kind = "text"
in = "title"
pattern = "条例""#,
        );
        assert_eq!(title.outcome, Outcome::Fail);
    }
}
