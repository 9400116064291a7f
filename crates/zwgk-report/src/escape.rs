//! Escaping text quoted from pages before it goes into a report: Markdown, HTML and XML.

/// Escape text for a Markdown table cell or paragraph: no HTML, no table
/// breaks, no emphasis or links, one line.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span: the text shown literally (backticks and line breaks removed).
pub fn code(s: &str) -> String {
    let inner: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| *c != '`' && !c.is_control())
        .collect();
    format!("`{inner}`")
}

/// A link target: an `http(s)` URL as an autolink, anything else as escaped text.
pub fn url(s: &str) -> String {
    let plain = (s.starts_with("http://") || s.starts_with("https://"))
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`'));
    if plain {
        format!("<{s}>")
    } else {
        markdown(s)
    }
}

/// Escape text for HTML: element content and double- or single-quoted attribute
/// values alike. `& < > " '` become character references; control characters other
/// than tab and line breaks are dropped.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` may become a link target in an HTML report: an absolute `http(s)`
/// URL without whitespace, control characters or quoting characters.
pub fn is_web_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && s.len() > lower.find("//").map_or(0, |i| i + 2)
        && !s.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\'' | '`' | '\\')
        })
}

/// Whether `c` may appear in an XML 1.0 document (the `Char` production).
pub fn xml_char_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escape text for XML 1.0 character data: `&`, `<` and `>` as entities (so `]]>`
/// cannot occur), a carriage return as `&#13;` (kept through line-end normalisation), and
/// characters XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if !xml_char_allowed(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for a double- or single-quoted XML 1.0 attribute value: as [`xml_text`],
/// plus both quotes, and tab and line feed as character references so attribute-value
/// normalisation keeps them.
pub fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => out.push_str(&xml_text(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::markdown("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(super::markdown("a|b\nc"), "a\\|b c");
        assert_eq!(
            super::markdown("[x](javascript:y)"),
            "\\[x\\](javascript:y)"
        );
        assert_eq!(super::code("within_working_days"), "`within_working_days`");
        assert_eq!(super::code("a`b"), "`ab`");
        assert_eq!(
            super::url("http://whly.gd.gov.cn/a_b.html"),
            "<http://whly.gd.gov.cn/a_b.html>"
        );
        assert_eq!(
            super::url("javascript:alert(1)<x>"),
            "javascript:alert(1)&lt;x&gt;"
        );
    }

    #[test]
    fn escapes_html_text_and_attributes() {
        assert_eq!(
            super::html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            super::html("\"onmouseover='x' &amp;\u{0}"),
            "&quot;onmouseover=&#39;x&#39; &amp;amp;"
        );
        assert!(super::is_web_url("http://whly.gd.gov.cn/a.html"));
        assert!(super::is_web_url("HTTPS://whly.gd.gov.cn/"));
        assert!(!super::is_web_url("https://"));
        assert!(!super::is_web_url("javascript:alert(1)"));
        assert!(!super::is_web_url("http://x/\"onmouseover=alert(1)"));
        assert!(!super::is_web_url("http://x/ a"));
        assert!(!super::is_web_url("evidence/2021.toml:3"));
        assert!(!super::is_web_url("ftp://x/"));
        assert!(!super::is_web_url("é"));
    }

    #[test]
    fn escapes_xml_and_drops_illegal_characters() {
        assert_eq!(
            super::xml_text("a<b>&c]]>\u{1}\u{FFFF}\r\n"),
            "a&lt;b&gt;&amp;c]]&gt;\u{FFFD}\u{FFFD}&#13;\n"
        );
        assert_eq!(
            super::xml_attr("\"x\" 'y'\n\t\u{0}"),
            "&quot;x&quot; &apos;y&apos;&#10;&#9;\u{FFFD}"
        );
        assert_eq!(super::xml_text("政务公开"), "政务公开");
    }
}
