//! Baking into PNG files: one `iTXt` text chunk just before `IEND`.
//!
//! The file is walked chunk by chunk by hand. That is deliberate: the image
//! crates decode and re-encode the pixels (which would change the bytes of a
//! file the issuer designed), and none of them can insert or replace a text
//! chunk losslessly. A PNG is a simple chunk list, so copying every chunk
//! verbatim and only adding or dropping the badge chunk keeps the image
//! byte-identical and needs no zlib at all.

use super::{BakeError, BakedPayload, MAX_IMAGE_BYTES, PNG_KEYWORD_OB2, PNG_KEYWORD_OB3};

/// The eight bytes every PNG file starts with.
pub(crate) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// The largest chunk length the PNG specification allows (2³¹ − 1).
const MAX_CHUNK_LENGTH: usize = 0x7FFF_FFFF;

/// One chunk of a PNG file, borrowed from the file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    crc: u32,
    /// The whole chunk as it appears in the file (length, type, data, CRC),
    /// copied verbatim when baking.
    raw: &'a [u8],
}

impl Chunk<'_> {
    /// Whether the stored CRC matches the chunk's type and data.
    fn crc_ok(&self) -> bool {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&self.kind);
        hasher.update(self.data);
        hasher.finalize() == self.crc
    }

    /// Whether this is a text chunk (`iTXt`, `tEXt` or `zTXt`) with one of the
    /// Open Badges keywords, i.e. a chunk that baking must replace and
    /// unbaking must read. The keyword is everything before the first NUL.
    fn badge_keyword(&self) -> Option<&'static str> {
        if !matches!(&self.kind, b"iTXt" | b"tEXt" | b"zTXt") {
            return None;
        }
        let keyword = self.data.split(|&b| b == 0).next().unwrap_or_default();
        [PNG_KEYWORD_OB2, PNG_KEYWORD_OB3]
            .into_iter()
            .find(|k| k.as_bytes() == keyword)
    }
}

/// A PNG split into its chunks, up to and including `IEND`.
struct Png<'a> {
    /// Every chunk before `IEND`, in file order.
    chunks: Vec<Chunk<'a>>,
    iend: Chunk<'a>,
}

/// Splits a PNG into chunks, checking the structure a baker relies on: the
/// signature, that every chunk fits in the file, that `IHDR` comes first and
/// that `IEND` is present. Anything after `IEND` is not part of the image and
/// is ignored (and so dropped by baking; polyglot tricks hide there).
///
/// Work is bounded: the file size is capped before parsing, and a chunk
/// length is compared with the bytes actually left before anything is sliced.
fn parse(png: &[u8]) -> Result<Png<'_>, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    if !png.starts_with(&SIGNATURE) {
        return Err(BakeError::NotPng);
    }
    let mut chunks = Vec::new();
    let mut rest = &png[SIGNATURE.len()..];
    loop {
        if rest.is_empty() {
            return Err(BakeError::PngMissingIend);
        }
        let Some((header, after_header)) = rest.split_first_chunk::<8>() else {
            return Err(BakeError::PngTruncated);
        };
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let length = usize::try_from(length).map_err(|_| BakeError::PngBadChunk)?;
        if length > MAX_CHUNK_LENGTH {
            return Err(BakeError::PngBadChunk);
        }
        let kind = [header[4], header[5], header[6], header[7]];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(BakeError::PngBadChunk);
        }
        // The length is checked against what is left before slicing, so a
        // lying length can neither panic nor make us read past the end.
        if after_header.len() < length + 4 {
            return Err(BakeError::PngTruncated);
        }
        let (data, after_data) = after_header.split_at(length);
        let crc = u32::from_be_bytes([after_data[0], after_data[1], after_data[2], after_data[3]]);
        let total = 8 + length + 4;
        let chunk = Chunk {
            kind,
            data,
            crc,
            raw: &rest[..total],
        };
        rest = &rest[total..];
        if chunks.is_empty() && &kind != b"IHDR" {
            return Err(BakeError::PngIhdrNotFirst);
        }
        if &kind == b"IEND" {
            return Ok(Png {
                chunks,
                iend: chunk,
            });
        }
        chunks.push(chunk);
    }
}

/// Bakes `payload` into a PNG and returns the new file.
///
/// The payload goes into a single uncompressed `iTXt` chunk (keyword
/// `openbadges` for Open Badges 2.0, `openbadgecredential` for 3.0, empty
/// language tag and translated keyword) inserted immediately before `IEND`.
/// Any badge chunk already in the file, of either version and in any of the
/// text chunk types, is removed first, so re-baking replaces the badge and an
/// image never ends up carrying two. Every other chunk is copied byte for byte.
pub fn bake_png(png: &[u8], payload: &BakedPayload) -> Result<Vec<u8>, BakeError> {
    let text = payload.as_str();
    if text.is_empty() {
        return Err(BakeError::EmptyPayload);
    }
    if text.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let parsed = parse(png)?;
    let keyword = match payload {
        BakedPayload::Ob2(_) => PNG_KEYWORD_OB2,
        BakedPayload::Ob3(_) => PNG_KEYWORD_OB3,
    };

    // iTXt data: keyword NUL, compression flag 0, compression method 0,
    // language tag (empty) NUL, translated keyword (empty) NUL, UTF-8 text.
    let mut data = Vec::with_capacity(keyword.len() + 5 + text.len());
    data.extend_from_slice(keyword.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());

    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(&SIGNATURE);
    for chunk in parsed.chunks.iter().filter(|c| c.badge_keyword().is_none()) {
        out.extend_from_slice(chunk.raw);
    }
    write_chunk(&mut out, b"iTXt", &data);
    out.extend_from_slice(parsed.iend.raw);
    if out.len() > MAX_IMAGE_BYTES {
        // Laurel must be able to read back every image it bakes.
        return Err(BakeError::TooLarge);
    }
    Ok(out)
}

/// Appends one chunk (length, type, data, CRC) to `out`.
fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // `bake_png` caps the payload far below the 2³¹ − 1 chunk limit.
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
}

/// Reads the badge out of a PNG: `Ok(None)` if the image carries none.
///
/// Besides the `iTXt` form that [`bake_png`] writes, this reads the legacy
/// `tEXt` form used by Open Badges 1.x and early 2.0 bakers. Compressed
/// chunks (`zTXt`, or `iTXt` with its compression flag set) are refused with a
/// clear error rather than silently ignored, since Laurel carries no zlib.
///
/// An image with two or more badge chunks is an error, not a choice: which
/// one a verifier would pick is undefined, and a second chunk is how a forged
/// badge would be smuggled past a careless reader.
pub fn unbake_png(png: &[u8]) -> Result<Option<BakedPayload>, BakeError> {
    let parsed = parse(png)?;
    let mut badges = parsed
        .chunks
        .iter()
        .filter_map(|c| c.badge_keyword().map(|k| (c, k)));
    let Some((chunk, keyword)) = badges.next() else {
        return Ok(None);
    };
    if badges.next().is_some() {
        return Err(BakeError::PngTwoBadges);
    }
    if !chunk.crc_ok() {
        return Err(BakeError::PngBadCrc(
            String::from_utf8_lossy(&chunk.kind).into_owned(),
        ));
    }
    // Past the keyword and its NUL separator (badge_keyword found the
    // keyword, but not necessarily a NUL after it).
    let body = chunk
        .data
        .get(keyword.len() + 1..)
        .ok_or(BakeError::PngMalformedBadge)?;
    let text = match &chunk.kind {
        b"iTXt" => read_itxt(body)?,
        b"tEXt" => read_latin1_or_utf8(body),
        _ => return Err(BakeError::PngCompressedBadge),
    };
    if text.is_empty() {
        return Err(BakeError::EmptyBadge);
    }
    Ok(Some(if keyword == PNG_KEYWORD_OB2 {
        BakedPayload::Ob2(text)
    } else {
        BakedPayload::Ob3(text)
    }))
}

/// Reads the part of an `iTXt` chunk after its keyword: compression flag and
/// method, language tag, translated keyword, then the UTF-8 text.
fn read_itxt(body: &[u8]) -> Result<String, BakeError> {
    let [flag, _method, rest @ ..] = body else {
        return Err(BakeError::PngMalformedBadge);
    };
    match flag {
        0 => {}
        1 => return Err(BakeError::PngCompressedBadge),
        _ => return Err(BakeError::PngMalformedBadge),
    }
    let mut fields = rest.splitn(3, |&b| b == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(BakeError::PngMalformedBadge);
    };
    String::from_utf8(text.to_vec()).map_err(|_| BakeError::PngBadgeNotUtf8)
}

/// Reads `tEXt` text. The PNG specification says Latin-1, but old bakers
/// wrote UTF-8 (or, mostly, plain ASCII, which is both); valid UTF-8 is taken
/// as such and anything else is decoded as Latin-1, which cannot fail.
fn read_latin1_or_utf8(text: &[u8]) -> String {
    match std::str::from_utf8(text) {
        Ok(s) => s.to_owned(),
        Err(_) => text.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn ob2() -> BakedPayload {
        BakedPayload::Ob2(
            r#"{"@context":"https://w3id.org/openbadges/v2","id":"https://example.org/a/1"}"#
                .into(),
        )
    }

    fn ob3() -> BakedPayload {
        BakedPayload::Ob3("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln".into())
    }

    fn itxt(keyword: &str, text: &str) -> Vec<u8> {
        let mut data = keyword.as_bytes().to_vec();
        data.extend_from_slice(&[0, 0, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
        chunk(b"iTXt", &data)
    }

    /// The raw chunks of a PNG, for comparing files chunk by chunk.
    fn chunk_list(png: &[u8]) -> Vec<Vec<u8>> {
        let parsed = parse(png).unwrap();
        let mut list: Vec<Vec<u8>> = parsed.chunks.iter().map(|c| c.raw.to_vec()).collect();
        list.push(parsed.iend.raw.to_vec());
        list
    }

    fn badge_chunks(png: &[u8]) -> usize {
        let parsed = parse(png).unwrap();
        parsed
            .chunks
            .iter()
            .filter(|c| c.badge_keyword().is_some())
            .count()
    }

    #[test]
    fn the_test_png_is_valid() {
        let png = tiny_png();
        assert_eq!(chunk_list(&png).len(), 5);
        assert!(parse(&png).unwrap().chunks.iter().all(Chunk::crc_ok));
        assert_eq!(unbake_png(&png), Ok(None));
    }

    #[test]
    fn round_trips_both_versions() {
        for payload in [ob2(), ob3()] {
            let baked = bake_png(&tiny_png(), &payload).unwrap();
            assert_eq!(unbake_png(&baked), Ok(Some(payload)));
        }
    }

    #[test]
    fn writes_the_specified_itxt_chunk_before_iend() {
        let baked = bake_png(&tiny_png(), &ob3()).unwrap();
        let chunks = chunk_list(&baked);
        let n = chunks.len();
        assert_eq!(chunks[n - 2], itxt(PNG_KEYWORD_OB3, ob3().as_str()));
        assert_eq!(chunks[n - 1], iend());
    }

    #[test]
    fn keeps_every_other_chunk_byte_identical() {
        let original = tiny_png();
        let baked = bake_png(&original, &ob2()).unwrap();
        let before = chunk_list(&original);
        let after = chunk_list(&baked);
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(after[..before.len() - 1], before[..before.len() - 1]);
        // Unbaking the badge again gives back the original file.
        let mut stripped = SIGNATURE.to_vec();
        for (i, c) in after.iter().enumerate() {
            if i != after.len() - 2 {
                stripped.extend_from_slice(c);
            }
        }
        assert_eq!(stripped, original);
    }

    #[test]
    fn rebaking_replaces_the_badge() {
        let once = bake_png(&tiny_png(), &ob2()).unwrap();
        let twice = bake_png(&once, &ob3()).unwrap();
        assert_eq!(badge_chunks(&twice), 1);
        assert_eq!(unbake_png(&twice), Ok(Some(ob3())));
        let thrice = bake_png(&twice, &ob3()).unwrap();
        assert_eq!(thrice, twice);
    }

    #[test]
    fn baking_removes_legacy_and_compressed_badge_chunks() {
        let png = png_with(&[
            chunk(b"tEXt", b"openbadges\0https://example.org/old"),
            chunk(b"zTXt", b"openbadgecredential\0\0xyz"),
        ]);
        let baked = bake_png(&png, &ob2()).unwrap();
        assert_eq!(badge_chunks(&baked), 1);
        assert_eq!(unbake_png(&baked), Ok(Some(ob2())));
    }

    #[test]
    fn reads_the_legacy_text_chunk() {
        let png = png_with(&[chunk(b"tEXt", b"openbadges\0https://example.org/a/1")]);
        assert_eq!(
            unbake_png(&png),
            Ok(Some(BakedPayload::Ob2("https://example.org/a/1".into())))
        );
        // Latin-1, as the PNG specification defines tEXt.
        let png = png_with(&[chunk(b"tEXt", b"openbadges\0caf\xE9")]);
        assert_eq!(unbake_png(&png), Ok(Some(BakedPayload::Ob2("café".into()))));
    }

    #[test]
    fn ignores_other_text_chunks() {
        let png = png_with(&[
            chunk(b"tEXt", b"openbadgesX\0nope"),
            itxt("Title", "openbadges"),
        ]);
        assert_eq!(unbake_png(&png), Ok(None));
    }

    #[test]
    fn two_badge_chunks_are_an_error() {
        let two_same = png_with(&[
            itxt(PNG_KEYWORD_OB2, "{}"),
            itxt(PNG_KEYWORD_OB2, "{\"x\":1}"),
        ]);
        let one_each = png_with(&[itxt(PNG_KEYWORD_OB2, "{}"), itxt(PNG_KEYWORD_OB3, "{}")]);
        let legacy_and_new = png_with(&[
            chunk(b"tEXt", b"openbadges\0https://example.org/a/1"),
            itxt(PNG_KEYWORD_OB2, "{}"),
        ]);
        for png in [two_same, one_each, legacy_and_new] {
            assert_eq!(unbake_png(&png), Err(BakeError::PngTwoBadges));
            // Baking is how such a file is repaired.
            let baked = bake_png(&png, &ob3()).unwrap();
            assert_eq!(unbake_png(&baked), Ok(Some(ob3())));
        }
    }

    #[test]
    fn compressed_badges_are_refused_clearly() {
        let mut compressed = itxt(PNG_KEYWORD_OB3, "x");
        compressed[8 + PNG_KEYWORD_OB3.len() + 1] = 1; // compression flag
        let fix_crc = |c: &[u8]| {
            let n = c.len();
            chunk(c[4..8].try_into().unwrap(), &c[8..n - 4])
        };
        let png = png_with(&[fix_crc(&compressed)]);
        assert_eq!(unbake_png(&png), Err(BakeError::PngCompressedBadge));
        let png = png_with(&[chunk(b"zTXt", b"openbadges\0\0x\x9c")]);
        assert_eq!(unbake_png(&png), Err(BakeError::PngCompressedBadge));
    }

    #[test]
    fn malformed_badge_chunks_are_errors() {
        for data in [
            &b"openbadges"[..],
            b"openbadges\0",
            b"openbadges\0\0",
            b"openbadges\0\x07\0\0\0{}",
            b"openbadges\0\0\0en",
        ] {
            let png = png_with(&[chunk(b"iTXt", data)]);
            assert_eq!(
                unbake_png(&png),
                Err(BakeError::PngMalformedBadge),
                "{data:?}"
            );
        }
        let png = png_with(&[chunk(b"iTXt", b"openbadges\0\0\0\0\0\xFF\xFE")]);
        assert_eq!(unbake_png(&png), Err(BakeError::PngBadgeNotUtf8));
        let png = png_with(&[chunk(b"iTXt", b"openbadges\0\0\0\0\0")]);
        assert_eq!(unbake_png(&png), Err(BakeError::EmptyBadge));
    }

    #[test]
    fn a_bad_crc_on_the_badge_is_an_error() {
        let mut baked = bake_png(&tiny_png(), &ob2()).unwrap();
        // The last byte of the badge chunk's text, just before its CRC.
        let at = baked.len() - iend().len() - 5;
        baked[at] ^= 0x20;
        assert_eq!(unbake_png(&baked), Err(BakeError::PngBadCrc("iTXt".into())));
    }

    #[test]
    fn truncated_files_are_errors_never_panics() {
        let baked = bake_png(&tiny_png(), &ob2()).unwrap();
        for cut in 0..baked.len() {
            let result = unbake_png(&baked[..cut]);
            assert!(result.is_err(), "cut at {cut}: {result:?}");
            assert!(bake_png(&baked[..cut], &ob3()).is_err(), "cut at {cut}");
        }
        assert_eq!(
            unbake_png(&baked[..baked.len() - 3]),
            Err(BakeError::PngTruncated)
        );
        assert_eq!(
            unbake_png(&baked[..baked.len() - iend().len()]),
            Err(BakeError::PngMissingIend)
        );
    }

    #[test]
    fn a_lying_chunk_length_is_an_error() {
        let mut png = tiny_png();
        // IDAT length (after signature, IHDR and pHYs) set to a huge value.
        let at = 8 + ihdr().len() + 21;
        assert_eq!(&png[at + 4..at + 8], b"IDAT");
        png[at..at + 4].copy_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
        assert_eq!(unbake_png(&png), Err(BakeError::PngTruncated));
        png[at..at + 4].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
        assert_eq!(unbake_png(&png), Err(BakeError::PngBadChunk));
    }

    #[test]
    fn structure_is_checked() {
        assert_eq!(unbake_png(b"GIF89a"), Err(BakeError::NotPng));
        assert_eq!(unbake_png(b""), Err(BakeError::NotPng));
        assert_eq!(bake_png(b"<svg/>", &ob2()), Err(BakeError::NotPng));

        let mut no_ihdr = SIGNATURE.to_vec();
        no_ihdr.extend(idat());
        no_ihdr.extend(iend());
        assert_eq!(unbake_png(&no_ihdr), Err(BakeError::PngIhdrNotFirst));

        let mut bad_type = SIGNATURE.to_vec();
        bad_type.extend(ihdr());
        bad_type.extend(chunk(b"ID4T", b""));
        assert_eq!(unbake_png(&bad_type), Err(BakeError::PngBadChunk));

        let mut huge = tiny_png();
        huge.resize(MAX_IMAGE_BYTES + 1, 0);
        assert_eq!(unbake_png(&huge), Err(BakeError::TooLarge));
        assert_eq!(bake_png(&huge, &ob2()), Err(BakeError::TooLarge));
    }

    #[test]
    fn stops_at_iend() {
        let mut png = tiny_png();
        png.extend(itxt(PNG_KEYWORD_OB2, "{\"hidden\":true}"));
        png.extend_from_slice(b"trailing junk");
        assert_eq!(unbake_png(&png), Ok(None));
        let baked = bake_png(&png, &ob3()).unwrap();
        assert!(baked.ends_with(&iend()));
        assert_eq!(unbake_png(&baked), Ok(Some(ob3())));
    }

    #[test]
    fn refuses_empty_and_oversized_payloads() {
        assert_eq!(
            bake_png(&tiny_png(), &BakedPayload::Ob2(String::new())),
            Err(BakeError::EmptyPayload)
        );
        let big = BakedPayload::Ob3("x".repeat(MAX_IMAGE_BYTES));
        assert_eq!(bake_png(&tiny_png(), &big), Err(BakeError::TooLarge));
    }
}
