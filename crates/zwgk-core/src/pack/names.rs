//! The names a rule may use in braces, so that no rule file spells the department, its
//! year or a site's wording: `{year}`, `{year+1}`, `{year-1}` (the plan year), the
//! department's names from `pack.toml`'s `[department]` (`{department}`, `{predecessors}`,
//! `{number_prefixes}`, `{own_units}`), and the vocabularies (`{policy_links}`, …): the
//! built-in ones of [`DEFAULT_VOCABULARY`], which `[vocabulary]` may replace or add to.
//!
//! In a pattern a list becomes an alternation of its words, each taken literally
//! (`{department}` → `(?:广东省文化和旅游厅|省文化和旅游厅)`); in a text (a rule's title or
//! `expect`) it becomes its first word, or for a vocabulary its words joined with 、. A regex
//! repetition such as `\d{4}` is left alone: only lowercase names are names.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// A vocabulary the rules read: its name, its meaning and its built-in words.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct VocabularyDefault {
    /// The name rules write in braces.
    pub name: &'static str,
    /// What the words are.
    pub meaning: &'static str,
    /// The words, when the pack gives none.
    pub words: &'static [&'static str],
}

/// The built-in vocabularies (the labels real sites use), each replaceable in `pack.toml`.
pub const DEFAULT_VOCABULARY: &[VocabularyDefault] = &[
    VocabularyDefault {
        name: "policy_links",
        meaning: "labels of the link from an interpretation back to its policy document",
        words: &[
            "原文",
            "原文链接",
            "政策原文",
            "相关文件",
            "相关政策",
            "文件链接",
            "政策文件",
        ],
    },
    VocabularyDefault {
        name: "interpretation_links",
        meaning: "labels of the link from a policy document to its interpretation",
        words: &[
            "解读",
            "相关解读",
            "解读材料",
            "图解",
            "图文解读",
            "政策解读",
            "视频解读",
            "一图读懂",
        ],
    },
    VocabularyDefault {
        name: "interpretation_titles",
        meaning: "words in the title of an interpretation",
        words: &["解读", "图解", "一图读懂", "图文解读", "问答"],
    },
    VocabularyDefault {
        name: "asked_labels",
        meaning: "labels of the date a question or message was asked",
        words: &[
            "咨询日期",
            "咨询时间",
            "留言日期",
            "留言时间",
            "提问时间",
            "来信时间",
            "来信日期",
        ],
    },
    VocabularyDefault {
        name: "answer_labels",
        meaning: "labels of the date a question or message was answered",
        words: &[
            "答复日期",
            "答复时间",
            "回复日期",
            "回复时间",
            "办理时间",
            "办结时间",
            "处理时间",
        ],
    },
    VocabularyDefault {
        name: "decision_date_labels",
        meaning: "labels of the date an enforcement decision was made",
        words: &[
            "许可决定日期",
            "处罚决定日期",
            "作出决定日期",
            "决定日期",
            "决定时间",
        ],
    },
    VocabularyDefault {
        name: "application_form_links",
        meaning: "labels of the link to a form, or of the page offering it",
        words: &[
            "申请表",
            "申请书",
            "表格下载",
            "下载",
            "依申请公开",
            "申请指南",
        ],
    },
];

/// A name and its words.
pub(crate) type NameList = BTreeMap<String, Vec<String>>;

/// The names of a pack: the plan year and the lists.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    year: i32,
    lists: NameList,
}

static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([a-z_]+)([+-]\d{1,2})?\}").expect("valid regex"));

/// Why a name in braces cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownName(pub String);

impl Names {
    /// The names of a plan year and the given lists (the department's and the
    /// vocabularies, defaults already applied).
    pub fn new(year: i32, lists: NameList) -> Self {
        Names { year, lists }
    }

    /// The names known, for messages.
    pub fn known(&self) -> String {
        let mut names = vec!["year".to_string()];
        names.extend(self.lists.keys().cloned());
        names.join(", ")
    }

    fn expand(&self, s: &str, list: impl Fn(&[String]) -> String) -> Result<String, UnknownName> {
        if !s.contains('{') {
            return Ok(s.to_string());
        }
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for c in NAME.captures_iter(s) {
            let whole = c.get(0).expect("a match");
            let name = &c[1];
            let offset: i32 = c.get(2).map_or(0, |m| m.as_str().parse().unwrap_or(0));
            let value = if name == "year" {
                (self.year + offset).to_string()
            } else {
                match self.lists.get(name) {
                    Some(words) if c.get(2).is_none() && !words.is_empty() => list(words),
                    _ => return Err(UnknownName(whole.as_str().to_string())),
                }
            };
            out.push_str(&s[last..whole.start()]);
            out.push_str(&value);
            last = whole.end();
        }
        out.push_str(&s[last..]);
        Ok(out)
    }

    /// A regex with its names expanded: a list as an alternation of its words, each literal.
    pub fn pattern(&self, s: &str) -> Result<String, UnknownName> {
        self.expand(s, |words| {
            let alts: Vec<String> = words
                .iter()
                .map(|w| regex::escape(&crate::text::normalize_line(w)))
                .collect();
            format!("(?:{})", alts.join("|"))
        })
    }

    /// A text with its names expanded: a list as its first word.
    pub fn text(&self, s: &str) -> Result<String, UnknownName> {
        self.expand(s, |words| words[0].clone())
    }

    /// The words of a list (a vocabulary or the department's names).
    pub fn words(&self, name: &str) -> Option<&[String]> {
        self.lists.get(name).map(Vec::as_slice)
    }
}

/// The lists of a pack: the built-in vocabularies, replaced or added to by `[vocabulary]`,
/// and the department's names.
pub(crate) fn lists(
    vocabulary: &BTreeMap<String, Vec<String>>,
    department: Option<&crate::plan::Department>,
) -> NameList {
    let mut lists: NameList = DEFAULT_VOCABULARY
        .iter()
        .map(|v| {
            (
                v.name.to_string(),
                v.words.iter().map(|w| w.to_string()).collect(),
            )
        })
        .collect();
    for (name, words) in vocabulary {
        lists.insert(name.clone(), words.clone());
    }
    if let Some(d) = department {
        let mut names = vec![d.name.clone()];
        names.extend(d.aliases.iter().cloned());
        lists.insert("department".into(), names);
        for (key, words) in [
            ("predecessors", &d.predecessors),
            ("number_prefixes", &d.number_prefixes),
            ("own_units", &d.own_units),
        ] {
            if !words.is_empty() {
                lists.insert(key.into(), words.clone());
            }
        }
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let mut lists = NameList::new();
        lists.insert(
            "department".into(),
            vec!["广东省文化和旅游厅".into(), "省文旅厅".into()],
        );
        lists.insert(
            "policy_links".into(),
            vec!["原文".into(), "相关文件".into()],
        );
        Names::new(2021, lists)
    }

    #[test]
    fn names_expand_in_patterns_and_texts() {
        let n = names();
        assert_eq!(
            n.pattern("{department}.*{year}年度?部门预算").unwrap(),
            "(?:广东省文化和旅游厅|省文旅厅).*2021年度?部门预算"
        );
        assert_eq!(n.pattern("{year+1}-01|{year-1}").unwrap(), "2022-01|2020");
        assert_eq!(n.pattern(r"\d{4}年\d{1,2}月").unwrap(), r"\d{4}年\d{1,2}月");
        assert_eq!(
            n.text("{department}{year}年部门预算").unwrap(),
            "广东省文化和旅游厅2021年部门预算"
        );
        assert_eq!(n.pattern("{unknown}"), Err(UnknownName("{unknown}".into())));
        assert_eq!(
            n.pattern("{department+1}"),
            Err(UnknownName("{department+1}".into()))
        );
    }

    #[test]
    fn vocabulary_words_are_literal_and_normalised() {
        let mut lists = NameList::new();
        lists.insert("labels".into(), vec!["原文（链接）".into(), "a.b".into()]);
        let n = Names::new(2021, lists);
        let p = n.pattern("{labels}").unwrap();
        assert_eq!(p, r"(?:原文\(链接\)|a\.b)");
        assert!(Regex::new(&p).unwrap().is_match("原文(链接)"));
    }
}
