//! Escaping text quoted from pages before it goes into a report.

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
}
