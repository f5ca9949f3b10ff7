//! A finger-drawn signature as a PNG: the strokes the pad recorded, drawn black on white at the pad's size.

use image::{GrayImage, Luma};

/// One stroke: the points the finger passed, in pad pixels.
pub type Stroke = Vec<(f32, f32)>;

/// The pen's radius in pixels.
const PEN: i32 = 2;

/// Whether the strokes make a signature at all (a tap or a dot is not one).
pub fn is_signature(strokes: &[Stroke]) -> bool {
    let length: f32 = strokes
        .iter()
        .flat_map(|s| s.windows(2))
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum();
    length >= 60.0
}

pub fn to_png(strokes: &[Stroke], width: u32, height: u32) -> Vec<u8> {
    let mut img = GrayImage::from_pixel(width.max(1), height.max(1), Luma([255]));
    let mut dot = |x: f32, y: f32| {
        for dy in -PEN..=PEN {
            for dx in -PEN..=PEN {
                if dx * dx + dy * dy > PEN * PEN {
                    continue;
                }
                let (px, py) = (x as i32 + dx, y as i32 + dy);
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    img.put_pixel(px as u32, py as u32, Luma([0]));
                }
            }
        }
    };
    for stroke in strokes {
        if let [only] = stroke.as_slice() {
            dot(only.0, only.1);
        }
        for w in stroke.windows(2) {
            let (a, b) = (w[0], w[1]);
            let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil() as usize).max(1);
            for i in 0..=steps {
                let t = i as f32 / steps as f32;
                dot(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            }
        }
    }
    let mut png = Vec::new();
    // Encoding a greyscale image into memory cannot fail.
    let _ = img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    png
}

/// The strokes as an SVG path, for the pad to show what was drawn.
pub fn to_path(strokes: &[Stroke]) -> String {
    let mut path = String::new();
    for stroke in strokes {
        for (i, (x, y)) in stroke.iter().enumerate() {
            path.push_str(&format!("{}{x:.0} {y:.0} ", if i == 0 { "M" } else { "L" }));
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_become_a_png_with_ink_where_the_finger_went() {
        let strokes = vec![vec![(10.0, 10.0), (110.0, 10.0)], vec![(50.0, 40.0)]];
        assert!(is_signature(&strokes));
        assert!(!is_signature(&[vec![(1.0, 1.0), (3.0, 3.0)]]));
        let png = to_png(&strokes, 200, 60);
        assert_eq!(&png[1..4], b"PNG");
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(img.dimensions(), (200, 60));
        assert_eq!(img.get_pixel(60, 10)[0], 0, "ink on the line");
        assert_eq!(img.get_pixel(50, 40)[0], 0, "the dot");
        assert_eq!(img.get_pixel(150, 50)[0], 255, "white elsewhere");
        assert_eq!(to_path(&strokes), "M10 10 L110 10 M50 40 ");
    }
}
