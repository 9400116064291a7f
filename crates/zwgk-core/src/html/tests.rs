use std::fmt::Write;
use std::path::{Path, PathBuf};

use scraper::{Html, Node};

use super::fast_parse;

/// The tree, one line a node: depth, kind, name, attributes in order, text.
fn dump(doc: &Html) -> String {
    let mut out = format!("quirks {:?}\n", doc.quirks_mode);
    for edge in doc.tree.root().traverse() {
        let ego_tree::iter::Edge::Open(node) = edge else {
            continue;
        };
        let depth = node.ancestors().count();
        let _ = write!(out, "{depth} ");
        match node.value() {
            Node::Document => out.push_str("#document"),
            Node::Fragment => out.push_str("#fragment"),
            Node::Doctype(d) => {
                let _ = write!(
                    out,
                    "<!doctype {:?} {:?} {:?}>",
                    &*d.name, &*d.public_id, &*d.system_id
                );
            }
            Node::Comment(c) => {
                let _ = write!(out, "<!-- {:?} -->", &**c);
            }
            Node::Text(t) => {
                let _ = write!(out, "{:?}", &**t);
            }
            Node::Element(e) => {
                let _ = write!(out, "<{:?} {}", e.name.ns, &*e.name.local);
                for (name, value) in e.attrs.iter() {
                    let _ = write!(out, " {:?}:{}={:?}", name.ns, &*name.local, &**value);
                }
                out.push('>');
            }
            Node::ProcessingInstruction(p) => {
                let _ = write!(out, "<?{:?} {:?}>", &*p.target, &*p.data);
            }
        }
        out.push('\n');
    }
    out
}

/// Whether the fast tokenizer took `html`; when it did, its tree must be html5ever's.
fn same_tree(html: &str) -> bool {
    let Some(fast) = fast_parse(html) else {
        return false;
    };
    let reference = Html::parse_document(html);
    assert_eq!(
        dump(&fast),
        dump(&reference),
        "fast and html5ever trees differ for {html:?}"
    );
    true
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "html" || e == "htm" || e == "shtml")
        {
            out.push(path);
        }
    }
}

fn fixture_pages() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/portals");
    let mut files = Vec::new();
    html_files(&root, &mut files);
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .map(|bytes| match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => encoding_rs::GBK.decode(e.as_bytes()).0.into_owned(),
        })
        .collect()
}

#[test]
fn every_fixture_page_parses_to_html5evers_tree() {
    let pages = fixture_pages();
    assert!(pages.len() > 500, "fixture pages found: {}", pages.len());
    let taken = pages.iter().filter(|p| same_tree(p)).count();
    // The fixtures are written in the platform's ordinary shapes: the fast path must
    // take (nearly) all of them, or it is not doing its job.
    assert!(
        taken * 100 >= pages.len() * 99,
        "fast path took {taken} of {} pages",
        pages.len()
    );
}

#[test]
fn awkward_markup_parses_to_html5evers_tree_or_falls_back() {
    let cases = [
        "",
        "<",
        "</",
        "</>",
        "a < b && c > d",
        "<!DOCTYPE html><p>x",
        "<!doctype HTML><P CLASS=A>x</p>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\"><p><table><tr><td>x</table>",
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><p><table><tr><td>quirks</table>",
        "<!DOCTYPE html SYSTEM 'about:legacy-compat'><p>x",
        "<!DOCTYPEhtml><p>x",
        "<!DOCTYPE html PUBLIC\"-//W3C//DTD HTML 4.01//EN\"'x'><p>",
        "<p>x<p>y<ul><li>a<li>b</ul><dl><dt>t<dd>d</dl>",
        "<table><tr><td>a<td>b<tr><td colspan=2>c</table>",
        "<table>text<tr>x<td>y</td></tr></table>",
        "<b><i>x</b>y</i>",
        "<a href=\"/a?x=1&y=2&copy=3&amp;z\">q</a>",
        "<a href='/b?not=1&notin;&not;x&noti'>&not &notit; &notin; &amp &ampx &#38; &#x26 &#0; &#x80; &#x81; &#xD800; &#1114112; &#99999999999; &# &#x; &#xZ;</a>",
        "<p title=&quot;x&quot; data-a=b=c data-b=`d` =e f\"g=h>t</p>",
        "<img src=a.png/><br/><input disabled><input type=text value='v' / >",
        "<div id=a id=b class=c CLASS=d>dup</div>",
        "<a href=x/>x</a><a href=>y</a><a href= >z</a>",
        "<p/x>y</p><p / >z</p>",
        "<!-- comment --><!----><!--><!---><!-- a --- b --!> <!-- c --!-x --> <!--->",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><html><p>x",
        "<!x y><p>z</1><p>w</ p>",
        "<title>A &amp; B <b>not bold</b></title><textarea>\n\nx</textarea><pre>\nfirst</pre>",
        "<title>t</titles></title><style>p{}</style ><style>a</style x><p>after",
        "<script>var s = '</scr' + 'ipt>'; if (a < b && c) {}</script><p>x",
        "<script><!-- document.write('x'); //--></script><p>x",
        "<script><!-- document.write('<script>x</script>'); --></script><p>x",
        "<SCRIPT type=text/javascript>x</SCRIPT><p>x",
        "<noscript><p>inside</p></noscript><iframe><p>raw</p></iframe><xmp><b></xmp>",
        "<svg><title>svg title<b>x</b></title><![CDATA[x]]></svg><math><mi>x</mi></math>",
        "<plaintext><p>all text",
        "\u{feff}<p>bom",
        "a\r\nb\rc\n\rd<p\r\nclass=\"x\r\ny\">\r</p>",
        "<p>nul\u{0}</p>",
        "<p>unterminated <a href='x",
        "<p>unterminated <!-- comment",
        "<p>unterminated <script>var x",
        "<p>unterminated <title>t &amp",
        "<html><head></head><body></body></html><p>after</p><!-- after -->",
        "<frameset><frame src=a></frameset>",
        "<select><option>a<option>b</select><template><p>t</template>",
        "<meta charset=gbk><meta http-equiv=Content-Type content='text/html; charset=gb2312'><p>x",
        "<p>全角（括号）&nbsp;&ensp;&emsp;&ldquo;引号&rdquo;&middot;&hellip;</p>",
        "<a HREF=\"javascript:void(0)\" onClick=\"a('<b>')\">x</a>",
        "<div><span>x</div></span><form><form></form><p><h1>h</h1>",
        // html5ever's tokenizer, fed again after `</script>` or an encoding declaration,
        // drops a U+FEFF there.
        "a<script></script>\u{feff}!x",
        "<meta charset=utf-8>\u{feff}x<meta charset=gbk>y",
        // A parse error token ends the wait for a line feed to drop after <pre>.
        "<textarea>&#xa<b></textarea><pre>&#10x</pre><listing>&#x0a=</listing>",
        "<pre></>\r\nx</pre><pre>&#10;y</pre><pre>&am;\nz</pre>",
    ];
    let mut taken = 0;
    for html in cases {
        if same_tree(html) {
            taken += 1;
        }
    }
    assert!(
        taken >= cases.len() - 10,
        "fast path took only {taken} of {} cases",
        cases.len()
    );
    // What must fall back, does.
    for html in [
        "<p>nul\u{0}</p>",
        "<plaintext>x",
        "<svg><![CDATA[x]]></svg>",
        "<p>unterminated <a href='x",
    ] {
        assert!(fast_parse(html).is_none(), "{html:?}");
    }
}

/// Awkward pieces of markup, spliced into pages and strung into token soup.
const PIECES: &[&str] = &[
    "<",
    "</",
    ">",
    "&",
    "&amp",
    "&amp;",
    "&not",
    "&notin;",
    "&#",
    "&#x80;",
    "&#65",
    "\"",
    "'",
    "=",
    "/",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<script>",
    "</script>",
    "<title>",
    "</title>",
    "<textarea>",
    "<table>",
    "<tr>",
    "<td>",
    "</table>",
    "<p>",
    "</p>",
    "<li>",
    "<svg>",
    "</svg>",
    "<math>",
    "<b>",
    "</i>",
    "\r\n",
    "\r",
    "\n",
    " ",
    "<a href=x&y>",
    "<a b='c' d=\"e\" f=g/>",
    "<!DOCTYPE html>",
    "<?x?>",
    "</1>",
    "<!x>",
    "<style>",
    "</style>",
    "<noscript>",
    "</noscript>",
    "<pre>",
    "&nbsp;",
    "中文",
    "<select>",
    "<option>",
    "<frameset>",
    "<html>",
    "<body>",
    "<head>",
    "<br/>",
    "<img>",
    "<form>",
    "<h1>",
    "&#x9F;",
    "&COPY",
    "&copy=",
    "<!DOCTYPE html PUBLIC 'a' 'b'>",
    "<a\thref=x\ttitle=&lt;>",
    "<!DOCTYPE html SYSTEM \"x\">",
    "<td colspan=2>",
    "<caption>",
    "<col>",
    "<colgroup>",
    "<tbody>",
    "<th>",
    "<dd>",
    "<dt>",
    "<button>",
    "<nobr>",
    "<marquee>",
    "<object>",
    "<applet>",
    "<ruby>",
    "<rt>",
    "<foreignObject>",
    "<desc>",
    "<mi>",
    "<annotation-xml encoding=text/html>",
    "<font color=red>",
    "<center>",
    "</br>",
    "<image>",
    "<isindex>",
    "<xmp>",
    "</xmp>",
    "<listing>",
    "\u{feff}",
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">",
    "<template>",
    "</template>",
    "<iframe>",
    "</iframe>",
];

/// Fixture pages with awkward pieces spliced in at random places: wherever the fast
/// path takes the result, it equals html5ever's parse.
#[test]
fn spliced_pages_parse_to_html5evers_tree_or_fall_back() {
    let pieces = PIECES;
    let pages = fixture_pages();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut taken, mut tried) = (0, 0);
    for round in 0..600 {
        let page = &pages[(round * 7) % pages.len()];
        // A slice of the page, cut at character boundaries.
        let cut = |n: usize| {
            let mut i = n.min(page.len());
            while !page.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = cut(next(page.len().max(1)));
        let end = cut(start + 1 + next(3000));
        let mut html = page[start..end].to_string();
        for _ in 0..1 + next(6) {
            let mut at = next(html.len() + 1);
            while !html.is_char_boundary(at) {
                at -= 1;
            }
            html.insert_str(at, pieces[next(pieces.len())]);
        }
        tried += 1;
        if same_tree(&html) {
            taken += 1;
        }
    }
    assert!(
        taken * 2 >= tried,
        "fast path took only {taken} of {tried} spliced pages"
    );
}

/// Strings of awkward pieces and short words with nothing else around them: every
/// tokenizer state meets every other, far more densely than in real pages.
/// `ZWGK_SOUP_ROUNDS` and `ZWGK_SOUP_SEED` run more or other soups.
#[test]
fn token_soup_parses_to_html5evers_tree_or_falls_back() {
    let words = [
        "a",
        "x y",
        "标题",
        "=",
        "\"q\"",
        "'s'",
        "-",
        "!",
        "?",
        "#",
        ";",
        "0",
        "&amp;x",
        "<a ",
        " b",
        "c=",
        ">",
        "/>",
        "<!DOCTYPE",
        " PUBLIC ",
        " SYSTEM ",
        "]]>",
        "#x",
        "\t",
        "\u{c}",
        "</script",
        "</title",
        "<meta charset=utf-8>",
        "\u{feff}",
        "&#x",
        "&lt",
        "&gt;",
        "<tr",
        "</",
        "<!",
        "--",
        "&",
        "x\ty",
        "&#10",
        "&#x0a",
        "&NewLine;",
        "<listing>",
        "</>",
        "<b ",
        "=\"v\"",
        "'v'",
        "<meta http-equiv=Content-Type content='text/html; charset=gbk'>",
    ];
    let rounds: usize = std::env::var("ZWGK_SOUP_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut seed: u64 = std::env::var("ZWGK_SOUP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut taken, mut tried) = (0, 0);
    for _ in 0..rounds {
        let mut html = String::new();
        for _ in 0..1 + next(24) {
            if next(3) == 0 {
                html.push_str(words[next(words.len())]);
            } else {
                html.push_str(PIECES[next(PIECES.len())]);
            }
        }
        tried += 1;
        if same_tree(&html) {
            taken += 1;
        }
    }
    assert!(
        taken * 4 >= tried,
        "fast path took only {taken} of {tried} soups"
    );
}

#[test]
fn a_tag_with_thousands_of_attributes_keeps_the_first_of_each() {
    let mut html = String::from("<div");
    for n in 0..30_000 {
        html.push_str(&format!(" a{n}=x a{}=y", n / 2));
    }
    html.push_str(">z</div>");
    let doc = fast_parse(&html).expect("taken by the fast path");
    let div = doc
        .tree
        .nodes()
        .find_map(|n| {
            n.value()
                .as_element()
                .filter(|e| e.name() == "div")
                .cloned()
        })
        .unwrap();
    assert_eq!(div.attrs.len(), 30_000);
    assert_eq!(div.attr("a7"), Some("x"));
    assert_eq!(div.attr("a29999"), Some("x"));
    // Small tags take the other way; both agree with html5ever.
    assert!(same_tree("<p a=1 b=2 a=3 B=4 c d=5 c=6>x"));
    let many: String = (0..40).map(|n| format!(" k{}={n}", n % 25)).collect();
    assert!(same_tree(&format!("<p{many}>x")));
}
