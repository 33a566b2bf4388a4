//! Baking into SVG files: an `<openbadges:assertion>` or
//! `<openbadges:credential>` element as the first child of the root `<svg>`.
//!
//! The document is read with quick-xml's streaming reader, which also checks
//! it is well-formed and gives the byte position of every event. Baking then
//! splices: the new element is written with quick-xml's writer and inserted
//! after the root start tag, old badge elements are cut out, and every other
//! byte of the file is copied as it was, so the issuer's artwork, comments and
//! formatting survive untouched.
//!
//! SVG is a document format that can run code, so both directions refuse
//! documents with a DOCTYPE (external entities read local files, nested
//! entities expand exponentially), script elements, event-handler attributes
//! and `javascript:` links. Laurel never bakes, and never vouches for, an
//! image that could do more than draw.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesCData, BytesEnd, BytesRef, BytesStart, Event};
use quick_xml::name::{Namespace, QName, ResolveResult};
use quick_xml::{NsReader, Writer, XmlVersion};

use super::{BakeError, BakedPayload, MAX_IMAGE_BYTES, SVG_NAMESPACE};

/// The prefix Laurel binds to [`SVG_NAMESPACE`] when it bakes.
const PREFIX: &str = "openbadges";

/// Attributes whose value is a URL (or, for animation elements, may become
/// one), where a `javascript:` scheme would run code.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "from",
    "to",
    "values",
    "by",
];

/// Which badge element was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<openbadges:assertion>`: Open Badges 2.0.
    Assertion,
    /// `<openbadges:credential>`: Open Badges 3.0.
    Credential,
}

/// The root `<svg>` start tag, by position in the document.
struct Root {
    /// Byte range of the start tag, `<svg` to `>` (or `/>`).
    tag: Range<usize>,
    /// Whether the root is an empty element (`<svg …/>`).
    empty: bool,
    /// The tag name as written (possibly prefixed, e.g. `svg:svg`).
    name: String,
    /// The value of an `xmlns:openbadges` declaration on the root, if any.
    openbadges_binding: Option<String>,
}

/// A badge element found in the document.
struct BadgeElement {
    kind: Kind,
    /// Byte range of the whole element, start tag to end tag.
    span: Range<usize>,
    /// Its character data (text, CDATA and references, resolved).
    text: String,
    /// Its `verify` attribute, resolved.
    verify: Option<String>,
    /// Whether it contains elements, which no baker writes.
    has_children: bool,
}

/// What one pass over a safe, well-formed SVG found.
struct Scan {
    root: Root,
    /// Badge elements anywhere in the document, in order; a badge element
    /// nested in another is part of the outer one and not listed.
    badges: Vec<BadgeElement>,
}

fn malformed(error: impl std::fmt::Display) -> BakeError {
    BakeError::SvgMalformed(error.to_string())
}

/// Removes a leading byte-order mark, returning it separately so baking can
/// put it back.
fn split_bom(svg: &str) -> (&str, &str) {
    match svg.strip_prefix('\u{FEFF}') {
        Some(body) => ("\u{FEFF}", body),
        None => ("", svg),
    }
}

/// Reads the whole document once: checks it is well-formed, that the root is
/// `<svg>` and that nothing in it is unsafe, and finds the badge elements.
fn scan(svg: &str) -> Result<Scan, BakeError> {
    if svg.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let mut reader = NsReader::from_str(svg);
    // Defaults kept on purpose: end tags must match their start tags, and
    // empty elements stay single events so their byte span is exact.
    reader.config_mut().check_end_names = true;

    let mut depth = 0usize;
    let mut root: Option<Root> = None;
    let mut root_closed = false;
    // The badge element being read, with the depth of its parent.
    let mut open: Option<(BadgeElement, usize)> = None;
    let mut badges = Vec::new();
    loop {
        let start = position(&reader);
        let event = reader.read_event().map_err(malformed)?;
        let end = position(&reader);
        match &event {
            Event::DocType(_) => return Err(BakeError::SvgDoctype),
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                check_element(e)?;
                if root_closed {
                    return Err(malformed("there is content after the root element"));
                }
                if root.is_none() {
                    if e.local_name().as_ref() != "svg" {
                        return Err(BakeError::NotSvg);
                    }
                    root = Some(Root {
                        tag: start..end,
                        empty,
                        name: e.name().as_ref().to_owned(),
                        openbadges_binding: root_binding(e)?,
                    });
                    root_closed = empty;
                } else if let Some((element, _)) = open.as_mut() {
                    element.has_children = true;
                } else if let Some(kind) = badge_kind(&reader, e) {
                    let element = BadgeElement {
                        kind,
                        span: start..end,
                        text: String::new(),
                        verify: verify_attribute(&reader, e)?,
                        has_children: false,
                    };
                    if empty {
                        badges.push(element);
                    } else {
                        open = Some((element, depth));
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| malformed("an end tag has no start tag"))?;
                if let Some((mut element, _)) = open.take_if(|(_, parent)| *parent == depth) {
                    element.span.end = end;
                    badges.push(element);
                }
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Text(text) => {
                if let Some((element, _)) = open.as_mut() {
                    element.text.push_str(&text.xml10_content());
                } else if depth == 0 && !is_xml_whitespace(text) {
                    return Err(malformed("there is text outside the root element"));
                }
            }
            Event::CData(cdata) => {
                if let Some((element, _)) = open.as_mut() {
                    element.text.push_str(&cdata.xml10_content());
                } else if depth == 0 {
                    return Err(malformed("there is text outside the root element"));
                }
            }
            Event::GeneralRef(reference) => {
                // Without a DTD only the five predefined entities and
                // character references exist; anything else is an error.
                let resolved = resolve_reference(reference)?;
                if let Some((element, _)) = open.as_mut() {
                    element.text.push_str(&resolved);
                } else if depth == 0 {
                    return Err(malformed("there is text outside the root element"));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    let root = root.ok_or(BakeError::NotSvg)?;
    if depth != 0 {
        return Err(malformed("an element is not closed"));
    }
    Ok(Scan { root, badges })
}

/// The reader's byte offset into the document.
fn position<R>(reader: &NsReader<R>) -> usize {
    // The document is a `&str` in memory, so its offsets fit in `usize`.
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn is_xml_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Resolves `&name;` or `&#…;` in character data.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, BakeError> {
    if let Some(c) = reference.resolve_char_ref().map_err(malformed)? {
        return Ok(c.to_string());
    }
    resolve_xml_entity(reference.as_ref())
        .map(str::to_owned)
        .ok_or_else(|| {
            malformed(format_args!(
                "the entity “&{};” is not defined",
                &**reference
            ))
        })
}

/// An attribute's value with references resolved and whitespace normalised,
/// as an XML processor reports it. Only the predefined entities resolve.
fn attribute_value<'a>(attribute: &Attribute<'a>) -> Result<Cow<'a, str>, BakeError> {
    attribute
        .normalized_value_with(XmlVersion::Implicit1_0, 1, resolve_xml_entity)
        .map_err(malformed)
}

/// Refuses the parts of SVG that run code: `<script>` elements (in any
/// namespace and any letter case, to be safe), `on…` event-handler
/// attributes, and `javascript:` URLs, however they are spelled or escaped.
fn check_element(element: &BytesStart<'_>) -> Result<(), BakeError> {
    if element.local_name().as_ref().eq_ignore_ascii_case("script") {
        return Err(BakeError::SvgScript);
    }
    for attribute in element.attributes() {
        let attribute = attribute.map_err(malformed)?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let local = attribute.key.local_name();
        let local = local.as_ref();
        let is_handler = local
            .as_bytes()
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"on"));
        if is_handler {
            return Err(BakeError::SvgEventHandler(
                attribute.key.as_ref().to_owned(),
            ));
        }
        if URL_ATTRIBUTES.iter().any(|a| local.eq_ignore_ascii_case(a)) {
            // Browsers ignore whitespace and control characters inside a
            // scheme and compare it case-insensitively.
            let squashed: String = attribute_value(&attribute)?
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .flat_map(char::to_lowercase)
                .collect();
            if squashed.contains("javascript:") {
                return Err(BakeError::SvgJavascriptUrl);
            }
        }
    }
    Ok(())
}

/// The value of the root's `xmlns:openbadges` declaration, if it has one.
fn root_binding(root: &BytesStart<'_>) -> Result<Option<String>, BakeError> {
    for attribute in root.attributes() {
        let attribute = attribute.map_err(malformed)?;
        if attribute.key.as_ref() == "xmlns:openbadges" {
            return Ok(Some(attribute_value(&attribute)?.into_owned()));
        }
    }
    Ok(None)
}

/// Whether an element is a badge element: `assertion` or `credential` in
/// the Open Badges namespace, under whatever prefix the document bound to it.
/// An undeclared `openbadges:` prefix is accepted too, because some bakers
/// wrote the elements without declaring the namespace.
fn badge_kind<R>(reader: &NsReader<R>, element: &BytesStart<'_>) -> Option<Kind> {
    let (namespace, local) = reader.resolver().resolve_element(element.name());
    let ours = match namespace {
        ResolveResult::Bound(Namespace(uri)) => uri == SVG_NAMESPACE,
        ResolveResult::Unknown(prefix) => prefix == PREFIX,
        ResolveResult::Unbound => false,
    };
    match local.as_ref() {
        "assertion" if ours => Some(Kind::Assertion),
        "credential" if ours => Some(Kind::Credential),
        _ => None,
    }
}

/// The `verify` attribute of a badge element (unprefixed, or prefixed into
/// the Open Badges namespace).
fn verify_attribute<R>(
    reader: &NsReader<R>,
    element: &BytesStart<'_>,
) -> Result<Option<String>, BakeError> {
    for attribute in element.attributes() {
        let attribute = attribute.map_err(malformed)?;
        let (namespace, local) = reader.resolver().resolve_attribute(attribute.key);
        let ours = match namespace {
            ResolveResult::Unbound => true,
            ResolveResult::Bound(Namespace(uri)) => uri == SVG_NAMESPACE,
            ResolveResult::Unknown(_) => false,
        };
        if ours && local.as_ref() == "verify" {
            return Ok(Some(attribute_value(&attribute)?.into_owned()));
        }
    }
    Ok(None)
}

/// Whether every character may appear in an XML 1.0 document. The control
/// characters other than tab, line feed and carriage return cannot, not
/// even as character references, so a payload holding one cannot be baked.
fn is_xml_text(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    })
}

/// Escapes an attribute value for a double-quoted attribute. Tab, line feed
/// and carriage return are written as character references, because a
/// literal one would be normalised to a space by every XML reader.
fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes the badge element: `<openbadges:{local} verify="…">` with the
/// content in CDATA, or an empty element when there is no content.
///
/// CDATA cannot contain `]]>`, so the content is split into several CDATA
/// sections at each occurrence (`]]` ends one, `>` starts the next); readers
/// concatenate them. A carriage return is written as `&#13;` between
/// sections, because XML readers turn a literal one into a line feed.
fn badge_element(local: &str, verify: Option<&str>, content: Option<&str>) -> String {
    let name = format!("{PREFIX}:{local}");
    let mut start = BytesStart::new(name.as_str());
    if let Some(verify) = verify {
        start.push_attribute(Attribute {
            key: QName("verify"),
            value: Cow::Owned(escape_attribute(verify)),
        });
    }
    let mut writer = Writer::new(Vec::new());
    let mut write = |event: Event<'_>| {
        writer
            .write_event(event)
            .expect("writing XML into a Vec cannot fail");
    };
    match content {
        None => write(Event::Empty(start)),
        Some(content) => {
            write(Event::Start(start));
            for (i, segment) in content.split('\r').enumerate() {
                if i > 0 {
                    write(Event::GeneralRef(BytesRef::new("#13")));
                }
                if !segment.is_empty() {
                    for cdata in BytesCData::escaped(segment) {
                        write(Event::CData(cdata));
                    }
                }
            }
            write(Event::End(BytesEnd::new(name.as_str())));
        }
    }
    // Everything written came from `&str`s, so the bytes are UTF-8.
    String::from_utf8_lossy(&writer.into_inner()).into_owned()
}

/// The URL for the `verify` attribute of a hosted Open Badges 2.0 assertion:
/// the one given, or else the assertion's own `id`, which the Open Badges 2.0
/// specification makes the URL a hosted assertion is served from.
fn hosted_url(json: &str, verify_url: Option<&str>) -> Result<String, BakeError> {
    let is_http = |url: &str| {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    };
    match verify_url {
        Some(url) if is_http(url) && is_xml_text(url) => Ok(url.to_owned()),
        Some(_) => Err(BakeError::BadVerifyUrl),
        None => serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|value| value.get("id")?.as_str().map(str::to_owned))
            .filter(|id| is_http(id) && is_xml_text(id))
            .ok_or(BakeError::MissingVerifyUrl),
    }
}

/// Bakes `payload` into an SVG and returns the new document.
///
/// The root `<svg>` gets `xmlns:openbadges="http://openbadges.org"` (unless
/// it already has it) and, as its first child, the badge element:
///
/// - Open Badges 2.0 hosted assertion (JSON): `<openbadges:assertion
///   verify="URL">` with the JSON in CDATA. `verify_url` is that URL; without
///   it the assertion's `id` is used, and if that is missing too baking fails,
///   since the specification requires the attribute.
/// - Open Badges 2.0 signed assertion (JWS): `<openbadges:assertion
///   verify="JWS"/>`, empty.
/// - Open Badges 3.0 credential (JSON): `<openbadges:credential>` with the
///   JSON in CDATA.
/// - Open Badges 3.0 VC-JWT: `<openbadges:credential verify="JWT"/>`, empty.
///
/// `verify_url` is ignored except for a hosted 2.0 assertion. Any badge
/// element already in the document is removed, so re-baking replaces the
/// badge; the rest of the document is kept byte for byte. Unsafe SVGs (see the
/// module documentation) are refused rather than baked.
pub fn bake_svg(
    svg: &str,
    payload: &BakedPayload,
    verify_url: Option<&str>,
) -> Result<String, BakeError> {
    let text = payload.as_str();
    if text.is_empty() {
        return Err(BakeError::EmptyPayload);
    }
    if !is_xml_text(text) {
        return Err(BakeError::PayloadNotXmlText);
    }
    let (local, verify, content) = match payload {
        BakedPayload::Ob2(_) if payload.is_json() => {
            ("assertion", Some(hosted_url(text, verify_url)?), Some(text))
        }
        BakedPayload::Ob2(_) => ("assertion", Some(text.to_owned()), None),
        BakedPayload::Ob3(_) if payload.is_json() => ("credential", None, Some(text)),
        BakedPayload::Ob3(_) => ("credential", Some(text.to_owned()), None),
    };

    let (bom, body) = split_bom(svg);
    let Scan { root, badges } = scan(body)?;
    let declare = match root.openbadges_binding.as_deref() {
        None => true,
        Some(SVG_NAMESPACE) => false,
        Some(_) => return Err(BakeError::SvgPrefixTaken),
    };
    let element = badge_element(local, verify.as_deref(), content);

    // The root start tag without its closing `>` or `/>`.
    let tag = &body[root.tag.clone()];
    let tag = if root.empty {
        tag.strip_suffix("/>")
    } else {
        tag.strip_suffix('>')
    }
    .ok_or_else(|| malformed("the root start tag is not closed"))?;
    let name_end = 1 + root.name.len();

    let mut out = String::with_capacity(svg.len() + element.len() + 64);
    out.push_str(bom);
    out.push_str(&body[..root.tag.start]);
    out.push_str(&tag[..name_end]);
    if declare {
        out.push_str(&format!(" xmlns:{PREFIX}=\"{SVG_NAMESPACE}\""));
    }
    out.push_str(&tag[name_end..]);
    out.push('>');
    out.push_str(&element);
    if root.empty {
        out.push_str(&format!("</{}>", root.name));
    }
    let mut copied = root.tag.end;
    for badge in &badges {
        out.push_str(&body[copied..badge.span.start]);
        copied = badge.span.end;
    }
    out.push_str(&body[copied..]);
    if out.len() > MAX_IMAGE_BYTES {
        // Laurel must be able to read back every image it bakes.
        return Err(BakeError::TooLarge);
    }
    Ok(out)
}

/// Reads the badge out of an SVG: `Ok(None)` if the image carries none.
///
/// An `assertion` element gives [`BakedPayload::Ob2`], a `credential`
/// element [`BakedPayload::Ob3`]: its character data (the JSON) if there is
/// any besides whitespace, otherwise its `verify` attribute (the JWS, or for
/// a hosted assertion baked without its JSON, the assertion URL). Unsafe
/// SVGs are refused, and two badge elements are an error: which one a
/// verifier should believe is undefined.
pub fn unbake_svg(svg: &str) -> Result<Option<BakedPayload>, BakeError> {
    let (_, body) = split_bom(svg);
    let Scan { badges, .. } = scan(body)?;
    let badge = match badges.as_slice() {
        [] => return Ok(None),
        [badge] => badge,
        _ => return Err(BakeError::SvgTwoBadges),
    };
    if badge.has_children {
        return Err(BakeError::SvgMalformedBadge);
    }
    let text = if is_xml_whitespace(&badge.text) {
        badge.verify.clone().unwrap_or_default()
    } else {
        badge.text.clone()
    };
    if text.is_empty() {
        return Err(BakeError::EmptyBadge);
    }
    Ok(Some(match badge.kind {
        Kind::Assertion => BakedPayload::Ob2(text),
        Kind::Credential => BakedPayload::Ob3(text),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::TINY_SVG;
    use super::*;

    const URL: &str = "https://example.org/assertions/1";

    fn hosted() -> BakedPayload {
        BakedPayload::Ob2(r#"{"id":"https://example.org/assertions/1","type":"Assertion"}"#.into())
    }

    fn signed() -> BakedPayload {
        BakedPayload::Ob2("eyJhbGciOiJSUzI1NiJ9.eyJ1aWQiOiIxIn0.c2lnbmF0dXJl".into())
    }

    fn credential() -> BakedPayload {
        BakedPayload::Ob3(r#"{"type":["VerifiableCredential","OpenBadgeCredential"]}"#.into())
    }

    fn vc_jwt() -> BakedPayload {
        BakedPayload::Ob3("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln".into())
    }

    #[test]
    fn round_trips_every_payload_form() {
        for payload in [hosted(), signed(), credential(), vc_jwt()] {
            let baked = bake_svg(TINY_SVG, &payload, Some(URL)).unwrap();
            assert_eq!(unbake_svg(&baked), Ok(Some(payload)), "{baked}");
        }
    }

    #[test]
    fn writes_the_specified_markup() {
        let baked = bake_svg(TINY_SVG, &hosted(), Some(URL)).unwrap();
        let expected = format!(
            "<svg xmlns:openbadges=\"http://openbadges.org\" xmlns=\"http://www.w3.org/2000/svg\" \
             width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">\
             <openbadges:assertion verify=\"{URL}\"><![CDATA[{}]]></openbadges:assertion>\n  <title>",
            hosted().as_str()
        );
        assert!(baked.contains(&expected), "{baked}");

        let baked = bake_svg(TINY_SVG, &signed(), None).unwrap();
        let expected = format!(
            "viewBox=\"0 0 10 10\"><openbadges:assertion verify=\"{}\"/>\n",
            signed().as_str()
        );
        assert!(baked.contains(&expected), "{baked}");

        let baked = bake_svg(TINY_SVG, &credential(), Some(URL)).unwrap();
        assert!(baked.contains(&format!(
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            credential().as_str()
        )));
        assert!(!baked.contains(URL), "the URL only applies to OB 2.0");

        let baked = bake_svg(TINY_SVG, &vc_jwt(), None).unwrap();
        assert!(baked.contains(&format!(
            "<openbadges:credential verify=\"{}\"/>",
            vc_jwt().as_str()
        )));
    }

    #[test]
    fn keeps_the_rest_of_the_document_byte_identical() {
        let baked = bake_svg(TINY_SVG, &signed(), None).unwrap();
        let element = format!("<openbadges:assertion verify=\"{}\"/>", signed().as_str());
        let restored = baked
            .replace(&element, "")
            .replace(" xmlns:openbadges=\"http://openbadges.org\"", "");
        assert_eq!(restored, TINY_SVG);
    }

    #[test]
    fn rebaking_replaces_the_badge() {
        let once = bake_svg(TINY_SVG, &hosted(), Some(URL)).unwrap();
        let twice = bake_svg(&once, &vc_jwt(), None).unwrap();
        assert_eq!(unbake_svg(&twice), Ok(Some(vc_jwt())));
        assert_eq!(twice.matches("openbadges:credential").count(), 1);
        assert!(!twice.contains("openbadges:assertion"));
        assert_eq!(twice.matches("xmlns:openbadges").count(), 1);
        assert_eq!(bake_svg(&twice, &vc_jwt(), None).unwrap(), twice);
    }

    #[test]
    fn baking_removes_badges_under_any_prefix_and_depth() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org"><g><ob:credential>{"a":1}</ob:credential></g><ob:assertion verify="x"/></svg>"#;
        assert_eq!(unbake_svg(svg), Err(BakeError::SvgTwoBadges));
        let baked = bake_svg(svg, &signed(), None).unwrap();
        assert_eq!(unbake_svg(&baked), Ok(Some(signed())));
        assert!(baked.contains("<g></g></svg>"), "{baked}");
    }

    #[test]
    fn honours_any_prefix_bound_to_the_namespace() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org">
            <ob:assertion verify="https://example.org/a/1"><![CDATA[{"id":"x"}]]></ob:assertion>
        </svg>"#;
        assert_eq!(
            unbake_svg(svg),
            Ok(Some(BakedPayload::Ob2(r#"{"id":"x"}"#.into())))
        );
        // A default-namespace declaration works as well.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><credential xmlns="http://openbadges.org" verify="a.b.c"/></svg>"#;
        assert_eq!(unbake_svg(svg), Ok(Some(BakedPayload::Ob3("a.b.c".into()))));
        // The `openbadges` prefix bound elsewhere is not ours.
        let svg = r#"<svg xmlns:openbadges="urn:other"><openbadges:assertion verify="x"/></svg>"#;
        assert_eq!(unbake_svg(svg), Ok(None));
        assert_eq!(
            bake_svg(svg, &signed(), None),
            Err(BakeError::SvgPrefixTaken)
        );
        // An undeclared `openbadges:` prefix, as some bakers wrote it.
        let svg = r#"<svg><openbadges:assertion verify="a.b.c"></openbadges:assertion></svg>"#;
        assert_eq!(unbake_svg(svg), Ok(Some(BakedPayload::Ob2("a.b.c".into()))));
    }

    #[test]
    fn hosted_assertions_need_a_url() {
        // Taken from the assertion's id when not given.
        let baked = bake_svg(TINY_SVG, &hosted(), None).unwrap();
        assert!(baked.contains(&format!("verify=\"{URL}\"")));
        let no_id = BakedPayload::Ob2(r#"{"type":"Assertion"}"#.into());
        assert_eq!(
            bake_svg(TINY_SVG, &no_id, None),
            Err(BakeError::MissingVerifyUrl)
        );
        assert_eq!(
            bake_svg(TINY_SVG, &hosted(), Some("javascript:alert(1)")),
            Err(BakeError::BadVerifyUrl)
        );
    }

    #[test]
    fn cdata_terminators_are_split_and_round_trip() {
        let tricky =
            BakedPayload::Ob3("{\"a\":\"]]>\",\"b\":\"]]]]>>\",\"c\":\"x\r\ny\r\"}".into());
        let baked = bake_svg(TINY_SVG, &tricky, None).unwrap();
        assert!(
            baked.contains("<![CDATA[{\"a\":\"]]]]><![CDATA[>\""),
            "{baked}"
        );
        assert_eq!(unbake_svg(&baked), Ok(Some(tricky)));
    }

    #[test]
    fn attribute_values_are_escaped() {
        let odd = BakedPayload::Ob2("a\"b<c>&d'e\tf\ng\rh".into());
        let baked = bake_svg(TINY_SVG, &odd, None).unwrap();
        assert!(baked.contains("verify=\"a&quot;b&lt;c&gt;&amp;d&apos;e&#9;f&#10;g&#13;h\""));
        assert_eq!(unbake_svg(&baked), Ok(Some(odd)));
    }

    #[test]
    fn refuses_payloads_xml_cannot_hold() {
        let control = BakedPayload::Ob3("{\u{1}}".into());
        assert_eq!(
            bake_svg(TINY_SVG, &control, None),
            Err(BakeError::PayloadNotXmlText)
        );
        assert_eq!(
            bake_svg(TINY_SVG, &BakedPayload::Ob3(String::new()), None),
            Err(BakeError::EmptyPayload)
        );
    }

    #[test]
    fn empty_roots_and_byte_order_marks_are_kept() {
        let svg = "\u{FEFF}<svg xmlns=\"http://www.w3.org/2000/svg\" />";
        let baked = bake_svg(svg, &vc_jwt(), None).unwrap();
        assert!(baked.starts_with("\u{FEFF}<svg xmlns:openbadges"));
        assert!(baked.ends_with("/></svg>"), "{baked}");
        assert_eq!(unbake_svg(&baked), Ok(Some(vc_jwt())));
    }

    #[test]
    fn refuses_doctype_and_entities() {
        let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>"#;
        assert_eq!(unbake_svg(xxe), Err(BakeError::SvgDoctype));
        assert_eq!(bake_svg(xxe, &signed(), None), Err(BakeError::SvgDoctype));
        let laughs =
            r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><svg>&lol2;</svg>"#;
        assert_eq!(unbake_svg(laughs), Err(BakeError::SvgDoctype));
        // Without a DTD, an undefined entity is simply not well-formed.
        let undefined = "<svg><openbadges:credential>&x;</openbadges:credential></svg>";
        assert!(matches!(
            unbake_svg(undefined),
            Err(BakeError::SvgMalformed(_))
        ));
    }

    #[test]
    fn refuses_scripts() {
        for svg in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><g><svg:script xmlns:svg="http://www.w3.org/2000/svg"/></g></svg>"#,
            r#"<svg><SCRIPT/></svg>"#,
        ] {
            assert_eq!(unbake_svg(svg), Err(BakeError::SvgScript), "{svg}");
            assert_eq!(bake_svg(svg, &signed(), None), Err(BakeError::SvgScript));
        }
    }

    #[test]
    fn refuses_event_handlers() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
        assert_eq!(
            unbake_svg(svg),
            Err(BakeError::SvgEventHandler("onload".into()))
        );
        assert_eq!(
            bake_svg(svg, &signed(), None),
            Err(BakeError::SvgEventHandler("onload".into()))
        );
        let svg = r#"<svg><rect OnClick="x()"/></svg>"#;
        assert_eq!(
            unbake_svg(svg),
            Err(BakeError::SvgEventHandler("OnClick".into()))
        );
        // Namespace declarations are not attributes of the element.
        let svg = r#"<svg xmlns:one="urn:one"><rect opacity="1"/></svg>"#;
        assert_eq!(unbake_svg(svg), Ok(None));
    }

    #[test]
    fn refuses_javascript_links() {
        for svg in [
            r#"<svg><a href="javascript:alert(1)"><text>x</text></a></svg>"#,
            r#"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href=" JavaScript:alert(1)"/></svg>"#,
            r#"<svg><a href="java&#9;script:alert(1)"/></svg>"#,
            r#"<svg><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>"#,
        ] {
            assert_eq!(unbake_svg(svg), Err(BakeError::SvgJavascriptUrl), "{svg}");
        }
        let svg = r#"<svg><a href="https://example.org/javascript:ok"/></svg>"#;
        // Over-cautious by design: a "javascript:" anywhere in a URL is refused.
        assert_eq!(unbake_svg(svg), Err(BakeError::SvgJavascriptUrl));
    }

    #[test]
    fn refuses_what_is_not_an_svg() {
        assert_eq!(unbake_svg("<html/>"), Err(BakeError::NotSvg));
        assert_eq!(unbake_svg(""), Err(BakeError::NotSvg));
        assert_eq!(unbake_svg("<!-- only -->"), Err(BakeError::NotSvg));
        assert_eq!(bake_svg("<html/>", &signed(), None), Err(BakeError::NotSvg));
        for broken in [
            "<svg>",
            "<svg></g>",
            "<svg></svg><svg></svg>",
            "text<svg/>",
            "<svg a=\"1\" a=\"2\"/>",
            "<svg><openbadges:assertion><![CDATA[x</svg>",
        ] {
            assert!(
                matches!(unbake_svg(broken), Err(BakeError::SvgMalformed(_))),
                "{broken}: {:?}",
                unbake_svg(broken)
            );
        }
        let huge = format!("<svg>{}</svg>", " ".repeat(MAX_IMAGE_BYTES));
        assert_eq!(unbake_svg(&huge), Err(BakeError::TooLarge));
    }

    #[test]
    fn badge_element_content_rules() {
        // Text (not CDATA) content, with references, is read too.
        let svg = r#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:credential>{"a":"&lt;&#233;"}</openbadges:credential></svg>"#;
        assert_eq!(
            unbake_svg(svg),
            Ok(Some(BakedPayload::Ob3(r#"{"a":"<é"}"#.into())))
        );
        // Whitespace-only content falls back to the verify attribute.
        let svg = "<svg><openbadges:assertion verify=\"a.b.c\">\n  </openbadges:assertion></svg>";
        assert_eq!(unbake_svg(svg), Ok(Some(BakedPayload::Ob2("a.b.c".into()))));
        let svg = "<svg><openbadges:assertion/></svg>";
        assert_eq!(unbake_svg(svg), Err(BakeError::EmptyBadge));
        let svg = "<svg><openbadges:assertion><b>{}</b></openbadges:assertion></svg>";
        assert_eq!(unbake_svg(svg), Err(BakeError::SvgMalformedBadge));
        // Which is also how such an image is repaired.
        let baked = bake_svg(svg, &signed(), None).unwrap();
        assert_eq!(unbake_svg(&baked), Ok(Some(signed())));
    }
}
