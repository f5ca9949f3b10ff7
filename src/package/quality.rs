//! A first look at a captured page: a thumbnail for the screen, and warnings for a page that is too dark, blurred
//! or cut off. Simple measures on a small greyscale copy; they warn, they never refuse a page.

use image::{GrayImage, RgbImage};

use super::pages::PageError;

/// What may be wrong with a page, in the applicant's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Warning {
    Dark,
    Blurred,
    CutOff,
}

impl Warning {
    pub fn text(self) -> &'static str {
        match self {
            Warning::Dark => "照片偏暗，请打开台灯或把材料放正后重拍",
            Warning::Blurred => "照片可能模糊，请把材料放平、不要移动后重拍",
            Warning::CutOff => "材料可能超出了拍摄区域，请把整页放在框内重拍",
        }
    }
}

pub struct Assessment {
    pub thumbnail: RgbImage,
    pub warnings: Vec<Warning>,
}

/// The long side of the thumbnail shown on screen.
pub const THUMBNAIL: u32 = 240;
/// The side of the greyscale copy measured.
const MEASURE: u32 = 480;

pub fn assess(jpeg: &[u8]) -> Result<Assessment, PageError> {
    let image = image::load_from_memory(jpeg).map_err(|e| PageError::Decode(e.to_string()))?;
    Ok(assess_image(&image.into_rgb8()))
}

/// [`assess`] of a page already decoded (the capture's one pass over it).
pub fn assess_image(image: &RgbImage) -> Assessment {
    // Area averaging keeps memory to the output's size, however large the photo.
    let fit = |long: u32| {
        let (w, h) = drivers::camera::fit(image.width(), image.height(), long, long);
        drivers::camera::shrink(image, w.max(1), h.max(1))
    };
    let thumbnail = fit(THUMBNAIL);
    let grey = image::DynamicImage::ImageRgb8(fit(MEASURE)).into_luma8();
    Assessment {
        thumbnail,
        warnings: warnings(&grey),
    }
}

fn warnings(grey: &GrayImage) -> Vec<Warning> {
    let mut out = Vec::new();
    let n = (grey.width() * grey.height()).max(1) as f64;
    let mean = grey.pixels().map(|p| f64::from(p[0])).sum::<f64>() / n;
    if mean < 70.0 {
        out.push(Warning::Dark);
    }
    // Variance of the Laplacian: a sharp page of text has many strong edges.
    let (w, h) = grey.dimensions();
    let at = |x: u32, y: u32| f64::from(grey.get_pixel(x, y)[0]);
    let mut sum = 0.0;
    let mut sum_sq = 0.0;
    let mut count = 0.0;
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let l = 4.0 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
            sum += l;
            sum_sq += l * l;
            count += 1.0;
        }
    }
    if count > 0.0 {
        let variance = sum_sq / count - (sum / count).powi(2);
        if variance < 15.0 && mean >= 70.0 {
            out.push(Warning::Blurred);
        }
    }
    // Cut off: the page lies on a darker desk, so paper reaching some edges of the frame (but not all, which is a
    // page cropped by the camera itself) means part of it is outside.
    let paper_at = |pixels: &mut dyn Iterator<Item = (u32, u32)>| {
        let (mut paper, mut total) = (0u32, 0u32);
        for (x, y) in pixels {
            total += 1;
            if at(x, y) > 160.0 {
                paper += 1;
            }
        }
        total > 0 && paper * 4 > total
    };
    let edges = [
        paper_at(&mut (0..w).map(|x| (x, 0))),
        paper_at(&mut (0..w).map(|x| (x, h - 1))),
        paper_at(&mut (0..h).map(|y| (0, y))),
        paper_at(&mut (0..h).map(|y| (w - 1, y))),
    ];
    let touching = edges.iter().filter(|e| **e).count();
    let cut = touching > 0 && touching < 4;
    if cut && mean >= 70.0 {
        out.push(Warning::CutOff);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use drivers::camera::{DocumentCamera, SimCamera};

    fn jpeg(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(image)
            .unwrap();
        out
    }

    #[test]
    fn a_good_page_passes_and_bad_ones_are_named() {
        let good = SimCamera::new(1296, 972).capture().unwrap();
        let assessed = assess(&good).unwrap();
        assert!(assessed.warnings.is_empty(), "{:?}", assessed.warnings);
        assert_eq!(
            assessed.thumbnail.width().max(assessed.thumbnail.height()),
            THUMBNAIL
        );

        let dark = RgbImage::from_pixel(800, 600, image::Rgb([20, 20, 20]));
        assert_eq!(assess(&jpeg(&dark)).unwrap().warnings, vec![Warning::Dark]);

        let blank = RgbImage::from_pixel(800, 600, image::Rgb([230, 230, 230]));
        assert!(assess(&jpeg(&blank))
            .unwrap()
            .warnings
            .contains(&Warning::Blurred));

        // A page on a dark desk, slid off its left side.
        let mut cut = RgbImage::from_pixel(800, 600, image::Rgb([40, 40, 45]));
        for y in 60..540 {
            for x in 0..500 {
                let ink = (x / 6 + y / 6) % 5 == 0;
                cut.put_pixel(
                    x,
                    y,
                    image::Rgb(if ink { [30, 30, 30] } else { [245, 245, 240] }),
                );
            }
        }
        assert!(assess(&jpeg(&cut))
            .unwrap()
            .warnings
            .contains(&Warning::CutOff));
        assert!(assess(b"nope").is_err());
    }
}
