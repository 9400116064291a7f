use super::*;

const PACK: &str = "[pack]\nid = \"p\"\ntitle = \"计划\"\nyear = 2021\n\n[[task]]\nnumber = 1\nheading = \"h\"\nrequirement = \"r\"\nlead = [\"办公室\"]\n\n[[task]]\nnumber = 2\nheading = \"h\"\nrequirement = \"r2\"\nlead = [\"财务处\"]\nothers = [\"业务处（室）\"]\n";

fn rule(id: &str, extra: &str) -> String {
    format!("[[rule]]\nid = \"{id}\"\ntask = 1\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = {{ seed = \"任务1\" }}\nlocate = {{ title = \"x\" }}\n{extra}\n")
}

fn load(files: &[(&str, &str)]) -> Result<RulePack, PackErrors> {
    let files: Vec<SourceFile> = files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
    RulePack::load(&SourceFile::new("pack.toml", PACK), &files)
}

fn errors(files: &[(&str, &str)]) -> Vec<PackError> {
    load(files).expect_err("pack should be rejected").0
}

#[test]
fn valid_pack_loads_and_defaults_divisions_to_the_task() {
    let text = rule("a", "[[rule.checks]]\nkind = \"exists\"");
    let pack = load(&[("a.toml", &text)]).unwrap();
    assert_eq!(pack.rules.len(), 1);
    assert_eq!(pack.rules[0].divisions.lead, vec!["办公室"]);
    assert_eq!(pack.rules[0].origin.line, 2);
    assert_eq!(pack.plan.tasks.len(), 2);
}

#[test]
fn unknown_key_names_file_line_column_and_rule() {
    let text = rule("a", "colour = \"red\"\n[[rule.checks]]\nkind = \"exists\"");
    let e = &errors(&[("a.toml", &text)])[0];
    assert_eq!(e.file, "a.toml");
    assert_eq!(e.line, 10, "{e}");
    assert_eq!(e.column, 1, "{e}");
    assert_eq!(e.rule_id.as_deref(), Some("a"));
    assert!(e.to_string().contains("colour"), "{e}");
    assert!(e.to_string().starts_with("a.toml:10:1: rule `a`:"), "{e}");
}

#[test]
fn wrong_type_is_an_error() {
    let text = rule("a", "[[rule.checks]]\nkind = \"exists\"\nmin = \"two\"");
    let e = &errors(&[("a.toml", &text)])[0];
    assert_eq!(e.line, 12, "{e}");
    assert_eq!(e.rule_id.as_deref(), Some("a"));
}

#[test]
fn invalid_regex_and_full_width_regex() {
    let text = rule(
        "a",
        "[[rule.checks]]\nkind = \"text\"\npattern = \"(unclosed\"",
    );
    let e = &errors(&[("a.toml", &text)])[0];
    assert!(matches!(e.kind, PackErrorKind::InvalidRegex { .. }), "{e}");
    assert_eq!((e.line, e.column), (12, 11), "{e}");
    let text = rule(
        "b",
        "[[rule.checks]]\nkind = \"text\"\npattern = \"国务院令（711号）\"",
    );
    let e = &errors(&[("b.toml", &text)])[0];
    assert!(e.to_string().contains("（"), "{e}");
}

#[test]
fn invalid_selector() {
    let text = rule(
        "a",
        "[[rule.checks]]\nkind = \"text\"\nselector = \"div[[\"\npattern = \"x\"",
    );
    let e = &errors(&[("a.toml", &text)])[0];
    assert!(
        matches!(e.kind, PackErrorKind::InvalidSelector { .. }),
        "{e}"
    );
    assert_eq!(e.line, 12);
}

#[test]
fn duplicate_ids_across_files() {
    let a = rule("same", "[[rule.checks]]\nkind = \"exists\"");
    let es = errors(&[("a.toml", &a), ("b.toml", &a)]);
    assert_eq!(es.len(), 1);
    assert_eq!(es[0].file, "b.toml");
    assert!(
        es[0].to_string().contains("first defined in a.toml:2"),
        "{}",
        es[0]
    );
}

#[test]
fn unknown_task() {
    let text = rule("a", "[[rule.checks]]\nkind = \"exists\"").replace("task = 1", "task = 33");
    let e = &errors(&[("a.toml", &text)])[0];
    assert_eq!(
        e.kind,
        PackErrorKind::UnknownTask {
            task: 33,
            range: "1–2".into()
        }
    );
    assert_eq!((e.line, e.column), (3, 8));
}

#[test]
fn all_errors_of_a_pack_are_listed() {
    let a = format!(
        "{}{}",
        rule("one", "[[rule.checks]]\nkind = \"nope\""),
        rule("two", "[[rule.checks]]\nkind = \"fresh\"")
    );
    let b = "[[rule]\nid = ";
    let es = errors(&[("a.toml", &a), ("b.toml", b)]);
    assert_eq!(es.len(), 3, "{:#?}", es);
    assert!(es[0].to_string().contains("unknown check kind `nope`"));
    assert_eq!(es[1].rule_id.as_deref(), Some("two"));
    assert!(
        es[1].to_string().contains("needs `max_age_days`"),
        "{}",
        es[1]
    );
    assert!(matches!(es[2].kind, PackErrorKind::Syntax(_)));
    assert_eq!(es[2].line, 1);
    let shown = PackErrors(es).to_string();
    assert!(shown.starts_with("3 error(s)"), "{shown}");
}

#[test]
fn fields_that_do_not_apply_to_a_kind() {
    let text = rule("a", "[[rule.checks]]\nkind = \"exists\"\nmax_age_days = 3");
    let e = &errors(&[("a.toml", &text)])[0];
    assert!(
        e.to_string()
            .contains("`max_age_days` does not apply to a `exists` check"),
        "{e}"
    );
}

#[test]
fn manual_rules_only_take_evidence() {
    let text = rule("a", "[[rule.checks]]\nkind = \"exists\"")
        .replace("mode = \"auto\"", "mode = \"manual\"");
    let e = &errors(&[("a.toml", &text)])[0];
    assert!(e.to_string().contains("manual rule"), "{e}");
    let ok = "[[rule]]\nid = \"m\"\ntask = 1\ntitle = \"t\"\nseverity = \"low\"\nmode = \"manual\"\nexpect = \"e\"\nsource = { seed = \"任务1\" }\n";
    let pack = load(&[("m.toml", ok)]).unwrap();
    let check = &pack.rules[0].checks[0];
    let records = check.downcast_ref::<crate::check::evidence::Records>();
    assert!(matches!(
        records,
        Some(crate::check::evidence::Records { min: 1, .. })
    ));
}

#[test]
fn nested_checks_and_bad_enum_values() {
    let text = rule(
        "a",
        "[[rule.checks]]\nkind = \"any\"\n[[rule.checks.checks]]\nkind = \"exists\"\n[[rule.checks.checks]]\nkind = \"text\"\nkeywords = [\"x\"]\npages = \"most\"",
    );
    let e = &errors(&[("a.toml", &text)])[0];
    assert!(e.to_string().contains("`pages` is `any` or `every`"), "{e}");
    assert_eq!(e.line, 17);
    let text = rule("b", "[[rule.checks]]\nkind = \"exists\"")
        .replace("mode = \"auto\"", "mode = \"robot\"");
    let e = &errors(&[("b.toml", &text)])[0];
    assert!(e.to_string().contains("robot"), "{e}");
    assert_eq!(e.line, 6);
}

#[test]
fn bad_pack_file() {
    let e = RulePack::load(&SourceFile::new("pack.toml", "[pack]\nid = 1\n"), &[]).unwrap_err();
    assert_eq!(e.0[0].line, 2);
    let e = RulePack::load(
        &SourceFile::new("pack.toml", PACK.replace("number = 2", "number = 1")),
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().contains("defined twice"), "{e}");
}

#[test]
fn hostile_inputs_do_not_panic() {
    // An empty rule file is valid (a task skeleton with no rule yet).
    assert!(load(&[("x.toml", "")]).is_ok());
    let samples = [
        "[[rule]]",
        "rule = 3",
        "[[rule]]\nid = \"\"\ntask = -1",
        "[[rule]]\nid = \"a\"\ntask = 99999999999",
        "[rule]\nid = \"a\"",
        "\u{0}\u{feff}",
        "[[rule]]\nid = \"a b\"\ntask = 1\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"\"\nsource = { seed = \"s\" }\n[[rule.checks]]\nkind = \"not\"\nchecks = []",
    ];
    for s in samples {
        assert!(load(&[("x.toml", s)]).is_err(), "{s:?} should be rejected");
    }
}

#[test]
fn current_version_dates_are_checked_where_written() {
    let text = rule(
        "a",
        "[[rule.checks]]\nkind = \"current_version\"\nversions = [\n  { title = \"娱乐场所管理条例\", dates = [\"2006-01-29\"] },\n  { title = \"旅行社条例\", dates = [\"2009-02-30\"] },\n]",
    );
    let e = &errors(&[("a.toml", &text)])[0];
    assert_eq!((e.line, e.column), (14, 3), "{e}");
    assert!(e.to_string().contains("2009-02-30"), "{e}");
    let text = rule(
        "b",
        "[[rule.checks]]\nkind = \"current_version\"\nversions = [{ title = \"旅行社条例\", dates = [], colour = 1 }]",
    );
    let e = &errors(&[("b.toml", &text)])[0];
    assert!(e.to_string().contains("colour"), "{e}");
    let text = rule("c", "[[rule.checks]]\nkind = \"links_available\"\nmax = -1");
    let e = &errors(&[("c.toml", &text)])[0];
    assert!(e.to_string().contains("`max`"), "{e}");
}

#[test]
fn availability_numbers_are_checked_where_written() {
    let text = rule(
        "a",
        "[[rule.checks]]\nkind = \"availability\"\nslow_seconds = 15\nmax_share = 2.0\ndays = 7\nmin_probes = 140",
    );
    let errs = errors(&[("a.toml", &text)]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!((e.line, e.column), (13, 13), "{e}");
    assert!(
        e.to_string()
            .starts_with("a.toml:13:13: rule `a`: `max_share` must be a share between 0 and 1"),
        "{e}"
    );
    for (bad, field) in [
        ("slow_seconds = 0", "`slow_seconds`"),
        ("slow_seconds = -3.5", "`slow_seconds`"),
        ("days = 0", "`days`"),
        ("min_probes = -1", "`min_probes`"),
        ("max = 3", "`max` does not apply"),
        ("max_share = \"5%\"", "invalid type"),
    ] {
        let text = rule(
            "b",
            &format!("[[rule.checks]]\nkind = \"availability\"\n{bad}"),
        );
        let e = &errors(&[("b.toml", &text)])[0];
        assert_eq!(e.line, 12, "{bad}: {e}");
        assert!(e.to_string().contains(field), "{bad}: {e}");
    }
    // Integers are accepted where a number is; every field has a default.
    let text = rule(
        "c",
        "[[rule.checks]]\nkind = \"availability\"\nslow_seconds = 7.5\nmax_share = 0\n[[rule.checks]]\nkind = \"availability\"",
    );
    let pack = load(&[("c.toml", &text)]).unwrap();
    use crate::check::availability::Availability;
    let given = pack.rules[0].checks[0].downcast_ref::<Availability>();
    let defaults = pack.rules[0].checks[1].downcast_ref::<Availability>();
    match (given, defaults) {
        (
            Some(Availability {
                slow_millis: 7500,
                max_share,
                ..
            }),
            Some(Availability {
                slow_millis: 15_000,
                max_share: default_share,
                days: 7,
                min_probes: 140,
            }),
        ) => {
            assert_eq!(*max_share, 0.0);
            assert_eq!(*default_share, 0.05);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn replies_fields_are_checked_where_written() {
    let text = rule(
        "a",
        "[[rule.checks]]\nkind = \"replies\"\nmax_delay_days = -90\nsince_days = 365",
    );
    let errs = errors(&[("a.toml", &text)]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!((e.line, e.column), (12, 18), "{e}");
    assert!(
        e.to_string().starts_with(
            "a.toml:12:18: rule `a`: `max_delay_days` must be a number of days between 0 and 3660, not -90"
        ),
        "{e}"
    );
    for (bad, field) in [
        ("since_days = 0\nmax_delay_days = 90", "`since_days`"),
        ("latest_reply_within_days = \"60\"", "invalid type"),
        ("asked = \"(咨询\"\nmax_delay_days = 90", "(咨询"),
        (
            "replied = \"答复（日期）\"\nmax_delay_days = 90",
            "full-width",
        ),
        (
            "since_days = 365\nlatest_reply_within_days = 60",
            "`since_days` applies",
        ),
        ("min = 1\nmax_delay_days = 90", "`min` does not apply"),
    ] {
        let text = rule("b", &format!("[[rule.checks]]\nkind = \"replies\"\n{bad}"));
        let e = &errors(&[("b.toml", &text)])[0];
        assert_eq!(e.line, 12, "{bad}: {e}");
        assert!(e.to_string().contains(field), "{bad}: {e}");
    }
    // Neither limit: the check has nothing to judge.
    let text = rule("c", "[[rule.checks]]\nkind = \"replies\"");
    let e = &errors(&[("c.toml", &text)])[0];
    assert!(
        e.to_string()
            .contains("needs `max_delay_days` and/or `latest_reply_within_days`"),
        "{e}"
    );
    // Defaults: the built-in labels and a window of 365 days.
    let text = rule(
        "d",
        "[[rule.checks]]\nkind = \"replies\"\nmax_delay_days = 90",
    );
    let pack = load(&[("d.toml", &text)]).unwrap();
    use crate::check::replies::{Replies, ReplyLimits};
    match pack.rules[0].checks[0].downcast_ref::<Replies>() {
        Some(Replies {
            asked,
            replied,
            limits:
                ReplyLimits {
                    max_delay_days: Some(90),
                    since_days: 365,
                    latest_reply_within_days: None,
                },
        }) => {
            assert!(asked.is_match("留言时间") && replied.is_match("答复日期"));
        }
        other => panic!("{other:?}"),
    }
}
