//! Markdown for criteria narratives, rendered safely: parsed with
//! `pulldown-cmark`, then every raw HTML block or inline tag is turned into
//! visible text, links keep only `http`, `https` and `mailto` destinations,
//! and images become links (a badge page never loads a third-party image).
//! The result can be inserted as HTML on Laurel's pages (server and browser
//! render the same, so the live preview matches the saved page).

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Renders `text` to HTML that contains no markup the author typed as HTML.
pub fn render(text: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut in_image = false;
    let events = Parser::new_ext(text, options).map(|event| match event {
        // Raw HTML shows as the text it is.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            in_image = true;
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: safe_url(dest_url),
                title,
                id,
            })
        }
        Event::End(TagEnd::Image) if in_image => {
            in_image = false;
            Event::End(TagEnd::Link)
        }
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:");
    if allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_ordinary_markdown() {
        let html =
            render("# Criteria\n\n- pass the **exam**\n- see [the rules](https://example.com/r)");
        assert!(html.contains("<h1>Criteria</h1>"), "{html}");
        assert!(html.contains("<strong>exam</strong>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/r\">the rules</a>"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_and_images_are_defused() {
        let html = render("[x](javascript:alert(1)) [y](JavaScript:alert(1)) ![i](https://t.example/p.png) [d](data:text/html,hi)");
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://t.example/p.png\">i</a>"),
            "{html}"
        );
    }
}
