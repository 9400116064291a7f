//! HTML: one self-contained page for people.
//!
//! The page has a header (target, evaluation date, rule pack, outcome counts), a
//! task table that can be filtered by outcome, division and free text and sorted
//! by task number, outcome or division, per task the plan's requirement and its
//! rules with messages and evidence, a view per responsible division (责任部门),
//! an SVG bar chart of task outcomes by division and, given a trend of earlier
//! scans ([`Html::with_trend`], two points or more), SVG charts of outcomes over
//! scans.
//!
//! The file loads nothing: CSS, JavaScript and SVG are inline, and a strict
//! `Content-Security-Policy` (in a `<meta>` element) allows only the page's own
//! script and style, by their SHA-256 hashes. Every string of the report (much of
//! it quoted from crawled pages) is HTML-escaped; only `http(s)` evidence URLs
//! become links. Data for the script sits in a `<script type="application/json">`
//! block and in `data-` attributes; there are no inline event handlers. Without
//! JavaScript everything is still shown, only the filters are hidden.

use std::fmt::Write as _;
use std::io::Write;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use zwgk_core::report::{
    ColumnReport, ColumnState, OutcomeCounts, RuleReport, ScoreReport, ScoreVerdict, TaskReport,
};
use zwgk_core::rule::{Mode, Severity};
use zwgk_core::{Outcome, Report};

use crate::escape::{html as esc, is_web_url};
use crate::{Renderer, ReportError};

/// The page's style sheet (its hash goes into the CSP).
const STYLE: &str = include_str!("html/report.css");
/// The page's script (its hash goes into the CSP).
const SCRIPT: &str = include_str!("html/report.js");

pub use zwgk_core::report::TrendPoint;

/// The HTML renderer; [`Html::new`] without a trend, [`Html::with_trend`] with one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Html {
    trend: Vec<TrendPoint>,
}

/// The renderer [`crate::Format::Html`] hands out.
pub(crate) static PLAIN: Html = Html::new();

impl Html {
    /// A renderer without trend charts.
    pub const fn new() -> Self {
        Html { trend: Vec::new() }
    }

    /// A renderer that also draws the outcomes of earlier scans, oldest first; the
    /// charts are drawn when there are two points or more.
    ///
    /// ```
    /// use zwgk_report::html::{Html, TrendPoint};
    ///
    /// let mut december = TrendPoint { label: "2021-12-01".into(), ..TrendPoint::default() };
    /// december.tasks.fail = 12;
    /// let mut january = TrendPoint { label: "2022-01-05".into(), ..TrendPoint::default() };
    /// january.tasks.fail = 7;
    /// let html = Html::with_trend(vec![december, january]);
    /// assert_eq!(html.trend().len(), 2);
    /// ```
    pub fn with_trend(trend: Vec<TrendPoint>) -> Self {
        Html { trend }
    }

    /// The trend points given.
    pub fn trend(&self) -> &[TrendPoint] {
        &self.trend
    }

    /// Render the page to a string.
    pub fn to_html(&self, report: &Report) -> String {
        page(report, &self.trend)
    }
}

impl Renderer for Html {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        out.write_all(self.to_html(report).as_bytes())
            .map_err(|source| ReportError::Io {
                path: "<output>".into(),
                source,
            })
    }
}

/// A CSP source expression for inline content: `'sha256-…'` of its exact bytes.
pub fn csp_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Text as the HTML parser will see it: line breaks normalised to `\n`, so the
/// hash of the emitted text is the hash the browser computes.
fn normalised(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Chart colours per outcome (the CSS uses the same).
fn colour(o: Outcome) -> &'static str {
    match o {
        Outcome::Fail => "#c62828",
        Outcome::Incomplete => "#e65100",
        Outcome::NeedsEvidence => "#a66b00",
        Outcome::Pass => "#2e7d32",
        Outcome::NotApplicable => "#757575",
    }
}

fn badge(o: Outcome) -> String {
    format!(
        "<span class=\"badge o-{}\" title=\"{}\">{}</span>",
        o.as_str(),
        o.as_str(),
        o.label_zh()
    )
}

fn mode_zh(m: Mode) -> &'static str {
    match m {
        Mode::Auto => "自动",
        Mode::Assisted => "辅助（人工确认）",
        Mode::Manual => "人工",
    }
}

fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::High => "高",
        Severity::Medium => "中",
        Severity::Low => "低",
    }
}

fn total(c: &OutcomeCounts) -> usize {
    Outcome::ALL.iter().map(|o| c.get(*o)).sum()
}

/// One line, shortened to `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > max {
        let mut short: String = s.chars().take(max).collect();
        short.push('…');
        short
    } else {
        s
    }
}

fn task_list(v: &[u32]) -> String {
    if v.is_empty() {
        return "—".into();
    }
    v.iter()
        .map(|n| format!("<a href=\"#task-{n}\">{n}</a>"))
        .collect::<Vec<_>>()
        .join("、")
}

/// Every division named in the report: those of `by_division` first, then any other
/// a task names, without duplicates.
fn all_divisions(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let named = report.by_division.iter().map(|d| d.division.as_str());
    let in_tasks = report
        .tasks
        .iter()
        .flat_map(|t| t.divisions.lead.iter().chain(&t.divisions.others))
        .map(String::as_str);
    for d in named.chain(in_tasks) {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the
/// line separators escaped, so the text can neither end the element nor be read
/// as markup. These characters only occur inside JSON strings, where `\uXXXX`
/// means the same.
pub fn json_for_script(value: &serde_json::Value) -> String {
    let raw = value.to_string();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn page(report: &Report, trend: &[TrendPoint]) -> String {
    let style = normalised(STYLE);
    let script = normalised(SCRIPT);
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(&script),
        csp_hash(&style)
    );
    let title = format!("政务公开检查报告：{}", report.rules_pack.title);
    let mut s = String::with_capacity(64 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        s,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
    );
    s.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(s, "<title>{}</title>", esc(&title));
    let _ = writeln!(s, "<style>{style}</style>\n</head>\n<body>");

    header(&mut s, report, &title);
    s.push_str("<nav class=\"toc\" aria-label=\"目录\">");
    if report.score.is_some() {
        s.push_str("<a href=\"#score\">检查评分</a>");
    }
    s.push_str("<a href=\"#tasks\">任务结果</a>");
    if !report.columns.is_empty() {
        s.push_str("<a href=\"#columns\">栏目</a>");
    }
    s.push_str("<a href=\"#divisions\">按责任部门</a><a href=\"#chart\">部门结果图</a>");
    if trend.len() >= 2 {
        s.push_str("<a href=\"#trend\">历次检查趋势</a>");
    }
    if !report.site.unfetched.is_empty() {
        s.push_str("<a href=\"#unfetched\">无法获取的页面</a>");
    }
    s.push_str("</nav>\n");
    if let Some(score) = &report.score {
        score_section(&mut s, score);
    }
    tasks(&mut s, report);
    if !report.columns.is_empty() {
        columns_section(&mut s, &report.columns);
    }
    divisions(&mut s, report);
    division_chart(&mut s, report);
    if trend.len() >= 2 {
        trend_section(&mut s, trend);
    }
    unfetched_section(&mut s, report);
    s.push_str("<footer>由 zwgk 生成。本页为独立文件，不加载任何外部资源；证据链接指向被检查网站。</footer>\n");

    let data = serde_json::json!({
        "tasks": report.tasks.iter().map(|t| serde_json::json!({
            "task": t.task,
            "divisions": t.divisions.all(),
        })).collect::<Vec<_>>(),
    });
    let _ = writeln!(
        s,
        "<script type=\"application/json\" id=\"zwgk-data\">{}</script>",
        json_for_script(&data)
    );
    let _ = writeln!(s, "<script>{script}</script>\n</body>\n</html>");
    s
}

fn counts_row(s: &mut String, what: &str, c: &OutcomeCounts) {
    let _ = write!(s, "<tr><th scope=\"row\">{what}</th>");
    for o in Outcome::ALL {
        let _ = write!(s, "<td class=\"num\">{}</td>", c.get(o));
    }
    let _ = writeln!(s, "<td class=\"num\">{}</td></tr>", total(c));
}

fn header(s: &mut String, report: &Report, title: &str) {
    let _ = writeln!(s, "<header>\n<h1>{}</h1>\n<dl class=\"meta\">", esc(title));
    let _ = writeln!(s, "<dt>检查对象</dt><dd>{}</dd>", esc(&report.target));
    let _ = writeln!(s, "<dt>评估日期</dt><dd>{}</dd>", report.as_of);
    let _ = writeln!(
        s,
        "<dt>规则包</dt><dd><code>{}</code>（{}年，{}条规则）</dd>",
        esc(&report.rules_pack.id),
        report.rules_pack.year,
        report.rules_pack.rules
    );
    let _ = writeln!(
        s,
        "<dt>页面</dt><dd>{}个（无法获取{}个）</dd>",
        report.site.pages, report.site.failed_pages
    );
    if let Some(f) = &report.fetch {
        let _ = writeln!(
            s,
            "<dt>抓取</dt><dd>{}个地址，{}次请求，{}字节{}</dd>",
            f.fetches,
            f.requests,
            f.total_bytes,
            if f.stopped_early {
                "；抓取提前停止，结果可能不完整"
            } else {
                ""
            }
        );
        if f.external_checked + f.external_unchecked > 0 {
            let _ = writeln!(
                s,
                "<dt>站外链接</dt><dd>核对{}个（不可用{}个，无法访问{}个），未核对{}个</dd>",
                f.external_checked, f.external_broken, f.external_unreachable, f.external_unchecked
            );
        }
    }
    s.push_str("</dl>\n<table class=\"counts\">\n<thead><tr><th scope=\"col\"></th>");
    for o in Outcome::ALL {
        let _ = write!(s, "<th scope=\"col\" class=\"num\">{}</th>", badge(o));
    }
    s.push_str("<th scope=\"col\" class=\"num\">合计</th></tr></thead>\n<tbody>\n");
    counts_row(s, "任务", &report.summary.tasks);
    counts_row(s, "规则", &report.summary.rules);
    s.push_str("</tbody>\n</table>\n</header>\n");
}

fn tasks(s: &mut String, report: &Report) {
    s.push_str("<section id=\"tasks\">\n<h2>任务结果</h2>\n");
    s.push_str("<noscript><p class=\"small\">筛选与排序需要启用 JavaScript；全部任务均已列出。</p></noscript>\n");
    // Hidden until the script shows it: without JavaScript there are no dead controls.
    s.push_str("<div class=\"controls\" id=\"zwgk-controls\" hidden>\n<div class=\"chips\" role=\"group\" aria-label=\"按结果筛选\">");
    let _ = write!(
        s,
        "<button type=\"button\" data-outcome=\"\" aria-pressed=\"true\">全部 ({})</button>",
        report.tasks.len()
    );
    for o in Outcome::ALL {
        let _ = write!(
            s,
            "<button type=\"button\" data-outcome=\"{}\" aria-pressed=\"false\">{} ({})</button>",
            o.as_str(),
            o.label_zh(),
            report.summary.tasks.get(o)
        );
    }
    s.push_str(
        "</div>\n<label>责任部门 <select id=\"zwgk-division\"><option value=\"\">全部部门</option>",
    );
    for d in all_divisions(report) {
        let d = esc(d);
        let _ = write!(s, "<option value=\"{d}\">{d}</option>");
    }
    s.push_str("</select></label>\n");
    s.push_str("<label>搜索 <input type=\"search\" id=\"zwgk-text\" placeholder=\"任务、规则、证据中的文字\"></label>\n");
    s.push_str("<label>排序 <select id=\"zwgk-sort\"><option value=\"task\">按任务序号</option><option value=\"outcome\">按结果（不通过在前）</option><option value=\"division\">按责任部门</option></select></label>\n");
    s.push_str("<button type=\"button\" id=\"zwgk-reset\">清除筛选</button>\n<button type=\"button\" id=\"zwgk-open\">全部展开</button>\n<button type=\"button\" id=\"zwgk-close\">全部收起</button>\n");
    s.push_str("<span class=\"shown\" id=\"zwgk-shown\" aria-live=\"polite\"></span>\n</div>\n");

    s.push_str("<table id=\"zwgk-tasks\">\n<thead><tr><th scope=\"col\" class=\"num\">序号</th><th scope=\"col\">任务</th><th scope=\"col\">责任部门</th><th scope=\"col\">结果</th><th scope=\"col\">原因</th></tr></thead>\n");
    for t in &report.tasks {
        task(s, t);
    }
    s.push_str("</table>\n<p class=\"empty\" id=\"zwgk-none\" hidden>没有符合筛选条件的任务。</p>\n</section>\n");
}

fn task(s: &mut String, t: &TaskReport) {
    let _ = writeln!(
        s,
        "<tbody class=\"task\" id=\"task-{n}\" data-task=\"{n}\" data-outcome=\"{o}\" data-rank=\"{r}\">",
        n = t.task,
        o = t.outcome.as_str(),
        r = t.outcome.severity()
    );
    let divisions = if t.divisions.lead.is_empty() && t.divisions.others.is_empty() {
        "—".to_string()
    } else {
        esc(&t.divisions.display_zh())
    };
    let _ = writeln!(
        s,
        "<tr class=\"row\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        t.task,
        esc(&t.title),
        divisions,
        badge(t.outcome),
        esc(&one_line(&t.reason, 160))
    );
    let open = if matches!(t.outcome, Outcome::Fail | Outcome::Incomplete) {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "<tr class=\"detail\"><td></td><td colspan=\"4\"><details{open}><summary>要求、规则与证据（{}条规则）</summary>",
        t.rules.len()
    );
    let _ = writeln!(s, "<p class=\"small\">工作任务：{}</p>", esc(&t.heading));
    let _ = writeln!(s, "<p class=\"req\">{}</p>", esc(&t.requirement));
    let _ = writeln!(
        s,
        "<p class=\"small\">牵头：{}；配合：{}</p>",
        names(&t.divisions.lead),
        names(&t.divisions.others)
    );
    if t.rules.is_empty() {
        let _ = writeln!(s, "<p class=\"empty\">尚无规则：{}</p>", esc(&t.reason));
    } else {
        s.push_str("<table class=\"rules\"><thead><tr><th scope=\"col\">规则</th><th scope=\"col\">结果</th><th scope=\"col\">说明与证据</th></tr></thead><tbody>\n");
        for r in &t.rules {
            rule(s, r);
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</details></td></tr>\n</tbody>\n");
}

fn names(v: &[String]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        esc(&v.join("、"))
    }
}

fn rule(s: &mut String, r: &RuleReport) {
    let _ = write!(
        s,
        "<tr class=\"rule\" data-outcome=\"{}\"><td><code>{}</code><br>{}<br><span class=\"small\">{}，严重程度{}</span></td><td>{}</td><td>{}",
        r.outcome.as_str(),
        esc(&r.id),
        esc(&r.title),
        mode_zh(r.mode),
        severity_zh(r.severity),
        badge(r.outcome),
        esc(&r.message)
    );
    let clause = r
        .source
        .clause
        .as_deref()
        .map(|c| format!("；{}", esc(c)))
        .unwrap_or_default();
    let _ = write!(
        s,
        "<br><span class=\"small\">依据：{}{clause}（检查 <code>{}</code>，规则文件 <code>{}</code>）</span>",
        esc(&r.source.seed),
        esc(&r.check),
        esc(&r.origin)
    );
    if !r.evidence.is_empty() {
        s.push_str("<ul class=\"ev\">");
        for e in &r.evidence {
            let _ = write!(s, "<li>证据：{}", link(&e.url));
            if !e.excerpt.is_empty() {
                let _ = write!(s, " <q>{}</q>", esc(&e.excerpt));
            }
            if let Some(at) = e.last_confirmed {
                let when = at.format("%Y-%m-%d %H:%M");
                let _ = write!(s, " <small>（缓存副本，网站最后确认于 {when} UTC）</small>");
            }
            s.push_str("</li>");
        }
        s.push_str("</ul>");
    }
    s.push_str("</td></tr>\n");
}

/// A URL quoted from a page: a link when it is http(s), else code (never a
/// `javascript:` or `data:` link).
fn link(url: &str) -> String {
    if is_web_url(url) {
        let u = esc(url);
        format!("<a href=\"{u}\" rel=\"noopener noreferrer\" target=\"_blank\">{u}</a>")
    } else {
        format!("<code>{}</code>", esc(url))
    }
}

/// A point value as people write it.
fn pts(x: f64) -> String {
    zwgk_core::score::show(x)
}

/// The inspection score: verdict, totals, vetoes, and what each scored rule cost.
fn score_section(s: &mut String, score: &ScoreReport) {
    let class = match score.verdict {
        ScoreVerdict::Qualified => "o-pass",
        ScoreVerdict::Unqualified => "o-fail",
        ScoreVerdict::Undetermined => "o-incomplete",
    };
    s.push_str("<section id=\"score\">\n<h2>检查评分</h2>\n");
    let _ = writeln!(
        s,
        "<p class=\"verdict\"><span class=\"badge {class}\">{}</span> {}</p>",
        esc(&score.verdict_label),
        esc(&score.reason)
    );
    let _ = write!(
        s,
        "<p>得分 <strong>{}</strong>（满分{}，扣{}，合格线{}）",
        pts(score.score),
        pts(score.full_marks),
        pts(score.deducted),
        pts(score.pass_mark)
    );
    if score.bonus > 0.0 {
        let _ = write!(s, "；加分{}，合计{}", pts(score.bonus), pts(score.total));
    }
    s.push_str("</p>\n");
    s.push_str("<table class=\"score\">\n<thead><tr><th scope=\"col\" class=\"num\">指标</th><th scope=\"col\">规则</th><th scope=\"col\">类别</th><th scope=\"col\">结果</th><th scope=\"col\" class=\"num\">问题数</th><th scope=\"col\" class=\"num\">分值</th></tr></thead>\n<tbody>\n");
    for i in &score.items {
        let points = i.points_label();
        let _ = writeln!(
            s,
            "<tr><td class=\"num\">{}</td><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{points}</td></tr>",
            i.task,
            esc(&i.rule),
            esc(&i.title),
            i.layer.label(),
            badge(i.outcome),
            i.findings
        );
    }
    s.push_str("</tbody>\n</table>\n");
    for i in score.indicators.iter().filter(|i| i.capped) {
        let _ = writeln!(
            s,
            "<p class=\"small\">指标{}（{}）扣分达上限{}。</p>",
            i.task,
            esc(&i.heading),
            pts(i.cap.unwrap_or_default())
        );
    }
    s.push_str("</section>\n");
}

/// Every column found: name, URL, entries, newest entry, kind and state; columns in
/// trouble first.
fn columns_section(s: &mut String, columns: &[ColumnReport]) {
    let flagged = columns
        .iter()
        .filter(|c| c.state != ColumnState::Current)
        .count();
    s.push_str("<section id=\"columns\">\n<h2>栏目</h2>\n");
    let _ = writeln!(
        s,
        "<p>共{}个栏目，其中{flagged}个未及时更新、空白或未能读取。</p>",
        columns.len()
    );
    s.push_str("<table class=\"columns\">\n<thead><tr><th scope=\"col\">栏目</th><th scope=\"col\">地址</th><th scope=\"col\" class=\"num\">条目</th><th scope=\"col\">最新</th><th scope=\"col\">类别</th><th scope=\"col\">状态</th></tr></thead>\n<tbody>\n");
    let mut ordered: Vec<&ColumnReport> = columns.iter().collect();
    ordered.sort_by_key(|c| c.state == ColumnState::Current);
    for c in ordered {
        let newest = c.newest_label();
        let kind = match (&c.kind, c.max_age_days) {
            (Some(k), Some(days)) => format!("{}（限{days}天）", esc(k)),
            _ => "—".to_string(),
        };
        let class = match c.state {
            ColumnState::Current => "o-pass",
            ColumnState::Unknown => "o-incomplete",
            ColumnState::Stale | ColumnState::Blank => "o-fail",
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{newest}</td><td>{kind}</td><td><span class=\"badge {class}\">{}</span></td></tr>",
            esc(&c.name),
            link(&c.url),
            c.items,
            c.state.label()
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

/// Every page the scan could not fetch or read, with why.
fn unfetched_section(s: &mut String, report: &Report) {
    let pages = &report.site.unfetched;
    if pages.is_empty() {
        return;
    }
    s.push_str("<section id=\"unfetched\">\n<h2>无法获取的页面</h2>\n");
    let _ = writeln!(
        s,
        "<p>共{}个。可能是所查页面的，相关规则判为“无法判定”；其余判定不依赖这些页面。</p>",
        pages.len()
    );
    s.push_str("<table class=\"columns\">\n<thead><tr><th scope=\"col\">地址</th><th scope=\"col\">原因</th></tr></thead>\n<tbody>\n");
    const MAX_LISTED: usize = 200;
    for p in pages.iter().take(MAX_LISTED) {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td></tr>",
            link(&p.url),
            esc(&one_line(&p.reason, 300))
        );
    }
    s.push_str("</tbody>\n</table>\n");
    if pages.len() > MAX_LISTED {
        let _ = writeln!(
            s,
            "<p>……另有{}个（JSON 报告的 <code>site.unfetched</code> 列出全部）。</p>",
            pages.len() - MAX_LISTED
        );
    }
    s.push_str("</section>\n");
}

fn divisions(s: &mut String, report: &Report) {
    s.push_str("<section id=\"divisions\">\n<h2>按责任部门</h2>\n");
    if report.by_division.is_empty() {
        s.push_str("<p class=\"empty\">报告中没有责任部门。</p>\n</section>\n");
        return;
    }
    s.push_str("<div class=\"divs\">\n");
    for d in &report.by_division {
        let name = esc(&d.division);
        let _ = writeln!(s, "<article class=\"div\" data-division=\"{name}\">");
        let _ = writeln!(s, "<h3>{name}</h3>");
        let _ = writeln!(s, "<p>牵头任务：{}</p>", task_list(&d.lead));
        let _ = writeln!(s, "<p>配合任务：{}</p>", task_list(&d.others));
        let _ = writeln!(s, "<p>不通过的任务：{}</p>", task_list(&d.failing));
        s.push_str("<p>");
        for o in Outcome::ALL {
            let n = d.summary.get(o);
            if n > 0 {
                let _ = write!(s, "{} {n} ", badge(o));
            }
        }
        let _ = writeln!(
            s,
            "（共{}项）</p>\n<p><a href=\"#tasks\" data-division=\"{name}\">在任务表中只看本部门</a></p>\n</article>",
            total(&d.summary)
        );
    }
    s.push_str("</div>\n</section>\n");
}

fn legend(s: &mut String) {
    s.push_str("<div class=\"legend\">");
    for o in Outcome::ALL {
        let _ = write!(
            s,
            "<span class=\"o-{}\">{}</span>",
            o.as_str(),
            o.label_zh()
        );
    }
    s.push_str("</div>\n");
}

/// Number of characters shown of a division name on the chart.
const LABEL_CHARS: usize = 16;

fn division_chart(s: &mut String, report: &Report) {
    s.push_str("<section id=\"chart\">\n<h2>各责任部门任务结果</h2>\n");
    let rows = &report.by_division;
    let max = rows.iter().map(|d| total(&d.summary)).max().unwrap_or(0);
    if rows.is_empty() || max == 0 {
        s.push_str("<p class=\"empty\">没有可绘制的数据。</p>\n</section>\n");
        return;
    }
    legend(s);
    let longest = rows
        .iter()
        .map(|d| d.division.chars().count().min(LABEL_CHARS + 1))
        .max()
        .unwrap_or(1);
    let label_w = 16 + 13 * longest;
    let bar_w = 560usize;
    let row_h = 24usize;
    let width = label_w + bar_w + 50;
    let height = rows.len() * row_h + 30;
    let _ = writeln!(
        s,
        "<div class=\"chart\"><svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title id=\"chart-title\">各责任部门任务结果（堆叠条形图）</title>"
    );
    let scale = bar_w as f64 / max as f64;
    for (i, d) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let name: String = if d.division.chars().count() > LABEL_CHARS {
            let mut n: String = d.division.chars().take(LABEL_CHARS).collect();
            n.push('…');
            n
        } else {
            d.division.clone()
        };
        let _ = write!(
            s,
            "<g><title>{}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            esc(&d.division),
            label_w - 8,
            y + 15,
            esc(&name)
        );
        let mut x = label_w as f64;
        for o in Outcome::ALL {
            let n = d.summary.get(o);
            if n == 0 {
                continue;
            }
            let w = n as f64 * scale;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}：{} {n}</title></rect>",
                row_h - 6,
                colour(o),
                esc(&d.division),
                o.label_zh()
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{}\">{}</text></g>",
            x + 6.0,
            y + 15,
            total(&d.summary)
        );
    }
    let axis_y = rows.len() * row_h + 4;
    let _ = writeln!(
        s,
        "<line x1=\"{label_w}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#888\"/><text x=\"{label_w}\" y=\"{}\">0</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max}项任务</text></svg></div>",
        label_w + bar_w,
        axis_y + 16,
        label_w + bar_w,
        axis_y + 16
    );
    s.push_str("</section>\n");
}

fn trend_section(s: &mut String, trend: &[TrendPoint]) {
    s.push_str("<section id=\"trend\">\n<h2>历次检查趋势</h2>\n");
    legend(s);
    s.push_str("<h3>任务结果</h3>\n");
    area_chart(s, "trend-tasks", "历次检查的任务结果", trend, |p| &p.tasks);
    s.push_str("<h3>规则结果</h3>\n");
    area_chart(s, "trend-rules", "历次检查的规则结果", trend, |p| &p.rules);
    s.push_str("<table class=\"trend-table\"><thead><tr><th scope=\"col\">检查</th>");
    for o in Outcome::ALL {
        let _ = write!(
            s,
            "<th scope=\"col\" class=\"num\">任务{}</th>",
            o.label_zh()
        );
    }
    s.push_str(
        "<th scope=\"col\" class=\"num\">规则不通过</th><th scope=\"col\" class=\"num\">规则通过</th></tr></thead><tbody>\n",
    );
    for p in trend {
        let _ = write!(s, "<tr><td>{}</td>", esc(&p.label));
        for o in Outcome::ALL {
            let _ = write!(s, "<td class=\"num\">{}</td>", p.tasks.get(o));
        }
        let _ = writeln!(
            s,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            p.rules.fail, p.rules.pass
        );
    }
    s.push_str("</tbody></table>\n</section>\n");
}

/// A stacked area chart: one band per outcome (worst at the bottom), one x step per scan.
fn area_chart(
    s: &mut String,
    id: &str,
    title: &str,
    trend: &[TrendPoint],
    counts: impl Fn(&TrendPoint) -> &OutcomeCounts,
) {
    let (left, top, plot_w, plot_h) = (48.0f64, 10.0f64, 640.0f64, 200.0f64);
    let width = left + plot_w + 20.0;
    let height = top + plot_h + 46.0;
    let max = trend.iter().map(|p| total(counts(p))).max().unwrap_or(0);
    let _ = writeln!(
        s,
        "<div class=\"chart\"><svg role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title id=\"{id}-title\">{}</title>",
        esc(title)
    );
    let steps = trend.len().saturating_sub(1).max(1) as f64;
    let x_at = |i: usize| left + plot_w * i as f64 / steps;
    let y_at = |v: usize| {
        if max == 0 {
            top + plot_h
        } else {
            top + plot_h - plot_h * v as f64 / max as f64
        }
    };
    // Cumulative sums: the band of outcome k lies between below[k] and below[k] + count.
    let mut below = vec![0usize; trend.len()];
    for o in Outcome::ALL {
        let above: Vec<usize> = trend
            .iter()
            .zip(&below)
            .map(|(p, b)| b + counts(p).get(o))
            .collect();
        if above != below {
            let mut points: Vec<String> = above
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x_at(i), y_at(*v)))
                .collect();
            points.extend(
                below
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, v)| format!("{:.1},{:.1}", x_at(i), y_at(*v))),
            );
            let _ = writeln!(
                s,
                "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\"><title>{}</title></polygon>",
                points.join(" "),
                colour(o),
                colour(o),
                o.label_zh()
            );
        }
        below = above;
    }
    // Axes, the top value and the scan labels (at most about eight of them).
    let base = top + plot_h;
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#888\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" stroke=\"#888\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max}</text><text x=\"{}\" y=\"{base}\" text-anchor=\"end\">0</text>",
        left + plot_w,
        left - 6.0,
        top + 10.0,
        left - 6.0
    );
    let stride = trend.len().div_ceil(8).max(1);
    for (i, p) in trend.iter().enumerate() {
        if i % stride != 0 && i + 1 != trend.len() {
            continue;
        }
        let anchor = if i == 0 {
            "start"
        } else if i + 1 == trend.len() {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            x_at(i),
            base + 18.0,
            esc(&one_line(&p.label, 20))
        );
    }
    s.push_str("</svg></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample;
    use zwgk_core::Evidence;

    /// The sample with hostile page text in every place a page can reach.
    fn hostile() -> Report {
        let mut r = sample();
        let evil = "<script>alert(1)</script>";
        r.target = format!("http://x/{evil}");
        r.rules_pack.title = evil.into();
        r.tasks[0].title = evil.into();
        r.tasks[0].requirement = format!("要求 {evil}");
        r.tasks[0].divisions.others.push(format!("处{evil}"));
        let rule = &mut r.tasks[0].rules[0];
        rule.title = evil.into();
        rule.evidence.push(Evidence::new(
            "http://x/\"onmouseover=alert(1) a=\"",
            format!("标题 {evil}"),
        ));
        rule.evidence
            .push(Evidence::new("javascript:alert(1)", "js link"));
        rule.evidence
            .push(Evidence::new("evidence/2021.toml:3", "record"));
        r.by_division[0].division = format!("科{evil}");
        r
    }

    fn between<'a>(s: &'a str, start: &str, end: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find(start) {
            let after = &rest[i + start.len()..];
            match after.find(end) {
                Some(j) => {
                    out.push(&after[..j]);
                    rest = &after[j + end.len()..];
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn page_text_is_escaped() {
        let page = Html::new().to_html(&hostile());
        assert!(!page.contains("<script>alert"), "raw script in page");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("\"onmouseover"), "attribute broken out of");
        assert!(page.contains("&quot;onmouseover=alert(1)"));
        assert!(!page.contains("href=\"javascript:"));
        assert!(page.contains("<code>javascript:alert(1)</code>"));
        assert!(page.contains("<code>evidence/2021.toml:3</code>"));
        assert!(!page.contains("onclick") && !page.contains(" onerror"));
        // The page's own elements: exactly one executable script, one data block, one style.
        assert_eq!(page.matches("<script>").count(), 1);
        assert_eq!(page.matches("<script type=\"application/json\"").count(), 1);
        assert_eq!(page.matches("<style>").count(), 1);
        assert_eq!(page.matches("</script>").count(), 2);
        // The data block cannot end early or hold markup.
        let data = between(&page, "id=\"zwgk-data\">", "</script>");
        assert_eq!(data.len(), 1);
        assert!(!data[0].contains('<') && !data[0].contains('>') && !data[0].contains('&'));
        let parsed: serde_json::Value = serde_json::from_str(data[0]).unwrap();
        assert_eq!(
            parsed["tasks"][0]["divisions"][1],
            "处<script>alert(1)</script>"
        );
    }

    #[test]
    fn json_for_script_escapes_breakers() {
        let v = serde_json::json!({"a": "</script><!--&\u{2028}\u{2029}"});
        let out = json_for_script(&v);
        assert_eq!(
            out,
            "{\"a\":\"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029\"}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn csp_hashes_match_the_inline_script_and_style() {
        let page = Html::new().to_html(&hostile());
        let csp = between(
            &page,
            "http-equiv=\"Content-Security-Policy\" content=\"",
            "\"",
        );
        assert_eq!(csp.len(), 1);
        let script = between(&page, "<script>", "</script>");
        let style = between(&page, "<style>", "</style>");
        assert_eq!((script.len(), style.len()), (1, 1));
        let want = format!(
            "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
            csp_hash(script[0]),
            csp_hash(style[0])
        );
        assert_eq!(csp[0], want);
        // The page's own code must never end its element early.
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
        // A known vector: the SHA-256 of the empty string.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn loads_nothing_from_the_network() {
        let page = Html::new().to_html(&hostile());
        assert!(!page.contains(" src="), "no element loads a source");
        assert!(!page.contains("<link"), "no linked resources");
        assert!(!page.contains("url(") && !page.contains("@import"));
        assert!(!page.contains("<img") && !page.contains("<iframe"));
        for href in between(&page, "href=\"", "\"") {
            assert!(
                href.starts_with('#')
                    || href.starts_with("http://")
                    || href.starts_with("https://"),
                "unexpected link target {href}"
            );
        }
        // Every web link is an evidence link that keeps the opener and referrer away.
        for anchor in between(&page, "<a href=\"http", ">") {
            assert!(
                anchor.ends_with("rel=\"noopener noreferrer\" target=\"_blank\""),
                "{anchor}"
            );
        }
        // The evidence link (the unfetched page's URL, not a plain web URL, is quoted).
        assert_eq!(page.matches("<a href=\"http").count(), 1);
        // `http(s)://` appears only in evidence links and quoted report text.
        let outside_links = page.replace("http://whly.gd.gov.cn/a.html", "");
        let outside_links =
            outside_links.replace("http://whly.gd.gov.cn/&lt;b&gt;x&lt;/b&gt;.html", "");
        let outside_links = outside_links.replace("http://x/", "");
        assert!(
            !outside_links.contains("http://") && !outside_links.contains("https://"),
            "an unexpected absolute URL"
        );
    }

    #[test]
    fn every_task_rule_and_division_is_present() {
        let report = sample();
        let page = Html::new().to_html(&report);
        for t in &report.tasks {
            assert!(page.contains(&format!("id=\"task-{}\"", t.task)));
            assert!(page.contains(&esc(&t.title)));
            assert!(page.contains(&esc(&t.requirement)));
            for r in &t.rules {
                assert!(page.contains(&format!("<code>{}</code>", esc(&r.id))));
                assert!(page.contains(&esc(&r.message)));
                for e in &r.evidence {
                    assert!(page.contains(&esc(&e.excerpt)));
                }
            }
        }
        assert!(page.contains("<section id=\"divisions\">"));
        for d in &report.by_division {
            assert!(page.contains(&format!(
                "<article class=\"div\" data-division=\"{}\">",
                esc(&d.division)
            )));
        }
        // Labels and the division chart.
        for o in Outcome::ALL {
            assert!(page.contains(o.label_zh()));
        }
        assert!(page.contains("<section id=\"chart\">") && page.contains("<rect "));
        assert!(
            page.contains("<option value=\"市场管理处\">"),
            "every division is a filter choice"
        );
        assert!(page.contains("<html lang=\"zh-CN\">"));
        // Without a trend there is no trend chart.
        assert!(!page.contains("id=\"trend\""));
        // Format plumbing.
        let f: crate::Format = "HTML".parse().unwrap();
        assert_eq!(f, crate::Format::Html);
        assert_eq!("htm".parse::<crate::Format>().unwrap(), crate::Format::Html);
        assert_eq!(f.extension(), "html");
        assert_eq!(
            f.renderer().render_to_vec(&report).unwrap(),
            page.as_bytes()
        );
    }

    #[test]
    fn trend_chart_only_with_two_points_or_more() {
        let report = sample();
        let point = |label: &str, fail: usize, pass: usize| {
            let mut p = TrendPoint {
                label: label.into(),
                ..TrendPoint::default()
            };
            p.tasks.fail = fail;
            p.tasks.pass = pass;
            p.rules.fail = fail * 2;
            p.rules.pass = pass * 2;
            p
        };
        let one = Html::with_trend(vec![point("2021-12-01", 5, 1)]).to_html(&report);
        assert!(!one.contains("id=\"trend\""));
        let trend = vec![
            point("2021-12-01", 5, 1),
            point("<b>2022-01-01</b>", 3, 3),
            point("2022-02-01", 1, 5),
        ];
        let page = Html::with_trend(trend).to_html(&report);
        assert!(page.contains("<section id=\"trend\">"));
        assert_eq!(
            page.matches("<polygon ").count(),
            4,
            "two bands in each of two charts"
        );
        assert!(page.contains("&lt;b&gt;2022-01-01&lt;/b&gt;"));
        assert!(!page.contains("<b>2022"));
        // All-zero or empty counts draw without dividing by zero.
        let flat = Html::with_trend(vec![TrendPoint::default(), TrendPoint::default()]);
        assert!(flat.to_html(&report).contains("id=\"trend\""));
    }

    #[test]
    fn score_and_columns_sections() {
        let page = Html::new().to_html(&crate::sample::sample_scored());
        assert!(
            page.contains("<a href=\"#score\">检查评分</a>")
                && page.contains("<a href=\"#columns\">栏目</a>")
        );
        assert!(page.contains("<section id=\"score\">"));
        assert!(
            page.contains("<span class=\"badge o-fail\">不合格</span> 单项否决：w09-stale-columns"),
            "{page}"
        );
        assert!(page.contains("得分 <strong>97.5</strong>（满分100，扣2.5，合格线60）"));
        assert!(page.contains("<td class=\"num\">5</td><td class=\"num\">−2.5</td>"));
        assert!(page.contains("首页无不可用链接 | &lt;b&gt;"));
        assert!(page.contains("指标3（扣分：可用性）扣分达上限2.5。"));
        let columns = between(&page, "<section id=\"columns\">", "</section>");
        assert_eq!(columns.len(), 1);
        let columns = columns[0];
        assert!(columns.contains("共3个栏目，其中2个未及时更新、空白或未能读取。"));
        assert!(columns.contains("&lt;script&gt;alert(1)&lt;/script&gt;|栏目"));
        assert!(!columns.contains("<script>"));
        assert!(
            columns.find("&lt;script&gt;") < columns.find("工作动态"),
            "trouble first"
        );
        assert!(columns.contains("<a href=\"http://whly.gd.gov.cn/open_newrsxx/index.html\""));
        assert!(columns.contains("<span class=\"badge o-fail\">空白</span>"));
        // Without a score or columns: neither section nor its link.
        let plain = Html::new().to_html(&sample());
        assert!(!plain.contains("id=\"score\"") && !plain.contains("#columns"));
    }

    #[test]
    fn empty_report_renders() {
        let mut r = sample();
        r.tasks.clear();
        r.by_division.clear();
        r.summary = Default::default();
        let page = Html::new().to_html(&r);
        assert!(page.contains("没有可绘制的数据"));
        assert!(page.ends_with("</html>\n"));
    }
}
