//! QR codes on screen: a slip that did not print, the guide, notice and status links to take home.

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// `text` as a QR code, eight pixels a module with a quiet zone.
fn qr_image(text: &str) -> Image {
    // Long texts (a receipt shown instead of printed) use the lowest error correction, for the fewest modules.
    let level = if text.len() > 200 {
        qrcode::EcLevel::L
    } else {
        qrcode::EcLevel::M
    };
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), level) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4usize;
    // About 400 pixels across whatever the content, so the view can show it at its size without blurring.
    let scale = (400 / (modules + 2 * quiet)).max(2);
    let side = (modules + 2 * quiet) * scale;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let pixels = buffer.make_mut_slice();
    for (i, pixel) in pixels.iter_mut().enumerate() {
        let (x, y) = (i % side / scale, i / side / scale);
        let dark = x >= quiet
            && y >= quiet
            && x - quiet < modules
            && y - quiet < modules
            && colors[(y - quiet) * modules + (x - quiet)] == qrcode::Color::Dark;
        let v = if dark { 0 } else { 255 };
        *pixel = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

/// The QR code of a slip that did not print, made once for its text.
#[derive(Default)]
pub struct QrCache {
    shown: Option<(String, Image)>,
}

impl QrCache {
    /// The image for `text`, or none.
    pub fn image(&mut self, text: Option<&str>) -> Image {
        match text {
            None => {
                self.shown = None;
                Image::default()
            }
            Some(text) => match &self.shown {
                Some((shown, image)) if shown == text => image.clone(),
                _ => {
                    let image = qr_image(text);
                    self.shown = Some((text.to_string(), image.clone()));
                    image
                }
            },
        }
    }
}
