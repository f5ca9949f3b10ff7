//! The pixel the terminal's screen takes: XRGB8888 in a DRM dumb buffer, which Slint's linuxkms backend fills with
//! its software renderer. That backend's pixel type is private, so this one does what it does: a blend goes
//! through premultiplied RGBA and back, a fill writes whole 32-bit words. `ui-bench` renders into it so that its
//! times are the terminal's, not those of a packed 24-bit buffer no terminal scans out.

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

impl TargetPixel for Xrgb8888 {
    fn blend(&mut self, color: PremultipliedRgbaColor) {
        let mut below = PremultipliedRgbaColor::from(*self);
        below.blend(color);
        *self = below.into();
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
}
