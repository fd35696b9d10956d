//! Descriptions are markdown written by many people: rendered to HTML on the server
//! and sanitised, so a description can never run a script in a reader's browser.

use pulldown_cmark::{html, Options, Parser};

pub fn render(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_becomes_html() {
        let html = render("One row per **order**.\n\n- a\n- b\n\n[docs](https://acme.io/x)");
        assert!(html.contains("<strong>order</strong>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
        assert!(html.contains(r#"<a href="https://acme.io/x" rel="noopener noreferrer nofollow">docs</a>"#), "{html}");
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
