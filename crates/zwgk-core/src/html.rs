//! HTML documents parsed into a DOM: html5ever's tree construction, fed by a byte-level
//! tokenizer for the shapes portal pages are written in.
//!
//! **What.** [`parse_document`] gives the same [`scraper::Html`] as
//! `Html::parse_document`: every rule of tree construction (implied and misnested tags,
//! tables and foster parenting, quirks mode, foreign content) is html5ever's own tree
//! builder. Only the tokenizer in front of it differs.
//!
//! **Why.** html5ever's tokenizer takes its input one character at a time through a
//! buffer queue; on a typical 6 KB portal page it is two thirds of the parse and the
//! largest single cost of a crawl. The tokens of a page are found here by byte searches
//! (`memchr`) and slices instead.
//!
//! **How it stays exact.** The tokenizer follows the WHATWG tokenization states for what
//! pages commonly hold — start and end tags, quoted and unquoted attributes (the first
//! of duplicate attributes kept), comments (including `<!-->`, `--!>`), doctypes with
//! public and system identifiers, bogus comments (`<?xml …>`, `<!x>`, `</1>`), named and
//! numeric character references (the longest match in html5ever's own table, the
//! historical rule for attributes, C1 replacements), CR/LF normalisation, a leading BOM
//! (and, as html5ever does, one where the tree builder paused it: after `</script>` or
//! a `<meta>` declaring an encoding),
//! and the raw text of `script`, `style`, `title`, `textarea` and the other elements the
//! tree builder switches to RCDATA or RAWTEXT. Anything outside that — a NUL, a CDATA
//! section, `<plaintext>`, end of input inside a tag, comment or doctype, an end tag
//! carrying attributes inside raw text, a script whose `<!--` is followed by `<script` —
//! makes it give up, and the whole document is parsed again by html5ever from the start,
//! so the result never depends on what the fast path covers. Tests compare both parses
//! node for node on every fixture page and on generated awkward markup.
//!
//! ```
//! let doc = zwgk_core::html::parse_document("<title>年报&amp;公开</title><p>一<p>二");
//! let p = scraper::Selector::parse("p").unwrap();
//! assert_eq!(doc.select(&p).count(), 2);
//! ```

use std::borrow::Cow;

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Doctype, Tag, TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{ns, Attribute, LocalName, QualName};
use scraper::{Html, HtmlTreeSink};

/// Parse an HTML document; the result is exactly `scraper::Html::parse_document(html)`.
pub fn parse_document(html: &str) -> Html {
    fast_parse(html).unwrap_or_else(|| Html::parse_document(html))
}

/// The document parsed by the fast tokenizer, or `None` when it holds something the fast
/// tokenizer leaves to html5ever's (see the module documentation).
pub(crate) fn fast_parse(html: &str) -> Option<Html> {
    let bytes = html.as_bytes();
    if memchr::memchr(0, bytes).is_some() {
        return None;
    }
    // The input stream's preprocessing: CR LF and lone CR become LF.
    let normalised: Cow<'_, str> = if memchr::memchr(b'\r', bytes).is_some() {
        Cow::Owned(html.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(html)
    };
    let src = normalised
        .strip_prefix('\u{feff}')
        .unwrap_or(normalised.as_ref());
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let mut tokenizer = Tokenizer {
        src,
        pos: 0,
        sink: &builder,
        text: String::new(),
        last_start_tag: None,
        resumed: false,
    };
    tokenizer.run().ok()?;
    builder.end();
    Some(builder.sink.0.into_inner())
}

/// The fast tokenizer met something it leaves to html5ever's tokenizer.
#[derive(Debug)]
struct Unsupported;

type Step<T> = Result<T, Unsupported>;

/// HTML's ASCII whitespace after input preprocessing (no CR).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b' ')
}

/// The index of the first byte at or after `i` that is not whitespace.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|&b| is_space(b)) {
        i += 1;
    }
    i
}

/// `s` with ASCII capitals lowered (tag and attribute names, doctype names).
fn lowered(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

struct Tokenizer<'a, 's, S: TokenSink> {
    src: &'a str,
    pos: usize,
    sink: &'s S,
    /// Character data not yet handed to the tree builder.
    text: String,
    /// The name of the last start tag (raw text ends at its end tag).
    last_start_tag: Option<LocalName>,
    /// The tree builder paused the tokenizer (a script to run, an encoding declared):
    /// html5ever's tokenizer, fed again, drops a U+FEFF at the point where it resumes.
    resumed: bool,
}

impl<'a, S: TokenSink> Tokenizer<'a, '_, S> {
    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    /// The data state, to the end of the input.
    fn run(&mut self) -> Step<()> {
        let len = self.src.len();
        while self.pos < len {
            if std::mem::take(&mut self.resumed) && self.src[self.pos..].starts_with('\u{feff}') {
                self.pos += '\u{feff}'.len_utf8();
                continue;
            }
            let Some(off) = memchr::memchr2(b'<', b'&', &self.bytes()[self.pos..]) else {
                self.text.push_str(&self.src[self.pos..]);
                self.pos = len;
                break;
            };
            let at = self.pos + off;
            self.text.push_str(&self.src[self.pos..at]);
            if self.bytes()[at] == b'&' {
                self.pos = self.text_reference(self.src, at)?;
                continue;
            }
            let next = self.bytes().get(at + 1).copied();
            match next {
                Some(c) if c.is_ascii_alphabetic() => {
                    self.flush_text()?;
                    if let Some(kind) = self.tag(at + 1, TagKind::StartTag)? {
                        self.raw_text(kind)?;
                    }
                }
                Some(b'/') => match self.bytes().get(at + 2).copied() {
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.flush_text()?;
                        self.tag(at + 2, TagKind::EndTag)?;
                    }
                    // `</>` is dropped (a parse error: see `text_reference`).
                    Some(b'>') => {
                        self.pos = at + 3;
                        if self.text.is_empty() {
                            self.emit(Token::ParseError(Cow::Borrowed("</>")))?;
                        }
                    }
                    None => {
                        self.text.push_str("</");
                        self.pos = at + 2;
                    }
                    Some(_) => {
                        self.flush_text()?;
                        self.bogus_comment(at + 2)?;
                    }
                },
                Some(b'!') => {
                    self.flush_text()?;
                    self.markup_declaration(at + 2)?;
                }
                Some(b'?') => {
                    self.flush_text()?;
                    self.bogus_comment(at + 1)?;
                }
                _ => {
                    self.text.push('<');
                    self.pos = at + 1;
                }
            }
        }
        self.flush_text()?;
        self.emit(Token::EOFToken)?;
        Ok(())
    }

    /// Hand a token to the tree builder; its answer may switch the tokenizer to raw text.
    fn emit(&mut self, token: Token) -> Step<Option<RawKind>> {
        match self.sink.process_token(token, 1) {
            TokenSinkResult::Continue => Ok(None),
            TokenSinkResult::Script(_) | TokenSinkResult::EncodingIndicator(_) => {
                self.resumed = true;
                Ok(None)
            }
            TokenSinkResult::RawData(kind) => Ok(Some(kind)),
            TokenSinkResult::Plaintext => Err(Unsupported),
        }
    }

    /// A character reference at `at` of `src` (data or RCDATA) decoded into the pending
    /// text; where the input goes on.
    ///
    /// html5ever's tokenizer hands the tree builder its parse errors as tokens, and any
    /// token ends the tree builder's wait for a line feed to drop after `<pre>`,
    /// `<listing>` or `<textarea>`: when a reference with an error is the first text
    /// since the last token, that error goes to the tree builder before its text.
    fn text_reference(&mut self, src: &str, at: usize) -> Step<usize> {
        let first = self.text.is_empty();
        let reference = char_ref(src, at, false, &mut self.text)?;
        if reference.error && first {
            let decoded = std::mem::take(&mut self.text);
            self.emit(Token::ParseError(Cow::Borrowed(
                "invalid character reference",
            )))?;
            self.text = decoded;
        }
        Ok(reference.end)
    }

    fn flush_text(&mut self) -> Step<()> {
        if !self.text.is_empty() {
            let text = StrTendril::from_slice(&self.text);
            self.text.clear();
            self.emit(Token::CharacterTokens(text))?;
        }
        Ok(())
    }

    /// A start or end tag whose name starts at `name_at`; the tree builder's answer.
    fn tag(&mut self, name_at: usize, kind: TagKind) -> Step<Option<RawKind>> {
        let bytes = self.bytes();
        let name_end = bytes[name_at..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .map(|i| name_at + i)
            .ok_or(Unsupported)?;
        let name = LocalName::from(lowered(&self.src[name_at..name_end]).as_ref());
        let attributes = attributes(self.src, name_end)?;
        self.pos = attributes.end;
        if kind == TagKind::StartTag {
            self.last_start_tag = Some(name.clone());
        }
        self.emit(Token::TagToken(Tag {
            kind,
            name,
            self_closing: attributes.self_closing,
            attrs: attributes.list,
            had_duplicate_attributes: attributes.had_duplicates,
        }))
    }

    /// RCDATA, RAWTEXT or script data up to the end tag of the element that opened it.
    fn raw_text(&mut self, kind: RawKind) -> Step<()> {
        let Some(name) = self.last_start_tag.clone() else {
            return Err(Unsupported);
        };
        let bytes = self.bytes();
        let start = self.pos;
        let mut from = start;
        let end = loop {
            let Some(off) = memchr::memmem::find(&bytes[from..], b"</") else {
                break None;
            };
            let at = from + off;
            let name_end = at + 2 + name.len();
            if bytes
                .get(at + 2..name_end)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                && bytes
                    .get(name_end)
                    .is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
            {
                break Some((at, name_end));
            }
            from = at + 1;
        };
        let src = self.src;
        let content = &src[start..end.map_or(self.src.len(), |(at, _)| at)];
        match kind {
            RawKind::Rcdata => {
                let mut i = 0;
                while let Some(off) = memchr::memchr(b'&', &content.as_bytes()[i..]) {
                    self.text.push_str(&content[i..i + off]);
                    i = self.text_reference(content, i + off)?;
                }
                self.text.push_str(&content[i..]);
            }
            RawKind::Rawtext => self.text.push_str(content),
            RawKind::ScriptData => {
                // `<!--` starts the escaped states; a `<script` after it may start the
                // double-escaped one, where `</script>` does not end the element.
                if let Some(open) = memchr::memmem::find(content.as_bytes(), b"<!--") {
                    let after = &content.as_bytes()[open..];
                    if after.windows(7).any(|w| w.eq_ignore_ascii_case(b"<script")) {
                        return Err(Unsupported);
                    }
                }
                self.text.push_str(content);
            }
            RawKind::ScriptDataEscaped(_) => return Err(Unsupported),
        }
        self.flush_text()?;
        match end {
            None => self.pos = self.src.len(),
            Some((_, name_end)) => {
                let i = skip_space(bytes, name_end);
                if bytes.get(i) != Some(&b'>') {
                    return Err(Unsupported);
                }
                self.pos = i + 1;
                self.emit(Token::TagToken(Tag {
                    kind: TagKind::EndTag,
                    name,
                    self_closing: false,
                    attrs: Vec::new(),
                    had_duplicate_attributes: false,
                }))?;
            }
        }
        Ok(())
    }

    /// After `<!`: a comment, a doctype or a bogus comment.
    fn markup_declaration(&mut self, at: usize) -> Step<()> {
        let rest = &self.bytes()[at..];
        if rest.starts_with(b"--") {
            return self.comment(at + 2);
        }
        if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"DOCTYPE") {
            return self.doctype(at + 7);
        }
        if rest.starts_with(b"[CDATA[") {
            // A CDATA section in foreign content, a bogus comment elsewhere.
            return Err(Unsupported);
        }
        self.bogus_comment(at)
    }

    /// A comment whose data starts at `at` (after `<!--`).
    fn comment(&mut self, at: usize) -> Step<()> {
        let rest = &self.bytes()[at..];
        let (data_end, end) = if rest.starts_with(b">") {
            (at, at + 1)
        } else if rest.starts_with(b"->") {
            (at, at + 2)
        } else {
            let mut from = at;
            loop {
                let off = memchr::memmem::find(&self.bytes()[from..], b"--").ok_or(Unsupported)?;
                let dashes = from + off;
                match self.bytes().get(dashes + 2) {
                    Some(b'>') => break (dashes, dashes + 3),
                    Some(b'!') if self.bytes().get(dashes + 3) == Some(&b'>') => {
                        break (dashes, dashes + 4)
                    }
                    Some(_) => from = dashes + 1,
                    None => return Err(Unsupported),
                }
            }
        };
        self.pos = end;
        let data = StrTendril::from_slice(&self.src[at..data_end]);
        self.emit(Token::CommentToken(data))?;
        Ok(())
    }

    /// A bogus comment: its data from `at` to the next `>`.
    fn bogus_comment(&mut self, at: usize) -> Step<()> {
        let off = memchr::memchr(b'>', &self.bytes()[at..]).ok_or(Unsupported)?;
        self.pos = at + off + 1;
        let data = StrTendril::from_slice(&self.src[at..at + off]);
        self.emit(Token::CommentToken(data))?;
        Ok(())
    }

    /// A doctype after `<!DOCTYPE`: its name and public and system identifiers.
    fn doctype(&mut self, at: usize) -> Step<()> {
        let src = self.src;
        let bytes = src.as_bytes();
        let skip = |i| skip_space(bytes, i);
        let mut i = skip(at);
        match bytes.get(i) {
            None | Some(b'>') => return Err(Unsupported),
            Some(_) => {}
        }
        let name_end = bytes[i..]
            .iter()
            .position(|&b| is_space(b) || b == b'>')
            .map(|n| i + n)
            .ok_or(Unsupported)?;
        let name = StrTendril::from_slice(&lowered(&src[i..name_end]));
        i = skip(name_end);
        let mut public_id = None;
        let mut system_id = None;
        // A quoted identifier starting at `i`; its text and the index after the quote.
        let quoted = |i: usize| -> Step<(StrTendril, usize)> {
            let quote = *bytes.get(i).ok_or(Unsupported)?;
            if quote != b'"' && quote != b'\'' {
                return Err(Unsupported);
            }
            let len = memchr::memchr(quote, &bytes[i + 1..]).ok_or(Unsupported)?;
            let value = &src[i + 1..i + 1 + len];
            if value.contains('>') {
                return Err(Unsupported);
            }
            Ok((StrTendril::from_slice(value), i + 2 + len))
        };
        let keyword = bytes.get(i..i + 6);
        if keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"PUBLIC")) {
            let (id, after) = quoted(skip(i + 6))?;
            public_id = Some(id);
            i = skip(after);
            if bytes.get(i) != Some(&b'>') {
                let (id, after) = quoted(i)?;
                system_id = Some(id);
                i = skip(after);
            }
        } else if keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"SYSTEM")) {
            let (id, after) = quoted(skip(i + 6))?;
            system_id = Some(id);
            i = skip(after);
        }
        if bytes.get(i) != Some(&b'>') {
            return Err(Unsupported);
        }
        self.pos = i + 1;
        self.emit(Token::DoctypeToken(Doctype {
            name: Some(name),
            public_id,
            system_id,
            force_quirks: false,
        }))?;
        Ok(())
    }
}

/// Attributes a tag may have before duplicates are found with a set rather than by
/// comparing with each one so far.
const FEW_ATTRIBUTES: usize = 16;

/// A tag's attributes and how it ends.
struct Attributes {
    list: Vec<Attribute>,
    self_closing: bool,
    had_duplicates: bool,
    /// The index after the tag's `>`.
    end: usize,
}

impl Attributes {
    /// Add an attribute unless the tag has one of that name already (the first wins).
    #[inline]
    fn push(
        &mut self,
        local: LocalName,
        value: &str,
        names: &mut Option<foldhash::HashSet<LocalName>>,
    ) {
        let duplicate = match names {
            Some(names) => !names.insert(local.clone()),
            None => {
                let duplicate = self.list.iter().any(|a| a.name.local == local);
                if !duplicate && self.list.len() >= FEW_ATTRIBUTES {
                    let mut set: foldhash::HashSet<LocalName> =
                        self.list.iter().map(|a| a.name.local.clone()).collect();
                    set.insert(local.clone());
                    *names = Some(set);
                }
                duplicate
            }
        };
        if duplicate {
            self.had_duplicates = true;
        } else {
            self.list.push(Attribute {
                name: QualName::new(None, ns!(), local),
                value: StrTendril::from_slice(value),
            });
        }
    }
}

/// The value after an attribute's name, from `i` (after the spaces that follow the
/// name): into `value`, with the index after it and whether the tag ended there
/// (`<a href=>`).
#[inline]
fn attribute_value(src: &str, mut i: usize, value: &mut String) -> Step<(usize, bool)> {
    let bytes = src.as_bytes();
    if bytes.get(i) != Some(&b'=') {
        return Ok((i, false));
    }
    i += 1;
    i = skip_space(bytes, i);
    match bytes.get(i) {
        None => Err(Unsupported),
        Some(&quote @ (b'"' | b'\'')) => {
            i += 1;
            loop {
                let off = memchr::memchr2(quote, b'&', &bytes[i..]).ok_or(Unsupported)?;
                value.push_str(&src[i..i + off]);
                i += off;
                if bytes[i] == quote {
                    return Ok((i + 1, false));
                }
                i = char_ref(src, i, true, value)?.end;
            }
        }
        // `<a href=>`: an empty value, the tag ends.
        Some(b'>') => Ok((i, true)),
        Some(_) => loop {
            let Some(&b) = bytes.get(i) else {
                return Err(Unsupported);
            };
            if is_space(b) || b == b'>' {
                return Ok((i, false));
            }
            let run = bytes[i..]
                .iter()
                .position(|&b| is_space(b) || b == b'>' || b == b'&')
                .ok_or(Unsupported)?;
            value.push_str(&src[i..i + run]);
            i += run;
            if bytes[i] == b'&' {
                i = char_ref(src, i, true, value)?.end;
            }
        },
    }
}

/// The attributes of a tag from `at` (just after its name) to its `>`.
fn attributes(src: &str, at: usize) -> Step<Attributes> {
    let bytes = src.as_bytes();
    let mut out = Attributes {
        list: Vec::new(),
        self_closing: false,
        had_duplicates: false,
        end: at,
    };
    let mut i = at;
    let mut value = String::new();
    // The names so far, once there are many (a hostile tag may carry thousands).
    let mut names: Option<foldhash::HashSet<LocalName>> = None;
    // Before attribute name.
    loop {
        i = skip_space(bytes, i);
        match bytes.get(i) {
            None => return Err(Unsupported),
            Some(b'>') => {
                out.end = i + 1;
                return Ok(out);
            }
            Some(b'/') => {
                // Self-closing start tag state.
                match bytes.get(i + 1) {
                    None => return Err(Unsupported),
                    Some(b'>') => {
                        out.self_closing = true;
                        out.end = i + 2;
                        return Ok(out);
                    }
                    Some(_) => {
                        i += 1;
                        continue;
                    }
                }
            }
            Some(_) => {}
        }
        // Attribute name: a leading `=` belongs to it.
        let name_at = i;
        i += 1;
        while let Some(&b) = bytes.get(i) {
            if is_space(b) || b == b'/' || b == b'>' || b == b'=' {
                break;
            }
            i += 1;
        }
        if i >= bytes.len() {
            return Err(Unsupported);
        }
        let name = lowered(&src[name_at..i]);
        // After attribute name.
        i = skip_space(bytes, i);
        value.clear();
        let finished;
        (i, finished) = attribute_value(src, i, &mut value)?;
        out.push(LocalName::from(name.as_ref()), &value, &mut names);
        if finished {
            out.end = i + 1;
            return Ok(out);
        }
    }
}

/// Where the input goes on after a character reference, and whether html5ever's
/// tokenizer reports a parse error for it.
#[derive(Debug, Clone, Copy)]
struct CharRef {
    end: usize,
    error: bool,
}

/// A character reference at `at` (an `&`): what it stands for is appended to `out`.
fn char_ref(src: &str, at: usize, in_attribute: bool, out: &mut String) -> Step<CharRef> {
    let bytes = src.as_bytes();
    let start = at + 1;
    match bytes.get(start) {
        Some(c) if c.is_ascii_alphanumeric() => {}
        Some(b'#') => return Ok(numeric_char_ref(src, at, out)),
        _ => {
            out.push('&');
            return Ok(CharRef {
                end: start,
                error: false,
            });
        }
    }
    // The longest name in the table, reading while the text read is a name or the
    // beginning of one.
    let mut i = start;
    let mut matched: Option<(usize, (u32, u32))> = None;
    while i < bytes.len() && bytes[i].is_ascii() {
        match NAMED_ENTITIES.get(&src[start..=i]) {
            Some(&found) => {
                if found.0 != 0 {
                    matched = Some((i + 1, found));
                }
                i += 1;
            }
            None => break,
        }
    }
    let Some((end, (first, second))) = matched else {
        // Not a reference: `&name;` is an error, `&name` is not.
        let run_end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |n| start + n);
        out.push('&');
        return Ok(CharRef {
            end: start,
            error: bytes.get(run_end) == Some(&b';'),
        });
    };
    let next = bytes.get(end).copied();
    let terminated = bytes[end - 1] == b';';
    if !terminated && in_attribute && next.is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric()) {
        // Historical: `&copy=` in an attribute is not a reference.
        out.push('&');
        return Ok(CharRef {
            end: start,
            error: false,
        });
    }
    for code in [first, second] {
        if code != 0 {
            out.push(char::from_u32(code).ok_or(Unsupported)?);
        }
    }
    Ok(CharRef {
        end,
        error: !terminated,
    })
}

/// A numeric character reference at `at` (`&#…`).
fn numeric_char_ref(src: &str, at: usize, out: &mut String) -> CharRef {
    let bytes = src.as_bytes();
    let mut i = at + 2;
    let base = match bytes.get(i) {
        Some(b'x' | b'X') => {
            i += 1;
            16
        }
        _ => 10,
    };
    let digits_at = i;
    let mut value: u32 = 0;
    let mut too_big = false;
    while let Some(d) = bytes.get(i).and_then(|&b| (b as char).to_digit(base)) {
        value = value.wrapping_mul(base);
        if value > 0x10FFFF {
            too_big = true;
        }
        value = value.wrapping_add(d);
        i += 1;
    }
    if i == digits_at {
        // No digits: `&#` (and the `x`) are text.
        out.push('&');
        return CharRef {
            end: at + 1,
            error: true,
        };
    }
    let mut error = true;
    if bytes.get(i) == Some(&b';') {
        i += 1;
        error = false;
    }
    let (c, invalid) = match value {
        n if n > 0x10FFFF || too_big => ('\u{fffd}', true),
        0 | 0xD800..=0xDFFF => ('\u{fffd}', true),
        0x80..=0x9F => (
            C1_REPLACEMENTS[(value - 0x80) as usize]
                .unwrap_or_else(|| char::from_u32(value).unwrap_or('\u{fffd}')),
            true,
        ),
        0x01..=0x08 | 0x0B | 0x0D..=0x1F | 0x7F | 0xFDD0..=0xFDEF => {
            (char::from_u32(value).unwrap_or('\u{fffd}'), true)
        }
        n => (
            char::from_u32(n).unwrap_or('\u{fffd}'),
            (n & 0xFFFE) == 0xFFFE,
        ),
    };
    out.push(c);
    CharRef {
        end: i,
        error: error || invalid,
    }
}

#[cfg(test)]
mod tests;
