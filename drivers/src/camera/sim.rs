//! A simulated document camera: an A4 page lying on a dark desk, with a title, paragraphs, a table and a red
//! seal, at a 5-megapixel camera's resolution. Each capture is a new page number, so pages differ.

use image::{Rgb, RgbImage};

use super::{encode_jpeg, CameraError, DocumentCamera, Frame};

pub struct SimCamera {
    width: u32,
    height: u32,
    page: u32,
    /// The current scene and its preview, made once per page (the preview is asked for many times a second).
    scene: Option<RgbImage>,
    preview: Option<Frame>,
}

impl Default for SimCamera {
    /// A 2592×1944 (5 MP) camera, as document cameras usually are.
    fn default() -> Self {
        SimCamera::new(2592, 1944)
    }
}

impl SimCamera {
    pub fn new(width: u32, height: u32) -> SimCamera {
        SimCamera {
            width,
            height,
            page: 1,
            scene: None,
            preview: None,
        }
    }

    fn scene(&mut self) -> &RgbImage {
        let (width, height, page) = (self.width, self.height, self.page);
        self.scene
            .get_or_insert_with(|| render_page(width, height, page))
    }
}

impl DocumentCamera for SimCamera {
    fn preview(&mut self, max_width: u32, max_height: u32) -> Result<Frame, CameraError> {
        let fits = self.preview.as_ref().is_some_and(|p| {
            (p.width, p.height) == super::fit(self.width, self.height, max_width, max_height)
        });
        if !fits {
            let frame = Frame::from_image(self.scene(), max_width, max_height);
            self.preview = Some(frame);
        }
        Ok(self.preview.clone().unwrap_or(Frame {
            width: 0,
            height: 0,
            rgb: Vec::new(),
        }))
    }

    fn capture(&mut self) -> Result<Vec<u8>, CameraError> {
        let jpeg = encode_jpeg(self.scene(), 85)?;
        // The applicant turns to the next page.
        self.page += 1;
        self.scene = None;
        self.preview = None;
        Ok(jpeg)
    }
}

/// A small deterministic generator, so every run shows the same pages.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % u64::from(below.max(1))) as u32
    }
}

fn fill(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, color: Rgb<u8>) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, color);
        }
    }
}

/// Renders page `page` as the camera would see it.
fn render_page(width: u32, height: u32, page: u32) -> RgbImage {
    // The desk: dark, with a soft light falling from the top.
    let mut img = RgbImage::from_fn(width, height, |_, y| {
        let shade = 60 - (y * 20 / height.max(1)) as u8;
        Rgb([shade, shade + 4, shade + 10])
    });
    // An A4 sheet (1 : 1.414) filling most of the frame's height, with a shadow.
    let page_h = height * 92 / 100;
    let page_w = page_h * 1000 / 1414;
    let (px, py) = ((width - page_w) / 2, (height - page_h) / 2);
    fill(
        &mut img,
        px + 12,
        py + 12,
        page_w,
        page_h,
        Rgb([30, 30, 34]),
    );
    fill(&mut img, px, py, page_w, page_h, Rgb([246, 245, 240]));
    let margin = page_w / 10;
    let ink = Rgb([35, 35, 40]);
    let mut rng = Lcg(u64::from(page) * 7919);
    let line_h = (page_h / 70).max(2);
    // A line of Chinese text: square characters with the odd punctuation gap.
    let text_line = |img: &mut RgbImage, rng: &mut Lcg, x: u32, y: u32, w: u32, size: u32| {
        let mut cx = x;
        while cx + size <= x + w {
            if rng.next(12) != 0 {
                fill(img, cx, y, size * 4 / 5, size * 4 / 5, ink);
            }
            cx += size;
        }
    };
    // Title, in larger characters.
    let title_w = page_w / 3 + rng.next(page_w / 5);
    text_line(
        &mut img,
        &mut rng,
        px + (page_w - title_w) / 2,
        py + margin,
        title_w,
        line_h * 2,
    );
    // Paragraphs.
    let mut y = py + margin + line_h * 5;
    let text_w = page_w - 2 * margin;
    for _ in 0..3 {
        let lines = 3 + rng.next(4);
        for l in 0..lines {
            let indent = if l == 0 { line_h * 2 } else { 0 };
            let w = if l + 1 == lines {
                text_w / 3 + rng.next(text_w / 2)
            } else {
                text_w - indent
            };
            text_line(&mut img, &mut rng, px + margin + indent, y, w, line_h);
            y += line_h * 9 / 5;
        }
        y += line_h;
    }
    // A table with a header row, kept inside the page.
    let rows = 5;
    let row_h = line_h * 2;
    let table_w = text_w;
    let bottom = py + page_h - margin;
    let rows = rows.min(bottom.saturating_sub(y) / row_h.max(1)).max(1);
    for r in 0..=rows {
        fill(&mut img, px + margin, y + r * row_h, table_w, 2, ink);
    }
    for c in 0..=3 {
        fill(
            &mut img,
            px + margin + c * (table_w - 2) / 3,
            y,
            2,
            rows * row_h,
            ink,
        );
    }
    for r in 0..rows {
        for c in 0..3 {
            let cell_x = px + margin + c * (table_w - 2) / 3 + line_h / 2;
            let w = (table_w / 3 - line_h) / 2 + rng.next(table_w / 8);
            text_line(
                &mut img,
                &mut rng,
                cell_x,
                y + r * row_h + line_h / 2,
                w,
                line_h,
            );
        }
    }
    // A red seal near the bottom right: a ring.
    let (cx, cy) = (
        (px + page_w - margin * 2) as i64,
        (py + page_h - margin * 2) as i64,
    );
    let r = i64::from(margin) * 8 / 10;
    for yy in (cy - r)..=(cy + r) {
        for xx in (cx - r)..=(cx + r) {
            let d2 = (xx - cx).pow(2) + (yy - cy).pow(2);
            if d2 <= r * r && d2 >= (r - r / 8).pow(2) && xx >= 0 && yy >= 0 {
                if let Some(p) = img.get_pixel_mut_checked(xx as u32, yy as u32) {
                    *p = Rgb([200, 30, 30]);
                }
            }
        }
    }
    // The page number, as a row of marks at the bottom.
    for i in 0..page.min(20) {
        fill(
            &mut img,
            px + margin + i * line_h * 2,
            py + page_h - margin / 2,
            line_h,
            line_h,
            ink,
        );
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_jpegs_that_differ() {
        let mut camera = SimCamera::new(800, 600);
        let first = camera.capture().unwrap();
        let second = camera.capture().unwrap();
        assert_eq!(&first[..2], &[0xFF, 0xD8], "JPEG start of image");
        assert_ne!(first, second);
        let decoded = super::super::decode_jpeg(&first).unwrap();
        assert_eq!(decoded.dimensions(), (800, 600));
        // The page is bright in the middle and the desk dark at the edge.
        assert!(decoded.get_pixel(400, 300)[0] > 150 || decoded.get_pixel(400, 310)[0] > 150);
        assert!(decoded.get_pixel(5, 5)[0] < 90);
    }

    #[test]
    fn preview_fits_the_screen() {
        let mut camera = SimCamera::new(2592, 1944);
        let frame = camera.preview(960, 960).unwrap();
        assert_eq!((frame.width, frame.height), (960, 720));
        assert_eq!(frame.rgb.len(), 960 * 720 * 3);
    }
}
