//! Whether a face camera's frame is worth sending for comparison: bright enough and not too bright, sharp, and
//! taken while the person holds still. Simple gates on a small grey copy of the oval where the face should be;
//! the platform decides whether it is a face at all (`unusable`).

/// The grey copy's size: enough to judge light, focus and movement, small enough to cost nothing.
const GREY_W: u32 = 64;
const GREY_H: u32 = 48;

/// Mean brightness (0–255) inside the oval the screen asks the face to fill.
const TOO_DARK: f32 = 60.0;
const TOO_BRIGHT: f32 = 210.0;
/// The variance of the Laplacian inside the oval below which the picture is blurred.
const BLURRED: f32 = 40.0;
/// Mean absolute change between two frames above which the person is moving.
const MOVING: f32 = 6.0;
/// Steady frames in a row before a picture is taken (at five frames a second, about half a second).
pub const STEADY_FRAMES: u32 = 3;

/// A frame's grey copy, kept to compare the next one with.
#[derive(Clone, PartialEq)]
pub struct Grey(Vec<u8>);

impl Drop for Grey {
    fn drop(&mut self) {
        // A face, however small: zeroed like the frames it came from.
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// What is wrong with a frame, in words for the applicant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    TooDark,
    TooBright,
    Blurred,
    Moving,
}

impl Problem {
    pub fn words(self) -> &'static str {
        match self {
            Problem::TooDark => "光线太暗，请靠近一些，正对屏幕",
            Problem::TooBright => "光线太亮，请避开身后的强光",
            Problem::Blurred => "画面不清楚，请稍微离远一点，保持不动",
            Problem::Moving => "请保持不动",
        }
    }
}

/// The grey copy of an RGB frame (`width`×`height`, 3 bytes a pixel), by averaging blocks.
pub fn grey(width: u32, height: u32, rgb: &[u8]) -> Grey {
    let mut out = vec![0u8; (GREY_W * GREY_H) as usize];
    if width == 0 || height == 0 || rgb.len() < (width * height * 3) as usize {
        return Grey(out);
    }
    for gy in 0..GREY_H {
        for gx in 0..GREY_W {
            let (x0, x1) = (
                gx * width / GREY_W,
                ((gx + 1) * width / GREY_W).max(gx * width / GREY_W + 1),
            );
            let (y0, y1) = (
                gy * height / GREY_H,
                ((gy + 1) * height / GREY_H).max(gy * height / GREY_H + 1),
            );
            let (mut sum, mut n) = (0u64, 0u64);
            // Every other pixel of the block is enough for an average.
            for y in (y0..y1.min(height)).step_by(2) {
                for x in (x0..x1.min(width)).step_by(2) {
                    let i = ((y * width + x) * 3) as usize;
                    let (r, g, b) = (rgb[i] as u64, rgb[i + 1] as u64, rgb[i + 2] as u64);
                    sum += (299 * r + 587 * g + 114 * b) / 1000;
                    n += 1;
                }
            }
            out[(gy * GREY_W + gx) as usize] = (sum / n.max(1)) as u8;
        }
    }
    Grey(out)
}

/// Whether the grey pixel at (x, y) lies inside the oval the screen draws (centred, half the frame wide, 80 % of
/// it high: taller than wide, as a face is).
fn in_oval(x: u32, y: u32) -> bool {
    let (cx, cy) = (GREY_W as f32 / 2.0, GREY_H as f32 / 2.0);
    let (rx, ry) = (GREY_W as f32 * 0.25, GREY_H as f32 * 0.4);
    let (dx, dy) = ((x as f32 + 0.5 - cx) / rx, (y as f32 + 0.5 - cy) / ry);
    dx * dx + dy * dy <= 1.0
}

/// Checks a frame against the one before it (if any): `Ok` when it may be taken.
pub fn check(frame: &Grey, previous: Option<&Grey>) -> Result<(), Problem> {
    let at = |x: u32, y: u32| frame.0[(y * GREY_W + x) as usize] as f32;
    let (mut sum, mut n) = (0.0f32, 0.0f32);
    let mut laplacians = Vec::new();
    for y in 1..GREY_H - 1 {
        for x in 1..GREY_W - 1 {
            if !in_oval(x, y) {
                continue;
            }
            sum += at(x, y);
            n += 1.0;
            laplacians
                .push(at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y));
        }
    }
    let mean = sum / n.max(1.0);
    if mean < TOO_DARK {
        return Err(Problem::TooDark);
    }
    if mean > TOO_BRIGHT {
        return Err(Problem::TooBright);
    }
    let lap_mean = laplacians.iter().sum::<f32>() / laplacians.len().max(1) as f32;
    let variance = laplacians
        .iter()
        .map(|l| (l - lap_mean) * (l - lap_mean))
        .sum::<f32>()
        / laplacians.len().max(1) as f32;
    if variance < BLURRED {
        return Err(Problem::Blurred);
    }
    if let Some(previous) = previous {
        let change = frame
            .0
            .iter()
            .zip(&previous.0)
            .map(|(a, b)| (*a as f32 - *b as f32).abs())
            .sum::<f32>()
            / frame.0.len() as f32;
        if change > MOVING {
            return Err(Problem::Moving);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame of `w`×`h` made by `pixel`.
    fn frame(w: u32, h: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                rgb.extend_from_slice(&pixel(x, y));
            }
        }
        rgb
    }

    /// Stripes a face's worth of detail: sharp, mid-grey on average.
    fn detailed(offset: u32) -> impl Fn(u32, u32) -> [u8; 3] {
        move |x, y| {
            let v = if ((x + offset) / 8 + y / 8).is_multiple_of(2) {
                70
            } else {
                190
            };
            [v, v, v]
        }
    }

    #[test]
    fn a_sharp_steady_frame_passes() {
        let a = grey(640, 480, &frame(640, 480, detailed(0)));
        let b = grey(640, 480, &frame(640, 480, detailed(0)));
        assert_eq!(check(&a, None), Ok(()));
        assert_eq!(check(&b, Some(&a)), Ok(()));
    }

    #[test]
    fn dark_bright_flat_and_moving_frames_are_refused_with_their_reason() {
        let dark = grey(640, 480, &frame(640, 480, |_, _| [20, 20, 20]));
        assert_eq!(check(&dark, None), Err(Problem::TooDark));
        let bright = grey(640, 480, &frame(640, 480, |_, _| [250, 250, 250]));
        assert_eq!(check(&bright, None), Err(Problem::TooBright));
        let flat = grey(640, 480, &frame(640, 480, |_, _| [128, 128, 128]));
        assert_eq!(check(&flat, None), Err(Problem::Blurred));
        let a = grey(640, 480, &frame(640, 480, detailed(0)));
        let moved = grey(640, 480, &frame(640, 480, detailed(8)));
        assert_eq!(check(&moved, Some(&a)), Err(Problem::Moving));
        assert!(!Problem::Moving.words().is_empty());
    }

    #[test]
    fn a_short_buffer_is_a_dark_frame_not_a_panic() {
        let broken = grey(640, 480, &[1, 2, 3]);
        assert_eq!(check(&broken, None), Err(Problem::TooDark));
    }
}

#[cfg(test)]
mod sim_face_tests {
    use super::*;
    use drivers::camera::DocumentCamera;

    /// The simulated face camera's picture passes the gates, so a demonstration (and the path test) can be
    /// verified without a real face.
    #[test]
    fn the_simulated_face_passes_the_gates() {
        let mut camera = drivers::camera::SimFaceCamera::default();
        let a = camera.preview(640, 480).expect("frame");
        let b = camera.preview(640, 480).expect("frame");
        let (ga, gb) = (
            grey(a.width, a.height, &a.rgb),
            grey(b.width, b.height, &b.rgb),
        );
        assert_eq!(check(&ga, None), Ok(()));
        assert_eq!(check(&gb, Some(&ga)), Ok(()));
    }
}
