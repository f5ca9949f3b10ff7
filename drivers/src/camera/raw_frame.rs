//! Uncompressed camera frames turned into RGB: YUYV 4:2:2 (what most UVC cameras, and the kernel's `vivid` test
//! camera, offer when MJPEG is missing or below their highest resolution) and packed RGB24.

use super::CameraError;

/// The layouts the kiosk reads besides JPEG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawFormat {
    /// Y0 U Y1 V for each pair of pixels, BT.601 limited range.
    Yuyv,
    /// R G B for each pixel.
    Rgb24,
}

/// One frame's geometry as the driver negotiated it: rows may be padded (`stride` ≥ width × bytes a pixel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawLayout {
    pub format: RawFormat,
    pub width: u32,
    pub height: u32,
    pub stride: u32,
}

impl RawLayout {
    fn bytes_per_pixel(&self) -> u32 {
        match self.format {
            RawFormat::Yuyv => 2,
            RawFormat::Rgb24 => 3,
        }
    }

    /// The frame as an RGB image; a buffer shorter than the geometry says is an error, never a panic.
    pub fn decode(&self, data: &[u8]) -> Result<image::RgbImage, CameraError> {
        let row_bytes = self.width as usize * self.bytes_per_pixel() as usize;
        let stride = (self.stride as usize).max(row_bytes);
        let needed = stride * (self.height as usize).saturating_sub(1) + row_bytes;
        if self.width == 0 || self.height == 0 || data.len() < needed {
            return Err(CameraError::Decode(format!(
                "{:?} frame {}x{} (stride {stride}) needs {needed} bytes, got {}",
                self.format,
                self.width,
                self.height,
                data.len()
            )));
        }
        let mut rgb = Vec::with_capacity(self.width as usize * self.height as usize * 3);
        for row in data.chunks(stride).take(self.height as usize) {
            let row = &row[..row_bytes];
            match self.format {
                RawFormat::Rgb24 => rgb.extend_from_slice(row),
                RawFormat::Yuyv => {
                    for quad in row.chunks(4) {
                        let (u, v) = (quad.get(1).copied(), quad.get(3).copied());
                        let (u, v) = (u.unwrap_or(128), v.unwrap_or(128));
                        rgb.extend_from_slice(&yuv_to_rgb(quad[0], u, v));
                        if let Some(&y1) = quad.get(2) {
                            rgb.extend_from_slice(&yuv_to_rgb(y1, u, v));
                        }
                    }
                }
            }
        }
        image::RgbImage::from_raw(self.width, self.height, rgb)
            .ok_or_else(|| CameraError::Decode("frame size".into()))
    }
}

/// BT.601 limited range (16–235 luma) in integer arithmetic, as cameras encode it.
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = (y as i32 - 16) * 298;
    let d = u as i32 - 128;
    let e = v as i32 - 128;
    let clamp = |x: i32| ((x + 128) >> 8).clamp(0, 255) as u8;
    [
        clamp(c + 409 * e),
        clamp(c - 100 * d - 208 * e),
        clamp(c + 516 * d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuyv(width: u32, height: u32, stride: u32) -> RawLayout {
        RawLayout {
            format: RawFormat::Yuyv,
            width,
            height,
            stride,
        }
    }

    #[test]
    fn yuyv_white_black_and_colours_come_out_right() {
        // Two pixel pairs: white/black with neutral chroma, then pure red (BT.601: Y 81, U 90, V 240).
        let frame = [235, 128, 16, 128, 81, 90, 81, 240];
        let image = yuyv(4, 1, 8).decode(&frame).unwrap();
        assert_eq!(image.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(image.get_pixel(1, 0).0, [0, 0, 0]);
        let red = image.get_pixel(2, 0).0;
        assert!(
            red[0] > 250 && red[1] < 5 && red[2] < 5,
            "red came out as {red:?}"
        );
    }

    #[test]
    fn padded_rows_are_skipped() {
        // 2×2 pixels, each row padded to 8 bytes with garbage that must not show.
        let frame = [235, 128, 235, 128, 9, 9, 9, 9, 16, 128, 16, 128, 9, 9, 9, 9];
        let image = yuyv(2, 2, 8).decode(&frame).unwrap();
        assert_eq!(image.get_pixel(1, 0).0, [255, 255, 255]);
        assert_eq!(image.get_pixel(0, 1).0, [0, 0, 0]);
    }

    #[test]
    fn rgb24_rows_are_copied_without_their_padding() {
        let frame = [1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0];
        let layout = RawLayout {
            format: RawFormat::Rgb24,
            width: 2,
            height: 2,
            stride: 8,
        };
        let image = layout.decode(&frame).unwrap();
        assert_eq!(
            image.into_raw(),
            vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        );
    }

    #[test]
    fn a_short_buffer_is_an_error_not_a_panic() {
        assert!(matches!(
            yuyv(640, 480, 1280).decode(&[0; 1000]),
            Err(CameraError::Decode(_))
        ));
        assert!(yuyv(0, 0, 0).decode(&[]).is_err());
    }
}
