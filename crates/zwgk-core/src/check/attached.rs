//! What a located page states through its attachments. Budgets, final accounts and annual
//! reports are often published as a short cover page and a PDF, DOC or XLS: a content check
//! that fails on the page's own text reads the text extracted from its attachments too, and
//! when the page is only such a cover and an attachment gave no text (not fetched, failed, or
//! a scanned PDF without a text layer), it cannot tell rather than fail.

use super::{Context, PageVerdict};
use crate::page::{Attachment, PageFacts};

/// Attachment endings that hold a document's text.
const DOCUMENT_EXTENSIONS: [&str; 8] = ["pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et"];

/// A page whose own text (without the header and footer it shares with other pages) is
/// shorter than this, in characters, and that offers attachments, is a cover page: the
/// document is in the attachments. A budget or report set out on the page runs to thousands.
const COVER_PAGE_CHARS: usize = 500;

/// The text of a page's document attachments, as far as it could be read. An attachment
/// that answered 4xx is neither: it is not there to read.
struct Attached<'a> {
    /// The extracted texts, one per attachment that gave text.
    texts: Vec<String>,
    /// The first attachment that gave no text.
    unread: Option<&'a Attachment>,
}

fn attached<'a>(cx: &Context<'a>, page: &'a PageFacts) -> Option<Attached<'a>> {
    let mut documents = page
        .attachments
        .iter()
        .filter(|a| DOCUMENT_EXTENSIONS.contains(&a.extension.as_str()))
        .peekable();
    documents.peek()?;
    let mut found = Attached {
        texts: Vec::new(),
        unread: None,
    };
    for a in documents {
        match cx.site.page(&a.url) {
            Some(p) if p.is_ok() && !p.text.as_str().trim().is_empty() => {
                found.texts.push(p.text.as_str().into_owned());
            }
            // Answered 4xx, or missing from a mirror: not published, which is no reason
            // to doubt the failure.
            Some(p) if p.status().is_some_and(|s| (400..500).contains(&s)) => {}
            _ => {
                found.unread.get_or_insert(a);
            }
        }
    }
    Some(found)
}

fn is_cover(page: &PageFacts) -> bool {
    page.text.own_str().chars().count() < COVER_PAGE_CHARS
}

/// Decide again a page that `failed` on its own text: `retest` on the page's text followed
/// by its attachments' passes it; a cover page with an attachment that gave no text cannot
/// be told (unless under `not`, where the failure is what is wanted); otherwise the failure
/// stands.
pub(crate) fn reconsider(
    cx: &Context<'_>,
    page: &PageFacts,
    failed: PageVerdict,
    retest: impl Fn(&str) -> PageVerdict,
) -> PageVerdict {
    let PageVerdict::Fail(why) = &failed else {
        return failed;
    };
    let Some(found) = attached(cx, page) else {
        return failed;
    };
    if !found.texts.is_empty() {
        let mut all = page.text.as_str().into_owned();
        for t in &found.texts {
            all.push('\n');
            all.push_str(t);
        }
        if let PageVerdict::Pass(excerpt) = retest(&all) {
            return PageVerdict::Pass(format!("（见附件）{excerpt}"));
        }
    }
    match found.unread {
        Some(a) if is_cover(page) && !cx.negated => PageVerdict::Unknown(format!(
            "{why}；正文在附件中，附件「{}」未能读取文字（未获取，或为无文字层的扫描件），无法判定",
            a.name
        )),
        _ => failed,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;
    use crate::page::PageFacts;
    use crate::site::Site;

    const RULE: &str = "locate = { title = \"部门预算\" }\n[[rule.checks]]\nkind = \"text\"\nkeywords = [\"因公出国(境)费\", \"公务接待费\"]";
    const COVER: &str = "<title>广东省文化和旅游厅2021年部门预算</title><div>发布时间：2021-02-20</div>\
        <p>根据预算法，现将我厅2021年部门预算公开如下。</p><p>附件：<a href=\"/files/ys2021.pdf\">2021年部门预算.pdf</a></p>";

    fn with_pdf(pdf_text: &str) -> Site {
        let mut pages = pages(&[("/czyjs/content/post_1.html", COVER)]);
        let mut pdf = PageFacts::from_html(&format!("{HOST}/files/ys2021.pdf"), 200, pdf_text);
        pdf.content_type = "application/pdf".into();
        pages.push(pdf);
        Site::new(HOST, pages)
    }

    #[test]
    fn a_cover_page_passes_on_its_attachment_text() {
        let r = run(
            &with_pdf("<p>因公出国(境)费 12.5万元</p><p>公务接待费 3.1万元</p>"),
            RULE,
        );
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.evidence[0].excerpt.contains("见附件"), "{:?}", r.evidence);
    }

    #[test]
    fn a_cover_page_with_an_unread_attachment_is_undecided_and_a_read_one_decides() {
        let unread = site(&[("/czyjs/content/post_1.html", COVER)]);
        let r = run(&unread, RULE);
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
        assert!(r.message.contains("2021年部门预算.pdf"), "{}", r.message);
        // An attachment that answers 404 is not published: the page fails.
        let mut gone = pages(&[("/czyjs/content/post_1.html", COVER)]);
        gone.push(PageFacts::from_html(
            &format!("{HOST}/files/ys2021.pdf"),
            404,
            "",
        ));
        let r = run(&Site::new(HOST, gone), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        // The attachment was read and lacks the words: that is a finding.
        let r = run(&with_pdf("<p>一般公共预算支出表</p>"), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }

    #[test]
    fn under_not_an_unread_attachment_leaves_the_absence_found() {
        let rule = "locate = { title = \"部门预算\" }\n[[rule.checks]]\nkind = \"not\"\n[[rule.checks.checks]]\nkind = \"text\"\nkeywords = [\"草案\"]";
        let r = run(&site(&[("/czyjs/content/post_1.html", COVER)]), rule);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        // A read attachment that states it is found.
        let r = run(&with_pdf("<p>2021年部门预算(草案)</p>"), rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }

    #[test]
    fn a_page_set_out_in_full_fails_whatever_its_attachments() {
        let long: String = "<p>一、部门概况。本部门主要职责是统筹规划文化事业、文化产业和旅游业发展，拟订发展规划并组织实施，推进文化和旅游融合发展。</p>".repeat(12);
        let full = COVER.replace("<p>根据预算法，现将我厅2021年部门预算公开如下。</p>", &long);
        let r = run(&site(&[("/czyjs/content/post_1.html", &full)]), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }
}
