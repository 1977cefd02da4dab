//! Residents' photos: whatever a phone or camera uploads becomes a modest, upright JPEG built from
//! the pixels alone, so a published photo cannot say where, when or with what it was taken, and a
//! crafted file cannot make the server decode gigabytes.
//!
//! Pure: bytes in, bytes out. The caller stores [`Photo::jpeg`] under [`Photo::hash`].

use std::fmt::Write as _;
use std::io::Cursor;

use blake2::{Blake2s256, Digest};
use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, Limits, Rgb, RgbImage};

/// What an upload may be, and how big the published photo gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoLimits {
    /// The largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// The most pixels (width × height) the upload may have; checked before any pixel is decoded.
    pub max_pixels: u64,
    /// The longest side of the published photo; smaller uploads keep their size.
    pub max_side: u32,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            // A phone's full-resolution JPEG fits; a RAW file or a video does not.
            max_bytes: 10 * 1024 * 1024,
            // Phones save 12–24 MP unless their full-sensor mode is switched on; 40 MP leaves room
            // for most cameras while keeping a decoded image (at most 8 bytes a pixel) under a
            // third of a gigabyte.
            max_pixels: 40_000_000,
            // Sharp on a large screen, a few hundred kilobytes on a phone's data plan.
            max_side: 1600,
        }
    }
}

/// A photo fit to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// A baseline JPEG with no metadata segments.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Lowercase hex BLAKE2s-256 of `jpeg`: the same photo uploaded twice is stored once.
    pub hash: String,
}

/// Why an upload was refused. The messages are meant for the resident (an HTTP 4xx body), except
/// [`PhotoError::Encode`], which is our fault (500).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the photo is larger than {}", readable_size(*.max_bytes))]
    TooLarge { max_bytes: usize },
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the file is a {0} image; please upload a JPEG, PNG or WebP photo")]
    UnsupportedFormat(&'static str),
    #[error("this kind of {0} cannot be read; please upload an ordinary JPEG, PNG or WebP photo")]
    UnsupportedVariant(&'static str),
    #[error("the photo has too many pixels ({width} × {height})")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the photo is damaged or incomplete")]
    Corrupt,
    #[error("the photo could not be converted")]
    Encode,
}

/// Re-encoding quality: above the mid-80s the file grows quickly for differences nobody sees at
/// web sizes; in the low 70s blocking starts to show in skies and faces.
const JPEG_QUALITY: u8 = 82;

/// The most a JPEG side can hold (the format stores sides as 16 bits).
const MAX_JPEG_SIDE: u32 = 65_535;

/// The longest side accepted whatever the area. A limit per side is one the decoders enforce
/// themselves, so it still holds if `max_pixels` is lifted or a header lies; only the widest
/// stitched panoramas are longer.
const MAX_INPUT_SIDE: u32 = 32_768;

/// Bytes a pixel takes in the widest layout these decoders produce (16-bit RGBA from PNG).
const WIDEST_PIXEL: u64 = 8;

/// What a decoder may allocate beyond the pixels themselves: PNG's inflate window and rows,
/// header chunks, WebP's entropy tables.
const DECODER_SLACK: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
        }
    }
}

/// Turns an upload into a photo fit to publish: upright, at most `max_side` on its longest side,
/// re-encoded from its pixels so no EXIF, XMP, ICC profile, GPS position or maker note survives.
pub fn process(bytes: &[u8], limits: &PhotoLimits) -> Result<Photo, PhotoError> {
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let format = sniff(bytes)?;
    if format == Format::Jpeg {
        check_jpeg_structure(bytes)?;
    }

    // Making a decoder reads the header only; no pixel is decoded before `decode` has checked
    // the dimensions.
    let input = Cursor::new(bytes);
    let header_error = |e| decode_error(e, format, None);
    let (image, orientation) = match format {
        Format::Jpeg => decode(
            JpegDecoder::new(input).map_err(header_error)?,
            format,
            limits,
        )?,
        Format::Png => {
            // The PNG decoder reads its chunks while it is being made, so only the allocation cap
            // goes in here; the sides are checked against `max_pixels` once they are known.
            let mut header_limits = Limits::default();
            header_limits.max_alloc = Some(alloc_budget(limits));
            let decoder = PngDecoder::with_limits(input, header_limits).map_err(header_error)?;
            decode(decoder, format, limits)?
        }
        Format::WebP => decode(
            WebPDecoder::new(input).map_err(header_error)?,
            format,
            limits,
        )?,
    };

    // Resizing before rotating does the rotation on the small image; the longest side is the
    // same either way.
    let mut image = shrink(flatten_alpha(image), limits.max_side);
    image.apply_orientation(orientation);
    let rgb = image.into_rgb8();

    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|_| PhotoError::Encode)?;
    let hash = hex(&Blake2s256::digest(&jpeg));
    Ok(Photo {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        hash,
    })
}

/// The format from the content alone: a file name or a Content-Type header is whatever the
/// sender wants it to be.
fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Format::Png)
    } else if bytes.get(..4) == Some(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Ok(Format::WebP)
    } else {
        Err(other_image_format(bytes).map_or(PhotoError::NotAnImage, PhotoError::UnsupportedFormat))
    }
}

/// Names the image formats people are likely to try, so the refusal tells them what to change
/// (an iPhone's HEIC, most often) instead of calling their photo "not an image".
fn other_image_format(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("GIF");
    }
    // Most cameras' RAW files (CR2, NEF, ARW, DNG) are TIFF inside.
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Some("TIFF or camera RAW");
    }
    if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL \r\n\x87\n") {
        return Some("JPEG XL");
    }
    if starts(b"8BPS") {
        return Some("Photoshop");
    }
    // "BM" alone starts too many text files; the size of the header that follows is one of a
    // few known values in a real BMP.
    if starts(b"BM") {
        let header_size = bytes
            .get(14..18)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes);
        if matches!(header_size, Some(12 | 40 | 52 | 56 | 64 | 108 | 124)) {
            return Some("BMP");
        }
    }
    // ISO base media files: HEIF and AVIF, but also MP4 and MOV videos, which are not images.
    if bytes.get(4..8) == Some(b"ftyp") {
        return match bytes.get(8..12) {
            Some(b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis") => Some("HEIC"),
            Some(b"mif1" | b"msf1") => Some("HEIF"),
            Some(b"avif" | b"avis") => Some("AVIF"),
            Some(b"crx ") => Some("TIFF or camera RAW"),
            _ => None,
        };
    }
    // An SVG is text and may carry script; it is named only so the message is helpful.
    let head = &bytes[..bytes.len().min(1024)];
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = text.trim_ascii_start();
    if (text.starts_with(b"<?xml") || text.starts_with(b"<svg") || text.starts_with(b"<!DOCTYPE"))
        && head.windows(4).any(|w| w == b"<svg")
    {
        return Some("SVG");
    }
    None
}

/// Checks what the JPEG decoder gets wrong on its own. It fills a cut-off scan with grey, which
/// would publish half a photo from an interrupted upload, so the entropy-coded data must run to
/// an end marker. And it calls arithmetic-coded and lossless JPEGs damaged, when they are valid
/// files of a kind it does not read.
fn check_jpeg_structure(bytes: &[u8]) -> Result<(), PhotoError> {
    // Walk the header segments by their lengths: an embedded EXIF thumbnail has an end marker of
    // its own, so searching from the start would find that one.
    let mut at = 2;
    loop {
        let Some(&[0xFF, marker]) = bytes.get(at..at + 2) else {
            return Err(PhotoError::Corrupt);
        };
        match marker {
            // Fill bytes may pad before a marker.
            0xFF => at += 1,
            // Start of scan: byte stuffing means an end marker can only occur after it as itself.
            0xDA => {
                let ends = bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]);
                return if ends {
                    Ok(())
                } else {
                    Err(PhotoError::Corrupt)
                };
            }
            0xD9 => return Err(PhotoError::Corrupt),
            // Frame headers other than baseline, extended and progressive Huffman (C0–C2), and the
            // arithmetic-coding conditioning segment (CC) among them.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCF => {
                return Err(PhotoError::UnsupportedVariant(Format::Jpeg.name()));
            }
            _ => {
                let Some(&[hi, lo]) = bytes.get(at + 2..at + 4) else {
                    return Err(PhotoError::Corrupt);
                };
                at += 2 + usize::from(u16::from_be_bytes([hi, lo]));
            }
        }
    }
}

/// What every decoder may allocate in all: the largest image `max_pixels` allows, in the widest
/// pixel layout, plus the decoders' working memory.
fn alloc_budget(limits: &PhotoLimits) -> u64 {
    limits
        .max_pixels
        .saturating_mul(WIDEST_PIXEL)
        .saturating_add(DECODER_SLACK)
}

/// Decodes pixels only after the header's dimensions pass `max_pixels`, with the decoder held to
/// the same sides and allocation budget in case a later frame or chunk disagrees with the header.
fn decode<D: ImageDecoder>(
    mut decoder: D,
    format: Format,
    limits: &PhotoLimits,
) -> Result<(DynamicImage, Orientation), PhotoError> {
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    let dims = Some((width, height));

    let side_cap = u32::try_from(limits.max_pixels)
        .unwrap_or(u32::MAX)
        .min(MAX_INPUT_SIDE);
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(side_cap);
    decode_limits.max_image_height = Some(side_cap);
    decode_limits.max_alloc = Some(alloc_budget(limits));
    // As `ImageReader::decode` does: the output buffer counts against the budget first, so the
    // decoder gets only what is left for its own work.
    decode_limits
        .reserve(decoder.total_bytes())
        .map_err(|e| decode_error(e, format, dims))?;
    decoder
        .set_limits(decode_limits)
        .map_err(|e| decode_error(e, format, dims))?;

    // A damaged EXIF block should not cost the resident their photo: it just stays as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(e, format, dims))?;
    Ok((image, orientation))
}

/// `dims` is `None` while the header is still being read.
fn decode_error(err: ImageError, format: Format, dims: Option<(u32, u32)>) -> PhotoError {
    match (err, dims) {
        (ImageError::Limits(_), Some((width, height))) => {
            PhotoError::TooManyPixels { width, height }
        }
        // Valid files using a feature the decoder lacks.
        (ImageError::Unsupported(_), _) => PhotoError::UnsupportedVariant(format.name()),
        // Everything else is the file's fault: bad data, a cut-off stream (an I/O error on an
        // in-memory reader can only be running out of bytes), or a limit hit while reading the
        // header, which only a malformed header does.
        _ => PhotoError::Corrupt,
    }
}

/// Puts transparent parts on white: JPEG has no alpha, dropping it would show whatever colour the
/// hidden pixels happen to hold (often black), and the resizer assumes premultiplied alpha, which
/// PNG and WebP do not store.
fn flatten_alpha(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return image;
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = pixel.0;
        let a = u16::from(a);
        let over_white = |c: u8| {
            let blended = (u16::from(c) * a + 255 * (255 - a) + 127) / 255;
            u8::try_from(blended).unwrap_or(u8::MAX)
        };
        *out = Rgb([over_white(r), over_white(g), over_white(b)]);
    }
    DynamicImage::ImageRgb8(rgb)
}

/// Scales down so the longest side is `max_side`, keeping the aspect ratio; never scales up, which
/// would only add bytes.
fn shrink(image: DynamicImage, max_side: u32) -> DynamicImage {
    let (width, height) = (image.width(), image.height());
    let longest = width.max(height);
    let max_side = max_side.clamp(1, MAX_JPEG_SIDE);
    if longest <= max_side {
        return image;
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).max(1)
    };
    // Lanczos3 keeps fine detail (text on a sign, a crack in the pavement) sharp when a 12 MP
    // photo shrinks to a seventh of its pixels.
    image.resize_exact(scale(width), scale(height), FilterType::Lanczos3)
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// "10 MB" rather than "10485760 bytes" for the resident.
fn readable_size(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use image::codecs::webp::WebPEncoder;
    use image::{ExtendedColorType, GenericImageView, ImageFormat, Rgba, RgbaImage};
    use std::time::{Duration, Instant};

    fn solid(width: u32, height: u32, color: [u8; 3]) -> RgbImage {
        RgbImage::from_pixel(width, height, Rgb(color))
    }

    fn jpeg_of(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(image)
            .unwrap();
        out
    }

    fn png_of(image: &DynamicImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn webp_of(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        WebPEncoder::new_lossless(&mut out)
            .encode(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn decoded(photo: &Photo) -> DynamicImage {
        image::load_from_memory_with_format(&photo.jpeg, ImageFormat::Jpeg).unwrap()
    }

    /// The markers of a JPEG's header segments, up to and including the start of scan.
    fn segment_markers(jpeg: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
        let mut markers = Vec::new();
        let mut at = 2;
        loop {
            assert_eq!(jpeg[at], 0xFF, "segment at {at}");
            let marker = jpeg[at + 1];
            markers.push(marker);
            if marker == 0xDA {
                return markers;
            }
            at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG whose header claims `width` × `height` but whose data is a 1000 × 1000 image of
    /// zeros, compressed by the real encoder to a few kilobytes: a decompression bomb's shape.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut png = png_of(&DynamicImage::ImageLuma8(image::GrayImage::new(1000, 1000)));
        // Signature (8), IHDR length (4) and type (4), then width and height.
        assert_eq!(&png[12..16], b"IHDR");
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    /// An EXIF APP1 payload (little-endian TIFF) with a camera model, an orientation and a GPS
    /// position, laid out as a phone writes one.
    fn exif_app1(model: &str, orientation: u16) -> Vec<u8> {
        fn entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
            tiff.extend(tag.to_le_bytes());
            tiff.extend(kind.to_le_bytes());
            tiff.extend(count.to_le_bytes());
            tiff.extend(value.to_le_bytes());
        }
        const ASCII: u16 = 2;
        const SHORT: u16 = 3;
        const LONG: u16 = 4;
        const RATIONAL: u16 = 5;

        let model = format!("{model}\0");
        let model_len = u32::try_from(model.len()).unwrap();
        // IFD0 at 8: 2 + 3 entries × 12 + 4 = 42 bytes, then the model string, then the GPS IFD.
        let model_at = 8 + 42;
        let gps_at = (model_at + model_len + 1) & !1;
        let lat_at = gps_at + 2 + 4 * 12 + 4;
        let lon_at = lat_at + 24;

        let mut tiff = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        tiff.extend(3u16.to_le_bytes());
        entry(&mut tiff, 0x0110, ASCII, model_len, model_at);
        entry(&mut tiff, 0x0112, SHORT, 1, u32::from(orientation));
        entry(&mut tiff, 0x8825, LONG, 1, gps_at);
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(model.as_bytes());
        tiff.resize(usize::try_from(gps_at).unwrap(), 0);
        tiff.extend(4u16.to_le_bytes());
        entry(&mut tiff, 0x0001, ASCII, 2, u32::from_le_bytes(*b"N\0\0\0"));
        entry(&mut tiff, 0x0002, RATIONAL, 3, lat_at);
        entry(&mut tiff, 0x0003, ASCII, 2, u32::from_le_bytes(*b"E\0\0\0"));
        entry(&mut tiff, 0x0004, RATIONAL, 3, lon_at);
        tiff.extend(0u32.to_le_bytes());
        // 52° 5' 12.34" N, 5° 7' 43.21" E
        for (num, den) in [
            (52u32, 1u32),
            (5, 1),
            (1234, 100),
            (5, 1),
            (7, 1),
            (4321, 100),
        ] {
            tiff.extend(num.to_le_bytes());
            tiff.extend(den.to_le_bytes());
        }
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend(tiff);
        payload
    }

    /// Inserts an APPn segment right after SOI, where cameras put theirs.
    fn with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(payload.len() + 2).unwrap();
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, marker]);
        out.extend(len.to_be_bytes());
        out.extend(payload);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn accepts_jpeg_png_and_webp_by_content() {
        let image = solid(64, 48, [200, 120, 40]);
        for bytes in [
            jpeg_of(&image),
            png_of(&DynamicImage::ImageRgb8(image.clone())),
            webp_of(&image),
        ] {
            let photo = process(&bytes, &PhotoLimits::default()).unwrap();
            assert_eq!((photo.width, photo.height), (64, 48));
            assert_eq!(segment_markers(&photo.jpeg)[0], 0xE0, "starts with JFIF");
            let out = decoded(&photo);
            assert_eq!(out.dimensions(), (64, 48));
            let [r, g, b, _] = out.get_pixel(32, 24).0;
            assert!(r.abs_diff(200) < 6 && g.abs_diff(120) < 6 && b.abs_diff(40) < 6);
        }
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        for bytes in [
            &b""[..],
            b"hello, this is a text file",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n",
            b"PK\x03\x04\x14\0\0\0\x08\0",
            // An MP4 video: ISO base media like HEIC, but not an image.
            b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41",
            b"BM but only a text that starts like a bitmap",
            b"\xFF\xD8",
        ] {
            assert_eq!(
                process(bytes, &PhotoLimits::default()),
                Err(PhotoError::NotAnImage),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn names_other_image_formats() {
        let mut bmp = b"BM\0\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        bmp.extend(40u32.to_le_bytes());
        let cases: [(&[u8], &str); 8] = [
            (b"GIF89a\x01\0\x01\0\x80\0\0", "GIF"),
            (b"GIF87a\x01\0\x01\0\x80\0\0", "GIF"),
            (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "HEIC"),
            (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", "AVIF"),
            (b"II*\0\x08\0\0\0", "TIFF or camera RAW"),
            (&bmp, "BMP"),
            (
                b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                "SVG",
            ),
            (b"\xFF\x0A\xFA\x7F", "JPEG XL"),
        ];
        for (bytes, name) in cases {
            assert_eq!(
                process(bytes, &PhotoLimits::default()),
                Err(PhotoError::UnsupportedFormat(name))
            );
        }
    }

    #[test]
    fn the_content_decides_not_the_name() {
        // PNG bytes are a PNG whatever they are called; the API never sees a name, and a JPEG
        // signature in front of PNG data does not make it decodable.
        let png = png_of(&DynamicImage::ImageRgb8(solid(8, 8, [0, 0, 0])));
        assert!(process(&png, &PhotoLimits::default()).is_ok());
        let mut fake = vec![0xFF, 0xD8, 0xFF];
        fake.extend(&png);
        assert_eq!(
            process(&fake, &PhotoLimits::default()),
            Err(PhotoError::Corrupt)
        );
    }

    #[test]
    fn refuses_oversized_uploads_before_looking_inside() {
        let limits = PhotoLimits {
            max_bytes: 1000,
            ..PhotoLimits::default()
        };
        let err = process(&vec![0u8; 1001], &limits).unwrap_err();
        assert_eq!(err, PhotoError::TooLarge { max_bytes: 1000 });
        assert_eq!(err.to_string(), "the photo is larger than 1000 bytes");
        assert_eq!(
            PhotoError::TooLarge {
                max_bytes: PhotoLimits::default().max_bytes
            }
            .to_string(),
            "the photo is larger than 10 MB"
        );
    }

    #[test]
    fn refuses_a_png_bomb_from_its_header() {
        let bomb = png_claiming(60_000, 60_000);
        assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
        let started = Instant::now();
        let result = process(&bomb, &PhotoLimits::default());
        // 3.6 gigapixels: allocating even one byte each would take far longer than this.
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(
            result,
            Err(PhotoError::TooManyPixels {
                width: 60_000,
                height: 60_000
            })
        );
    }

    #[test]
    fn decoder_limits_hold_when_the_pixel_cap_is_lifted() {
        // With `max_pixels` out of the way, the decoders' own side and allocation limits must
        // still stop the bomb before it allocates.
        let limits = PhotoLimits {
            max_pixels: u64::MAX / 16,
            ..PhotoLimits::default()
        };
        let started = Instant::now();
        let result = process(&png_claiming(60_000, 60_000), &limits);
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(
            result,
            Err(PhotoError::TooManyPixels {
                width: 60_000,
                height: 60_000
            })
        );
    }

    #[test]
    fn refuses_jpeg_and_webp_bombs_from_their_headers() {
        // A real JPEG whose frame header is rewritten to claim 65000 × 65000.
        let mut jpeg = jpeg_of(&solid(16, 16, [0, 0, 0]));
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&65_000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&65_000u16.to_be_bytes());
        let started = Instant::now();
        assert_eq!(
            process(&jpeg, &PhotoLimits::default()),
            Err(PhotoError::TooManyPixels {
                width: 65_000,
                height: 65_000
            })
        );
        assert!(started.elapsed() < Duration::from_millis(500));

        // A lossless WebP whose header claims 16383 × 16383 (the decoder reads the format's
        // largest, 16384, as 0).
        let mut webp = webp_of(&solid(16, 16, [0, 0, 0]));
        let vp8l = webp.windows(4).position(|w| w == b"VP8L").unwrap();
        assert_eq!(webp[vp8l + 8], 0x2F);
        let bits_at = vp8l + 9;
        let mut bits = u32::from_le_bytes(webp[bits_at..bits_at + 4].try_into().unwrap());
        // Width − 1 and height − 1, 14 bits each.
        bits = (bits & !((1 << 28) - 1)) | 16_382 | (16_382 << 14);
        webp[bits_at..bits_at + 4].copy_from_slice(&bits.to_le_bytes());
        let started = Instant::now();
        assert_eq!(
            process(&webp, &PhotoLimits::default()),
            Err(PhotoError::TooManyPixels {
                width: 16_383,
                height: 16_383
            })
        );
        assert!(started.elapsed() < Duration::from_millis(500));
    }

    #[test]
    fn refuses_corrupt_and_truncated_images() {
        let image = RgbImage::from_fn(300, 200, |x, y| {
            Rgb([
                (x * 7 % 256) as u8,
                (y * 3 % 256) as u8,
                ((x ^ y) % 256) as u8,
            ])
        });
        let jpeg = jpeg_of(&image);
        let png = png_of(&DynamicImage::ImageRgb8(image.clone()));
        let webp = webp_of(&image);
        for (name, bytes) in [("jpeg", &jpeg), ("png", &png), ("webp", &webp)] {
            for cut in [bytes.len() / 2, bytes.len() - 20, 40] {
                assert_eq!(
                    process(&bytes[..cut], &PhotoLimits::default()),
                    Err(PhotoError::Corrupt),
                    "{name} cut at {cut} of {}",
                    bytes.len()
                );
            }
        }
        // Garbage after a valid signature.
        let mut garbage = b"\x89PNG\r\n\x1a\n".to_vec();
        garbage.extend([0x5A; 200]);
        assert_eq!(
            process(&garbage, &PhotoLimits::default()),
            Err(PhotoError::Corrupt)
        );
    }

    #[test]
    fn names_jpeg_variants_the_decoder_cannot_read() {
        // The frame header rewritten from baseline (SOF0) to arithmetic coding (SOF9): a valid
        // JPEG kind that almost nothing writes and the decoder does not read (it calls it
        // damaged, which would send the resident looking for a fault that is not there).
        let mut jpeg = jpeg_of(&solid(16, 16, [0, 0, 0]));
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 1] = 0xC9;
        let err = process(&jpeg, &PhotoLimits::default()).unwrap_err();
        assert_eq!(err, PhotoError::UnsupportedVariant("JPEG"));
        assert_eq!(
            err.to_string(),
            "this kind of JPEG cannot be read; please upload an ordinary JPEG, PNG or WebP photo"
        );
    }

    #[test]
    fn strips_exif_gps_and_camera_model_and_applies_orientation() {
        const MODEL: &str = "Trefpunt TestCam X900";
        // Left half red, right half blue, stored sideways: orientation 6 means "turn 90°
        // clockwise to view", which puts the stored left half on top.
        let stored = RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
                    <exif:GPSLatitude>52,5.2N</exif:GPSLatitude></x:xmpmeta>";
        let upload = with_segment(
            &with_segment(&jpeg_of(&stored), 0xE1, xmp),
            0xE1,
            &exif_app1(MODEL, 6),
        );
        // The upload really carries what must go.
        assert!(contains(&upload, b"Exif\0\0"));
        assert!(contains(&upload, MODEL.as_bytes()));
        assert!(contains(&upload, b"GPSLatitude"));
        let mut decoder = JpegDecoder::new(Cursor::new(&upload[..])).unwrap();
        assert_eq!(decoder.orientation().unwrap(), Orientation::Rotate90);

        let photo = process(&upload, &PhotoLimits::default()).unwrap();
        assert!(!contains(&photo.jpeg, b"Exif"));
        assert!(!contains(&photo.jpeg, MODEL.as_bytes()));
        assert!(!contains(&photo.jpeg, b"GPSLatitude"));
        assert!(!contains(&photo.jpeg, b"http://ns.adobe.com"));
        let markers = segment_markers(&photo.jpeg);
        assert!(
            markers
                .iter()
                .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
            "APP1–APP15 or COM segment in {markers:02X?}"
        );

        assert_eq!((photo.width, photo.height), (20, 40));
        let out = decoded(&photo).into_rgb8();
        let top = out.get_pixel(10, 3).0;
        let bottom = out.get_pixel(10, 36).0;
        assert!(top[0] > 200 && top[2] < 60, "top {top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 60, "bottom {bottom:?}");
    }

    #[test]
    fn shrinks_to_max_side_keeping_the_aspect_ratio() {
        let limits = PhotoLimits::default();
        let wide = png_of(&DynamicImage::ImageRgb8(solid(3200, 1000, [10, 200, 10])));
        let photo = process(&wide, &limits).unwrap();
        assert_eq!((photo.width, photo.height), (1600, 500));
        assert_eq!(decoded(&photo).dimensions(), (1600, 500));

        let tall = jpeg_of(&solid(999, 2001, [10, 10, 200]));
        let photo = process(&tall, &limits).unwrap();
        // 999 × 1600 / 2001 = 798.8
        assert_eq!((photo.width, photo.height), (799, 1600));

        let small = PhotoLimits {
            max_side: 10,
            ..PhotoLimits::default()
        };
        let sliver = jpeg_of(&solid(1000, 3, [10, 10, 200]));
        let photo = process(&sliver, &small).unwrap();
        assert_eq!((photo.width, photo.height), (10, 1));
    }

    #[test]
    fn never_scales_up() {
        let photo = process(
            &jpeg_of(&solid(300, 200, [1, 2, 3])),
            &PhotoLimits::default(),
        )
        .unwrap();
        assert_eq!((photo.width, photo.height), (300, 200));
        let exact = process(
            &jpeg_of(&solid(1600, 20, [1, 2, 3])),
            &PhotoLimits::default(),
        )
        .unwrap();
        assert_eq!((exact.width, exact.height), (1600, 20));
    }

    #[test]
    fn puts_transparency_on_white() {
        let mut rgba = RgbaImage::from_pixel(32, 32, Rgba([0, 0, 0, 0]));
        for x in 0..16 {
            for y in 0..32 {
                rgba.put_pixel(x, y, Rgba([0, 0, 255, 255]));
            }
        }
        let photo = process(
            &png_of(&DynamicImage::ImageRgba8(rgba)),
            &PhotoLimits::default(),
        )
        .unwrap();
        let out = decoded(&photo).into_rgb8();
        assert!(out.get_pixel(28, 16).0.iter().all(|&c| c > 245));
        let blue = out.get_pixel(4, 16).0;
        assert!(blue[2] > 230 && blue[0] < 30, "{blue:?}");
    }

    #[test]
    fn grey_and_sixteen_bit_pngs_come_out_as_rgb() {
        let grey =
            DynamicImage::ImageLuma8(image::GrayImage::from_pixel(20, 10, image::Luma([90])));
        let deep = DynamicImage::ImageRgb16(image::ImageBuffer::from_pixel(
            20,
            10,
            Rgb([65_535u16, 0, 0]),
        ));
        for image in [grey, deep] {
            let photo = process(&png_of(&image), &PhotoLimits::default()).unwrap();
            assert_eq!(decoded(&photo).color(), image::ColorType::Rgb8);
        }
    }

    #[test]
    fn hash_is_blake2s_of_the_output_and_stable() {
        let upload = jpeg_of(&solid(50, 50, [9, 99, 199]));
        let photo = process(&upload, &PhotoLimits::default()).unwrap();
        assert_eq!(photo.hash.len(), 64);
        assert!(photo
            .hash
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        assert_eq!(photo.hash, hex(&Blake2s256::digest(&photo.jpeg)));
        assert_eq!(
            process(&upload, &PhotoLimits::default()).unwrap().hash,
            photo.hash
        );
        let other = process(
            &jpeg_of(&solid(50, 50, [9, 99, 0])),
            &PhotoLimits::default(),
        );
        assert_ne!(other.unwrap().hash, photo.hash);
    }

    #[test]
    fn messages_are_plain_english() {
        assert_eq!(
            PhotoError::NotAnImage.to_string(),
            "the file is not a JPEG, PNG or WebP image"
        );
        assert_eq!(
            PhotoError::UnsupportedFormat("HEIC").to_string(),
            "the file is a HEIC image; please upload a JPEG, PNG or WebP photo"
        );
        assert_eq!(
            PhotoError::TooManyPixels {
                width: 60_000,
                height: 60_000
            }
            .to_string(),
            "the photo has too many pixels (60000 × 60000)"
        );
    }

    /// `cargo test --release -p server --lib photo::tests::time_a_12_megapixel_photo -- --ignored
    /// --nocapture`
    #[test]
    #[ignore = "a timing, not a check; run it in release mode"]
    fn time_a_12_megapixel_photo() {
        // Gradients with noise, so the JPEG is about as heavy to decode as a real photo's.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let image = RgbImage::from_fn(4000, 3000, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed % 24) as u32;
            Rgb([
                ((x / 16 + noise) % 256) as u8,
                ((y / 12 + noise) % 256) as u8,
                (((x + y) / 28 + noise) % 256) as u8,
            ])
        });
        let upload = jpeg_of(&image);
        let runs = 5;
        let started = Instant::now();
        let mut photo = None;
        for _ in 0..runs {
            photo = Some(process(&upload, &PhotoLimits::default()).unwrap());
        }
        let photo = photo.unwrap();
        eprintln!(
            "4000×3000 JPEG of {} KB → {}×{} JPEG of {} KB in {:?} per photo",
            upload.len() / 1024,
            photo.width,
            photo.height,
            photo.jpeg.len() / 1024,
            started.elapsed() / runs
        );
    }
}
