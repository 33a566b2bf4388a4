//! The 1200×630 PNG that link previews (Open Graph, Twitter cards) show for
//! a badge: the badge image beside its name and issuer. Rendered by the
//! server with `resvg` from an SVG composed here, with a font bundled in the
//! binary (DejaVu Sans, `assets/fonts/`, Bitstream Vera licence), so the
//! result does not depend on the fonts of the machine.
//!
//! One image per badge class, never per holder: it carries nothing private
//! and nothing that changes with a badge's status (a cached picture must not
//! claim a revoked badge is valid). Its URL holds [`key`], a hash of what the
//! picture shows, so the URL is immutable and a change (the organisation's
//! name) makes a new URL; the rendered PNG is cached in the database under
//! that key, shared by every instance.

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use crate::mail::html_escape as escape;

/// The picture's size (Open Graph's recommended 1.91:1).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Bump when the layout changes: every key, and so every URL, changes.
const LAYOUT_VERSION: &str = "1";

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";

/// What the picture shows.
#[derive(Debug, Clone, Copy)]
pub struct ShareCard<'a> {
    pub badge_name: &'a str,
    pub issuer_name: &'a str,
    /// The badge image (`image/png` or `image/svg+xml`).
    pub image_type: &'a str,
    pub image: &'a [u8],
    /// The host name verifiers see ("badges.example.org").
    pub host: &'a str,
}

/// The cache key and URL part of a badge class's share image: the first
/// 16 hex digits of a SHA-256 of everything the picture shows (the class is
/// immutable, so its slug stands for its name and image).
pub fn key(class_slug: &str, issuer_name: &str, host: &str) -> String {
    let mut h = Sha256::new();
    for part in [LAYOUT_VERSION, class_slug, issuer_name, host] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())[..16].to_owned()
}

/// Why a picture could not be made (logged; the page keeps the plain badge
/// image then).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the share card's SVG did not parse: {0}")]
    Svg(#[from] usvg::Error),
    #[error("the share card could not be encoded as PNG: {0}")]
    Png(String),
}

/// Renders the card as a PNG.
pub fn render(card: &ShareCard<'_>) -> Result<Vec<u8>, RenderError> {
    let svg = compose(card);
    let tree = usvg::Tree::from_str(&svg, options())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a non-zero size");
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}

/// Parsing options with the bundled font, made once.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        usvg::Options {
            font_family: FONT_FAMILY.to_owned(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        }
    })
}

/// The card as SVG: a light background, an accent bar, the badge image on
/// the left, the name (up to three lines, wrapped at word boundaries), the
/// issuer and where to verify it on the right.
fn compose(card: &ShareCard<'_>) -> String {
    let image = base64::engine::general_purpose::STANDARD.encode(card.image);
    let mime = if card.image_type == "image/svg+xml" {
        "image/svg+xml"
    } else {
        "image/png"
    };
    let mut text = String::new();
    let name_lines = wrap(card.badge_name, 20, 3);
    let mut y = 250 - 35 * (name_lines.len() as i32 - 1);
    for line in &name_lines {
        text.push_str(&format!(
            r##"<text x="540" y="{y}" font-size="60" font-weight="bold" fill="#1c1917">{}</text>"##,
            escape(line)
        ));
        y += 72;
    }
    y += 10;
    for line in wrap(&format!("Issued by {}", card.issuer_name), 34, 2) {
        text.push_str(&format!(
            r##"<text x="540" y="{y}" font-size="34" fill="#44403c">{}</text>"##,
            escape(&line)
        ));
        y += 44;
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="#fafaf9"/>
<rect width="{WIDTH}" height="14" fill="#047857"/>
<rect x="60" y="95" width="440" height="440" rx="24" fill="#ffffff" stroke="#e7e5e4" stroke-width="2"/>
<image x="80" y="115" width="400" height="400" preserveAspectRatio="xMidYMid meet" xlink:href="data:{mime};base64,{image}"/>
{text}
<text x="540" y="560" font-size="28" fill="#047857">Open Badge · verify at {host}</text>
</svg>"##,
        host = escape(card.host),
    )
}

/// Splits `text` into at most `max_lines` lines of about `width`
/// characters at spaces; the last line ends with "…" when text is left
/// over. (Character counts stand in for widths: the font's glyphs are close
/// enough in width for a preview.)
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word: String = if word.chars().count() > width {
            word.chars().take(width - 1).chain(['…']).collect()
        } else {
            word.to_owned()
        };
        if current.is_empty() {
            current = word;
        } else if current.chars().count() + 1 + word.chars().count() <= width {
            current.push(' ');
            current.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut current, word));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        let mut cut: String = last.chars().take(width - 1).collect();
        cut.push('…');
        *last = cut;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_what_the_picture_shows() {
        let k = key("rust-1", "Acme", "badges.example.org");
        assert_eq!(k.len(), 16);
        assert_eq!(k, key("rust-1", "Acme", "badges.example.org"));
        assert_ne!(k, key("rust-2", "Acme", "badges.example.org"));
        assert_ne!(k, key("rust-1", "Acme Ltd", "badges.example.org"));
        assert_ne!(k, key("rust-1", "Acme", "other.example.org"));
    }

    #[test]
    fn long_names_wrap_and_end_with_an_ellipsis() {
        assert_eq!(wrap("Rust", 20, 3), ["Rust"]);
        assert_eq!(
            wrap(
                "Advanced Rust Programming for Embedded Systems Engineers",
                20,
                2
            ),
            ["Advanced Rust", "Programming for…"]
        );
        assert_eq!(
            wrap("Supercalifragilisticexpialidocious", 10, 3),
            ["Supercali…"]
        );
        assert!(wrap("", 20, 3).is_empty());
    }

    #[test]
    fn renders_a_1200_by_630_png_with_text_escaped() {
        let png = tiny_skia::Pixmap::new(8, 8).unwrap().encode_png().unwrap();
        let svg_badge = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="5" fill="red"/></svg>"#;
        for (image_type, image) in [
            ("image/png", png.as_slice()),
            ("image/svg+xml", &svg_badge[..]),
        ] {
            let out = render(&ShareCard {
                badge_name: "Rust <script> & \"friends\"",
                issuer_name: "Acme & Co",
                image_type,
                image,
                host: "badges.example.org",
            })
            .unwrap();
            let decoded = tiny_skia::Pixmap::decode_png(&out).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (WIDTH, HEIGHT));
            // The accent bar is drawn (the top-left pixel is the accent colour).
            let p = decoded.pixel(0, 0).unwrap();
            assert_eq!((p.red(), p.green(), p.blue()), (0x04, 0x78, 0x57));
        }
        let svg = compose(&ShareCard {
            badge_name: "A <b>",
            issuer_name: "B & C",
            image_type: "image/png",
            image: b"",
            host: "h",
        });
        assert!(
            svg.contains("A &lt;b&gt;") && svg.contains("Issued by B &amp; C"),
            "{svg}"
        );
    }
}
