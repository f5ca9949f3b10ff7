//! The pixel the terminal's screen scans out: XRGB8888 in a DRM dumb buffer. `ui-bench` renders into the same
//! type, so its times are the terminal's.
//!
//! Most of a text-heavy repaint is glyph coverage blended pixel by pixel, and most of a glyph's box is either
//! empty or solid ink. A blend with nothing in it leaves the pixel as it is and a blend of solid ink replaces it,
//! so those two cases return at once; every other blend goes through premultiplied RGBA and back as Slint's own
//! does. Every colour the renderer hands over is premultiplied (no coverage, no colour), and for those the result
//! is the same pixel in every case (`tests` compares all 256 coverages against the full blend); only the work
//! differs. On a dumb buffer mapped write-combined, skipping the read of an untouched pixel saves
//! more than the arithmetic.

use slint::platform::software_renderer::{PremultipliedRgbaColor, TargetPixel};

#[repr(transparent)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Xrgb8888(pub u32);

impl From<Xrgb8888> for PremultipliedRgbaColor {
    fn from(pixel: Xrgb8888) -> Self {
        let v = pixel.0;
        PremultipliedRgbaColor {
            red: (v >> 16) as u8,
            green: (v >> 8) as u8,
            blue: v as u8,
            alpha: (v >> 24) as u8,
        }
    }
}

impl From<PremultipliedRgbaColor> for Xrgb8888 {
    fn from(c: PremultipliedRgbaColor) -> Self {
        Xrgb8888(
            (c.alpha as u32) << 24 | (c.red as u32) << 16 | (c.green as u32) << 8 | c.blue as u32,
        )
    }
}

/// The blend Slint's own 32-bit pixels do: through premultiplied RGBA and back.
fn blend_through_rgba(pixel: &mut Xrgb8888, color: PremultipliedRgbaColor) {
    let mut below = PremultipliedRgbaColor::from(*pixel);
    below.blend(color);
    *pixel = below.into();
}

impl TargetPixel for Xrgb8888 {
    #[inline]
    fn blend(&mut self, color: PremultipliedRgbaColor) {
        match color.alpha {
            // Premultiplied, no coverage means no colour either: the blend would keep every channel. Testing the
            // alpha alone lets the compiler skip computing the colour of an empty glyph pixel altogether.
            0 => {}
            // Opaque: the blend keeps nothing of what was below and ends opaque.
            u8::MAX => *self = Xrgb8888::from(color),
            _ => blend_through_rgba(self, color),
        }
    }

    fn from_rgb(r: u8, g: u8, b: u8) -> Self {
        Xrgb8888(0xff00_0000 | (r as u32) << 16 | (g as u32) << 8 | b as u32)
    }

    fn background() -> Self {
        Xrgb8888(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_land_in_the_bytes_the_screen_scans_out() {
        assert_eq!(Xrgb8888::from_rgb(0x12, 0x34, 0x56), Xrgb8888(0xff12_3456));
        let mut pixel = Xrgb8888::from_rgb(255, 255, 255);
        // Half-transparent black over white: mid grey, still opaque.
        pixel.blend(PremultipliedRgbaColor {
            red: 0,
            green: 0,
            blue: 0,
            alpha: 128,
        });
        assert_eq!(pixel, Xrgb8888(0xff7f_7f7f));
    }

    /// Ink as the renderer hands a glyph's pixel over: the text colour scaled by the coverage.
    fn ink(red: u8, green: u8, blue: u8, coverage: u8) -> PremultipliedRgbaColor {
        let scale = |c: u8| (c as u16 * coverage as u16 / 255) as u8;
        PremultipliedRgbaColor {
            red: scale(red),
            green: scale(green),
            blue: scale(blue),
            alpha: coverage,
        }
    }

    #[test]
    fn every_coverage_of_ink_blends_to_the_pixel_the_full_blend_gives() {
        let below = [
            Xrgb8888::from_rgb(255, 255, 255),
            Xrgb8888::from_rgb(0xf4, 0xf6, 0xf9),
            Xrgb8888::from_rgb(0x1d, 0x4e, 0xd8),
            Xrgb8888::background(),
        ];
        let inks = [
            (0x11, 0x18, 0x27),
            (255, 255, 255),
            (0xb9, 0x1c, 0x1c),
            (0, 0, 0),
        ];
        for pixel in below {
            for (r, g, b) in inks {
                for coverage in 0..=255u8 {
                    let color = ink(r, g, b, coverage);
                    let mut fast = pixel;
                    fast.blend(color);
                    let mut full = pixel;
                    blend_through_rgba(&mut full, color);
                    assert_eq!(fast, full, "{pixel:?} under {color:?}");
                }
            }
        }
    }
}
