//! A simulated face camera: a synthetic face (no one's) in front of a plain wall, lit evenly, as a webcam at the
//! kiosk's height would see it, at 640×480. It holds still, so a picture can be taken of it; what it is compared
//! with is the simulated back office's business (it answers as it is told).

use image::{Rgb, RgbImage};

use super::{encode_jpeg, CameraError, DocumentCamera, Frame};

pub struct SimFaceCamera {
    scene: RgbImage,
}

impl Default for SimFaceCamera {
    fn default() -> Self {
        SimFaceCamera {
            scene: render_face(640, 480),
        }
    }
}

impl DocumentCamera for SimFaceCamera {
    fn preview(&mut self, max_width: u32, max_height: u32) -> Result<Frame, CameraError> {
        Ok(Frame::from_image(&self.scene, max_width, max_height))
    }

    fn capture(&mut self) -> Result<Vec<u8>, CameraError> {
        encode_jpeg(&self.scene, 85)
    }
}

/// Whether (x, y) lies in the ellipse centred at (cx, cy) with radii (rx, ry).
fn in_ellipse(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> bool {
    let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
    dx * dx + dy * dy <= 1.0
}

/// The face: hair, skin, brows, eyes, nose and mouth, with the fine grain a real sensor gives (the sharpness
/// gate looks for detail).
fn render_face(width: u32, height: u32) -> RgbImage {
    let (w, h) = (width as f32, height as f32);
    let (cx, cy) = (w / 2.0, h * 0.52);
    let (rx, ry) = (w * 0.17, h * 0.33);
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        // A pale wall, a little darker towards the bottom.
        let mut pixel = [
            196.0 - fy / h * 30.0,
            200.0 - fy / h * 30.0,
            204.0 - fy / h * 26.0,
        ];
        let shoulders = fy > cy + ry * 0.8 && in_ellipse(fx, fy, cx, h * 1.15, w * 0.38, h * 0.35);
        if shoulders {
            pixel = [38.0, 52.0, 88.0];
        }
        let hair = in_ellipse(fx, fy, cx, cy - ry * 0.18, rx * 1.12, ry * 1.02) && fy < cy;
        if hair {
            pixel = [42.0, 32.0, 28.0];
        }
        if in_ellipse(fx, fy, cx, cy + ry * 0.08, rx, ry * 0.9) {
            // Skin, lit from the front: a little darker at the edges.
            let (dx, dy) = ((fx - cx) / rx, (fy - cy) / ry);
            let shade = 1.0 - 0.18 * (dx * dx + dy * dy);
            pixel = [222.0 * shade, 180.0 * shade, 150.0 * shade];
            let eye_y = cy - ry * 0.1;
            for side in [-1.0f32, 1.0] {
                let eye_x = cx + side * rx * 0.42;
                if in_ellipse(fx, fy, eye_x, eye_y - ry * 0.2, rx * 0.26, ry * 0.04) {
                    pixel = [60.0, 45.0, 38.0];
                }
                if in_ellipse(fx, fy, eye_x, eye_y, rx * 0.2, ry * 0.08) {
                    pixel = [245.0, 245.0, 240.0];
                }
                if in_ellipse(fx, fy, eye_x, eye_y, rx * 0.08, ry * 0.075) {
                    pixel = [50.0, 35.0, 30.0];
                }
            }
            if in_ellipse(fx, fy, cx, cy + ry * 0.15, rx * 0.1, ry * 0.16) {
                pixel = [200.0 * shade, 156.0 * shade, 128.0 * shade];
            }
            if in_ellipse(fx, fy, cx, cy + ry * 0.45, rx * 0.32, ry * 0.06) {
                pixel = [170.0, 80.0, 80.0];
            }
        }
        // Sensor grain: a fixed pattern, so every frame is the same (the person holds still).
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 17) as f32 - 8.0;
        Rgb(pixel.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_face_holds_still_and_is_a_jpeg() {
        let mut camera = SimFaceCamera::default();
        let a = camera.preview(640, 480).expect("frame");
        let b = camera.preview(640, 480).expect("frame");
        assert_eq!((a.width, a.height), (640, 480));
        assert_eq!(a.rgb, b.rgb, "a still face");
        let jpeg = camera.capture().expect("picture");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert!(jpeg.len() < 200 * 1024, "{} bytes", jpeg.len());
    }
}
