//! A camera JPEG decoded at reduced scale: the JPEG's own ½, ¼ and ⅛ inverse DCT give a smaller picture straight
//! from the compressed data, so a 13-megapixel page (39 MB decoded) never exists whole in memory when a smaller
//! one is all that is needed. `jpeg-decoder` does this; the `image` crate's decoder cannot.

use image::metadata::Orientation;
use image::RgbImage;
use jpeg_decoder::{Decoder, PixelFormat};

use super::CameraError;

/// A picture decoded by [`decode_scaled`], with the orientation its EXIF asks for (not yet applied).
pub struct Scaled {
    pub image: RgbImage,
    pub orientation: Orientation,
}

/// Decodes `jpeg` at the smallest of ⅛, ¼, ½ and whole scale whose long side is still at least `min_long_side`
/// (whole when none is). Reads every byte of the picture whatever the scale, so it also proves a frame complete.
pub fn decode_scaled(jpeg: &[u8], min_long_side: u32) -> Result<Scaled, CameraError> {
    let failed = |e: jpeg_decoder::Error| CameraError::Decode(e.to_string());
    let mut decoder = Decoder::new(jpeg);
    decoder.read_info().map_err(failed)?;
    let (width, height) = dimensions(&decoder)?;
    let long = width.max(height);
    if long > min_long_side {
        // The decoder picks the smallest scale at or above the size asked for.
        let at_least = |side: u32| {
            let scaled = u64::from(side) * u64::from(min_long_side.max(1));
            u16::try_from(scaled.div_ceil(u64::from(long))).unwrap_or(u16::MAX)
        };
        decoder
            .scale(at_least(width), at_least(height))
            .map_err(failed)?;
    }
    let pixels = decoder.decode().map_err(failed)?;
    let (width, height) = dimensions(&decoder)?;
    let format = decoder.info().map(|i| i.pixel_format);
    let image = match format {
        Some(PixelFormat::RGB24) => RgbImage::from_raw(width, height, pixels),
        Some(PixelFormat::L8) => RgbImage::from_raw(
            width,
            height,
            pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        ),
        // No camera writes these (a scanner's CMYK, 16-bit grey): decoded whole, as they always were.
        _ => return decode_whole(jpeg),
    }
    .ok_or_else(|| CameraError::Decode(format!("pixels do not fill {width} × {height}")))?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    Ok(Scaled { image, orientation })
}

fn dimensions(decoder: &Decoder<&[u8]>) -> Result<(u32, u32), CameraError> {
    let info = decoder
        .info()
        .ok_or_else(|| CameraError::Decode("no frame header".into()))?;
    Ok((u32::from(info.width), u32::from(info.height)))
}

/// The `image` crate's decoding, whole, for the pixel formats no other scale is offered for.
fn decode_whole(jpeg: &[u8]) -> Result<Scaled, CameraError> {
    use image::ImageDecoder;
    let failed = |e: image::ImageError| CameraError::Decode(e.to_string());
    let mut decoder =
        image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg)).map_err(failed)?;
    let orientation = decoder.orientation().map_err(failed)?;
    let image = image::DynamicImage::from_decoder(decoder).map_err(failed)?;
    Ok(Scaled {
        image: image.into_rgb8(),
        orientation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([
                (x % 256) as u8,
                (y % 256) as u8,
                ((x / 7 + y / 5) % 256) as u8,
            ])
        });
        super::super::encode_jpeg(&image, 85).expect("encodes")
    }

    #[test]
    fn the_smallest_scale_that_keeps_the_long_side_is_chosen() {
        let big = page(4208, 3120);
        let small = page(2592, 1944);
        for (jpeg, min_long_side, expected) in [
            (&big, 2000, (2104, 1560)),
            (&big, 960, (1052, 780)),
            (&big, 1, (526, 390)),
            (&big, 4208, (4208, 3120)),
            (&small, 2000, (2592, 1944)),
        ] {
            assert_eq!(
                decode_scaled(jpeg, min_long_side)
                    .unwrap()
                    .image
                    .dimensions(),
                expected,
                "long side at least {min_long_side}"
            );
        }
    }

    #[test]
    fn the_smaller_picture_is_the_page_not_noise() {
        // A black left half on white: where things are and how dark they are survives the scaled decoding.
        let image = RgbImage::from_fn(4208, 3120, |x, _| {
            image::Rgb(if x < 2104 { [0, 0, 0] } else { [255, 255, 255] })
        });
        let jpeg = super::super::encode_jpeg(&image, 85).expect("encodes");
        let decoded = decode_scaled(&jpeg, 2000).unwrap().image;
        assert!(decoded.get_pixel(500, 780)[0] < 30);
        assert!(decoded.get_pixel(1600, 780)[0] > 225);
    }

    #[test]
    fn garbage_and_a_truncated_frame_are_errors() {
        assert!(matches!(
            decode_scaled(b"not a jpeg", 1),
            Err(CameraError::Decode(_))
        ));
        let whole = page(640, 480);
        assert!(decode_scaled(&whole[..whole.len() / 2], 1).is_err());
    }
}
