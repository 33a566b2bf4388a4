//! Badge baking: storing an Open Badges assertion or credential inside the
//! badge image itself, and reading it back out.
//!
//! A baked image is the portable form of a badge: the earner can download it,
//! post it anywhere, and a verifier can still recover the assertion from the
//! picture. The rules follow the Open Badges 2.0 "Baking Specification" and the
//! baking section of Open Badges 3.0:
//!
//! - **PNG**: one `iTXt` chunk with the keyword `openbadges` (2.0) or
//!   `openbadgecredential` (3.0), uncompressed, placed just before `IEND`
//!   (see [`bake_png`]).
//! - **SVG**: an `<openbadges:assertion>` (2.0) or `<openbadges:credential>`
//!   (3.0) element as the first child of the root `<svg>`, in the namespace
//!   `http://openbadges.org` (see [`bake_svg`]).
//!
//! Images come from strangers (issuers upload them, earners hand them to
//! verifiers), so every reader here is defensive: inputs are size-capped before
//! parsing, truncated or damaged files are errors rather than panics, and SVGs
//! that could run code or expand entities are refused outright.

mod png;
mod svg;

pub use png::{bake_png, unbake_png};
pub use svg::{bake_svg, unbake_svg};

/// The largest image, in bytes, that Laurel bakes or unbakes. Badge images
/// are small (a few hundred kilobytes at most); the cap bounds the memory and
/// time an uploaded or fetched file can cost before any parsing starts.
pub const MAX_IMAGE_BYTES: usize = 16 * 1024 * 1024;

/// The PNG text keyword of an Open Badges 2.0 (and 1.x) assertion.
pub const PNG_KEYWORD_OB2: &str = "openbadges";

/// The PNG text keyword of an Open Badges 3.0 credential.
pub const PNG_KEYWORD_OB3: &str = "openbadgecredential";

/// The XML namespace of the badge elements in a baked SVG.
pub const SVG_NAMESPACE: &str = "http://openbadges.org";

/// What a badge image carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BakedPayload {
    /// Open Badges 2.0: a hosted assertion as JSON text, or a signed assertion as a compact JWS.
    ///
    /// Images baked by older tools may instead carry just the URL of a hosted
    /// assertion (the Open Badges 1.x practice); unbaking returns it as is and
    /// leaves it to the verifier to fetch.
    Ob2(String),
    /// Open Badges 3.0: an OpenBadgeCredential as JSON text, or a VC-JWT (compact JWS).
    Ob3(String),
}

impl BakedPayload {
    /// The baked text itself, whichever version it is.
    pub fn as_str(&self) -> &str {
        match self {
            BakedPayload::Ob2(text) | BakedPayload::Ob3(text) => text,
        }
    }

    /// Whether the text is a JSON document rather than a compact JWS. The two
    /// are told apart the way the baking specifications do: JSON is an object,
    /// so it starts with `{`, which base64url (and therefore a JWS) never does.
    pub(crate) fn is_json(&self) -> bool {
        self.as_str().trim_start().starts_with('{')
    }
}

/// Why an image could not be baked or unbaked. The `Display` text is a
/// complete sentence meant for the person who supplied the image.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum BakeError {
    #[error("The image is larger than 16 MiB, the most a badge image may be.")]
    TooLarge,
    #[error("This is not a PNG or SVG image.")]
    NotAnImage,
    #[error("There is no badge data to bake.")]
    EmptyPayload,
    #[error("The image's Open Badges data is empty.")]
    EmptyBadge,

    #[error("This is not a PNG image (the PNG signature is missing).")]
    NotPng,
    #[error("The PNG file is truncated (a chunk runs past the end of the file).")]
    PngTruncated,
    #[error("The PNG file is truncated (it ends before its IEND chunk).")]
    PngMissingIend,
    #[error("The PNG file is damaged (a chunk has an invalid type or length).")]
    PngBadChunk,
    #[error("The PNG file is damaged (its first chunk is not IHDR).")]
    PngIhdrNotFirst,
    #[error("The PNG's “{0}” chunk is damaged (its checksum does not match).")]
    PngBadCrc(String),
    #[error("The PNG holds two Open Badges chunks; a badge image must carry exactly one.")]
    PngTwoBadges,
    #[error("The PNG's Open Badges chunk is compressed, which Laurel does not read; bake the badge uncompressed.")]
    PngCompressedBadge,
    #[error("The PNG's Open Badges chunk is malformed.")]
    PngMalformedBadge,
    #[error("The Open Badges data in the PNG is not valid UTF-8 text.")]
    PngBadgeNotUtf8,

    #[error("The SVG file is not UTF-8 text.")]
    SvgNotUtf8,
    #[error("This is not an SVG image (its root element is not <svg>).")]
    NotSvg,
    #[error("The SVG is not well-formed XML ({0}).")]
    SvgMalformed(String),
    #[error("The SVG declares a DOCTYPE or entities, which badge images may not use.")]
    SvgDoctype,
    #[error("The SVG contains a script element.")]
    SvgScript,
    #[error(
        "The SVG contains an event-handler attribute (“{0}”), which badge images may not use."
    )]
    SvgEventHandler(String),
    #[error("The SVG contains a javascript: link, which badge images may not use.")]
    SvgJavascriptUrl,
    #[error("The SVG holds two Open Badges elements; a badge image must carry exactly one.")]
    SvgTwoBadges,
    #[error("The SVG's Open Badges element is malformed (it contains other elements).")]
    SvgMalformedBadge,
    #[error("The SVG already uses the prefix “openbadges” for another namespace.")]
    SvgPrefixTaken,
    #[error("The badge data contains control characters, which an SVG file cannot hold.")]
    PayloadNotXmlText,
    #[error("Baking an Open Badges 2.0 hosted assertion into an SVG needs the assertion's URL (pass it, or give the assertion an https:// id).")]
    MissingVerifyUrl,
    #[error("The assertion URL must be an http:// or https:// URL.")]
    BadVerifyUrl,
}

/// Whether `bytes` starts with the PNG signature. This only sniffs the file
/// type; [`unbake_png`] checks the rest.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&png::SIGNATURE)
}

/// Reads the badge data out of a PNG or SVG image, telling the two apart by
/// their first bytes: the PNG signature, or text that opens with `<` (after an
/// optional byte-order mark and whitespace) for SVG. Returns `Ok(None)` for a
/// valid image that carries no badge.
pub fn unbake(image: &[u8]) -> Result<Option<BakedPayload>, BakeError> {
    if image.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    if is_png(image) {
        return unbake_png(image);
    }
    let body = image.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(image);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'<') {
        return Err(BakeError::NotAnImage);
    }
    let text = std::str::from_utf8(image).map_err(|_| BakeError::SvgNotUtf8)?;
    unbake_svg(text)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A tiny valid PNG, assembled by hand so the tests need no image files
    //! and no image crate.

    /// One PNG chunk: length, type, data and CRC.
    pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 12);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
        out
    }

    /// The IHDR of a 1×1 8-bit greyscale image.
    pub fn ihdr() -> Vec<u8> {
        chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])
    }

    /// An IDAT holding one scanline (filter byte 0, one white pixel) in a
    /// zlib stream made of a single stored (uncompressed) block.
    pub fn idat() -> Vec<u8> {
        let raw = [0u8, 0xFF];
        // Adler-32 of the raw bytes.
        let (mut a, mut b) = (1u32, 0u32);
        for byte in raw {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        let mut zlib = vec![0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF];
        zlib.extend_from_slice(&raw);
        zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
        chunk(b"IDAT", &zlib)
    }

    pub fn iend() -> Vec<u8> {
        chunk(b"IEND", &[])
    }

    /// A complete 1×1 PNG with a `tEXt` comment and a `pHYs` chunk, so tests
    /// can check that unrelated chunks survive baking untouched.
    pub fn tiny_png() -> Vec<u8> {
        let mut png = super::png::SIGNATURE.to_vec();
        png.extend(ihdr());
        png.extend(chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]));
        png.extend(idat());
        png.extend(chunk(b"tEXt", b"Comment\0made by hand"));
        png.extend(iend());
        png
    }

    /// A PNG with the given extra chunks inserted before IEND.
    pub fn png_with(extra: &[Vec<u8>]) -> Vec<u8> {
        let mut png = super::png::SIGNATURE.to_vec();
        png.extend(ihdr());
        png.extend(idat());
        for c in extra {
            png.extend_from_slice(c);
        }
        png.extend(iend());
        png
    }

    pub const TINY_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<!-- a badge -->
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">
  <title>Badge &amp; more</title>
  <circle cx="5" cy="5" r="4" fill="#c90"/>
</svg>
"##;
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn is_png_sniffs_the_signature() {
        assert!(is_png(&tiny_png()));
        assert!(!is_png(b"\x89PNG"));
        assert!(!is_png(TINY_SVG.as_bytes()));
    }

    #[test]
    fn unbake_dispatches_on_the_content() {
        let ob2 = BakedPayload::Ob2("{\"id\":\"https://example.org/a/1\"}".into());
        let png = bake_png(&tiny_png(), &ob2).unwrap();
        assert_eq!(unbake(&png).unwrap(), Some(ob2.clone()));

        let svg = bake_svg(TINY_SVG, &ob2, None).unwrap();
        assert_eq!(unbake(svg.as_bytes()).unwrap(), Some(ob2));

        let with_bom = format!("\u{FEFF}  {TINY_SVG}");
        assert_eq!(unbake(with_bom.as_bytes()).unwrap(), None);
        assert_eq!(unbake(&tiny_png()).unwrap(), None);
    }

    #[test]
    fn unbake_refuses_other_files() {
        assert_eq!(unbake(b"GIF89a...."), Err(BakeError::NotAnImage));
        assert_eq!(unbake(b""), Err(BakeError::NotAnImage));
        assert_eq!(unbake(b"<svg \xFF>"), Err(BakeError::SvgNotUtf8));
        assert_eq!(unbake(b"  <html></html>"), Err(BakeError::NotSvg));
        let huge = vec![b' '; MAX_IMAGE_BYTES + 1];
        assert_eq!(unbake(&huge), Err(BakeError::TooLarge));
    }

    #[test]
    fn errors_read_as_sentences() {
        for error in [
            BakeError::PngTruncated,
            BakeError::PngTwoBadges,
            BakeError::SvgDoctype,
            BakeError::SvgScript,
            BakeError::NotAnImage,
            BakeError::PngBadCrc("iTXt".into()),
            BakeError::SvgMalformed("unexpected end".into()),
        ] {
            let text = error.to_string();
            assert!(text.starts_with(char::is_uppercase), "{text}");
            assert!(text.ends_with('.'), "{text}");
        }
    }

    /// Strings an SVG can hold: anything but the control characters XML 1.0
    /// forbids (`\r` included, to exercise its escaping), with `]]>` and
    /// non-ASCII text made likely.
    fn xml_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("]]>".to_string()),
                Just("\r\n".to_string()),
                Just("é€😀".to_string()),
                "[\t\n\r -\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]{0,8}",
            ],
            1..8,
        )
        .prop_map(|parts| parts.concat())
        .prop_filter("non-empty", |s| !s.is_empty())
    }

    /// Either kind of payload: JSON-looking (starts with `{`) or not.
    fn payload() -> impl Strategy<Value = BakedPayload> {
        (any::<bool>(), any::<bool>(), xml_text()).prop_map(|(ob3, json, text)| {
            let text = if json { format!("{{{text}") } else { text };
            if ob3 {
                BakedPayload::Ob3(text)
            } else {
                BakedPayload::Ob2(text)
            }
        })
    }

    const URL: Option<&str> = Some("https://example.org/assertions/1");

    proptest! {
        #[test]
        fn png_round_trips(payload in payload()) {
            let baked = bake_png(&tiny_png(), &payload).unwrap();
            prop_assert_eq!(unbake_png(&baked).unwrap(), Some(payload));
        }

        #[test]
        fn png_round_trips_any_unicode(text in "\\PC{1,64}", ob3 in any::<bool>()) {
            let payload = if ob3 { BakedPayload::Ob3(text) } else { BakedPayload::Ob2(text) };
            let baked = bake_png(&tiny_png(), &payload).unwrap();
            prop_assert_eq!(unbake(&baked).unwrap(), Some(payload));
        }

        #[test]
        fn svg_round_trips(payload in payload()) {
            let baked = bake_svg(TINY_SVG, &payload, URL).unwrap();
            prop_assert_eq!(unbake_svg(&baked).unwrap(), Some(payload));
        }

        #[test]
        fn rebaking_keeps_only_the_last(a in payload(), b in payload()) {
            let png = bake_png(&bake_png(&tiny_png(), &a).unwrap(), &b).unwrap();
            prop_assert_eq!(unbake(&png).unwrap(), Some(b.clone()));
            let svg = bake_svg(&bake_svg(TINY_SVG, &a, URL).unwrap(), &b, URL).unwrap();
            prop_assert_eq!(unbake(svg.as_bytes()).unwrap(), Some(b));
        }

        #[test]
        fn unbake_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = unbake(&bytes);
            let mut png = png::SIGNATURE.to_vec();
            png.extend_from_slice(&bytes);
            let _ = unbake(&png);
            let _ = bake_png(&png, &BakedPayload::Ob2("x".into()));
        }

        #[test]
        fn unbake_never_panics_on_damaged_pngs(
            baked in payload().prop_map(|p| bake_png(&tiny_png(), &p).unwrap()),
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let mut damaged = baked;
            for (at, byte) in edits {
                let i = at.index(damaged.len());
                damaged[i] = byte;
            }
            let _ = unbake(&damaged);
            let _ = bake_png(&damaged, &BakedPayload::Ob3("x".into()));
        }

        #[test]
        fn unbake_never_panics_on_svg_like_text(text in "<svg[ -~\n]{0,200}") {
            let _ = unbake(text.as_bytes());
            let _ = bake_svg(&text, &BakedPayload::Ob3("{}".into()), None);
        }
    }
}
