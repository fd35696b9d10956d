//! Descriptions are markdown written by many people: rendered to HTML on the server
//! and sanitised, so a description can never run a script in a reader's browser.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Bytes of a description rendered as markdown; past this the page shows a note instead.
/// A description is prose: even a long doc block is a few kilobytes, and sanitising costs
/// more than linear time in the length of an attribute.
pub const MAX_RENDERED_BYTES: usize = 64 * 1024;

/// Longest run of text the sanitiser sees as one text node. html5ever escapes a text node
/// by searching for `<` or `>` anew after each `&` or two-byte character, so one long node
/// full of `&` costs the square of its length; many short ones cost their sum.
const TEXT_NODE_BYTES: usize = 1024;

/// A description's words without its Markdown: for search snippets, which show text.
/// Code spans keep their text, links their label, HTML is dropped; blocks are joined
/// by a space.
pub fn plain_text(markdown: &str) -> String {
    let shown = cut(markdown, MAX_RENDERED_BYTES);
    let mut out = String::with_capacity(shown.len());
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for event in Parser::new_ext(shown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut out),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => space(&mut out),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

pub fn render(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let shown = cut(markdown, MAX_RENDERED_BYTES);
    let parser = Parser::new_ext(shown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut in_image = 0usize;
    let events = parser.flat_map(|event| {
        match &event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            _ => {}
        }
        match event {
            // An image's text becomes its alt attribute, where a comment would be text.
            Event::Text(text) if text.len() > TEXT_NODE_BYTES && in_image == 0 => split_text(&text),
            other => vec![other],
        }
    });
    let mut unsafe_html = String::with_capacity(shown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    if shown.len() < markdown.len() {
        unsafe_html.push_str(&format!(
            "<p><em>The description is {} bytes long; the first {} are shown.</em></p>",
            markdown.len(),
            shown.len()
        ));
    }
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

/// At most `max` bytes of `text`, at a paragraph break when one is in the second half.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    match head.rfind("\n\n") {
        Some(paragraph) if paragraph > max / 2 => &head[..paragraph],
        _ => head,
    }
}

/// Text as pieces of at most [`TEXT_NODE_BYTES`] with an empty comment between them: the
/// sanitiser drops the comments and keeps the pieces as separate text nodes, so the page
/// shows the same text.
fn split_text(text: &str) -> Vec<Event<'static>> {
    let mut events = Vec::with_capacity(2 * text.len() / TEXT_NODE_BYTES + 1);
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(TEXT_NODE_BYTES);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        if !events.is_empty() {
            events.push(Event::InlineHtml(CowStr::Borrowed("<!---->")));
        }
        events.push(Event::Text(CowStr::from(rest[..end].to_string())));
        rest = &rest[end..];
    }
    events
}

#[cfg(test)]
mod tests {
    use super::{plain_text, render, MAX_RENDERED_BYTES};

    #[test]
    fn plain_text_drops_the_markup_and_keeps_the_words() {
        let cases = [
            ("One row per **order**, with `order_id`.", "One row per order, with order_id."),
            ("# Orders\n\nSee [the docs](https://x.io) and _more_.", "Orders See the docs and more."),
            ("- a\n- b", "a b"),
            ("<b>html</b> dropped", "html dropped"),
            ("", ""),
        ];
        for (markdown, want) in cases {
            assert_eq!(plain_text(markdown), want, "{markdown}");
        }
    }

    #[test]
    fn markdown_becomes_html() {
        let html = render("One row per **order**.\n\n- a\n- b\n\n[docs](https://acme.io/x)");
        assert!(html.contains("<strong>order</strong>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
        assert!(html.contains(r#"<a href="https://acme.io/x" rel="noopener noreferrer nofollow">docs</a>"#), "{html}");
    }

    #[test]
    fn long_text_full_of_ampersands_renders_whole_and_fast() {
        // One text node of 60 KB of `&` took seconds to sanitise; split, it takes milliseconds.
        let text = "R&D & ops, ½ × ¼ ".repeat(3_000);
        let started = std::time::Instant::now();
        let html = render(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(html.matches("R&amp;D &amp; ops, ½ × ¼").count(), 3_000);
        assert!(!html.contains("<!--"), "the comments that split the text are dropped");
        assert!(!html.contains("shown."), "nothing was cut");
    }

    #[test]
    fn descriptions_past_the_limit_are_cut_and_say_so() {
        let paragraph = format!("{}\n\n", "word ".repeat(1_000));
        let html = render(&paragraph.repeat(1_000));
        assert!(html.len() < 2 * MAX_RENDERED_BYTES, "{}", html.len());
        assert!(
            html.ends_with("<p><em>The description is 5002000 bytes long; the first 65024 are shown.</em></p>"),
            "{}",
            &html[html.len() - 200..]
        );
        // A cut never splits a character.
        let html = render(&"é".repeat(MAX_RENDERED_BYTES));
        assert!(html.contains("the first 65536 are shown"), "{}", &html[html.len() - 200..]);
        assert!(render(&format!("![{}](x.png)", "alt ".repeat(1_000))).contains("alt alt"));
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a> <iframe src=\"https://evil\"></iframe>",
        );
        for bad in ["<script", "alert(1)", "onerror", "javascript:", "<iframe"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }
}
