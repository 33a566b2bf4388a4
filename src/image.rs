//! Checks uploaded images (badge images, profile images) before Laurel keeps
//! them: the type from the bytes (never the file name), the size in bytes,
//! the pixel size read from the header only (no decoding, so a decompression
//! bomb costs nothing), and for SVG a strict scan against an allow-list of
//! SVG elements and attributes (anything of another namespace refused): no
//! scripts, no event handlers, no external references, no entities.
//!
//! Every refusal says which rule failed and by how much.

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;
use quick_xml::XmlVersion;

/// The image types Laurel can store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Svg,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Svg => "image/svg+xml",
        }
    }

    fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Svg => "SVG",
        }
    }
}

/// What an upload must satisfy.
#[derive(Debug, Clone, Copy)]
pub struct ImageRules {
    pub kinds: &'static [ImageKind],
    pub max_bytes: usize,
    pub min_side: u32,
    pub square: bool,
}

impl ImageRules {
    /// Badge images (the EXeed rules): PNG or SVG, square, ≥ 90 px, ≤ 256 KB.
    pub const BADGE: ImageRules = ImageRules {
        kinds: &[ImageKind::Png, ImageKind::Svg],
        max_bytes: 256 * 1024,
        min_side: 90,
        square: true,
    };
    /// Profile images: PNG, JPEG or SVG, ≤ 512 KB, at least 32 px.
    pub const PROFILE: ImageRules = ImageRules {
        kinds: &[ImageKind::Png, ImageKind::Jpeg, ImageKind::Svg],
        max_bytes: 512 * 1024,
        min_side: 32,
        square: false,
    };
}

/// A checked image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("The file is empty.")]
    Empty,
    #[error("The image is {} KB; the limit is {} KB ({} KB too big).", kb(*.bytes), kb(*.max), kb(.bytes - .max).max(1))]
    TooBig { bytes: usize, max: usize },
    #[error("Only {allowed} images are accepted{}.", found.map(|f| format!(" (this is a {f})")).unwrap_or_else(|| " (this file is not an image Laurel can read)".into()))]
    WrongType {
        allowed: String,
        found: Option<&'static str>,
    },
    #[error("The image's header cannot be read; the file may be damaged.")]
    Unreadable,
    #[error("The image is {width} × {height} px; it must be square ({} px difference).", width.abs_diff(*height))]
    NotSquare { width: u32, height: u32 },
    #[error("The image is {width} × {height} px; it must be at least {min} px on each side ({} px short).", min - width.min(height))]
    TooSmall { width: u32, height: u32, min: u32 },
    #[error("The SVG has no size: give it width and height or a viewBox.")]
    SvgNoSize,
    #[error("The SVG is not well-formed XML ({0}).")]
    SvgMalformed(String),
    #[error("The SVG contains {0}, which images may not contain.")]
    SvgUnsafe(String),
}

fn kb(bytes: usize) -> usize {
    bytes.div_ceil(1024)
}

/// Checks `bytes` against `rules`.
pub fn check_image(bytes: &[u8], rules: &ImageRules) -> Result<ImageInfo, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    if bytes.len() > rules.max_bytes {
        return Err(ImageError::TooBig {
            bytes: bytes.len(),
            max: rules.max_bytes,
        });
    }
    let kind = sniff(bytes);
    let allowed = || {
        let names: Vec<&str> = rules.kinds.iter().map(|k| k.name()).collect();
        match names.as_slice() {
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        }
    };
    let kind = match kind {
        Some(k) if rules.kinds.contains(&k) => k,
        other => {
            return Err(ImageError::WrongType {
                allowed: allowed(),
                found: other.map(ImageKind::name),
            })
        }
    };
    let (width, height) = match kind {
        ImageKind::Png | ImageKind::Jpeg => {
            let size = imagesize::blob_size(bytes).map_err(|_| ImageError::Unreadable)?;
            (
                u32::try_from(size.width).map_err(|_| ImageError::Unreadable)?,
                u32::try_from(size.height).map_err(|_| ImageError::Unreadable)?,
            )
        }
        ImageKind::Svg => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| ImageError::SvgMalformed("not UTF-8 text".into()))?;
            check_svg(text)?
        }
    };
    if rules.square && width != height {
        return Err(ImageError::NotSquare { width, height });
    }
    if width.min(height) < rules.min_side {
        return Err(ImageError::TooSmall {
            width,
            height,
            min: rules.min_side,
        });
    }
    Ok(ImageInfo {
        kind,
        width,
        height,
    })
}

fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(ImageKind::Jpeg);
    }
    let text = std::str::from_utf8(&bytes[..bytes.len().min(1024)])
        .ok()
        .or_else(|| {
            // The cut may fall inside a multi-byte character.
            std::str::from_utf8(&bytes[..bytes.len().min(1021)]).ok()
        })?;
    let head = text.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<svg") || head.starts_with("<?xml") || head.starts_with("<!--"))
        .then_some(ImageKind::Svg)
        .filter(|_| text.contains("<svg"))
}

/// The SVG namespace: every element of an accepted image is in it.
const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The SVG elements an image may contain: shapes, text, paint servers,
/// clipping, masking and filter primitives. Nothing that runs code
/// (`script`, `set`, `animate*`, `handler`), embeds other documents
/// (`foreignObject`, `iframe`), loads resources (`feImage`), links (`a`) or
/// carries style sheets (`style`). An allow-list, not a list of bad names:
/// anything new or of another namespace is refused. Lower case.
#[rustfmt::skip]
const ALLOWED_ELEMENTS: &[&str] = &[
    "svg", "g", "defs", "desc", "title", "metadata", "symbol", "use", "image", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textpath",
    "lineargradient", "radialgradient", "stop", "pattern", "clippath", "mask", "marker",
    "filter", "feblend", "fecolormatrix", "fecomponenttransfer", "fecomposite",
    "feconvolvematrix", "fediffuselighting", "fedisplacementmap", "fedistantlight",
    "fedropshadow", "feflood", "fefunca", "fefuncb", "fefuncg", "fefuncr",
    "fegaussianblur", "femerge", "femergenode", "femorphology", "feoffset",
    "fepointlight", "fespecularlighting", "fespotlight", "fetile", "feturbulence",
];

/// The attributes (of no namespace) an image's elements may carry:
/// geometry, presentation, paint-server, filter and accessibility ones.
/// No event handlers (`on*`), no `xml:base`; `href` is allowed and checked
/// to stay inside the image. `data-*` is allowed too. Lower case.
#[rustfmt::skip]
const ALLOWED_ATTRIBUTES: &[&str] = &[
    // core and accessibility
    "id", "class", "style", "lang", "version", "baseprofile", "role", "focusable",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden", "href",
    // geometry and coordinate systems
    "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "fx", "fy", "fr", "d", "points", "pathlength", "viewbox", "preserveaspectratio",
    "transform", "dx", "dy", "rotate",
    // paint servers, clipping, masking, markers
    "gradientunits", "gradienttransform", "spreadmethod", "offset", "patternunits",
    "patterncontentunits", "patterntransform", "clippathunits", "maskunits",
    "maskcontentunits", "markerunits", "markerwidth", "markerheight", "refx", "refy",
    "orient",
    // text
    "textlength", "lengthadjust", "startoffset", "method", "spacing", "side",
    // filters
    "filterunits", "primitiveunits", "in", "in2", "result", "stddeviation", "mode",
    "operator", "k1", "k2", "k3", "k4", "values", "type", "tablevalues", "slope",
    "intercept", "amplitude", "exponent", "radius", "scale", "xchannelselector",
    "ychannelselector", "basefrequency", "numoctaves", "seed", "stitchtiles", "order",
    "kernelmatrix", "divisor", "bias", "targetx", "targety", "edgemode", "preservealpha",
    "surfacescale", "diffuseconstant", "specularconstant", "specularexponent",
    "kernelunitlength", "azimuth", "elevation", "z", "pointsatx", "pointsaty", "pointsatz",
    "limitingconeangle",
    // presentation
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "overflow",
    "clip-path", "clip-rule", "clip", "mask", "filter", "marker-start", "marker-mid",
    "marker-end", "stop-color", "stop-opacity", "flood-color", "flood-opacity",
    "lighting-color", "font-family", "font-size", "font-weight", "font-style",
    "font-variant", "font-stretch", "font-size-adjust", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "direction", "unicode-bidi", "color-interpolation",
    "color-interpolation-filters", "color-rendering", "shape-rendering", "text-rendering",
    "image-rendering", "vector-effect", "paint-order", "isolation", "mix-blend-mode",
    "enable-background",
];

fn check_element(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    size: &mut Option<(u32, u32)>,
    root: bool,
) -> Result<(), ImageError> {
    let (ns, local) = reader.resolver().resolve_element(e.name());
    let name = local.as_ref().to_ascii_lowercase();
    if !matches!(ns, ResolveResult::Bound(Namespace(SVG_NS))) {
        return Err(ImageError::SvgUnsafe(format!(
            "an element outside the SVG namespace (<{}>)",
            e.name().as_ref()
        )));
    }
    if !ALLOWED_ELEMENTS.contains(&name.as_str()) {
        return Err(ImageError::SvgUnsafe(format!("a <{name}> element")));
    }
    let mut width = None;
    let mut height = None;
    let mut view_box = None;
    for attr in e.attributes() {
        let attr = attr.map_err(|err| ImageError::SvgMalformed(err.to_string()))?;
        let raw_key = attr.key.as_ref();
        if raw_key == "xmlns" || raw_key.starts_with("xmlns:") {
            // A namespace declaration: what uses it is checked.
            continue;
        }
        let (ns, local) = reader.resolver().resolve_attribute(attr.key);
        let key = local.as_ref().to_ascii_lowercase();
        let allowed = match ns {
            ResolveResult::Unbound => {
                ALLOWED_ATTRIBUTES.contains(&key.as_str()) || key.starts_with("data-")
            }
            ResolveResult::Bound(Namespace(XLINK_NS)) => key == "href",
            ResolveResult::Bound(Namespace(XML_NS)) => key == "space" || key == "lang",
            _ => false,
        };
        if key.starts_with("on") {
            return Err(ImageError::SvgUnsafe(format!("an event handler ({key})")));
        }
        if !allowed {
            return Err(ImageError::SvgUnsafe(format!(
                "an attribute images may not carry ({})",
                raw_key
            )));
        }
        let value = attr
            .normalized_value_with(XmlVersion::Implicit1_0, 1, resolve_xml_entity)
            .map_err(|err| ImageError::SvgMalformed(err.to_string()))?
            .to_string();
        let squashed: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        if key == "href" && !value.trim_start().starts_with('#') {
            return Err(ImageError::SvgUnsafe(format!(
                "an external reference ({})",
                value.chars().take(60).collect::<String>()
            )));
        }
        if squashed.contains("javascript:")
            || squashed.contains("url(") && !squashed.contains("url(#")
            || squashed.contains("@import")
        {
            return Err(ImageError::SvgUnsafe(format!(
                "an external reference in “{key}”"
            )));
        }
        if root {
            match key.as_str() {
                "width" => width = parse_length(&value),
                "height" => height = parse_length(&value),
                "viewbox" => view_box = Some(value),
                _ => {}
            }
        }
    }
    if root {
        *size = match (width, height) {
            (Some(w), Some(h)) => Some((w, h)),
            _ => view_box.and_then(|vb| {
                let n: Vec<f64> = vb
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                (n.len() == 4 && n[2] > 0.0 && n[3] > 0.0)
                    .then(|| (n[2].round() as u32, n[3].round() as u32))
            }),
        };
    }
    Ok(())
}

/// A length in px (`120`, `120px`); other units are not sizes we can check.
fn parse_length(v: &str) -> Option<u32> {
    let v = v.trim();
    let number = v.strip_suffix("px").unwrap_or(v);
    number
        .parse::<f64>()
        .ok()
        .filter(|n| *n > 0.0)
        .map(|n| n.round() as u32)
}

/// Scans an SVG; returns its size in px.
fn check_svg(text: &str) -> Result<(u32, u32), ImageError> {
    let mut reader = NsReader::from_str(text);
    let mut size = None;
    let mut seen_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::DocType(_)) => {
                return Err(ImageError::SvgUnsafe("a DOCTYPE (entities)".into()));
            }
            Ok(Event::PI(_)) => {
                return Err(ImageError::SvgUnsafe("a processing instruction".into()));
            }
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let root = !seen_root;
                if root && !e.local_name().as_ref().eq_ignore_ascii_case("svg") {
                    return Err(ImageError::SvgMalformed(
                        "the root element is not <svg>".into(),
                    ));
                }
                seen_root = true;
                check_element(&reader, &e, &mut size, root)?;
            }
            // Entity references other than the five XML ones and character
            // references are unresolvable without a DOCTYPE: refuse them.
            Ok(Event::GeneralRef(r)) => {
                let name: &str = &r;
                if !matches!(name, "lt" | "gt" | "amp" | "apos" | "quot") && !name.starts_with('#')
                {
                    return Err(ImageError::SvgUnsafe(format!(
                        "an entity reference (&{name};)"
                    )));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(ImageError::SvgMalformed(e.to_string())),
        }
    }
    if !seen_root {
        return Err(ImageError::SvgMalformed("there is no <svg> element".into()));
    }
    size.ok_or(ImageError::SvgNoSize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header claiming `w` × `h` (the checker reads no further).
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        v.extend_from_slice(&w.to_be_bytes());
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        v
    }

    fn svg(attrs: &str, body: &str) -> Vec<u8> {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" {attrs}>{body}</svg>"#).into_bytes()
    }

    #[test]
    fn good_badge_images_pass() {
        let info = check_image(&png(200, 200), &ImageRules::BADGE).unwrap();
        assert_eq!((info.kind, info.width), (ImageKind::Png, 200));
        let info = check_image(
            &svg(r#"viewBox="0 0 120 120""#, "<circle r='5'/>"),
            &ImageRules::BADGE,
        )
        .unwrap();
        assert_eq!(
            (info.kind, info.width, info.height),
            (ImageKind::Svg, 120, 120)
        );
        let demo = include_bytes!("../server/assets/demo-badge.png");
        assert_eq!(check_image(demo, &ImageRules::BADGE).unwrap().width, 200);
        let demo = include_bytes!("../server/assets/demo-badge.svg");
        assert_eq!(check_image(demo, &ImageRules::BADGE).unwrap().width, 200);
    }

    #[test]
    fn each_rule_says_what_failed_and_by_how_much() {
        let big = vec![0u8; 300 * 1024];
        assert_eq!(
            check_image(&big, &ImageRules::BADGE)
                .unwrap_err()
                .to_string(),
            "The image is 300 KB; the limit is 256 KB (44 KB too big)."
        );
        assert_eq!(
            check_image(&png(120, 100), &ImageRules::BADGE)
                .unwrap_err()
                .to_string(),
            "The image is 120 × 100 px; it must be square (20 px difference)."
        );
        assert_eq!(
            check_image(&png(64, 64), &ImageRules::BADGE)
                .unwrap_err()
                .to_string(),
            "The image is 64 × 64 px; it must be at least 90 px on each side (26 px short)."
        );
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        assert_eq!(
            check_image(&jpeg, &ImageRules::BADGE)
                .unwrap_err()
                .to_string(),
            "Only PNG and SVG images are accepted (this is a JPEG)."
        );
        assert_eq!(
            check_image(b"GIF89a....", &ImageRules::BADGE)
                .unwrap_err()
                .to_string(),
            "Only PNG and SVG images are accepted (this file is not an image Laurel can read)."
        );
        assert_eq!(check_image(b"", &ImageRules::BADGE), Err(ImageError::Empty));
        assert_eq!(
            check_image(b"\x89PNG\r\n\x1a\n\0\0", &ImageRules::BADGE),
            Err(ImageError::Unreadable)
        );
    }

    #[test]
    fn active_or_external_svg_content_is_refused() {
        let cases = [
            (
                svg(r#"width="100" height="100""#, "<script>alert(1)</script>"),
                "a <script> element",
            ),
            (
                svg(r#"width="100" height="100" onload="alert(1)""#, ""),
                "an event handler (onload)",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    r#"<image href="https://evil.example/x.png"/>"#,
                ),
                "an external reference",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    r#"<use xlink:href="http://x/y.svg#a" xmlns:xlink="http://www.w3.org/1999/xlink"/>"#,
                ),
                "an external reference",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    "<foreignObject><div/></foreignObject>",
                ),
                "a <foreignobject> element",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    "<style>@import url(https://x)</style>",
                ),
                "a <style> element",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    r#"<rect fill="url(https://x/p.svg#g)"/>"#,
                ),
                "an external reference",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    r#"<use href="javascript:alert(1)"/>"#,
                ),
                "an external reference",
            ),
            // Of another namespace: XHTML inside SVG runs as HTML.
            (
                svg(
                    r#"width="100" height="100""#,
                    r#"<img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert(1)"/>"#,
                ),
                "an element outside the SVG namespace (<img>)",
            ),
            (
                svg(
                    r#"width="100" height="100" xmlns:h="http://www.w3.org/1999/xhtml""#,
                    r#"<h:meta http-equiv="refresh" content="0;url=https://evil.example"/>"#,
                ),
                "an element outside the SVG namespace (<h:meta>)",
            ),
            (
                svg(
                    r#"width="100" height="100""#,
                    r#"<g xmlns:i="http://www.inkscape.org/namespaces/inkscape" i:label="x"/>"#,
                ),
                "an attribute images may not carry (i:label)",
            ),
            (
                svg(r#"width="100" height="100""#, r#"<x:y xmlns:x="urn:x"/>"#),
                "an element outside the SVG namespace (<x:y>)",
            ),
            (
                svg(r#"width="100" height="100""#, "<a><rect/></a>"),
                "a <a> element",
            ),
            (
                svg(r#"width="100" height="100""#, "<filter><feImage/></filter>"),
                "a <feimage> element",
            ),
            (
                svg(r#"width="100" height="100""#, "<discard/>"),
                "a <discard> element",
            ),
            (
                svg(r#"width="100" height="100" xml:base="https://x/""#, ""),
                "an attribute images may not carry (xml:base)",
            ),
            (
                svg(r#"width="100" height="100""#, r#"<rect formaction="x"/>"#),
                "an attribute images may not carry (formaction)",
            ),
        ];
        for (bytes, expected) in cases {
            let err = check_image(&bytes, &ImageRules::BADGE)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{expected:?} in {err:?}");
        }
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&x;</text></svg>"#;
        let err = check_image(xxe, &ImageRules::BADGE)
            .unwrap_err()
            .to_string();
        assert!(err.contains("DOCTYPE"), "{err}");
        // Internal references and local gradients are fine.
        let ok = svg(
            r#"width="100" height="100""#,
            r##"<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/>"##,
        );
        assert!(check_image(&ok, &ImageRules::BADGE).is_ok());
        // What drawing programs write stays accepted: prefixed SVG, xlink,
        // xml:space, filters, text, data- attributes.
        let ok = br##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" viewBox="0 0 120 120" xml:space="preserve" data-name="Layer 1">
  <s:title>Badge</s:title>
  <s:defs><s:filter id="f"><s:feGaussianBlur in="SourceGraphic" stdDeviation="2"/></s:filter>
  <s:radialGradient id="r" cx="50%" cy="50%" r="50%"><s:stop offset="0" stop-color="#fff"/></s:radialGradient></s:defs>
  <s:circle cx="60" cy="60" r="50" fill="url(#r)" filter="url(#f)" stroke-width="2"/>
  <s:use xlink:href="#r"/><s:text x="60" y="60" text-anchor="middle" font-family="sans-serif">A+</s:text>
</svg>"##;
        assert_eq!(
            check_image(ok, &ImageRules::BADGE),
            Ok(ImageInfo {
                kind: ImageKind::Svg,
                width: 120,
                height: 120
            })
        );
    }

    #[test]
    fn svg_size_and_shape_are_checked() {
        assert_eq!(
            check_image(&svg("", ""), &ImageRules::BADGE),
            Err(ImageError::SvgNoSize)
        );
        assert_eq!(
            check_image(&svg(r#"width="100" height="50""#, ""), &ImageRules::BADGE),
            Err(ImageError::NotSquare {
                width: 100,
                height: 50
            })
        );
        assert!(matches!(
            check_image(
                br#"<svg xmlns="http://www.w3.org/2000/svg"><g></svg>"#,
                &ImageRules::BADGE
            ),
            Err(ImageError::SvgMalformed(_))
        ));
    }
}
