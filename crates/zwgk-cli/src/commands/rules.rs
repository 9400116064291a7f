//! `zwgk rules lint`, `import`, `test` and `docs`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use zwgk_core::plan_import::{parse_plan_table, ImportedPlan, ImportedTask};
use zwgk_crawl::inputs::{load_pack, InputError};

use crate::cli::{DocsArgs, DocsFormat, ImportArgs, LintArgs, TestArgs};
use crate::exit::Code;

pub fn lint(args: LintArgs) -> Code {
    match load_pack(&args.pack) {
        Ok(pack) => {
            let with_rules = pack
                .plan
                .tasks
                .iter()
                .filter(|t| pack.rules_for_task(t.number).next().is_some())
                .count();
            println!(
                "{}: ok — {} rules, {} of {} tasks have rules",
                args.pack.display(),
                pack.rules.len(),
                with_rules,
                pack.plan.tasks.len()
            );
            Code::Ok
        }
        Err(InputError::Pack(errors)) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("{}: {} error(s)", args.pack.display(), errors.0.len());
            Code::BadInput
        }
        Err(e) => {
            eprintln!("zwgk: {e}");
            Code::BadInput
        }
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ")
    )
}

fn pack_toml(
    plan: &ImportedPlan,
    id: &str,
    year: i32,
    department: Option<&str>,
    seed: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# The plan this pack checks, imported from {seed}.");
    let _ = writeln!(
        s,
        "# Rule files (*.toml beside this one) trace each rule to a task below.\n"
    );
    let _ = writeln!(s, "[pack]");
    let _ = writeln!(s, "id = {}", toml_str(id));
    let _ = writeln!(s, "title = {}", toml_str(&plan.title));
    let _ = writeln!(s, "year = {year}");
    if let Some(d) = department {
        let _ = writeln!(s, "department = {}", toml_str(d));
    }
    let _ = writeln!(s, "seed = {}", toml_str(seed));
    for t in &plan.tasks {
        let _ = writeln!(s, "\n[[task]]");
        let _ = writeln!(s, "number = {}", t.number);
        let _ = writeln!(s, "heading = {}", toml_str(&t.heading));
        let _ = writeln!(s, "requirement = {}", toml_str(&t.requirement));
        let _ = writeln!(s, "lead = {}", toml_list(&t.lead));
        let _ = writeln!(s, "others = {}", toml_list(&t.others));
    }
    s
}

fn skeleton(t: &ImportedTask, seed: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# 任务{}（{}）", t.number, t.heading);
    for line in t.requirement.lines() {
        let _ = writeln!(s, "# {line}");
    }
    let _ = writeln!(s, "# 责任部门：{}", t.division_text.replace('\n', " "));
    let _ = writeln!(
        s,
        "#\n# No rule yet: until one is written the report shows this task as"
    );
    let _ = writeln!(
        s,
        "# needs_evidence (\"no rule yet\"). Replace the example below (see rules/README.md)."
    );
    let _ = writeln!(s, "#\n# [[rule]]");
    let _ = writeln!(s, "# id = \"t{:02}-example\"", t.number);
    let _ = writeln!(s, "# task = {}", t.number);
    let _ = writeln!(s, "# title = \"…\"");
    let _ = writeln!(s, "# severity = \"medium\"");
    let _ = writeln!(
        s,
        "# mode = \"manual\"            # auto | assisted | manual"
    );
    let _ = writeln!(s, "# expect = \"…\"");
    let _ = writeln!(s, "# source = {{ seed = \"{seed} 任务{}\" }}", t.number);
    s
}

pub fn import(args: ImportArgs) -> Code {
    let text = match fs::read(&args.seed) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => return bad(&format!("{} is not UTF-8 text", args.seed.display())),
        },
        Err(e) => return bad(&format!("cannot read {}: {e}", args.seed.display())),
    };
    let plan = match parse_plan_table(&text) {
        Ok(p) => p,
        Err(e) => return bad(&format!("{}: {e}", args.seed.display())),
    };
    let Some(year) = plan.year else {
        return bad(&format!(
            "{}: the title names no plan year",
            args.seed.display()
        ));
    };
    if let Err(e) = fs::create_dir_all(&args.out) {
        return bad(&format!("cannot create {}: {e}", args.out.display()));
    }
    let id = args.id.clone().unwrap_or_else(|| {
        args.out
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "pack".to_string())
    });
    let seed = args.seed.display().to_string();
    let mut files = vec![(
        "pack.toml".to_string(),
        pack_toml(&plan, &id, year, args.department.as_deref(), &seed),
    )];
    for t in &plan.tasks {
        files.push((format!("task-{:02}.toml", t.number), skeleton(t, &seed)));
    }
    let (mut written, mut kept) = (0, 0);
    for (name, content) in files {
        let path = args.out.join(&name);
        match write_new(&path, &content) {
            Ok(true) => written += 1,
            Ok(false) => {
                kept += 1;
                eprintln!("kept existing {}", path.display());
            }
            Err(e) => return bad(&format!("cannot write {}: {e}", path.display())),
        }
    }
    println!(
        "{} tasks imported from {}: {written} file(s) written, {kept} existing file(s) kept, in {}",
        plan.tasks.len(),
        args.seed.display(),
        args.out.display()
    );
    Code::Ok
}

/// Create a file only if it does not exist; `Ok(false)` when it does.
fn write_new(path: &Path, content: &str) -> std::io::Result<bool> {
    use std::io::Write;
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => {
            f.write_all(content.as_bytes())?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

fn bad(msg: &str) -> Code {
    eprintln!("zwgk: {msg}");
    Code::BadInput
}

pub fn test(args: TestArgs) -> Code {
    let pack = match load_pack(&args.pack) {
        Ok(p) => p,
        Err(InputError::Pack(errors)) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            return Code::BadInput;
        }
        Err(e) => return bad(&e.to_string()),
    };
    let dir = args.pack.join("tests");
    let mut files: Vec<_> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect(),
        Err(e) => return bad(&format!("cannot read {}: {e}", dir.display())),
    };
    files.sort();
    let mut results = Vec::new();
    for path in &files {
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return bad(&format!("cannot read {}: {e}", path.display())),
        };
        let file = zwgk_core::SourceFile::new(path.display().to_string(), text);
        match zwgk_core::ruletest::run_file(&pack, &file) {
            Ok(mut r) => results.append(&mut r),
            Err(e) => return bad(&e.to_string()),
        }
    }
    let width = results
        .iter()
        .map(|r| r.rule.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:<width$}  {:<16} {:<16} case", "rule", "expected", "got");
    for r in &results {
        let mark = if r.passed() { "ok  " } else { "FAIL" };
        println!(
            "{:<width$}  {:<16} {:<16} {mark} {} ({})",
            r.rule,
            r.expected.as_str(),
            r.got.as_str(),
            r.name,
            r.origin
        );
        if !r.passed() {
            println!("{:<width$}  {}", "", r.message);
        }
    }
    let untested: Vec<&str> = pack
        .rules
        .iter()
        .filter(|rule| !results.iter().any(|r| r.rule == rule.id))
        .map(|rule| rule.id.as_str())
        .collect();
    if !untested.is_empty() {
        println!(
            "\nrules without test cases ({}): {}",
            untested.len(),
            untested.join(", ")
        );
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    println!(
        "\nrule tests: {} passed, {failed} failed",
        results.len() - failed
    );
    if failed > 0 {
        Code::Failures
    } else {
        Code::Ok
    }
}

/// `zwgk rules docs`: the check-kind reference, printed, checked against a file or written into it.
pub fn docs(args: DocsArgs) -> Code {
    use zwgk_core::check::reference;
    let file = args.check.as_ref().or(args.write.as_ref());
    let Some(path) = file else {
        match args.format {
            DocsFormat::Markdown => print!("{}", reference::markdown()),
            DocsFormat::Json => match serde_json::to_string_pretty(zwgk_core::check::kinds()) {
                Ok(json) => println!("{json}"),
                Err(e) => return bad(&e.to_string()),
            },
        }
        return Code::Ok;
    };
    if args.format != DocsFormat::Markdown {
        return bad("--check and --write compare and write the Markdown reference");
    }
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return bad(&format!("{}: {e}", path.display())),
    };
    if args.check.is_some() {
        return match reference::is_current(&text) {
            Ok(true) => Code::Ok,
            Ok(false) => {
                eprintln!(
                    "zwgk: {}: the check-kind reference is stale; run `zwgk rules docs --write {}`",
                    path.display(),
                    path.display()
                );
                Code::Failures
            }
            Err(e) => bad(&format!("{}: {e}", path.display())),
        };
    }
    let updated = match reference::updated(&text) {
        Ok(u) => u,
        Err(e) => return bad(&format!("{}: {e}", path.display())),
    };
    if updated != text {
        if let Err(e) = zwgk_report::write_atomic(path, updated.as_bytes()) {
            return bad(&format!("{}: {e}", path.display()));
        }
    }
    Code::Ok
}
