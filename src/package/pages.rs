//! Pages as the back office wants them: upright, at about 200 dpi for A4, each under 500 KB.

use image::{DynamicImage, ImageDecoder, RgbImage};

/// A4's long side at 200 dpi (297 mm = 11.69 in).
pub const MAX_LONG_SIDE: u32 = 2339;
pub const MAX_BYTES: usize = 500 * 1024;
/// A page's long side is never decoded below this when the camera gives more: A4 at about 170 dpi, where the small
/// print of a licence still reads. A 13-megapixel page (4208 × 3120) is decoded at half size, 2104 × 1560, so its
/// 39 MB whole picture never exists; a 5-megapixel one (2592 × 1944) is decoded whole and scaled to 2339.
pub const MIN_DECODED_LONG_SIDE: u32 = 2000;

/// A page that could not be read or made ready for the back office. The Display is technical English; the app
/// words it for people by [`PageError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("the captured picture cannot be decoded: {0}")]
    Decode(String),
    #[error("the page cannot be compressed: {0}")]
    Encode(String),
}

/// What went wrong with a page, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageErrorKind {
    Decode,
    Encode,
}

impl PageError {
    pub fn kind(&self) -> PageErrorKind {
        match self {
            PageError::Decode(_) => PageErrorKind::Decode,
            PageError::Encode(_) => PageErrorKind::Encode,
        }
    }
}

/// A captured page made ready in one pass: the page as the back office wants it, and what the capture screen
/// shows of it.
pub struct Prepared {
    pub jpeg: Vec<u8>,
    pub thumbnail: RgbImage,
    pub warnings: Vec<super::quality::Warning>,
}

/// Decodes a camera JPEG once, upright: the normalised page ([`normalise`]), its thumbnail and its quality
/// warnings. Run when the page is captured, so that 提交申请 only seals pages that are ready.
pub fn prepare(jpeg: &[u8]) -> Result<Prepared, PageError> {
    let image = decode_upright(jpeg)?;
    let assessed = super::quality::assess_image(&image);
    let jpeg = compress(fit(image, MAX_LONG_SIDE))?;
    Ok(Prepared {
        jpeg,
        thumbnail: assessed.thumbnail,
        warnings: assessed.warnings,
    })
}

/// A camera JPEG decoded at the smallest scale that keeps [`MIN_DECODED_LONG_SIDE`], turned upright by its EXIF
/// orientation.
fn decode_upright(jpeg: &[u8]) -> Result<RgbImage, PageError> {
    let scaled = drivers::camera::decode_scaled(jpeg, MIN_DECODED_LONG_SIDE)
        .map_err(|e| PageError::Decode(e.to_string()))?;
    if scaled.orientation == image::metadata::Orientation::NoTransforms {
        return Ok(scaled.image);
    }
    let mut upright = DynamicImage::ImageRgb8(scaled.image);
    upright.apply_orientation(scaled.orientation);
    Ok(upright.into_rgb8())
}

/// Whether `jpeg` is already a page as the back office wants it (as [`prepare`] made it): within the size and
/// the bytes, upright, and carrying no EXIF (a camera's metadata is never passed on). Reads the headers only.
fn already_normal(jpeg: &[u8]) -> bool {
    if jpeg.len() > MAX_BYTES {
        return false;
    }
    let Ok(mut decoder) = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg)) else {
        return false;
    };
    let (w, h) = decoder.dimensions();
    w.max(h) <= MAX_LONG_SIDE
        && decoder.exif_metadata().is_ok_and(|exif| exif.is_none())
        && decoder
            .orientation()
            .is_ok_and(|o| o == image::metadata::Orientation::NoTransforms)
}

/// Decodes a camera JPEG, turns it upright by its EXIF orientation, scales it to at most A4 at 200 dpi and
/// re-encodes it under 500 KB (lowering the quality, then the size, as far as needed). A page that is already so
/// (prepared when it was captured) is taken as it is.
pub fn normalise(jpeg: &[u8]) -> Result<Vec<u8>, PageError> {
    if already_normal(jpeg) {
        return Ok(jpeg.to_vec());
    }
    compress(fit(decode_upright(jpeg)?, MAX_LONG_SIDE))
}

/// Encodes under [`MAX_BYTES`]: lower quality first, then a smaller picture.
fn compress(mut image: RgbImage) -> Result<Vec<u8>, PageError> {
    loop {
        for quality in [85, 75, 65, 55] {
            let bytes = encode(&image, quality)?;
            if bytes.len() <= MAX_BYTES {
                return Ok(bytes);
            }
        }
        // Still too big (a very busy page): a smaller picture keeps it readable better than a blockier one.
        let long = image.width().max(image.height());
        image = fit(image, long * 4 / 5);
    }
}

/// Normalises many pages at once, one worker per core: a 13-megapixel page takes a core for a noticeable time,
/// and the applicant waits for the whole package. Results come back in the order of `pages`.
pub fn normalise_all(pages: &[&[u8]]) -> Vec<Result<Vec<u8>, PageError>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(pages.len());
    if workers <= 1 {
        return pages.iter().map(|p| normalise(p)).collect();
    }
    let next = AtomicUsize::new(0);
    type Slot = Option<Result<Vec<u8>, PageError>>;
    let results: Mutex<Vec<Slot>> = Mutex::new((0..pages.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(page) = pages.get(i) else { break };
                let result = normalise(page);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(PageError::Encode("page not processed".into()))))
        .collect()
}

fn fit(image: RgbImage, long_side: u32) -> RgbImage {
    let long = image.width().max(image.height());
    if long <= long_side {
        return image;
    }
    let scale = f64::from(long_side) / f64::from(long);
    let w = ((f64::from(image.width()) * scale).round() as u32).max(1);
    let h = ((f64::from(image.height()) * scale).round() as u32).max(1);
    // Area averaging on 8-bit pixels: as sharp as a triangle filter for text shrunk this little, without the
    // filter's floating-point copy of the page (some 70 MB for a 5-megapixel photo).
    drivers::camera::shrink(&image, w, h)
}

fn encode(image: &RgbImage, quality: u8) -> Result<Vec<u8>, PageError> {
    drivers::camera::encode_jpeg(image, quality).map_err(|e| PageError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use drivers::camera::{DocumentCamera, SimCamera};

    fn dims(jpeg: &[u8]) -> (u32, u32) {
        let image = image::load_from_memory(jpeg).unwrap();
        (image.width(), image.height())
    }

    /// Captured pages are made ready once: the page the package takes, with its thumbnail and warnings; building
    /// the package then takes it as it is, while a camera's own picture (with its EXIF) is always redone.
    #[test]
    fn a_page_prepared_at_capture_is_taken_as_it_is() {
        let camera = SimCamera::new(2592, 1944).capture().unwrap();
        let prepared = prepare(&camera).unwrap();
        assert!(prepared.jpeg.len() <= MAX_BYTES);
        assert_eq!(dims(&prepared.jpeg), (2339, 1754));
        assert_eq!(prepared.thumbnail.width(), super::super::quality::THUMBNAIL);
        assert!(prepared.warnings.is_empty(), "{:?}", prepared.warnings);
        assert_eq!(
            normalise(&prepared.jpeg).unwrap(),
            prepared.jpeg,
            "not decoded and encoded again"
        );
        // Small enough, but carrying a camera's metadata: redone, and the metadata is gone.
        let small = encode(
            &RgbImage::from_pixel(400, 200, image::Rgb([200, 200, 200])),
            90,
        )
        .unwrap();
        let tagged = with_orientation(&small, 1);
        let redone = normalise(&tagged).unwrap();
        assert_ne!(redone, tagged);
        assert!(!redone.windows(4).any(|w| w == b"Exif"));
        // Turned by its EXIF: prepared upright.
        assert_eq!(
            dims(&prepare(&with_orientation(&small, 6)).unwrap().jpeg),
            (200, 400)
        );
    }

    #[test]
    fn a_13_megapixel_page_is_decoded_at_half_size_never_whole() {
        let page = SimCamera::new(4208, 3120).capture().unwrap();
        let prepared = prepare(&page).unwrap();
        assert!(prepared.jpeg.len() <= MAX_BYTES);
        assert_eq!(
            dims(&prepared.jpeg),
            (2104, 1560),
            "the JPEG's own half-size decoding"
        );
        assert!(prepared.warnings.is_empty(), "a sharp page stays sharp");
    }

    #[test]
    fn a_5_megapixel_page_is_scaled_and_kept_small() {
        let page = SimCamera::new(2592, 1944).capture().unwrap();
        let normal = normalise(&page).unwrap();
        assert!(normal.len() <= MAX_BYTES, "{} bytes", normal.len());
        assert_eq!(dims(&normal), (2339, 1754));
    }

    #[test]
    fn noise_that_does_not_compress_still_fits() {
        // Random pixels are the worst case for JPEG.
        let mut seed = 1u32;
        let noisy = RgbImage::from_fn(3000, 2000, |_, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            image::Rgb([(seed >> 24) as u8, (seed >> 16) as u8, (seed >> 8) as u8])
        });
        let normal = normalise(&encode(&noisy, 95).unwrap()).unwrap();
        assert!(normal.len() <= MAX_BYTES, "{} bytes", normal.len());
    }

    /// A JPEG with an EXIF orientation tag, as a phone-like camera writes it.
    fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        tiff.extend_from_slice(&[
            0x01,
            0x12,
            0x00,
            0x03,
            0,
            0,
            0,
            1,
            0,
            orientation,
            0,
            0,
            0,
            0,
            0,
            0,
        ]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_is_applied() {
        let landscape = encode(&RgbImage::new(400, 200), 90).unwrap();
        assert_eq!(dims(&normalise(&landscape).unwrap()), (400, 200));
        // 6: the camera was turned; the page must come out upright (portrait).
        assert_eq!(
            dims(&normalise(&with_orientation(&landscape, 6)).unwrap()),
            (200, 400)
        );
    }

    #[test]
    fn many_pages_come_back_in_order_with_their_own_errors() {
        let sizes = [(400, 200), (300, 600), (100, 100), (640, 480)];
        let jpegs: Vec<Vec<u8>> = sizes
            .iter()
            .map(|&(w, h)| encode(&RgbImage::new(w, h), 90).unwrap())
            .collect();
        let mut pages: Vec<&[u8]> = jpegs.iter().map(Vec::as_slice).collect();
        pages.insert(2, b"broken");
        let results = normalise_all(&pages);
        assert_eq!(results.len(), 5);
        assert!(matches!(results[2], Err(PageError::Decode(_))));
        let out: Vec<(u32, u32)> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|j| dims(j))
            .collect();
        assert_eq!(out, sizes);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            normalise(b"not a jpeg"),
            Err(PageError::Decode(_))
        ));
    }
}
