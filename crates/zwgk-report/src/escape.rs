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
    }
}
